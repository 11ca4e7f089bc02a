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

/// What the tabu loop asks of the device (the GPU, or a test's double).
#[allow(async_fn_in_trait)]
pub trait MoveSource {
    /// Uploads the counters' changed words.
    async fn sync(&mut self, counters: &mut Counters) -> Result<(), GpuError>;
    /// The best admissible move of each workgroup (see the shader's `best`).
    async fn best(&mut self, step: &StepParams) -> Result<Vec<Candidate>, GpuError>;
}

/// The uniform parameters of one search step.
#[derive(Clone, Copy, Debug)]
pub struct StepParams {
    pub iter: u32,
    pub current: Cost,
    pub best: Cost,
    pub seed: u32,
}

impl StepParams {
    /// The uniform buffer's eight words (`gx` is the dispatch's width).
    pub fn words(&self, gx: u32) -> [u32; 8] {
        [
            self.iter,
            self.current.hard,
            self.current.soft,
            self.best.hard,
            self.best.soft,
            self.seed,
            gx,
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
    /// the walk's new best when this call improved it. The GPU's buffers must hold this
    /// walk's counters (one walk per [`MoveSource`]; a new walk uploads them whole).
    /// `moves_per_step` ([`super::Plan::moves`]) is for the statistics. Deterministic for
    /// a given seed and sequence of calls.
    pub async fn run<S: MoveSource>(
        &mut self,
        src: &mut S,
        inst: &Instance,
        iterations: u32,
        moves_per_step: u64,
        stop: &dyn Fn() -> bool,
        stats: &mut TabuStats,
    ) -> Result<Option<(Timetable, Cost)>, GpuError> {
        let mut state = IncrementalState::new(inst, self.current.clone());
        let layout = self.counters.layout.clone();
        let tenure_base = 10 + (layout.nl as u32 / 40).min(20);
        let mut improved = false;
        let mut outcome = Ok(());
        for _ in 0..iterations {
            if stop() {
                break;
            }
            if let Err(e) = src.sync(&mut self.counters).await {
                outcome = Err(e);
                break;
            }
            let step = StepParams {
                iter: self.iter,
                current: state.cost(),
                best: self.best.1,
                seed: self.rng.random(),
            };
            let cands = match src.best(&step).await {
                Ok(c) => c,
                Err(e) => {
                    outcome = Err(e);
                    break;
                }
            };
            stats.iterations += 1;
            stats.moves_evaluated += moves_per_step;
            let Some(c) = cands.into_iter().filter(|c| c.hard != FORBIDDEN).min() else {
                break;
            };
            let (l, p, r) = layout.decode(c.index);
            let from = state.timetable().slot(l);
            let to = Slot::at(p, r);
            if !state.can_move(l, to) {
                outcome = Err(GpuError::Device(format!(
                    "the GPU proposed a forbidden move: lecture {} to period {} room {}",
                    l.0, p.0, r.0
                )));
                break;
            }
            let d = match state.move_delta(l, to) {
                Some(d) => {
                    state.move_lecture(l, to);
                    d
                }
                None => state.move_lecture(l, to),
            };
            if d != (c.hard as i64, c.soft as i64) {
                outcome = Err(GpuError::Device(format!(
                    "the GPU's delta {:?} for lecture {} to ({}, {}) differs from the CPU's {:?}",
                    (c.hard, c.soft),
                    l.0,
                    p.0,
                    r.0,
                    d
                )));
                break;
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
                improved = true;
                stats.improvements += 1;
            } else {
                self.since_best += 1;
            }
        }
        self.current = state.into_timetable();
        outcome?;
        Ok(improved.then(|| self.best.clone()))
    }
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
