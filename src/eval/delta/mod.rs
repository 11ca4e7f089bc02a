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
//!
//! `mod.rs` holds the state and what both paths share (construction, queries, the rules a
//! solver's moves obey, applying a move or swap); `ctt.rs` the `.ctt` fast path;
//! `campus.rs` the campus path.

mod campus;
mod ctt;

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
    /// the room counters (a scan of the rooms, not of all lectures: a Kempe chain on a
    /// campus of 14,000 lectures scanned them all). `false`, with `out` unchanged, where
    /// the counters cannot say: when a room at `p` holds more than one lecture. On a
    /// campus the counters count every period a lecture occupies, so an occupant that
    /// started earlier is left out.
    pub fn lectures_at(&self, p: PeriodId, out: &mut Vec<LectureId>) -> bool {
        let nr = self.inst.rooms.len();
        let cells = p.idx() * nr..(p.idx() + 1) * nr;
        if self.room_count[cells.clone()].iter().any(|&n| n > 1) {
            return false;
        }
        let occupants = cells
            .filter(|&i| self.room_count[i] == 1)
            .map(|i| LectureId(self.room_xor[i]));
        if self.campus {
            out.extend(occupants.filter(|&l| self.tt.slot(l).get().is_some_and(|(q, _)| q == p)));
        } else {
            out.extend(occupants);
        }
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

    /// The periods next to (same day) a period holding a lecture of curriculum `g` that
    /// hold none of its lectures themselves, as a bit mask: where another lecture of `g`
    /// would not be isolated. `None` where the state keeps no period masks (campus
    /// instances, more than 64 periods).
    pub fn compact_targets(&self, g: CurriculumId) -> Option<u64> {
        let &m = self.cur_mask.get(g.idx())?;
        let np = self.inst.n_periods();
        let valid = if np >= 64 { u64::MAX } else { (1u64 << np) - 1 };
        let after = (m << 1) & !self.first_mask;
        let before = (m >> 1) & !self.last_mask;
        Some((after | before) & !m & valid)
    }

    /// Where a move of `l` would add a working day to its course: the days (bit `d` for
    /// day `d`, at most 64) with no lecture of the course, when the course is taught on
    /// fewer days than its minimum and `l` shares its day with another of its lectures;
    /// otherwise 0 (moving `l` could not raise the day count).
    pub fn spread_days(&self, l: LectureId) -> u64 {
        let inst = self.inst;
        let nd = inst.days as usize;
        let Some((p, _)) = self.tt.slot(l).get() else {
            return 0;
        };
        let ci = self.tt.course(l).idx();
        if nd > 64
            || self.course_days[ci] >= inst.courses[ci].min_working_days
            || self.day_count[ci * nd + inst.day_of(p)] < 2
        {
            return 0;
        }
        let row = &self.day_count[ci * nd..(ci + 1) * nd];
        row.iter()
            .enumerate()
            .filter(|&(_, &n)| n == 0)
            .fold(0, |m, (d, _)| m | 1 << d)
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
}

fn diff(before: Cost, after: Cost) -> (i64, i64) {
    (
        after.hard as i64 - before.hard as i64,
        after.soft as i64 - before.soft as i64,
    )
}
