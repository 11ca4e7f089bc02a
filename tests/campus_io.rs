//! Campus JSON and CSV: every shared instance survives `.ctt` → JSON → instance → `.ctt`
//! with the same score for the same timetables (whole breakdowns), campus instances survive
//! JSON round trips, the CSV example is the JSON example, the schema matches the serde
//! types, and bad input gets `file:line:column: where: what`.

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use atoll::construct::construct;
use atoll::io::campus::{doc::CampusDoc, from_csv, from_json, to_doc, to_json};
use atoll::io::ctt::to_ctt;
use atoll::model::{CourseId, LectureId, PeriodId, RoomId, TeacherId};
use atoll::{Instance, Slot, Timetable, parse_instance, parse_solution, score, write_solution};
use common::assert_same_instance;
use common::campus::{CampusSpec, random_campus};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every shared instance, `.ctt` and `.ectt`.
fn shared_instances() -> Vec<PathBuf> {
    let mut v = common::all_instances();
    let dir = common::shared_dir().join("instances/extra");
    let mut ectt: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "ectt"))
        .collect();
    ectt.sort();
    v.extend(ectt);
    v
}

/// Random timetables (some lectures unscheduled, clashes and all) plus a constructed one.
fn timetables(inst: &Instance, seed: u64, n: usize) -> Vec<Timetable> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut out = vec![construct(inst, &mut rng).timetable];
    for _ in 0..n {
        let mut tt = Timetable::empty(inst);
        for l in 0..inst.n_lectures() {
            if rng.random_bool(0.9) {
                let p = PeriodId(rng.random_range(0..inst.n_periods()) as u16);
                let r = RoomId(rng.random_range(0..inst.rooms.len()) as u16);
                tt.set(LectureId(l as u32), Slot::at(p, r));
            }
        }
        out.push(tt);
    }
    out
}

#[test]
fn every_shared_instance_round_trips_through_json_with_equal_scores() {
    for path in shared_instances() {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let inst = common::load(&path);
        let json = to_json(&inst).unwrap_or_else(|e| panic!("{name}: {e}"));
        let back = from_json(&json, "x.json").unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_same_instance(&inst, &back, &name);
        assert!(!back.uses_campus_features(), "{name}");
        for (k, tt) in timetables(&inst, 7, 4).iter().enumerate() {
            assert_eq!(score(&inst, tt), score(&back, tt), "{name} timetable {k}");
            // The solution file names the same courses and rooms in both.
            let sol = write_solution(&inst, tt);
            let (ta, wa) = parse_solution(&inst, sol.as_bytes(), "x.sol").unwrap();
            let (tb, wb) = parse_solution(&back, sol.as_bytes(), "x.sol").unwrap();
            assert_eq!(wa, wb, "{name} timetable {k}");
            assert_eq!(
                score(&inst, &ta),
                score(&back, &tb),
                "{name} timetable {k} as .sol"
            );
        }
        // JSON → .ctt/.ectt gives the same instance again, and the same file twice.
        let ctt = to_ctt(&back).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(ctt, to_ctt(&inst).unwrap(), "{name}");
        let again = parse_instance(ctt.as_bytes(), &name).unwrap();
        assert_same_instance(&inst, &again, &format!("{name} via .ctt"));
        // `parse_instance` dispatches on the extension.
        let via = parse_instance(json.as_bytes(), "X.JSON").unwrap();
        assert_same_instance(&inst, &via, &format!("{name} via parse_instance"));
    }
}

#[test]
fn the_written_ectt_has_the_lines_of_the_original() {
    // The toy's own file differs only in whitespace and in the order of its
    // unavailability lines (an instance keeps them sorted).
    let path = common::shared_dir().join("instances/extra/toy.ectt");
    let inst = common::load(&path);
    let text = to_ctt(&inst).unwrap();
    let orig = std::fs::read_to_string(&path).unwrap();
    let norm = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    assert_eq!(norm(&text), norm(&orig));
}

#[test]
fn campus_instances_round_trip_through_json() {
    for seed in 0..12 {
        let spec = CampusSpec {
            pins: seed % 2 == 0,
            loose: seed % 3 != 0,
            ..CampusSpec::default()
        };
        let inst = random_campus(seed, spec);
        let json = to_json(&inst).unwrap();
        let back =
            from_json(&json, "r.json").unwrap_or_else(|e| panic!("seed {seed}: {e}\n{json}"));
        assert!(back.uses_campus_features());
        // A fixed point: writing what was read gives the same text.
        assert_eq!(to_json(&back).unwrap(), json, "seed {seed}");
        for (k, tt) in timetables(&inst, seed, 6).iter().enumerate() {
            let mut tt = tt.clone();
            tt.align_pins(&inst);
            assert_eq!(score(&inst, &tt), score(&back, &tt), "seed {seed} tt {k}");
        }
        for l in 0..inst.n_lectures() {
            assert_eq!(inst.pin_of(l), back.pin_of(l), "seed {seed} lecture {l}");
        }
        for c in 0..inst.courses.len() {
            let c = CourseId(c as u16);
            for p in 0..inst.n_periods() {
                let p = PeriodId(p as u16);
                assert_eq!(inst.is_unavailable(c, p), back.is_unavailable(c, p));
                assert_eq!(inst.dispreferred(c, p), back.dispreferred(c, p));
            }
        }
    }
}

#[test]
fn ctt_refuses_campus_features_naming_the_first() {
    let inst = random_campus(3, CampusSpec::default());
    let e = to_ctt(&inst).unwrap_err().to_string();
    assert!(e.starts_with(".ctt cannot express "), "{e}");
    let small = load_example();
    let e = to_ctt(&small).unwrap_err().to_string();
    assert_eq!(
        e,
        ".ctt cannot express multi-period lectures (course Programming lab lasts 2 periods); keep this instance as campus JSON"
    );
    // A name with a space cannot be a `.ctt` token.
    let mut parts = common::load(&common::shared_dir().join("instances/extra/toy.ctt")).to_parts();
    parts.courses[0].name = "Sce Cos".into();
    let inst = Instance::new(parts).unwrap();
    assert_eq!(
        to_ctt(&inst).unwrap_err().to_string(),
        "course name \"Sce Cos\" cannot be written in .ctt: it contains whitespace"
    );
}

fn load_example() -> Instance {
    let path = root().join("examples/campus-small.json");
    let text = std::fs::read_to_string(&path).unwrap();
    from_json(&text, "campus-small.json").unwrap_or_else(|e| panic!("{e}"))
}

fn csv_files(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<(String, String)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .map(|p| {
            (
                format!("campus-csv/{}", p.file_name().unwrap().to_string_lossy()),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn the_small_example_means_what_it_says() {
    let inst = load_example();
    let c = |n: &str| inst.course_by_name(n).unwrap();
    let r = |n: &str| inst.room_by_name(n).unwrap();
    assert_eq!((inst.days, inst.periods_per_day), (5, 5));
    assert_eq!(inst.day_name(4), "Fri");
    assert_eq!(inst.period_name(2), "3rd");
    assert_eq!(inst.calendar().unwrap().periods[4].start_min, 13 * 60);
    // Room type and features pick the suitable rooms.
    let suits = |course: &str| -> Vec<String> {
        (0..inst.rooms.len())
            .filter(|&k| inst.room_suits(c(course), RoomId(k as u16)))
            .map(|k| inst.rooms[k].name.clone())
            .collect()
    };
    assert_eq!(suits("Programming"), ["Hall A", "Hall B"]);
    assert_eq!(suits("Programming lab"), ["Lab C1"]);
    assert_eq!(suits("Maths 1"), ["Hall A"]);
    assert_eq!(suits("Chemistry lab"), ["Lab K1"]);
    assert_eq!(suits("Logic").len(), 5);
    assert_eq!(inst.duration(c("Chemistry lab")), 3);
    // Ada is away on Fridays: her courses (Maths 1, and the lab she co-teaches) too.
    let fri = |s: usize| inst.period_at(4, s);
    assert!((0..5).all(|s| inst.is_unavailable(c("Maths 1"), fri(s))));
    assert!(inst.is_unavailable(c("Programming lab"), fri(0)));
    assert!(!inst.is_unavailable(c("Programming"), fri(0)));
    assert!(inst.is_unavailable(c("Programming lab"), inst.period_at(0, 1)));
    assert!(inst.is_unavailable(c("Logic"), inst.period_at(3, 4)));
    assert_eq!(inst.teacher_max_daily(TeacherId(0)), Some(3));
    assert!(inst.room_closed(r("Seminar 1"), inst.period_at(2, 4)));
    // Alan prefers six periods, given by time or by name.
    assert_eq!(inst.dispreferred(c("Logic"), inst.period_at(0, 0)), 0);
    assert_eq!(inst.dispreferred(c("Logic"), inst.period_at(1, 1)), 0);
    assert_eq!(inst.dispreferred(c("Logic"), inst.period_at(1, 2)), 1);
    assert!(inst.in_conflict(c("Maths 1"), c("Programming lab")));
    assert!(inst.in_conflict(c("Logic"), c("Chemistry lab")));
    // Pins sit on the course's last lectures.
    let maths = inst.lectures_of(c("Maths 1"));
    let pin = inst.pin_of(maths.end - 1).unwrap();
    assert_eq!(
        (pin.period, pin.room),
        (Some(inst.period_at(0, 2)), Some(r("Hall A")))
    );
    let lab = inst.lectures_of(c("Chemistry lab"));
    assert_eq!(
        inst.pin_of(lab.start).unwrap().period,
        Some(inst.period_at(3, 0))
    );
    assert_eq!(inst.weights().teacher_preference, 2);
    assert_eq!(inst.weights().changes, 10);
    assert_eq!(inst.weights().min_working_days, 5);
}

#[test]
fn the_csv_example_is_the_json_example() {
    let json = load_example();
    let csv =
        from_csv(&csv_files(&root().join("examples/campus-csv"))).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(csv.name, "campus-csv");
    let mut a = to_doc(&json).unwrap();
    let mut b = to_doc(&csv).unwrap();
    a.name.clear();
    b.name.clear();
    assert_eq!(a, b);
    let (pa, pb) = (json.to_parts(), csv.to_parts());
    assert_eq!(pa.courses, pb.courses);
    assert_eq!(pa.campus, pb.campus);
}

/// The schema's properties, by `$defs` name (and "" for the root).
fn schema() -> Value {
    let text = std::fs::read_to_string(root().join("schema/campus.schema.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn resolve<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
    match node.get("$ref").and_then(Value::as_str) {
        Some(r) => {
            let name = r.strip_prefix("#/$defs/").expect("local $ref");
            &schema["$defs"][name]
        }
        None => node,
    }
}

/// A small validator for the schema's subset: type, properties, required,
/// additionalProperties: false, items, $ref, anyOf/oneOf, minimum, minItems, pattern
/// (only the time pattern), const. Returns the errors with their paths.
fn validate(schema: &Value, node: &Value, v: &Value, path: &str, errs: &mut Vec<String>) {
    let node = resolve(schema, node);
    if let Some(alts) = node
        .get("oneOf")
        .or_else(|| node.get("anyOf"))
        .and_then(Value::as_array)
    {
        let ok = alts.iter().filter(|a| {
            let mut e = Vec::new();
            validate(schema, a, v, path, &mut e);
            e.is_empty()
        });
        let n = ok.count();
        let one = node.get("oneOf").is_some();
        if (one && n != 1) || n == 0 {
            errs.push(format!("{path}: matches {n} alternatives"));
        }
        return;
    }
    if let Some(t) = node.get("type").and_then(Value::as_str) {
        let ok = match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_u64() || v.is_i64(),
            "boolean" => v.is_boolean(),
            other => panic!("type {other} not supported by the test validator"),
        };
        if !ok {
            errs.push(format!("{path}: expected {t}"));
            return;
        }
    }
    if let Some(min) = node.get("minimum").and_then(Value::as_i64)
        && v.as_i64().is_some_and(|x| x < min)
    {
        errs.push(format!("{path}: below {min}"));
    }
    if let Some(p) = node.get("pattern").and_then(Value::as_str) {
        assert_eq!(
            p, "^([01]?[0-9]|2[0-3]):[0-5][0-9]$",
            "only the time pattern is supported"
        );
        let s = v.as_str().unwrap_or("");
        if atoll::io::campus::build::parse_time(s).is_none() {
            errs.push(format!("{path}: not a time"));
        }
    }
    if let Some(n) = node.get("minItems").and_then(Value::as_u64)
        && v.as_array().is_some_and(|a| (a.len() as u64) < n)
    {
        errs.push(format!("{path}: fewer than {n} items"));
    }
    if let (Some(items), Some(arr)) = (node.get("items"), v.as_array()) {
        for (i, x) in arr.iter().enumerate() {
            validate(schema, items, x, &format!("{path}[{i}]"), errs);
        }
    }
    if let Some(obj) = v.as_object() {
        let props = node.get("properties").and_then(Value::as_object);
        for req in node
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !obj.contains_key(req.as_str().unwrap()) {
                errs.push(format!("{path}: lacks {req}"));
            }
        }
        for (k, x) in obj {
            match props.and_then(|p| p.get(k)) {
                Some(s) => validate(schema, s, x, &format!("{path}.{k}"), errs),
                None => match node.get("additionalProperties") {
                    Some(Value::Bool(false)) => errs.push(format!("{path}: unknown {k}")),
                    Some(s @ Value::Object(_)) => {
                        validate(schema, s, x, &format!("{path}.{k}"), errs)
                    }
                    _ => {}
                },
            }
        }
    }
}

fn errors(v: &Value) -> Vec<String> {
    let s = schema();
    let mut errs = Vec::new();
    validate(&s, &s, v, "$", &mut errs);
    errs
}

#[test]
fn the_examples_and_written_files_validate_against_the_schema() {
    let mut files = vec![root().join("examples/campus-small.json")];
    let sample = root().join("www/samples/campus.json");
    if sample.exists() {
        files.push(sample);
    }
    for f in files {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
        assert_eq!(errors(&v), Vec::<String>::new(), "{}", f.display());
    }
    for path in shared_instances()
        .iter()
        .filter(|p| p.to_string_lossy().contains("toy"))
    {
        let v: Value = serde_json::from_str(&to_json(&common::load(path)).unwrap()).unwrap();
        assert_eq!(errors(&v), Vec::<String>::new(), "{}", path.display());
    }
    let v: Value =
        serde_json::from_str(&to_json(&random_campus(1, CampusSpec::default())).unwrap()).unwrap();
    assert_eq!(errors(&v), Vec::<String>::new());
    // And the validator does reject things.
    let mut bad: Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/campus-small.json")).unwrap(),
    )
    .unwrap();
    bad["courses"][0]["lecturez"] = Value::from(3);
    bad["periods"][0]["start"] = Value::from("8h");
    assert_eq!(errors(&bad).len(), 2, "{:?}", errors(&bad));
}

/// Every object in a document with every optional field filled: its keys must be exactly
/// the schema's properties, so neither can gain a field the other lacks.
#[test]
fn the_schema_lists_exactly_the_fields_of_the_serde_types() {
    let full = r#"{
      "$schema": "s", "name": "n", "days": ["Mon"],
      "periods": [{"name": "1st", "start": "08:00", "end": "09:00"}, {"start": "09:00", "end": "10:00"}],
      "teachers": [{"name": "T", "unavailable": ["Mon"], "preferred": ["Mon 1st"], "max_daily": 2}],
      "rooms": [{"name": "R", "capacity": 3, "type": "lab", "features": ["f"], "unavailable": ["Mon"]}],
      "groups": [{"name": "G", "kind": "batch", "courses": ["C"], "max_daily": 3}],
      "courses": [{"name": "C", "teachers": ["T"], "lectures": 1, "duration": 2, "students": 2,
        "min_days": 1, "room_type": "lab", "features": ["f"], "rooms": ["R"], "unavailable": ["Mon 1st"]}],
      "pins": [{"course": "C", "period": "Mon 1st", "room": "R"}],
      "weights": {"room_capacity": 1, "min_working_days": 5, "curriculum_compactness": 2,
        "room_stability": 1, "teacher_preference": 1, "daily_limit": 5, "changes": 5},
      "ectt": {"min_daily_lectures": 1, "max_daily_lectures": 2,
        "room_constraints": [{"course": "C", "room": "R"}], "double_lectures": ["C"],
        "buildings": {"R": 1}}
    }"#;
    let doc: CampusDoc = serde_json::from_str(full).unwrap();
    from_json(full, "full.json").unwrap();
    let written = serde_json::to_value(&doc).unwrap();
    let input: Value = serde_json::from_str(full).unwrap();
    assert_eq!(written, input, "the serde types keep every field");
    let s = schema();
    fn keys(v: &Value) -> BTreeSet<String> {
        v.as_object().unwrap().keys().cloned().collect()
    }
    let props = |node: &Value| keys(&resolve(&s, node)["properties"]);
    assert_eq!(keys(&input), props(&s));
    let p = &s["properties"];
    let item = |k: &str| -> Value {
        let node = resolve(&s, &p[k]);
        node.get("items").cloned().unwrap_or_else(|| node.clone())
    };
    for k in ["teachers", "rooms", "groups", "courses", "pins"] {
        assert_eq!(keys(&input[k][0]), props(&item(k)), "{k}");
    }
    assert_eq!(keys(&input["weights"]), props(&p["weights"]));
    assert_eq!(keys(&input["ectt"]), props(&p["ectt"]));
    let ectt = resolve(&s, &p["ectt"]);
    assert_eq!(
        keys(&input["ectt"]["room_constraints"][0]),
        props(&ectt["properties"]["room_constraints"]["items"])
    );
    // Periods: the second alternative of `periods` is the list of period objects.
    let periods = resolve(&s, &p["periods"]);
    let list = periods["oneOf"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["type"] == "array")
        .unwrap();
    assert_eq!(keys(&input["periods"][0]), props(&list["items"]));
}

/// Compares, or prints every mismatch (to bless a new expectation by reading it).
#[track_caller]
fn check(got: String, want: &str) {
    if got != want {
        eprintln!("GOT  {got:?}\nWANT {want:?}");
        if std::env::var_os("ATOLL_SHOW").is_none() {
            panic!("mismatch");
        }
    }
}

/// `file:line:column: where: what` for JSON.
fn json_err(text: &str) -> String {
    from_json(text, "c.json").unwrap_err().to_string()
}

const MINI: &str = r#"{
  "name": "m",
  "days": ["Mon", "Tue"],
  "periods": [{"start": "08:00", "end": "09:00"}, {"start": "09:00", "end": "10:00"}],
  "teachers": [{"name": "T"}],
  "rooms": [{"name": "R", "capacity": 10, "type": "hall"}],
  "groups": [{"name": "G", "courses": ["C"]}],
  "courses": [{"name": "C", "teachers": ["T"], "lectures": 2, "students": 5}]
}"#;

#[test]
fn json_errors_name_line_column_and_element() {
    from_json(MINI, "c.json").unwrap();
    check(
        json_err(&MINI.replace("\"teachers\": [\"T\"]", "\"teachers\": [\"X\"]")),
        "c.json:8:42: courses[0].teachers[0]: no teacher named \"X\"",
    );
    check(
        json_err(&MINI.replace("\"lectures\": 2", "\"lecturez\": 2")),
        "c.json:8:57: courses[0].lecturez: unknown field `lecturez`, expected one of `name`, `teachers`, `lectures`, `duration`, `students`, `min_days`, `room_type`, `features`, `rooms`, `unavailable`",
    );
    check(
        json_err(&MINI.replace("\"students\": 5", "\"students\": -5")),
        "c.json:8:76: courses[0].students: invalid value: integer `-5`, expected u64",
    );
    check(
        json_err(&MINI.replace("\"start\": \"09:00\"", "\"start\": \"9h\"")),
        "c.json:4:61: periods[1].start: expected a time such as \"08:00\", found \"9h\"",
    );
    check(
        json_err(&MINI.replace(
            "\"name\": \"T\"}]",
            "\"name\": \"T\", \"unavailable\": [\"Wed 08:00\"]}]",
        )),
        "c.json:5:46: teachers[0].unavailable[0]: no period \"Wed 08:00\": expected \"DAY PERIOD\" such as \"Mon 08:00\" (days: Mon, Tue; a period by name or start time)",
    );
    check(
        json_err(&MINI.replace("\"students\": 5", "\"students\": 5, \"room_type\": \"lab\"")),
        "c.json:8:91: courses[0].room_type: no room suits course \"C\": it needs type \"lab\"",
    );
    check(
        json_err(&MINI.replace("\"students\": 5", "\"students\": 5, \"duration\": 3")),
        "c.json:8:90: courses[0].duration: the duration is 3 periods, but a day has only 2",
    );
    check(
        json_err(""),
        "c.json:1:1: expected a campus JSON object starting with '{', found the end of the file",
    );
    check(
        json_err("[1]"),
        "c.json:1:1: expected a campus JSON object starting with '{', found '['",
    );
    check(
        json_err("{\"name\": \"x\""),
        "c.json:1:12: EOF while parsing an object",
    );
    check(
        json_err(&format!("{MINI} x")),
        "c.json:9:3: trailing characters after the campus object",
    );
    check(
        json_err("{\"name\": \"x\", \"courses\": []}"),
        "c.json:1:28: missing field `days`",
    );
}

fn csv_err(edit: impl Fn(&mut Vec<(String, String)>)) -> String {
    let mut files = csv_files(&root().join("examples/campus-csv"));
    edit(&mut files);
    from_csv(&files).unwrap_err().to_string()
}

fn set(files: &mut [(String, String)], name: &str, text: &str) {
    files.iter_mut().find(|f| f.0.ends_with(name)).unwrap().1 = text.to_string();
}

#[test]
fn csv_errors_name_file_row_and_column() {
    assert_eq!(
        csv_err(|f| {
            let t = f
                .iter()
                .find(|x| x.0.ends_with("courses.csv"))
                .unwrap()
                .1
                .replace("Alan Turing,3", "Alan Turning,3");
            set(f, "courses.csv", &t)
        }),
        "campus-csv/courses.csv:2:2: teachers: no teacher named \"Alan Turning\""
    );
    assert_eq!(
        csv_err(|f| {
            let t = f
                .iter()
                .find(|x| x.0.ends_with("rooms.csv"))
                .unwrap()
                .1
                .replace("Hall B,80", "Hall B,eighty");
            set(f, "rooms.csv", &t)
        }),
        "campus-csv/rooms.csv:3:2: capacity: expected a whole number, found \"eighty\""
    );
    assert_eq!(
        csv_err(|f| {
            let t = f
                .iter()
                .find(|x| x.0.ends_with("pins.csv"))
                .unwrap()
                .1
                .replace("Mon 3rd", "Sun 3rd");
            set(f, "pins.csv", &t)
        }),
        "campus-csv/pins.csv:2:2: period: no period \"Sun 3rd\": expected \"DAY PERIOD\" such as \"Mon 1st\" (days: Mon, Tue, Wed, Thu, Fri; a period by name or start time)"
    );
    assert_eq!(
        csv_err(|f| set(f, "groups.csv", "name,kind,courses,colour\n")),
        "campus-csv/groups.csv:1:4: colour: unknown column; expected one of name, kind, courses, max_daily"
    );
    assert_eq!(
        csv_err(|f| set(
            f,
            "calendar.csv",
            "day,period,start,end\nMon,1st,08:00,07:00\n"
        )),
        "campus-csv/calendar.csv:2:4: end: the period ends at 07:00 but starts at 08:00"
    );
    assert_eq!(
        csv_err(|f| f.retain(|x| !x.0.ends_with("rooms.csv"))),
        "rooms.csv:1:1: this sheet is missing; a campus needs calendar.csv, teachers.csv, rooms.csv, groups.csv and courses.csv (pins.csv and weights.csv are optional)"
    );
    assert_eq!(
        csv_err(|f| f.push(("notes.txt".into(), String::new()))),
        "notes.txt:1:1: not a campus sheet; expected files named calendar.csv, teachers.csv, rooms.csv, groups.csv, courses.csv, pins.csv, weights.csv"
    );
}

// ----- the malformed-input corpus (tests/corpus/campus_json, tests/corpus/campus_csv) -----

fn corpus() -> PathBuf {
    root().join("tests/corpus")
}

fn bless() -> bool {
    std::env::var_os("ATOLL_BLESS").is_some()
}

/// Compares `got` with `NAME.expected` beside the case (or writes it when blessing).
fn expect(case: &Path, got: &str, failures: &mut Vec<String>) {
    let exp = case.with_extension("expected");
    if bless() {
        std::fs::write(&exp, format!("{got}\n")).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&exp)
        .unwrap_or_else(|e| panic!("{} has no expected error ({e})", exp.display()));
    if want.trim_end() != got {
        failures.push(format!(
            "{}:\n  expected: {}\n  got:      {got}",
            case.display(),
            want.trim_end()
        ));
    }
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

#[test]
fn every_malformed_campus_json_gives_its_exact_error() {
    let cases: Vec<PathBuf> = sorted_entries(&corpus().join("campus_json"))
        .into_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    assert!(cases.len() >= 25, "only {} JSON cases", cases.len());
    let mut failures = Vec::new();
    for path in &cases {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let bytes = std::fs::read(path).unwrap();
        let got = std::panic::catch_unwind(|| parse_instance(&bytes, &name))
            .unwrap_or_else(|_| panic!("{name}: the reader panicked"));
        match got {
            Ok(_) => failures.push(format!("{name}: read without error")),
            Err(e) => {
                assert_eq!(e.file, name);
                expect(path, &e.to_string(), &mut failures);
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_malformed_campus_csv_folder_gives_its_exact_error() {
    let cases: Vec<PathBuf> = sorted_entries(&corpus().join("campus_csv"))
        .into_iter()
        .filter(|p| p.is_dir())
        .collect();
    assert!(cases.len() >= 10, "only {} CSV cases", cases.len());
    let mut failures = Vec::new();
    for dir in &cases {
        let case = dir.file_name().unwrap().to_string_lossy().to_string();
        let files: Vec<(String, String)> = sorted_entries(dir)
            .into_iter()
            .map(|p| {
                (
                    format!("{case}/{}", p.file_name().unwrap().to_string_lossy()),
                    std::fs::read_to_string(&p).unwrap(),
                )
            })
            .collect();
        let got = std::panic::catch_unwind(|| from_csv(&files))
            .unwrap_or_else(|_| panic!("{case}: the reader panicked"));
        match got {
            Ok(_) => failures.push(format!("{case}: read without error")),
            Err(e) => expect(
                &dir.with_extension("expected"),
                &e.to_string(),
                &mut failures,
            ),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The CLI takes a `.json` file or a CSV folder wherever it takes an instance, and reports
/// a bad one with status 2 and the message.
#[test]
fn cli_reads_json_and_csv_folders_and_reports_their_errors() {
    let exe = env!("CARGO_BIN_EXE_atoll");
    let run = |args: &[&Path]| std::process::Command::new(exe).args(args).output().unwrap();
    let small = root().join("examples/campus-small.json");
    let folder = root().join("examples/campus-csv");
    for inst in [&small, &folder] {
        let out = run(&[Path::new("info"), inst]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("6 (15 lectures a week, 4 teachers)")
        );
    }
    let bad = corpus().join("campus_json/unknown_teacher.json");
    let out = run(&[Path::new("info"), &bad]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    let want = std::fs::read_to_string(bad.with_extension("expected")).unwrap();
    let tail = want
        .trim_end()
        .strip_prefix("unknown_teacher.json")
        .unwrap();
    assert!(err.contains(&format!("{}{tail}", bad.display())), "{err}");
    let bad = corpus().join("campus_csv/unknown_teacher");
    let out = run(&[Path::new("info"), &bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .contains("courses.csv:6:2: teachers: no teacher named \"Marie Currie\"")
    );

    // convert: .ectt -> .json -> .ectt gives the same lines; .json -> .ctt refuses labs.
    let tmp = std::env::temp_dir().join(format!("atoll-convert-{}", std::process::id()));
    std::fs::create_dir_all(&tmp).unwrap();
    let toy = common::shared_dir().join("instances/extra/toy.ectt");
    let (j, e) = (tmp.join("toy.json"), tmp.join("toy.ectt"));
    assert!(run(&[Path::new("convert"), &toy, &j]).status.success());
    assert!(run(&[Path::new("convert"), &j, &e]).status.success());
    let a = common::load(&toy);
    let b = common::load(&e);
    assert_same_instance(&a, &b, "toy.ectt via the CLI");
    let out = run(&[Path::new("convert"), &small, &tmp.join("x.ctt")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(".ctt cannot express multi-period lectures")
    );
    let out = run(&[Path::new("convert"), &toy, &tmp.join("x.ctt")]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "an .ectt instance written as .ctt"
    );
    let out = run(&[Path::new("convert"), &folder, &tmp.join("c.json")]);
    assert!(out.status.success());
    let c = from_json(
        &std::fs::read_to_string(tmp.join("c.json")).unwrap(),
        "c.json",
    )
    .unwrap();
    assert_eq!(
        to_json(&c).unwrap(),
        to_json(&from_csv(&csv_files(&folder)).unwrap()).unwrap()
    );
    std::fs::remove_dir_all(&tmp).ok();
}

/// The bundled sample (`www/samples/campus.json`, from `examples/gen_campus.rs`) is the
/// made-up university the page and the browser tests solve.
#[test]
fn the_sample_campus_reads_and_has_the_promised_shape() {
    let path = root().join("www/samples/campus.json");
    let inst = common::load(&path);
    assert_eq!(
        (inst.days, inst.periods_per_day, inst.rooms.len()),
        (6, 8, 40)
    );
    assert_eq!(inst.day_name(5), "Sat");
    assert_eq!(inst.period_name(5), "14:00");
    assert!(
        (250..=350).contains(&inst.courses.len()),
        "{}",
        inst.courses.len()
    );
    assert!(
        (100..=150).contains(&inst.teachers.len()),
        "{}",
        inst.teachers.len()
    );
    let labs = inst.courses.iter().filter(|c| c.duration > 1).count();
    assert!(labs >= 30, "{labs} labs");
    assert!(inst.courses.iter().all(|c| c.duration <= 3));
    assert!(inst.has_pins());
    // Some electives are shared by tracks of several faculties.
    let shared = inst
        .courses
        .iter()
        .enumerate()
        .filter(|(c, _)| inst.curricula_of(CourseId(*c as u16)).len() >= 4)
        .count();
    assert!(shared >= 6, "{shared}");
    // Written back, it reads as the same instance.
    let again = from_json(&to_json(&inst).unwrap(), "again.json").unwrap();
    assert_same_instance(&inst, &again, "sample");
}

/// Campus names hold spaces ("Lagoon Hall 2"): a `.sol` line is then read as COURSE ROOM
/// DAY PERIOD by the one split that names a course and a room; and pinned lectures are
/// aligned with their pins whatever the order of the file's lines.
#[test]
fn solutions_of_a_campus_read_back_with_spaces_in_names_and_pins_aligned() {
    for inst in [
        load_example(),
        common::load(&root().join("www/samples/campus.json")),
    ] {
        for (k, tt) in timetables(&inst, 5, 3).iter().enumerate() {
            let mut tt = tt.clone();
            tt.align_pins(&inst);
            let sol = write_solution(&inst, &tt);
            // Reverse the lines: pins must still land on their lectures.
            let reversed: String = sol.lines().rev().map(|l| format!("{l}\n")).collect();
            // A random timetable repeats (course, period) lines, and which repeat is skipped
            // depends on the order: only the constructed one is read reversed.
            let texts = if k == 0 {
                vec![&sol, &reversed]
            } else {
                vec![&sol]
            };
            for text in texts {
                let (back, warnings) = parse_solution(&inst, text.as_bytes(), "x.sol").unwrap();
                let (mut again, _) = parse_solution(&inst, sol.as_bytes(), "x.sol").unwrap();
                again.align_pins(&inst);
                assert_eq!(
                    score(&inst, &back),
                    score(&inst, &again),
                    "{} {k}",
                    inst.name
                );
                if k == 0 {
                    // The constructed timetable has no repeated (course, period) line.
                    assert!(warnings.is_empty(), "{warnings:?}");
                    assert_eq!(score(&inst, &back), score(&inst, &tt), "{} {k}", inst.name);
                }
            }
        }
    }
    let inst = load_example();
    let (tt, w) = parse_solution(
        &inst,
        b"Maths 1 Hall A 0 2\nChemistry lab Lab K1 3 0\n",
        "x.sol",
    )
    .unwrap();
    assert!(w.is_empty());
    assert_eq!(tt.slots().iter().filter(|s| s.is_scheduled()).count(), 2);
    let e = parse_solution(&inst, b"Maths 1 Hall Z 0 2\n", "x.sol").unwrap_err();
    assert_eq!(
        e.to_string(),
        "x.sol:1: expected 'CourseID RoomID Day Period' (4 fields), found 6 field(s)"
    );
}
