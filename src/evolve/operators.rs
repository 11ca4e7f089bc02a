//! Variation operators on whole timetables: crossover that respects the structure of a
//! timetable (a child inherits every lecture of a course together, from one parent) and
//! mutation by random legal period moves. Children may carry new clashes (two inherited
//! courses in one room); scoring and local search deal with those.

use rand::Rng;
use rand::rngs::SmallRng;

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
        if flag {
            for l in inst.lectures_of(CourseId(ci as u16)) {
                let l = LectureId(l as u32);
                child.set(l, b.slot(l));
            }
        }
    }
    child
}

/// Applies `moves` random legal moves: a lecture to a random period its course does not
/// use yet, in a random room (an unscheduled lecture gets placed the same way).
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
        let used = inst.lectures_of(c).any(|m| {
            m != l.0 as usize
                && matches!(tt.slot(LectureId(m as u32)).get(), Some((q, _)) if q == p)
        });
        if used {
            continue;
        }
        let r = RoomId(rng.random_range(0..nr) as u16);
        tt.set(l, Slot::at(p, r));
    }
}
