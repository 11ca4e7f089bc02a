//! What every command shares: the error type, reading files and instances, printing JSON
//! and warnings, the worker pool and Ctrl-C.

use std::path::Path;

use serde::Serialize;

use atoll::io::{SolutionWarning, parse_instance};
use atoll::model::Instance;

use crate::convert;

/// Why the program could not do its job (exit status 2).
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Parse(#[from] atoll::io::ParseError),
    #[error("{0}")]
    Xml(#[from] atoll::itc2019::XmlError),
    #[error("{0}")]
    Option(#[from] atoll::options::OptionError),
    #[error(transparent)]
    Repair(#[from] atoll::repair::RepairError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Settings(String),
    #[error("{0}")]
    Edit(#[from] atoll::model::edit::EditError),
    #[error("{0}")]
    Resolve(#[from] atoll::resolve::ResolveError),
    #[error("{path}: {source}")]
    EditsFile {
        path: String,
        source: serde_json::Error,
    },
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error("cannot convert to {path}: {source}")]
    Convert {
        path: String,
        source: atoll::io::ConvertError,
    },
    #[error("{path}: {source}")]
    QTable {
        path: String,
        source: atoll::repair::QTableError,
    },
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// An instance from a `.ctt`/`.ectt`, campus `.json` or campus `.xlsx` file, or a folder
/// of campus CSV sheets (`docs/CSV.md`).
pub(crate) fn load_instance(path: &Path) -> Result<Instance, CliError> {
    if path.is_dir() {
        return Ok(atoll::io::campus::from_csv(&convert::read_sheets(path)?)?);
    }
    let bytes = read(path)?;
    Ok(parse_instance(&bytes, &path.display().to_string())?)
}

/// Prints `value` as pretty JSON on standard output.
pub(crate) fn print_json<T: Serialize>(value: &T) {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("serializing plain data cannot fail")
    );
}

pub(crate) fn print_warnings(solution: &Path, warnings: &[SolutionWarning]) {
    for w in warnings {
        eprintln!("atoll: warning: {}:{}", solution.display(), w);
    }
    if !warnings.is_empty() {
        eprintln!(
            "atoll: warning: {} line(s) of {} skipped",
            warnings.len(),
            solution.display()
        );
    }
}

/// A rayon pool of `threads` workers.
pub(crate) fn pool(threads: usize) -> Result<rayon::ThreadPool, CliError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| CliError::Threads {
            threads,
            message: e.to_string(),
        })
}

/// `--threads`, or every core when not given.
pub(crate) fn threads_or_all(threads: Option<usize>) -> usize {
    threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    })
}

/// A cancellation token that Ctrl-C cancels, so a run stops with its best timetable. A
/// second Ctrl-C while stopping falls back to the default (exit).
pub(crate) fn cancel_on_ctrl_c() -> atoll::budget::CancelToken {
    let cancel = atoll::budget::CancelToken::new();
    let c = cancel.clone();
    let _ = ctrlc::set_handler(move || c.cancel());
    cancel
}

/// Writes `bytes` to `path`, naming it in the error.
pub(crate) fn write_file(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|source| CliError::Write {
        path: path.display().to_string(),
        source,
    })
}

/// The instance edits of a JSON file (`solve --edit`), naming the file, line and column of
/// what is wrong.
pub(crate) fn read_edits(path: &Path) -> Result<atoll::model::edit::InstanceEdits, CliError> {
    serde_json::from_slice(&read(path)?).map_err(|source| CliError::EditsFile {
        path: path.display().to_string(),
        source,
    })
}
