//! WebAssembly bindings (wasm32 only): a thin layer over the library for the page's worker.
//!
//! A [`Session`] parses an instance once and then answers: its summary, the check of a
//! solution (the same numbers and violations as `atoll check --json`), a rayon-parallel
//! batch (random timetables built and scored on the pool), the evaluator speed (the same
//! measurement as `atoll bench-eval`) and a solve.
//!
//! Solving is driven in steps, because the worker that calls in here cannot receive a
//! message (a Stop) while it is inside Rust: `solveStart(options)` builds the initial
//! timetables and returns the first progress event, `solveStep(ms)` runs generations for
//! about that long and returns the latest progress (its `finished` says when the run is
//! over), `solveFinish()` ends the run (as cancelled if it had not ended) and returns the
//! best timetable as `.sol` text with its check. The [`Solver`] lives in the session
//! between calls; the session owns the instance in an `Arc` for it.
//!
//! Campus instances: `Session.fromFiles([{ name, text }])` reads one `.ctt`/`.ectt`/`.json`
//! file or the CSV sheets of a campus dropped together. A re-solve (`resolveStart`) edits
//! the instance and reads the shown timetable as its reference ([`crate::resolve::prepare`],
//! as `atoll solve --edit --from` does) and starts `Solver::new_from` from it; it then steps
//! and finishes like a solve, and its result says how many lectures moved (and which lines
//! of the timetable were skipped, in `check.warnings`). The grids' data (`timetable`) carry day and period names, every teacher, each
//! lecture's duration and pin; the exports (`exportCsv`, `exportIcs`) hold everything or one
//! group, teacher or room.
//!
//! Repair (`repairStart`, `repairStep`, `repairFinish`): Stage 3 on its own
//! ([`crate::repair::repair_timetable`]) from a timetable the user brought, moving as few
//! lectures as it can away from it, driven in steps like a solve. Each step is one call of
//! the library with the best timetable so far as its start, the loaded timetable as the
//! reference and the session's Q-table, so the agent keeps what it learned between steps.
//!
//! The same code builds two ways: with the `wasm-threads` feature on the nightly
//! build-std/atomics recipe, where `initThreadPool(n)` (re-exported at the crate root)
//! must be awaited before the first parallel call; and without it on stable, where rayon
//! runs everything on the calling thread.
//!
//! Errors reach JavaScript as `Error` objects whose message is the library's text, for a
//! bad file `file:line: what was expected`.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::budget::{Budget, CancelToken};
use crate::eval::{Evaluation, evaluate};
use crate::evolve::CpuBatchEvaluator;
use crate::io::{SolutionWarning, WarningKind, parse_instance, parse_solution, write_solution};
use crate::model::edit::InstanceEdits;
use crate::model::{Instance, Timetable};
use crate::options::SolverOptions;
use crate::parallel::{random_timetable, score_random_batch};
use crate::repair::{
    ConflictCount, QTable, RepairRequest, RepairStats, RepairStop, Stability, new_qtable,
    qtable_from_json, repair_timetable,
};
use crate::report::{CheckReport, InstanceSummary};
use crate::solver::{Progress, SolveStats, Solver, StopReason};
use crate::speed::measure;

// The GPU path of a solve (WebGPU): `gpuInit`, `solveBreed`, `GpuScorer.score`,
// `solveSelect`, `solveUseEvaluator`.
#[cfg(feature = "gpu")]
mod gpu;

// ITC-2019 instances in the page: `ItcSession` (src/web/itc2019.rs).
mod itc2019;

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

/// The memory budget for a browser reporting `deviceMemoryGiB` (`navigator.deviceMemory`;
/// `undefined` where the browser reports none, which gives the conservative default):
/// `{ memory_gib, source, heap_limit_gib, conflict_batch, max_population, max_offspring,
/// gpu_batch }`, `source` being `"device_memory"` or `"default"`; `memory_gib` is at most
/// the module's heap limit (`heap_limit_gib`, 1 GiB), whatever the device has. A session
/// told the same number
/// (`Session.setDeviceMemory`) solves with this budget.
#[wasm_bindgen(js_name = budgetFor)]
pub fn budget_for(device_memory_gib: Option<f64>) -> Result<JsValue, JsError> {
    to_js(&Budget::for_device_memory(device_memory_gib))
}

/// What `Session.summary()` returns: the fields of `atoll info --json`, plus the file name
/// and what the page shows of a campus: day and period names, the soft weights, whether
/// the instance uses campus features and how many lectures are pinned.
#[derive(Serialize)]
struct SummaryJson {
    file: String,
    #[serde(flatten)]
    summary: InstanceSummary,
    day_names: Vec<String>,
    period_names: Vec<String>,
    weights: crate::model::Weights,
    campus: bool,
    pins: usize,
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

/// What `Session.check()` returns: the object of `atoll check --json` (the library's
/// [`CheckReport`]), plus the file name, the skipped lines, the number of scheduled
/// lectures and the validator-style text.
#[derive(Serialize)]
struct CheckJson {
    file: String,
    #[serde(flatten)]
    check: CheckReport,
    warnings: Vec<WarningJson>,
    scheduled_lectures: usize,
    report: String,
}

/// Skipped solution lines as the page shows them.
fn warning_json(warnings: Vec<SolutionWarning>) -> Vec<WarningJson> {
    warnings
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
        .collect()
}

fn check_json(
    file: &str,
    inst: &Instance,
    eval: &Evaluation,
    warnings: Vec<SolutionWarning>,
    scheduled_lectures: usize,
) -> CheckJson {
    CheckJson {
        file: file.to_string(),
        check: CheckReport::new(inst, eval),
        warnings: warning_json(warnings),
        scheduled_lectures,
        report: crate::report::report_text(inst, eval),
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

/// What `Session.solveStart()` and `Session.solveStep()` return: the library's progress
/// event plus `finished` (null while running, else the stop reason).
#[derive(Serialize)]
struct ProgressJson<'a> {
    #[serde(flatten)]
    progress: &'a Progress,
    finished: Option<StopReason>,
}

/// What `Session.solveFinish()` returns.
#[derive(Serialize)]
struct SolvedJson {
    /// The best timetable as ITC-2007 solution text (`CourseID RoomID Day Period` lines).
    solution: String,
    /// A file name for it: the instance file's stem with `.sol`.
    file: String,
    /// That text checked as `Session.check()` checks a file.
    check: CheckJson,
    stop_reason: StopReason,
    stats: SolveStats,
    /// The last progress event (time, generation, iterations at the end).
    last: Progress,
    /// For a re-solve: how many lectures left their place in the previous timetable.
    moved: Option<MovedJson>,
}

/// "moved N of M lectures" (`moved`, `of`), room-only and period moves and which lectures:
/// the library's one shape ([`crate::model::Moves`], docs/RULES.md `changes`).
type MovedJson = crate::model::Moves;

/// Lectures of `tt` moved away from the reference of `inst`; `None` without a reference.
fn moved_lectures(inst: &Instance, tt: &Timetable) -> Option<MovedJson> {
    crate::model::Moves::from_reference(inst, tt)
}

/// A solve between calls.
struct Running {
    solver: Solver,
    evaluator: CpuBatchEvaluator,
    cancel: CancelToken,
    /// A re-solve's skipped lines of the previous timetable, shown with the result's check.
    warnings: Vec<SolutionWarning>,
}

/// The text of a serde-wasm-bindgen error, without the "Error: " its `Display` puts first.
fn serde_message(e: serde_wasm_bindgen::Error) -> String {
    let text = e.to_string();
    text.strip_prefix("Error: ").unwrap_or(&text).to_string()
}

/// Reads solver options from a plain JS object with the field names of
/// [`SolverOptions`] (`time_limit`, `seed`, `islands`, ...); missing fields keep their
/// defaults, `null`/`undefined` means all defaults. The options registry
/// ([`SolverOptions::from_settings`]) checks each name, type and range, and its error
/// names the option.
fn parse_options(value: &JsValue) -> Result<SolverOptions, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(SolverOptions::default());
    }
    if !value.is_object() || js_sys::Array::is_array(value) {
        return Err(JsError::new(
            "solver options must be an object such as { time_limit: 10, seed: 1 }",
        ));
    }
    let settings: serde_json::Map<String, serde_json::Value> =
        serde_wasm_bindgen::from_value(value.clone())
            .map_err(|e| JsError::new(&format!("solver options: {}", serde_message(e))))?;
    SolverOptions::from_settings(&settings).map_err(|e| JsError::new(&e.to_string()))
}

impl Session {
    fn check_solution(&self, bytes: &[u8], file: &str) -> Result<CheckJson, JsError> {
        let (mut tt, warnings) =
            parse_solution(&self.inst, bytes, file).map_err(|e| JsError::new(&e.to_string()))?;
        // A lecture standing where a pin says carries that pin (lectures of a course are
        // interchangeable in a file).
        tt.align_pins(&self.inst);
        let eval = evaluate(&self.inst, &tt);
        let scheduled = tt.scheduled().count();
        Ok(check_json(file, &self.inst, &eval, warnings, scheduled))
    }

    /// The check of a timetable held in memory, as [`Self::check_solution`] gives it for
    /// the same timetable read from a file (no warnings: nothing was skipped).
    fn check_timetable(&self, mut tt: Timetable, file: &str) -> CheckJson {
        tt.align_pins(&self.inst);
        let eval = evaluate(&self.inst, &tt);
        let scheduled = tt.scheduled().count();
        check_json(file, &self.inst, &eval, Vec::new(), scheduled)
    }

    /// Drops a solve in progress; after an unfinished re-solve the session keeps the
    /// edited instance (without the reference).
    fn abandon_solve(&mut self) {
        self.solve = None;
        self.repair = None;
        if let Some(edited) = self.after_solve.take() {
            self.inst = edited;
        }
    }

    fn running(&mut self) -> Result<&mut Running, JsError> {
        self.solve
            .as_mut()
            .ok_or_else(|| JsError::new("no solve is running: call solveStart first"))
    }
}

/// A parsed instance, kept in wasm memory so it is read once and then queried, and the
/// solve in progress, if any.
#[wasm_bindgen]
pub struct Session {
    inst: Arc<Instance>,
    file: String,
    solve: Option<Running>,
    /// What Stage 3 has learned on this instance (shared with the running solve).
    qtable: Arc<QTable>,
    /// The browser's `navigator.deviceMemory`, for the memory budget of solves.
    device_memory: Option<f64>,
    /// During a re-solve `inst` is the edited instance with the old timetable as its
    /// reference (so checks show the `changes` cost); this is the same instance without
    /// the reference, which becomes the session's instance when the re-solve finishes, so
    /// that the next edit and re-solve start from the new timetable.
    after_solve: Option<Arc<Instance>>,
    /// The repair in progress, if any (`repairStart` … `repairFinish`).
    repair: Option<Repairing>,
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
            inst: Arc::new(inst),
            file: file.to_string(),
            solve: None,
            qtable: Arc::new(new_qtable()),
            device_memory: None,
            after_solve: None,
            repair: None,
        })
    }

    /// Reads an instance from the files a user dropped or chose at once, an array of
    /// `{ name, text }`: one `.ctt`, `.ectt` or campus `.json` file (a campus `.xlsx`
    /// workbook is binary: the page converts it to campus JSON with its Excel module), or the CSV sheets of
    /// one campus (`courses.csv`, `rooms.csv`, … — see `docs/CSV.md`), read together.
    /// Throws an `Error` naming the file, line or row, and column of the first problem.
    #[wasm_bindgen(js_name = fromFiles)]
    pub fn from_files(files: JsValue) -> Result<Session, JsError> {
        #[derive(Deserialize)]
        struct NamedText {
            name: String,
            text: String,
        }
        let files: Vec<NamedText> = serde_wasm_bindgen::from_value(files).map_err(|e| {
            JsError::new(&format!(
                "files must be an array of {{ name, text }}: {}",
                serde_message(e)
            ))
        })?;
        let is_csv = |n: &str| n.to_ascii_lowercase().ends_with(".csv");
        let (inst, file) = match files.as_slice() {
            [] => return Err(JsError::new("no file was given")),
            [one] if !is_csv(&one.name) => (
                parse_instance(one.text.as_bytes(), &one.name)
                    .map_err(|e| JsError::new(&e.to_string()))?,
                one.name.clone(),
            ),
            many if many.iter().all(|f| is_csv(&f.name)) => {
                let sheets: Vec<(String, String)> = many
                    .iter()
                    .map(|f| (f.name.clone(), f.text.clone()))
                    .collect();
                let inst = crate::io::campus::from_csv(&sheets)
                    .map_err(|e| JsError::new(&e.to_string()))?;
                (inst, "campus-sheets.csv".to_string())
            }
            many => {
                let names: Vec<&str> = many.iter().map(|f| f.name.as_str()).collect();
                return Err(JsError::new(&format!(
                    "give either one instance file (.ctt, .ectt, .json or .xlsx) or the CSV \
                     sheets of one campus together; got {}",
                    names.join(", ")
                )));
            }
        };
        Ok(Session {
            inst: Arc::new(inst),
            file,
            solve: None,
            qtable: Arc::new(new_qtable()),
            device_memory: None,
            after_solve: None,
            repair: None,
        })
    }

    /// The instance name from its header.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inst.name.clone()
    }

    /// The session's instance as campus JSON (`atoll::io::campus::to_json`): after a
    /// re-solve, the edited instance (its pins and edits included), so the page can keep it
    /// (to reload it into a new worker) and offer it for download.
    #[wasm_bindgen(js_name = instanceJson)]
    pub fn instance_json(&self) -> Result<String, JsError> {
        let inst = match &self.after_solve {
            Some(edited) => edited,
            None => &self.inst,
        };
        crate::io::campus::to_json(inst).map_err(|e| JsError::new(&e.to_string()))
    }

    /// Sizes and tightness of the instance (the fields of `atoll info --json`).
    pub fn summary(&self) -> Result<JsValue, JsError> {
        let inst = &self.inst;
        to_js(&SummaryJson {
            file: self.file.clone(),
            summary: InstanceSummary::of(inst),
            day_names: (0..usize::from(inst.days))
                .map(|d| inst.day_name(d))
                .collect(),
            period_names: (0..usize::from(inst.periods_per_day))
                .map(|p| inst.period_name(p))
                .collect(),
            weights: *inst.weights(),
            campus: inst.uses_campus_features(),
            pins: inst.campus.pins.len(),
        })
    }

    /// Checks a solution text (`CourseID RoomID Day Period` per line) against the instance,
    /// exactly as `atoll check --json` does. Throws for a malformed line.
    pub fn check(&self, text: &str, file: &str) -> Result<JsValue, JsError> {
        self.check_bytes(text.as_bytes(), file)
    }

    /// Like [`Session::check`], from the raw bytes of a file.
    #[wasm_bindgen(js_name = checkBytes)]
    pub fn check_bytes(&self, bytes: &[u8], file: &str) -> Result<JsValue, JsError> {
        to_js(&self.check_solution(bytes, file)?)
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
        let budget = Budget::for_device_memory(self.device_memory);
        let report = score_random_batch(&self.inst, count as usize, seed as u64, &budget)
            .map_err(|e| JsError::new(&e.to_string()))?;
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

    /// Starts a solve of this instance, replacing any solve in progress. `options` is a
    /// plain object with the names of the solver options (`atoll options` lists them), for
    /// example `{ time_limit: 10, seed: 1, islands: 0 }`; missing ones keep their defaults.
    /// Throws an `Error` naming the option for an unknown name, a wrong type or a value
    /// out of range. Runs construction (Stage 1) on the pool and returns the first progress
    /// event. In the threaded build, `initThreadPool` must have been awaited first.
    ///
    /// The memory budget comes from the options' `memory_gib`, else from the memory given
    /// to `setDeviceMemory`, else the conservative default. Stage 3 learns into the
    /// session's Q-table (see `qtableImport`).
    #[wasm_bindgen(js_name = solveStart)]
    pub fn solve_start(&mut self, options: JsValue) -> Result<JsValue, JsError> {
        let mut opts = parse_options(&options)?;
        if opts.memory_gib.is_none() {
            opts.memory_gib = self.device_memory;
        }
        self.abandon_solve();
        let cancel = CancelToken::new();
        let mut evaluator = CpuBatchEvaluator;
        let mut solver = Solver::new(self.inst.clone(), &opts, &mut evaluator, cancel.clone())
            .map_err(|e| JsError::new(&e.to_string()))?;
        solver.set_qtable(self.qtable.clone());
        let running = self.solve.insert(Running {
            solver,
            evaluator,
            cancel,
            warnings: Vec::new(),
        });
        to_js(&ProgressJson {
            progress: &running.solver.progress(),
            finished: running.solver.finished(),
        })
    }

    /// Starts a re-solve: the instance edited as `edits` says, with the timetable of
    /// `solution` (`.sol` text, named `file` in messages) as the reference, so that the
    /// solver starts from it and every lecture it moves costs `weights.changes` (docs/RULES.md).
    /// `edits` is `{ pins, teacher_unavailable, room_closed }`, each optional:
    /// `pins: [{ course, day, period, room }]` replaces the instance's pins (`day`/`period`
    /// and `room` may be null: a pin on the period or the room only), `teacher_unavailable:
    /// [{ name, day, period }]` and `room_closed: [{ name, day, period }]` add to what the
    /// instance has (and `add_lectures`, `new_courses`, `students`, `merge_curricula` as
    /// [`InstanceEdits`] documents them). Then it runs like `solveStart` (steps with
    /// `solveStep`, the end with `solveFinish`, whose result then has `moved` (the
    /// library's `Moves`) and, in `check.warnings`, the lines of `solution` that were
    /// skipped). Throws an `Error` that
    /// names a course, teacher, room, day or period the instance does not have.
    #[wasm_bindgen(js_name = resolveStart)]
    pub fn resolve_start(
        &mut self,
        options: JsValue,
        solution: &str,
        file: &str,
        edits: JsValue,
    ) -> Result<JsValue, JsError> {
        let mut opts = parse_options(&options)?;
        if opts.memory_gib.is_none() {
            opts.memory_gib = self.device_memory;
        }
        let edits: InstanceEdits = if edits.is_undefined() || edits.is_null() {
            InstanceEdits::default()
        } else {
            serde_wasm_bindgen::from_value(edits)
                .map_err(|e| JsError::new(&format!("edits: {}", serde_message(e))))?
        };
        self.abandon_solve();
        let r = crate::resolve::prepare(&self.inst, &edits, solution.as_bytes(), file)
            .map_err(|e| JsError::new(&e.to_string()))?;
        let with_ref = Arc::new(r.instance);
        let cancel = CancelToken::new();
        let mut evaluator = CpuBatchEvaluator;
        let mut solver = Solver::new_from(
            with_ref.clone(),
            &opts,
            &mut evaluator,
            cancel.clone(),
            r.start,
        )
        .map_err(|e| JsError::new(&e.to_string()))?;
        solver.set_qtable(self.qtable.clone());
        self.inst = with_ref;
        self.after_solve = Some(Arc::new(r.edited));
        let running = self.solve.insert(Running {
            solver,
            evaluator,
            cancel,
            warnings: r.warnings,
        });
        to_js(&ProgressJson {
            progress: &running.solver.progress(),
            finished: running.solver.finished(),
        })
    }

    /// Runs generations for about `ms` milliseconds (at least one generation) and returns
    /// the latest progress event: `{ stage, generation, elapsed_s, best: { hard, soft },
    /// islands: [{ hard, soft }], iterations, finished }`, where `finished` is null while
    /// the run goes on and then `"time_limit"`, `"generations"` or `"cancelled"`.
    #[wasm_bindgen(js_name = solveStep)]
    pub fn solve_step(&mut self, ms: f64) -> Result<JsValue, JsError> {
        let ms = if ms.is_finite() {
            ms.clamp(0.0, 60_000.0)
        } else {
            100.0
        };
        let running = self.running()?;
        let mut last = None;
        let finished = running.solver.step(
            &mut running.evaluator,
            web_time::Duration::from_secs_f64(ms / 1000.0),
            &mut |p: &Progress| last = Some(p.clone()),
        );
        let progress = last.unwrap_or_else(|| running.solver.progress());
        to_js(&ProgressJson {
            progress: &progress,
            finished,
        })
    }

    /// Asks the solve in progress to stop: the next step returns `finished: "cancelled"`.
    #[wasm_bindgen(js_name = solveCancel)]
    pub fn solve_cancel(&self) {
        if let Some(r) = &self.solve {
            r.cancel.cancel();
        }
    }

    /// True while a solve was started and not yet finished with `solveFinish`.
    #[wasm_bindgen(getter)]
    pub fn solving(&self) -> bool {
        self.solve.is_some()
    }

    /// Ends the solve (as cancelled if it had not ended) and returns the best timetable so
    /// far: `{ solution, file, check, stop_reason, stats, last }`. `solution` is the `.sol`
    /// text and `check` the object `check()` returns for it, so the page shows what a
    /// downloaded file will score.
    #[wasm_bindgen(js_name = solveFinish)]
    pub fn solve_finish(&mut self) -> Result<JsValue, JsError> {
        let running = self
            .solve
            .take()
            .ok_or_else(|| JsError::new("no solve is running: call solveStart first"))?;
        let last = running.solver.progress();
        let result = running.solver.finish(last.evaluator.clone());
        let solution = write_solution(&self.inst, &result.timetable);
        let stem = self
            .file
            .rsplit_once('.')
            .map_or(self.file.as_str(), |(s, _)| s);
        let file = format!("{}.sol", if stem.is_empty() { "solution" } else { stem });
        // Scored in memory, never by reading `solution` back: names with spaces can make a
        // line ambiguous ("Chem 1" + "A 101" or "Chem 1 A" + "101"), and the best
        // timetable of the run must not be lost to an error here, after the solve is gone.
        let mut check = self.check_timetable(result.timetable.clone(), &file);
        check.warnings = warning_json(running.warnings);
        let moved = moved_lectures(&self.inst, &result.timetable);
        // A re-solve is over: the edited instance (without the reference) is the session's.
        if let Some(edited) = self.after_solve.take() {
            self.inst = edited;
        }
        to_js(&SolvedJson {
            solution,
            file,
            check,
            stop_reason: result.stop_reason,
            stats: result.stats,
            last,
            moved,
        })
    }

    /// Tells the session the browser's `navigator.deviceMemory` (GiB; `undefined` where
    /// the browser reports none), so that later solves use the budget `budgetFor` gives
    /// for it. Returns that budget.
    #[wasm_bindgen(js_name = setDeviceMemory)]
    pub fn set_device_memory(
        &mut self,
        device_memory_gib: Option<f64>,
    ) -> Result<JsValue, JsError> {
        let budget = Budget::for_device_memory(device_memory_gib);
        self.device_memory = device_memory_gib
            .filter(|g| g.is_finite() && *g > 0.0)
            .map(|_| budget.memory_gib);
        to_js(&budget)
    }

    /// The Stage 3 Q-table as JSON text, to store (the worker keeps it in IndexedDB under
    /// the instance name) and give back to `qtableImport` in a later session.
    #[wasm_bindgen(js_name = qtableExport)]
    pub fn qtable_export(&self) -> String {
        self.qtable.to_json()
    }

    /// Replaces the Q-table with one saved by `qtableExport`, for the next `solveStart`
    /// (a solve already running keeps learning into the table it started with). Throws an
    /// `Error` saying what is wrong with a malformed or mismatched table.
    #[wasm_bindgen(js_name = qtableImport)]
    pub fn qtable_import(&mut self, json: &str) -> Result<(), JsError> {
        let table = qtable_from_json(json).map_err(|e| JsError::new(&e.to_string()))?;
        self.qtable = Arc::new(table);
        Ok(())
    }

    /// Forgets what Stage 3 learned: an empty Q-table for the next `solveStart`.
    #[wasm_bindgen(js_name = qtableReset)]
    pub fn qtable_reset(&mut self) {
        self.qtable = Arc::new(new_qtable());
    }

    /// Q-learning updates the table holds (those of an imported table included).
    #[wasm_bindgen(getter, js_name = qtableUpdates)]
    pub fn qtable_updates(&self) -> f64 {
        self.qtable.updates() as f64
    }
}

// ---- Repair: Stage 3 on a timetable the user brought ---------------------------------------

/// The longest a single repair step may run (and the cap of the step floor below): Stop
/// is seen between steps, so a step must stay short.
const REPAIR_STEP_MAX_MS: f64 = 10_000.0;

/// Seconds without a better timetable after which a feasible repair is done. The
/// library ends a feasible run itself after failed escalations, but each step is a fresh
/// call that does not remember them; without this a feasible repair would always run to
/// its time limit.
const REPAIR_IDLE_S: f64 = 2.0;

/// The stability settings of `repairStart`: `{ maxMoves, moveWeight, edits }`, each
/// optional. `edits` are the re-solve's (`{ pins, teacher_unavailable, room_closed }`),
/// applied to the instance before the repair, so that a repair follows any edit.
#[derive(Deserialize, Default)]
#[serde(default, deny_unknown_fields, rename_all = "camelCase")]
struct RepairSettings {
    max_moves: Option<usize>,
    move_weight: Option<u32>,
    edits: Option<InstanceEdits>,
}

/// What `repairStart` and `repairStep` return: where the repair stands, with the moves of
/// its best timetable split as the library splits them.
#[derive(Clone, Serialize)]
struct RepairProgressJson {
    /// Seconds of repair so far, over every step.
    elapsed_s: f64,
    /// Rounds over every step (a parallel batch of conflicts, or an escalation, each).
    rounds: u64,
    /// Hard violations and soft cost of the best timetable (moves not counted).
    hard: u32,
    soft: u32,
    /// Lectures of the best timetable away from the reference, room-only and period moves,
    /// and of how many (`Moves`).
    moved: usize,
    room_only: usize,
    period: usize,
    of: usize,
    /// The conflicts the repairer had left at the end of the last step; null before the
    /// first step.
    conflicts_left: Option<ConflictCount>,
    /// Null while the repair goes on, then why it ended: `"done"` (feasible, and nothing
    /// cheaper found by the library or for `REPAIR_IDLE_S` seconds), `"time_limit"` or
    /// `"cancelled"`.
    finished: Option<RepairStop>,
}

/// What `repairFinish` returns: the shape of `solveFinish`'s result (`solution`, `file`,
/// `check`, `stop_reason`, `stats`, `last`) plus `moves`, the library's [`crate::model::Moves`].
#[derive(Serialize)]
struct RepairedJson {
    solution: String,
    file: String,
    check: CheckJson,
    stop_reason: RepairStop,
    stats: RepairStatsJson,
    last: RepairProgressJson,
    moves: crate::model::Moves,
}

/// The counters of a repair over all its steps.
#[derive(Serialize)]
struct RepairStatsJson {
    elapsed_s: f64,
    rounds: u64,
    steps: u64,
    /// Stage 3's counters of the last step (each step is a fresh repairer on the best
    /// timetable so far).
    last_step: RepairStats,
}

/// A repair between calls.
struct Repairing {
    /// The timetable moves are counted against: the one loaded, never the current best.
    reference: Timetable,
    /// The best timetable so far: each step starts from it.
    best: Timetable,
    /// The file the timetable came from, for the result's name.
    file: String,
    options: SolverOptions,
    stability: Stability,
    cancel: CancelToken,
    /// The whole repair's time limit (the options' `time_limit`).
    limit_s: Option<f64>,
    /// Step length below which a step would end before its first round: doubled whenever
    /// a step made no round (a large instance's set-up takes longer than a short step).
    floor_ms: f64,
    steps: u64,
    last: RepairProgressJson,
    stats: RepairStats,
    /// The best's objective (hard, `move_weight` × moved + soft) and when it last improved.
    best_key: (u32, u64),
    improved_at_s: f64,
}

/// A repair's objective, lexicographic as the library's: hard violations first, then
/// moves at `move_weight` each plus soft cost.
fn repair_key(p: &RepairProgressJson, move_weight: u32) -> (u32, u64) {
    (
        p.hard,
        p.moved as u64 * u64::from(move_weight) + u64::from(p.soft),
    )
}

impl Session {
    fn repairing(&mut self) -> Result<&mut Repairing, JsError> {
        self.repair
            .as_mut()
            .ok_or_else(|| JsError::new("no repair is running: call repairStart first"))
    }
}

/// Where a repair stands, from the library's moves and score of `tt` and the counters.
fn repair_progress(
    inst: &Instance,
    reference: &Timetable,
    tt: &Timetable,
    elapsed_s: f64,
    rounds: u64,
    conflicts_left: Option<ConflictCount>,
    finished: Option<RepairStop>,
) -> RepairProgressJson {
    let cost = evaluate(inst, tt).breakdown.cost();
    let moves = crate::model::Moves::between(inst, reference, tt);
    RepairProgressJson {
        elapsed_s,
        rounds,
        hard: cost.hard,
        soft: cost.soft,
        moved: moves.moved,
        room_only: moves.room_only,
        period: moves.period,
        of: moves.of,
        conflicts_left,
        finished,
    }
}

#[wasm_bindgen]
impl Session {
    /// Starts a repair of the timetable `solution` (`.sol` text, named `file` in messages):
    /// Stage 3 works on its conflicts — every violation, unscheduled lectures included —
    /// until it is feasible and nothing cheaper is found, the options' `time_limit` is
    /// spent or `repairCancel` is called, moving as few lectures as it can away from that
    /// timetable (hard violations first, then lectures moved, then soft cost:
    /// docs/REPAIR.md). `settings` is `{ maxMoves, moveWeight, edits }`, each optional:
    /// `maxMoves` caps the lectures moved (unless a move removes hard violations),
    /// `moveWeight` is the cost of one move (default 100), `edits` edits the instance first
    /// as `resolveStart` does. Replaces any solve or repair in progress. Returns the first
    /// progress event (`{ elapsed_s, rounds, hard, soft, moved, room_only, period, of,
    /// conflicts_left, finished }`). Throws an `Error` for a bad option, edit or file.
    #[wasm_bindgen(js_name = repairStart)]
    pub fn repair_start(
        &mut self,
        options: JsValue,
        solution: &str,
        file: &str,
        settings: JsValue,
    ) -> Result<JsValue, JsError> {
        let mut opts = parse_options(&options)?;
        if opts.memory_gib.is_none() {
            opts.memory_gib = self.device_memory;
        }
        let settings: RepairSettings = if settings.is_undefined() || settings.is_null() {
            RepairSettings::default()
        } else {
            serde_wasm_bindgen::from_value(settings)
                .map_err(|e| JsError::new(&format!("repair settings: {}", serde_message(e))))?
        };
        let stability = Stability {
            move_weight: settings
                .move_weight
                .unwrap_or(Stability::default().move_weight),
            max_moves: settings.max_moves,
        };
        self.abandon_solve();
        let inst = match &settings.edits {
            Some(edits) => Arc::new(
                edits
                    .apply(&self.inst)
                    .map_err(|e| JsError::new(&e.to_string()))?,
            ),
            None => self.inst.clone(),
        };
        let (mut start, _) = parse_solution(&inst, solution.as_bytes(), file)
            .map_err(|e| JsError::new(&e.to_string()))?;
        start.align_pins(&inst);
        // The edited instance is the session's from now on, as after a re-solve (and only
        // once the timetable was read: a bad file leaves the session as it was).
        self.inst = inst;
        let last = repair_progress(&self.inst, &start, &start, 0.0, 0, None, None);
        let best_key = repair_key(&last, stability.move_weight);
        let running = self.repair.insert(Repairing {
            reference: start.clone(),
            best: start,
            file: file.to_string(),
            limit_s: opts.time_limit,
            options: opts,
            stability,
            cancel: CancelToken::new(),
            floor_ms: 50.0,
            steps: 0,
            last,
            stats: RepairStats::default(),
            best_key,
            improved_at_s: 0.0,
        });
        to_js(&running.last)
    }

    /// Repairs for about `ms` milliseconds (one call of the library, from the best
    /// timetable so far) and returns the progress event; its `finished` is null while the
    /// repair goes on.
    #[wasm_bindgen(js_name = repairStep)]
    pub fn repair_step(&mut self, ms: f64) -> Result<JsValue, JsError> {
        let ms = if ms.is_finite() {
            ms.clamp(0.0, REPAIR_STEP_MAX_MS)
        } else {
            150.0
        };
        let inst = self.inst.clone();
        let qtable = self.qtable.clone();
        let r = self.repairing()?;
        if r.last.finished.is_some() {
            return to_js(&r.last);
        }
        if r.cancel.is_cancelled() {
            r.last.finished = Some(RepairStop::Cancelled);
            return to_js(&r.last);
        }
        let left_s = r.limit_s.map(|l| (l - r.last.elapsed_s).max(0.0));
        let mut step_s = ms.max(r.floor_ms) / 1000.0;
        if let Some(left) = left_s {
            step_s = step_s.min(left);
        }
        let mut rounds = 0;
        let mut conflicts = r.last.conflicts_left;
        let t0 = web_time::Instant::now();
        let result = repair_timetable(
            inst.clone(),
            r.best.clone(),
            RepairRequest {
                options: r.options.clone(),
                reference: Some(r.reference.clone()),
                stability: r.stability,
                time_limit: Some(web_time::Duration::from_secs_f64(step_s)),
                max_rounds: None,
                cancel: r.cancel.clone(),
                qtable: Some(qtable),
            },
            &mut |p| {
                rounds = p.rounds;
                conflicts = Some(p.conflicts_left);
            },
        )
        .map_err(|e| JsError::new(&e.to_string()))?;
        let elapsed_s = r.last.elapsed_s + t0.elapsed().as_secs_f64();
        if rounds == 0 {
            r.floor_ms = (r.floor_ms * 2.0).min(REPAIR_STEP_MAX_MS);
        }
        r.steps += 1;
        r.best = result.timetable;
        r.stats = result.stats;
        let mut last = repair_progress(
            &inst,
            &r.reference,
            &r.best,
            elapsed_s,
            r.last.rounds + rounds,
            conflicts,
            None,
        );
        let key = repair_key(&last, r.stability.move_weight);
        if key < r.best_key {
            r.best_key = key;
            r.improved_at_s = elapsed_s;
        }
        let idle = last.hard == 0 && elapsed_s - r.improved_at_s >= REPAIR_IDLE_S;
        let out_of_time = r.limit_s.is_some_and(|l| elapsed_s >= l);
        last.finished = match result.stop {
            RepairStop::Done => Some(RepairStop::Done),
            RepairStop::Cancelled => Some(RepairStop::Cancelled),
            _ if idle => Some(RepairStop::Done),
            RepairStop::TimeLimit | RepairStop::Rounds if out_of_time => {
                Some(RepairStop::TimeLimit)
            }
            RepairStop::TimeLimit | RepairStop::Rounds => None,
        };
        r.last = last;
        to_js(&r.last)
    }

    /// Asks the repair in progress to stop: the next step returns `finished: "cancelled"`
    /// and `repairFinish` the best timetable so far.
    #[wasm_bindgen(js_name = repairCancel)]
    pub fn repair_cancel(&self) {
        if let Some(r) = &self.repair {
            r.cancel.cancel();
        }
    }

    /// Ends the repair (as cancelled if it had not ended) and returns the best timetable:
    /// `{ solution, file, check, stop_reason, stats, last, moves }`, `moves` being `{ moved,
    /// room_only, period, of, lectures: [{ course, lecture, from, to, kind }] }` against the
    /// timetable the repair started from (`from`/`to`: `{ day, period, room }`, 0-based).
    #[wasm_bindgen(js_name = repairFinish)]
    pub fn repair_finish(&mut self) -> Result<JsValue, JsError> {
        let r = self
            .repair
            .take()
            .ok_or_else(|| JsError::new("no repair is running: call repairStart first"))?;
        let stop_reason = r.last.finished.unwrap_or(RepairStop::Cancelled);
        let mut last = r.last;
        last.finished = Some(stop_reason);
        let solution = write_solution(&self.inst, &r.best);
        let stem = r.file.rsplit_once('.').map_or(r.file.as_str(), |(s, _)| s);
        let stem = stem.strip_suffix("-repaired").unwrap_or(stem);
        let file = format!(
            "{}-repaired.sol",
            if stem.is_empty() { "timetable" } else { stem }
        );
        // Scored in memory, as solveFinish does, never by reading `solution` back.
        let check = self.check_timetable(r.best.clone(), &file);
        let moves = crate::model::Moves::between(&self.inst, &r.reference, &r.best);
        to_js(&RepairedJson {
            solution,
            file,
            check,
            stop_reason,
            stats: RepairStatsJson {
                elapsed_s: last.elapsed_s,
                rounds: last.rounds,
                steps: r.steps,
                last_step: r.stats,
            },
            last,
            moves,
        })
    }
}

// ---- The page's results view and exports -------------------------------------------------
// Thin conversions of `crate::export` for the page's grids and download buttons.

impl Session {
    fn timetable_of(&self, solution: &str, file: &str) -> Result<Timetable, JsError> {
        let (mut tt, _warnings) = parse_solution(&self.inst, solution.as_bytes(), file)
            .map_err(|e| JsError::new(&e.to_string()))?;
        tt.align_pins(&self.inst);
        Ok(tt)
    }

    fn rows_of(
        &self,
        solution: &str,
        file: &str,
    ) -> Result<Vec<crate::export::LectureRow>, JsError> {
        Ok(crate::export::lecture_rows(
            &self.inst,
            &self.timetable_of(solution, file)?,
        ))
    }

    fn entity(&self, kind: &str, name: &str) -> Result<crate::export::Entity, JsError> {
        crate::export::Entity::parse(&self.inst, kind, name)
            .map_err(|e| JsError::new(&e.to_string()))
    }
}

#[wasm_bindgen]
impl Session {
    /// The lectures of a solution text with names, and the names of every curriculum,
    /// teacher and room: `{ name, days, periods_per_day, day_names, period_names,
    /// period_times, has_times, campus, curricula, teachers, rooms, pins, lectures: [{
    /// lecture, course, teacher, teachers, room, day, period, day_name, period_name,
    /// duration, start_min, end_min, curricula, students, capacity, pinned, pin }],
    /// unscheduled }`. Lines the validator would skip are left out, as in `check`.
    pub fn timetable(&self, solution: &str, file: &str) -> Result<JsValue, JsError> {
        let tt = self.timetable_of(solution, file)?;
        to_js(&crate::export::view::timetable_view(&self.inst, &tt))
    }

    /// A solution as CSV, one row per lecture (`crate::export::to_csv`), of everything
    /// (`kind` empty or `"all"`) or of one `"curriculum"`, `"teacher"` or `"room"` named
    /// `name`.
    #[wasm_bindgen(js_name = exportCsv)]
    pub fn export_csv(
        &self,
        solution: &str,
        file: &str,
        kind: Option<String>,
        name: Option<String>,
    ) -> Result<String, JsError> {
        let entity = self.entity(kind.as_deref().unwrap_or(""), name.as_deref().unwrap_or(""))?;
        let rows = crate::export::rows_of(&self.rows_of(solution, file)?, &entity);
        Ok(crate::export::to_csv(&rows))
    }

    /// A solution as an iCalendar week template (`crate::export::to_ics_of`) of everything
    /// or of one curriculum, teacher or room (`kind`, `name` as in `exportCsv`): day 0 on
    /// `start` (`YYYY-MM-DD`), repeated weekly `weeks` times. Clock times come from the
    /// instance when it has them; otherwise period starts are `"08:00, 10:00, ..."` (one
    /// per period) and each period `length_minutes` long. Throws an `Error` that names the
    /// bad setting or the unknown name.
    #[wasm_bindgen(js_name = exportIcs)]
    #[allow(clippy::too_many_arguments)]
    pub fn export_ics(
        &self,
        solution: &str,
        file: &str,
        start: &str,
        period_starts: &str,
        length_minutes: u32,
        weeks: u32,
        kind: Option<String>,
        name: Option<String>,
    ) -> Result<String, JsError> {
        let entity = self.entity(kind.as_deref().unwrap_or(""), name.as_deref().unwrap_or(""))?;
        let opts = crate::export::IcsOptions::for_instance(
            &self.inst,
            start,
            period_starts,
            length_minutes,
            weeks,
        )
        .map_err(|e| JsError::new(&e.to_string()))?;
        let rows = self.rows_of(solution, file)?;
        Ok(crate::export::to_ics_of(&self.inst, &rows, &opts, &entity))
    }

    /// A solution as an Excel workbook (`crate::export::xlsx::to_xlsx`): every lecture,
    /// and a grid per group, teacher and room with violations coloured. Returns the
    /// file's bytes (a `Uint8Array`). Only with the `excel` feature: the page's builds leave
    /// it out and write workbooks with the Excel module (`crates/atoll-excel`).
    #[cfg(feature = "excel")]
    #[wasm_bindgen(js_name = exportXlsx)]
    pub fn export_xlsx(&self, solution: &str, file: &str) -> Result<Vec<u8>, JsError> {
        let tt = self.timetable_of(solution, file)?;
        crate::export::xlsx::to_xlsx(&self.inst, &tt).map_err(|e| JsError::new(&e.to_string()))
    }
}

/// The campus workbook of a campus JSON text (`crate::io::campus::to_xlsx` of the
/// document as written): the page's template, from its sample university. `file` names
/// the text in errors. Returns the file's bytes (a `Uint8Array`). Only with the `excel`
/// feature (see `Session::export_xlsx`).
#[cfg(feature = "excel")]
#[wasm_bindgen(js_name = campusWorkbook)]
pub fn campus_workbook(text: &str, file: &str) -> Result<Vec<u8>, JsError> {
    let doc =
        crate::io::campus::doc_from_json(text, file).map_err(|e| JsError::new(&e.to_string()))?;
    crate::io::campus::to_xlsx(&doc).map_err(|e| JsError::new(&e.to_string()))
}

/// The default solver options as a plain object (`SolverOptions::default()`), so the page
/// shows the defaults of the build it loaded and sends only option names that build knows.
#[wasm_bindgen(js_name = defaultOptions)]
pub fn default_options() -> Result<JsValue, JsError> {
    to_js(&SolverOptions::default())
}
