//! The incremental evaluator against a full re-evaluation, move by move (proptest).
//!
//! On every shared instance (comp01–14 and the extra set), random sequences of moves —
//! a lecture to a random (period, room) or to a neighbouring period, room changes, to and
//! from unscheduled, swaps of any two lectures (same course, unscheduled partners) and
//! peeks — are applied to an [`IncrementalState`]. After EACH applied move:
//! `state.breakdown() == score(inst, state.timetable())`, and the returned delta is the
//! difference of the full costs. A peek must return the delta the move would have and
//! leave the state as it was; `move_delta` and `swap_delta` (scored, not applied) must give
//! the same delta, and `occupant`, `room_load`, `lectures_at` and `in_hard_violation` must
//! match the timetable.
//! Starting points: random timetables, partly or fully unscheduled ones, and ones with
//! more lectures than a course needs (as read from a file).
//!
//! The runs are deterministic (a fixed seed per instance); set `ATOLL_DELTA_SEED=<n>` to
//! explore other sequences. A failure is shrunk to a short move list by proptest.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use atoll::model::{CourseId, LectureId, PeriodId, RoomId};
use atoll::parallel::random_timetable;
use atoll::{Breakdown, IncrementalState, Instance, Slot, Timetable, score};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use rayon::prelude::*;

/// Moves applied in total, over all instances; the test asserts at least this many.
const MIN_TOTAL_MOVES: u64 = 100_000;
/// Proptest cases per instance, and moves per case (uniform in the range).
const CASES_PER_INSTANCE: u32 = 96;
const OPS_PER_CASE: std::ops::Range<usize> = 1..200;

/// One step. The numbers are raw and reduced modulo the instance's sizes when applied, so
/// every value is meaningful whatever the instance.
#[derive(Clone, Debug)]
enum Op {
    /// Lecture `l` to period `p` (or, when `near`, to a period next to its own, possibly
    /// across a day boundary), room `r`.
    Move {
        l: u32,
        p: u32,
        r: u32,
        near: bool,
    },
    /// Lecture `l` to its own period, another room.
    Room {
        l: u32,
        r: u32,
    },
    /// Lecture `l` out of the timetable.
    Unschedule {
        l: u32,
    },
    /// Exchange the slots of two lectures.
    Swap {
        a: u32,
        b: u32,
    },
    /// Exchange the slots of two lectures of the same course.
    SwapSameCourse {
        a: u32,
        k: u32,
    },
    PeekMove {
        l: u32,
        p: u32,
        r: u32,
    },
    PeekSwap {
        a: u32,
        b: u32,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let n = any::<u32>;
    prop_oneof![
        30 => (n(), n(), n()).prop_map(|(l, p, r)| Op::Move { l, p, r, near: false }),
        10 => (n(), n(), n()).prop_map(|(l, p, r)| Op::Move { l, p, r, near: true }),
        6 => (n(), n()).prop_map(|(l, r)| Op::Room { l, r }),
        10 => n().prop_map(|l| Op::Unschedule { l }),
        22 => (n(), n()).prop_map(|(a, b)| Op::Swap { a, b }),
        7 => (n(), n()).prop_map(|(a, k)| Op::SwapSameCourse { a, k }),
        10 => (n(), n(), n()).prop_map(|(l, p, r)| Op::PeekMove { l, p, r }),
        5 => (n(), n()).prop_map(|(a, b)| Op::PeekSwap { a, b }),
    ]
}

/// How a case starts.
#[derive(Clone, Copy, Debug)]
enum Start {
    /// Every lecture placed at random.
    Random,
    /// Random, then about a third unscheduled.
    PartlyUnscheduled,
    /// Nothing scheduled.
    Empty,
    /// Random, plus extra lectures of a few courses (the "too many lectures" case).
    Extra,
}

fn start() -> impl Strategy<Value = Start> {
    prop_oneof![
        3 => Just(Start::Random),
        3 => Just(Start::PartlyUnscheduled),
        1 => Just(Start::Empty),
        2 => Just(Start::Extra),
    ]
}

fn initial(inst: &Instance, start: Start, seed: u64) -> Timetable {
    match start {
        Start::Random => random_timetable(inst, seed),
        Start::PartlyUnscheduled => {
            let mut tt = random_timetable(inst, seed);
            for l in 0..tt.len() {
                if (l as u64 ^ seed).is_multiple_of(3) {
                    tt.set(LectureId(l as u32), Slot::UNSCHEDULED);
                }
            }
            tt
        }
        Start::Empty => Timetable::empty(inst),
        Start::Extra => {
            // Up to 3 extra lectures for 3 courses, at periods the course does not use.
            let base = random_timetable(inst, seed);
            let mut courses: Vec<CourseId> = base.lecture_courses().to_vec();
            let mut slots: Vec<Slot> = base.slots().to_vec();
            let np = inst.n_periods();
            for k in 0..3u64 {
                let c = CourseId(((seed + k * 7) % inst.courses.len() as u64) as u16);
                let used: Vec<PeriodId> = base
                    .scheduled()
                    .filter(|&(_, cc, _, _)| cc == c)
                    .map(|(_, _, p, _)| p)
                    .collect();
                let free: Vec<usize> = (0..np)
                    .filter(|&p| !used.contains(&PeriodId(p as u16)))
                    .take(3)
                    .collect();
                for (i, p) in free.into_iter().enumerate() {
                    if courses
                        .iter()
                        .zip(&slots)
                        .any(|(&cc, s)| cc == c && s.get().is_some_and(|(q, _)| q.idx() == p))
                    {
                        continue;
                    }
                    courses.push(c);
                    let r = RoomId(((seed as usize + i) % inst.rooms.len()) as u16);
                    slots.push(Slot::at(PeriodId(p as u16), r));
                }
            }
            Timetable::from_parts(Arc::from(courses), slots)
        }
    }
}

fn cost_diff(before: &Breakdown, after: &Breakdown) -> (i64, i64) {
    (
        after.hard() as i64 - before.hard() as i64,
        after.soft() as i64 - before.soft() as i64,
    )
}

/// A period for lecture `l` of the state: `p` itself if legal, else the next legal one
/// (cyclically). `None` when the course already sits in every period.
fn legal_period(state: &IncrementalState<'_>, l: LectureId, p: usize, r: RoomId) -> Option<Slot> {
    let np = state.instance().n_periods();
    (0..np)
        .map(|k| Slot::at(PeriodId(((p + k) % np) as u16), r))
        .find(|&s| state.can_move(l, s))
}

/// What an [`Op`] comes to: a move (lecture, target), a swap (a, b), and whether only to
/// peek.
type Step = (
    Option<(LectureId, Slot)>,
    Option<(LectureId, LectureId)>,
    bool,
);

/// Counters of one instance's run.
#[derive(Default)]
struct Counts {
    applied: AtomicU64,
    peeks: AtomicU64,
    skipped: AtomicU64,
}

fn run_case(
    inst: &Instance,
    start: Start,
    seed: u64,
    ops: &[Op],
    counts: &Counts,
) -> Result<(), TestCaseError> {
    let tt = initial(inst, start, seed);
    let mut state = IncrementalState::new(inst, tt);
    let mut full = score(inst, state.timetable());
    prop_assert_eq!(state.breakdown(), full, "initial state");
    let n = state.timetable().len();
    let np = inst.n_periods();
    let nr = inst.rooms.len();
    // Lectures of each course, in this timetable (extra lectures included).
    let mut of_course: Vec<Vec<u32>> = vec![Vec::new(); inst.courses.len()];
    for l in 0..n {
        of_course[state.timetable().course(LectureId(l as u32)).idx()].push(l as u32);
    }

    for (step, op) in ops.iter().enumerate() {
        let lec = |x: u32| LectureId(x % n as u32);
        let room = |x: u32| RoomId((x % nr as u32) as u16);
        let (mv, sw, peek): Step = match *op {
            Op::Move { l, p, r, near } => {
                let l = lec(l);
                let p = match (near, state.timetable().slot(l).get()) {
                    (true, Some((q, _))) if p % 2 == 0 => (q.idx() + 1) % np,
                    (true, Some((q, _))) => (q.idx() + np - 1) % np,
                    _ => p as usize % np,
                };
                (
                    legal_period(&state, l, p, room(r)).map(|s| (l, s)),
                    None,
                    false,
                )
            }
            Op::Room { l, r } => {
                let l = lec(l);
                let to = state
                    .timetable()
                    .slot(l)
                    .get()
                    .map(|(p, _)| Slot::at(p, room(r)));
                (to.map(|s| (l, s)), None, false)
            }
            Op::Unschedule { l } => (Some((lec(l), Slot::UNSCHEDULED)), None, false),
            Op::Swap { a, b } => (None, Some((lec(a), lec(b))), false),
            Op::SwapSameCourse { a, k } => {
                let a = lec(a);
                let mates = &of_course[state.timetable().course(a).idx()];
                let b = LectureId(mates[k as usize % mates.len()]);
                (None, Some((a, b)), false)
            }
            Op::PeekMove { l, p, r } => {
                let l = lec(l);
                let to = if p % 5 == 0 {
                    Some(Slot::UNSCHEDULED)
                } else {
                    legal_period(&state, l, p as usize % np, room(r))
                };
                (to.map(|s| (l, s)), None, true)
            }
            Op::PeekSwap { a, b } => (None, Some((lec(a), lec(b))), true),
        };
        let what = format!("step {step}: {op:?} -> move {mv:?} swap {sw:?}");

        if peek {
            let before_tt = state.timetable().clone();
            let before = state.breakdown();
            let deep = counts.peeks.load(Ordering::Relaxed).is_multiple_of(64);
            let before_dbg = deep.then(|| format!("{state:?}"));
            // What the move would do, on a copy.
            let mut copy = state.clone();
            let (d, d_copy) = match (mv, sw) {
                (Some((l, s)), _) => {
                    if let Some(md) = state.move_delta(l, s) {
                        prop_assert_eq!(
                            md,
                            copy.clone().move_lecture(l, s),
                            "move_delta: {}",
                            what
                        );
                    }
                    (state.peek_move(l, s), copy.move_lecture(l, s))
                }
                (None, Some((a, b))) if state.can_swap(a, b) => {
                    if let Some(sd) = state.swap_delta(a, b) {
                        prop_assert_eq!(sd, copy.clone().swap(a, b), "swap_delta: {}", what);
                    }
                    (state.peek_swap(a, b), copy.swap(a, b))
                }
                _ => {
                    counts.skipped.fetch_add(1, Ordering::Relaxed);
                    continue;
                }
            };
            counts.peeks.fetch_add(1, Ordering::Relaxed);
            prop_assert_eq!(d, d_copy, "peek delta differs from the move's: {}", what);
            prop_assert_eq!(
                d,
                cost_diff(&before, &score(inst, copy.timetable())),
                "peek delta is not the full cost difference: {}",
                what
            );
            prop_assert_eq!(
                state.breakdown(),
                before,
                "peek changed the score: {}",
                what
            );
            prop_assert!(
                state.timetable() == &before_tt,
                "peek changed the timetable: {}",
                what
            );
            if let Some(dbg) = before_dbg {
                prop_assert!(
                    format!("{state:?}") == dbg,
                    "peek changed the state: {}",
                    what
                );
            }
            continue;
        }

        let d = match (mv, sw) {
            (Some((l, s)), _) => {
                prop_assert!(state.can_move(l, s), "legal_period gave an illegal move");
                // The scored-not-applied delta, for scheduled -> scheduled moves.
                let from = state.timetable().slot(l);
                let md = state.move_delta(l, s);
                let d = state.move_lecture(l, s);
                prop_assert_eq!(state.timetable().slot(l), s, "{}", what);
                if from.is_scheduled() && s.is_scheduled() {
                    prop_assert_eq!(md, Some(d), "move_delta of {}", what);
                } else {
                    prop_assert_eq!(md, None, "move_delta of {}", what);
                }
                check_lecture(&state, l)?;
                d
            }
            (None, Some((a, b))) if state.can_swap(a, b) => {
                let (sa, sb) = (state.timetable().slot(a), state.timetable().slot(b));
                let sd = state.swap_delta(a, b);
                let d = state.swap(a, b);
                if sa.is_scheduled() && sb.is_scheduled() {
                    prop_assert_eq!(sd, Some(d), "swap_delta of {}", what);
                } else {
                    prop_assert_eq!(sd, None, "swap_delta of {}", what);
                }
                prop_assert_eq!(
                    (state.timetable().slot(a), state.timetable().slot(b)),
                    (sb, sa),
                    "{}",
                    what
                );
                check_lecture(&state, a)?;
                check_lecture(&state, b)?;
                d
            }
            _ => {
                counts.skipped.fetch_add(1, Ordering::Relaxed);
                continue;
            }
        };
        counts.applied.fetch_add(1, Ordering::Relaxed);
        let after = score(inst, state.timetable());
        prop_assert_eq!(state.breakdown(), after, "after {}", what);
        prop_assert_eq!(d, cost_diff(&full, &after), "delta of {}", what);
        prop_assert_eq!(state.cost(), after.cost(), "cost() after {}", what);
        full = after;
    }
    Ok(())
}

/// `occupant` and `in_hard_violation` for lecture `l`, against the timetable itself.
fn check_lecture(state: &IncrementalState<'_>, l: LectureId) -> Result<(), TestCaseError> {
    let inst = state.instance();
    let tt = state.timetable();
    let c = tt.course(l);
    let Some((p, r)) = tt.slot(l).get() else {
        prop_assert!(
            state.in_hard_violation(l),
            "an unscheduled lecture is a violation"
        );
        return Ok(());
    };
    let mut in_room = 0;
    let mut clash = false;
    let mut at_p = Vec::new();
    let mut shared = false;
    for (m, cm, pm, rm) in tt.scheduled() {
        if pm == p {
            in_room += (rm == r) as u16;
            clash |= m != l && inst.in_conflict(c, cm);
            at_p.push(m);
            shared |= state.room_load(pm, rm) > 1;
        }
    }
    let mut listed = Vec::new();
    let answered = state.lectures_at(p, &mut listed);
    prop_assert_eq!(
        answered,
        !shared,
        "lectures_at answers unless a room is shared"
    );
    if answered {
        listed.sort();
        prop_assert_eq!(listed, at_p, "lectures_at({:?})", p);
    }
    prop_assert_eq!(state.room_load(p, r), in_room);
    prop_assert_eq!(
        state.occupant(p, r),
        (in_room == 1).then_some(l),
        "occupant of the moved lecture's room"
    );
    prop_assert_eq!(
        state.in_hard_violation(l),
        clash || in_room > 1 || inst.is_unavailable(c, p),
        "in_hard_violation({:?})",
        l
    );
    Ok(())
}

fn seed_base() -> u64 {
    std::env::var("ATOLL_DELTA_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2007)
}

#[test]
fn incremental_state_equals_full_evaluation_after_every_move() {
    let t0 = Instant::now();
    let instances = common::all_instances();
    let base = seed_base();
    let results: Vec<(String, u64, u64, u64)> = instances
        .par_iter()
        .enumerate()
        .map(|(i, path)| {
            let inst = common::load(path);
            let counts = Counts::default();
            let mut seed = [0u8; 32];
            seed[..8].copy_from_slice(&base.to_le_bytes());
            seed[8..16].copy_from_slice(&(i as u64).to_le_bytes());
            let config = Config {
                cases: CASES_PER_INSTANCE,
                failure_persistence: None,
                ..Config::default()
            };
            let mut runner =
                TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &seed));
            let strategy = (
                start(),
                any::<u64>(),
                proptest::collection::vec(op(), OPS_PER_CASE),
            );
            let result = runner.run(&strategy, |(start, s, ops)| {
                run_case(&inst, start, s, &ops, &counts)
            });
            if let Err(e) = result {
                panic!("{}: {e}", path.display());
            }
            (
                path.display().to_string(),
                counts.applied.into_inner(),
                counts.peeks.into_inner(),
                counts.skipped.into_inner(),
            )
        })
        .collect();
    let applied: u64 = results.iter().map(|r| r.1).sum();
    let peeks: u64 = results.iter().map(|r| r.2).sum();
    let skipped: u64 = results.iter().map(|r| r.3).sum();
    eprintln!(
        "delta_props: {applied} moves and swaps checked against a full evaluation, {peeks} peeks, \
         {skipped} illegal swaps skipped, {} instances, {:.1} s",
        results.len(),
        t0.elapsed().as_secs_f64()
    );
    for (name, a, _, _) in &results {
        assert!(*a >= 3_000, "{name}: only {a} moves applied");
    }
    assert!(results.len() >= 19);
    assert!(
        applied >= MIN_TOTAL_MOVES,
        "only {applied} moves applied (want {MIN_TOTAL_MOVES})"
    );
}

/// Hand-picked sequences around the day boundary and the week's ends, on toy.ctt
/// (5 days x 4 slots), where compactness depends on neighbours.
#[test]
fn moves_across_day_boundaries_on_toy() {
    let inst = common::load(&common::shared_dir().join("instances/extra/toy.ctt"));
    let mut state = IncrementalState::new(&inst, Timetable::empty(&inst));
    let tec = inst.lectures_of(inst.course_by_name("TecCos").unwrap());
    let geo = inst.lectures_of(inst.course_by_name("Geotec").unwrap());
    let at = |d: usize, s: usize| Slot::at(inst.period_at(d, s), RoomId(0));
    let mut full = score(&inst, state.timetable());
    let mut step = |state: &mut IncrementalState<'_>, l: usize, to: Slot| {
        let l = LectureId(l as u32);
        assert!(state.can_move(l, to));
        let d = state.move_lecture(l, to);
        let after = score(&inst, state.timetable());
        assert_eq!(state.breakdown(), after, "{l:?} -> {to:?}");
        assert_eq!(d, cost_diff(&full, &after));
        full = after;
    };
    // Last slot of day 0, first of day 1, then the week's very first and last periods,
    // then fill the neighbours in and take them away again.
    step(&mut state, tec.start, at(0, 3));
    step(&mut state, geo.start, at(1, 0));
    step(&mut state, tec.start + 1, at(1, 1));
    step(&mut state, geo.start + 1, at(0, 0));
    step(&mut state, tec.start + 2, at(4, 3));
    step(&mut state, geo.start + 2, at(0, 2));
    step(&mut state, geo.start + 3, at(4, 2));
    step(&mut state, tec.start + 1, Slot::UNSCHEDULED);
    step(&mut state, geo.start + 2, at(0, 1));
    step(&mut state, geo.start + 3, at(3, 3));
    step(&mut state, tec.start, at(1, 0));
    assert_eq!(state.breakdown(), score(&inst, state.timetable()));
}
