//! Why an [`super::InstanceParts`] cannot become an instance: a reference outside its table,
//! a grid or size beyond what the dense ids hold, or campus parts that contradict each other.

use thiserror::Error;

/// Why [`super::Instance::new`] refused its parts: an id in [`super::InstanceParts`] that
/// points outside its table, or a size or campus part it cannot hold.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum ModelError {
    #[error("the instance has no days or no periods per day")]
    EmptyGrid,
    #[error("the instance has {0} periods; at most {max} are supported", max = u16::MAX)]
    TooManyPeriods(usize),
    #[error("course {course} refers to teacher #{teacher}, which does not exist")]
    BadTeacher { course: String, teacher: usize },
    #[error("curriculum {curriculum} refers to course #{course}, which does not exist")]
    BadCurriculumCourse { curriculum: String, course: usize },
    #[error("an unavailability refers to course #{course} period {period}, outside the instance")]
    BadUnavailability { course: usize, period: usize },
    #[error("a room constraint refers to course #{course} room #{room}, outside the instance")]
    BadRoomConstraint { course: usize, room: usize },
    #[error("the instance has {0} days; at most 31 are supported")]
    TooManyDays(usize),
    #[error("course {course} lasts {duration} periods; a day has {per_day}")]
    BadDuration {
        course: String,
        duration: u16,
        per_day: u16,
    },
    #[error("a campus entry ({what}) refers to #{index}, which does not exist")]
    BadReference { what: &'static str, index: usize },
    #[error("course {course} has {pins} pinned lectures but only {lectures} lectures")]
    TooManyPins {
        course: String,
        pins: usize,
        lectures: u16,
    },
    #[error("course {course} is pinned to {detail}, where it can never be placed")]
    BadPin { course: String, detail: String },
    #[error("the calendar names {found} {what}; the instance has {expected}")]
    BadCalendar {
        what: &'static str,
        found: usize,
        expected: usize,
    },
    /// Some timetable of this instance could score more than the evaluators count to
    /// (see `check_cost_bounds`): refused at load, never a wrong score later.
    #[error(
        "the instance is too large for its weights: its {total} cost could reach {bound} ({component} with weight {weight} alone {part}), beyond the supported {max}; lower the weights or split the instance"
    )]
    CostTooLarge {
        /// "hard" or "soft".
        total: &'static str,
        /// The largest contributor, e.g. "room capacity", and its weight (1 for hard).
        component: &'static str,
        weight: u32,
        /// Worst cases, saturated at `u64::MAX`.
        part: u64,
        bound: u64,
        max: u64,
    },
}
