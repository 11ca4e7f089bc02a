//! Data-parallel batch work on the rayon pool: scoring many timetables at once. The same
//! code runs on native threads and on wasm workers over a SharedArrayBuffer.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;

use crate::budget::Budget;
use crate::eval::{Breakdown, score};
use crate::evolve::domain;
use crate::model::{CourseId, Instance, PeriodId, RoomId, Slot, Timetable};
use crate::options::OptionError;

/// A random timetable: every lecture at a uniformly random start its course allows (the
/// lecture fits in the day, some suitable room is open throughout, no overlap with its
/// course's other lectures), in a random suitable open room; a pinned lecture at its pin
/// (completed at random when the pin gives only a period or a room). Deterministic for a
/// given seed; for a `.ctt` instance exactly the timetable it always was.
pub fn random_timetable(inst: &Instance, seed: u64) -> Timetable {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut tt = Timetable::empty(inst);
    let np = inst.n_periods();
    let nr = inst.rooms.len();
    if nr == 0 {
        return tt;
    }
    let mut rooms: Vec<RoomId> = Vec::with_capacity(nr);
    for ci in 0..inst.courses.len() {
        let c = CourseId(ci as u16);
        // `used[p]`: no lecture of the course may start at p (taken, overlapping, or
        // outside the domain).
        let mut used: Vec<bool> = (0..np)
            .map(|p| {
                let p = PeriodId(p as u16);
                !inst.can_start(c, p)
                    || !(0..nr).any(|r| domain::room_open(inst, c, RoomId(r as u16), p))
            })
            .collect();
        let range = inst.lectures_of(c);
        // Pinned lectures (the course's last) first, so the others avoid them.
        let order = range.clone().rev().filter(|&l| inst.is_pinned(l));
        let order = order.chain(range.clone().filter(|&l| !inst.is_pinned(l)));
        for l in order {
            let pin = inst.pin_of(l);
            let p = match pin.and_then(|pin| pin.period) {
                Some(p) => p.idx(),
                None => {
                    let free = used.iter().filter(|u| !**u).count();
                    if free == 0 {
                        if pin.is_some() {
                            continue;
                        }
                        break;
                    }
                    let mut k = rng.random_range(0..free);
                    (0..np)
                        .filter(|&p| !used[p])
                        .find(|_| {
                            let hit = k == 0;
                            k = k.wrapping_sub(1);
                            hit
                        })
                        .unwrap_or(0)
                }
            };
            let pp = PeriodId(p as u16);
            for (q, u) in used.iter_mut().enumerate() {
                if domain::overlaps(inst, c, pp, PeriodId(q as u16)) {
                    *u = true;
                }
            }
            rooms.clear();
            match pin.and_then(|pin| pin.room) {
                Some(r) => rooms.push(r),
                None => rooms.extend(
                    (0..nr)
                        .map(|r| RoomId(r as u16))
                        .filter(|&r| !inst.can_start(c, pp) || domain::room_open(inst, c, r, pp)),
                ),
            }
            if rooms.is_empty() {
                continue;
            }
            let r = rooms[rng.random_range(0..rooms.len())];
            tt.set(crate::model::LectureId(l as u32), Slot::at(pp, r));
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

/// Bytes the report keeps per timetable of a random batch: its breakdown and the index of
/// the thread that scored it, then the page's copy of its cost.
const REPORT_BYTES: u64 = 96;

/// Builds `count` random timetables (seeds `seed..seed+count`) and scores them, both in
/// parallel: a smoke test of the thread pool on real work.
///
/// Memory stays within `budget` whatever `count` is: each timetable is built, scored and
/// dropped in one step (the first version built all of them first: 100,000 timetables of
/// a large instance ran the page out of its heap), so only the breakdowns grow with
/// `count`; a `count` whose breakdowns alone would take more than half of
/// [`Budget::held_bytes`] is refused, naming `count` and the most that fits. The result is
/// the same as before (each timetable's seed depends on its index only).
pub fn score_random_batch(
    inst: &Instance,
    count: usize,
    seed: u64,
    budget: &Budget,
) -> Result<BatchReport, OptionError> {
    let held = budget.held_bytes();
    let most = (held / 2 / REPORT_BYTES) as usize;
    if count > most {
        return Err(OptionError::OutOfRange {
            name: "count",
            value: count.to_string(),
            range: format!(
                "at most {most} timetables: their scores alone would take more than half of the {:.0} MiB budget ({:.2} GiB, {:?})",
                held as f64 / (1024.0 * 1024.0),
                budget.memory_gib,
                budget.source
            ),
        });
    }
    let results: Vec<(Breakdown, usize)> = (0..count as u64)
        .into_par_iter()
        .map(|i| {
            let tt = random_timetable(inst, seed.wrapping_add(i));
            (score(inst, &tt), rayon::current_thread_index().unwrap_or(0))
        })
        .collect();
    let mut threads: Vec<usize> = results.iter().map(|r| r.1).collect();
    threads.sort_unstable();
    threads.dedup();
    Ok(BatchReport {
        breakdowns: results.into_iter().map(|r| r.0).collect(),
        threads_used: threads.len(),
        pool_threads: rayon::current_num_threads(),
    })
}
