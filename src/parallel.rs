//! Data-parallel batch work on the rayon pool: scoring many timetables at once. The same
//! code runs on native threads and on wasm workers over a SharedArrayBuffer.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

use crate::eval::{Breakdown, score};
use crate::model::{CourseId, Instance, PeriodId, RoomId, Slot, Timetable};

/// A random timetable: every lecture at a uniformly random period its course does not
/// already use, in a random room. Deterministic for a given seed.
pub fn random_timetable(inst: &Instance, seed: u64) -> Timetable {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut tt = Timetable::empty(inst);
    let np = inst.n_periods();
    let nr = inst.rooms.len();
    if nr == 0 {
        return tt;
    }
    for ci in 0..inst.courses.len() {
        let c = CourseId(ci as u16);
        let mut used = vec![false; np];
        for l in inst.lectures_of(c) {
            let free = used.iter().filter(|u| !**u).count();
            if free == 0 {
                break;
            }
            let mut k = rng.random_range(0..free);
            let p = (0..np)
                .filter(|&p| !used[p])
                .find(|_| {
                    let hit = k == 0;
                    k = k.wrapping_sub(1);
                    hit
                })
                .unwrap_or(0);
            used[p] = true;
            let r = rng.random_range(0..nr);
            tt.set(
                crate::model::LectureId(l as u32),
                Slot::at(PeriodId(p as u16), RoomId(r as u16)),
            );
        }
    }
    tt
}

/// Result of a parallel batch evaluation.
#[derive(Clone, Debug, Serialize)]
pub struct BatchReport {
    /// One breakdown per timetable, in input order.
    pub breakdowns: Vec<Breakdown>,
    /// How many distinct pool threads evaluated at least one timetable.
    pub threads_used: usize,
    /// Threads in the pool.
    pub pool_threads: usize,
}

/// Scores `tts` in parallel on the current rayon pool.
pub fn score_batch(inst: &Instance, tts: &[Timetable]) -> BatchReport {
    let results: Vec<(Breakdown, usize)> = tts
        .par_iter()
        .map(|tt| (score(inst, tt), rayon::current_thread_index().unwrap_or(0)))
        .collect();
    let mut threads: Vec<usize> = results.iter().map(|r| r.1).collect();
    threads.sort_unstable();
    threads.dedup();
    BatchReport {
        breakdowns: results.into_iter().map(|r| r.0).collect(),
        threads_used: threads.len(),
        pool_threads: rayon::current_num_threads(),
    }
}

/// Builds `count` random timetables (seeds `seed..seed+count`) and scores them, both in
/// parallel: a smoke test of the thread pool on real work.
pub fn score_random_batch(inst: &Instance, count: usize, seed: u64) -> BatchReport {
    let tts: Vec<Timetable> = (0..count as u64)
        .into_par_iter()
        .map(|i| random_timetable(inst, seed.wrapping_add(i)))
        .collect();
    score_batch(inst, &tts)
}
