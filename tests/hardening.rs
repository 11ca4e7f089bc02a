//! Hardening (issue 15): each test pins down one defect found by reading the failure
//! paths — a huge time limit, a score past `u32`, a damaged Q-table, the memory budget, a
//! quadratic parse, the exports — so that it stays fixed. Each failed on the code before
//! its fix (see the notes of issue 15).

mod common;

use std::process::{Command, Output};
use std::sync::Arc;

use atoll::budget::{CancelToken, Stop};
use atoll::evolve::CpuBatchEvaluator;
use atoll::export::{Entity, IcsOptions, to_ics_of};
use atoll::export::{LectureRow, lecture_rows, to_csv, to_ics};
use atoll::io::ParseErrorKind;
use atoll::options::{MAX_DURATION_S, duration_from_secs};
use atoll::repair::{QTableError, new_qtable, qtable_from_json};
use atoll::{Instance, SolverOptions, parse_instance, parse_solution};
use web_time::Duration;

fn toy() -> Instance {
    common::load(&common::shared_dir().join("instances/extra/toy.ctt"))
}

fn atoll_cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_atoll"))
        .args(args)
        .output()
        .expect("cannot run atoll")
}

// --- Defect 2: a huge time limit panicked -------------------------------------------

#[test]
fn time_limits_beyond_30_days_are_refused_by_name_with_the_cap() {
    for t in [
        1e19,
        1e20,
        f64::INFINITY,
        f64::NAN,
        MAX_DURATION_S + 1.0,
        0.0,
        -1.0,
    ] {
        let opts = SolverOptions {
            time_limit: Some(t),
            ..Default::default()
        };
        let e = opts.validate().expect_err("out of range");
        assert_eq!(e.name(), "time_limit");
        assert!(e.to_string().contains("2592000"), "{e}");
        assert!(e.to_string().contains("30 days"), "{e}");
    }
    let at_cap = SolverOptions {
        time_limit: Some(MAX_DURATION_S),
        ..Default::default()
    };
    assert_eq!(at_cap.validate(), Ok(()));
    assert_eq!(
        duration_from_secs("--time", 1.5),
        Ok(Duration::from_millis(1500))
    );
    assert_eq!(
        duration_from_secs("--time", 1e300).unwrap_err().name(),
        "--time"
    );
}

#[test]
fn a_solve_with_a_huge_time_limit_is_an_error_not_a_panic() {
    let inst = Arc::new(toy());
    for t in [1e19, 1e20] {
        let opts = SolverOptions {
            time_limit: Some(t),
            islands: 1,
            ..Default::default()
        };
        let r = atoll::solver::Solver::new(
            inst.clone(),
            &opts,
            &mut CpuBatchEvaluator,
            CancelToken::new(),
        );
        assert_eq!(
            r.err().map(|e| e.name().to_string()).as_deref(),
            Some("time_limit")
        );
    }
}

#[test]
fn deadlines_past_what_the_clock_holds_never_panic() {
    // Past every entry point's validation, `Stop` itself must not overflow either.
    let stop = Stop::new(CancelToken::new(), Some(Duration::MAX));
    assert!(!stop.should_stop());
    assert_eq!(stop.time_fraction(), 0.0);
    let child = stop.child(Duration::MAX);
    assert!(!child.should_stop());
    let bounded = Stop::new(CancelToken::new(), Some(Duration::from_secs(3600)));
    let child = bounded.child(Duration::MAX);
    assert!(!child.should_stop());
    assert!(child.time_fraction() < 1.0);
}

#[test]
fn the_cli_refuses_huge_times_for_solve_repair_bench_and_bench_eval() {
    let inst = common::shared_dir().join("instances/extra/toy.ctt");
    let inst = inst.to_str().unwrap();
    let sol =
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/toy_optimal.sol");
    let sol = sol.to_str().unwrap();
    let cases: [(&[&str], &str); 6] = [
        (&["repair", inst, sol, "--time", "inf", "--quiet"], "--time"),
        (
            &["repair", inst, sol, "--time", "1e20", "--quiet"],
            "--time",
        ),
        (&["solve", inst, "--time", "1e20", "--quiet"], "time_limit"),
        (&["bench", inst, "--time", "1e19", "--seeds", "1"], "--time"),
        (&["bench", inst, "--time", "inf", "--ablation"], "--time"),
        (&["bench-eval", inst, "--seconds", "nan"], "--seconds"),
    ];
    for (args, name) in cases {
        let o = atoll_cli(args);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(name) && err.contains("2592000"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

// --- Defect 5: a Q-table entry with no observation but a sum ------------------------

#[test]
fn a_qtable_entry_with_count_0_and_a_sum_is_refused() {
    let json = new_qtable().to_json();
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["sum"][3] = serde_json::json!(5_000_000);
    let e = qtable_from_json(&v.to_string()).unwrap_err();
    assert_eq!(
        e,
        QTableError::EmptyEntry {
            index: 3,
            sum: 5_000_000
        }
    );
    assert!(e.to_string().contains("entry 3") && e.to_string().contains("count 0"));
    // An entry that was never visited (count 0, sum 0) is fine.
    assert!(qtable_from_json(&json).is_ok());
}

// --- Defect 10: quadratic parsing (timing: `cargo run --release --example bench_parse`)

#[test]
fn a_solution_line_longer_than_any_names_is_refused_naming_its_line() {
    let inst = toy();
    let mut text = String::from("TecCos rC 0 0\n");
    for i in 0..20_000 {
        text.push_str(&format!("w{i} "));
    }
    text.push_str("0 0\n");
    let e = parse_solution(&inst, text.as_bytes(), "long.sol").unwrap_err();
    assert_eq!(e.line, 2);
    assert!(
        matches!(e.kind, ParseErrorKind::SolutionFields { found: 20_002 }),
        "{e}"
    );
}

/// A campus-style instance whose names hold spaces, made from `.ctt` text (names with
/// spaces cannot be written there, so they are renamed after parsing).
fn spaced(courses: &[&str], rooms: &[&str]) -> Instance {
    let mut text = format!(
        "Name: spaced\nCourses: {}\nRooms: {}\nDays: 2\nPeriods_per_day: 2\nCurricula: 0\nConstraints: 0\n\nCOURSES:\n",
        courses.len(),
        rooms.len()
    );
    for i in 0..courses.len() {
        text.push_str(&format!("c{i} t{i} 1 1 10\n"));
    }
    text.push_str("\nROOMS:\n");
    for i in 0..rooms.len() {
        text.push_str(&format!("r{i} 50\n"));
    }
    text.push_str("\nCURRICULA:\n\nUNAVAILABILITY_CONSTRAINTS:\n\nEND.\n");
    let mut parts = parse_instance(text.as_bytes(), "spaced.ctt")
        .unwrap()
        .to_parts();
    for (c, name) in parts.courses.iter_mut().zip(courses) {
        c.name = name.to_string();
    }
    for (r, name) in parts.rooms.iter_mut().zip(rooms) {
        r.name = name.to_string();
    }
    Instance::new(parts).unwrap()
}

#[test]
fn names_with_spaces_are_still_split_and_ambiguity_is_still_an_error() {
    let inst = spaced(
        &["Chem 1", "Chem 1 A", "Bio"],
        &["A 101", "101", "Lagoon Hall 2"],
    );
    let (tt, w) = parse_solution(
        &inst,
        b"Bio Lagoon Hall 2 0 1\nChem 1 A Lagoon Hall 2 1 0\n",
        "s.sol",
    )
    .unwrap();
    assert!(w.is_empty());
    let rows: Vec<(String, String)> = lecture_rows(&inst, &tt)
        .into_iter()
        .map(|r| (r.course, r.room))
        .collect();
    assert_eq!(
        rows,
        [
            ("Bio".to_string(), "Lagoon Hall 2".to_string()),
            ("Chem 1 A".to_string(), "Lagoon Hall 2".to_string())
        ]
    );
    // "Chem 1" + "A 101" or "Chem 1 A" + "101": the line cannot be read.
    let e = parse_solution(&inst, b"Chem 1 A 101 0 0\n", "s.sol").unwrap_err();
    assert!(
        matches!(e.kind, ParseErrorKind::SolutionFields { found: 6 }),
        "{e}"
    );
}

#[test]
fn a_large_curriculum_reads_as_a_set_and_every_pair_conflicts() {
    // 300 courses (5 words a set): the curriculum of 200 takes the word-OR path, the
    // teacher with 3 courses the pairwise one; a repeated member counts once.
    let n = 300;
    let mut text = format!(
        "Name: big\nCourses: {n}\nRooms: 1\nDays: 1\nPeriods_per_day: 2\nCurricula: 2\nConstraints: 0\n\nCOURSES:\n"
    );
    for i in 0..n {
        let teacher = if i >= 297 {
            "shared".to_string()
        } else {
            format!("t{i}")
        };
        text.push_str(&format!("c{i} {teacher} 1 1 1\n"));
    }
    text.push_str("\nROOMS:\nr 10\n\nCURRICULA:\nbig 201");
    for i in 0..200 {
        text.push_str(&format!(" c{i}"));
    }
    text.push_str(" c7\nsmall 2 c250 c251\n\nUNAVAILABILITY_CONSTRAINTS:\n\nEND.\n");
    let inst = parse_instance(text.as_bytes(), "big.ctt").unwrap();
    assert_eq!(inst.curricula[0].courses.len(), 200);
    let c = atoll::model::CourseId;
    for a in 0..n {
        for b in 0..n {
            let expected = a != b
                && ((a < 200 && b < 200)
                    || ([a, b] == [250, 251] || [a, b] == [251, 250])
                    || (a >= 297 && b >= 297));
            assert_eq!(
                inst.in_conflict(c(a as u16), c(b as u16)),
                expected,
                "{a} {b}"
            );
        }
    }
}

// --- Defect 11: exports -------------------------------------------------------------

fn one_row() -> (Instance, LectureRow) {
    let inst = toy();
    let (tt, _) = parse_solution(&inst, b"TecCos rC 0 0\n", "t.sol").unwrap();
    let row = lecture_rows(&inst, &tt).remove(0);
    (inst, row)
}

/// Splits a CSV list field at the unescaped `;`, undoing the `\` escapes.
fn split_list(field: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut chars = field.chars();
    while let Some(ch) = chars.next() {
        match ch {
            '\\' => out.last_mut().unwrap().extend(chars.next()),
            ';' => out.push(String::new()),
            _ => out.last_mut().unwrap().push(ch),
        }
    }
    out
}

#[test]
fn csv_lists_keep_names_holding_semicolons_apart() {
    let (_, mut row) = one_row();
    row.teachers = vec!["Rosa; Ada".to_string(), "Bo\\".to_string()];
    row.curricula = vec!["G;1".to_string(), "G".to_string()];
    let csv = to_csv(&[row.clone()]);
    let line = csv.split("\r\n").nth(1).unwrap();
    let fields: Vec<&str> = line.split(',').collect();
    assert_eq!(split_list(fields[5]), row.curricula);
    assert_eq!(split_list(fields[6]), row.teachers);
}

#[test]
fn csv_names_that_look_like_formulas_are_prefixed_with_a_quote() {
    let (_, mut row) = one_row();
    row.course = "=HYPERLINK(\"http://x\")".to_string();
    row.teacher = "+1".to_string();
    row.teachers = vec!["@SUM(A1)".to_string()];
    row.room = "-2".to_string();
    row.curricula = vec!["\tG".to_string()];
    row.day_name = "\rMon".to_string();
    let csv = to_csv(&[row]);
    let line = csv.split("\r\n").nth(1).unwrap();
    assert!(
        line.starts_with("\"'=HYPERLINK(\"\"http://x\"\")\",'+1,'-2,0,0,'\tG,'@SUM(A1),"),
        "{line}"
    );
    assert!(csv.contains("\"'\rMon\""), "{csv:?}");
    // Ordinary names are untouched.
    let (_, plain) = one_row();
    assert!(to_csv(&[plain]).contains("\r\nTecCos,Rosa,rC,0,0,Cur1;Cur2,Rosa,Day 1,"));
}

fn uid(ics: &str) -> String {
    ics.lines()
        .find(|l| l.starts_with("UID:"))
        .expect("an event")
        .to_string()
}

#[test]
fn ics_uids_of_non_ascii_names_do_not_collide() {
    let (inst, row) = one_row();
    let opts = IcsOptions::parse(&inst, "2026-09-07", "08:00 09:00 10:00 11:00", 60, 1).unwrap();
    let with = |course: &str, room: &str| {
        let mut r = row.clone();
        r.course = course.to_string();
        r.room = room.to_string();
        uid(&to_ics(&inst, &[r], &opts))
    };
    // One lecture each, in different calendars (two teachers' exports, say): before, both
    // were `..-__-rC@atoll`, and importing the second replaced the first.
    assert_ne!(with("数学", "rC"), with("物理", "rC"));
    assert_ne!(with("Math", "教室一"), with("Math", "教室二"));
    // Separators inside names no longer run parts together.
    assert_ne!(with("A-B", "C"), with("A", "B-C"));
    assert_ne!(with("a b", "rC"), with("a_b", "rC"));
    // Stable: the same lecture has the same UID, whichever calendar holds it.
    assert_eq!(with("数学", "rC"), with("数学", "rC"));
    let all = to_ics_of(&inst, std::slice::from_ref(&row), &opts, &Entity::All);
    let room = to_ics_of(&inst, &[row], &opts, &Entity::Room("rC".to_string()));
    assert_eq!(uid(&all), uid(&room));
}

// --- Defect 4: scores past u32 ------------------------------------------------------

/// Three courses of 30 lectures (one per period) for `students` students each and one room of one seat,
/// over 5 days × 6 periods, with room capacity weighing `weight`.
fn crowded(students: u32, weight: u32) -> Result<Instance, atoll::model::ModelError> {
    let text = format!(
        "Name: crowded\nCourses: 3\nRooms: 1\nDays: 5\nPeriods_per_day: 6\nCurricula: 0\nConstraints: 0\n\nCOURSES:\na ta 30 1 {students}\nb tb 30 1 {students}\nc tc 30 1 {students}\n\nROOMS:\nr 1\n\nCURRICULA:\n\nUNAVAILABILITY_CONSTRAINTS:\n\nEND.\n"
    );
    let mut parts = parse_instance(text.as_bytes(), "crowded.ctt")
        .unwrap()
        .to_parts();
    parts.campus.weights.room_capacity = weight;
    Instance::new(parts)
}

#[test]
fn a_campus_whose_weights_could_overflow_a_score_is_refused_at_load() {
    // 90 lectures × 200,000 students × weight 1000 = 1.8·10^10 > u32::MAX: before, the bound
    // ignored the weight, the instance loaded and the room capacity cost wrapped.
    let e = crowded(200_000, 1000).expect_err("must not load");
    let atoll::model::ModelError::CostTooLarge {
        total,
        component,
        weight,
        bound,
        max,
        ..
    } = e
    else {
        panic!("{e}");
    };
    assert_eq!((total, component, weight), ("soft", "room capacity", 1000));
    assert!(bound > u64::from(u32::MAX) && max == u64::from(u32::MAX));
    let text = e.to_string();
    assert!(
        text.contains("room capacity with weight 1000") && text.contains("4294967295"),
        "{text}"
    );
}

#[test]
fn an_instance_that_loads_scores_exactly_at_its_worst() {
    // The largest room-capacity weight that still loads: every lecture placed in the
    // one-seat room must then score exactly, in the full and the delta evaluator.
    let students = 200_000u32;
    let mut lo = 1u32;
    let mut hi = 1000u32;
    assert!(crowded(students, lo).is_ok() && crowded(students, hi).is_err());
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if crowded(students, mid).is_ok() {
            lo = mid
        } else {
            hi = mid
        }
    }
    let inst = crowded(students, lo).unwrap();
    let mut sol = String::new();
    for c in ["a", "b", "c"] {
        for p in 0..30 {
            sol.push_str(&format!("{c} r {} {}\n", p / 6, p % 6));
        }
    }
    let (tt, _) = parse_solution(&inst, sol.as_bytes(), "worst.sol").unwrap();
    let expected = 90u64 * u64::from(students - 1) * u64::from(lo);
    assert!(
        expected > u64::from(u32::MAX) / 2,
        "the worst case is near the bound"
    );
    let full = atoll::score(&inst, &tt);
    assert_eq!(u64::from(full.room_capacity), expected);
    assert_eq!(
        u64::from(full.soft()),
        expected
            + u64::from(full.room_stability)
            + u64::from(full.min_working_days)
            + u64::from(full.curriculum_compactness)
    );
    let delta = atoll::IncrementalState::new(&inst, tt.clone());
    assert_eq!(delta.breakdown(), full);
    assert_eq!(delta.cost(), full.cost());
}

// --- Defect 6: the memory budget ignored the wasm heap and the instance's size --------

#[test]
fn a_budget_never_exceeds_the_wasm_heap() {
    use atoll::budget::{Budget, MemorySource, WASM_HEAP_GIB};
    // navigator.deviceMemory of 8 GiB used to allow 64 × 4096 in a 1 GiB heap.
    let b = Budget::from_memory_within(8.0, MemorySource::DeviceMemory, Some(WASM_HEAP_GIB));
    assert_eq!(b.memory_gib, 1.0);
    assert_eq!(b.heap_limit_gib, Some(1.0));
    let one = Budget::from_memory(1.0, MemorySource::Option);
    assert_eq!(
        (b.max_population, b.max_offspring),
        (one.max_population, one.max_offspring)
    );
    assert!(b.max_offspring < 4096);
    // Natively there is no heap limit.
    assert_eq!(
        Budget::from_memory(8.0, MemorySource::Option).heap_limit_gib,
        None
    );
}

#[test]
fn a_solve_that_cannot_fit_is_refused_naming_the_option_and_what_fits() {
    use atoll::budget::Budget;
    let inst = Arc::new(common::load(
        &common::shared_dir().join("instances/itc2007/comp07.ctt"),
    ));
    let opts = SolverOptions {
        memory_gib: Some(0.0625),
        islands: 256,
        population: 64,
        offspring: 4096,
        refine: 1,
        construct_attempts: 1,
        ..Default::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let e = pool
        .install(|| {
            atoll::solver::Solver::new(
                inst.clone(),
                &opts,
                &mut CpuBatchEvaluator,
                CancelToken::new(),
            )
        })
        .err()
        .expect("256 islands of comp07 timetables do not fit in 64 MiB");
    assert_eq!(e.name(), "offspring", "{e}");
    let text = e.to_string();
    assert!(
        text.contains("at most") && text.contains("434 lectures"),
        "{text}"
    );
    // What it says fits, fits; one more does not.
    let fits: usize = text
        .split("at most ")
        .nth(1)
        .and_then(|t| t.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("a number");
    let b = Budget::for_options(&opts).for_instance(inst.n_lectures());
    let conflicts = b.conflict_batch;
    assert!(
        b.check_solve(&inst, 256, b.max_population, fits, 2, conflicts)
            .is_ok()
    );
    assert!(
        b.check_solve(&inst, 256, b.max_population, fits + 1, 2, conflicts)
            .is_err()
    );
    // With too many islands for even one offspring, `islands` is the one to lower.
    let e = b
        .check_solve(&inst, 100_000, b.max_population, 1, 2, conflicts)
        .unwrap_err();
    assert_eq!(e.name(), "islands", "{e}");
}

#[test]
fn caps_shrink_with_the_lecture_count() {
    use atoll::budget::{Budget, MemorySource, timetable_bytes};
    let b = Budget::from_memory(8.0, MemorySource::Option);
    assert_eq!(b.for_instance(434), b, "comp07 is far from 8 GiB");
    // A million lectures: 4 MB a timetable, 1000 of them in the 4 GiB held share.
    let big = b.for_instance(1_000_000);
    let held = (big.max_population + 2 * big.max_offspring + 2) as u64 * timetable_bytes(1_000_000);
    assert!(held <= b.held_bytes(), "{big:?}");
    assert!(big.max_offspring < b.max_offspring && big.gpu_batch < b.gpu_batch);
}

#[test]
fn a_random_batch_holds_only_scores_and_refuses_counts_that_cannot_fit() {
    use atoll::budget::{Budget, MemorySource};
    let inst = toy();
    let small = Budget::from_memory(0.0625, MemorySource::Option);
    let e = atoll::parallel::score_random_batch(&inst, 10_000_000, 1, &small).unwrap_err();
    assert_eq!(e.name(), "count");
    assert!(e.to_string().contains("at most"), "{e}");
    // 100,000 timetables fit now (each is dropped once scored), with the same scores as
    // scoring each one alone.
    let r = atoll::parallel::score_random_batch(&inst, 100_000, 7, &small).unwrap();
    assert_eq!(r.breakdowns.len(), 100_000);
    for i in [0u64, 1, 99_999] {
        let tt = atoll::parallel::random_timetable(&inst, 7 + i);
        assert_eq!(r.breakdowns[i as usize], atoll::score(&inst, &tt));
    }
}
