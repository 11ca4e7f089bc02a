//! The `atoll` program as a user meets it: `check` prints the validator's report (or the
//! JSON object) and exits 0 whatever the timetable costs; a malformed or missing input
//! exits 2 with a message naming file and line on stderr; `info` describes an instance;
//! `--help` works.

mod common;
#[path = "corpus/support.rs"]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use support::{Python, corpus_dir, fixtures_dir};

fn atoll(args: &[&dyn AsRef<std::ffi::OsStr>]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atoll"));
    for a in args {
        cmd.arg(a);
    }
    cmd.output().expect("cannot run atoll")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn toy() -> PathBuf {
    common::shared_dir().join("instances/extra/toy.ctt")
}

fn comp01() -> PathBuf {
    common::shared_dir().join("instances/itc2007/comp01.ctt")
}

/// `check` on an infeasible timetable: exactly the validator's eight lines and summary,
/// nothing else on stdout or stderr, status 0.
#[test]
fn check_prints_the_validator_report_for_an_infeasible_timetable() {
    // Scores derived by hand in tests/hand_cases.rs (toy, everything packed into rA).
    let o = atoll(&[&"check", &toy(), &fixtures_dir().join("toy_packed.sol")]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "Violations of Lectures (hard) : 0\n\
         Violations of Conflicts (hard) : 14\n\
         Violations of Availability (hard) : 0\n\
         Violations of RoomOccupation (hard) : 11\n\
         Cost of RoomCapacity (soft) : 70\n\
         Cost of MinWorkingDays (soft) : 35\n\
         Cost of CurriculumCompactness (soft) : 6\n\
         Cost of RoomStability (soft) : 0\n\
         Violations = 25, Total Cost = 111\n"
    );
    assert_eq!(stderr(&o), "");
}

/// A feasible timetable ends with `Total Cost = S` alone, as the validator prints it.
#[test]
fn check_prints_only_the_total_cost_for_a_feasible_timetable() {
    for (inst, sol, total, lines) in [
        (toy(), "toy_optimal.sol", 0, [0, 0, 0, 0, 0, 0, 0, 0]),
        (comp01(), "comp01_feasible.sol", 6, [0, 0, 0, 0, 4, 0, 0, 2]),
    ] {
        let sol = fixtures_dir().join(sol);
        let o = atoll(&[&"check", &inst, &sol]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let out = stdout(&o);
        let got: Vec<&str> = out.lines().collect();
        let labels = [
            "Violations of Lectures (hard)",
            "Violations of Conflicts (hard)",
            "Violations of Availability (hard)",
            "Violations of RoomOccupation (hard)",
            "Cost of RoomCapacity (soft)",
            "Cost of MinWorkingDays (soft)",
            "Cost of CurriculumCompactness (soft)",
            "Cost of RoomStability (soft)",
        ];
        let mut want: Vec<String> = labels
            .iter()
            .zip(lines)
            .map(|(l, n)| format!("{l} : {n}"))
            .collect();
        want.push(format!("Total Cost = {total}"));
        assert_eq!(got, want, "{}", sol.display());
        // The same numbers as the independent scorer.
        match support::python_score(&common::shared_dir(), &inst, &sol) {
            Python::Scored(j) => {
                assert_eq!(j["feasible"], true);
                assert_eq!(j["soft_cost"].as_u64(), Some(total));
            }
            Python::Rejected(e) => panic!("{e}"),
        }
    }
}

/// `--json`: exactly the agreed keys, and the numbers of the report.
#[test]
fn check_json_has_exactly_the_agreed_keys() {
    let cases = [
        (toy(), fixtures_dir().join("toy_packed.sol")),
        (comp01(), fixtures_dir().join("comp01_feasible.sol")),
        (toy(), corpus_dir().join("solutions/unknown_room.sol")),
    ];
    for (inst, sol) in cases {
        let o = atoll(&[&"check", &inst, &sol, &"--json"]);
        assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
        let j: serde_json::Value = serde_json::from_str(&stdout(&o)).expect("stdout is JSON");
        let obj = j.as_object().unwrap();
        let mut keys: Vec<&str> = obj.keys().map(|k| k.as_str()).collect();
        keys.sort();
        assert_eq!(
            keys,
            [
                "feasible",
                "hard",
                "hard_violations",
                "soft",
                "soft_cost",
                "violations"
            ],
            "{}",
            sol.display()
        );
        let sub = |k: &str| {
            let mut v: Vec<String> = j[k].as_object().unwrap().keys().cloned().collect();
            v.sort();
            v
        };
        assert_eq!(
            sub("hard"),
            ["availability", "conflicts", "lectures", "room_occupancy"]
        );
        assert_eq!(
            sub("soft"),
            [
                "curriculum_compactness",
                "min_working_days",
                "room_capacity",
                "room_stability"
            ]
        );
        let sum = |k: &str| -> u64 {
            j[k].as_object()
                .unwrap()
                .values()
                .map(|v| v.as_u64().unwrap())
                .sum()
        };
        assert_eq!(j["hard_violations"].as_u64(), Some(sum("hard")));
        assert_eq!(j["soft_cost"].as_u64(), Some(sum("soft")));
        assert_eq!(j["feasible"], j["hard_violations"] == 0);

        // Against the independent scorer.
        let Python::Scored(p) = support::python_score(&common::shared_dir(), &inst, &sol) else {
            panic!("ctt_score.py rejects {}", sol.display())
        };
        let pairs = [
            ("hard", "lectures", "Lectures"),
            ("hard", "conflicts", "Conflicts"),
            ("hard", "availability", "Availability"),
            ("hard", "room_occupancy", "RoomOccupation"),
            ("soft", "room_capacity", "RoomCapacity"),
            ("soft", "min_working_days", "MinWorkingDays"),
            ("soft", "curriculum_compactness", "CurriculumCompactness"),
            ("soft", "room_stability", "RoomStability"),
        ];
        for (g, ours, theirs) in pairs {
            assert_eq!(j[g][ours], p[g][theirs], "{g}.{ours} on {}", sol.display());
        }

        // The violations add up to the components, rule by rule.
        let violations = j["violations"].as_array().unwrap();
        for (g, ours, _) in pairs {
            let total: u64 = violations
                .iter()
                .filter(|v| v["rule"] == ours)
                .map(|v| v["cost"].as_u64().unwrap())
                .sum();
            assert_eq!(Some(total), j[g][ours].as_u64(), "{ours}");
        }
        for v in violations {
            let mut k: Vec<&str> = v.as_object().unwrap().keys().map(|k| k.as_str()).collect();
            k.sort();
            assert_eq!(
                k,
                [
                    "cost",
                    "courses",
                    "curricula",
                    "hard",
                    "message",
                    "periods",
                    "rooms",
                    "rule"
                ]
            );
            assert!(!v["message"].as_str().unwrap().is_empty());
        }
    }
}

/// Skipped solution lines are warnings on stderr naming the file and line; the report
/// on stdout is unaffected and the status is 0.
#[test]
fn skipped_solution_lines_are_warnings_on_stderr() {
    let sol = corpus_dir().join("solutions/unknown_course.sol");
    let o = atoll(&[&"check", &toy(), &sol]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).ends_with("\nTotal Cost = 0\n"), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "{}:line 5: Nonexisting course Geology",
            sol.display()
        )),
        "{err}"
    );
    assert!(err.contains("1 line(s)"), "{err}");
}

/// Exit status 2, nothing on stdout, one `atoll: error:` line naming the file (and line).
fn assert_fails(o: &Output, needle: &str) {
    assert_eq!(o.status.code(), Some(2), "stderr: {}", stderr(o));
    assert_eq!(stdout(o), "");
    let err = stderr(o);
    assert!(err.starts_with("atoll: error: "), "{err}");
    assert!(err.contains(needle), "{err:?} lacks {needle:?}");
}

#[test]
fn malformed_or_missing_inputs_exit_with_status_2() {
    let bad_inst = corpus_dir().join("instances/unknown_course_in_curriculum.ctt");
    let sol = fixtures_dir().join("toy_optimal.sol");
    let p = |x: &Path| x.display().to_string();

    // Malformed instance.
    let o = atoll(&[&"check", &bad_inst, &sol]);
    assert_fails(
        &o,
        &format!(
            "{}:22: curriculum Cur2 names course 'Geotech'",
            p(&bad_inst)
        ),
    );
    // Malformed solutions: wrong field count, non-numeric day.
    for (name, line) in [
        ("three_fields.sol", 5),
        ("five_fields.sol", 8),
        ("nan_day.sol", 13),
    ] {
        let s = corpus_dir().join("solutions").join(name);
        let o = atoll(&[&"check", &toy(), &s]);
        assert_fails(&o, &format!("{}:{line}: ", p(&s)));
        let o = atoll(&[&"check", &toy(), &s, &"--json"]);
        assert_fails(&o, &format!("{}:{line}: ", p(&s)));
    }
    // Missing files, each side.
    let nowhere = std::env::temp_dir().join("atoll-no-such-dir/none.ctt");
    assert_fails(&atoll(&[&"check", &nowhere, &sol]), &p(&nowhere));
    assert_fails(&atoll(&[&"check", &toy(), &nowhere]), &p(&nowhere));
    assert_fails(&atoll(&[&"info", &nowhere]), &p(&nowhere));
    // A directory where a file was expected.
    assert_fails(&atoll(&[&"info", &corpus_dir()]), &p(&corpus_dir()));
    // Invalid UTF-8 instance.
    let latin1 = corpus_dir().join("instances/latin1_course_name.ctt");
    assert_fails(
        &atoll(&[&"info", &latin1]),
        &format!("{}:13: the file is not valid UTF-8", p(&latin1)),
    );
}

#[test]
fn help_works() {
    let o = atoll(&[&"--help"]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    for sub in ["check", "info", "bench-eval"] {
        assert!(out.contains(sub), "--help does not mention {sub}:\n{out}");
    }
    for sub in ["check", "info"] {
        let o = atoll(&[&sub, &"--help"]);
        assert_eq!(o.status.code(), Some(0), "{sub} --help");
        assert!(stdout(&o).contains("Usage: atoll"), "{}", stdout(&o));
        assert!(stdout(&o).contains("--json"), "{}", stdout(&o));
    }
    // No subcommand, or an unknown one: a usage error (status 2), never a panic.
    for args in [&[][..], &["frobnicate"][..], &["check"][..]] {
        let o = Command::new(env!("CARGO_BIN_EXE_atoll"))
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("Usage"), "{args:?}: {}", stderr(&o));
    }
}

#[test]
fn info_describes_comp01() {
    // comp01 (Fis0506-1): 30 courses of 24 teachers, 160 lectures, 6 rooms, 5 days x 6
    // periods, 14 curricula, 53 unavailability constraints.
    let o = atoll(&[&"info", &comp01()]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let out = stdout(&o);
    for needle in [
        "Fis0506-1",
        "30 (160 lectures a week, 24 teachers)",
        "5 days x 6 periods = 30 periods",
        "Rooms               6 ",
        "Curricula           14 ",
        "53 constraints",
    ] {
        assert!(out.contains(needle), "info lacks {needle:?}:\n{out}");
    }
    let o = atoll(&[&"info", &comp01(), &"--json"]);
    assert_eq!(o.status.code(), Some(0));
    let j: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    for (k, v) in [
        ("courses", 30),
        ("rooms", 6),
        ("lectures", 160),
        ("days", 5),
        ("periods_per_day", 6),
        ("periods", 30),
        ("curricula", 14),
        ("teachers", 24),
        ("unavailability_constraints", 53),
    ] {
        assert_eq!(j[k].as_u64(), Some(v), "info --json {k}");
    }
    assert_eq!(j["name"], "Fis0506-1");
    assert_eq!(j["extended_format"], false);
}

#[test]
fn info_and_check_accept_crlf_tabs_and_the_extended_format() {
    let crlf = corpus_dir().join("valid/toy_crlf_tabs.ctt");
    let o = atoll(&[&"info", &crlf]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stdout(&o).contains("4 (16 lectures a week, 4 teachers)"));
    let ectt = common::shared_dir().join("instances/extra/toy.ectt");
    let o = atoll(&[&"info", &ectt]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stdout(&o).contains("extended (.ectt)"));
    // The same timetable scores the same against toy.ctt, its CRLF copy and toy.ectt.
    let sol = fixtures_dir().join("toy_packed.sol");
    let reference = stdout(&atoll(&[&"check", &toy(), &sol]));
    for inst in [crlf, ectt] {
        let o = atoll(&[&"check", &inst, &sol]);
        assert_eq!(o.status.code(), Some(0));
        assert_eq!(stdout(&o), reference, "{}", inst.display());
    }
}

#[test]
fn verbose_check_lists_violations_before_the_report() {
    let o = atoll(&[
        &"check",
        &toy(),
        &corpus_dir().join("solutions/repeated_period.sol"),
        &"-v",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let out = stdout(&o);
    // repeated_period.sol: TecCos 4 of 5 lectures; Cur1 and Cur2 isolated on day 4.
    assert!(
        out.contains("[H] Course TecCos has 4 of its 5 lectures scheduled (1 missing)"),
        "{out}"
    );
    assert!(
        out.contains("[S 2] Curriculum Cur1 has an isolated lecture at day 4 period 1 (SceCosC)"),
        "{out}"
    );
    assert!(out.ends_with("Violations = 1, Total Cost = 4\n"), "{out}");
}

/// `solve --edit FILE`: the page's edits from a JSON file (a portal can script them).
/// With `--from` the old timetable is the start and the reference; the pin holds, the
/// closed room stays empty at its period, the JSON says what moved; a bad edits file is
/// an error naming the file and what is wrong (status 2), not a panic.
#[test]
fn solve_edit_applies_an_edits_file_like_the_page() {
    let dir = std::env::temp_dir().join(format!("atoll-cli-edit-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let old = dir.join("old.sol");
    let new = dir.join("new.sol");
    let edits = dir.join("edits.json");
    let toy = toy();
    let gens = ["--generations", "5", "--seed", "1", "--threads", "1", "-q"];
    let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![&"solve", &toy, &"-o", &old];
    args.extend(gens.iter().map(|a| a as &dyn AsRef<std::ffi::OsStr>));
    let o = atoll(&args);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(
        &edits,
        r#"{ "pins": [{ "course": "Geotec", "day": 1, "period": 2, "room": "rB" }],
            "room_closed": [{ "name": "rA", "day": 0, "period": 0 }],
            "teacher_unavailable": [{ "name": "Ocra", "day": 0, "period": 1 }] }"#,
    )
    .unwrap();
    let solve_edited = |from: bool| {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> =
            vec![&"solve", &toy, &"--edit", &edits, &"-o", &new, &"--json"];
        if from {
            args.push(&"--from");
            args.push(&old);
        }
        args.extend(gens.iter().map(|a| a as &dyn AsRef<std::ffi::OsStr>));
        let o = atoll(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        let sol = std::fs::read_to_string(&new).unwrap();
        assert!(
            sol.lines().any(|l| l == "Geotec rB 1 2"),
            "pin not kept:\n{sol}"
        );
        assert!(
            !sol.lines().any(|l| l.ends_with(" rA 0 0")),
            "closed room used:\n{sol}"
        );
        assert!(
            !sol.lines()
                .any(|l| l.starts_with("SceCosC ") && l.ends_with(" 0 1")),
            "Ocra teaches while away:\n{sol}"
        );
        v
    };
    let v = solve_edited(true);
    assert_eq!(v["moves"]["of"], 16, "toy has 16 lectures");
    assert_eq!(
        v["moves"], v["stats"]["moves"],
        "one computation, one shape"
    );
    assert!(v.get("moved").is_none(), "the key is `moves`: {v}");
    let v = solve_edited(false);
    assert!(v.get("moves").is_none(), "no --from, no moves: {v}");

    for (text, needle) in [
        (r#"{ "pins": [], "closed": [] }"#, "unknown field `closed`"),
        (
            r#"{ "room_closed": [{ "name": "rZ", "day": 0, "period": 0 }] }"#,
            "no room named 'rZ'",
        ),
        (
            r#"{ "teacher_unavailable": [{ "name": "Ocra", "day": 9, "period": 0 }] }"#,
            "outside the week",
        ),
        (r#"{ "pins": [ "#, "edits.json: EOF"),
    ] {
        std::fs::write(&edits, text).unwrap();
        let o = atoll(&[&"solve", &toy, &"--edit", &edits, &"--generations", &"1"]);
        assert_eq!(o.status.code(), Some(2), "{text}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{text}: {}", stderr(&o));
        assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
