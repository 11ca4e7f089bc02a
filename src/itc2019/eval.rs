//! The exact ITC-2019 evaluation: every hard constraint, the four objective parts before
//! weighting and the weighted total, with each violation as data that can be put in words.
//!
//! Conventions where the format description is silent are those of the independent
//! scorer (`shared/tools/itc2019_score.py`, FORMAT.md "Open points"), so that the two
//! agree number for number, hard counts included:
//! - a class without a time is left out of every other check but its enrolment;
//! - a class with a time but no room (a room-needing class) is kept, with travel 0;
//! - violations are counted per class (unavailability, limit), per pair (room clash), per
//!   constraint (required distributions) and per student request (sectioning);
//! - MaxBlock counts blocks of two or more classes, as the description says (UniTime's
//!   solver also skips blocks whose classes all start together; not done here).

use std::collections::BTreeMap;

use super::model::*;

/// A timetable with its sectioning: for each class the chosen time option and room
/// option (indices into the class's own option lists), and the enrolled students
/// (ascending, no repeats).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Assignment {
    pub time: Vec<Option<u32>>,
    pub room: Vec<Option<u32>>,
    pub students: Vec<Vec<StudentId>>,
}

impl Assignment {
    /// Nothing placed, nobody enrolled.
    pub fn empty(p: &Problem) -> Assignment {
        let n = p.classes.len();
        Assignment {
            time: vec![None; n],
            room: vec![None; n],
            students: vec![Vec::new(); n],
        }
    }

    /// The chosen time of class `c`, if any.
    #[inline]
    pub fn time_of(&self, p: &Problem, c: ClassId) -> Option<Time> {
        self.time[c as usize].map(|t| p.times(c)[t as usize].time)
    }

    /// The chosen room of class `c`, if any (None for a class that is not placed).
    #[inline]
    pub fn room_of(&self, p: &Problem, c: ClassId) -> Option<RoomId> {
        self.time[c as usize]?;
        self.room[c as usize].map(|r| p.rooms_of(c)[r as usize].room)
    }
}

/// One broken hard constraint. The first six come from reading a solution file; the rest
/// from [`evaluate`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Violation {
    /// The solution's `name` is not the problem's.
    NameMismatch { solution: String },
    /// The solution lists a class the problem does not have.
    UnknownClass { id: String },
    /// The solution lists a class a second time (the second is ignored).
    DuplicateClass { class: ClassId },
    /// The solution's days/start/weeks are not one of the class's times.
    InvalidTime {
        class: ClassId,
        days: String,
        start: String,
        weeks: String,
    },
    /// The solution's room is not one of the class's rooms.
    InvalidRoom { class: ClassId, room: String },
    /// The solution enrols a student the problem does not have.
    UnknownStudent { id: String, class: ClassId },
    /// A class has no time.
    Unassigned { class: ClassId },
    /// A class that needs a room has none.
    NoRoom { class: ClassId },
    /// A class meets in its room while the room is unavailable.
    RoomUnavailable { class: ClassId, room: RoomId },
    /// Two classes meet in the same room at overlapping times.
    RoomClash {
        a: ClassId,
        b: ClassId,
        room: RoomId,
    },
    /// A required distribution is broken: `units` failing pairs, excess days or
    /// over-full week-days (see [`Evaluation::distribution_units`]).
    Distribution { index: u32, units: u64 },
    /// A student is in a class of a course they did not request.
    CourseNotRequested { student: StudentId, class: ClassId },
    /// A student is in no class of a course they requested.
    CourseMissing {
        student: StudentId,
        course: CourseId,
    },
    /// A student is in classes of several configurations of a course.
    MultipleConfigs {
        student: StudentId,
        course: CourseId,
    },
    /// A student is not in exactly one class of a subpart of their configuration.
    Subpart {
        student: StudentId,
        subpart: SubpartId,
        count: u32,
    },
    /// A student is in a class but not in its parent class.
    ParentMissing {
        student: StudentId,
        class: ClassId,
        parent: ClassId,
    },
    /// More students than the class's limit.
    ClassLimit {
        class: ClassId,
        enrolled: u32,
        limit: u32,
    },
}

/// The scorer's names of the hard-violation kinds, in its order (`hard` in the JSON).
pub const HARD_KINDS: [&str; 17] = [
    "name_mismatch",
    "class_missing",
    "class_unknown",
    "class_duplicate",
    "invalid_time",
    "room_missing",
    "invalid_room",
    "room_unavailable",
    "room_clash",
    "distribution",
    "student_unknown",
    "student_course_not_requested",
    "student_course_missing",
    "student_multiple_configs",
    "student_subpart",
    "student_parent_missing",
    "class_limit",
];

impl Violation {
    /// The kind, one of [`HARD_KINDS`].
    pub fn kind(&self) -> &'static str {
        match self {
            Violation::NameMismatch { .. } => "name_mismatch",
            Violation::Unassigned { .. } => "class_missing",
            Violation::UnknownClass { .. } => "class_unknown",
            Violation::DuplicateClass { .. } => "class_duplicate",
            Violation::InvalidTime { .. } => "invalid_time",
            Violation::NoRoom { .. } => "room_missing",
            Violation::InvalidRoom { .. } => "invalid_room",
            Violation::RoomUnavailable { .. } => "room_unavailable",
            Violation::RoomClash { .. } => "room_clash",
            Violation::Distribution { .. } => "distribution",
            Violation::UnknownStudent { .. } => "student_unknown",
            Violation::CourseNotRequested { .. } => "student_course_not_requested",
            Violation::CourseMissing { .. } => "student_course_missing",
            Violation::MultipleConfigs { .. } => "student_multiple_configs",
            Violation::Subpart { .. } => "student_subpart",
            Violation::ParentMissing { .. } => "student_parent_missing",
            Violation::ClassLimit { .. } => "class_limit",
        }
    }

    /// The violation in words, with the file's ids (for reports and the page).
    pub fn describe(&self, p: &Problem) -> String {
        let class = |c: &ClassId| &p.classes[*c as usize].id;
        let room = |r: &RoomId| &p.rooms[*r as usize].id;
        let student = |s: &StudentId| &p.students[*s as usize].id;
        let course = |c: &CourseId| &p.courses[*c as usize].id;
        match self {
            Violation::NameMismatch { solution } => format!(
                "the solution is named '{solution}' but the problem is '{}'",
                p.name
            ),
            Violation::UnknownClass { id } => format!("class '{id}' is not in the problem"),
            Violation::DuplicateClass { class: c } => {
                format!("class {} is listed more than once", class(c))
            }
            Violation::InvalidTime {
                class: c,
                days,
                start,
                weeks,
            } => format!(
                "class {}: days={days} start={start} weeks={weeks} is not one of its times",
                class(c)
            ),
            Violation::InvalidRoom { class: c, room: r } => {
                format!("class {}: room '{r}' is not one of its rooms", class(c))
            }
            Violation::UnknownStudent { id, class: c } => {
                format!("class {}: student '{id}' is not in the problem", class(c))
            }
            Violation::Unassigned { class: c } => format!("class {} has no time", class(c)),
            Violation::NoRoom { class: c } => {
                format!("class {} needs a room but has none", class(c))
            }
            Violation::RoomUnavailable { class: c, room: r } => {
                format!(
                    "class {} meets in room {} while it is unavailable",
                    class(c),
                    room(r)
                )
            }
            Violation::RoomClash { a, b, room: r } => format!(
                "classes {} and {} overlap in room {}",
                class(a),
                class(b),
                room(r)
            ),
            Violation::Distribution { index, units } => {
                let d = &p.distributions[*index as usize];
                let ids: Vec<&str> = d.classes.iter().map(|c| class(c).as_str()).collect();
                let what = if d.kind.is_pairwise() {
                    "failing pair(s)"
                } else {
                    match d.kind {
                        Constraint::MaxDays(_) => "day(s) too many",
                        Constraint::MaxDayLoad(_) => "slot(s) over the day load",
                        Constraint::MaxBreaks(..) => "break(s) too many",
                        _ => "over-long block(s)",
                    }
                };
                format!(
                    "required distribution #{} {} [{}]: {units} {what}",
                    index + 1,
                    d.kind,
                    ids.join(" ")
                )
            }
            Violation::CourseNotRequested {
                student: s,
                class: c,
            } => format!(
                "student {} is in class {} of course {}, which they did not request",
                student(s),
                class(c),
                course(&p.classes[*c as usize].course)
            ),
            Violation::CourseMissing {
                student: s,
                course: c,
            } => {
                format!(
                    "student {} is in no class of course {}",
                    student(s),
                    course(c)
                )
            }
            Violation::MultipleConfigs {
                student: s,
                course: c,
            } => format!(
                "student {} is in classes of several configurations of course {}",
                student(s),
                course(c)
            ),
            Violation::Subpart {
                student: s,
                subpart,
                count,
            } => {
                let sp = &p.subparts[*subpart as usize];
                let cfg = &p.configs[sp.config as usize];
                format!(
                    "student {} is in {count} classes of subpart {} (config {} of course {}), expected 1",
                    student(s),
                    sp.id,
                    cfg.id,
                    course(&cfg.course)
                )
            }
            Violation::ParentMissing {
                student: s,
                class: c,
                parent,
            } => format!(
                "student {} is in class {} but not in its parent class {}",
                student(s),
                class(c),
                class(parent)
            ),
            Violation::ClassLimit {
                class: c,
                enrolled,
                limit,
            } => format!("class {} has {enrolled} students, limit {limit}", class(c)),
        }
    }
}

/// The result of [`evaluate`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Evaluation {
    /// Sum of the chosen time options' penalties.
    pub time: u64,
    /// Sum of the chosen room options' penalties.
    pub room: u64,
    /// Sum of the soft distributions' costs.
    pub distribution: u64,
    /// Student conflicts: pairs of a student's classes that overlap or leave too little
    /// time to travel.
    pub student: u64,
    /// Per distribution: failing pairs (pair types), days above D (MaxDays), or the summed
    /// excess over weeks and days (the other whole-set types), before any penalty.
    pub distribution_units: Vec<u64>,
    /// Per distribution: its cost in the objective (0 for required ones).
    pub distribution_cost: Vec<u64>,
    /// The broken hard constraints.
    pub violations: Vec<Violation>,
}

impl Evaluation {
    /// The weighted objective.
    pub fn total(&self, w: &Weights) -> u64 {
        self.time * w.time as u64
            + self.room * w.room as u64
            + self.distribution * w.distribution as u64
            + self.student * w.student as u64
    }

    /// Soft distribution cost by type name.
    pub fn soft_by_type(&self, p: &Problem) -> BTreeMap<&'static str, u64> {
        let mut m = BTreeMap::new();
        for (d, &cost) in p.distributions.iter().zip(&self.distribution_cost) {
            if !d.required && cost > 0 {
                *m.entry(d.kind.name()).or_insert(0) += cost;
            }
        }
        m
    }
}

/// Whether a pair of placed classes satisfies a pair constraint. `i` is listed before `j`
/// in the constraint (only Precedence cares). Rooms are `None` for a class without one.
pub fn pair_ok(
    p: &Problem,
    kind: Constraint,
    a: &Time,
    ra: Option<RoomId>,
    b: &Time,
    rb: Option<RoomId>,
) -> bool {
    use Constraint::*;
    match kind {
        SameStart => a.start == b.start,
        SameTime => {
            (a.start <= b.start && b.end() <= a.end()) || (b.start <= a.start && a.end() <= b.end())
        }
        DifferentTime => a.end() <= b.start || b.end() <= a.start,
        SameDays => {
            let o = a.days | b.days;
            o == a.days || o == b.days
        }
        DifferentDays => a.days & b.days == 0,
        SameWeeks => {
            let o = a.weeks | b.weeks;
            o == a.weeks || o == b.weeks
        }
        DifferentWeeks => a.weeks & b.weeks == 0,
        Overlap => a.overlaps(b),
        NotOverlap => !a.overlaps(b),
        SameRoom => ra == rb,
        DifferentRoom => match (ra, rb) {
            (Some(x), Some(y)) => x != y,
            _ => true,
        },
        SameAttendees => !a.shares_day_and_week(b) || apart(a, b, travel(p, ra, rb)),
        Precedence => {
            let (fa, fb) = (first_bit(a.weeks), first_bit(b.weeks));
            if fa != fb {
                return fa < fb;
            }
            let (fa, fb) = (first_bit(a.days as u64), first_bit(b.days as u64));
            if fa != fb {
                return fa < fb;
            }
            a.end() <= b.start
        }
        WorkDay(s) => !a.shares_day_and_week(b) || a.end().max(b.end()) - a.start.min(b.start) <= s,
        MinGap(g) => !a.shares_day_and_week(b) || apart(a, b, g),
        MaxDays(_) | MaxDayLoad(_) | MaxBreaks(..) | MaxBlock(..) => {
            unreachable!("whole-set types are not checked by pairs")
        }
    }
}

/// Travel time between two optional rooms (0 unless both are rooms and differ).
#[inline]
pub fn travel(p: &Problem, a: Option<RoomId>, b: Option<RoomId>) -> u32 {
    match (a, b) {
        (Some(x), Some(y)) if x != y => p.travel(x, y),
        _ => 0,
    }
}

/// Whether one of the two ends at least `gap` slots before the other starts (in the day;
/// days and weeks are not looked at). In `u64`, so no sum can overflow.
#[inline]
pub fn apart(a: &Time, b: &Time, gap: u32) -> bool {
    a.end() as u64 + gap as u64 <= b.start as u64 || b.end() as u64 + gap as u64 <= a.start as u64
}

/// Index of the lowest set bit (a large number for an empty set, so it sorts last).
#[inline]
fn first_bit(x: u64) -> u32 {
    if x == 0 { 1 << 30 } else { x.trailing_zeros() }
}

/// Units of a whole-set constraint over the given times (see
/// [`Evaluation::distribution_units`]).
pub fn set_units(p: &Problem, kind: Constraint, times: &[Time]) -> u64 {
    if let Constraint::MaxDays(d) = kind {
        let days = times.iter().fold(0u32, |acc, t| acc | t.days);
        return (days.count_ones() as u64).saturating_sub(d as u64);
    }
    // (week * nrDays + day, start, end) for every meeting, grouped by week and day.
    let mut meetings: Vec<(u32, u32, u32)> = Vec::new();
    for t in times {
        let mut weeks = t.weeks & p.all_weeks();
        while weeks != 0 {
            let w = weeks.trailing_zeros();
            weeks &= weeks - 1;
            let mut days = t.days & p.all_days();
            while days != 0 {
                let d = days.trailing_zeros();
                days &= days - 1;
                meetings.push((w * p.nr_days + d, t.start, t.end()));
            }
        }
    }
    meetings.sort_unstable();
    let mut units = 0u64;
    for day in meetings.chunk_by(|x, y| x.0 == y.0) {
        units += match kind {
            Constraint::MaxDayLoad(s) => {
                let load: u64 = day.iter().map(|m| (m.2 - m.1) as u64).sum();
                load.saturating_sub(s as u64)
            }
            Constraint::MaxBreaks(r, s) => {
                let blocks = blocks(day, s).count() as u64;
                blocks.saturating_sub(r as u64 + 1)
            }
            Constraint::MaxBlock(m, s) => blocks(day, s)
                .filter(|b| b.count >= 2 && b.end - b.start > m)
                .count() as u64,
            _ => unreachable!("pair types are not checked by days"),
        };
    }
    units
}

/// A run of meetings of one day whose gaps are at most S slots.
#[derive(Clone, Copy, Debug)]
struct Block {
    start: u32,
    end: u32,
    count: u32,
}

/// The blocks of one day's meetings, sorted by start: a meeting joins the current block
/// when it starts at most `gap` slots after the block's end (`e + S ≥ s`).
fn blocks(day: &[(u32, u32, u32)], gap: u32) -> impl Iterator<Item = Block> + '_ {
    let mut i = 0;
    std::iter::from_fn(move || {
        let &(_, start, end) = day.get(i)?;
        let mut b = Block {
            start,
            end,
            count: 1,
        };
        i += 1;
        while let Some(&(_, s, e)) = day.get(i) {
            if s as u64 > b.end as u64 + gap as u64 {
                break;
            }
            b.end = b.end.max(e);
            b.count += 1;
            i += 1;
        }
        Some(b)
    })
}

/// The cost in the objective of a soft constraint with these units.
pub fn distribution_cost(p: &Problem, d: &Distribution, units: u64) -> u64 {
    if d.required {
        return 0;
    }
    let raw = d.penalty as u64 * units;
    match d.kind {
        Constraint::MaxDayLoad(_) | Constraint::MaxBreaks(..) | Constraint::MaxBlock(..) => {
            raw / p.nr_weeks as u64
        }
        _ => raw,
    }
}

/// Units of distribution `d` in the assignment (classes without a time are left out).
pub fn distribution_units(p: &Problem, a: &Assignment, d: &Distribution) -> u64 {
    let placed: Vec<(Time, Option<RoomId>)> = d
        .classes
        .iter()
        .filter_map(|&c| a.time_of(p, c).map(|t| (t, a.room_of(p, c))))
        .collect();
    if d.kind.is_pairwise() {
        let mut units = 0;
        for (i, (ta, ra)) in placed.iter().enumerate() {
            for (tb, rb) in &placed[i + 1..] {
                if !pair_ok(p, d.kind, ta, *ra, tb, *rb) {
                    units += 1;
                }
            }
        }
        units
    } else {
        let times: Vec<Time> = placed.iter().map(|x| x.0).collect();
        set_units(p, d.kind, &times)
    }
}

/// Scores an assignment from scratch.
pub fn evaluate(p: &Problem, a: &Assignment) -> Evaluation {
    let mut ev = Evaluation::default();
    let n = p.classes.len() as ClassId;
    // Times, rooms, unavailability.
    let mut by_room: Vec<Vec<(u32, ClassId)>> = vec![Vec::new(); p.rooms.len()];
    for c in 0..n {
        let Some(ti) = a.time[c as usize] else {
            ev.violations.push(Violation::Unassigned { class: c });
            continue;
        };
        let opt = p.times(c)[ti as usize];
        ev.time += opt.penalty as u64;
        if !p.classes[c as usize].needs_room() {
            continue;
        }
        let Some(ri) = a.room[c as usize] else {
            ev.violations.push(Violation::NoRoom { class: c });
            continue;
        };
        let ro = p.rooms_of(c)[ri as usize];
        ev.room += ro.penalty as u64;
        if p.rooms[ro.room as usize]
            .unavailable
            .iter()
            .any(|u| opt.time.overlaps(u))
        {
            ev.violations.push(Violation::RoomUnavailable {
                class: c,
                room: ro.room,
            });
        }
        by_room[ro.room as usize].push((opt.time.start, c));
    }
    // Room clashes: sorted by start, each class against those starting before it ends.
    for (r, list) in by_room.iter_mut().enumerate() {
        list.sort_unstable();
        for i in 0..list.len() {
            let (_, ca) = list[i];
            let ta = a.time_of(p, ca).expect("placed");
            for &(sb, cb) in &list[i + 1..] {
                if sb >= ta.end() {
                    break;
                }
                let tb = a.time_of(p, cb).expect("placed");
                if ta.shares_day_and_week(&tb) {
                    ev.violations.push(Violation::RoomClash {
                        a: ca,
                        b: cb,
                        room: r as RoomId,
                    });
                }
            }
        }
    }
    // Distributions.
    for (i, d) in p.distributions.iter().enumerate() {
        let units = distribution_units(p, a, d);
        let cost = distribution_cost(p, d, units);
        if d.required && units > 0 {
            ev.violations.push(Violation::Distribution {
                index: i as u32,
                units,
            });
        }
        ev.distribution += cost;
        ev.distribution_units.push(units);
        ev.distribution_cost.push(cost);
    }
    students(p, a, &mut ev);
    ev
}

/// Sectioning rules, class limits and student conflicts.
fn students(p: &Problem, a: &Assignment, ev: &mut Evaluation) {
    let mut by_student: Vec<Vec<ClassId>> = vec![Vec::new(); p.students.len()];
    for (c, list) in a.students.iter().enumerate() {
        for &s in list {
            by_student[s as usize].push(c as ClassId);
        }
        let limit = p.classes[c].limit;
        if list.len() as u64 > limit as u64 {
            ev.violations.push(Violation::ClassLimit {
                class: c as ClassId,
                enrolled: list.len() as u32,
                limit,
            });
        }
    }
    // Scratch per subpart: how many of the student's classes are in it.
    let mut count = vec![0u32; p.subparts.len()];
    let mut chosen = vec![u32::MAX; p.classes.len()];
    for (s, classes) in by_student.iter_mut().enumerate() {
        let s = s as StudentId;
        classes.sort_unstable();
        let req = &p.students[s as usize].courses;
        for &c in classes.iter() {
            chosen[c as usize] = s;
            if !req.contains(&p.classes[c as usize].course) {
                ev.violations.push(Violation::CourseNotRequested {
                    student: s,
                    class: c,
                });
            }
        }
        for &course in req {
            let got: Vec<ClassId> = classes
                .iter()
                .copied()
                .filter(|&c| p.classes[c as usize].course == course)
                .collect();
            let Some(&first) = got.first() else {
                ev.violations
                    .push(Violation::CourseMissing { student: s, course });
                continue;
            };
            let cfg = p.classes[first as usize].config;
            if got.iter().any(|&c| p.classes[c as usize].config != cfg) {
                ev.violations
                    .push(Violation::MultipleConfigs { student: s, course });
                continue;
            }
            for &c in &got {
                count[p.classes[c as usize].subpart as usize] += 1;
            }
            for sp in p.configs[cfg as usize].subparts.clone() {
                let k = std::mem::take(&mut count[sp as usize]);
                if k != 1 {
                    ev.violations.push(Violation::Subpart {
                        student: s,
                        subpart: sp,
                        count: k,
                    });
                }
            }
            for &c in &got {
                if let Some(par) = p.classes[c as usize].parent
                    && chosen[par as usize] != s
                {
                    ev.violations.push(Violation::ParentMissing {
                        student: s,
                        class: c,
                        parent: par,
                    });
                }
            }
        }
        // Conflicts between the student's placed classes.
        let placed: Vec<(Time, Option<RoomId>)> = classes
            .iter()
            .filter_map(|&c| a.time_of(p, c).map(|t| (t, a.room_of(p, c))))
            .collect();
        for (i, (ta, ra)) in placed.iter().enumerate() {
            for (tb, rb) in &placed[i + 1..] {
                if ta.shares_day_and_week(tb) && !apart(ta, tb, travel(p, *ra, *rb)) {
                    ev.student += 1;
                }
            }
        }
    }
}
