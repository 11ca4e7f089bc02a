//! Exports of a timetable for the people who use it, not for the validator: one row per
//! lecture with names (the page's grids and CSV are built from these rows), CSV, and an
//! iCalendar week template. The ITC `.sol` format stays in [`crate::io`].
//!
//! Everything here is computed from an [`Instance`] and a [`Timetable`], so the page, the
//! CLI and the tests see the same rows; the web bindings only convert them.

use serde::Serialize;
use thiserror::Error;

use crate::model::{Instance, Timetable};

/// One scheduled lecture, by name. `day` and `period` are 0-based, as in `.sol` files.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LectureRow {
    pub course: String,
    pub teacher: String,
    pub room: String,
    pub day: usize,
    pub period: usize,
    /// The curricula the course belongs to, in instance order.
    pub curricula: Vec<String>,
    /// Students of the course and seats of the room, so a grid can flag an overfull room.
    pub students: u32,
    pub capacity: u32,
}

/// The scheduled lectures of `tt` as rows, ordered by day, period, course and room so that
/// equal timetables give equal exports. Unscheduled lectures have no row.
pub fn lecture_rows(inst: &Instance, tt: &Timetable) -> Vec<LectureRow> {
    let mut rows: Vec<LectureRow> = tt
        .scheduled()
        .map(|(_, c, p, r)| {
            let course = &inst.courses[c.idx()];
            let room = &inst.rooms[r.idx()];
            LectureRow {
                course: course.name.clone(),
                teacher: inst.teachers[course.teacher.idx()].clone(),
                room: room.name.clone(),
                day: inst.day_of(p),
                period: inst.slot_of(p),
                curricula: inst
                    .curricula_of(c)
                    .iter()
                    .map(|g| inst.curricula[g.idx()].name.clone())
                    .collect(),
                students: course.students,
                capacity: room.capacity,
            }
        })
        .collect();
    rows.sort_by(|a, b| {
        (a.day, a.period, &a.course, &a.room).cmp(&(b.day, b.period, &b.course, &b.room))
    });
    rows
}

/// A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// CSV with a header and one line per lecture: `course,teacher,room,day,period,curricula`,
/// the curricula separated by `;` in one field. Lines end with CRLF (RFC 4180), which
/// spreadsheet programs read everywhere.
pub fn to_csv(rows: &[LectureRow]) -> String {
    let mut out = String::from("course,teacher,room,day,period,curricula\r\n");
    for r in rows {
        let fields = [
            csv_field(&r.course),
            csv_field(&r.teacher),
            csv_field(&r.room),
            r.day.to_string(),
            r.period.to_string(),
            csv_field(&r.curricula.join(";")),
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
fn to_days(d: Date) -> i64 {
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

/// Escapes a TEXT value (RFC 5545 §3.3.11).
fn ics_text(s: &str) -> String {
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
fn ics_line(out: &mut String, line: &str) {
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
fn ics_datetime(d: Date, minutes: u32) -> String {
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
/// instance is `opts.start + d` days, period `p` starts at `opts.period_starts[p]`.
/// Events repeat weekly `opts.weeks` times. UIDs are stable for a given instance, so
/// importing an improved timetable again updates the events instead of duplicating them.
pub fn to_ics(inst: &Instance, rows: &[LectureRow], opts: &IcsOptions) -> String {
    let mut out = String::new();
    for l in [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Atoll//course timetable//EN",
        "CALSCALE:GREGORIAN",
    ] {
        ics_line(&mut out, l);
    }
    ics_line(&mut out, &format!("X-WR-CALNAME:{}", ics_text(&inst.name)));
    let stamp = format!("{}Z", ics_datetime(opts.start, 0));
    // Lectures of a course in the same period are told apart by their room.
    for (i, r) in rows.iter().enumerate() {
        let date = opts.start.plus_days(r.day as i64);
        let begin = opts.period_starts.get(r.period).copied().unwrap_or(0);
        let end = begin + opts.length_minutes;
        let end_date = date.plus_days(i64::from(end / 1440));
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(
            &mut out,
            &format!(
                "UID:{}-d{}p{}-{}-{}@atoll",
                ics_uid_part(&inst.name),
                r.day,
                r.period,
                ics_uid_part(&r.course),
                i
            ),
        );
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
            "Teacher: {}\nCurricula: {}\nDay {}, period {}",
            r.teacher,
            if r.curricula.is_empty() {
                "—".to_string()
            } else {
                r.curricula.join(", ")
            },
            r.day,
            r.period
        );
        ics_line(&mut out, &format!("DESCRIPTION:{}", ics_text(&desc)));
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

/// Letters, digits, `-` and `_` of a name, for a UID.
fn ics_uid_part(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}
