//! `atoll export INSTANCE SOLUTION -o OUT`: a timetable for the people who use it, in the
//! format the output's extension names — `.xlsx` (workbook: every lecture and a grid per
//! group, teacher and room), `.csv` (one row per lecture), `.ics` (a week of calendar
//! events) or `.json` (the page's JSON export: score, violations, lectures). The same
//! library functions make the page's Export card, so both give the same files.

use std::path::{Path, PathBuf};

use serde::Serialize;

use atoll::eval::evaluate;
use atoll::export::{Entity, IcsOptions, LectureRow, lecture_rows, rows_of, to_csv, to_ics_of};
use atoll::io::parse_solution;
use atoll::report::CheckReport;

use crate::{CliError, load_instance, print_warnings, read};

/// The options of `atoll export`.
#[derive(clap::Args)]
pub(crate) struct ExportArgs {
    /// The instance: .ctt, .ectt, campus .json or .xlsx, or a folder of CSV sheets.
    instance: PathBuf,
    /// The timetable (`CourseID RoomID Day Period` per line).
    solution: PathBuf,
    /// The file to write; its extension picks the format: .xlsx, .csv, .ics or .json.
    #[arg(short = 'o', long)]
    output: PathBuf,
    /// Only this group's, teacher's or room's lectures (.csv and .ics): `curriculum`,
    /// `teacher` or `room`, with --name.
    #[arg(long, requires = "name", value_parser = ["curriculum", "teacher", "room"])]
    kind: Option<String>,
    /// The name of the group, teacher or room given by --kind.
    #[arg(long, requires = "kind")]
    name: Option<String>,
    /// .ics: the date of the instance's first day (YYYY-MM-DD).
    #[arg(long, value_name = "YYYY-MM-DD")]
    start: Option<String>,
    /// .ics, for an instance without clock times (.ctt): the start of each period of a
    /// day, e.g. "08:00,10:00,12:00,14:00".
    #[arg(long, value_name = "HH:MM,...")]
    times: Option<String>,
    /// .ics, for an instance without clock times: minutes each lecture lasts.
    #[arg(long, default_value_t = 90)]
    length: u32,
    /// .ics: how many weeks the events repeat.
    #[arg(long, default_value_t = 1)]
    weeks: u32,
}

/// What `--output x.json` holds: the page's JSON export without its page-only fields.
#[derive(Serialize)]
struct ExportJson<'a> {
    instance: &'a str,
    file: String,
    feasible: bool,
    hard: u32,
    soft: u32,
    violations: &'a [atoll::eval::ViolationReport],
    lectures: &'a [LectureRow],
    /// The timetable as given (`.sol` text).
    solution: String,
}

pub(crate) fn run(a: &ExportArgs) -> Result<(), CliError> {
    let out = a.output.display().to_string();
    let ext = a
        .output
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let format = match ext.as_deref() {
        Some(e @ ("xlsx" | "csv" | "ics" | "json")) => e,
        _ => {
            return Err(CliError::Settings(format!(
                "{out}: cannot tell the format; name the output .xlsx, .csv, .ics or .json"
            )));
        }
    };
    let ics_only = [
        ("--start", a.start.is_some()),
        ("--times", a.times.is_some()),
    ];
    if format != "ics"
        && let Some((flag, _)) = ics_only.iter().find(|f| f.1)
    {
        return Err(CliError::Settings(format!(
            "{flag} is for a calendar; name the output .ics"
        )));
    }
    if matches!(format, "xlsx" | "json") && a.kind.is_some() {
        return Err(CliError::Settings(format!(
            "--kind and --name choose the lectures of a .csv or .ics; the .{format} holds everything"
        )));
    }
    let inst = load_instance(&a.instance)?;
    let sol = read(&a.solution)?;
    let sol_name = a.solution.display().to_string();
    let (mut tt, warnings) = parse_solution(&inst, &sol, &sol_name)?;
    print_warnings(&a.solution, &warnings);
    tt.align_pins(&inst);
    let entity = Entity::parse(
        &inst,
        a.kind.as_deref().unwrap_or(""),
        a.name.as_deref().unwrap_or(""),
    )
    .map_err(|e| CliError::Settings(e.to_string()))?;
    let bytes: Vec<u8> = match format {
        "xlsx" => atoll::export::xlsx::to_xlsx(&inst, &tt)
            .map_err(|e| CliError::Settings(format!("{out}: {e}")))?,
        "csv" => to_csv(&rows_of(&lecture_rows(&inst, &tt), &entity)).into_bytes(),
        "ics" => {
            let start = a.start.as_deref().ok_or_else(|| {
                CliError::Settings(
                    "a calendar needs --start YYYY-MM-DD, the date of the instance's first day"
                        .into(),
                )
            })?;
            if a.times.is_none() && !IcsOptions::instance_has_times(&inst) {
                return Err(CliError::Settings(format!(
                    "{} has no clock times; give --times with the start of each of its {} periods (e.g. 08:00,10:00,...)",
                    a.instance.display(),
                    inst.periods_per_day
                )));
            }
            let opts = IcsOptions::for_instance(
                &inst,
                start,
                a.times.as_deref().unwrap_or(""),
                a.length,
                a.weeks,
            )
            .map_err(|e| CliError::Settings(e.to_string()))?;
            to_ics_of(&inst, &lecture_rows(&inst, &tt), &opts, &entity).into_bytes()
        }
        _ => {
            let eval = evaluate(&inst, &tt);
            let report = CheckReport::new(&inst, &eval);
            let rows = lecture_rows(&inst, &tt);
            let json = ExportJson {
                instance: &inst.name,
                file: sol_name.clone(),
                feasible: report.feasible,
                hard: report.hard_violations,
                soft: report.soft_cost,
                violations: &report.violations,
                lectures: &rows,
                solution: String::from_utf8_lossy(&sol).into_owned(),
            };
            let mut s =
                serde_json::to_string_pretty(&json).expect("serializing plain data cannot fail");
            s.push('\n');
            s.into_bytes()
        }
    };
    write(&a.output, &bytes)
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), CliError> {
    std::fs::write(path, bytes).map_err(|source| CliError::Write {
        path: path.display().to_string(),
        source,
    })
}
