//! The learning agent: one episode per conflict. At each step it encodes the conflict's
//! state, picks an action (epsilon-greedy on the round's snapshot of the table, or
//! uniformly for the ablation), runs it on its scratch state, and learns what the action
//! earned and what it cost.
//!
//! What is learned is a *repair rate*, not a squashed reward. Stage 3 runs for a fixed
//! share of wall time, so an action is worth what it repairs per unit of time: for every
//! (state, action) the table keeps the mean gain (the weighted improvement that actually
//! reached the live timetable: hard violations weighted far above soft cost, 0 when the
//! step changed nothing or its proposal could not be applied) and, beside it, the mean
//! work the step cost ([`super::action`]'s units, calibrated to wall time and including
//! the step's fixed overhead). The greedy choice is the action with the highest ratio of
//! the two — the renewal-reward rate, which is what maximises improvement per second;
//! untried actions come first. (The earlier design learned a Q-value of tanh(gain) scaled
//! down only beyond a "free" share of work: every action cheaper than 5% of an anneal
//! looked equally cheap, large gains were squashed to 1, and the learned policy did no
//! better than uniform choice. Bootstrapping from the next state is not needed here: a
//! step that fails leaves the timetable as it was, and the next step's state — one
//! attempt later — has its own rates.)
//!
//! A step that improves ends the episode with a proposal, and its update waits for the
//! writer (the gain is what the proposal really did to the live timetable); one that does
//! not improve is undone and learned from at once (gain 0, its work), and the next step
//! starts from the same timetable, one attempt later (the state says so).

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
/// day = 5, one isolated lecture = 2): gains on soft conflicts are stored on this scale,
/// as hard ones are on the hard weight (the table clamps at ±[`super::qtable::Q_BOUND`];
/// within one state the scale is the same for every action, so it never changes a choice).
const SOFT_REWARD_SCALE: f64 = 10.0;

/// Hard gains are stored in tens of hard violations: a broad anneal from a random
/// timetable repairs hundreds at once, which in single units would hit the table's clamp
/// and understate the action that repairs fastest.
const HARD_REWARD_SCALE: f64 = 10.0;

/// Work below which a mean work is not trusted (a floor for the rate's denominator).
const MIN_WORK: f64 = 1e-6;

/// The table column of action `a`'s mean gain.
#[inline]
pub fn gain_column(a: Action) -> usize {
    a.index()
}

/// The table column of action `a`'s mean work.
#[inline]
pub fn work_column(a: Action) -> usize {
    Action::COUNT + a.index()
}

/// Columns of the table: a gain and a work column per action.
pub const COLUMNS: usize = 2 * Action::COUNT;

/// Pseudo-observations of the prior a state's rate is shrunk towards.
const PRIOR_WEIGHT: f64 = 8.0;

/// The learned repair rate of `a` in state `s`: its mean gain per mean work, shrunk
/// towards the same action's rate over every state of the same rule (empirical Bayes,
/// [`PRIOR_WEIGHT`] pseudo-observations). `None` when the action was never tried on a
/// conflict of that rule. Without the shrinkage, soft repairs — which succeed a few times
/// in a hundred — would be judged on a handful of tries: the one action that happened to
/// succeed once would hold its state, the others stuck at a rate of 0.
pub fn rate(q: &QSnapshot, s: usize, a: Action) -> Option<f64> {
    let (g, w) = (gain_column(a), work_column(a));
    let rule = s / state::PER_RULE * state::PER_RULE;
    let (mut n_rule, mut g_rule, mut w_rule) = (0.0, 0.0, 0.0);
    for t in rule..rule + state::PER_RULE {
        let n = q.count(t, g) as f64;
        n_rule += n;
        g_rule += n * q.q(t, g);
        w_rule += n * q.q(t, w);
    }
    if n_rule == 0.0 {
        return None;
    }
    let n = q.count(s, g) as f64;
    let k = PRIOR_WEIGHT;
    let gain = n * q.q(s, g) + k * g_rule / n_rule;
    let work = n * q.q(s, w) + k * w_rule / n_rule;
    Some(gain / work.max(MIN_WORK))
}

/// How the agent learns and chooses.
#[derive(Clone, Copy, Debug)]
pub struct AgentParams {
    pub policy: Policy,
    pub exploration: f64,
    pub steps: u32,
    pub hard_weight: i64,
    /// The work of one `anneal` action, in [`super::action`]'s units: work is stored in
    /// this unit (an anneal costs about 1).
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
    /// Work units, and wall-clock nanoseconds, each action spent (the clock is only
    /// reported, never learned from: see [`observation`]).
    pub work: [u64; Action::COUNT],
    pub nanos: [u64; Action::COUNT],
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
}

/// Records one step: `delta` (weighted change of the live timetable, negative = better; 0
/// when nothing was kept) for `work` spent by `a` in state `s`. Returns the table updates
/// made (2: the gain and the work column).
pub fn learn(
    params: &AgentParams,
    table: &QTable,
    hard_rule: bool,
    s: usize,
    a: Action,
    delta: i64,
    work: u64,
) -> u64 {
    let (g, w) = observation(params, hard_rule, delta, work);
    table.record(s, gain_column(a), g) as u64 + table.record(s, work_column(a), w) as u64
}

/// The gain and the work of a step as stored: the improvement on the rule's scale, and
/// the work in units of one anneal action.
pub fn observation(params: &AgentParams, hard_rule: bool, delta: i64, work: u64) -> (f64, f64) {
    let scale = if hard_rule {
        HARD_REWARD_SCALE * params.hard_weight as f64
    } else {
        SOFT_REWARD_SCALE
    };
    (
        -(delta as f64) / scale,
        work as f64 / params.work_unit.max(1) as f64,
    )
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
    // Greedy on the learned rate; untried actions first, the cheapest of them first (an
    // untried action's rate is unknown, its cost is not: a cold table should not open an
    // edit's repair with a broad anneal when one best move fixes it); ties broken at
    // random.
    let start = rng.random_range(0..n);
    let key = |a: usize| match rate(q, s, Action::ALL[a]) {
        Some(r) => (0, r),
        None => (1, -(Action::ALL[a].cost_rank() as f64)),
    };
    let mut best = allowed[start];
    for k in 1..n {
        let a = allowed[(start + k) % n];
        if key(a).partial_cmp(&key(best)) == Some(std::cmp::Ordering::Greater) {
            best = a;
        }
    }
    Action::ALL[best]
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
        let t0 = web_time::Instant::now();
        let effort = action::run(a, &mut scratch, conflict, env, rng);
        out.work[a.index()] += effort.work;
        out.nanos[a.index()] += t0.elapsed().as_nanos() as u64;
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
        // A step that is undone changed nothing: it gained 0 for the work it cost.
        if improved {
            // What the proposal is worth is the writer's to say.
            out.pending = Some(Pending {
                state: s,
                action: a,
                work: effort.work,
            });
        } else {
            out.updates += learn(params, table, hard_phase, s, a, 0, effort.work);
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
        s = state::encode(&scratch, conflict, &cc, tried + step + 1);
    }
    out
}
