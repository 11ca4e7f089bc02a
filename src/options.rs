//! Every tunable of the solver in one place, with its default and its accepted range.
//! Nothing elsewhere hides a magic number that changes what the solver does.

use serde::{Deserialize, Serialize};
use thiserror::Error;
use web_time::Duration;

/// A setting outside its documented range.
#[derive(Debug, Clone, PartialEq, Error)]
#[error("option {name} = {value} is out of range ({range})")]
pub struct OptionError {
    pub name: &'static str,
    pub value: String,
    /// What is accepted; for a size that does not fit in memory, also what would fit.
    pub range: String,
}

/// The longest duration any entry point accepts, in seconds: 30 days.
///
/// Why a cap at all: a time limit becomes a [`Duration`] (`Duration::from_secs_f64`
/// panics beyond about 1.8e19 s) and then a deadline `start + limit` (an `Instant` plus a
/// few hundred years already overflows on some platforms, and panics). 30 days is far
/// beyond any useful timetabling run and far below every such limit. Every duration a
/// user can give (the `time_limit` option of the page, `<atoll-solver time-limit>`, the
/// module API and the CLI's `solve`, `repair`, `bench`) goes through [`duration_from_secs`]
/// or [`SolverOptions::validate`], which check it against this one constant.
pub const MAX_DURATION_S: f64 = 2_592_000.0;

/// The accepted range of a duration, as error messages state it.
const DURATION_RANGE: &str = "0 < seconds <= 2592000 (30 days, the cap on every duration)";

/// A duration of `seconds` given as option `name` (an option or a command-line flag):
/// finite, above 0 and at most [`MAX_DURATION_S`], else an error naming `name` and the cap.
/// Never panics, whatever the number.
pub fn duration_from_secs(name: &'static str, seconds: f64) -> Result<Duration, OptionError> {
    let bad = || OptionError {
        name,
        value: seconds.to_string(),
        range: DURATION_RANGE.to_string(),
    };
    if !(seconds > 0.0 && seconds <= MAX_DURATION_S) {
        return Err(bad());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| bad())
}

/// Solver settings. `Default` gives the tuned defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SolverOptions {
    /// Wall-clock limit in seconds; `None` runs until `max_generations` or cancellation.
    /// Range: 0 < s <= [`MAX_DURATION_S`] (30 days).
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

    // --- Stage 3: Q-learning conflict resolution, and the memory budget -----------------
    /// Run Stage 3 (conflict resolution by a learned repair policy) after evolution.
    pub stage3: bool,
    /// Share of the time limit kept for Stage 3: Stage 2 ends at `(1 - share)` of it.
    /// An upper bound: after `stage3_idle_sweeps` empty sweeps the rest goes back to
    /// evolution. 0.1 by measurement (`atoll bench --ablation`, 3 s full solves, 8
    /// instances in two halves, 6 seeds; docs/REPAIR.md): learned Stage 3 against none was
    /// better in 20, equal in 12, worse in 16 of 48 runs and never worse in a half's soft
    /// sum (1.6% better in all) — not significant, but not a cost either, and nothing
    /// supports a larger share. Its real job is repairing existing timetables (`atoll
    /// repair`). Range: 0 < s < 1.
    pub stage3_share: f64,
    /// Stage 3 rounds (one parallel batch of conflicts each) when the run is bounded by
    /// `max_generations`; a timed run repairs until its time limit. Range: 1..=10^7.
    pub stage3_rounds: u64,
    /// Stage 3 gives up after this many sweeps over its conflicts that applied nothing,
    /// handing the rest of its share back to evolution. After evolution the timetable is
    /// at a local optimum of every repair action: measured on comp01–14 (`atoll bench
    /// --ablation`, 4 s runs), Stage 3's 10% of the time removed 4 to 6 soft units in
    /// all, while the same time left to evolution removed more. Two, not one, because the
    /// annealing actions are random: one empty sweep is not yet proof. Range: 1..=10^6.
    pub stage3_idle_sweeps: u64,
    /// Conflicts repaired in parallel per round; 0 = the memory budget's choice (8 under
    /// 4 GiB, 16 above). Range: 0..=1024.
    pub conflict_batch: usize,
    /// Of the soft violations, how many of the costliest are conflicts to repair once no
    /// hard violation is left. Range: 1..=10^6.
    pub soft_conflicts: usize,
    /// Wall-clock deadline of one conflict, in milliseconds: a repair still running past
    /// it is abandoned (cooperatively) and counted. Range: 0 < ms <= 600000.
    pub conflict_deadline_ms: f64,
    /// How Stage 3 picks a repair action: `learned` (epsilon-greedy on the learned repair
    /// rates, gain per unit of work: see `repair::agent`; the old `discount` and
    /// `free_work` options went with the squashed reward they shaped) or
    /// `random` (uniform; the ablation baseline).
    pub policy: Policy,
    /// Epsilon of the epsilon-greedy policy: share of random action choices. Range: 0..=1.
    pub exploration: f64,
    /// Repair actions tried on one conflict before it is given up for this round.
    /// Range: 1..=64.
    pub episode_steps: u32,
    /// Annealing iterations of the `anneal` repair action. Range: 1..=10^8.
    pub burst_iterations: u64,
    /// The `anneal` repair action's `feasibility_temperature`: warmer than Stage 2's, so
    /// that a short run from a badly broken timetable walks out of the dead ends a
    /// greedier one stops in. Range: 0 < t <= 100.
    pub repair_feasibility_temperature: f64,
    /// A Q-value weighs at most this many observations (its mean kept, capped before
    /// every round), so recent experience — and what a new run learns on top of a saved
    /// table — moves it: the value of a repair changes as the timetable gets better.
    /// Range: 1..=10^9.
    pub learning_window: u64,
    /// The watchdog reports a stall when no conflict finished (or the cost did not
    /// improve) for this many seconds. Range: 0 < s <= 86400.
    pub stall_timeout_s: f64,
    /// Memory (GiB) the budget is computed from; `None` = detect (natively the available
    /// memory, in the browser `navigator.deviceMemory` passed in by the worker, else a
    /// conservative default). Range: 0.0625..=65536.
    pub memory_gib: Option<f64>,
    /// Most timetables in one GPU dispatch; 0 = the memory budget's choice.
    /// Range: 0..=65536.
    pub gpu_batch: usize,
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

/// How Stage 3 chooses a repair action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Epsilon-greedy on the learned Q-values.
    Learned,
    /// Uniformly at random (for ablations).
    Random,
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
            stage3: true,
            stage3_share: 0.1,
            stage3_rounds: 20,
            stage3_idle_sweeps: 2,
            conflict_batch: 0,
            soft_conflicts: 64,
            conflict_deadline_ms: 250.0,
            policy: Policy::Learned,
            exploration: 0.1,
            episode_steps: 3,
            burst_iterations: 20_000,
            repair_feasibility_temperature: 0.3,
            learning_window: 500,
            stall_timeout_s: 10.0,
            memory_gib: None,
            gpu_batch: 0,
        }
    }
}

impl SolverOptions {
    /// `time_limit` as a [`Duration`] (`None` without a limit), checked against
    /// [`MAX_DURATION_S`]: the one conversion every solve uses.
    pub fn time_limit_duration(&self) -> Result<Option<Duration>, OptionError> {
        self.time_limit
            .map(|t| duration_from_secs("time_limit", t))
            .transpose()
    }

    /// Checks every range; returns the first setting outside it.
    pub fn validate(&self) -> Result<(), OptionError> {
        fn bad(name: &'static str, value: impl ToString, range: &'static str) -> OptionError {
            OptionError {
                name,
                value: value.to_string(),
                range: range.to_string(),
            }
        }
        self.time_limit_duration()?;
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
        self.validate_stage3()
    }

    /// The ranges of the Stage 3 and budget settings.
    fn validate_stage3(&self) -> Result<(), OptionError> {
        fn bad(name: &'static str, value: impl ToString, range: &'static str) -> OptionError {
            OptionError {
                name,
                value: value.to_string(),
                range: range.to_string(),
            }
        }
        if !(self.stage3_share > 0.0 && self.stage3_share < 1.0) {
            return Err(bad("stage3_share", self.stage3_share, "0 < s < 1"));
        }
        if !(1..=1_000_000).contains(&self.stage3_idle_sweeps) {
            return Err(bad(
                "stage3_idle_sweeps",
                self.stage3_idle_sweeps,
                "1..=10^6",
            ));
        }
        if !(1..=10_000_000).contains(&self.stage3_rounds) {
            return Err(bad("stage3_rounds", self.stage3_rounds, "1..=10^7"));
        }
        if self.conflict_batch > 1024 {
            return Err(bad("conflict_batch", self.conflict_batch, "0..=1024"));
        }
        if !(1..=1_000_000).contains(&self.soft_conflicts) {
            return Err(bad("soft_conflicts", self.soft_conflicts, "1..=10^6"));
        }
        if !(self.conflict_deadline_ms > 0.0 && self.conflict_deadline_ms <= 600_000.0) {
            return Err(bad(
                "conflict_deadline_ms",
                self.conflict_deadline_ms,
                "0 < ms <= 600000",
            ));
        }
        if !(0.0..=1.0).contains(&self.exploration) {
            return Err(bad("exploration", self.exploration, "0..=1"));
        }
        if !(1..=64).contains(&self.episode_steps) {
            return Err(bad("episode_steps", self.episode_steps, "1..=64"));
        }
        if !(1..=100_000_000).contains(&self.burst_iterations) {
            return Err(bad("burst_iterations", self.burst_iterations, "1..=10^8"));
        }
        if !(self.repair_feasibility_temperature > 0.0
            && self.repair_feasibility_temperature <= 100.0)
        {
            return Err(bad(
                "repair_feasibility_temperature",
                self.repair_feasibility_temperature,
                "0 < t <= 100",
            ));
        }
        if !(1..=1_000_000_000).contains(&self.learning_window) {
            return Err(bad("learning_window", self.learning_window, "1..=10^9"));
        }
        if !(self.stall_timeout_s > 0.0 && self.stall_timeout_s <= 86_400.0) {
            return Err(bad(
                "stall_timeout_s",
                self.stall_timeout_s,
                "0 < s <= 86400",
            ));
        }
        if let Some(m) = self.memory_gib
            && !(0.0625..=65_536.0).contains(&m)
        {
            return Err(bad("memory_gib", m, "0.0625..=65536"));
        }
        if self.gpu_batch > 65_536 {
            return Err(bad("gpu_batch", self.gpu_batch, "0..=65536"));
        }
        Ok(())
    }
}
