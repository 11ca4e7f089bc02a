//! Evaluator throughput on one thread: full evaluations per second and delta moves per
//! second. Used by `atoll bench-eval` natively and by the page, so the two are measured by
//! the same code.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use web_time::{Duration, Instant};

use crate::eval::{IncrementalState, score};
use crate::model::{Instance, LectureId, PeriodId, RoomId, Slot};
use crate::parallel::random_timetable;

/// What [`measure`] found.
#[derive(Clone, Debug, Serialize)]
pub struct EvalSpeed {
    pub instance: String,
    pub full_evaluations: u64,
    pub full_seconds: f64,
    pub full_per_second: f64,
    pub delta_moves: u64,
    pub delta_seconds: f64,
    pub delta_moves_per_second: f64,
}

/// Runs full evaluations of random timetables for about `budget`, then random legal delta
/// moves (move or swap, each applied and kept) for about `budget`, on the calling thread.
pub fn measure(inst: &Instance, budget: Duration, seed: u64) -> EvalSpeed {
    let tts: Vec<_> = (0..16).map(|i| random_timetable(inst, seed + i)).collect();
    let mut checksum = 0u64;
    let start = Instant::now();
    let mut full = 0u64;
    while start.elapsed() < budget || full == 0 {
        for tt in &tts {
            checksum = checksum.wrapping_add(score(inst, tt).soft() as u64);
        }
        full += tts.len() as u64;
    }
    let full_seconds = start.elapsed().as_secs_f64();

    let mut rng = SmallRng::seed_from_u64(seed);
    let mut state = IncrementalState::new(inst, tts[0].clone());
    let n = state.timetable().len();
    let np = inst.n_periods();
    let nr = inst.rooms.len();
    let start = Instant::now();
    let mut moves = 0u64;
    if n > 0 && nr > 0 {
        while start.elapsed() < budget || moves == 0 {
            for _ in 0..1024 {
                let l = LectureId(rng.random_range(0..n) as u32);
                if rng.random_bool(0.5) {
                    let to = Slot::at(
                        PeriodId(rng.random_range(0..np) as u16),
                        RoomId(rng.random_range(0..nr) as u16),
                    );
                    if state.can_move(l, to) {
                        checksum = checksum.wrapping_add(state.move_lecture(l, to).1 as u64);
                    }
                } else {
                    let m = LectureId(rng.random_range(0..n) as u32);
                    if state.can_swap(l, m) {
                        checksum = checksum.wrapping_add(state.swap(l, m).1 as u64);
                    }
                }
                moves += 1;
            }
        }
    }
    let delta_seconds = start.elapsed().as_secs_f64();
    std::hint::black_box(checksum);
    EvalSpeed {
        instance: inst.name.clone(),
        full_evaluations: full,
        full_seconds,
        full_per_second: full as f64 / full_seconds,
        delta_moves: moves,
        delta_seconds,
        delta_moves_per_second: moves as f64 / delta_seconds.max(1e-9),
    }
}
