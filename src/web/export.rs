//! The page's results view and download buttons: thin conversions of [`crate::export`].

use wasm_bindgen::prelude::*;

use super::{Session, js_err, to_js};
use crate::export::{Entity, IcsOptions, LectureRow, lecture_rows, rows_of, to_csv, to_ics_of};
use crate::io::parse_solution;
use crate::model::Timetable;

impl Session {
    fn timetable_of(&self, solution: &str, file: &str) -> Result<Timetable, JsError> {
        let (mut tt, _warnings) =
            parse_solution(&self.inst, solution.as_bytes(), file).map_err(js_err)?;
        tt.align_pins(&self.inst);
        Ok(tt)
    }

    fn rows_of(&self, solution: &str, file: &str) -> Result<Vec<LectureRow>, JsError> {
        Ok(lecture_rows(
            &self.inst,
            &self.timetable_of(solution, file)?,
        ))
    }

    fn entity(&self, kind: Option<String>, name: Option<String>) -> Result<Entity, JsError> {
        Entity::parse(
            &self.inst,
            kind.as_deref().unwrap_or(""),
            name.as_deref().unwrap_or(""),
        )
        .map_err(js_err)
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
        let entity = self.entity(kind, name)?;
        Ok(to_csv(&rows_of(&self.rows_of(solution, file)?, &entity)))
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
        let entity = self.entity(kind, name)?;
        let opts =
            IcsOptions::for_instance(&self.inst, start, period_starts, length_minutes, weeks)
                .map_err(js_err)?;
        let rows = self.rows_of(solution, file)?;
        Ok(to_ics_of(&self.inst, &rows, &opts, &entity))
    }

    /// A solution as an Excel workbook (`crate::export::xlsx::to_xlsx`): every lecture,
    /// and a grid per group, teacher and room with violations coloured. Returns the
    /// file's bytes (a `Uint8Array`). Only with the `excel` feature: the page's builds leave
    /// it out and write workbooks with the Excel module (`crates/atoll-excel`).
    #[cfg(feature = "excel")]
    #[wasm_bindgen(js_name = exportXlsx)]
    pub fn export_xlsx(&self, solution: &str, file: &str) -> Result<Vec<u8>, JsError> {
        let tt = self.timetable_of(solution, file)?;
        crate::export::xlsx::to_xlsx(&self.inst, &tt).map_err(js_err)
    }
}

/// The campus workbook of a campus JSON text (`crate::io::campus::to_xlsx` of the
/// document as written): the page's template, from its sample university. `file` names
/// the text in errors. Returns the file's bytes (a `Uint8Array`). Only with the `excel`
/// feature (see `Session::export_xlsx`).
#[cfg(feature = "excel")]
#[wasm_bindgen(js_name = campusWorkbook)]
pub fn campus_workbook(text: &str, file: &str) -> Result<Vec<u8>, JsError> {
    let doc = crate::io::campus::doc_from_json(text, file).map_err(js_err)?;
    crate::io::campus::to_xlsx(&doc).map_err(js_err)
}
