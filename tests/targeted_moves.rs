//! The targeted neighbourhoods of docs/TUNING.md: `compact_rate` (a period move or Kempe
//! chain aimed next to a lecture of one of the lecture's curricula) and `spread_rate` (a
//! period move aimed at a day the course lacks for its minimum working days), and
//! `free_room_rate` (a period move into the best free room at its target period) and
//! `ruin_rate` (a curriculum's day taken out and put back greedily). The
//! targets are checked by hand on the toy instance; a search using them stays exact and
//! deterministic, and changes the search (rates of 0 are the old search).

mod common;

use atoll::model::{CurriculumId, LectureId, RoomId};
use atoll::solver::SolveResult;
use atoll::{IncrementalState, Instance, Slot, SolverOptions, Timetable, score};

const TOY: &[u8] = include_bytes!("../www/samples/toy.ctt");

fn toy() -> Instance {
    atoll::parse_instance(TOY, "toy.ctt").unwrap()
}

/// The toy instance (5 days of 4 periods) with lectures placed at `(lecture, day, index)`,
/// each in its own room column so nothing clashes on rooms; the rest unscheduled.
fn placed(inst: &Instance, at: &[(u32, usize, usize)]) -> Timetable {
    let mut tt = Timetable::empty(inst);
    for (i, &(l, d, k)) in at.iter().enumerate() {
        tt.set(
            LectureId(l),
            Slot::at(inst.period_at(d, k), RoomId((i % 3) as u16)),
        );
    }
    tt
}

fn bits(ps: &[(usize, usize)], inst: &Instance) -> u64 {
    ps.iter()
        .fold(0, |m, &(d, k)| m | 1 << inst.period_at(d, k).idx())
}

#[test]
fn compact_targets_are_the_free_neighbours_of_a_curriculums_periods_on_the_same_day() {
    let inst = toy();
    // Cur1 = SceCosC (lectures 0-2), ArcTec (3-5), TecCos (6-10). Lecture 0 at day 0
    // index 3 (the day's last period), lecture 3 at day 1 index 0 (the next day's first),
    // lecture 6 at day 2 indices 1: neighbours never cross a day boundary.
    let tt = placed(&inst, &[(0, 0, 3), (3, 1, 0), (6, 2, 1)]);
    let state = IncrementalState::new(&inst, tt);
    let expected = bits(&[(0, 2), (1, 1), (2, 0), (2, 2)], &inst);
    assert_eq!(state.compact_targets(CurriculumId(0)), Some(expected));
    // Cur2 = TecCos, Geotec: only lecture 6 at (2, 1).
    assert_eq!(
        state.compact_targets(CurriculumId(1)),
        Some(bits(&[(2, 0), (2, 2)], &inst))
    );
    // Two adjacent periods of the curriculum: only the outer neighbours are free.
    let tt = placed(&inst, &[(0, 3, 1), (3, 3, 2)]);
    let state = IncrementalState::new(&inst, tt);
    assert_eq!(
        state.compact_targets(CurriculumId(0)),
        Some(bits(&[(3, 0), (3, 3)], &inst))
    );
    // The last period of the last day has no neighbour past the end of the week.
    let tt = placed(&inst, &[(0, 4, 3)]);
    let state = IncrementalState::new(&inst, tt);
    assert_eq!(
        state.compact_targets(CurriculumId(0)),
        Some(bits(&[(4, 2)], &inst))
    );
}

#[test]
fn spread_days_are_the_missing_days_of_a_course_below_its_minimum() {
    let inst = toy();
    // SceCosC: 3 lectures, at least 3 days. Two on day 0, one on day 2: 2 days.
    let tt = placed(&inst, &[(0, 0, 0), (1, 0, 2), (2, 2, 1)]);
    let state = IncrementalState::new(&inst, tt);
    let missing = 1 << 1 | 1 << 3 | 1 << 4;
    assert_eq!(state.spread_days(LectureId(0)), missing);
    assert_eq!(state.spread_days(LectureId(1)), missing);
    // Lecture 2 is alone on its day: moving it cannot add a day.
    assert_eq!(state.spread_days(LectureId(2)), 0);
    // At the minimum: nothing to spread.
    let tt = placed(&inst, &[(0, 0, 0), (1, 1, 2), (2, 2, 1)]);
    let state = IncrementalState::new(&inst, tt);
    assert_eq!(state.spread_days(LectureId(0)), 0);
    // Unscheduled lectures have no day.
    let state = IncrementalState::new(&inst, Timetable::empty(&inst));
    assert_eq!(state.spread_days(LectureId(0)), 0);
    assert_eq!(
        state.compact_targets(CurriculumId(0)),
        Some(0),
        "no lecture, no neighbour"
    );
}

fn run(name: &str, threads: usize, set: &[(&str, serde_json::Value)]) -> SolveResult {
    let inst = common::load(&common::shared_dir().join(format!("instances/itc2007/{name}.ctt")));
    let mut opts = SolverOptions {
        time_limit: None,
        max_generations: Some(10),
        islands: 2,
        ls_iterations: 20_000,
        stage3: false,
        ..Default::default()
    };
    for (k, v) in set {
        opts.set(k, v).unwrap();
    }
    common::solve_cpu(&inst, &opts, threads).unwrap()
}

#[test]
fn targeted_searches_are_exact_deterministic_and_differ_from_the_uniform_one() {
    use serde_json::json;
    let variants: [&[(&str, serde_json::Value)]; 6] = [
        &[("compact_rate", json!(0.5))],
        &[("spread_rate", json!(0.5))],
        &[("compact_rate", json!(0.3)), ("spread_rate", json!(0.3))],
        // Many chains, so that re-roomed ones are many too.
        &[("kempe_reroom", json!(true)), ("kempe_rate", json!(0.5))],
        &[("free_room_rate", json!(0.5))],
        &[("ruin_rate", json!(0.01))],
    ];
    for name in ["comp07", "comp05"] {
        let inst =
            common::load(&common::shared_dir().join(format!("instances/itc2007/{name}.ctt")));
        for set in variants {
            let a = run(name, 1, set);
            let b = run(name, 2, set);
            assert_eq!(a.timetable, b.timetable, "{name} {set:?}: deterministic");
            assert_eq!(
                score(&inst, &a.timetable),
                a.breakdown,
                "{name}: reported cost is exact"
            );
            assert_eq!(a.breakdown.hard(), 0, "{name}: feasible {:?}", a.breakdown);
            // The same search with the targeting off (the other settings kept).
            let plain: Vec<(&str, serde_json::Value)> = set
                .iter()
                .map(|(k, v)| match *k {
                    "kempe_rate" => (*k, v.clone()),
                    "kempe_reroom" => (*k, json!(false)),
                    _ => (*k, json!(0.0)),
                })
                .collect();
            assert_ne!(
                a.timetable,
                run(name, 2, &plain).timetable,
                "{name} {set:?}: targeted moves must change the search"
            );
        }
    }
}

#[test]
fn rerooming_chains_on_a_campus_are_exact_and_feasible() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/samples/campus.json");
    let inst = common::load(&path);
    let opts = |reroom: bool| SolverOptions {
        time_limit: None,
        max_generations: Some(6),
        islands: 2,
        ls_iterations: 20_000,
        kempe_rate: 0.5,
        kempe_reroom: reroom,
        stage3: false,
        ..Default::default()
    };
    let run = |o: &SolverOptions| common::solve_cpu(&inst, o, 2).unwrap();
    let a = run(&opts(true));
    assert_eq!(
        score(&inst, &a.timetable),
        a.breakdown,
        "reported cost is exact"
    );
    assert_eq!(a.breakdown.hard(), 0, "feasible: {:?}", a.breakdown);
    assert_eq!(run(&opts(true)).timetable, a.timetable, "deterministic");
    assert_ne!(
        run(&opts(false)).timetable,
        a.timetable,
        "rerooming changes the search"
    );
}

/// Period moves into free rooms on a campus only use rooms the lecture may use there
/// (`free_room` asks `can_move`), so the search stays exact and feasible.
#[test]
fn free_room_moves_on_a_campus_are_exact_and_feasible() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/samples/campus.json");
    let inst = common::load(&path);
    let opts = |rate: f64| SolverOptions {
        time_limit: None,
        max_generations: Some(6),
        islands: 2,
        ls_iterations: 20_000,
        free_room_rate: rate,
        stage3: false,
        ..Default::default()
    };
    let run = |o: &SolverOptions| common::solve_cpu(&inst, o, 2).unwrap();
    let a = run(&opts(0.8));
    assert_eq!(
        score(&inst, &a.timetable),
        a.breakdown,
        "reported cost is exact"
    );
    assert_eq!(a.breakdown.hard(), 0, "feasible: {:?}", a.breakdown);
    assert_eq!(run(&opts(0.8)).timetable, a.timetable, "deterministic");
    assert_ne!(
        run(&opts(0.0)).timetable,
        a.timetable,
        "free rooms change the search"
    );
}

/// A campus chain reads the lectures starting at a period from the room counters (a scan
/// of the rooms, not of every lecture): whenever `lectures_at` answers, it names exactly
/// the lectures that start there, on solved and on perturbed (clashing, partly
/// unscheduled) campus timetables.
#[test]
fn lectures_at_on_a_campus_names_exactly_the_lectures_starting_there() {
    use rand::SeedableRng;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/samples/campus.json");
    let inst = common::load(&path);
    assert!(inst.uses_campus_features());
    let opts = SolverOptions {
        time_limit: None,
        max_generations: Some(2),
        islands: 1,
        ls_iterations: 5_000,
        stage3: false,
        ..Default::default()
    };
    let solved = common::solve_cpu(&inst, &opts, 1).unwrap().timetable;
    let mut rng = rand::rngs::SmallRng::seed_from_u64(9);
    let mut answered = 0;
    for share in [0.0, 0.05, 0.3] {
        let tt = common::perturb(&inst, &solved, &mut rng, share, 0.2);
        let state = IncrementalState::new(&inst, tt.clone());
        for p in 0..inst.n_periods() {
            let p = atoll::model::PeriodId(p as u16);
            let mut listed = Vec::new();
            if state.lectures_at(p, &mut listed) {
                answered += 1;
                listed.sort();
                let starting: Vec<LectureId> = (0..tt.len() as u32)
                    .map(LectureId)
                    .filter(|&l| tt.slot(l).get().is_some_and(|(q, _)| q == p))
                    .collect();
                assert_eq!(listed, starting, "share {share}, period {p:?}");
            } else {
                assert!(listed.is_empty(), "no answer leaves the list alone");
            }
        }
    }
    assert!(
        answered > inst.n_periods(),
        "the counters answer most periods: {answered}"
    );
}
