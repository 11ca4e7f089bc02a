//! The pipeline: construct (Stage 1), then island evolution (Stage 2), anytime. The best
//! timetable so far is kept at every step and returned however the run ends: time limit,
//! generation bound or cancellation.

use rand::SeedableRng;
use rand::rngs::SmallRng;
use rayon::prelude::*;
use serde::Serialize;
use web_time::Duration;

use crate::budget::{CancelToken, Stop};
use crate::construct::{Construction, Unplaced, construct};
use crate::eval::{Breakdown, Cost, score};
use crate::evolve::island::island_seed;
use crate::evolve::{AnnealParams, BatchEvaluator, Individual, Island};
use crate::model::{Instance, Timetable};
use crate::options::{OptionError, SolverOptions};

/// Which stage is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Construct,
    Evolve,
}

/// A progress event, sent by the coordinating thread after construction and after every
/// generation.
#[derive(Clone, Debug, Serialize)]
pub struct Progress {
    pub stage: Stage,
    pub generation: u64,
    pub elapsed_s: f64,
    pub best: Cost,
    /// Best cost of each island.
    pub islands: Vec<Cost>,
    /// Local-search iterations so far, all islands together.
    pub iterations: u64,
}

/// Why the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    TimeLimit,
    Generations,
    Cancelled,
}

/// Counters of a run.
#[derive(Clone, Debug, Serialize)]
pub struct SolveStats {
    pub islands: usize,
    pub threads: usize,
    pub evaluator: String,
    pub generations: u64,
    pub ls_iterations: u64,
    pub ls_accepted: u64,
    pub batch_evaluations: u64,
    pub elapsed_s: f64,
    pub construct_s: f64,
    /// Seconds until the best timetable was first feasible, if it ever was.
    pub time_to_feasible_s: Option<f64>,
    /// Lectures the best initial timetable could not place cleanly.
    pub construction_unplaced: usize,
}

/// The outcome of [`solve`].
#[derive(Clone, Debug)]
pub struct SolveResult {
    pub timetable: Timetable,
    pub breakdown: Breakdown,
    pub stop_reason: StopReason,
    pub stats: SolveStats,
    /// What construction left unplaced, for the best initial timetable.
    pub unplaced: Vec<Unplaced>,
}

fn temperature(opts: &SolverOptions, f: f64) -> f64 {
    opts.temperature_start * (opts.temperature_end / opts.temperature_start).powf(f.clamp(0.0, 1.0))
}

/// Solves `inst`. `evaluator` scores each generation's candidates in one batch; `cancel`
/// may be raised from another thread; `on_progress` is called on this thread.
pub fn solve(
    inst: &Instance,
    opts: &SolverOptions,
    evaluator: &mut dyn BatchEvaluator,
    cancel: CancelToken,
    on_progress: &mut dyn FnMut(&Progress),
) -> Result<SolveResult, OptionError> {
    opts.validate()?;
    let stop = Stop::new(cancel, opts.time_limit.map(Duration::from_secs_f64));
    let threads = rayon::current_num_threads();
    let n_islands = if opts.islands == 0 {
        threads
    } else {
        opts.islands
    };

    // Stage 1: every individual of every island constructed in parallel, each on its own
    // random stream.
    let built: Vec<(usize, Timetable, Vec<Unplaced>)> = (0..n_islands * opts.population)
        .into_par_iter()
        .map(|k| {
            let mut rng = SmallRng::seed_from_u64(island_seed(opts.seed ^ 0xC0FFEE, k));
            let mut best: Option<(Cost, Construction)> = None;
            for _ in 0..opts.construct_attempts {
                if stop.should_stop() && best.is_some() {
                    break;
                }
                let c = construct(inst, &mut rng);
                let cost = score(inst, &c.timetable).cost();
                if best.as_ref().is_none_or(|(b, _)| cost < *b) {
                    best = Some((cost, c));
                }
            }
            let (_, c) = best.expect("at least one construction");
            (k, c.timetable, c.unplaced)
        })
        .collect();
    let tts: Vec<Timetable> = built.iter().map(|b| b.1.clone()).collect();
    let costs = evaluator.evaluate(inst, &tts);
    let mut batch_evaluations = tts.len() as u64;
    let mut islands: Vec<Island> = (0..n_islands)
        .map(|i| {
            let pop = (0..opts.population)
                .map(|j| {
                    let k = i * opts.population + j;
                    Individual {
                        timetable: tts[k].clone(),
                        cost: costs[k].cost(),
                    }
                })
                .collect();
            Island::new(i, opts.seed, pop)
        })
        .collect();
    let best_initial = (0..built.len())
        .min_by_key(|&k| costs[k].cost())
        .expect("at least one individual");
    let unplaced = built[best_initial].2.clone();
    let construct_s = stop.elapsed().as_secs_f64();

    let mut best = islands
        .iter()
        .map(|i| i.best.clone())
        .min_by_key(|i| i.cost)
        .expect("at least one island");
    let mut time_to_feasible = best.cost.is_feasible().then_some(construct_s);
    let report = |islands: &[Island], best: &Individual, stage, generation, stop: &Stop| Progress {
        stage,
        generation,
        elapsed_s: stop.elapsed().as_secs_f64(),
        best: best.cost,
        islands: islands.iter().map(|i| i.best.cost).collect(),
        iterations: islands.iter().map(|i| i.stats.iterations).sum(),
    };
    on_progress(&report(&islands, &best, Stage::Construct, 0, &stop));

    // Stage 2: generations.
    let fraction = |generation: u64, stop: &Stop| {
        let g = opts
            .max_generations
            .map_or(0.0, |m| generation as f64 / m as f64);
        g.max(stop.time_fraction()).min(1.0)
    };
    let mut generation = 0u64;
    let mut last_step = opts.max_generations.map_or(0.01, |m| 1.0 / m as f64);
    let stop_reason = loop {
        if stop.is_cancelled() {
            break StopReason::Cancelled;
        }
        if stop.should_stop() {
            break StopReason::TimeLimit;
        }
        if opts.max_generations.is_some_and(|m| generation >= m) {
            break StopReason::Generations;
        }
        let f0 = fraction(generation, &stop);
        let params = AnnealParams {
            iterations: opts.ls_iterations,
            temperature_start: temperature(opts, f0),
            temperature_end: temperature(opts, f0 + last_step),
            hard_weight: opts.hard_weight,
            feasibility_temperature: opts.feasibility_temperature,
            kempe_rate: opts.kempe_rate,
            keep_room_rate: opts.keep_room_rate,
        };

        // Breed on every island in parallel; score everything in one batch.
        let bred: Vec<Vec<Timetable>> = islands
            .par_iter_mut()
            .map(|isl| isl.breed(inst, opts))
            .collect();
        let flat: Vec<Timetable> = bred.iter().flatten().cloned().collect();
        let scores = evaluator.evaluate(inst, &flat);
        batch_evaluations += flat.len() as u64;
        let mut scores = scores.into_iter();
        let per_island: Vec<Vec<(Timetable, Breakdown)>> = bred
            .into_iter()
            .map(|cands| {
                cands
                    .into_iter()
                    .map(|t| (t, scores.next().expect("one score per candidate")))
                    .collect()
            })
            .collect();

        // Refine and select on every island in parallel.
        islands
            .par_iter_mut()
            .zip(per_island)
            .for_each(|(isl, cands)| isl.refine(inst, cands, &params, opts.refine, &stop));
        generation += 1;

        if generation % opts.migration_interval == 0 && islands.len() > 1 {
            let migrants: Vec<Individual> = islands.iter().map(|i| i.best.clone()).collect();
            let n = islands.len();
            for (i, m) in migrants.into_iter().enumerate() {
                islands[(i + 1) % n].receive(m);
            }
        }
        for isl in &islands {
            if isl.best.cost < best.cost {
                best = isl.best.clone();
            }
        }
        if time_to_feasible.is_none() && best.cost.is_feasible() {
            time_to_feasible = Some(stop.elapsed().as_secs_f64());
        }
        let f1 = fraction(generation, &stop);
        if opts.max_generations.is_none() || opts.time_limit.is_some() {
            last_step = (f1 - f0).max(1e-4);
        }
        on_progress(&report(&islands, &best, Stage::Evolve, generation, &stop));
    };

    let breakdown = score(inst, &best.timetable);
    debug_assert_eq!(breakdown.cost(), best.cost);
    let stats = SolveStats {
        islands: n_islands,
        threads,
        evaluator: evaluator.name(),
        generations: generation,
        ls_iterations: islands.iter().map(|i| i.stats.iterations).sum(),
        ls_accepted: islands.iter().map(|i| i.stats.accepted).sum(),
        batch_evaluations,
        elapsed_s: stop.elapsed().as_secs_f64(),
        construct_s,
        time_to_feasible_s: time_to_feasible,
        construction_unplaced: unplaced.len(),
    };
    Ok(SolveResult {
        timetable: best.timetable,
        breakdown,
        stop_reason,
        stats,
        unplaced,
    })
}
