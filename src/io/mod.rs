//! Reading and writing files: ITC-2007 instances, campus JSON and CSV sheets, solutions.
//! Errors name file and line (and column, for JSON and CSV).

pub mod campus;
pub mod ctt;
pub mod error;
pub mod solution;
mod tokens;

pub use error::{ConvertError, ParseError, ParseErrorKind};
pub use solution::{SolutionWarning, WarningKind, parse_solution, write_solution};

use crate::model::Instance;

/// Reads an instance, choosing the format by the file name: `.json` is campus JSON
/// (`docs/CAMPUS.md`), `.xlsx` a campus workbook (`docs/CSV.md`), anything else
/// `.ctt`/`.ectt` (the header tells which). `file` is only used in error messages (and to
/// choose the format). Without the `excel` feature an `.xlsx` is an error naming the file.
pub fn parse_instance(bytes: &[u8], file: &str) -> Result<Instance, ParseError> {
    let lower = file.to_ascii_lowercase();
    if lower.ends_with(".json") {
        let text = tokens::decode(bytes, file)?;
        campus::from_json(text, file)
    } else if lower.ends_with(".xlsx") {
        #[cfg(feature = "excel")]
        return campus::from_xlsx(bytes, file);
        #[cfg(not(feature = "excel"))]
        return Err(ParseError::new(file, 1, ParseErrorKind::NoExcel));
    } else {
        ctt::parse_instance(bytes, file)
    }
}
