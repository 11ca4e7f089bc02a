//! ITC-2019 (International Timetabling Competition 2019, UniTime's XML format): real
//! universities' course timetabling with week patterns, 5-minute slots, travel times, 19
//! kinds of distribution constraints and student sectioning (`docs/ITC2019.md`).
//!
//! A model of its own, independent of the ITC-2007 layers:
//! - [`model`]: the problem as dense ids with flat option arrays;
//! - [`reader`]: the streaming instance reader ([`parse_problem`]);
//! - [`solution`]: solution files, read against a problem and written;
//! - [`eval`]: the exact evaluation (hard constraints, four objective parts);
//! - [`delta`]: the incremental evaluator (moves' deltas, kept parts) for the search;
//! - [`construct`]: a first construction (placement to feasibility, greedy sectioning);
//! - [`search`]: the solver (islands of simulated annealing with student moves);
//! - [`report`]: the check report (the independent scorer's JSON keys) and the summary;
//! - [`view`]: what the page shows: a chosen week's grid of a room, course or student
//!   group, and the violations and soft costs in words;
//! - [`export`]: CSV and iCalendar with real dates (from the term's first Monday) and clock
//!   times.

pub mod construct;
pub mod delta;
pub mod error;
pub mod eval;
pub mod export;
pub mod model;
pub mod reader;
pub mod report;
pub mod search;
pub mod solution;
pub mod view;
mod xml;

pub use error::{XmlError, XmlErrorKind};
pub use eval::{Assignment, Evaluation, Violation, evaluate};
pub use model::{Constraint, Problem, Time};
pub use reader::parse_problem;
pub use report::{CheckReport, Summary};
pub use solution::{SolutionMeta, SolutionRead, parse_solution, write_solution};
