//! Why an ITC-2019 file could not be read: the file, the line, the element and what was
//! expected.

use thiserror::Error;

/// An instance or solution XML file that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{file}:{line}: {}{kind}", element_prefix(.element))]
pub struct XmlError {
    /// The file name as given by the caller.
    pub file: String,
    /// 1-based line of the offending element (of the end of the file when it ends early).
    pub line: u32,
    /// The element in words, e.g. `<time> of class 12` (empty when no element applies).
    pub element: String,
    pub kind: XmlErrorKind,
}

fn element_prefix(element: &str) -> String {
    if element.is_empty() {
        String::new()
    } else {
        format!("{element}: ")
    }
}

/// What went wrong, independent of where.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum XmlErrorKind {
    #[error("the file is not valid UTF-8 text (bad byte at offset {offset})")]
    InvalidUtf8 { offset: usize },
    #[error("not well-formed XML: {message}")]
    Syntax { message: String },
    #[error("the file has no root element; expected <{expected}>")]
    Empty { expected: &'static str },
    #[error("the file ends inside <{open}> (missing </{open}>)")]
    Truncated { open: String },
    #[error("the root element is <{found}>, expected <{expected}>")]
    WrongRoot {
        found: String,
        expected: &'static str,
    },
    #[error("a second root element <{found}> after </{root}>")]
    SecondRoot { found: String, root: &'static str },
    #[error("unexpected element <{found}> inside <{inside}>; expected {expected}")]
    Unexpected {
        found: String,
        inside: &'static str,
        expected: &'static str,
    },
    #[error("<{what}> is given twice (only one is allowed)")]
    Repeated { what: &'static str },
    #[error("missing attribute '{attr}'")]
    MissingAttribute { attr: &'static str },
    #[error("attribute '{attr}' must be a whole number >= 0, found '{found}'")]
    NotANumber { attr: &'static str, found: String },
    #[error("attribute '{attr}' must be {expected}, found '{found}'")]
    OutOfRange {
        attr: &'static str,
        found: String,
        expected: String,
    },
    #[error("attribute '{attr}' must be a string of {len} characters 0 or 1, found '{found}'")]
    NotABitString {
        attr: &'static str,
        len: u32,
        found: String,
    },
    #[error("attribute '{attr}' must be 'true' or 'false', found '{found}'")]
    NotABool { attr: &'static str, found: String },
    #[error("{what} '{id}' is defined twice")]
    Duplicate { what: &'static str, id: String },
    #[error("unknown {what} '{id}'")]
    UnknownRef { what: &'static str, id: String },
    #[error("{message}")]
    BadType { message: String },
    #[error("no <time> option (every class needs at least one)")]
    NoTimes,
    #[error(
        "start {start} + length {length} is past the largest slot number ({})",
        u32::MAX
    )]
    TimeOverflow { start: u32, length: u32 },
    #[error("room '{room}' is listed twice")]
    RepeatedRoomOption { room: String },
    #[error(
        "parent class '{parent}' is not in another subpart of the same configuration as class '{class}'"
    )]
    ParentOutsideConfig { class: String, parent: String },
    #[error("the parent chain of class '{class}' loops back to itself")]
    ParentCycle { class: String },
    #[error("more than {max} rooms (the travel-time matrix would be too large)")]
    TooManyRooms { max: usize },
    #[error("the instance has no <optimization> element (the objective weights)")]
    NoOptimization,
}
