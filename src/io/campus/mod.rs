//! The campus model on disk: a JSON document (`docs/CAMPUS.md`, `schema/campus.schema.json`)
//! and a folder of CSV sheets (`docs/CSV.md`), both resolved by one [`build`] step into an
//! [`Instance`], plus the conversion of any instance back to JSON. A JSON file that uses
//! only CB-CTT features builds exactly the instance its `.ctt` would (same ids, same score).
//!
//! Errors read `file:line:column: where: what` — `where` is the element in JSON
//! (`courses[3].teachers[0]`) and the column header in CSV.

pub mod build;
pub mod csv;
pub mod doc;
mod locate;
#[cfg(feature = "excel")]
pub mod xlsx;

use std::collections::{BTreeMap, HashSet};

pub use self::csv::from_csv;
#[cfg(feature = "excel")]
pub use self::xlsx::{from_xlsx, to_xlsx};
use build::{Grid2, build, format_time};
use doc::{
    CampusDoc, CourseDoc, EcttDoc, Grid, GroupDoc, PeriodDoc, PinDoc, RoomConstraintDoc, RoomDoc,
    TeacherDoc,
};

use super::error::{ConvertError, ParseError, ParseErrorKind};
use crate::model::{Instance, PeriodId, Weights};

fn located(file: &str, line: u32, column: u32, path: String, message: String) -> ParseError {
    ParseError::new(
        file,
        line.max(1),
        ParseErrorKind::Located {
            column: column.max(1),
            path,
            message,
        },
    )
}

/// serde_json's message without its " at line L column C" tail (the position is ours).
fn bare_message(e: &serde_json::Error) -> String {
    let s = e.to_string();
    match s.rfind(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

/// Reads a campus JSON document. `file` is only used in error messages.
pub fn from_json(text: &str, file: &str) -> Result<Instance, ParseError> {
    let (doc, text) = read_doc(text, file)?;
    build_located(&doc, text, file)
}

/// Reads a campus JSON document as written, without resolving it into an instance: room
/// types, features and group kinds are kept (an [`Instance`] has only what they resolve
/// to), so the document can be written again in another form ([`xlsx::to_xlsx`]). It is
/// checked as [`from_json`] checks it, with the same errors.
pub fn doc_from_json(text: &str, file: &str) -> Result<CampusDoc, ParseError> {
    let (doc, text) = read_doc(text, file)?;
    build_located(&doc, text, file)?;
    Ok(doc)
}

fn build_located(doc: &CampusDoc, text: &str, file: &str) -> Result<Instance, ParseError> {
    build(doc).map_err(|e| {
        let (line, col) = locate::line_col(text, locate::offset(text, &e.path));
        located(file, line, col, e.path.to_string(), e.message)
    })
}

/// The document of a campus JSON text (without its byte-order mark, returned with it).
fn read_doc<'t>(text: &'t str, file: &str) -> Result<(CampusDoc, &'t str), ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.trim_start().chars().next();
    if first != Some('{') {
        let off = text.len() - text.trim_start().len();
        let (line, col) = locate::line_col(text, off);
        let found = match first {
            None => "the end of the file".to_string(),
            Some(c) => format!("'{c}'"),
        };
        return Err(located(
            file,
            line,
            col,
            String::new(),
            format!("expected a campus JSON object starting with '{{', found {found}"),
        ));
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let doc: CampusDoc = match serde_path_to_error::deserialize(&mut de) {
        Ok(doc) => doc,
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            // The path of a syntax error is where the parser had got to, often nonsense
            // ("periods[2].end.teachers[3]"): the line and column say it better.
            let data = inner.classify() == serde_json::error::Category::Data;
            let path = if !data || path == "." || path.contains('?') {
                String::new()
            } else {
                path
            };
            let msg = bare_message(&inner);
            return Err(located(
                file,
                inner.line() as u32,
                inner.column() as u32,
                path,
                msg,
            ));
        }
    };
    if let Err(e) = de.end() {
        return Err(located(
            file,
            e.line() as u32,
            e.column() as u32,
            String::new(),
            format!("{} after the campus object", bare_message(&e)),
        ));
    }
    Ok((doc, text))
}

/// The grid of names an instance's periods are written with.
fn grid_of(inst: &Instance) -> Grid2 {
    let ppd = inst.periods_per_day as usize;
    Grid2 {
        day_names: inst.day_names(),
        period_names: (0..ppd).map(|s| inst.period_name(s)).collect(),
        starts: match inst.calendar() {
            Some(c) => c.periods.iter().map(|p| Some(p.start_min)).collect(),
            None => vec![None; ppd],
        },
    }
}

fn unique<'a>(
    what: &'static str,
    names: impl Iterator<Item = &'a str>,
) -> Result<(), ConvertError> {
    let mut seen = HashSet::new();
    for n in names {
        if !seen.insert(n) {
            return Err(ConvertError::DuplicateName {
                what,
                name: n.to_string(),
            });
        }
    }
    Ok(())
}

/// Writes any instance as campus JSON; reading it back gives an instance that scores every
/// timetable exactly as this one (for `.ctt`/`.ectt`: the same instance). Room types and
/// features are not part of an [`Instance`], so a course's suitable rooms are written as
/// its `rooms` list. A reference timetable (re-solve) is not written.
pub fn to_json(inst: &Instance) -> Result<String, ConvertError> {
    let doc = to_doc(inst)?;
    write_doc(&doc)
}

/// Writes a document with one top-level member per line and one list element per line,
/// each element compact: a campus of hundreds of courses stays readable and diffs line by
/// line. Members keep the order of [`CampusDoc`]'s fields.
pub fn write_doc(doc: &CampusDoc) -> Result<String, ConvertError> {
    fn j<T: serde::Serialize + ?Sized>(v: &T) -> Result<String, ConvertError> {
        serde_json::to_string(v).map_err(|e| ConvertError::Json(e.to_string()))
    }
    fn list<T: serde::Serialize>(items: &[T]) -> Result<String, ConvertError> {
        if items.is_empty() {
            return Ok("[]".to_string());
        }
        let lines: Result<Vec<String>, ConvertError> = items
            .iter()
            .map(|x| j(x).map(|s| format!("    {s}")))
            .collect();
        Ok(format!("[\n{}\n  ]", lines?.join(",\n")))
    }
    let mut members: Vec<(&str, String)> = Vec::new();
    if let Some(s) = &doc.schema {
        members.push(("$schema", j(s)?));
    }
    members.push(("name", j(&doc.name)?));
    members.push(("days", j(&doc.days)?));
    members.push((
        "periods",
        match &doc.periods {
            Grid::Named(p) => list(p)?,
            count => j(count)?,
        },
    ));
    members.push(("teachers", list(&doc.teachers)?));
    members.push(("rooms", list(&doc.rooms)?));
    members.push(("groups", list(&doc.groups)?));
    members.push(("courses", list(&doc.courses)?));
    if !doc.pins.is_empty() {
        members.push(("pins", list(&doc.pins)?));
    }
    if let Some(w) = &doc.weights {
        members.push(("weights", j(w)?));
    }
    if let Some(e) = &doc.ectt {
        members.push(("ectt", j(e)?));
    }
    let body: Vec<String> = members
        .into_iter()
        .map(|(k, v)| format!("  \"{k}\": {v}"))
        .collect();
    Ok(format!("{{\n{}\n}}\n", body.join(",\n")))
}

/// The document [`to_json`] writes.
pub fn to_doc(inst: &Instance) -> Result<CampusDoc, ConvertError> {
    unique("teacher", inst.teachers.iter().map(String::as_str))?;
    unique("room", inst.rooms.iter().map(|r| r.name.as_str()))?;
    unique("course", inst.courses.iter().map(|c| c.name.as_str()))?;
    unique("group", inst.curricula.iter().map(|c| c.name.as_str()))?;
    let g = grid_of(inst);
    unique("day", g.day_names.iter().map(String::as_str))?;
    unique("period", g.period_names.iter().map(String::as_str))?;
    // Every period must read back as itself ("Mon 1st" must not also mean another).
    let name = |p: PeriodId| -> Result<String, ConvertError> {
        let s = g.name(p);
        match g.resolve(&s, false) {
            Ok(v) if v == [p] => Ok(s),
            _ => Err(ConvertError::BadName {
                what: "period",
                name: s,
                format: "campus JSON",
                why: "it does not read back as one period (a day or period name is blank, padded or ambiguous)",
            }),
        }
    };
    let names = |list: &mut dyn Iterator<Item = PeriodId>| -> Result<Vec<String>, ConvertError> {
        list.map(name).collect()
    };

    let (days, periods) = match inst.calendar() {
        None => (
            Grid::Count(inst.days as u64),
            Grid::Count(inst.periods_per_day as u64),
        ),
        Some(c) => (
            Grid::Named(c.day_names.clone()),
            Grid::Named(
                c.periods
                    .iter()
                    .map(|p| PeriodDoc {
                        name: (p.name != format_time(p.start_min)).then(|| p.name.clone()),
                        start: format_time(p.start_min),
                        end: format_time(p.end_min),
                    })
                    .collect(),
            ),
        ),
    };
    let campus = &inst.campus;
    let mut teachers = Vec::with_capacity(inst.teachers.len());
    for (t, n) in inst.teachers.iter().enumerate() {
        let t = t as u16;
        teachers.push(TeacherDoc {
            name: n.clone(),
            unavailable: names(
                &mut campus
                    .teacher_unavailable
                    .iter()
                    .filter(|x| x.0.0 == t)
                    .map(|x| x.1),
            )?,
            preferred: names(
                &mut campus
                    .teacher_preferred
                    .iter()
                    .filter(|x| x.0.0 == t)
                    .map(|x| x.1),
            )?,
            max_daily: campus
                .teacher_max_daily
                .iter()
                .rev()
                .find(|x| x.0.0 == t)
                .map(|x| x.1 as u64),
        });
    }
    let mut rooms = Vec::with_capacity(inst.rooms.len());
    for (r, room) in inst.rooms.iter().enumerate() {
        rooms.push(RoomDoc {
            name: room.name.clone(),
            capacity: room.capacity as u64,
            kind: None,
            features: Vec::new(),
            unavailable: names(
                &mut campus
                    .room_unavailable
                    .iter()
                    .filter(|x| x.0.idx() == r)
                    .map(|x| x.1),
            )?,
        });
    }
    let mut courses = Vec::with_capacity(inst.courses.len());
    for (ci, c) in inst.courses.iter().enumerate() {
        courses.push(CourseDoc {
            name: c.name.clone(),
            teachers: c
                .teachers()
                .map(|t| inst.teachers[t.idx()].clone())
                .collect(),
            lectures: c.lectures as u64,
            duration: c.duration as u64,
            students: c.students as u64,
            min_days: c.min_working_days as u64,
            room_type: None,
            features: Vec::new(),
            rooms: c
                .rooms
                .as_ref()
                .map(|l| l.iter().map(|r| inst.rooms[r.idx()].name.clone()).collect()),
            unavailable: names(
                &mut inst
                    .unavailable_list
                    .iter()
                    .filter(|x| x.0.idx() == ci)
                    .map(|x| x.1),
            )?,
        });
    }
    let groups = inst
        .curricula
        .iter()
        .enumerate()
        .map(|(gi, q)| GroupDoc {
            name: q.name.clone(),
            kind: None,
            courses: q
                .courses
                .iter()
                .map(|c| inst.courses[c.idx()].name.clone())
                .collect(),
            max_daily: campus
                .curriculum_max_daily
                .iter()
                .rev()
                .find(|x| x.0.idx() == gi)
                .map(|x| x.1 as u64),
        })
        .collect();
    let mut pins = Vec::with_capacity(campus.pins.len());
    for p in &campus.pins {
        pins.push(PinDoc {
            course: inst.courses[p.course.idx()].name.clone(),
            period: p.period.map(name).transpose()?,
            room: p.room.map(|r| inst.rooms[r.idx()].name.clone()),
        });
    }
    let ectt = inst.extension.as_ref().map(|e| EcttDoc {
        min_daily_lectures: e.min_daily_lectures as u64,
        max_daily_lectures: e.max_daily_lectures as u64,
        room_constraints: e
            .room_constraints
            .iter()
            .map(|(c, r)| RoomConstraintDoc {
                course: inst.courses[c.idx()].name.clone(),
                room: inst.rooms[r.idx()].name.clone(),
            })
            .collect(),
        double_lectures: inst
            .courses
            .iter()
            .filter(|c| c.double_lectures)
            .map(|c| c.name.clone())
            .collect(),
        buildings: inst
            .rooms
            .iter()
            .filter_map(|r| r.building.map(|b| (r.name.clone(), b as u64)))
            .collect::<BTreeMap<_, _>>(),
    });
    Ok(CampusDoc {
        schema: None,
        name: inst.name.clone(),
        days,
        periods,
        teachers,
        rooms,
        groups,
        courses,
        pins,
        weights: (campus.weights != Weights::default()).then_some(campus.weights),
        ectt,
    })
}
