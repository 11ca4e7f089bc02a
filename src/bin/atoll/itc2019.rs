//! `atoll check` and `atoll info` for ITC-2019 files (`.xml`, UniTime's format): the
//! command bodies, so that `main.rs` only dispatches on the extension.

use std::path::Path;

use atoll::itc2019::{CheckReport, Problem, Summary, parse_problem, parse_solution};

use crate::{CliError, read};

/// Whether a path names an ITC-2019 XML file (by its extension).
pub(crate) fn is_xml(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"))
}

fn load(path: &Path) -> Result<Problem, CliError> {
    let bytes = read(path)?;
    Ok(parse_problem(&bytes, &path.display().to_string())?)
}

/// Scores a solution exactly as `shared/tools/itc2019_score.py` does; `--json` prints the
/// same top-level keys.
pub(crate) fn check(
    instance: &Path,
    solution: &Path,
    json: bool,
    verbose: bool,
) -> Result<(), CliError> {
    let problem = load(instance)?;
    let bytes = read(solution)?;
    let sol = parse_solution(&problem, &bytes, &solution.display().to_string())?;
    let report = CheckReport::new(&problem, &sol, verbose);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).expect("serializing plain data cannot fail")
        );
        return Ok(());
    }
    if verbose {
        for v in &report.violations {
            println!("[H] {v}");
        }
        if !report.violations.is_empty() {
            println!();
        }
    }
    print!("{}", report.text());
    Ok(())
}

/// Describes an instance; the JSON form adds how long reading took.
pub(crate) fn info(instance: &Path, json: bool) -> Result<(), CliError> {
    let bytes = read(instance)?;
    let started = std::time::Instant::now();
    let problem = parse_problem(&bytes, &instance.display().to_string())?;
    let parse_ms = started.elapsed().as_secs_f64() * 1e3;
    let summary = Summary::of(&problem);
    if json {
        let mut v = serde_json::to_value(&summary).expect("serializing plain data cannot fail");
        v["format"] = "itc2019".into();
        v["bytes"] = bytes.len().into();
        v["parse_ms"] = ((parse_ms * 1e3).round() / 1e3).into();
        println!(
            "{}",
            serde_json::to_string_pretty(&v).expect("serializing plain data cannot fail")
        );
        return Ok(());
    }
    print!("{}", summary.text());
    println!(
        "Read                {:.1} MB in {parse_ms:.1} ms",
        bytes.len() as f64 / 1e6
    );
    Ok(())
}

/// `atoll solve INSTANCE.xml`: construction on every island, then simulated annealing
/// with student moves ([`atoll::itc2019::search`]) for `--time` seconds (default 60) or
/// `--generations` epochs, on `--threads` threads (`--islands`, default one per thread).
/// Ctrl-C stops early with the best so far. Writes the solution XML and prints its check
/// report with the search's statistics.
pub(crate) fn solve(
    instance: &Path,
    output: Option<&Path>,
    opts: &atoll::SolverOptions,
    threads: Option<usize>,
    quiet: bool,
    json: bool,
) -> Result<(), CliError> {
    use atoll::itc2019::search::{SearchOptions, SearchProgress, solve};
    use atoll::itc2019::{SolutionMeta, SolutionRead, write_solution};
    use std::io::IsTerminal;
    let problem = load(instance)?;
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    let pool = crate::pool(threads)?;
    let search = SearchOptions {
        seed: opts.seed,
        time_limit: match (opts.time_limit, opts.max_generations) {
            (None, None) => Some(60.0),
            (t, _) => t,
        },
        max_epochs: opts.max_generations,
        islands: opts.islands,
        ..SearchOptions::default()
    };
    let cancel = atoll::budget::CancelToken::new();
    {
        let c = cancel.clone();
        // A second Ctrl-C while stopping falls back to the default (exit).
        let _ = ctrlc::set_handler(move || c.cancel());
    }
    let tty = std::io::stderr().is_terminal();
    let mut last_print = -1.0f64;
    let mut on_progress = |pr: &SearchProgress| {
        let every = if tty { 0.2 } else { 1.0 };
        if quiet || (pr.elapsed_s - last_print < every && pr.epoch > 0) {
            return;
        }
        last_print = pr.elapsed_s;
        let islands: Vec<String> = pr.islands.iter().map(|(h, t)| format!("{h}/{t}")).collect();
        let line = format!(
            "{:>7.1}s  epoch {:>5}  best hard {} total {} (time {} room {} distribution {} student {})  islands [{}]",
            pr.elapsed_s,
            pr.epoch,
            pr.best.hard,
            pr.best_total,
            pr.best.time,
            pr.best.room,
            pr.best.distribution,
            pr.best.student,
            islands.join(" ")
        );
        if tty {
            eprint!("\r\x1b[2K{line}");
        } else {
            eprintln!("{line}");
        }
    };
    let result = pool.install(|| solve(&problem, &search, cancel, &mut on_progress));
    if tty && !quiet {
        eprintln!();
    }
    let meta = SolutionMeta {
        name: problem.name.clone(),
        runtime: Some(format!("{:.2}", result.stats.elapsed_s)),
        cores: Some(threads.to_string()),
        technique: Some(
            "Atoll: conflict-directed construction, then simulated annealing islands with student sectioning moves".into(),
        ),
        author: Some("Atoll".into()),
        ..Default::default()
    };
    if let Some(path) = output {
        let text = write_solution(&problem, &result.assignment, &meta);
        std::fs::write(path, text).map_err(|source| CliError::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    let read = SolutionRead {
        meta,
        assignment: result.assignment,
        issues: Vec::new(),
        notes: Vec::new(),
    };
    let report = CheckReport::new(&problem, &read, false);
    if json {
        let mut v = serde_json::to_value(&report).expect("serializing plain data cannot fail");
        v["stop_reason"] =
            serde_json::to_value(result.stop_reason).expect("serializing plain data cannot fail");
        v["search"] =
            serde_json::to_value(&result.stats).expect("serializing plain data cannot fail");
        println!(
            "{}",
            serde_json::to_string_pretty(&v).expect("serializing plain data cannot fail")
        );
        return Ok(());
    }
    let s = &result.stats;
    eprintln!(
        "atoll: {:?} after {:.1}s: construction {:.1}s ({} unplaced), first feasible {}, {} epochs, {} moves ({} accepted) on {} islands",
        result.stop_reason,
        s.elapsed_s,
        s.construct_s,
        s.construction_unplaced,
        s.time_to_feasible_s
            .map_or("never".to_string(), |t| format!("at {t:.1}s")),
        s.epochs,
        s.moves,
        s.accepted,
        s.islands
    );
    print!("{}", report.text());
    Ok(())
}
