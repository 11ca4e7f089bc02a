//! `repair_timetable` from any start: random complete timetables, partial ones (lectures
//! left out of the file), files with repeated lines (the reader skips them, so those
//! lectures start unscheduled), and last week's timetable after an edit of every kind.
//! Each must end with 0 hard violations on every shared instance; moves are counted
//! against the reference the same way everywhere; `--max-moves` and pins hold.
//!
//! Bounded by rounds, never by wall time (deadlines far beyond any round), so a slow
//! machine cannot fail these.

mod common;

use std::sync::Arc;

use atoll::model::Moves;
use atoll::model::edit::{
    AddLectures, AtEdit, InstanceEdits, MergeCurricula, NewCourse, SetStudents, carry_over,
};
use atoll::parallel::random_timetable;
use atoll::repair::{RepairRequest, RepairResult, RepairStop, Stability, repair_timetable};
use atoll::{Instance, SolverOptions, Timetable, parse_solution, score, write_solution};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Most rounds a repair may take here; every start reaches 0 hard far sooner.
const MAX_ROUNDS: u64 = 400;

fn options(seed: u64) -> SolverOptions {
    SolverOptions {
        seed,
        time_limit: None,
        conflict_deadline_ms: 600_000.0,
        stall_timeout_s: 3600.0,
        conflict_batch: 8,
        // Short escalation walks keep the test quick; they double while they fail.
        burst_iterations: 5_000,
        ..Default::default()
    }
}

fn pool() -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap()
}

/// Repairs `start` by rounds (no time limit) until 0 hard, and checks the result.
fn repair(inst: &Instance, start: Timetable, seed: u64, label: &str) -> RepairResult {
    repair_with(inst, start, seed, label, false)
}

/// [`repair`], cancelled at the first round that ends feasible when `until_feasible`:
/// the property of the start tests is reaching 0 hard, and the polish after it was most
/// of their time (this also checks that a cancelled repair returns its best timetable).
fn repair_with(
    inst: &Instance,
    start: Timetable,
    seed: u64,
    label: &str,
    until_feasible: bool,
) -> RepairResult {
    let request = RepairRequest {
        options: options(seed),
        time_limit: None,
        max_rounds: Some(MAX_ROUNDS),
        ..Default::default()
    };
    let cancel = request.cancel.clone();
    let reference = start.clone();
    let inst = Arc::new(inst.clone());
    let res = pool()
        .install(|| {
            repair_timetable(inst.clone(), start, request, &mut |p| {
                if until_feasible && p.hard == 0 {
                    cancel.cancel();
                }
            })
        })
        .unwrap();
    let full = score(&inst, &res.timetable);
    assert_eq!(full.cost(), res.cost, "{label}: the reported cost is exact");
    assert_eq!(
        full.hard(),
        0,
        "{label}: {} hard left after {} rounds ({:?}): {full:?}",
        full.hard(),
        res.stats.rounds,
        res.stop
    );
    // Moves are counted against the start (the default reference), once, one way.
    let moves = Moves::between(&inst, &reference, &res.timetable);
    assert_eq!(moves, res.moves, "{label}");
    assert_eq!(moves.moved, moves.room_only + moves.period, "{label}");
    assert_eq!(moves.moved, moves.lectures.len(), "{label}");
    res
}

/// `tt` with about `share` of its lectures left out.
fn partial(tt: &Timetable, share: f64, seed: u64) -> Timetable {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut out = tt.clone();
    for l in 0..out.len() {
        if rng.random_bool(share) {
            out.set(
                atoll::model::LectureId(l as u32),
                atoll::model::Slot::UNSCHEDULED,
            );
        }
    }
    out
}

/// `tt` written as a `.sol` file with `n` of its lines repeated, read back: the reader
/// skips the repeats (a warning), so no lecture is placed twice.
fn with_duplicate_lines(inst: &Instance, tt: &Timetable, n: usize, seed: u64) -> Timetable {
    let text = write_solution(inst, tt);
    let mut lines: Vec<&str> = text.lines().collect();
    let mut rng = SmallRng::seed_from_u64(seed);
    for _ in 0..n {
        let l = lines[rng.random_range(0..lines.len())];
        lines.push(l);
    }
    let body = lines.join("\n");
    let (read, warnings) = parse_solution(inst, body.as_bytes(), "dup.sol").unwrap();
    assert!(!warnings.is_empty(), "the repeats are reported");
    read
}

#[test]
fn repair_reaches_zero_hard_from_random_starts_on_every_shared_instance() {
    for (k, path) in common::all_instances().iter().enumerate() {
        let inst = common::load(path);
        let tt = random_timetable(&inst, 500 + k as u64);
        let label = format!("{} random", path.display());
        let res = repair_with(&inst, tt, k as u64, &label, true);
        eprintln!(
            "{:<40} random: {} rounds ({} escalations), moved {}",
            path.display(),
            res.stats.rounds,
            res.stats.escalations,
            res.moves.moved
        );
    }
}

#[test]
fn repair_reaches_zero_hard_from_partial_starts_on_every_shared_instance() {
    for (k, path) in common::all_instances().iter().enumerate() {
        let inst = common::load(path);
        let tt = partial(&random_timetable(&inst, 600 + k as u64), 0.3, k as u64);
        assert!(score(&inst, &tt).lectures > 0, "the start misses lectures");
        let label = format!("{} partial", path.display());
        let res = repair_with(&inst, tt, k as u64, &label, true);
        assert!(res.timetable.scheduled().count() >= inst.n_lectures());
    }
}

#[test]
fn repair_reaches_zero_hard_from_starts_with_duplicate_lines_on_every_shared_instance() {
    for (k, path) in common::all_instances().iter().enumerate() {
        let inst = common::load(path);
        let tt = random_timetable(&inst, 700 + k as u64);
        let n = (inst.n_lectures() / 10).max(3);
        let start = with_duplicate_lines(&inst, &tt, n, k as u64);
        let label = format!("{} duplicates", path.display());
        repair_with(&inst, start, k as u64, &label, true);
    }
}

/// A good timetable of `inst`: a random one repaired (to feasible; the edits break it).
fn good(inst: &Instance) -> Timetable {
    repair_with(inst, random_timetable(inst, 1), 1, "base", true).timetable
}

#[test]
fn every_kind_of_edit_is_repaired_to_zero_hard_moving_few_lectures() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let old = good(&inst);
    let c0 = &inst.courses[0];
    let teacher = inst.teachers[c0.teacher.idx()].clone();
    let g0 = inst.curricula[0].name.clone();
    // The two smallest curricula merged (merging two large ones can leave more lectures
    // than periods: no timetable exists).
    let load = |g: &atoll::model::Curriculum| -> u32 {
        g.courses
            .iter()
            .map(|c| inst.courses[c.idx()].lectures as u32)
            .sum()
    };
    let mut by_load: Vec<usize> = (0..inst.curricula.len()).collect();
    by_load.sort_by_key(|&g| (load(&inst.curricula[g]), g));
    let (small0, small1) = (
        inst.curricula[by_load[0]].name.clone(),
        inst.curricula[by_load[1]].name.clone(),
    );
    let edits = [
        InstanceEdits {
            teacher_unavailable: (0..inst.periods_per_day as usize)
                .map(|p| AtEdit {
                    name: teacher.clone(),
                    day: 1,
                    period: p,
                })
                .collect(),
            ..Default::default()
        },
        InstanceEdits {
            room_closed: (0..inst.periods_per_day as usize)
                .flat_map(|p| (0..2).map(move |d| (d, p)))
                .map(|(d, p)| AtEdit {
                    name: inst.rooms[0].name.clone(),
                    day: d,
                    period: p,
                })
                .collect(),
            ..Default::default()
        },
        InstanceEdits {
            add_lectures: vec![AddLectures {
                course: c0.name.clone(),
                lectures: 1,
            }],
            ..Default::default()
        },
        InstanceEdits {
            new_courses: vec![NewCourse {
                name: "NEW1".into(),
                teacher: "tnew".into(),
                lectures: 3,
                min_working_days: 2,
                students: 30,
                curricula: vec![g0.clone()],
            }],
            ..Default::default()
        },
        InstanceEdits {
            students: vec![SetStudents {
                course: c0.name.clone(),
                students: c0.students + 40,
            }],
            ..Default::default()
        },
        InstanceEdits {
            merge_curricula: vec![MergeCurricula {
                into: small0,
                from: small1,
            }],
            ..Default::default()
        },
    ];
    for (k, e) in edits.iter().enumerate() {
        let edited = e.apply(&inst).unwrap();
        let start = carry_over(&inst, &old, &edited);
        let broken = score(&edited, &start).hard() as usize;
        let res = repair(&edited, start, k as u64, &format!("edit {k}"));
        // Lexicographic default: the lectures the edit displaced, and a few neighbours
        // each (a swap, a short chain) — not the week.
        assert!(
            res.moves.moved <= 3 * broken + 3,
            "edit {k}: moved {} of {} for {broken} hard violations",
            res.moves.moved,
            res.moves.of
        );
        eprintln!(
            "edit {k}: moved {} ({} room only)",
            res.moves.moved, res.moves.room_only
        );
    }
}

#[test]
fn max_moves_caps_moves_once_feasible_and_cancel_returns_the_best_so_far() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let old = good(&inst);
    // A feasible start with moves free: without a cap, soft cost pulls lectures away.
    let free = RepairRequest {
        options: options(3),
        time_limit: None,
        max_rounds: Some(60),
        stability: Stability {
            move_weight: 0,
            max_moves: Some(2),
        },
        ..Default::default()
    };
    let i = Arc::new(inst.clone());
    let res = pool()
        .install(|| repair_timetable(i.clone(), old.clone(), free, &mut |_| {}))
        .unwrap();
    assert_eq!(res.cost.hard, 0);
    assert!(res.moves.moved <= 2, "{:?}", res.moves);
    assert!(res.cost <= score(&inst, &old).cost());

    // Cancelled before the first round: the start comes back, as the best so far.
    let cancelled = RepairRequest {
        options: options(3),
        ..Default::default()
    };
    cancelled.cancel.cancel();
    let start = random_timetable(&inst, 9);
    let res = pool()
        .install(|| repair_timetable(i.clone(), start.clone(), cancelled, &mut |_| {}))
        .unwrap();
    assert_eq!(res.stop, RepairStop::Cancelled);
    assert_eq!(res.timetable, start);
    assert_eq!(res.moves.moved, 0);
}
