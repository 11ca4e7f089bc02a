//! Stage 3: conflict resolution by a learned repair policy, in parallel batches.
//!
//! Each round takes the violations left (hard first, then the costliest soft ones) as
//! conflicts ([`conflict`]), and a batch of them is repaired on the rayon pool: every
//! worker runs one learning episode ([`agent`]: repair rates, gain per unit of work) on its own scratch copy of a read-only
//! snapshot of the timetable, choosing among repair actions ([`action`]) from an encoded
//! conflict state ([`state`]). Then one writer — the coordinating thread — applies the
//! proposals in the batch's order, recomputing each one's effect on the live state, and
//! keeps only those that still improve it: two proposals touching the same lecture, room
//! or period never both apply blindly. When every hard conflict left fits in one batch
//! (an edit's handful), the round is serial instead: each episode runs on the live
//! timetable and is written at once (no barrier, no collisions; docs/REPAIR.md).
//!
//! Shared between workers: the [`qtable::QTable`] (lock-free, no lost updates), the
//! [`context::ContextCache`] (per-course precomputation, per-slot locks held for O(1)) and
//! the [`watchdog::Watchdog`] (atomics). Lock order, wherever more than one lock could be
//! taken: context cache, then Q-table, then GPU queue. Today no code path holds two: the
//! cache's slot locks are released before anything else is touched, the Q-table takes no
//! lock at all, and Stage 3 never submits GPU work.
//!
//! Deadlines: each conflict gets `conflict_deadline_ms`; an episode still running past it
//! stops cooperatively, proposes nothing and is counted (`abandoned`); the batch never
//! waits on it beyond that. The watchdog reports stalls as events.
//!
//! Determinism: per-conflict random streams are seeded from the seed, the round and the
//! conflict's place in the batch; workers choose from the Q-snapshot taken before the
//! round and their updates commute; the writer's order (and that of the Q-updates it
//! makes for proposals) is the batch's. So a run bounded by
//! rounds (not wall time, and with deadlines that are not reached) gives the same
//! timetable for any thread count.

pub mod action;
pub mod agent;
pub mod conflict;
pub mod context;
pub mod qtable;
pub mod run;
pub mod state;
pub mod stepped;
pub mod sync;
pub mod watchdog;

use std::collections::HashSet;

use rand::SeedableRng;
use rand::rngs::SmallRng;
use rayon::prelude::*;
use serde::Serialize;
use web_time::{Duration, Instant};

use crate::budget::{Budget, Stop};
use crate::eval::{Cost, IncrementalState};
use crate::evolve::AnnealParams;
use crate::evolve::island::island_seed;
use crate::model::{Instance, LectureId, Timetable};
use crate::options::SolverOptions;

pub use action::Action;
pub use conflict::{Conflict, ConflictCount};
pub use context::{CacheStats, ContextCache};
pub use qtable::{QTable, QTableCheck, QTableError};
pub use run::{
    RepairError, RepairProgress, RepairRequest, RepairResult, RepairStop, Stability,
    repair_timetable,
};
pub use stepped::{StepProgress, SteppedRepair, SteppedResult, SteppedStats};
pub use watchdog::{StallEvent, StallKind, Watchdog};

fn weighted_cost(c: Cost, w: i64) -> i64 {
    c.hard as i64 * w + c.soft as i64
}

/// A table of the shape this solver uses (states × a gain and a work column per action,
/// see [`agent`]), empty.
pub fn new_qtable() -> QTable {
    QTable::new(state::STATES, agent::COLUMNS)
}

/// Reads a saved Q-table of the shape this solver uses.
pub fn qtable_from_json(text: &str) -> Result<QTable, QTableError> {
    QTable::from_json(text, state::STATES, agent::COLUMNS)
}

/// Per action: how often it was chosen, improved its scratch timetable, and was applied.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ActionStats {
    pub action: Option<Action>,
    pub chosen: u64,
    pub improved: u64,
    pub accepted: u64,
    /// Work units spent by the action (see [`action`]).
    pub work: u64,
    /// Wall-clock microseconds spent in the action (reported, never learned from).
    pub micros: u64,
    /// Weighted improvement (hard × `hard_weight` + soft) its applied proposals made to
    /// the live timetable.
    pub gain: i64,
}

/// Counters of Stage 3.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct RepairStats {
    pub rounds: u64,
    /// Conflicts worked on (one episode each).
    pub episodes: u64,
    /// Actions tried, all episodes together.
    pub steps: u64,
    /// Episodes that proposed a change.
    pub proposals: u64,
    /// Proposals the writer applied.
    pub accepted: u64,
    /// Proposals that no longer improved the live timetable (an earlier one of the same
    /// batch changed what they relied on) and were not applied.
    pub rejected: u64,
    /// Proposals touching a lecture an earlier proposal of the same batch had moved.
    pub overlapping: u64,
    /// Episodes abandoned at their deadline.
    pub abandoned: u64,
    /// Q-table updates made by this run's workers.
    pub q_updates: u64,
    /// Lectures beyond a course's `NumLectures` unscheduled at the start.
    pub extras_dropped: usize,
    /// Conflicts per batch.
    pub batch: usize,
    pub actions: Vec<ActionStats>,
    /// The same per conflict rule (index = the rule's place in [`state::RULE_ORDER`]).
    pub per_rule: Vec<Vec<ActionStats>>,
    pub cache: CacheStats,
    pub stalls: usize,
    pub elapsed_s: f64,
    /// Seconds (since Stage 3 started, or since the clock [`Repairer::set_clock`] gave)
    /// until the timetable was feasible, if it became so.
    pub time_to_feasible_s: Option<f64>,
    pub start: Cost,
    pub end: Cost,
    /// Violations left (hard and soft entries of the violation list), and hard ones.
    pub conflicts_left: usize,
    pub hard_conflicts_left: usize,
    /// Escalations run: broad walks started when a sweep over the conflicts applied
    /// nothing (or no lecture could be pinned to what is left), and how many improved.
    pub escalations: u64,
    pub escalations_improved: u64,
    /// Proposals refused because they would move more lectures than `max_moves` allows.
    pub over_max_moves: u64,
}

/// The settings of Stage 3, resolved from the options and the budget.
#[derive(Clone, Debug)]
pub struct RepairConfig {
    pub batch: usize,
    pub soft_conflicts: usize,
    pub deadline: Duration,
    pub seed: u64,
    pub agent: agent::AgentParams,
    pub anneal: AnnealParams,
    /// The focused repair action's walk.
    pub focused: action::FocusedParams,
    pub learning_window: u64,
    pub stall_timeout: Duration,
    /// Sweeps over the conflicts that applied nothing before Stage 3 gives up
    /// (`SolverOptions::stage3_idle_sweeps`).
    pub idle_sweeps: u64,
    /// With a reference timetable ([`Instance::with_reference`]): no change may leave
    /// more lectures moved than this, unless it removes hard violations (feasibility
    /// first; docs/REPAIR.md). `None`: the `changes` weight alone decides.
    pub max_moves: Option<usize>,
}

impl RepairConfig {
    /// Stage 3's settings for `opts` under `budget`.
    pub fn new(opts: &SolverOptions, budget: &Budget) -> RepairConfig {
        RepairConfig {
            batch: budget.conflict_batch.max(1),
            soft_conflicts: opts.soft_conflicts,
            idle_sweeps: opts.stage3_idle_sweeps,
            deadline: Duration::from_secs_f64(opts.conflict_deadline_ms / 1000.0),
            seed: opts.seed,
            agent: agent::AgentParams {
                policy: opts.policy,
                exploration: opts.exploration,
                steps: opts.episode_steps,
                hard_weight: opts.hard_weight as i64,
                // What one anneal action costs, all charges included.
                work_unit: (opts.burst_iterations * action::ANNEAL_ITERATION
                    + action::STEP_OVERHEAD)
                    * action::BROAD_WAIT,
            },
            // Low and flat: the action polishes, it does not explore far.
            anneal: AnnealParams::from_options(
                opts,
                opts.burst_iterations,
                (opts.temperature_end, opts.temperature_end),
                opts.repair_feasibility_temperature,
            ),
            focused: action::FocusedParams {
                divisor: opts.focused_iteration_divisor,
                lectures: opts.focused_lectures,
                temperature: opts.focused_temperature,
            },
            learning_window: opts.learning_window,
            stall_timeout: Duration::from_secs_f64(opts.stall_timeout_s),
            max_moves: None,
        }
    }
}

fn action_stats() -> Vec<ActionStats> {
    Action::ALL
        .iter()
        .map(|&a| ActionStats {
            action: Some(a),
            ..Default::default()
        })
        .collect()
}

/// Stage 3 on one timetable: call [`Repairer::round`] until done.
pub struct Repairer {
    tt: Timetable,
    cost: Cost,
    table: std::sync::Arc<QTable>,
    ctx: ContextCache,
    watchdog: Watchdog,
    cfg: RepairConfig,
    stats: RepairStats,
    /// The conflicts of `tt` (collected after each round, for the next one).
    list: conflict::ConflictList,
    start: Instant,
    /// Rounds in a row that applied nothing.
    idle_rounds: u64,
    /// Escalations in a row that found nothing better.
    failed_escalations: u64,
    /// Per course, lectures moved away from the instance's reference (empty without one).
    moved: Vec<u32>,
}

/// Escalations in a row that find nothing before a *feasible* timetable is called done
/// (each walk twice as long as the last). An infeasible one is never done before the
/// time limit: escalation goes on, at the longest walk.
const MAX_FAILED_ESCALATIONS: u64 = 4;
/// Independent walks per escalation, run in parallel (a constant, not the thread count,
/// so that runs bounded by rounds give the same timetable on any number of threads).
const ESCALATION_WALKS: usize = 2;
/// Stream salt of the escalation walks.
const ESCALATION_SALT: usize = 0xE5C;

/// Lectures of course `c` in `tt` not at a reference slot of `inst` (0 without one).
fn course_moved(inst: &Instance, tt: &Timetable, c: crate::model::CourseId) -> u32 {
    let Some(reference) = inst.reference_of(c) else {
        return 0;
    };
    let mut placed: Vec<crate::model::Slot> = inst
        .lectures_of(c)
        .map(|l| tt.slot(LectureId(l as u32)))
        .filter(|s| s.is_scheduled())
        .collect();
    placed.sort_unstable();
    crate::model::moves::course_moved(&placed, reference)
}

fn moved_per_course(inst: &Instance, tt: &Timetable) -> Vec<u32> {
    if !inst.has_reference() {
        return Vec::new();
    }
    (0..inst.courses.len())
        .map(|c| course_moved(inst, tt, crate::model::CourseId(c as u16)))
        .collect()
}

/// Mixed into the seed so Stage 3's random streams differ from the islands'.
const STAGE3_SEED: u64 = 0x0005_EED3;
/// Random streams reserved per round (more than any batch).
const STREAMS_PER_ROUND: usize = 1 << 12;

impl Repairer {
    /// Prepares to repair `tt` (any timetable of `inst`: missing lectures count as
    /// unscheduled; lectures beyond a course's count are unscheduled first). Caps the
    /// table's counts to the learning window (no round runs yet, so nothing is in flight).
    pub fn new(
        inst: &Instance,
        tt: Timetable,
        cfg: RepairConfig,
        table: std::sync::Arc<QTable>,
    ) -> Repairer {
        let mut state = IncrementalState::new(inst, tt);
        let start_cost = state.cost();
        let extras = conflict::drop_extra_lectures(&mut state);
        table.cap_counts(cfg.learning_window);
        let ctx = ContextCache::new(inst.courses.len(), state.timetable().len());
        let list = conflict::collect(&state, &ctx, cfg.soft_conflicts);
        let cost = state.cost();
        let stats = RepairStats {
            extras_dropped: extras,
            batch: cfg.batch,
            start: start_cost,
            end: cost,
            time_to_feasible_s: cost.is_feasible().then_some(0.0),
            actions: action_stats(),
            per_rule: (0..state::RULE_ORDER.len())
                .map(|_| action_stats())
                .collect(),
            ..Default::default()
        };
        let moved = moved_per_course(inst, state.timetable());
        Repairer {
            moved,
            failed_escalations: 0,
            tt: state.into_timetable(),
            cost,
            table,
            ctx,
            watchdog: Watchdog::new(cfg.stall_timeout),
            cfg,
            stats,
            list,
            start: Instant::now(),
            idle_rounds: 0,
        }
    }

    /// Counts time (time to feasible, elapsed) from `start` instead of from
    /// [`Repairer::new`]: a caller that did set-up work of its own (the repair objective)
    /// includes it. A timetable feasible from the start is feasible at `start`'s elapsed
    /// time now.
    pub fn set_clock(&mut self, start: Instant) {
        self.start = start;
        if self.stats.time_to_feasible_s.is_some() {
            self.stats.time_to_feasible_s = Some(start.elapsed().as_secs_f64());
        }
    }

    /// The timetable now.
    pub fn timetable(&self) -> &Timetable {
        &self.tt
    }

    /// Its cost.
    pub fn cost(&self) -> Cost {
        self.cost
    }

    /// Violations left after the last round (hard, and all).
    pub fn conflicts_left(&self) -> ConflictCount {
        ConflictCount {
            hard: self.list.hard,
            total: self.list.violations,
        }
    }

    /// Lectures moved away from the instance's reference timetable (0 without one).
    pub fn moved(&self) -> usize {
        self.moved.iter().map(|&m| m as usize).sum()
    }

    /// Rounds run so far.
    pub fn rounds(&self) -> u64 {
        self.stats.rounds
    }

    /// The shared Q-table.
    pub fn qtable(&self) -> &std::sync::Arc<QTable> {
        &self.table
    }

    /// Stalls reported so far.
    pub fn stalls(&self) -> Vec<StallEvent> {
        self.watchdog.events()
    }

    /// The counters so far.
    pub fn stats(&self) -> RepairStats {
        let mut s = self.stats.clone();
        s.cache = self.ctx.stats();
        s.stalls = self.watchdog.events().len();
        s.elapsed_s = self.start.elapsed().as_secs_f64();
        s.end = self.cost;
        s.conflicts_left = self.list.violations;
        s.hard_conflicts_left = self.list.hard;
        s
    }

    /// Ends Stage 3: the timetable and the counters.
    pub fn finish(self) -> (Timetable, RepairStats) {
        let stats = self.stats();
        (self.tt, stats)
    }

    /// One round: a batch of conflicts repaired in parallel against a snapshot, then the
    /// proposals applied in order by this (the coordinating) thread. `stop` bounds every
    /// conflict's deadline. When `idle_sweeps` sweeps over the conflicts applied nothing,
    /// or hard violations are left that no lecture can be pinned to, the round is an
    /// *escalation* instead: parallel annealing walks over the whole timetable, each
    /// failure doubling their length. Returns false only when the timetable is feasible
    /// and nothing is left to try: no conflict, or [`MAX_FAILED_ESCALATIONS`] escalations
    /// in a row found nothing better. An infeasible timetable is never given up on: the
    /// caller's time limit or round count ends the run.
    pub fn round(&mut self, inst: &Instance, stop: &Stop) -> bool {
        let list = &self.list;
        let pool = if list.hard > 0 {
            &list.conflicts[..list.hard]
        } else {
            &list.conflicts[list.hard..]
        };
        // Hard violations left but none pinned to a lecture (both sides pinned, say): the
        // soft pool would not touch them.
        let stuck = self.cost.hard > 0 && list.hard == 0;
        let sweep = pool.len().div_ceil(self.cfg.batch).max(1) as u64;
        if pool.is_empty() || stuck || self.idle_rounds >= self.cfg.idle_sweeps * sweep {
            if self.cost.is_feasible()
                && (pool.is_empty() || self.failed_escalations >= MAX_FAILED_ESCALATIONS)
            {
                return false;
            }
            self.escalate(inst, stop);
            return true;
        }
        let mut state = IncrementalState::new(inst, self.tt.clone());
        let round = self.stats.rounds;
        let k = self.cfg.batch.min(pool.len());
        let offset = (round as usize).wrapping_mul(self.cfg.batch) % pool.len();
        let batch: Vec<Conflict> = (0..k)
            .map(|i| pool[(offset + i) % pool.len()].clone())
            .collect();

        // Between rounds no worker runs: cap the weights (recency), then read the values.
        self.table.cap_counts(self.cfg.learning_window);
        let q = self.table.snapshot();
        if k == pool.len() && list.hard > 0 {
            // Few hard conflicts (an edit's, typically): one after another on the live
            // timetable, each episode seeing its predecessors' repairs.
            self.serial_round(inst, state, &batch, &q, stop);
            return true;
        }
        let snapshot = &state;
        let (ctx, table, cfg, watchdog) = (&self.ctx, &*self.table, &self.cfg, &self.watchdog);
        let episodes: Vec<agent::Episode> = watchdog.watch(|| {
            batch
                .par_iter()
                .enumerate()
                .map(|(i, c)| {
                    let stream = (round as usize).wrapping_mul(STREAMS_PER_ROUND) ^ i;
                    let mut rng =
                        SmallRng::seed_from_u64(island_seed(cfg.seed ^ STAGE3_SEED, stream));
                    let deadline = stop.child(cfg.deadline);
                    let env = action::Env {
                        ctx,
                        hard_weight: cfg.agent.hard_weight,
                        anneal: cfg.anneal,
                        focused: cfg.focused,
                        deadline: &deadline,
                        // One broad action per batch, taking turns across rounds.
                        broad: i == round as usize % batch.len(),
                    };
                    let tried = ctx.attempts(c.focus.idx());
                    let e =
                        agent::episode(snapshot, c, &env, &cfg.agent, &q, table, tried, &mut rng);
                    watchdog.episode_done();
                    e
                })
                .collect()
        });

        // The writer: in batch order, each proposal re-scored on the live state.
        let before_round = state.cost();
        let accepted_before = self.stats.accepted;
        let mut touched: HashSet<LectureId> = HashSet::new();
        for (c, e) in batch.iter().zip(&episodes) {
            self.write(inst, &mut state, c, e, &mut touched);
        }
        self.end_round(state, before_round, accepted_before);
        true
    }

    /// A round on few hard conflicts: each episode runs on the live timetable (its
    /// scratch copy of it) and its proposal is written at once, so the next episode sees
    /// it — no snapshot, no collisions between co-proposals, no barrier to wait at (on a
    /// busy two-core machine, waiting for a descheduled worker costs more than the
    /// repairs). A conflict an earlier episode of the round already repaired (its focus,
    /// in a hard violation when the round began, is in none now) is skipped. Same streams as a parallel round, so
    /// runs bounded by rounds stay reproducible on any thread count.
    fn serial_round(
        &mut self,
        inst: &Instance,
        mut state: IncrementalState<'_>,
        batch: &[Conflict],
        q: &qtable::QSnapshot,
        stop: &Stop,
    ) {
        let round = self.stats.rounds;
        let before_round = state.cost();
        let accepted_before = self.stats.accepted;
        let mut touched: HashSet<LectureId> = HashSet::new();
        // Only a conflict the delta state flags at the start can be seen to be repaired
        // (a rule it does not flag per lecture is never skipped).
        let flagged: Vec<bool> = batch
            .iter()
            .map(|c| c.rule.is_hard() && state.in_hard_violation(c.focus))
            .collect();
        for (i, c) in batch.iter().enumerate() {
            if stop.should_stop() {
                break;
            }
            if flagged[i] && !state.in_hard_violation(c.focus) {
                continue;
            }
            let stream = (round as usize).wrapping_mul(STREAMS_PER_ROUND) ^ i;
            let mut rng = SmallRng::seed_from_u64(island_seed(self.cfg.seed ^ STAGE3_SEED, stream));
            let deadline = stop.child(self.cfg.deadline);
            let env = action::Env {
                ctx: &self.ctx,
                hard_weight: self.cfg.agent.hard_weight,
                anneal: self.cfg.anneal,
                focused: self.cfg.focused,
                deadline: &deadline,
                broad: i == round as usize % batch.len(),
            };
            let tried = self.ctx.attempts(c.focus.idx());
            let e = agent::episode(
                &state,
                c,
                &env,
                &self.cfg.agent,
                q,
                &self.table,
                tried,
                &mut rng,
            );
            self.watchdog.episode_done();
            self.write(inst, &mut state, c, &e, &mut touched);
        }
        self.end_round(state, before_round, accepted_before);
    }

    /// Closes a round: counters, the conflicts of the new timetable, time to feasible.
    fn end_round(&mut self, state: IncrementalState<'_>, before_round: Cost, accepted_before: u64) {
        self.stats.rounds += 1;
        if self.stats.accepted == accepted_before {
            self.idle_rounds += 1;
        } else {
            self.idle_rounds = 0;
        }
        self.cost = state.cost();
        self.list = conflict::collect(&state, &self.ctx, self.cfg.soft_conflicts);
        self.tt = state.into_timetable();
        if self.cost < before_round {
            self.watchdog.improved();
        }
        if self.cost.is_feasible() && self.stats.time_to_feasible_s.is_none() {
            self.stats.time_to_feasible_s = Some(self.start.elapsed().as_secs_f64());
        }
        self.watchdog.check_improvement();
    }

    /// The writer's part for one episode `e` of conflict `c`: its proposal re-scored on
    /// the live `state`, applied when it still improves it (and keeps within
    /// `max_moves`), undone otherwise; the proposing step learns what it really did.
    fn write(
        &mut self,
        inst: &Instance,
        state: &mut IncrementalState<'_>,
        c: &Conflict,
        e: &agent::Episode,
        touched: &mut HashSet<LectureId>,
    ) {
        self.ctx.attempted(c.focus.idx());
        let s = &mut self.stats;
        s.episodes += 1;
        s.steps += e.steps as u64;
        s.q_updates += e.updates;
        s.abandoned += e.abandoned as u64;
        let ri = state::rule_index(c.rule);
        for a in 0..Action::COUNT {
            for st in [&mut s.actions[a], &mut s.per_rule[ri][a]] {
                st.chosen += e.chosen[a] as u64;
                st.improved += e.improved[a] as u64;
                st.work += e.work[a];
                st.micros += e.nanos[a] / 1000;
            }
        }
        if e.changes.is_empty() {
            return;
        }
        s.proposals += 1;
        if e.changes.iter().any(|(l, _)| touched.contains(l)) {
            s.overlapping += 1;
        }
        let before = state.cost();
        // The proposing step's update, with what the proposal really did here.
        let learn = |applied: bool, after: Cost, stats: &mut RepairStats| {
            if let Some(p) = &e.pending {
                let w = self.cfg.agent.hard_weight;
                let delta = if applied {
                    weighted_cost(after, w) - weighted_cost(before, w)
                } else {
                    0
                };
                stats.q_updates += agent::learn(
                    &self.cfg.agent,
                    &self.table,
                    c.rule.is_hard(),
                    p.state,
                    p.action,
                    delta,
                    p.work,
                );
            }
        };
        let old: Vec<_> = e
            .changes
            .iter()
            .map(|&(l, _)| (l, state.timetable().slot(l)))
            .collect();
        if !action::apply_changes(state, &e.changes) {
            s.rejected += 1;
            learn(false, before, s);
            return;
        }
        let moved_on = c.rule.is_hard() && !state.in_hard_violation(c.focus);
        let moved_after = self.moved_after(inst, state, &e.changes);
        let within = self.within_max_moves(before, state.cost(), &moved_after);
        if !within {
            self.stats.over_max_moves += 1;
        }
        if within && agent::acceptable(before, state.cost(), e.sideways, moved_on) {
            for (c, m) in moved_after {
                self.moved[c] = m;
            }
            let s = &mut self.stats;
            s.accepted += 1;
            if let Some(a) = e.proposed_by {
                let w = self.cfg.agent.hard_weight;
                let gain = weighted_cost(before, w) - weighted_cost(state.cost(), w);
                for st in [
                    &mut s.actions[a.index()],
                    &mut s.per_rule[state::rule_index(c.rule)][a.index()],
                ] {
                    st.accepted += 1;
                    st.gain += gain;
                }
            }
            touched.extend(e.changes.iter().map(|&(l, _)| l));
            learn(true, state.cost(), s);
        } else {
            let s = &mut self.stats;
            let ok = action::apply_changes(state, &old);
            debug_assert!(ok, "the state before a proposal is always restorable");
            s.rejected += 1;
            learn(false, before, s);
        }
    }

    /// Per course touched by `changes`: its moved count in `state` (only with a
    /// reference).
    fn moved_after(
        &self,
        inst: &Instance,
        state: &IncrementalState<'_>,
        changes: &[(LectureId, crate::model::Slot)],
    ) -> Vec<(usize, u32)> {
        if self.moved.is_empty() {
            return Vec::new();
        }
        let mut courses: Vec<usize> = changes
            .iter()
            .map(|&(l, _)| state.timetable().course(l).idx())
            .collect();
        courses.sort_unstable();
        courses.dedup();
        courses
            .into_iter()
            .map(|c| {
                let m = course_moved(inst, state.timetable(), crate::model::CourseId(c as u16));
                (c, m)
            })
            .collect()
    }

    /// Whether a change from `before` to `after` (with the per-course moved counts
    /// `moved_after` of the courses it touched) keeps within `max_moves`: it does when
    /// the cap is not exceeded, when it moves no more lectures than before, or when it
    /// removes hard violations (feasibility comes first).
    fn within_max_moves(&self, before: Cost, after: Cost, moved_after: &[(usize, u32)]) -> bool {
        let Some(max) = self.cfg.max_moves else {
            return true;
        };
        let now = self.moved();
        let delta: i64 = moved_after
            .iter()
            .map(|&(c, m)| m as i64 - self.moved[c] as i64)
            .sum();
        let next = (now as i64 + delta) as usize;
        next <= max || delta <= 0 || after.hard < before.hard
    }

    /// An escalation round: [`ESCALATION_WALKS`] annealing walks from the current
    /// timetable in parallel, `burst_iterations × 2^failures` iterations each (at most
    /// ×16); the best result replaces the timetable when it is better (and keeps within
    /// `max_moves`). Then the agent gets its sweeps again.
    fn escalate(&mut self, inst: &Instance, stop: &Stop) {
        let round = self.stats.rounds;
        let mut params = self.cfg.anneal;
        params.iterations = params
            .iterations
            .max(1)
            .saturating_mul(1 << self.failed_escalations.min(4));
        // Warmer than the polishing anneal action: an escalation has to climb.
        params.temperature_start = params.temperature_end * 10.0;
        let start = &self.tt;
        let seed = self.cfg.seed ^ STAGE3_SEED;
        let walks: Vec<(Timetable, Cost)> = (0..ESCALATION_WALKS)
            .into_par_iter()
            .map(|w| {
                let stream = (round as usize).wrapping_mul(STREAMS_PER_ROUND) ^ ESCALATION_SALT ^ w;
                let mut rng = SmallRng::seed_from_u64(island_seed(seed, stream));
                let mut state = IncrementalState::new(inst, start.clone());
                let (best, cost, _) =
                    crate::evolve::local_search::anneal(&mut state, &params, &mut rng, stop);
                (best, cost)
            })
            .collect();
        self.stats.rounds += 1;
        self.stats.escalations += 1;
        self.idle_rounds = 0;
        let best = walks
            .into_iter()
            .enumerate()
            .min_by_key(|(i, (_, c))| (*c, *i))
            .map(|(_, w)| w);
        let mut improved = false;
        if let Some((tt, cost)) = best {
            let moved = moved_per_course(inst, &tt);
            let total: usize = moved.iter().map(|&m| m as usize).sum();
            let within = match self.cfg.max_moves {
                Some(max) => total <= max.max(self.moved()) || cost.hard < self.cost.hard,
                None => true,
            };
            if !within {
                self.stats.over_max_moves += 1;
            }
            if within && cost < self.cost {
                improved = true;
                self.tt = tt;
                self.cost = cost;
                self.moved = moved;
                let state = IncrementalState::new(inst, self.tt.clone());
                self.list = conflict::collect(&state, &self.ctx, self.cfg.soft_conflicts);
            }
        }
        if improved {
            self.stats.escalations_improved += 1;
            self.failed_escalations = 0;
            self.watchdog.improved();
        } else {
            self.failed_escalations += 1;
        }
        if self.cost.is_feasible() && self.stats.time_to_feasible_s.is_none() {
            self.stats.time_to_feasible_s = Some(self.start.elapsed().as_secs_f64());
        }
        self.watchdog.check_improvement();
    }
}
