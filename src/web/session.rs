//! Loading an instance and what the page asks of it outside a solve: its summary, the
//! check of a solution, a random batch on the pool, the evaluator speed, the memory
//! budget and the Stage 3 Q-table.

use std::sync::Arc;

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::{Session, js_err, serde_message, to_js};
use crate::budget::Budget;
use crate::io::{parse_files, parse_instance, write_solution};
use crate::parallel::{random_timetable, score_random_batch};
use crate::repair::{new_qtable, qtable_from_json};
use crate::report::{InstanceOverview, RandomBatchReport, SolutionCheck};
use crate::speed::measure;

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
        let inst = parse_instance(bytes, file).map_err(js_err)?;
        Ok(Session::of(inst, file.to_string()))
    }

    /// Reads an instance from the files a user dropped or chose at once, an array of
    /// `{ name, text }`: one `.ctt`, `.ectt` or campus `.json` file (a campus `.xlsx`
    /// workbook is binary: the page converts it to campus JSON with its Excel module), or the CSV sheets of
    /// one campus (`courses.csv`, `rooms.csv`, … — see `docs/CSV.md`), read together
    /// ([`crate::io::parse_files`]). Throws an `Error` naming the file, line or row, and
    /// column of the first problem.
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
        let files: Vec<(String, String)> = files.into_iter().map(|f| (f.name, f.text)).collect();
        let (inst, file) = parse_files(&files).map_err(js_err)?;
        Ok(Session::of(inst, file))
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
        crate::io::campus::to_json(inst).map_err(js_err)
    }

    /// Sizes and tightness of the instance (the fields of `atoll info --json`), with the
    /// file name, day and period names, weights, `campus` and `pins`
    /// ([`InstanceOverview`]).
    pub fn summary(&self) -> Result<JsValue, JsError> {
        to_js(&InstanceOverview::of(&self.inst, &self.file))
    }

    /// Checks a solution text (`CourseID RoomID Day Period` per line) against the instance,
    /// exactly as `atoll check --json` does ([`SolutionCheck`]). Throws for a malformed line.
    pub fn check(&self, text: &str, file: &str) -> Result<JsValue, JsError> {
        self.check_bytes(text.as_bytes(), file)
    }

    /// Like [`Session::check`], from the raw bytes of a file.
    #[wasm_bindgen(js_name = checkBytes)]
    pub fn check_bytes(&self, bytes: &[u8], file: &str) -> Result<JsValue, JsError> {
        to_js(&SolutionCheck::read(&self.inst, bytes, file).map_err(js_err)?)
    }

    /// A random timetable (every lecture at a random free period of its course, in a random
    /// room) as solution text: something to check when no solution file is at hand.
    #[wasm_bindgen(js_name = randomSolution)]
    pub fn random_solution(&self, seed: u32) -> String {
        write_solution(&self.inst, &random_timetable(&self.inst, seed as u64))
    }

    /// Builds `count` random timetables and scores them on the rayon pool
    /// (`atoll::parallel::score_random_batch`). Reports how many pool threads took part
    /// ([`RandomBatchReport`]). In the threaded build, `initThreadPool` must have been
    /// awaited first.
    #[wasm_bindgen(js_name = scoreRandomBatch)]
    pub fn score_random_batch(&self, count: u32, seed: u32) -> Result<JsValue, JsError> {
        let budget = Budget::for_device_memory(self.device_memory);
        let batch =
            score_random_batch(&self.inst, count as usize, seed as u64, &budget).map_err(js_err)?;
        to_js(&RandomBatchReport::of(
            &batch,
            cfg!(feature = "wasm-threads"),
        ))
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
        self.qtable = Arc::new(qtable_from_json(json).map_err(js_err)?);
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
