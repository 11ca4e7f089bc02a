//! `atoll bench --generations N`: fixed work per run instead of a time limit, so that two
//! configurations compare without the machine's load in the numbers (docs/TUNING.md). A
//! row is the same on every run: same costs, same generation count, same summary table;
//! only the columns that measure time (`time`, `feasible@`, `moves/s`) may differ.

mod common;

use std::process::Command;

/// One `atoll bench` run on comp01 with two seeds at 4 generations of short annealing
/// (cheap in any build profile); stdout.
fn bench(extra: &[&str]) -> (bool, String, String) {
    let inst = common::shared_dir().join("instances/itc2007/comp01.ctt");
    let best = common::shared_dir().join("instances/itc2007/best_known.csv");
    let o = Command::new(env!("CARGO_BIN_EXE_atoll"))
        .arg("bench")
        .arg(&inst)
        .arg("--best-known")
        .arg(&best)
        .args(["--seeds", "1,2", "--threads", "2"])
        .args(["--set", "ls_iterations=3000", "--set", "stage3_rounds=2"])
        .args(extra)
        .output()
        .expect("cannot run atoll");
    (
        o.status.success(),
        String::from_utf8(o.stdout).expect("stdout is UTF-8"),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// The per-seed rows without the time-measuring columns: (instance, seed, threads, hard,
/// soft, best, ratio, gens).
fn rows(out: &str) -> Vec<Vec<String>> {
    out.lines()
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            assert_eq!(f.len(), 11, "a row has 11 columns: {l}");
            [0, 1, 2, 4, 5, 6, 7, 9]
                .iter()
                .map(|&i| f[i].to_string())
                .collect()
        })
        .collect()
}

/// The summary after the rows (medians, ratios, geometric mean), without the RSS line.
fn summary(out: &str) -> String {
    out.lines()
        .skip_while(|l| !l.trim().is_empty())
        .filter(|l| !l.starts_with("peak RSS"))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn a_fixed_generation_bench_row_is_the_same_twice() {
    let (ok1, a, e1) = bench(&["--generations", "4"]);
    let (ok2, b, e2) = bench(&["--generations", "4"]);
    assert!(ok1 && ok2, "bench failed: {e1} {e2}");
    let (ra, rb) = (rows(&a), rows(&b));
    assert_eq!(ra.len(), 2, "one row per seed:\n{a}");
    assert_eq!(ra, rb, "rows differ between two identical runs:\n{a}\n{b}");
    for r in &ra {
        assert_eq!(r[0], "comp01");
        assert_eq!(r[3], "0", "comp01 is feasible after construction: {r:?}");
        assert_eq!(
            r[7], "4",
            "the run did exactly the generations asked: {r:?}"
        );
    }
    assert_eq!(summary(&a), summary(&b));
    assert!(
        summary(&a).contains("geometric mean of (median+1)/(best+1) over 1 instances"),
        "{a}"
    );
    // The time column says how long the run took, marked as measured, not a limit.
    let time = a.lines().nth(1).and_then(|l| l.split_whitespace().nth(3));
    assert!(time.is_some_and(|t| t.ends_with('*')), "{a}");
}

#[test]
fn generations_refuse_a_time_limit_and_the_other_modes() {
    for extra in [
        &["--generations", "2", "--time", "5"][..],
        &["--generations", "2", "--scaling"][..],
        &["--generations", "2", "--ablation"][..],
    ] {
        let (ok, _, err) = bench(extra);
        assert!(!ok, "{extra:?} was accepted");
        assert!(err.contains("--generations"), "{extra:?}: {err}");
    }
    let (ok, _, err) = bench(&["--generations", "0"]);
    assert!(!ok && err.contains("--generations"), "{err}");
}
