//! Scoring: the exact UD2 cost (full and incremental) and the violations behind it.
//! Knows the model, nothing of how timetables are searched.

pub mod delta;
pub mod full;
pub mod score;
pub mod violation;

pub use delta::IncrementalState;
pub use full::{Evaluation, evaluate, score};
pub use score::{Breakdown, Cost, weights};
pub use violation::{DayPeriod, Rule, Violation, ViolationReport};
