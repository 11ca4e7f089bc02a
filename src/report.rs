//! Serializable reports shared by every front end (the CLI's `--json`, the page), so the
//! numbers a user sees are computed in one place: an instance summary, a check report,
//! and the objects the page's worker hands on as they are (the check of a solution file
//! with its skipped lines, a random batch's costs, a solve's progress and result).

use serde::Serialize;

use crate::eval::{Breakdown, Cost, Evaluation, ViolationReport, evaluate};
use crate::io::{ParseError, SolutionWarning, WarningKind, parse_solution};
use crate::model::{CourseId, Instance, Moves, Timetable, Weights};
use crate::parallel::BatchReport;
use crate::repair::{RepairStop, StepProgress, SteppedStats};
use crate::solver::{Progress, SolveStats, StopReason};

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

/// An instance as the page shows it: the fields of `atoll info --json`, plus the file
/// name, day and period names, the soft weights, whether the instance uses campus
/// features and how many lectures are pinned.
#[derive(Clone, Debug, Serialize)]
pub struct InstanceOverview {
    pub file: String,
    #[serde(flatten)]
    pub summary: InstanceSummary,
    pub day_names: Vec<String>,
    pub period_names: Vec<String>,
    pub weights: Weights,
    pub campus: bool,
    pub pins: usize,
}

impl InstanceOverview {
    /// The overview of `inst`, read from `file`.
    pub fn of(inst: &Instance, file: &str) -> InstanceOverview {
        InstanceOverview {
            file: file.to_string(),
            summary: InstanceSummary::of(inst),
            day_names: inst.day_names(),
            period_names: inst.period_names(),
            weights: *inst.weights(),
            campus: inst.uses_campus_features(),
            pins: inst.campus.pins.len(),
        }
    }
}

/// A skipped solution line, with the validator's sentence: `{ line, message, reason, ... }`
/// (`reason` and its fields as [`WarningKind`] serializes them).
#[derive(Clone, Debug, Serialize)]
pub struct WarningReport {
    pub line: u32,
    pub message: String,
    #[serde(flatten)]
    pub kind: WarningKind,
}

impl WarningReport {
    /// Skipped solution lines as reports.
    pub fn all(warnings: Vec<SolutionWarning>) -> Vec<WarningReport> {
        warnings
            .into_iter()
            .map(|w| WarningReport {
                line: w.line,
                // The Display form starts with "line N: "; the line is its own field.
                message: w
                    .to_string()
                    .split_once(": ")
                    .map_or_else(String::new, |(_, m)| m.to_string()),
                kind: w.kind,
            })
            .collect()
    }
}

/// The check of a solution: the object of `atoll check --json` ([`CheckReport`]), plus
/// the file name, the skipped lines, the number of scheduled lectures and the
/// validator-style text.
#[derive(Clone, Debug, Serialize)]
pub struct SolutionCheck {
    pub file: String,
    #[serde(flatten)]
    pub check: CheckReport,
    pub warnings: Vec<WarningReport>,
    pub scheduled_lectures: usize,
    pub report: String,
}

impl SolutionCheck {
    /// The check of `tt`, a timetable of `inst` named `file`, with the lines skipped when
    /// it was read. A lecture standing where a pin says carries that pin first (lectures
    /// of a course are interchangeable in a file).
    pub fn of(
        inst: &Instance,
        mut tt: Timetable,
        file: &str,
        warnings: Vec<SolutionWarning>,
    ) -> SolutionCheck {
        tt.align_pins(inst);
        let eval = evaluate(inst, &tt);
        SolutionCheck {
            file: file.to_string(),
            check: CheckReport::new(inst, &eval),
            warnings: WarningReport::all(warnings),
            scheduled_lectures: tt.scheduled().count(),
            report: report_text(inst, &eval),
        }
    }

    /// Reads the solution text `bytes` (named `file` in messages) against `inst` and
    /// checks it, as `atoll check` does.
    pub fn read(inst: &Instance, bytes: &[u8], file: &str) -> Result<SolutionCheck, ParseError> {
        let (tt, warnings) = parse_solution(inst, bytes, file)?;
        Ok(SolutionCheck::of(inst, tt, file, warnings))
    }
}

/// The costs of a batch of random timetables scored on the pool, and how many threads
/// took part.
#[derive(Clone, Debug, Serialize)]
pub struct RandomBatchReport {
    pub count: usize,
    pub costs: Vec<Cost>,
    pub best: Option<Cost>,
    pub mean_hard: f64,
    pub mean_soft: f64,
    pub threads_used: usize,
    pub pool_threads: usize,
    /// Whether the module was built with threads (the page's atomics build).
    pub threaded_build: bool,
}

impl RandomBatchReport {
    /// The report of `batch`, scored by a build that is `threaded_build` or not.
    pub fn of(batch: &BatchReport, threaded_build: bool) -> RandomBatchReport {
        let costs: Vec<Cost> = batch.breakdowns.iter().map(|b| b.cost()).collect();
        let n = costs.len().max(1) as f64;
        RandomBatchReport {
            count: costs.len(),
            mean_hard: costs.iter().map(|c| c.hard as f64).sum::<f64>() / n,
            mean_soft: costs.iter().map(|c| c.soft as f64).sum::<f64>() / n,
            best: costs.iter().copied().min(),
            costs,
            threads_used: batch.threads_used,
            pool_threads: batch.pool_threads,
            threaded_build,
        }
    }
}

/// A solve's progress event plus `finished` (null while running, else the stop reason).
#[derive(Clone, Debug, Serialize)]
pub struct ProgressReport<'a> {
    #[serde(flatten)]
    pub progress: &'a Progress,
    pub finished: Option<StopReason>,
}

/// A finished solve (or re-solve): the best timetable and its check.
#[derive(Clone, Debug, Serialize)]
pub struct SolvedReport {
    /// The best timetable as ITC-2007 solution text (`CourseID RoomID Day Period` lines).
    pub solution: String,
    /// A file name for it ([`solution_file_name`]).
    pub file: String,
    /// The timetable checked as a file of that text is checked.
    pub check: SolutionCheck,
    pub stop_reason: StopReason,
    pub stats: SolveStats,
    /// The last progress event (time, generation, iterations at the end).
    pub last: Progress,
    /// For a re-solve: how many lectures left their place in the previous timetable, the
    /// same object as `stats.moves` (the solver computes it once); null for a solve from
    /// scratch. `moves`, as in [`RepairedReport`] and the CLI's `--json`.
    pub moves: Option<Moves>,
}

/// A finished stepped repair ([`crate::repair::SteppedRepair`]): the shape of
/// [`SolvedReport`] (`solution`, `file`, `check`, `stop_reason`, `stats`, `last`) plus the
/// moves of the repaired timetable away from the one the repair began from.
#[derive(Clone, Debug, Serialize)]
pub struct RepairedReport {
    pub solution: String,
    pub file: String,
    pub check: SolutionCheck,
    pub stop_reason: RepairStop,
    pub stats: SteppedStats,
    pub last: StepProgress,
    pub moves: Moves,
}

/// The name of a solution file of the instance file `instance_file`: its stem with
/// `.sol` (`solution.sol` for a name that has no stem).
pub fn solution_file_name(instance_file: &str) -> String {
    let stem = instance_file
        .rsplit_once('.')
        .map_or(instance_file, |(s, _)| s);
    format!("{}.sol", if stem.is_empty() { "solution" } else { stem })
}
