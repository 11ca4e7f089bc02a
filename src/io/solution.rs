//! The ITC-2007 solution format: one `CourseID RoomID Day Period` line per scheduled
//! lecture. Reading follows the official validator (FORMAT.md §2): an unknown course or
//! room, a day or period out of range, or a second lecture of a course in a period it
//! already has is skipped with a warning, never fatal. A line that is not four fields, or
//! whose day/period is not a whole number, is an error: the validator would silently stop
//! reading there, which hides the rest of the file.

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use serde::Serialize;

use super::error::{ParseError, ParseErrorKind};
use super::tokens::{Token, decode, parse_uint};
use crate::model::{CourseId, Instance, PeriodId, Slot, Timetable};

/// A solution line that was skipped, as the validator would skip it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SolutionWarning {
    /// 1-based line in the solution file.
    pub line: u32,
    pub kind: WarningKind,
}

/// Why a line was skipped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum WarningKind {
    UnknownCourse {
        course: String,
    },
    UnknownRoom {
        room: String,
    },
    DayOutOfRange {
        day: u64,
    },
    PeriodOutOfRange {
        period: u64,
    },
    Repeated {
        course: String,
        day: u64,
        period: u64,
    },
}

impl fmt::Display for SolutionWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: ", self.line)?;
        match &self.kind {
            WarningKind::UnknownCourse { course } => {
                write!(f, "Nonexisting course {course} (entry skipped)")
            }
            WarningKind::UnknownRoom { room } => {
                write!(f, "Nonexisting room {room} (entry skipped)")
            }
            WarningKind::DayOutOfRange { day } => {
                write!(f, "Nonexisting day {day} (entry skipped)")
            }
            WarningKind::PeriodOutOfRange { period } => {
                write!(f, "Nonexisting period {period} (entry skipped)")
            }
            WarningKind::Repeated {
                course,
                day,
                period,
            } => write!(
                f,
                "Repeated entry: course {course} already has a lecture at day {day} period {period} (entry skipped)"
            ),
        }
    }
}

/// Reads a solution of `inst`. Lectures of a course beyond its `NumLectures` are kept as
/// extra lectures (they cost a Lectures violation each, as in the validator). Campus names
/// with spaces are read back (see below), and pinned lectures are aligned with their pins
/// ([`Timetable::align_pins`]).
pub fn parse_solution(
    inst: &Instance,
    bytes: &[u8],
    file: &str,
) -> Result<(Timetable, Vec<SolutionWarning>), ParseError> {
    let text = decode(bytes, file)?;
    let np = inst.n_periods();
    let mut slots = vec![Slot::UNSCHEDULED; inst.n_lectures()];
    let mut next_free: Vec<usize> = (0..inst.courses.len())
        .map(|c| inst.lectures_of(CourseId(c as u16)).start)
        .collect();
    let mut extra: Vec<(CourseId, Slot)> = Vec::new();
    let mut taken: HashSet<usize> = HashSet::new();
    let mut warnings = Vec::new();
    let longest = Longest::of(inst);

    for (i, line) in text.lines().enumerate() {
        let ln = i as u32 + 1;
        let fields: Vec<&str> = line.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let bad_fields = || {
            ParseError::new(
                file,
                ln,
                ParseErrorKind::SolutionFields {
                    found: fields.len(),
                },
            )
        };
        if fields.len() < 4 {
            return Err(bad_fields());
        }
        // Campus names may hold spaces ("Lagoon Hall 2"): with more than four fields, the
        // line is read as "COURSE ROOM DAY PERIOD" if exactly one split of the leading
        // fields names a course and a room of the instance.
        let n = fields.len();
        let (course_name, room_name) = if n == 4 {
            (fields[0].to_string(), fields[1].to_string())
        } else {
            split_names(inst, &fields[..n - 2], longest).ok_or_else(bad_fields)?
        };
        let fields = [
            course_name.as_str(),
            room_name.as_str(),
            fields[n - 2],
            fields[n - 1],
        ];
        // A whole number too large for a u64 is still a day/period out of range: a warning
        // like any other (shown as u64::MAX), not an error.
        let num = |text, what| match parse_uint(Token { text, line: ln }, what, u64::MAX, file) {
            Err(ParseError {
                kind: ParseErrorKind::TooLarge { .. },
                ..
            }) => Ok(u64::MAX),
            r => r,
        };
        let day = num(fields[2], "the day")?;
        let slot = num(fields[3], "the period")?;
        let warn = |kind| SolutionWarning { line: ln, kind };
        let Some(c) = inst.course_by_name(fields[0]) else {
            warnings.push(warn(WarningKind::UnknownCourse {
                course: fields[0].to_string(),
            }));
            continue;
        };
        let Some(r) = inst.room_by_name(fields[1]) else {
            warnings.push(warn(WarningKind::UnknownRoom {
                room: fields[1].to_string(),
            }));
            continue;
        };
        if day >= inst.days as u64 {
            warnings.push(warn(WarningKind::DayOutOfRange { day }));
            continue;
        }
        if slot >= inst.periods_per_day as u64 {
            warnings.push(warn(WarningKind::PeriodOutOfRange { period: slot }));
            continue;
        }
        let p = inst.period_at(day as usize, slot as usize);
        if !taken.insert(c.idx() * np + p.idx()) {
            warnings.push(warn(WarningKind::Repeated {
                course: fields[0].to_string(),
                day,
                period: slot,
            }));
            continue;
        }
        let s = Slot::at(p, r);
        let l = next_free[c.idx()];
        if l < inst.lectures_of(c).end {
            slots[l] = s;
            next_free[c.idx()] += 1;
        } else {
            extra.push((c, s));
        }
    }

    let mut tt = if extra.is_empty() {
        Timetable::from_parts(inst.lecture_courses().clone(), slots)
    } else {
        let mut courses: Vec<CourseId> = inst.lecture_courses().to_vec();
        for (c, s) in extra {
            courses.push(c);
            slots.push(s);
        }
        Timetable::from_parts(Arc::from(courses), slots)
    };
    // A file lists a course's lectures in any order; a pin belongs to the lecture that
    // stands where the pin says (the pins sit on the course's last lectures).
    tt.align_pins(inst);
    Ok((tt, warnings))
}

/// The longest course and room names of an instance, in bytes: no name of a line can be
/// longer, which bounds the work of [`split_names`].
#[derive(Clone, Copy)]
struct Longest {
    course: usize,
    room: usize,
}

impl Longest {
    fn of(inst: &Instance) -> Longest {
        Longest {
            course: inst.courses.iter().map(|c| c.name.len()).max().unwrap_or(0),
            room: inst.rooms.iter().map(|r| r.name.len()).max().unwrap_or(0),
        }
    }
}

/// The one split of `lead` (the fields before day and period) into a course name and a
/// room name of `inst`, the fields of each joined by single spaces; `None` when no split
/// or more than one names a course and a room.
///
/// Linear in the line: a line whose leading fields are longer than the longest course
/// and room names together is refused before anything is joined, and otherwise the fields
/// are joined once and every split is a pair of slices of that text (the first version
/// joined the fields anew for every split: quadratic, about 10^11 byte copies for a 1 MB
/// line). The lookups hash at most that bounded text once per split.
fn split_names(inst: &Instance, lead: &[&str], longest: Longest) -> Option<(String, String)> {
    let len = lead.iter().map(|f| f.len()).sum::<usize>() + lead.len().saturating_sub(1);
    if len > longest.course + 1 + longest.room {
        return None;
    }
    let joined = lead.join(" ");
    let mut found = None;
    let mut at = 0;
    for f in &lead[..lead.len() - 1] {
        at += f.len();
        let (c, r) = (&joined[..at], &joined[at + 1..]);
        at += 1;
        if c.len() > longest.course || r.len() > longest.room {
            continue;
        }
        if inst.course_by_name(c).is_some() && inst.room_by_name(r).is_some() {
            if found.is_some() {
                return None;
            }
            found = Some((c.to_string(), r.to_string()));
        }
    }
    found
}

/// Writes the scheduled lectures of `tt` in the validator's format, ordered by course,
/// day and period so that equal timetables give equal files.
pub fn write_solution(inst: &Instance, tt: &Timetable) -> String {
    let mut rows: Vec<(CourseId, PeriodId, usize)> =
        tt.scheduled().map(|(_, c, p, r)| (c, p, r.idx())).collect();
    rows.sort_unstable();
    let mut out = String::with_capacity(rows.len() * 16);
    for (c, p, r) in rows {
        use std::fmt::Write;
        let _ = writeln!(
            out,
            "{} {} {} {}",
            inst.courses[c.idx()].name,
            inst.rooms[r].name,
            inst.day_of(p),
            inst.period_of_day(p)
        );
    }
    out
}
