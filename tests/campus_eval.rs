//! The campus rules of `docs/RULES.md`, scored by the full evaluator, the violation list
//! and the delta evaluator: hand-computed cases for each rule and for multi-period
//! occupancy, then delta == full on many random campuses (moves, swaps, peeks and
//! `move_delta`, including moves a solver would refuse: pinned lectures, starts past the
//! day, unsuitable or closed rooms, overlapping lectures of a course), and `can_move` /
//! `can_swap` as agreed.

mod common;

use atoll::eval::{Rule, Violation};
use atoll::model::{
    CampusParts, Course, CourseId, Curriculum, CurriculumId, InstanceParts, LectureId, PeriodId,
    Pin, Room, RoomId, TeacherId, Weights,
};
use atoll::{Breakdown, IncrementalState, Instance, Slot, Timetable, evaluate, score};
use common::campus::{CampusSpec, random_campus};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

/// 2 days x 4 periods, rooms R0 (30 seats), R1 (100), R2 (100); teachers T0, T1.
/// Courses: A (lab, 2 periods, 2 lectures, 50 students, T0), B (1 period, 2 lectures,
/// T1), C (3 periods, 1 lecture, T1). Curriculum G = {A, B}.
fn base() -> InstanceParts {
    InstanceParts {
        name: "hand".into(),
        days: 2,
        periods_per_day: 4,
        teachers: vec!["T0".into(), "T1".into()],
        courses: vec![
            Course {
                duration: 2,
                ..Course::cbctt("A".into(), TeacherId(0), 2, 1, 50)
            },
            Course::cbctt("B".into(), TeacherId(1), 2, 1, 20),
            Course {
                duration: 3,
                ..Course::cbctt("C".into(), TeacherId(1), 1, 1, 20)
            },
        ],
        rooms: vec![
            Room {
                name: "R0".into(),
                capacity: 30,
                building: None,
            },
            Room {
                name: "R1".into(),
                capacity: 100,
                building: None,
            },
            Room {
                name: "R2".into(),
                capacity: 100,
                building: None,
            },
        ],
        curricula: vec![Curriculum {
            name: "G".into(),
            courses: vec![CourseId(0), CourseId(1)],
        }],
        unavailable: vec![],
        extension: None,
        campus: CampusParts::default(),
    }
}

fn at(p: u16, r: u16) -> Slot {
    Slot::at(PeriodId(p), RoomId(r))
}

/// Timetable with lectures (A0, A1, B0, B1, C0) at the given slots (`None` = unscheduled).
fn tt(inst: &Instance, slots: [Option<(u16, u16)>; 5]) -> Timetable {
    let mut t = Timetable::empty(inst);
    for (l, s) in slots.iter().enumerate() {
        if let Some((p, r)) = s {
            t.set(LectureId(l as u32), at(*p, *r));
        }
    }
    t
}

/// Scores `t` three ways (full, violations, delta from scratch and by moves) and checks
/// they agree; returns the breakdown.
fn scored(inst: &Instance, t: &Timetable) -> Breakdown {
    let b = score(inst, t);
    let e = evaluate(inst, t);
    assert_eq!(e.breakdown, b);
    let sums = |pred: &dyn Fn(Rule) -> bool| -> u32 {
        e.violations
            .iter()
            .filter(|v| pred(v.rule))
            .map(|v: &Violation| v.cost)
            .sum()
    };
    assert_eq!(
        sums(&|r| matches!(
            r,
            Rule::RoomUnsuitable | Rule::RoomClosed | Rule::PastEndOfDay | Rule::PinNotKept
        )),
        b.placement
    );
    assert_eq!(sums(&|r| r == Rule::Conflicts), b.conflicts);
    assert_eq!(sums(&|r| r == Rule::Availability), b.availability);
    assert_eq!(sums(&|r| r == Rule::RoomOccupancy), b.room_occupancy);
    assert_eq!(
        sums(&|r| r == Rule::CurriculumCompactness),
        b.curriculum_compactness
    );
    assert_eq!(
        sums(&|r| r == Rule::TeacherPreference),
        b.teacher_preference
    );
    assert_eq!(
        sums(&|r| matches!(r, Rule::CurriculumDailyLimit | Rule::TeacherDailyLimit)),
        b.daily_limit
    );
    assert_eq!(sums(&|r| r == Rule::Moved), b.changes);
    for v in &e.violations {
        let rep = v.report(inst);
        assert!(
            !rep.message.is_empty() && !rep.message.contains('?'),
            "{rep:?}"
        );
    }
    let s = IncrementalState::new(inst, t.clone());
    assert_eq!(s.breakdown(), b, "delta from scratch");
    // Built lecture by lecture from empty, too.
    let mut s = IncrementalState::new(inst, Timetable::empty(inst));
    for l in 0..t.len() {
        let l = LectureId(l as u32);
        s.move_lecture(l, t.slot(l));
    }
    assert_eq!(s.breakdown(), b, "delta by moves");
    b
}

#[test]
fn a_lab_occupies_its_periods_for_conflicts_rooms_and_compactness() {
    let inst = Instance::new(base()).unwrap();
    assert!(inst.uses_campus_features());
    // A at day 0 periods 0-1 in R1; B at period 1 in R1 (same group, same room), and B
    // again on day 1 period 0; A again on day 1 periods 2-3; C on day 1 periods 0-2 in R2.
    let t = tt(
        &inst,
        [
            Some((0, 1)),
            Some((6, 1)),
            Some((1, 1)),
            Some((4, 1)),
            Some((4, 2)),
        ],
    );
    let b = scored(&inst, &t);
    // Period 1: A (2nd period) and B, same group: one conflict; same room: one occupancy.
    // Period 4: B1 and C (first period of 4-6) share teacher T1: a second conflict.
    assert_eq!(b.conflicts, 2);
    assert_eq!(b.room_occupancy, 1);
    // Group G: day 0 periods 0 (A) and 1 (A, B) -> not isolated; day 1: 4 (B), 6-7 (A):
    // period 4 is isolated (5 is empty) -> 1 lecture x 2.
    assert_eq!(b.curriculum_compactness, 2);
    // A has 50 students in rooms of 100: no excess; C fine; B fine.
    assert_eq!(b.room_capacity, 0);
    assert_eq!(b.placement, 0);
    assert_eq!(b.hard(), 3);
}

#[test]
fn availability_counts_every_occupied_period_and_capacity_counts_once() {
    let mut p = base();
    // A is unavailable at day 0 period 1: its lab at 0-1 touches it once.
    p.unavailable = vec![(CourseId(0), PeriodId(1))];
    let inst = Instance::new(p).unwrap();
    let t = tt(&inst, [Some((0, 0)), Some((6, 0)), None, None, None]);
    let b = scored(&inst, &t);
    assert_eq!(b.availability, 1);
    // 50 students in R0 (30 seats), two 2-period lectures: 20 each, not 40 each.
    assert_eq!(b.room_capacity, 40);
    assert_eq!(b.lectures, 3);
    // A's lectures start on two days: its minimum (1) met; B and C have none: 2 x 5.
    assert_eq!(b.min_working_days, 10);
}

#[test]
fn teacher_unavailability_reaches_every_period_of_a_lab() {
    let mut p = base();
    p.campus.teacher_unavailable = vec![(TeacherId(1), PeriodId(6))];
    let inst = Instance::new(p).unwrap();
    // C (T1, 3 periods) at day 1 periods 1-3 occupies period 6 (day 1 period 2).
    let t = tt(&inst, [None, None, None, None, Some((5, 2))]);
    assert_eq!(scored(&inst, &t).availability, 1);
    let t = tt(&inst, [None, None, None, None, Some((4, 2))]);
    assert_eq!(scored(&inst, &t).availability, 1);
    let t = tt(&inst, [None, None, Some((7, 2)), None, None]);
    assert_eq!(scored(&inst, &t).availability, 0);
}

#[test]
fn overlapping_lectures_of_one_course_conflict_and_share_a_room() {
    let inst = Instance::new(base()).unwrap();
    // A's two labs at periods 0-1 and 1-2, both in R1: period 1 is occupied twice.
    let t = tt(&inst, [Some((0, 1)), Some((1, 1)), None, None, None]);
    let b = scored(&inst, &t);
    assert_eq!(b.conflicts, 1);
    assert_eq!(b.room_occupancy, 1);
    // Group G: periods 0 (1), 1 (2), 2 (1): nothing isolated.
    assert_eq!(b.curriculum_compactness, 0);
    // Both start on day 0: one working day, as A requires; B and C have none: 2 x 5.
    assert_eq!(b.min_working_days, 10);
}

#[test]
fn placement_rules_each_count_one() {
    let mut p = base();
    p.courses[1].rooms = Some(vec![RoomId(1)]);
    p.campus.room_unavailable = vec![(RoomId(2), PeriodId(2))];
    p.campus.pins = vec![Pin {
        course: CourseId(0),
        period: Some(PeriodId(4)),
        room: Some(RoomId(1)),
    }];
    let inst = Instance::new(p).unwrap();
    // The pin rides on A's last lecture (A1).
    assert!(inst.is_pinned(1) && !inst.is_pinned(0));
    // B0 in R0 (unsuitable); C at periods 0-2 in R2, closed at 2; A1 at day 0 period 3
    // (runs past the day: occupies only period 3) and not at its pin; A0 at its own slot.
    let t = tt(
        &inst,
        [Some((4, 2)), Some((3, 1)), Some((5, 0)), None, Some((0, 2))],
    );
    let b = scored(&inst, &t);
    assert_eq!(b.placement, 1 + 1 + 1 + 1);
    let rules: Vec<Rule> = evaluate(&inst, &t)
        .violations
        .iter()
        .map(|v| v.rule)
        .collect();
    for r in [
        Rule::RoomUnsuitable,
        Rule::RoomClosed,
        Rule::PastEndOfDay,
        Rule::PinNotKept,
    ] {
        assert!(rules.contains(&r), "{r:?} in {rules:?}");
    }
    // Messages name courses, rooms, days and periods (the calendar's names; defaults here).
    let messages: Vec<String> = evaluate(&inst, &t)
        .violations
        .iter()
        .map(|v| v.report(&inst).message)
        .collect();
    for want in [
        "Course C is in room R2 at Day 1 Period 3, when the room is closed",
        "Course B is in room R0 at Day 2 Period 2, which lacks the room type or features it needs",
        "Course A starts at Day 1 Period 4 but its 2 periods run past the end of Day 1",
        "Course A has a lecture pinned at Day 2 Period 1 and in room R1 but it is at Day 1 Period 4 in room R1",
    ] {
        assert!(
            messages.iter().any(|m| m == want),
            "{want:?} in {messages:#?}"
        );
    }
    // A1 at its pin: that violation goes.
    let t2 = tt(
        &inst,
        [Some((0, 1)), Some((4, 1)), Some((5, 0)), None, Some((0, 2))],
    );
    assert_eq!(scored(&inst, &t2).placement, 2);
    // A lecture running past the day does not occupy the next day's first period.
    let t3 = tt(&inst, [Some((3, 1)), Some((4, 1)), None, None, None]);
    let b3 = scored(&inst, &t3);
    assert_eq!((b3.placement, b3.conflicts, b3.room_occupancy), (1, 0, 0));
}

#[test]
fn teacher_preferences_cost_per_occupied_period_and_teacher() {
    let mut p = base();
    // T0 prefers day 0 periods 0 and 1 only; T1 (co-teacher of A) prefers period 0 only.
    p.courses[0].co_teachers = vec![TeacherId(1)];
    p.campus.teacher_preferred = vec![
        (TeacherId(0), PeriodId(0)),
        (TeacherId(0), PeriodId(1)),
        (TeacherId(1), PeriodId(0)),
    ];
    p.campus.weights = Weights {
        teacher_preference: 3,
        ..Weights::default()
    };
    let inst = Instance::new(p).unwrap();
    // A at 0-1: period 0 fine for both; period 1 dispreferred by T1 -> 1 x 3.
    let t = tt(&inst, [Some((0, 1)), None, None, None, None]);
    assert_eq!(scored(&inst, &t).teacher_preference, 3);
    // A at 1-2: period 1 -> T1; period 2 -> T0 and T1: 3 x 3.
    let t = tt(&inst, [Some((1, 1)), None, None, None, None]);
    assert_eq!(scored(&inst, &t).teacher_preference, 9);
    // C (T1) at 4-6: 3 periods outside T1's preference -> 9.
    let t = tt(&inst, [None, None, None, None, Some((4, 2))]);
    assert_eq!(scored(&inst, &t).teacher_preference, 9);
}

#[test]
fn daily_maxima_count_starts_per_group_and_teacher() {
    let mut p = base();
    p.campus.curriculum_max_daily = vec![(CurriculumId(0), 1)];
    p.campus.teacher_max_daily = vec![(TeacherId(1), 1)];
    p.campus.weights = Weights {
        daily_limit: 4,
        ..Weights::default()
    };
    let inst = Instance::new(p).unwrap();
    // Day 0: A (starts 0), B0 (2), B1 (3) -> group G has 3 starts, 2 over; T1 teaches
    // B0, B1 -> 1 over. C on day 1 only. Total 3 x 4.
    let t = tt(
        &inst,
        [Some((0, 1)), None, Some((2, 1)), Some((3, 1)), Some((4, 2))],
    );
    let b = scored(&inst, &t);
    assert_eq!(b.daily_limit, 12);
    // A lab counts once however long it is: A alone on day 0 and B on day 1 with C.
    let t = tt(
        &inst,
        [Some((0, 1)), None, Some((7, 1)), None, Some((4, 2))],
    );
    // Group: day 0 one start, day 1 one start: fine. T1: day 1 B and C: 1 over.
    assert_eq!(scored(&inst, &t).daily_limit, 4);
}

#[test]
fn changes_count_lectures_off_their_reference_slots() {
    let mut p = base();
    p.campus.weights = Weights {
        changes: 7,
        ..Weights::default()
    };
    let inst = Instance::new(p).unwrap();
    let old = tt(
        &inst,
        [Some((0, 1)), Some((4, 1)), Some((2, 0)), Some((3, 0)), None],
    );
    let re = inst.with_reference(&old);
    // Same placements, lectures of a course exchanged: nothing moved.
    let t = tt(
        &re,
        [
            Some((4, 1)),
            Some((0, 1)),
            Some((3, 0)),
            Some((2, 0)),
            Some((5, 2)),
        ],
    );
    assert_eq!(scored(&re, &t).changes, 0);
    // B1 to another room (same period): moved; A0 to another period: moved.
    let t = tt(
        &re,
        [
            Some((1, 1)),
            Some((4, 1)),
            Some((2, 0)),
            Some((3, 2)),
            Some((5, 2)),
        ],
    );
    assert_eq!(scored(&re, &t).changes, 14);
    // An unscheduled lecture is not a move (it is a missing lecture).
    let t = tt(&re, [Some((0, 1)), None, Some((2, 0)), Some((3, 0)), None]);
    let b = scored(&re, &t);
    assert_eq!((b.changes, b.lectures), (0, 2));
}

#[test]
fn the_cli_report_adds_campus_lines_only_for_a_campus() {
    let b = Breakdown {
        placement: 2,
        changes: 5,
        ..Breakdown::default()
    };
    let r = b.report(true);
    assert!(r.contains("Violations of Placement (hard) : 2\n"));
    assert!(r.contains("Cost of Changes (soft) : 5\n"));
    assert!(r.ends_with("Violations = 2, Total Cost = 5\n"));
    let plain = Breakdown::default().report(false);
    assert!(!plain.contains("Placement") && !plain.contains("Teacher"));
    assert_eq!(plain, Breakdown::default().validator_report());
    let c = b.components();
    assert_eq!(c.len(), Breakdown::COMPONENTS);
    assert_eq!(c[4], 2);
    assert_eq!(Breakdown::from_components(c), b);
}

#[test]
fn can_move_refuses_what_no_solver_may_do() {
    let mut p = base();
    p.courses[1].rooms = Some(vec![RoomId(1), RoomId(2)]);
    p.campus.room_unavailable = vec![(RoomId(2), PeriodId(1))];
    p.campus.pins = vec![Pin {
        course: CourseId(2),
        period: Some(PeriodId(4)),
        room: None,
    }];
    let inst = Instance::new(p).unwrap();
    let t = tt(
        &inst,
        [Some((0, 1)), None, Some((2, 1)), None, Some((4, 0))],
    );
    let s = IncrementalState::new(&inst, t);
    let (a0, a1, b0, b1, c0) = (
        LectureId(0),
        LectureId(1),
        LectureId(2),
        LectureId(3),
        LectureId(4),
    );
    // Pinned C stays (even to a slot keeping its period: pins never move).
    assert!(!s.can_move(c0, at(4, 1)));
    assert!(!s.can_move(c0, Slot::UNSCHEDULED));
    assert!(s.can_move(c0, at(4, 0)));
    // A (2 periods) cannot start at a day's last period.
    assert!(!s.can_move(a1, at(3, 2)));
    assert!(s.can_move(a1, at(2, 2)));
    // B may not use R0; R2 is closed at period 1, and A's lab would reach into it.
    assert!(!s.can_move(b1, at(2, 0)));
    assert!(!s.can_move(b1, at(1, 2)));
    assert!(!s.can_move(a1, at(0, 2)));
    // A's second lab may not overlap its first (periods 0-1); its own move may.
    assert!(!s.can_move(a1, at(1, 1)));
    assert!(s.can_move(a0, at(1, 1)));
    assert!(s.can_move(a1, at(5, 1)));
    // Swaps: with the pinned lecture never; A0 (0-1) and B0 (at 2) fine; B0 and A1
    // (unscheduled) fine; A0 with B1 (unscheduled) fine; once B0 is at 3, A0 there would
    // run past the day.
    assert!(!s.can_swap(c0, b0));
    assert!(s.can_swap(a0, b0));
    assert!(s.can_swap(b0, a1));
    assert!(s.can_swap(a0, b1));
    let mut s2 = s.clone();
    s2.move_lecture(b0, at(3, 1));
    assert!(!s2.can_swap(a0, b0));
    // A pinned lecture read from a file away from its pin may go to its pin.
    let t = tt(&inst, [None, None, None, None, Some((0, 0))]);
    let s = IncrementalState::new(&inst, t);
    assert!(s.can_move(c0, at(4, 0)));
    assert!(!s.can_move(c0, at(5, 0)));
}

/// Random moves, swaps and peeks on random campuses: after every step the delta state
/// equals a full evaluation; deltas equal the difference of full scores; `move_delta`
/// equals the applied delta. Half the steps ignore `can_move` (raw API).
#[test]
fn delta_equals_full_on_random_campuses() {
    let mut steps = 0u64;
    for seed in 0..60u64 {
        let spec = CampusSpec {
            courses: 10 + (seed as usize % 4) * 6,
            rooms: 3 + seed as usize % 4,
            days: 2 + (seed % 4) as u16,
            periods_per_day: 3 + (seed % 5) as u16,
            pins: seed % 3 != 0,
            loose: seed % 2 == 0,
        };
        let mut inst = random_campus(seed, spec);
        let mut rng = SmallRng::seed_from_u64(seed ^ 0xca3b);
        let np = inst.n_periods();
        let nr = inst.rooms.len();
        let random_slot = |rng: &mut SmallRng| {
            if rng.random_bool(0.08) {
                Slot::UNSCHEDULED
            } else {
                at(
                    rng.random_range(0..np) as u16,
                    rng.random_range(0..nr) as u16,
                )
            }
        };
        let mut start = Timetable::empty(&inst);
        for l in 0..start.len() {
            start.set(LectureId(l as u32), random_slot(&mut rng));
        }
        if seed % 2 == 1 {
            // A re-solve against another random timetable.
            let mut old = Timetable::empty(&inst);
            for l in 0..old.len() {
                old.set(LectureId(l as u32), random_slot(&mut rng));
            }
            // Some lectures keep their reference slot.
            for l in 0..old.len() {
                if rng.random_bool(0.4) {
                    start.set(LectureId(l as u32), old.slot(LectureId(l as u32)));
                }
            }
            inst = inst.with_reference(&old);
        }
        let mut s = IncrementalState::new(&inst, start.clone());
        assert_eq!(s.breakdown(), score(&inst, &start), "seed {seed}: start");
        let nl = start.len();
        for step in 0..400 {
            let before = score(&inst, s.timetable());
            let l = LectureId(rng.random_range(0..nl) as u32);
            let raw = rng.random_bool(0.5);
            let what = format!("seed {seed} step {step}");
            match rng.random_range(0..4) {
                0 | 1 => {
                    let to = random_slot(&mut rng);
                    if !raw && !s.can_move(l, to) {
                        continue;
                    }
                    let md = s.move_delta(l, to);
                    let pk = s.peek_move(l, to);
                    assert_eq!(s.breakdown(), before, "{what}: peek left no trace");
                    let d = s.move_lecture(l, to);
                    assert_eq!(pk, d, "{what}: peek");
                    if let Some(md) = md {
                        assert_eq!(md, d, "{what}: move_delta {l:?} -> {to:?}");
                    }
                }
                2 => {
                    let m = LectureId(rng.random_range(0..nl) as u32);
                    if !raw && !s.can_swap(l, m) {
                        continue;
                    }
                    let pk = s.peek_swap(l, m);
                    let d = s.swap(l, m);
                    assert_eq!(pk, d, "{what}: peek_swap");
                }
                _ => {
                    // A neighbouring period, same room: the moves a local search tries.
                    let Some((p, r)) = s.timetable().slot(l).get() else {
                        continue;
                    };
                    let q = (p.idx() + 1) % np;
                    let to = Slot::at(PeriodId(q as u16), r);
                    if !raw && !s.can_move(l, to) {
                        continue;
                    }
                    let md = s.move_delta(l, to).unwrap();
                    assert_eq!(md, s.move_lecture(l, to), "{what}: move_delta near");
                }
            }
            let after = score(&inst, s.timetable());
            assert_eq!(s.breakdown(), after, "{what}");
            assert_eq!(s.cost(), after.cost(), "{what}");
            steps += 1;
            if step % 50 == 0 {
                assert_eq!(
                    IncrementalState::new(&inst, s.timetable().clone()).breakdown(),
                    after
                );
            }
        }
    }
    assert!(steps > 10_000, "only {steps} steps");
}

/// A search that only makes moves `can_move`/`can_swap` allow, from a placement-free
/// start, never breaks a placement rule or overlaps a course with itself.
#[test]
fn allowed_moves_keep_placement_clean() {
    for seed in 100..130u64 {
        let inst = random_campus(seed, CampusSpec::default());
        let mut rng = SmallRng::seed_from_u64(seed);
        let mut s = IncrementalState::new(&inst, Timetable::empty(&inst));
        // Pinned lectures first, at their pins (allowed from unscheduled).
        for l in 0..inst.n_lectures() {
            if let Some(pin) = inst.pin_of(l) {
                let room = pin.room.unwrap_or_else(|| {
                    (0..inst.rooms.len())
                        .map(|r| RoomId(r as u16))
                        .find(|&r| {
                            s.can_move(LectureId(l as u32), Slot::at(pin.period.unwrap(), r))
                        })
                        .unwrap()
                });
                let to = Slot::at(pin.period.unwrap(), room);
                assert!(
                    s.can_move(LectureId(l as u32), to),
                    "seed {seed}: pin of {l}"
                );
                s.move_lecture(LectureId(l as u32), to);
            }
        }
        let np = inst.n_periods();
        let nr = inst.rooms.len();
        let nl = inst.n_lectures();
        for _ in 0..3000 {
            let l = LectureId(rng.random_range(0..nl) as u32);
            if rng.random_bool(0.7) {
                let to = at(
                    rng.random_range(0..np) as u16,
                    rng.random_range(0..nr) as u16,
                );
                if s.can_move(l, to) {
                    s.move_lecture(l, to);
                }
            } else {
                let m = LectureId(rng.random_range(0..nl) as u32);
                if s.can_swap(l, m) {
                    s.swap(l, m);
                }
            }
            assert_eq!(s.breakdown().placement, 0, "seed {seed}");
        }
        let e = evaluate(&inst, s.timetable());
        assert!(
            !e.violations
                .iter()
                .any(|v| v.rule == Rule::Conflicts && v.courses[0] == v.courses[1]),
            "seed {seed}: a course overlaps itself"
        );
        assert_eq!(e.breakdown, s.breakdown());
    }
}

/// `check --json` (`CheckReport`): the campus keys appear for a campus only, so the keys of
/// a `.ctt` report (compared with the page's) stay as they were.
#[test]
fn check_json_adds_campus_keys_only_for_a_campus() {
    use atoll::report::CheckReport;
    let keys = |inst: &Instance, t: &Timetable| {
        let j = serde_json::to_value(CheckReport::new(inst, &evaluate(inst, t))).unwrap();
        let sub = |k: &str| {
            let mut v: Vec<String> = j[k].as_object().unwrap().keys().cloned().collect();
            v.sort();
            v
        };
        (sub("hard"), sub("soft"))
    };
    let campus = Instance::new(base()).unwrap();
    let t = tt(&campus, [Some((3, 0)), None, None, None, None]);
    let (hard, soft) = keys(&campus, &t);
    assert!(hard.contains(&"placement".to_string()) && hard.len() == 5);
    for k in ["teacher_preference", "daily_limit", "changes"] {
        assert!(soft.contains(&k.to_string()), "{k}");
    }
    let mut p = base();
    p.courses.iter_mut().for_each(|c| c.duration = 1);
    let plain = Instance::new(p).unwrap();
    assert!(!plain.uses_campus_features());
    let (hard, soft) = keys(&plain, &Timetable::empty(&plain));
    assert_eq!(
        hard,
        ["availability", "conflicts", "lectures", "room_occupancy"]
    );
    assert_eq!(
        soft,
        [
            "curriculum_compactness",
            "min_working_days",
            "room_capacity",
            "room_stability"
        ]
    );
}
