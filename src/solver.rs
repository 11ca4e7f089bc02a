//! The pipeline: construct (Stage 1), then island evolution (Stage 2), then conflict
//! resolution (Stage 3, [`crate::repair`]), anytime. The best timetable so far is kept at
//! every step and returned however the run ends: time limit, generation bound or
//! cancellation.

use rayon::prelude::*;
use serde::Serialize;
use std::sync::Arc;

use web_time::{Duration, Instant};

use crate::budget::{Budget, CancelToken, Stop};
use crate::construct::{Unplaced, first_population};
use crate::eval::{Breakdown, Cost, score};
use crate::evolve::island::island_seed;
use crate::evolve::{AnnealParams, BatchEvaluator, Individual, Island};
use crate::model::{Instance, Moves, Timetable};
use crate::options::{OptionError, SolverOptions};
use crate::repair::{QTable, RepairConfig, RepairStats, Repairer, StallEvent};

/// The share of the time limit after which no further construction attempt starts (each
/// individual keeps its first): the search, not repeated greedy construction, is where
/// the time pays. Attempts of an ITC-2007 instance take milliseconds, so this only bites on
/// instances whose construction is slow (campuses of thousands of courses).
const CONSTRUCT_SHARE: f64 = 0.1;

/// Which stage is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Construct,
    Evolve,
    /// Stage 3: conflict resolution.
    Repair,
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
    /// The batch evaluator scoring the generations (`BatchEvaluator::name`: "CPU (N
    /// threads)" or "gpu <adapter>"), so front ends can show what runs.
    pub evaluator: String,
    /// Violations left (hard and soft entries of the violation list) during Stage 3.
    pub conflicts_left: Option<usize>,
    /// Stalls the Stage 3 watchdog reported so far, and the latest of them.
    pub stalls: usize,
    pub last_stall: Option<StallEvent>,
}

/// Why the run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    TimeLimit,
    Generations,
    Cancelled,
    /// Stage 3 found no violation left at all (hard 0, soft 0): nothing more to do.
    Solved,
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
    /// Times a search phase outside the islands (the GPU's tabu walk) improved the run's
    /// best: what the GPU search contributed.
    pub outside_improvements: u64,
    pub elapsed_s: f64,
    pub construct_s: f64,
    /// Seconds until the best timetable was first feasible, if it ever was.
    pub time_to_feasible_s: Option<f64>,
    /// Lectures the best initial timetable could not place cleanly.
    pub construction_unplaced: usize,
    /// The memory budget the run used.
    pub budget: Budget,
    /// Stage 3's counters, if it ran.
    pub repair: Option<RepairStats>,
    /// Re-solve only (the instance has a reference timetable): how many lectures moved
    /// away from it, of which kind, and which ([`Moves`]: the count docs/RULES.md's
    /// `changes` weighs). `None` without a reference.
    pub moves: Option<Moves>,
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

/// The temperature factor of island `i` of `n` on a ladder from 1 (island 0) to `ladder`
/// (the last island), geometric in between (option `temperature_ladder`).
fn ladder_factor(ladder: f64, i: usize, n: usize) -> f64 {
    if n < 2 || ladder <= 1.0 {
        1.0
    } else {
        ladder.powf(i as f64 / (n - 1) as f64)
    }
}

/// Cores from which an evaluator's own search keeps one for the thread that drives it: at
/// fewer, the search shares the cores with the islands.
pub const RESERVE_DRIVER_FROM_THREADS: usize = 4;

/// Worker threads (and islands) for a solve on `threads` cores with `evaluator`: one fewer
/// when the evaluator runs a search of its own ([`BatchEvaluator::search_walks`]) and
/// there are at least [`RESERVE_DRIVER_FROM_THREADS`] cores, since the calling thread
/// drives that search (the GPU's tabu walks: a round trip to the GPU and every walk's move
/// applied on the CPU, each step) while the pool anneals; an extra busy thread on a full
/// machine would slow every generation to its slowest island.
pub fn island_workers(threads: usize, evaluator: &dyn BatchEvaluator) -> usize {
    if evaluator.search_walks() > 0 {
        workers_beside_search(threads)
    } else {
        threads
    }
}

/// [`island_workers`] for an evaluator that searches.
pub fn workers_beside_search(threads: usize) -> usize {
    if threads >= RESERVE_DRIVER_FROM_THREADS {
        threads - 1
    } else {
        threads
    }
}

/// A solve in progress. [`Solver::step`] runs generations for a bounded time and returns,
/// so a caller that must stay responsive (the page's worker, which cannot be interrupted
/// while inside Rust) can interleave messages; [`solve`] simply steps until done.
pub struct Solver {
    inst: Arc<Instance>,
    opts: SolverOptions,
    stop: Stop,
    islands: Vec<Island>,
    best: Individual,
    generation: u64,
    last_step: f64,
    batch_evaluations: u64,
    outside_improvements: u64,
    construct_s: f64,
    time_to_feasible: Option<f64>,
    unplaced: Vec<Unplaced>,
    threads: usize,
    finished: Option<StopReason>,
    evaluator: String,
    /// The candidates of a generation between [`Solver::breed`] and [`Solver::select`].
    pending: Option<Bred>,
    budget: Budget,
    qtable: Arc<QTable>,
    /// Stage 3, once Stage 2 is over.
    repair: Option<Repairer>,
    /// Stage 3 found nothing left to repair.
    repair_done: bool,
    /// The statistics of a Stage 3 that ended before the run did (evolution then went
    /// on), so the result still reports what it did.
    repair_stats: Option<RepairStats>,
}

/// One generation's bred candidates, per island, with the annealing schedule they were
/// bred under.
struct Bred {
    f0: f64,
    params: AnnealParams,
    bred: Vec<Vec<Timetable>>,
}

impl Solver {
    /// Validates the options and runs Stage 1 (construction) for every individual of every
    /// island, in parallel ([`crate::construct::first_population`]), scoring them in one
    /// batch.
    pub fn new(
        inst: Arc<Instance>,
        opts: &SolverOptions,
        evaluator: &mut dyn BatchEvaluator,
        cancel: CancelToken,
    ) -> Result<Solver, OptionError> {
        Self::build(inst, opts, evaluator, cancel, None)
    }

    /// Re-solve with few changes: like [`Self::new`], but the islands start from `start`
    /// (typically the previous timetable, read against the edited instance, which carries
    /// it as reference: [`Instance::with_reference`]) instead of fresh constructions.
    ///
    /// `start` is first completed ([`crate::construct::complete`]): placements the edit
    /// made impossible (a closed room, a pin) are taken out, pins are honoured, and every
    /// unscheduled lecture (of an added course, say) is placed greedily; the rest stays
    /// where it was. The first individual of every island is that timetable; the others are
    /// light perturbations of it (`mutation_moves` random moves each), so the search starts
    /// next to the old timetable and the evaluator's `changes` component keeps it there.
    pub fn new_from(
        inst: Arc<Instance>,
        opts: &SolverOptions,
        evaluator: &mut dyn BatchEvaluator,
        cancel: CancelToken,
        start: Timetable,
    ) -> Result<Solver, OptionError> {
        Self::build(inst, opts, evaluator, cancel, Some(start))
    }

    fn build(
        inst: Arc<Instance>,
        opts: &SolverOptions,
        evaluator: &mut dyn BatchEvaluator,
        cancel: CancelToken,
        start: Option<Timetable>,
    ) -> Result<Solver, OptionError> {
        opts.validate()?;
        let limit = opts.time_limit_duration()?;
        let mut opts = opts.clone();
        // The memory budget caps what is held at once (it only ever lowers these), sized
        // for this instance; a run that still cannot fit is refused, naming the option.
        let budget = Budget::for_options(&opts).for_instance(inst.n_lectures());
        opts.population = opts.population.min(budget.max_population);
        opts.offspring = opts.offspring.min(budget.max_offspring);
        opts.refine = opts.refine.min(opts.offspring);
        let threads = rayon::current_num_threads();
        let n_islands = if opts.islands == 0 {
            threads
        } else {
            opts.islands
        };
        budget.check_solve(
            &inst,
            n_islands,
            opts.population,
            opts.offspring,
            threads,
            if opts.stage3 {
                budget.conflict_batch
            } else {
                0
            },
        )?;
        let stop = Stop::new(cancel, limit);
        // Extra construction attempts stop once construction has used its share of the
        // time limit: on a big campus one construction takes seconds, and 8 attempts per
        // individual used to eat the whole minute before the search began.
        let attempts_until = limit.map(|l| l.mul_f64(CONSTRUCT_SHARE));
        let n = n_islands * opts.population;
        let built = first_population(&inst, &opts, &stop, attempts_until, n, start);
        let tts: Vec<Timetable> = built.iter().map(|b| b.0.clone()).collect();
        let costs = evaluator.evaluate(&inst, &tts);
        let islands: Vec<Island> = (0..n_islands)
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
        let unplaced = built[best_initial].1.clone();
        let construct_s = stop.elapsed().as_secs_f64();
        let best = islands
            .iter()
            .map(|i| i.best.clone())
            .min_by_key(|i| i.cost)
            .expect("at least one island");
        let time_to_feasible = best.cost.is_feasible().then_some(construct_s);
        let last_step = opts.max_generations.map_or(0.01, |m| 1.0 / m as f64);
        Ok(Solver {
            inst,
            batch_evaluations: tts.len() as u64,
            outside_improvements: 0,
            opts,
            stop,
            islands,
            best,
            generation: 0,
            last_step,
            construct_s,
            time_to_feasible,
            unplaced,
            threads,
            finished: None,
            evaluator: evaluator.name(),
            pending: None,
            budget,
            qtable: Arc::new(crate::repair::new_qtable()),
            repair: None,
            repair_done: false,
            repair_stats: None,
        })
    }

    /// The memory budget this run uses (computed once, in [`Self::new`]).
    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// Makes Stage 3 learn into `table` (shared, e.g. loaded from a saved file) instead of
    /// the fresh table [`Self::new`] made. Takes effect if Stage 3 has not started yet.
    pub fn set_qtable(&mut self, table: Arc<QTable>) {
        self.qtable = table;
    }

    /// The Q-table Stage 3 learns into.
    pub fn qtable(&self) -> &Arc<QTable> {
        &self.qtable
    }

    /// Whether Stage 2 has used its share: its generations (when bounded) or its part of
    /// the time limit.
    fn stage2_over(&self) -> bool {
        self.opts.stage3
            && (self
                .opts
                .max_generations
                .is_some_and(|m| self.generation >= m)
                || (self.opts.time_limit.is_some()
                    && self.stop.time_fraction() >= 1.0 - self.opts.stage3_share))
    }

    /// True when the next step is a Stage 3 round rather than a generation: Stage 2's share
    /// of the run is over, or Stage 3 has started. Once Stage 3 finds nothing left to
    /// repair, evolution goes on where it was for the rest of the run.
    fn stage3_next(&mut self) -> bool {
        if self.repair.is_none() && !self.stage2_over() {
            return false;
        }
        if self.repair_done {
            self.repair_stats = self.repair.take().map(|r| r.finish().1);
            self.repair_done = false;
            self.opts.stage3 = false;
            return false;
        }
        true
    }

    /// One round of Stage 3 (started from the best timetable on first call).
    fn repair_round(&mut self) -> Option<StopReason> {
        let inst = self.inst.clone();
        let repairer = self.repair.get_or_insert_with(|| {
            Repairer::new(
                &inst,
                self.best.timetable.clone(),
                RepairConfig::new(&self.opts, &self.budget),
                self.qtable.clone(),
            )
        });
        if !repairer.round(&inst, &self.stop) {
            self.repair_done = true;
        }
        if repairer.cost() < self.best.cost {
            self.best = Individual {
                timetable: repairer.timetable().clone(),
                cost: repairer.cost(),
            };
        }
        if self.time_to_feasible.is_none() && self.best.cost.is_feasible() {
            self.time_to_feasible = Some(self.stop.elapsed().as_secs_f64());
        }
        self.check_stop()
    }

    /// The instance being solved.
    pub fn instance(&self) -> &Arc<Instance> {
        &self.inst
    }

    /// The best timetable so far and its cost.
    pub fn best(&self) -> (&Timetable, Cost) {
        (&self.best.timetable, self.best.cost)
    }

    /// Why the run ended, once it has.
    pub fn finished(&self) -> Option<StopReason> {
        self.finished
    }

    /// Where the run stands.
    pub fn progress(&self) -> Progress {
        let stalls = self.repair.as_ref().map(|r| r.stalls()).unwrap_or_default();
        Progress {
            stage: if self.repair.is_some() {
                Stage::Repair
            } else if self.generation == 0 {
                Stage::Construct
            } else {
                Stage::Evolve
            },
            generation: self.generation,
            elapsed_s: self.stop.elapsed().as_secs_f64(),
            best: self.best.cost,
            islands: self.islands.iter().map(|i| i.best.cost).collect(),
            iterations: self.islands.iter().map(|i| i.stats.iterations).sum(),
            evaluator: self.evaluator.clone(),
            conflicts_left: self.repair.as_ref().map(|r| r.conflicts_left().total),
            stalls: stalls.len(),
            last_stall: stalls.last().cloned(),
        }
    }

    fn fraction(&self) -> f64 {
        let g = self
            .opts
            .max_generations
            .map_or(0.0, |m| self.generation as f64 / m as f64);
        // With Stage 3, Stage 2's schedule runs over its own share of the time.
        let share = if self.opts.stage3 {
            1.0 - self.opts.stage3_share
        } else {
            1.0
        };
        g.max(self.stop.time_fraction() / share).min(1.0)
    }

    fn check_stop(&mut self) -> Option<StopReason> {
        if self.finished.is_none() {
            self.finished = if self.stop.is_cancelled() {
                Some(StopReason::Cancelled)
            } else if self.stop.should_stop() {
                Some(StopReason::TimeLimit)
            } else if self.repair_done && self.best.cost == Cost::default() {
                Some(StopReason::Solved)
            } else if self
                .opts
                .max_generations
                .is_some_and(|m| self.generation >= m)
                && (!self.opts.stage3
                    || self.repair_done
                    || self
                        .repair
                        .as_ref()
                        .is_some_and(|r| r.rounds() >= self.opts.stage3_rounds))
            {
                Some(StopReason::Generations)
            } else {
                None
            };
        }
        self.finished
    }

    /// Runs one generation (Stage 2): breed on every island in parallel, score all
    /// candidates in one batch, refine and select in parallel, migrate on schedule.
    /// Returns the stop reason once the run is over (and then does nothing).
    pub fn generation(&mut self, evaluator: &mut dyn BatchEvaluator) -> Option<StopReason> {
        if let Some(r) = self.check_stop() {
            return Some(r);
        }
        if self.stage3_next() {
            return self.repair_round();
        }
        let Some(batch) = self.breed() else {
            return self.finished;
        };
        let scores = evaluator.evaluate(&self.inst, &batch);
        self.select_with(scores, Some(evaluator))
    }

    /// The first half of [`Solver::generation`], for callers whose evaluator answers
    /// asynchronously (the GPU in the page): breeds on every island in parallel and
    /// returns every island's candidates in one batch. Score the batch, then call
    /// [`Solver::select`] with the scores in batch order. `None` when there is nothing to
    /// score: the run is over, or Stage 3 is running (its rounds need no batch evaluation:
    /// call [`Solver::generation`] or [`Solver::step`] instead).
    pub fn breed(&mut self) -> Option<Vec<Timetable>> {
        if self.check_stop().is_some() || self.stage3_next() {
            return None;
        }
        let inst = &*self.inst;
        let opts = &self.opts;
        let f0 = self.fraction();
        let params = AnnealParams::from_options(
            opts,
            opts.ls_iterations,
            (
                temperature(opts, f0),
                temperature(opts, f0 + self.last_step),
            ),
            opts.feasibility_temperature,
        );
        let bred: Vec<Vec<Timetable>> = self
            .islands
            .par_iter_mut()
            .map(|isl| isl.breed(inst, opts))
            .collect();
        let flat: Vec<Timetable> = bred.iter().flatten().cloned().collect();
        self.pending = Some(Bred { f0, params, bred });
        Some(flat)
    }

    /// The second half of [`Solver::generation`]: `scores` are the breakdowns of the batch
    /// [`Solver::breed`] returned, in its order. Refines and selects in parallel, migrates
    /// on schedule. Without a batch bred (or with a score missing) it does nothing and
    /// returns the stop reason, if any.
    pub fn select(&mut self, scores: Vec<Breakdown>) -> Option<StopReason> {
        self.select_with(scores, None)
    }

    /// [`Solver::select`], with `evaluator`'s own search phase ([`BatchEvaluator::intensify`],
    /// the GPU's tabu walks, one per island from the island's best) run on this thread
    /// while the rayon pool refines the islands; a walk's better timetable joins its
    /// island. The phase's seed comes from the run's seed and the generation, and its
    /// results are taken only after both are done, so a run with a fixed generation count
    /// stays deterministic.
    fn select_with(
        &mut self,
        scores: Vec<Breakdown>,
        evaluator: Option<&mut dyn BatchEvaluator>,
    ) -> Option<StopReason> {
        let Some(Bred { f0, params, bred }) = self.pending.take() else {
            return self.finished;
        };
        if scores.len() != bred.iter().map(Vec::len).sum::<usize>() {
            return self.finished;
        }
        let inst = &*self.inst;
        let opts = &self.opts;
        let mut scores = scores.into_iter();
        self.batch_evaluations += scores.len() as u64;
        let per_island: Vec<Vec<(Timetable, Breakdown)>> = bred
            .into_iter()
            .map(|cands| {
                cands
                    .into_iter()
                    .map(|t| (t, scores.next().expect("one score per candidate")))
                    .collect()
            })
            .collect();
        // The islands' bests, before they refine: where the evaluator's own search (the
        // GPU's tabu walks, one per island) starts or goes on from.
        let starts: Vec<(Timetable, Cost)> = match &evaluator {
            Some(ev) if ev.search_walks() > 0 => self
                .islands
                .iter()
                .take(ev.search_walks())
                .map(|i| (i.best.timetable.clone(), i.best.cost))
                .collect(),
            _ => Vec::new(),
        };
        let stop = &self.stop;
        let n_islands = self.islands.len();
        let islands = &mut self.islands;
        let refine = move || {
            islands
                .par_iter_mut()
                .zip(per_island)
                .for_each(|(isl, cands)| {
                    let rung = ladder_factor(opts.temperature_ladder, isl.id, n_islands);
                    let before = isl.best.cost;
                    isl.refine(inst, cands, &params.hotter(rung), opts.refine, stop);
                    let improved = isl.best.cost < before;
                    isl.restart_if_stalled(inst, opts, improved);
                })
        };
        let mut found = Vec::new();
        match evaluator {
            None => refine(),
            Some(ev) => {
                let starts = &starts;
                let seed = island_seed(opts.seed ^ 0x7AB0_5EA2, self.generation as usize);
                // A run with a time limit lets the phase go on until the islands are done
                // (the GPU works while the cores anneal); without one it takes a fixed
                // number of steps, so the run is reproducible.
                let timed = opts.time_limit.is_some();
                let steps = if timed {
                    crate::gpu::neighbourhood::TABU_MAX_STEPS
                } else {
                    crate::gpu::neighbourhood::TABU_STEPS
                };
                let refined = std::sync::atomic::AtomicBool::new(false);
                let over = |taken: u32| {
                    stop.should_stop()
                        || (timed
                            && taken >= crate::gpu::neighbourhood::TABU_MIN_STEPS
                            && refined.load(std::sync::atomic::Ordering::Relaxed))
                };
                rayon::in_place_scope(|s| {
                    s.spawn(|_| {
                        refine();
                        refined.store(true, std::sync::atomic::Ordering::Relaxed);
                    });
                    found = ev.intensify(inst, starts, steps, seed, &over);
                });
            }
        }
        for (k, f) in found.into_iter().enumerate() {
            if let Some((timetable, cost)) = f {
                self.offer_to_island(k, timetable, cost);
            }
        }
        self.generation += 1;

        if self.generation.is_multiple_of(self.opts.migration_interval)
            && self.islands.len() > 1
            && self.opts.temperature_ladder > 1.0
        {
            self.exchange_replicas(temperature(&self.opts, self.fraction()));
        } else if self.generation.is_multiple_of(self.opts.migration_interval)
            && self.islands.len() > 1
        {
            let migrants: Vec<Individual> = self.islands.iter().map(|i| i.best.clone()).collect();
            let n = self.islands.len();
            for (i, m) in migrants.into_iter().enumerate() {
                self.islands[(i + 1) % n].receive(m);
            }
        }
        for isl in &self.islands {
            if isl.best.cost < self.best.cost {
                self.best = isl.best.clone();
            }
        }
        if self.time_to_feasible.is_none() && self.best.cost.is_feasible() {
            self.time_to_feasible = Some(self.stop.elapsed().as_secs_f64());
        }
        if self.opts.max_generations.is_none() || self.opts.time_limit.is_some() {
            self.last_step = (self.fraction() - f0).max(1e-4);
        }
        self.check_stop()
    }

    /// Replica exchange along the temperature ladder: for each pair of neighbouring
    /// islands (colder `i`, hotter `i + 1`, at `temperature` times their rungs), the best
    /// chain of each changes places with the other's with probability
    /// `min(1, exp((1/T_i - 1/T_j)(E_i - E_j)))` on the weighted cost `E`, so a better
    /// state found hot always moves to the colder island, and a worse one goes up the
    /// ladder to be explored. The draws come from the run's seed and the generation, so
    /// a run with a fixed generation count stays deterministic.
    fn exchange_replicas(&mut self, temperature: f64) {
        use rand::{Rng, SeedableRng};
        let n = self.islands.len();
        let w = self.opts.hard_weight as f64;
        let energy = |c: Cost| c.hard as f64 * w + c.soft as f64;
        let mut rng = rand::rngs::SmallRng::seed_from_u64(island_seed(
            self.opts.seed ^ 0x5EED_1ADD_E400_0001,
            self.generation as usize,
        ));
        let best_chain = |isl: &Island| {
            (0..isl.population.len())
                .min_by_key(|&k| isl.population[k].cost)
                .expect("non-empty population")
        };
        for i in 0..n - 1 {
            let ti = temperature * ladder_factor(self.opts.temperature_ladder, i, n);
            let tj = temperature * ladder_factor(self.opts.temperature_ladder, i + 1, n);
            let (a, b) = (
                best_chain(&self.islands[i]),
                best_chain(&self.islands[i + 1]),
            );
            let ei = energy(self.islands[i].population[a].cost);
            let ej = energy(self.islands[i + 1].population[b].cost);
            let log_p = (1.0 / ti - 1.0 / tj) * (ei - ej);
            if log_p >= 0.0 || rng.random::<f64>() < log_p.exp() {
                let (lo, hi) = self.islands.split_at_mut(i + 1);
                std::mem::swap(&mut lo[i].population[a], &mut hi[0].population[b]);
                for isl in [&mut lo[i], &mut hi[0]] {
                    let k = best_chain(isl);
                    if isl.population[k].cost < isl.best.cost {
                        isl.best = isl.population[k].clone();
                    }
                }
            }
        }
    }

    /// A timetable found outside the islands (a GPU tabu phase), with its exact cost: when
    /// better than the run's best it becomes the best and joins the best island; anything
    /// else is turned away (returns false), since a copy of a timetable the islands already
    /// hold would only crowd out a chain of the best island.
    pub fn offer(&mut self, timetable: Timetable, cost: Cost) -> bool {
        if cost >= self.best.cost {
            return false;
        }
        let home = (0..self.islands.len())
            .min_by_key(|&i| self.islands[i].best.cost)
            .expect("at least one island");
        self.best = Individual {
            timetable: timetable.clone(),
            cost,
        };
        self.islands[home].receive(Individual { timetable, cost });
        self.outside_improvements += 1;
        true
    }

    /// A timetable the evaluator's search found from island `k`'s best, with its exact
    /// cost: it joins island `k` when better than that island's best (the island may have
    /// improved meanwhile), and becomes the run's best when better than that.
    fn offer_to_island(&mut self, k: usize, timetable: Timetable, cost: Cost) {
        let Some(isl) = self.islands.get_mut(k) else {
            return;
        };
        if cost >= isl.best.cost {
            return;
        }
        if cost < self.best.cost {
            self.best = Individual {
                timetable: timetable.clone(),
                cost,
            };
            self.outside_improvements += 1;
        }
        isl.receive(Individual { timetable, cost });
    }

    /// The best timetable so far (for a caller that runs a search phase of its own, the
    /// page's GPU tabu search, and offers the result back with [`Solver::offer`]).
    pub fn best_timetable(&self) -> &Timetable {
        &self.best.timetable
    }

    /// Names the evaluator in progress events, for a caller that scores the batches of
    /// [`Solver::breed`] itself (the page's GPU path).
    pub fn set_evaluator_name(&mut self, name: String) {
        self.evaluator = name;
    }

    /// Runs generations for about `budget` (at least one), calling `on_progress` after
    /// each. Returns the stop reason once the run is over.
    pub fn step(
        &mut self,
        evaluator: &mut dyn BatchEvaluator,
        budget: Duration,
        on_progress: &mut dyn FnMut(&Progress),
    ) -> Option<StopReason> {
        let start = Instant::now();
        loop {
            let r = self.generation(evaluator);
            on_progress(&self.progress());
            if r.is_some() || start.elapsed() >= budget {
                return r;
            }
        }
    }

    /// Ends the run (if it has not ended, as cancelled) and returns the best timetable.
    pub fn finish(mut self, evaluator_name: String) -> SolveResult {
        let repair = self
            .repair
            .take()
            .map(|r| r.finish().1)
            .or(self.repair_stats.take());
        let stop_reason = self.check_stop().unwrap_or(StopReason::Cancelled);
        let breakdown = score(&self.inst, &self.best.timetable);
        debug_assert_eq!(breakdown.cost(), self.best.cost);
        let stats = SolveStats {
            islands: self.islands.len(),
            threads: self.threads,
            evaluator: evaluator_name,
            generations: self.generation,
            ls_iterations: self.islands.iter().map(|i| i.stats.iterations).sum(),
            ls_accepted: self.islands.iter().map(|i| i.stats.accepted).sum(),
            batch_evaluations: self.batch_evaluations,
            outside_improvements: self.outside_improvements,
            elapsed_s: self.stop.elapsed().as_secs_f64(),
            construct_s: self.construct_s,
            time_to_feasible_s: self.time_to_feasible,
            construction_unplaced: self.unplaced.len(),
            budget: self.budget,
            repair,
            moves: Moves::from_reference(&self.inst, &self.best.timetable),
        };
        SolveResult {
            timetable: self.best.timetable,
            breakdown,
            stop_reason,
            stats,
            unplaced: self.unplaced,
        }
    }
}

/// What [`solve`] is asked: the options, how to cancel, and optionally where to start and
/// which Q-table Stage 3 learns into.
#[derive(Clone, Debug)]
pub struct SolveRequest {
    pub options: SolverOptions,
    /// May be raised from another thread; the best timetable so far is returned.
    pub cancel: CancelToken,
    /// Re-solve from this timetable ([`Solver::new_from`]) instead of fresh constructions.
    /// The instance should carry it as reference ([`Instance::with_reference`]) so that
    /// moving lectures costs; then `SolveStats::moves` says how many moved.
    pub start: Option<Timetable>,
    /// Stage 3 learns into this table (e.g. loaded from a file, to be saved after)
    /// instead of a fresh one.
    pub qtable: Option<Arc<QTable>>,
}

impl SolveRequest {
    /// A solve from scratch with `options`, never cancelled, with a fresh Q-table.
    pub fn new(options: &SolverOptions) -> SolveRequest {
        SolveRequest {
            options: options.clone(),
            cancel: CancelToken::new(),
            start: None,
            qtable: None,
        }
    }

    /// This request, cancelled through `cancel`.
    pub fn cancel(mut self, cancel: CancelToken) -> SolveRequest {
        self.cancel = cancel;
        self
    }

    /// This request, re-solving from `start`.
    pub fn start_from(mut self, start: Timetable) -> SolveRequest {
        self.start = Some(start);
        self
    }

    /// This request, with Stage 3 learning into `qtable`.
    pub fn qtable(mut self, qtable: Arc<QTable>) -> SolveRequest {
        self.qtable = Some(qtable);
        self
    }
}

/// Solves `inst` to the end as `request` says. `evaluator` scores each generation's
/// candidates in one batch; `on_progress` is called on this thread after construction and
/// after every generation. The instance is shared, not copied.
pub fn solve(
    request: SolveRequest,
    inst: Arc<Instance>,
    evaluator: &mut dyn BatchEvaluator,
    on_progress: &mut dyn FnMut(&Progress),
) -> Result<SolveResult, OptionError> {
    let SolveRequest {
        options,
        cancel,
        start,
        qtable,
    } = request;
    let mut solver = match start {
        Some(start) => Solver::new_from(inst, &options, evaluator, cancel, start)?,
        None => Solver::new(inst, &options, evaluator, cancel)?,
    };
    if let Some(q) = qtable {
        solver.set_qtable(q);
    }
    on_progress(&solver.progress());
    while solver
        .step(evaluator, Duration::from_secs(3600), on_progress)
        .is_none()
    {}
    Ok(solver.finish(evaluator.name()))
}
