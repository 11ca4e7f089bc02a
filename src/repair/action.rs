//! The repair actions the agent chooses from. Each works on a worker's scratch copy of the
//! timetable state, moving the conflict's focus lecture (and whatever it must displace) to
//! the best place its neighbourhood offers, scored exactly by the delta evaluator; whether
//! the result is kept is the episode's decision, not the action's. Every action polls the
//! conflict's deadline and stops early (reporting it) when it has passed.

use rand::Rng;
use rand::rngs::SmallRng;
use serde::Serialize;

use super::conflict::Conflict;
use super::context::ContextCache;
use crate::budget::Stop;
use crate::eval::IncrementalState;
use crate::evolve::local_search::{AnnealParams, Chain, anneal};
use crate::model::{LectureId, PeriodId, Slot, Timetable};

/// A repair action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Move the lecture to its best (period, room).
    MoveBest,
    /// Swap it with the lecture whose exchange helps most.
    SwapBest,
    /// Keep its period, change its room (swapping with the occupant).
    RoomOnly,
    /// Kempe chain between its period and the best other period.
    Kempe,
    /// Put it where the fewest lectures are in the way, then reinsert those elsewhere.
    Eject,
    /// A short simulated-annealing run (Stage 2's local search) from the current state.
    Anneal,
    /// A short annealing walk confined to the conflict's neighbourhood: the focus, its
    /// partner and the lectures of every course it conflicts with (curricula, teacher),
    /// moved or swapped with the occupant of their target room. Between the cheap
    /// one-shot actions (one best move, microseconds; they can only descend, and after
    /// evolution every lecture is already at a local optimum for them) and the broad
    /// anneal (the whole timetable, tens of milliseconds, one per batch, and its workers
    /// waiting for it): it can climb out of a local optimum, costs about a millisecond,
    /// and — touching only the neighbourhood — runs in every slot of a batch. It was
    /// added so that the choice of action matters: which of the three families pays
    /// depends on the conflict and on how far the timetable has come.
    Focused,
}

impl Action {
    /// Every action, in index order.
    pub const ALL: [Action; 7] = [
        Action::MoveBest,
        Action::SwapBest,
        Action::RoomOnly,
        Action::Kempe,
        Action::Eject,
        Action::Anneal,
        Action::Focused,
    ];

    /// Number of actions.
    pub const COUNT: usize = Self::ALL.len();

    /// True for an action that may rework any part of the timetable (not just the
    /// conflict's neighbourhood): at most one per batch can be applied.
    pub fn is_broad(self) -> bool {
        self == Action::Anneal
    }

    /// Where the action stands from cheapest (0) to dearest in work per try: one scored
    /// scan of the lecture's places, the same over its rooms, an ejection (a scan and a
    /// few re-placements), every swap partner, every Kempe chain, a focused walk, a broad
    /// anneal. What an untried action is expected to cost, before anything is learned.
    pub fn cost_rank(self) -> usize {
        match self {
            Action::MoveBest => 0,
            Action::RoomOnly => 1,
            Action::Eject => 2,
            Action::SwapBest => 3,
            Action::Kempe => 4,
            Action::Focused => 5,
            Action::Anneal => 6,
        }
    }

    /// Index into [`Self::ALL`].
    pub fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|&a| a == self)
            .expect("every action is listed")
    }
}

/// What an action needs besides the state.
pub struct Env<'a> {
    pub ctx: &'a ContextCache,
    pub hard_weight: i64,
    pub anneal: AnnealParams,
    pub focused: FocusedParams,
    pub deadline: &'a Stop,
    /// Whether this episode may choose a broad action (one per batch).
    pub broad: bool,
}

/// What running an action cost.
#[derive(Clone, Copy, Debug, Default)]
pub struct Effort {
    /// Work spent, in the units above.
    pub work: u64,
    /// Candidates evaluated (for polling the deadline).
    evals: u64,
    /// The deadline passed while it ran: its result is incomplete.
    pub timed_out: bool,
}

/// The deadline is polled every this many candidate evaluations.
const POLL: u64 = 64;

// Work units: about the time of one `move_delta`. The reward charges an action for its
// work in these units rather than by the clock, which would make runs bounded by rounds
// irreproducible; but the units are calibrated to the clock, because what the agent
// learns is repair per unit of *time* (Stage 3 runs for a share of wall time).
//
// Calibration (`cargo run --profile quick --example repair_units`: every action timed on
// the conflicts of an annealed timetable of comp01, comp05 and comp07, the fastest of 7
// batches, twice; after the delta evaluator got 3–4x faster, which left the first
// calibration's constants up to 5x apart). A `move_delta` took 28 ns (comp01), 51 ns
// (comp05) and 32 ns (comp07). Per unit of the old constants, relative to that, the other
// actions took (geometric mean over the three): SwapBest 2.1x (a `peek_swap` is now about
// 15 `move_delta`s, not 7), RoomOnly 1.3x, Kempe 0.84x, Eject 0.40x (an unscheduled
// lecture's peek costs about one `move_delta`, not two), Anneal 0.68x, Focused 1.9x. The
// constants below are the old ones times those factors, so every action now runs at
// about one unit per `move_delta` time (20–35 units per microsecond on these machines;
// the timings are of a shared 2-core machine, so each factor is good to about 1.5x).
// The spread between instances (comp05, the densest, runs the swaps and walks 1.5x slower
// per unit than comp01) is left: one constant per operation cannot follow it.
/// One scored move that is not applied (`move_delta`).
const MOVE_DELTA: u64 = 1;
/// A move applied and undone (`peek_move`; in Stage 3 the peek of an unscheduled lecture,
/// which touches no old place).
const PEEK_MOVE: u64 = 1;
/// A swap applied and undone (`peek_swap`): four updates, and the bookkeeping of two
/// lectures.
const PEEK_SWAP: u64 = 15;
/// One room tried by [`Action::RoomOnly`]: a swap with its occupant applied and undone,
/// or a scored move into it when it is free.
const ROOM_TRY: u64 = 9;
/// One annealing iteration (mostly scored moves, some applied swaps and chains, and the
/// copy of every new best timetable).
pub const ANNEAL_ITERATION: u64 = 5;
/// A Kempe chain tried: the two periods' lectures (read from the room counters), the
/// chain's closure, and its members moved and put back. It grows with the lectures per
/// period, so it is charged in proportion to the timetable's lectures: one unit per this
/// many, plus [`CHAIN_BASE`].
const CHAIN_SCAN_PER_UNIT: u64 = 10;
/// The part of a Kempe chain's charge that does not grow with the timetable.
const CHAIN_BASE: u64 = 6;
/// What every step costs besides the action itself: encoding the state, undoing a step
/// that did not improve (a diff over all lectures), a share of the round's serial part
/// (collecting the conflicts, a full evaluation with the violation list) and of the
/// episode's scratch copy. Measured (`examples/repair_units.rs`) at 0.8–3.5 µs, 28–78
/// `move_delta`s (comp01, comp05, comp07): as much as the cheaper actions themselves, so it
/// must be charged or they look free. (It was 100 when a unit was 4–5x slower.)
pub const STEP_OVERHEAD: u64 = 50;
/// A broad action holds the round's barrier: the batch's other episodes finish long
/// before it and their workers wait it out. On the two-worker machines and browser tabs
/// Atoll targets, that doubles its wall-clock cost. (A constant, not the pool's thread
/// count, so that runs bounded by rounds stay the same on any number of threads.)
pub const BROAD_WAIT: u64 = 2;

#[inline]
fn weighted((dh, ds): (i64, i64), w: i64) -> i64 {
    dh * w + ds
}

/// Counts one evaluation of `cost` work units; true when the deadline has passed (polled
/// every [`POLL`] evaluations).
#[inline]
fn tick(effort: &mut Effort, deadline: &Stop, cost: u64) -> bool {
    effort.work += cost;
    effort.evals += 1;
    if effort.evals.is_multiple_of(POLL) && deadline.should_stop() {
        effort.timed_out = true;
    }
    effort.timed_out
}

/// Keeps the lowest `(key, tie)`.
#[inline]
fn better<T>(best: &mut Option<(i64, u32, T)>, key: i64, rng: &mut SmallRng, item: T) {
    let tie: u32 = rng.random();
    if best.as_ref().is_none_or(|(k, t, _)| (key, tie) < (*k, *t)) {
        *best = Some((key, tie, item));
    }
}

/// Runs `action` on `conflict` in `state`.
pub fn run(
    action: Action,
    state: &mut IncrementalState<'_>,
    conflict: &Conflict,
    env: &Env<'_>,
    rng: &mut SmallRng,
) -> Effort {
    let l = conflict.focus;
    let mut effort = Effort::default();
    // Pinned lectures are never moved (conflicts never focus one; this is the backstop).
    if state.instance().is_pinned(l.idx()) {
        return effort;
    }
    match action {
        Action::MoveBest => {
            if let Some(to) = best_place(state, l, env, rng, &mut effort) {
                state.move_lecture(l, to);
            }
        }
        Action::SwapBest => swap_best(state, l, env, rng, &mut effort),
        Action::RoomOnly => room_only(state, l, env, rng, &mut effort),
        Action::Kempe => kempe(state, l, env, rng, &mut effort),
        Action::Eject => eject(state, l, env, rng, &mut effort),
        Action::Anneal => {
            let (best, _, stats) = anneal(state, &env.anneal, rng, env.deadline);
            effort.work = stats.iterations * ANNEAL_ITERATION;
            effort.timed_out = env.deadline.should_stop();
            set_timetable(state, &best);
        }
        Action::Focused => focused(state, conflict, env, rng, &mut effort),
    }
    effort.work += STEP_OVERHEAD;
    if action.is_broad() {
        effort.work *= BROAD_WAIT;
    }
    effort
}

/// The best (period, room) for `l` other than where it is, by weighted delta.
fn best_place(
    state: &mut IncrementalState<'_>,
    l: LectureId,
    env: &Env<'_>,
    rng: &mut SmallRng,
    effort: &mut Effort,
) -> Option<Slot> {
    let inst = state.instance();
    let c = state.timetable().course(l);
    let cc = env.ctx.course(inst, c);
    let from = state.timetable().slot(l);
    let cost = if from.is_scheduled() {
        MOVE_DELTA
    } else {
        PEEK_MOVE
    };
    let mut best: Option<(i64, u32, Slot)> = None;
    'scan: for &p in &cc.periods {
        for &r in &cc.rooms {
            let to = Slot::at(p, r);
            if to == from || !state.can_move(l, to) {
                continue;
            }
            if tick(effort, env.deadline, cost) {
                break 'scan;
            }
            let d = match state.move_delta(l, to) {
                Some(d) => d,
                None => state.peek_move(l, to),
            };
            better(&mut best, weighted(d, env.hard_weight), rng, to);
        }
    }
    best.map(|b| b.2)
}

fn swap_best(
    state: &mut IncrementalState<'_>,
    l: LectureId,
    env: &Env<'_>,
    rng: &mut SmallRng,
    effort: &mut Effort,
) {
    let tt = state.timetable();
    let c = tt.course(l);
    let own = tt.slot(l);
    let candidates: Vec<LectureId> = (0..tt.len() as u32)
        .map(LectureId)
        .filter(|&m| {
            let s = tt.slot(m);
            m != l && tt.course(m) != c && s.is_scheduled() && s != own
        })
        .collect();
    let mut best: Option<(i64, u32, LectureId)> = None;
    for m in candidates {
        if !state.can_swap(l, m) {
            continue;
        }
        if tick(effort, env.deadline, PEEK_SWAP) {
            break;
        }
        let d = state.peek_swap(l, m);
        better(&mut best, weighted(d, env.hard_weight), rng, m);
    }
    if let Some((_, _, m)) = best {
        state.swap(l, m);
    }
}

fn room_only(
    state: &mut IncrementalState<'_>,
    l: LectureId,
    env: &Env<'_>,
    rng: &mut SmallRng,
    effort: &mut Effort,
) {
    let inst = state.instance();
    let Some((p, own)) = state.timetable().slot(l).get() else {
        return;
    };
    let cc = env.ctx.course(inst, state.timetable().course(l));
    // (room, occupant to swap with)
    let mut best: Option<(i64, u32, (Slot, Option<LectureId>))> = None;
    for &r in &cc.rooms {
        if r == own {
            continue;
        }
        if tick(effort, env.deadline, ROOM_TRY) {
            break;
        }
        let to = Slot::at(p, r);
        match state.occupant(p, r) {
            Some(o) => {
                if o == l || !state.can_swap(l, o) {
                    continue;
                }
                let d = state.peek_swap(l, o);
                better(&mut best, weighted(d, env.hard_weight), rng, (to, Some(o)));
            }
            None => {
                if !state.can_move(l, to) {
                    continue;
                }
                let d = state.move_delta(l, to).expect("both slots scheduled");
                better(&mut best, weighted(d, env.hard_weight), rng, (to, None));
            }
        }
    }
    match best {
        Some((_, _, (_, Some(o)))) => {
            state.swap(l, o);
        }
        Some((_, _, (to, None))) => {
            state.move_lecture(l, to);
        }
        None => {}
    }
}

fn kempe(
    state: &mut IncrementalState<'_>,
    l: LectureId,
    env: &Env<'_>,
    rng: &mut SmallRng,
    effort: &mut Effort,
) {
    let inst = state.instance();
    let Some((p1, _)) = state.timetable().slot(l).get() else {
        return;
    };
    let base = state.cost();
    let mut chain = Chain::default();
    let mut best: Option<(i64, u32, PeriodId)> = None;
    for p2 in (0..inst.n_periods()).map(|p| PeriodId(p as u16)) {
        if p2 == p1 {
            continue;
        }
        // A chain's work grows with the lectures at the two periods (see CHAIN_SCAN_PER_UNIT).
        let scan = state.timetable().len() as u64 / CHAIN_SCAN_PER_UNIT;
        if tick(effort, env.deadline, scan + CHAIN_BASE) {
            break;
        }
        if chain.apply(state, l, p2).is_some() {
            let after = state.cost();
            chain.undo(state);
            let d = (
                after.hard as i64 - base.hard as i64,
                after.soft as i64 - base.soft as i64,
            );
            better(&mut best, weighted(d, env.hard_weight), rng, p2);
        }
    }
    if let Some((_, _, p2)) = best {
        chain.apply(state, l, p2);
    }
}

fn eject(
    state: &mut IncrementalState<'_>,
    l: LectureId,
    env: &Env<'_>,
    rng: &mut SmallRng,
    effort: &mut Effort,
) {
    let inst = state.instance();
    let c = state.timetable().course(l);
    let cc = env.ctx.course(inst, c);
    let from = state.timetable().slot(l);
    // Fewest lectures in the way, then least soft damage (room excess).
    let mut best: Option<(i64, u32, Slot)> = None;
    for &p in &cc.periods {
        let clashes = state.clashes_at(c, p) as i64;
        for &r in &cc.rooms {
            let to = Slot::at(p, r);
            if to == from || !state.can_move(l, to) {
                continue;
            }
            effort.work += 1;
            let in_room = state.room_load(p, r) as i64;
            let key = (clashes + in_room) * env.hard_weight + inst.excess(c, r) as i64;
            better(&mut best, key, rng, to);
        }
    }
    if env.deadline.should_stop() {
        effort.timed_out = true;
        return;
    }
    let Some((_, _, to)) = best else { return };
    let (p, r) = to.get().expect("a place");
    let victims: Vec<LectureId> = state
        .timetable()
        .scheduled()
        .filter(|&(m, mc, mp, mr)| m != l && mp == p && (mr == r || inst.in_conflict(c, mc)))
        .map(|(m, ..)| m)
        .collect();
    // Pinned lectures are never ejected.
    if victims.iter().any(|v| inst.is_pinned(v.idx())) {
        return;
    }
    for &v in &victims {
        state.move_lecture(v, Slot::UNSCHEDULED);
    }
    state.move_lecture(l, to);
    for v in victims {
        if let Some(place) = best_place(state, v, env, rng, effort) {
            state.move_lecture(v, place);
        }
        if effort.timed_out {
            break;
        }
    }
}

/// The focused walk's settings: the options `focused_iteration_divisor`,
/// `focused_lectures` and `focused_temperature`.
#[derive(Clone, Copy, Debug)]
pub struct FocusedParams {
    /// The walk runs the broad anneal's iterations divided by this.
    pub divisor: u64,
    /// Most lectures in its neighbourhood.
    pub lectures: usize,
    /// Its start temperature, in weighted cost units.
    pub temperature: f64,
}

/// Work of one focused iteration: a random move or swap applied (and undone when
/// rejected), and the bookkeeping of the lectures it touched (a search of the touched list,
/// and a copy of it at every new best); measured (`examples/repair_units.rs`) at about 30
/// `move_delta`s, six annealing iterations.
const FOCUSED_ITERATION: u64 = 30;

fn focused(
    state: &mut IncrementalState<'_>,
    conflict: &Conflict,
    env: &Env<'_>,
    rng: &mut SmallRng,
    effort: &mut Effort,
) {
    let inst = state.instance();
    let tt = state.timetable();
    let l = conflict.focus;
    let c = tt.course(l);
    // The neighbourhood: the focus and partner first, then the lectures of conflicting
    // courses (scheduled), as many as fit.
    let mut hood: Vec<LectureId> = vec![l];
    hood.extend(conflict.partner.filter(|&p| p != l));
    hood.extend(
        tt.scheduled()
            .filter(|&(m, mc, ..)| m != l && Some(m) != conflict.partner && inst.in_conflict(c, mc))
            .map(|(m, ..)| m),
    );
    hood.truncate(env.focused.lectures);
    // Each lecture's course context, fetched once (not once per iteration).
    let hood: Vec<(LectureId, super::sync::Arc<super::context::CourseContext>)> = hood
        .into_iter()
        .map(|m| (m, env.ctx.course(inst, state.timetable().course(m))))
        .filter(|(_, cc)| !cc.periods.is_empty() && !cc.rooms.is_empty())
        .collect();
    if hood.is_empty() {
        return;
    }
    let iterations = (env.anneal.iterations / env.focused.divisor).max(1);
    let w = env.hard_weight;
    // Start slots of every lecture touched, and the best state's slots.
    let mut start: Vec<(LectureId, Slot)> = Vec::new();
    let mut best: Vec<(LectureId, Slot)> = Vec::new();
    let mut cur = 0i64;
    let mut best_d = 0i64;
    let touch = |start: &mut Vec<(LectureId, Slot)>, st: &IncrementalState<'_>, m: LectureId| {
        if !start.iter().any(|&(x, _)| x == m) {
            start.push((m, st.timetable().slot(m)));
        }
    };
    let t0 = env.focused.temperature;
    let cool = env.anneal.temperature_end / t0;
    for it in 0..iterations {
        if tick(effort, env.deadline, FOCUSED_ITERATION) {
            break;
        }
        let temp = t0 * cool.powf(it as f64 / iterations as f64);
        let (m, cc) = &hood[rng.random_range(0..hood.len())];
        let m = *m;
        let p = cc.periods[rng.random_range(0..cc.periods.len())];
        // One of the three best-fitting rooms (the context sorts them first).
        let r = cc.rooms[rng.random_range(0..cc.rooms.len().min(3))];
        let to = Slot::at(p, r);
        let from = state.timetable().slot(m);
        if to == from {
            continue;
        }
        let other = state.occupant(p, r).filter(|&o| o != m);
        let d = match other {
            Some(o) if from.is_scheduled() && state.can_swap(m, o) => {
                touch(&mut start, state, m);
                touch(&mut start, state, o);
                let d = weighted(state.swap(m, o), w);
                if d > 0 && rng.random::<f64>() >= (-(d as f64) / temp).exp() {
                    state.swap(m, o);
                    continue;
                }
                d
            }
            Some(_) => continue,
            None if state.can_move(m, to) => {
                touch(&mut start, state, m);
                let d = weighted(state.move_lecture(m, to), w);
                if d > 0 && rng.random::<f64>() >= (-(d as f64) / temp).exp() {
                    state.move_lecture(m, from);
                    continue;
                }
                d
            }
            None => continue,
        };
        cur += d;
        if cur < best_d {
            best_d = cur;
            best = start
                .iter()
                .map(|&(x, _)| (x, state.timetable().slot(x)))
                .collect();
        }
    }
    // Back to the best state seen (the start if nothing beat it).
    let target: Vec<(LectureId, Slot)> = start
        .iter()
        .map(|&(x, s0)| {
            (
                x,
                best.iter().find(|&&(y, _)| y == x).map_or(s0, |&(_, s)| s),
            )
        })
        .filter(|&(x, s)| state.timetable().slot(x) != s)
        .collect();
    let ok = apply_changes(state, &target);
    debug_assert!(ok, "a state seen during the walk is always restorable");
}

/// The lectures whose slots differ between `state` and `target`, with their slots in
/// `target`.
pub fn diff(state: &IncrementalState<'_>, target: &Timetable) -> Vec<(LectureId, Slot)> {
    state
        .timetable()
        .slots()
        .iter()
        .zip(target.slots())
        .enumerate()
        .filter(|(_, (a, b))| a != b)
        .map(|(i, (_, b))| (LectureId(i as u32), *b))
        .collect()
}

/// Puts every lecture of `changes` at its slot: first all of them out, then each in, so
/// that exchanges never break the one-lecture-per-course-per-period invariant midway.
/// Returns false (and leaves `state` as it was) when the result would break it.
pub fn apply_changes(state: &mut IncrementalState<'_>, changes: &[(LectureId, Slot)]) -> bool {
    let old: Vec<Slot> = changes
        .iter()
        .map(|&(l, _)| state.timetable().slot(l))
        .collect();
    for &(l, _) in changes {
        state.move_lecture(l, Slot::UNSCHEDULED);
    }
    for (i, &(l, s)) in changes.iter().enumerate() {
        if !state.can_move(l, s) {
            for &(m, _) in &changes[..i] {
                state.move_lecture(m, Slot::UNSCHEDULED);
            }
            for (&(m, _), &o) in changes.iter().zip(&old) {
                state.move_lecture(m, o);
            }
            return false;
        }
        state.move_lecture(l, s);
    }
    true
}

/// Makes `state` hold `target` (a timetable of the same lectures).
pub fn set_timetable(state: &mut IncrementalState<'_>, target: &Timetable) {
    let changes = diff(state, target);
    let ok = apply_changes(state, &changes);
    debug_assert!(
        ok,
        "a timetable that keeps the invariant is always reachable"
    );
}
