//! Simulated annealing over the delta evaluator's moves — the "memetic" part of every
//! island. Following what wins on CB-CTT (Bellio, Ceschia, Di Gaspero & Schaerf's single-
//! stage SA), the search runs on one weighted objective, `hard_weight · hard + soft`, over
//! a mixed neighbourhood:
//! - period move: a lecture to another period (often keeping its room), swapping with the
//!   lecture already in the target room if there is exactly one;
//! - room change: same period, another room (swap with its occupant);
//! - Kempe chain: the lecture's period and another exchange the connected set of
//!   conflicting lectures, which keeps conflict-freeness where single moves cannot.
//!
//! Every compound move is applied, scored by the running totals, and undone when rejected,
//! so its cost is exactly what the evaluator says.
//!
//! Every move stays inside the lectures' domains (docs/RULES.md, "What solvers guarantee"):
//! single moves and swaps go through the delta evaluator's `can_move`/`can_swap`, pinned
//! lectures are never picked, and a Kempe chain that would take along a pinned or
//! multi-period lecture, or put a member in a room closed at its new period, is not made
//! (a chain exchanges whole periods, which a lecture spanning several cannot follow).

use rand::Rng;
use rand::rngs::SmallRng;

use crate::budget::Stop;
use crate::eval::{Cost, IncrementalState};
use crate::model::{LectureId, PeriodId, RoomId, Slot, Timetable};

/// Settings of one annealing run.
#[derive(Clone, Copy, Debug)]
pub struct AnnealParams {
    pub iterations: u64,
    pub temperature_start: f64,
    pub temperature_end: f64,
    pub hard_weight: u32,
    pub feasibility_temperature: f64,
    pub kempe_rate: f64,
    pub keep_room_rate: f64,
    /// The options' `room_change_rate`, `sibling_room_rate` and `hot_lecture_rate`.
    pub room_change_rate: f64,
    pub sibling_room_rate: f64,
    pub hot_lecture_rate: f64,
    /// The options' `compact_rate`.
    pub compact_rate: f64,
    /// The options' `spread_rate`.
    pub spread_rate: f64,
    /// The options' `kempe_reroom`.
    pub kempe_reroom: bool,
    /// The options' `free_room_rate`.
    pub free_room_rate: f64,
    /// The options' `ruin_rate`.
    pub ruin_rate: f64,
}

impl AnnealParams {
    /// The move mix of `opts` (the rates and weights), with the run-specific iterations,
    /// temperatures and feasibility temperature given.
    pub fn from_options(
        opts: &crate::options::SolverOptions,
        iterations: u64,
        (temperature_start, temperature_end): (f64, f64),
        feasibility_temperature: f64,
    ) -> AnnealParams {
        AnnealParams {
            iterations,
            temperature_start,
            temperature_end,
            hard_weight: opts.hard_weight,
            feasibility_temperature,
            kempe_rate: opts.kempe_rate,
            keep_room_rate: opts.keep_room_rate,
            room_change_rate: opts.room_change_rate,
            sibling_room_rate: opts.sibling_room_rate,
            hot_lecture_rate: opts.hot_lecture_rate,
            compact_rate: opts.compact_rate,
            spread_rate: opts.spread_rate,
            kempe_reroom: opts.kempe_reroom,
            free_room_rate: opts.free_room_rate,
            ruin_rate: opts.ruin_rate,
        }
    }
}

impl AnnealParams {
    /// These settings with both temperatures multiplied by `factor` (an island's rung of
    /// the temperature ladder).
    pub fn hotter(&self, factor: f64) -> AnnealParams {
        AnnealParams {
            temperature_start: self.temperature_start * factor,
            temperature_end: self.temperature_end * factor,
            ..*self
        }
    }
}

/// Counters of one run.
#[derive(Clone, Copy, Debug, Default)]
pub struct AnnealStats {
    pub iterations: u64,
    pub accepted: u64,
    pub improved_best: u64,
}

impl std::ops::AddAssign for AnnealStats {
    fn add_assign(&mut self, o: Self) {
        self.iterations += o.iterations;
        self.accepted += o.accepted;
        self.improved_best += o.improved_best;
    }
}

/// How often, while infeasible, the list of lectures in hard violations is rebuilt (a
/// cost trade-off, not a search setting: the list only steers `hot_lecture_rate`).
const HOT_REFRESH: u64 = 64;
/// Most lectures one ruin-and-recreate move takes out (option `ruin_rate`): a
/// curriculum's day rarely holds more, and each costs a scan of every period.
const RUIN_MAX: usize = 6;
/// How often the stop condition is polled, in iterations.
const POLL_EVERY: u64 = 1024;

#[inline]
fn weighted(c: Cost, w: u32) -> i64 {
    c.hard as i64 * w as i64 + c.soft as i64
}

/// Anneals `state` and returns the best timetable seen with its cost (lexicographic).
pub fn anneal(
    state: &mut IncrementalState<'_>,
    params: &AnnealParams,
    rng: &mut SmallRng,
    stop: &Stop,
) -> (Timetable, Cost, AnnealStats) {
    let inst = state.instance();
    let n = state.timetable().len();
    let np = inst.n_periods();
    let nr = inst.rooms.len();
    let mut best_cost = state.cost();
    let mut best = state.timetable().clone();
    let mut stats = AnnealStats::default();
    if n == 0 || np == 0 || nr == 0 {
        return (best, best_cost, stats);
    }
    let w = params.hard_weight;
    let t0 = params.temperature_start;
    let ratio = params.temperature_end / params.temperature_start;
    let mut temp = t0;
    let ruin_rate = if inst.uses_campus_features() {
        0.0
    } else {
        params.ruin_rate
    };
    let mut cur = state.cost();
    let mut hot: Vec<LectureId> = Vec::new();
    let mut chain = Chain {
        reroom: params.kempe_reroom,
        ..Chain::default()
    };

    for it in 0..params.iterations {
        if it % POLL_EVERY == 0 {
            if stop.should_stop() {
                break;
            }
            temp = t0 * ratio.powf(it as f64 / params.iterations as f64);
        }
        stats.iterations += 1;
        // While infeasible, `hot_lecture_rate` of the moves start from a lecture in a hard
        // violation.
        if cur.hard > 0 && it % HOT_REFRESH == 0 {
            hot.clear();
            hot.extend(
                (0..n as u32)
                    .map(LectureId)
                    .filter(|&x| state.in_hard_violation(x)),
            );
        }
        let l = if cur.hard > 0 && !hot.is_empty() && rng.random_bool(params.hot_lecture_rate) {
            hot[rng.random_range(0..hot.len())]
        } else {
            LectureId(rng.random_range(0..n) as u32)
        };
        if inst.is_pinned(l.idx()) {
            continue;
        }
        let from = state.timetable().slot(l);
        // `ruin_rate` of the moves ruin and recreate the lectures of one of `l`'s curricula
        // on `l`'s day; at a rate of 0, and on a campus (which it does not handle),
        // nothing is drawn.
        let ruin = ruin_rate > 0.0 && from.is_scheduled() && rng.random_bool(ruin_rate);
        let pick: f64 = if ruin { 0.0 } else { rng.random() };
        let applied = if ruin {
            chain.ruin_recreate(state, l, w, rng)
        } else if pick < params.kempe_rate && from.is_scheduled() {
            let p2 = period(state, l, params, rng);
            chain.propose(state, l, p2)
        } else if pick < params.kempe_rate + params.room_change_rate && from.is_scheduled() {
            let (p, own) = from.get().expect("scheduled");
            // `sibling_room_rate` of the room changes aim at a room a sibling lecture
            // already uses (room stability); the rest try any room.
            let sibling = {
                let range = inst.lectures_of(state.timetable().course(l));
                if range.is_empty() {
                    None
                } else {
                    let m = LectureId(rng.random_range(range) as u32);
                    state.timetable().slot(m).get().map(|(_, r)| r)
                }
            };
            let r = match sibling {
                Some(r) if r != own && rng.random_bool(params.sibling_room_rate) => r,
                _ => RoomId(rng.random_range(0..nr) as u16),
            };
            simple(state, l, p, r)
        } else {
            let p = period(state, l, params, rng);
            // `free_room_rate` of the period moves go to the best free room at `p` (where
            // rooms are nearly full the kept room is mostly taken, and a swap with its
            // occupant moves two lectures); at a rate of 0 nothing is drawn.
            let free = if params.free_room_rate > 0.0 && rng.random_bool(params.free_room_rate) {
                free_room(state, l, p)
            } else {
                None
            };
            let r = match (free, from.get()) {
                (Some(r), _) => r,
                (None, Some((_, r))) if rng.random_bool(params.keep_room_rate) => r,
                _ => RoomId(rng.random_range(0..nr) as u16),
            };
            simple(state, l, p, r)
        };
        let Some(proposal) = applied else { continue };
        let after = match &proposal {
            Proposal::Applied(_) => state.cost(),
            Proposal::Pending(_, _, (dh, ds)) | Proposal::PendingSwap(_, _, (dh, ds)) => Cost {
                hard: (cur.hard as i64 + dh) as u32,
                soft: (cur.soft as i64 + ds) as u32,
            },
        };
        if accept(cur, after, w, temp, params.feasibility_temperature, rng) {
            match proposal {
                Proposal::Pending(l, to, _) => {
                    state.move_lecture(l, to);
                }
                Proposal::PendingSwap(a, b, _) => {
                    state.swap(a, b);
                }
                Proposal::Applied(_) => {}
            }
            debug_assert_eq!(state.cost(), after);
            cur = after;
            stats.accepted += 1;
            if cur < best_cost {
                best_cost = cur;
                best.clone_from(state.timetable());
                stats.improved_best += 1;
            }
        } else if let Proposal::Applied(undo) = proposal {
            match undo {
                Undo::Move(l, s) => {
                    state.move_lecture(l, s);
                }
                Undo::Swap(a, b) => {
                    state.swap(a, b);
                }
                Undo::Chain => chain.undo(state),
            }
        }
    }
    (best, best_cost, stats)
}

/// The annealing's acceptance of a move from `cur` to `after` at temperature `temp`.
/// Infeasible: fewer hard violations always win; equal ones walk the plateau by soft
/// cost; more are accepted rarely, by the feasibility temperature. Feasible: Metropolis
/// on `hard_weight · hard + soft`.
#[inline]
fn accept(
    cur: Cost,
    after: Cost,
    w: u32,
    temp: f64,
    feasibility_temperature: f64,
    rng: &mut SmallRng,
) -> bool {
    if cur.hard > 0 {
        let dh = after.hard as i64 - cur.hard as i64;
        let ds = after.soft as i64 - cur.soft as i64;
        match dh {
            ..0 => true,
            0 => ds <= 0 || rng.random::<f64>() < (-(ds as f64) / temp).exp(),
            _ => rng.random::<f64>() < (-(dh as f64) / feasibility_temperature).exp(),
        }
    } else {
        let delta = weighted(after, w) - weighted(cur, w);
        delta <= 0 || rng.random::<f64>() < (-(delta as f64) / temp).exp()
    }
}

/// The target period of a move of `l`: with probability `spread_rate` a period of a day
/// `l`'s course lacks for its minimum working days, then with probability `compact_rate`
/// one next to a lecture of one of `l`'s curricula that the curriculum leaves free (where
/// `l` would not be isolated), else — or when there is none — any period. At rates of 0 it
/// draws exactly what a uniform choice draws, so the default search is unchanged.
#[inline]
fn period(
    state: &IncrementalState<'_>,
    l: LectureId,
    params: &AnnealParams,
    rng: &mut SmallRng,
) -> PeriodId {
    let inst = state.instance();
    if params.spread_rate > 0.0 && rng.random_bool(params.spread_rate) {
        let days = state.spread_days(l);
        if days != 0 {
            let d = nth_bit(days, rng.random_range(0..days.count_ones()));
            return inst.period_at(d, rng.random_range(0..inst.periods_per_day as usize));
        }
    }
    if params.compact_rate > 0.0 && rng.random_bool(params.compact_rate) {
        let curricula = inst.curricula_of(state.timetable().course(l));
        if !curricula.is_empty() {
            let g = curricula[rng.random_range(0..curricula.len())];
            if let Some(m) = state.compact_targets(g).filter(|&m| m != 0) {
                return PeriodId(nth_bit(m, rng.random_range(0..m.count_ones())) as u16);
            }
        }
    }
    PeriodId(rng.random_range(0..inst.n_periods()) as u16)
}

/// The index of the `k`-th set bit of `m` (from the lowest; `k` < `m.count_ones()`).
#[inline]
fn nth_bit(mut m: u64, k: u32) -> usize {
    for _ in 0..k {
        m &= m - 1;
    }
    m.trailing_zeros() as usize
}

/// A proposed move: already applied (undo it if rejected), or only scored with its
/// (hard, soft) change (apply it if accepted).
pub(crate) enum Proposal {
    Applied(Undo),
    Pending(LectureId, Slot, (i64, i64)),
    PendingSwap(LectureId, LectureId, (i64, i64)),
}

/// How to take back an applied move.
pub(crate) enum Undo {
    Move(LectureId, Slot),
    Swap(LectureId, LectureId),
    Chain,
}

/// Moves `l` to `(p, r)`, swapping with the single lecture there if any. `None` when the
/// move is illegal or does nothing.
fn simple(
    state: &mut IncrementalState<'_>,
    l: LectureId,
    p: PeriodId,
    r: RoomId,
) -> Option<Proposal> {
    let from = state.timetable().slot(l);
    let to = Slot::at(p, r);
    if from == to {
        return None;
    }
    match state.occupant(p, r) {
        Some(o) if o != l => {
            if state.timetable().course(o) == state.timetable().course(l) || !state.can_swap(l, o) {
                return None;
            }
            if let Some(d) = state.swap_delta(l, o) {
                return Some(Proposal::PendingSwap(l, o, d));
            }
            state.swap(l, o);
            Some(Proposal::Applied(Undo::Swap(l, o)))
        }
        _ => {
            if !state.can_move(l, to) {
                return None;
            }
            if let Some(d) = state.move_delta(l, to) {
                return Some(Proposal::Pending(l, to, d));
            }
            state.move_lecture(l, to);
            Some(Proposal::Applied(Undo::Move(l, from)))
        }
    }
}

/// The free room at `p` that suits lecture `l` (unscheduled while its chain moves) best:
/// the least capacity excess, then the smallest (leaving big rooms for big courses). On a
/// campus only rooms `l` may use there (`can_move`: type, features, open). `None` when
/// every such room is taken.
fn free_room(state: &IncrementalState<'_>, l: LectureId, p: PeriodId) -> Option<RoomId> {
    let inst = state.instance();
    let c = state.timetable().course(l);
    let campus = inst.uses_campus_features();
    (0..inst.rooms.len() as u16)
        .map(RoomId)
        .filter(|&r| state.room_load(p, r) == 0 && (!campus || state.can_move(l, Slot::at(p, r))))
        .min_by_key(|&r| inst.room_fit(c, r))
}

/// Whether lectures `x` and `y` at the two periods of a Kempe chain must move together:
/// they share a course or their courses conflict.
#[inline]
fn linked(inst: &crate::model::Instance, tt: &Timetable, x: LectureId, y: LectureId) -> bool {
    let (cx, cy) = (tt.course(x), tt.course(y));
    cx == cy || inst.in_conflict(cx, cy)
}

/// The Kempe chains [`Chain::propose`] scores without applying them.
enum Small {
    /// `l` alone: a move.
    Alone,
    /// `l` and this lecture, in the same room: a swap.
    Pair(LectureId),
    /// Anything else: applied.
    Longer,
}

/// A Kempe chain between two periods, with the buffers reused across moves (also one of
/// Stage 3's repair actions).
#[derive(Default)]
pub(crate) struct Chain {
    /// Option `kempe_reroom`: a member whose room is taken at its new period by a lecture
    /// outside the chain goes to a free room there instead of clashing.
    pub(crate) reroom: bool,
    at_a: Vec<LectureId>,
    at_b: Vec<LectureId>,
    in_chain_a: Vec<bool>,
    in_chain_b: Vec<bool>,
    members: Vec<(LectureId, Slot)>,
}

impl Chain {
    /// Exchanges between `l`'s period and `p2` the connected set of lectures that conflict
    /// (or share a course), each keeping its room. `None` when there is nothing to do.
    pub(crate) fn apply(
        &mut self,
        state: &mut IncrementalState<'_>,
        l: LectureId,
        p2: PeriodId,
    ) -> Option<Proposal> {
        let inst = state.instance();
        let (p1, _) = state.timetable().slot(l).get()?;
        if p1 == p2 {
            return None;
        }
        self.at_a.clear();
        self.at_b.clear();
        // From the room counters when they can tell; otherwise a scan of all lectures.
        if !(state.lectures_at(p1, &mut self.at_a) && state.lectures_at(p2, &mut self.at_b)) {
            self.at_a.clear();
            self.at_b.clear();
            for (i, s) in state.timetable().slots().iter().enumerate() {
                match s.get() {
                    Some((p, _)) if p == p1 => self.at_a.push(LectureId(i as u32)),
                    Some((p, _)) if p == p2 => self.at_b.push(LectureId(i as u32)),
                    _ => {}
                }
            }
        }
        self.in_chain_a.clear();
        self.in_chain_a.resize(self.at_a.len(), false);
        self.in_chain_b.clear();
        self.in_chain_b.resize(self.at_b.len(), false);
        let start = self.at_a.iter().position(|&x| x == l)?;
        self.in_chain_a[start] = true;
        // Breadth-first closure, alternating sides; `frontier` holds (side, index).
        let mut frontier = vec![(false, start)];
        let tt = state.timetable();
        let linked = |x, y| linked(inst, tt, x, y);
        while let Some((side_b, i)) = frontier.pop() {
            let x = if side_b { self.at_b[i] } else { self.at_a[i] };
            let (other, marks) = if side_b {
                (&self.at_a, &mut self.in_chain_a)
            } else {
                (&self.at_b, &mut self.in_chain_b)
            };
            for (j, &y) in other.iter().enumerate() {
                if !marks[j] && linked(x, y) {
                    marks[j] = true;
                    frontier.push((!side_b, j));
                }
            }
        }
        self.members.clear();
        for (i, &x) in self.at_a.iter().enumerate() {
            if self.in_chain_a[i] {
                self.members.push((x, tt.slot(x)));
            }
        }
        for (i, &y) in self.at_b.iter().enumerate() {
            if self.in_chain_b[i] {
                self.members.push((y, tt.slot(y)));
            }
        }
        // Only single-period, unpinned lectures can follow a chain, and each keeps its
        // room, which must be open at its new period. Otherwise the chain is not made.
        if inst.uses_campus_features() {
            let ok = self.members.iter().all(|&(x, s)| {
                let (p, r) = s.get().expect("chain members are scheduled");
                let target = if p == p1 { p2 } else { p1 };
                !inst.is_pinned(x.idx())
                    && inst.duration(tt.course(x)) == 1
                    && !inst.room_closed(r, target)
            });
            if !ok {
                self.members.clear();
                return None;
            }
        }
        for &(x, _) in &self.members {
            state.move_lecture(x, Slot::UNSCHEDULED);
        }
        for &(x, s) in &self.members {
            let (p, r) = s.get().expect("chain members are scheduled");
            let target = if p == p1 { p2 } else { p1 };
            let r = self.room_at(state, x, r, target);
            state.move_lecture(x, Slot::at(target, r));
        }
        Some(Proposal::Applied(Undo::Chain))
    }

    /// The room chain member `x` (in room `r`) takes at its new period `target`: its own,
    /// or with `reroom` the best free room there when its own is taken (kept if none is).
    fn room_at(
        &self,
        state: &IncrementalState<'_>,
        x: LectureId,
        r: RoomId,
        target: PeriodId,
    ) -> RoomId {
        if self.reroom && state.room_load(target, r) > 0 {
            free_room(state, x, target).unwrap_or(r)
        } else {
            r
        }
    }

    /// [`Self::apply`] for the annealing: a chain of `l` alone (a third of all chains on
    /// comp10) is one move of `l` to `p2`, and a chain of `l` and one lecture `m` in the
    /// same room (7%) is a swap of the two, so these are only scored (`move_delta`,
    /// `swap_delta`) and applied if accepted, like simple moves; longer chains are
    /// applied. The same move as `apply` makes, with the same rooms: `l`'s leaving `p1`
    /// changes no room at `p2`, no lecture of its course is at `p2` (it would have joined
    /// the chain), and a pair in one room finds that room free at both periods. `.ctt`
    /// only.
    pub(crate) fn propose(
        &mut self,
        state: &mut IncrementalState<'_>,
        l: LectureId,
        p2: PeriodId,
    ) -> Option<Proposal> {
        let inst = state.instance();
        let (p1, r) = state.timetable().slot(l).get()?;
        if inst.uses_campus_features() || p1 == p2 {
            return self.apply(state, l, p2);
        }
        match self.small(state, l, (p1, r), p2) {
            Small::Alone => {
                let to = Slot::at(p2, self.room_at(state, l, r, p2));
                let d = state.move_delta(l, to).expect("l and to are scheduled");
                Some(Proposal::Pending(l, to, d))
            }
            Small::Pair(m) => {
                let d = state.swap_delta(l, m).expect("l and m are scheduled");
                Some(Proposal::PendingSwap(l, m, d))
            }
            Small::Longer => self.apply(state, l, p2),
        }
    }

    /// Which of [`Self::propose`]'s cases the chain of `l` (at `p1` in room `r`) and `p2`
    /// is, from the room counters (`Longer` where they cannot tell: a room holding two
    /// lectures).
    fn small(
        &mut self,
        state: &IncrementalState<'_>,
        l: LectureId,
        (p1, r): (PeriodId, RoomId),
        p2: PeriodId,
    ) -> Small {
        let inst = state.instance();
        let tt = state.timetable();
        let linked = |x, y| linked(inst, tt, x, y);
        self.at_b.clear();
        if !state.lectures_at(p2, &mut self.at_b) {
            return Small::Longer;
        }
        let mut at_p2 = self.at_b.iter().filter(|&&y| linked(l, y));
        let Some(&m) = at_p2.next() else {
            return Small::Alone;
        };
        if at_p2.next().is_some() || tt.slot(m).get().map(|(_, rm)| rm) != Some(r) {
            return Small::Longer;
        }
        self.at_a.clear();
        if !state.lectures_at(p1, &mut self.at_a)
            || self.at_a.iter().any(|&y| y != l && linked(m, y))
        {
            return Small::Longer;
        }
        Small::Pair(m)
    }

    /// Ruin and recreate: takes out the lectures of one of `l`'s curricula (chosen at
    /// random; `l`'s course alone when it has none) that are on `l`'s day, at most
    /// [`RUIN_MAX`], and puts them back one by one in random order, each at the period
    /// and room that cost least with the ones before it placed (`w · hard + soft`): its
    /// own room where that is free at the period, else the best free room; a period with
    /// neither, or where the course already has a lecture, is not tried. A lecture with
    /// no such place goes back where it was. This rearranges a curriculum's day at once,
    /// which single moves and chains cannot do when every step alone costs (a course
    /// short of a working day whose lectures hold several curricula together). `.ctt`
    /// only (`None` on a campus, whose rooms and durations it does not handle), and
    /// pinned lectures stay. Undone by [`Self::undo`].
    pub(crate) fn ruin_recreate(
        &mut self,
        state: &mut IncrementalState<'_>,
        l: LectureId,
        w: u32,
        rng: &mut SmallRng,
    ) -> Option<Proposal> {
        let inst = state.instance();
        if inst.uses_campus_features() {
            return None;
        }
        let (p0, _) = state.timetable().slot(l).get()?;
        let day = inst.day_of(p0);
        let course = state.timetable().course(l);
        let curricula = inst.curricula_of(course);
        let single = [course];
        let courses: &[crate::model::CourseId] = if curricula.is_empty() {
            &single
        } else {
            &inst.curricula[curricula[rng.random_range(0..curricula.len())].idx()].courses
        };
        self.members.clear();
        self.members.push((l, state.timetable().slot(l)));
        'gather: for &c in courses {
            for x in inst.lectures_of(c).map(|x| LectureId(x as u32)) {
                if self.members.len() >= RUIN_MAX {
                    break 'gather;
                }
                let s = state.timetable().slot(x);
                if x != l
                    && !inst.is_pinned(x.idx())
                    && s.get().is_some_and(|(p, _)| inst.day_of(p) == day)
                {
                    self.members.push((x, s));
                }
            }
        }
        for &(x, _) in &self.members {
            state.move_lecture(x, Slot::UNSCHEDULED);
        }
        let k = self.members.len();
        for i in 0..k {
            let j = rng.random_range(i..k);
            self.members.swap(i, j);
        }
        let np = inst.n_periods();
        for i in 0..k {
            let (x, old) = self.members[i];
            let (_, own) = old.get().expect("members are scheduled");
            let offset = rng.random_range(0..np);
            // `x` goes to the first place tried and every other place is scored from there
            // by `move_delta`, without touching the counters (half the work of placing and
            // taking it out at each). Costs relative to the first place differ from costs
            // relative to "out" by a constant, so the choice is the same; `x` standing at
            // that first period changes neither another period's rooms nor `can_move`
            // elsewhere.
            let mut best: Option<(i64, Slot)> = None;
            for q in 0..np {
                let p = PeriodId(((q + offset) % np) as u16);
                if !state.can_move(x, Slot::at(p, own)) {
                    continue;
                }
                let r = if state.room_load(p, own) == 0 {
                    own
                } else {
                    match free_room(state, x, p) {
                        Some(r) => r,
                        None => continue,
                    }
                };
                let to = Slot::at(p, r);
                let d = match best {
                    None => {
                        state.move_lecture(x, to);
                        0
                    }
                    Some(_) => {
                        let (dh, ds) = state.move_delta(x, to).expect("x and to are scheduled");
                        dh * w as i64 + ds
                    }
                };
                if best.is_none_or(|(b, _)| d < b) {
                    best = Some((d, to));
                }
            }
            state.move_lecture(x, best.map_or(old, |(_, to)| to));
        }
        Some(Proposal::Applied(Undo::Chain))
    }

    pub(crate) fn undo(&mut self, state: &mut IncrementalState<'_>) {
        for &(x, _) in &self.members {
            state.move_lecture(x, Slot::UNSCHEDULED);
        }
        for &(x, s) in &self.members {
            state.move_lecture(x, s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Instance;
    use rand::SeedableRng;

    /// comp07 (tight rooms: 87% of room-periods taken) from the shared instances.
    fn comp07() -> Instance {
        let dir = std::env::var_os("ATOLL_SHARED").map_or_else(
            || std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"),
            std::path::PathBuf::from,
        );
        let path = dir.join("instances/itc2007/comp07.ctt");
        let Ok(bytes) = std::fs::read(&path) else {
            panic!("{} is needed (set ATOLL_SHARED)", path.display());
        };
        crate::parse_instance(&bytes, "comp07.ctt").unwrap()
    }

    /// A ruin-and-recreate move on comp07 (tight rooms: most reinsertions need a free
    /// room) keeps every lecture scheduled, leaves the running totals equal to a full
    /// score, and its undo restores the timetable exactly.
    #[test]
    fn ruin_recreate_is_exact_and_undone_exactly() {
        let inst = comp07();
        let mut rng = SmallRng::seed_from_u64(3);
        let start = crate::construct::construct(&inst, &mut rng).timetable;
        let mut state = IncrementalState::new(&inst, start);
        let mut chain = Chain::default();
        let n = state.timetable().len();
        let mut rearranged = 0;
        for _ in 0..300 {
            let before = state.timetable().clone();
            let l = LectureId(rng.random_range(0..n) as u32);
            let Some(Proposal::Applied(Undo::Chain)) =
                chain.ruin_recreate(&mut state, l, 100, &mut rng)
            else {
                assert!(
                    !before.slot(l).is_scheduled(),
                    "a scheduled lecture is ruined"
                );
                continue;
            };
            assert_eq!(
                state.cost(),
                crate::eval::score(&inst, state.timetable()).cost()
            );
            let scheduled = |t: &Timetable| t.slots().iter().filter(|s| s.is_scheduled()).count();
            assert_eq!(scheduled(state.timetable()), scheduled(&before));
            rearranged += (state.timetable() != &before) as usize;
            if rng.random_bool(0.5) {
                chain.undo(&mut state);
                assert_eq!(state.timetable(), &before, "undo restores the timetable");
                assert_eq!(state.cost(), crate::eval::score(&inst, &before).cost());
            }
        }
        assert!(rearranged > 100, "the move rearranges: {rearranged} of 300");
    }

    /// The annealing's chain proposal makes exactly the move `Chain::apply` makes: a
    /// chain of one lecture, or of two in one room, comes back only scored, and applying
    /// that move or swap gives the timetable and cost `apply` gives; every other chain
    /// comes back applied.
    #[test]
    fn chain_proposal_of_one_lecture_is_the_applied_chain() {
        let inst = comp07();
        let mut rng = SmallRng::seed_from_u64(5);
        let start = crate::construct::construct(&inst, &mut rng).timetable;
        let mut state = IncrementalState::new(&inst, start);
        let n = state.timetable().len();
        let (mut alone, mut pairs, mut longer) = (0, 0, 0);
        for reroom in [false, true] {
            let mut chain = Chain {
                reroom,
                ..Chain::default()
            };
            for _ in 0..1000 {
                let l = LectureId(rng.random_range(0..n) as u32);
                let p2 = PeriodId(rng.random_range(0..inst.n_periods()) as u16);
                let before = state.timetable().clone();
                let cost = state.cost();
                let proposed = chain.propose(&mut state, l, p2);
                let pending = match proposed {
                    Some(Proposal::Pending(x, to, d)) => Some((x, Err(to), d)),
                    Some(Proposal::PendingSwap(x, m, d)) => Some((x, Ok(m), d)),
                    Some(Proposal::Applied(Undo::Chain)) => {
                        chain.undo(&mut state);
                        None
                    }
                    None => None,
                    Some(_) => panic!("a chain proposes a move, a swap or a chain"),
                };
                assert_eq!(state.timetable(), &before, "nothing stays applied");
                let applied = chain.apply(&mut state, l, p2).is_some();
                match pending {
                    Some((x, what, (dh, ds))) => {
                        assert_eq!(x, l);
                        let after = state.timetable().clone();
                        assert_eq!(
                            (state.cost().hard as i64, state.cost().soft as i64),
                            (cost.hard as i64 + dh, cost.soft as i64 + ds)
                        );
                        chain.undo(&mut state);
                        match what {
                            Err(to) => {
                                alone += 1;
                                assert_eq!(chain.members.len(), 1, "a move is a chain of one");
                                state.move_lecture(x, to);
                            }
                            Ok(m) => {
                                pairs += 1;
                                assert_eq!(chain.members.len(), 2, "a swap is a chain of two");
                                state.swap(x, m);
                            }
                        }
                        assert_eq!(state.timetable(), &after, "the same move as the chain");
                    }
                    // Applied: also chains of one or two where a room holds two
                    // lectures (the counters cannot list a period's lectures).
                    None if applied => longer += (chain.members.len() > 2) as usize,
                    None => {}
                }
                // Walk on: keep the chain's result half of the time.
                if applied && rng.random_bool(0.5) {
                    state = IncrementalState::new(&inst, state.timetable().clone());
                } else {
                    state = IncrementalState::new(&inst, before);
                }
                assert_eq!(
                    state.cost(),
                    crate::eval::score(&inst, state.timetable()).cost()
                );
            }
        }
        assert!(
            alone > 50 && pairs > 10 && longer > 50,
            "every kind is proposed: {alone} moves, {pairs} swaps, {longer} chains"
        );
    }
}
