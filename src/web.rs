//! WebAssembly bindings (wasm32 only): a thin layer over the library for the page's worker.
//!
//! A [`Session`] parses an instance once and then answers: its summary, the check of a
//! solution (the same numbers and violations as `atoll check --json`), a rayon-parallel
//! batch (random timetables built and scored on the pool) and the evaluator speed
//! (the same measurement as `atoll bench-eval`).
//!
//! The same code builds two ways: with the `wasm-threads` feature on the nightly
//! build-std/atomics recipe, where `initThreadPool(n)` (re-exported at the crate root)
//! must be awaited before the first parallel call; and without it on stable, where rayon
//! runs everything on the calling thread.
//!
//! Errors reach JavaScript as `Error` objects whose message is the library's text, for a
//! bad file `file:line: what was expected`.

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::eval::{Breakdown, ViolationReport, evaluate};
use crate::io::{SolutionWarning, WarningKind, parse_instance, parse_solution, write_solution};
use crate::model::{CourseId, Instance};
use crate::parallel::{random_timetable, score_random_batch};
use crate::speed::measure;

/// Plain objects and arrays on the JS side (no `Map`s, no `BigInt`s).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot convert the result for JavaScript: {e}")))
}

/// Installs the panic hook so a Rust panic shows its message in the console. Runs once per
/// module instance (the worker and every pool thread).
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// How this module was built: `{ threaded, version }`. `threaded` is true for the
/// atomics build whose rayon pool runs on Web Workers.
#[wasm_bindgen(js_name = buildInfo)]
pub fn build_info() -> Result<JsValue, JsError> {
    #[derive(Serialize)]
    struct Info {
        threaded: bool,
        version: &'static str,
    }
    to_js(&Info {
        threaded: cfg!(feature = "wasm-threads"),
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// What `Session.summary()` returns: the fields of `atoll info --json`, plus the file name.
#[derive(Serialize)]
struct Summary {
    file: String,
    name: String,
    courses: usize,
    rooms: usize,
    days: u16,
    periods_per_day: u16,
    periods: usize,
    curricula: usize,
    teachers: usize,
    lectures: usize,
    unavailability_constraints: usize,
    conflict_density: f64,
    room_occupancy: f64,
    availability_tightness: f64,
    room_capacity_min: u32,
    room_capacity_max: u32,
    room_capacity_mean: f64,
    max_students: u32,
    lectures_larger_than_any_room: usize,
    mean_curricula_per_course: f64,
    extended_format: bool,
}

fn summarize(inst: &Instance, file: &str) -> Summary {
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
    Summary {
        file: file.to_string(),
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
        mean_curricula_per_course: ratio(inst.curricula.iter().map(|g| g.courses.len()).sum(), nc),
        extended_format: inst.extension.is_some(),
    }
}

#[derive(Serialize)]
struct HardJson {
    lectures: u32,
    conflicts: u32,
    availability: u32,
    room_occupancy: u32,
}

#[derive(Serialize)]
struct SoftJson {
    room_capacity: u32,
    min_working_days: u32,
    curriculum_compactness: u32,
    room_stability: u32,
}

/// A skipped solution line, with the validator's sentence: `{ line, message, reason, ... }`
/// (`reason` and its fields as `WarningKind` serializes them).
#[derive(Serialize)]
struct WarningJson {
    line: u32,
    message: String,
    #[serde(flatten)]
    kind: WarningKind,
}

/// What `Session.check()` returns: the object of `atoll check --json`, plus the skipped
/// lines and the validator-style text.
#[derive(Serialize)]
struct CheckJson {
    file: String,
    feasible: bool,
    hard_violations: u32,
    soft_cost: u32,
    hard: HardJson,
    soft: SoftJson,
    violations: Vec<ViolationReport>,
    warnings: Vec<WarningJson>,
    scheduled_lectures: usize,
    report: String,
}

fn check_json(
    file: &str,
    b: &Breakdown,
    violations: Vec<ViolationReport>,
    warnings: Vec<SolutionWarning>,
    scheduled_lectures: usize,
) -> CheckJson {
    CheckJson {
        file: file.to_string(),
        feasible: b.hard() == 0,
        hard_violations: b.hard(),
        soft_cost: b.soft(),
        hard: HardJson {
            lectures: b.lectures,
            conflicts: b.conflicts,
            availability: b.availability,
            room_occupancy: b.room_occupancy,
        },
        soft: SoftJson {
            room_capacity: b.room_capacity,
            min_working_days: b.min_working_days,
            curriculum_compactness: b.curriculum_compactness,
            room_stability: b.room_stability,
        },
        violations,
        warnings: warnings
            .into_iter()
            .map(|w| WarningJson {
                line: w.line,
                // The Display form starts with "line N: "; the line is its own field.
                message: w
                    .to_string()
                    .split_once(": ")
                    .map_or_else(String::new, |(_, m)| m.to_string()),
                kind: w.kind,
            })
            .collect(),
        scheduled_lectures,
        report: b.validator_report(),
    }
}

/// One cost of the parallel batch.
#[derive(Serialize)]
struct CostJson {
    hard: u32,
    soft: u32,
}

/// What `Session.scoreRandomBatch()` returns.
#[derive(Serialize)]
struct BatchJson {
    count: usize,
    costs: Vec<CostJson>,
    best: Option<CostJson>,
    mean_hard: f64,
    mean_soft: f64,
    threads_used: usize,
    pool_threads: usize,
    threaded_build: bool,
}

/// A parsed instance, kept in wasm memory so it is read once and then queried.
#[wasm_bindgen]
pub struct Session {
    inst: Instance,
    file: String,
}

#[wasm_bindgen]
impl Session {
    /// Parses the text of a `.ctt`/`.ectt` instance. `file` names it in error messages.
    /// Throws an `Error` whose message is `file:line: what was expected`.
    #[wasm_bindgen(constructor)]
    pub fn new(text: &str, file: &str) -> Result<Session, JsError> {
        Session::from_bytes(text.as_bytes(), file)
    }

    /// Like the constructor, from the raw bytes of a file (a `Uint8Array`), so a file that is
    /// not UTF-8 text is reported as such instead of being mangled on the way in.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8], file: &str) -> Result<Session, JsError> {
        let inst = parse_instance(bytes, file).map_err(|e| JsError::new(&e.to_string()))?;
        Ok(Session {
            inst,
            file: file.to_string(),
        })
    }

    /// The instance name from its header.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inst.name.clone()
    }

    /// Sizes and tightness of the instance (the fields of `atoll info --json`).
    pub fn summary(&self) -> Result<JsValue, JsError> {
        to_js(&summarize(&self.inst, &self.file))
    }

    /// Checks a solution text (`CourseID RoomID Day Period` per line) against the instance,
    /// exactly as `atoll check --json` does. Throws for a malformed line.
    pub fn check(&self, text: &str, file: &str) -> Result<JsValue, JsError> {
        self.check_bytes(text.as_bytes(), file)
    }

    /// Like [`Session::check`], from the raw bytes of a file.
    #[wasm_bindgen(js_name = checkBytes)]
    pub fn check_bytes(&self, bytes: &[u8], file: &str) -> Result<JsValue, JsError> {
        let (tt, warnings) =
            parse_solution(&self.inst, bytes, file).map_err(|e| JsError::new(&e.to_string()))?;
        let eval = evaluate(&self.inst, &tt);
        let reports: Vec<ViolationReport> = eval
            .violations
            .iter()
            .map(|v| v.report(&self.inst))
            .collect();
        let scheduled = tt.scheduled().count();
        to_js(&check_json(
            file,
            &eval.breakdown,
            reports,
            warnings,
            scheduled,
        ))
    }

    /// A random timetable (every lecture at a random free period of its course, in a random
    /// room) as solution text: something to check when no solution file is at hand.
    #[wasm_bindgen(js_name = randomSolution)]
    pub fn random_solution(&self, seed: u32) -> String {
        write_solution(&self.inst, &random_timetable(&self.inst, seed as u64))
    }

    /// Builds `count` random timetables and scores them on the rayon pool
    /// (`atoll::parallel::score_random_batch`). Reports how many pool threads took part.
    /// In the threaded build, `initThreadPool` must have been awaited first.
    #[wasm_bindgen(js_name = scoreRandomBatch)]
    pub fn score_random_batch(&self, count: u32, seed: u32) -> Result<JsValue, JsError> {
        let report = score_random_batch(&self.inst, count as usize, seed as u64);
        let costs: Vec<CostJson> = report
            .breakdowns
            .iter()
            .map(|b| CostJson {
                hard: b.hard(),
                soft: b.soft(),
            })
            .collect();
        let n = costs.len().max(1) as f64;
        let best = report.breakdowns.iter().map(|b| b.cost()).min();
        to_js(&BatchJson {
            count: costs.len(),
            mean_hard: costs.iter().map(|c| c.hard as f64).sum::<f64>() / n,
            mean_soft: costs.iter().map(|c| c.soft as f64).sum::<f64>() / n,
            costs,
            best: best.map(|c| CostJson {
                hard: c.hard,
                soft: c.soft,
            }),
            threads_used: report.threads_used,
            pool_threads: report.pool_threads,
            threaded_build: cfg!(feature = "wasm-threads"),
        })
    }

    /// Evaluator throughput on the calling thread for about `seconds` per measurement
    /// (`atoll::speed::measure`, as `atoll bench-eval` runs it natively).
    #[wasm_bindgen(js_name = measureSpeed)]
    pub fn measure_speed(&self, seconds: f64, seed: u32) -> Result<JsValue, JsError> {
        let seconds = if seconds.is_finite() {
            seconds.clamp(0.01, 60.0)
        } else {
            1.0
        };
        let s = measure(
            &self.inst,
            web_time::Duration::from_secs_f64(seconds),
            seed as u64,
        );
        to_js(&s)
    }
}
