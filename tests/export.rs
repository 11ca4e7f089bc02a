//! The people-facing exports (`atoll::export`): rows with names, CSV, the iCalendar week
//! template and its settings, on the toy instance with its hand-built optimum and on
//! comp01 with a feasible solution.

mod common;

use atoll::export::{
    Date, Entity, ExportError, IcsOptions, lecture_rows, parse_time, rows_of, to_csv, to_ics,
    to_ics_of,
};
use atoll::model::{
    Calendar, CampusParts, Course, CourseId, Curriculum, InstanceParts, PeriodId, PeriodTime, Pin,
    Room, RoomId, TeacherId,
};
use atoll::model::{LectureId, Slot};

const CSV_HEADER: &str = "course,teacher,room,day,period,curricula,teachers,day_name,period_name,start,end,duration,pinned";
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
    assert_eq!(lines[0], CSV_HEADER);
    assert_eq!(lines.len(), 17);
    // A `.ctt` has no names for days and periods and no clock times.
    assert_eq!(
        lines[1],
        "TecCos,Rosa,rC,0,0,Cur1;Cur2,Rosa,Day 1,Period 1,,,1,no"
    );
    assert!(lines.contains(&"Geotec,Scarlatti,rC,0,1,Cur2,Scarlatti,Day 1,Period 2,,,1,no"));
}

#[test]
fn csv_quotes_fields_with_commas_and_quotes() {
    let (inst, tt) = toy();
    let mut rows = lecture_rows(&inst, &tt);
    rows.truncate(1);
    rows[0].teacher = "Rosa, \"Dr\"".to_string();
    rows[0].teachers = vec!["Rosa, \"Dr\"".to_string()];
    assert_eq!(
        to_csv(&rows),
        format!(
            "{CSV_HEADER}\r\nTecCos,\"Rosa, \"\"Dr\"\"\",rC,0,0,Cur1;Cur2,\"Rosa, \"\"Dr\"\"\",Day 1,Period 1,,,1,no\r\n"
        )
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
    assert!(ics.contains("DESCRIPTION:Teacher: Rosa\\nGroups: Cur1\\, Cur2\\nDay 1\\, Period 1"));
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

// ---- Campus names, multi-period lectures, pins and per-entity exports -----------------

/// A hand-made campus: Mon/Tue × three timed periods; Lab (2 periods, Ada with co-teacher
/// Bo), Math (2 lectures, Bo), Art (Cy); groups G1 = {Lab, Math}, G2 = {Math, Art}; one
/// Math lecture pinned to Tue 1st in A1. `calendar` false drops the names and times.
fn small_campus(calendar: bool) -> (Instance, Timetable) {
    let t = |h: u16, m: u16| h * 60 + m;
    let mut lab = Course::cbctt("Lab".into(), TeacherId(0), 1, 1, 20);
    lab.duration = 2;
    lab.co_teachers = vec![TeacherId(1)];
    let parts = InstanceParts {
        name: "Small".into(),
        days: 2,
        periods_per_day: 3,
        teachers: vec!["Ada".into(), "Bo".into(), "Cy".into()],
        courses: vec![
            lab,
            Course::cbctt("Math".into(), TeacherId(1), 2, 1, 40),
            Course::cbctt("Art".into(), TeacherId(2), 1, 1, 10),
        ],
        rooms: vec![
            Room {
                name: "L1".into(),
                capacity: 30,
                building: None,
            },
            Room {
                name: "A1".into(),
                capacity: 50,
                building: None,
            },
        ],
        curricula: vec![
            Curriculum {
                name: "G1".into(),
                courses: vec![CourseId(0), CourseId(1)],
            },
            Curriculum {
                name: "G2".into(),
                courses: vec![CourseId(1), CourseId(2)],
            },
        ],
        unavailable: vec![],
        extension: None,
        campus: CampusParts {
            calendar: calendar.then(|| Calendar {
                day_names: vec!["Mon".into(), "Tue".into()],
                periods: vec![
                    PeriodTime {
                        name: "1st".into(),
                        start_min: t(8, 0),
                        end_min: t(9, 0),
                    },
                    PeriodTime {
                        name: "2nd".into(),
                        start_min: t(9, 0),
                        end_min: t(10, 0),
                    },
                    PeriodTime {
                        name: "3rd".into(),
                        start_min: t(10, 15),
                        end_min: t(11, 15),
                    },
                ],
            }),
            pins: vec![Pin {
                course: CourseId(1),
                period: Some(PeriodId(3)),
                room: Some(RoomId(1)),
            }],
            ..CampusParts::default()
        },
    };
    let inst = Instance::new(parts).unwrap();
    let mut tt = Timetable::empty(&inst);
    // Lab Mon 1st–2nd in L1; Math Tue 1st in A1 (the pinned one, listed first so that
    // align_pins has to move the pin onto it) and Mon 3rd in A1; Art Tue 2nd in L1.
    tt.set(LectureId(0), Slot::at(PeriodId(0), RoomId(0)));
    tt.set(LectureId(1), Slot::at(PeriodId(3), RoomId(1)));
    tt.set(LectureId(2), Slot::at(PeriodId(2), RoomId(1)));
    tt.set(LectureId(3), Slot::at(PeriodId(4), RoomId(0)));
    tt.align_pins(&inst);
    (inst, tt)
}

#[test]
fn campus_rows_carry_names_times_all_teachers_duration_and_pins() {
    let (inst, tt) = small_campus(true);
    let rows = lecture_rows(&inst, &tt);
    assert_eq!(rows.len(), 4);
    let lab = &rows[0];
    assert_eq!(
        (
            lab.course.as_str(),
            lab.day_name.as_str(),
            lab.period_name.as_str()
        ),
        ("Lab", "Mon", "1st")
    );
    assert_eq!(lab.teachers, ["Ada", "Bo"]);
    assert_eq!(lab.teacher, "Ada");
    assert_eq!(lab.duration, 2);
    // Starts with the 1st period (08:00) and ends with the 2nd (10:00).
    assert_eq!((lab.start_min, lab.end_min), (Some(480), Some(600)));
    assert!(!lab.pinned);
    let math: Vec<_> = rows.iter().filter(|r| r.course == "Math").collect();
    assert_eq!(math.len(), 2);
    let tue = math.iter().find(|r| r.day_name == "Tue").unwrap();
    let mon = math.iter().find(|r| r.day_name == "Mon").unwrap();
    assert!(tue.pinned && !mon.pinned);
    assert_eq!(inst.pin_of(tue.lecture).unwrap().period, Some(PeriodId(3)));
    assert_eq!(
        (mon.period_name.as_str(), mon.start_min, mon.end_min),
        ("3rd", Some(615), Some(675))
    );
    assert_eq!(tue.curricula, ["G1", "G2"]);
}

#[test]
fn campus_csv_has_names_times_and_every_teacher() {
    let (inst, tt) = small_campus(true);
    let csv = to_csv(&lecture_rows(&inst, &tt));
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(
        lines,
        [
            CSV_HEADER,
            "Lab,Ada,L1,0,0,G1,Ada;Bo,Mon,1st,08:00,10:00,2,no",
            "Math,Bo,A1,0,2,G1;G2,Bo,Mon,3rd,10:15,11:15,1,no",
            "Math,Bo,A1,1,0,G1;G2,Bo,Tue,1st,08:00,09:00,1,yes",
            "Art,Cy,L1,1,1,G2,Cy,Tue,2nd,09:00,10:00,1,no",
        ]
    );
}

#[test]
fn entities_select_the_lectures_of_one_group_teacher_or_room() {
    let (inst, tt) = small_campus(true);
    let rows = lecture_rows(&inst, &tt);
    let courses = |kind: &str, name: &str| -> Vec<String> {
        let e = Entity::parse(&inst, kind, name).unwrap();
        rows_of(&rows, &e).into_iter().map(|r| r.course).collect()
    };
    // A co-teacher's timetable holds the lab too.
    assert_eq!(courses("teacher", "Bo"), ["Lab", "Math", "Math"]);
    assert_eq!(courses("teacher", "Ada"), ["Lab"]);
    assert_eq!(courses("teacher", "Cy"), ["Art"]);
    assert_eq!(courses("room", "L1"), ["Lab", "Art"]);
    assert_eq!(courses("curriculum", "G2"), ["Math", "Math", "Art"]);
    assert_eq!(courses("all", ""), ["Lab", "Math", "Math", "Art"]);
    assert_eq!(courses("", "ignored"), ["Lab", "Math", "Math", "Art"]);
    let err = Entity::parse(&inst, "teacher", "Zed").unwrap_err();
    assert_eq!(err.to_string(), "no teacher named 'Zed' in this instance");
    // A room name is not a teacher.
    assert!(Entity::parse(&inst, "teacher", "L1").is_err());
    assert!(matches!(
        Entity::parse(&inst, "building", "X"),
        Err(ExportError::UnknownKind(_))
    ));
}

#[test]
fn ics_per_teacher_uses_the_instance_times_and_holds_only_that_teacher() {
    let (inst, tt) = small_campus(true);
    let rows = lecture_rows(&inst, &tt);
    assert!(IcsOptions::instance_has_times(&inst));
    // The page's period settings are not read when the instance has times.
    let opts = IcsOptions::for_instance(&inst, "2026-09-07", "not times", 0, 1).unwrap();
    let bo = Entity::parse(&inst, "teacher", "Bo").unwrap();
    let ics = to_ics_of(&inst, &rows, &opts, &bo);
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 3);
    assert!(ics.contains("X-WR-CALNAME:Small — teacher Bo\r\n"));
    assert!(!ics.contains("SUMMARY:Art"));
    // The lab spans 08:00–10:00 on Monday 7 Sept; Math on Tue 1st is 08:00–09:00.
    assert!(ics.contains(
        "DTSTART:20260907T080000\r\nDTEND:20260907T100000\r\nSUMMARY:Lab\r\nLOCATION:L1\r\n"
    ));
    assert!(ics.contains("DTSTART:20260908T080000\r\nDTEND:20260908T090000\r\nSUMMARY:Math\r\n"));
    assert!(ics.contains("DESCRIPTION:Teachers: Ada\\, Bo\\nGroups: G1\\nMon\\, 1st"));
    // The same lecture has the same UID in every calendar it appears in.
    let uid_of = |ics: &str, course: &str| -> String {
        let ev = ics
            .split("BEGIN:VEVENT")
            .find(|e| e.contains(&format!("SUMMARY:{course}")))
            .unwrap();
        ev.lines()
            .find(|l| l.starts_with("UID:"))
            .unwrap()
            .to_string()
    };
    let room = to_ics_of(
        &inst,
        &rows,
        &opts,
        &Entity::parse(&inst, "room", "L1").unwrap(),
    );
    assert_eq!(uid_of(&ics, "Lab"), uid_of(&room, "Lab"));
    // Settings are still checked where they are read.
    assert!(matches!(
        IcsOptions::for_instance(&inst, "07/09/2026", "", 0, 1),
        Err(ExportError::BadDate(_))
    ));
    assert!(matches!(
        IcsOptions::for_instance(&inst, "2026-09-07", "", 0, 0),
        Err(ExportError::BadWeeks(0))
    ));
}

#[test]
fn ics_without_instance_times_spans_multi_period_lectures_with_the_settings() {
    let (inst, tt) = small_campus(false);
    let rows = lecture_rows(&inst, &tt);
    assert!(!IcsOptions::instance_has_times(&inst));
    assert_eq!(
        (rows[0].day_name.as_str(), rows[0].period_name.as_str()),
        ("Day 1", "Period 1")
    );
    assert_eq!((rows[0].start_min, rows[0].end_min), (None, None));
    assert!(IcsOptions::for_instance(&inst, "2026-09-07", "not times", 60, 1).is_err());
    let opts = IcsOptions::for_instance(&inst, "2026-09-07", "08:00, 10:00, 12:00", 90, 1).unwrap();
    let ics = to_ics_of(&inst, &rows, &opts, &Entity::All);
    // The lab starts at period 0 (08:00) and ends 90 minutes after period 1 starts.
    assert!(ics.contains("DTSTART:20260907T080000\r\nDTEND:20260907T113000\r\nSUMMARY:Lab\r\n"));
}

#[test]
fn per_teacher_rows_are_exactly_the_lectures_of_the_teachers_courses() {
    for seed in 0..6 {
        let inst = common::campus::random_campus(seed, common::campus::CampusSpec::default());
        let tt = atoll::parallel::random_timetable(&inst, seed);
        let rows = lecture_rows(&inst, &tt);
        assert_eq!(rows.len(), tt.scheduled().count());
        for (t, name) in inst.teachers.iter().enumerate() {
            let mine = inst.courses_of_teacher(TeacherId(t as u16));
            let expected = tt
                .scheduled()
                .filter(|(_, c, _, _)| mine.contains(c))
                .count();
            let e = Entity::parse(&inst, "teacher", name).unwrap();
            assert_eq!(
                rows_of(&rows, &e).len(),
                expected,
                "seed {seed} teacher {name}"
            );
            let opts = IcsOptions::for_instance(
                &inst,
                "2026-09-07",
                "08:00 09:00 10:00 11:00 12:00 13:00",
                50,
                1,
            )
            .unwrap();
            assert_eq!(
                to_ics_of(&inst, &rows, &opts, &e)
                    .matches("BEGIN:VEVENT")
                    .count(),
                expected
            );
        }
        for r in &rows {
            let c = inst.course_by_name(&r.course).unwrap();
            assert_eq!(r.duration, inst.duration(c));
            assert_eq!(r.teachers.len(), inst.courses[c.idx()].teachers().count());
            assert_eq!(r.pinned, inst.is_pinned(r.lecture));
        }
    }
}

#[test]
fn a_lecture_beyond_its_course_count_gets_a_row_and_no_pin() {
    // A file may list more lectures of a course than the instance asks for; the validator
    // counts them (hard `lectures`) and the exports show them.
    let (inst, _) = toy();
    let mut text = fixture("toy_optimal.sol");
    text.extend_from_slice(b"TecCos rA 4 3\n");
    let (tt, _) = parse_solution(&inst, &text, "extra.sol").unwrap();
    let rows = lecture_rows(&inst, &tt);
    assert_eq!(rows.len(), 17);
    let extra = rows
        .iter()
        .find(|r| (r.course.as_str(), r.room.as_str(), r.day, r.period) == ("TecCos", "rA", 4, 3))
        .unwrap();
    assert!(extra.lecture >= inst.n_lectures());
    assert!(!extra.pinned);
    assert_eq!(extra.duration, 1);
}

#[test]
fn solution_text_round_trips_campus_names_with_spaces() {
    // The page passes timetables around as solution text; campus names hold spaces.
    let (inst, tt) = small_campus(true);
    let mut parts = inst.to_parts();
    parts.courses[0].name = "Chem lab".into();
    parts.courses[1].name = "Maths 1".into();
    parts.rooms[0].name = "Lab room 1".into();
    parts.rooms[1].name = "Hall A".into();
    let spaced = Instance::new(parts).unwrap();
    let text = atoll::write_solution(&spaced, &tt);
    assert!(text.contains("Chem lab Lab room 1 0 0"), "{text}");
    let (back, warnings) = parse_solution(&spaced, text.as_bytes(), "spaced.sol").unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let mut back = back;
    back.align_pins(&spaced);
    assert_eq!(lecture_rows(&spaced, &back), lecture_rows(&spaced, &tt));
    // A line whose names are not known is still reported with its field count.
    let err = parse_solution(&spaced, b"No such course Hall A 0 0\n", "x.sol").unwrap_err();
    assert!(err.to_string().contains("x.sol:1"), "{err}");
}
