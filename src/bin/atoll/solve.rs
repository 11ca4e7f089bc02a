//! `atoll solve`: construct and improve a timetable (or re-solve from an old one), with
//! progress on stderr.

use std::io::IsTerminal;

use serde::Serialize;

use atoll::eval::evaluate;
use atoll::model::edit::InstanceEdits;
use atoll::report::CheckReport;
use atoll::solver::SolveResult;

use crate::args::SolveArgs;
use crate::common::{cancel_on_ctrl_c, read_edits, threads_or_all, write_file};
use crate::{CliError, bench, itc2019, load_instance, pool, print_json, print_warnings, read};
use crate::{repair, repair::describe_budget};

#[derive(Serialize)]
struct SolveJson {
    #[serde(flatten)]
    check: CheckReport,
    stop_reason: atoll::solver::StopReason,
    stats: atoll::solver::SolveStats,
    evaluator: atoll::gpu::EvaluatorInfo,
    /// `solve --from` only: lectures moved away from the old timetable (`moved` of `of`,
    /// room-only and period moves, and which: the library's one shape, `atoll::Moves`,
    /// under the one key every front end uses).
    #[serde(skip_serializing_if = "Option::is_none")]
    moves: Option<atoll::model::Moves>,
}

/// `atoll solve`.
pub(crate) fn run(a: SolveArgs) -> Result<(), CliError> {
    let opts = a.options()?;
    if itc2019::is_xml(&a.instance) {
        return itc2019::solve(
            &a.instance,
            a.output.as_deref(),
            &opts,
            a.threads,
            a.quiet,
            a.json,
        );
    }
    let mut inst = load_instance(&a.instance)?;
    let edits = match &a.edit {
        Some(path) => read_edits(path)?,
        None => InstanceEdits::default(),
    };
    // Re-solve: the old timetable, read against the (edited) instance, becomes the start
    // and the reference every change is measured against.
    let start = match &a.from {
        Some(path) => {
            let text = read(path)?;
            let r = atoll::resolve::prepare(&inst, &edits, &text, &path.display().to_string())?;
            print_warnings(path, &r.warnings);
            inst = r.instance;
            Some(r.start)
        }
        None if !edits.is_empty() => {
            inst = edits.apply(&inst)?;
            None
        }
        None => None,
    };
    opts.validate()?;
    let quiet = a.quiet;
    let table = repair::load_qtable(a.qtable.as_deref())?;
    if !quiet {
        let budget = atoll::budget::Budget::for_options(&opts);
        eprintln!("atoll: {}", describe_budget(&budget));
    }
    let threads = threads_or_all(a.threads);
    let mut pool = pool(threads)?;
    let cancel = cancel_on_ctrl_c();
    let tty = std::io::stderr().is_terminal();
    let mut on_progress = progress_printer(quiet, tty);
    let (mut evaluator, evaluator_info) = pool.install(|| {
        let batch = atoll::gpu::batch_size(&opts, threads);
        atoll::gpu::choose_evaluator(&inst, opts.evaluator, batch)
    });
    let workers = atoll::solver::island_workers(threads, &*evaluator);
    if workers != threads {
        pool = crate::pool(workers)?;
    }
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
    repair::save_qtable(a.qtable.as_deref(), &table)?;
    if tty && !quiet {
        eprintln!();
    }
    if let Some(path) = &a.output {
        write_file(path, atoll::write_solution(&inst, &result.timetable))?;
    }
    if !quiet {
        print_stats(&result);
    }
    let eval = evaluate(&inst, &result.timetable);
    let moves = result.stats.moves.clone();
    if a.json {
        print_json(&SolveJson {
            check: CheckReport::new(&inst, &eval),
            stop_reason: result.stop_reason,
            stats: result.stats,
            evaluator: evaluator_info,
            moves,
        });
    } else {
        print!("{}", atoll::report::report_text(&inst, &eval));
        if let Some(m) = moves {
            println!("moved {} of {} lectures", m.moved, m.of);
            println!(
                "  {} room only, {} to another period",
                m.room_only, m.period
            );
        }
    }
    Ok(())
}

/// The progress line on stderr: rewritten in place on a terminal (5 times a second),
/// one line a second otherwise; watchdog stalls on a line of their own. Nothing when
/// `quiet`.
fn progress_printer(quiet: bool, tty: bool) -> impl FnMut(&atoll::Progress) {
    let mut last_print = -1.0f64;
    let mut stalls_seen = 0;
    move |p: &atoll::Progress| {
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
    }
}

/// The run's statistics on stderr: why it stopped, generations and moves, Stage 3's
/// counters and the peak memory.
fn print_stats(result: &SolveResult) {
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
            r.rounds, r.episodes, r.accepted, r.rejected, r.abandoned, r.stalls, r.conflicts_left
        );
    }
    if let Some(rss) = bench::peak_rss_mb() {
        eprintln!("atoll: peak RSS {rss:.1} MB");
    }
}
