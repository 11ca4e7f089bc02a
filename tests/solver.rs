//! Stages 1–2 end to end: feasibility on every shared instance, determinism under a
//! generation bound, cancellation and time limits that return the best timetable so far.

mod common;

use std::time::{Duration, Instant};

use atoll::budget::CancelToken;
use atoll::evolve::CpuBatchEvaluator;
use atoll::solver::StopReason;
use atoll::{SolveRequest, SolverOptions, score, solve};
use std::sync::Arc;

fn pool(n: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .unwrap()
}

fn bounded(generations: u64) -> SolverOptions {
    SolverOptions {
        time_limit: None,
        max_generations: Some(generations),
        islands: 2,
        ls_iterations: 100_000,
        // Stages 1–2 only (Stage 3 has tests/repair.rs).
        stage3: false,
        ..Default::default()
    }
}

#[test]
fn feasible_on_every_shared_instance() {
    let pool = pool(2);
    for path in common::all_instances() {
        let inst = common::load(&path);
        let t = Instant::now();
        let r = pool
            .install(|| common::solve_here(&inst, &bounded(4)))
            .unwrap();
        let full = score(&inst, &r.timetable);
        assert_eq!(
            full,
            r.breakdown,
            "{}: reported score must be exact",
            path.display()
        );
        assert_eq!(full.hard(), 0, "{}: not feasible: {full:?}", path.display());
        eprintln!(
            "{:<40} feasible, soft {:>5}, first feasible at {:.2}s, total {:.2}s",
            path.display(),
            full.soft(),
            r.stats.time_to_feasible_s.unwrap(),
            t.elapsed().as_secs_f64()
        );
    }
}

#[test]
fn same_seed_same_timetable_whatever_the_thread_count() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let run = |threads: usize, seed: u64| {
        let opts = SolverOptions { seed, ..bounded(6) };
        common::solve_cpu(&inst, &opts, threads).unwrap()
    };
    let a = run(1, 7);
    let b = run(2, 7);
    let c = run(2, 7);
    assert_eq!(a.timetable, b.timetable);
    assert_eq!(b.timetable, c.timetable);
    assert_eq!(a.stop_reason, StopReason::Generations);
    assert_eq!(a.stats.generations, 6);
    let d = run(2, 8);
    assert_ne!(
        a.timetable, d.timetable,
        "another seed should explore differently"
    );
}

#[test]
fn cancellation_returns_best_so_far_promptly() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp07.ctt"));
    let token = CancelToken::new();
    let opts = SolverOptions {
        time_limit: Some(600.0),
        islands: 2,
        ..Default::default()
    };
    let canceller = {
        let t = token.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(1500));
            t.cancel();
        })
    };
    let start = Instant::now();
    let mut events = 0;
    let r = pool(2)
        .install(|| {
            solve(
                SolveRequest::new(&opts).cancel(token.clone()),
                Arc::new(inst.clone()),
                &mut CpuBatchEvaluator,
                &mut |_| events += 1,
            )
        })
        .unwrap();
    canceller.join().unwrap();
    let took = start.elapsed();
    assert_eq!(r.stop_reason, StopReason::Cancelled);
    assert!(took < Duration::from_secs(30), "cancel took {took:?}");
    assert!(events >= 1, "at least the construction progress event");
    assert_eq!(score(&inst, &r.timetable), r.breakdown);
    assert_eq!(r.timetable.len(), inst.n_lectures());
}

#[test]
fn time_limit_is_respected() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let opts = SolverOptions {
        time_limit: Some(1.0),
        islands: 2,
        ..Default::default()
    };
    let r = common::solve_cpu(&inst, &opts, 2).unwrap();
    assert_eq!(r.stop_reason, StopReason::TimeLimit);
    // Generous: a loaded CI machine may overrun a little, never by the whole budget again.
    assert!(r.stats.elapsed_s < 10.0, "elapsed {}", r.stats.elapsed_s);
    assert_eq!(score(&inst, &r.timetable), r.breakdown);
}

#[test]
fn progress_reports_every_island_and_improves_monotonically() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let mut bests = Vec::new();
    let mut islands_seen = 0;
    pool(2)
        .install(|| {
            solve(
                SolveRequest::new(&bounded(5)),
                Arc::new(inst.clone()),
                &mut CpuBatchEvaluator,
                &mut |p| {
                    bests.push(p.best);
                    islands_seen = p.islands.len();
                },
            )
        })
        .unwrap();
    assert_eq!(islands_seen, 2);
    assert_eq!(bests.len(), 6, "construction + one event per generation");
    assert!(bests.windows(2).all(|w| w[1] <= w[0]), "{bests:?}");
}

/// The solver checks its options (the ranges themselves are tests/options.rs's).
#[test]
fn invalid_options_are_rejected_with_their_name() {
    let inst = common::load(&common::shared_dir().join("instances/extra/toy.ctt"));
    let opts = SolverOptions {
        refine: 99,
        ..Default::default()
    };
    let err = common::solve_here(&inst, &opts).unwrap_err();
    assert_eq!(err.name(), "refine");
}

/// A timetable found outside the islands (the GPU's tabu walk) is taken only when it beats
/// the run's best: a copy of the best, or anything worse, is turned away and changes
/// nothing (it would only crowd out a chain of the best island).
#[test]
fn offer_takes_only_a_timetable_better_than_the_best() {
    let inst = Arc::new(common::load(
        &common::shared_dir().join("instances/itc2007/comp01.ctt"),
    ));
    let mut solver = pool(2)
        .install(|| {
            atoll::solver::Solver::new(
                inst.clone(),
                &bounded(2),
                &mut CpuBatchEvaluator,
                CancelToken::new(),
            )
        })
        .expect("solver");
    let best = solver.best_timetable().clone();
    let cost = score(&inst, &best).cost();
    assert!(!solver.offer(best.clone(), cost), "a copy of the best");
    let mut worse = best.clone();
    let l = atoll::model::LectureId(0);
    worse.set(l, atoll::model::Slot::UNSCHEDULED);
    let worse_cost = score(&inst, &worse).cost();
    assert!(worse_cost > cost);
    assert!(!solver.offer(worse, worse_cost), "a worse timetable");
    assert_eq!(solver.best_timetable(), &best);
    let r = solver.finish("cpu".into());
    assert_eq!(r.stats.outside_improvements, 0);
    assert_eq!(r.breakdown.cost(), cost);
}

/// An evaluator whose own search (the GPU's tabu walks in a real solve) gets one start per
/// island, each with its exact cost, and whose better timetables join their islands: here
/// the search is a CPU descent to a local optimum from each start.
#[derive(Default)]
struct DescentSearch {
    starts_seen: Vec<usize>,
}

impl atoll::evolve::BatchEvaluator for DescentSearch {
    fn name(&self) -> String {
        "descent".into()
    }

    fn evaluate(
        &mut self,
        inst: &atoll::model::Instance,
        batch: &[atoll::model::Timetable],
    ) -> Vec<atoll::eval::Breakdown> {
        CpuBatchEvaluator.evaluate(inst, batch)
    }

    fn search_walks(&self) -> usize {
        8
    }

    fn intensify(
        &mut self,
        inst: &atoll::model::Instance,
        starts: &[(atoll::model::Timetable, atoll::eval::Cost)],
        _steps: u32,
        _seed: u64,
        _stop: &dyn Fn(u32) -> bool,
    ) -> Vec<Option<(atoll::model::Timetable, atoll::eval::Cost)>> {
        use atoll::eval::IncrementalState;
        use atoll::model::{LectureId, PeriodId, RoomId, Slot};
        self.starts_seen.push(starts.len());
        starts
            .iter()
            .map(|(tt, cost)| {
                assert_eq!(score(inst, tt).cost(), *cost, "a start comes with its cost");
                let mut s = IncrementalState::new(inst, tt.clone());
                let mut improved = true;
                while improved {
                    improved = false;
                    for l in 0..tt.len() {
                        for p in 0..inst.n_periods() {
                            for r in 0..inst.rooms.len() {
                                let (l, to) = (
                                    LectureId(l as u32),
                                    Slot::at(PeriodId(p as u16), RoomId(r as u16)),
                                );
                                if s.can_move(l, to)
                                    && s.move_delta(l, to).is_some_and(|d| d < (0, 0))
                                {
                                    s.move_lecture(l, to);
                                    improved = true;
                                }
                            }
                        }
                    }
                }
                (s.cost() < *cost).then(|| (s.timetable().clone(), s.cost()))
            })
            .collect()
    }
}

#[test]
fn an_evaluator_search_starts_from_every_island_and_feeds_it() {
    let inst = Arc::new(common::load(
        &common::shared_dir().join("instances/itc2007/comp01.ctt"),
    ));
    let opts = SolverOptions {
        ls_iterations: 200,
        ..bounded(3)
    };
    let mut search = DescentSearch::default();
    let r = pool(2)
        .install(|| {
            solve(
                SolveRequest::new(&opts),
                inst.clone(),
                &mut search,
                &mut |_| {},
            )
        })
        .expect("solve");
    assert_eq!(
        search.starts_seen,
        vec![2, 2, 2],
        "one start per island, every generation"
    );
    assert!(
        r.stats.outside_improvements > 0,
        "a descent from weakly annealed islands improves the run's best"
    );
    assert_eq!(score(&inst, &r.timetable), r.breakdown);
    assert_eq!(
        atoll::solver::island_workers(16, &search),
        16 - 1,
        "a searching evaluator keeps a core for its driver"
    );
    assert_eq!(atoll::solver::island_workers(2, &search), 2);
    assert_eq!(atoll::solver::island_workers(16, &CpuBatchEvaluator), 16);
}
