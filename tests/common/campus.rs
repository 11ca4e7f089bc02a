//! Random campus instances for tests: every campus feature (multi-period lectures,
//! co-teachers, room restrictions, teacher and room unavailability, teacher preferences,
//! pins, daily maxima, non-UD2 weights), at a size tests can afford.
#![allow(dead_code)]

use atoll::model::{
    CampusParts, Course, CourseId, Curriculum, CurriculumId, Instance, InstanceParts, PeriodId,
    Pin, Room, RoomId, TeacherId, Weights,
};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// Knobs of [`random_campus`].
#[derive(Clone, Copy, Debug)]
pub struct CampusSpec {
    pub courses: usize,
    pub rooms: usize,
    pub days: u16,
    pub periods_per_day: u16,
    /// Pin some lectures (at distinct periods, in rooms that stay open).
    pub pins: bool,
    /// Make it loose enough that a solver should reach zero hard violations.
    pub loose: bool,
}

impl Default for CampusSpec {
    fn default() -> Self {
        CampusSpec {
            courses: 24,
            rooms: 6,
            days: 5,
            periods_per_day: 6,
            pins: true,
            loose: true,
        }
    }
}

/// A random campus instance using every campus feature; the same seed gives the same one.
pub fn random_campus(seed: u64, spec: CampusSpec) -> Instance {
    let mut rng = SmallRng::seed_from_u64(seed);
    let ppd = spec.periods_per_day;
    let n_periods = spec.days as usize * ppd as usize;
    let n_teachers = (spec.courses / 2).max(2);
    let teachers: Vec<String> = (0..n_teachers).map(|t| format!("T{t}")).collect();
    let rooms: Vec<Room> = (0..spec.rooms)
        .map(|r| Room {
            name: format!("R{r}"),
            capacity: rng.random_range(20..120),
            building: None,
        })
        .collect();
    let courses: Vec<Course> = (0..spec.courses)
        .map(|c| {
            let duration = match rng.random_range(0..10) {
                0..=6 => 1,
                7 | 8 => 2,
                _ => 3.min(ppd),
            };
            let lectures = if duration > 1 {
                rng.random_range(1..=2)
            } else {
                rng.random_range(1..=4)
            };
            let co_teachers = if rng.random_bool(0.15) {
                vec![TeacherId(rng.random_range(0..n_teachers) as u16)]
            } else {
                vec![]
            };
            let rooms = if rng.random_bool(0.3) {
                let mut list: Vec<RoomId> = (0..spec.rooms)
                    .filter(|_| rng.random_bool(0.5))
                    .map(|r| RoomId(r as u16))
                    .collect();
                if list.is_empty() {
                    list.push(RoomId(0));
                }
                Some(list)
            } else {
                None
            };
            Course {
                duration,
                co_teachers,
                rooms,
                ..Course::cbctt(
                    format!("C{c}"),
                    TeacherId((c % n_teachers) as u16),
                    lectures,
                    rng.random_range(1..=lectures),
                    rng.random_range(10..130),
                )
            }
        })
        .collect();
    let n_curricula = (spec.courses / 4).max(1);
    let curricula: Vec<Curriculum> = (0..n_curricula)
        .map(|g| {
            let mut members: Vec<CourseId> = (0..spec.courses)
                .filter(|_| rng.random_bool(if spec.loose { 0.12 } else { 0.25 }))
                .map(|c| CourseId(c as u16))
                .collect();
            if members.is_empty() {
                members.push(CourseId(rng.random_range(0..spec.courses) as u16));
            }
            Curriculum {
                name: format!("G{g}"),
                courses: members,
            }
        })
        .collect();
    let unavailable: Vec<(CourseId, PeriodId)> = (0..spec.courses / 2)
        .map(|_| {
            (
                CourseId(rng.random_range(0..spec.courses) as u16),
                PeriodId(rng.random_range(0..n_periods) as u16),
            )
        })
        .collect();
    let mut curriculum_max_daily = Vec::new();
    for g in 0..n_curricula {
        if rng.random_bool(0.5) {
            curriculum_max_daily.push((CurriculumId(g as u16), rng.random_range(2..=4)));
        }
    }
    let mut teacher_max_daily = Vec::new();
    for t in 0..n_teachers {
        if rng.random_bool(0.3) {
            teacher_max_daily.push((TeacherId(t as u16), rng.random_range(2..=4)));
        }
    }
    let mut campus = CampusParts {
        teacher_unavailable: (0..n_teachers / 2)
            .map(|_| {
                (
                    TeacherId(rng.random_range(0..n_teachers) as u16),
                    PeriodId(rng.random_range(0..n_periods) as u16),
                )
            })
            .collect(),
        teacher_preferred: (0..n_teachers / 3)
            .flat_map(|t| {
                let from = rng.random_range(0..n_periods / 2);
                (from..from + n_periods / 2).map(move |p| (TeacherId(t as u16), PeriodId(p as u16)))
            })
            .collect(),
        room_unavailable: (0..spec.rooms / 2)
            .map(|_| {
                (
                    RoomId(rng.random_range(1..spec.rooms.max(2)) as u16 % spec.rooms as u16),
                    PeriodId(rng.random_range(0..n_periods) as u16),
                )
            })
            .collect(),
        curriculum_max_daily,
        teacher_max_daily,
        weights: Weights {
            room_capacity: 1,
            min_working_days: 5,
            curriculum_compactness: 2,
            room_stability: 1,
            teacher_preference: rng.random_range(1..=3),
            daily_limit: rng.random_range(1..=6),
            changes: rng.random_range(1..=6),
        },
        ..CampusParts::default()
    };
    if spec.pins {
        // Pins at distinct periods, each in a room that suits the course and never closes,
        // at a start that fits the day: an office's pins, not a contradiction.
        let mut used_periods = Vec::new();
        for (c, course) in courses.iter().enumerate() {
            if !rng.random_bool(0.15) {
                continue;
            }
            let d = course.duration as usize;
            let room = course.rooms.as_ref().map_or(RoomId(0), |list| list[0]);
            if campus.room_unavailable.iter().any(|&(r, _)| r == room) {
                continue;
            }
            let day = rng.random_range(0..spec.days as usize);
            let slot = rng.random_range(0..=(ppd as usize - d));
            let p = day * ppd as usize + slot;
            if used_periods.iter().any(|&q: &usize| q.abs_diff(p) < 3) {
                continue;
            }
            used_periods.push(p);
            campus.pins.push(Pin {
                course: CourseId(c as u16),
                period: Some(PeriodId(p as u16)),
                room: if rng.random_bool(0.7) {
                    Some(room)
                } else {
                    None
                },
            });
        }
    }
    Instance::new(InstanceParts {
        name: format!("campus-{seed}"),
        days: spec.days,
        periods_per_day: ppd,
        teachers,
        courses,
        rooms,
        curricula,
        unavailable,
        extension: None,
        campus,
    })
    .expect("a valid random campus")
}
