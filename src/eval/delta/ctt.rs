//! The `.ctt` fast path of [`IncrementalState`]: adding and removing a lecture of a
//! duration-1 course, and the change a move or swap would make, from bit sets and
//! per-curriculum period masks. A campus instance never reaches these (`add`/`remove` hand
//! it to `campus_update`).

use super::{FIRST, IncrementalState, LAST, PAD};
use crate::eval::score::weights;
use crate::model::{CourseId, CurriculumId, LectureId, PeriodId, RoomId, Slot};

impl IncrementalState<'_> {
    /// Isolated lectures of a curriculum whose occupied periods are `m`, each holding one.
    #[inline(always)]
    pub(super) fn mask_isolated(&self, m: u64) -> i64 {
        self.mask_isolated_set(m).count_ones() as i64
    }

    /// The periods of `m` with no neighbour of the same day in `m`.
    #[inline(always)]
    pub(super) fn mask_isolated_set(&self, m: u64) -> u64 {
        let prev = (m << 1) & !self.first_mask;
        let next = (m >> 1) & !self.last_mask;
        m & !prev & !next
    }

    /// Where curriculum `g`'s row of `cpl` starts: `cpl[row_base(g) + p]` is n(g, p).
    #[inline]
    pub(super) fn row_base(&self, g: CurriculumId) -> usize {
        g.idx() * (self.inst.n_periods() + 2 * PAD) + PAD
    }

    /// Change in isolated curriculum lectures when `n(g, p)` goes up (`up`) or down by one,
    /// with the row as it is except that period `ovr.0` reads `ovr.1` if given (so a move's
    /// removal can be accounted for without mutating). Only `p` itself changes weight
    /// unless the entry appears or vanishes, in which case its neighbours' isolation may
    /// flip too. Same rule as [`crate::eval::score::is_isolated`], specialised with precomputed
    /// first/last-slot flags (this is the hottest code of the search).
    #[inline]
    pub(super) fn isolated_change(
        &self,
        base: usize,
        p: usize,
        up: bool,
        ovr: Option<(usize, u16)>,
    ) -> i64 {
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

    /// The `.ctt` change in cost of moving one lecture of `c` from `(p1, r1)` to
    /// `(p2, r2)`, leaving out room occupancy (the callers differ there) and the
    /// compactness of curricula that also hold course `shared` (unchanged by a swap).
    #[inline]
    pub(super) fn ctt_delta(
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

    pub(super) fn add(&mut self, l: LectureId, p: PeriodId, r: RoomId) {
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

    pub(super) fn remove(&mut self, l: LectureId, p: PeriodId, r: RoomId) {
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
