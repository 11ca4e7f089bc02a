//! Violations: what the evaluator found, in terms a user can act on. Each names its rule,
//! the courses, curricula, rooms and periods involved, and what it costs.

use serde::Serialize;

use crate::model::{CourseId, CurriculumId, Instance, PeriodId, RoomId};

/// The UD2 rule a violation breaks.
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
}

impl Rule {
    /// True for the four hard rules.
    pub fn is_hard(self) -> bool {
        matches!(
            self,
            Rule::Lectures | Rule::Conflicts | Rule::Availability | Rule::RoomOccupancy
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
    pub rooms: Vec<RoomId>,
    pub periods: Vec<PeriodId>,
    /// Rule-specific numbers: (scheduled, required) lectures, (students, capacity),
    /// (days, minimum days), rooms used; zero where unused.
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
        let at = |p: PeriodId| format!("day {} period {}", inst.day_of(p), inst.slot_of(p));
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
            Rule::Conflicts => {
                let why = if self.curricula.is_empty() {
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
                    period: inst.slot_of(p),
                })
                .collect(),
            message,
        }
    }
}
