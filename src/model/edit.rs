//! Edits of an instance, the week a timetabling officer lives through: a teacher away, a
//! room closed, a course gaining a lecture or students, a new elective, two student groups
//! merged, pins set. Applied by name (as a person or a portal script names things), through
//! [`Instance::to_parts`] and [`Instance::new`], so that an edited instance is checked like
//! a loaded one. [`carry_over`] then reads last week's timetable against the edited
//! instance: the start (and reference) of a repair.
//!
//! Edits only ever add (lectures, courses, unavailability, students, curriculum members):
//! the ids of existing courses, rooms, teachers and periods stay, so a timetable of the old
//! instance maps onto the new one course by course.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::campus::Pin;
use super::ids::Slot;
use super::ids::{CourseId, CurriculumId, LectureId, PeriodId, RoomId, TeacherId};
use super::instance::{Course, Instance, ModelError};
use super::timetable::Timetable;

/// A pin by names: a course's lecture fixed in period (day and period of the day, both or
/// neither) and/or room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PinEdit {
    pub course: String,
    #[serde(default)]
    pub day: Option<usize>,
    #[serde(default)]
    pub period: Option<usize>,
    #[serde(default)]
    pub room: Option<String>,
}

/// A teacher or room and one period (0-based day and period of the day).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AtEdit {
    pub name: String,
    pub day: usize,
    pub period: usize,
}

/// More lectures for an existing course.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddLectures {
    pub course: String,
    pub lectures: u16,
}

/// A new course. Its teacher is created when no teacher has that name; it joins the
/// named curricula (its students' groups).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCourse {
    pub name: String,
    pub teacher: String,
    pub lectures: u16,
    pub min_working_days: u16,
    pub students: u32,
    #[serde(default)]
    pub curricula: Vec<String>,
}

/// A course's new number of students.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SetStudents {
    pub course: String,
    pub students: u32,
}

/// Curriculum `from`'s courses join curriculum `into` (its students now follow both).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MergeCurricula {
    pub into: String,
    pub from: String,
}

/// A set of edits (JSON: every field optional; unknown fields are an error).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct InstanceEdits {
    /// Replaces the instance's pins when given.
    pub pins: Option<Vec<PinEdit>>,
    pub teacher_unavailable: Vec<AtEdit>,
    pub room_closed: Vec<AtEdit>,
    pub add_lectures: Vec<AddLectures>,
    pub new_courses: Vec<NewCourse>,
    pub students: Vec<SetStudents>,
    pub merge_curricula: Vec<MergeCurricula>,
}

/// Why edits could not be applied.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum EditError {
    #[error("{what}: no {kind} named '{name}'")]
    Unknown {
        what: String,
        kind: &'static str,
        name: String,
    },
    #[error(
        "{what}: day {day}, period {period} is outside the week ({days} days of {per_day} periods, counted from 0)"
    )]
    OutsideWeek {
        what: String,
        day: usize,
        period: usize,
        days: u16,
        per_day: u16,
    },
    #[error("{what}: give both day and period, or neither")]
    HalfPeriod { what: String },
    #[error("{what}: pins nothing (no period, no room)")]
    PinsNothing { what: String },
    #[error("new course {0}: a course of that name exists")]
    DuplicateCourse(String),
    #[error("the edited instance is not valid: {0}")]
    Model(#[from] ModelError),
}

fn unknown(what: &str, kind: &'static str, name: &str) -> EditError {
    EditError::Unknown {
        what: what.to_string(),
        kind,
        name: name.to_string(),
    }
}

/// The period of (day, period of the day), or an error naming what is out of range.
fn period_at(
    inst: &Instance,
    day: usize,
    period: usize,
    what: &str,
) -> Result<PeriodId, EditError> {
    if day >= usize::from(inst.days) || period >= usize::from(inst.periods_per_day) {
        return Err(EditError::OutsideWeek {
            what: what.to_string(),
            day,
            period,
            days: inst.days,
            per_day: inst.periods_per_day,
        });
    }
    Ok(inst.period_at(day, period))
}

fn course_id(inst: &Instance, name: &str, what: &str) -> Result<CourseId, EditError> {
    inst.course_by_name(name)
        .ok_or_else(|| unknown(what, "course", name))
}

fn room_id(inst: &Instance, name: &str, what: &str) -> Result<RoomId, EditError> {
    inst.room_by_name(name)
        .ok_or_else(|| unknown(what, "room", name))
}

fn teacher_id(inst: &Instance, name: &str, what: &str) -> Result<TeacherId, EditError> {
    inst.teachers
        .iter()
        .position(|n| n == name)
        .map(|i| TeacherId(i as u16))
        .ok_or_else(|| unknown(what, "teacher", name))
}

fn curriculum_id(inst: &Instance, name: &str, what: &str) -> Result<CurriculumId, EditError> {
    inst.curricula
        .iter()
        .position(|g| g.name == name)
        .map(|i| CurriculumId(i as u16))
        .ok_or_else(|| unknown(what, "curriculum", name))
}

impl InstanceEdits {
    /// True when nothing is edited.
    pub fn is_empty(&self) -> bool {
        *self == InstanceEdits::default()
    }

    /// `inst` with these edits applied, checked as a loaded instance is (too many pins
    /// for a course, say, is [`ModelError::TooManyPins`]).
    pub fn apply(&self, inst: &Instance) -> Result<Instance, EditError> {
        let mut parts = inst.to_parts();
        if let Some(pins) = &self.pins {
            let mut out = Vec::with_capacity(pins.len());
            for p in pins {
                let what = format!("pin of {}", p.course);
                let course = course_id(inst, &p.course, "pin")?;
                let period = match (p.day, p.period) {
                    (Some(d), Some(s)) => Some(period_at(inst, d, s, &what)?),
                    (None, None) => None,
                    _ => return Err(EditError::HalfPeriod { what }),
                };
                let room = p
                    .room
                    .as_deref()
                    .map(|r| room_id(inst, r, &what))
                    .transpose()?;
                if period.is_none() && room.is_none() {
                    return Err(EditError::PinsNothing { what });
                }
                out.push(Pin {
                    course,
                    period,
                    room,
                });
            }
            parts.campus.pins = out;
        }
        for t in &self.teacher_unavailable {
            let what = format!("teacher {} unavailable", t.name);
            let entry = (
                teacher_id(inst, &t.name, &what)?,
                period_at(inst, t.day, t.period, &what)?,
            );
            if !parts.campus.teacher_unavailable.contains(&entry) {
                parts.campus.teacher_unavailable.push(entry);
            }
        }
        for r in &self.room_closed {
            let what = format!("room {} closed", r.name);
            let entry = (
                room_id(inst, &r.name, &what)?,
                period_at(inst, r.day, r.period, &what)?,
            );
            if !parts.campus.room_unavailable.contains(&entry) {
                parts.campus.room_unavailable.push(entry);
            }
        }
        for a in &self.add_lectures {
            let c = course_id(inst, &a.course, "add lectures")?;
            let course = &mut parts.courses[c.idx()];
            course.lectures = course.lectures.saturating_add(a.lectures);
        }
        for s in &self.students {
            let c = course_id(inst, &s.course, "students")?;
            parts.courses[c.idx()].students = s.students;
        }
        for m in &self.merge_curricula {
            let what = format!("merge {} into {}", m.from, m.into);
            let into = curriculum_id(inst, &m.into, &what)?;
            let from = curriculum_id(inst, &m.from, &what)?;
            let extra = parts.curricula[from.idx()].courses.clone();
            let members = &mut parts.curricula[into.idx()].courses;
            for c in extra {
                if !members.contains(&c) {
                    members.push(c);
                }
            }
        }
        for n in &self.new_courses {
            if parts.courses.iter().any(|c| c.name == n.name) {
                return Err(EditError::DuplicateCourse(n.name.clone()));
            }
            let teacher = match parts.teachers.iter().position(|t| *t == n.teacher) {
                Some(i) => TeacherId(i as u16),
                None => {
                    parts.teachers.push(n.teacher.clone());
                    TeacherId((parts.teachers.len() - 1) as u16)
                }
            };
            let id = CourseId(parts.courses.len() as u16);
            parts.courses.push(Course::cbctt(
                n.name.clone(),
                teacher,
                n.lectures,
                n.min_working_days,
                n.students,
            ));
            for g in &n.curricula {
                let what = format!("new course {}", n.name);
                let gi = curriculum_id(inst, g, &what)?;
                parts.curricula[gi.idx()].courses.push(id);
            }
        }
        Ok(Instance::new(parts)?)
    }
}

/// `old`, a timetable of `before`, read against `after` (an edit of `before`: the same
/// courses, rooms and periods first, perhaps more after them). Each course's placed
/// lectures keep their slots on the course's first lectures in `after`; lectures it
/// gained are unscheduled (a conflict for the repair to place), and lectures beyond its
/// new count — none, for [`InstanceEdits`] — are dropped. Pins are aligned as after
/// reading a file ([`Timetable::align_pins`]).
pub fn carry_over(before: &Instance, old: &Timetable, after: &Instance) -> Timetable {
    let mut slots = vec![Slot::UNSCHEDULED; after.n_lectures()];
    let mut placed: Vec<Vec<Slot>> = vec![Vec::new(); before.courses.len()];
    for (l, s) in old.slots().iter().enumerate() {
        if s.is_scheduled() {
            placed[old.course(LectureId(l as u32)).idx()].push(*s);
        }
    }
    for (ci, list) in placed.iter().enumerate() {
        let Some(c) = after.course_by_name(&before.courses[ci].name) else {
            continue;
        };
        for (l, &s) in after.lectures_of(c).zip(list) {
            let fits = s
                .get()
                .is_some_and(|(p, r)| p.idx() < after.n_periods() && r.idx() < after.rooms.len());
            if fits {
                slots[l] = s;
            }
        }
    }
    let mut tt = Timetable::from_parts(after.lecture_courses().clone(), slots);
    tt.align_pins(after);
    tt
}
