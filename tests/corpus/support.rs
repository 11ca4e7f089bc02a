//! Helpers for the corpus-driven tests (`parse_errors.rs`, `cli.rs`, `hand_cases.rs`):
//! where the corpus lives, and the independent scorer `shared/tools/ctt_score.py`.
//! Included with `#[path = "corpus/support.rs"] mod support;`.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// `tests/corpus` in this checkout.
pub fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/corpus")
}

/// `tests/fixtures` in this checkout.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Files in `dir` whose extension is one of `exts`, sorted by name.
pub fn files_with_ext(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension()
                .and_then(|x| x.to_str())
                .is_some_and(|x| exts.contains(&x))
        })
        .collect();
    v.sort();
    v
}

/// The file name of `p` as a `String`.
pub fn file_name(p: &Path) -> String {
    p.file_name().unwrap().to_string_lossy().into_owned()
}

/// What `ctt_score.py` made of a solution: its JSON on success, its stderr on failure.
pub enum Python {
    Scored(serde_json::Value),
    Rejected(String),
}

/// Runs `ctt_score.py INSTANCE SOLUTION --json` (exit status 0 scored, 2 rejected).
pub fn python_score(shared: &Path, instance: &Path, solution: &Path) -> Python {
    let script = shared.join("tools/ctt_score.py");
    let out = Command::new("python3")
        .arg(&script)
        .arg(instance)
        .arg(solution)
        .arg("--json")
        .output()
        .expect("python3 must be installed to run the cross-check");
    match out.status.code() {
        Some(0) => Python::Scored(serde_json::from_slice(&out.stdout).unwrap()),
        Some(2) => Python::Rejected(String::from_utf8_lossy(&out.stderr).into_owned()),
        other => panic!(
            "ctt_score.py exited with {other:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        ),
    }
}

/// The eight components of `b` next to the names `ctt_score.py` uses for them.
pub fn components(b: &atoll::Breakdown) -> [(&'static str, &'static str, u32); 8] {
    [
        ("hard", "Lectures", b.lectures),
        ("hard", "Conflicts", b.conflicts),
        ("hard", "Availability", b.availability),
        ("hard", "RoomOccupation", b.room_occupancy),
        ("soft", "RoomCapacity", b.room_capacity),
        ("soft", "MinWorkingDays", b.min_working_days),
        ("soft", "CurriculumCompactness", b.curriculum_compactness),
        ("soft", "RoomStability", b.room_stability),
    ]
}

/// Asserts that every component of `b` equals the one `ctt_score.py` reported in `json`.
pub fn assert_same_as_python(b: &atoll::Breakdown, json: &serde_json::Value, what: &str) {
    for (group, name, mine) in components(b) {
        assert_eq!(
            Some(mine as u64),
            json[group][name].as_u64(),
            "{name} differs from ctt_score.py on {what}"
        );
    }
}

/// A scratch directory for files a test writes, unique to this process and `tag`.
pub fn scratch_dir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("atoll-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}
