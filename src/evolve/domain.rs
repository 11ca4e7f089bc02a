//! The domain of a lecture: the (period, room) places the instance itself allows, before
//! any clash is counted. docs/RULES.md promises that no solver stage ever puts a lecture
//! outside it — a lecture starts only where its `duration` periods fit in the day, in a
//! room that suits its course and is open over every period it occupies, never overlapping
//! another lecture of its own course, and a pinned lecture never leaves its pin.
//!
//! The delta evaluator's `can_move`/`can_swap` answer the same question for a state; these
//! helpers answer it for a bare [`Timetable`] (construction, random timetables, mutation,
//! crossover, the start of a re-solve), where no incremental state exists. For a `.ctt`
//! instance every check is trivially true, so the operators behave exactly as before.

use crate::model::{CourseId, Instance, LectureId, PeriodId, Pin, RoomId, Slot, Timetable};

/// True when `slot` is where `pin` says (its period and/or its room).
#[inline]
pub fn fits_pin(pin: Pin, slot: Slot) -> bool {
    match slot.get() {
        None => false,
        Some((p, r)) => pin.period.is_none_or(|q| q == p) && pin.room.is_none_or(|s| s == r),
    }
}

/// True when room `r` suits course `c` and is open over every period a lecture of `c`
/// starting at `p` occupies. Assumes [`Instance::can_start`]`(c, p)`.
#[inline]
pub fn room_open(inst: &Instance, c: CourseId, r: RoomId, p: PeriodId) -> bool {
    inst.room_suits(c, r) && (0..inst.duration(c)).all(|k| !inst.room_closed(r, PeriodId(p.0 + k)))
}

/// True when a lecture of `c` may be at `(p, r)` as far as the instance says: it fits in
/// the day, and the room suits and is open throughout.
#[inline]
pub fn place_ok(inst: &Instance, c: CourseId, p: PeriodId, r: RoomId) -> bool {
    p.idx() < inst.n_periods()
        && r.idx() < inst.rooms.len()
        && inst.can_start(c, p)
        && room_open(inst, c, r, p)
}

/// True when two lectures of course `c` starting at `p` and `q` would occupy a common
/// period (same day, starts closer than the duration).
#[inline]
pub fn overlaps(inst: &Instance, c: CourseId, p: PeriodId, q: PeriodId) -> bool {
    let d = inst.duration(c) as usize;
    inst.day_of(p) == inst.day_of(q) && p.idx().abs_diff(q.idx()) < d
}

/// True when lecture `l` starting at `p` would overlap no other scheduled lecture of its
/// course in `tt` (lectures beyond the instance's own, read from a file, included).
pub fn course_free(inst: &Instance, tt: &Timetable, l: LectureId, p: PeriodId) -> bool {
    let c = tt.course(l);
    same_course(inst, tt, c).filter(|&m| m != l).all(|m| {
        tt.slot(m)
            .get()
            .is_none_or(|(q, _)| !overlaps(inst, c, p, q))
    })
}

/// The lectures of `c` in `tt`: the instance's, then any beyond them.
pub fn same_course<'a>(
    inst: &Instance,
    tt: &'a Timetable,
    c: CourseId,
) -> impl Iterator<Item = LectureId> + 'a {
    let extra = inst.n_lectures().min(tt.len())..tt.len();
    inst.lectures_of(c)
        .filter(|&l| l < tt.len())
        .chain(extra.filter(move |&l| tt.course(LectureId(l as u32)) == c))
        .map(|l| LectureId(l as u32))
}

/// True when lecture `l` may be moved by a solver stage (it is not pinned).
#[inline]
pub fn movable(inst: &Instance, l: LectureId) -> bool {
    !inst.is_pinned(l.idx())
}

/// True when `l` may stand at `slot` in `tt`: inside the domain, at its pin if pinned, and
/// overlapping no other lecture of its course. Unscheduled is always allowed.
pub fn allowed(inst: &Instance, tt: &Timetable, l: LectureId, slot: Slot) -> bool {
    let Some((p, r)) = slot.get() else {
        return true;
    };
    let c = tt.course(l);
    place_ok(inst, c, p, r)
        && inst.pin_of(l.idx()).is_none_or(|pin| fits_pin(pin, slot))
        && course_free(inst, tt, l, p)
}
