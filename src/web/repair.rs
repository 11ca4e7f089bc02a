//! Repair: Stage 3 on a timetable the user brought, in steps (`repairStart`,
//! `repairStep`, `repairCancel`, `repairFinish`) — the library's
//! [`SteppedRepair`] with the session's Q-table.

use std::sync::Arc;

use serde::Deserialize;
use wasm_bindgen::prelude::*;

use super::{Session, from_js_or_default, js_err, to_js};
use crate::io::{parse_solution, write_solution};
use crate::model::edit::InstanceEdits;
use crate::repair::stepped::repaired_file_name;
use crate::repair::{Stability, SteppedRepair};
use crate::report::{RepairedReport, SolutionCheck};

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

impl Session {
    fn repairing(&mut self) -> Result<&mut SteppedRepair, JsError> {
        self.repair
            .as_mut()
            .map(|(r, _)| r)
            .ok_or_else(|| JsError::new("no repair is running: call repairStart first"))
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
    /// conflicts_left, finished }`: [`crate::repair::StepProgress`]). Throws an `Error`
    /// for a bad option, edit or file.
    #[wasm_bindgen(js_name = repairStart)]
    pub fn repair_start(
        &mut self,
        options: JsValue,
        solution: &str,
        file: &str,
        settings: JsValue,
    ) -> Result<JsValue, JsError> {
        let opts = self.options(&options)?;
        let settings: RepairSettings = from_js_or_default(settings, "repair settings")?;
        let stability = Stability {
            move_weight: settings
                .move_weight
                .unwrap_or(Stability::default().move_weight),
            max_moves: settings.max_moves,
        };
        self.abandon_solve();
        let inst = match &settings.edits {
            Some(edits) => Arc::new(edits.apply(&self.inst).map_err(js_err)?),
            None => self.inst.clone(),
        };
        let (mut start, _) = parse_solution(&inst, solution.as_bytes(), file).map_err(js_err)?;
        start.align_pins(&inst);
        // The edited instance is the session's from now on, as after a re-solve (and only
        // once the timetable was read: a bad file leaves the session as it was).
        self.inst = inst;
        let (repair, _) = self.repair.insert((
            SteppedRepair::new(&self.inst, start, opts, stability),
            file.to_string(),
        ));
        to_js(repair.progress())
    }

    /// Repairs for about `ms` milliseconds (one call of the library, from the best
    /// timetable so far) and returns the progress event; its `finished` is null while the
    /// repair goes on.
    #[wasm_bindgen(js_name = repairStep)]
    pub fn repair_step(&mut self, ms: f64) -> Result<JsValue, JsError> {
        let inst = self.inst.clone();
        let qtable = self.qtable.clone();
        let progress = self.repairing()?.step(&inst, qtable, ms).map_err(js_err)?;
        to_js(progress)
    }

    /// Asks the repair in progress to stop: the next step returns `finished: "cancelled"`
    /// and `repairFinish` the best timetable so far.
    #[wasm_bindgen(js_name = repairCancel)]
    pub fn repair_cancel(&self) {
        if let Some((r, _)) = &self.repair {
            r.cancel();
        }
    }

    /// Ends the repair (as cancelled if it had not ended) and returns the best timetable:
    /// `{ solution, file, check, stop_reason, stats, last, moves }`, `moves` being `{ moved,
    /// room_only, period, of, lectures: [{ course, lecture, from, to, kind }] }` against the
    /// timetable the repair started from (`from`/`to`: `{ day, period, room }`, 0-based).
    #[wasm_bindgen(js_name = repairFinish)]
    pub fn repair_finish(&mut self) -> Result<JsValue, JsError> {
        let (r, from) = self
            .repair
            .take()
            .ok_or_else(|| JsError::new("no repair is running: call repairStart first"))?;
        let result = r.finish(&self.inst);
        let solution = write_solution(&self.inst, &result.timetable);
        let file = repaired_file_name(&from);
        // Scored in memory, as solveFinish does, never by reading `solution` back.
        let check = SolutionCheck::of(&self.inst, result.timetable, &file, Vec::new());
        to_js(&RepairedReport {
            solution,
            file,
            check,
            stop_reason: result.stop_reason,
            stats: result.stats,
            last: result.last,
            moves: result.moves,
        })
    }
}
