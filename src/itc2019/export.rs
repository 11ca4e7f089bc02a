//! Exports of an ITC-2019 timetable for the people who use it: CSV and iCalendar with
//! real dates and clock times (the solution XML is [`super::solution::write_solution`]).
//!
//! An ITC-2019 instance has weeks but no calendar: week 1, day 0 is whatever Monday the
//! term starts on. The caller names that Monday ([`term_start`]); week `w`, day `d` is then
//! `7 (w − 1) + d` days later, and a class's times are its slots × the slot length from
//! midnight ([`super::view::clock`]). Every meeting (class × week × day) is one CSV line
//! and one calendar event, because week patterns are irregular (odd weeks, blocks) and a
//! weekly repeat rule cannot say them.

use thiserror::Error;

use crate::export::{
    Date, ExportError, csv_field, ics_datetime, ics_header, ics_line, ics_text, to_days, uid_hash,
};

use super::eval::Assignment;
use super::model::*;
use super::view::{clock, minutes_per_slot};

/// A bad first day of the term.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
pub enum TermError {
    #[error(transparent)]
    Date(#[from] ExportError),
    #[error(
        "the term's first day {date} is a {weekday}: week 1 of an ITC-2019 timetable starts on a Monday"
    )]
    NotMonday { date: String, weekday: &'static str },
}

const WEEKDAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// 0 = Monday … 6 = Sunday.
fn weekday(d: Date) -> usize {
    // 1970-01-01 was a Thursday.
    (to_days(d) + 3).rem_euclid(7) as usize
}

/// `YYYY-MM-DD`.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

/// Reads the term's first Monday (`YYYY-MM-DD`, an HTML date input's value).
pub fn term_start(s: &str) -> Result<Date, TermError> {
    let d = Date::parse(s)?;
    match weekday(d) {
        0 => Ok(d),
        w => Err(TermError::NotMonday {
            date: iso(d),
            weekday: WEEKDAYS[w],
        }),
    }
}

/// The first Monday of September of `year`: the page's default term start (a fall term;
/// the instance says nothing about dates).
pub fn first_monday_of_september(year: i32) -> Date {
    let first = Date {
        year,
        month: 9,
        day: 1,
    };
    first.plus_days(((7 - weekday(first)) % 7) as i64)
}

/// The Monday of week `week` (1-based).
pub fn week_monday(start: Date, week: u32) -> Date {
    start.plus_days(7 * (i64::from(week) - 1))
}

/// A day's name: Monday … Sunday for a week of at most 7 days, else `Day N`.
pub fn day_name(p: &Problem, day: u32) -> String {
    match WEEKDAYS.get(day as usize) {
        Some(name) if p.nr_days <= 7 => (*name).to_string(),
        _ => format!("Day {}", day + 1),
    }
}

/// One meeting of a class: week (1-based), day (0-based) and its date, slots.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Meeting {
    pub class: ClassId,
    pub week: u32,
    pub day: u32,
    pub date: Date,
    pub start: u32,
    pub end: u32,
}

/// Every meeting of `classes` (those with a time), by date, start and class.
pub fn meetings(p: &Problem, a: &Assignment, classes: &[ClassId], start: Date) -> Vec<Meeting> {
    let mut out = Vec::new();
    for &c in classes {
        let Some(t) = a.time_of(p, c) else { continue };
        for w in 0..p.nr_weeks.min(64) {
            if t.weeks >> w & 1 == 0 {
                continue;
            }
            for d in 0..p.nr_days.min(32) {
                if t.days >> d & 1 == 1 {
                    out.push(Meeting {
                        class: c,
                        week: w + 1,
                        day: d,
                        date: week_monday(start, w + 1).plus_days(i64::from(d)),
                        start: t.start,
                        end: t.end(),
                    });
                }
            }
        }
    }
    out.sort_by_key(|m| (m.week, m.day, m.start, m.class));
    out
}

/// CSV (RFC 4180, CRLF) with one line per meeting of `classes`:
/// `date,week,day,start,end,class,course,config,subpart,room,students,limit` — the date
/// from the term's first Monday `start`, `start`/`end` as `HH:MM`, `room` empty for a
/// class without one. Texts that a spreadsheet would run as formulas are quoted as the
/// `.ctt` export does.
pub fn to_csv(p: &Problem, a: &Assignment, classes: &[ClassId], start: Date) -> String {
    let mut out =
        String::from("date,week,day,start,end,class,course,config,subpart,room,students,limit\r\n");
    for m in meetings(p, a, classes, start) {
        let cls = &p.classes[m.class as usize];
        let room = a
            .room_of(p, m.class)
            .map(|r| p.rooms[r as usize].id.as_str())
            .unwrap_or("");
        let fields = [
            iso(m.date),
            m.week.to_string(),
            day_name(p, m.day),
            clock(p, m.start),
            clock(p, m.end),
            csv_field(&cls.id),
            csv_field(&p.courses[cls.course as usize].id),
            csv_field(&p.configs[cls.config as usize].id),
            csv_field(&p.subparts[cls.subpart as usize].id),
            csv_field(room),
            a.students[m.class as usize].len().to_string(),
            cls.limit.to_string(),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

/// An iCalendar file with one event per meeting of `classes`, at floating local times
/// (the wall-clock times of the instance wherever the calendar is opened). `label` names
/// whose calendar it is (empty: everything). A UID depends on the instance, the class, the
/// week and the day only, so importing an improved timetable again updates the events.
pub fn to_ics(
    p: &Problem,
    a: &Assignment,
    classes: &[ClassId],
    start: Date,
    label: &str,
) -> String {
    let mut out = String::new();
    ics_header(&mut out);
    let cal_name = if label.is_empty() {
        p.name.clone()
    } else {
        format!("{} — {label}", p.name)
    };
    ics_line(&mut out, &format!("X-WR-CALNAME:{}", ics_text(&cal_name)));
    let stamp = format!("{}Z", ics_datetime(start, 0));
    let instance = uid_hash(&p.name);
    let mps = minutes_per_slot(p);
    for m in meetings(p, a, classes, start) {
        let cls = &p.classes[m.class as usize];
        let course = &p.courses[cls.course as usize].id;
        let subpart = &p.subparts[cls.subpart as usize].id;
        let room = a
            .room_of(p, m.class)
            .map(|r| p.rooms[r as usize].id.as_str());
        let (begin, end) = (m.start * mps, m.end * mps);
        let end_date = m.date.plus_days(i64::from(end / 1440));
        ics_line(&mut out, "BEGIN:VEVENT");
        ics_line(
            &mut out,
            &format!(
                "UID:{instance}-{}-w{}d{}@atoll",
                uid_hash(&cls.id),
                m.week,
                m.day
            ),
        );
        ics_line(&mut out, &format!("DTSTAMP:{stamp}"));
        ics_line(
            &mut out,
            &format!("DTSTART:{}", ics_datetime(m.date, begin)),
        );
        ics_line(
            &mut out,
            &format!("DTEND:{}", ics_datetime(end_date, end % 1440)),
        );
        ics_line(
            &mut out,
            &format!(
                "SUMMARY:{}",
                ics_text(&format!("{course} · class {} ({subpart})", cls.id))
            ),
        );
        if let Some(room) = room {
            ics_line(&mut out, &format!("LOCATION:{}", ics_text(room)));
        }
        let desc = format!(
            "Course {course}, configuration {}, subpart {subpart}, class {}\nWeek {}, {}\nStudents: {} (limit {})",
            p.configs[cls.config as usize].id,
            cls.id,
            m.week,
            day_name(p, m.day),
            a.students[m.class as usize].len(),
            cls.limit
        );
        ics_line(&mut out, &format!("DESCRIPTION:{}", ics_text(&desc)));
        ics_line(&mut out, "END:VEVENT");
    }
    ics_line(&mut out, "END:VCALENDAR");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::itc2019::parse_problem;

    /// One course: a lecture (Mon+Wed 08:30–10:20, weeks 1 and 3, room "A,1") and a
    /// roomless seminar (Fri 23:00–00:30, week 2).
    const XML: &str = r#"<problem name="two" nrDays="7" slotsPerDay="288" nrWeeks="3">
<optimization time="1" room="1" distribution="1" student="1"/>
<rooms><room id="A,1" capacity="5"/></rooms>
<courses><course id="=C"><config id="1">
 <subpart id="L"><class id="1" limit="4"><room id="A,1" penalty="0"/>
   <time days="1010000" start="102" length="22" weeks="101" penalty="0"/></class></subpart>
 <subpart id="S"><class id="2" limit="4" room="false">
   <time days="0000100" start="276" length="18" weeks="010" penalty="0"/></class></subpart>
</config></course></courses>
<distributions/>
<students><student id="s"><course id="=C"/></student></students>
</problem>"#;

    fn setup() -> (Problem, Assignment) {
        let p = parse_problem(XML.as_bytes(), "two.xml").expect("reads");
        let a = Assignment {
            time: vec![Some(0), Some(0)],
            room: vec![Some(0), None],
            students: vec![vec![0], vec![0]],
        };
        (p, a)
    }

    #[test]
    fn the_term_starts_on_a_monday() {
        assert_eq!(
            term_start("2026-09-07").unwrap(),
            Date {
                year: 2026,
                month: 9,
                day: 7
            }
        );
        assert_eq!(
            term_start("2026-09-08").unwrap_err().to_string(),
            "the term's first day 2026-09-08 is a Tuesday: week 1 of an ITC-2019 timetable starts on a Monday"
        );
        assert_eq!(
            term_start("2026-13-01").unwrap_err().to_string(),
            "start date '2026-13-01' is not a date of the form YYYY-MM-DD"
        );
        assert_eq!(iso(first_monday_of_september(2026)), "2026-09-07");
        assert_eq!(iso(first_monday_of_september(2025)), "2025-09-01");
        assert_eq!(iso(first_monday_of_september(2024)), "2024-09-02");
    }

    #[test]
    fn csv_has_one_line_per_meeting_with_dates_and_clock_times() {
        let (p, a) = setup();
        let start = term_start("2026-09-07").unwrap();
        let csv = to_csv(&p, &a, &[0, 1], start);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines,
            [
                "date,week,day,start,end,class,course,config,subpart,room,students,limit",
                "2026-09-07,1,Monday,08:30,10:20,1,'=C,1,L,\"A,1\",1,4",
                "2026-09-09,1,Wednesday,08:30,10:20,1,'=C,1,L,\"A,1\",1,4",
                "2026-09-18,2,Friday,23:00,24:30,2,'=C,1,S,,1,4",
                "2026-09-21,3,Monday,08:30,10:20,1,'=C,1,L,\"A,1\",1,4",
                "2026-09-23,3,Wednesday,08:30,10:20,1,'=C,1,L,\"A,1\",1,4",
                "",
            ]
        );
        // Only the seminar.
        assert_eq!(to_csv(&p, &a, &[1], start).lines().count(), 2);
    }

    #[test]
    fn ics_has_an_event_per_meeting_with_floating_times() {
        let (p, a) = setup();
        let start = term_start("2026-09-07").unwrap();
        let ics = to_ics(&p, &a, &[0, 1], start, "course =C");
        assert_eq!(ics.matches("BEGIN:VEVENT").count(), 5);
        assert!(ics.starts_with("BEGIN:VCALENDAR\r\n"));
        assert!(ics.ends_with("END:VCALENDAR\r\n"));
        assert!(ics.contains("X-WR-CALNAME:two — course =C\r\n"));
        assert!(ics.contains("DTSTART:20260907T083000\r\nDTEND:20260907T102000\r\n"));
        // The seminar runs past midnight: it ends the next day.
        assert!(ics.contains("DTSTART:20260918T230000\r\nDTEND:20260919T003000\r\n"));
        assert!(ics.contains("LOCATION:A\\,1\r\n"));
        // UIDs are unique.
        let uids: std::collections::HashSet<&str> =
            ics.lines().filter(|l| l.starts_with("UID:")).collect();
        assert_eq!(uids.len(), 5);
        // Every line within 75 octets (folded).
        assert!(ics.split("\r\n").all(|l| l.len() <= 75));
    }
}
