//! The problem instance: courses, rooms, curricula, teachers, unavailability, plus the
//! relations every evaluator needs precomputed once (conflicts as bitsets, curricula per
//! course, capacity excess per course and room). An `Instance` is read-only after
//! construction and shared by reference between threads. `derive.rs` builds it (checks and
//! derived relations), `error.rs` says why parts were refused.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;

mod derive;
mod error;

pub use derive::MAX_TOTAL_COST;
pub use error::ModelError;

use super::bitset::BitSet;
use super::campus::{Calendar, CampusParts, Pin, Weights};
use super::ids::{CourseId, CurriculumId, PeriodId, RoomId, Slot, TeacherId};

/// One course: `NumLectures` lectures of one teacher for `NumStudents` students.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Course {
    pub name: String,
    pub teacher: TeacherId,
    pub lectures: u16,
    pub min_working_days: u16,
    pub students: u32,
    /// `.ectt` only: the course prefers double lectures (ignored by UD2).
    pub double_lectures: bool,
    /// Consecutive periods each lecture lasts, in one room on one day (1 for `.ctt`; labs
    /// last longer). A lecture is placed by its first period.
    pub duration: u16,
    /// Teachers beyond [`Course::teacher`] (campus; empty for `.ctt`). They conflict like
    /// the main teacher.
    pub co_teachers: Vec<TeacherId>,
    /// The rooms this course may use (from required room type and features); `None` = any.
    pub rooms: Option<Vec<RoomId>>,
}

impl Course {
    /// A CB-CTT course: one teacher, single-period lectures, any room.
    pub fn cbctt(
        name: String,
        teacher: TeacherId,
        lectures: u16,
        min_working_days: u16,
        students: u32,
    ) -> Course {
        Course {
            name,
            teacher,
            lectures,
            min_working_days,
            students,
            double_lectures: false,
            duration: 1,
            co_teachers: Vec::new(),
            rooms: None,
        }
    }

    /// The main teacher, then the co-teachers.
    pub fn teachers(&self) -> impl Iterator<Item = TeacherId> + '_ {
        std::iter::once(self.teacher).chain(self.co_teachers.iter().copied())
    }
}

/// One room and its seat count.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Room {
    pub name: String,
    pub capacity: u32,
    /// `.ectt` only: building number (ignored by UD2).
    pub building: Option<u32>,
}

/// A curriculum: a set of courses students take together (so they must not clash).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Curriculum {
    pub name: String,
    /// Distinct members, in file order.
    pub courses: Vec<CourseId>,
}

/// Fields of the extended `.ectt` format that UD2 does not score; kept for later formulations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Extension {
    pub min_daily_lectures: u16,
    pub max_daily_lectures: u16,
    /// (course, room) pairs where the room is not suitable for the course.
    pub room_constraints: Vec<(CourseId, RoomId)>,
}

/// Everything needed to build an [`Instance`], with references already resolved to ids.
#[derive(Clone, Debug, Default)]
pub struct InstanceParts {
    pub name: String,
    pub days: u16,
    pub periods_per_day: u16,
    pub teachers: Vec<String>,
    pub courses: Vec<Course>,
    pub rooms: Vec<Room>,
    pub curricula: Vec<Curriculum>,
    pub unavailable: Vec<(CourseId, PeriodId)>,
    pub extension: Option<Extension>,
    /// Campus features (default: none, as for `.ctt`).
    pub campus: CampusParts,
}

/// A read-only problem instance with its derived relations.
#[derive(Clone, Debug)]
pub struct Instance {
    pub name: String,
    pub days: u16,
    pub periods_per_day: u16,
    pub teachers: Vec<String>,
    pub courses: Vec<Course>,
    pub rooms: Vec<Room>,
    pub curricula: Vec<Curriculum>,
    pub extension: Option<Extension>,
    /// Unavailability as listed (deduplicated, sorted).
    pub unavailable_list: Vec<(CourseId, PeriodId)>,
    unavailable: BitSet,
    conflicts: Vec<BitSet>,
    conflict_lists: Vec<Vec<CourseId>>,
    course_curricula: Vec<Vec<CurriculumId>>,
    excess: Vec<u32>,
    lecture_course: Arc<[CourseId]>,
    first_lecture: Vec<u32>,
    course_names: HashMap<String, CourseId>,
    room_names: HashMap<String, RoomId>,
    /// The campus features as given (for conversion back to a file).
    pub campus: CampusParts,
    derived: CampusDerived,
}

/// Campus relations precomputed once, so evaluators pay O(1) per query.
#[derive(Clone, Debug, Default)]
struct CampusDerived {
    /// True when any campus feature is used (durations > 1, co-teachers, room
    /// restrictions, teacher/room unavailability, preferences, pins, daily maxima,
    /// non-UD2 weights, a reference timetable).
    used: bool,
    /// Bit `c * rooms + r`: course `c` may use room `r`. Empty when every room suits all.
    room_ok: BitSet,
    /// Bit `r * periods + p`: room `r` is closed at `p`.
    room_closed: BitSet,
    /// `c * periods + p`: how many of `c`'s teachers with preferences do not prefer `p`.
    /// Empty when no teacher states preferences.
    dispreferred: Vec<u8>,
    /// Per lecture: its pin. Empty when nothing is pinned.
    lecture_pin: Vec<Option<Pin>>,
    curriculum_max_daily: Vec<Option<u16>>,
    teacher_max_daily: Vec<Option<u16>>,
    /// Per teacher: the courses they teach (main or co-teacher).
    teacher_courses: Vec<Vec<CourseId>>,
    /// Per course: the sorted slots of its lectures in the reference timetable.
    reference: Option<Arc<Vec<Vec<Slot>>>>,
}

impl Instance {
    /// Number of periods in the week (`days * periods_per_day`).
    #[inline]
    pub fn n_periods(&self) -> usize {
        self.days as usize * self.periods_per_day as usize
    }

    /// Number of lectures the instance asks for (sum of `NumLectures`).
    #[inline]
    pub fn n_lectures(&self) -> usize {
        self.lecture_course.len()
    }

    /// The day of a period.
    #[inline]
    pub fn day_of(&self, p: PeriodId) -> usize {
        p.idx() / self.periods_per_day as usize
    }

    /// The index of a period within its day (0 = the day's first period). Not a [`Slot`],
    /// which is a (period, room) of a lecture.
    #[inline]
    pub fn period_of_day(&self, p: PeriodId) -> usize {
        p.idx() % self.periods_per_day as usize
    }

    /// The period at index `index` of day `day` (the inverse of [`Self::day_of`] and
    /// [`Self::period_of_day`]).
    #[inline]
    pub fn period_at(&self, day: usize, index: usize) -> PeriodId {
        PeriodId((day * self.periods_per_day as usize + index) as u16)
    }

    /// True when `c` may not be taught at `p`.
    #[inline]
    pub fn is_unavailable(&self, c: CourseId, p: PeriodId) -> bool {
        self.unavailable
            .contains(c.idx() * self.n_periods() + p.idx())
    }

    /// True when `a` and `b` (distinct) share a curriculum or a teacher.
    #[inline]
    pub fn in_conflict(&self, a: CourseId, b: CourseId) -> bool {
        self.conflicts[a.idx()].contains(b.idx())
    }

    /// The courses that conflict with `c` (never `c` itself), as a bit set over courses.
    #[inline]
    pub fn conflict_set(&self, c: CourseId) -> &BitSet {
        &self.conflicts[c.idx()]
    }

    /// The courses that conflict with `c`, in increasing order.
    #[inline]
    pub fn conflicting(&self, c: CourseId) -> &[CourseId] {
        &self.conflict_lists[c.idx()]
    }

    /// The curricula that contain `c`, in increasing order (the delta evaluator relies on
    /// it to find the curricula two courses share).
    #[inline]
    pub fn curricula_of(&self, c: CourseId) -> &[CurriculumId] {
        &self.course_curricula[c.idx()]
    }

    /// Students of `c` beyond the capacity of `r` (the RoomCapacity cost of one lecture).
    #[inline]
    pub fn excess(&self, c: CourseId, r: RoomId) -> u32 {
        self.excess[c.idx() * self.rooms.len() + r.idx()]
    }

    /// How well room `r` fits course `c`, smaller first: the capacity excess, then the
    /// room's capacity (a small room that fits leaves the big ones for big courses).
    #[inline]
    pub fn room_fit(&self, c: CourseId, r: RoomId) -> (u32, u32) {
        (self.excess(c, r), self.rooms[r.idx()].capacity)
    }

    /// The course of every required lecture; lectures of a course are contiguous.
    pub fn lecture_courses(&self) -> &Arc<[CourseId]> {
        &self.lecture_course
    }

    /// The lecture indices of course `c`.
    pub fn lectures_of(&self, c: CourseId) -> std::ops::Range<usize> {
        self.first_lecture[c.idx()] as usize..self.first_lecture[c.idx() + 1] as usize
    }

    /// Looks a course up by its name.
    pub fn course_by_name(&self, name: &str) -> Option<CourseId> {
        self.course_names.get(name).copied()
    }

    /// Looks a room up by its name.
    pub fn room_by_name(&self, name: &str) -> Option<RoomId> {
        self.room_names.get(name).copied()
    }

    /// The parts this instance was built from (to edit and rebuild it: add a pin, close a
    /// room). A reference timetable is not part of them.
    pub fn to_parts(&self) -> InstanceParts {
        InstanceParts {
            name: self.name.clone(),
            days: self.days,
            periods_per_day: self.periods_per_day,
            teachers: self.teachers.clone(),
            courses: self.courses.clone(),
            rooms: self.rooms.clone(),
            curricula: self.curricula.clone(),
            unavailable: self.unavailable_list.clone(),
            extension: self.extension.clone(),
            campus: self.campus.clone(),
        }
    }

    // ----- campus features (all trivial for `.ctt`) -----

    /// True when the instance uses any feature beyond CB-CTT (so it cannot be written as
    /// `.ctt`, and the GPU shader must evaluate the campus components).
    #[inline]
    pub fn uses_campus_features(&self) -> bool {
        self.derived.used
    }

    /// The soft weights (UD2's for `.ctt`).
    #[inline]
    pub fn weights(&self) -> &Weights {
        &self.campus.weights
    }

    /// Day names and period times, when the file gave them.
    pub fn calendar(&self) -> Option<&Calendar> {
        self.campus.calendar.as_ref()
    }

    /// The name of day `d` ("Monday", else "Day 1").
    pub fn day_name(&self, d: usize) -> String {
        self.calendar()
            .and_then(|c| c.day_names.get(d).cloned())
            .unwrap_or_else(|| format!("Day {}", d + 1))
    }

    /// The name of the `s`-th period of a day ("08:00", else "Period 1").
    pub fn period_name(&self, s: usize) -> String {
        self.calendar()
            .and_then(|c| c.periods.get(s).map(|p| p.name.clone()))
            .unwrap_or_else(|| format!("Period {}", s + 1))
    }

    /// Every day's name, in order ([`Instance::day_name`]).
    pub fn day_names(&self) -> Vec<String> {
        (0..usize::from(self.days))
            .map(|d| self.day_name(d))
            .collect()
    }

    /// Every period-of-the-day's name, in order ([`Instance::period_name`]).
    pub fn period_names(&self) -> Vec<String> {
        (0..usize::from(self.periods_per_day))
            .map(|s| self.period_name(s))
            .collect()
    }

    /// Consecutive periods each lecture of `c` occupies.
    #[inline]
    pub fn duration(&self, c: CourseId) -> u16 {
        self.courses[c.idx()].duration
    }

    /// True when a lecture of `c` may start at `p`: it ends on the same day.
    #[inline]
    pub fn can_start(&self, c: CourseId, p: PeriodId) -> bool {
        self.period_of_day(p) + self.duration(c) as usize <= self.periods_per_day as usize
    }

    /// True when `c` may use room `r` (its required type and features).
    #[inline]
    pub fn room_suits(&self, c: CourseId, r: RoomId) -> bool {
        self.derived.room_ok.is_empty()
            || self
                .derived
                .room_ok
                .contains(c.idx() * self.rooms.len() + r.idx())
    }

    /// True when room `r` is closed at `p`.
    #[inline]
    pub fn room_closed(&self, r: RoomId, p: PeriodId) -> bool {
        !self.derived.room_closed.is_empty()
            && self
                .derived
                .room_closed
                .contains(r.idx() * self.n_periods() + p.idx())
    }

    /// How many of `c`'s teachers with stated preferences do not prefer `p` (unweighted).
    #[inline]
    pub fn dispreferred(&self, c: CourseId, p: PeriodId) -> u32 {
        if self.derived.dispreferred.is_empty() {
            0
        } else {
            self.derived.dispreferred[c.idx() * self.n_periods() + p.idx()] as u32
        }
    }

    /// The pin of lecture `l`, if the office fixed it. Pins of a course are carried by its
    /// last lectures (lectures of a course are otherwise interchangeable).
    #[inline]
    pub fn pin_of(&self, l: usize) -> Option<Pin> {
        self.derived.lecture_pin.get(l).copied().flatten()
    }

    /// True when lecture `l` is pinned: no solver may move it.
    #[inline]
    pub fn is_pinned(&self, l: usize) -> bool {
        self.pin_of(l).is_some()
    }

    /// True when any lecture is pinned.
    #[inline]
    pub fn has_pins(&self) -> bool {
        !self.derived.lecture_pin.is_empty()
    }

    /// The daily maximum of lectures for the students of curriculum `g`.
    #[inline]
    pub fn curriculum_max_daily(&self, g: CurriculumId) -> Option<u16> {
        self.derived
            .curriculum_max_daily
            .get(g.idx())
            .copied()
            .flatten()
    }

    /// The daily maximum of lectures for teacher `t`.
    #[inline]
    pub fn teacher_max_daily(&self, t: TeacherId) -> Option<u16> {
        self.derived
            .teacher_max_daily
            .get(t.idx())
            .copied()
            .flatten()
    }

    /// The courses teacher `t` teaches (as main or co-teacher), in increasing order.
    pub fn courses_of_teacher(&self, t: TeacherId) -> &[CourseId] {
        &self.derived.teacher_courses[t.idx()]
    }

    /// The sorted reference slots of `c`'s lectures when re-solving (`None` otherwise).
    pub fn reference_of(&self, c: CourseId) -> Option<&[Slot]> {
        self.derived
            .reference
            .as_ref()
            .map(|r| r[c.idx()].as_slice())
    }

    /// True when this instance carries a reference timetable (a re-solve).
    pub fn has_reference(&self) -> bool {
        self.derived.reference.is_some()
    }

    /// This instance with `per_course` (each course's sorted slots) as its reference; see
    /// `with_reference` (`model/moves.rs`), which builds it from a timetable.
    pub(super) fn with_reference_slots(&self, per_course: Vec<Vec<Slot>>) -> Instance {
        let mut inst = self.clone();
        inst.derived.reference = Some(Arc::new(per_course));
        inst.derived.used = true;
        inst
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{LectureId, Timetable};

    fn parts() -> InstanceParts {
        InstanceParts {
            name: "t".into(),
            days: 2,
            periods_per_day: 3,
            teachers: vec!["a".into(), "b".into()],
            courses: vec![
                Course::cbctt("c0".into(), TeacherId(0), 2, 1, 10),
                Course {
                    duration: 2,
                    co_teachers: vec![TeacherId(0)],
                    rooms: Some(vec![RoomId(1)]),
                    ..Course::cbctt("c1".into(), TeacherId(1), 2, 1, 10)
                },
            ],
            rooms: vec![
                Room {
                    name: "r0".into(),
                    capacity: 10,
                    building: None,
                },
                Room {
                    name: "r1".into(),
                    capacity: 10,
                    building: None,
                },
            ],
            curricula: vec![],
            unavailable: vec![],
            extension: None,
            campus: CampusParts::default(),
        }
    }

    #[test]
    fn a_cbctt_instance_uses_no_campus_feature() {
        let mut p = parts();
        p.courses[1] = Course::cbctt("c1".into(), TeacherId(1), 2, 1, 10);
        let inst = Instance::new(p).unwrap();
        assert!(!inst.uses_campus_features());
        assert!(inst.room_suits(CourseId(0), RoomId(1)));
        assert!(!inst.has_pins());
        assert!(!inst.in_conflict(CourseId(0), CourseId(1)));
    }

    #[test]
    fn campus_relations_are_derived() {
        let mut p = parts();
        p.campus.teacher_unavailable = vec![(TeacherId(0), PeriodId(4))];
        p.campus.teacher_preferred = vec![(TeacherId(1), PeriodId(0))];
        p.campus.room_unavailable = vec![(RoomId(1), PeriodId(5))];
        p.campus.pins = vec![Pin {
            course: CourseId(1),
            period: Some(PeriodId(3)),
            room: None,
        }];
        let inst = Instance::new(p).unwrap();
        assert!(inst.uses_campus_features());
        // The co-teacher makes the courses conflict and shares its unavailability.
        assert!(inst.in_conflict(CourseId(0), CourseId(1)));
        assert!(inst.is_unavailable(CourseId(0), PeriodId(4)));
        assert!(inst.is_unavailable(CourseId(1), PeriodId(4)));
        assert!(!inst.is_unavailable(CourseId(1), PeriodId(3)));
        assert!(inst.room_suits(CourseId(1), RoomId(1)));
        assert!(!inst.room_suits(CourseId(1), RoomId(0)));
        assert!(inst.room_closed(RoomId(1), PeriodId(5)));
        assert!(!inst.room_closed(RoomId(0), PeriodId(5)));
        // Teacher b prefers period 0 only; teacher a states nothing.
        assert_eq!(inst.dispreferred(CourseId(1), PeriodId(0)), 0);
        assert_eq!(inst.dispreferred(CourseId(1), PeriodId(1)), 1);
        assert_eq!(inst.dispreferred(CourseId(0), PeriodId(1)), 0);
        assert!(inst.can_start(CourseId(1), PeriodId(1)));
        assert!(!inst.can_start(CourseId(1), PeriodId(2)));
        // The pin sits on the course's last lecture.
        assert_eq!(inst.pin_of(3).map(|p| p.period), Some(Some(PeriodId(3))));
        assert!(!inst.is_pinned(2));
        assert_eq!(
            inst.courses_of_teacher(TeacherId(0)),
            &[CourseId(0), CourseId(1)]
        );
        // Rebuilding from the parts gives the same instance.
        let again = Instance::new(inst.to_parts()).unwrap();
        assert_eq!(again.pin_of(3), inst.pin_of(3));
    }

    #[test]
    fn bad_campus_parts_are_refused() {
        let mut p = parts();
        p.courses[1].duration = 4;
        assert!(matches!(
            Instance::new(p),
            Err(ModelError::BadDuration { .. })
        ));
        let mut p = parts();
        p.campus.pins = vec![Pin {
            course: CourseId(1),
            period: Some(PeriodId(2)),
            room: None,
        }];
        assert!(matches!(Instance::new(p), Err(ModelError::BadPin { .. })));
        let mut p = parts();
        p.campus.pins = vec![
            Pin {
                course: CourseId(0),
                period: None,
                room: Some(RoomId(0)),
            };
            3
        ];
        assert!(matches!(
            Instance::new(p),
            Err(ModelError::TooManyPins { .. })
        ));
        let mut p = parts();
        p.campus.room_unavailable = vec![(RoomId(9), PeriodId(0))];
        assert!(matches!(
            Instance::new(p),
            Err(ModelError::BadReference { .. })
        ));
    }

    #[test]
    fn pins_follow_a_lecture_read_from_a_file() {
        let mut p = parts();
        p.campus.pins = vec![Pin {
            course: CourseId(0),
            period: Some(PeriodId(1)),
            room: None,
        }];
        let inst = Instance::new(p).unwrap();
        let mut tt = Timetable::empty(&inst);
        tt.set(LectureId(0), Slot::at(PeriodId(1), RoomId(0)));
        tt.set(LectureId(1), Slot::at(PeriodId(3), RoomId(0)));
        tt.align_pins(&inst);
        assert_eq!(tt.slot(LectureId(1)), Slot::at(PeriodId(1), RoomId(0)));
        assert_eq!(tt.slot(LectureId(0)), Slot::at(PeriodId(3), RoomId(0)));
        let re = inst.with_reference(&tt);
        assert_eq!(re.reference_of(CourseId(0)).unwrap().len(), 2);
        assert!(re.has_reference() && !inst.has_reference());
    }
}
