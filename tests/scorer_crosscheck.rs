//! The evaluator against the independent scorer (`shared/tools/ctt_score.py`), component by
//! component, on random and perturbed solutions of every shared instance — including
//! files with unknown names, out-of-range periods, repeated and extra lectures.

mod common;
#[path = "corpus/support.rs"]
mod support;

use atoll::model::{CourseId, LectureId, Slot};
use atoll::parallel::random_timetable;
use atoll::{evaluate, parse_solution, write_solution};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn python_score(instance: &std::path::Path, solution: &std::path::Path) -> serde_json::Value {
    match support::python_score(&common::shared_dir(), instance, solution) {
        support::Python::Scored(v) => v,
        support::Python::Rejected(e) => panic!("ctt_score.py rejected a generated solution: {e}"),
    }
}

#[test]
fn evaluator_agrees_with_independent_scorer() {
    let dir = tempdir();
    let mut checked = 0;
    for path in common::all_instances() {
        let inst = common::load(&path);
        let mut rng = SmallRng::seed_from_u64(7);
        for k in 0..4u64 {
            let mut tt = random_timetable(&inst, k * 1000 + 17);
            // Leave some lectures unscheduled in half the cases.
            if k % 2 == 1 {
                for l in 0..tt.len() {
                    if rng.random_bool(0.15) {
                        tt.set(LectureId(l as u32), Slot::UNSCHEDULED);
                    }
                }
            }
            let mut text = write_solution(&inst, &tt);
            if k >= 2 {
                // Lines the validator skips, and an extra lecture.
                let c0 = &inst.courses[0].name;
                let r0 = &inst.rooms[0].name;
                text += &format!("NoSuchCourse {r0} 0 0\n{c0} NoSuchRoom 0 0\n");
                text += &format!(
                    "{c0} {r0} {} 0\n{c0} {r0} 0 {}\n",
                    inst.days, inst.periods_per_day
                );
                let first = text.lines().next().unwrap().to_string();
                text += &format!("{first}\n");
                let c = CourseId(rng.random_range(0..inst.courses.len()) as u16);
                let name = &inst.courses[c.idx()].name;
                for p in 0..inst.n_periods().min(3) {
                    let pid = atoll::model::PeriodId(p as u16);
                    text += &format!(
                        "{name} {r0} {} {}\n",
                        inst.day_of(pid),
                        inst.period_of_day(pid)
                    );
                }
            }
            let sol_path = dir.join(format!("{}-{k}.sol", inst.name));
            std::fs::write(&sol_path, &text).unwrap();
            let (parsed, _warnings) =
                parse_solution(&inst, text.as_bytes(), "generated.sol").unwrap();
            let ours = evaluate(&inst, &parsed).breakdown;
            let theirs = python_score(&path, &sol_path);
            let h = &theirs["hard"];
            let s = &theirs["soft"];
            let expect = [
                ("Lectures", ours.lectures, &h["Lectures"]),
                ("Conflicts", ours.conflicts, &h["Conflicts"]),
                ("Availability", ours.availability, &h["Availability"]),
                ("RoomOccupation", ours.room_occupancy, &h["RoomOccupation"]),
                ("RoomCapacity", ours.room_capacity, &s["RoomCapacity"]),
                (
                    "MinWorkingDays",
                    ours.min_working_days,
                    &s["MinWorkingDays"],
                ),
                (
                    "CurriculumCompactness",
                    ours.curriculum_compactness,
                    &s["CurriculumCompactness"],
                ),
                ("RoomStability", ours.room_stability, &s["RoomStability"]),
            ];
            for (name, mine, theirs) in expect {
                assert_eq!(
                    Some(mine as u64),
                    theirs.as_u64(),
                    "{name} differs on {} case {k}",
                    path.display()
                );
            }
            checked += 1;
        }
    }
    assert!(checked >= 19 * 4);
}

fn tempdir() -> std::path::PathBuf {
    let d = std::env::temp_dir().join(format!("atoll-crosscheck-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
