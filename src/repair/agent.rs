//! The Q-learning agent: one episode per conflict. At each step it encodes the conflict's
//! state, picks an action (epsilon-greedy on the round's Q-snapshot, or uniformly for the
//! ablation), runs it on its scratch state, and learns from the score change: the reward
//! is the weighted improvement — hard violations weighted far above soft cost — squashed
//! to [-1, 1], per unit of the work the action spent beyond a free share. A step that improves ends the
//! episode with a proposal, and its update waits for the writer (the reward is what the
//! proposal really did to the live timetable, 0 if it could not be applied); one that does
//! not improve is undone, learned from at once (its reward is only the work it cost), and
//! the next step starts from the same timetable, one attempt later (the state says so).

use rand::Rng;
use rand::rngs::SmallRng;

use super::action::{self, Action, Env};
use super::conflict::Conflict;
use super::qtable::{QSnapshot, QTable};
use super::state;
use crate::eval::{Cost, IncrementalState};
use crate::model::{LectureId, Slot, Timetable};
use crate::options::Policy;

/// Soft costs of one repair are a few units (a lecture's room excess, one missing working
/// day = 5, one isolated lecture = 2): improvements on soft conflicts are measured on this
/// scale before squashing, as hard ones are on the hard weight.
const SOFT_REWARD_SCALE: f64 = 10.0;

/// How the agent learns and chooses.
#[derive(Clone, Copy, Debug)]
pub struct AgentParams {
    pub policy: Policy,
    pub exploration: f64,
    pub discount: f64,
    pub steps: u32,
    pub hard_weight: i64,
    /// Share of `work_unit` an action may spend and still be rewarded in full.
    pub free_work: f64,
    /// The work of one `anneal` action, in [`super::action`]'s units.
    pub work_unit: u64,
}

/// What one episode produced.
#[derive(Clone, Debug, Default)]
pub struct Episode {
    /// The lectures to move and where, when a step improved the timetable.
    pub changes: Vec<(LectureId, Slot)>,
    /// The weighted change those moves made on the snapshot (negative = better).
    pub predicted: i64,
    /// The proposal is a sideways step (see [`acceptable`]).
    pub sideways: bool,
    /// Steps taken.
    pub steps: u32,
    /// Q-table updates made.
    pub updates: u64,
    /// The deadline passed: the episode was abandoned and proposes nothing.
    pub abandoned: bool,
    /// Times each action was chosen, and improved.
    pub chosen: [u32; Action::COUNT],
    pub improved: [u32; Action::COUNT],
    /// The action whose result `changes` is.
    pub proposed_by: Option<Action>,
    /// The Q-update of the step that proposed `changes`, left to the writer: what that
    /// step is worth depends on whether the proposal still applies to the live timetable
    /// (parallel proposals can spoil each other — a broad one most of all).
    pub pending: Option<Pending>,
}

/// A Q-update waiting for the writer's verdict on the proposal.
#[derive(Clone, Copy, Debug)]
pub struct Pending {
    pub state: usize,
    pub action: Action,
    pub work: u64,
    /// The conflict was resolved on the snapshot (a terminal step).
    pub resolved: bool,
    /// The state after the step, for the bootstrap when not terminal.
    pub next: usize,
}

/// The Q-learning target of a proposal's step, once the writer knows the change it made
/// to the live timetable (`delta`, weighted; 0 when it was not applied).
pub fn pending_target(
    params: &AgentParams,
    q: &QSnapshot,
    hard_rule: bool,
    p: &Pending,
    delta: i64,
    applied: bool,
) -> f64 {
    let r = reward(params, hard_rule, delta, p.work);
    if applied && p.resolved {
        r
    } else {
        r + params.discount * q.max(p.next)
    }
}

#[inline]
fn weighted(c: Cost, w: i64) -> i64 {
    c.hard as i64 * w + c.soft as i64
}

/// Whether a change from `before` to `after` is worth keeping. Fewer hard violations
/// always are, and so is a lower cost. While hard violations are being repaired, so is a
/// *sideways* step — as many hard violations, but the conflict's own lecture out of them
/// (`moved_on`) — whatever it does to soft cost: it moves the clash to a lecture that may
/// have somewhere to go (an ejection chain), which is how repairs get out of the dead
/// ends a strict descent stops in. The writer applies the same rule.
pub fn acceptable(before: Cost, after: Cost, hard_phase: bool, moved_on: bool) -> bool {
    after.hard < before.hard
        || (after.hard == before.hard
            && (after.soft < before.soft || (hard_phase && moved_on && before.hard > 0)))
}

/// Picks an action for state `s`.
/// `broad` says whether actions that rework the whole timetable ([`Action::is_broad`])
/// may be chosen: only one episode per batch may (the coordinator decides which), since
/// of several such proposals made against one snapshot at most one could apply.
pub fn choose(
    params: &AgentParams,
    q: &QSnapshot,
    s: usize,
    broad: bool,
    rng: &mut SmallRng,
) -> Action {
    let allowed: Vec<usize> = (0..Action::COUNT)
        .filter(|&a| broad || !Action::ALL[a].is_broad())
        .collect();
    let n = allowed.len();
    let explore = match params.policy {
        Policy::Random => true,
        Policy::Learned => rng.random_bool(params.exploration),
    };
    if explore {
        return Action::ALL[allowed[rng.random_range(0..n)]];
    }
    // Greedy, ties (all untried at first) broken at random.
    let start = rng.random_range(0..n);
    let mut best = allowed[start];
    for k in 1..n {
        let a = allowed[(start + k) % n];
        if q.q(s, a) > q.q(s, best) {
            best = a;
        }
    }
    Action::ALL[best]
}

/// The reward of a step that changed the weighted cost by `delta` spending `work`: the
/// improvement squashed to [-1, 1], scaled down by the work beyond `free_work` (a rate,
/// so that a broad action that repairs as much per unit of time as a cheap one is worth
/// as much). In [-1, 1].
pub fn reward(params: &AgentParams, hard_rule: bool, delta: i64, work: u64) -> f64 {
    let scale = if hard_rule {
        params.hard_weight as f64
    } else {
        SOFT_REWARD_SCALE
    };
    let gain = (-(delta as f64) / scale).tanh();
    let spent = work as f64 / params.work_unit.max(1) as f64;
    gain * (params.free_work / spent.max(params.free_work))
}

/// Runs one episode on a scratch copy of `snapshot`, recording every step's target in
/// `table` (read from `q`, the round's snapshot). `tried` is how often the focus lecture
/// was repaired in earlier rounds.
#[allow(clippy::too_many_arguments)]
pub fn episode(
    snapshot: &IncrementalState<'_>,
    conflict: &Conflict,
    env: &Env<'_>,
    params: &AgentParams,
    q: &QSnapshot,
    table: &QTable,
    tried: u32,
    rng: &mut SmallRng,
) -> Episode {
    let inst = snapshot.instance();
    let mut out = Episode::default();
    let mut scratch = snapshot.clone();
    let course = scratch.timetable().course(conflict.focus);
    let cc = env.ctx.course(inst, course);
    let start: Timetable = scratch.timetable().clone();
    let w = params.hard_weight;
    let base_cost = scratch.cost();
    let base = weighted(base_cost, w);
    let hard_phase = conflict.rule.is_hard();
    let mut s = state::encode(&scratch, conflict, &cc, tried);
    for step in 0..params.steps {
        if env.deadline.should_stop() {
            out.abandoned = true;
            break;
        }
        let a = choose(params, q, s, env.broad, rng);
        out.chosen[a.index()] += 1;
        out.steps += 1;
        let effort = action::run(a, &mut scratch, conflict, env, rng);
        if effort.timed_out {
            // Incomplete: neither kept nor learned from (what it saw depends on timing).
            out.abandoned = true;
            action::set_timetable(&mut scratch, &start);
            break;
        }
        let delta = weighted(scratch.cost(), w) - base;
        let after = scratch.cost();
        let moved_on = hard_phase && !scratch.in_hard_violation(conflict.focus);
        let changed = scratch.timetable() != &start;
        let improved = changed && acceptable(base_cost, after, hard_phase, moved_on);
        if !improved {
            action::set_timetable(&mut scratch, &start);
        }
        // A step that is undone changed nothing: its reward is only the work it cost.
        let r = reward(
            params,
            conflict.rule.is_hard(),
            if improved { delta } else { 0 },
            effort.work,
        );
        let resolved = improved && (!hard_phase || moved_on) && after.hard <= base_cost.hard;
        let next = state::encode(&scratch, conflict, &cc, tried + step + 1);
        let target = if resolved {
            r
        } else {
            r + params.discount * q.max(next)
        };
        if improved {
            out.pending = Some(Pending {
                state: s,
                action: a,
                work: effort.work,
                resolved,
                next,
            });
        } else if table.record(s, a.index(), target) {
            out.updates += 1;
        }
        if improved {
            out.improved[a.index()] += 1;
            out.changes = action::diff(&scratch, &start)
                .into_iter()
                .map(|(l, _)| (l, scratch.timetable().slot(l)))
                .collect();
            out.predicted = delta;
            out.sideways = after.hard == base_cost.hard && after.soft >= base_cost.soft;
            out.proposed_by = Some(a);
            break;
        }
        s = next;
    }
    out
}
