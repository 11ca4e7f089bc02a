//! Atoll: a university course-timetabling solver (ITC-2007 curriculum-based course
//! timetabling, UD2) that runs natively and inside a web page.
//!
//! Layers, each knowing only those before it:
//! - [`model`]: the instance and the timetable, as dense ids;
//! - [`io`]: ITC-2007 instance and solution files, with errors naming file and line;
//! - [`eval`]: the exact UD2 score, full and incremental, with violations;
//! - [`construct`], [`evolve`], [`solver`]: Stage 1 and Stage 2 and the pipeline around
//!   them, with [`options`] and [`budget`] (deadlines, cancellation);
//! - [`repair`]: Stage 3, conflict resolution by a learned (Q-learning) repair policy;
//! - [`report`]: the instance summary and check report every front end shows;
//! - [`export`]: a timetable as rows with names, CSV and an iCalendar week template;
//! - [`parallel`]: data-parallel batch work on the rayon pool;
//! - [`speed`]: evaluator throughput, measured the same way natively and in the page;
//! - [`gpu`]: the full score of whole batches in a WGSL compute shader (wgpu);
//! - [`itc2019`]: ITC-2019 (UniTime XML) problems, read and scored exactly — a model of its own.

pub mod budget;
pub mod construct;
pub mod eval;
pub mod evolve;
pub mod export;
pub mod gpu;
pub mod io;
pub mod itc2019;
pub mod model;
pub mod options;
pub mod parallel;
pub mod repair;
pub mod report;
pub mod resolve;
pub mod solver;
pub mod speed;

#[cfg(all(target_arch = "wasm32", feature = "web"))]
pub mod web;

#[cfg(all(target_arch = "wasm32", feature = "wasm-threads"))]
pub use wasm_bindgen_rayon::init_thread_pool;

pub use eval::{Breakdown, Cost, Evaluation, IncrementalState, evaluate, score};
pub use io::{ParseError, parse_instance, parse_solution, write_solution};
pub use model::{Instance, Slot, Timetable};
pub use options::SolverOptions;
pub use solver::{Progress, SolveRequest, SolveResult, solve};
