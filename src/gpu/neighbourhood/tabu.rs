//! The tabu driver over any [`MoveSource`] (the GPU, or a test's double). The device
//! walks: each step it scores the whole neighbourhood, takes the best admissible move,
//! applies it to its counters and makes the lecture's old period tabu, many steps per
//! submission. The host replays every logged move on the CPU's exact incremental state,
//! which checks the GPU's delta, keeps the walk's best timetable and the mirror of the
//! counters the device holds.

use serde::Serialize;
use web_time::{Duration, Instant};

use super::{Counters, FORBIDDEN, GpuError};
use crate::eval::{Cost, IncrementalState};
use crate::model::{Instance, Slot, Timetable};

/// One step of a walk as the device logged it: the move's index ([`super::Layout::decode`])
/// and its (hard, soft) delta; `hard` is [`FORBIDDEN`] once the walk had no admissible move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Logged {
    pub index: u32,
    pub hard: i32,
    pub soft: i32,
}

/// What the tabu loop asks of the device (the GPU, or a test's double). The device holds
/// the counters of several walks, one per slot, and moves them itself.
#[allow(async_fn_in_trait)]
pub trait MoveSource {
    /// Uploads the changed words of the counters of the walk in slot `walk` (all of them
    /// for a walk that starts; none after a submission, whose moves the device made).
    async fn sync(&mut self, walk: usize, counters: &mut Counters) -> Result<(), GpuError>;
    /// Steps one submission may hold at most.
    fn steps_per_submission(&self) -> u32;
    /// Moves the walks in slots `0..steps.len()` (`steps[k]` is slot k's state) `n` steps
    /// each in one submission (`n` ≤ [`Self::steps_per_submission`]); returns per walk
    /// the `n` steps it logged.
    async fn walk(&mut self, steps: &[StepParams], n: u32) -> Result<Vec<Vec<Logged>>, GpuError>;
}

/// Words of one walk's step parameters (the shaders' `Params`).
pub const STEP_WORDS: usize = 12;

/// A walk's state at the start of a submission (the device moves it on from there).
#[derive(Clone, Copy, Debug)]
pub struct StepParams {
    pub iter: u32,
    pub current: Cost,
    pub best: Cost,
    /// The walk's stream ([`TabuWalk`]'s seed).
    pub seed: u32,
    /// False for a walk that had no admissible move: the device leaves it be.
    pub active: bool,
}

impl StepParams {
    /// The shaders' `Params` words: `gx` is the dispatch's width, `gpw` the workgroups of
    /// one walk, `total` the workgroups of all walks of the dispatch, `trail_at` the word
    /// where the step log starts in the candidate buffer; no step logged yet.
    pub fn words(&self, gx: u32, gpw: u32, total: u32, trail_at: u32) -> [u32; STEP_WORDS] {
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
            self.active as u32,
            0,
            trail_at,
        ]
    }
}

/// The shaders' `mix32`: a 32-bit integer hash.
pub fn mix32(x: u32) -> u32 {
    let mut h = x;
    h ^= h >> 16;
    h = h.wrapping_mul(0x7feb_352d);
    h ^= h >> 15;
    h = h.wrapping_mul(0x846c_a68b);
    h ^= h >> 16;
    h
}

/// Steps a lecture's old period stays tabu after step `iter` of the walk with stream
/// `seed`: between `base` and `2 base - 1`, drawn from a hash so the device and the host
/// draw the same (`tenure` of apply.wgsl).
pub fn tenure(base: u32, seed: u32, iter: u32) -> u32 {
    base + mix32(seed ^ mix32(iter ^ 0x68e3_1da4)) % base
}

/// A submission should take about this long on the device: long enough that the round
/// trip to the host (about 130 µs per step on the H200 when every step was one) is a
/// small part of it, short enough that the solver's phase, which ends when the islands
/// have refined (a generation is about 60 ms at 60 s on comp01–14), does not keep them
/// waiting long. [`run_walks`] doubles the steps per submission while one takes under
/// half of it and halves them above twice it, so submissions take 1–4 ms.
pub const SUBMISSION_TARGET: Duration = Duration::from_millis(2);

/// Steps of the first submission of a [`run_walks`] call (then sized by
/// [`SUBMISSION_TARGET`]).
pub const FIRST_SUBMISSION_STEPS: u32 = 8;

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
    /// Submissions to the device (each held many steps of every walk).
    pub submissions: u64,
}

/// Steps a walk may go without improving its own best before the next phase starts it
/// again from the run's best: tabu search's restart from the elite. A few seconds of
/// walking on a real GPU; long enough for the tenure (at most 60 steps) to let the walk
/// leave a basin several times.
pub const TABU_STALL_STEPS: u32 = 5_000;

/// A tabu walk that goes on across phases: its timetable, counters (with the tabu list),
/// stream and step count survive between calls of [`TabuWalk::run`], so the walk is one
/// long trajectory, as tabu search needs, rather than a fresh short one per phase (a phase
/// lasts one generation, a few hundred steps). Only a walk that found nothing for
/// [`TABU_STALL_STEPS`] or fell behind the run's best is started again.
#[derive(Clone, Debug)]
pub struct TabuWalk {
    current: Timetable,
    counters: Counters,
    seed: u32,
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
            seed: mix32(seed as u32 ^ mix32((seed >> 32) as u32)),
            iter: 0,
            best: (tt.clone(), cost),
            since_best: 0,
        }
    }

    /// The best timetable the walk has seen, with its cost.
    pub fn best(&self) -> &(Timetable, Cost) {
        &self.best
    }

    /// The host's mirror of the counters the device holds for this walk.
    pub fn counters(&self) -> &Counters {
        &self.counters
    }

    /// True when the walk has gone [`TABU_STALL_STEPS`] without a better timetable.
    pub fn stalled(&self) -> bool {
        self.since_best >= TABU_STALL_STEPS
    }

    /// Goes on for at most `iterations` steps (stopping early when `stop`, given the
    /// steps taken so far, says so): each step takes the best admissible move of the
    /// whole neighbourhood, applies it (the CPU's [`IncrementalState`] checks the GPU's
    /// delta: a disagreement is an error), and forbids the lecture's old period for a
    /// tenure drawn from the walk's stream. Returns the walk's new best when this call
    /// improved it. The walk uses slot 0 of `src` (see [`run_walks`]). `moves_per_step`
    /// ([`super::Plan::moves`]) is for the statistics. Deterministic for a given seed and
    /// sequence of calls.
    pub async fn run<S: MoveSource>(
        &mut self,
        src: &mut S,
        inst: &Instance,
        iterations: u32,
        moves_per_step: u64,
        stop: &dyn Fn(u32) -> bool,
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

    /// The walk's state for the device.
    fn params(&self, state: &IncrementalState, active: bool) -> StepParams {
        StepParams {
            iter: self.iter,
            current: state.cost(),
            best: self.best.1,
            seed: self.seed,
            active,
        }
    }

    /// Replays step `mv` the device made on `state` and the counters' mirror, checking
    /// the device's delta against the CPU's. `Ok(None)` when the walk had no admissible
    /// move, otherwise whether the walk's best improved.
    fn take(
        &mut self,
        state: &mut IncrementalState,
        mv: Logged,
        tenure_base: u32,
    ) -> Result<Option<bool>, GpuError> {
        if mv.hard == FORBIDDEN {
            return Ok(None);
        }
        let (l, p, r) = self.counters.layout.decode(mv.index);
        if l.idx() >= state.timetable().len() {
            return Err(GpuError::Device(format!(
                "the GPU logged move {} of no lecture",
                mv.index
            )));
        }
        let from = state.timetable().slot(l);
        let to = Slot::at(p, r);
        if !state.can_move(l, to) {
            return Err(GpuError::Device(format!(
                "the GPU made a forbidden move: lecture {} to period {} room {}",
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
        if d != (mv.hard as i64, mv.soft as i64) {
            return Err(GpuError::Device(format!(
                "the GPU's delta {:?} for lecture {} to ({}, {}) differs from the CPU's {:?}",
                (mv.hard, mv.soft),
                l.0,
                p.0,
                r.0,
                d
            )));
        }
        self.counters.apply(l, from, to);
        if let Some((p0, _)) = from.get() {
            let until = self.iter + tenure(tenure_base, self.seed, self.iter);
            self.counters.set_tabu(l, p0, until);
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

/// Moves every walk of `walks` (walk k in slot k of `src`) up to `iterations` steps, all
/// of them in each submission, as many steps per submission as [`SUBMISSION_TARGET`]
/// allows: the device scores, chooses and applies; the host replays and checks. A walk
/// without an admissible move rests for the rest of the call. `stop` is asked before each
/// submission with the steps taken so far. Returns, per walk, its new best when this call
/// improved it. On a device error every walk keeps a timetable consistent with its
/// counters' mirror and the error is returned (the caller drops the device). The steps
/// per submission do not change the walks: deterministic for given walks.
pub async fn run_walks<S: MoveSource>(
    src: &mut S,
    inst: &Instance,
    walks: &mut [TabuWalk],
    iterations: u32,
    moves_per_step: u64,
    stop: &dyn Fn(u32) -> bool,
    stats: &mut TabuStats,
) -> Result<Vec<Option<(Timetable, Cost)>>, GpuError> {
    let mut states: Vec<IncrementalState> = walks
        .iter()
        .map(|w| IncrementalState::new(inst, w.current.clone()))
        .collect();
    let tenure_base = super::Layout::tenure_base(inst.n_lectures());
    let mut improved = vec![false; walks.len()];
    let mut active = vec![true; walks.len()];
    let most = src.steps_per_submission().max(1);
    let mut chunk = FIRST_SUBMISSION_STEPS.clamp(1, most);
    let mut taken = 0u32;
    let outcome = async {
        while taken < iterations && !stop(taken) && active.contains(&true) {
            let n = chunk.min(iterations - taken);
            for (k, w) in walks.iter_mut().enumerate() {
                src.sync(k, &mut w.counters).await?;
            }
            let params: Vec<StepParams> = walks
                .iter()
                .zip(&states)
                .zip(&active)
                .map(|((w, state), &a)| w.params(state, a))
                .collect();
            let started = Instant::now();
            let logs = src.walk(&params, n).await?;
            let took = started.elapsed();
            for (k, log) in logs.into_iter().enumerate().take(walks.len()) {
                if !active[k] {
                    continue;
                }
                for mv in log.into_iter().take(n as usize) {
                    match walks[k].take(&mut states[k], mv, tenure_base)? {
                        None => {
                            active[k] = false;
                            break;
                        }
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
                // The device made these changes itself.
                walks[k].counters.uploaded();
            }
            taken += n;
            stats.submissions += 1;
            if took < SUBMISSION_TARGET / 2 {
                chunk = (chunk * 2).min(most);
            } else if took > SUBMISSION_TARGET * 2 {
                chunk = (chunk / 2).max(1);
            }
        }
        Ok::<(), GpuError>(())
    }
    .await;
    for (w, state) in walks.iter_mut().zip(states) {
        w.current = state.into_timetable();
    }
    if outcome.is_err() {
        // The device's counters are in doubt: a walk that goes on uploads them all.
        for w in walks.iter_mut() {
            w.counters = Counters::new(inst, &w.current);
            w.counters.touch_all();
        }
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
    stop: &dyn Fn(u32) -> bool,
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
