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
        crate::print_json(&report);
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
        crate::print_json(&v);
        return Ok(());
    }
    print!("{}", summary.text());
    println!(
        "Read                {:.1} MB in {parse_ms:.1} ms",
        bytes.len() as f64 / 1e6
    );
    Ok(())
}

/// `atoll solve INSTANCE.xml`: for now the first construction only (placement to
/// feasibility, greedy sectioning; no search on the objective yet). Writes the solution XML
/// and prints its check report, with the construction's statistics.
pub(crate) fn solve(
    instance: &Path,
    output: Option<&Path>,
    opts: &atoll::SolverOptions,
    json: bool,
) -> Result<(), CliError> {
    use atoll::itc2019::construct::{ConstructOptions, construct};
    use atoll::itc2019::{SolutionMeta, SolutionRead, write_solution};
    let problem = load(instance)?;
    let started = std::time::Instant::now();
    let built = construct(
        &problem,
        &ConstructOptions {
            seed: opts.seed,
            time_limit: opts.time_limit.unwrap_or(60.0),
            max_iterations: opts.max_generations,
        },
    );
    let seconds = started.elapsed().as_secs_f64();
    let meta = SolutionMeta {
        name: problem.name.clone(),
        runtime: Some(format!("{seconds:.2}")),
        cores: Some("1".into()),
        technique: Some(
            "Atoll construction (conflict-directed placement, greedy sectioning)".into(),
        ),
        author: Some("Atoll".into()),
        ..Default::default()
    };
    if let Some(path) = output {
        let text = write_solution(&problem, &built.assignment, &meta);
        std::fs::write(path, text).map_err(|source| CliError::Write {
            path: path.display().to_string(),
            source,
        })?;
    }
    let read = SolutionRead {
        meta,
        assignment: built.assignment,
        issues: Vec::new(),
        notes: Vec::new(),
    };
    let report = CheckReport::new(&problem, &read, false);
    if json {
        let mut v = serde_json::to_value(&report).expect("serializing plain data cannot fail");
        v["construction"] = serde_json::json!({
            "seconds": seconds,
            "iterations": built.iterations,
            "unplaced": built.unplaced,
            "placed_after_s": built.placed_after_s,
            "unsectioned": built.unsectioned,
            "sectioning_s": built.sectioning_s,
        });
        crate::print_json(&v);
        return Ok(());
    }
    eprintln!(
        "atoll: construction {seconds:.2}s, {} placement steps, {} classes unplaced{}, {} requests unsectioned",
        built.iterations,
        built.unplaced,
        built
            .placed_after_s
            .map_or(String::new(), |t| format!(" (all placed at {t:.2}s)")),
        built.unsectioned
    );
    print!("{}", report.text());
    Ok(())
}
