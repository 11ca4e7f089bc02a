//! A repair driven in short steps, for a caller that must stay responsive between them
//! (the page's worker cannot receive a Stop while it is inside Rust). Each step is one call
//! of [`repair_timetable`] with the best timetable so far as its start, the timetable the
//! repair began from as the reference and the caller's Q-table, so the agent keeps what
//! it learned between steps; this type carries what a single call cannot remember: the
//! whole run's time limit, its best objective and when it last improved, and the step
//! length below which a step ends before its first round.

use std::sync::Arc;

use serde::Serialize;
use web_time::{Duration, Instant};

use super::{
    ConflictCount, QTable, RepairError, RepairRequest, RepairStats, RepairStop, Stability,
    repair_timetable,
};
use crate::budget::CancelToken;
use crate::eval::evaluate;
use crate::model::{Instance, Moves, Timetable};
use crate::options::SolverOptions;

/// The longest a single step may run (and the cap of the step floor below): a Stop is
/// seen between steps, so a step must stay short.
pub const STEP_MAX_MS: f64 = 10_000.0;

/// The step length asked for when the caller's is not a number.
const STEP_DEFAULT_MS: f64 = 150.0;

/// The first step floor: a step shorter than this is lengthened to it.
const STEP_FLOOR_MS: f64 = 50.0;

/// Seconds without a better timetable after which a feasible repair is done. The library
/// ends a feasible run itself after failed escalations, but each step is a fresh call
/// that does not remember them; without this a feasible repair would always run to its
/// time limit.
pub const IDLE_S: f64 = 2.0;

/// Where a stepped repair stands: the score and moves of its best timetable and the
/// counters over every step.
#[derive(Clone, Debug, Serialize)]
pub struct StepProgress {
    /// Seconds of repair so far, over every step.
    pub elapsed_s: f64,
    /// Rounds over every step (a parallel batch of conflicts, or an escalation, each).
    pub rounds: u64,
    /// Hard violations and soft cost of the best timetable (moves not counted).
    pub hard: u32,
    pub soft: u32,
    /// Lectures of the best timetable away from the reference, room-only and period
    /// moves, and of how many ([`Moves`]).
    pub moved: usize,
    pub room_only: usize,
    pub period: usize,
    pub of: usize,
    /// The conflicts the repairer had left at the end of the last step; `None` before
    /// the first step.
    pub conflicts_left: Option<ConflictCount>,
    /// `None` while the repair goes on, then why it ended: `Done` (feasible, and nothing
    /// cheaper found by the library or for [`IDLE_S`] seconds), `TimeLimit` or
    /// `Cancelled`.
    pub finished: Option<RepairStop>,
}

impl StepProgress {
    /// Where a repair stands with `tt` as its best, against `reference`.
    fn of(
        inst: &Instance,
        reference: &Timetable,
        tt: &Timetable,
        elapsed_s: f64,
        rounds: u64,
        conflicts_left: Option<ConflictCount>,
    ) -> StepProgress {
        let cost = evaluate(inst, tt).breakdown.cost();
        let moves = Moves::between(inst, reference, tt);
        StepProgress {
            elapsed_s,
            rounds,
            hard: cost.hard,
            soft: cost.soft,
            moved: moves.moved,
            room_only: moves.room_only,
            period: moves.period,
            of: moves.of,
            conflicts_left,
            finished: None,
        }
    }

    /// The repair's objective, lexicographic as the library's: hard violations first,
    /// then moves at `move_weight` each plus soft cost.
    fn key(&self, move_weight: u32) -> (u32, u64) {
        (
            self.hard,
            self.moved as u64 * u64::from(move_weight) + u64::from(self.soft),
        )
    }
}

/// The counters of a stepped repair over all its steps.
#[derive(Clone, Debug, Serialize)]
pub struct SteppedStats {
    pub elapsed_s: f64,
    pub rounds: u64,
    pub steps: u64,
    /// Stage 3's counters of the last step (each step is a fresh repairer on the best
    /// timetable so far).
    pub last_step: RepairStats,
}

/// What a stepped repair produced.
#[derive(Clone, Debug)]
pub struct SteppedResult {
    /// The best timetable seen.
    pub timetable: Timetable,
    pub stop_reason: RepairStop,
    pub stats: SteppedStats,
    /// The last progress event, with `finished` set.
    pub last: StepProgress,
    /// The moves of `timetable` away from the timetable the repair began from.
    pub moves: Moves,
}

/// A repair between steps.
pub struct SteppedRepair {
    /// The timetable moves are counted against: the one the repair began from, never the
    /// current best.
    reference: Timetable,
    /// The best timetable so far: each step starts from it.
    best: Timetable,
    options: SolverOptions,
    stability: Stability,
    cancel: CancelToken,
    /// The whole repair's time limit (the options' `time_limit`).
    limit_s: Option<f64>,
    /// Step length below which a step would end before its first round: doubled whenever
    /// a step made no round (a large instance's set-up takes longer than a short step).
    floor_ms: f64,
    steps: u64,
    last: StepProgress,
    stats: RepairStats,
    /// The best's objective ([`StepProgress::key`]) and when it last improved.
    best_key: (u32, u64),
    improved_at_s: f64,
}

impl SteppedRepair {
    /// A repair of `start`, a timetable of `inst` (pins aligned), under `options` (whose
    /// `time_limit` bounds the whole repair) and `stability`. Nothing runs until
    /// [`SteppedRepair::step`].
    pub fn new(
        inst: &Instance,
        start: Timetable,
        options: SolverOptions,
        stability: Stability,
    ) -> SteppedRepair {
        let last = StepProgress::of(inst, &start, &start, 0.0, 0, None);
        let best_key = last.key(stability.move_weight);
        SteppedRepair {
            reference: start.clone(),
            best: start,
            limit_s: options.time_limit,
            options,
            stability,
            cancel: CancelToken::new(),
            floor_ms: STEP_FLOOR_MS,
            steps: 0,
            last,
            stats: RepairStats::default(),
            best_key,
            improved_at_s: 0.0,
        }
    }

    /// The latest progress event.
    pub fn progress(&self) -> &StepProgress {
        &self.last
    }

    /// Asks the repair to stop: the next step returns `finished: Cancelled` and
    /// [`SteppedRepair::finish`] the best timetable so far.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// Repairs for about `ms` milliseconds (at most [`STEP_MAX_MS`]; a step that would be
    /// too short for a round is lengthened) on `inst`, the instance given to `new`, from
    /// the best timetable so far, learning into `qtable`; returns the progress event,
    /// whose `finished` is `None` while the repair goes on.
    pub fn step(
        &mut self,
        inst: &Arc<Instance>,
        qtable: Arc<QTable>,
        ms: f64,
    ) -> Result<&StepProgress, RepairError> {
        let ms = if ms.is_finite() {
            ms.clamp(0.0, STEP_MAX_MS)
        } else {
            STEP_DEFAULT_MS
        };
        if self.last.finished.is_some() {
            return Ok(&self.last);
        }
        if self.cancel.is_cancelled() {
            self.last.finished = Some(RepairStop::Cancelled);
            return Ok(&self.last);
        }
        let left_s = self.limit_s.map(|l| (l - self.last.elapsed_s).max(0.0));
        let mut step_s = ms.max(self.floor_ms) / 1000.0;
        if let Some(left) = left_s {
            step_s = step_s.min(left);
        }
        let mut rounds = 0;
        let mut conflicts = self.last.conflicts_left;
        let t0 = Instant::now();
        let result = repair_timetable(
            inst.clone(),
            self.best.clone(),
            RepairRequest {
                options: self.options.clone(),
                reference: Some(self.reference.clone()),
                stability: self.stability,
                time_limit: Some(Duration::from_secs_f64(step_s)),
                max_rounds: None,
                cancel: self.cancel.clone(),
                qtable: Some(qtable),
            },
            &mut |p| {
                rounds = p.rounds;
                conflicts = Some(p.conflicts_left);
            },
        )?;
        let elapsed_s = self.last.elapsed_s + t0.elapsed().as_secs_f64();
        if rounds == 0 {
            self.floor_ms = (self.floor_ms * 2.0).min(STEP_MAX_MS);
        }
        self.steps += 1;
        self.best = result.timetable;
        self.stats = result.stats;
        let mut last = StepProgress::of(
            inst,
            &self.reference,
            &self.best,
            elapsed_s,
            self.last.rounds + rounds,
            conflicts,
        );
        let key = last.key(self.stability.move_weight);
        if key < self.best_key {
            self.best_key = key;
            self.improved_at_s = elapsed_s;
        }
        let idle = last.hard == 0 && elapsed_s - self.improved_at_s >= IDLE_S;
        let out_of_time = self.limit_s.is_some_and(|l| elapsed_s >= l);
        last.finished = match result.stop {
            RepairStop::Done => Some(RepairStop::Done),
            RepairStop::Cancelled => Some(RepairStop::Cancelled),
            _ if idle => Some(RepairStop::Done),
            RepairStop::TimeLimit | RepairStop::Rounds if out_of_time => {
                Some(RepairStop::TimeLimit)
            }
            RepairStop::TimeLimit | RepairStop::Rounds => None,
        };
        self.last = last;
        Ok(&self.last)
    }

    /// Ends the repair (as cancelled if it had not ended) with its best timetable and
    /// that timetable's moves against the start, `inst` being the instance given to `new`.
    pub fn finish(self, inst: &Instance) -> SteppedResult {
        let stop_reason = self.last.finished.unwrap_or(RepairStop::Cancelled);
        let mut last = self.last;
        last.finished = Some(stop_reason);
        let moves = Moves::between(inst, &self.reference, &self.best);
        SteppedResult {
            stats: SteppedStats {
                elapsed_s: last.elapsed_s,
                rounds: last.rounds,
                steps: self.steps,
                last_step: self.stats,
            },
            timetable: self.best,
            stop_reason,
            last,
            moves,
        }
    }
}

/// The name of a repaired timetable's file, from the name of the file it was read from:
/// its stem (without a `-repaired` it already had) with `-repaired.sol`.
pub fn repaired_file_name(file: &str) -> String {
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let stem = stem.strip_suffix("-repaired").unwrap_or(stem);
    format!(
        "{}-repaired.sol",
        if stem.is_empty() { "timetable" } else { stem }
    )
}
