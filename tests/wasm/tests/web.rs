//! The wasm bindings (`src/web.rs`) in a real browser: headless Chromium through
//! `wasm-bindgen-test-runner`, in a dedicated worker (where rayon may block), with the
//! threaded build. See `../Cargo.toml` for the command; scripts/test.sh runs it.
//!
//! Natively this file is empty.
#![cfg(target_arch = "wasm32")]

use atoll::web::Session;
use serde_json::{Value, json};
use wasm_bindgen::{JsCast, JsError, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const COMP01: &str = include_str!("../../../www/samples/comp01.ctt");
const TOY: &str = include_str!("../../../www/samples/toy.ctt");
/// An infeasible comp01 timetable with every cost component non-zero and five lines the
/// validator skips; the browser tests check the same file against `atoll check --json`.
const COMP01_SOL: &str = include_str!("../../browser/fixtures/comp01-random.sol");

fn message(e: JsError) -> String {
    let v: JsValue = e.into();
    let err: js_sys::Error = v.dyn_into().expect("a JS Error");
    err.message().into()
}

fn json(v: Result<JsValue, JsError>) -> Value {
    let v = v.unwrap_or_else(|e| panic!("{}", message(e)));
    serde_wasm_bindgen::from_value(v).expect("plain JSON-like data")
}

#[wasm_bindgen_test]
fn parse_error_is_an_error_with_file_and_line() {
    let text = COMP01.replacen("c0002 t001 6 4 75", "c0002 t001 six 4 75", 1);
    let e = Session::new(&text, "bad.ctt").err().expect("a parse error");
    assert_eq!(
        message(e),
        "bad.ctt:11: expected a whole number for the number of lectures of course c0002, found 'six'"
    );
    let e = Session::new("", "empty.ctt").err().expect("a parse error");
    assert!(message(e).starts_with("empty.ctt:"), "line named");
}

/// The message of the error `Session::from_bytes` gives for `bytes` named `file`.
fn load_error(bytes: &[u8], file: &str) -> String {
    message(Session::from_bytes(bytes, file).err().expect("an error"))
}

#[wasm_bindgen_test]
fn bytes_that_are_not_utf8_are_reported() {
    let mut bytes = COMP01.as_bytes().to_vec();
    bytes[3] = 0xff;
    let m = load_error(&bytes, "latin1.ctt");
    assert!(m.starts_with("latin1.ctt:1: "), "{m}");
    assert!(m.contains("UTF-8"), "{m}");
}

/// The page's module is built without the `excel` feature (the worker converts workbooks
/// with www/pkg-excel): a workbook given to it is a clear error naming the file.
#[wasm_bindgen_test]
fn a_workbook_is_an_error_naming_the_file_without_the_excel_feature() {
    let m = load_error(b"PK\x03\x04", "campus.xlsx");
    assert!(m.starts_with("campus.xlsx:1: "), "{m}");
    assert!(m.contains("cannot read Excel workbooks"), "{m}");
}

#[wasm_bindgen_test]
fn summary_of_comp01() {
    let s = Session::new(COMP01, "comp01.ctt").unwrap();
    assert_eq!(s.name(), "Fis0506-1");
    let v = json(s.summary());
    for (k, want) in [
        ("courses", 30),
        ("rooms", 6),
        ("days", 5),
        ("periods_per_day", 6),
        ("curricula", 14),
        ("lectures", 160),
        ("teachers", 24),
        ("unavailability_constraints", 53),
        ("room_capacity_min", 9),
        ("room_capacity_max", 200),
    ] {
        assert_eq!(v[k], json!(want), "{k}");
    }
    assert_eq!(v["file"], json!("comp01.ctt"));
    assert_eq!(v["extended_format"], json!(false));
}

#[wasm_bindgen_test]
fn check_of_a_known_solution() {
    let s = Session::new(COMP01, "comp01.ctt").unwrap();
    let v = json(s.check(COMP01_SOL, "comp01-random.sol"));
    // The numbers `atoll check` prints for the same files.
    assert_eq!(v["feasible"], json!(false));
    assert_eq!(v["hard_violations"], json!(112));
    assert_eq!(v["soft_cost"], json!(2460));
    assert_eq!(
        v["hard"],
        json!({"lectures": 6, "conflicts": 42, "availability": 12, "room_occupancy": 52})
    );
    assert_eq!(
        v["soft"],
        json!({"room_capacity": 2149, "min_working_days": 55,
               "curriculum_compactness": 180, "room_stability": 76})
    );
    let violations = v["violations"].as_array().unwrap();
    assert_eq!(violations.len(), 261);
    assert_eq!(
        violations[0],
        json!({"rule": "lectures", "hard": true, "cost": 1, "courses": ["c0001"],
               "curricula": [], "rooms": [], "periods": [],
               "message": "Course c0001 has 5 of its 6 lectures scheduled (1 missing)"})
    );
    let costs: u64 = violations
        .iter()
        .filter(|x| x["hard"] == json!(false))
        .map(|x| x["cost"].as_u64().unwrap())
        .sum();
    assert_eq!(costs, 2460, "soft violations add up to the soft cost");
    let warnings = v["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 5);
    assert_eq!(warnings[0]["line"], json!(6));
    assert_eq!(warnings[0]["reason"], json!("unknown_course"));
    assert_eq!(
        warnings[0]["message"],
        json!("Nonexisting course c9999 (entry skipped)")
    );
    assert!(
        v["report"]
            .as_str()
            .unwrap()
            .ends_with("Violations = 112, Total Cost = 2460\n")
    );
}

#[wasm_bindgen_test]
fn malformed_solution_line_is_an_error() {
    let s = Session::new(COMP01, "comp01.ctt").unwrap();
    let e = s
        .check("c0001 rB 0 0\nc0001 rB 0\n", "bad.sol")
        .err()
        .unwrap();
    assert_eq!(
        message(e),
        "bad.sol:2: expected 'CourseID RoomID Day Period' (4 fields), found 3 field(s)"
    );
}

#[wasm_bindgen_test]
fn random_solution_round_trips() {
    let s = Session::new(TOY, "toy.ctt").unwrap();
    let text = s.random_solution(3);
    assert_eq!(text, s.random_solution(3), "deterministic");
    assert_eq!(text.lines().count(), 16, "every toy lecture placed");
    let v = json(s.check(&text, "random.sol"));
    assert_eq!(v["hard"]["lectures"], json!(0));
    assert_eq!(v["warnings"], json!([]));
}

#[wasm_bindgen_test]
fn evaluator_speed_is_measured() {
    let s = Session::new(COMP01, "comp01.ctt").unwrap();
    let v = json(s.measure_speed(0.05, 1));
    assert_eq!(v["instance"], json!("Fis0506-1"));
    assert!(v["full_per_second"].as_f64().unwrap() > 0.0);
    assert!(v["delta_moves_per_second"].as_f64().unwrap() > 0.0);
}

#[wasm_bindgen_test]
fn build_info_says_threaded() {
    let v = json(atoll::web::build_info());
    assert_eq!(v["threaded"], json!(cfg!(feature = "wasm-threads")));
}

/// Creates the rayon pool (3 threads) once, before the first rayon call of any test: a
/// rayon call before `initThreadPool` would make a one-thread pool for good. Every test
/// that touches rayon (a batch, a solve) is async and awaits this first; the runner runs
/// one test at a time.
async fn pool() {
    #[cfg(feature = "wasm-threads")]
    {
        use std::sync::atomic::{AtomicBool, Ordering};
        static STARTED: AtomicBool = AtomicBool::new(false);
        if !STARTED.swap(true, Ordering::SeqCst) {
            wasm_bindgen_futures::JsFuture::from(atoll::init_thread_pool(3))
                .await
                .expect("initThreadPool");
        }
    }
}

#[cfg(feature = "wasm-threads")]
#[wasm_bindgen_test]
async fn batch_runs_on_the_thread_pool() {
    pool().await;
    let s = Session::new(COMP01, "comp01.ctt").unwrap();
    let v = json(s.score_random_batch(1024, 7));
    assert_eq!(v["count"], json!(1024));
    assert_eq!(v["costs"].as_array().unwrap().len(), 1024);
    assert_eq!(v["pool_threads"], json!(3));
    let used = v["threads_used"].as_u64().unwrap();
    assert!(used > 1, "threads_used = {used}");
    // Same seeds, same costs: the pool changes who scores, not the scores.
    let again = json(s.score_random_batch(1024, 7));
    assert_eq!(again["costs"], v["costs"]);
}

/// Solver options as the page passes them: a plain JS object.
fn options(text: &str) -> JsValue {
    js_sys::JSON::parse(text).expect("JSON")
}

/// Steps a started solve to its end; returns the last progress event and how many steps.
fn step_to_end(s: &mut Session) -> (Value, usize) {
    for steps in 1..10_000 {
        let p = json(s.solve_step(20.0));
        if !p["finished"].is_null() {
            return (p, steps);
        }
    }
    panic!("the solve never finished");
}

/// Runs a deterministic solve (generation bound, no time limit) of `inst` to the end.
fn solve_to_bound(inst: &str, file: &str, seed: u64) -> (Value, Value) {
    let mut s = Session::new(inst, file).unwrap();
    let first = json(s.solve_start(options(&format!(
        r#"{{"time_limit": null, "max_generations": 4, "islands": 2, "seed": {seed}, "stage3": false}}"#
    ))));
    assert_eq!(first["stage"], json!("construct"));
    assert_eq!(first["generation"], json!(0));
    assert_eq!(first["finished"], Value::Null);
    assert_eq!(first["islands"].as_array().unwrap().len(), 2);
    assert!(s.solving());
    let (last, _) = step_to_end(&mut s);
    assert_eq!(last["finished"], json!("generations"));
    assert_eq!(last["stage"], json!("evolve"));
    assert_eq!(last["generation"], json!(4));
    let done = json(s.solve_finish());
    assert!(!s.solving());
    (last, done)
}

#[wasm_bindgen_test]
async fn solve_in_steps_to_a_generation_bound() {
    pool().await;
    let (last, done) = solve_to_bound(COMP01, "comp01.ctt", 3);
    assert_eq!(done["stop_reason"], json!("generations"));
    assert_eq!(done["file"], json!("comp01.sol"));
    assert_eq!(done["stats"]["generations"], json!(4));
    assert_eq!(done["stats"]["islands"], json!(2));
    assert!(done["stats"]["ls_iterations"].as_u64().unwrap() > 0);
    assert_eq!(done["last"]["generation"], json!(4));
    // The best of the run is what the result holds, and its check is Session.check's.
    let check = &done["check"];
    assert_eq!(check["hard_violations"], last["best"]["hard"]);
    assert_eq!(check["soft_cost"], last["best"]["soft"]);
    assert_eq!(check["feasible"], json!(true), "comp01 after 4 generations");
    let solution = done["solution"].as_str().unwrap();
    assert_eq!(solution.lines().count(), 160, "every comp01 lecture placed");
    let s = Session::new(COMP01, "comp01.ctt").unwrap();
    // solveFinish scores the timetable in memory, the check reads the file: the same
    // violations, listed in the order each holds a course's lectures.
    let by_message = |v: &Value| {
        let mut v = v.clone();
        v["violations"]
            .as_array_mut()
            .unwrap()
            .sort_by_key(|x| x["message"].as_str().unwrap().to_string());
        v
    };
    assert_eq!(
        by_message(&json(s.check(solution, "comp01.sol"))),
        by_message(check)
    );
    // Same seed, same islands, a generation bound: the same timetable.
    let (_, again) = solve_to_bound(COMP01, "comp01.ctt", 3);
    assert_eq!(again["solution"], done["solution"]);
}

#[wasm_bindgen_test]
async fn a_cancelled_solve_returns_the_best_so_far() {
    pool().await;
    let mut s = Session::new(TOY, "toy.ctt").unwrap();
    json(s.solve_start(options(r#"{"time_limit": 600, "seed": 5}"#)));
    let p = json(s.solve_step(10.0));
    assert_eq!(p["finished"], Value::Null, "a 600 s run goes on");
    s.solve_cancel();
    let (last, steps) = step_to_end(&mut s);
    assert_eq!(steps, 1, "the step after a cancel returns at once");
    assert_eq!(last["finished"], json!("cancelled"));
    let done = json(s.solve_finish());
    assert_eq!(done["stop_reason"], json!("cancelled"));
    assert_eq!(done["file"], json!("toy.sol"));
    assert_eq!(done["check"]["soft_cost"], last["best"]["soft"]);
    assert_eq!(done["solution"].as_str().unwrap().lines().count(), 16);
    // Finishing without a run (or stepping) is an error, and a new run can start.
    let e = s.solve_finish().expect_err("no run");
    assert_eq!(message(e), "no solve is running: call solveStart first");
    let e = s.solve_step(10.0).expect_err("no run");
    assert_eq!(message(e), "no solve is running: call solveStart first");
    json(s.solve_start(options(r#"{"time_limit": 0.05}"#)));
    let (last, _) = step_to_end(&mut s);
    // The toy instance can reach cost 0 inside 0.05 s on a fast machine (CI
    // did): then the run stops as solved, otherwise at its time limit.
    if last["best"]["soft"] == json!(0) && last["best"]["hard"] == json!(0) {
        assert!(
            last["finished"] == json!("solved") || last["finished"] == json!("time_limit"),
            "{last}"
        );
    } else {
        assert_eq!(last["finished"], json!("time_limit"), "{last}");
    }
    json(s.solve_finish());
}

#[wasm_bindgen_test]
async fn bad_solver_options_name_the_option() {
    pool().await;
    let mut s = Session::new(TOY, "toy.ctt").unwrap();
    let err = |s: &mut Session, text: &str| {
        let e = s.solve_start(options(text)).expect_err("an error");
        message(e)
    };
    assert_eq!(
        err(&mut s, r#"{"population": 0}"#),
        "option population = 0 is out of range (1..=64)"
    );
    assert_eq!(
        err(&mut s, r#"{"time_limit": -1}"#),
        "option time_limit = -1 is out of range (0 < seconds <= 2592000 (30 days, the cap on every duration))"
    );
    let m = err(&mut s, r#"{"populaton": 2}"#);
    assert!(
        m.starts_with("unknown option 'populaton' (options: time_limit, "),
        "{m}"
    );
    assert_eq!(
        err(&mut s, r#"{"seed": "one"}"#),
        "option seed = \"one\" is not a whole number"
    );
    assert_eq!(
        err(&mut s, r#"{"islands": 1.5}"#),
        "option islands = 1.5 is not a whole number"
    );
    let m = err(&mut s, "[1]");
    assert!(m.starts_with("solver options must be an object"), "{m}");
    assert!(!s.solving(), "no run was started");
    // undefined/null: all defaults (60 s), which a cancel ends.
    json(s.solve_start(JsValue::UNDEFINED));
    s.solve_cancel();
    step_to_end(&mut s);
    assert_eq!(json(s.solve_finish())["stop_reason"], json!("cancelled"));
}

// ---- The page's results view and exports --------------------------------------------------

#[wasm_bindgen_test]
fn timetable_has_a_named_row_per_scheduled_lecture() {
    let s = Session::new(COMP01, "comp01.ctt").unwrap();
    let v = json(s.timetable(COMP01_SOL, "comp01-random.sol"));
    assert_eq!(v["name"], json!("Fis0506-1"));
    assert_eq!(
        (v["days"].clone(), v["periods_per_day"].clone()),
        (json!(5), json!(6))
    );
    assert_eq!(v["curricula"].as_array().unwrap().len(), 14);
    assert_eq!(v["teachers"].as_array().unwrap().len(), 24);
    assert_eq!(v["rooms"].as_array().unwrap().len(), 6);
    // 160 lectures; the file schedules 156 (check reports 156 and 5 skipped lines).
    let lectures = v["lectures"].as_array().unwrap();
    assert_eq!(lectures.len(), 156);
    assert_eq!(v["unscheduled"], json!(4));
    let row = &lectures[0];
    for key in [
        "course",
        "teacher",
        "room",
        "day",
        "period",
        "curricula",
        "students",
        "capacity",
    ] {
        assert!(row.get(key).is_some(), "row has {key}");
    }
}

#[wasm_bindgen_test]
fn csv_and_ics_exports_of_the_toy_optimum() {
    let s = Session::new(TOY, "toy.ctt").unwrap();
    let sol = include_str!("../../fixtures/toy_optimal.sol");
    let csv = s.export_csv(sol, "toy.sol", None, None).unwrap();
    assert!(csv.starts_with(
        "course,teacher,room,day,period,curricula,teachers,day_name,period_name,start,end,duration,pinned\r\nTecCos,Rosa,rC,0,0,Cur1;Cur2,Rosa,Day 1,Period 1,,,1,no\r\n"
    ));
    assert_eq!(csv.lines().count(), 17);
    let ics = toy_week(&s, sol, None, None);
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), 16);
    assert!(ics.contains("DTSTART:20260907T080000\r\nDTEND:20260907T093000\r\n"));
    let e = s
        .export_ics(sol, "toy.sol", "2026-09-07", "08:00", 90, 1, None, None)
        .err()
        .unwrap();
    assert_eq!(
        message(e),
        "1 period start time(s) given, but the instance has 4 periods a day"
    );
}

/// The toy timetable `sol` as one week from 2026-09-07, four 90-minute periods a day, of
/// everything or of one `kind` named `name`.
fn toy_week(s: &Session, sol: &str, kind: Option<&str>, name: Option<&str>) -> String {
    s.export_ics(
        sol,
        "toy.sol",
        "2026-09-07",
        "08:00, 10:00, 14:00, 16:00",
        90,
        1,
        kind.map(String::from),
        name.map(String::from),
    )
    .unwrap()
}

#[wasm_bindgen_test]
fn exports_of_one_teacher_and_unknown_names() {
    let s = Session::new(TOY, "toy.ctt").unwrap();
    let sol = include_str!("../../fixtures/toy_optimal.sol");
    let all = s.export_csv(sol, "toy.sol", None, None).unwrap();
    let rosa = s
        .export_csv(sol, "toy.sol", Some("teacher".into()), Some("Rosa".into()))
        .unwrap();
    let expected = all.lines().skip(1).filter(|l| l.contains(",Rosa,")).count();
    assert!(expected > 0);
    assert_eq!(rosa.lines().count(), expected + 1);
    let ics = toy_week(&s, sol, Some("teacher"), Some("Rosa"));
    assert_eq!(ics.matches("BEGIN:VEVENT").count(), expected);
    let e = s
        .export_csv(sol, "toy.sol", Some("room".into()), Some("Nowhere".into()))
        .err()
        .unwrap();
    assert_eq!(message(e), "no room named 'Nowhere' in this instance");
}

const SHEETS: [(&str, &str); 6] = [
    (
        "calendar.csv",
        include_str!("../../../examples/campus-csv/calendar.csv"),
    ),
    (
        "courses.csv",
        include_str!("../../../examples/campus-csv/courses.csv"),
    ),
    (
        "groups.csv",
        include_str!("../../../examples/campus-csv/groups.csv"),
    ),
    (
        "pins.csv",
        include_str!("../../../examples/campus-csv/pins.csv"),
    ),
    (
        "rooms.csv",
        include_str!("../../../examples/campus-csv/rooms.csv"),
    ),
    (
        "teachers.csv",
        include_str!("../../../examples/campus-csv/teachers.csv"),
    ),
];

fn files(list: &[(&str, &str)]) -> JsValue {
    let v: Vec<Value> = list
        .iter()
        .map(|(name, text)| json!({ "name": name, "text": text }))
        .collect();
    options(&serde_json::to_string(&v).unwrap())
}

#[wasm_bindgen_test]
fn files_dropped_together_are_one_instance_or_a_clear_error() {
    let s = Session::from_files(files(&SHEETS)).unwrap();
    let v = json(s.summary());
    assert_eq!(v["courses"], json!(6));
    assert_eq!(v["campus"], json!(true));
    assert_eq!(v["day_names"][0], json!("Mon"));
    assert_eq!(v["pins"], json!(2));
    // One .ctt among them is not a sheet set.
    let mixed = [SHEETS[0], ("toy.ctt", TOY)];
    let e = Session::from_files(files(&mixed)).err().unwrap();
    assert!(message(e).contains("got calendar.csv, toy.ctt"));
    // A single .ctt is read as one.
    let s = Session::from_files(files(&[("toy.ctt", TOY)])).unwrap();
    assert_eq!(s.name(), "Toy");
    // A bad sheet names its file.
    let mut bad = SHEETS;
    let courses = SHEETS[1].1.replacen(",3,1,90,", ",three,1,90,", 1);
    bad[1] = ("courses.csv", &courses);
    let m = message(Session::from_files(files(&bad)).err().unwrap());
    assert!(m.starts_with("courses.csv:"), "{m}");
    assert!(Session::from_files(files(&[])).is_err());
}

#[wasm_bindgen_test]
async fn resolve_keeps_a_new_pin_and_reports_moved_lectures() {
    pool().await;
    let mut s = Session::new(TOY, "toy.ctt").unwrap();
    let sol = include_str!("../../fixtures/toy_optimal.sol");
    let first = sol.lines().next().unwrap().to_string();
    let f: Vec<&str> = first.split_whitespace().collect();
    let edits = options(&format!(
        r#"{{"pins": [{{"course": "{}", "room": "{}", "day": {}, "period": {}}}],
            "room_closed": [{{"name": "rA", "day": 4, "period": 3}}]}}"#,
        f[0], f[1], f[2], f[3]
    ));
    json(s.resolve_start(
        options(r#"{"time_limit": 1, "seed": 3}"#),
        sol,
        "toy.sol",
        edits,
    ));
    step_to_end(&mut s);
    let r = json(s.solve_finish());
    let moved = r["moves"]["moved"].as_u64().unwrap();
    assert_eq!(r["moves"]["of"], json!(16));
    assert_eq!(r["moves"], r["stats"]["moves"]);
    assert!(r.get("moved").is_none(), "the key is `moves`");
    assert!(moved <= 16);
    assert_eq!(r["check"]["hard_violations"], json!(0));
    assert!(
        r["solution"]
            .as_str()
            .unwrap()
            .lines()
            .any(|l| l.trim() == first)
    );
    // The session's instance is the edited one now: the pin is in its timetables.
    let tt = json(s.timetable(r["solution"].as_str().unwrap(), "r.sol"));
    assert_eq!(tt["pins"].as_array().unwrap().len(), 1);
    assert!(
        tt["lectures"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["pinned"] == json!(true))
    );
    // Unknown names in edits are errors that name them.
    let bad = options(r#"{"teacher_unavailable": [{"name": "Nobody", "day": 0, "period": 0}]}"#);
    let e = s
        .resolve_start(options("{}"), sol, "toy.sol", bad)
        .err()
        .unwrap();
    assert_eq!(
        message(e),
        "teacher Nobody unavailable: no teacher named 'Nobody'"
    );
}

#[wasm_bindgen_test]
fn default_options_are_the_solver_defaults() {
    let v = json(atoll::web::default_options());
    assert_eq!(v["time_limit"], json!(60));
    assert_eq!(v["seed"], json!(1));
    assert_eq!(v["islands"], json!(0));
    assert_eq!(v["max_generations"], Value::Null);
}

/// A campus whose names hold spaces so that a `.sol` line of "Chem 1" in "A 101" reads
/// two ways ("Chem 1" + "A 101" or "Chem 1 A" + "101"); the pin puts it there.
const SPACED: &str = r#"{
  "name": "Spaced",
  "days": ["Mon", "Tue"],
  "periods": [
    { "name": "1st", "start": "08:00", "end": "08:50" },
    { "name": "2nd", "start": "09:00", "end": "09:50" }
  ],
  "teachers": [{ "name": "T1" }, { "name": "T2" }],
  "rooms": [{ "name": "A 101", "capacity": 30 }, { "name": "101", "capacity": 30 }],
  "courses": [
    { "name": "Chem 1", "teachers": ["T1"], "lectures": 2, "students": 10 },
    { "name": "Chem 1 A", "teachers": ["T2"], "lectures": 2, "students": 10 }
  ],
  "pins": [{ "course": "Chem 1", "period": "Mon 1st", "room": "A 101" }]
}"#;

#[wasm_bindgen_test]
async fn a_solve_ends_with_its_best_timetable_even_when_its_text_is_ambiguous() {
    pool().await;
    let mut s = Session::from_files(files(&[("spaced.json", SPACED)])).unwrap();
    json(s.solve_start(options(
        r#"{"time_limit": null, "max_generations": 1, "islands": 1, "stage3": false}"#,
    )));
    let (last, _) = step_to_end(&mut s);
    // Before, solveFinish re-read its own `.sol` text and failed on the ambiguous line:
    // the run was gone and its best timetable with it.
    let done = json(s.solve_finish());
    let solution = done["solution"].as_str().unwrap();
    assert!(solution.contains("Chem 1 A 101 0 0"), "{solution}");
    assert_eq!(done["check"]["hard_violations"], last["best"]["hard"]);
    assert_eq!(done["check"]["soft_cost"], last["best"]["soft"]);
    assert_eq!(done["check"]["scheduled_lectures"], json!(4));
}

#[wasm_bindgen_test]
fn the_wasm_budget_stays_within_the_heap_and_huge_inputs_are_refused_by_name() {
    // navigator.deviceMemory says 8 GiB; the module's heap holds 1 GiB.
    let b = json(atoll::web::budget_for(Some(8.0)));
    // JavaScript has one number type: 1.0 arrives as the integer 1.
    assert_eq!(b["memory_gib"].as_f64(), Some(1.0));
    assert_eq!(b["heap_limit_gib"].as_f64(), Some(1.0));
    let mut s = Session::new(TOY, "toy.ctt").unwrap();
    let m = message(s.score_random_batch(u32::MAX, 1).expect_err("too many"));
    assert!(m.contains("option count") && m.contains("at most"), "{m}");
    let m = message(
        s.solve_start(options(r#"{"time_limit": 1e20}"#))
            .expect_err("too long"),
    );
    assert!(m.contains("time_limit") && m.contains("2592000"), "{m}");
}
