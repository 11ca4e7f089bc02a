//! The campus as one Excel workbook (`docs/CSV.md`): its sheets are the CSV sheets —
//! `calendar`, `teachers`, `rooms`, `groups`, `courses` and the optional `pins` and
//! `weights` — with the same columns and rules. The workbook is read with `calamine`, each
//! sheet's cells are turned into text as the office sees them, and the rows go through the
//! CSV reader ([`super::csv::from_sheets`]), so both formats follow one set of rules and
//! give the same errors, located as `campus.xlsx[courses]:row:column`.
//!
//! [`to_xlsx`] writes a campus document the other way round (the page's template workbook,
//! `atoll convert campus.json campus.xlsx`).

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use super::csv::{RawRow, from_sheets, sheet_names};
use super::doc::{CampusDoc, Grid};
use super::located;
use crate::io::error::{ConvertError, ParseError};
use crate::model::Instance;

/// The name errors give a sheet of `file`: `campus.xlsx[courses]`, as Excel writes a
/// reference to another workbook's sheet.
fn label(file: &str, sheet: &str) -> String {
    format!("{file}[{sheet}]")
}

/// Which campus sheet a worksheet is: its name ignoring letter case, surrounding spaces
/// and a `.csv` suffix (a workbook made by importing the CSV files keeps it).
fn sheet_index(name: &str) -> Option<usize> {
    let n = name.trim().to_lowercase();
    let n = n.strip_suffix(".csv").unwrap_or(&n);
    sheet_names().position(|(s, _)| s == n)
}

/// A cell as the text the CSV sheet would hold. Numbers are written without a fraction
/// when they have none (Excel stores 30 as 30.0); a time of day (Excel turns `08:00` typed
/// into a cell into one) is `HH:MM`; anything with a date is `YYYY-MM-DD[ HH:MM]`, which
/// the campus rules then reject or accept as they would in CSV.
fn cell_text(cell: &Data) -> Result<String, String> {
    Ok(match cell {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(d) => excel_datetime(d.as_f64()),
        Data::Error(e) => return Err(format!("the cell holds the Excel error {e}")),
    })
}

/// An Excel serial date-time (days since 1899-12-30, the fraction is the time of day) as
/// `HH:MM` when it is only a time, else `YYYY-MM-DD` with ` HH:MM` when it has a time.
fn excel_datetime(v: f64) -> String {
    let minutes = (v * 1440.0).round() as i64;
    let (days, m) = (minutes.div_euclid(1440), minutes.rem_euclid(1440));
    let time = format!("{:02}:{:02}", m / 60, m % 60);
    if days == 0 {
        return time;
    }
    let d = crate::export::Date {
        year: 1899,
        month: 12,
        day: 30,
    }
    .plus_days(days);
    let date = format!("{:04}-{:02}-{:02}", d.year, d.month, d.day);
    if m == 0 {
        date
    } else {
        format!("{date} {time}")
    }
}

/// The rows of a worksheet with their 1-based row numbers as Excel shows them. A cell that
/// holds a line break (Alt+Enter) is an error: no campus value spans lines.
fn sheet_rows(label: &str, range: &calamine::Range<Data>) -> Result<Vec<RawRow>, ParseError> {
    let Some((top, left)) = range.start() else {
        return Ok(Vec::new());
    };
    let mut rows = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let line = top + i as u32 + 1;
        // Cells left of the used range are empty: keep the columns as Excel numbers them.
        let mut cells = vec![String::new(); left as usize];
        for (j, cell) in row.iter().enumerate() {
            let column = left + j as u32 + 1;
            let text =
                cell_text(cell).map_err(|m| located(label, line, column, String::new(), m))?;
            if text.trim().contains(['\n', '\r']) {
                return Err(located(
                    label,
                    line,
                    column,
                    String::new(),
                    "this cell holds a line break; write a list separated by \";\" on one line"
                        .into(),
                ));
            }
            cells.push(text);
        }
        rows.push((line, cells));
    }
    Ok(rows)
}

/// Reads a campus workbook. `file` names it in errors and names the instance (its stem:
/// `campus.xlsx` is `campus`). A sheet with another name is an error unless it is empty
/// (a new workbook's `Sheet1`), so a misnamed sheet is not silently ignored.
pub fn from_xlsx(bytes: &[u8], file: &str) -> Result<Instance, ParseError> {
    let mut book = Xlsx::new(Cursor::new(bytes)).map_err(|e| {
        located(
            file,
            1,
            1,
            String::new(),
            format!("not an Excel workbook (.xlsx): {e}"),
        )
    })?;
    let names = book.sheet_names();
    let n_sheets = sheet_names().count();
    let mut sheets: Vec<Option<(String, Vec<RawRow>)>> = vec![None; n_sheets];
    let mut firsts: Vec<Option<String>> = vec![None; n_sheets];
    for name in names {
        let at = label(file, &name);
        let range = book.worksheet_range(&name).map_err(|e| {
            located(
                &at,
                1,
                1,
                String::new(),
                format!("cannot read this sheet: {e}"),
            )
        })?;
        let Some(k) = sheet_index(&name) else {
            if range.used_cells().next().is_none() {
                continue;
            }
            return Err(located(
                &at,
                1,
                1,
                String::new(),
                format!(
                    "not a campus sheet; expected sheets named {}",
                    sheet_names().map(|s| s.0).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        if let Some(first) = &firsts[k] {
            return Err(located(
                &at,
                1,
                1,
                String::new(),
                format!(
                    "a second {} sheet (the first is \"{first}\")",
                    sheet_label(k)
                ),
            ));
        }
        firsts[k] = Some(name.clone());
        let rows = sheet_rows(&at, &range)?;
        sheets[k] = Some((at, rows));
    }
    for ((name, required), found) in sheet_names().zip(&sheets) {
        if required && found.is_none() {
            return Err(located(
                &label(file, name),
                1,
                1,
                String::new(),
                "this sheet is missing; a campus workbook needs sheets named calendar, teachers, rooms, groups and courses (pins and weights are optional)".into(),
            ));
        }
    }
    let stem = file
        .rsplit(['/', '\\'])
        .next()
        .unwrap_or(file)
        .rsplit_once('.')
        .map_or(file, |(s, _)| s);
    let name = if stem.is_empty() { "campus" } else { stem };
    from_sheets(sheets, name.to_string())
}

fn sheet_label(k: usize) -> &'static str {
    sheet_names().nth(k).map_or("?", |s| s.0)
}

/// A value of a sheet's cell: text, or a number Excel can sum and sort.
enum Cell {
    Text(String),
    Number(u64),
}

fn list(items: &[String]) -> Cell {
    Cell::Text(items.join("; "))
}

fn opt(s: &Option<String>) -> Cell {
    Cell::Text(s.clone().unwrap_or_default())
}

fn num(n: Option<u64>) -> Cell {
    n.map_or(Cell::Text(String::new()), Cell::Number)
}

fn xlsx_err(e: XlsxError) -> ConvertError {
    ConvertError::Workbook(e.to_string())
}

/// One sheet: a bold, frozen header row and one row per element; every cell is text
/// (Excel then keeps `08:00` and `Mon 1st` as written) except counts, which are numbers.
fn write_sheet(
    book: &mut Workbook,
    name: &str,
    header: &[&str],
    rows: Vec<Vec<Cell>>,
) -> Result<(), ConvertError> {
    let bold = Format::new().set_bold().set_background_color("#E8EEF4");
    let text = Format::new().set_num_format("@");
    let sheet: &mut Worksheet = book.add_worksheet();
    sheet.set_name(name).map_err(xlsx_err)?;
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for (c, h) in header.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xlsx_err)?;
    }
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c16) = (r as u32 + 1, c as u16);
            match cell {
                Cell::Text(s) if s.is_empty() => {}
                Cell::Text(s) => {
                    widths[c] = widths[c].max(s.chars().count());
                    sheet
                        .write_string_with_format(r, c16, s, &text)
                        .map_err(xlsx_err)?;
                }
                Cell::Number(n) => {
                    sheet.write_number(r, c16, *n as f64).map_err(xlsx_err)?;
                }
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet
            .set_column_width(c as u16, (*w).clamp(8, 60) as f64 + 2.0)
            .map_err(xlsx_err)?;
    }
    sheet.set_freeze_panes(1, 0).map_err(xlsx_err)?;
    Ok(())
}

/// The campus document as a workbook of the CSV sheets, which [`from_xlsx`] reads back as
/// the same campus (the instance's name aside: a workbook is named after its file). Days
/// and periods must be named (a count has no sheet form) and the `.ectt` extras have no
/// sheet, so such documents are refused rather than written incompletely.
pub fn to_xlsx(doc: &CampusDoc) -> Result<Vec<u8>, ConvertError> {
    let unsupported = |feature: &str| ConvertError::Unsupported {
        format: "a campus workbook",
        feature: feature.to_string(),
    };
    let (Grid::Named(days), Grid::Named(periods)) = (&doc.days, &doc.periods) else {
        return Err(unsupported(
            "days or periods given as a count (the calendar sheet names each day and period with its times)",
        ));
    };
    if doc.ectt.is_some() {
        return Err(unsupported("the .ectt extras"));
    }
    if doc
        .courses
        .iter()
        .any(|c| c.rooms.as_ref().is_some_and(Vec::is_empty))
    {
        return Err(unsupported(
            "a course with an empty rooms list (an empty cell means any room)",
        ));
    }
    let mut book = Workbook::new();
    let calendar = (0..days.len().max(periods.len()))
        .map(|i| {
            let p = periods.get(i);
            vec![
                Cell::Text(days.get(i).cloned().unwrap_or_default()),
                Cell::Text(p.and_then(|p| p.name.clone()).unwrap_or_default()),
                Cell::Text(p.map(|p| p.start.clone()).unwrap_or_default()),
                Cell::Text(p.map(|p| p.end.clone()).unwrap_or_default()),
            ]
        })
        .collect();
    write_sheet(
        &mut book,
        "calendar",
        &["day", "period", "start", "end"],
        calendar,
    )?;
    let teachers = doc
        .teachers
        .iter()
        .map(|t| {
            vec![
                Cell::Text(t.name.clone()),
                list(&t.unavailable),
                list(&t.preferred),
                num(t.max_daily),
            ]
        })
        .collect();
    write_sheet(
        &mut book,
        "teachers",
        &["name", "unavailable", "preferred", "max_daily"],
        teachers,
    )?;
    let rooms = doc
        .rooms
        .iter()
        .map(|r| {
            vec![
                Cell::Text(r.name.clone()),
                Cell::Number(r.capacity),
                opt(&r.kind),
                list(&r.features),
                list(&r.unavailable),
            ]
        })
        .collect();
    write_sheet(
        &mut book,
        "rooms",
        &["name", "capacity", "type", "features", "unavailable"],
        rooms,
    )?;
    let groups = doc
        .groups
        .iter()
        .map(|g| {
            vec![
                Cell::Text(g.name.clone()),
                opt(&g.kind),
                list(&g.courses),
                num(g.max_daily),
            ]
        })
        .collect();
    write_sheet(
        &mut book,
        "groups",
        &["name", "kind", "courses", "max_daily"],
        groups,
    )?;
    let courses = doc
        .courses
        .iter()
        .map(|c| {
            vec![
                Cell::Text(c.name.clone()),
                list(&c.teachers),
                Cell::Number(c.lectures),
                Cell::Number(c.duration),
                Cell::Number(c.students),
                Cell::Number(c.min_days),
                opt(&c.room_type),
                list(&c.features),
                list(c.rooms.as_deref().unwrap_or_default()),
                list(&c.unavailable),
            ]
        })
        .collect();
    write_sheet(
        &mut book,
        "courses",
        &[
            "name",
            "teachers",
            "lectures",
            "duration",
            "students",
            "min_days",
            "room_type",
            "features",
            "rooms",
            "unavailable",
        ],
        courses,
    )?;
    if !doc.pins.is_empty() {
        let pins = doc
            .pins
            .iter()
            .map(|p| vec![Cell::Text(p.course.clone()), opt(&p.period), opt(&p.room)])
            .collect();
        write_sheet(&mut book, "pins", &["course", "period", "room"], pins)?;
    }
    if let Some(w) = &doc.weights {
        // Every weight is written, the defaults too, so the office sees what it can set.
        let rows = [
            ("room_capacity", w.room_capacity),
            ("min_working_days", w.min_working_days),
            ("curriculum_compactness", w.curriculum_compactness),
            ("room_stability", w.room_stability),
            ("teacher_preference", w.teacher_preference),
            ("daily_limit", w.daily_limit),
            ("changes", w.changes),
        ]
        .iter()
        .map(|(n, v)| vec![Cell::Text(n.to_string()), Cell::Number(u64::from(*v))])
        .collect();
        write_sheet(&mut book, "weights", &["component", "weight"], rows)?;
    }
    book.save_to_buffer().map_err(xlsx_err)
}
