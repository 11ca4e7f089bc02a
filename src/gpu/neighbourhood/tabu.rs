//! The tabu driver over any [`MoveSource`] (the GPU, or a test's double): apply the best
//! admissible move of the whole neighbourhood on the CPU, re-upload the changed counter
//! words, forbid the lecture's old period for a while, repeat.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use super::{Counters, FORBIDDEN, GpuError};
use crate::eval::{Cost, IncrementalState};
use crate::model::{Instance, Slot, Timetable};

/// One workgroup's best move: its (hard, soft) delta, tie-break hash and move index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Candidate {
    pub hard: i32,
    pub soft: i32,
    pub tie: u32,
    pub index: u32,
}

/// What the tabu loop asks of the device (the GPU, or a test's double). The device holds
/// the counters of several walks, one per slot.
#[allow(async_fn_in_trait)]
pub trait MoveSource {
    /// Uploads the changed words of the counters of the walk in slot `walk`.
    async fn sync(&mut self, walk: usize, counters: &mut Counters) -> Result<(), GpuError>;
    /// One step of the walks in slots `0..steps.len()` in one dispatch (`steps[k]` is slot
    /// k's): per walk, the best admissible move of each workgroup (see the shader's `best`).
    async fn best(&mut self, steps: &[StepParams]) -> Result<Vec<Vec<Candidate>>, GpuError>;
}

/// Words of one walk's step parameters (the shader's `Params`).
pub const STEP_WORDS: usize = 12;

/// The parameters of one search step of one walk.
#[derive(Clone, Copy, Debug)]
pub struct StepParams {
    pub iter: u32,
    pub current: Cost,
    pub best: Cost,
    pub seed: u32,
}

impl StepParams {
    /// The shader's `Params` words: `gx` is the dispatch's width, `gpw` the workgroups of
    /// one walk, `total` the workgroups of all walks of the dispatch.
    pub fn words(&self, gx: u32, gpw: u32, total: u32) -> [u32; STEP_WORDS] {
        [
            self.iter,
            self.current.hard,
            self.current.soft,
            self.best.hard,
            self.best.soft,
            self.seed,
            gx,
            gpw,
            total,
            0,
            0,
            0,
        ]
    }
}

/// How long a tabu phase runs and on which random stream.
#[derive(Clone, Copy, Debug)]
pub struct TabuParams {
    /// Steps at most.
    pub iterations: u32,
    /// Seeds the tenures and the kernel's tie-breaking.
    pub seed: u64,
    /// Moves one step evaluates ([`Plan::moves`]), for the statistics.
    pub moves_per_step: u64,
}

/// What a tabu phase did.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TabuStats {
    pub iterations: u64,
    /// Moves evaluated on the GPU (neighbourhood size × iterations).
    pub moves_evaluated: u64,
    pub improvements: u64,
}

/// Steps a walk may go without improving its own best before the next phase starts it
/// again from the run's best: tabu search's restart from the elite. A few seconds of
/// walking on a real GPU; long enough for the tenure (at most 60 steps) to let the walk
/// leave a basin several times.
pub const TABU_STALL_STEPS: u32 = 5_000;

/// A tabu walk that goes on across phases: its timetable, counters (with the tabu list),
/// random stream and step count survive between calls of [`TabuWalk::run`], so the walk is
/// one long trajectory, as tabu search needs, rather than a fresh short one per phase
/// (a phase lasts one generation, a few hundred steps). Only a walk that found nothing
/// for [`TABU_STALL_STEPS`] or fell behind the run's best is started again.
#[derive(Clone, Debug)]
pub struct TabuWalk {
    current: Timetable,
    counters: Counters,
    rng: SmallRng,
    iter: u32,
    best: (Timetable, Cost),
    since_best: u32,
}

impl TabuWalk {
    /// A walk from `tt` on the stream `seed` (every counter word to upload).
    pub fn new(inst: &Instance, tt: &Timetable, seed: u64) -> TabuWalk {
        let mut counters = Counters::new(inst, tt);
        counters.touch_all();
        let cost = IncrementalState::new(inst, tt.clone()).cost();
        TabuWalk {
            current: tt.clone(),
            counters,
            rng: SmallRng::seed_from_u64(seed),
            iter: 0,
            best: (tt.clone(), cost),
            since_best: 0,
        }
    }

    /// The best timetable the walk has seen, with its cost.
    pub fn best(&self) -> &(Timetable, Cost) {
        &self.best
    }

    /// True when the walk has gone [`TABU_STALL_STEPS`] without a better timetable.
    pub fn stalled(&self) -> bool {
        self.since_best >= TABU_STALL_STEPS
    }

    /// Goes on for at most `iterations` steps (stopping early when `stop` says so): each
    /// step takes the best admissible move of the whole neighbourhood, applies it (the
    /// CPU's [`IncrementalState`] checks the GPU's delta: a disagreement is an error), and
    /// forbids the lecture's old period for a tenure drawn from the walk's stream. Returns
    /// the walk's new best when this call improved it. The walk uses slot 0 of `src` (see
    /// [`run_walks`]). `moves_per_step` ([`super::Plan::moves`]) is for the statistics.
    /// Deterministic for a given seed and sequence of calls.
    pub async fn run<S: MoveSource>(
        &mut self,
        src: &mut S,
        inst: &Instance,
        iterations: u32,
        moves_per_step: u64,
        stop: &dyn Fn() -> bool,
        stats: &mut TabuStats,
    ) -> Result<Option<(Timetable, Cost)>, GpuError> {
        let found = run_walks(
            src,
            inst,
            std::slice::from_mut(self),
            iterations,
            moves_per_step,
            stop,
            stats,
        )
        .await?;
        Ok(found.into_iter().next().flatten())
    }

    /// Applies the best of `cands` (this walk's workgroups' best moves) to `state`, checking
    /// the GPU's delta against the CPU's. `Ok(None)` when no move is admissible, otherwise
    /// whether the walk's best improved.
    fn take(
        &mut self,
        state: &mut IncrementalState,
        cands: Vec<Candidate>,
        tenure_base: u32,
    ) -> Result<Option<bool>, GpuError> {
        let Some(c) = cands.into_iter().filter(|c| c.hard != FORBIDDEN).min() else {
            return Ok(None);
        };
        let (l, p, r) = self.counters.layout.decode(c.index);
        let from = state.timetable().slot(l);
        let to = Slot::at(p, r);
        if !state.can_move(l, to) {
            return Err(GpuError::Device(format!(
                "the GPU proposed a forbidden move: lecture {} to period {} room {}",
                l.0, p.0, r.0
            )));
        }
        let d = match state.move_delta(l, to) {
            Some(d) => {
                state.move_lecture(l, to);
                d
            }
            None => state.move_lecture(l, to),
        };
        if d != (c.hard as i64, c.soft as i64) {
            return Err(GpuError::Device(format!(
                "the GPU's delta {:?} for lecture {} to ({}, {}) differs from the CPU's {:?}",
                (c.hard, c.soft),
                l.0,
                p.0,
                r.0,
                d
            )));
        }
        self.counters.apply(l, from, to);
        if let Some((p0, _)) = from.get() {
            let tenure = tenure_base + self.rng.random_range(0..tenure_base);
            self.counters.set_tabu(l, p0, self.iter + tenure);
        }
        self.iter += 1;
        if state.cost() < self.best.1 {
            self.best = (state.timetable().clone(), state.cost());
            self.since_best = 0;
            Ok(Some(true))
        } else {
            self.since_best += 1;
            Ok(Some(false))
        }
    }
}

/// Moves every walk of `walks` (walk k in slot k of `src`) up to `iterations` steps in
/// lockstep, one dispatch per step for all of them: a step's time is the GPU round trip's,
/// so k walks take about the time of one. A walk without an admissible move rests for
/// the rest of the call. Returns, per walk, its new best when this call improved it. On a
/// device error every walk keeps a timetable consistent with its counters (the step in
/// progress is not applied) and the error is returned. Deterministic for given walks.
pub async fn run_walks<S: MoveSource>(
    src: &mut S,
    inst: &Instance,
    walks: &mut [TabuWalk],
    iterations: u32,
    moves_per_step: u64,
    stop: &dyn Fn() -> bool,
    stats: &mut TabuStats,
) -> Result<Vec<Option<(Timetable, Cost)>>, GpuError> {
    let mut states: Vec<IncrementalState> = walks
        .iter()
        .map(|w| IncrementalState::new(inst, w.current.clone()))
        .collect();
    let tenure_base = 10 + (inst.n_lectures() as u32 / 40).min(20);
    let mut improved = vec![false; walks.len()];
    let mut active = vec![true; walks.len()];
    let outcome = async {
        for _ in 0..iterations {
            if stop() || !active.contains(&true) {
                break;
            }
            for (k, w) in walks.iter_mut().enumerate() {
                src.sync(k, &mut w.counters).await?;
            }
            let steps: Vec<StepParams> = walks
                .iter_mut()
                .zip(&states)
                .map(|(w, state)| StepParams {
                    iter: w.iter,
                    current: state.cost(),
                    best: w.best.1,
                    seed: w.rng.random(),
                })
                .collect();
            let cands = src.best(&steps).await?;
            for (k, cands) in cands.into_iter().enumerate().take(walks.len()) {
                if !active[k] {
                    continue;
                }
                match walks[k].take(&mut states[k], cands, tenure_base)? {
                    None => active[k] = false,
                    Some(better) => {
                        stats.iterations += 1;
                        stats.moves_evaluated += moves_per_step;
                        if better {
                            improved[k] = true;
                            stats.improvements += 1;
                        }
                    }
                }
            }
        }
        Ok::<(), GpuError>(())
    }
    .await;
    for (w, state) in walks.iter_mut().zip(states) {
        w.current = state.into_timetable();
    }
    outcome?;
    Ok(walks
        .iter()
        .zip(improved)
        .map(|(w, i)| i.then(|| w.best.clone()))
        .collect())
}

/// Tabu search from `tt` for at most `params.iterations` steps: one [`TabuWalk`] from
/// `tt`, run once. Returns the best timetable seen (`tt` itself when nothing was better)
/// with its cost. Deterministic for a given seed.
pub async fn tabu_search<S: MoveSource>(
    src: &mut S,
    inst: &Instance,
    tt: &Timetable,
    params: TabuParams,
    stop: &dyn Fn() -> bool,
    stats: &mut TabuStats,
) -> Result<(Timetable, Cost), GpuError> {
    let mut walk = TabuWalk::new(inst, tt, params.seed);
    walk.run(
        src,
        inst,
        params.iterations,
        params.moves_per_step,
        stop,
        stats,
    )
    .await?;
    Ok(walk.best)
}
