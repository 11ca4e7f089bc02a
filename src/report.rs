//! Serializable reports shared by every front end (the CLI's `--json`, the page), so the
//! numbers a user sees are computed in one place: an instance summary and a check report.

use serde::Serialize;

use crate::eval::{Breakdown, Evaluation, ViolationReport};
use crate::model::{CourseId, Instance};

/// Sizes and derived facts of an instance (`atoll info`).
#[derive(Clone, Debug, Serialize)]
pub struct InstanceSummary {
    pub name: String,
    pub courses: usize,
    pub rooms: usize,
    pub days: u16,
    pub periods_per_day: u16,
    pub periods: usize,
    pub curricula: usize,
    pub teachers: usize,
    pub lectures: usize,
    pub unavailability_constraints: usize,
    /// Share of course pairs that may not share a period.
    pub conflict_density: f64,
    /// Lectures / (rooms × periods): how full the rooms must be.
    pub room_occupancy: f64,
    /// Share of (course, period) pairs that are unavailable.
    pub availability_tightness: f64,
    pub room_capacity_min: u32,
    pub room_capacity_max: u32,
    pub room_capacity_mean: f64,
    pub max_students: u32,
    /// Lectures whose course is larger than every room.
    pub lectures_larger_than_any_room: usize,
    pub mean_curricula_per_course: f64,
    pub extended_format: bool,
}

impl InstanceSummary {
    /// Summarises `inst`.
    pub fn of(inst: &Instance) -> InstanceSummary {
        let nc = inst.courses.len();
        let pairs = nc * nc.saturating_sub(1) / 2;
        let conflict_pairs: usize = (0..nc)
            .map(|c| inst.conflicting(CourseId(c as u16)).len())
            .sum::<usize>()
            / 2;
        let caps: Vec<u32> = inst.rooms.iter().map(|r| r.capacity).collect();
        let max_cap = caps.iter().copied().max().unwrap_or(0);
        let slots = inst.rooms.len() * inst.n_periods();
        let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
        InstanceSummary {
            name: inst.name.clone(),
            courses: nc,
            rooms: inst.rooms.len(),
            days: inst.days,
            periods_per_day: inst.periods_per_day,
            periods: inst.n_periods(),
            curricula: inst.curricula.len(),
            teachers: inst.teachers.len(),
            lectures: inst.n_lectures(),
            unavailability_constraints: inst.unavailable_list.len(),
            conflict_density: ratio(conflict_pairs, pairs),
            room_occupancy: ratio(inst.n_lectures(), slots),
            availability_tightness: ratio(inst.unavailable_list.len(), nc * inst.n_periods()),
            room_capacity_min: caps.iter().copied().min().unwrap_or(0),
            room_capacity_max: max_cap,
            room_capacity_mean: ratio(caps.iter().map(|&c| c as usize).sum(), caps.len()),
            max_students: inst.courses.iter().map(|c| c.students).max().unwrap_or(0),
            lectures_larger_than_any_room: inst
                .courses
                .iter()
                .filter(|c| c.students > max_cap)
                .map(|c| c.lectures as usize)
                .sum(),
            mean_curricula_per_course: ratio(
                inst.curricula.iter().map(|g| g.courses.len()).sum(),
                nc,
            ),
            extended_format: inst.extension.is_some(),
        }
    }
}

/// The four hard violation counts.
#[derive(Clone, Debug, Serialize)]
pub struct HardReport {
    pub lectures: u32,
    pub conflicts: u32,
    pub availability: u32,
    pub room_occupancy: u32,
    /// Campus instances only (absent for `.ctt`, whose keys stay the validator's four).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub placement: Option<u32>,
}

/// The four soft costs, already weighted.
#[derive(Clone, Debug, Serialize)]
pub struct SoftReport {
    pub room_capacity: u32,
    pub min_working_days: u32,
    pub curriculum_compactness: u32,
    pub room_stability: u32,
    /// Campus instances only, like the two below.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub teacher_preference: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub daily_limit: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changes: Option<u32>,
}

/// The score of a timetable with its violations (`atoll check --json`).
#[derive(Clone, Debug, Serialize)]
pub struct CheckReport {
    pub feasible: bool,
    pub hard_violations: u32,
    pub soft_cost: u32,
    pub hard: HardReport,
    pub soft: SoftReport,
    pub violations: Vec<ViolationReport>,
}

impl CheckReport {
    /// The report of an evaluation of a timetable of `inst`.
    pub fn new(inst: &Instance, eval: &Evaluation) -> CheckReport {
        let b: &Breakdown = &eval.breakdown;
        let campus = |v: u32| inst.uses_campus_features().then_some(v);
        CheckReport {
            feasible: b.hard() == 0,
            hard_violations: b.hard(),
            soft_cost: b.soft(),
            hard: HardReport {
                lectures: b.lectures,
                conflicts: b.conflicts,
                availability: b.availability,
                room_occupancy: b.room_occupancy,
                placement: campus(b.placement),
            },
            soft: SoftReport {
                room_capacity: b.room_capacity,
                min_working_days: b.min_working_days,
                curriculum_compactness: b.curriculum_compactness,
                room_stability: b.room_stability,
                teacher_preference: campus(b.teacher_preference),
                daily_limit: campus(b.daily_limit),
                changes: campus(b.changes),
            },
            violations: eval.violations.iter().map(|v| v.report(inst)).collect(),
        }
    }
}

/// The validator-style text of an evaluation of a timetable of `inst` (one line per rule,
/// then the totals): the one report `check`, `solve`, `repair` and the page print. The
/// campus lines appear for every campus instance and never for a `.ctt` one, whose report
/// thus stays byte-for-byte the official validator's.
pub fn report_text(inst: &Instance, eval: &Evaluation) -> String {
    eval.breakdown.report(inst.uses_campus_features())
}
