//! The evaluator choice as a user meets it on the command line: `--evaluator` and
//! `--set evaluator=...` on `solve`, the choice and its reason in the JSON result, and
//! `bench-gpu` (which must report `identical: true` whenever it finds an adapter).

mod common;

use std::process::{Command, Output};

fn atoll(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_atoll"))
        .args(args)
        .output()
        .expect("cannot run atoll")
}

fn comp01() -> String {
    common::shared_dir()
        .join("instances/itc2007/comp01.ctt")
        .display()
        .to_string()
}

fn solve_json(extra: &[&str]) -> serde_json::Value {
    let inst = comp01();
    let mut args = vec!["solve", inst.as_str(), "--generations", "2", "--json", "-q"];
    args.extend_from_slice(extra);
    let o = atoll(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).expect("JSON on stdout")
}

#[test]
fn evaluator_cpu_is_reported_in_the_result() {
    let v = solve_json(&["--evaluator", "cpu"]);
    assert_eq!(v["evaluator"]["requested"], "cpu");
    assert_eq!(v["evaluator"]["gpu"], false);
    assert!(v["stats"]["evaluator"].as_str().unwrap().starts_with("CPU"));
}

#[test]
fn set_evaluator_gpu_never_fails_and_says_what_runs() {
    let v = solve_json(&["--set", "evaluator=gpu"]);
    assert_eq!(v["evaluator"]["requested"], "gpu");
    let name = v["stats"]["evaluator"].as_str().unwrap();
    if v["evaluator"]["gpu"] == true {
        assert!(name.starts_with("gpu "), "{name}");
        assert!(v["evaluator"]["adapter"].is_string());
    } else {
        // No adapter: the CPU ran and the reason says why.
        assert!(name.starts_with("CPU"), "{name}");
        let reason = v["evaluator"]["reason"].as_str().unwrap();
        assert!(!reason.is_empty());
        common::gpu_missing(reason);
    }
}

#[test]
fn an_unknown_evaluator_is_refused() {
    let inst = comp01();
    let o = atoll(&["solve", &inst, "--evaluator", "tpu", "--generations", "1"]);
    assert_eq!(o.status.code(), Some(2));
    let o = atoll(&[
        "solve",
        &inst,
        "--set",
        "evaluator=tpu",
        "--generations",
        "1",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("tpu"));
}

#[test]
fn bench_gpu_reports_identical_scores() {
    let inst = comp01();
    let o = atoll(&[
        "bench-gpu",
        &inst,
        "--batch",
        "64,200",
        "--seconds",
        "0.05",
        "--json",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 2);
    for r in rows {
        assert!(r["cpu_1_thread_per_s"].as_f64().unwrap() > 0.0);
        if v["adapter"].is_string() {
            assert_eq!(r["identical"], true);
            assert!(r["gpu_per_s"].as_f64().unwrap() > 0.0);
        } else {
            common::gpu_missing(&v["gpu_unavailable"].to_string());
            assert!(r["identical"].is_null());
        }
    }
}

/// `bench --gpu-ablation` where no GPU runs (the Vulkan and EGL loaders pointed at no
/// driver) stops at the first instance with the reason, instead of timing the CPU
/// against itself.
#[test]
fn gpu_ablation_without_a_gpu_stops_with_the_reason() {
    let inst = comp01();
    let o = Command::new(env!("CARGO_BIN_EXE_atoll"))
        .args([
            "bench",
            &inst,
            "--gpu-ablation",
            "--seeds",
            "1",
            "--time",
            "0.3",
            "--threads",
            "1",
        ])
        .env("VK_ICD_FILENAMES", "/nonexistent/icd.json")
        .env("VK_DRIVER_FILES", "/nonexistent/icd.json")
        .env("__EGL_VENDOR_LIBRARY_FILENAMES", "/nonexistent/egl.json")
        .env("__EGL_VENDOR_LIBRARY_DIRS", "/nonexistent")
        .output()
        .expect("cannot run atoll");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success(),
        "stdout: {}",
        String::from_utf8_lossy(&o.stdout)
    );
    assert!(
        err.contains("ran on the CPU") && err.contains("comp01"),
        "{err}"
    );
}
