//! Incremental (delta) evaluation. [`IncrementalState`] owns a timetable plus the counters
//! every UD2 component is a function of, and keeps the score current as lectures move. A
//! move costs time proportional to what it touches (the moved course's conflict row, its
//! curricula, one room and one day), never to the size of the instance.
//!
//! The counters are kept unweighted where a weight applies, so removal exactly undoes an
//! addition and `IncrementalState::breakdown()` always equals a full re-evaluation; the
//! property tests hold it to that.
//!
//! Campus instances (`Instance::uses_campus_features`) take a general path: a lecture
//! updates every period it occupies, occupancy is counted per (course, period) so
//! overlapping lectures of one course are scored exactly, and the campus components
//! (placement, teacher preferences, daily maxima, changes) have their own counters. A
//! `.ctt` instance never enters that path, so its hot loop is what it was.

use super::full::occupied;
use super::score::{Breakdown, Cost, weights};
use crate::model::{
    BitSet, CourseId, CurriculumId, Instance, LectureId, PeriodId, RoomId, Slot, Timetable, Weights,
};

/// A running total (or weighted component) as the `u32` of a score, without truncation.
/// Totals are never negative, and `Instance::new` refuses an instance whose worst-case
/// totals could pass `u32::MAX` (`check_cost_bounds`), so this is exact for every
/// instance that loads. Were that invariant ever broken, the score would saturate (read as
/// very bad) instead of wrapping to a small, good-looking number as `as u32` did, and a
/// debug build stops here.
#[inline]
fn total(x: i64) -> u32 {
    debug_assert!(
        (0..=u32::MAX as i64).contains(&x),
        "score total {x} outside u32: check_cost_bounds should have refused the instance"
    );
    x.clamp(0, u32::MAX as i64) as u32
}

/// Zeros before and after each curriculum's row of `cpl`: the compactness window reaches
/// two periods either side.
const PAD: usize = 2;
const FIRST: u8 = 1;
const LAST: u8 = 2;

/// A timetable with the incremental counters of its score.
#[derive(Clone, Debug)]
pub struct IncrementalState<'a> {
    inst: &'a Instance,
    tt: Timetable,
    /// Scheduled lectures per course.
    course_count: Vec<u16>,
    /// Per period, the courses with a lecture there.
    present: Vec<BitSet>,
    /// Lectures per (period, room).
    room_count: Vec<u16>,
    /// XOR of the lecture ids per (period, room): the occupant when the count is 1.
    room_xor: Vec<u32>,
    /// Lectures per (course, day).
    day_count: Vec<u16>,
    /// Distinct days per course.
    course_days: Vec<u16>,
    /// Lectures per (course, room).
    room_use: Vec<u16>,
    /// Distinct rooms per course.
    course_rooms: Vec<u16>,
    /// Lectures per (curriculum, period): one row per curriculum, with [`PAD`] zeros at
    /// both ends so the compactness window never needs a bounds test (see `row_base`).
    cpl: Vec<u16>,
    /// Per period: [`FIRST`] if it opens its day, [`LAST`] if it closes it.
    day_edge: Vec<u8>,
    /// `.ctt` with at most 64 periods: per curriculum, the periods holding any of its
    /// lectures as a bit mask (empty otherwise). With no period holding two, a move's
    /// compactness change is a few bit operations (`mask_isolated`) instead of two scans
    /// of the row; that was most of the search's time.
    cur_mask: Vec<u64>,
    /// Per curriculum, the periods holding two or more of its lectures (with the masks).
    crowded: Vec<u16>,
    /// Periods that open a day, and periods that close a day, as bit masks.
    first_mask: u64,
    last_mask: u64,
    /// True for an instance with campus features: the general path below.
    campus: bool,
    /// The soft weights (`Instance::weights`).
    w: Weights,
    /// Campus: lectures occupying each (course, period).
    occ: Vec<u16>,
    /// Campus: per course, its curricula that have a daily maximum.
    limited_curricula: Vec<Vec<u16>>,
    /// Campus: per course, its distinct teachers that have a daily maximum.
    limited_teachers: Vec<Vec<u16>>,
    /// Campus: lectures starting per (curriculum, day) and per (teacher, day).
    g_day: Vec<u16>,
    t_day: Vec<u16>,
    /// Re-solve: per course, placed lectures at one of its reference slots (multiset).
    matched: Vec<u16>,
    /// Running totals; soft parts unweighted (see `breakdown`).
    lectures: i64,
    conflicts: i64,
    availability: i64,
    room_occupancy: i64,
    room_capacity: i64,
    mwd_days: i64,
    isolated: i64,
    extra_rooms: i64,
    placement: i64,
    dispreferred: i64,
    over_daily: i64,
    moved: i64,
}

impl<'a> IncrementalState<'a> {
    /// Builds the counters for `tt` (which must keep the one-lecture-per-course-per-period
    /// invariant: see [`Timetable`]).
    pub fn new(inst: &'a Instance, tt: Timetable) -> Self {
        let nc = inst.courses.len();
        let np = inst.n_periods();
        let nd = inst.days as usize;
        let campus = inst.uses_campus_features();
        let (mut limited_curricula, mut limited_teachers) = (Vec::new(), Vec::new());
        if campus {
            for c in 0..nc {
                let c = CourseId(c as u16);
                limited_curricula.push(
                    inst.curricula_of(c)
                        .iter()
                        .filter(|&&g| inst.curriculum_max_daily(g).is_some())
                        .map(|g| g.0)
                        .collect(),
                );
                let mut ts: Vec<u16> = inst.courses[c.idx()]
                    .teachers()
                    .filter(|&t| inst.teacher_max_daily(t).is_some())
                    .map(|t| t.0)
                    .collect();
                ts.sort_unstable();
                ts.dedup();
                limited_teachers.push(ts);
            }
        }
        let mut s = IncrementalState {
            inst,
            tt: Timetable::from_parts(
                tt.lecture_courses().clone(),
                vec![Slot::UNSCHEDULED; tt.len()],
            ),
            course_count: vec![0; nc],
            present: vec![BitSet::new(nc); np],
            room_count: vec![0; np * inst.rooms.len()],
            room_xor: vec![0; np * inst.rooms.len()],
            day_count: vec![0; nc * inst.days as usize],
            course_days: vec![0; nc],
            room_use: vec![0; nc * inst.rooms.len()],
            course_rooms: vec![0; nc],
            cpl: vec![0; inst.curricula.len() * (np + 2 * PAD)],
            day_edge: (0..np)
                .map(|p| {
                    let slot = p % inst.periods_per_day as usize;
                    let mut e = 0;
                    if slot == 0 {
                        e |= FIRST;
                    }
                    if slot + 1 == inst.periods_per_day as usize {
                        e |= LAST;
                    }
                    e
                })
                .collect(),
            cur_mask: if !campus && np <= 64 {
                vec![0; inst.curricula.len()]
            } else {
                Vec::new()
            },
            crowded: vec![0; inst.curricula.len()],
            first_mask: (0..np.min(64))
                .filter(|p| p % inst.periods_per_day as usize == 0)
                .fold(0, |m, p| m | 1 << p),
            last_mask: (0..np.min(64))
                .filter(|p| (p + 1) % inst.periods_per_day as usize == 0)
                .fold(0, |m, p| m | 1 << p),
            campus,
            w: *inst.weights(),
            occ: if campus { vec![0; nc * np] } else { Vec::new() },
            limited_curricula,
            limited_teachers,
            g_day: if campus {
                vec![0; inst.curricula.len() * nd]
            } else {
                Vec::new()
            },
            t_day: if campus {
                vec![0; inst.teachers.len() * nd]
            } else {
                Vec::new()
            },
            matched: if inst.has_reference() {
                vec![0; nc]
            } else {
                Vec::new()
            },
            lectures: inst.courses.iter().map(|c| c.lectures as i64).sum(),
            conflicts: 0,
            availability: 0,
            room_occupancy: 0,
            room_capacity: 0,
            mwd_days: inst.courses.iter().map(|c| c.min_working_days as i64).sum(),
            isolated: 0,
            extra_rooms: 0,
            placement: 0,
            dispreferred: 0,
            over_daily: 0,
            moved: 0,
        };
        for (i, &slot) in tt.slots().iter().enumerate() {
            if let Some((p, r)) = slot.get() {
                s.add(LectureId(i as u32), p, r);
            }
        }
        s
    }

    /// The instance being scored.
    pub fn instance(&self) -> &'a Instance {
        self.inst
    }

    /// The current timetable.
    pub fn timetable(&self) -> &Timetable {
        &self.tt
    }

    /// Gives the timetable back.
    pub fn into_timetable(self) -> Timetable {
        self.tt
    }

    /// The current score, component by component. Weighted in `i64` and converted by
    /// [`total`]: exact for every instance that loads.
    pub fn breakdown(&self) -> Breakdown {
        let w = &self.w;
        let weighted = |n: i64, weight: u32| total(n * weight as i64);
        Breakdown {
            lectures: total(self.lectures),
            conflicts: total(self.conflicts),
            availability: total(self.availability),
            room_occupancy: total(self.room_occupancy),
            placement: total(self.placement),
            room_capacity: weighted(self.room_capacity, w.room_capacity),
            min_working_days: weighted(self.mwd_days, w.min_working_days),
            curriculum_compactness: weighted(self.isolated, w.curriculum_compactness),
            room_stability: weighted(self.extra_rooms, w.room_stability),
            teacher_preference: weighted(self.dispreferred, w.teacher_preference),
            daily_limit: weighted(self.over_daily, w.daily_limit),
            changes: weighted(self.moved, w.changes),
        }
    }

    /// The current `(hard, soft)`.
    #[inline]
    pub fn cost(&self) -> Cost {
        if !self.campus {
            // A `.ctt` instance: UD2's weights, no campus component.
            return Cost {
                hard: total(
                    self.lectures + self.conflicts + self.availability + self.room_occupancy,
                ),
                soft: total(
                    self.room_capacity * weights::ROOM_CAPACITY as i64
                        + self.mwd_days * weights::MIN_WORKING_DAYS as i64
                        + self.isolated * weights::CURRICULUM_COMPACTNESS as i64
                        + self.extra_rooms * weights::ROOM_STABILITY as i64,
                ),
            };
        }
        let w = &self.w;
        Cost {
            hard: total(
                self.lectures
                    + self.conflicts
                    + self.availability
                    + self.room_occupancy
                    + self.placement,
            ),
            soft: total(
                self.room_capacity * w.room_capacity as i64
                    + self.mwd_days * w.min_working_days as i64
                    + self.isolated * w.curriculum_compactness as i64
                    + self.extra_rooms * w.room_stability as i64
                    + self.dispreferred * w.teacher_preference as i64
                    + self.over_daily * w.daily_limit as i64
                    + self.moved * w.changes as i64,
            ),
        }
    }

    /// True when course `c` has a lecture at (campus: occupying) `p`.
    #[inline]
    pub fn has_lecture(&self, c: CourseId, p: PeriodId) -> bool {
        self.present[p.idx()].contains(c.idx())
    }

    /// Courses conflicting with `c` that have a lecture at `p` (the clashes a lecture of
    /// `c` placed there would have).
    #[inline]
    pub fn clashes_at(&self, c: CourseId, p: PeriodId) -> usize {
        self.inst
            .conflict_set(c)
            .intersection_count(&self.present[p.idx()])
    }

    /// Lectures in room `r` at `p`.
    #[inline]
    pub fn room_load(&self, p: PeriodId, r: RoomId) -> u16 {
        self.room_count[p.idx() * self.inst.rooms.len() + r.idx()]
    }

    /// The lectures starting at period `p`, appended to `out` in room order, read from
    /// the room counters (a scan of the rooms, not of all lectures). `false`, with `out`
    /// unchanged, where the counters cannot say: on a campus (they count occupied
    /// periods, not starts) or when a room at `p` holds more than one lecture.
    pub fn lectures_at(&self, p: PeriodId, out: &mut Vec<LectureId>) -> bool {
        if self.campus {
            return false;
        }
        let nr = self.inst.rooms.len();
        let cells = p.idx() * nr..(p.idx() + 1) * nr;
        if self.room_count[cells.clone()].iter().any(|&n| n > 1) {
            return false;
        }
        out.extend(
            cells
                .filter(|&i| self.room_count[i] == 1)
                .map(|i| LectureId(self.room_xor[i])),
        );
        true
    }

    /// True when lecture `l` takes part in a hard violation: it clashes with a conflicting
    /// course, sits in an unavailable period, shares its room, or is unscheduled (campus:
    /// at any period it occupies, or it breaks a placement rule).
    pub fn in_hard_violation(&self, l: LectureId) -> bool {
        let c = self.tt.course(l);
        match self.tt.slot(l).get() {
            None => true,
            Some((p, r)) if !self.campus => {
                self.inst.is_unavailable(c, p)
                    || self.room_load(p, r) > 1
                    || self
                        .inst
                        .conflict_set(c)
                        .intersection_count(&self.present[p.idx()])
                        > 0
            }
            Some((p, r)) => {
                let np = self.inst.n_periods();
                self.placement_of(l, c, p, r) > 0
                    || occupied(self.inst, c, p).0.any(|q| {
                        let qq = PeriodId(q as u16);
                        self.inst.is_unavailable(c, qq)
                            || self.room_load(qq, r) > 1
                            || self.occ[c.idx() * np + q] > 1
                            || self
                                .inst
                                .conflict_set(c)
                                .intersection_count(&self.present[q])
                                > 0
                    })
            }
        }
    }

    /// The one lecture occupying room `r` at `p`, if exactly one is there (campus: a
    /// multi-period lecture occupies the room at each of its periods, not only its start).
    #[inline]
    pub fn occupant(&self, p: PeriodId, r: RoomId) -> Option<LectureId> {
        let i = p.idx() * self.inst.rooms.len() + r.idx();
        (self.room_count[i] == 1).then(|| LectureId(self.room_xor[i]))
    }

    /// Whether a solver may move `l` to `to`. Always keeps the one-lecture-per-course-per-
    /// period invariant; on a campus also: a pinned lecture stays where it is (it may only
    /// go to a slot that keeps its pin when it does not stand there yet, as after reading
    /// a file), a lecture starts only where it ends on the same day, in a room that suits
    /// its course and is open at every period it occupies, and never overlaps another
    /// lecture of its course.
    pub fn can_move(&self, l: LectureId, to: Slot) -> bool {
        if !self.campus {
            let Some((p, _)) = to.get() else { return true };
            return match self.tt.slot(l).get() {
                Some((q, _)) if q == p => true,
                _ => !self.has_lecture(self.tt.course(l), p),
            };
        }
        self.campus_can_move(l, to)
    }

    #[inline(never)]
    fn campus_can_move(&self, l: LectureId, to: Slot) -> bool {
        let from = self.tt.slot(l);
        if let Some(pin) = self.inst.pin_of(l.idx()) {
            let keeps = |s: Slot| {
                s.get().is_some_and(|(p, r)| {
                    pin.period.is_none_or(|pp| pp == p) && pin.room.is_none_or(|rr| rr == r)
                })
            };
            if to == from || keeps(from) || !keeps(to) {
                return to == from;
            }
        }
        self.fits(l, to)
    }

    /// Whether `l` could stand at `to` (campus rules) with its own current placement out
    /// of the way.
    fn fits(&self, l: LectureId, to: Slot) -> bool {
        let Some((p, r)) = to.get() else { return true };
        let inst = self.inst;
        let c = self.tt.course(l);
        if !inst.can_start(c, p) || !inst.room_suits(c, r) {
            return false;
        }
        let np = inst.n_periods();
        let mine = |x: LectureId, q: usize| {
            self.tt
                .slot(x)
                .get()
                .is_some_and(|(s, _)| occupied(inst, c, s).0.contains(&q)) as u16
        };
        occupied(inst, c, p).0.all(|q| {
            let own = mine(l, q);
            !inst.room_closed(r, PeriodId(q as u16)) && self.occ[c.idx() * np + q] == own
        })
    }

    /// Whether a solver may swap the slots of `a` and `b` (see [`Self::can_move`]).
    pub fn can_swap(&self, a: LectureId, b: LectureId) -> bool {
        let (ca, cb) = (self.tt.course(a), self.tt.course(b));
        if !self.campus {
            if ca == cb {
                return true;
            }
            let (sa, sb) = (self.tt.slot(a).get(), self.tt.slot(b).get());
            let pa = sa.map(|x| x.0);
            let pb = sb.map(|x| x.0);
            if pa == pb {
                return true;
            }
            return pb.is_none_or(|p| !self.has_lecture(ca, p))
                && pa.is_none_or(|p| !self.has_lecture(cb, p));
        }
        self.campus_can_swap(a, b)
    }

    #[inline(never)]
    fn campus_can_swap(&self, a: LectureId, b: LectureId) -> bool {
        let (ca, cb) = (self.tt.course(a), self.tt.course(b));
        let (sa, sb) = (self.tt.slot(a), self.tt.slot(b));
        if a == b || sa == sb {
            return true;
        }
        if self.inst.is_pinned(a.idx()) || self.inst.is_pinned(b.idx()) {
            return false;
        }
        if ca == cb {
            // Same course, no pin: the placements stay the same.
            return true;
        }
        self.fits(a, sb) && self.fits(b, sa)
    }

    /// Moves lecture `l` to `to` (a period and room, or unscheduled) and returns the
    /// change in cost. The caller checks [`Self::can_move`] first. On a campus the
    /// counters stay exact for any move (a timetable read from a file can be anything), so
    /// only the `.ctt` path asserts the invariant its bit sets need.
    pub fn move_lecture(&mut self, l: LectureId, to: Slot) -> (i64, i64) {
        debug_assert!(self.campus || self.can_move(l, to));
        let before = self.cost();
        if let Some((p, r)) = self.tt.slot(l).get() {
            self.remove(l, p, r);
        }
        if let Some((p, r)) = to.get() {
            self.add(l, p, r);
        }
        diff(before, self.cost())
    }

    /// Exchanges the slots of lectures `a` and `b` and returns the change in cost. The
    /// caller checks [`Self::can_swap`] first.
    pub fn swap(&mut self, a: LectureId, b: LectureId) -> (i64, i64) {
        debug_assert!(self.campus || self.can_swap(a, b));
        if a == b {
            return (0, 0);
        }
        let before = self.cost();
        let (sa, sb) = (self.tt.slot(a), self.tt.slot(b));
        if let Some((p, r)) = sa.get() {
            self.remove(a, p, r);
        }
        if let Some((p, r)) = sb.get() {
            self.remove(b, p, r);
        }
        if let Some((p, r)) = sb.get() {
            self.add(a, p, r);
        }
        if let Some((p, r)) = sa.get() {
            self.add(b, p, r);
        }
        diff(before, self.cost())
    }

    /// The change in cost moving `l` to `to` would make, leaving the state as it was.
    pub fn peek_move(&mut self, l: LectureId, to: Slot) -> (i64, i64) {
        let from = self.tt.slot(l);
        let d = self.move_lecture(l, to);
        self.move_lecture(l, from);
        d
    }

    /// The change in cost swapping `a` and `b` would make, leaving the state as it was.
    pub fn peek_swap(&mut self, a: LectureId, b: LectureId) -> (i64, i64) {
        let d = self.swap(a, b);
        self.swap(a, b);
        d
    }

    /// Isolated lectures of a curriculum whose occupied periods are `m`, each holding one.
    #[inline(always)]
    fn mask_isolated(&self, m: u64) -> i64 {
        self.mask_isolated_set(m).count_ones() as i64
    }

    /// The periods of `m` with no neighbour of the same day in `m`.
    #[inline(always)]
    fn mask_isolated_set(&self, m: u64) -> u64 {
        let prev = (m << 1) & !self.first_mask;
        let next = (m >> 1) & !self.last_mask;
        m & !prev & !next
    }

    /// Where curriculum `g`'s row of `cpl` starts: `cpl[row_base(g) + p]` is n(g, p).
    #[inline]
    fn row_base(&self, g: CurriculumId) -> usize {
        g.idx() * (self.inst.n_periods() + 2 * PAD) + PAD
    }

    /// Change in isolated curriculum lectures when `n(g, p)` goes up (`up`) or down by one,
    /// with the row as it is except that period `ovr.0` reads `ovr.1` if given (so a move's
    /// removal can be accounted for without mutating). Only `p` itself changes weight
    /// unless the entry appears or vanishes, in which case its neighbours' isolation may
    /// flip too. Same rule as [`super::score::is_isolated`], specialised with precomputed
    /// first/last-slot flags (this is the hottest code of the search).
    #[inline]
    fn isolated_change(&self, base: usize, p: usize, up: bool, ovr: Option<(usize, u16)>) -> i64 {
        let np = self.inst.n_periods();
        // A window of n(g, ·) over p-2..=p+2 (the padding reads 0 outside the week),
        // override applied.
        let mut w: [u16; 5] = self.cpl[base + p - PAD..base + p + PAD + 1]
            .try_into()
            .expect("a window of five");
        if let Some((q, v)) = ovr
            && q + 2 >= p
            && q <= p + 2
        {
            w[q + 2 - p] = v;
        }
        #[inline(always)]
        fn iso(edge: u8, prev: u16, next: u16) -> bool {
            (edge & FIRST != 0 && next == 0)
                || (edge & LAST != 0 && prev == 0)
                || (next == 0 && prev == 0)
        }
        let k = w[2];
        let iso_p = iso(self.day_edge[p], w[1], w[3]) as i64;
        let mut d = if up { iso_p } else { -iso_p };
        if (up && k == 0) || (!up && k == 1) {
            let (before, after) = if up { (0, 1) } else { (1, 0) };
            if p > 0 && w[1] > 0 {
                let e = self.day_edge[p - 1];
                d += w[1] as i64 * (iso(e, w[0], after) as i64 - iso(e, w[0], before) as i64);
            }
            if p + 1 < np && w[3] > 0 {
                let e = self.day_edge[p + 1];
                d += w[3] as i64 * (iso(e, after, w[4]) as i64 - iso(e, before, w[4]) as i64);
            }
        }
        d
    }

    /// The change in cost of moving scheduled lecture `l` to another (period, room),
    /// computed from the counters without touching them (most proposals of a search are
    /// rejected, so not applying them halves their cost). `None` when `l` is unscheduled
    /// or `to` is "unscheduled": use [`Self::peek_move`] then. The caller checks
    /// [`Self::can_move`].
    pub fn move_delta(&self, l: LectureId, to: Slot) -> Option<(i64, i64)> {
        let (p1, r1) = self.tt.slot(l).get()?;
        let (p2, r2) = to.get()?;
        if (p1, r1) == (p2, r2) {
            return Some((0, 0));
        }
        if self.campus {
            return Some(self.campus_move_delta(l, p1, r1, p2, r2));
        }
        let nr = self.inst.rooms.len();
        let (hard, soft) = self.ctt_delta(self.tt.course(l), p1, r1, p2, r2, None);
        let room = (self.room_count[p2.idx() * nr + r2.idx()] >= 1) as i64
            - (self.room_count[p1.idx() * nr + r1.idx()] >= 2) as i64;
        Some((hard + room, soft))
    }

    /// The change in cost of exchanging the slots of scheduled lectures `a` and `b`,
    /// computed from the counters without touching them (a swap applied and undone costs
    /// eight counter updates; most proposed swaps are rejected). `None` on a campus or
    /// when either lecture is unscheduled: use [`Self::peek_swap`] then. The caller checks
    /// [`Self::can_swap`].
    ///
    /// Why it is the sum of two moves: the courses differ, so their day, room and
    /// conflict counters are separate; room occupancy is unchanged (each slot keeps one
    /// occupant); a curriculum holding both courses keeps its per-period counts, so its
    /// isolated lectures do not change; and each move alone would count the other lecture
    /// as a clash at its new period although that lecture leaves it.
    pub fn swap_delta(&self, a: LectureId, b: LectureId) -> Option<(i64, i64)> {
        if self.campus {
            return None;
        }
        let (pa, ra) = self.tt.slot(a).get()?;
        let (pb, rb) = self.tt.slot(b).get()?;
        let (ca, cb) = (self.tt.course(a), self.tt.course(b));
        if ca == cb || a == b {
            return Some((0, 0));
        }
        let (ha, sa) = self.ctt_delta(ca, pa, ra, pb, rb, Some(cb));
        let (hb, sb) = self.ctt_delta(cb, pb, rb, pa, ra, Some(ca));
        let clash = if pa != pb && self.inst.in_conflict(ca, cb) {
            2
        } else {
            0
        };
        Some((ha + hb - clash, sa + sb))
    }

    /// The `.ctt` change in cost of moving one lecture of `c` from `(p1, r1)` to
    /// `(p2, r2)`, leaving out room occupancy (the callers differ there) and the
    /// compactness of curricula that also hold course `shared` (unchanged by a swap).
    #[inline]
    fn ctt_delta(
        &self,
        c: CourseId,
        p1: PeriodId,
        r1: RoomId,
        p2: PeriodId,
        r2: RoomId,
        shared: Option<CourseId>,
    ) -> (i64, i64) {
        let inst = self.inst;
        let ci = c.idx();
        let nr = inst.rooms.len();
        let mut hard = 0i64;
        let mut soft = 0i64;
        if p1 != p2 {
            let conf = inst.conflict_set(c);
            hard += conf.intersection_count(&self.present[p2.idx()]) as i64
                - conf.intersection_count(&self.present[p1.idx()]) as i64;
            hard += inst.is_unavailable(c, p2) as i64 - inst.is_unavailable(c, p1) as i64;
        }
        soft +=
            (inst.excess(c, r2) as i64 - inst.excess(c, r1) as i64) * weights::ROOM_CAPACITY as i64;
        let (d1, d2) = (inst.day_of(p1), inst.day_of(p2));
        if d1 != d2 {
            let nd = inst.days as usize;
            let days = self.course_days[ci] as i64;
            let new_days = days - (self.day_count[ci * nd + d1] == 1) as i64
                + (self.day_count[ci * nd + d2] == 0) as i64;
            let min = inst.courses[ci].min_working_days as i64;
            soft +=
                ((min - new_days).max(0) - (min - days).max(0)) * weights::MIN_WORKING_DAYS as i64;
        }
        if r1 != r2 {
            let rooms = self.course_rooms[ci] as i64;
            let new_rooms = rooms - (self.room_use[ci * nr + r1.idx()] == 1) as i64
                + (self.room_use[ci * nr + r2.idx()] == 0) as i64;
            soft += ((new_rooms - 1).max(0) - (rooms - 1).max(0)) * weights::ROOM_STABILITY as i64;
        }
        if p1 != p2 {
            let skip = shared.map_or(&[][..], |o| inst.curricula_of(o));
            let mut iso = 0;
            let (b1, b2) = (1u64 << (p1.idx() & 63), 1u64 << (p2.idx() & 63));
            // Both lists are in increasing order: walk `skip` alongside.
            let mut skip = skip.iter().peekable();
            for &g in inst.curricula_of(c) {
                while skip.next_if(|&&x| x < g).is_some() {}
                if skip.next_if_eq(&&g).is_some() {
                    continue;
                }
                if let Some(&m) = self.cur_mask.get(g.idx())
                    && self.crowded[g.idx()] == 0
                {
                    // Every period holds at most one lecture of `g`, `p1` one: after the
                    // move `p1` holds none and `p2` one, or two (a clash) if it had one.
                    let after = (m & !b1) | b2;
                    let isolated = self.mask_isolated_set(after);
                    let twice = m & b2 != 0 && isolated & b2 != 0;
                    iso += isolated.count_ones() as i64 + twice as i64 - self.mask_isolated(m);
                    continue;
                }
                let base = self.row_base(g);
                iso += self.isolated_change(base, p1.idx(), false, None);
                let reduced = self.cpl[base + p1.idx()] - 1;
                iso += self.isolated_change(base, p2.idx(), true, Some((p1.idx(), reduced)));
            }
            soft += iso * weights::CURRICULUM_COMPACTNESS as i64;
        }
        (hard, soft)
    }

    /// The hard placement violations of lecture `l` of `c` at `(p, r)` (`docs/RULES.md`).
    fn placement_of(&self, l: LectureId, c: CourseId, p: PeriodId, r: RoomId) -> i64 {
        let inst = self.inst;
        let (occ, clipped) = occupied(inst, c, p);
        let mut n = (!inst.room_suits(c, r)) as i64 + clipped as i64;
        for q in occ {
            n += inst.room_closed(r, PeriodId(q as u16)) as i64;
        }
        if let Some(pin) = inst.pin_of(l.idx())
            && (pin.period.is_some_and(|pp| pp != p) || pin.room.is_some_and(|rr| rr != r))
        {
            n += 1;
        }
        n
    }

    /// Placed lectures of course `c` at `slot`, leaving out lecture `skip`.
    fn placed_at(&self, c: CourseId, slot: Slot, skip: LectureId) -> usize {
        let extra = self.inst.n_lectures()..self.tt.len();
        self.inst
            .lectures_of(c)
            .chain(extra.filter(|&x| self.tt.course(LectureId(x as u32)) == c))
            .filter(|&x| x != skip.idx() && self.tt.slot(LectureId(x as u32)) == slot)
            .count()
    }

    /// Reference slots of course `c` equal to `slot`.
    fn reference_at(&self, c: CourseId, slot: Slot) -> usize {
        let refs = self.inst.reference_of(c).unwrap_or(&[]);
        let lo = refs.partition_point(|&s| s < slot);
        refs[lo..].iter().take_while(|&&s| s == slot).count()
    }

    /// Adds (`up`) or removes lecture `l` at `(p, r)` on a campus: every occupied period,
    /// then the per-lecture and per-start counters.
    // Kept out of line so the `.ctt` hot path (`add`/`remove`) stays small.
    #[inline(never)]
    fn campus_update(&mut self, l: LectureId, p: PeriodId, r: RoomId, up: bool) {
        let inst = self.inst;
        let c = self.tt.course(l);
        let ci = c.idx();
        let np = inst.n_periods();
        let nr = inst.rooms.len();
        let nd = inst.days as usize;
        let sign: i64 = if up { 1 } else { -1 };
        let need = inst.courses[ci].lectures as i64;
        let n = self.course_count[ci] as i64;

        // Changes: the multiset match of placed slots with the reference slots.
        if inst.has_reference() {
            let slot = Slot::at(p, r);
            let refs = inst.reference_of(c).map_or(0, |x| x.len()) as i64;
            let here = self.placed_at(c, slot, l);
            let hit = here < self.reference_at(c, slot);
            let m = self.matched[ci] as i64;
            let (n2, m2) = (n + sign, m + if hit { sign } else { 0 });
            self.moved += (n2.min(refs) - m2) - (n.min(refs) - m);
            self.matched[ci] = m2 as u16;
        }
        self.lectures += (n + sign - need).abs() - (n - need).abs();
        self.course_count[ci] = (n + sign) as u16;
        self.placement += sign * self.placement_of(l, c, p, r);
        self.room_capacity += sign * inst.excess(c, r) as i64;

        for q in occupied(inst, c, p).0 {
            let k = &mut self.occ[ci * np + q];
            if up {
                *k += 1;
                if *k == 1 {
                    self.conflicts +=
                        inst.conflict_set(c).intersection_count(&self.present[q]) as i64;
                    self.present[q].insert(ci);
                } else {
                    self.conflicts += 1;
                }
            } else {
                *k -= 1;
                if *k == 0 {
                    self.present[q].remove(ci);
                    self.conflicts -=
                        inst.conflict_set(c).intersection_count(&self.present[q]) as i64;
                } else {
                    self.conflicts -= 1;
                }
            }
            let qq = PeriodId(q as u16);
            if inst.is_unavailable(c, qq) {
                self.availability += sign;
            }
            self.dispreferred += sign * inst.dispreferred(c, qq) as i64;
            let cell = q * nr + r.idx();
            if up {
                if self.room_count[cell] > 0 {
                    self.room_occupancy += 1;
                }
                self.room_count[cell] += 1;
            } else {
                self.room_count[cell] -= 1;
                if self.room_count[cell] > 0 {
                    self.room_occupancy -= 1;
                }
            }
            self.room_xor[cell] ^= l.0;
            for &g in inst.curricula_of(c) {
                let base = self.row_base(g);
                self.isolated += self.isolated_change(base, q, up, None);
                if up {
                    self.cpl[base + q] += 1;
                } else {
                    self.cpl[base + q] -= 1;
                }
            }
        }

        let d = inst.day_of(p);
        let dc = &mut self.day_count[ci * nd + d];
        let min = inst.courses[ci].min_working_days as i64;
        let days = self.course_days[ci] as i64;
        if up {
            *dc += 1;
            if *dc == 1 {
                self.mwd_days += (min - days - 1).max(0) - (min - days).max(0);
                self.course_days[ci] += 1;
            }
        } else {
            *dc -= 1;
            if *dc == 0 {
                self.mwd_days += (min - days + 1).max(0) - (min - days).max(0);
                self.course_days[ci] -= 1;
            }
        }
        let ru = &mut self.room_use[ci * nr + r.idx()];
        if up {
            *ru += 1;
            if *ru == 1 {
                if self.course_rooms[ci] > 0 {
                    self.extra_rooms += 1;
                }
                self.course_rooms[ci] += 1;
            }
        } else {
            *ru -= 1;
            if *ru == 0 {
                self.course_rooms[ci] -= 1;
                if self.course_rooms[ci] > 0 {
                    self.extra_rooms -= 1;
                }
            }
        }

        for &g in &self.limited_curricula[ci] {
            let max = inst.curriculum_max_daily(CurriculumId(g)).unwrap_or(0) as i64;
            let k = &mut self.g_day[g as usize * nd + d];
            let before = (*k as i64 - max).max(0);
            *k = (*k as i64 + sign) as u16;
            self.over_daily += (*k as i64 - max).max(0) - before;
        }
        for &t in &self.limited_teachers[ci] {
            let max = inst
                .teacher_max_daily(crate::model::TeacherId(t))
                .unwrap_or(0) as i64;
            let k = &mut self.t_day[t as usize * nd + d];
            let before = (*k as i64 - max).max(0);
            *k = (*k as i64 + sign) as u16;
            self.over_daily += (*k as i64 - max).max(0) - before;
        }
        self.tt.set(
            l,
            if up {
                Slot::at(p, r)
            } else {
                Slot::UNSCHEDULED
            },
        );
    }

    /// [`Self::move_delta`] on a campus: every component, from the counters, for the
    /// occupied periods of both placements (they may overlap).
    #[inline(never)]
    fn campus_move_delta(
        &self,
        l: LectureId,
        p1: PeriodId,
        r1: RoomId,
        p2: PeriodId,
        r2: RoomId,
    ) -> (i64, i64) {
        let inst = self.inst;
        let c = self.tt.course(l);
        let ci = c.idx();
        let np = inst.n_periods();
        let nr = inst.rooms.len();
        let nd = inst.days as usize;
        let w = &self.w;
        let old = occupied(inst, c, p1).0;
        let new = occupied(inst, c, p2).0;
        let conf = inst.conflict_set(c);
        let others = |q: usize| conf.intersection_count(&self.present[q]) as i64;

        let mut hard = self.placement_of(l, c, p2, r2) - self.placement_of(l, c, p1, r1);
        let mut pref = 0i64;
        for q in old.clone() {
            let k = self.occ[ci * np + q];
            hard -= if k == 1 { others(q) } else { 1 };
            let qq = PeriodId(q as u16);
            hard -= inst.is_unavailable(c, qq) as i64;
            hard -= (self.room_count[q * nr + r1.idx()] >= 2) as i64;
            pref -= inst.dispreferred(c, qq) as i64;
        }
        for q in new.clone() {
            let k = self.occ[ci * np + q] - old.contains(&q) as u16;
            hard += if k == 0 { others(q) } else { 1 };
            let qq = PeriodId(q as u16);
            hard += inst.is_unavailable(c, qq) as i64;
            let rc = self.room_count[q * nr + r2.idx()] - (r1 == r2 && old.contains(&q)) as u16;
            hard += (rc >= 1) as i64;
            pref += inst.dispreferred(c, qq) as i64;
        }

        let mut soft = pref * w.teacher_preference as i64
            + (inst.excess(c, r2) as i64 - inst.excess(c, r1) as i64) * w.room_capacity as i64;
        let (d1, d2) = (inst.day_of(p1), inst.day_of(p2));
        if d1 != d2 {
            let days = self.course_days[ci] as i64;
            let new_days = days - (self.day_count[ci * nd + d1] == 1) as i64
                + (self.day_count[ci * nd + d2] == 0) as i64;
            let min = inst.courses[ci].min_working_days as i64;
            soft += ((min - new_days).max(0) - (min - days).max(0)) * w.min_working_days as i64;
            let shift = |k1: i64, k2: i64, max: i64| {
                (k1 - 1 - max).max(0) - (k1 - max).max(0) + (k2 + 1 - max).max(0)
                    - (k2 - max).max(0)
            };
            let mut over = 0;
            for &g in &self.limited_curricula[ci] {
                let max = inst.curriculum_max_daily(CurriculumId(g)).unwrap_or(0);
                let row = g as usize * nd;
                over += shift(
                    self.g_day[row + d1] as i64,
                    self.g_day[row + d2] as i64,
                    max as i64,
                );
            }
            for &t in &self.limited_teachers[ci] {
                let max = inst
                    .teacher_max_daily(crate::model::TeacherId(t))
                    .unwrap_or(0);
                let row = t as usize * nd;
                over += shift(
                    self.t_day[row + d1] as i64,
                    self.t_day[row + d2] as i64,
                    max as i64,
                );
            }
            soft += over * w.daily_limit as i64;
        }
        if r1 != r2 {
            let rooms = self.course_rooms[ci] as i64;
            let new_rooms = rooms - (self.room_use[ci * nr + r1.idx()] == 1) as i64
                + (self.room_use[ci * nr + r2.idx()] == 0) as i64;
            soft += ((new_rooms - 1).max(0) - (rooms - 1).max(0)) * w.room_stability as i64;
        }
        if inst.has_reference() {
            let (s1, s2) = (Slot::at(p1, r1), Slot::at(p2, r2));
            // Leaving s1 loses a match if the others at s1 no longer exceed its references;
            // arriving at s2 gains one if the others there fall short of them.
            let lost = self.placed_at(c, s1, l) < self.reference_at(c, s1);
            let won = self.placed_at(c, s2, l) < self.reference_at(c, s2);
            soft += (lost as i64 - won as i64) * w.changes as i64;
        }
        if p1 != p2 && !inst.curricula_of(c).is_empty() {
            // Compactness over the periods next to either placement, before and after.
            let mut change: Vec<(usize, i32)> = Vec::with_capacity(8);
            old.clone().for_each(|q| change.push((q, -1)));
            new.clone().for_each(|q| change.push((q, 1)));
            let mut around: Vec<usize> = Vec::with_capacity(24);
            for &(q, _) in &change {
                around.extend(
                    [q.wrapping_sub(1), q, q + 1]
                        .into_iter()
                        .filter(|&x| x < np),
                );
            }
            around.sort_unstable();
            around.dedup();
            let ppd = inst.periods_per_day as usize;
            let mut iso = 0i64;
            for &g in inst.curricula_of(c) {
                let b = self.row_base(g);
                let row = &self.cpl[b..b + np];
                let after = |q: usize| {
                    (row[q] as i32
                        + change
                            .iter()
                            .filter(|&&(x, _)| x == q)
                            .map(|&(_, d)| d)
                            .sum::<i32>()) as u32
                };
                let before = |q: usize| row[q] as u32;
                for &q in &around {
                    let (b, a) = (before(q), after(q));
                    if b > 0 && super::score::is_isolated(before, q, ppd, np) {
                        iso -= b as i64;
                    }
                    if a > 0 && super::score::is_isolated(after, q, ppd, np) {
                        iso += a as i64;
                    }
                }
            }
            soft += iso * w.curriculum_compactness as i64;
        }
        (hard, soft)
    }

    fn add(&mut self, l: LectureId, p: PeriodId, r: RoomId) {
        if self.campus {
            return self.campus_update(l, p, r, true);
        }
        let inst = self.inst;
        let c = self.tt.course(l);
        let ci = c.idx();
        let need = inst.courses[ci].lectures as i64;
        let n = self.course_count[ci] as i64;
        self.lectures += (n + 1 - need).abs() - (n - need).abs();
        self.course_count[ci] += 1;

        self.conflicts += inst
            .conflict_set(c)
            .intersection_count(&self.present[p.idx()]) as i64;
        self.present[p.idx()].insert(ci);

        if inst.is_unavailable(c, p) {
            self.availability += 1;
        }
        let nr = inst.rooms.len();
        let rc = &mut self.room_count[p.idx() * nr + r.idx()];
        if *rc > 0 {
            self.room_occupancy += 1;
        }
        *rc += 1;
        self.room_xor[p.idx() * nr + r.idx()] ^= l.0;

        self.room_capacity += inst.excess(c, r) as i64;

        let d = inst.day_of(p);
        let dc = &mut self.day_count[ci * inst.days as usize + d];
        *dc += 1;
        if *dc == 1 {
            let min = inst.courses[ci].min_working_days as i64;
            let days = self.course_days[ci] as i64;
            self.mwd_days += (min - days - 1).max(0) - (min - days).max(0);
            self.course_days[ci] += 1;
        }

        let ru = &mut self.room_use[ci * nr + r.idx()];
        *ru += 1;
        if *ru == 1 {
            if self.course_rooms[ci] > 0 {
                self.extra_rooms += 1;
            }
            self.course_rooms[ci] += 1;
        }

        for &g in inst.curricula_of(c) {
            let base = self.row_base(g);
            self.isolated += self.isolated_change(base, p.idx(), true, None);
            self.cpl[base + p.idx()] += 1;
            match self.cpl[base + p.idx()] {
                1 => {
                    if let Some(m) = self.cur_mask.get_mut(g.idx()) {
                        *m |= 1 << p.idx();
                    }
                }
                2 => self.crowded[g.idx()] += 1,
                _ => {}
            }
        }
        self.tt.set(l, Slot::at(p, r));
    }

    fn remove(&mut self, l: LectureId, p: PeriodId, r: RoomId) {
        if self.campus {
            return self.campus_update(l, p, r, false);
        }
        let inst = self.inst;
        let c = self.tt.course(l);
        let ci = c.idx();
        let need = inst.courses[ci].lectures as i64;
        let n = self.course_count[ci] as i64;
        self.lectures += (n - 1 - need).abs() - (n - need).abs();
        self.course_count[ci] -= 1;

        self.present[p.idx()].remove(ci);
        self.conflicts -= inst
            .conflict_set(c)
            .intersection_count(&self.present[p.idx()]) as i64;

        if inst.is_unavailable(c, p) {
            self.availability -= 1;
        }
        let nr = inst.rooms.len();
        let rc = &mut self.room_count[p.idx() * nr + r.idx()];
        *rc -= 1;
        if *rc > 0 {
            self.room_occupancy -= 1;
        }
        self.room_xor[p.idx() * nr + r.idx()] ^= l.0;

        self.room_capacity -= inst.excess(c, r) as i64;

        let d = inst.day_of(p);
        let dc = &mut self.day_count[ci * inst.days as usize + d];
        *dc -= 1;
        if *dc == 0 {
            let min = inst.courses[ci].min_working_days as i64;
            let days = self.course_days[ci] as i64;
            self.mwd_days += (min - days + 1).max(0) - (min - days).max(0);
            self.course_days[ci] -= 1;
        }

        let ru = &mut self.room_use[ci * nr + r.idx()];
        *ru -= 1;
        if *ru == 0 {
            self.course_rooms[ci] -= 1;
            if self.course_rooms[ci] > 0 {
                self.extra_rooms -= 1;
            }
        }

        for &g in inst.curricula_of(c) {
            let base = self.row_base(g);
            self.isolated += self.isolated_change(base, p.idx(), false, None);
            self.cpl[base + p.idx()] -= 1;
            match self.cpl[base + p.idx()] {
                0 => {
                    if let Some(m) = self.cur_mask.get_mut(g.idx()) {
                        *m &= !(1 << p.idx());
                    }
                }
                1 => self.crowded[g.idx()] -= 1,
                _ => {}
            }
        }
        self.tt.set(l, Slot::UNSCHEDULED);
    }
}

fn diff(before: Cost, after: Cost) -> (i64, i64) {
    (
        after.hard as i64 - before.hard as i64,
        after.soft as i64 - before.soft as i64,
    )
}
