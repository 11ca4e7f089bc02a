//! The start of a re-solve with few changes, one function for every front end (the CLI's
//! `solve --edit FILE --from OLD.sol`, the page's `resolveStart`): the instance edited
//! ([`InstanceEdits`]), the previous timetable read against it once, and the edited
//! instance with that timetable as its reference, so that every lecture the solver moves
//! away from it costs `weights.changes` (docs/RULES.md). The lines of the previous
//! timetable that had to be skipped (a course the edit removed nothing of cannot vanish,
//! but a hand-edited file can name anything) come back as warnings, for the front end
//! to show.

use thiserror::Error;

use crate::io::{ParseError, SolutionWarning, parse_solution};
use crate::model::edit::{EditError, InstanceEdits};
use crate::model::{Instance, Timetable};

/// Everything a re-solve starts from.
#[derive(Clone, Debug)]
pub struct ResolveStart {
    /// The edited instance without a reference: what the instance is once the re-solve
    /// is over, so that the next edit starts from the new timetable.
    pub edited: Instance,
    /// The edited instance with the previous timetable as its reference: what the solver
    /// runs on.
    pub instance: Instance,
    /// The previous timetable read against the edited instance, pins aligned: the
    /// solver's start (and the reference moves are counted against).
    pub start: Timetable,
    /// Lines of the previous timetable skipped as the validator skips them.
    pub warnings: Vec<SolutionWarning>,
}

/// Why a re-solve cannot start.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum ResolveError {
    #[error(transparent)]
    Edit(#[from] EditError),
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// Applies `edits` to `inst` (none: `inst` as it is) and reads `old` (`.sol` text, named
/// `file` in errors and warnings) against the result.
pub fn prepare(
    inst: &Instance,
    edits: &InstanceEdits,
    old: &[u8],
    file: &str,
) -> Result<ResolveStart, ResolveError> {
    let edited = if edits.is_empty() {
        inst.clone()
    } else {
        edits.apply(inst)?
    };
    let (mut start, warnings) = parse_solution(&edited, old, file)?;
    start.align_pins(&edited);
    let instance = edited.with_reference(&start);
    Ok(ResolveStart {
        edited,
        instance,
        start,
        warnings,
    })
}
