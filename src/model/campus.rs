//! What a campus has and CB-CTT lacks (DESIGN §1): named days and period times, teachers
//! with unavailable and preferred periods, rooms that close, pinned lectures, daily maxima
//! per student group or teacher, and configurable weights. A `.ctt`/`.ectt` instance has
//! [`CampusParts::default()`]: no campus feature, UD2 weights — and then every evaluator
//! scores exactly as UD2.
//!
//! Per-course campus data (lecture duration, further teachers, suitable rooms) lives on
//! [`super::Course`]; this module holds the rest. The rules and weights are documented once,
//! in `docs/RULES.md`.

use serde::{Deserialize, Serialize};

use super::ids::{CourseId, CurriculumId, PeriodId, RoomId, TeacherId};

/// Names and times of the week's grid: `day_names.len() == days`,
/// `periods.len() == periods_per_day`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Calendar {
    pub day_names: Vec<String>,
    pub periods: Vec<PeriodTime>,
}

/// One period of a day: a name ("1st") and its times, in minutes after midnight.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodTime {
    pub name: String,
    pub start_min: u16,
    pub end_min: u16,
}

/// A lecture fixed by the office: one lecture of `course` must be at `period` (when given)
/// and in `room` (when given). Solvers never move a pinned lecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pin {
    pub course: CourseId,
    pub period: Option<PeriodId>,
    pub room: Option<RoomId>,
}

/// Weights of the soft components. UD2's four come first, with UD2's values as defaults;
/// the campus components follow. A `.ctt` instance always has the defaults.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Weights {
    /// Per student beyond a room's capacity, per lecture. UD2: 1.
    pub room_capacity: u32,
    /// Per day short of a course's minimum working days. UD2: 5.
    pub min_working_days: u32,
    /// Per isolated lecture of a curriculum (student group). UD2: 2.
    pub curriculum_compactness: u32,
    /// Per room beyond the first that a course uses. UD2: 1.
    pub room_stability: u32,
    /// Per period taught outside a teacher's preferred periods (per teacher who has any).
    pub teacher_preference: u32,
    /// Per lecture beyond a group's or teacher's daily maximum.
    pub daily_limit: u32,
    /// Per lecture moved away from the reference timetable when re-solving.
    pub changes: u32,
}

impl Default for Weights {
    fn default() -> Self {
        Weights {
            room_capacity: 1,
            min_working_days: 5,
            curriculum_compactness: 2,
            room_stability: 1,
            teacher_preference: 1,
            daily_limit: 5,
            changes: 5,
        }
    }
}

impl Weights {
    /// The UD2 weights with the campus components at their defaults.
    pub fn ud2() -> Self {
        Self::default()
    }
}

/// The campus features of an instance, with references already resolved to ids. Empty for
/// `.ctt`/`.ectt`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CampusParts {
    /// Day names and period times; `None` → "Day 1", "Period 1", … with no times.
    pub calendar: Option<Calendar>,
    /// A teacher may not teach then (hard; folded into the availability of their courses).
    pub teacher_unavailable: Vec<(TeacherId, PeriodId)>,
    /// A teacher who lists any preferred period prefers exactly those: each period of a
    /// lecture of theirs outside them costs `weights.teacher_preference`.
    pub teacher_preferred: Vec<(TeacherId, PeriodId)>,
    /// A room is closed then (hard: no lecture may occupy it).
    pub room_unavailable: Vec<(RoomId, PeriodId)>,
    /// Lectures fixed in period and/or room.
    pub pins: Vec<Pin>,
    /// At most this many lectures a day for the students of a curriculum (soft).
    pub curriculum_max_daily: Vec<(CurriculumId, u16)>,
    /// At most this many lectures a day for a teacher (soft).
    pub teacher_max_daily: Vec<(TeacherId, u16)>,
    pub weights: Weights,
}
