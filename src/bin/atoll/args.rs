//! The command line's grammar: every command and flag (clap), and how the flags of
//! `solve`, `repair` and `bench` become [`atoll::SolverOptions`] (through the options
//! registry, so `--set NAME=VALUE` reaches every option).

use std::path::PathBuf;

use clap::{Parser, Subcommand};

use atoll::SolverOptions;
use atoll::options::OptionError;

use crate::export;

/// Atoll — a university course-timetabling solver.
///
/// Works with ITC-2007 curriculum-based timetabling files: an instance (.ctt or .ectt)
/// lists courses, rooms, curricula (groups of courses taken together) and periods when a
/// course cannot be taught; a solution lists one lecture per line as
/// `CourseID RoomID Day Period`.
#[derive(Parser)]
#[command(name = "atoll", version, about, long_about)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// A switch given as `on` or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum OnOff {
    On,
    Off,
}

#[derive(Subcommand)]
pub(crate) enum Command {
    /// Check a timetable: hard violations (clashes, double-booked rooms, missing lectures,
    /// unavailable periods) and soft costs, scored exactly as the ITC-2007 validator does.
    ///
    /// Prints one line per rule, then `Violations = H, Total Cost = S` (or just
    /// `Total Cost = S` when the timetable is feasible). Lines of the solution that name an
    /// unknown course or room, an impossible day or period, or repeat a course in a period
    /// are skipped with a warning, as the official validator does.
    Check {
        /// The instance (.ctt or .ectt).
        instance: PathBuf,
        /// The timetable to check (`CourseID RoomID Day Period` per line).
        solution: PathBuf,
        /// Print a JSON object instead of the validator-style report.
        #[arg(long)]
        json: bool,
        /// Also list every violation in words (which courses, rooms and periods).
        #[arg(long, short = 'v')]
        verbose: bool,
    },
    /// Build a timetable: construct, then improve with parallel island evolution, until
    /// the time limit (or Ctrl-C, which keeps the best timetable found so far).
    ///
    /// Writes the timetable in the ITC-2007 solution format and prints its score as
    /// `check` does. Progress (elapsed time, best hard/soft cost, each island's best) goes
    /// to stderr.
    Solve(SolveArgs),
    /// Repair a timetable with Stage 3 alone: resolve its violations (missing lectures
    /// count as unscheduled) with the learned repair policy, in parallel batches.
    ///
    /// Writes the repaired timetable, prints its score as `check` does and the lectures
    /// moved away from the reference (START unless --reference). The objective is hard
    /// violations, then lectures moved, then soft cost (docs/REPAIR.md). Stops at
    /// `--time`, after `--rounds`, or when feasible and nothing cheaper is found.
    Repair(RepairCliArgs),
    /// Show the memory budget: how much memory is available and the batch and population
    /// sizes it allows.
    Budget {
        /// Compute it for this much memory (GiB) instead of measuring.
        #[arg(long)]
        memory_gib: Option<f64>,
        /// Print a JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Benchmark solution quality: every instance × seed at a time limit, against
    /// best-known costs; or, with `--scaling`, 1 thread against N threads.
    Bench(BenchArgs),
    /// List every solver option with its default value (JSON), for `solve --set`.
    Options {
        /// Print each option with its default, range and what it does, instead.
        #[arg(long, conflicts_with = "schema")]
        list: bool,
        /// Print the JSON schema of an options object (schema/options.schema.json).
        #[arg(long)]
        schema: bool,
    },
    /// Measure how fast the evaluator is on one thread: full evaluations per second and
    /// incremental (delta) moves per second.
    BenchEval {
        /// The instance (.ctt or .ectt).
        instance: PathBuf,
        /// Seconds to spend on each of the two measurements.
        #[arg(long, default_value_t = 2.0)]
        seconds: f64,
        /// Print a JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Describe an instance: sizes, rooms and capacities, how tightly packed it is.
    Info {
        /// The instance (.ctt or .ectt).
        instance: PathBuf,
        /// Print a JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Convert an instance between formats, chosen by extension: `.ctt`/`.ectt` (ITC-2007),
    /// `.json` (campus JSON, docs/CAMPUS.md) and `.xlsx` (a campus workbook of the CSV
    /// sheets, docs/CSV.md); the input may also be a folder of CSV sheets. Writing `.ctt`
    /// refuses campus features, naming the first.
    Convert {
        /// The instance to read: .ctt, .ectt, .json, .xlsx, or a folder of CSV sheets.
        input: PathBuf,
        /// The file to write: .ctt, .ectt, .json or .xlsx (`-` prints JSON to standard
        /// output).
        output: PathBuf,
    },
    /// Export a timetable for the people who use it, in the format the output's extension
    /// names: `.xlsx` (a workbook: every lecture, and a grid per group, teacher and room
    /// with violations coloured), `.csv` (one row per lecture), `.ics` (calendar events of
    /// the week) or `.json` (score, violations and lectures).
    Export(export::ExportArgs),
    /// Measure batch evaluation: evaluations per second on the CPU (1 thread, all threads)
    /// and on the GPU, the adapter's name, and whether the GPU's scores are identical to
    /// the CPU's over the whole batch (random timetables).
    BenchGpu {
        /// The instance (.ctt or .ectt).
        instance: PathBuf,
        /// Timetables per batch; comma-separated for several (e.g. 256,1024,4096,16384).
        #[arg(long, value_delimiter = ',', default_value = "1024")]
        batch: Vec<usize>,
        /// Seconds to spend on each measurement.
        #[arg(long, default_value_t = 1.0)]
        seconds: f64,
        /// Threads for "CPU, all threads" (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Print a JSON object instead of a table.
        #[arg(long)]
        json: bool,
    },
}

/// The values of `--evaluator` (serde names of `atoll::options::EvaluatorChoice`).
pub(crate) const EVALUATORS: [&str; 3] = ["auto", "gpu", "cpu"];

#[derive(clap::Args)]
pub(crate) struct SolveArgs {
    /// The instance (.ctt or .ectt).
    pub instance: PathBuf,
    /// Where to write the timetable (`CourseID RoomID Day Period` per line).
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// Time limit in seconds [default: 60, or none with --generations].
    #[arg(long)]
    pub time: Option<f64>,
    /// Stop after this many generations (with a fixed seed and island count and no
    /// time limit the timetable is then the same on every run). Without --time this
    /// is the only bound; with it, whichever comes first ends the run.
    #[arg(long)]
    pub generations: Option<u64>,
    /// Seed for every random choice.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Islands evolving in parallel (default: one per thread).
    #[arg(long)]
    pub islands: Option<usize>,
    /// Print nothing but the final report.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print a JSON object (as `check --json`, plus statistics) instead of the report.
    #[arg(long)]
    pub json: bool,
    /// Set any solver option, e.g. `--set population=6` (repeatable). The options, their
    /// defaults and ranges are listed by `atoll options`.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Which evaluator scores the batches: auto (GPU when present and faster here),
    /// gpu or cpu. Without a usable GPU the CPU evaluates and says why.
    #[arg(long, value_parser = EVALUATORS)]
    pub evaluator: Option<String>,
    /// Run Stage 3 (learned conflict resolution) in the last part of the time (default
    /// on); `off` for ablations.
    #[arg(long, value_name = "on|off")]
    stage3: Option<OnOff>,
    /// Q-table file for Stage 3: loaded before the run if it exists, saved after it,
    /// so the next solve of the same campus starts from what was learned.
    #[arg(long, value_name = "FILE")]
    pub qtable: Option<PathBuf>,
    /// Re-solve with few changes: start from this previous timetable (read against the
    /// possibly edited instance; lectures of unknown courses or rooms are skipped with a
    /// warning). Moving a lecture away from it costs the `changes` weight; prints
    /// "moved N of M lectures".
    #[arg(long, value_name = "OLD.sol")]
    pub from: Option<PathBuf>,
    /// Edit the instance first, as the page's re-solve does: a JSON file of
    /// `{ pins, teacher_unavailable, room_closed, add_lectures, new_courses, students,
    /// merge_curricula }`, each optional (README, "Edits from a file"). With --from the old
    /// timetable is read against the edited instance.
    #[arg(long, value_name = "EDITS.json")]
    pub edit: Option<PathBuf>,
}

#[derive(clap::Args)]
pub(crate) struct RepairCliArgs {
    /// The instance (.ctt or .ectt).
    pub instance: PathBuf,
    /// The timetable to start from (`CourseID RoomID Day Period` per line).
    pub start: PathBuf,
    /// The timetable moves are counted against (default: START).
    #[arg(long, value_name = "OLD.sol")]
    pub reference: Option<PathBuf>,
    /// Cost of one lecture moved away from the reference, against soft cost (0: moves
    /// are free). The default puts moves before soft cost.
    #[arg(long, default_value_t = atoll::repair::run::DEFAULT_MOVE_WEIGHT)]
    pub move_weight: u32,
    /// Never move more lectures than this, unless a change removes hard violations.
    #[arg(long, value_name = "N")]
    pub max_moves: Option<usize>,
    /// Where to write the repaired timetable.
    #[arg(short = 'o', long)]
    pub output: Option<PathBuf>,
    /// Time limit in seconds (0 with --rounds: no time limit).
    #[arg(long, default_value_t = 10.0)]
    pub time: f64,
    /// Stop after this many rounds (one parallel batch of conflicts each).
    #[arg(long)]
    pub rounds: Option<u64>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    pub threads: Option<usize>,
    /// Seed for every random choice.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Q-table file: loaded before if it exists, saved after.
    #[arg(long, value_name = "FILE")]
    pub qtable: Option<PathBuf>,
    /// Print nothing but the final report.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Print a JSON object (as `check --json`, plus Stage 3 statistics).
    #[arg(long)]
    pub json: bool,
    /// Solver option overrides, as for `solve --set`.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
}

#[derive(clap::Args)]
pub(crate) struct BenchArgs {
    /// Instances (.ctt/.ectt).
    #[arg(required = true)]
    pub instances: Vec<PathBuf>,
    /// Seeds, comma-separated.
    #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
    pub seeds: Vec<u64>,
    /// Time limit per run, seconds [default: 60, or none with --generations].
    #[arg(long)]
    pub time: Option<f64>,
    /// Fixed work per run instead of a time limit: stop after this many generations
    /// (then Stage 3's `stage3_rounds`). With the seed and the island count fixed each row
    /// is the same on every run whatever the machine's load, so configurations compare
    /// without wall-clock noise. Quality table only; refused with an explicit --time.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub generations: Option<u64>,
    /// Worker threads (and islands).
    #[arg(long, default_value_t = 2)]
    pub threads: usize,
    /// CSV with `instance,best_known` columns (e.g. best_known.csv).
    #[arg(long)]
    pub best_known: Option<PathBuf>,
    /// Compare 1 thread with `--threads` for the same wall time (first seed only).
    #[arg(long)]
    pub scaling: bool,
    /// Solver option overrides, as for `solve --set`.
    #[arg(long = "set", value_name = "NAME=VALUE")]
    pub set: Vec<String>,
    /// Which evaluator scores the batches (auto, gpu, cpu), as for `solve`.
    #[arg(long, value_parser = EVALUATORS)]
    pub evaluator: Option<String>,
    /// Ablation of Stage 3 at the same total time: without it, with the learned policy,
    /// with uniformly random action choice.
    #[arg(long)]
    pub ablation: bool,
    /// With --ablation: start Stage 3 alone from a random (badly infeasible) timetable
    /// and compare the learned and the random policy (time to feasibility).
    #[arg(long)]
    pub from_random: bool,
    /// With --ablation: first train a Q-table on this many training seeds (1000, 1001,
    /// ...) of every instance, then add a "warm" variant that starts from it.
    #[arg(long, default_value_t = 0)]
    pub warm: usize,
    /// The edit benchmark: edit a good timetable of each instance (a teacher away, a
    /// room closed, +1 lecture, a new course, more students, curricula merged) and
    /// compare learned repair, random-action repair, `solve --from` and a solve from
    /// scratch, `--time` seconds each (docs/REPAIR.md).
    #[arg(long)]
    pub edits: bool,
    /// With --edits: scenarios per instance (they cycle through the 10 kinds).
    #[arg(long, default_value_t = 10)]
    pub scenarios: usize,
    /// GPU-assisted (evaluator gpu: tabu search over whole neighbourhoods) against
    /// CPU-only at the same time, threads and seeds; then GPU vs one-core moves/s.
    #[arg(long)]
    pub gpu_ablation: bool,
}

/// Sets `opts.evaluator` from a `--evaluator` value (one of [`EVALUATORS`]).
pub(crate) fn with_evaluator(
    mut opts: SolverOptions,
    evaluator: Option<String>,
) -> Result<SolverOptions, OptionError> {
    if let Some(e) = evaluator {
        opts.set("evaluator", &serde_json::Value::String(e))?;
    }
    Ok(opts)
}

/// Applies `NAME=VALUE` settings to `opts` ([`SolverOptions::set_assignment`]: the
/// registry checks the name, the type and the option's own range).
pub(crate) fn apply_settings(
    mut opts: SolverOptions,
    settings: &[String],
) -> Result<SolverOptions, OptionError> {
    for s in settings {
        opts.set_assignment(s)?;
    }
    Ok(opts)
}

/// `solve`'s time limit: `--time` when given, else none with `--generations` (a
/// deterministic run) and the options' default (60 s) without.
fn solve_time_limit(time: Option<f64>, generations: Option<u64>) -> Option<f64> {
    match (time, generations) {
        (Some(t), _) => Some(t),
        (None, Some(_)) => None,
        (None, None) => SolverOptions::default().time_limit,
    }
}

impl SolveArgs {
    /// The solver options these flags give: `--time`/`--generations`, `--seed`,
    /// `--islands`, `--stage3`, then every `--set` and `--evaluator`.
    pub(crate) fn options(&self) -> Result<SolverOptions, OptionError> {
        let mut opts = SolverOptions {
            time_limit: solve_time_limit(self.time, self.generations),
            max_generations: self.generations,
            seed: self.seed,
            ..Default::default()
        };
        if let Some(i) = self.islands {
            opts.islands = i;
        }
        if let Some(s) = self.stage3 {
            opts.stage3 = s == OnOff::On;
        }
        with_evaluator(apply_settings(opts, &self.set)?, self.evaluator.clone())
    }
}

impl RepairCliArgs {
    /// The solver options of a repair: `--seed`, then every `--set`.
    pub(crate) fn options(&self) -> Result<SolverOptions, OptionError> {
        let opts = SolverOptions {
            seed: self.seed,
            ..Default::default()
        };
        apply_settings(opts, &self.set)
    }
}

impl BenchArgs {
    /// The base options of every benchmark run: every `--set` and `--evaluator`,
    /// validated, and `--time` checked as a duration.
    pub(crate) fn options(&self) -> Result<SolverOptions, OptionError> {
        let base = with_evaluator(
            apply_settings(SolverOptions::default(), &self.set)?,
            self.evaluator.clone(),
        )?;
        base.validate()?;
        atoll::options::duration_from_secs("--time", self.time())?;
        Ok(base)
    }

    /// `--time`, or its default of 60 s.
    pub(crate) fn time(&self) -> f64 {
        self.time.unwrap_or(60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `--time 60 --generations N` keeps the time limit (it used to be taken for the
    /// default and dropped); without `--time`, `--generations` alone bounds the run.
    #[test]
    fn an_explicit_time_is_kept_with_generations() {
        let limit = |args: &[&str]| {
            let Command::Solve(a) = Cli::try_parse_from(args).unwrap().command else {
                panic!("not a solve")
            };
            a.options().unwrap().time_limit
        };
        let solve = ["atoll", "solve", "x.ctt"];
        let with = |extra: &[&'static str]| [&solve[..], extra].concat();
        assert_eq!(
            limit(&with(&["--time", "60", "--generations", "5"])),
            Some(60.0)
        );
        assert_eq!(
            limit(&with(&["--time", "7", "--generations", "5"])),
            Some(7.0)
        );
        assert_eq!(limit(&with(&["--generations", "5"])), None);
        assert_eq!(limit(&with(&[])), Some(60.0));
        assert_eq!(limit(&with(&["--time", "60"])), Some(60.0));
    }
}
