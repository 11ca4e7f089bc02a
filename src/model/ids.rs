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

/// Where one lecture is: packed `period << 16 | room`, or [`Slot::UNSCHEDULED`].
/// Packed into a `u32` so a whole timetable is a flat array (cheap to copy, to hash and to
/// upload to a GPU).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slot(pub u32);

impl Slot {
    /// The lecture has no period and no room.
    pub const UNSCHEDULED: Slot = Slot(u32::MAX);

    /// A lecture at `p` in `r`.
    #[inline]
    pub fn at(p: PeriodId, r: RoomId) -> Slot {
        Slot(((p.0 as u32) << 16) | r.0 as u32)
    }

    /// `(period, room)`, or `None` when unscheduled.
    #[inline]
    pub fn get(self) -> Option<(PeriodId, RoomId)> {
        if self == Slot::UNSCHEDULED {
            None
        } else {
            Some((PeriodId((self.0 >> 16) as u16), RoomId(self.0 as u16)))
        }
    }

    /// True when the lecture is placed.
    #[inline]
    pub fn is_scheduled(self) -> bool {
        self != Slot::UNSCHEDULED
    }
}
