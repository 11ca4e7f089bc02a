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
///
/// One function per rule of `docs/RULES.md`, in its component order; each returns its
/// component's cost and lists its violations when `out` is given.
fn run(inst: &Instance, tt: &Timetable, out: Option<&mut Vec<Violation>>) -> Breakdown {
    let occ = Occupancy::of(inst, tt);
    let mut out = Sink(out);
    let campus = inst.uses_campus_features();
    let mut b = Breakdown {
        lectures: lectures(inst, &occ, &mut out),
        conflicts: conflicts(inst, &occ, &mut out),
        availability: availability(inst, tt, &mut out),
        room_occupancy: room_occupancy(inst, &occ, &mut out),
        ..Breakdown::default()
    };
    if campus {
        b.placement = placement(inst, tt, &mut out);
    }
    b.room_capacity = room_capacity(inst, tt, &mut out);
    b.min_working_days = min_working_days(inst, &occ, &mut out);
    b.curriculum_compactness = curriculum_compactness(inst, &occ, &mut out);
    b.room_stability = room_stability(inst, &occ, &mut out);
    if !campus {
        return b;
    }
    b.teacher_preference = teacher_preference(inst, tt, &mut out);
    b.daily_limit = daily_limit(inst, &occ, &mut out);
    if inst.has_reference() {
        b.changes = changes(inst, &occ, &mut out);
    }
    b
}

/// Where a timetable's lectures are, grouped the two ways the rules read them.
struct Occupancy {
    /// Starts per course.
    by_course: Vec<Vec<(PeriodId, RoomId)>>,
    /// Occupants per period, sorted (a lecture appears at each period it occupies).
    by_period: Vec<Vec<(CourseId, RoomId)>>,
}

impl Occupancy {
    fn of(inst: &Instance, tt: &Timetable) -> Occupancy {
        let mut by_course: Vec<Vec<(PeriodId, RoomId)>> = vec![Vec::new(); inst.courses.len()];
        let mut by_period: Vec<Vec<(CourseId, RoomId)>> = vec![Vec::new(); inst.n_periods()];
        for (_, c, p, r) in tt.scheduled() {
            by_course[c.idx()].push((p, r));
            for q in occupied(inst, c, p).0 {
                by_period[q].push((c, r));
            }
        }
        for list in &mut by_period {
            list.sort_unstable();
        }
        Occupancy {
            by_course,
            by_period,
        }
    }
}

/// Where violations go: nowhere when only the score is wanted (`score`), so the rules build
/// a violation's lists only when `listing()` says someone reads them.
struct Sink<'a>(Option<&'a mut Vec<Violation>>);

impl Sink<'_> {
    fn listing(&self) -> bool {
        self.0.is_some()
    }

    fn push(&mut self, v: Violation) {
        if let Some(o) = self.0.as_deref_mut() {
            o.push(v)
        }
    }
}

/// A violation of one course.
fn single(
    rule: Rule,
    cost: u32,
    c: CourseId,
    rooms: Vec<RoomId>,
    periods: Vec<PeriodId>,
    detail: (u32, u32),
) -> Violation {
    Violation {
        rule,
        cost,
        courses: vec![c],
        curricula: Vec::new(),
        teachers: Vec::new(),
        rooms,
        periods,
        detail,
    }
}

fn pid(q: usize) -> PeriodId {
    PeriodId(q as u16)
}

/// Hard `lectures`: per course, lectures missing or beyond its count.
fn lectures(inst: &Instance, occ: &Occupancy, out: &mut Sink) -> u32 {
    let mut total = 0;
    for (ci, course) in inst.courses.iter().enumerate() {
        let n = occ.by_course[ci].len() as u32;
        let need = course.lectures as u32;
        let d = n.abs_diff(need);
        if d > 0 {
            total += d;
            out.push(single(
                Rule::Lectures,
                d,
                CourseId(ci as u16),
                Vec::new(),
                Vec::new(),
                (n, need),
            ));
        }
    }
    total
}

/// Hard `conflicts`: one per conflicting pair of courses per occupied period, and one per
/// extra occupancy of a period by the same course (its lectures overlapping).
fn conflicts(inst: &Instance, occ: &Occupancy, out: &mut Sink) -> u32 {
    let mut total = 0;
    for (pi, list) in occ.by_period.iter().enumerate() {
        for i in 0..list.len() {
            let (a, ra) = list[i];
            if i > 0 && list[i - 1].0 == a {
                total += 1;
                out.push(Violation {
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
                    total += 1;
                    let shared: Vec<CurriculumId> = inst
                        .curricula_of(a)
                        .iter()
                        .copied()
                        .filter(|g| inst.curricula_of(c2).contains(g))
                        .collect();
                    let teachers: Vec<TeacherId> = if out.listing() {
                        let t2: Vec<TeacherId> = inst.courses[c2.idx()].teachers().collect();
                        inst.courses[a.idx()]
                            .teachers()
                            .filter(|t| t2.contains(t))
                            .collect()
                    } else {
                        Vec::new()
                    };
                    out.push(Violation {
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
    total
}

/// Hard `availability`: per occupied period at which the course (or a teacher) is
/// unavailable.
fn availability(inst: &Instance, tt: &Timetable, out: &mut Sink) -> u32 {
    let mut total = 0;
    for (_, c, p, r) in tt.scheduled() {
        for q in occupied(inst, c, p).0 {
            if inst.is_unavailable(c, pid(q)) {
                total += 1;
                out.push(single(
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
    total
}

/// Hard `room_occupancy`: k − 1 per (room, period) occupied by k lectures.
fn room_occupancy(inst: &Instance, occ: &Occupancy, out: &mut Sink) -> u32 {
    let mut total = 0;
    let mut in_room: Vec<Vec<CourseId>> = vec![Vec::new(); inst.rooms.len()];
    for (pi, list) in occ.by_period.iter().enumerate() {
        for (c, r) in list {
            in_room[r.idx()].push(*c);
        }
        for (ri, courses) in in_room.iter_mut().enumerate() {
            if courses.len() > 1 {
                let k = courses.len() as u32 - 1;
                total += k;
                out.push(Violation {
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
    total
}

/// Hard `placement` (campus), per lecture: an unsuitable room, each occupied period at which
/// its room is closed, running past the end of its day, a pin not kept.
fn placement(inst: &Instance, tt: &Timetable, out: &mut Sink) -> u32 {
    let mut total = 0;
    for (l, c, p, r) in tt.scheduled() {
        if !inst.room_suits(c, r) {
            total += 1;
            out.push(single(Rule::RoomUnsuitable, 1, c, vec![r], vec![p], (0, 0)));
        }
        let (occ, clipped) = occupied(inst, c, p);
        for q in occ {
            if inst.room_closed(r, pid(q)) {
                total += 1;
                out.push(single(
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
            total += 1;
            out.push(single(
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
            total += 1;
            let mut rooms = vec![r];
            rooms.extend(pin.room);
            let mut periods = vec![p];
            periods.extend(pin.period);
            out.push(Violation {
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
    total
}

/// Soft `room_capacity`: once per lecture, students beyond its room's capacity.
fn room_capacity(inst: &Instance, tt: &Timetable, out: &mut Sink) -> u32 {
    let w = inst.weights().room_capacity;
    let mut total = 0;
    for (_, c, p, r) in tt.scheduled() {
        let e = inst.excess(c, r) * w;
        if e > 0 {
            total += e;
            out.push(single(
                Rule::RoomCapacity,
                e,
                c,
                vec![r],
                vec![p],
                (inst.courses[c.idx()].students, inst.rooms[r.idx()].capacity),
            ));
        }
    }
    total
}

/// Soft `min_working_days`: per course, days (on which a lecture starts) short of its
/// minimum.
fn min_working_days(inst: &Instance, occ: &Occupancy, out: &mut Sink) -> u32 {
    let w = inst.weights().min_working_days;
    let mut total = 0;
    for (ci, course) in inst.courses.iter().enumerate() {
        let mut days: u64 = 0;
        for &(p, _) in &occ.by_course[ci] {
            days |= 1 << inst.day_of(p);
        }
        let d = days.count_ones();
        let min = course.min_working_days as u32;
        if d < min {
            let cost = (min - d) * w;
            total += cost;
            out.push(single(
                Rule::MinWorkingDays,
                cost,
                CourseId(ci as u16),
                Vec::new(),
                Vec::new(),
                (d, min),
            ));
        }
    }
    total
}

/// Soft `curriculum_compactness`: weight × n(g,p) per isolated (curriculum, period), where
/// n(g,p) is the curriculum's lectures occupying p.
fn curriculum_compactness(inst: &Instance, occ: &Occupancy, out: &mut Sink) -> u32 {
    let w = inst.weights().curriculum_compactness;
    let np = inst.n_periods();
    let ppd = inst.periods_per_day as usize;
    let mut total = 0;
    let mut cpl = vec![0u32; np];
    for (gi, g) in inst.curricula.iter().enumerate() {
        cpl.iter_mut().for_each(|x| *x = 0);
        for &c in &g.courses {
            for &(p, _) in &occ.by_course[c.idx()] {
                for q in occupied(inst, c, p).0 {
                    cpl[q] += 1;
                }
            }
        }
        for p in 0..np {
            let n = cpl[p];
            if n > 0 && is_isolated(|q| cpl[q], p, ppd, np) {
                let cost = n * w;
                total += cost;
                if out.listing() {
                    let courses: Vec<CourseId> = g
                        .courses
                        .iter()
                        .copied()
                        .filter(|&c| {
                            occ.by_course[c.idx()]
                                .iter()
                                .any(|&(q, _)| occupied(inst, c, q).0.contains(&p))
                        })
                        .collect();
                    out.push(Violation {
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
    total
}

/// Soft `room_stability`: per course, distinct rooms used minus one.
fn room_stability(inst: &Instance, occ: &Occupancy, out: &mut Sink) -> u32 {
    let w = inst.weights().room_stability;
    let mut total = 0;
    for (ci, list) in occ.by_course.iter().enumerate() {
        let mut rooms: Vec<RoomId> = list.iter().map(|&(_, r)| r).collect();
        rooms.sort_unstable();
        rooms.dedup();
        if rooms.len() > 1 {
            let cost = (rooms.len() as u32 - 1) * w;
            total += cost;
            let n = rooms.len() as u32;
            out.push(single(
                Rule::RoomStability,
                cost,
                CourseId(ci as u16),
                rooms,
                Vec::new(),
                (n, 0),
            ));
        }
    }
    total
}

/// Soft `teacher_preference` (campus): per lecture and occupied period, its teachers who
/// state preferred periods and do not prefer that one.
fn teacher_preference(inst: &Instance, tt: &Timetable, out: &mut Sink) -> u32 {
    let w = inst.weights().teacher_preference;
    let mut total = 0;
    for (_, c, p, r) in tt.scheduled() {
        for q in occupied(inst, c, p).0 {
            let n = inst.dispreferred(c, pid(q));
            if n > 0 {
                let cost = n * w;
                total += cost;
                if out.listing() {
                    let teachers = inst.courses[c.idx()]
                        .teachers()
                        .filter(|&t| teacher_dislikes(inst, t, pid(q)))
                        .collect();
                    out.push(Violation {
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
    total
}

/// Soft `daily_limit` (campus): per curriculum, then per teacher, with a daily maximum, per
/// day: lectures starting beyond it.
fn daily_limit(inst: &Instance, occ: &Occupancy, out: &mut Sink) -> u32 {
    let mut total = 0;
    let mut per_day = vec![0u32; inst.days as usize];
    for (gi, g) in inst.curricula.iter().enumerate() {
        let g_id = CurriculumId(gi as u16);
        let Some(max) = inst.curriculum_max_daily(g_id) else {
            continue;
        };
        starts_per_day(inst, occ, g.courses.iter().copied(), &mut per_day);
        total += over_daily(inst, &per_day, max, out, |cost, p, detail| Violation {
            rule: Rule::CurriculumDailyLimit,
            cost,
            courses: Vec::new(),
            curricula: vec![g_id],
            teachers: Vec::new(),
            rooms: Vec::new(),
            periods: vec![p],
            detail,
        });
    }
    for t in 0..inst.teachers.len() {
        let t = TeacherId(t as u16);
        let Some(max) = inst.teacher_max_daily(t) else {
            continue;
        };
        let courses = inst.courses_of_teacher(t).iter().copied();
        starts_per_day(inst, occ, courses, &mut per_day);
        total += over_daily(inst, &per_day, max, out, |cost, p, detail| Violation {
            rule: Rule::TeacherDailyLimit,
            cost,
            courses: Vec::new(),
            curricula: Vec::new(),
            teachers: vec![t],
            rooms: Vec::new(),
            periods: vec![p],
            detail,
        });
    }
    total
}

/// Lectures of `courses` starting on each day, into `per_day`.
fn starts_per_day(
    inst: &Instance,
    occ: &Occupancy,
    courses: impl Iterator<Item = CourseId>,
    per_day: &mut [u32],
) {
    per_day.iter_mut().for_each(|x| *x = 0);
    for c in courses {
        for &(p, _) in &occ.by_course[c.idx()] {
            per_day[inst.day_of(p)] += 1;
        }
    }
}

/// The `daily_limit` cost of one curriculum or teacher with daily maximum `max`: each day's
/// starts beyond it; `violation(cost, first period of the day, (starts, max))` names who.
fn over_daily(
    inst: &Instance,
    per_day: &[u32],
    max: u16,
    out: &mut Sink,
    violation: impl Fn(u32, PeriodId, (u32, u32)) -> Violation,
) -> u32 {
    let w = inst.weights().daily_limit;
    let mut total = 0;
    for (d, &n) in per_day.iter().enumerate() {
        if n > max as u32 {
            let cost = (n - max as u32) * w;
            total += cost;
            out.push(violation(cost, inst.period_at(d, 0), (n, max as u32)));
        }
    }
    total
}

/// Soft `changes` (re-solve): per course with reference slots, its lectures moved
/// (`model::moves::course_moved`, the one count of moved lectures).
fn changes(inst: &Instance, occ: &Occupancy, out: &mut Sink) -> u32 {
    let w = inst.weights().changes;
    let mut total = 0;
    for (ci, list) in occ.by_course.iter().enumerate() {
        let reference = inst.reference_of(CourseId(ci as u16)).unwrap_or(&[]);
        let mut placed: Vec<Slot> = list.iter().map(|&(p, r)| Slot::at(p, r)).collect();
        placed.sort_unstable();
        let moved = crate::model::moves::course_moved(&placed, reference);
        if moved > 0 {
            let cost = moved * w;
            total += cost;
            out.push(single(
                Rule::Moved,
                cost,
                CourseId(ci as u16),
                Vec::new(),
                Vec::new(),
                (moved, reference.len() as u32),
            ));
        }
    }
    total
}

/// True when teacher `t` states preferred periods and `p` is not one of them.
fn teacher_dislikes(inst: &Instance, t: TeacherId, p: PeriodId) -> bool {
    let prefs = &inst.campus.teacher_preferred;
    prefs.iter().any(|&(u, _)| u == t) && !prefs.contains(&(t, p))
}
