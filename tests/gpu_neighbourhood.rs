//! The GPU neighbourhood kernel (shaders/neighbourhood.wgsl) against the CPU's exact delta
//! (`IncrementalState::move_delta`, `peek_move` for an unscheduled lecture, `can_move` for
//! what is allowed): every (lecture → period, room) move of random, constructed and
//! infeasible (perturbed, partly unscheduled) timetables of every shared instance, equal.
//! A kernel built with one term left out must fail the same comparison; campus instances
//! are refused with the reason; the tabu search it drives is deterministic per seed.
//!
//! Natively on whatever adapter wgpu finds (lavapipe in CI); a test skips, saying why, only
//! without an adapter, and fails then under `ATOLL_REQUIRE_GPU=1`.
#![cfg(feature = "gpu")]

mod common;

use atoll::construct::construct;
use atoll::eval::IncrementalState;
use atoll::gpu::GpuError;
use atoll::gpu::neighbourhood::{
    FORBIDDEN, Fault, Neighbourhood, TabuParams, TabuStats, TabuWalk, run_walks, tabu_search,
};
use atoll::model::{Instance, LectureId, PeriodId, RoomId, Slot, Timetable};
use atoll::parallel::random_timetable;
use atoll::score;
use rand::SeedableRng;
use rand::rngs::SmallRng;

const MEMORY: u64 = 2 << 30;

/// The kernel for `inst`, or `None` (with the reason printed) when no adapter exists.
fn kernel(inst: &Instance, fault: Fault) -> Option<Neighbourhood> {
    match pollster::block_on(Neighbourhood::new(inst, MEMORY, fault)) {
        Ok(k) => Some(k),
        Err(GpuError::NoAdapter(e)) => {
            common::gpu_missing(&e);
            None
        }
        Err(e) => panic!(
            "{}: the neighbourhood kernel could not start: {e}",
            inst.name
        ),
    }
}

/// Moves some lectures anywhere (clashes, shared rooms, unavailable periods) and leaves
/// some unscheduled, keeping at most one lecture of a course per period.
fn perturbed(inst: &Instance, base: &Timetable, seed: u64) -> Timetable {
    common::perturb(inst, base, &mut SmallRng::seed_from_u64(seed), 0.3, 0.25)
}

/// Moves whose GPU delta differs from the CPU's, and the first few in words.
fn mismatches(inst: &Instance, tt: &Timetable, k: &mut Neighbourhood) -> (usize, usize, String) {
    let mut counters = atoll::gpu::neighbourhood::Counters::new(inst, tt);
    k.load(&mut counters);
    let got = pollster::block_on(k.all_deltas()).expect("all deltas");
    let layout = k.layout().clone();
    let mut state = IncrementalState::new(inst, tt.clone());
    let (mut bad, mut checked, mut first) = (0, 0, String::new());
    for l in 0..inst.n_lectures() {
        let lid = LectureId(l as u32);
        for p in 0..inst.n_periods() {
            for r in 0..inst.rooms.len() {
                let to = Slot::at(PeriodId(p as u16), RoomId(r as u16));
                let want = if !state.can_move(lid, to) {
                    (FORBIDDEN as i64, 0)
                } else {
                    match state.move_delta(lid, to) {
                        Some(d) => d,
                        None => state.peek_move(lid, to),
                    }
                };
                let g = got[layout.index(l, p, r)];
                checked += 1;
                if (g.0 as i64, g.1 as i64) != want {
                    bad += 1;
                    if bad <= 5 {
                        first += &format!(
                            "\n  lecture {l} ({:?}) -> ({p}, {r}): gpu {g:?}, cpu {want:?}",
                            tt.slot(lid).get()
                        );
                    }
                }
            }
        }
    }
    (bad, checked, first)
}

fn assert_exact(inst: &Instance, tt: &Timetable, k: &mut Neighbourhood, what: &str) {
    let (bad, checked, first) = mismatches(inst, tt, k);
    assert_eq!(
        bad, 0,
        "{}: {what}: {bad} of {checked} GPU move deltas differ from IncrementalState's:{first}",
        inst.name
    );
    eprintln!("{}: {what}: {checked} move deltas equal", inst.name);
}

/// The states every instance is checked on: random, constructed, infeasible.
fn states(inst: &Instance, seed: u64) -> Vec<(&'static str, Timetable)> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let built = construct(inst, &mut rng).timetable;
    vec![
        ("random", random_timetable(inst, seed)),
        ("infeasible", perturbed(inst, &built, seed)),
        ("constructed", built),
    ]
}

#[test]
fn gpu_move_deltas_equal_incremental_state_on_every_instance() {
    let mut paths = common::all_instances();
    paths.push(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/samples/toy.ctt"));
    for path in paths {
        let inst = common::load(&path);
        let Some(mut k) = kernel(&inst, Fault::None) else {
            return;
        };
        for (what, tt) in states(&inst, 11) {
            assert_exact(&inst, &tt, &mut k, what);
        }
    }
}

/// The exactness check is not vacuous: a kernel with the room-stability term left out
/// (`PERTURB`, a pipeline constant) differs from the CPU on a constructed timetable.
#[test]
fn a_broken_kernel_fails_the_exactness_check() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let Some(mut k) = kernel(&inst, Fault::Delta) else {
        return;
    };
    let tt = construct(&inst, &mut SmallRng::seed_from_u64(3)).timetable;
    let (bad, checked, first) = mismatches(&inst, &tt, &mut k);
    assert!(
        bad > 0,
        "the perturbed kernel agreed on all {checked} moves"
    );
    eprintln!("perturbed kernel: {bad} of {checked} deltas differ, e.g.{first}");
}

#[test]
fn campus_instances_are_refused_with_the_reason() {
    let bytes = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/samples/campus.json"),
    )
    .unwrap();
    let campus = atoll::parse_instance(&bytes, "campus.json").unwrap();
    let random = common::campus::random_campus(5, Default::default());
    for inst in [campus, random] {
        match pollster::block_on(Neighbourhood::new(&inst, MEMORY, Fault::None)) {
            Err(GpuError::Unsupported(why)) => assert!(why.contains("campus"), "{why}"),
            other => panic!("{}: expected a refusal, got {other:?}", inst.name),
        }
    }
}

/// Tabu search on the GPU: the same seed gives the same timetable, never worse than the
/// start, with the cost the full evaluator gives.
#[test]
fn tabu_search_is_deterministic_and_exact() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let Some(mut k) = kernel(&inst, Fault::None) else {
        return;
    };
    let start = perturbed(
        &inst,
        &construct(&inst, &mut SmallRng::seed_from_u64(9)).timetable,
        9,
    );
    let start_cost = score(&inst, &start).cost();
    let moves = k.plan().moves;
    let mut run = |seed| {
        let mut stats = TabuStats::default();
        let r = pollster::block_on(tabu_search(
            &mut k,
            &inst,
            &start,
            TabuParams {
                iterations: 150,
                seed,
                moves_per_step: moves,
            },
            &|_| false,
            &mut stats,
        ))
        .expect("tabu search");
        (r, stats)
    };
    let ((a, ca), sa) = run(1);
    let ((b, cb), _) = run(1);
    assert_eq!(a, b, "same seed, same timetable");
    assert_eq!(ca, cb);
    assert_eq!(score(&inst, &a).cost(), ca);
    assert!(ca < start_cost, "{ca:?} not better than {start_cost:?}");
    assert_eq!(sa.iterations, 150);
    eprintln!(
        "tabu: {start_cost:?} -> {ca:?} in {} iterations",
        sa.iterations
    );
}

/// A tabu walk continued over several phases is one trajectory: two phases of 75 steps
/// end where one search of 150 steps from the same start and seed ends, and report a new
/// best only when they found one.
#[test]
fn a_walk_continued_across_phases_is_one_long_walk() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let Some(mut k) = kernel(&inst, Fault::None) else {
        return;
    };
    let start = perturbed(
        &inst,
        &construct(&inst, &mut SmallRng::seed_from_u64(4)).timetable,
        4,
    );
    let moves = k.plan().moves;
    let mut stats = TabuStats::default();
    let (whole, whole_cost) = pollster::block_on(tabu_search(
        &mut k,
        &inst,
        &start,
        TabuParams {
            iterations: 150,
            seed: 3,
            moves_per_step: moves,
        },
        &|_| false,
        &mut stats,
    ))
    .expect("tabu search");
    let mut walk = TabuWalk::new(&inst, &start, 3);
    let mut phases = TabuStats::default();
    let first = pollster::block_on(walk.run(&mut k, &inst, 75, moves, &|_| false, &mut phases))
        .expect("first phase");
    let second = pollster::block_on(walk.run(&mut k, &inst, 75, moves, &|_| false, &mut phases))
        .expect("second phase");
    assert_eq!(phases.iterations, 150);
    assert_eq!(phases.improvements, stats.improvements);
    assert_eq!(
        walk.best().0,
        whole,
        "two phases end where one long walk ends"
    );
    assert_eq!(walk.best().1, whole_cost);
    let first_cost = first.expect("the first phase improves a perturbed start").1;
    match second {
        Some((t, c)) => {
            assert!(
                c < first_cost,
                "{c:?} reported but not better than {first_cost:?}"
            );
            assert_eq!(score(&inst, &t).cost(), c);
        }
        None => assert_eq!(first_cost, whole_cost, "the second phase found nothing"),
    }
}

/// Walks sharing a dispatch (one counter block and step parameters per slot) are
/// independent: three walks from different starts and seeds, moved together in slots 0-2,
/// end exactly where each ends when it walks alone in slot 0. A kernel that read another
/// slot's counters or parameters would disagree with the CPU's deltas (an error) or end
/// elsewhere.
#[test]
fn walks_sharing_a_dispatch_are_independent() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let Some(mut k) = kernel(&inst, Fault::None) else {
        return;
    };
    assert!(k.plan().walks >= 3, "{:?}", k.plan());
    let starts: Vec<Timetable> = (0..3)
        .map(|i| {
            perturbed(
                &inst,
                &construct(&inst, &mut SmallRng::seed_from_u64(20 + i)).timetable,
                20 + i,
            )
        })
        .collect();
    let moves = k.plan().moves;
    let mut together: Vec<TabuWalk> = starts
        .iter()
        .enumerate()
        .map(|(i, t)| TabuWalk::new(&inst, t, 7 + i as u64))
        .collect();
    let mut stats = TabuStats::default();
    let found = pollster::block_on(run_walks(
        &mut k,
        &inst,
        &mut together,
        60,
        moves,
        &|_| false,
        &mut stats,
    ))
    .expect("three walks");
    assert_eq!(found.len(), 3);
    assert_eq!(stats.iterations, 180, "every walk took every step");
    for (i, t) in starts.iter().enumerate() {
        let mut alone = TabuWalk::new(&inst, t, 7 + i as u64);
        let mut s = TabuStats::default();
        let f = pollster::block_on(alone.run(&mut k, &inst, 60, moves, &|_| false, &mut s))
            .expect("one walk");
        assert_eq!(alone.best(), together[i].best(), "walk {i}");
        assert_eq!(f, found[i], "walk {i}");
        let (tt, cost) = together[i].best();
        assert_eq!(score(&inst, tt).cost(), *cost);
    }
}

/// A solve with the GPU search (evaluator `gpu`: batch scoring plus a tabu phase per
/// generation beside the islands) is the same twice for one seed and generation count.
#[test]
fn a_gpu_assisted_solve_is_deterministic() {
    use atoll::options::EvaluatorChoice;
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let opts = atoll::SolverOptions {
        time_limit: None,
        max_generations: Some(3),
        islands: 2,
        offspring: 4,
        ls_iterations: 3_000,
        stage3: false,
        ..Default::default()
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let run = || {
        pool.install(|| {
            let (mut ev, info) = atoll::gpu::choose_evaluator(&inst, EvaluatorChoice::Gpu, 8);
            if !info.gpu {
                common::gpu_missing(&info.reason);
                return None;
            }
            let search = info.search.clone().unwrap_or_default();
            assert!(search.contains("walks per dispatch"), "{search}");
            let r = atoll::solve(
                atoll::SolveRequest::new(&opts),
                std::sync::Arc::new(inst.clone()),
                &mut *ev,
                &mut |_| {},
            )
            .unwrap();
            assert!(
                r.stats.evaluator.contains("tabu search"),
                "{}",
                r.stats.evaluator
            );
            Some(r)
        })
    };
    let Some(a) = run() else { return };
    let b = run().unwrap();
    assert_eq!(a.timetable, b.timetable);
    assert_eq!(a.breakdown, b.breakdown);
    assert_eq!(score(&inst, &a.timetable), a.breakdown);
}

/// On a campus the GPU still scores the batches, and the search's note says why it is off.
#[test]
fn the_search_says_why_it_is_off_on_a_campus() {
    let inst = common::campus::random_campus(5, Default::default());
    let (_, info) = atoll::gpu::choose_evaluator(&inst, atoll::options::EvaluatorChoice::Gpu, 8);
    if !info.gpu {
        common::gpu_missing(&info.reason);
        return;
    }
    let note = info.search.unwrap_or_default();
    assert!(
        note.contains("GPU search off") && note.contains("campus"),
        "{note}"
    );
}

/// The GPU applies each step's move to its own counters (apply.wgsl): after walks of
/// many steps over several submissions, the counters it holds equal, word for word, the
/// host's mirror built by replaying the logged moves (`Counters::apply`, the tabu words
/// from `tenure`), slot by slot.
#[test]
fn the_gpu_keeps_its_counters_as_the_host_replays_them() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let Some(mut k) = kernel(&inst, Fault::None) else {
        return;
    };
    let moves = k.plan().moves;
    let mut walks: Vec<TabuWalk> = (0..2)
        .map(|i| {
            let built = construct(&inst, &mut SmallRng::seed_from_u64(40 + i)).timetable;
            TabuWalk::new(&inst, &perturbed(&inst, &built, 40 + i), 5 + i)
        })
        .collect();
    let mut stats = TabuStats::default();
    pollster::block_on(run_walks(
        &mut k,
        &inst,
        &mut walks,
        200,
        moves,
        &|_| false,
        &mut stats,
    ))
    .expect("two walks");
    assert_eq!(stats.iterations, 400);
    assert!(stats.submissions > 1, "{stats:?}");
    for (i, w) in walks.iter().enumerate() {
        let held = pollster::block_on(k.counters(i)).expect("read back");
        let mirror = &w.counters().words;
        let differ = held.iter().zip(mirror).filter(|(a, b)| a != b).count();
        assert_eq!(held.len(), mirror.len());
        assert_eq!(differ, 0, "walk {i}: {differ} counter words differ");
    }
}

/// How a walk's steps are grouped into submissions does not change it: one step per
/// submission and up to the plan's maximum end on the same timetable.
#[test]
fn how_steps_are_grouped_does_not_change_the_walk() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let Some(mut k) = kernel(&inst, Fault::None) else {
        return;
    };
    let start = perturbed(
        &inst,
        &construct(&inst, &mut SmallRng::seed_from_u64(6)).timetable,
        6,
    );
    let moves = k.plan().moves;
    let run = |k: &mut Neighbourhood| {
        let mut stats = TabuStats::default();
        let mut w = TabuWalk::new(&inst, &start, 12);
        pollster::block_on(w.run(k, &inst, 120, moves, &|_| false, &mut stats)).expect("walk");
        (w.best().clone(), stats)
    };
    let (grouped, gs) = run(&mut k);
    k.limit_steps_per_submission(1);
    let (single, ss) = run(&mut k);
    assert_eq!(ss.submissions, 120, "one step per submission");
    assert!(gs.submissions < 120, "{gs:?}");
    assert_eq!(grouped, single);
    assert_eq!(score(&inst, &grouped.0).cost(), grouped.1);
}

/// The replay is not vacuous: an apply pass that forgets the rooms a course uses leaves
/// the GPU's counters wrong, and the next deltas it logs disagree with the CPU's.
#[test]
fn a_broken_apply_pass_is_caught_by_the_replay() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let Some(mut k) = kernel(&inst, Fault::Apply) else {
        return;
    };
    let start = construct(&inst, &mut SmallRng::seed_from_u64(8)).timetable;
    let moves = k.plan().moves;
    let mut w = TabuWalk::new(&inst, &start, 2);
    let mut stats = TabuStats::default();
    let r = pollster::block_on(w.run(&mut k, &inst, 300, moves, &|_| false, &mut stats));
    match r {
        Err(GpuError::Device(e)) => {
            assert!(e.contains("differs from the CPU"), "{e}");
            eprintln!(
                "broken apply pass caught after {} steps: {e}",
                stats.iterations
            );
        }
        other => panic!("the broken apply pass went unnoticed: {other:?}"),
    }
}
