//! Errors for everything read from a file. Every error names the file, the line (1-based)
//! and what was expected, so an office can fix its data without reading source code.

use thiserror::Error;

use crate::model::ModelError;

/// A file that could not be read as what it claims to be.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{file}:{line}:{}", tail(.kind))]
pub struct ParseError {
    /// The file name as given by the caller.
    pub file: String,
    /// 1-based line of the offending token (the last line for a truncated file).
    pub line: u32,
    pub kind: ParseErrorKind,
}

/// What went wrong, independent of where.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ParseErrorKind {
    #[error("the file is not valid UTF-8 text (bad byte at offset {offset})")]
    InvalidUtf8 { offset: usize },
    #[error("the file is empty; expected {expected}")]
    Empty { expected: &'static str },
    #[error("the file ends too early: expected {expected}")]
    UnexpectedEnd { expected: String },
    #[error("expected {expected}, found '{found}'")]
    Expected { expected: String, found: String },
    #[error(
        "the header declares {declared} {what}, but the {section} section ends after {found} (found '{token}')"
    )]
    SectionTooShort {
        what: &'static str,
        section: &'static str,
        declared: usize,
        found: usize,
        token: String,
    },
    #[error(
        "expected '{section}' after the {declared} {what} the header declares, found '{token}' (is the count in the header too small, or is '{section}' missing?)"
    )]
    SectionTooLong {
        what: &'static str,
        section: &'static str,
        declared: usize,
        token: String,
    },
    #[error("expected a whole number for {what}, found '{found}'")]
    NotANumber { what: String, found: String },
    #[error("{what} must not be negative, found '{found}'")]
    Negative { what: String, found: String },
    #[error("{what} is {found}, {}", beyond(*.max))]
    TooLarge {
        what: String,
        found: String,
        max: u64,
    },
    #[error("{what} must be at least {min}, found {found}")]
    TooSmall { what: String, found: u64, min: u64 },
    #[error("{what} '{id}' is defined twice (first on line {first_line})")]
    Duplicate {
        what: &'static str,
        id: String,
        first_line: u32,
    },
    #[error("{context} names course '{id}', which is not listed under COURSES")]
    UnknownCourse { context: String, id: String },
    #[error("{context} names room '{id}', which is not listed under ROOMS")]
    UnknownRoom { context: String, id: String },
    #[error("{context}: day {day} is out of range (the instance has days 0 to {last})")]
    DayOutOfRange {
        context: String,
        day: u64,
        last: u64,
    },
    #[error("{context}: period {slot} is out of range (each day has periods 0 to {last})")]
    SlotOutOfRange {
        context: String,
        slot: u64,
        last: u64,
    },
    #[error("expected 'END.' to close the file, found '{found}'")]
    MissingEnd { found: String },
    #[error("unexpected '{found}' after 'END.'")]
    TrailingData { found: String },
    #[error("expected 'CourseID RoomID Day Period' (4 fields), found {found} field(s)")]
    SolutionFields { found: usize },
    #[error("{0}")]
    Model(#[from] ModelError),
    /// An Excel workbook given to a build without the `excel` feature: the page's main wasm
    /// module, which converts workbooks with its Excel module (`www/pkg-excel`) instead.
    #[error(
        "this build of Atoll cannot read Excel workbooks (.xlsx): it was built without the \
         `excel` feature; give the campus as JSON or CSV sheets"
    )]
    NoExcel,
    /// Campus JSON and CSV: the column on the line, and the element (`courses[3].teachers[0]`
    /// in JSON, the column's header in CSV), so the message reads `file:line:column: where: what`.
    #[error("{column}: {}{message}", at_path(.path))]
    Located {
        column: u32,
        path: String,
        message: String,
    },
}

fn at_path(path: &str) -> String {
    if path.is_empty() {
        String::new()
    } else {
        format!("{path}: ")
    }
}

/// An instance that cannot be written in the requested format.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ConvertError {
    #[error("{format} cannot express {feature}; keep this instance as campus JSON")]
    Unsupported {
        format: &'static str,
        feature: String,
    },
    #[error("{what} name \"{name}\" cannot be written in {format}: {why}")]
    BadName {
        what: &'static str,
        name: String,
        format: &'static str,
        why: &'static str,
    },
    #[error("campus JSON refers to things by name, but {what} \"{name}\" is not unique")]
    DuplicateName { what: &'static str, name: String },
    #[error("{0}")]
    Json(String),
    #[error("cannot write the workbook: {0}")]
    Workbook(String),
}

/// How a number beyond `max` is described: a limit of the reader, or beyond any integer.
fn beyond(max: u64) -> String {
    if max == u64::MAX {
        "which is far too large".to_string()
    } else {
        format!("which is more than the supported maximum of {max}")
    }
}

/// What follows `file:line:` — the column right away for a located (JSON, CSV) error, so
/// it reads `file:line:column: …`; a space and the message otherwise.
fn tail(kind: &ParseErrorKind) -> String {
    let msg = readable(&kind.to_string());
    match kind {
        ParseErrorKind::Located { .. } => msg,
        _ => format!(" {msg}"),
    }
}

/// Characters that print as nothing (zero-width spaces, direction marks, byte-order
/// marks, soft hyphens): shown escaped, or "found 'Name:'" could mean anything.
fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{ad}' | '\u{200b}'..='\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2060}'..='\u{2064}'
    ) || c == '\u{feff}'
}

/// The longest run of non-space characters a message shows in full.
const MAX_WORD: usize = 64;

/// A message made safe to print: control characters (a binary file read as text) are
/// escaped, and a word longer than [`MAX_WORD`] characters (a runaway token) is cut short
/// with its length.
fn readable(msg: &str) -> String {
    let mut out = String::with_capacity(msg.len().min(512));
    for (i, word) in msg.split(' ').enumerate() {
        if i > 0 {
            out.push(' ');
        }
        let n = word.chars().count();
        let shown = if n > MAX_WORD { MAX_WORD - 16 } else { n };
        for c in word.chars().take(shown) {
            if c.is_control() {
                out.extend(c.escape_debug());
            } else if is_invisible(c) {
                out.extend(c.escape_unicode());
            } else {
                out.push(c);
            }
        }
        if shown < n {
            out.push_str(&format!("... ({n} characters)"));
        }
    }
    out
}

impl ParseError {
    pub(crate) fn new(file: &str, line: u32, kind: ParseErrorKind) -> Self {
        ParseError {
            file: file.to_string(),
            line,
            kind,
        }
    }
}

/// Why the files a user gave together are not one instance ([`super::parse_files`]).
#[derive(Debug, Error)]
pub enum FilesError {
    #[error("no file was given")]
    Empty,
    #[error(
        "give either one instance file (.ctt, .ectt, .json or .xlsx) or the CSV sheets of one campus together; got {0}"
    )]
    Mixed(String),
    #[error(transparent)]
    Parse(#[from] ParseError),
}
