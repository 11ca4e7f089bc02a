//! Stage 3 end to end: repair from random (badly infeasible) timetables to feasibility on
//! every shared instance, a stress run of over 1,000 conflict episodes on a 16-thread pool
//! with the watchdog watching, determinism under a round bound, cooperative deadlines,
//! Q-table persistence and its errors, the memory budget, and Stage 3 inside a solve.
//!
//! Nothing here depends on the machine's speed: runs are bounded by rounds, and deadlines
//! are set far beyond what any round needs except where a deadline is what is tested.

mod common;

use std::sync::Arc;
use std::time::Instant;

use atoll::budget::{Budget, CancelToken, MemorySource, Stop};
use atoll::evolve::CpuBatchEvaluator;
use atoll::parallel::random_timetable;
use atoll::repair::{QTableError, RepairConfig, Repairer, StallKind, new_qtable, qtable_from_json};
use atoll::solver::{Stage, StopReason};
use atoll::{SolveRequest, SolverOptions, Timetable, score, solve};

fn pool(n: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .unwrap()
}

/// Options for a repair bounded by rounds: deadlines no round comes near, a fixed batch.
fn bounded() -> SolverOptions {
    SolverOptions {
        time_limit: None,
        conflict_deadline_ms: 600_000.0,
        stall_timeout_s: 3600.0,
        conflict_batch: 8,
        ..Default::default()
    }
}

fn repairer(inst: &atoll::Instance, tt: Timetable, opts: &SolverOptions) -> Repairer {
    let budget = Budget::for_options(opts);
    Repairer::new(
        inst,
        tt,
        RepairConfig::new(opts, &budget),
        Arc::new(new_qtable()),
    )
}

fn no_stop() -> Stop {
    Stop::new(CancelToken::new(), None)
}

#[test]
fn random_timetables_are_repaired_to_feasibility_on_every_shared_instance() {
    const MAX_ROUNDS: u64 = 3000;
    let pool = pool(2);
    let opts = bounded();
    for (k, path) in common::all_instances().iter().enumerate() {
        let inst = common::load(path);
        let tt = random_timetable(&inst, 100 + k as u64);
        let start = score(&inst, &tt);
        let t = Instant::now();
        let mut r = repairer(&inst, tt, &opts);
        let stop = no_stop();
        pool.install(|| {
            while r.cost().hard > 0 && r.rounds() < MAX_ROUNDS && r.round(&inst, &stop) {}
        });
        let (tt, stats) = r.finish();
        let full = score(&inst, &tt);
        assert_eq!(
            full.cost(),
            stats.end,
            "{}: reported cost must be exact",
            path.display()
        );
        assert_eq!(
            full.hard(),
            0,
            "{}: still infeasible after {} rounds: {full:?}",
            path.display(),
            stats.rounds
        );
        eprintln!(
            "{:<40} hard {:>4} -> 0 in {:>4} rounds, {:.2}s (soft {})",
            path.display(),
            start.hard(),
            stats.rounds,
            t.elapsed().as_secs_f64(),
            full.soft()
        );
    }
}

#[test]
fn stress_over_1000_episodes_on_16_threads_without_stall_and_a_consistent_qtable() {
    let pool = pool(16);
    let opts = SolverOptions {
        conflict_batch: 16,
        burst_iterations: 2_000,
        // Far beyond any round on any machine: a report would mean something is stuck.
        stall_timeout_s: 120.0,
        ..bounded()
    };
    let mut episodes = 0;
    let mut updates = 0;
    let table = Arc::new(new_qtable());
    for (k, name) in ["comp01", "comp04", "comp11", "toy"].iter().enumerate() {
        let dir = if *name == "toy" { "extra" } else { "itc2007" };
        let path = common::shared_dir().join(format!("instances/{dir}/{name}.ctt"));
        let inst = common::load(&path);
        let budget = Budget::for_options(&opts);
        let mut r = Repairer::new(
            &inst,
            random_timetable(&inst, 7 + k as u64),
            RepairConfig::new(&opts, &budget),
            table.clone(),
        );
        let stop = no_stop();
        pool.install(|| while r.rounds() < 30 && r.round(&inst, &stop) {});
        let stalls = r.stalls();
        let (tt, stats) = r.finish();
        assert!(
            stalls.iter().all(|s| s.kind != StallKind::NoProgress),
            "{name}: the watchdog saw no progress: {stalls:?}"
        );
        assert_eq!(score(&inst, &tt).cost(), stats.end);
        assert_eq!(stats.abandoned, 0, "{name}: no deadline can pass here");
        let per_action: u64 = stats.actions.iter().map(|a| a.chosen).sum();
        assert_eq!(
            per_action, stats.steps,
            "{name}: every step chose one action"
        );
        assert!(stats.accepted + stats.rejected <= stats.proposals);
        episodes += stats.episodes;
        updates += stats.q_updates;
    }
    assert!(episodes >= 1000, "only {episodes} episodes");
    let check = table.check();
    assert!(check.all_finite, "{check:?}");
    // Gains and works are stored clamped to the table's bound; works are never negative.
    let bound = atoll::repair::qtable::Q_BOUND;
    assert!(check.max_abs_q <= bound + 1e-9, "{check:?} exceeds {bound}");
    assert_eq!(check.updates, updates, "every worker update counted once");
    assert_eq!(
        check.visits, updates,
        "per-entry counts add up to the total"
    );
    assert!(check.entries_visited > 1);
    eprintln!("{episodes} episodes, {updates} Q-updates on 16 threads: {check:?}");
}

#[test]
fn repair_bounded_by_rounds_is_the_same_on_any_thread_count() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let run = |threads: usize| {
        let opts = SolverOptions {
            seed: 3,
            burst_iterations: 3_000,
            ..bounded()
        };
        let table = Arc::new(new_qtable());
        let budget = Budget::for_options(&opts);
        let mut r = Repairer::new(
            &inst,
            random_timetable(&inst, 3),
            RepairConfig::new(&opts, &budget),
            table.clone(),
        );
        let stop = no_stop();
        pool(threads).install(|| while r.rounds() < 25 && r.round(&inst, &stop) {});
        (r.finish().0, table.to_json())
    };
    let (a, qa) = run(1);
    let (b, qb) = run(3);
    assert_eq!(a, b, "same timetable");
    assert_eq!(qa, qb, "same Q-table");
}

#[test]
fn a_conflict_past_its_deadline_is_abandoned_and_counted() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp07.ctt"));
    let opts = SolverOptions {
        conflict_deadline_ms: 1e-6,
        ..bounded()
    };
    let mut r = repairer(&inst, random_timetable(&inst, 1), &opts);
    let start = r.cost();
    let stop = no_stop();
    pool(2).install(|| {
        for _ in 0..3 {
            r.round(&inst, &stop);
        }
    });
    let (tt, stats) = r.finish();
    assert_eq!(stats.episodes, 3 * 8);
    assert_eq!(stats.abandoned, stats.episodes, "{stats:?}");
    assert_eq!(stats.accepted, 0);
    assert_eq!(score(&inst, &tt).cost(), start, "nothing applied");
}

#[test]
fn broken_timetables_empty_or_with_extra_lectures_are_repaired() {
    let path = common::shared_dir().join("instances/itc2007/comp01.ctt");
    let inst = common::load(&path);
    // Every lecture missing.
    let (empty, _) = atoll::parse_solution(&inst, b"", "empty.sol").unwrap();
    // Course c0001 scheduled twice as often as it should be (extras at other periods).
    let mut text = String::new();
    for (d, p) in [
        (0, 0),
        (0, 1),
        (1, 0),
        (1, 1),
        (2, 0),
        (2, 1),
        (3, 0),
        (3, 1),
        (4, 0),
        (4, 1),
        (4, 2),
        (3, 2),
    ] {
        text += &format!("c0001 rB {d} {p}\n");
    }
    let (extra, _) = atoll::parse_solution(&inst, text.as_bytes(), "extra.sol").unwrap();
    assert!(score(&inst, &extra).lectures > 0);
    for tt in [empty, extra] {
        let mut r = repairer(&inst, tt, &bounded());
        let stop = no_stop();
        pool(2).install(|| while r.cost().hard > 0 && r.rounds() < 500 && r.round(&inst, &stop) {});
        let (tt, stats) = r.finish();
        assert_eq!(score(&inst, &tt).hard(), 0, "{stats:?}");
    }
}

#[test]
fn qtable_saves_loads_and_rejects_bad_files() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let table = Arc::new(new_qtable());
    let opts = bounded();
    let budget = Budget::for_options(&opts);
    let mut r = Repairer::new(
        &inst,
        random_timetable(&inst, 5),
        RepairConfig::new(&opts, &budget),
        table.clone(),
    );
    pool(2).install(|| {
        for _ in 0..5 {
            r.round(&inst, &no_stop());
        }
    });
    assert!(table.updates() > 0);
    let json = table.to_json();
    let back = qtable_from_json(&json).unwrap();
    assert_eq!(back.snapshot(), table.snapshot());
    assert_eq!(back.updates(), table.updates());
    assert_eq!(back.to_json(), json, "a saved table loads back exactly");

    assert!(matches!(qtable_from_json("{"), Err(QTableError::Json(_))));
    assert!(matches!(qtable_from_json("[]"), Err(QTableError::Json(_))));
    let other = json.replace("\"atoll-qtable\"", "\"other\"");
    assert!(matches!(
        qtable_from_json(&other),
        Err(QTableError::Format { .. })
    ));
    let small = atoll::repair::QTable::new(2, 3).to_json();
    assert!(matches!(
        qtable_from_json(&small),
        Err(QTableError::Shape { .. })
    ));
    let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
    v["q"][0] = serde_json::json!(1e9);
    assert!(matches!(
        qtable_from_json(&v.to_string()),
        Err(QTableError::Value(0))
    ));
}

#[test]
fn budget_follows_memory_and_every_field_can_be_overridden() {
    let small = Budget::from_memory(1.0, MemorySource::Option);
    let large = Budget::from_memory(8.0, MemorySource::Option);
    assert_eq!(small.conflict_batch, 8);
    assert_eq!(large.conflict_batch, 16);
    assert!(small.max_population <= large.max_population);
    assert!(small.max_offspring < large.max_offspring);
    assert!(small.gpu_batch < large.gpu_batch);
    let tiny = Budget::from_memory(0.25, MemorySource::Option);
    assert!(tiny.max_offspring <= small.max_offspring);

    let absent = Budget::for_device_memory(None);
    assert_eq!(absent.source, MemorySource::Default);
    assert_eq!(absent.memory_gib, Budget::DEFAULT_GIB);
    assert_eq!(absent.conflict_batch, 8, "conservative without a reading");
    assert_eq!(Budget::for_device_memory(Some(8.0)).conflict_batch, 16);
    assert_eq!(
        Budget::for_device_memory(Some(f64::NAN)).source,
        MemorySource::Default
    );

    let opts = SolverOptions {
        memory_gib: Some(0.5),
        conflict_batch: 5,
        gpu_batch: 7,
        ..Default::default()
    };
    let b = Budget::for_options(&opts);
    assert_eq!((b.conflict_batch, b.gpu_batch), (5, 7));
    assert_eq!(b.source, MemorySource::Option);
    let detected = Budget::detect();
    assert!(detected.memory_gib > 0.0);

    // The budget caps what a run holds: a small one lowers a large population.
    let inst = common::load(&common::shared_dir().join("instances/extra/toy.ctt"));
    let opts = SolverOptions {
        time_limit: None,
        max_generations: Some(1),
        memory_gib: Some(0.5),
        population: 64,
        offspring: 4096,
        refine: 4096,
        ls_iterations: 10,
        islands: 1,
        stage3: false,
        ..Default::default()
    };
    let solver = pool(1)
        .install(|| {
            atoll::solver::Solver::new(
                Arc::new(inst.clone()),
                &opts,
                &mut CpuBatchEvaluator,
                CancelToken::new(),
            )
        })
        .unwrap();
    assert_eq!(solver.budget().max_population, 8);
    assert_eq!(solver.progress().islands.len(), 1);
}

#[test]
fn a_solve_runs_stage3_after_evolution_and_reports_it() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let opts = SolverOptions {
        time_limit: None,
        max_generations: Some(2),
        stage3_rounds: 4,
        islands: 2,
        ls_iterations: 20_000,
        ..bounded()
    };
    let mut stages = Vec::new();
    let r = pool(2)
        .install(|| {
            solve(
                SolveRequest::new(&opts),
                Arc::new(inst.clone()),
                &mut CpuBatchEvaluator,
                &mut |p| stages.push((p.stage, p.conflicts_left)),
            )
        })
        .unwrap();
    let repair = r.stats.repair.as_ref().expect("Stage 3 ran");
    assert!(
        matches!(r.stop_reason, StopReason::Generations | StopReason::Solved),
        "{:?}",
        r.stop_reason
    );
    assert!(repair.rounds >= 1 && repair.rounds <= 4, "{repair:?}");
    assert!(
        stages
            .iter()
            .any(|(s, c)| *s == Stage::Repair && c.is_some())
    );
    assert!(
        stages
            .iter()
            .all(|(s, c)| (*s == Stage::Repair) == c.is_some())
    );
    assert_eq!(score(&inst, &r.timetable), r.breakdown);

    let off = SolverOptions {
        stage3: false,
        ..opts
    };
    let r = common::solve_cpu(&inst, &off, 2).unwrap();
    assert!(r.stats.repair.is_none());
    assert_eq!(r.stop_reason, StopReason::Generations);
}

/// The learning rule on a synthetic repair problem where one action is clearly best *per
/// unit of work* (not per attempt): simulated outcomes, no timetable, no clock. In a
/// soft-rule state the cheap `Eject` repairs half the time, the other cheap actions a
/// tenth of the time, and the broad anneal always repairs five times as much but costs a
/// hundred times the work; in a hard-rule state the anneal repairs a thousand times more
/// for a hundred times the work, so there it is best. The learned policy must end up
/// choosing the best action of each state far more often than uniform choice does (which
/// picks each of the 7 actions about 14% of the time). Fails if the agent learned gain per
/// attempt (the anneal would win the soft state), or ignored work.
#[test]
fn the_learned_policy_finds_the_action_that_repairs_fastest_and_random_does_not() {
    use atoll::options::Policy;
    use atoll::repair::Action;
    use atoll::repair::agent::{AgentParams, choose, learn};
    use rand::{Rng, SeedableRng, rngs::SmallRng};

    let unit = 100_000u64; // the work of one anneal
    let outcome = |hard: bool, a: Action, rng: &mut SmallRng| -> (i64, u64) {
        let (p, gain, work) = match (hard, a) {
            (_, Action::Anneal) => (1.0, if hard { 1000 } else { 5 }, unit),
            (false, Action::Eject) => (0.5, 1, unit / 100),
            _ => (0.1, 1, unit / 100),
        };
        let gain = if hard { gain * 100 } else { gain }; // hard weight 100
        (if rng.random_bool(p) { -gain } else { 0 }, work)
    };
    // A soft state and a hard state (rule index 5 = MinWorkingDays, 1 = Conflicts).
    let soft_state = 5 * atoll::repair::state::PER_RULE + 4;
    let hard_state = atoll::repair::state::PER_RULE + 4;
    let share = |policy: Policy| {
        let params = AgentParams {
            policy,
            exploration: 0.1,
            steps: 1,
            hard_weight: 100,
            work_unit: unit,
        };
        let table = new_qtable();
        let mut rng = SmallRng::seed_from_u64(11);
        let mut best_chosen = [0u32; 2];
        let mut total = 0u32;
        for round in 0..300 {
            table.cap_counts(500);
            let q = table.snapshot();
            for _ in 0..8 {
                for (k, (hard, s, best)) in [
                    (false, soft_state, Action::Eject),
                    (true, hard_state, Action::Anneal),
                ]
                .into_iter()
                .enumerate()
                {
                    let a = choose(&params, &q, s, true, &mut rng);
                    let (delta, work) = outcome(hard, a, &mut rng);
                    learn(&params, &table, hard, s, a, delta, work);
                    if round >= 150 {
                        best_chosen[k] += (a == best) as u32;
                        total += (k == 0) as u32;
                    }
                }
            }
        }
        [
            best_chosen[0] as f64 / total as f64,
            best_chosen[1] as f64 / total as f64,
        ]
    };
    let learned = share(Policy::Learned);
    let random = share(Policy::Random);
    eprintln!("best action chosen: learned {learned:?}, random {random:?}");
    for k in 0..2 {
        assert!(
            learned[k] > 0.75,
            "state {k}: learned chose the best action only {:.0}%",
            learned[k] * 100.0
        );
        assert!(
            random[k] < 0.25,
            "uniform choice is not uniform: {random:?}"
        );
        assert!(learned[k] > 3.0 * random[k]);
    }
}
