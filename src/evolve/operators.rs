//! Variation operators on whole timetables: crossover that respects the structure of a
//! timetable (a child inherits every lecture of a course together, from one parent) and
//! mutation by random legal period moves. Children may carry new clashes (two inherited
//! courses in one room); scoring and local search deal with those. Neither ever leaves a
//! lecture's domain ([`super::domain`]): pinned lectures stay where they are, starts fit
//! in the day, rooms suit and are open.

use rand::Rng;
use rand::rngs::SmallRng;

use super::domain;
use crate::model::{CourseId, Instance, LectureId, PeriodId, RoomId, Slot, Timetable};

/// A child of `a` in which the courses of a random half of the curricula (and a random
/// half of the courses in no curriculum) take their lectures' slots from `b`. Whole
/// curricula move together, so the compact day structure of a group survives.
pub fn crossover(inst: &Instance, a: &Timetable, b: &Timetable, rng: &mut SmallRng) -> Timetable {
    let mut child = a.clone();
    let mut from_b = vec![false; inst.courses.len()];
    for g in &inst.curricula {
        if rng.random_bool(0.5) {
            for &c in &g.courses {
                from_b[c.idx()] = true;
            }
        }
    }
    for (ci, flag) in from_b.iter_mut().enumerate() {
        if inst.curricula_of(CourseId(ci as u16)).is_empty() && rng.random_bool(0.5) {
            *flag = true;
        }
    }
    for (ci, &flag) in from_b.iter().enumerate() {
        // A course whose pinned lectures stand elsewhere in `b` (a pin that fixes only a
        // period or a room can be completed differently) stays as in `a`: the child keeps
        // `a`'s pins, and taking only the course's other lectures from `b` could overlap.
        let pins_agree = || {
            inst.lectures_of(CourseId(ci as u16))
                .filter(|&l| inst.is_pinned(l))
                .all(|l| a.slot(LectureId(l as u32)) == b.slot(LectureId(l as u32)))
        };
        if flag && (!inst.has_pins() || pins_agree()) {
            for l in inst.lectures_of(CourseId(ci as u16)) {
                let l = LectureId(l as u32);
                child.set(l, b.slot(l));
            }
        }
    }
    child
}

/// Applies `moves` random legal moves: a lecture to a random start its course allows
/// (within the day, overlapping none of its course's other lectures), in a random room that
/// suits it and is open throughout (an unscheduled lecture gets placed the same way).
/// Pinned lectures are never chosen; a draw outside the domain is skipped.
pub fn mutate(inst: &Instance, tt: &mut Timetable, moves: u32, rng: &mut SmallRng) {
    let n = tt.len();
    let np = inst.n_periods();
    let nr = inst.rooms.len();
    if n == 0 || np == 0 || nr == 0 {
        return;
    }
    for _ in 0..moves {
        let l = LectureId(rng.random_range(0..n) as u32);
        let c = tt.course(l);
        let p = PeriodId(rng.random_range(0..np) as u16);
        if !domain::movable(inst, l)
            || !inst.can_start(c, p)
            || !domain::course_free(inst, tt, l, p)
        {
            continue;
        }
        let r = RoomId(rng.random_range(0..nr) as u16);
        if !domain::room_open(inst, c, r, p) {
            continue;
        }
        tt.set(l, Slot::at(p, r));
    }
}
