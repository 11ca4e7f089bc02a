//! The problem instance: courses, rooms, curricula, teachers, unavailability, plus the
//! relations every evaluator needs precomputed once (conflicts as bitsets, curricula per
//! course, capacity excess per course and room). An `Instance` is read-only after
//! construction and shared by reference between threads.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use thiserror::Error;

use super::bitset::BitSet;
use super::campus::{Calendar, CampusParts, Pin, Weights};
use super::ids::{CourseId, CurriculumId, LectureId, PeriodId, RoomId, TeacherId};
use super::timetable::{Slot, Timetable};

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

/// An id in [`InstanceParts`] that points outside its table.
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
    /// Builds the instance and its derived relations; fails only on dangling ids.
    pub fn new(parts: InstanceParts) -> Result<Instance, ModelError> {
        let InstanceParts {
            name,
            days,
            periods_per_day,
            teachers,
            courses,
            rooms,
            curricula,
            mut unavailable,
            extension,
            campus,
        } = parts;
        if days == 0 || periods_per_day == 0 {
            return Err(ModelError::EmptyGrid);
        }
        // Day sets are u64 masks in the evaluators (and 32-bit words on the GPU).
        if days > 31 {
            return Err(ModelError::TooManyDays(days as usize));
        }
        let n_periods = days as usize * periods_per_day as usize;
        if n_periods > u16::MAX as usize {
            return Err(ModelError::TooManyPeriods(n_periods));
        }
        let nc = courses.len();
        for c in &courses {
            for t in c.teachers() {
                if t.idx() >= teachers.len() {
                    return Err(ModelError::BadTeacher {
                        course: c.name.clone(),
                        teacher: t.idx(),
                    });
                }
            }
            if c.duration == 0 || c.duration > periods_per_day {
                return Err(ModelError::BadDuration {
                    course: c.name.clone(),
                    duration: c.duration,
                    per_day: periods_per_day,
                });
            }
            for r in c.rooms.iter().flatten() {
                if r.idx() >= rooms.len() {
                    return Err(ModelError::BadReference {
                        what: "course room",
                        index: r.idx(),
                    });
                }
            }
        }
        let mut course_curricula = vec![Vec::new(); nc];
        for (gi, g) in curricula.iter().enumerate() {
            for &c in &g.courses {
                if c.idx() >= nc {
                    return Err(ModelError::BadCurriculumCourse {
                        curriculum: g.name.clone(),
                        course: c.idx(),
                    });
                }
                // Curricula come in increasing order, so a repeat is the last one pushed
                // (a `contains` scan made a course in k curricula cost k²).
                let list: &mut Vec<CurriculumId> = &mut course_curricula[c.idx()];
                if list.last() != Some(&CurriculumId(gi as u16)) {
                    list.push(CurriculumId(gi as u16));
                }
            }
        }
        let mut unavailable_bits = BitSet::new(nc * n_periods);
        for &(c, p) in &unavailable {
            if c.idx() >= nc || p.idx() >= n_periods {
                return Err(ModelError::BadUnavailability {
                    course: c.idx(),
                    period: p.idx(),
                });
            }
            unavailable_bits.insert(c.idx() * n_periods + p.idx());
        }
        unavailable.sort();
        unavailable.dedup();
        if let Some(ext) = &extension {
            for &(c, r) in &ext.room_constraints {
                if c.idx() >= nc || r.idx() >= rooms.len() {
                    return Err(ModelError::BadRoomConstraint {
                        course: c.idx(),
                        room: r.idx(),
                    });
                }
            }
        }

        // Conflict relation: same teacher or at least one shared curriculum. A relation,
        // not a multiset: a pair sharing two curricula and a teacher conflicts once.
        let mut conflicts = vec![BitSet::new(nc); nc];
        let mut group_set = BitSet::new(nc);
        for g in &curricula {
            let members: Vec<usize> = g.courses.iter().map(|c| c.idx()).collect();
            add_group_conflicts(&mut conflicts, &members, &mut group_set);
        }
        let mut by_teacher: Vec<Vec<usize>> = vec![Vec::new(); teachers.len()];
        for (ci, c) in courses.iter().enumerate() {
            for t in c.teachers() {
                // Courses come in increasing order: a repeat is the last one pushed.
                if by_teacher[t.idx()].last() != Some(&ci) {
                    by_teacher[t.idx()].push(ci);
                }
            }
        }
        for group in &by_teacher {
            add_group_conflicts(&mut conflicts, group, &mut group_set);
        }
        let conflict_lists = conflicts
            .iter()
            .map(|s| s.iter().map(|i| CourseId(i as u16)).collect())
            .collect();

        let mut excess = Vec::with_capacity(nc * rooms.len());
        for c in &courses {
            for r in &rooms {
                excess.push(c.students.saturating_sub(r.capacity));
            }
        }

        let mut lecture_course = Vec::new();
        let mut first_lecture = Vec::with_capacity(nc + 1);
        for (ci, c) in courses.iter().enumerate() {
            first_lecture.push(lecture_course.len() as u32);
            lecture_course.extend(std::iter::repeat_n(
                CourseId(ci as u16),
                c.lectures as usize,
            ));
        }
        first_lecture.push(lecture_course.len() as u32);

        let course_names = courses
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), CourseId(i as u16)))
            .collect();
        let room_names = rooms
            .iter()
            .enumerate()
            .map(|(i, r)| (r.name.clone(), RoomId(i as u16)))
            .collect();
        let derived = derive_campus(
            &campus,
            &courses,
            rooms.len(),
            &curricula,
            &by_teacher,
            days,
            periods_per_day,
            &first_lecture,
            &mut unavailable_bits,
        )?;
        check_cost_bounds(&BoundInput {
            courses: &courses,
            curricula: &curricula,
            conflicts: &conflicts,
            days,
            periods_per_day,
            weights: &campus.weights,
            curriculum_max_daily: &derived.curriculum_max_daily,
            teacher_max_daily: &derived.teacher_max_daily,
            teacher_courses: &derived.teacher_courses,
        })?;
        Ok(Instance {
            campus,
            derived,
            course_names,
            room_names,
            name,
            days,
            periods_per_day,
            teachers,
            courses,
            rooms,
            curricula,
            extension,
            unavailable_list: unavailable,
            unavailable: unavailable_bits,
            conflicts,
            conflict_lists,
            course_curricula,
            excess,
            lecture_course: lecture_course.into(),
            first_lecture,
        })
    }

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

    /// The slot within its day of a period.
    #[inline]
    pub fn slot_of(&self, p: PeriodId) -> usize {
        p.idx() % self.periods_per_day as usize
    }

    /// The period of (day, slot).
    #[inline]
    pub fn period(&self, day: usize, slot: usize) -> PeriodId {
        PeriodId((day * self.periods_per_day as usize + slot) as u16)
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

    /// Consecutive periods each lecture of `c` occupies.
    #[inline]
    pub fn duration(&self, c: CourseId) -> u16 {
        self.courses[c.idx()].duration
    }

    /// True when a lecture of `c` may start at `p`: it ends on the same day.
    #[inline]
    pub fn can_start(&self, c: CourseId, p: PeriodId) -> bool {
        self.slot_of(p) + self.duration(c) as usize <= self.periods_per_day as usize
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

    /// This instance with `old` as the reference timetable: every lecture placed away from
    /// the slots its course had there costs `weights.changes` (re-solve with few changes).
    /// `old` must be a timetable of this instance (read against it).
    pub fn with_reference(&self, old: &Timetable) -> Instance {
        let mut per_course = vec![Vec::new(); self.courses.len()];
        for (l, slot) in old.slots().iter().enumerate() {
            if slot.is_scheduled() {
                per_course[old.course(LectureId(l as u32)).idx()].push(*slot);
            }
        }
        for v in &mut per_course {
            v.sort();
        }
        let mut inst = self.clone();
        inst.derived.reference = Some(Arc::new(per_course));
        inst.derived.used = true;
        inst
    }
}

/// Makes every two distinct courses of `group` (distinct indices) conflict. A small group
/// inserts its pairs one by one; a large one (more members than the sets have words) ORs
/// the group's set into each member's, so a group of k courses costs
/// `k × min(k, courses / 64)` word operations instead of k² inserts (a curriculum of
/// 10,000 courses: 1.6 million instead of 10^8). `scratch` is an empty set of the right
/// capacity, and is left empty.
fn add_group_conflicts(conflicts: &mut [BitSet], group: &[usize], scratch: &mut BitSet) {
    let words = scratch.words().len();
    if group.len() <= words.max(1) {
        for &a in group {
            for &b in group {
                if a != b {
                    conflicts[a].insert(b);
                }
            }
        }
        return;
    }
    for &a in group {
        scratch.insert(a);
    }
    for &a in group {
        // No course conflicts with itself (a relation between distinct courses).
        conflicts[a].union_with(scratch);
        conflicts[a].remove(a);
    }
    for &a in group {
        scratch.remove(a);
    }
}

/// What [`check_cost_bounds`] looks at.
struct BoundInput<'a> {
    courses: &'a [Course],
    curricula: &'a [Curriculum],
    conflicts: &'a [BitSet],
    days: u16,
    periods_per_day: u16,
    weights: &'a Weights,
    curriculum_max_daily: &'a [Option<u16>],
    teacher_max_daily: &'a [Option<u16>],
    teacher_courses: &'a [Vec<CourseId>],
}

/// The most either total (hard, soft) of a score may reach: `u32::MAX`. Every component
/// and every partial sum of a total is at most the total (all terms are non-negative),
/// so this one bound keeps every `u32` the evaluators hold exact.
pub const MAX_TOTAL_COST: u64 = u32::MAX as u64;

/// Every score component is a `u32` (so are the GPU shader's, `shaders/fitness.wgsl`, and
/// the delta evaluator's `breakdown`/`cost`), so an instance some timetable of which
/// could score past that is refused here, at load, with the bound it would reach, rather
/// than wrapping silently (in release) or panicking (in debug) later.
///
/// The bounds are the worst case of `docs/RULES.md` over every timetable the program can
/// hold: a course has at most one lecture per period (the solver's invariant; a file's
/// repeated entries are skipped), so at most `M = max(lectures, periods)` placed lectures,
/// each occupying at most `d = min(duration, periods per day)` periods. With the
/// instance's real weights (a campus may set each up to 1000):
///
/// - hard: lectures `Σ M`; conflicts `pairs × periods + Σ M·d` (conflicting pairs per
///   period, plus a course's own overlapping lectures); availability and room occupancy
///   `Σ M·d` each; placement `Σ M·(d + 3)` (unsuitable room, closures, end of day, pin);
/// - soft: room capacity `Σ M · students · w`; minimum working days `Σ min_days · w`;
///   compactness `Σ over curricula Σ M·d · w`; room stability `Σ M · w`; teacher
///   preference `Σ M·d · teachers · w`; daily limit `(Σ over curricula and teachers with a
///   maximum of their courses' M) · w`; changes `Σ M · w` (whatever reference a re-solve
///   later sets: a course moves at most its placed lectures).
///
/// Each total must be at most [`MAX_TOTAL_COST`]; the bounds are summed in `u128`, which
/// no instance's sizes can overflow. Real instances are orders of magnitude
/// below: the bound of comp07, the largest ITC-2007 instance, is about 2.3·10^5 soft.
fn check_cost_bounds(b: &BoundInput) -> Result<(), ModelError> {
    let n_periods = b.days as u128 * b.periods_per_day as u128;
    let m: Vec<u128> = b
        .courses
        .iter()
        .map(|c| (c.lectures as u128).max(n_periods))
        .collect();
    let md: Vec<u128> = b
        .courses
        .iter()
        .zip(&m)
        .map(|(c, &m)| m * (c.duration.clamp(1, b.periods_per_day) as u128))
        .collect();
    let sum_m: u128 = m.iter().sum();
    let sum_md: u128 = md.iter().sum();
    let pairs = b.conflicts.iter().map(|s| s.count() as u128).sum::<u128>() / 2;
    let w = b.weights;
    let hard = [
        ("lectures", 1, sum_m),
        ("conflicts", 1, pairs * n_periods + sum_md),
        ("availability", 1, sum_md),
        ("room occupancy", 1, sum_md),
        ("placement", 1, sum_md + 3 * sum_m),
    ];
    let in_curricula = |g: &Curriculum| g.courses.iter().map(|c| md[c.idx()]).sum::<u128>();
    let limited: u128 = b
        .curricula
        .iter()
        .zip(b.curriculum_max_daily)
        .filter(|(_, max)| max.is_some())
        .map(|(g, _)| g.courses.iter().map(|c| m[c.idx()]).sum::<u128>())
        .sum::<u128>()
        + b.teacher_courses
            .iter()
            .zip(b.teacher_max_daily)
            .filter(|(_, max)| max.is_some())
            .map(|(cs, _)| cs.iter().map(|c| m[c.idx()]).sum::<u128>())
            .sum::<u128>();
    let soft = [
        (
            "room capacity",
            w.room_capacity,
            b.courses
                .iter()
                .zip(&m)
                .map(|(c, &m)| m * c.students as u128)
                .sum::<u128>()
                * w.room_capacity as u128,
        ),
        (
            "minimum working days",
            w.min_working_days,
            b.courses
                .iter()
                .map(|c| c.min_working_days as u128)
                .sum::<u128>()
                * w.min_working_days as u128,
        ),
        (
            "curriculum compactness",
            w.curriculum_compactness,
            b.curricula.iter().map(in_curricula).sum::<u128>() * w.curriculum_compactness as u128,
        ),
        (
            "room stability",
            w.room_stability,
            sum_m * w.room_stability as u128,
        ),
        (
            "teacher preference",
            w.teacher_preference,
            b.courses
                .iter()
                .zip(&md)
                .map(|(c, &md)| md * c.teachers().count() as u128)
                .sum::<u128>()
                * w.teacher_preference as u128,
        ),
        (
            "daily limit",
            w.daily_limit,
            limited * w.daily_limit as u128,
        ),
        ("changes", w.changes, sum_m * w.changes as u128),
    ];
    for (total, parts) in [("hard", &hard[..]), ("soft", &soft[..])] {
        let bound: u128 = parts.iter().map(|p| p.2).sum();
        if bound > u128::from(MAX_TOTAL_COST) {
            let &(component, weight, part) = parts
                .iter()
                .max_by_key(|p| p.2)
                .expect("five or seven components");
            let sat = |x: u128| u64::try_from(x).unwrap_or(u64::MAX);
            return Err(ModelError::CostTooLarge {
                total,
                component,
                weight,
                part: sat(part),
                bound: sat(bound),
                max: MAX_TOTAL_COST,
            });
        }
    }
    Ok(())
}

/// Validates the campus parts and precomputes their relations; folds teacher
/// unavailability into the course availability bits (`c * periods + p`).
#[allow(clippy::too_many_arguments)]
fn derive_campus(
    campus: &CampusParts,
    courses: &[Course],
    n_rooms: usize,
    curricula: &[Curriculum],
    by_teacher: &[Vec<usize>],
    days: u16,
    ppd: u16,
    first_lecture: &[u32],
    unavailable: &mut BitSet,
) -> Result<CampusDerived, ModelError> {
    let n_periods = days as usize * ppd as usize;
    let nc = courses.len();
    let n_teachers = by_teacher.len();
    let bad = |what: &'static str, index: usize| ModelError::BadReference { what, index };
    let mut d = CampusDerived {
        teacher_courses: by_teacher
            .iter()
            .map(|v| {
                let mut v: Vec<CourseId> = v.iter().map(|&c| CourseId(c as u16)).collect();
                v.sort();
                v
            })
            .collect(),
        ..Default::default()
    };
    let mut used = campus.weights != Weights::default()
        || campus.pins.len()
            + campus.teacher_unavailable.len()
            + campus.teacher_preferred.len()
            + campus.room_unavailable.len()
            + campus.curriculum_max_daily.len()
            + campus.teacher_max_daily.len()
            > 0;

    if let Some(cal) = &campus.calendar {
        if cal.day_names.len() != days as usize {
            return Err(ModelError::BadCalendar {
                what: "days",
                found: cal.day_names.len(),
                expected: days as usize,
            });
        }
        if cal.periods.len() != ppd as usize {
            return Err(ModelError::BadCalendar {
                what: "periods per day",
                found: cal.periods.len(),
                expected: ppd as usize,
            });
        }
    }

    if courses.iter().any(|c| c.rooms.is_some()) {
        used = true;
        let mut ok = BitSet::new(nc * n_rooms);
        for (ci, c) in courses.iter().enumerate() {
            match &c.rooms {
                None => (0..n_rooms).for_each(|r| ok.insert(ci * n_rooms + r)),
                Some(list) => list.iter().for_each(|r| ok.insert(ci * n_rooms + r.idx())),
            }
        }
        d.room_ok = ok;
    }
    if courses
        .iter()
        .any(|c| c.duration != 1 || !c.co_teachers.is_empty())
    {
        used = true;
    }

    for &(t, p) in &campus.teacher_unavailable {
        if t.idx() >= n_teachers {
            return Err(bad("teacher unavailability", t.idx()));
        }
        if p.idx() >= n_periods {
            return Err(bad("teacher unavailability period", p.idx()));
        }
        for &c in &by_teacher[t.idx()] {
            unavailable.insert(c * n_periods + p.idx());
        }
    }

    if !campus.room_unavailable.is_empty() {
        let mut closed = BitSet::new(n_rooms * n_periods);
        for &(r, p) in &campus.room_unavailable {
            if r.idx() >= n_rooms {
                return Err(bad("room unavailability", r.idx()));
            }
            if p.idx() >= n_periods {
                return Err(bad("room unavailability period", p.idx()));
            }
            closed.insert(r.idx() * n_periods + p.idx());
        }
        d.room_closed = closed;
    }

    if !campus.teacher_preferred.is_empty() {
        let mut prefers = vec![BitSet::new(0); n_teachers];
        for &(t, p) in &campus.teacher_preferred {
            if t.idx() >= n_teachers {
                return Err(bad("teacher preference", t.idx()));
            }
            if p.idx() >= n_periods {
                return Err(bad("teacher preference period", p.idx()));
            }
            if prefers[t.idx()].is_empty() {
                prefers[t.idx()] = BitSet::new(n_periods);
            }
            prefers[t.idx()].insert(p.idx());
        }
        let mut dis = vec![0u8; nc * n_periods];
        for (ci, c) in courses.iter().enumerate() {
            for t in c.teachers() {
                let pref = &prefers[t.idx()];
                if pref.is_empty() {
                    continue;
                }
                for p in 0..n_periods {
                    if !pref.contains(p) {
                        dis[ci * n_periods + p] = dis[ci * n_periods + p].saturating_add(1);
                    }
                }
            }
        }
        d.dispreferred = dis;
    }

    if !campus.curriculum_max_daily.is_empty() {
        d.curriculum_max_daily = vec![None; curricula.len()];
        for &(g, m) in &campus.curriculum_max_daily {
            *d.curriculum_max_daily
                .get_mut(g.idx())
                .ok_or_else(|| bad("curriculum daily maximum", g.idx()))? = Some(m);
        }
    }
    if !campus.teacher_max_daily.is_empty() {
        d.teacher_max_daily = vec![None; n_teachers];
        for &(t, m) in &campus.teacher_max_daily {
            *d.teacher_max_daily
                .get_mut(t.idx())
                .ok_or_else(|| bad("teacher daily maximum", t.idx()))? = Some(m);
        }
    }

    if !campus.pins.is_empty() {
        let n_lectures = *first_lecture.last().unwrap_or(&0) as usize;
        let mut lecture_pin = vec![None; n_lectures];
        let mut used_per_course = vec![0usize; nc];
        for pin in &campus.pins {
            let ci = pin.course.idx();
            let c = courses.get(ci).ok_or_else(|| bad("pin course", ci))?;
            if let Some(p) = pin.period {
                if p.idx() >= n_periods {
                    return Err(bad("pin period", p.idx()));
                }
                if (p.idx() % ppd as usize) + c.duration as usize > ppd as usize {
                    return Err(ModelError::BadPin {
                        course: c.name.clone(),
                        detail: format!(
                            "period {} of day {}, too late for a {}-period lecture",
                            p.idx() % ppd as usize,
                            p.idx() / ppd as usize,
                            c.duration
                        ),
                    });
                }
            }
            if let Some(r) = pin.room {
                if r.idx() >= n_rooms {
                    return Err(bad("pin room", r.idx()));
                }
                if c.rooms.as_ref().is_some_and(|list| !list.contains(&r)) {
                    return Err(ModelError::BadPin {
                        course: c.name.clone(),
                        detail: format!("room #{}, which does not suit it", r.idx()),
                    });
                }
            }
            used_per_course[ci] += 1;
            if used_per_course[ci] > c.lectures as usize {
                return Err(ModelError::TooManyPins {
                    course: c.name.clone(),
                    pins: used_per_course[ci],
                    lectures: c.lectures,
                });
            }
            // Pins take the course's last lectures, in the order given.
            let l = first_lecture[ci + 1] as usize - used_per_course[ci];
            lecture_pin[l] = Some(*pin);
        }
        d.lecture_pin = lecture_pin;
    }
    d.used = used;
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

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
