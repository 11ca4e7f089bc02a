//! Exports of a timetable for the people who use it, not for the validator: one row per
//! lecture with names (the page's grids and CSV are built from these rows), CSV, and an
//! iCalendar week template. The ITC `.sol` format stays in [`crate::io`].
//!
//! Everything here is computed from an [`Instance`] and a [`Timetable`], so the page, the
//! CLI and the tests see the same rows; the web bindings only convert them.

pub mod view;
#[cfg(feature = "excel")]
pub mod xlsx;

use serde::Serialize;
use thiserror::Error;

use crate::model::{Instance, Timetable};

/// One scheduled lecture, by name. `day` and `period` are 0-based, as in `.sol` files; a
/// lecture of several consecutive periods is one row at its first period, with its
/// `duration`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LectureRow {
    /// The lecture's index in the instance (stable for an instance; the page uses it to
    /// pin this very lecture).
    pub lecture: usize,
    pub course: String,
    /// The course's main teacher (the `.ctt` teacher).
    pub teacher: String,
    /// Every teacher of the course: the main teacher first, then the co-teachers.
    pub teachers: Vec<String>,
    pub room: String,
    pub day: usize,
    pub period: usize,
    /// The instance's names for the day and the first period ("Monday", "08:00"; for a
    /// `.ctt` instance "Day 1", "Period 1").
    pub day_name: String,
    pub period_name: String,
    /// Consecutive periods the lecture occupies (1 for every `.ctt` course).
    pub duration: u16,
    /// Clock times from the instance's calendar, minutes after midnight: the start of the
    /// first period and the end of the last occupied one. `None` when the instance has no
    /// times (a `.ctt`).
    pub start_min: Option<u32>,
    pub end_min: Option<u32>,
    /// The curricula (student groups) the course belongs to, in instance order.
    pub curricula: Vec<String>,
    /// Students of the course and seats of the room, so a grid can flag an overfull room.
    pub students: u32,
    pub capacity: u32,
    /// True when the office pinned this lecture (solvers never move it).
    pub pinned: bool,
}

/// The calendar's (start, end) minutes of `first..first + duration` periods of a day, when
/// the instance has a calendar with one time per period. A lecture that would run past the
/// day ends with the day's last period.
fn clock_times(inst: &Instance, first: usize, duration: u16) -> Option<(u32, u32)> {
    let cal = inst.calendar()?;
    if cal.periods.len() != usize::from(inst.periods_per_day) || cal.periods.is_empty() {
        return None;
    }
    let last = (first + usize::from(duration.max(1)) - 1).min(cal.periods.len() - 1);
    let (a, b) = (cal.periods.get(first)?, &cal.periods[last]);
    Some((u32::from(a.start_min), u32::from(b.end_min)))
}

/// The scheduled lectures of `tt` as rows, ordered by day, period, course and room so that
/// equal timetables give equal exports. Unscheduled lectures have no row.
pub fn lecture_rows(inst: &Instance, tt: &Timetable) -> Vec<LectureRow> {
    let mut rows: Vec<LectureRow> = tt
        .scheduled()
        .map(|(l, c, p, r)| {
            let course = &inst.courses[c.idx()];
            let room = &inst.rooms[r.idx()];
            let (day, period) = (inst.day_of(p), inst.period_of_day(p));
            let times = clock_times(inst, period, course.duration);
            LectureRow {
                lecture: l.idx(),
                course: course.name.clone(),
                teacher: inst.teachers[course.teacher.idx()].clone(),
                teachers: course
                    .teachers()
                    .map(|t| inst.teachers[t.idx()].clone())
                    .collect(),
                room: room.name.clone(),
                day,
                period,
                day_name: inst.day_name(day),
                period_name: inst.period_name(period),
                duration: course.duration.max(1),
                start_min: times.map(|t| t.0),
                end_min: times.map(|t| t.1),
                curricula: inst
                    .curricula_of(c)
                    .iter()
                    .map(|g| inst.curricula[g.idx()].name.clone())
                    .collect(),
                students: course.students,
                capacity: room.capacity,
                pinned: inst.is_pinned(l.idx()),
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.day, a.period, &a.course, &a.room, a.lecture)
            .cmp(&(b.day, b.period, &b.course, &b.room, b.lecture))
    });
    rows
}

/// Whose timetable an export holds: everything, or one student group, teacher or room.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entity {
    All,
    Curriculum(String),
    Teacher(String),
    Room(String),
}

impl Entity {
    /// Reads the page's choice: `kind` is `""`/`"all"`, `"curriculum"`, `"teacher"` or
    /// `"room"`, and `name` must name one of that kind in `inst` (so a typo is an error, not
    /// an empty calendar).
    pub fn parse(inst: &Instance, kind: &str, name: &str) -> Result<Entity, ExportError> {
        fn known<'a>(mut names: impl Iterator<Item = &'a String>, name: &str) -> bool {
            names.any(|n| n == name)
        }
        let unknown = || ExportError::UnknownEntity {
            kind: kind.to_string(),
            name: name.to_string(),
        };
        match kind {
            "" | "all" => Ok(Entity::All),
            "curriculum" if known(inst.curricula.iter().map(|g| &g.name), name) => {
                Ok(Entity::Curriculum(name.to_string()))
            }
            "teacher" if known(inst.teachers.iter(), name) => Ok(Entity::Teacher(name.to_string())),
            "room" if known(inst.rooms.iter().map(|r| &r.name), name) => {
                Ok(Entity::Room(name.to_string()))
            }
            "curriculum" | "teacher" | "room" => Err(unknown()),
            _ => Err(ExportError::UnknownKind(kind.to_string())),
        }
    }

    /// True when `row` belongs to this entity's timetable (a teacher: any of the course's
    /// teachers).
    pub fn has(&self, row: &LectureRow) -> bool {
        match self {
            Entity::All => true,
            Entity::Curriculum(g) => row.curricula.iter().any(|c| c == g),
            Entity::Teacher(t) => row.teachers.iter().any(|x| x == t),
            Entity::Room(r) => &row.room == r,
        }
    }

    /// A label for the calendar's name ("teacher Rosa"); empty for everything.
    pub fn label(&self) -> String {
        match self {
            Entity::All => String::new(),
            Entity::Curriculum(g) => format!("group {g}"),
            Entity::Teacher(t) => format!("teacher {t}"),
            Entity::Room(r) => format!("room {r}"),
        }
    }
}

/// The rows of one entity's timetable, in the order of `rows`.
pub fn rows_of(rows: &[LectureRow], entity: &Entity) -> Vec<LectureRow> {
    rows.iter().filter(|r| entity.has(r)).cloned().collect()
}

/// `HH:MM` for minutes after midnight.
pub fn fmt_time(minutes: u32) -> String {
    format!("{:02}:{:02}", (minutes / 60) % 24, minutes % 60)
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
///
/// A value that a spreadsheet would read as a formula (it starts with `=`, `+`, `-`, `@`,
/// a tab or a carriage return: a course named `=HYPERLINK(...)` would run when the file is
/// opened) gets a leading `'`, as OWASP's "CSV injection" advice says; spreadsheets show
/// the text as it was, and a program reading the CSV sees the `'`. Every text field goes
/// through here, so no column is left out.
pub(crate) fn csv_field(s: &str) -> String {
    let guarded;
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        guarded = format!("'{s}");
        guarded.as_str()
    } else {
        s
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// A list of names as one CSV field's text: the names joined by `;`, where a `;` inside a
/// name is written `\;` and a `\` as `\\` (the escaping iCalendar uses for the same
/// characters), so that splitting at the unescaped `;` gives back every name exactly.
fn csv_list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| n.replace('\\', "\\\\").replace(';', "\\;"))
        .collect::<Vec<_>>()
        .join(";")
}

/// CSV with a header and one line per lecture: `course,teacher,room,day,period,curricula`
/// (the columns of the first version, unchanged, so older consumers keep working), then
/// `teachers,day_name,period_name,start,end,duration,pinned`. Lists (curricula, teachers)
/// are separated by `;` in one field, a `;` or `\` inside a name escaped with `\`
/// ([`csv_list`]); a text starting like a formula is prefixed with `'` ([`csv_field`]);
/// `start`/`end` are `HH:MM` from the instance's calendar, empty when it has none. Lines
/// end with CRLF (RFC 4180), which spreadsheet programs read everywhere.
pub fn to_csv(rows: &[LectureRow]) -> String {
    let mut out = String::from(
        "course,teacher,room,day,period,curricula,teachers,day_name,period_name,start,end,duration,pinned\r\n",
    );
    for r in rows {
        let fields = [
            csv_field(&r.course),
            csv_field(&r.teacher),
            csv_field(&r.room),
            r.day.to_string(),
            r.period.to_string(),
            csv_field(&csv_list(&r.curricula)),
            csv_field(&csv_list(&r.teachers)),
            csv_field(&r.day_name),
            csv_field(&r.period_name),
            r.start_min.map(fmt_time).unwrap_or_default(),
            r.end_min.map(fmt_time).unwrap_or_default(),
            r.duration.to_string(),
            if r.pinned { "yes" } else { "no" }.to_string(),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// A bad setting for the calendar export.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ExportError {
    #[error("start date '{0}' is not a date of the form YYYY-MM-DD")]
    BadDate(String),
    #[error("period time '{0}' is not a time of the form HH:MM")]
    BadTime(String),
    #[error("{given} period start time(s) given, but the instance has {needed} periods a day")]
    PeriodCount { given: usize, needed: usize },
    #[error("lecture length {0} minutes is out of range (1..=1440)")]
    BadLength(u32),
    #[error("weeks {0} is out of range (1..=60)")]
    BadWeeks(u32),
    #[error("no {kind} named '{name}' in this instance")]
    UnknownEntity { kind: String, name: String },
    #[error("'{0}' is not a kind of timetable (expected all, curriculum, teacher or room)")]
    UnknownKind(String),
}

/// A calendar date (proleptic Gregorian).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date {
    pub year: i32,
    pub month: u32,
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD` (the value of an HTML date input).
    pub fn parse(s: &str) -> Result<Date, ExportError> {
        let bad = || ExportError::BadDate(s.to_string());
        let mut it = s.trim().splitn(3, '-');
        let (y, m, d) = (
            it.next().ok_or_else(bad)?,
            it.next().ok_or_else(bad)?,
            it.next().ok_or_else(bad)?,
        );
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let date = Date {
            year: y.parse().map_err(|_| bad())?,
            month: m.parse().map_err(|_| bad())?,
            day: d.parse().map_err(|_| bad())?,
        };
        if !(1..=12).contains(&date.month)
            || date.day < 1
            || date.day > days_in_month(date.year, date.month)
        {
            return Err(bad());
        }
        Ok(date)
    }

    /// The date `n` days later.
    pub fn plus_days(self, n: i64) -> Date {
        from_days(to_days(self) + n)
    }
}

fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        2 if is_leap(y) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 (H. Hinnant's `days_from_civil`).
pub(crate) fn to_days(d: Date) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(d.month);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The inverse of [`to_days`] (`civil_from_days`).
fn from_days(z: i64) -> Date {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
    Date { year, month, day }
}

/// A time of day in minutes after midnight, from `HH:MM`.
pub fn parse_time(s: &str) -> Result<u32, ExportError> {
    let bad = || ExportError::BadTime(s.trim().to_string());
    let (h, m) = s.trim().split_once(':').ok_or_else(bad)?;
    let (h, m): (u32, u32) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 || s.trim().len() > 5 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// How the calendar places the week template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IcsOptions {
    /// The calendar date of day 0; day `d` is `d` days later.
    pub start: Date,
    /// Start of each period of the day, minutes after midnight (one per period).
    pub period_starts: Vec<u32>,
    /// Length of one lecture in minutes.
    pub length_minutes: u32,
    /// How many weeks the events repeat (1 = just the template week).
    pub weeks: u32,
}

impl IcsOptions {
    /// Reads the form the page shows: a `YYYY-MM-DD` date and comma- or space-separated
    /// `HH:MM` start times, checked against the instance's periods per day.
    pub fn parse(
        inst: &Instance,
        start: &str,
        period_starts: &str,
        length_minutes: u32,
        weeks: u32,
    ) -> Result<IcsOptions, ExportError> {
        let start = Date::parse(start)?;
        let period_starts = period_starts
            .split([',', ' ', ';'])
            .filter(|s| !s.trim().is_empty())
            .map(parse_time)
            .collect::<Result<Vec<u32>, _>>()?;
        let needed = usize::from(inst.periods_per_day);
        if period_starts.len() != needed {
            return Err(ExportError::PeriodCount {
                given: period_starts.len(),
                needed,
            });
        }
        if !(1..=1440).contains(&length_minutes) {
            return Err(ExportError::BadLength(length_minutes));
        }
        if !(1..=60).contains(&weeks) {
            return Err(ExportError::BadWeeks(weeks));
        }
        Ok(IcsOptions {
            start,
            period_starts,
            length_minutes,
            weeks,
        })
    }
}

impl IcsOptions {
    /// True when the instance's calendar gives a clock time to every period, so the
    /// calendar export takes its times from the instance and not from the page's settings.
    pub fn instance_has_times(inst: &Instance) -> bool {
        clock_times(inst, 0, 1).is_some()
    }

    /// The page's settings for `inst`: when the instance has times
    /// ([`IcsOptions::instance_has_times`]), only `start` and `weeks` are read and the
    /// period starts and lecture length come from its calendar (each lecture then ends when
    /// its last period ends); otherwise as [`IcsOptions::parse`].
    pub fn for_instance(
        inst: &Instance,
        start: &str,
        period_starts: &str,
        length_minutes: u32,
        weeks: u32,
    ) -> Result<IcsOptions, ExportError> {
        let Some(cal) = inst.calendar().filter(|_| Self::instance_has_times(inst)) else {
            return Self::parse(inst, start, period_starts, length_minutes, weeks);
        };
        let start = Date::parse(start)?;
        if !(1..=60).contains(&weeks) {
            return Err(ExportError::BadWeeks(weeks));
        }
        let p0 = &cal.periods[0];
        Ok(IcsOptions {
            start,
            period_starts: cal.periods.iter().map(|p| u32::from(p.start_min)).collect(),
            length_minutes: u32::from(p0.end_min.saturating_sub(p0.start_min)).max(1),
            weeks,
        })
    }
}

/// Escapes a TEXT value (RFC 5545 §3.3.11).
pub(crate) fn ics_text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            _ => out.push(ch),
        }
    }
    out
}

/// Appends a content line, folded at 75 octets (RFC 5545 §3.1), with CRLF.
pub(crate) fn ics_line(out: &mut String, line: &str) {
    let mut width = 0;
    for ch in line.chars() {
        let n = ch.len_utf8();
        if width + n > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(ch);
        width += n;
    }
    out.push_str("\r\n");
}

/// A floating local date-time (no time zone: the lectures happen at these wall-clock
/// times wherever the calendar is opened), `YYYYMMDDTHHMMSS`.
pub(crate) fn ics_datetime(d: Date, minutes: u32) -> String {
    format!(
        "{:04}{:02}{:02}T{:02}{:02}00",
        d.year,
        d.month,
        d.day,
        minutes / 60,
        minutes % 60
    )
}

/// An iCalendar file with one event per lecture of the week template: day `d` of the
/// instance is `opts.start + d` days. A lecture's clock times come from the instance's
/// calendar when it has them (`LectureRow::start_min`/`end_min`), else period `p` starts at
/// `opts.period_starts[p]` and a lecture ends `opts.length_minutes` after the start of its
/// last occupied period. Events repeat weekly `opts.weeks` times. UIDs depend only on the
/// lecture (instance, course, day, period, room), so importing an improved timetable again
/// updates the events instead of duplicating them, and one lecture has the same UID in the
/// calendars of its group, teacher and room. The names enter a UID as hashes of their
/// exact text ([`uid_hash`]), so names that differ in any character (`数学` and `物理`,
/// `A-B`+`C` and `A`+`B-C`) give different UIDs.
pub fn to_ics(inst: &Instance, rows: &[LectureRow], opts: &IcsOptions) -> String {
    to_ics_of(inst, rows, opts, &Entity::All)
}

/// The opening lines of every iCalendar file Atoll writes (a `.ctt`/campus or an ITC-2019
/// timetable).
pub(crate) fn ics_header(out: &mut String) {
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Atoll//course timetable//EN",
        "CALSCALE:GREGORIAN",
    ] {
        ics_line(out, l);
    }
}

/// [`to_ics`] for one entity's timetable: only its lectures, and its name in the calendar's
/// name (`X-WR-CALNAME`).
pub fn to_ics_of(
    inst: &Instance,
    rows: &[LectureRow],
    opts: &IcsOptions,
    entity: &Entity,
) -> String {
    let mut out = String::new();
    ics_header(&mut out);
    let label = entity.label();
    let cal_name = if label.is_empty() {
        inst.name.clone()
    } else {
        format!("{} — {label}", inst.name)
    };
    ics_line(&mut out, &format!("X-WR-CALNAME:{}", ics_text(&cal_name)));
    let stamp = format!("{}Z", ics_datetime(opts.start, 0));
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for r in rows.iter().filter(|r| entity.has(r)) {
        let date = opts.start.plus_days(r.day as i64);
        let (begin, end) = match (r.start_min, r.end_min) {
            (Some(b), Some(e)) if e > b => (b, e),
            _ => {
                let at = |p: usize| {
                    opts.period_starts
                        .get(p)
                        .or(opts.period_starts.last())
                        .copied()
                        .unwrap_or(0)
                };
                let last = r.period + usize::from(r.duration.max(1)) - 1;
                (
                    at(r.period),
                    at(last).max(at(r.period)) + opts.length_minutes,
                )
            }
        };
        let end_date = date.plus_days(i64::from(end / 1440));
        // Two lectures of a course in the same period and room (an infeasible timetable)
        // are told apart by a counter.
        let base = format!(
            "{}-d{}p{}-{}-{}",
            uid_hash(&inst.name),
            r.day,
            r.period,
            uid_hash(&r.course),
            uid_hash(&r.room)
        );
        let n = seen.entry(base.clone()).or_insert(0);
        *n += 1;
        let uid = if *n == 1 {
            format!("{base}@atoll")
        } else {
            format!("{base}-{n}@atoll")
        };
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(&mut out, &format!("UID:{uid}"));
        ics_line(&mut out, &format!("DTSTAMP:{stamp}"));
        ics_line(&mut out, &format!("DTSTART:{}", ics_datetime(date, begin)));
        ics_line(
            &mut out,
            &format!("DTEND:{}", ics_datetime(end_date, end % 1440)),
        );
        if opts.weeks > 1 {
            ics_line(&mut out, &format!("RRULE:FREQ=WEEKLY;COUNT={}", opts.weeks));
        }
        ics_line(&mut out, &format!("SUMMARY:{}", ics_text(&r.course)));
        ics_line(&mut out, &format!("LOCATION:{}", ics_text(&r.room)));
        let desc = format!(
            "{}: {}\nGroups: {}\n{}, {}",
            if r.teachers.len() > 1 {
                "Teachers"
            } else {
                "Teacher"
            },
            r.teachers.join(", "),
            if r.curricula.is_empty() {
                "—".to_string()
            } else {
                r.curricula.join(", ")
            },
            r.day_name,
            r.period_name
        );
        ics_line(&mut out, &format!("DESCRIPTION:{}", ics_text(&desc)));
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

/// A name's part of a UID: the 64-bit FNV-1a hash of its exact UTF-8 bytes, as 16 hex
/// digits. Stable across versions and platforms (no seeded hasher), the same for the same
/// name, and only ASCII letters and digits, as a UID should be. Replacing characters
/// instead (the first version mapped every non-ASCII character to `_`) made `数学` and
/// `物理` one UID, so one lecture's event replaced the other's on import.
pub(crate) fn uid_hash(s: &str) -> String {
    const OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let h = s
        .bytes()
        .fold(OFFSET, |h, b| (h ^ u64::from(b)).wrapping_mul(PRIME));
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uid_hash_is_fnv1a_64() {
        // Reference values of FNV-1a 64 (the empty string is the offset basis).
        assert_eq!(uid_hash(""), "cbf29ce484222325");
        assert_eq!(uid_hash("a"), "af63dc4c8601ec8c");
        assert_eq!(uid_hash("foobar"), "85944171f73967e8");
    }
}
