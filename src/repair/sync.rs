//! The synchronisation primitives of Stage 3's shared structures, in one place so that the
//! model-checking test (`tests/loom.rs`, built with `--cfg atoll_loom`) can swap in loom's
//! versions and explore every interleaving of the same code.

#[cfg(not(atoll_loom))]
pub use std::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};
#[cfg(not(atoll_loom))]
pub use std::sync::{Arc, Mutex};

#[cfg(atoll_loom)]
pub use loom::sync::atomic::{AtomicI64, AtomicU32, AtomicU64, Ordering};
#[cfg(atoll_loom)]
pub use loom::sync::{Arc, Mutex};
