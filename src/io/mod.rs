//! Reading and writing files: ITC-2007 instances, campus JSON and CSV sheets, solutions.
//! Errors name file and line (and column, for JSON and CSV).

pub mod campus;
pub mod ctt;
pub mod error;
pub mod solution;
mod tokens;

pub use error::{ConvertError, FilesError, ParseError, ParseErrorKind};
pub use solution::{SolutionWarning, WarningKind, parse_solution, write_solution};

use crate::model::Instance;

/// Reads an instance from files a user gave together, `(name, text)` each: one `.ctt`,
/// `.ectt` or campus `.json` file, or the CSV sheets of one campus (`courses.csv`,
/// `rooms.csv`, … — docs/CSV.md), read together. Returns the instance and the name that
/// stands for it (the file's, or `campus-sheets.csv` for sheets). A binary `.xlsx`
/// workbook is not text: read it with [`parse_instance`].
pub fn parse_files(files: &[(String, String)]) -> Result<(Instance, String), FilesError> {
    let is_csv = |n: &str| n.to_ascii_lowercase().ends_with(".csv");
    match files {
        [] => Err(FilesError::Empty),
        [(name, text)] if !is_csv(name) => {
            Ok((parse_instance(text.as_bytes(), name)?, name.clone()))
        }
        many if many.iter().all(|(name, _)| is_csv(name)) => {
            Ok((campus::from_csv(many)?, "campus-sheets.csv".to_string()))
        }
        many => {
            let names: Vec<&str> = many.iter().map(|(name, _)| name.as_str()).collect();
            Err(FilesError::Mixed(names.join(", ")))
        }
    }
}

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
