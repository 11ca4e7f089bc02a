//! Reading and writing files: ITC-2007 instances, solutions. Errors name file and line.

pub mod ctt;
pub mod error;
pub mod solution;
mod tokens;

pub use ctt::parse_instance;
pub use error::{ParseError, ParseErrorKind};
pub use solution::{SolutionWarning, WarningKind, parse_solution, write_solution};
