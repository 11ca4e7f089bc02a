//! `atoll`: the command-line program. Reads ITC-2007 files, checks timetables, reports on
//! instances. Exit status: 0 when it could do what was asked (whatever the cost of the
//! timetable), 2 when an input is missing or malformed.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use serde::Serialize;

use atoll::eval::evaluate;
use atoll::io::{SolutionWarning, parse_instance, parse_solution};
use atoll::model::Instance;
use atoll::report::{CheckReport, InstanceSummary};

mod ablation;
mod bench;
mod bench_gpu;
mod convert;
mod edits;
mod export;
mod gpu_ablation;
mod itc2019;
mod repair;

/// Atoll — a university course-timetabling solver.
///
/// Works with ITC-2007 curriculum-based timetabling files: an instance (.ctt or .ectt)
/// lists courses, rooms, curricula (groups of courses taken together) and periods when a
/// course cannot be taught; a solution lists one lecture per line as
/// `CourseID RoomID Day Period`.
#[derive(Parser)]
#[command(name = "atoll", version, about, long_about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// A switch given as `on` or `off`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
enum OnOff {
    On,
    Off,
}

#[derive(Subcommand)]
enum Command {
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
    Solve {
        /// The instance (.ctt or .ectt).
        instance: PathBuf,
        /// Where to write the timetable (`CourseID RoomID Day Period` per line).
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Time limit in seconds.
        #[arg(long, default_value_t = 60.0)]
        time: f64,
        /// Stop after this many generations instead (with a fixed seed and island count the
        /// timetable is then the same on every run).
        #[arg(long)]
        generations: Option<u64>,
        /// Seed for every random choice.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Islands evolving in parallel (default: one per thread).
        #[arg(long)]
        islands: Option<usize>,
        /// Print nothing but the final report.
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Print a JSON object (as `check --json`, plus statistics) instead of the report.
        #[arg(long)]
        json: bool,
        /// Set any solver option, e.g. `--set population=6` (repeatable). The options, their
        /// defaults and ranges are listed by `atoll options`.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// Which evaluator scores the batches: auto (GPU when present and faster here),
        /// gpu or cpu. Without a usable GPU the CPU evaluates and says why.
        #[arg(long, value_parser = EVALUATORS)]
        evaluator: Option<String>,
        /// Run Stage 3 (learned conflict resolution) in the last part of the time (default
        /// on); `off` for ablations.
        #[arg(long, value_name = "on|off")]
        stage3: Option<OnOff>,
        /// Q-table file for Stage 3: loaded before the run if it exists, saved after it,
        /// so the next solve of the same campus starts from what was learned.
        #[arg(long, value_name = "FILE")]
        qtable: Option<PathBuf>,
        /// Re-solve with few changes: start from this previous timetable (read against the
        /// possibly edited instance; lectures of unknown courses or rooms are skipped with a
        /// warning). Moving a lecture away from it costs the `changes` weight; prints
        /// "moved N of M lectures".
        #[arg(long, value_name = "OLD.sol")]
        from: Option<PathBuf>,
    },
    /// Repair a timetable with Stage 3 alone: resolve its violations (missing lectures
    /// count as unscheduled) with the learned repair policy, in parallel batches.
    ///
    /// Writes the repaired timetable, prints its score as `check` does and the lectures
    /// moved away from the reference (START unless --reference). The objective is hard
    /// violations, then lectures moved, then soft cost (docs/REPAIR.md). Stops at
    /// `--time`, after `--rounds`, or when feasible and nothing cheaper is found.
    Repair {
        /// The instance (.ctt or .ectt).
        instance: PathBuf,
        /// The timetable to start from (`CourseID RoomID Day Period` per line).
        start: PathBuf,
        /// The timetable moves are counted against (default: START).
        #[arg(long, value_name = "OLD.sol")]
        reference: Option<PathBuf>,
        /// Cost of one lecture moved away from the reference, against soft cost (0: moves
        /// are free). The default puts moves before soft cost.
        #[arg(long, default_value_t = atoll::repair::run::DEFAULT_MOVE_WEIGHT)]
        move_weight: u32,
        /// Never move more lectures than this, unless a change removes hard violations.
        #[arg(long, value_name = "N")]
        max_moves: Option<usize>,
        /// Where to write the repaired timetable.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Time limit in seconds (0 with --rounds: no time limit).
        #[arg(long, default_value_t = 10.0)]
        time: f64,
        /// Stop after this many rounds (one parallel batch of conflicts each).
        #[arg(long)]
        rounds: Option<u64>,
        /// Worker threads (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Seed for every random choice.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Q-table file: loaded before if it exists, saved after.
        #[arg(long, value_name = "FILE")]
        qtable: Option<PathBuf>,
        /// Print nothing but the final report.
        #[arg(long, short = 'q')]
        quiet: bool,
        /// Print a JSON object (as `check --json`, plus Stage 3 statistics).
        #[arg(long)]
        json: bool,
        /// Solver option overrides, as for `solve --set`.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
    },
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
    Bench {
        /// Instances (.ctt/.ectt).
        #[arg(required = true)]
        instances: Vec<PathBuf>,
        /// Seeds, comma-separated.
        #[arg(long, value_delimiter = ',', default_value = "1,2,3")]
        seeds: Vec<u64>,
        /// Time limit per run, seconds.
        #[arg(long, default_value_t = 60.0)]
        time: f64,
        /// Worker threads (and islands).
        #[arg(long, default_value_t = 2)]
        threads: usize,
        /// CSV with `instance,best_known` columns (e.g. best_known.csv).
        #[arg(long)]
        best_known: Option<PathBuf>,
        /// Compare 1 thread with `--threads` for the same wall time (first seed only).
        #[arg(long)]
        scaling: bool,
        /// Solver option overrides, as for `solve --set`.
        #[arg(long = "set", value_name = "NAME=VALUE")]
        set: Vec<String>,
        /// Which evaluator scores the batches (auto, gpu, cpu), as for `solve`.
        #[arg(long, value_parser = EVALUATORS)]
        evaluator: Option<String>,
        /// Ablation of Stage 3 at the same total time: without it, with the learned policy,
        /// with uniformly random action choice.
        #[arg(long)]
        ablation: bool,
        /// With --ablation: start Stage 3 alone from a random (badly infeasible) timetable
        /// and compare the learned and the random policy (time to feasibility).
        #[arg(long)]
        from_random: bool,
        /// With --ablation: first train a Q-table on this many training seeds (1000, 1001,
        /// ...) of every instance, then add a "warm" variant that starts from it.
        #[arg(long, default_value_t = 0)]
        warm: usize,
        /// The edit benchmark: edit a good timetable of each instance (a teacher away, a
        /// room closed, +1 lecture, a new course, more students, curricula merged) and
        /// compare learned repair, random-action repair, `solve --from` and a solve from
        /// scratch, `--time` seconds each (docs/REPAIR.md).
        #[arg(long)]
        edits: bool,
        /// With --edits: scenarios per instance (they cycle through the 10 kinds).
        #[arg(long, default_value_t = 10)]
        scenarios: usize,
        /// GPU-assisted (evaluator gpu: tabu search over whole neighbourhoods) against
        /// CPU-only at the same time, threads and seeds; then GPU vs one-core moves/s.
        #[arg(long)]
        gpu_ablation: bool,
    },
    /// List every solver option with its default value (JSON), for `solve --set`.
    Options,
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
const EVALUATORS: [&str; 3] = ["auto", "gpu", "cpu"];

/// Sets `opts.evaluator` from a `--evaluator` value (one of [`EVALUATORS`]).
fn with_evaluator(
    mut opts: atoll::SolverOptions,
    evaluator: Option<String>,
) -> Result<atoll::SolverOptions, String> {
    if let Some(e) = evaluator {
        opts.evaluator = serde_json::from_value(serde_json::Value::String(e))
            .map_err(|e| format!("--evaluator: {e}"))?;
    }
    Ok(opts)
}

/// Why the program could not do its job (exit status 2).
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Parse(#[from] atoll::io::ParseError),
    #[error("{0}")]
    Xml(#[from] atoll::itc2019::XmlError),
    #[error("{0}")]
    Option(#[from] atoll::options::OptionError),
    #[error(transparent)]
    Repair(#[from] atoll::repair::RepairError),
    #[error("cannot write {path}: {source}")]
    Write {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Settings(String),
    #[error("cannot start {threads} worker threads: {message}")]
    Threads { threads: usize, message: String },
    #[error("cannot convert to {path}: {source}")]
    Convert {
        path: String,
        source: atoll::io::ConvertError,
    },
    #[error("{path}: {source}")]
    QTable {
        path: String,
        source: atoll::repair::QTableError,
    },
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>, CliError> {
    std::fs::read(path).map_err(|source| CliError::Read {
        path: path.display().to_string(),
        source,
    })
}

/// An instance from a `.ctt`/`.ectt`, campus `.json` or campus `.xlsx` file, or a folder
/// of campus CSV sheets (`docs/CSV.md`).
pub(crate) fn load_instance(path: &Path) -> Result<Instance, CliError> {
    if path.is_dir() {
        return Ok(atoll::io::campus::from_csv(&convert::read_sheets(path)?)?);
    }
    let bytes = read(path)?;
    Ok(parse_instance(&bytes, &path.display().to_string())?)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check {
            instance,
            solution,
            json,
            verbose,
        } => check(&instance, &solution, json, verbose),
        Command::Info { instance, json } => info(&instance, json),
        Command::Convert { input, output } => convert::run(&input, &output),
        Command::Export(args) => export::run(&args),
        Command::Solve {
            instance,
            output,
            time,
            generations,
            seed,
            threads,
            islands,
            quiet,
            json,
            set,
            evaluator,
            stage3,
            qtable,
            from,
        } => {
            let mut opts = atoll::SolverOptions {
                time_limit: Some(time),
                max_generations: generations,
                seed,
                ..Default::default()
            };
            if generations.is_some() && time == 60.0 {
                opts.time_limit = None;
            }
            if let Some(i) = islands {
                opts.islands = i;
            }
            if let Some(s) = stage3 {
                opts.stage3 = s == OnOff::On;
            }
            match apply_settings(opts, &set).and_then(|o| with_evaluator(o, evaluator)) {
                Ok(o) => opts = o,
                Err(e) => {
                    eprintln!("atoll: error: {e}");
                    return ExitCode::from(2);
                }
            }
            solve_cmd(
                &instance,
                output.as_deref(),
                opts,
                threads,
                quiet,
                json,
                qtable.as_deref(),
                from.as_deref(),
            )
        }
        Command::Repair {
            instance,
            start,
            reference,
            move_weight,
            max_moves,
            output,
            time,
            rounds,
            threads,
            seed,
            qtable,
            quiet,
            json,
            set,
        } => (|| {
            let opts = apply_settings(
                atoll::SolverOptions {
                    seed,
                    ..Default::default()
                },
                &set,
            )
            .map_err(CliError::Settings)?;
            repair::repair_cmd(repair::RepairArgs {
                instance,
                start,
                reference,
                stability: atoll::repair::Stability {
                    move_weight,
                    max_moves,
                },
                output,
                time,
                rounds,
                threads,
                qtable,
                quiet,
                json,
                opts,
            })
        })(),
        Command::Budget { memory_gib, json } => repair::budget_cmd(memory_gib, json),
        Command::Bench {
            instances,
            seeds,
            time,
            threads,
            best_known,
            scaling,
            set,
            evaluator,
            ablation,
            from_random,
            warm,
            edits,
            scenarios,
            gpu_ablation,
        } => (|| {
            let base = apply_settings(atoll::SolverOptions::default(), &set)
                .and_then(|o| with_evaluator(o, evaluator))
                .map_err(CliError::Settings)?;
            base.validate()?;
            atoll::options::duration_from_secs("--time", time)?;
            if gpu_ablation {
                let best = match &best_known {
                    Some(p) => bench::read_best_known(p)?,
                    None => Default::default(),
                };
                gpu_ablation::run(&instances, &seeds, time, threads, &best, &base)
            } else if edits {
                edits::run(&instances, &seeds, scenarios, time, threads)
            } else if ablation {
                ablation::run(&instances, &seeds, time, threads, &base, from_random, warm)
            } else if scaling {
                bench::scaling(
                    &instances,
                    seeds.first().copied().unwrap_or(1),
                    time,
                    threads,
                    &base,
                )
            } else {
                let best = match &best_known {
                    Some(p) => bench::read_best_known(p)?,
                    None => Default::default(),
                };
                bench::quality(&instances, &seeds, time, threads, &best, &base)
            }
        })(),
        Command::Options => {
            println!(
                "{}",
                serde_json::to_string_pretty(&atoll::SolverOptions::default())
                    .expect("serializing plain data cannot fail")
            );
            Ok(())
        }
        Command::BenchEval {
            instance,
            seconds,
            json,
        } => bench_eval(&instance, seconds, json),
        Command::BenchGpu {
            instance,
            batch,
            seconds,
            threads,
            json,
        } => bench_gpu::bench_gpu(&instance, &batch, seconds, threads, json),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("atoll: error: {e}");
            ExitCode::from(2)
        }
    }
}

fn check(instance: &Path, solution: &Path, json: bool, verbose: bool) -> Result<(), CliError> {
    if itc2019::is_xml(instance) {
        return itc2019::check(instance, solution, json, verbose);
    }
    let inst = load_instance(instance)?;
    let sol = read(solution)?;
    let (tt, warnings) = parse_solution(&inst, &sol, &solution.display().to_string())?;
    let eval = evaluate(&inst, &tt);
    print_warnings(solution, &warnings);
    let report = CheckReport::new(&inst, &eval);
    if json {
        let out = report;
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializing plain data cannot fail")
        );
        return Ok(());
    }
    if verbose {
        let reports = &report.violations;
        for v in reports {
            let kind = if v.hard {
                "H".to_string()
            } else {
                format!("S {}", v.cost)
            };
            println!("[{kind}] {}", v.message);
        }
        if !reports.is_empty() {
            println!();
        }
    }
    print!("{}", eval.breakdown.report(inst.uses_campus_features()));
    Ok(())
}

pub(crate) fn print_warnings(solution: &Path, warnings: &[SolutionWarning]) {
    for w in warnings {
        eprintln!("atoll: warning: {}:{}", solution.display(), w);
    }
    if !warnings.is_empty() {
        eprintln!(
            "atoll: warning: {} line(s) of {} skipped",
            warnings.len(),
            solution.display()
        );
    }
}

fn info(instance: &Path, json: bool) -> Result<(), CliError> {
    if itc2019::is_xml(instance) {
        return itc2019::info(instance, json);
    }
    let inst = load_instance(instance)?;
    let out = InstanceSummary::of(&inst);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializing plain data cannot fail")
        );
        return Ok(());
    }
    println!("Instance            {}", out.name);
    println!(
        "Courses             {} ({} lectures a week, {} teachers)",
        out.courses, out.lectures, out.teachers
    );
    println!(
        "Week                {} days x {} periods = {} periods",
        out.days, out.periods_per_day, out.periods
    );
    println!(
        "Rooms               {} (capacity {}..{}, mean {:.1})",
        out.rooms, out.room_capacity_min, out.room_capacity_max, out.room_capacity_mean
    );
    println!(
        "Curricula           {} (a course is in {:.2} on average)",
        out.curricula, out.mean_curricula_per_course
    );
    println!(
        "Conflict density    {:.3} (share of course pairs that may not share a period)",
        out.conflict_density
    );
    println!(
        "Room occupancy      {:.3} (lectures / room-periods)",
        out.room_occupancy
    );
    println!(
        "Unavailability      {} constraints ({:.3} of course-periods)",
        out.unavailability_constraints, out.availability_tightness
    );
    println!(
        "Largest course      {} students; {} lecture(s) larger than every room",
        out.max_students, out.lectures_larger_than_any_room
    );
    if out.extended_format {
        println!("Format              extended (.ectt); UD2 ignores the extra fields");
    }
    Ok(())
}

fn bench_eval(instance: &Path, seconds: f64, json: bool) -> Result<(), CliError> {
    let inst = load_instance(instance)?;
    // Checked like every duration (NaN or inf would panic in the conversion), then kept
    // to a measurement's sensible range.
    let budget = atoll::options::duration_from_secs("--seconds", seconds)?.clamp(
        std::time::Duration::from_millis(10),
        std::time::Duration::from_secs(600),
    );
    let s = atoll::speed::measure(&inst, budget, 1);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&s).expect("serializing plain data cannot fail")
        );
        return Ok(());
    }
    println!("instance   full evals/s   delta moves/s   (1 thread, native)");
    println!(
        "{:<10} {:>12.0}   {:>13.0}",
        s.instance, s.full_per_second, s.delta_moves_per_second
    );
    Ok(())
}

#[derive(Serialize)]
struct SolveJson {
    #[serde(flatten)]
    check: CheckReport,
    stop_reason: atoll::solver::StopReason,
    stats: atoll::solver::SolveStats,
    evaluator: atoll::gpu::EvaluatorInfo,
    /// `solve --from` only: lectures moved away from the old timetable (`moved` of `of`,
    /// room-only and period moves, and which: the library's one shape, `atoll::Moves`).
    #[serde(skip_serializing_if = "Option::is_none")]
    moved: Option<atoll::model::Moves>,
}

// One argument per `solve` flag group; a struct would only repeat the clap enum.
#[allow(clippy::too_many_arguments)]
fn solve_cmd(
    instance: &Path,
    output: Option<&Path>,
    opts: atoll::SolverOptions,
    threads: Option<usize>,
    quiet: bool,
    json: bool,
    qtable: Option<&Path>,
    from: Option<&Path>,
) -> Result<(), CliError> {
    use std::io::IsTerminal;
    if itc2019::is_xml(instance) {
        return itc2019::solve(instance, output, &opts, threads, quiet, json);
    }
    let mut inst = load_instance(instance)?;
    // Re-solve: the old timetable, read against the (edited) instance, becomes the start
    // and the reference every change is measured against.
    let start = match from {
        Some(path) => {
            let text = read(path)?;
            let (mut old, warnings) = parse_solution(&inst, &text, &path.display().to_string())?;
            print_warnings(path, &warnings);
            old.align_pins(&inst);
            inst = inst.with_reference(&old);
            Some(old)
        }
        None => None,
    };
    opts.validate()?;
    let table = repair::load_qtable(qtable)?;
    if !quiet {
        eprintln!(
            "atoll: {}",
            repair::describe_budget(&atoll::budget::Budget::for_options(&opts))
        );
    }
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let pool = pool(threads)?;
    let cancel = atoll::budget::CancelToken::new();
    {
        let c = cancel.clone();
        // A second Ctrl-C while stopping falls back to the default (exit).
        let _ = ctrlc::set_handler(move || c.cancel());
    }
    let tty = std::io::stderr().is_terminal();
    let mut last_print = -1.0f64;
    let mut stalls_seen = 0;
    let mut on_progress = |p: &atoll::Progress| {
        if quiet {
            return;
        }
        if p.stalls > stalls_seen {
            stalls_seen = p.stalls;
            if let Some(s) = &p.last_stall {
                let nl = if tty { "\n" } else { "" };
                eprintln!(
                    "{nl}{:>7.1}s  watchdog: Stage 3 stall ({:?}) for {:.1}s after {} conflicts",
                    p.elapsed_s, s.kind, s.idle_s, s.episodes
                );
            }
        }
        let every = if tty { 0.2 } else { 1.0 };
        if p.elapsed_s - last_print < every && p.generation > 0 {
            return;
        }
        last_print = p.elapsed_s;
        let islands: Vec<String> = p
            .islands
            .iter()
            .map(|c| format!("{}/{}", c.hard, c.soft))
            .collect();
        let mut line = format!(
            "{:>7.1}s  gen {:>6}  best hard {} soft {}  islands [{}]",
            p.elapsed_s,
            p.generation,
            p.best.hard,
            p.best.soft,
            islands.join(" ")
        );
        if let Some(c) = p.conflicts_left {
            line += &format!("  stage 3: {c} conflicts left");
        }
        if tty {
            eprint!("\r\x1b[2K{line}");
        } else {
            eprintln!("{line}");
        }
    };
    let (mut evaluator, evaluator_info) = pool.install(|| {
        atoll::gpu::choose_evaluator(
            &inst,
            opts.evaluator,
            atoll::gpu::batch_size(&opts, threads),
        )
    });
    if !quiet {
        eprintln!(
            "atoll: evaluator {} ({})",
            evaluator_info.name, evaluator_info.reason
        );
    }
    let mut request = atoll::SolveRequest::new(&opts)
        .cancel(cancel.clone())
        .qtable(table.clone());
    request.start = start;
    let inst = std::sync::Arc::new(inst);
    let result =
        pool.install(|| atoll::solve(request, inst.clone(), &mut *evaluator, &mut on_progress))?;
    repair::save_qtable(qtable, &table)?;
    if tty && !quiet {
        eprintln!();
    }
    let text = atoll::write_solution(&inst, &result.timetable);
    if let Some(path) = output {
        std::fs::write(path, &text).map_err(|source| CliError::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    if !quiet {
        let s = &result.stats;
        eprintln!(
            "atoll: {:?} after {:.1}s, {} generations, {} local-search moves, {} islands on {} threads{}",
            result.stop_reason,
            s.elapsed_s,
            s.generations,
            s.ls_iterations,
            s.islands,
            s.threads,
            s.time_to_feasible_s
                .map_or(", never feasible".to_string(), |t| format!(
                    ", feasible at {t:.2}s"
                ))
        );
        if let Some(r) = &s.repair {
            eprintln!(
                "atoll: Stage 3 {} rounds, {} conflicts, {} repairs applied ({} rejected, {} past deadline), {} stalls, {} conflicts left",
                r.rounds,
                r.episodes,
                r.accepted,
                r.rejected,
                r.abandoned,
                r.stalls,
                r.conflicts_left
            );
        }
        if let Some(rss) = bench::peak_rss_mb() {
            eprintln!("atoll: peak RSS {rss:.1} MB");
        }
    }
    let eval = evaluate(&inst, &result.timetable);
    let moved = result.stats.moves.clone();
    if json {
        let out = SolveJson {
            check: CheckReport::new(&inst, &eval),
            stop_reason: result.stop_reason,
            stats: result.stats,
            evaluator: evaluator_info,
            moved,
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializing plain data cannot fail")
        );
    } else {
        print!("{}", eval.breakdown.report(inst.uses_campus_features()));
        if let Some(m) = moved {
            println!("moved {} of {} lectures", m.moved, m.of);
            println!(
                "  {} room only, {} to another period",
                m.room_only, m.period
            );
        }
    }
    Ok(())
}

/// Applies `NAME=VALUE` settings to `opts` through its serde form, so every option of
/// [`atoll::SolverOptions`] can be set without a flag of its own.
fn apply_settings(
    opts: atoll::SolverOptions,
    settings: &[String],
) -> Result<atoll::SolverOptions, String> {
    if settings.is_empty() {
        return Ok(opts);
    }
    let mut value = serde_json::to_value(&opts).map_err(|e| e.to_string())?;
    let map = value
        .as_object_mut()
        .ok_or_else(|| "options are not an object".to_string())?;
    for s in settings {
        let (k, v) = s
            .split_once('=')
            .ok_or_else(|| format!("--set expects NAME=VALUE, found '{s}'"))?;
        if !map.contains_key(k) {
            return Err(format!("unknown option '{k}' (see `atoll options`)"));
        }
        // A bare word is a string (`--set evaluator=gpu`); anything else must be JSON.
        let parsed: serde_json::Value = serde_json::from_str(v).or_else(|_| {
            if !v.is_empty() && v.chars().all(|c| c.is_ascii_alphabetic()) {
                Ok(serde_json::Value::String(v.to_string()))
            } else {
                Err(format!(
                    "option '{k}': '{v}' is not a number, boolean or null"
                ))
            }
        })?;
        map.insert(k.to_string(), parsed);
    }
    serde_json::from_value(value).map_err(|e| format!("invalid option value: {e}"))
}

/// A rayon pool of `threads` workers.
pub(crate) fn pool(threads: usize) -> Result<rayon::ThreadPool, CliError> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads.max(1))
        .build()
        .map_err(|e| CliError::Threads {
            threads,
            message: e.to_string(),
        })
}
