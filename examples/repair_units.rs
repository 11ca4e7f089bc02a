//! How long one work unit of each Stage 3 action takes (issue 16, item 4): a measurement,
//! not a test, so no pass/fail depends on the machine's speed. Run it with
//!
//! ```text
//! cargo run --profile quick --example repair_units [INSTANCE.ctt ...]
//! ```
//!
//! (default: comp01, comp05 and comp07 of `../shared/instances/itc2007`).
//!
//! Stage 3 charges an action for its work in units (`src/repair/action.rs`) rather than
//! by the clock, so that runs bounded by rounds are reproducible; the units are meant to
//! take the same time in every action, or the agent learns a distorted repair per unit of
//! time. For each instance this constructs a timetable, anneals it once (what Stage 3
//! starts from looks like that: a local optimum), collects its conflicts, and runs every
//! action on them in turn, timing each run. An action's own work is its effort minus the
//! per-step overhead (and, for the broad anneal, before the barrier factor), which this
//! does not time. Each action runs in batches; the printed time per unit is the fastest
//! batch's (the machine may be shared: the fastest is the least disturbed), with the
//! median beside it.

use std::time::Instant;

use atoll::budget::{Budget, CancelToken, Stop};
use atoll::construct::construct;
use atoll::evolve::local_search::anneal;
use atoll::repair::RepairConfig;
use atoll::repair::action::{self, Action, BROAD_WAIT, Env, STEP_OVERHEAD};
use atoll::repair::conflict::collect;
use atoll::repair::context::ContextCache;
use atoll::repair::state::encode;
use atoll::{IncrementalState, SolverOptions, parse_instance};
use rand::SeedableRng;
use rand::rngs::SmallRng;

const BATCHES: usize = 7;
const RUNS_PER_BATCH: usize = 40;

fn main() {
    let mut paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        paths = ["comp01", "comp05", "comp07"]
            .iter()
            .map(|n| format!("../shared/instances/itc2007/{n}.ctt"))
            .collect();
    }
    let opts = SolverOptions::default();
    let cfg = RepairConfig::new(&opts, &Budget::for_options(&opts));
    println!("instance  action      ns/unit (fastest batch)  ns/unit (median)  units/us  runs");
    for path in &paths {
        let text = std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let inst = parse_instance(&text, path).unwrap_or_else(|e| panic!("{e}"));
        let mut rng = SmallRng::seed_from_u64(7);
        let never = Stop::new(CancelToken::new(), None);
        let mut state = IncrementalState::new(&inst, construct(&inst, &mut rng).timetable);
        let (tt, _, _) = anneal(&mut state, &cfg.anneal, &mut rng, &never);
        let base = IncrementalState::new(&inst, tt);
        let ctx = ContextCache::new(inst.courses.len(), inst.n_lectures());
        let conflicts = collect(&base, &ctx, opts.soft_conflicts).conflicts;
        // The round's serial part: collecting the conflicts (a full evaluation with the
        // violation list), shared by the round's batch of episodes.
        let mut collects: Vec<u128> = (0..9)
            .map(|_| {
                let t = Instant::now();
                std::hint::black_box(collect(&base, &ctx, opts.soft_conflicts));
                t.elapsed().as_nanos()
            })
            .collect();
        collects.sort_unstable();
        let per_step = (cfg.batch as u128 * opts.episode_steps.max(1) as u128).max(1);
        let collect_share = collects[0] / per_step;
        if conflicts.is_empty() {
            println!("{path}: no conflicts to repair");
            continue;
        }
        let name = std::path::Path::new(path)
            .file_stem()
            .map_or(path.clone(), |s| s.to_string_lossy().to_string());
        // The per-step overhead an action does not do itself: encoding the state after
        // the step, undoing a step that did not improve, a share of the episode's scratch
        // copy (one per `episode_steps` steps) and of the round's collecting.
        let mut overhead: Vec<u128> = Vec::new();
        let mut move_best_ns = f64::NAN;
        for a in Action::ALL {
            let mut per_batch: Vec<f64> = Vec::new();
            let mut runs = 0;
            for b in 0..BATCHES {
                let mut state = base.clone();
                let (mut ns, mut units) = (0u128, 0u64);
                // The anneal is a thousand times dearer than the rest: fewer runs.
                let n = if a.is_broad() { 2 } else { RUNS_PER_BATCH };
                for k in 0..n {
                    let c = &conflicts[(b * n + k) % conflicts.len()];
                    let env = Env {
                        ctx: &ctx,
                        hard_weight: cfg.agent.hard_weight,
                        anneal: cfg.anneal,
                        deadline: &never,
                        broad: true,
                        focused: cfg.focused,
                    };
                    let before = state.timetable().clone();
                    let t = Instant::now();
                    let e = action::run(a, &mut state, c, &env, &mut rng);
                    ns += t.elapsed().as_nanos();
                    let t = Instant::now();
                    let cc = ctx.course(&inst, state.timetable().course(c.focus));
                    std::hint::black_box(encode(&state, c, &cc, 1));
                    action::set_timetable(&mut state, &before);
                    let o = t.elapsed().as_nanos();
                    let t = Instant::now();
                    let copy = std::hint::black_box(base.clone());
                    // The copy counts once per episode.
                    let copy_share = t.elapsed().as_nanos() / opts.episode_steps.max(1) as u128;
                    drop(copy);
                    overhead.push(o + copy_share + collect_share);
                    let work = if a.is_broad() {
                        e.work / BROAD_WAIT
                    } else {
                        e.work
                    };
                    units += work - STEP_OVERHEAD;
                    runs += 1;
                }
                if units > 0 {
                    per_batch.push(ns as f64 / units as f64);
                }
            }
            per_batch.sort_by(f64::total_cmp);
            let (Some(&fast), Some(&median)) =
                (per_batch.first(), per_batch.get(per_batch.len() / 2))
            else {
                println!("{name:9} {a:?}: no work charged");
                continue;
            };
            if a == Action::MoveBest {
                move_best_ns = fast;
            }
            println!(
                "{name:9} {:11} {fast:>23.1}  {median:>16.1}  {:>8.2}  {runs:>4}",
                format!("{a:?}"),
                1000.0 / fast
            );
        }
        overhead.sort_unstable();
        let o = overhead[overhead.len() / 2] as f64;
        println!(
            "{name:9} step overhead (encode, undo, shares of the copy and of collecting): median {:.1} us = {:.0} MoveBest units",
            o / 1000.0,
            o / move_best_ns
        );
    }
}
