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

/// Tabu search from `tt` for at most `params.iterations` steps (stopping early when `stop` says
/// so): each step takes the best admissible move of the whole neighbourhood, applies it
/// (the CPU's [`IncrementalState`] checks the GPU's delta: a disagreement is an error), and
/// forbids the lecture's old period for a tenure drawn from the seed's stream. Returns the
/// best timetable seen with its cost. Deterministic for a given seed.
pub async fn tabu_search<S: MoveSource>(
    src: &mut S,
    inst: &Instance,
    tt: &Timetable,
    params: TabuParams,
    stop: &dyn Fn() -> bool,
    stats: &mut TabuStats,
) -> Result<(Timetable, Cost), GpuError> {
    let TabuParams {
        iterations,
        seed,
        moves_per_step,
    } = params;
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut state = IncrementalState::new(inst, tt.clone());
    let mut counters = Counters::new(inst, state.timetable());
    counters.touch_all();
    let mut best = (state.timetable().clone(), state.cost());
    let layout = counters.layout.clone();
    let tenure_base = 10 + (layout.nl as u32 / 40).min(20);
    for iter in 0..iterations {
        if stop() {
            break;
        }
        src.sync(&mut counters).await?;
        let step = StepParams {
            iter,
            current: state.cost(),
            best: best.1,
            seed: rng.random(),
        };
        let cands = src.best(&step).await?;
        stats.iterations += 1;
        stats.moves_evaluated += moves_per_step;
        let Some(c) = cands.into_iter().filter(|c| c.hard != FORBIDDEN).min() else {
            break;
        };
        let (l, p, r) = layout.decode(c.index);
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
        counters.apply(l, from, to);
        if let Some((p0, _)) = from.get() {
            counters.set_tabu(l, p0, iter + tenure_base + rng.random_range(0..tenure_base));
        }
        if state.cost() < best.1 {
            best = (state.timetable().clone(), state.cost());
            stats.improvements += 1;
        }
    }
    Ok(best)
}
