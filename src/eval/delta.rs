//! Incremental (delta) evaluation. [`IncrementalState`] owns a timetable plus the counters
//! every UD2 component is a function of, and keeps the score current as lectures move. A
//! move costs time proportional to what it touches (the moved course's conflict row, its
//! curricula, one room and one day), never to the size of the instance.
//!
//! The counters are kept unweighted where a weight applies, so removal exactly undoes an
//! addition and `IncrementalState::breakdown()` always equals a full re-evaluation; the
//! property tests hold it to that.

use super::score::{Breakdown, Cost, weights};
use crate::model::{BitSet, CourseId, Instance, LectureId, PeriodId, RoomId, Slot, Timetable};

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
    /// Lectures per (curriculum, period).
    cpl: Vec<u16>,
    /// Per period: [`FIRST`] if it opens its day, [`LAST`] if it closes it.
    day_edge: Vec<u8>,
    /// Running totals; soft parts unweighted (see `breakdown`).
    lectures: i64,
    conflicts: i64,
    availability: i64,
    room_occupancy: i64,
    room_capacity: i64,
    mwd_days: i64,
    isolated: i64,
    extra_rooms: i64,
}

impl<'a> IncrementalState<'a> {
    /// Builds the counters for `tt` (which must keep the one-lecture-per-course-per-period
    /// invariant: see [`Timetable`]).
    pub fn new(inst: &'a Instance, tt: Timetable) -> Self {
        let nc = inst.courses.len();
        let np = inst.n_periods();
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
            cpl: vec![0; inst.curricula.len() * np],
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
            lectures: inst.courses.iter().map(|c| c.lectures as i64).sum(),
            conflicts: 0,
            availability: 0,
            room_occupancy: 0,
            room_capacity: 0,
            mwd_days: inst.courses.iter().map(|c| c.min_working_days as i64).sum(),
            isolated: 0,
            extra_rooms: 0,
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

    /// The current score, component by component.
    pub fn breakdown(&self) -> Breakdown {
        Breakdown {
            lectures: self.lectures as u32,
            conflicts: self.conflicts as u32,
            availability: self.availability as u32,
            room_occupancy: self.room_occupancy as u32,
            room_capacity: self.room_capacity as u32 * weights::ROOM_CAPACITY,
            min_working_days: self.mwd_days as u32 * weights::MIN_WORKING_DAYS,
            curriculum_compactness: self.isolated as u32 * weights::CURRICULUM_COMPACTNESS,
            room_stability: self.extra_rooms as u32 * weights::ROOM_STABILITY,
        }
    }

    /// The current `(hard, soft)`.
    #[inline]
    pub fn cost(&self) -> Cost {
        Cost {
            hard: (self.lectures + self.conflicts + self.availability + self.room_occupancy) as u32,
            soft: (self.room_capacity * weights::ROOM_CAPACITY as i64
                + self.mwd_days * weights::MIN_WORKING_DAYS as i64
                + self.isolated * weights::CURRICULUM_COMPACTNESS as i64
                + self.extra_rooms * weights::ROOM_STABILITY as i64) as u32,
        }
    }

    /// True when course `c` has a lecture at `p`.
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

    /// True when lecture `l` takes part in a hard violation: it clashes with a conflicting
    /// course, sits in an unavailable period, shares its room, or is unscheduled.
    pub fn in_hard_violation(&self, l: LectureId) -> bool {
        let c = self.tt.course(l);
        match self.tt.slot(l).get() {
            None => true,
            Some((p, r)) => {
                self.inst.is_unavailable(c, p)
                    || self.room_load(p, r) > 1
                    || self
                        .inst
                        .conflict_set(c)
                        .intersection_count(&self.present[p.idx()])
                        > 0
            }
        }
    }

    /// The one lecture in room `r` at `p`, if exactly one is there.
    #[inline]
    pub fn occupant(&self, p: PeriodId, r: RoomId) -> Option<LectureId> {
        let i = p.idx() * self.inst.rooms.len() + r.idx();
        (self.room_count[i] == 1).then(|| LectureId(self.room_xor[i]))
    }

    /// Whether moving `l` to `to` keeps the one-lecture-per-course-per-period invariant.
    pub fn can_move(&self, l: LectureId, to: Slot) -> bool {
        let Some((p, _)) = to.get() else { return true };
        match self.tt.slot(l).get() {
            Some((q, _)) if q == p => true,
            _ => !self.has_lecture(self.tt.course(l), p),
        }
    }

    /// Whether swapping the slots of `a` and `b` keeps the invariant.
    pub fn can_swap(&self, a: LectureId, b: LectureId) -> bool {
        let (ca, cb) = (self.tt.course(a), self.tt.course(b));
        if ca == cb {
            return true;
        }
        let (sa, sb) = (self.tt.slot(a).get(), self.tt.slot(b).get());
        let pa = sa.map(|x| x.0);
        let pb = sb.map(|x| x.0);
        if pa == pb {
            return true;
        }
        pb.is_none_or(|p| !self.has_lecture(ca, p)) && pa.is_none_or(|p| !self.has_lecture(cb, p))
    }

    /// Moves lecture `l` to `to` (a period and room, or unscheduled) and returns the
    /// change in cost. The caller checks [`Self::can_move`] first.
    pub fn move_lecture(&mut self, l: LectureId, to: Slot) -> (i64, i64) {
        debug_assert!(self.can_move(l, to));
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
        debug_assert!(self.can_swap(a, b));
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

    /// Change in isolated curriculum lectures when `n(g, p)` goes up (`up`) or down by one,
    /// with the row as it is except that period `ovr.0` reads `ovr.1` if given (so a move's
    /// removal can be accounted for without mutating). Only `p` itself changes weight
    /// unless the entry appears or vanishes, in which case its neighbours' isolation may
    /// flip too. Same rule as [`super::score::is_isolated`], specialised with precomputed
    /// first/last-slot flags (this is the hottest code of the search).
    #[inline]
    fn isolated_change(&self, base: usize, p: usize, up: bool, ovr: Option<(usize, u16)>) -> i64 {
        let np = self.inst.n_periods();
        let row = &self.cpl[base..base + np];
        // A window of n(g, ·) over p-2..=p+2 (0 outside the week), override applied.
        let mut w = [0u16; 5];
        for (i, slot) in w.iter_mut().enumerate() {
            let q = p + i;
            if q >= 2 && q - 2 < np {
                *slot = row[q - 2];
            }
        }
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
        let inst = self.inst;
        let c = self.tt.course(l);
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
        hard += (self.room_count[p2.idx() * nr + r2.idx()] >= 1) as i64
            - (self.room_count[p1.idx() * nr + r1.idx()] >= 2) as i64;
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
            let np = inst.n_periods();
            let mut iso = 0;
            for &g in inst.curricula_of(c) {
                let base = g.idx() * np;
                iso += self.isolated_change(base, p1.idx(), false, None);
                let reduced = self.cpl[base + p1.idx()] - 1;
                iso += self.isolated_change(base, p2.idx(), true, Some((p1.idx(), reduced)));
            }
            soft += iso * weights::CURRICULUM_COMPACTNESS as i64;
        }
        Some((hard, soft))
    }

    fn add(&mut self, l: LectureId, p: PeriodId, r: RoomId) {
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

        let np = inst.n_periods();
        for &g in inst.curricula_of(c) {
            let base = g.idx() * np;
            self.isolated += self.isolated_change(base, p.idx(), true, None);
            self.cpl[base + p.idx()] += 1;
        }
        self.tt.set(l, Slot::at(p, r));
    }

    fn remove(&mut self, l: LectureId, p: PeriodId, r: RoomId) {
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

        let np = inst.n_periods();
        for &g in inst.curricula_of(c) {
            let base = g.idx() * np;
            self.isolated += self.isolated_change(base, p.idx(), false, None);
            self.cpl[base + p.idx()] -= 1;
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
