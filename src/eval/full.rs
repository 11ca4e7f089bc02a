//! Full evaluation: the score of a timetable from scratch, optionally with the list of
//! violations. This is the source of truth that the delta evaluator, the GPU shader and
//! the independent scorer are checked against; it follows `docs/RULES.md` literally.
//!
//! A lecture of duration d placed at p occupies p..p+d−1 of its day (clipped at the end
//! of the day); occupancy is what conflicts, availability, room occupancy, room closures,
//! compactness and teacher preferences look at. Starts are what minimum working days and
//! daily maxima count; capacity counts once per lecture.

use super::score::{Breakdown, is_isolated};
use super::violation::{Rule, Violation};
use crate::model::{
    CourseId, CurriculumId, Instance, PeriodId, RoomId, Slot, TeacherId, Timetable,
};

/// A score with the violations that make it up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    pub breakdown: Breakdown,
    pub violations: Vec<Violation>,
}

/// Score and violations of `tt`. Violations are listed hard rules first, in rule order.
pub fn evaluate(inst: &Instance, tt: &Timetable) -> Evaluation {
    let mut violations = Vec::new();
    let breakdown = run(inst, tt, Some(&mut violations));
    Evaluation {
        breakdown,
        violations,
    }
}

/// Score of `tt` without building the violation list.
pub fn score(inst: &Instance, tt: &Timetable) -> Breakdown {
    run(inst, tt, None)
}

/// The periods a lecture of `c` starting at `p` occupies (clipped at the end of the day),
/// and whether it was clipped (it runs past the end of its day).
#[inline]
pub fn occupied(inst: &Instance, c: CourseId, p: PeriodId) -> (std::ops::Range<usize>, bool) {
    let ppd = inst.periods_per_day as usize;
    let start = p.idx();
    let day_end = (start / ppd + 1) * ppd;
    let end = start + inst.duration(c) as usize;
    (start..end.min(day_end), end > day_end)
}

/// The components are summed in `u32`, which cannot wrap (in release) or overflow (in
/// debug): every term is non-negative, so every partial sum is at most its total, and
/// `Instance::new` refuses an instance whose worst-case hard or soft total with its real
/// weights could pass `u32::MAX` (`check_cost_bounds`).
fn run(inst: &Instance, tt: &Timetable, mut out: Option<&mut Vec<Violation>>) -> Breakdown {
    let np = inst.n_periods();
    let ppd = inst.periods_per_day as usize;
    let nr = inst.rooms.len();
    let nd = inst.days as usize;
    let w = *inst.weights();
    let mut b = Breakdown::default();

    // Starts per course, and occupants per period (a lecture appears at each period it
    // occupies).
    let mut by_course: Vec<Vec<(PeriodId, RoomId)>> = vec![Vec::new(); inst.courses.len()];
    let mut by_period: Vec<Vec<(CourseId, RoomId)>> = vec![Vec::new(); np];
    for (_, c, p, r) in tt.scheduled() {
        by_course[c.idx()].push((p, r));
        for q in occupied(inst, c, p).0 {
            by_period[q].push((c, r));
        }
    }
    for list in &mut by_period {
        list.sort_unstable();
    }
    let listing = out.is_some();
    let mut push = |v: Violation| {
        if let Some(o) = out.as_deref_mut() {
            o.push(v)
        }
    };
    let single =
        |rule, cost, c: CourseId, rooms: Vec<RoomId>, periods: Vec<PeriodId>, detail| Violation {
            rule,
            cost,
            courses: vec![c],
            curricula: Vec::new(),
            teachers: Vec::new(),
            rooms,
            periods,
            detail,
        };
    let pid = |q: usize| PeriodId(q as u16);

    // Hard: Lectures.
    for (ci, course) in inst.courses.iter().enumerate() {
        let n = by_course[ci].len() as u32;
        let need = course.lectures as u32;
        let d = n.abs_diff(need);
        if d > 0 {
            b.lectures += d;
            push(single(
                Rule::Lectures,
                d,
                CourseId(ci as u16),
                Vec::new(),
                Vec::new(),
                (n, need),
            ));
        }
    }

    // Hard: Conflicts, one per conflicting pair of courses per occupied period, and one per
    // extra occupancy of a period by the same course (its lectures overlapping).
    for (pi, list) in by_period.iter().enumerate() {
        for i in 0..list.len() {
            let (a, ra) = list[i];
            if i > 0 && list[i - 1].0 == a {
                b.conflicts += 1;
                push(Violation {
                    rule: Rule::Conflicts,
                    cost: 1,
                    courses: vec![a, a],
                    curricula: Vec::new(),
                    teachers: Vec::new(),
                    rooms: vec![list[i - 1].1, ra],
                    periods: vec![pid(pi)],
                    detail: (0, 0),
                });
                continue;
            }
            for j in i + 1..list.len() {
                let (c2, rb) = list[j];
                if a == c2 || (j > i + 1 && list[j - 1].0 == c2) {
                    continue;
                }
                if inst.in_conflict(a, c2) {
                    b.conflicts += 1;
                    let shared: Vec<CurriculumId> = inst
                        .curricula_of(a)
                        .iter()
                        .copied()
                        .filter(|g| inst.curricula_of(c2).contains(g))
                        .collect();
                    let teachers: Vec<TeacherId> = if listing {
                        let t2: Vec<TeacherId> = inst.courses[c2.idx()].teachers().collect();
                        inst.courses[a.idx()]
                            .teachers()
                            .filter(|t| t2.contains(t))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    push(Violation {
                        rule: Rule::Conflicts,
                        cost: 1,
                        courses: vec![a, c2],
                        curricula: shared,
                        teachers,
                        rooms: vec![ra, rb],
                        periods: vec![pid(pi)],
                        detail: (0, 0),
                    });
                }
            }
        }
    }

    // Hard: Availability, per occupied period.
    for (_, c, p, r) in tt.scheduled() {
        for q in occupied(inst, c, p).0 {
            if inst.is_unavailable(c, pid(q)) {
                b.availability += 1;
                push(single(
                    Rule::Availability,
                    1,
                    c,
                    vec![r],
                    vec![pid(q)],
                    (0, 0),
                ));
            }
        }
    }

    // Hard: RoomOccupancy, k - 1 per (room, period) occupied by k lectures.
    let mut in_room: Vec<Vec<CourseId>> = vec![Vec::new(); nr];
    for (pi, list) in by_period.iter().enumerate() {
        for (c, r) in list {
            in_room[r.idx()].push(*c);
        }
        for (ri, courses) in in_room.iter_mut().enumerate() {
            if courses.len() > 1 {
                let k = courses.len() as u32 - 1;
                b.room_occupancy += k;
                push(Violation {
                    rule: Rule::RoomOccupancy,
                    cost: k,
                    courses: courses.clone(),
                    curricula: Vec::new(),
                    teachers: Vec::new(),
                    rooms: vec![RoomId(ri as u16)],
                    periods: vec![pid(pi)],
                    detail: (courses.len() as u32, 0),
                });
            }
            courses.clear();
        }
    }

    // Hard: Placement (campus), per lecture.
    if inst.uses_campus_features() {
        for (l, c, p, r) in tt.scheduled() {
            if !inst.room_suits(c, r) {
                b.placement += 1;
                push(single(Rule::RoomUnsuitable, 1, c, vec![r], vec![p], (0, 0)));
            }
            let (occ, clipped) = occupied(inst, c, p);
            for q in occ {
                if inst.room_closed(r, pid(q)) {
                    b.placement += 1;
                    push(single(
                        Rule::RoomClosed,
                        1,
                        c,
                        vec![r],
                        vec![pid(q)],
                        (0, 0),
                    ));
                }
            }
            if clipped {
                b.placement += 1;
                push(single(
                    Rule::PastEndOfDay,
                    1,
                    c,
                    vec![r],
                    vec![p],
                    (inst.duration(c) as u32, 0),
                ));
            }
            if let Some(pin) = inst.pin_of(l.idx())
                && (pin.period.is_some_and(|pp| pp != p) || pin.room.is_some_and(|rr| rr != r))
            {
                b.placement += 1;
                let mut rooms = vec![r];
                rooms.extend(pin.room);
                let mut periods = vec![p];
                periods.extend(pin.period);
                push(Violation {
                    rule: Rule::PinNotKept,
                    cost: 1,
                    courses: vec![c],
                    curricula: Vec::new(),
                    teachers: Vec::new(),
                    rooms,
                    periods,
                    detail: (pin.period.is_some() as u32, pin.room.is_some() as u32),
                });
            }
        }
    }

    // Soft: RoomCapacity, once per lecture.
    for (_, c, p, r) in tt.scheduled() {
        let e = inst.excess(c, r) * w.room_capacity;
        if e > 0 {
            b.room_capacity += e;
            push(single(
                Rule::RoomCapacity,
                e,
                c,
                vec![r],
                vec![p],
                (inst.courses[c.idx()].students, inst.rooms[r.idx()].capacity),
            ));
        }
    }

    // Soft: MinWorkingDays, days on which a lecture starts.
    for (ci, course) in inst.courses.iter().enumerate() {
        let mut days: u64 = 0;
        for &(p, _) in &by_course[ci] {
            days |= 1 << inst.day_of(p);
        }
        let d = days.count_ones();
        let min = course.min_working_days as u32;
        if d < min {
            let cost = (min - d) * w.min_working_days;
            b.min_working_days += cost;
            push(single(
                Rule::MinWorkingDays,
                cost,
                CourseId(ci as u16),
                Vec::new(),
                Vec::new(),
                (d, min),
            ));
        }
    }

    // Soft: CurriculumCompactness, weight x n(g,p) per isolated (curriculum, period), where
    // n(g,p) is the curriculum's lectures occupying p.
    let mut cpl = vec![0u32; np];
    for (gi, g) in inst.curricula.iter().enumerate() {
        cpl.iter_mut().for_each(|x| *x = 0);
        for &c in &g.courses {
            for &(p, _) in &by_course[c.idx()] {
                for q in occupied(inst, c, p).0 {
                    cpl[q] += 1;
                }
            }
        }
        for p in 0..np {
            let n = cpl[p];
            if n > 0 && is_isolated(|q| cpl[q], p, ppd, np) {
                let cost = n * w.curriculum_compactness;
                b.curriculum_compactness += cost;
                if listing {
                    let courses: Vec<CourseId> = g
                        .courses
                        .iter()
                        .copied()
                        .filter(|&c| {
                            by_course[c.idx()]
                                .iter()
                                .any(|&(q, _)| occupied(inst, c, q).0.contains(&p))
                        })
                        .collect();
                    push(Violation {
                        rule: Rule::CurriculumCompactness,
                        cost,
                        courses,
                        curricula: vec![CurriculumId(gi as u16)],
                        teachers: Vec::new(),
                        rooms: Vec::new(),
                        periods: vec![pid(p)],
                        detail: (n, 0),
                    });
                }
            }
        }
    }

    // Soft: RoomStability, distinct rooms - 1 per course.
    for (ci, list) in by_course.iter().enumerate() {
        let mut rooms: Vec<RoomId> = list.iter().map(|&(_, r)| r).collect();
        rooms.sort_unstable();
        rooms.dedup();
        if rooms.len() > 1 {
            let cost = (rooms.len() as u32 - 1) * w.room_stability;
            b.room_stability += cost;
            let n = rooms.len() as u32;
            push(single(
                Rule::RoomStability,
                cost,
                CourseId(ci as u16),
                rooms,
                Vec::new(),
                (n, 0),
            ));
        }
    }

    if !inst.uses_campus_features() {
        return b;
    }

    // Soft: TeacherPreference, per lecture and occupied period.
    for (_, c, p, r) in tt.scheduled() {
        for q in occupied(inst, c, p).0 {
            let n = inst.dispreferred(c, pid(q));
            if n > 0 {
                let cost = n * w.teacher_preference;
                b.teacher_preference += cost;
                if listing {
                    let teachers = inst.courses[c.idx()]
                        .teachers()
                        .filter(|&t| teacher_dislikes(inst, t, pid(q)))
                        .collect();
                    push(Violation {
                        rule: Rule::TeacherPreference,
                        cost,
                        courses: vec![c],
                        curricula: Vec::new(),
                        teachers,
                        rooms: vec![r],
                        periods: vec![pid(q)],
                        detail: (n, 0),
                    });
                }
            }
        }
    }

    // Soft: DailyLimit, per curriculum / teacher with a maximum, per day: starts beyond it.
    let mut per_day = vec![0u32; nd];
    let starts_of = |courses: &mut dyn Iterator<Item = CourseId>, per_day: &mut Vec<u32>| {
        per_day.iter_mut().for_each(|x| *x = 0);
        for c in courses {
            for &(p, _) in &by_course[c.idx()] {
                per_day[inst.day_of(p)] += 1;
            }
        }
    };
    for (gi, g) in inst.curricula.iter().enumerate() {
        let Some(max) = inst.curriculum_max_daily(CurriculumId(gi as u16)) else {
            continue;
        };
        starts_of(&mut g.courses.iter().copied(), &mut per_day);
        for (d, &n) in per_day.iter().enumerate() {
            if n > max as u32 {
                let cost = (n - max as u32) * w.daily_limit;
                b.daily_limit += cost;
                push(Violation {
                    rule: Rule::CurriculumDailyLimit,
                    cost,
                    courses: Vec::new(),
                    curricula: vec![CurriculumId(gi as u16)],
                    teachers: Vec::new(),
                    rooms: Vec::new(),
                    periods: vec![inst.period(d, 0)],
                    detail: (n, max as u32),
                });
            }
        }
    }
    for t in 0..inst.teachers.len() {
        let t = TeacherId(t as u16);
        let Some(max) = inst.teacher_max_daily(t) else {
            continue;
        };
        starts_of(
            &mut inst.courses_of_teacher(t).iter().copied(),
            &mut per_day,
        );
        for (d, &n) in per_day.iter().enumerate() {
            if n > max as u32 {
                let cost = (n - max as u32) * w.daily_limit;
                b.daily_limit += cost;
                push(Violation {
                    rule: Rule::TeacherDailyLimit,
                    cost,
                    courses: Vec::new(),
                    curricula: Vec::new(),
                    teachers: vec![t],
                    rooms: Vec::new(),
                    periods: vec![inst.period(d, 0)],
                    detail: (n, max as u32),
                });
            }
        }
    }

    // Soft: Changes (re-solve), per course with reference slots.
    if inst.has_reference() {
        for (ci, list) in by_course.iter().enumerate() {
            let reference = inst.reference_of(CourseId(ci as u16)).unwrap_or(&[]);
            let mut placed: Vec<Slot> = list.iter().map(|&(p, r)| Slot::at(p, r)).collect();
            placed.sort_unstable();
            // The one count of moved lectures (`Moves`, docs/RULES.md `changes`).
            let moved = crate::model::moves::course_moved(&placed, reference);
            if moved > 0 {
                let cost = moved * w.changes;
                b.changes += cost;
                push(single(
                    Rule::Moved,
                    cost,
                    CourseId(ci as u16),
                    Vec::new(),
                    Vec::new(),
                    (moved, reference.len() as u32),
                ));
            }
        }
    }
    b
}

/// True when teacher `t` states preferred periods and `p` is not one of them.
fn teacher_dislikes(inst: &Instance, t: TeacherId, p: PeriodId) -> bool {
    let prefs = &inst.campus.teacher_preferred;
    prefs.iter().any(|&(u, _)| u == t) && !prefs.contains(&(t, p))
}
