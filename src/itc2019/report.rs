//! What `atoll check` and `atoll info` print for ITC-2019 files (and what the page will
//! show): the check report with the keys of `shared/tools/itc2019_score.py --json`, and an
//! instance summary.

use std::collections::BTreeMap;

use serde::Serialize;

use super::eval::{Evaluation, HARD_KINDS, Violation, evaluate};
use super::model::*;
use super::solution::{SolutionMeta, SolutionRead};

/// The four objective parts, raw or weighted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Parts {
    pub time: u64,
    pub room: u64,
    pub distribution: u64,
    pub student: u64,
}

/// The result of checking a solution file, with the scorer's JSON keys at the top level
/// (`feasible`, `hard_violations`, `hard`, `time`, `room`, `distribution`, `student`,
/// `weighted`, `total`, ...).
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    pub instance: String,
    pub solution_name: String,
    pub solution_meta: SolutionMeta,
    pub classes: usize,
    pub rooms: usize,
    pub students: usize,
    pub distributions: usize,
    pub feasible: bool,
    pub hard_violations: usize,
    /// Count per kind (every kind of [`HARD_KINDS`], zeros included).
    pub hard: BTreeMap<&'static str, usize>,
    /// Violated required distributions by type.
    pub hard_distributions_by_type: BTreeMap<&'static str, usize>,
    /// Their failing pairs / excess units by type.
    pub hard_distribution_units_by_type: BTreeMap<&'static str, u64>,
    pub weights: Weights,
    pub time: u64,
    pub room: u64,
    pub distribution: u64,
    pub student: u64,
    pub weighted: Parts,
    pub total: u64,
    pub soft_distribution_by_type: BTreeMap<&'static str, u64>,
    pub notes: Vec<String>,
    /// Every hard violation in words (`--verbose`; empty otherwise).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub violations: Vec<String>,
    /// The violations as data (for callers that group or link them).
    #[serde(skip)]
    pub violation_list: Vec<Violation>,
}

impl CheckReport {
    /// Scores a solution read from a file: the reader's issues and the evaluator's
    /// violations, where a class the reader found at an invalid time (or in an invalid
    /// room) is reported as that and not again as unassigned (or roomless).
    pub fn new(p: &Problem, read: &SolutionRead, with_words: bool) -> CheckReport {
        let ev = evaluate(p, &read.assignment);
        Self::from_parts(p, read, &ev, with_words)
    }

    /// As [`CheckReport::new`] with an evaluation already made.
    pub fn from_parts(
        p: &Problem,
        read: &SolutionRead,
        ev: &Evaluation,
        with_words: bool,
    ) -> CheckReport {
        let mut bad_time = vec![false; p.classes.len()];
        let mut bad_room = vec![false; p.classes.len()];
        for v in &read.issues {
            match v {
                Violation::InvalidTime { class, .. } => bad_time[*class as usize] = true,
                Violation::InvalidRoom { class, .. } => bad_room[*class as usize] = true,
                _ => {}
            }
        }
        let mut list = read.issues.clone();
        list.extend(
            ev.violations
                .iter()
                .filter(|v| match v {
                    Violation::Unassigned { class } => !bad_time[*class as usize],
                    Violation::NoRoom { class } => !bad_room[*class as usize],
                    _ => true,
                })
                .cloned(),
        );
        let mut hard: BTreeMap<&'static str, usize> = HARD_KINDS.iter().map(|&k| (k, 0)).collect();
        let mut by_type = BTreeMap::new();
        let mut units_by_type = BTreeMap::new();
        for v in &list {
            *hard.get_mut(v.kind()).expect("every kind is listed") += 1;
            if let Violation::Distribution { index, units } = v {
                let name = p.distributions[*index as usize].kind.name();
                *by_type.entry(name).or_insert(0) += 1;
                *units_by_type.entry(name).or_insert(0) += units;
            }
        }
        let w = p.weights;
        let weighted = Parts {
            time: ev.time * w.time as u64,
            room: ev.room * w.room as u64,
            distribution: ev.distribution * w.distribution as u64,
            student: ev.student * w.student as u64,
        };
        let mut notes = read.notes.clone();
        if !p.students.is_empty() && read.assignment.students.iter().all(|s| s.is_empty()) {
            notes.push(format!(
                "the solution enrols no students (the {} students count as not enrolled)",
                p.students.len()
            ));
        }
        CheckReport {
            instance: p.name.clone(),
            solution_name: read.meta.name.clone(),
            solution_meta: read.meta.clone(),
            classes: p.classes.len(),
            rooms: p.rooms.len(),
            students: p.students.len(),
            distributions: p.distributions.len(),
            feasible: list.is_empty(),
            hard_violations: list.len(),
            hard,
            hard_distributions_by_type: by_type,
            hard_distribution_units_by_type: units_by_type,
            weights: w,
            time: ev.time,
            room: ev.room,
            distribution: ev.distribution,
            student: ev.student,
            weighted,
            total: ev.total(&w),
            soft_distribution_by_type: ev.soft_by_type(p),
            notes,
            violations: if with_words {
                list.iter().map(|v| v.describe(p)).collect()
            } else {
                Vec::new()
            },
            violation_list: list,
        }
    }

    /// The report as text, like the scorer's.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "instance   {}  ({} classes, {} rooms, {} distributions, {} students)",
            self.instance, self.classes, self.rooms, self.distributions, self.students
        );
        let _ = writeln!(
            s,
            "hard violations: {}  -> {}",
            self.hard_violations,
            if self.feasible {
                "FEASIBLE"
            } else {
                "INFEASIBLE"
            }
        );
        for k in HARD_KINDS {
            let v = self.hard[k];
            if v > 0 {
                let _ = writeln!(s, "  {k:<30} {v}");
            }
            if k == "distribution" {
                for (t, n) in &self.hard_distributions_by_type {
                    let _ = writeln!(
                        s,
                        "      {t:<26} {n} ({} units)",
                        self.hard_distribution_units_by_type[t]
                    );
                }
            }
        }
        let _ = writeln!(s, "objective  (raw x weight = weighted)");
        let w = self.weights;
        for (k, raw, wt, wd) in [
            ("time", self.time, w.time, self.weighted.time),
            ("room", self.room, w.room, self.weighted.room),
            (
                "distribution",
                self.distribution,
                w.distribution,
                self.weighted.distribution,
            ),
            ("student", self.student, w.student, self.weighted.student),
        ] {
            let _ = writeln!(s, "  {k:<13} {raw:>10} x {wt:<4} = {wd}");
        }
        for (t, c) in &self.soft_distribution_by_type {
            let _ = writeln!(s, "      distribution {t:<22} {c}");
        }
        let _ = writeln!(s, "  {:<13} {:>31}", "total", self.total);
        for n in &self.notes {
            let _ = writeln!(s, "note: {n}");
        }
        s
    }
}

/// Sizes of an instance, for `atoll info` and the page.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    pub name: String,
    pub nr_days: u32,
    pub slots_per_day: u32,
    pub nr_weeks: u32,
    pub weights: Weights,
    pub rooms: usize,
    pub rooms_with_unavailability: usize,
    pub travel_pairs: usize,
    pub courses: usize,
    pub configs: usize,
    pub subparts: usize,
    pub classes: usize,
    pub classes_without_room: usize,
    pub classes_with_parent: usize,
    pub time_options: usize,
    pub room_options: usize,
    pub max_time_options: usize,
    pub max_room_options: usize,
    pub distributions_required: usize,
    pub distributions_soft: usize,
    /// Count per type: `[required, soft]`.
    pub distribution_types: BTreeMap<&'static str, [usize; 2]>,
    pub students: usize,
    pub requests: usize,
}

impl Summary {
    pub fn of(p: &Problem) -> Summary {
        let mut types: BTreeMap<&'static str, [usize; 2]> = BTreeMap::new();
        for d in &p.distributions {
            types.entry(d.kind.name()).or_default()[usize::from(!d.required)] += 1;
        }
        let nr = p.rooms.len();
        let travel_pairs = (0..nr)
            .flat_map(|a| (a + 1..nr).map(move |b| (a, b)))
            .filter(|&(a, b)| p.travel[a * nr + b] > 0)
            .count();
        Summary {
            name: p.name.clone(),
            nr_days: p.nr_days,
            slots_per_day: p.slots_per_day,
            nr_weeks: p.nr_weeks,
            weights: p.weights,
            rooms: nr,
            rooms_with_unavailability: p.rooms.iter().filter(|r| !r.unavailable.is_empty()).count(),
            travel_pairs,
            courses: p.courses.len(),
            configs: p.configs.len(),
            subparts: p.subparts.len(),
            classes: p.classes.len(),
            classes_without_room: p.classes.iter().filter(|c| !c.needs_room()).count(),
            classes_with_parent: p.classes.iter().filter(|c| c.parent.is_some()).count(),
            time_options: p.time_options.len(),
            room_options: p.room_options.len(),
            max_time_options: p.classes.iter().map(|c| c.times.len()).max().unwrap_or(0),
            max_room_options: p.classes.iter().map(|c| c.rooms.len()).max().unwrap_or(0),
            distributions_required: p.distributions.iter().filter(|d| d.required).count(),
            distributions_soft: p.distributions.iter().filter(|d| !d.required).count(),
            distribution_types: types,
            students: p.students.len(),
            requests: p.requests(),
        }
    }

    /// The summary as text.
    pub fn text(&self) -> String {
        use std::fmt::Write as _;
        let mut s = String::new();
        let w = self.weights;
        let _ = writeln!(s, "Instance            {} (ITC-2019)", self.name);
        let _ = writeln!(
            s,
            "Calendar            {} weeks x {} days x {} slots a day",
            self.nr_weeks, self.nr_days, self.slots_per_day
        );
        let _ = writeln!(
            s,
            "Weights             time {} room {} distribution {} student {}",
            w.time, w.room, w.distribution, w.student
        );
        let _ = writeln!(
            s,
            "Rooms               {} ({} with unavailable times, {} pairs with travel time)",
            self.rooms, self.rooms_with_unavailability, self.travel_pairs
        );
        let _ = writeln!(
            s,
            "Courses             {} ({} configurations, {} subparts)",
            self.courses, self.configs, self.subparts
        );
        let _ = writeln!(
            s,
            "Classes             {} ({} without room, {} with a parent)",
            self.classes, self.classes_without_room, self.classes_with_parent
        );
        let _ = writeln!(
            s,
            "Options             {} times (at most {} a class), {} rooms (at most {} a class)",
            self.time_options, self.max_time_options, self.room_options, self.max_room_options
        );
        let _ = writeln!(
            s,
            "Distributions       {} required, {} soft",
            self.distributions_required, self.distributions_soft
        );
        for (t, [r, soft]) in &self.distribution_types {
            let _ = writeln!(s, "  {t:<17} {r:>5} required {soft:>5} soft");
        }
        let _ = writeln!(
            s,
            "Students            {} ({} course requests)",
            self.students, self.requests
        );
        s
    }
}
