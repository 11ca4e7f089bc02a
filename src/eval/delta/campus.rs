//! The campus path of [`IncrementalState`]: lectures of any duration update every period
//! they occupy, occupancy is counted per (course, period), and the campus components
//! (placement, teacher preferences, daily maxima, changes) have their own counters. Kept
//! apart (and out of line) so the `.ctt` hot path stays small.

use super::IncrementalState;
use crate::eval::full::occupied;
use crate::model::{CourseId, CurriculumId, LectureId, PeriodId, RoomId, Slot};

impl IncrementalState<'_> {
    #[inline(never)]
    pub(super) fn campus_can_move(&self, l: LectureId, to: Slot) -> bool {
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
    pub(super) fn fits(&self, l: LectureId, to: Slot) -> bool {
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

    #[inline(never)]
    pub(super) fn campus_can_swap(&self, a: LectureId, b: LectureId) -> bool {
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

    /// The hard placement violations of lecture `l` of `c` at `(p, r)` (`docs/RULES.md`).
    pub(super) fn placement_of(&self, l: LectureId, c: CourseId, p: PeriodId, r: RoomId) -> i64 {
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
    pub(super) fn placed_at(&self, c: CourseId, slot: Slot, skip: LectureId) -> usize {
        let extra = self.inst.n_lectures()..self.tt.len();
        self.inst
            .lectures_of(c)
            .chain(extra.filter(|&x| self.tt.course(LectureId(x as u32)) == c))
            .filter(|&x| x != skip.idx() && self.tt.slot(LectureId(x as u32)) == slot)
            .count()
    }

    /// Reference slots of course `c` equal to `slot`.
    pub(super) fn reference_at(&self, c: CourseId, slot: Slot) -> usize {
        let refs = self.inst.reference_of(c).unwrap_or(&[]);
        let lo = refs.partition_point(|&s| s < slot);
        refs[lo..].iter().take_while(|&&s| s == slot).count()
    }

    /// Adds (`up`) or removes lecture `l` at `(p, r)` on a campus: every occupied period,
    /// then the per-lecture and per-start counters.
    // Kept out of line so the `.ctt` hot path (`add`/`remove`) stays small.
    #[inline(never)]
    pub(super) fn campus_update(&mut self, l: LectureId, p: PeriodId, r: RoomId, up: bool) {
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
    pub(super) fn campus_move_delta(
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
                    if b > 0 && crate::eval::score::is_isolated(before, q, ppd, np) {
                        iso -= b as i64;
                    }
                    if a > 0 && crate::eval::score::is_isolated(after, q, ppd, np) {
                        iso += a as i64;
                    }
                }
            }
            soft += iso * w.curriculum_compactness as i64;
        }
        (hard, soft)
    }
}
