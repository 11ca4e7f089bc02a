//! ITC-2019 solution files: reading one against its problem (what the file gets wrong
//! becomes hard violations, as in the official validator, not a refusal) and writing one.
//!
//! A file that is not XML or not shaped like a solution is an [`XmlError`]; a class that is
//! unknown, repeated, at a time or in a room outside its domain, or a student that is
//! unknown, is a [`Violation`] in [`SolutionRead::issues`], and the rest is still scored.

use std::collections::HashMap;
use std::fmt::Write as _;

use quick_xml::events::BytesStart;

use super::error::{XmlError, XmlErrorKind};
use super::eval::{Assignment, Violation};
use super::model::*;
use super::xml::{Step, Walker, parse_bits, parse_u32, tag_name};

/// The `<solution>` attributes: `name` must be the problem's; the rest is informational
/// (run time in seconds, cores, the technique, who made it).
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct SolutionMeta {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub runtime: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cores: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub technique: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub institution: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
}

/// A solution file read against its problem.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolutionRead {
    pub meta: SolutionMeta,
    pub assignment: Assignment,
    /// Hard violations found while reading (name, unknown/duplicate class, time or room
    /// outside the domain, unknown student).
    pub issues: Vec<Violation>,
    /// Things the validator tolerates, in words (rooms given to classes that need none,
    /// repeated students).
    pub notes: Vec<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Ctx {
    Top,
    Solution,
    /// A `<class>`: the dense id when it is one the solution may set, `None` for an unknown
    /// or repeated one (its students are ignored).
    Class(Option<ClassId>),
    Student,
}

/// Reads a solution of `p`. `file` names the file in error messages.
pub fn parse_solution(p: &Problem, bytes: &[u8], file: &str) -> Result<SolutionRead, XmlError> {
    let mut w = Walker::new(bytes, file)?;
    let class_index: HashMap<&str, ClassId> = p
        .classes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i as ClassId))
        .collect();
    let room_index: HashMap<&str, RoomId> = p
        .rooms
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.as_str(), i as RoomId))
        .collect();
    let student_index: HashMap<&str, StudentId> = p
        .students
        .iter()
        .enumerate()
        .map(|(i, s)| (s.id.as_str(), i as StudentId))
        .collect();
    let mut out = SolutionRead {
        meta: SolutionMeta::default(),
        assignment: Assignment::empty(p),
        issues: Vec::new(),
        notes: Vec::new(),
    };
    let mut seen = vec![false; p.classes.len()];
    let mut have_root = false;
    let mut spurious_rooms = 0;
    let mut stack = vec![Ctx::Top];
    loop {
        let (tag, empty) = match w.next()? {
            Step::Eof => break,
            Step::Close => {
                stack.pop();
                continue;
            }
            Step::Open { tag, empty } => (tag, empty),
        };
        let parent = *stack.last().expect("the top context is never popped");
        let name = tag.name();
        let ctx = match (parent, name.as_ref()) {
            (Ctx::Top, _) if have_root => {
                return Err(w.error(
                    "",
                    XmlErrorKind::SecondRoot {
                        found: tag_name(&tag),
                        root: "solution",
                    },
                ));
            }
            (Ctx::Top, "solution") => {
                have_root = true;
                out.meta = meta(&w, &tag)?;
                Ctx::Solution
            }
            (Ctx::Top, _) => {
                return Err(w.error(
                    "",
                    XmlErrorKind::WrongRoot {
                        found: tag_name(&tag),
                        expected: "solution",
                    },
                ));
            }
            (Ctx::Solution, "class") => {
                let el = || "<class>".to_string();
                let [id, days, start, weeks, room] =
                    w.attrs(&tag, ["id", "days", "start", "weeks", "room"], &el)?;
                let id = id.map(|s| s.trim().to_string()).unwrap_or_default();
                match class_index.get(id.as_str()) {
                    None => {
                        out.issues.push(Violation::UnknownClass { id });
                        Ctx::Class(None)
                    }
                    Some(&c) if seen[c as usize] => {
                        out.issues.push(Violation::DuplicateClass { class: c });
                        Ctx::Class(None)
                    }
                    Some(&c) => {
                        seen[c as usize] = true;
                        let time = match (&days, &start) {
                            (Some(d), Some(s)) => find_time(p, c, d, s, weeks.as_deref()),
                            _ => None,
                        };
                        match time {
                            None => out.issues.push(Violation::InvalidTime {
                                class: c,
                                days: days.as_deref().unwrap_or("(none)").to_string(),
                                start: start.as_deref().unwrap_or("(none)").to_string(),
                                weeks: weeks.as_deref().unwrap_or("(all)").to_string(),
                            }),
                            Some(t) => {
                                out.assignment.time[c as usize] = Some(t);
                                let rid = room.as_deref().unwrap_or("").trim();
                                let options = p.rooms_of(c);
                                if options.is_empty() {
                                    spurious_rooms += usize::from(!rid.is_empty());
                                } else if !rid.is_empty() {
                                    let found = room_index
                                        .get(rid)
                                        .and_then(|&r| options.iter().position(|o| o.room == r));
                                    match found {
                                        Some(i) => out.assignment.room[c as usize] = Some(i as u32),
                                        None => out.issues.push(Violation::InvalidRoom {
                                            class: c,
                                            room: rid.to_string(),
                                        }),
                                    }
                                }
                            }
                        }
                        Ctx::Class(Some(c))
                    }
                }
            }
            (Ctx::Class(class), "student") => {
                if let Some(c) = class {
                    let el = || format!("<student> of class '{}'", p.classes[c as usize].id);
                    let [id] = w.attrs(&tag, ["id"], &el)?;
                    let id = id.map(|s| s.trim().to_string()).unwrap_or_default();
                    match student_index.get(id.as_str()) {
                        Some(&s) => out.assignment.students[c as usize].push(s),
                        None => out.issues.push(Violation::UnknownStudent { id, class: c }),
                    }
                }
                Ctx::Student
            }
            (ctx, _) => {
                let (inside, expected) = match ctx {
                    Ctx::Solution => ("solution", "<class>"),
                    Ctx::Class(_) => ("class", "<student>"),
                    _ => ("student", "no child elements"),
                };
                return Err(w.error(
                    "",
                    XmlErrorKind::Unexpected {
                        found: tag_name(&tag),
                        inside,
                        expected,
                    },
                ));
            }
        };
        if !empty {
            stack.push(ctx);
        }
    }
    if !have_root {
        w.pos = 0;
        return Err(w.error(
            "",
            XmlErrorKind::Empty {
                expected: "solution",
            },
        ));
    }
    if out.meta.name != p.name {
        out.issues.insert(
            0,
            Violation::NameMismatch {
                solution: out.meta.name.clone(),
            },
        );
    }
    let mut repeated = 0;
    for list in &mut out.assignment.students {
        let n = list.len();
        list.sort_unstable();
        list.dedup();
        repeated += n - list.len();
    }
    if repeated > 0 {
        out.notes.push(format!(
            "{repeated} repeated student entries within a class were counted once"
        ));
    }
    if spurious_rooms > 0 {
        out.notes.push(format!(
            "{spurious_rooms} class(es) that need no room were given a room; ignored"
        ));
    }
    Ok(out)
}

fn meta(w: &Walker<'_>, tag: &BytesStart<'_>) -> Result<SolutionMeta, XmlError> {
    let el = || "<solution>".to_string();
    let [
        name,
        runtime,
        cores,
        technique,
        author,
        institution,
        country,
    ] = w.attrs(
        tag,
        [
            "name",
            "runtime",
            "cores",
            "technique",
            "author",
            "institution",
            "country",
        ],
        &el,
    )?;
    let own = |v: Option<std::borrow::Cow<'_, str>>| v.map(|s| s.into_owned());
    Ok(SolutionMeta {
        name: name.map(|s| s.trim().to_string()).unwrap_or_default(),
        runtime: own(runtime),
        cores: own(cores),
        technique: own(technique),
        author: own(author),
        institution: own(institution),
        country: own(country),
    })
}

/// The first time option of class `c` with these days, start and weeks (missing weeks:
/// every week), as the validator matches them; `None` when malformed or not in the domain.
fn find_time(p: &Problem, c: ClassId, days: &str, start: &str, weeks: Option<&str>) -> Option<u32> {
    let days = parse_bits(days, p.nr_days)? as u32;
    let start = parse_u32(start)?;
    let weeks = match weeks {
        Some(w) => parse_bits(w, p.nr_weeks)?,
        None => p.all_weeks(),
    };
    p.times(c)
        .iter()
        .position(|o| o.time.days == days && o.time.start == start && o.time.weeks == weeks)
        .map(|i| i as u32)
}

/// Escapes text for an XML attribute value in double quotes.
fn escape(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.contains(['&', '<', '>', '"', '\'']) {
        return s.into();
    }
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            _ => out.push(ch),
        }
    }
    out.into()
}

/// Writes the solution XML: one `<class>` per placed class (days, start, weeks and the room
/// when it has one) with its `<student>`s. `meta.name` should be the problem's name; the
/// other attributes are written when set. A class without a time is left out (the
/// validator then reports it missing).
pub fn write_solution(p: &Problem, a: &Assignment, meta: &SolutionMeta) -> String {
    let mut s = String::with_capacity(64 * p.classes.len() + 16 * p.requests());
    s.push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = write!(s, "<solution name=\"{}\"", escape(&meta.name));
    for (k, v) in [
        ("runtime", &meta.runtime),
        ("cores", &meta.cores),
        ("technique", &meta.technique),
        ("author", &meta.author),
        ("institution", &meta.institution),
        ("country", &meta.country),
    ] {
        if let Some(v) = v {
            let _ = write!(s, " {k}=\"{}\"", escape(v));
        }
    }
    s.push_str(">\n");
    for (c, class) in p.classes.iter().enumerate() {
        let Some(t) = a.time_of(p, c as ClassId) else {
            continue;
        };
        let _ = write!(
            s,
            "  <class id=\"{}\" days=\"{}\" start=\"{}\" weeks=\"{}\"",
            escape(&class.id),
            Problem::bit_string(t.days as u64, p.nr_days),
            t.start,
            Problem::bit_string(t.weeks, p.nr_weeks)
        );
        if let Some(r) = a.room_of(p, c as ClassId) {
            let _ = write!(s, " room=\"{}\"", escape(&p.rooms[r as usize].id));
        }
        let students = &a.students[c];
        if students.is_empty() {
            s.push_str("/>\n");
        } else {
            s.push_str(">\n");
            for &st in students {
                let _ = writeln!(
                    s,
                    "    <student id=\"{}\"/>",
                    escape(&p.students[st as usize].id)
                );
            }
            s.push_str("  </class>\n");
        }
    }
    s.push_str("</solution>\n");
    s
}
