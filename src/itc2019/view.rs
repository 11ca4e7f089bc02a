//! What the page shows of an ITC-2019 timetable: the grid of one room, course or student
//! group for one chosen week (cells with clock times and side-by-side lanes where classes
//! overlap), the student groups, and the violations and soft costs in words with the
//! classes they involve.
//!
//! ITC-2019 times are bit sets over weeks and days with a start slot and a length; a slot
//! is `1440 / slotsPerDay` minutes (5 in every competition file), counted from midnight.
//! A grid is always of one week, because a class may meet only in some weeks (odd weeks,
//! a block of the term): the week decides which classes are on it.
//!
//! Everything is computed here from a [`Problem`] and an [`Assignment`], so the page and
//! the tests see the same cells; the web bindings only convert them.

use serde::Serialize;
use thiserror::Error;

use super::eval::{Assignment, Evaluation, Violation};
use super::model::*;

/// A view that cannot be made: what the caller asked for, and what exists.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum ViewError {
    #[error("'{0}' is not a kind of timetable (expected room, course or group)")]
    UnknownKind(String),
    #[error("there is no {kind} number {index}: this timetable has {count}")]
    NoSuch {
        kind: &'static str,
        index: usize,
        count: usize,
    },
    #[error("week {week} is not a week of the term (1..={weeks})")]
    BadWeek { week: u32, weeks: u32 },
}

/// Whose timetable a grid or an export shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ViewKind {
    /// One room's classes.
    Room,
    /// One course's classes (all its configurations).
    Course,
    /// One student group: students enrolled in exactly the same classes.
    Group,
}

impl ViewKind {
    /// `room`, `course` or `group`.
    pub fn parse(s: &str) -> Result<ViewKind, ViewError> {
        match s {
            "room" => Ok(ViewKind::Room),
            "course" => Ok(ViewKind::Course),
            "group" => Ok(ViewKind::Group),
            _ => Err(ViewError::UnknownKind(s.to_string())),
        }
    }

    /// The word the errors and labels use.
    pub fn word(self) -> &'static str {
        match self {
            ViewKind::Room => "room",
            ViewKind::Course => "course",
            ViewKind::Group => "group",
        }
    }
}

/// Students who attend exactly the same classes: ITC-2019 has no curricula, and a group
/// of this kind is what a registrar prints one timetable for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StudentGroup {
    /// The students' file ids, in file order.
    pub students: Vec<String>,
    /// The classes (dense ids, ascending).
    #[serde(skip)]
    pub classes: Vec<ClassId>,
}

/// The student groups of an assignment, in the order of their first student; students in
/// no class are in no group.
pub fn student_groups(p: &Problem, a: &Assignment) -> Vec<StudentGroup> {
    let mut of_student: Vec<Vec<ClassId>> = vec![Vec::new(); p.students.len()];
    for (c, list) in a.students.iter().enumerate() {
        for &s in list {
            if let Some(v) = of_student.get_mut(s as usize) {
                v.push(c as ClassId);
            }
        }
    }
    let mut index: std::collections::HashMap<&[ClassId], usize> = Default::default();
    let mut groups: Vec<StudentGroup> = Vec::new();
    for (s, classes) in of_student.iter().enumerate() {
        if classes.is_empty() {
            continue;
        }
        let g = *index.entry(classes.as_slice()).or_insert_with(|| {
            groups.push(StudentGroup {
                students: Vec::new(),
                classes: classes.clone(),
            });
            groups.len() - 1
        });
        groups[g].students.push(p.students[s].id.clone());
    }
    groups
}

/// Minutes in one slot: `1440 / slotsPerDay` when that divides evenly, else 5 (the
/// competition's slot).
pub fn minutes_per_slot(p: &Problem) -> u32 {
    if p.slots_per_day > 0 && 1440 % p.slots_per_day == 0 {
        1440 / p.slots_per_day
    } else {
        5
    }
}

/// `HH:MM` of a slot boundary, minutes from midnight (`24:00` for the end of the day).
pub fn clock(p: &Problem, slot: u32) -> String {
    let m = slot * minutes_per_slot(p);
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// How a class is marked in a grid: `hard` when a hard violation involves it, `soft` when
/// it costs something (a time or room penalty, a soft distribution with a cost).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Soft,
    Hard,
}

/// One class in a week's grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// The class's file id and its dense index.
    pub class: String,
    pub class_index: ClassId,
    pub course: String,
    pub config: String,
    pub subpart: String,
    /// 0-based day of the week, first and end slot.
    pub day: u32,
    pub start: u32,
    pub end: u32,
    pub start_clock: String,
    pub end_clock: String,
    /// The room's file id; `None` for a class without a room.
    pub room: Option<String>,
    pub students: usize,
    pub limit: u32,
    /// Side-by-side placement of overlapping classes on a day: this cell is in lane
    /// `lane` of `lanes`.
    pub lane: u32,
    pub lanes: u32,
    pub mark: Option<Mark>,
}

/// One week of one room, course or group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct WeekGrid {
    pub kind: ViewKind,
    pub name: String,
    /// 1-based week of the term.
    pub week: u32,
    pub nr_weeks: u32,
    pub nr_days: u32,
    pub minutes_per_slot: u32,
    /// The rows' range, whole hours around every placed class of the entity (in any
    /// week), so that switching weeks keeps the scale: `[first_slot, end_slot)`.
    pub first_slot: u32,
    pub end_slot: u32,
    pub cells: Vec<Cell>,
    /// Classes of the entity that meet in other weeks only.
    pub other_weeks: usize,
    /// Classes of the entity that have no time (file ids).
    pub unplaced: Vec<String>,
}

/// Per class, the worst mark: hard from `violations`, soft from time and room penalties
/// and soft distributions with a cost in `ev`.
pub fn class_marks(
    p: &Problem,
    a: &Assignment,
    violations: &[Violation],
    ev: &Evaluation,
) -> Vec<Option<Mark>> {
    let mut marks = vec![None; p.classes.len()];
    let mut set = |c: ClassId, m: Mark| {
        let slot = &mut marks[c as usize];
        if slot.is_none_or(|old| old < m) {
            *slot = Some(m);
        }
    };
    for c in 0..p.classes.len() as ClassId {
        let tp = a.time[c as usize].map_or(0, |t| p.times(c)[t as usize].penalty);
        let rp = a.time[c as usize]
            .and(a.room[c as usize])
            .and_then(|r| p.rooms_of(c).get(r as usize))
            .map_or(0, |r| r.penalty);
        if tp > 0 || rp > 0 {
            set(c, Mark::Soft);
        }
    }
    for (i, d) in p.distributions.iter().enumerate() {
        if !d.required && ev.distribution_cost.get(i).copied().unwrap_or(0) > 0 {
            for &c in &d.classes {
                set(c, Mark::Soft);
            }
        }
    }
    for v in violations {
        for c in violation_classes(p, a, v) {
            set(c, Mark::Hard);
        }
    }
    marks
}

/// The classes a hard violation involves (empty for the file-level ones).
pub fn violation_classes(p: &Problem, a: &Assignment, v: &Violation) -> Vec<ClassId> {
    let enrolled_in = |s: StudentId, range: std::ops::Range<ClassId>| -> Vec<ClassId> {
        range
            .filter(|&c| a.students[c as usize].binary_search(&s).is_ok())
            .collect()
    };
    let course_classes = |course: CourseId| {
        let cfgs = &p.courses[course as usize].configs;
        let first = &p.configs[cfgs.start as usize];
        let last = &p.configs[cfgs.end as usize - 1];
        let from = p.subparts[first.subparts.start as usize].classes.start;
        let to = p.subparts[last.subparts.end as usize - 1].classes.end;
        from..to
    };
    match v {
        Violation::NameMismatch { .. } | Violation::UnknownClass { .. } => Vec::new(),
        Violation::DuplicateClass { class }
        | Violation::InvalidTime { class, .. }
        | Violation::InvalidRoom { class, .. }
        | Violation::UnknownStudent { class, .. }
        | Violation::Unassigned { class }
        | Violation::NoRoom { class }
        | Violation::RoomUnavailable { class, .. }
        | Violation::CourseNotRequested { class, .. }
        | Violation::ClassLimit { class, .. } => vec![*class],
        Violation::RoomClash { a, b, .. } => vec![*a, *b],
        Violation::Distribution { index, .. } => p.distributions[*index as usize].classes.clone(),
        Violation::CourseMissing { .. } => Vec::new(),
        Violation::MultipleConfigs { student, course } => {
            enrolled_in(*student, course_classes(*course))
        }
        Violation::Subpart {
            student, subpart, ..
        } => enrolled_in(*student, p.subparts[*subpart as usize].classes.clone()),
        Violation::ParentMissing { class, parent, .. } => vec![*class, *parent],
    }
}

/// A hard violation or a soft cost, in words, with the classes it involves (file ids) —
/// the page's violation list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Item {
    pub hard: bool,
    /// A hard violation's kind (one of [`super::eval::HARD_KINDS`]) or the soft part:
    /// `time`, `room`, `distribution`.
    pub kind: &'static str,
    pub text: String,
    /// The unweighted cost (soft) or units (a required distribution; 1 otherwise).
    pub cost: u64,
    pub classes: Vec<String>,
    /// Where to look at it: the course (dense index, as [`View::names`] numbers courses)
    /// of its first class, and the first week (1-based) that class meets, if it has a time.
    pub course: Option<CourseId>,
    pub week: Option<u32>,
}

/// Every hard violation (as listed), then every soft cost: soft distributions with a cost
/// and classes with a time or room penalty, costliest first.
pub fn items(p: &Problem, a: &Assignment, violations: &[Violation], ev: &Evaluation) -> Vec<Item> {
    let ids = |cs: &[ClassId]| -> Vec<String> {
        cs.iter()
            .map(|&c| p.classes[c as usize].id.clone())
            .collect()
    };
    let course = |cs: &[ClassId]| cs.first().map(|&c| p.classes[c as usize].course);
    let week = |cs: &[ClassId]| {
        cs.first()
            .and_then(|&c| a.time_of(p, c))
            .filter(|t| t.weeks != 0)
            .map(|t| t.weeks.trailing_zeros() + 1)
    };
    let mut out: Vec<Item> = violations
        .iter()
        .map(|v| {
            let cs = violation_classes(p, a, v);
            Item {
                hard: true,
                kind: v.kind(),
                text: v.describe(p),
                cost: match v {
                    Violation::Distribution { units, .. } => *units,
                    _ => 1,
                },
                classes: ids(&cs),
                course: course(&cs),
                week: week(&cs),
            }
        })
        .collect();
    let mut soft = Vec::new();
    for (i, d) in p.distributions.iter().enumerate() {
        let cost = ev.distribution_cost.get(i).copied().unwrap_or(0);
        if d.required || cost == 0 {
            continue;
        }
        let list: Vec<&str> = d
            .classes
            .iter()
            .map(|&c| p.classes[c as usize].id.as_str())
            .collect();
        soft.push(Item {
            hard: false,
            kind: "distribution",
            text: format!(
                "distribution #{} {} [{}] costs {cost} (penalty {} per unit)",
                i + 1,
                d.kind,
                list.join(" "),
                d.penalty
            ),
            cost,
            classes: ids(&d.classes),
            course: course(&d.classes),
            week: week(&d.classes),
        });
    }
    for c in 0..p.classes.len() as ClassId {
        let Some(t) = a.time[c as usize] else {
            continue;
        };
        let id = &p.classes[c as usize].id;
        let tp = p.times(c)[t as usize].penalty;
        if tp > 0 {
            soft.push(Item {
                hard: false,
                kind: "time",
                text: format!("class {id}: its time costs {tp}"),
                cost: u64::from(tp),
                classes: vec![id.clone()],
                course: course(&[c]),
                week: week(&[c]),
            });
        }
        if let Some(r) = a.room[c as usize]
            .and_then(|r| p.rooms_of(c).get(r as usize))
            .filter(|r| r.penalty > 0)
        {
            soft.push(Item {
                hard: false,
                kind: "room",
                text: format!(
                    "class {id}: room {} costs {}",
                    p.rooms[r.room as usize].id, r.penalty
                ),
                cost: u64::from(r.penalty),
                classes: vec![id.clone()],
                course: course(&[c]),
                week: week(&[c]),
            });
        }
    }
    // Costliest first; ties in the order found (stable sort).
    soft.sort_by_key(|x| std::cmp::Reverse(x.cost));
    out.extend(soft);
    out
}

/// The timetable of one assignment as the page browses it: names per kind, a week's grid
/// of one entity, how busy each week is.
pub struct View<'a> {
    p: &'a Problem,
    a: &'a Assignment,
    groups: Vec<StudentGroup>,
    marks: Vec<Option<Mark>>,
}

impl<'a> View<'a> {
    /// `violations`: the hard violations to mark (a checked file's reading issues
    /// included); `ev`: the assignment's evaluation (soft marks).
    pub fn new(
        p: &'a Problem,
        a: &'a Assignment,
        violations: &[Violation],
        ev: &Evaluation,
    ) -> View<'a> {
        View {
            p,
            a,
            groups: student_groups(p, a),
            marks: class_marks(p, a, violations, ev),
        }
    }

    /// The student groups.
    pub fn groups(&self) -> &[StudentGroup] {
        &self.groups
    }

    /// The names of one kind, in file order: room ids, course ids, and for groups
    /// `G1 (n students: first ids)`.
    pub fn names(&self, kind: ViewKind) -> Vec<String> {
        match kind {
            ViewKind::Room => self.p.rooms.iter().map(|r| r.id.clone()).collect(),
            ViewKind::Course => self.p.courses.iter().map(|c| c.id.clone()).collect(),
            ViewKind::Group => self
                .groups
                .iter()
                .enumerate()
                .map(|(i, g)| group_name(i, g))
                .collect(),
        }
    }

    /// The classes of entity `index` of `kind` (a room's: those placed in it).
    pub fn classes_of(&self, kind: ViewKind, index: usize) -> Result<Vec<ClassId>, ViewError> {
        let p = self.p;
        let count = match kind {
            ViewKind::Room => p.rooms.len(),
            ViewKind::Course => p.courses.len(),
            ViewKind::Group => self.groups.len(),
        };
        if index >= count {
            return Err(ViewError::NoSuch {
                kind: kind.word(),
                index,
                count,
            });
        }
        Ok(match kind {
            ViewKind::Room => (0..p.classes.len() as ClassId)
                .filter(|&c| self.a.room_of(p, c) == Some(index as RoomId))
                .collect(),
            ViewKind::Course => p
                .classes
                .iter()
                .enumerate()
                .filter(|(_, c)| c.course == index as CourseId)
                .map(|(i, _)| i as ClassId)
                .collect(),
            ViewKind::Group => self.groups[index].classes.clone(),
        })
    }

    /// The grid of entity `index` of `kind` in `week` (1-based).
    pub fn grid(&self, kind: ViewKind, index: usize, week: u32) -> Result<WeekGrid, ViewError> {
        let p = self.p;
        if week == 0 || week > p.nr_weeks {
            return Err(ViewError::BadWeek {
                week,
                weeks: p.nr_weeks,
            });
        }
        let classes = self.classes_of(kind, index)?;
        let name = self.names(kind).swap_remove(index);
        let bit = 1u64 << (week - 1);
        let mut cells = Vec::new();
        let mut unplaced = Vec::new();
        let mut other_weeks = 0;
        let (mut lo, mut hi) = (u32::MAX, 0);
        for &c in &classes {
            let cls = &p.classes[c as usize];
            let Some(t) = self.a.time_of(p, c) else {
                unplaced.push(cls.id.clone());
                continue;
            };
            lo = lo.min(t.start);
            hi = hi.max(t.end());
            if t.weeks & bit == 0 {
                other_weeks += 1;
                continue;
            }
            let room = self.a.room_of(p, c).map(|r| p.rooms[r as usize].id.clone());
            for day in 0..p.nr_days.min(32) {
                if t.days >> day & 1 == 0 {
                    continue;
                }
                cells.push(Cell {
                    class: cls.id.clone(),
                    class_index: c,
                    course: p.courses[cls.course as usize].id.clone(),
                    config: p.configs[cls.config as usize].id.clone(),
                    subpart: p.subparts[cls.subpart as usize].id.clone(),
                    day,
                    start: t.start,
                    end: t.end(),
                    start_clock: clock(p, t.start),
                    end_clock: clock(p, t.end()),
                    room: room.clone(),
                    students: self.a.students[c as usize].len(),
                    limit: cls.limit,
                    lane: 0,
                    lanes: 1,
                    mark: self.marks[c as usize],
                });
            }
        }
        lay_out(&mut cells);
        let per_hour = (60 / minutes_per_slot(p)).max(1);
        let (first_slot, end_slot) = if lo >= hi {
            (8 * per_hour, 18 * per_hour)
        } else {
            (lo / per_hour * per_hour, hi.div_ceil(per_hour) * per_hour)
        };
        Ok(WeekGrid {
            kind,
            name,
            week,
            nr_weeks: p.nr_weeks,
            nr_days: p.nr_days,
            minutes_per_slot: minutes_per_slot(p),
            first_slot,
            end_slot,
            cells,
            other_weeks,
            unplaced,
        })
    }

    /// Meetings (class × day) in each week of the term, index 0 = week 1.
    pub fn week_load(&self) -> Vec<usize> {
        let p = self.p;
        let mut load = vec![0; p.nr_weeks as usize];
        for c in 0..p.classes.len() as ClassId {
            if let Some(t) = self.a.time_of(p, c) {
                for (w, n) in load.iter_mut().enumerate() {
                    if t.weeks >> w & 1 == 1 {
                        *n += t.days.count_ones() as usize;
                    }
                }
            }
        }
        load
    }
}

/// `G3 (2 students: s1, s7)`, at most three ids shown.
fn group_name(i: usize, g: &StudentGroup) -> String {
    let shown: Vec<&str> = g.students.iter().take(3).map(String::as_str).collect();
    let more = if g.students.len() > 3 { ", …" } else { "" };
    let n = g.students.len();
    format!(
        "G{} ({n} student{}: {}{more})",
        i + 1,
        if n == 1 { "" } else { "s" },
        shown.join(", ")
    )
}

/// Sorts the cells by day and start and puts overlapping ones side by side: each cell
/// takes the lowest lane free at its start; a run of cells that overlap one another
/// (transitively) shares its number of lanes.
fn lay_out(cells: &mut [Cell]) {
    cells.sort_by(|x, y| (x.day, x.start, x.end, &x.class).cmp(&(y.day, y.start, y.end, &y.class)));
    let mut i = 0;
    while i < cells.len() {
        // One cluster: cells of the same day that overlap the cluster so far.
        let day = cells[i].day;
        let mut end = cells[i].end;
        let mut j = i + 1;
        while j < cells.len() && cells[j].day == day && cells[j].start < end {
            end = end.max(cells[j].end);
            j += 1;
        }
        let mut lane_ends: Vec<u32> = Vec::new();
        for cell in &mut cells[i..j] {
            let lane = match lane_ends.iter().position(|&e| e <= cell.start) {
                Some(l) => l,
                None => {
                    lane_ends.push(0);
                    lane_ends.len() - 1
                }
            };
            lane_ends[lane] = cell.end;
            cell.lane = lane as u32;
        }
        for cell in &mut cells[i..j] {
            cell.lanes = lane_ends.len() as u32;
        }
        i = j;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::itc2019::{evaluate, parse_problem};

    /// Two rooms, one course of two subparts (lecture: parent of two seminars), 4 weeks,
    /// 3 students; the seminars overlap on Monday in week 1 only.
    const XML: &str = r#"<problem name="tiny" nrDays="7" slotsPerDay="288" nrWeeks="4">
<optimization time="1" room="1" distribution="1" student="1"/>
<rooms><room id="1" capacity="50"/><room id="2" capacity="20"/></rooms>
<courses><course id="C1"><config id="1">
 <subpart id="L"><class id="10" limit="3">
   <room id="1" penalty="0"/>
   <time days="1010000" start="102" length="22" weeks="1111" penalty="0"/>
 </class></subpart>
 <subpart id="S">
  <class id="11" limit="2" parent="10">
   <room id="2" penalty="3"/>
   <time days="1000000" start="120" length="12" weeks="1010" penalty="0"/>
  </class>
  <class id="12" limit="2" parent="10">
   <room id="2" penalty="0"/>
   <time days="1000000" start="126" length="12" weeks="1100" penalty="2"/>
  </class>
 </subpart>
</config></course></courses>
<distributions><distribution type="SameDays" penalty="5"><class id="11"/><class id="12"/></distribution></distributions>
<students><student id="a"><course id="C1"/></student><student id="b"><course id="C1"/></student>
<student id="c"><course id="C1"/></student></students>
</problem>"#;

    fn setup() -> (Problem, Assignment) {
        let p = parse_problem(XML.as_bytes(), "tiny.xml").expect("the test instance reads");
        let a = Assignment {
            time: vec![Some(0), Some(0), Some(0)],
            room: vec![Some(0), Some(0), Some(0)],
            // a and b in 10 + 11; c in 10 + 12.
            students: vec![vec![0, 1, 2], vec![0, 1], vec![2]],
        };
        (p, a)
    }

    #[test]
    fn clock_counts_five_minute_slots_from_midnight() {
        let (p, _) = setup();
        assert_eq!(minutes_per_slot(&p), 5);
        assert_eq!(clock(&p, 102), "08:30");
        assert_eq!(clock(&p, 124), "10:20");
        assert_eq!(clock(&p, 288), "24:00");
    }

    #[test]
    fn groups_are_students_with_the_same_classes() {
        let (p, a) = setup();
        let g = student_groups(&p, &a);
        assert_eq!(g.len(), 2);
        assert_eq!(g[0].students, ["a", "b"]);
        assert_eq!(g[0].classes, [0, 1]);
        assert_eq!(g[1].students, ["c"]);
        assert_eq!(g[1].classes, [0, 2]);
    }

    #[test]
    fn a_week_shows_only_the_classes_meeting_in_it_with_overlaps_in_lanes() {
        let (p, a) = setup();
        let ev = evaluate(&p, &a);
        let v = View::new(&p, &a, &ev.violations, &ev);
        // Room 2 in week 1: seminars 11 (10:00-11:00) and 12 (10:30-11:30) overlap on Monday.
        let g = v.grid(ViewKind::Room, 1, 1).unwrap();
        let cells: Vec<(&str, u32, &str, &str, u32, u32)> = g
            .cells
            .iter()
            .map(|c| {
                (
                    c.class.as_str(),
                    c.day,
                    c.start_clock.as_str(),
                    c.end_clock.as_str(),
                    c.lane,
                    c.lanes,
                )
            })
            .collect();
        assert_eq!(
            cells,
            [
                ("11", 0, "10:00", "11:00", 0, 2),
                ("12", 0, "10:30", "11:30", 1, 2)
            ]
        );
        assert_eq!((g.first_slot, g.end_slot), (120, 144));
        // Their room clash marks both hard.
        assert!(g.cells.iter().all(|c| c.mark == Some(Mark::Hard)));
        // Week 3: only 11 meets (weeks 1010), 12 (1100) is in other weeks only.
        let g3 = v.grid(ViewKind::Room, 1, 3).unwrap();
        assert_eq!(g3.cells.len(), 1);
        assert_eq!((g3.cells[0].class.as_str(), g3.cells[0].lanes), ("11", 1));
        assert_eq!(g3.other_weeks, 1);
        // Week 4: neither.
        assert_eq!(v.grid(ViewKind::Room, 1, 4).unwrap().other_weeks, 2);
    }

    #[test]
    fn a_course_and_a_group_grid_list_their_classes_on_every_day() {
        let (p, a) = setup();
        let ev = evaluate(&p, &a);
        let v = View::new(&p, &a, &[], &ev);
        let course = v.grid(ViewKind::Course, 0, 2).unwrap();
        // Week 2: the lecture on Monday and Wednesday, seminar 12 on Monday.
        let got: Vec<(&str, u32)> = course
            .cells
            .iter()
            .map(|c| (c.class.as_str(), c.day))
            .collect();
        assert_eq!(got, [("10", 0), ("12", 0), ("10", 2)]);
        assert_eq!(course.cells[0].room.as_deref(), Some("1"));
        assert_eq!(course.cells[0].students, 3);
        // Lecture 08:30-10:20 and seminar 10:30-11:30 do not overlap: one lane each.
        assert!(course.cells.iter().all(|c| c.lanes == 1));
        assert_eq!((course.first_slot, course.end_slot), (96, 144));
        let group = v.grid(ViewKind::Group, 1, 1).unwrap();
        assert_eq!(group.name, "G2 (1 student: c)");
        let got: Vec<&str> = group.cells.iter().map(|c| c.class.as_str()).collect();
        assert_eq!(got, ["10", "12", "10"]);
        // Without violations passed, marks are soft only: 11's room and 12's time cost.
        let marks: Vec<Option<Mark>> = course.cells.iter().map(|c| c.mark).collect();
        assert_eq!(marks, [None, Some(Mark::Soft), None]);
    }

    #[test]
    fn bad_requests_are_errors_naming_what_exists() {
        let (p, a) = setup();
        let ev = evaluate(&p, &a);
        let v = View::new(&p, &a, &[], &ev);
        assert_eq!(
            v.grid(ViewKind::Room, 0, 5).unwrap_err().to_string(),
            "week 5 is not a week of the term (1..=4)"
        );
        assert_eq!(
            v.grid(ViewKind::Group, 2, 1).unwrap_err().to_string(),
            "there is no group number 2: this timetable has 2"
        );
        assert_eq!(
            ViewKind::parse("teacher").unwrap_err().to_string(),
            "'teacher' is not a kind of timetable (expected room, course or group)"
        );
    }

    #[test]
    fn items_list_the_clash_then_soft_costs_costliest_first() {
        let (p, a) = setup();
        let ev = evaluate(&p, &a);
        let items = items(&p, &a, &ev.violations, &ev);
        let hard: Vec<&Item> = items.iter().filter(|i| i.hard).collect();
        assert_eq!(hard.len(), ev.violations.len());
        let clash = hard
            .iter()
            .find(|i| i.kind == "room_clash")
            .expect("the seminars clash");
        assert_eq!(clash.text, "classes 11 and 12 overlap in room 2");
        assert_eq!(clash.classes, ["11", "12"]);
        // Seen in course 0, in week 1 (class 11 meets in weeks 1 and 3).
        assert_eq!((clash.course, clash.week), (Some(0), Some(1)));
        let soft: Vec<(&str, u64)> = items
            .iter()
            .filter(|i| !i.hard)
            .map(|i| (i.kind, i.cost))
            .collect();
        // Room penalty 3 of class 11, time penalty 2 of class 12; SameDays holds (both Monday).
        assert_eq!(soft, [("room", 3), ("time", 2)]);
        assert_eq!(v_week_load(&p, &a), [4, 3, 3, 2]);
    }

    fn v_week_load(p: &Problem, a: &Assignment) -> Vec<usize> {
        let ev = evaluate(p, a);
        View::new(p, a, &[], &ev).week_load()
    }
}
