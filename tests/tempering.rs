//! The search extensions measured in docs/TUNING.md: the temperature ladder
//! (`temperature_ladder`, parallel tempering across islands with replica exchange at
//! migration) and restarts from the elite (`restart_stall`, `restart_moves`). With either,
//! a bounded run stays deterministic whatever the thread count, its reported cost is the
//! full evaluator's, and the extension changes the search (off is the old search).

mod common;

use std::sync::Arc;

use atoll::evolve::CpuBatchEvaluator;
use atoll::solver::SolveResult;
use atoll::{SolveRequest, SolverOptions, score, solve};

fn run(threads: usize, ladder: f64) -> SolveResult {
    run_with("comp07", 12, threads, ladder, 0)
}

fn run_with(
    name: &str,
    generations: u64,
    threads: usize,
    ladder: f64,
    restart_stall: u64,
) -> SolveResult {
    let inst = common::load(&common::shared_dir().join(format!("instances/itc2007/{name}.ctt")));
    let opts = SolverOptions {
        time_limit: None,
        max_generations: Some(generations),
        islands: 3,
        ls_iterations: 20_000,
        migration_interval: 2,
        temperature_ladder: ladder,
        restart_stall,
        restart_moves: 6,
        stage3: false,
        ..Default::default()
    };
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap()
        .install(|| {
            solve(
                SolveRequest::new(&opts),
                Arc::new(inst),
                &mut CpuBatchEvaluator,
                &mut |_| {},
            )
        })
        .unwrap()
}

#[test]
fn a_ladder_run_is_exact_deterministic_and_differs_from_the_ring() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp07.ctt"));
    let a = run(1, 8.0);
    let b = run(2, 8.0);
    assert_eq!(
        a.timetable, b.timetable,
        "same seed, same islands, same result"
    );
    assert_eq!(
        score(&inst, &a.timetable),
        a.breakdown,
        "reported cost is exact"
    );
    assert_eq!(a.breakdown.hard(), 0, "feasible: {:?}", a.breakdown);
    let ring = run(2, 1.0);
    assert_ne!(
        a.timetable, ring.timetable,
        "hotter islands and replica exchange must change the search"
    );
}

#[test]
fn a_ladder_outside_its_range_is_refused_by_name() {
    let mut o = SolverOptions::default();
    for bad in [0.5, 1001.0, f64::NAN] {
        let e = o
            .set("temperature_ladder", &serde_json::json!(bad))
            .unwrap_err();
        assert_eq!(e.name(), "temperature_ladder");
    }
    let e = o.set("restart_moves", &serde_json::json!(0)).unwrap_err();
    assert_eq!(e.name(), "restart_moves");
    o.set("temperature_ladder", &serde_json::json!(4.0))
        .unwrap();
    assert_eq!(o.temperature_ladder, 4.0);
}

#[test]
fn restarts_from_the_elite_are_exact_deterministic_and_change_the_search() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    // comp01 reaches its plateau within a few generations, so a restart after every
    // generation without improvement fires many times in 30.
    let a = run_with("comp01", 30, 1, 1.0, 1);
    let b = run_with("comp01", 30, 2, 1.0, 1);
    assert_eq!(
        a.timetable, b.timetable,
        "same seed, same islands, same result"
    );
    assert_eq!(a.stats.ls_accepted, b.stats.ls_accepted);
    assert_eq!(
        score(&inst, &a.timetable),
        a.breakdown,
        "reported cost is exact"
    );
    assert_eq!(a.breakdown.hard(), 0, "feasible: {:?}", a.breakdown);
    // The elite may be the same timetable either way; the chains walked differently.
    let plain = run_with("comp01", 30, 2, 1.0, 0);
    assert_ne!(
        a.stats.ls_accepted, plain.stats.ls_accepted,
        "restarts must change the chains"
    );
}
