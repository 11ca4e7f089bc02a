//! Stage 2: island evolution. Islands breed candidates in parallel, one batch evaluation
//! scores every island's candidates together, the best candidates are refined by
//! simulated annealing (the islands are memetic), and the best individuals move along a
//! ring every `migration_interval` generations.

pub mod batch;
pub mod domain;
pub mod island;
pub mod local_search;
pub mod operators;

pub use batch::{BatchEvaluator, CpuBatchEvaluator};
pub use island::{Individual, Island};
pub use local_search::{AnnealParams, AnnealStats, anneal};
