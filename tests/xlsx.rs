//! Excel workbooks: a campus read from one `.xlsx` whose sheets are the CSV sheets (same
//! rules, same errors naming sheet, row and column), the template workbook of the sample
//! university, and the timetable workbook read back with `calamine` and compared with the
//! timetable it was written from.

mod common;

use std::collections::BTreeSet;
use std::io::Cursor;
use std::path::PathBuf;
use std::process::Command;

use calamine::{Data, Range, Reader, Xlsx};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rust_xlsxwriter::{Format, Workbook};

use atoll::construct::construct;
use atoll::export::xlsx::{GridKind, LECTURE_COLUMNS, SheetNames, lecture_marks, to_xlsx};
use atoll::export::{lecture_rows, to_csv};
use atoll::io::campus::{doc_from_json, from_csv, from_json, from_xlsx, to_json};
use atoll::model::{Slot, Timetable};
use atoll::{Instance, evaluate};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn sample_text() -> String {
    std::fs::read_to_string(root().join("www/samples/campus.json")).unwrap()
}

/// The CSV sheets of `examples/campus-csv` as (file name, text).
fn csv_sheets() -> Vec<(String, String)> {
    let dir = root().join("examples/campus-csv");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            (
                format!("campus-csv/{}", p.file_name().unwrap().to_string_lossy()),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

/// A workbook with one sheet per (name, rows of cells), every cell text.
fn workbook(sheets: &[(&str, Vec<Vec<String>>)]) -> Vec<u8> {
    let mut book = Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    sheet.write_string(r as u32, c as u16, cell).unwrap();
                }
            }
        }
    }
    book.save_to_buffer().unwrap()
}

/// A CSV text as rows of cells.
fn csv_cells(text: &str) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// The example campus as a workbook: each CSV file a sheet named after it without `.csv`.
fn example_workbook(edit: impl Fn(&str, &mut Vec<Vec<String>>)) -> Vec<u8> {
    let sheets: Vec<(String, Vec<Vec<String>>)> = csv_sheets()
        .iter()
        .map(|(file, text)| {
            let name = file
                .rsplit('/')
                .next()
                .unwrap()
                .trim_end_matches(".csv")
                .to_string();
            let mut cells = csv_cells(text);
            edit(&name, &mut cells);
            (name, cells)
        })
        .collect();
    let refs: Vec<(&str, Vec<Vec<String>>)> = sheets
        .iter()
        .map(|(n, c)| (n.as_str(), c.clone()))
        .collect();
    workbook(&refs)
}

/// Campus JSON of an instance without its name (a workbook is named after its file).
fn unnamed_json(inst: &Instance) -> String {
    let mut inst = inst.clone();
    inst.name = String::new();
    to_json(&inst).unwrap()
}

#[test]
fn workbook_of_the_csv_sheets_reads_as_the_csv_folder() {
    let from_sheets = from_csv(&csv_sheets()).unwrap();
    let book = example_workbook(|_, _| {});
    let inst = from_xlsx(&book, "campus-csv.xlsx").unwrap();
    assert_eq!(inst.name, "campus-csv");
    assert_eq!(unnamed_json(&inst), unnamed_json(&from_sheets));
    // And as the JSON the CSV example mirrors.
    let json = std::fs::read_to_string(root().join("examples/campus-small.json")).unwrap();
    let from_doc = from_json(&json, "campus-small.json").unwrap();
    assert_eq!(unnamed_json(&inst), unnamed_json(&from_doc));
    // The INSTANCE loader picks the reader by extension.
    let via = atoll::parse_instance(&book, "dir/campus-csv.xlsx").unwrap();
    assert_eq!(to_json(&via).unwrap(), to_json(&inst).unwrap());
}

#[test]
fn numbers_and_times_typed_into_excel_read_as_their_text() {
    let text_book = example_workbook(|_, _| {});
    let want = unnamed_json(&from_xlsx(&text_book, "a.xlsx").unwrap());
    // The same campus with capacities, counts and clock times as Excel stores them when
    // typed: numbers (30.0) and times (a fraction of a day, 08:00 = 1/3).
    let mut book = Workbook::new();
    let time = Format::new().set_num_format("hh:mm");
    for (file, text) in csv_sheets() {
        let name = file.rsplit('/').next().unwrap().trim_end_matches(".csv");
        let sheet = book.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in csv_cells(&text).iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                if cell.is_empty() {
                    continue;
                }
                if let Ok(n) = cell.parse::<u32>() {
                    sheet.write_number(r, c, f64::from(n)).unwrap();
                } else if let Some((h, m)) = cell.split_once(':')
                    && let (Ok(h), Ok(m)) = (h.parse::<u32>(), m.parse::<u32>())
                {
                    let day = f64::from(h * 60 + m) / 1440.0;
                    sheet.write_number_with_format(r, c, day, &time).unwrap();
                } else {
                    sheet.write_string(r, c, cell).unwrap();
                }
            }
        }
    }
    let bytes = book.save_to_buffer().unwrap();
    let inst = from_xlsx(&bytes, "b.xlsx").unwrap();
    assert_eq!(unnamed_json(&inst), want);
}

#[test]
fn workbook_errors_name_the_sheet_row_and_column() {
    // A teacher's name misspelt in the second data row of `courses`.
    let book = example_workbook(|name, cells| {
        if name == "courses" {
            cells[2][1] = "Alan Turning".into();
        }
    });
    let e = from_xlsx(&book, "campus.xlsx").unwrap_err().to_string();
    assert!(
        e.starts_with("campus.xlsx[courses]:3:2: teachers: no teacher named \"Alan Turning\""),
        "{e}"
    );
    // Not a number.
    let book = example_workbook(|name, cells| {
        if name == "rooms" {
            cells[1][1] = "eighty".into();
        }
    });
    let e = from_xlsx(&book, "campus.xlsx").unwrap_err().to_string();
    assert_eq!(
        e,
        "campus.xlsx[rooms]:2:2: capacity: expected a whole number, found \"eighty\""
    );
    // An unknown column.
    let book = example_workbook(|name, cells| {
        if name == "groups" {
            cells[0].push("colour".into());
        }
    });
    let e = from_xlsx(&book, "campus.xlsx").unwrap_err().to_string();
    assert!(
        e.starts_with("campus.xlsx[groups]:1:5: colour: unknown column; expected one of name"),
        "{e}"
    );
    // A line break inside a cell.
    let book = example_workbook(|name, cells| {
        if name == "teachers" {
            cells[1][0] = "Ada\nLovelace".into();
        }
    });
    let e = from_xlsx(&book, "campus.xlsx").unwrap_err().to_string();
    assert!(
        e.starts_with("campus.xlsx[teachers]:2:1: this cell holds a line break"),
        "{e}"
    );
}

#[test]
fn workbook_sheets_are_recognised_by_name() {
    // Names ignore letter case and a `.csv` suffix; an empty extra sheet is ignored.
    let sheets: Vec<(String, Vec<Vec<String>>)> = csv_sheets()
        .iter()
        .map(|(f, t)| {
            let base = f.rsplit('/').next().unwrap();
            (base.to_uppercase(), csv_cells(t))
        })
        .chain([("Sheet1".to_string(), vec![])])
        .collect();
    let refs: Vec<(&str, Vec<Vec<String>>)> = sheets
        .iter()
        .map(|(n, c)| (n.as_str(), c.clone()))
        .collect();
    let inst = from_xlsx(&workbook(&refs), "c.xlsx").unwrap();
    assert_eq!(
        unnamed_json(&inst),
        unnamed_json(&from_csv(&csv_sheets()).unwrap())
    );

    // A sheet with content and another name is an error, not ignored.
    let mut with_notes = refs.clone();
    with_notes.push(("Notes", vec![vec!["hello".to_string()]]));
    let e = from_xlsx(&workbook(&with_notes), "c.xlsx")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("c.xlsx[Notes]:1:1: not a campus sheet; expected sheets named calendar, teachers, rooms, groups, courses, pins, weights"),
        "{e}"
    );
    // Two sheets that are both `courses`.
    let mut twice = refs.clone();
    let courses = refs
        .iter()
        .find(|s| s.0 == "COURSES.CSV")
        .unwrap()
        .1
        .clone();
    twice.push(("Courses", courses));
    let e = from_xlsx(&workbook(&twice), "c.xlsx")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("c.xlsx[Courses]:1:1: a second courses sheet (the first is \"COURSES.CSV\")"),
        "{e}"
    );
    // A required sheet missing.
    let without: Vec<_> = refs
        .iter()
        .filter(|s| s.0 != "ROOMS.CSV")
        .cloned()
        .collect();
    let e = from_xlsx(&workbook(&without), "c.xlsx")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("c.xlsx[rooms]:1:1: this sheet is missing; a campus workbook needs sheets named calendar, teachers, rooms, groups and courses"),
        "{e}"
    );
    // Not a workbook at all.
    let e = from_xlsx(b"course,teacher\n", "c.xlsx")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("c.xlsx:1:1: not an Excel workbook (.xlsx)"),
        "{e}"
    );
}

#[test]
fn template_workbook_round_trips_the_sample_university() {
    let text = sample_text();
    let doc = doc_from_json(&text, "campus.json").unwrap();
    let bytes = atoll::io::campus::to_xlsx(&doc).unwrap();
    let back = from_xlsx(&bytes, "University of Port Atoll.xlsx").unwrap();
    let want = from_json(&text, "campus.json").unwrap();
    assert_eq!(back.name, want.name);
    assert_eq!(to_json(&back).unwrap(), to_json(&want).unwrap());
    // The workbook holds the sheets an office fills in, in the documented order, with
    // room types and features as written (an instance keeps only what they resolve to).
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        book.sheet_names(),
        [
            "calendar", "teachers", "rooms", "groups", "courses", "pins", "weights"
        ]
    );
    let rooms = book.worksheet_range("rooms").unwrap();
    assert_eq!(
        rooms.rows().next().unwrap(),
        ["name", "capacity", "type", "features", "unavailable"].map(|s| Data::String(s.into()))
    );
    let first = &doc.rooms[0];
    let row: Vec<&Data> = rooms.rows().nth(1).unwrap().iter().collect();
    assert_eq!(row[0], &Data::String(first.name.clone()));
    assert_eq!(row[1], &Data::Float(first.capacity as f64));
    assert_eq!(row[2], &Data::String(first.kind.clone().unwrap()));
}

/// A campus timetable of the sample university: construction from a fixed seed (with
/// violations, so the colouring is exercised) — and a forced clash.
fn campus_timetable() -> (Instance, Timetable) {
    let inst = from_json(&sample_text(), "campus.json").unwrap();
    let tt = construct(&inst, &mut SmallRng::seed_from_u64(7)).timetable;
    (inst, tt)
}

/// Cell text of a worksheet at absolute (row, column), "" when empty.
fn at(range: &Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) => s.clone(),
        Some(Data::Float(f)) => format!("{f}"),
        Some(Data::Int(i)) => i.to_string(),
        Some(other) => panic!("unexpected cell {other:?}"),
    }
}

/// Reads the workbook of `tt` back and checks it against the timetable: the `Lectures`
/// sheet against the CSV export and the violations, and every grid sheet against the
/// lectures of its group, teacher or room (course at its day and first period, merged
/// over its periods). Returns how many merged lecture cells the grids hold.
fn check_workbook(inst: &Instance, tt: &Timetable, bytes: Vec<u8>) -> usize {
    let mut tt = tt.clone();
    tt.align_pins(inst);
    let rows = lecture_rows(inst, &tt);
    let violations: Vec<_> = evaluate(inst, &tt)
        .violations
        .iter()
        .map(|v| v.report(inst))
        .collect();
    let marks = lecture_marks(&rows, &violations);
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();

    // Sheet names: Lectures, then every group, teacher and room in instance order.
    let mut names = SheetNames::default();
    let mut expected = vec![names.name("Lectures")];
    for kind in GridKind::ALL {
        for n in kind.names(inst) {
            expected.push(names.name(&format!("{} {n}", kind.word())));
        }
    }
    assert_eq!(book.sheet_names(), expected);
    for n in &expected {
        assert!(n.chars().count() <= 31 && !n.contains(['[', ']', ':', '*', '?', '/', '\\']));
    }

    // The Lectures sheet is the CSV export, cell for cell, plus the violations.
    let lectures = book.worksheet_range("Lectures").unwrap();
    let csv = to_csv(&rows);
    let want: Vec<Vec<String>> = csv_cells(&csv);
    assert_eq!(lectures.height(), rows.len() + 1);
    for (r, want_row) in want.iter().enumerate() {
        let got: Vec<String> = (0..LECTURE_COLUMNS.len() as u32 - 1)
            .map(|c| at(&lectures, r as u32, c))
            .collect();
        assert_eq!(&got, want_row, "Lectures row {}", r + 1);
    }
    for (i, m) in marks.iter().enumerate() {
        assert_eq!(at(&lectures, i as u32 + 1, 13), m.words());
    }

    // The grids.
    let days = usize::from(inst.days);
    let ppd = usize::from(inst.periods_per_day);
    let mut merged_lectures = 0;
    let mut k = 1;
    for kind in GridKind::ALL {
        for name in kind.names(inst) {
            let sheet = &expected[k];
            k += 1;
            let grid = book.worksheet_range(sheet).unwrap();
            assert_eq!(at(&grid, 0, 0), format!("{}: {name}", kind.word()));
            for d in 0..days {
                assert_eq!(at(&grid, 1, d as u32 + 1), inst.day_name(d));
            }
            let merges = book.merge_cells_by_sheet_name(sheet).unwrap();
            // What the grid shows: (course, day, first period, detail, note) per block.
            let mut shown = BTreeSet::new();
            for p in 0..ppd {
                assert!(at(&grid, p as u32 + 2, 0).starts_with(&inst.period_name(p)));
                for d in 0..days {
                    let text = at(&grid, p as u32 + 2, d as u32 + 1);
                    for block in text.split("\n\n").filter(|b| !b.is_empty()) {
                        if block.starts_with("(cont.) ") {
                            continue;
                        }
                        let lines: Vec<&str> = block.lines().collect();
                        shown.insert((
                            lines[0].to_string(),
                            d,
                            p,
                            lines[1].to_string(),
                            lines.get(2).unwrap_or(&"").to_string(),
                        ));
                    }
                }
            }
            let mut want = BTreeSet::new();
            for (i, r) in rows.iter().enumerate() {
                if !kind.has(r, &name) {
                    continue;
                }
                let mut note = Vec::new();
                if r.pinned {
                    note.push("pinned".to_string());
                }
                if !marks[i].words().is_empty() {
                    note.push(marks[i].words());
                }
                want.insert((
                    r.course.clone(),
                    r.day,
                    r.period,
                    kind.detail(r),
                    note.join(" · "),
                ));
                // A lecture of several periods alone in its cells is one merged cell.
                let span = (r.period + usize::from(r.duration)).min(ppd) - r.period;
                if let Some(m) = merges
                    .iter()
                    .find(|m| m.start == (r.period as u32 + 2, r.day as u32 + 1))
                {
                    assert_eq!(m.end, (m.start.0 + span as u32 - 1, m.start.1), "{sheet}");
                    merged_lectures += 1;
                }
            }
            assert_eq!(shown, want, "grid {sheet}");
        }
    }
    merged_lectures
}

#[test]
fn timetable_workbook_reads_back_as_the_timetable() {
    let (inst, tt) = campus_timetable();
    let bytes = to_xlsx(&inst, &tt).unwrap();
    let merged = check_workbook(&inst, &tt, bytes);
    // The sample's labs last 2–3 periods: they appear merged.
    assert!(merged > 0, "no multi-period lecture was merged");
}

#[test]
fn hard_and_soft_violations_are_named_in_the_cells() {
    let (inst, mut tt) = campus_timetable();
    // Put a second lecture of a group in the period of another: a clash (hard).
    let rows = lecture_rows(&inst, &tt);
    let g = &inst.curricula[0];
    let of_g: Vec<_> = rows
        .iter()
        .filter(|r| r.curricula.contains(&g.name) && r.duration == 1 && !r.pinned)
        .collect();
    let (a, b) = (
        of_g[0],
        of_g.iter().find(|r| r.course != of_g[0].course).unwrap(),
    );
    let (p, room) = tt
        .slot(atoll::model::LectureId(a.lecture as u32))
        .get()
        .unwrap();
    let _ = room;
    let other_room = (0..inst.rooms.len())
        .map(|r| atoll::model::RoomId(r as u16))
        .find(|r| *r != room)
        .unwrap();
    tt.set(
        atoll::model::LectureId(b.lecture as u32),
        Slot::at(p, other_room),
    );
    let bytes = to_xlsx(&inst, &tt).unwrap();
    let mut book = Xlsx::new(Cursor::new(bytes.clone())).unwrap();
    let grid = book
        .worksheet_range(&SheetNames::default().name(&format!("Group {}", g.name)))
        .unwrap();
    let (d, s) = (inst.day_of(p) as u32, inst.period_of_day(p) as u32);
    let cell = at(&grid, s + 2, d + 1);
    assert!(
        cell.contains(&a.course) && cell.contains(&b.course),
        "{cell}"
    );
    assert!(cell.contains("hard: Conflicts"), "{cell}");
    let lectures = book.worksheet_range("Lectures").unwrap();
    let all: Vec<String> = (1..lectures.height() as u32)
        .map(|r| at(&lectures, r, 13))
        .collect();
    assert!(all.iter().any(|v| v.contains("hard: Conflicts")));
    assert!(all.iter().any(|v| v.starts_with("soft: ")), "{all:?}");
    check_workbook(&inst, &tt, bytes);
}

#[test]
fn ctt_timetable_workbook_reads_back() {
    // An instance without clock times or durations: periods are numbered.
    let inst = common::load(&common::shared_dir().join("instances/extra/toy.ctt"));
    let sol = std::fs::read(root().join("tests/fixtures/toy_optimal.sol")).unwrap();
    let (tt, _) = atoll::parse_solution(&inst, &sol, "toy_optimal.sol").unwrap();
    check_workbook(&inst, &tt, to_xlsx(&inst, &tt).unwrap());
}

fn atoll_cli(args: &[&dyn AsRef<std::ffi::OsStr>]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atoll"));
    for a in args {
        cmd.arg(a);
    }
    cmd.output().unwrap()
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("atoll-xlsx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

#[test]
fn cli_converts_to_and_from_a_workbook_and_exports_by_extension() {
    let sample = root().join("www/samples/campus.json");
    let book = tmp("Port Atoll.xlsx");
    let out = atoll_cli(&[&"convert", &sample, &book]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // The workbook is an INSTANCE wherever one is taken: convert back, info, export.
    let json = tmp("back.json");
    let out = atoll_cli(&[&"convert", &book, &json]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let back = from_json(&std::fs::read_to_string(&json).unwrap(), "back.json").unwrap();
    let want = from_json(&sample_text(), "campus.json").unwrap();
    assert_eq!(unnamed_json(&back), unnamed_json(&want));

    let (inst, tt) = campus_timetable();
    let sol = tmp("week.sol");
    std::fs::write(&sol, atoll::write_solution(&inst, &tt)).unwrap();
    let xlsx = tmp("week.xlsx");
    let out = atoll_cli(&[&"export", &book, &sol, &"-o", &xlsx]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Read against the workbook's instance (named after its file), the same timetable.
    let inst_b = atoll::parse_instance(&std::fs::read(&book).unwrap(), "Port Atoll.xlsx").unwrap();
    check_workbook(&inst_b, &tt, std::fs::read(&xlsx).unwrap());

    let csv = tmp("week.csv");
    let out = atoll_cli(&[&"export", &sample, &sol, &"-o", &csv]);
    assert!(out.status.success());
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        to_csv(&lecture_rows(&inst, &{
            let mut t = tt.clone();
            t.align_pins(&inst);
            t
        }))
    );
    let ics = tmp("week.ics");
    let out = atoll_cli(&[
        &"export",
        &sample,
        &sol,
        &"-o",
        &ics,
        &"--start",
        &"2025-09-01",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        std::fs::read_to_string(&ics)
            .unwrap()
            .starts_with("BEGIN:VCALENDAR\r\n")
    );
    let js = tmp("week.json");
    let out = atoll_cli(&[&"export", &sample, &sol, &"-o", &js]);
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(&js).unwrap()).unwrap();
    assert_eq!(
        v["lectures"].as_array().unwrap().len(),
        lecture_rows(&inst, &tt).len()
    );
    assert_eq!(v["hard"], evaluate(&inst, &tt).breakdown.hard());

    // Unknown extension and a calendar without a start date are clear errors.
    let out = atoll_cli(&[&"export", &sample, &sol, &"-o", &tmp("week.pdf")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("name the output .xlsx, .csv, .ics or .json")
    );
    let out = atoll_cli(&[&"export", &sample, &sol, &"-o", &ics]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--start"));
}
