//! One interface for scoring a whole generation at once. The CPU implementation scores the
//! batch in parallel on the rayon pool; a GPU implementation scores it in one dispatch.
//! Called by the coordinating thread only (a GPU device is not `Send` on the web).

use rayon::prelude::*;

use crate::eval::{Breakdown, Cost, score};
use crate::model::{Instance, Timetable};

/// Scores a batch of timetables of one instance.
pub trait BatchEvaluator {
    /// A name for reports ("CPU (2 threads)", an adapter's name, ...).
    fn name(&self) -> String;
    /// One breakdown per timetable, in order, exactly as [`crate::eval::score`] computes it.
    fn evaluate(&mut self, inst: &Instance, batch: &[Timetable]) -> Vec<Breakdown>;
    /// A search phase of the evaluator's own, run by the solver while the islands anneal
    /// (the GPU's tabu walks over whole neighbourhoods): `starts` are the islands' best
    /// timetables with their costs; the result holds, per start, a better timetable the
    /// phase found from it, with its cost (empty or `None`s when it found none). At most
    /// `steps` steps; deterministic for a given `seed`; `stop` (asked, with the steps
    /// taken so far, before each submission to the device) ends it early.
    fn intensify(
        &mut self,
        _inst: &Instance,
        _starts: &[(Timetable, Cost)],
        _steps: u32,
        _seed: u64,
        _stop: &dyn Fn(u32) -> bool,
    ) -> Vec<Option<(Timetable, Cost)>> {
        Vec::new()
    }

    /// How many starts [`Self::intensify`] searches from at once (0: it has no search
    /// phase). The thread that calls it drives the search; see [`crate::solver::island_workers`].
    fn search_walks(&self) -> usize {
        0
    }
}

/// The CPU evaluator: the full evaluator over the batch, in parallel.
#[derive(Clone, Copy, Debug, Default)]
pub struct CpuBatchEvaluator;

impl BatchEvaluator for CpuBatchEvaluator {
    fn name(&self) -> String {
        let n = rayon::current_num_threads();
        format!("CPU ({n} thread{})", if n == 1 { "" } else { "s" })
    }

    fn evaluate(&mut self, inst: &Instance, batch: &[Timetable]) -> Vec<Breakdown> {
        batch.par_iter().map(|tt| score(inst, tt)).collect()
    }
}
