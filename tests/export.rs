//! The people-facing exports (`atoll::export`): rows with names, CSV, the iCalendar week
//! template and its settings, on the toy instance with its hand-built optimum and on
//! comp01 with a feasible solution.

mod common;

use atoll::export::{Date, ExportError, IcsOptions, lecture_rows, parse_time, to_csv, to_ics};
use atoll::{Instance, Timetable, parse_solution};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(name),
    )
    .unwrap()
}

fn toy() -> (Instance, Timetable) {
    let inst = common::load(&common::shared_dir().join("instances/extra/toy.ctt"));
    let (tt, warnings) =
        parse_solution(&inst, &fixture("toy_optimal.sol"), "toy_optimal.sol").unwrap();
    assert!(warnings.is_empty());
    (inst, tt)
}

#[test]
fn rows_name_every_scheduled_lecture_in_day_period_order() {
    let (inst, tt) = toy();
    let rows = lecture_rows(&inst, &tt);
    assert_eq!(rows.len(), 16);
    let first = &rows[0];
    assert_eq!(
        (
            first.course.as_str(),
            first.room.as_str(),
            first.day,
            first.period
        ),
        ("TecCos", "rC", 0, 0)
    );
    assert_eq!(first.teacher, "Rosa");
    assert_eq!(first.curricula, ["Cur1", "Cur2"]);
    assert_eq!((first.students, first.capacity), (40, 40));
    let geotec = rows.iter().find(|r| r.course == "Geotec").unwrap();
    assert_eq!(geotec.curricula, ["Cur2"]);
    assert_eq!(geotec.teacher, "Scarlatti");
    assert!(
        rows.windows(2)
            .all(|w| (w[0].day, w[0].period) <= (w[1].day, w[1].period))
    );
}

#[test]
fn csv_has_a_header_and_one_line_per_lecture() {
    let (inst, tt) = toy();
    let csv = to_csv(&lecture_rows(&inst, &tt));
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "course,teacher,room,day,period,curricula");
    assert_eq!(lines.len(), 17);
    assert_eq!(lines[1], "TecCos,Rosa,rC,0,0,Cur1;Cur2");
    assert!(lines.contains(&"Geotec,Scarlatti,rC,0,1,Cur2"));
}

#[test]
fn csv_quotes_fields_with_commas_and_quotes() {
    let (inst, tt) = toy();
    let mut rows = lecture_rows(&inst, &tt);
    rows.truncate(1);
    rows[0].teacher = "Rosa, \"Dr\"".to_string();
    assert_eq!(
        to_csv(&rows),
        "course,teacher,room,day,period,curricula\r\nTecCos,\"Rosa, \"\"Dr\"\"\",rC,0,0,Cur1;Cur2\r\n"
    );
}

#[test]
fn comp01_rows_match_the_solution_lines() {
    let inst = common::load(&common::shared_dir().join("instances/itc2007/comp01.ctt"));
    let text = fixture("comp01_feasible.sol");
    let (tt, _) = parse_solution(&inst, &text, "comp01_feasible.sol").unwrap();
    let rows = lecture_rows(&inst, &tt);
    let lines = String::from_utf8(text).unwrap();
    let mut expected: Vec<String> = lines
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect();
    let mut got: Vec<String> = rows
        .iter()
        .map(|r| format!("{} {} {} {}", r.course, r.room, r.day, r.period))
        .collect();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    assert_eq!(rows.len(), inst.n_lectures());
}

#[test]
fn dates_parse_and_count_days_across_months_and_leap_years() {
    let d = Date::parse("2024-02-27").unwrap();
    assert_eq!(
        d.plus_days(2),
        Date {
            year: 2024,
            month: 2,
            day: 29
        }
    );
    assert_eq!(
        d.plus_days(3),
        Date {
            year: 2024,
            month: 3,
            day: 1
        }
    );
    assert_eq!(
        Date::parse("2023-12-30").unwrap().plus_days(4),
        Date {
            year: 2024,
            month: 1,
            day: 3
        }
    );
    assert_eq!(
        Date::parse("2026-09-07").unwrap().plus_days(-7),
        Date {
            year: 2026,
            month: 8,
            day: 31
        }
    );
    for bad in [
        "2023-02-29",
        "2026-13-01",
        "2026-1-01",
        "next monday",
        "",
        "2026-09-07x",
    ] {
        assert!(
            matches!(Date::parse(bad), Err(ExportError::BadDate(_))),
            "{bad}"
        );
    }
    assert_eq!(parse_time("08:30"), Ok(510));
    assert_eq!(parse_time(" 9:05 "), Ok(545));
    for bad in ["24:00", "8h", "08:60", "08:000"] {
        assert!(
            matches!(parse_time(bad), Err(ExportError::BadTime(_))),
            "{bad}"
        );
    }
}

#[test]
fn ics_options_are_checked_against_the_instance() {
    let (inst, _) = toy();
    let ok = IcsOptions::parse(&inst, "2026-09-07", "08:00, 10:00, 14:00,16:00", 90, 1).unwrap();
    assert_eq!(ok.period_starts, [480, 600, 840, 960]);
    assert_eq!(
        IcsOptions::parse(&inst, "2026-09-07", "08:00 10:00", 90, 1),
        Err(ExportError::PeriodCount {
            given: 2,
            needed: 4
        })
    );
    assert_eq!(
        IcsOptions::parse(&inst, "2026-09-07", "08:00 10:00 12:00 14:00", 0, 1),
        Err(ExportError::BadLength(0))
    );
    assert_eq!(
        IcsOptions::parse(&inst, "2026-09-07", "08:00 10:00 12:00 14:00", 60, 0),
        Err(ExportError::BadWeeks(0))
    );
    let msg = IcsOptions::parse(&inst, "07/09/2026", "08:00", 60, 1)
        .unwrap_err()
        .to_string();
    assert!(msg.contains("YYYY-MM-DD"), "{msg}");
}

#[test]
fn ics_has_one_event_per_lecture_at_the_right_times() {
    let (inst, tt) = toy();
    let rows = lecture_rows(&inst, &tt);
    let opts = IcsOptions::parse(&inst, "2026-09-07", "08:00,10:00,14:00,16:00", 90, 12).unwrap();
    let ics = to_ics(&inst, &rows, &opts);
    assert!(ics.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(ics.ends_with("END:VCALENDAR\r\n"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 16);
    assert_eq!(ics.matches("RRULE:FREQ=WEEKLY;COUNT=12").count(), 16);
    // TecCos, day 0 period 0 → Monday 7 Sept 2026 08:00–09:30; Geotec day 2 period 3 →
    // Wednesday 9 Sept 16:00–17:30.
    assert!(ics.contains("DTSTART:20260907T080000\r\nDTEND:20260907T093000\r\nRRULE:FREQ=WEEKLY;COUNT=12\r\nSUMMARY:TecCos\r\nLOCATION:rC\r\n"));
    assert!(ics.contains("DTSTART:20260909T160000\r\nDTEND:20260909T173000\r\nRRULE:FREQ=WEEKLY;COUNT=12\r\nSUMMARY:Geotec\r\n"));
    assert!(
        ics.contains("DESCRIPTION:Teacher: Rosa\\nCurricula: Cur1\\, Cur2\\nDay 0\\, period 0")
    );
    // UIDs are unique; every line is at most 75 octets.
    let mut uids: Vec<&str> = ics.lines().filter(|l| l.starts_with("UID:")).collect();
    uids.sort();
    uids.dedup();
    assert_eq!(uids.len(), 16);
    assert!(ics.split("\r\n").all(|l| l.len() <= 75));
    // One week only: no repetition rule.
    let one = IcsOptions { weeks: 1, ..opts };
    assert!(!to_ics(&inst, &rows, &one).contains("RRULE"));
}
