//! `atoll check`: score a timetable file as the ITC-2007 validator does.

use std::path::Path;

use atoll::eval::evaluate;
use atoll::io::parse_solution;
use atoll::report::CheckReport;

use crate::{CliError, itc2019, load_instance, print_json, print_warnings, read};

pub(crate) fn run(
    instance: &Path,
    solution: &Path,
    json: bool,
    verbose: bool,
) -> Result<(), CliError> {
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
        print_json(&out);
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
    print!("{}", atoll::report::report_text(&inst, &eval));
    Ok(())
}
