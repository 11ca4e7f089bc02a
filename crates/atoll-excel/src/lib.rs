//! The page's Excel module: three functions over the `excel` feature of the atoll library,
//! so the page's main module (built without it) need not carry calamine and
//! rust_xlsxwriter. Each takes and returns plain text or bytes; errors are the library's,
//! word for word (a workbook's name sheet, row and column: `campus.xlsx[courses]:3:2: …`).
//!
//! The functions are plain Rust so that native tests can call them; the wasm32 build
//! exports them through wasm-bindgen (`campusJsonOfWorkbook`, `timetableWorkbook`,
//! `campusWorkbook`).

use atoll::io::campus;
use atoll::{ParseError, parse_solution};

/// The campus of workbook `bytes` as campus JSON text, for the page to load as it loads a
/// `.json` file. The JSON is that of the instance the workbook builds
/// (`campus::to_json`), which builds the same instance again; it carries the workbook's
/// name (the file's stem). `file` names the workbook in errors and names the instance.
pub fn campus_json_of_workbook(bytes: &[u8], file: &str) -> Result<String, String> {
    let inst = campus::from_xlsx(bytes, file).map_err(|e| e.to_string())?;
    campus::to_json(&inst).map_err(|e| format!("{file}: {e}"))
}

/// The timetable workbook (`atoll::export::xlsx::to_xlsx`) of solution text `solution`
/// (named `solution_file` in errors) of the instance given as campus JSON `instance_json`
/// (the page's `instanceJson()` of its session, named `instance_file` in errors).
pub fn timetable_workbook(
    instance_json: &str,
    instance_file: &str,
    solution: &str,
    solution_file: &str,
) -> Result<Vec<u8>, String> {
    let inst = campus::from_json(instance_json, instance_file).map_err(|e| e.to_string())?;
    let (tt, _warnings) = parse_solution(&inst, solution.as_bytes(), solution_file)
        .map_err(|e: ParseError| e.to_string())?;
    atoll::export::xlsx::to_xlsx(&inst, &tt).map_err(|e| e.to_string())
}

/// The campus workbook of a campus JSON text, as written (`campus::to_xlsx` of the
/// document: room types, features and group kinds kept): the page's template, from its
/// sample university. `file` names the text in errors.
pub fn campus_workbook(text: &str, file: &str) -> Result<Vec<u8>, String> {
    let doc = campus::doc_from_json(text, file).map_err(|e| e.to_string())?;
    campus::to_xlsx(&doc).map_err(|e| e.to_string())
}

/// The wasm-bindgen exports: the functions above with errors as JS `Error`s.
#[cfg(target_arch = "wasm32")]
mod bindings {
    use wasm_bindgen::prelude::*;

    /// `campusJsonOfWorkbook(bytes, file)`: see [`super::campus_json_of_workbook`].
    #[wasm_bindgen(js_name = campusJsonOfWorkbook)]
    pub fn campus_json_of_workbook(bytes: &[u8], file: &str) -> Result<String, JsError> {
        super::campus_json_of_workbook(bytes, file).map_err(|e| JsError::new(&e))
    }

    /// `timetableWorkbook(instanceJson, instanceFile, solution, solutionFile)`: the
    /// `Uint8Array` of [`super::timetable_workbook`].
    #[wasm_bindgen(js_name = timetableWorkbook)]
    pub fn timetable_workbook(
        instance_json: &str,
        instance_file: &str,
        solution: &str,
        solution_file: &str,
    ) -> Result<Vec<u8>, JsError> {
        super::timetable_workbook(instance_json, instance_file, solution, solution_file)
            .map_err(|e| JsError::new(&e))
    }

    /// `campusWorkbook(text, file)`: the `Uint8Array` of [`super::campus_workbook`].
    #[wasm_bindgen(js_name = campusWorkbook)]
    pub fn campus_workbook(text: &str, file: &str) -> Result<Vec<u8>, JsError> {
        super::campus_workbook(text, file).map_err(|e| JsError::new(&e))
    }
}
