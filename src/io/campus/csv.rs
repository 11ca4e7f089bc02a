//! The campus as CSV sheets, what an office exports from a spreadsheet (`docs/CSV.md`):
//! `calendar.csv`, `teachers.csv`, `rooms.csv`, `groups.csv`, `courses.csv` and an optional
//! `pins.csv` and `weights.csv`, each with a header row; a list in a cell is separated by `;`. The sheets are
//! read into a [`CampusDoc`] and resolved by the same [`build`] as JSON, so both formats
//! mean the same; errors read `file:row:column: header: what`.

use std::collections::HashMap;

use super::build::{BuildError, Path, Seg, build};
use super::doc::{CampusDoc, CourseDoc, Grid, GroupDoc, PeriodDoc, PinDoc, RoomDoc, TeacherDoc};
use super::located;
use crate::io::error::ParseError;
use crate::model::{Instance, Weights};

/// One sheet: its file name, the columns it knows (`*` = required) and its doc section.
struct Sheet {
    file: &'static str,
    columns: &'static [&'static str],
    required: bool,
}

const SHEETS: &[Sheet] = &[
    Sheet {
        file: "calendar.csv",
        columns: &["day", "period", "start", "end"],
        required: true,
    },
    Sheet {
        file: "teachers.csv",
        columns: &["name*", "unavailable", "preferred", "max_daily"],
        required: true,
    },
    Sheet {
        file: "rooms.csv",
        columns: &["name*", "capacity*", "type", "features", "unavailable"],
        required: true,
    },
    Sheet {
        file: "groups.csv",
        columns: &["name*", "kind", "courses*", "max_daily"],
        required: true,
    },
    Sheet {
        file: "courses.csv",
        columns: &[
            "name*",
            "teachers*",
            "lectures*",
            "duration",
            "students*",
            "min_days",
            "room_type",
            "features",
            "rooms",
            "unavailable",
        ],
        required: true,
    },
    Sheet {
        file: "pins.csv",
        columns: &["course*", "period", "room"],
        required: false,
    },
    Sheet {
        file: "weights.csv",
        columns: &["component*", "weight*"],
        required: false,
    },
];

/// The components `weights.csv` may set, as in JSON's `weights`.
const WEIGHTS: &[&str] = &[
    "room_capacity",
    "min_working_days",
    "curriculum_compactness",
    "room_stability",
    "teacher_preference",
    "daily_limit",
    "changes",
];

/// A read sheet: its header (normalised name → 1-based column, as written) and rows.
struct Table {
    file: String,
    columns: HashMap<String, (u32, String)>,
    rows: Vec<Row>,
}

struct Row {
    line: u32,
    cells: Vec<String>,
}

/// "Max Daily" → "max_daily".
fn normalise(h: &str) -> String {
    h.trim()
        .to_lowercase()
        .chars()
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

/// One line of a sheet as read from its file: the 1-based line (CSV) or row (workbook) and
/// its cells, untrimmed.
pub(super) type RawRow = (u32, Vec<String>);

/// The rows of a CSV file. A cell that runs over several lines is an error here: no campus
/// value spans lines, so it is an unclosed quote swallowing the rows after it.
fn csv_rows(file: &str, text: &str) -> Result<Vec<RawRow>, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rdr = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(1, |p| p.line() as u32);
            located(file, line, 1, String::new(), format!("not a CSV row: {e}"))
        })?;
        let line = rec.position().map_or(1, |p| p.line() as u32);
        let cells: Vec<String> = rec.iter().map(str::to_string).collect();
        if let Some(k) = cells.iter().position(|c| c.trim().contains('\n')) {
            return Err(located(
                file,
                line,
                k as u32 + 1,
                String::new(),
                format!(
                    "this cell runs over {} lines; is a quote (\") left open?",
                    cells[k].trim().lines().count()
                ),
            ));
        }
        rows.push((line, cells));
    }
    Ok(rows)
}

/// The sheet's rules on its rows, whatever file they came from (CSV or a workbook): the
/// first non-empty row is the header, columns are known and not repeated, required columns
/// are there, no row has values beyond the header. Cells are trimmed; empty rows skipped.
fn table_from_rows(sheet: &Sheet, file: &str, raw: Vec<RawRow>) -> Result<Table, ParseError> {
    let mut header: Option<Vec<String>> = None;
    let mut columns = HashMap::new();
    let mut rows = Vec::new();
    for (line, cells) in raw {
        let cells: Vec<String> = cells.iter().map(|c| c.trim().to_string()).collect();
        if cells.iter().all(String::is_empty) {
            continue;
        }
        match &header {
            None => {
                let known: Vec<&str> = sheet
                    .columns
                    .iter()
                    .map(|c| c.trim_end_matches('*'))
                    .collect();
                for (i, h) in cells.iter().enumerate() {
                    let n = normalise(h);
                    let col = i as u32 + 1;
                    if n.is_empty() {
                        return Err(located(
                            file,
                            line,
                            col,
                            String::new(),
                            "this header cell is empty; every column needs a name".into(),
                        ));
                    }
                    if !known.contains(&n.as_str()) {
                        return Err(located(
                            file,
                            line,
                            col,
                            h.clone(),
                            format!("unknown column; expected one of {}", known.join(", ")),
                        ));
                    }
                    if columns.insert(n, (col, h.clone())).is_some() {
                        return Err(located(
                            file,
                            line,
                            col,
                            h.clone(),
                            "this column appears twice".into(),
                        ));
                    }
                }
                for c in sheet.columns.iter().filter(|c| c.ends_with('*')) {
                    let c = c.trim_end_matches('*');
                    if !columns.contains_key(c) {
                        return Err(located(
                            file,
                            line,
                            1,
                            String::new(),
                            format!("the header row lacks the required column \"{c}\""),
                        ));
                    }
                }
                header = Some(cells);
            }
            Some(h) => {
                if let Some(k) = (h.len()..cells.len()).find(|&k| !cells[k].is_empty()) {
                    return Err(located(
                        file,
                        line,
                        k as u32 + 1,
                        String::new(),
                        format!(
                            "this row has a value in column {}, but the header has only {} columns",
                            k + 1,
                            h.len()
                        ),
                    ));
                }
                rows.push(Row { line, cells });
            }
        }
    }
    if header.is_none() {
        return Err(located(
            file,
            1,
            1,
            String::new(),
            format!(
                "the sheet is empty; expected a header row such as \"{}\"",
                sheet
                    .columns
                    .iter()
                    .map(|c| c.trim_end_matches('*'))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        ));
    }
    Ok(Table {
        file: file.to_string(),
        columns,
        rows,
    })
}

impl Table {
    fn cell<'a>(&self, row: &'a Row, col: &str) -> &'a str {
        self.columns
            .get(col)
            .and_then(|(c, _)| row.cells.get(*c as usize - 1))
            .map_or("", String::as_str)
    }

    fn err(&self, row: &Row, col: &str, message: String) -> ParseError {
        let (c, h) = self.columns.get(col).cloned().unwrap_or((1, String::new()));
        located(&self.file, row.line, c, h, message)
    }

    fn text(&self, row: &Row, col: &str) -> String {
        self.cell(row, col).to_string()
    }

    fn opt(&self, row: &Row, col: &str) -> Option<String> {
        Some(self.cell(row, col))
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    }

    fn list(&self, row: &Row, col: &str) -> Vec<String> {
        self.cell(row, col)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    }

    fn number(&self, row: &Row, col: &str) -> Result<Option<u64>, ParseError> {
        let s = self.cell(row, col);
        if s.is_empty() {
            return Ok(None);
        }
        s.parse::<u64>()
            .map(Some)
            .map_err(|_| self.err(row, col, format!("expected a whole number, found \"{s}\"")))
    }

    fn required(&self, row: &Row, col: &str) -> Result<u64, ParseError> {
        self.number(row, col)?.ok_or_else(|| {
            self.err(
                row,
                col,
                "expected a whole number, found an empty cell".into(),
            )
        })
    }
}

/// Where each element of the document came from.
#[derive(Default)]
struct Origins {
    /// Section name → (table, per element: index of its row).
    sections: HashMap<&'static str, (usize, Vec<usize>)>,
}

/// Reads a campus from its CSV sheets, given as (file name, text); a file is recognised by
/// its base name (`courses.csv`, in any folder, any letter case).
pub fn from_csv(files: &[(String, String)]) -> Result<Instance, ParseError> {
    let mut found: Vec<Option<usize>> = vec![None; SHEETS.len()];
    for (i, (name, _)) in files.iter().enumerate() {
        let base = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(name)
            .to_lowercase();
        let Some(k) = SHEETS.iter().position(|s| s.file == base) else {
            return Err(located(
                name,
                1,
                1,
                String::new(),
                format!(
                    "not a campus sheet; expected files named {}",
                    SHEETS.iter().map(|s| s.file).collect::<Vec<_>>().join(", ")
                ),
            ));
        };
        if let Some(j) = found[k] {
            return Err(located(
                name,
                1,
                1,
                String::new(),
                format!("a second {} (the first is {})", SHEETS[k].file, files[j].0),
            ));
        }
        found[k] = Some(i);
    }
    for (k, s) in SHEETS.iter().enumerate() {
        if s.required && found[k].is_none() {
            return Err(located(
                s.file,
                1,
                1,
                String::new(),
                "this sheet is missing; a campus needs calendar.csv, teachers.csv, rooms.csv, groups.csv and courses.csv (pins.csv and weights.csv are optional)".into(),
            ));
        }
    }
    let mut sheets: Vec<Option<(String, Vec<RawRow>)>> = Vec::with_capacity(SHEETS.len());
    for i in found {
        sheets.push(match i {
            Some(i) => Some((files[i].0.clone(), csv_rows(&files[i].0, &files[i].1)?)),
            None => None,
        });
    }
    let name = files
        .first()
        .and_then(|(n, _)| {
            let mut parts = n.rsplit(['/', '\\']);
            parts.next();
            parts.next().map(str::to_string)
        })
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "campus".to_string());
    from_sheets(sheets, name)
}

/// The sheets' names without `.csv`, in the order [`from_sheets`] takes them:
/// `calendar`, `teachers`, `rooms`, `groups`, `courses`, `pins`, `weights`. Only the
/// workbook reader (feature `excel`) needs them.
#[cfg(feature = "excel")]
pub(super) fn sheet_names() -> impl Iterator<Item = (&'static str, bool)> {
    SHEETS
        .iter()
        .map(|s| (s.file.trim_end_matches(".csv"), s.required))
}

/// Reads a campus from the rows of its sheets, one entry per [`sheet_names`] (`None` for
/// an absent optional sheet), each with the name its errors carry (`courses.csv`,
/// `campus.xlsx[courses]`). Both the CSV folder and the workbook come through here, so they
/// follow the same rules and give the same errors.
pub(super) fn from_sheets(
    sheets: Vec<Option<(String, Vec<RawRow>)>>,
    name: String,
) -> Result<Instance, ParseError> {
    debug_assert_eq!(sheets.len(), SHEETS.len());
    let mut tables: Vec<Option<Table>> = Vec::with_capacity(SHEETS.len());
    for (s, found) in SHEETS.iter().zip(sheets) {
        tables.push(match found {
            Some((file, rows)) => Some(table_from_rows(s, &file, rows)?),
            None if s.required => {
                return Err(located(
                    s.file,
                    1,
                    1,
                    String::new(),
                    format!("the sheet {} is missing", s.file),
                ));
            }
            None => None,
        });
    }
    let mut doc = CampusDoc {
        name,
        ..Default::default()
    };
    let mut origins = Origins::default();

    // Calendar: a column of days and, independently, rows of periods.
    let cal = tables[0].as_ref().expect("required sheet");
    let (mut days, mut periods, mut day_rows, mut period_rows) = (vec![], vec![], vec![], vec![]);
    for (ri, row) in cal.rows.iter().enumerate() {
        if let Some(d) = cal.opt(row, "day") {
            days.push(d);
            day_rows.push(ri);
        }
        let (p, s, e) = (
            cal.opt(row, "period"),
            cal.opt(row, "start"),
            cal.opt(row, "end"),
        );
        if p.is_some() || s.is_some() || e.is_some() {
            periods.push(PeriodDoc {
                name: p,
                start: s.unwrap_or_default(),
                end: e.unwrap_or_default(),
            });
            period_rows.push(ri);
        }
    }
    doc.days = Grid::Named(days);
    doc.periods = Grid::Named(periods);
    origins.sections.insert("days", (0, day_rows));
    origins.sections.insert("periods", (0, period_rows));

    doc.teachers = entries(&tables, &mut origins, 1, "teachers", |t, row| {
        Ok(TeacherDoc {
            name: t.text(row, "name"),
            unavailable: t.list(row, "unavailable"),
            preferred: t.list(row, "preferred"),
            max_daily: t.number(row, "max_daily")?,
        })
    })?;
    doc.rooms = entries(&tables, &mut origins, 2, "rooms", |t, row| {
        Ok(RoomDoc {
            name: t.text(row, "name"),
            capacity: t.required(row, "capacity")?,
            kind: t.opt(row, "type"),
            features: t.list(row, "features"),
            unavailable: t.list(row, "unavailable"),
        })
    })?;
    doc.groups = entries(&tables, &mut origins, 3, "groups", |t, row| {
        Ok(GroupDoc {
            name: t.text(row, "name"),
            kind: t.opt(row, "kind"),
            courses: t.list(row, "courses"),
            max_daily: t.number(row, "max_daily")?,
        })
    })?;
    doc.courses = entries(&tables, &mut origins, 4, "courses", |t, row| {
        Ok(CourseDoc {
            name: t.text(row, "name"),
            teachers: t.list(row, "teachers"),
            lectures: t.required(row, "lectures")?,
            duration: t.number(row, "duration")?.unwrap_or(1),
            students: t.required(row, "students")?,
            min_days: t.number(row, "min_days")?.unwrap_or(1),
            room_type: t.opt(row, "room_type"),
            features: t.list(row, "features"),
            rooms: Some(t.list(row, "rooms")).filter(|l| !l.is_empty()),
            unavailable: t.list(row, "unavailable"),
        })
    })?;
    doc.pins = entries(&tables, &mut origins, 5, "pins", |t, row| {
        Ok(PinDoc {
            course: t.text(row, "course"),
            period: t.opt(row, "period"),
            room: t.opt(row, "room"),
        })
    })?;

    if let Some(t) = tables[6].as_ref() {
        let mut w = Weights::default();
        for row in &t.rows {
            let name = normalise(t.cell(row, "component"));
            let v = t.required(row, "weight")?;
            let v = u32::try_from(v)
                .map_err(|_| t.err(row, "weight", format!("the weight {v} is far too large")))?;
            let slot = match name.as_str() {
                "room_capacity" => &mut w.room_capacity,
                "min_working_days" => &mut w.min_working_days,
                "curriculum_compactness" => &mut w.curriculum_compactness,
                "room_stability" => &mut w.room_stability,
                "teacher_preference" => &mut w.teacher_preference,
                "daily_limit" => &mut w.daily_limit,
                "changes" => &mut w.changes,
                _ => {
                    return Err(t.err(
                        row,
                        "component",
                        format!(
                            "no component \"{}\"; expected one of {}",
                            t.cell(row, "component"),
                            WEIGHTS.join(", ")
                        ),
                    ));
                }
            };
            *slot = v;
        }
        doc.weights = Some(w);
        origins.sections.insert("weights", (6, vec![]));
    }

    build(&doc).map_err(|e| locate(&tables, &origins, &e))
}

/// The entries of section `key` of the document, one per row of sheet `k` (none when an
/// optional sheet is absent); each entry's row is recorded in `origins` so a build error
/// names it.
fn entries<T>(
    tables: &[Option<Table>],
    origins: &mut Origins,
    k: usize,
    key: &'static str,
    entry: impl Fn(&Table, &Row) -> Result<T, ParseError>,
) -> Result<Vec<T>, ParseError> {
    let Some(t) = tables[k].as_ref() else {
        return Ok(Vec::new());
    };
    let list = t
        .rows
        .iter()
        .map(|row| entry(t, row))
        .collect::<Result<_, _>>()?;
    origins
        .sections
        .insert(key, (k, (0..t.rows.len()).collect()));
    Ok(list)
}

/// Turns a document path into the sheet, row and column it came from.
fn locate(tables: &[Option<Table>], origins: &Origins, e: &BuildError) -> ParseError {
    let segs = &e.path.0;
    let section = match segs.first() {
        Some(Seg::Key(k)) => *k,
        _ => "courses",
    };
    let Some((ti, rows)) = origins.sections.get(section) else {
        return fallback(tables, &e.path, &e.message);
    };
    let Some(table) = tables[*ti].as_ref() else {
        return fallback(tables, &e.path, &e.message);
    };
    let index = match segs.get(1) {
        Some(Seg::Index(i)) => Some(*i),
        _ => None,
    };
    let field = match (section, segs.get(2)) {
        ("days", _) => "day",
        ("periods", Some(Seg::Key(k))) => k,
        ("periods", _) => "start",
        (_, Some(Seg::Key(k))) => k,
        ("pins", _) => "course",
        _ => "name",
    };
    let field = if field == "name" && section == "periods" {
        "period"
    } else {
        field
    };
    let message = rows_for_paths(tables, origins, &e.message);
    match index
        .and_then(|i| rows.get(i))
        .and_then(|&r| table.rows.get(r))
    {
        Some(row) => table.err(row, field, message),
        None => located(&table.file, 1, 1, String::new(), e.message.clone()),
    }
}

/// Messages refer to other elements as JSON paths ("first as courses[3]"); in sheets that is
/// a row: "first as row 5".
fn rows_for_paths(tables: &[Option<Table>], origins: &Origins, message: &str) -> String {
    let mut out = message.to_string();
    for (section, (ti, rows)) in &origins.sections {
        let Some(table) = tables[*ti].as_ref() else {
            continue;
        };
        for (i, &r) in rows.iter().enumerate() {
            let pat = format!("{section}[{i}]");
            if out.contains(&pat)
                && let Some(row) = table.rows.get(r)
            {
                out = out.replace(&pat, &format!("row {}", row.line));
            }
        }
    }
    out
}

fn fallback(tables: &[Option<Table>], path: &Path, message: &str) -> ParseError {
    let file = tables[4]
        .as_ref()
        .map_or("courses.csv", |t| t.file.as_str());
    let where_ = path.to_string();
    located(file, 1, 1, where_, message.to_string())
}
