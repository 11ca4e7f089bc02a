//! The problem model: dense ids, the read-only instance with its derived relations, and
//! the timetable. Nothing here knows how timetables are scored or searched.

pub mod bitset;
pub mod campus;
pub mod edit;
pub mod ids;
pub mod instance;
pub mod moves;
pub mod timetable;

pub use bitset::BitSet;
pub use campus::{Calendar, CampusParts, PeriodTime, Pin, Weights};
pub use ids::{CourseId, CurriculumId, LectureId, PeriodId, RoomId, Slot, TeacherId};
pub use instance::{Course, Curriculum, Extension, Instance, InstanceParts, ModelError, Room};
pub use moves::{MoveKind, MovedLecture, Moves};
pub use timetable::Timetable;
