//! A timetable: every lecture either at a (period, room) or unscheduled.
//!
//! Lectures are identified by index; the lectures of a course are interchangeable. A
//! timetable read from a file may carry more lectures of a course than the instance asks
//! for (the "too many lectures" violation), so the lecture→course map lives here, shared
//! by `Arc` with the instance in the common case.

use std::sync::Arc;

use super::ids::{CourseId, LectureId, PeriodId, RoomId, Slot};
use super::instance::Instance;

/// An assignment of every lecture. Invariant kept by every mutating API of the solver: a
/// course has at most one lecture per period (the validator drops a second one, so a
/// timetable breaking it could not be written out faithfully).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timetable {
    lecture_course: Arc<[CourseId]>,
    slots: Vec<Slot>,
}

impl Timetable {
    /// Every required lecture of `inst`, all unscheduled.
    pub fn empty(inst: &Instance) -> Timetable {
        Timetable {
            lecture_course: inst.lecture_courses().clone(),
            slots: vec![Slot::UNSCHEDULED; inst.n_lectures()],
        }
    }

    /// A timetable from explicit lecture→course and lecture→slot lists.
    pub fn from_parts(lecture_course: Arc<[CourseId]>, slots: Vec<Slot>) -> Timetable {
        assert_eq!(lecture_course.len(), slots.len());
        Timetable {
            lecture_course,
            slots,
        }
    }

    /// Number of lectures (scheduled or not).
    #[inline]
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True when there are no lectures at all.
    #[inline]
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The course of lecture `l`.
    #[inline]
    pub fn course(&self, l: LectureId) -> CourseId {
        self.lecture_course[l.0 as usize]
    }

    /// Where lecture `l` is.
    #[inline]
    pub fn slot(&self, l: LectureId) -> Slot {
        self.slots[l.0 as usize]
    }

    /// Puts lecture `l` at `slot` (no checks: see the type's invariant).
    #[inline]
    pub fn set(&mut self, l: LectureId, slot: Slot) {
        self.slots[l.0 as usize] = slot;
    }

    /// All slots, lecture by lecture.
    #[inline]
    pub fn slots(&self) -> &[Slot] {
        &self.slots
    }

    /// The lecture→course map.
    pub fn lecture_courses(&self) -> &Arc<[CourseId]> {
        &self.lecture_course
    }

    /// Scheduled lectures as `(lecture, course, period, room)`.
    pub fn scheduled(&self) -> impl Iterator<Item = (LectureId, CourseId, PeriodId, RoomId)> + '_ {
        self.slots.iter().enumerate().filter_map(|(i, s)| {
            s.get()
                .map(|(p, r)| (LectureId(i as u32), self.lecture_course[i], p, r))
        })
    }
}

impl Timetable {
    /// Lectures of a course are interchangeable, but pins are carried by fixed lectures
    /// (`Instance::pin_of`): after reading a timetable from a file, swap each course's
    /// lectures so that a lecture standing where a pin says sits on the pinned index.
    /// Changes no placement; only which index holds it.
    pub fn align_pins(&mut self, inst: &Instance) {
        if !inst.has_pins() {
            return;
        }
        let fits = |slot: Slot, pin: crate::model::Pin| match slot.get() {
            None => false,
            Some((p, r)) => {
                pin.period.is_none_or(|pp| pp == p) && pin.room.is_none_or(|rr| rr == r)
            }
        };
        for ci in 0..inst.courses.len() {
            let range = inst.lectures_of(CourseId(ci as u16));
            let range = range.start..range.end.min(self.slots.len());
            // Pinned lectures whose slot already fits stay; the others look for a donor.
            let mut settled: Vec<bool> = range
                .clone()
                .map(|l| inst.pin_of(l).is_some_and(|pin| fits(self.slots[l], pin)))
                .collect();
            for l in range.clone() {
                let Some(pin) = inst.pin_of(l) else { continue };
                if settled[l - range.start] {
                    continue;
                }
                let donor = range
                    .clone()
                    .find(|&d| !settled[d - range.start] && d != l && fits(self.slots[d], pin));
                if let Some(d) = donor {
                    self.slots.swap(l, d);
                    settled[l - range.start] = true;
                }
            }
        }
    }
}
