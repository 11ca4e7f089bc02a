//! Violations: what the evaluator found, in terms a user can act on. Each names its rule,
//! the courses, curricula, rooms and periods involved, and what it costs.

use serde::Serialize;

use crate::model::{CourseId, CurriculumId, Instance, PeriodId, RoomId, TeacherId};

/// The rule a violation breaks (`docs/RULES.md`): UD2's eight, then the campus ones.
/// The four placement rules make up the hard `placement` component; the two daily limits
/// make up `daily_limit`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    Lectures,
    Conflicts,
    Availability,
    RoomOccupancy,
    RoomCapacity,
    MinWorkingDays,
    CurriculumCompactness,
    RoomStability,
    /// Hard: the room lacks the course's required type or features.
    RoomUnsuitable,
    /// Hard: the room is closed at a period the lecture occupies.
    RoomClosed,
    /// Hard: the lecture's periods run past the end of its day.
    PastEndOfDay,
    /// Hard: a pinned lecture is not at its pinned period and/or room.
    PinNotKept,
    /// Soft: a teacher teaches outside their preferred periods.
    TeacherPreference,
    /// Soft: a student group has more lectures in a day than its maximum.
    CurriculumDailyLimit,
    /// Soft: a teacher has more lectures in a day than their maximum.
    TeacherDailyLimit,
    /// Soft: lectures of a course moved away from the reference timetable.
    Moved,
}

impl Rule {
    /// True for the four hard rules.
    pub fn is_hard(self) -> bool {
        matches!(
            self,
            Rule::Lectures
                | Rule::Conflicts
                | Rule::Availability
                | Rule::RoomOccupancy
                | Rule::RoomUnsuitable
                | Rule::RoomClosed
                | Rule::PastEndOfDay
                | Rule::PinNotKept
        )
    }
}

/// One violation, by ids. `cost` is hard violations for hard rules, weighted soft cost for
/// soft rules.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub rule: Rule,
    pub cost: u32,
    pub courses: Vec<CourseId>,
    pub curricula: Vec<CurriculumId>,
    /// Teachers involved (shared teachers of a conflict, dispreferring teachers, the
    /// teacher over a daily maximum); empty where no teacher is singled out.
    pub teachers: Vec<TeacherId>,
    pub rooms: Vec<RoomId>,
    pub periods: Vec<PeriodId>,
    /// Rule-specific numbers: (scheduled, required) lectures, (students, capacity),
    /// (days, minimum days), rooms used, (duration, 0), (pinned period?, pinned room?),
    /// (teachers dispreferring, 0), (lectures that day, maximum), (moved, reference
    /// lectures); zero where unused. For a daily limit the period is the day's first.
    pub detail: (u32, u32),
}

/// A period as (day, period-of-day), both 0-based.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DayPeriod {
    pub day: usize,
    pub period: usize,
}

/// A violation with names, ready to show or serialize.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ViolationReport {
    pub rule: Rule,
    pub hard: bool,
    pub cost: u32,
    pub courses: Vec<String>,
    pub curricula: Vec<String>,
    /// Absent when empty, so the keys of a `.ctt` report stay as they were.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub teachers: Vec<String>,
    pub rooms: Vec<String>,
    pub periods: Vec<DayPeriod>,
    pub message: String,
}

impl Violation {
    /// Names and a sentence for this violation.
    pub fn report(&self, inst: &Instance) -> ViolationReport {
        let course = |i: usize| {
            self.courses
                .get(i)
                .map_or("?", |c| inst.courses[c.idx()].name.as_str())
        };
        let room = |i: usize| {
            self.rooms
                .get(i)
                .map_or("?", |r| inst.rooms[r.idx()].name.as_str())
        };
        // UD2 messages keep the validator's 0-based "day d period s"; a campus names them.
        let at = |p: PeriodId| {
            if inst.uses_campus_features() {
                format!(
                    "{} {}",
                    inst.day_name(inst.day_of(p)),
                    inst.period_name(inst.period_of_day(p))
                )
            } else {
                format!("day {} period {}", inst.day_of(p), inst.period_of_day(p))
            }
        };
        let teacher = |i: usize| {
            self.teachers
                .get(i)
                .map_or("?", |t| inst.teachers[t.idx()].as_str())
        };
        let teachers = self
            .teachers
            .iter()
            .map(|t| inst.teachers[t.idx()].as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let curriculum = |i: usize| {
            self.curricula
                .get(i)
                .map_or("?", |g| inst.curricula[g.idx()].name.as_str())
        };
        let period = self.periods.first().map(|&p| at(p)).unwrap_or_default();
        let (a, b) = self.detail;
        let message = match self.rule {
            Rule::Lectures if a < b => format!(
                "Course {} has {} of its {} lectures scheduled ({} missing)",
                course(0),
                a,
                b,
                b - a
            ),
            Rule::Lectures => format!(
                "Course {} has {} lectures scheduled but needs only {} ({} too many)",
                course(0),
                a,
                b,
                a - b
            ),
            Rule::Conflicts if self.courses.first() == self.courses.get(1) => format!(
                "Two lectures of course {} overlap at {} (rooms {} and {})",
                course(0),
                period,
                room(0),
                room(1)
            ),
            Rule::Conflicts => {
                let why = if self.curricula.is_empty() && !self.teachers.is_empty() {
                    format!("same teacher {teachers}")
                } else if self.curricula.is_empty() {
                    "same teacher".to_string()
                } else {
                    let names: Vec<&str> = self
                        .curricula
                        .iter()
                        .map(|g| inst.curricula[g.idx()].name.as_str())
                        .collect();
                    format!("curriculum {}", names.join(", "))
                };
                format!(
                    "Courses {} and {} are both at {} ({})",
                    course(0),
                    course(1),
                    period,
                    why
                )
            }
            Rule::Availability => format!(
                "Course {} is at {}, when it is unavailable",
                course(0),
                period
            ),
            Rule::RoomOccupancy => {
                let names: Vec<&str> = self
                    .courses
                    .iter()
                    .map(|c| inst.courses[c.idx()].name.as_str())
                    .collect();
                format!(
                    "Room {} holds {} lectures at {} ({})",
                    room(0),
                    names.len(),
                    period,
                    names.join(", ")
                )
            }
            Rule::RoomCapacity => format!(
                "Course {} has {} students but room {} seats {} (at {})",
                course(0),
                a,
                room(0),
                b,
                period
            ),
            Rule::MinWorkingDays => format!(
                "Course {} is spread over {} day(s); it should be over at least {}",
                course(0),
                a,
                b
            ),
            Rule::CurriculumCompactness => format!(
                "Curriculum {} has an isolated lecture at {} ({})",
                self.curricula
                    .first()
                    .map_or("?", |g| inst.curricula[g.idx()].name.as_str()),
                period,
                self.courses
                    .iter()
                    .map(|c| inst.courses[c.idx()].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Rule::RoomStability => format!(
                "Course {} uses {} different rooms ({})",
                course(0),
                self.rooms.len(),
                self.rooms
                    .iter()
                    .map(|r| inst.rooms[r.idx()].name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Rule::RoomUnsuitable => format!(
                "Course {} is in room {} at {}, which lacks the room type or features it needs",
                course(0),
                room(0),
                period
            ),
            Rule::RoomClosed => format!(
                "Course {} is in room {} at {}, when the room is closed",
                course(0),
                room(0),
                period
            ),
            Rule::PastEndOfDay => format!(
                "Course {} starts at {} but its {} periods run past the end of {}",
                course(0),
                period,
                a,
                self.periods
                    .first()
                    .map(|&p| inst.day_name(inst.day_of(p)))
                    .unwrap_or_default()
            ),
            Rule::PinNotKept => {
                // periods = [where it is, pinned period?]; rooms = [its room, pinned room?].
                let mut want = Vec::new();
                if a > 0 {
                    want.push(format!(
                        "at {}",
                        self.periods.get(1).map(|&p| at(p)).unwrap_or_default()
                    ));
                }
                if b > 0 {
                    want.push(format!("in room {}", room(1)));
                }
                format!(
                    "Course {} has a lecture pinned {} but it is at {} in room {}",
                    course(0),
                    want.join(" and "),
                    period,
                    room(0)
                )
            }
            Rule::TeacherPreference => format!(
                "Course {} is at {}, outside the preferred periods of {}",
                course(0),
                period,
                if teachers.is_empty() {
                    "its teacher".to_string()
                } else {
                    teachers.clone()
                }
            ),
            Rule::CurriculumDailyLimit => format!(
                "Group {} has {} lectures on {}; its maximum is {}",
                curriculum(0),
                a,
                self.periods
                    .first()
                    .map(|&p| inst.day_name(inst.day_of(p)))
                    .unwrap_or_default(),
                b
            ),
            Rule::TeacherDailyLimit => format!(
                "Teacher {} has {} lectures on {}; their maximum is {}",
                teacher(0),
                a,
                self.periods
                    .first()
                    .map(|&p| inst.day_name(inst.day_of(p)))
                    .unwrap_or_default(),
                b
            ),
            Rule::Moved => format!(
                "Course {} has {} of its {} earlier lectures moved",
                course(0),
                a,
                b
            ),
        };
        ViolationReport {
            rule: self.rule,
            hard: self.rule.is_hard(),
            cost: self.cost,
            courses: self
                .courses
                .iter()
                .map(|c| inst.courses[c.idx()].name.clone())
                .collect(),
            curricula: self
                .curricula
                .iter()
                .map(|g| inst.curricula[g.idx()].name.clone())
                .collect(),
            teachers: self
                .teachers
                .iter()
                .map(|t| inst.teachers[t.idx()].clone())
                .collect(),
            rooms: self
                .rooms
                .iter()
                .map(|r| inst.rooms[r.idx()].name.clone())
                .collect(),
            periods: self
                .periods
                .iter()
                .map(|&p| DayPeriod {
                    day: inst.day_of(p),
                    period: inst.period_of_day(p),
                })
                .collect(),
            message,
        }
    }
}
