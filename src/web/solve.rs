//! Solve and re-solve, driven in steps: `solveStart`/`resolveStart`, `solveStep`,
//! `solveCancel`, `solveFinish`.

use std::sync::Arc;

use wasm_bindgen::prelude::*;

use super::{Running, Session, from_js_or_default, js_err, to_js};
use crate::budget::CancelToken;
use crate::evolve::CpuBatchEvaluator;
use crate::io::write_solution;
use crate::model::edit::InstanceEdits;
use crate::report::{ProgressReport, SolutionCheck, SolvedReport, solution_file_name};
use crate::solver::{Progress, Solver};

impl Session {
    /// Keeps `solver` as the session's solve and returns its first progress event.
    fn start_running(
        &mut self,
        solver: Solver,
        evaluator: CpuBatchEvaluator,
        cancel: CancelToken,
        warnings: Vec<crate::io::SolutionWarning>,
    ) -> Result<JsValue, JsError> {
        let running = self.solve.insert(Running {
            solver,
            evaluator,
            cancel,
            warnings,
        });
        to_js(&ProgressReport {
            progress: &running.solver.progress(),
            finished: running.solver.finished(),
        })
    }
}

#[wasm_bindgen]
impl Session {
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
        let opts = self.options(&options)?;
        self.abandon_solve();
        let cancel = CancelToken::new();
        let mut evaluator = CpuBatchEvaluator;
        let mut solver = Solver::new(self.inst.clone(), &opts, &mut evaluator, cancel.clone())
            .map_err(js_err)?;
        solver.set_qtable(self.qtable.clone());
        self.start_running(solver, evaluator, cancel, Vec::new())
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
    /// `solveStep`, the end with `solveFinish`, whose result then has `moves` (the
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
        let opts = self.options(&options)?;
        let edits: InstanceEdits = from_js_or_default(edits, "edits")?;
        self.abandon_solve();
        let r = crate::resolve::prepare(&self.inst, &edits, solution.as_bytes(), file)
            .map_err(js_err)?;
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
        .map_err(js_err)?;
        solver.set_qtable(self.qtable.clone());
        self.inst = with_ref;
        self.after_solve = Some(Arc::new(r.edited));
        self.start_running(solver, evaluator, cancel, r.warnings)
    }

    /// Runs generations for about `ms` milliseconds (at least one generation) and returns
    /// the latest progress event: `{ stage, generation, elapsed_s, best: { hard, soft },
    /// islands: [{ hard, soft }], iterations, finished }`, where `finished` is null while
    /// the run goes on and then `"time_limit"`, `"generations"` or `"cancelled"`.
    #[wasm_bindgen(js_name = solveStep)]
    pub fn solve_step(&mut self, ms: f64) -> Result<JsValue, JsError> {
        let running = self.running()?;
        let mut last = None;
        let finished = running.solver.step(
            &mut running.evaluator,
            super::step_duration(ms),
            &mut |p: &Progress| last = Some(p.clone()),
        );
        let progress = last.unwrap_or_else(|| running.solver.progress());
        to_js(&ProgressReport {
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
    /// far: `{ solution, file, check, stop_reason, stats, last }` ([`SolvedReport`]).
    /// `solution` is the `.sol` text and `check` the object `check()` returns for it, so
    /// the page shows what a downloaded file will score.
    #[wasm_bindgen(js_name = solveFinish)]
    pub fn solve_finish(&mut self) -> Result<JsValue, JsError> {
        let running = self
            .solve
            .take()
            .ok_or_else(|| JsError::new("no solve is running: call solveStart first"))?;
        let last = running.solver.progress();
        let result = running.solver.finish(last.evaluator.clone());
        let solution = write_solution(&self.inst, &result.timetable);
        let file = solution_file_name(&self.file);
        // Scored in memory, never by reading `solution` back: names with spaces can make a
        // line ambiguous ("Chem 1" + "A 101" or "Chem 1 A" + "101"), and the best
        // timetable of the run must not be lost to an error here, after the solve is gone.
        let check = SolutionCheck::of(
            &self.inst,
            result.timetable.clone(),
            &file,
            running.warnings,
        );
        let moves = result.stats.moves.clone();
        // A re-solve is over: the edited instance (without the reference) is the session's.
        if let Some(edited) = self.after_solve.take() {
            self.inst = edited;
        }
        to_js(&SolvedReport {
            solution,
            file,
            check,
            stop_reason: result.stop_reason,
            stats: result.stats,
            last,
            moves,
        })
    }
}
