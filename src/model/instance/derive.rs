//! Building an [`Instance`]: every reference of its parts checked, and the relations the
//! evaluators query in O(1) derived once (conflict bitsets, curricula per course, capacity
//! excess, the campus relations), with the worst-case score bounds checked at load.

use super::{CampusDerived, Course, Curriculum, Instance, InstanceParts, ModelError};
use crate::model::bitset::BitSet;
use crate::model::campus::{CampusParts, Weights};
use crate::model::ids::{CourseId, CurriculumId, RoomId};

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
}

/// Makes every two distinct courses of `group` (distinct indices) conflict. A small group
/// inserts its pairs one by one; a large one (more members than the sets have words) ORs
/// the group's set into each member's, so a group of k courses costs
/// `k × min(k, courses / 64)` word operations instead of k² inserts (a curriculum of
/// 10,000 courses: 1.6 million instead of 10^8). `scratch` is an empty set of the right
/// capacity, and is left empty.
pub(super) fn add_group_conflicts(conflicts: &mut [BitSet], group: &[usize], scratch: &mut BitSet) {
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
