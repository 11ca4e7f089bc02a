//! `atoll repair` (Stage 3 alone, from a timetable file), `atoll budget`, and the Q-table
//! file behind `--qtable` (loaded before a run, saved after it).

use std::path::Path;
use std::sync::Arc;

use atoll::budget::{Budget, MemorySource};
use atoll::eval::evaluate;
use atoll::io::parse_solution;
use atoll::repair::{
    QTable, RepairProgress, RepairRequest, RepairStop, Stability, repair_timetable,
};
use atoll::report::CheckReport;
use serde::Serialize;

use crate::CliError;
use crate::args::RepairCliArgs;
use crate::common::{cancel_on_ctrl_c, threads_or_all, write_file};

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
        crate::print_json(&b);
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
    /// Lectures moved away from the reference (the library's one shape, `atoll::model::Moves`).
    moves: atoll::model::Moves,
    stop_reason: RepairStop,
    stats: atoll::repair::RepairStats,
    budget: Budget,
    qtable_updates: u64,
}

/// Reads a `.sol` file against `inst`, printing its warnings; pins aligned.
fn read_timetable(inst: &atoll::Instance, path: &Path) -> Result<atoll::Timetable, CliError> {
    let sol = crate::read(path)?;
    let (mut tt, warnings) = parse_solution(inst, &sol, &path.display().to_string())?;
    crate::print_warnings(path, &warnings);
    tt.align_pins(inst);
    Ok(tt)
}

/// `atoll repair`: Stage 3 alone from a timetable file — a shell over
/// [`atoll::repair::repair_timetable`].
pub fn run(a: RepairCliArgs) -> Result<(), CliError> {
    let opts = a.options()?;
    let stability = Stability {
        move_weight: a.move_weight,
        max_moves: a.max_moves,
    };
    let inst = Arc::new(crate::load_instance(&a.instance)?);
    let start = read_timetable(&inst, &a.start)?;
    let reference = a
        .reference
        .as_deref()
        .map(|p| read_timetable(&inst, p))
        .transpose()?;
    opts.validate()?;
    let pool = crate::pool(threads_or_all(a.threads))?;
    let budget = Budget::for_options(&opts);
    let table = load_qtable(a.qtable.as_deref())?;
    let cancel = cancel_on_ctrl_c();
    if !a.quiet {
        eprintln!("atoll: {}", describe_budget(&budget));
    }
    // `--time 0` with `--rounds`: no time limit; any other value is checked against the
    // 30-day cap (`inf` or 1e20 would otherwise panic in the conversion).
    let time_limit = if a.rounds.is_some() && a.time == 0.0 {
        None
    } else {
        Some(atoll::options::duration_from_secs("--time", a.time)?)
    };
    let request = RepairRequest {
        options: opts,
        reference,
        stability,
        time_limit,
        max_rounds: a.rounds,
        cancel,
        qtable: Some(table.clone()),
    };
    let quiet = a.quiet;
    let mut last_print = -1.0f64;
    let mut stalls_seen = 0;
    let mut progress = |p: &RepairProgress| {
        if quiet {
            return;
        }
        if p.stalls > stalls_seen {
            eprintln!(
                "{:>7.1}s  watchdog: {} stall(s)",
                p.elapsed_s,
                p.stalls - stalls_seen
            );
            stalls_seen = p.stalls;
        }
        if p.elapsed_s - last_print >= 1.0 {
            last_print = p.elapsed_s;
            eprintln!(
                "{:>7.1}s  round {:>6}  hard {} soft {}  moved {}  conflicts left {} ({} hard)",
                p.elapsed_s,
                p.rounds,
                p.hard,
                p.soft,
                p.moved,
                p.conflicts_left.total,
                p.conflicts_left.hard
            );
        }
    };
    let result = pool.install(|| repair_timetable(inst.clone(), start, request, &mut progress))?;
    if let Some(path) = &a.output {
        write_file(path, atoll::write_solution(&inst, &result.timetable))?;
    }
    save_qtable(a.qtable.as_deref(), &table)?;
    let stats = result.stats;
    if !a.quiet {
        eprintln!(
            "atoll: Stage 3 {} rounds ({} escalations), {} conflicts, {} repairs applied ({} rejected, {} past deadline), {:.1}s{}, stopped: {:?}",
            stats.rounds,
            stats.escalations,
            stats.episodes,
            stats.accepted,
            stats.rejected,
            stats.abandoned,
            stats.elapsed_s,
            stats
                .time_to_feasible_s
                .map_or(", never feasible".to_string(), |t| format!(
                    ", feasible at {t:.2}s"
                )),
            result.stop
        );
    }
    let eval = evaluate(&inst, &result.timetable);
    let moves = result.moves;
    if a.json {
        let out = RepairJson {
            check: CheckReport::new(&inst, &eval),
            moves,
            stop_reason: result.stop,
            stats,
            budget,
            qtable_updates: table.updates(),
        };
        crate::print_json(&out);
    } else {
        print!("{}", atoll::report::report_text(&inst, &eval));
        println!(
            "Moved {} of {} lectures ({} room only, {} to another period)",
            moves.moved, moves.of, moves.room_only, moves.period
        );
        for m in &moves.lectures {
            println!(
                "  {} (lecture {}): day {} period {} {} -> day {} period {} {}",
                m.course,
                m.lecture,
                m.from.day,
                m.from.period,
                m.from.room,
                m.to.day,
                m.to.period,
                m.to.room
            );
        }
    }
    Ok(())
}
