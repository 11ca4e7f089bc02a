//! Small instances, written inline, whose UD2 cost is derived by hand in the comments: one
//! test per component and per tricky rule of FORMAT.md §3. Each case checks the breakdown,
//! the violation list (rule, courses, rooms, periods, cost), the incremental evaluator
//! built on the same timetable, and `shared/tools/ctt_score.py` on the same files.
//!
//! Notation: a period is (day, slot); `n(g,p)` is the number of lectures of curriculum g's
//! courses at period p. Costs are weighted: RoomCapacity x1, MinWorkingDays x5,
//! CurriculumCompactness x2 per isolated lecture, RoomStability x1.

mod common;
#[path = "corpus/support.rs"]
mod support;

use std::collections::BTreeMap;

use atoll::eval::{Rule, ViolationReport};
use atoll::model::{LectureId, Slot};
use atoll::parallel::random_timetable;
use atoll::{Breakdown, IncrementalState, Instance, evaluate, parse_instance, parse_solution};
use support::Python;

/// An instance described by its sections; the header counts are computed.
struct Spec<'a> {
    days: u32,
    ppd: u32,
    /// (id, teacher, lectures, min working days, students)
    courses: &'a [(&'a str, &'a str, u32, u32, u32)],
    /// (id, capacity)
    rooms: &'a [(&'a str, u32)],
    /// (id, members)
    curricula: &'a [(&'a str, &'a [&'a str])],
    /// (course, day, slot)
    unavailable: &'a [(&'a str, u32, u32)],
}

impl Spec<'_> {
    fn ctt(&self, name: &str) -> String {
        let mut s = format!(
            "Name: {name}\nCourses: {}\nRooms: {}\nDays: {}\nPeriods_per_day: {}\nCurricula: {}\nConstraints: {}\n\nCOURSES:\n",
            self.courses.len(),
            self.rooms.len(),
            self.days,
            self.ppd,
            self.curricula.len(),
            self.unavailable.len()
        );
        for (id, t, l, m, st) in self.courses {
            s += &format!("{id} {t} {l} {m} {st}\n");
        }
        s += "\nROOMS:\n";
        for (id, cap) in self.rooms {
            s += &format!("{id} {cap}\n");
        }
        s += "\nCURRICULA:\n";
        for (id, members) in self.curricula {
            s += &format!("{id} {} {}\n", members.len(), members.join(" "));
        }
        s += "\nUNAVAILABILITY_CONSTRAINTS:\n";
        for (c, d, p) in self.unavailable {
            s += &format!("{c} {d} {p}\n");
        }
        s + "\nEND.\n"
    }
}

/// Expected breakdown, in validator order: hard (Lectures, Conflicts, Availability,
/// RoomOccupation), then weighted soft (RoomCapacity, MinWorkingDays, CurriculumCompactness,
/// RoomStability).
fn bd(h: [u32; 4], s: [u32; 4]) -> Breakdown {
    Breakdown {
        lectures: h[0],
        conflicts: h[1],
        availability: h[2],
        room_occupancy: h[3],
        room_capacity: s[0],
        min_working_days: s[1],
        curriculum_compactness: s[2],
        room_stability: s[3],
        ..Breakdown::default()
    }
}

/// One expected violation: rule, cost, courses, rooms, periods as (day, slot).
type V<'a> = (
    Rule,
    u32,
    &'a [&'a str],
    &'a [&'a str],
    &'a [(usize, usize)],
);

fn key(r: &ViolationReport) -> String {
    let periods: Vec<(usize, usize)> = r.periods.iter().map(|p| (p.day, p.period)).collect();
    format!(
        "{:?} cost {} courses {:?} rooms {:?} periods {periods:?}",
        r.rule, r.cost, r.courses, r.rooms
    )
}

/// Parses `spec` and `solution`, and checks the score, the violations (as a multiset), the
/// incremental evaluator and ctt_score.py. Returns the instance and the reports.
fn check(
    name: &str,
    spec: &Spec<'_>,
    solution: &str,
    want: Breakdown,
    violations: &[V<'_>],
) -> (Instance, Vec<ViolationReport>) {
    let text = spec.ctt(name);
    let inst = parse_instance(text.as_bytes(), name).unwrap_or_else(|e| panic!("{e}"));
    check_with(name, inst, &text, solution, want, violations)
}

fn check_with(
    name: &str,
    inst: Instance,
    instance_text: &str,
    solution: &str,
    want: Breakdown,
    violations: &[V<'_>],
) -> (Instance, Vec<ViolationReport>) {
    let (tt, warnings) = parse_solution(&inst, solution.as_bytes(), "hand.sol").unwrap();
    assert!(warnings.is_empty(), "{name}: {warnings:?}");
    let eval = evaluate(&inst, &tt);
    assert_eq!(eval.breakdown, want, "{name}: breakdown");

    let reports: Vec<ViolationReport> = eval.violations.iter().map(|v| v.report(&inst)).collect();
    let mut got: Vec<String> = reports.iter().map(key).collect();
    let mut exp: Vec<String> = violations
        .iter()
        .map(|&(rule, cost, courses, rooms, periods)| {
            format!(
                "{rule:?} cost {cost} courses {:?} rooms {:?} periods {periods:?}",
                courses.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
                rooms.iter().map(|s| s.to_string()).collect::<Vec<_>>()
            )
        })
        .collect();
    got.sort();
    exp.sort();
    assert_eq!(got, exp, "{name}: violations");
    assert_rule_sums(&eval.breakdown, &reports, name);

    // The incremental evaluator, built on the same timetable, agrees.
    let state = IncrementalState::new(&inst, tt.clone());
    assert_eq!(state.breakdown(), want, "{name}: incremental");

    // So does the independent scorer.
    let dir = support::scratch_dir("hand");
    let ip = dir.join(format!("{name}.ctt"));
    let sp = dir.join(format!("{name}.sol"));
    std::fs::write(&ip, instance_text).unwrap();
    std::fs::write(&sp, solution).unwrap();
    match support::python_score(&common::shared_dir(), &ip, &sp) {
        Python::Scored(json) => support::assert_same_as_python(&want, &json, name),
        Python::Rejected(e) => panic!("{name}: ctt_score.py rejects it: {e}"),
    }
    (inst, reports)
}

/// The costs of the violations of each rule add up to that rule's component.
fn assert_rule_sums(b: &Breakdown, reports: &[ViolationReport], what: &str) {
    let mut sums: BTreeMap<String, u32> = BTreeMap::new();
    for r in reports {
        assert_eq!(r.hard, r.rule.is_hard(), "{what}");
        assert!(r.cost > 0, "{what}: zero-cost violation {r:?}");
        assert!(!r.message.is_empty());
        *sums.entry(format!("{:?}", r.rule)).or_default() += r.cost;
    }
    let get = |rule: Rule| sums.get(&format!("{rule:?}")).copied().unwrap_or(0);
    assert_eq!(get(Rule::Lectures), b.lectures, "{what}: Lectures");
    assert_eq!(get(Rule::Conflicts), b.conflicts, "{what}: Conflicts");
    assert_eq!(
        get(Rule::Availability),
        b.availability,
        "{what}: Availability"
    );
    assert_eq!(
        get(Rule::RoomOccupancy),
        b.room_occupancy,
        "{what}: RoomOccupancy"
    );
    assert_eq!(
        get(Rule::RoomCapacity),
        b.room_capacity,
        "{what}: RoomCapacity"
    );
    assert_eq!(
        get(Rule::MinWorkingDays),
        b.min_working_days,
        "{what}: MinWorkingDays"
    );
    assert_eq!(
        get(Rule::CurriculumCompactness),
        b.curriculum_compactness,
        "{what}: CurriculumCompactness"
    );
    assert_eq!(
        get(Rule::RoomStability),
        b.room_stability,
        "{what}: RoomStability"
    );
}

use Rule::*;

#[test]
fn isolated_lectures_are_weighted_by_how_many_share_the_period() {
    // One day of 4 slots. A and B form curriculum G, both at slot 1 (in different rooms).
    // n(G,(0,1)) = 2 and slots 0 and 2 hold nothing of G, so the entry is isolated and
    // costs 2 x n = 4 (not 2: the validator counts lectures, not periods). A and B share G,
    // so they also clash: 1 conflict.
    let spec = Spec {
        days: 1,
        ppd: 4,
        courses: &[("A", "tA", 1, 0, 10), ("B", "tB", 1, 0, 10)],
        rooms: &[("R1", 100), ("R2", 100)],
        curricula: &[("G", &["A", "B"])],
        unavailable: &[],
    };
    let (_, reports) = check(
        "iso2",
        &spec,
        "A R1 0 1\nB R2 0 1\n",
        bd([0, 1, 0, 0], [0, 0, 4, 0]),
        &[
            (Conflicts, 1, &["A", "B"], &["R1", "R2"], &[(0, 1)]),
            (CurriculumCompactness, 4, &["A", "B"], &[], &[(0, 1)]),
        ],
    );
    let iso = reports
        .iter()
        .find(|r| r.rule == CurriculumCompactness)
        .unwrap();
    assert_eq!(iso.curricula, ["G"]);
    let clash = reports.iter().find(|r| r.rule == Conflicts).unwrap();
    assert_eq!(clash.curricula, ["G"]);
    assert!(clash.message.contains("curriculum G"), "{}", clash.message);
}

#[test]
fn a_course_in_two_curricula_is_counted_once_per_curriculum() {
    // G1 = {A, B}, G2 = {A, C}; B and C do not conflict (other teachers, no shared
    // curriculum), so they may share slot 2.
    // Case 1: A at slot 0, B and C at slot 2 of a 4-slot day.
    //   G1: A@0 (slot 1 empty) isolated 2; B@2 (slots 1, 3 empty) isolated 2.
    //   G2: A@0 isolated 2; C@2 isolated 2.  Total 8: A counts once in each curriculum.
    let spec = Spec {
        days: 1,
        ppd: 4,
        courses: &[
            ("A", "tA", 1, 0, 10),
            ("B", "tB", 1, 0, 10),
            ("C", "tC", 1, 0, 10),
        ],
        rooms: &[("R1", 100), ("R2", 100)],
        curricula: &[("G1", &["A", "B"]), ("G2", &["A", "C"])],
        unavailable: &[],
    };
    let (_, reports) = check(
        "two_curricula",
        &spec,
        "A R1 0 0\nB R1 0 2\nC R2 0 2\n",
        bd([0, 0, 0, 0], [0, 0, 8, 0]),
        &[
            (CurriculumCompactness, 2, &["A"], &[], &[(0, 0)]),
            (CurriculumCompactness, 2, &["B"], &[], &[(0, 2)]),
            (CurriculumCompactness, 2, &["A"], &[], &[(0, 0)]),
            (CurriculumCompactness, 2, &["C"], &[], &[(0, 2)]),
        ],
    );
    let mut pairs: Vec<(String, String)> = reports
        .iter()
        .map(|r| (r.curricula[0].clone(), r.courses[0].clone()))
        .collect();
    pairs.sort();
    let names = |a: &str, b: &str| (a.to_string(), b.to_string());
    assert_eq!(
        pairs,
        [
            names("G1", "A"),
            names("G1", "B"),
            names("G2", "A"),
            names("G2", "C")
        ]
    );
    // Case 2: B moves next to A (slot 1). G1 = {A@0, B@1} is compact; in G2, A@0 is still
    // alone (B is not in G2) and C@2 has nothing of G2 beside it: 2 + 2 = 4.
    check(
        "two_curricula_b",
        &spec,
        "A R1 0 0\nB R1 0 1\nC R2 0 2\n",
        bd([0, 0, 0, 0], [0, 0, 4, 0]),
        &[
            (CurriculumCompactness, 2, &["A"], &[], &[(0, 0)]),
            (CurriculumCompactness, 2, &["C"], &[], &[(0, 2)]),
        ],
    );
}

#[test]
fn days_are_not_linked() {
    // 2 days of 2 slots; periods are numbered day*2 + slot. A's lectures at (0,1) and
    // (1,0) are periods 1 and 2, consecutive numbers, but the last slot of day 0 and the
    // first of day 1 are not adjacent: both isolated, 2 + 2 = 4.
    let spec = Spec {
        days: 2,
        ppd: 2,
        courses: &[("A", "tA", 2, 0, 10)],
        rooms: &[("R", 100)],
        curricula: &[("G", &["A"])],
        unavailable: &[],
    };
    check(
        "days_unlinked",
        &spec,
        "A R 0 1\nA R 1 0\n",
        bd([0, 0, 0, 0], [0, 0, 4, 0]),
        &[
            (CurriculumCompactness, 2, &["A"], &[], &[(0, 1)]),
            (CurriculumCompactness, 2, &["A"], &[], &[(1, 0)]),
        ],
    );
    // Control: both on day 0, slots 0 and 1: adjacent, 0.
    check(
        "days_linked_control",
        &spec,
        "A R 0 0\nA R 0 1\n",
        bd([0; 4], [0; 4]),
        &[],
    );
}

#[test]
fn one_period_per_day_follows_the_validators_literal_rule() {
    // Periods_per_day = 1, so every slot is both first and last of its day. The validator
    // tests, literally: (first slot && next empty) || (last slot && previous empty) ||
    // (next empty && previous empty), with neighbours taken across days and 0 outside the
    // week (see score.rs is_isolated and ctt_score.py). With ppd = 1 that is "next empty ||
    // previous empty": an entry is isolated unless BOTH neighbouring days have lectures of
    // the curriculum.
    // A at days 0, 1, 2 of 3: day 0 (previous is outside the week) isolated; day 1 has
    // both neighbours, not isolated; day 2 (next outside) isolated: 2 + 2 = 4.
    // (A "same day only" reading would make all three isolated: 6.)
    let spec = Spec {
        days: 3,
        ppd: 1,
        courses: &[("A", "tA", 3, 0, 10)],
        rooms: &[("R", 100)],
        curricula: &[("G", &["A"])],
        unavailable: &[],
    };
    check(
        "ppd1_three",
        &spec,
        "A R 0 0\nA R 1 0\nA R 2 0\n",
        bd([0; 4], [0, 0, 4, 0]),
        &[
            (CurriculumCompactness, 2, &["A"], &[], &[(0, 0)]),
            (CurriculumCompactness, 2, &["A"], &[], &[(2, 0)]),
        ],
    );
    // Days 0 and 1 only (one lecture missing): day 0 isolated (no previous), day 1 isolated
    // (day 2 empty) although they are neighbours: 4; Lectures 1.
    check(
        "ppd1_two",
        &spec,
        "A R 0 0\nA R 1 0\n",
        bd([1, 0, 0, 0], [0, 0, 4, 0]),
        &[
            (Lectures, 1, &["A"], &[], &[]),
            (CurriculumCompactness, 2, &["A"], &[], &[(0, 0)]),
            (CurriculumCompactness, 2, &["A"], &[], &[(1, 0)]),
        ],
    );
}

#[test]
fn conflicts_count_once_per_course_pair_per_period() {
    // Three courses of one teacher, all at (0,0) in different rooms: pairs AB, AC, BC, so
    // 3 conflicts (not 2 "extra lectures", not 6 ordered pairs). No curricula, so nothing
    // else costs.
    let spec = Spec {
        days: 1,
        ppd: 2,
        courses: &[
            ("A", "T", 1, 0, 10),
            ("B", "T", 1, 0, 10),
            ("C", "T", 1, 0, 10),
        ],
        rooms: &[("R1", 100), ("R2", 100), ("R3", 100)],
        curricula: &[],
        unavailable: &[],
    };
    let (_, reports) = check(
        "three_clash",
        &spec,
        "A R1 0 0\nB R2 0 0\nC R3 0 0\n",
        bd([0, 3, 0, 0], [0; 4]),
        &[
            (Conflicts, 1, &["A", "B"], &["R1", "R2"], &[(0, 0)]),
            (Conflicts, 1, &["A", "C"], &["R1", "R3"], &[(0, 0)]),
            (Conflicts, 1, &["B", "C"], &["R2", "R3"], &[(0, 0)]),
        ],
    );
    assert!(reports.iter().all(|r| r.message.contains("same teacher")));

    // A and B share two curricula AND a teacher: still one conflicting pair, so one
    // violation at their common period (0,1) of a 3-slot day. Each curriculum has
    // n = 2 isolated at (0,1): 2 x 2 per curriculum, 8 in all.
    let spec = Spec {
        days: 1,
        ppd: 3,
        courses: &[("A", "T", 1, 0, 10), ("B", "T", 1, 0, 10)],
        rooms: &[("R1", 100), ("R2", 100)],
        curricula: &[("G1", &["A", "B"]), ("G2", &["B", "A"])],
        unavailable: &[],
    };
    let (_, reports) = check(
        "pair_once",
        &spec,
        "A R1 0 1\nB R2 0 1\n",
        bd([0, 1, 0, 0], [0, 0, 8, 0]),
        &[
            (Conflicts, 1, &["A", "B"], &["R1", "R2"], &[(0, 1)]),
            (CurriculumCompactness, 4, &["A", "B"], &[], &[(0, 1)]),
            // Courses are listed in curriculum order: G2 is "B A".
            (CurriculumCompactness, 4, &["B", "A"], &[], &[(0, 1)]),
        ],
    );
    let clash = reports.iter().find(|r| r.rule == Conflicts).unwrap();
    assert_eq!(clash.curricula, ["G1", "G2"]);
}

#[test]
fn room_occupancy_is_k_minus_one() {
    // Three unrelated courses (own teachers, no curricula) in room R at (0,0): k = 3
    // lectures, 2 violations. A fourth course alone in S at the same period costs nothing.
    let spec = Spec {
        days: 1,
        ppd: 1,
        courses: &[
            ("A", "tA", 1, 0, 10),
            ("B", "tB", 1, 0, 10),
            ("C", "tC", 1, 0, 10),
            ("D", "tD", 1, 0, 10),
        ],
        rooms: &[("R", 100), ("S", 100)],
        curricula: &[],
        unavailable: &[],
    };
    check(
        "room_k",
        &spec,
        "A R 0 0\nB R 0 0\nC R 0 0\nD S 0 0\n",
        bd([0, 0, 0, 2], [0; 4]),
        &[(RoomOccupancy, 2, &["A", "B", "C"], &["R"], &[(0, 0)])],
    );
}

#[test]
fn too_many_and_too_few_lectures_both_count() {
    // A needs 2 and the file lists 4 (distinct periods, one room): |4 - 2| = 2.
    // B needs 3 and gets 1: |1 - 3| = 2. Lectures = 4. Day 0 holds everything, so with
    // minimum working days 1 nothing else costs.
    let spec = Spec {
        days: 1,
        ppd: 4,
        courses: &[("A", "tA", 2, 1, 10), ("B", "tB", 3, 1, 10)],
        rooms: &[("R", 100), ("S", 100)],
        curricula: &[],
        unavailable: &[],
    };
    let (_, reports) = check(
        "lecture_counts",
        &spec,
        "A R 0 0\nA R 0 1\nA R 0 2\nA R 0 3\nB S 0 0\n",
        bd([4, 0, 0, 0], [0; 4]),
        &[
            (Lectures, 2, &["A"], &[], &[]),
            (Lectures, 2, &["B"], &[], &[]),
        ],
    );
    let msg = |c: &str| {
        reports
            .iter()
            .find(|r| r.courses[0] == c)
            .unwrap()
            .message
            .clone()
    };
    assert!(msg("A").contains("2 too many"), "{}", msg("A"));
    assert!(msg("B").contains("2 missing"), "{}", msg("B"));
}

#[test]
fn min_working_days_cost_five_per_missing_day() {
    // A: 4 lectures, minimum 3 days, all on day 0 (slots 0-3): 1 day, 2 short: 2 x 5 = 10.
    // B: minimum 2, lectures on days 0 and 1: met, 0.
    let spec = Spec {
        days: 3,
        ppd: 4,
        courses: &[("A", "tA", 4, 3, 10), ("B", "tB", 2, 2, 10)],
        rooms: &[("R", 100), ("S", 100)],
        curricula: &[],
        unavailable: &[],
    };
    let (_, reports) = check(
        "mwd",
        &spec,
        "A R 0 0\nA R 0 1\nA R 0 2\nA R 0 3\nB S 0 0\nB S 1 0\n",
        bd([0; 4], [0, 10, 0, 0]),
        &[(MinWorkingDays, 10, &["A"], &[], &[])],
    );
    assert!(reports[0].message.contains("1 day(s)") && reports[0].message.contains("at least 3"));
}

#[test]
fn room_capacity_costs_the_excess_per_lecture() {
    // A has 50 students: in Small (30 seats) twice, 20 + 20 = 40; in Big (60) once, 0.
    // That is two rooms, so RoomStability 1.
    let spec = Spec {
        days: 1,
        ppd: 3,
        courses: &[("A", "tA", 3, 0, 50)],
        rooms: &[("Small", 30), ("Big", 60)],
        curricula: &[],
        unavailable: &[],
    };
    check(
        "capacity",
        &spec,
        "A Small 0 0\nA Small 0 1\nA Big 0 2\n",
        bd([0; 4], [40, 0, 0, 1]),
        &[
            (RoomCapacity, 20, &["A"], &["Small"], &[(0, 0)]),
            (RoomCapacity, 20, &["A"], &["Small"], &[(0, 1)]),
            (RoomStability, 1, &["A"], &["Small", "Big"], &[]),
        ],
    );
}

#[test]
fn room_stability_is_distinct_rooms_minus_one() {
    // A: 3 lectures in R1, R2, R3: 3 - 1 = 2. B: 3 lectures in R1, R1, R2: 1. C: none
    // scheduled (0 lectures required): 0, not -1.
    let spec = Spec {
        days: 1,
        ppd: 3,
        courses: &[
            ("A", "tA", 3, 0, 10),
            ("B", "tB", 3, 0, 10),
            ("C", "tC", 0, 0, 10),
        ],
        rooms: &[("R1", 100), ("R2", 100), ("R3", 100)],
        curricula: &[],
        unavailable: &[],
    };
    check(
        "stability",
        &spec,
        "A R1 0 0\nA R2 0 1\nA R3 0 2\nB R2 0 0\nB R1 0 1\nB R1 0 2\n",
        bd([0; 4], [0, 0, 0, 3]),
        &[
            (RoomStability, 2, &["A"], &["R1", "R2", "R3"], &[]),
            (RoomStability, 1, &["B"], &["R1", "R2"], &[]),
        ],
    );
}

#[test]
fn unavailable_periods_cost_one_per_lecture() {
    // A may not be taught at (0,1) or (1,0). Lectures at (0,1) and (1,0): 2 violations;
    // at (0,0) none. A second course, B, is not bound by A's constraints.
    let spec = Spec {
        days: 2,
        ppd: 2,
        courses: &[("A", "tA", 3, 0, 10), ("B", "tB", 1, 0, 10)],
        rooms: &[("R", 100), ("S", 100)],
        curricula: &[],
        unavailable: &[("A", 0, 1), ("A", 1, 0)],
    };
    check(
        "availability",
        &spec,
        "A R 0 0\nA R 0 1\nA R 1 0\nB S 0 1\n",
        bd([0, 0, 2, 0], [0; 4]),
        &[
            (Availability, 1, &["A"], &["R"], &[(0, 1)]),
            (Availability, 1, &["A"], &["R"], &[(1, 0)]),
        ],
    );
}

#[test]
fn shared_toy_every_lecture_packed_into_room_ra_from_period_zero() {
    // toy.ctt: 5 days x 4 slots. SceCosC (S) 3 lectures, min 3 days, 30 students;
    // ArcTec (A) 3, min 2, 42; TecCos (T) 5, min 4, 40; Geotec (G) 5, min 4, 18.
    // Rooms rA 32, rB 50, rC 40. Cur1 = {S, A, T}, Cur2 = {T, G}. Unavailable: T at
    // (2,0) (2,1) (3,2) (3,3); A on day 4.
    // Every course from period 0 on, in rA: S, A at (0,0..2); T, G at (0,0..3) and (1,0).
    // Hard:
    //   Lectures 0. Availability 0 (nothing on days 2-4).
    //   Conflicts: S-A, S-T, A-T share 3 periods each (9), T-G share 5: 14.
    //   RoomOccupation: rA holds 4, 4, 4, 2, 2 lectures at periods 0..4: 3+3+3+1+1 = 11.
    // Soft:
    //   RoomCapacity (rA seats 32): A 3 x 10 + T 5 x 8 = 70.
    //   MinWorkingDays: S 1 day of 3 (2), A 1 of 2 (1), T 2 of 4 (2), G 2 of 4 (2):
    //     7 x 5 = 35.
    //   Compactness: day 0 is full for both curricula. (1,0) holds T for Cur1 (n = 1)
    //     and T, G for Cur2 (n = 2) with (1,1) empty: isolated, (1 + 2) x 2 = 6.
    //   RoomStability 0 (one room each).
    // Total: Violations = 25, Total Cost = 111.
    let path = common::shared_dir().join("instances/extra/toy.ctt");
    let text = std::fs::read_to_string(&path).unwrap();
    let inst = common::load(&path);
    let mut sol = String::new();
    for (c, n) in [("SceCosC", 3), ("ArcTec", 3), ("TecCos", 5), ("Geotec", 5)] {
        for p in 0..n {
            sol += &format!("{c} rA {} {}\n", p / 4, p % 4);
        }
    }
    let (inst, reports) = check_with(
        "toy_packed",
        inst,
        &text,
        &sol,
        bd([0, 14, 0, 11], [70, 35, 6, 0]),
        &[
            (
                Conflicts,
                1,
                &["SceCosC", "ArcTec"],
                &["rA", "rA"],
                &[(0, 0)],
            ),
            (
                Conflicts,
                1,
                &["SceCosC", "ArcTec"],
                &["rA", "rA"],
                &[(0, 1)],
            ),
            (
                Conflicts,
                1,
                &["SceCosC", "ArcTec"],
                &["rA", "rA"],
                &[(0, 2)],
            ),
            (
                Conflicts,
                1,
                &["SceCosC", "TecCos"],
                &["rA", "rA"],
                &[(0, 0)],
            ),
            (
                Conflicts,
                1,
                &["SceCosC", "TecCos"],
                &["rA", "rA"],
                &[(0, 1)],
            ),
            (
                Conflicts,
                1,
                &["SceCosC", "TecCos"],
                &["rA", "rA"],
                &[(0, 2)],
            ),
            (
                Conflicts,
                1,
                &["ArcTec", "TecCos"],
                &["rA", "rA"],
                &[(0, 0)],
            ),
            (
                Conflicts,
                1,
                &["ArcTec", "TecCos"],
                &["rA", "rA"],
                &[(0, 1)],
            ),
            (
                Conflicts,
                1,
                &["ArcTec", "TecCos"],
                &["rA", "rA"],
                &[(0, 2)],
            ),
            (
                Conflicts,
                1,
                &["TecCos", "Geotec"],
                &["rA", "rA"],
                &[(0, 0)],
            ),
            (
                Conflicts,
                1,
                &["TecCos", "Geotec"],
                &["rA", "rA"],
                &[(0, 1)],
            ),
            (
                Conflicts,
                1,
                &["TecCos", "Geotec"],
                &["rA", "rA"],
                &[(0, 2)],
            ),
            (
                Conflicts,
                1,
                &["TecCos", "Geotec"],
                &["rA", "rA"],
                &[(0, 3)],
            ),
            (
                Conflicts,
                1,
                &["TecCos", "Geotec"],
                &["rA", "rA"],
                &[(1, 0)],
            ),
            (
                RoomOccupancy,
                3,
                &["SceCosC", "ArcTec", "TecCos", "Geotec"],
                &["rA"],
                &[(0, 0)],
            ),
            (
                RoomOccupancy,
                3,
                &["SceCosC", "ArcTec", "TecCos", "Geotec"],
                &["rA"],
                &[(0, 1)],
            ),
            (
                RoomOccupancy,
                3,
                &["SceCosC", "ArcTec", "TecCos", "Geotec"],
                &["rA"],
                &[(0, 2)],
            ),
            (RoomOccupancy, 1, &["TecCos", "Geotec"], &["rA"], &[(0, 3)]),
            (RoomOccupancy, 1, &["TecCos", "Geotec"], &["rA"], &[(1, 0)]),
            (RoomCapacity, 10, &["ArcTec"], &["rA"], &[(0, 0)]),
            (RoomCapacity, 10, &["ArcTec"], &["rA"], &[(0, 1)]),
            (RoomCapacity, 10, &["ArcTec"], &["rA"], &[(0, 2)]),
            (RoomCapacity, 8, &["TecCos"], &["rA"], &[(0, 0)]),
            (RoomCapacity, 8, &["TecCos"], &["rA"], &[(0, 1)]),
            (RoomCapacity, 8, &["TecCos"], &["rA"], &[(0, 2)]),
            (RoomCapacity, 8, &["TecCos"], &["rA"], &[(0, 3)]),
            (RoomCapacity, 8, &["TecCos"], &["rA"], &[(1, 0)]),
            (MinWorkingDays, 10, &["SceCosC"], &[], &[]),
            (MinWorkingDays, 5, &["ArcTec"], &[], &[]),
            (MinWorkingDays, 10, &["TecCos"], &[], &[]),
            (MinWorkingDays, 10, &["Geotec"], &[], &[]),
            (CurriculumCompactness, 2, &["TecCos"], &[], &[(1, 0)]),
            (
                CurriculumCompactness,
                4,
                &["TecCos", "Geotec"],
                &[],
                &[(1, 0)],
            ),
        ],
    );
    assert_eq!(inst.name, "Toy");
    let report = evaluate(
        &inst,
        &parse_solution(&inst, sol.as_bytes(), "s").unwrap().0,
    )
    .breakdown
    .validator_report();
    assert!(
        report.ends_with("Violations = 25, Total Cost = 111\n"),
        "{report}"
    );
    assert!(
        reports
            .iter()
            .any(|r| r.message.contains("Room rA holds 4 lectures"))
    );
}

#[test]
fn shared_toy_hand_built_optimum_costs_zero() {
    // tests/fixtures/toy_optimal.sol, derived by hand: every course keeps one room
    // (S rA, A rB, T and G rC: all large enough, T and G never share a period), each day's
    // Cur1 and Cur2 lectures sit in adjacent slots, T avoids (2,0) (2,1) (3,2) (3,3) and A
    // avoids day 4, and S, A, T, G are spread over 3, 3, 5, 5 days. Cost 0 is the optimum.
    let path = common::shared_dir().join("instances/extra/toy.ctt");
    let text = std::fs::read_to_string(&path).unwrap();
    let sol = std::fs::read_to_string(support::fixtures_dir().join("toy_optimal.sol")).unwrap();
    check_with(
        "toy_optimal",
        common::load(&path),
        &text,
        &sol,
        bd([0; 4], [0; 4]),
        &[],
    );
}

#[test]
fn violation_costs_add_up_to_the_breakdown_on_every_shared_instance() {
    for path in common::all_instances() {
        let inst = common::load(&path);
        for seed in 0..6u64 {
            let mut tt = random_timetable(&inst, seed * 7919 + 1);
            if seed % 2 == 1 {
                // Unschedule every third lecture, so that Lectures and MinWorkingDays show up.
                for l in (0..tt.len()).step_by(3) {
                    tt.set(LectureId(l as u32), Slot::UNSCHEDULED);
                }
            }
            let eval = evaluate(&inst, &tt);
            assert_eq!(eval.breakdown, atoll::score(&inst, &tt));
            let reports: Vec<ViolationReport> =
                eval.violations.iter().map(|v| v.report(&inst)).collect();
            let what = format!("{} seed {seed}", path.display());
            assert_rule_sums(&eval.breakdown, &reports, &what);
            // Every violation names what it is about.
            for r in &reports {
                match r.rule {
                    Lectures | MinWorkingDays => assert_eq!(r.courses.len(), 1, "{what}"),
                    Conflicts => {
                        assert_eq!((r.courses.len(), r.periods.len()), (2, 1), "{what}")
                    }
                    Availability | RoomCapacity => {
                        assert_eq!((r.courses.len(), r.rooms.len(), r.periods.len()), (1, 1, 1))
                    }
                    RoomOccupancy => {
                        assert_eq!(r.cost as usize + 1, r.courses.len(), "{what}");
                        assert_eq!((r.rooms.len(), r.periods.len()), (1, 1), "{what}");
                    }
                    CurriculumCompactness => {
                        assert_eq!((r.curricula.len(), r.periods.len()), (1, 1), "{what}");
                        assert!(!r.courses.is_empty(), "{what}");
                    }
                    RoomStability => {
                        assert_eq!(r.cost as usize + 1, r.rooms.len(), "{what}");
                    }
                    other => panic!("{what}: campus rule {other:?} on a .ctt instance"),
                }
            }
        }
    }
}
