//! The readers against a corpus of malformed files (`tests/corpus/`).
//!
//! - `instances/NAME.ctt|ectt` is a broken instance; `instances/NAME.expected` holds the one
//!   exact error it must give, `NAME.ext:LINE: message`, with the file named as the test
//!   names it (its bare file name). Every case is also run through `atoll info`, which must
//!   exit with status 2 and print the message, naming the path and line, on stderr.
//! - `valid/*.ctt|ectt` are awkward but well-formed files (CRLF, tabs, one line, no final
//!   newline) that must read exactly like `shared/instances/extra/toy.ctt|ectt`.
//! - `solutions/NAME.sol` are solutions of the shared `toy.ctt`; `NAME.expected` lists the
//!   warnings (`warning: line N: ...`) and the validator's summary line (`score: ...`), or the
//!   one error (`error: NAME.sol:LINE: message`). Scores are cross-checked against
//!   `shared/tools/ctt_score.py`, which must also reject what we reject.
//!
//! With `ATOLL_BLESS=1` the instance and solution tests write the `.expected` files from
//! what the readers say now instead of comparing: review every changed line before
//! committing.

mod common;
#[path = "corpus/support.rs"]
mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

use atoll::io::ParseErrorKind;
use atoll::{Instance, evaluate, parse_instance, parse_solution};
use support::{Python, corpus_dir, file_name, files_with_ext, python_score};

fn bless() -> bool {
    std::env::var_os("ATOLL_BLESS").is_some()
}

fn instance_cases() -> Vec<PathBuf> {
    files_with_ext(&corpus_dir().join("instances"), &["ctt", "ectt"])
}

/// Reads the instance at `path` under the name `name`, turning a panic into a failure.
fn parse_no_panic(bytes: &[u8], name: &str) -> Result<Instance, atoll::ParseError> {
    catch_unwind(AssertUnwindSafe(|| parse_instance(bytes, name)))
        .unwrap_or_else(|_| panic!("parse_instance panicked on {name}"))
}

fn expected_of(path: &Path) -> String {
    let exp = path.with_extension("expected");
    std::fs::read_to_string(&exp)
        .unwrap_or_else(|e| panic!("{} has no expected error ({e})", exp.display()))
        .trim_end()
        .to_string()
}

#[test]
fn corpus_is_large_and_consistent() {
    let cases = instance_cases();
    assert!(cases.len() >= 80, "only {} corpus cases", cases.len());
    // No two cases share a stem (they would share an .expected file), and every .expected
    // belongs to a case.
    let mut stems: Vec<String> = cases
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    stems.sort();
    let n = stems.len();
    stems.dedup();
    assert_eq!(n, stems.len(), "two corpus cases share a name");
    for e in files_with_ext(&corpus_dir().join("instances"), &["expected"]) {
        let stem = e.file_stem().unwrap().to_string_lossy().into_owned();
        assert!(stems.contains(&stem), "{} has no case", e.display());
    }
}

#[test]
fn every_malformed_instance_gives_its_exact_error() {
    let mut failures = Vec::new();
    for path in instance_cases() {
        let name = file_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        let got = match parse_no_panic(&bytes, &name) {
            Ok(_) => {
                failures.push(format!("{name}: parsed without error"));
                continue;
            }
            Err(e) => e,
        };
        // The error names the file it was given and a line inside the file.
        assert_eq!(got.file, name);
        let lines = bytes.split(|&b| b == b'\n').count() as u32;
        assert!(
            got.line >= 1 && got.line <= lines.max(1),
            "{name}: line {} outside the file ({lines} lines)",
            got.line
        );
        let msg = got.to_string();
        if bless() {
            std::fs::write(path.with_extension("expected"), format!("{msg}\n")).unwrap();
            continue;
        }
        let want = expected_of(&path);
        if msg != want {
            failures.push(format!("{name}:\n  expected: {want}\n  got:      {msg}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} corpus case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn cli_info_reports_every_corpus_error_with_status_2() {
    let exe = env!("CARGO_BIN_EXE_atoll");
    let mut failures = Vec::new();
    for path in instance_cases() {
        let name = file_name(&path);
        let want = expected_of(&path);
        let rest = want
            .strip_prefix(&name)
            .unwrap_or_else(|| panic!("{name}.expected does not start with the file name"));
        let out = Command::new(exe).arg("info").arg(&path).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        let line = format!("atoll: error: {}{rest}", path.display());
        if out.status.code() != Some(2) || !out.stdout.is_empty() || stderr.trim_end() != line {
            failures.push(format!(
                "{name}: status {:?}, stdout {:?}, stderr {stderr:?}; wanted stderr {line:?}",
                out.status.code(),
                String::from_utf8_lossy(&out.stdout)
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn binary_and_badly_encoded_files_are_rejected_with_their_line() {
    let cases: Vec<(&str, Vec<u8>, u32, &str)> = vec![
        // A PNG signature: invalid UTF-8 in the first byte after 0x89.
        (
            "image.ctt",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec(),
            1,
            "not valid UTF-8 text (bad byte at offset 0)",
        ),
        // Latin-1 text: valid ASCII up to line 3.
        (
            "latin1.ctt",
            b"Name: Toy\nCourses: 1\nRooms: 1 \xe9\n".to_vec(),
            3,
            "not valid UTF-8 text (bad byte at offset 30)",
        ),
        // A truncated multi-byte sequence at the very end.
        ("cut.ctt", b"Name: T\xc3".to_vec(), 1, "not valid UTF-8"),
        // Valid UTF-8 but binary: NUL and control bytes are not whitespace, so this is one
        // token where 'Name:' was expected. The message must not carry raw control bytes.
        (
            "zeros.ctt",
            b"\0\0\x01\x02\x7f".to_vec(),
            1,
            "expected 'Name:', found '\\0\\0\\u{1}\\u{2}\\u{7f}'",
        ),
        // A zero-width space glued to a keyword: shown, not printed invisibly.
        (
            "zwsp.ctt",
            "Name:\u{200b} Toy\n".as_bytes().to_vec(),
            1,
            "expected 'Name:', found 'Name:\\u{200b}'",
        ),
        // A byte-order mark anywhere but at the very start is not skipped.
        (
            "bom2.ctt",
            "\u{feff}\u{feff}Name: Toy\n".as_bytes().to_vec(),
            1,
            "expected 'Name:', found '\\u{feff}Name:'",
        ),
    ];
    for (name, bytes, line, needle) in cases {
        let e = parse_no_panic(&bytes, name).unwrap_err();
        assert_eq!(e.line, line, "{name}: {e}");
        let msg = e.to_string();
        assert!(msg.starts_with(&format!("{name}:{line}: ")), "{msg}");
        assert!(msg.contains(needle), "{name}: {msg:?} lacks {needle:?}");
        assert!(
            !msg.chars().any(|c| c.is_control()),
            "{name}: raw control characters in {msg:?}"
        );
    }
    // Random bytes: never a panic, always an error.
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for round in 0..200 {
        let bytes: Vec<u8> = (0..(round * 7 % 300))
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                x as u8
            })
            .collect();
        assert!(parse_no_panic(&bytes, "random.ctt").is_err());
    }
}

#[test]
fn a_huge_token_is_shortened_in_the_message() {
    let mut text = String::from("Name: Toy\nCourses: ");
    text.push_str(&"9".repeat(100_000));
    let e = parse_no_panic(text.as_bytes(), "long.ctt").unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("long.ctt:2: the number of courses is 999"),
        "{msg}"
    );
    assert!(msg.len() < 300, "message of {} bytes", msg.len());
}

#[test]
fn awkward_but_valid_files_read_like_the_originals() {
    let extra = common::shared_dir().join("instances/extra");
    let toy = common::load(&extra.join("toy.ctt"));
    let etoy = common::load(&extra.join("toy.ectt"));
    let valid = files_with_ext(&corpus_dir().join("valid"), &["ctt", "ectt"]);
    assert!(valid.len() >= 4);
    for path in valid {
        let name = file_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        let inst = parse_no_panic(&bytes, &name).unwrap_or_else(|e| panic!("{e}"));
        let reference = if name.ends_with(".ectt") { &etoy } else { &toy };
        common::assert_same_instance(&inst, reference, &name);
    }
    // Spot checks that the CRLF/tab file really is what it claims to be.
    let crlf = std::fs::read(corpus_dir().join("valid/toy_crlf_tabs.ctt")).unwrap();
    assert!(crlf.windows(2).any(|w| w == b"\r\n") && crlf.contains(&b'\t'));
}

#[test]
fn ectt_and_ctt_of_each_shared_instance_agree_on_ud2_data() {
    let extra = common::shared_dir().join("instances/extra");
    let ectts = files_with_ext(&extra, &["ectt"]);
    assert!(ectts.len() >= 5);
    for e in ectts {
        let ext = common::load(&e);
        let plain = common::load(&e.with_extension("ctt"));
        let what = e.display().to_string();
        assert!(
            ext.extension.is_some() && plain.extension.is_none(),
            "{what}"
        );
        assert_eq!(ext.name, plain.name, "{what}");
        assert_eq!(ext.curricula, plain.curricula, "{what}");
        assert_eq!(ext.unavailable_list, plain.unavailable_list, "{what}");
        for (a, b) in ext.courses.iter().zip(&plain.courses) {
            assert_eq!(
                (
                    &a.name,
                    a.teacher,
                    a.lectures,
                    a.min_working_days,
                    a.students
                ),
                (
                    &b.name,
                    b.teacher,
                    b.lectures,
                    b.min_working_days,
                    b.students
                ),
                "{what}"
            );
        }
        for (a, b) in ext.rooms.iter().zip(&plain.rooms) {
            assert_eq!((&a.name, a.capacity), (&b.name, b.capacity), "{what}");
            assert!(a.building.is_some() && b.building.is_none());
        }
    }
}

/// Every prefix of toy.ctt/.ectt and every file with one token removed: an error (or, for
/// a prefix that only drops trailing whitespace, the instance), never a panic.
#[test]
fn every_truncation_and_every_dropped_token_is_an_error_not_a_panic() {
    let extra = common::shared_dir().join("instances/extra");
    for f in ["toy.ctt", "toy.ectt"] {
        let text = std::fs::read_to_string(extra.join(f)).unwrap();
        let end = text.find("END.").unwrap() + "END.".len();
        for cut in 0..text.len() {
            let r = parse_no_panic(&text.as_bytes()[..cut], f);
            assert_eq!(r.is_ok(), cut >= end, "{f} cut at byte {cut}");
            if let Err(e) = r {
                assert!(e.line >= 1, "{f} cut at {cut}: {e}");
            }
        }
        let tokens: Vec<&str> = text.split_whitespace().collect();
        for skip in 0..tokens.len() {
            let t: Vec<&str> = tokens
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != skip)
                .map(|(_, t)| *t)
                .collect();
            let joined = t.join("\n");
            // Dropping the name leaves 'Courses:' as the name, which still fails later.
            let r = parse_no_panic(joined.as_bytes(), f);
            assert!(
                r.is_err(),
                "{f} without token {skip} ({}) parsed",
                tokens[skip]
            );
        }
    }
}

/// Byte-level mutations of toy.ctt (proptest): the reader never panics, and an error
/// always names a line of the file.
mod mutations {
    use super::*;
    use proptest::prelude::*;

    fn toy() -> Vec<u8> {
        std::fs::read(common::shared_dir().join("instances/extra/toy.ectt")).unwrap()
    }

    proptest! {
        #![proptest_config(ProptestConfig {
            cases: 2000,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]
        #[test]
        fn mutated_instances_never_panic(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..6)
        ) {
            let mut bytes = toy();
            for (at, op, b) in edits {
                let i = at.index(bytes.len().max(1));
                match op {
                    0 if !bytes.is_empty() => { bytes.remove(i); }
                    1 => bytes.insert(i.min(bytes.len()), b),
                    2 if !bytes.is_empty() => bytes[i] = b,
                    _ => bytes.insert(i.min(bytes.len()), b"0123456789 -\n".as_slice()[b as usize % 13]),
                }
            }
            let lines = bytes.split(|&b| b == b'\n').count() as u32;
            if let Err(e) = parse_no_panic(&bytes, "m.ectt") {
                prop_assert!(e.line >= 1 && e.line <= lines, "{e}");
                prop_assert!(!matches!(e.kind, ParseErrorKind::Model(_)), "{e}");
            }
        }
    }
}

// ----- Solutions -----------------------------------------------------------------------

fn toy_path() -> PathBuf {
    common::shared_dir().join("instances/extra/toy.ctt")
}

#[test]
fn solution_corpus_warnings_errors_and_scores() {
    let inst = common::load(&toy_path());
    let cases = files_with_ext(&corpus_dir().join("solutions"), &["sol"]);
    assert!(cases.len() >= 12, "only {} solution cases", cases.len());
    let mut failures = Vec::new();
    for path in cases {
        let name = file_name(&path);
        let bytes = std::fs::read(&path).unwrap();
        let ours = catch_unwind(AssertUnwindSafe(|| parse_solution(&inst, &bytes, &name)))
            .unwrap_or_else(|_| panic!("parse_solution panicked on {name}"));
        let python = python_score(&common::shared_dir(), &toy_path(), &path);
        let got = match &ours {
            Ok((tt, warnings)) => {
                let b = evaluate(&inst, tt).breakdown;
                let mut s: String = warnings.iter().map(|w| format!("warning: {w}\n")).collect();
                let summary = b.validator_report();
                s += &format!("score: {}\n", summary.lines().last().unwrap());
                match &python {
                    Python::Scored(json) => {
                        support::assert_same_as_python(&b, json, &name);
                        assert_eq!(
                            json["warnings"].as_u64(),
                            Some(warnings.len() as u64),
                            "{name}: ctt_score.py counts other warnings"
                        );
                    }
                    Python::Rejected(e) => panic!("{name}: ctt_score.py rejects it: {e}"),
                }
                s
            }
            Err(e) => {
                assert!(
                    matches!(python, Python::Rejected(_)),
                    "{name}: ctt_score.py accepts what we reject ({e})"
                );
                format!("error: {e}\n")
            }
        };
        // Lines starting with '#' in an .expected file are the hand derivation: kept by
        // ATOLL_BLESS, ignored by the comparison.
        let exp = path.with_extension("expected");
        let old = std::fs::read_to_string(&exp).unwrap_or_default();
        let (comments, want): (Vec<&str>, Vec<&str>) =
            old.lines().partition(|l| l.starts_with('#'));
        if bless() {
            let mut text: String = comments.iter().map(|l| format!("{l}\n")).collect();
            text += &got;
            std::fs::write(&exp, text).unwrap();
            continue;
        }
        let want: String = want.iter().map(|l| format!("{l}\n")).collect();
        if got.trim_end() != want.trim_end() {
            failures.push(format!("{name}:\n--- expected\n{want}--- got\n{got}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// A solution saved with a byte-order mark (Windows editors) reads like one without: the
/// mark must not turn the first course into an unknown one.
#[test]
fn solution_with_byte_order_mark_reads_like_without() {
    let inst = common::load(&toy_path());
    let plain = std::fs::read(support::fixtures_dir().join("toy_optimal.sol")).unwrap();
    let mut bom = b"\xef\xbb\xbf".to_vec();
    bom.extend_from_slice(&plain);
    let (a, wa) = parse_solution(&inst, &plain, "plain.sol").unwrap();
    let (b, wb) = parse_solution(&inst, &bom, "bom.sol").unwrap();
    assert!(wa.is_empty() && wb.is_empty(), "{wb:?}");
    assert_eq!(a, b);
    // Invalid UTF-8 after a mark is still reported at its true offset.
    let e = parse_instance(b"\xef\xbb\xbfName: \xff", "x.ctt").unwrap_err();
    assert_eq!(e.kind, ParseErrorKind::InvalidUtf8 { offset: 9 });
}
