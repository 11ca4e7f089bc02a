//! Every tunable of the solver in one place, with its default and its accepted range.
//! Nothing elsewhere hides a magic number that changes what the solver does.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A setting outside its documented range.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("option {name} = {value} is out of range ({range})")]
pub struct OptionError {
    pub name: &'static str,
    pub value: String,
    pub range: &'static str,
}

/// Solver settings. `Default` gives the tuned defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SolverOptions {
    /// Wall-clock limit in seconds; `None` runs until `max_generations` or cancellation.
    /// Range: > 0.
    pub time_limit: Option<f64>,
    /// Stop after this many generations (deterministic runs); `None` for no bound.
    /// Range: >= 1.
    pub max_generations: Option<u64>,
    /// Seed of every random choice. Same seed + same islands + generation bound → same
    /// timetable.
    pub seed: u64,
    /// Islands evolving in parallel; 0 = one per worker thread. Range: 0..=256.
    pub islands: usize,
    /// Individuals per island. Range: 1..=64.
    pub population: usize,
    /// Each initial individual is the best of this many randomized constructions.
    /// Range: 1..=1000.
    pub construct_attempts: usize,
    /// Candidates bred per island per generation (crossover + mutation) and scored in one
    /// batch for all islands. Range: 1..=4096.
    pub offspring: usize,
    /// Of those, how many of the best go through local search. Range: 1..=offspring.
    pub refine: usize,
    /// Local-search iterations per refined candidate. Range: 1..=10^9.
    pub ls_iterations: u64,
    /// Generations between ring migrations. Range: >= 1.
    pub migration_interval: u64,
    /// Probability that a candidate is bred by crossover (else: copy of one parent).
    /// Range: 0..=1.
    pub crossover_rate: f64,
    /// Random moves applied to each candidate as mutation. Range: 0..=10^6.
    pub mutation_moves: u32,
    /// Weight of one hard violation against one unit of soft cost inside local search.
    /// Range: 1..=10^6.
    pub hard_weight: u32,
    /// While a timetable is infeasible the local search minimises hard violations alone,
    /// accepting a move that adds `d` of them with probability `exp(-d / this)`.
    /// Range: 0 < t <= 100.
    pub feasibility_temperature: f64,
    /// Simulated-annealing temperature at the start and at the end of the run (the
    /// schedule is geometric in elapsed share of the time or generation budget).
    /// Range: 0 < end <= start <= 10^4.
    pub temperature_start: f64,
    pub temperature_end: f64,
    /// Share of local-search moves that are swaps with a lecture in the target slot or
    /// moves; the rest split between Kempe chains (`kempe_rate`) and room-only changes.
    /// Range: 0..=1.
    pub kempe_rate: f64,
    /// Probability that a period move keeps the lecture's room (room stability).
    /// Range: 0..=1.
    pub keep_room_rate: f64,
    /// Which evaluator scores each generation's batch: `"auto"` (the GPU when an adapter
    /// exists and a short calibration on this instance and batch size finds it faster than
    /// the CPU), `"gpu"` (the GPU whenever there is one) or `"cpu"`. Without a usable GPU
    /// the CPU evaluates and the reason is reported; results are identical either way.
    pub evaluator: EvaluatorChoice,
}

/// Which batch evaluator a run uses (see [`SolverOptions::evaluator`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvaluatorChoice {
    /// The GPU when present and faster here, else the CPU.
    #[default]
    Auto,
    /// The GPU when present, else the CPU.
    Gpu,
    /// The CPU.
    Cpu,
}

impl Default for SolverOptions {
    fn default() -> Self {
        SolverOptions {
            time_limit: Some(60.0),
            max_generations: None,
            seed: 1,
            islands: 0,
            population: 2,
            construct_attempts: 8,
            offspring: 6,
            refine: 1,
            ls_iterations: 200_000,
            migration_interval: 10,
            crossover_rate: 0.1,
            mutation_moves: 2,
            hard_weight: 100,
            feasibility_temperature: 0.05,
            temperature_start: 4.0,
            temperature_end: 0.08,
            kempe_rate: 0.05,
            keep_room_rate: 0.9,
            evaluator: EvaluatorChoice::Auto,
        }
    }
}

impl SolverOptions {
    /// Checks every range; returns the first setting outside it.
    pub fn validate(&self) -> Result<(), OptionError> {
        fn bad(name: &'static str, value: impl ToString, range: &'static str) -> OptionError {
            OptionError {
                name,
                value: value.to_string(),
                range,
            }
        }
        if let Some(t) = self.time_limit
            && !(t > 0.0 && t.is_finite())
        {
            return Err(bad("time_limit", t, "> 0 seconds"));
        }
        if self.max_generations == Some(0) {
            return Err(bad("max_generations", 0, ">= 1"));
        }
        if self.islands > 256 {
            return Err(bad("islands", self.islands, "0..=256"));
        }
        if !(1..=64).contains(&self.population) {
            return Err(bad("population", self.population, "1..=64"));
        }
        if !(1..=1000).contains(&self.construct_attempts) {
            return Err(bad(
                "construct_attempts",
                self.construct_attempts,
                "1..=1000",
            ));
        }
        if !(1..=4096).contains(&self.offspring) {
            return Err(bad("offspring", self.offspring, "1..=4096"));
        }
        if self.refine == 0 || self.refine > self.offspring {
            return Err(bad("refine", self.refine, "1..=offspring"));
        }
        if !(1..=1_000_000_000).contains(&self.ls_iterations) {
            return Err(bad("ls_iterations", self.ls_iterations, "1..=10^9"));
        }
        if self.migration_interval == 0 {
            return Err(bad("migration_interval", 0, ">= 1"));
        }
        for (name, v) in [
            ("crossover_rate", self.crossover_rate),
            ("kempe_rate", self.kempe_rate),
            ("keep_room_rate", self.keep_room_rate),
        ] {
            if !(0.0..=1.0).contains(&v) {
                return Err(bad(name, v, "0..=1"));
            }
        }
        if self.mutation_moves > 1_000_000 {
            return Err(bad("mutation_moves", self.mutation_moves, "0..=10^6"));
        }
        if !(1..=1_000_000).contains(&self.hard_weight) {
            return Err(bad("hard_weight", self.hard_weight, "1..=10^6"));
        }
        if !(self.feasibility_temperature > 0.0 && self.feasibility_temperature <= 100.0) {
            return Err(bad(
                "feasibility_temperature",
                self.feasibility_temperature,
                "0 < t <= 100",
            ));
        }
        let (s, e) = (self.temperature_start, self.temperature_end);
        if !(e > 0.0 && e <= s && s <= 1e4) {
            return Err(bad(
                "temperature_start/temperature_end",
                format!("{s}/{e}"),
                "0 < end <= start <= 10^4",
            ));
        }
        Ok(())
    }
}
