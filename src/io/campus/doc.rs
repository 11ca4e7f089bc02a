//! The campus JSON document as serde types (`docs/CAMPUS.md`, `schema/campus.schema.json`).
//! Everything refers to everything else by name, as an office writes it; [`super::build`]
//! resolves the names to dense ids and says where a name does not resolve. The CSV sheets
//! are read into the same document, so both formats share one resolver and one set of
//! messages.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Weights;

/// A whole campus: the week's grid, the people, the rooms and the courses.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a campus object such as {\"name\": …, \"days\": …, \"periods\": …, \"courses\": […]}"
)]
pub struct CampusDoc {
    /// Editors use it to find the schema; ignored otherwise.
    #[serde(rename = "$schema", default, skip_serializing_if = "Option::is_none")]
    pub schema: Option<String>,
    pub name: String,
    /// Day names in order ("Mon", …), or just how many days (then "Day 1", …).
    pub days: Grid<String>,
    /// The periods of a day in order, or just how many (then "Period 1", …).
    pub periods: Grid<PeriodDoc>,
    #[serde(default)]
    pub teachers: Vec<TeacherDoc>,
    #[serde(default)]
    pub rooms: Vec<RoomDoc>,
    #[serde(default)]
    pub groups: Vec<GroupDoc>,
    #[serde(default)]
    pub courses: Vec<CourseDoc>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pins: Vec<PinDoc>,
    /// Soft weights; a missing weight keeps its default (`docs/RULES.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weights: Option<Weights>,
    /// The `.ectt` fields UD2 does not score, kept so `.ectt` → JSON → `.ectt` is lossless.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ectt: Option<EcttDoc>,
}

/// A count (anonymous days or periods) or the named list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged, expecting = "expected a count (a whole number) or a list")]
pub enum Grid<T> {
    Count(u64),
    Named(Vec<T>),
}

impl<T> Default for Grid<T> {
    fn default() -> Self {
        Grid::Count(0)
    }
}

/// One period of the day. `name` defaults to the start time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a period object such as {\"start\": \"08:00\", \"end\": \"08:50\"}"
)]
pub struct PeriodDoc {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// "08:00" (24-hour clock).
    pub start: String,
    /// "08:50"; after `start`.
    pub end: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a teacher object such as {\"name\": \"Ada Lovelace\"}"
)]
pub struct TeacherDoc {
    pub name: String,
    /// Periods ("Mon 08:00") or whole days ("Fri") the teacher cannot teach (hard).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<String>,
    /// When given, every other period the teacher teaches costs `teacher_preference`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub preferred: Vec<String>,
    /// At most this many lectures a day (soft).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_daily: Option<u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a room object such as {\"name\": \"Hall A\", \"capacity\": 120}"
)]
pub struct RoomDoc {
    pub name: String,
    pub capacity: u64,
    /// "hall", "seminar", "lab", … — what a course's `room_type` asks for.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// Periods or whole days the room is closed (hard).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<String>,
}

/// Students who take courses together (a batch, a section, a curriculum): their courses
/// never clash.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a group object such as {\"name\": \"CS year 1\", \"courses\": […]}"
)]
pub struct GroupDoc {
    pub name: String,
    /// Informative only ("batch", "section", "curriculum").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub courses: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_daily: Option<u64>,
}

fn one() -> u64 {
    1
}

fn is_one(v: &u64) -> bool {
    *v == 1
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a course object such as {\"name\": \"Logic\", \"teachers\": […], \"lectures\": 2, \"students\": 30}"
)]
pub struct CourseDoc {
    pub name: String,
    /// The first is the main teacher; all of them must be free and none may clash.
    pub teachers: Vec<String>,
    /// Lectures per week.
    pub lectures: u64,
    /// Consecutive periods each lecture lasts (labs: 2 or 3).
    #[serde(default = "one", skip_serializing_if = "is_one")]
    pub duration: u64,
    pub students: u64,
    /// Minimum number of distinct days with a lecture (soft).
    #[serde(default = "one")]
    pub min_days: u64,
    /// Only rooms of this type suit the course.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room_type: Option<String>,
    /// Only rooms with all these features suit the course.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub features: Vec<String>,
    /// Only these rooms suit the course (combined with `room_type`/`features` when given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rooms: Option<Vec<String>>,
    /// Periods or whole days the course itself cannot be taught (hard).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unavailable: Vec<String>,
}

/// One lecture of `course` fixed at `period` and/or in `room`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a pin object such as {\"course\": \"Logic\", \"period\": \"Mon 08:00\"}"
)]
pub struct PinDoc {
    pub course: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub room: Option<String>,
}

/// `.ectt` extras; none of them is scored.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an ectt object such as {\"min_daily_lectures\": 2, \"max_daily_lectures\": 4}"
)]
pub struct EcttDoc {
    pub min_daily_lectures: u64,
    pub max_daily_lectures: u64,
    /// (course, room) pairs where the room does not suit the course.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub room_constraints: Vec<RoomConstraintDoc>,
    /// Courses that prefer double lectures.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub double_lectures: Vec<String>,
    /// The building of each room.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub buildings: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "an object such as {\"course\": \"Logic\", \"room\": \"Hall A\"}"
)]
pub struct RoomConstraintDoc {
    pub course: String,
    pub room: String,
}
