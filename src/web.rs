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
//! Repair (`repairStart`, `repairStep`, `repairFinish`): Stage 3 on its own from a
//! timetable the user brought, moving as few lectures as it can away from it, driven in
//! steps like a solve by the library's [`crate::repair::SteppedRepair`] with the
//! session's Q-table, so the agent keeps what it learned between steps.
//!
//! The same code builds two ways: with the `wasm-threads` feature on the nightly
//! build-std/atomics recipe, where `initThreadPool(n)` (re-exported at the crate root)
//! must be awaited before the first parallel call; and without it on stable, where rayon
//! runs everything on the calling thread.
//!
//! Errors reach JavaScript as `Error` objects whose message is the library's text, for a
//! bad file `file:line: what was expected`.
//!
//! Everything here translates: JS values in, library calls, serde objects out. The
//! objects are the library's ([`crate::report`], [`crate::repair::SteppedRepair`]); the
//! glue is split by what the page does: `session` (loading, summary, check, batch,
//! speed, memory, Q-table), `solve` (solve and re-solve), `repair`, `export` (the results
//! view and downloads) and `gpu` (WebGPU).

use std::sync::Arc;

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::budget::{Budget, CancelToken};
use crate::evolve::CpuBatchEvaluator;
use crate::io::SolutionWarning;
use crate::model::Instance;
use crate::options::SolverOptions;
use crate::repair::{QTable, SteppedRepair};
use crate::solver::Solver;

// The GPU path of a solve (WebGPU): `gpuInit`, `solveBreed`, `GpuScorer.score`,
// `solveSelect`, `solveUseEvaluator`.
#[cfg(feature = "gpu")]
mod gpu;
// The page's results view and download buttons.
mod export;
// Stage 3 on a timetable the user brought.
mod repair;
// Loading an instance and what the page asks of it before a solve.
mod session;
// Solve and re-solve, in steps.
mod solve;

// ITC-2019 instances in the page: `ItcSession` (src/web/itc2019.rs).
mod itc2019;

/// Plain objects and arrays on the JS side (no `Map`s, no `BigInt`s).
fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| JsError::new(&format!("cannot convert the result for JavaScript: {e}")))
}

/// A library error as a JavaScript `Error` with the library's text.
fn js_err(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

/// The duration of one solve step the page asked for, in milliseconds: clamped to
/// 0..=60,000, and 100 when it is not a number (a step never hangs the worker for long).
fn step_duration(ms: f64) -> web_time::Duration {
    let ms = if ms.is_finite() {
        ms.clamp(0.0, 60_000.0)
    } else {
        100.0
    };
    web_time::Duration::from_secs_f64(ms / 1000.0)
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

/// The default solver options as a plain object (`SolverOptions::default()`), so the page
/// shows the defaults of the build it loaded and sends only option names that build knows.
#[wasm_bindgen(js_name = defaultOptions)]
pub fn default_options() -> Result<JsValue, JsError> {
    to_js(&SolverOptions::default())
}

/// The text of a serde-wasm-bindgen error, without the "Error: " its `Display` puts first.
fn serde_message(e: serde_wasm_bindgen::Error) -> String {
    let text = e.to_string();
    text.strip_prefix("Error: ").unwrap_or(&text).to_string()
}

/// Reads an optional plain JS object (`null`/`undefined`: the default) as `T`; an error
/// starts with `what`.
fn from_js_or_default<T: serde::de::DeserializeOwned + Default>(
    value: JsValue,
    what: &str,
) -> Result<T, JsError> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| JsError::new(&format!("{what}: {}", serde_message(e))))
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
    SolverOptions::from_settings(&settings).map_err(js_err)
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
    /// The repair in progress, if any (`repairStart` … `repairFinish`), and the file its
    /// timetable came from (for the result's name).
    repair: Option<(SteppedRepair, String)>,
}

/// A solve between calls.
struct Running {
    solver: Solver,
    evaluator: CpuBatchEvaluator,
    cancel: CancelToken,
    /// A re-solve's skipped lines of the previous timetable, shown with the result's check.
    warnings: Vec<SolutionWarning>,
}

impl Session {
    /// A session on `inst`, read from `file`, with nothing running.
    fn of(inst: Instance, file: String) -> Session {
        Session {
            inst: Arc::new(inst),
            file,
            solve: None,
            qtable: Arc::new(crate::repair::new_qtable()),
            device_memory: None,
            after_solve: None,
            repair: None,
        }
    }

    /// The solver options of a JS object, with the session's device memory as the memory
    /// budget unless the options give one.
    fn options(&self, value: &JsValue) -> Result<SolverOptions, JsError> {
        let mut opts = parse_options(value)?;
        if opts.memory_gib.is_none() {
            opts.memory_gib = self.device_memory;
        }
        Ok(opts)
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
