//! Full evaluation: the UD2 score of a timetable from scratch, optionally with the list of
//! violations. This is the source of truth that the delta evaluator, the GPU shader and
//! the independent scorer are checked against.

use super::score::{Breakdown, is_isolated, weights};
use super::violation::{Rule, Violation};
use crate::model::{CourseId, CurriculumId, Instance, PeriodId, RoomId, Timetable};

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

fn run(inst: &Instance, tt: &Timetable, mut out: Option<&mut Vec<Violation>>) -> Breakdown {
    let np = inst.n_periods();
    let ppd = inst.periods_per_day as usize;
    let nr = inst.rooms.len();
    let mut b = Breakdown::default();

    let mut by_course: Vec<Vec<(PeriodId, RoomId)>> = vec![Vec::new(); inst.courses.len()];
    let mut by_period: Vec<Vec<(CourseId, RoomId)>> = vec![Vec::new(); np];
    for (_, c, p, r) in tt.scheduled() {
        by_course[c.idx()].push((p, r));
        by_period[p.idx()].push((c, r));
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
            rooms,
            periods,
            detail,
        };

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

    // Hard: Conflicts, one per conflicting pair per period.
    for (pi, list) in by_period.iter().enumerate() {
        for i in 0..list.len() {
            for j in i + 1..list.len() {
                let (a, ra) = list[i];
                let (c2, rb) = list[j];
                if a != c2 && inst.in_conflict(a, c2) {
                    b.conflicts += 1;
                    let shared: Vec<CurriculumId> = inst
                        .curricula_of(a)
                        .iter()
                        .copied()
                        .filter(|g| inst.curricula_of(c2).contains(g))
                        .collect();
                    push(Violation {
                        rule: Rule::Conflicts,
                        cost: 1,
                        courses: vec![a, c2],
                        curricula: shared,
                        rooms: vec![ra, rb],
                        periods: vec![PeriodId(pi as u16)],
                        detail: (0, 0),
                    });
                }
            }
        }
    }

    // Hard: Availability.
    for (_, c, p, r) in tt.scheduled() {
        if inst.is_unavailable(c, p) {
            b.availability += 1;
            push(single(Rule::Availability, 1, c, vec![r], vec![p], (0, 0)));
        }
    }

    // Hard: RoomOccupancy, k - 1 per (room, period) holding k lectures.
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
                    rooms: vec![RoomId(ri as u16)],
                    periods: vec![PeriodId(pi as u16)],
                    detail: (courses.len() as u32, 0),
                });
            }
            courses.clear();
        }
    }

    // Soft: RoomCapacity.
    for (_, c, p, r) in tt.scheduled() {
        let e = inst.excess(c, r) * weights::ROOM_CAPACITY;
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

    // Soft: MinWorkingDays.
    for (ci, course) in inst.courses.iter().enumerate() {
        let mut days: u64 = 0;
        for &(p, _) in &by_course[ci] {
            days |= 1 << inst.day_of(p);
        }
        let d = days.count_ones();
        let min = course.min_working_days as u32;
        if d < min {
            let cost = (min - d) * weights::MIN_WORKING_DAYS;
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

    // Soft: CurriculumCompactness, 2 x n(g,p) per isolated (curriculum, period).
    let mut cpl = vec![0u32; np];
    for (gi, g) in inst.curricula.iter().enumerate() {
        cpl.iter_mut().for_each(|x| *x = 0);
        for &c in &g.courses {
            for &(p, _) in &by_course[c.idx()] {
                cpl[p.idx()] += 1;
            }
        }
        for p in 0..np {
            let n = cpl[p];
            if n > 0 && is_isolated(|q| cpl[q], p, ppd, np) {
                let cost = n * weights::CURRICULUM_COMPACTNESS;
                b.curriculum_compactness += cost;
                if listing {
                    let pid = PeriodId(p as u16);
                    let courses: Vec<CourseId> = g
                        .courses
                        .iter()
                        .copied()
                        .filter(|c| by_course[c.idx()].iter().any(|&(q, _)| q == pid))
                        .collect();
                    push(Violation {
                        rule: Rule::CurriculumCompactness,
                        cost,
                        courses,
                        curricula: vec![CurriculumId(gi as u16)],
                        rooms: Vec::new(),
                        periods: vec![pid],
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
            let cost = (rooms.len() as u32 - 1) * weights::ROOM_STABILITY;
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
    b
}
