//! The library entry point of Stage 3 on its own: repair a timetable that already exists
//! (one a user brings, last week's after an edit) to feasible, moving as few lectures as
//! possible. `atoll repair` is a thin shell over [`repair_timetable`]; the page calls the
//! same function.
//!
//! The objective is lexicographic by default — hard violations, then lectures moved away
//! from the reference timetable, then soft cost (docs/REPAIR.md says why) — and is built
//! from the evaluator's own parts: the instance is given the reference
//! ([`Instance::with_reference`]) with a `changes` weight of [`Stability::move_weight`]
//! per moved lecture, far above what one move changes in soft cost, and the hard weight
//! is raised far above that. A smaller weight trades stability for soft cost;
//! [`Stability::max_moves`] caps the moves outright.

use std::sync::Arc;

use serde::Serialize;
use thiserror::Error;
use web_time::{Duration, Instant};

use super::{ConflictCount, QTable, RepairConfig, RepairStats, Repairer};
use crate::budget::{Budget, CancelToken, Stop};
use crate::eval::{Breakdown, Cost, evaluate};
use crate::model::{Instance, Moves, Timetable};
use crate::options::{OptionError, SolverOptions};

/// The default weight of one moved lecture: above the soft cost a single move of an ITC
/// or campus lecture can change (a few units per component), so fewer moves win over
/// lower soft cost — lexicographic in practice.
pub const DEFAULT_MOVE_WEIGHT: u32 = 100;

/// How many moved lectures one hard violation outweighs in the repair objective: hard
/// violations come first.
const HARD_OVER_MOVES: u32 = 1000;

/// The most the options allow as a hard weight.
const MAX_HARD_WEIGHT: u32 = 1_000_000;

/// How much a repair may move.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Stability {
    /// Cost of one lecture moved away from the reference (as the `changes` weight). 0:
    /// moves are free, only hard and soft cost count.
    pub move_weight: u32,
    /// Never more lectures moved than this, unless a change removes hard violations.
    pub max_moves: Option<usize>,
}

impl Default for Stability {
    fn default() -> Self {
        Stability {
            move_weight: DEFAULT_MOVE_WEIGHT,
            max_moves: None,
        }
    }
}

/// What [`repair_timetable`] is asked to do.
#[derive(Clone, Debug)]
pub struct RepairRequest {
    /// Every solver option (seed, policy, batch settings, ...); the repair reads Stage
    /// 3's.
    pub options: SolverOptions,
    /// The timetable moves are counted against; `None`: the start.
    pub reference: Option<Timetable>,
    pub stability: Stability,
    /// Wall-clock limit; `None` with `max_rounds`: rounds alone bound the run.
    pub time_limit: Option<Duration>,
    /// Most rounds (one parallel batch of conflicts, or one escalation, each).
    pub max_rounds: Option<u64>,
    /// Raise it from anywhere to stop; the best timetable so far is returned.
    pub cancel: CancelToken,
    /// A Q-table to learn into (loaded from a file, say); `None`: a fresh one.
    pub qtable: Option<Arc<QTable>>,
}

impl Default for RepairRequest {
    fn default() -> Self {
        RepairRequest {
            options: SolverOptions::default(),
            reference: None,
            stability: Stability::default(),
            time_limit: Some(Duration::from_secs(10)),
            max_rounds: None,
            cancel: CancelToken::new(),
            qtable: None,
        }
    }
}

/// Where a repair stands, after each round.
#[derive(Clone, Debug, Serialize)]
pub struct RepairProgress {
    pub elapsed_s: f64,
    pub rounds: u64,
    /// Hard violations and soft cost of the instance (moves not included).
    pub hard: u32,
    pub soft: u32,
    pub moved: usize,
    pub conflicts_left: ConflictCount,
    /// Watchdog stalls so far.
    pub stalls: usize,
}

/// Why a repair ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RepairStop {
    /// Feasible, and nothing cheaper was found (no conflict left, or escalations failed).
    Done,
    TimeLimit,
    Rounds,
    Cancelled,
}

/// What a repair produced: the best timetable it saw (by hard violations, then the
/// objective above), its score on the instance and how far it moved from the reference.
#[derive(Clone, Debug)]
pub struct RepairResult {
    pub timetable: Timetable,
    /// The instance's score (without the cost of moves).
    pub breakdown: Breakdown,
    pub cost: Cost,
    pub moves: Moves,
    pub stats: RepairStats,
    pub stop: RepairStop,
}

/// Why a repair could not start.
#[derive(Debug, Error)]
pub enum RepairError {
    #[error(transparent)]
    Options(#[from] OptionError),
    #[error("the reference timetable has {found} lectures; the instance has {expected}")]
    Reference { found: usize, expected: usize },
    #[error("the repair objective is not a valid instance: {0}")]
    Model(#[from] crate::model::ModelError),
}

/// `inst` as the repair scores it: `reference` as the reference timetable with
/// `move_weight` per moved lecture.
fn objective(
    inst: &Instance,
    reference: &Timetable,
    move_weight: u32,
) -> Result<Instance, RepairError> {
    let weighted = if inst.weights().changes == move_weight {
        inst.clone()
    } else {
        let mut parts = inst.to_parts();
        parts.campus.weights.changes = move_weight;
        Instance::new(parts)?
    };
    Ok(weighted.with_reference(reference))
}

/// Repairs `start` (any timetable of `inst`: unscheduled lectures, lectures beyond a
/// course's count, clashes, closed rooms — every violation is a conflict) until it is
/// feasible and nothing cheaper is found, the time limit or round count is reached, or
/// `request.cancel` is raised; returns the best timetable seen. `on_progress` is called
/// on this thread after every round. The batches run on the caller's rayon pool (install
/// one for a thread count: `pool.install(|| repair_timetable(..))`), so the callback need
/// not be `Send` (the page's is a JavaScript function).
pub fn repair_timetable(
    inst: Arc<Instance>,
    start: Timetable,
    request: RepairRequest,
    on_progress: &mut dyn FnMut(&RepairProgress),
) -> Result<RepairResult, RepairError> {
    run(&inst, start, request, on_progress)
}

fn run(
    inst: &Instance,
    start: Timetable,
    request: RepairRequest,
    on_progress: &mut dyn FnMut(&RepairProgress),
) -> Result<RepairResult, RepairError> {
    // Time to feasible counts from here: building the objective is the repair's work.
    let clock = Instant::now();
    request.options.validate()?;
    let reference = request.reference.clone().unwrap_or_else(|| start.clone());
    if reference.len() < inst.n_lectures() {
        return Err(RepairError::Reference {
            found: reference.len(),
            expected: inst.n_lectures(),
        });
    }
    let stability = request.stability;
    let scored = objective(inst, &reference, stability.move_weight)?;
    let mut opts = request.options.clone();
    opts.hard_weight = opts.hard_weight.max(
        stability
            .move_weight
            .saturating_mul(HARD_OVER_MOVES)
            .min(MAX_HARD_WEIGHT),
    );
    let budget = Budget::for_options(&opts);
    let mut cfg = RepairConfig::new(&opts, &budget);
    cfg.max_moves = stability.max_moves;
    let table = request
        .qtable
        .clone()
        .unwrap_or_else(|| Arc::new(super::new_qtable()));
    let limit = match (request.time_limit, request.max_rounds) {
        (None, None) => Some(Duration::from_secs(10)),
        (t, _) => t,
    };
    let stop = Stop::new(request.cancel.clone(), limit);
    let mut r = Repairer::new(&scored, start, cfg, table);
    r.set_clock(clock);
    let mut best = (r.cost(), r.timetable().clone());
    let reason = loop {
        if request.cancel.is_cancelled() {
            break RepairStop::Cancelled;
        }
        if stop.should_stop() {
            break RepairStop::TimeLimit;
        }
        if request.max_rounds.is_some_and(|n| r.rounds() >= n) {
            break RepairStop::Rounds;
        }
        let more = r.round(&scored, &stop);
        if r.cost() < best.0 {
            best = (r.cost(), r.timetable().clone());
        }
        // The objective's soft cost is the instance's plus `move_weight` per moved lecture.
        let moved_cost = (r.moved() as u64 * stability.move_weight as u64) as u32;
        on_progress(&RepairProgress {
            elapsed_s: stop.elapsed().as_secs_f64(),
            rounds: r.rounds(),
            hard: r.cost().hard,
            soft: r.cost().soft.saturating_sub(moved_cost),
            moved: r.moved(),
            conflicts_left: r.conflicts_left(),
            stalls: r.stalls().len(),
        });
        if !more {
            break RepairStop::Done;
        }
    };
    let (_, stats) = r.finish();
    let timetable = best.1;
    let eval = evaluate(inst, &timetable);
    let cost = eval.breakdown.cost();
    let moves = Moves::from_reference(&scored, &timetable).unwrap_or_default();
    Ok(RepairResult {
        cost,
        breakdown: eval.breakdown,
        timetable,
        moves,
        stats,
        stop: reason,
    })
}
