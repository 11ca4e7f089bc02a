//! Dense index types. Everything inside the solver is an index into a `Vec`; names only
//! matter at the edges (parsing, printing). Newtypes keep a course from being used as a room.

use serde::{Deserialize, Serialize};

macro_rules! dense_id {
    ($(#[$doc:meta])* $name:ident($inner:ty)) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        pub struct $name(pub $inner);

        impl $name {
            /// The index as a `usize`, for indexing.
            #[inline]
            pub fn idx(self) -> usize {
                self.0 as usize
            }
        }
    };
}

dense_id!(
    /// A course (index into `Instance::courses`).
    CourseId(u16)
);
dense_id!(
    /// A room (index into `Instance::rooms`).
    RoomId(u16)
);
dense_id!(
    /// A curriculum (index into `Instance::curricula`).
    CurriculumId(u16)
);
dense_id!(
    /// A teacher (index into `Instance::teachers`).
    TeacherId(u16)
);
dense_id!(
    /// A period: `day * periods_per_day + slot`.
    PeriodId(u16)
);
dense_id!(
    /// One lecture of a timetable (index into `Timetable` slots).
    LectureId(u32)
);
