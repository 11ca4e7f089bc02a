//! The problem instance: courses, rooms, curricula, teachers, unavailability, plus the
//! relations every evaluator needs precomputed once (conflicts as bitsets, curricula per
//! course, capacity excess per course and room). An `Instance` is read-only after
//! construction and shared by reference between threads.

use std::collections::HashMap;
use std::sync::Arc;

use serde::Serialize;
use thiserror::Error;

use super::bitset::BitSet;
use super::ids::{CourseId, CurriculumId, PeriodId, RoomId, TeacherId};

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
    #[error(
        "the instance is too large: its {component} cost could reach {bound}, beyond the supported {max}"
    )]
    CostTooLarge {
        component: &'static str,
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
        } = parts;
        if days == 0 || periods_per_day == 0 {
            return Err(ModelError::EmptyGrid);
        }
        let n_periods = days as usize * periods_per_day as usize;
        if n_periods > u16::MAX as usize {
            return Err(ModelError::TooManyPeriods(n_periods));
        }
        let nc = courses.len();
        for c in &courses {
            if c.teacher.idx() >= teachers.len() {
                return Err(ModelError::BadTeacher {
                    course: c.name.clone(),
                    teacher: c.teacher.idx(),
                });
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
                let list: &mut Vec<CurriculumId> = &mut course_curricula[c.idx()];
                if !list.contains(&CurriculumId(gi as u16)) {
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
        for g in &curricula {
            for &a in &g.courses {
                for &b in &g.courses {
                    if a != b {
                        conflicts[a.idx()].insert(b.idx());
                    }
                }
            }
        }
        let mut by_teacher = vec![Vec::new(); teachers.len()];
        for (ci, c) in courses.iter().enumerate() {
            by_teacher[c.teacher.idx()].push(ci);
        }
        for group in &by_teacher {
            for &a in group {
                for &b in group {
                    if a != b {
                        conflicts[a].insert(b);
                    }
                }
            }
        }
        check_cost_bounds(&courses, &curricula, &conflicts, n_periods)?;
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
        Ok(Instance {
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

    /// The curricula that contain `c`.
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
}

/// Every score component is a `u32` (the GPU computes them in 32-bit integers too), so an
/// instance whose worst-case cost could pass that is rejected up front rather than
/// wrapping silently. The bounds are loose: real instances are many orders below them.
fn check_cost_bounds(
    courses: &[Course],
    curricula: &[Curriculum],
    conflicts: &[BitSet],
    n_periods: usize,
) -> Result<(), ModelError> {
    // Half of u32: the sum of all components must fit as well.
    const MAX: u64 = (u32::MAX / 8) as u64;
    // A solution file may hold up to one lecture per course and period.
    let lectures: u64 = courses.len() as u64 * n_periods as u64;
    let bounds = [
        (
            "lectures",
            lectures + courses.iter().map(|c| c.lectures as u64).sum::<u64>(),
        ),
        (
            "conflicts",
            conflicts.iter().map(|s| s.count() as u64).sum::<u64>() / 2 * n_periods as u64,
        ),
        (
            "room capacity",
            courses
                .iter()
                .map(|c| n_periods as u64 * c.students as u64)
                .sum(),
        ),
        (
            "minimum working days",
            courses.iter().map(|c| 5 * c.min_working_days as u64).sum(),
        ),
        (
            "curriculum compactness",
            curricula
                .iter()
                .map(|g| 2 * g.courses.len() as u64 * n_periods as u64)
                .sum(),
        ),
    ];
    for (component, bound) in bounds {
        if bound > MAX {
            return Err(ModelError::CostTooLarge {
                component,
                bound,
                max: MAX,
            });
        }
    }
    Ok(())
}
