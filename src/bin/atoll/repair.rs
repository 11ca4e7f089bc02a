//! `atoll repair` (Stage 3 alone, from a timetable file), `atoll budget`, and the Q-table
//! file behind `--qtable` (loaded before a run, saved after it).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use atoll::SolverOptions;
use atoll::budget::{Budget, CancelToken, MemorySource, Stop};
use atoll::eval::evaluate;
use atoll::io::parse_solution;
use atoll::repair::{QTable, RepairConfig, Repairer};
use atoll::report::CheckReport;
use serde::Serialize;

use crate::CliError;

/// Loads the Q-table at `path`, or a fresh one when the file does not exist yet.
pub fn load_qtable(path: Option<&Path>) -> Result<Arc<QTable>, CliError> {
    let Some(path) = path else {
        return Ok(Arc::new(atoll::repair::new_qtable()));
    };
    if !path.exists() {
        return Ok(Arc::new(atoll::repair::new_qtable()));
    }
    let bytes = crate::read(path)?;
    let text = String::from_utf8_lossy(&bytes);
    atoll::repair::qtable_from_json(&text)
        .map(Arc::new)
        .map_err(|source| CliError::QTable {
            path: path.display().to_string(),
            source,
        })
}

/// Saves `table` to `path` (if given).
pub fn save_qtable(path: Option<&Path>, table: &QTable) -> Result<(), CliError> {
    if let Some(path) = path {
        std::fs::write(path, table.to_json()).map_err(|source| CliError::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    Ok(())
}

/// One line describing a budget.
pub fn describe_budget(b: &Budget) -> String {
    let from = match b.source {
        MemorySource::Option => "given",
        MemorySource::Available => "available",
        MemorySource::DeviceMemory => "device memory",
        MemorySource::Default => "assumed (nothing measured)",
    };
    format!(
        "budget: {:.1} GiB {from} -> conflict batch {}, population <= {}, offspring <= {}, GPU batch {}",
        b.memory_gib, b.conflict_batch, b.max_population, b.max_offspring, b.gpu_batch
    )
}

/// `atoll budget`.
pub fn budget_cmd(memory_gib: Option<f64>, json: bool) -> Result<(), CliError> {
    let b = match memory_gib {
        Some(g) => Budget::from_memory(g, MemorySource::Option),
        None => Budget::detect(),
    };
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&b).expect("serializing plain data cannot fail")
        );
    } else {
        println!("{}", describe_budget(&b));
    }
    Ok(())
}

/// What `atoll repair --json` prints.
#[derive(Serialize)]
struct RepairJson {
    #[serde(flatten)]
    check: CheckReport,
    stats: atoll::repair::RepairStats,
    budget: Budget,
    qtable_updates: u64,
}

/// The settings of `atoll repair`.
pub struct RepairArgs {
    pub instance: PathBuf,
    pub start: PathBuf,
    pub output: Option<PathBuf>,
    pub time: f64,
    pub rounds: Option<u64>,
    pub threads: Option<usize>,
    pub qtable: Option<PathBuf>,
    pub quiet: bool,
    pub json: bool,
    pub opts: SolverOptions,
}

/// `atoll repair`: Stage 3 alone from a timetable file.
pub fn repair_cmd(a: RepairArgs) -> Result<(), CliError> {
    let inst = crate::load_instance(&a.instance)?;
    let sol = crate::read(&a.start)?;
    let (tt, warnings) = parse_solution(&inst, &sol, &a.start.display().to_string())?;
    crate::print_warnings(&a.start, &warnings);
    a.opts.validate()?;
    let threads = a.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let pool = crate::pool(threads)?;
    let budget = Budget::for_options(&a.opts);
    let table = load_qtable(a.qtable.as_deref())?;
    let cancel = CancelToken::new();
    {
        let c = cancel.clone();
        let _ = ctrlc::set_handler(move || c.cancel());
    }
    if !a.quiet {
        eprintln!("atoll: {}", describe_budget(&budget));
    }
    // `--time 0` with `--rounds`: no time limit; any other value is checked against the
    // 30-day cap (`inf` or 1e20 would otherwise panic in the conversion).
    let limit = if a.rounds.is_some() && a.time == 0.0 {
        None
    } else {
        Some(atoll::options::duration_from_secs("--time", a.time)?)
    };
    let stop = Stop::new(cancel, limit);
    let cfg = RepairConfig::new(&a.opts, &budget);
    let (tt, stats) = pool.install(|| {
        let mut r = Repairer::new(&inst, tt, cfg, table.clone());
        let mut last_print = -1.0f64;
        let mut stalls_seen = 0;
        if !a.quiet {
            eprintln!(
                "{:>7.1}s  start: hard {} soft {}, {} violations",
                0.0,
                r.cost().hard,
                r.cost().soft,
                r.conflicts_left().total
            );
        }
        loop {
            if stop.should_stop() || a.rounds.is_some_and(|n| r.rounds() >= n) {
                break;
            }
            let more = r.round(&inst, &stop);
            if !a.quiet {
                let t = stop.elapsed().as_secs_f64();
                for s in r.stalls().iter().skip(stalls_seen) {
                    eprintln!(
                        "{:>7.1}s  watchdog: stall ({:?}) for {:.1}s after {} conflicts",
                        t, s.kind, s.idle_s, s.episodes
                    );
                }
                stalls_seen = r.stalls().len();
                if t - last_print >= 1.0 || !more {
                    last_print = t;
                    let left = r.conflicts_left();
                    eprintln!(
                        "{:>7.1}s  round {:>6}  hard {} soft {}  conflicts left {} ({} hard)",
                        t,
                        r.rounds(),
                        r.cost().hard,
                        r.cost().soft,
                        left.total,
                        left.hard
                    );
                }
            }
            if !more {
                break;
            }
        }
        r.finish()
    });
    let text = atoll::write_solution(&inst, &tt);
    if let Some(path) = &a.output {
        std::fs::write(path, &text).map_err(|source| CliError::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    save_qtable(a.qtable.as_deref(), &table)?;
    if !a.quiet {
        eprintln!(
            "atoll: Stage 3 {} rounds, {} conflicts, {} repairs applied ({} rejected, {} past deadline), {:.1}s{}",
            stats.rounds,
            stats.episodes,
            stats.accepted,
            stats.rejected,
            stats.abandoned,
            stats.elapsed_s,
            stats
                .time_to_feasible_s
                .map_or(", never feasible".to_string(), |t| format!(
                    ", feasible at {t:.2}s"
                ))
        );
    }
    let eval = evaluate(&inst, &tt);
    if a.json {
        let out = RepairJson {
            check: CheckReport::new(&inst, &eval),
            stats,
            budget,
            qtable_updates: table.updates(),
        };
        println!(
            "{}",
            serde_json::to_string_pretty(&out).expect("serializing plain data cannot fail")
        );
    } else {
        print!("{}", eval.breakdown.validator_report());
    }
    Ok(())
}
