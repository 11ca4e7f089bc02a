//! The ITC-2019 readers on arbitrary bytes: an error or a result, never a panic.
//! - As an instance: an accepted problem is scored with every class at its first options,
//!   written as a solution, and that solution must read back to the same assignment and
//!   the same evaluation.
//! - The incremental evaluator on an accepted problem: its state of that assignment, and
//!   after moving up to 64 classes to their last options, has the full evaluation's parts.
//! - As a solution of a fixed instance (the scorer's hand-built self-test): an accepted
//!   solution is checked, violations put in words.
#![no_main]

use std::sync::LazyLock;

use atoll::itc2019::delta::State;
use atoll::itc2019::{
    Assignment, CheckReport, Problem, SolutionMeta, evaluate, parse_problem, parse_solution,
    write_solution,
};
use libfuzzer_sys::fuzz_target;

static SELFTEST: LazyLock<Problem> = LazyLock::new(|| {
    parse_problem(
        include_bytes!("../../tests/fixtures/itc2019/selftest.xml"),
        "selftest.xml",
    )
    .expect("the self-test instance reads")
});

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = parse_problem(data, "fuzz.xml") {
        let mut a = Assignment::empty(&p);
        for (i, class) in p.classes.iter().enumerate() {
            a.time[i] = Some(0);
            if class.needs_room() {
                a.room[i] = Some(0);
            }
        }
        let ev = evaluate(&p, &a);
        let meta = SolutionMeta {
            name: p.name.clone(),
            ..Default::default()
        };
        let text = write_solution(&p, &a, &meta);
        let back = parse_solution(&p, text.as_bytes(), "written.xml")
            .expect("a written solution reads back");
        assert_eq!(back.assignment, a, "the writer and reader agree");
        assert!(back.issues.is_empty(), "a written solution has no reader issue");
        assert_eq!(evaluate(&p, &back.assignment), ev);
        let mut st = State::new(&p, &a);
        let same = |st: &State, ev: &atoll::itc2019::Evaluation| {
            let q = st.parts();
            assert_eq!(
                (q.time, q.room, q.distribution, q.student, q.hard),
                (
                    ev.time as i64,
                    ev.room as i64,
                    ev.distribution as i64,
                    ev.student as i64,
                    ev.violations.len() as i64
                ),
                "incremental and full evaluation agree"
            );
        };
        same(&st, &ev);
        for c in 0..p.classes.len().min(64) as u32 {
            let t = p.times(c).len() as u32 - 1;
            let r = p.rooms_of(c).len().checked_sub(1).map(|r| r as u32);
            st.apply_place_move(c, Some(t), r);
        }
        same(&st, &evaluate(&p, &st.assignment()));
    }
    if let Ok(sol) = parse_solution(&SELFTEST, data, "fuzz-solution.xml") {
        let _ = CheckReport::new(&SELFTEST, &sol, true);
    }
});
