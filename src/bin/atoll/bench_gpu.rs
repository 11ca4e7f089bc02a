//! `atoll bench-gpu`: evaluations per second of the batch evaluators on one instance — the
//! CPU on one thread, the CPU on all threads, the GPU — and whether the GPU's scores are
//! identical to the CPU's over the whole batch. Reports; never fails because a machine is
//! slow. Without an adapter it says so and measures the CPU alone.

use std::path::Path;

use rayon::prelude::*;
use serde::Serialize;
use std::time::Instant;

use atoll::evolve::{BatchEvaluator, CpuBatchEvaluator};
use atoll::model::{Instance, Timetable};
use atoll::parallel::random_timetable;

use crate::CliError;

/// One batch size's measurements.
#[derive(Serialize)]
struct Row {
    batch: usize,
    cpu_1_thread_per_s: f64,
    cpu_all_threads_per_s: f64,
    threads: usize,
    gpu_per_s: Option<f64>,
    identical: Option<bool>,
}

#[derive(Serialize)]
struct Report {
    /// The file's stem (comp07).
    instance: String,
    /// The instance's own name (Ing0607-2).
    name: String,
    adapter: Option<String>,
    gpu_unavailable: Option<String>,
    rows: Vec<Row>,
}

/// Evaluations per second of `ev` on `batch`: one untimed warm-up round, then rounds until
/// `seconds` have passed (at least one).
fn rate(ev: &mut dyn BatchEvaluator, inst: &Instance, batch: &[Timetable], seconds: f64) -> f64 {
    ev.evaluate(inst, batch);
    let start = Instant::now();
    let mut n = 0usize;
    while n == 0 || start.elapsed().as_secs_f64() < seconds {
        ev.evaluate(inst, batch);
        n += batch.len();
    }
    n as f64 / start.elapsed().as_secs_f64().max(1e-9)
}

pub fn bench_gpu(
    instance: &Path,
    batches: &[usize],
    seconds: f64,
    threads: Option<usize>,
    json: bool,
) -> Result<(), CliError> {
    let inst = crate::load_instance(instance)?;
    let file = instance
        .file_stem()
        .map_or_else(String::new, |s| s.to_string_lossy().into_owned());
    let seconds = seconds.clamp(0.01, 600.0);
    let threads = crate::common::threads_or_all(threads);
    let one = crate::pool(1)?;
    let all = crate::pool(threads)?;
    let largest = batches.iter().copied().max().unwrap_or(1).max(1);
    let mut gpu = atoll::gpu::gpu_evaluator_blocking(&inst, largest);
    let (adapter, unavailable) = match &gpu {
        Ok(g) => (Some(g.adapter().to_string()), None),
        Err(e) => (None, Some(e.to_string())),
    };
    if !json {
        match (&adapter, &unavailable) {
            (Some(a), _) => println!("instance {file} ({})   adapter {a}", inst.name),
            (_, Some(e)) => println!("instance {file} ({})   no GPU: {e}", inst.name),
            _ => {}
        }
        println!(
            "{:>7} {:>14} {:>16} {:>14} {:>9} {:>10}",
            "batch", "cpu 1 thr /s", "cpu all thr /s", "gpu /s", "gpu/cpu1", "identical"
        );
    }
    let mut rows = Vec::new();
    for &n in batches {
        let n = n.max(1);
        let batch: Vec<Timetable> = all.install(|| {
            (0..n)
                .into_par_iter()
                .map(|i| random_timetable(&inst, i as u64))
                .collect()
        });
        let cpu1 = one.install(|| rate(&mut CpuBatchEvaluator, &inst, &batch, seconds));
        let cpun = all.install(|| rate(&mut CpuBatchEvaluator, &inst, &batch, seconds));
        let (gpu_rate, identical) = match &mut gpu {
            Ok(g) => {
                let want = all.install(|| CpuBatchEvaluator.evaluate(&inst, &batch));
                let got = g.evaluate(&inst, &batch);
                let same = got == want && g.failure().is_none();
                (Some(rate(g, &inst, &batch, seconds)), Some(same))
            }
            Err(_) => (None, None),
        };
        if !json {
            let opt = |v: Option<f64>, p: usize| v.map_or("-".into(), |v| format!("{v:.p$}"));
            println!(
                "{:>7} {:>14.0} {:>16.0} {:>14} {:>9} {:>10}",
                n,
                cpu1,
                cpun,
                opt(gpu_rate, 0),
                opt(gpu_rate.map(|g| g / cpu1), 2),
                identical.map_or("-".into(), |b| b.to_string())
            );
        }
        rows.push(Row {
            batch: n,
            cpu_1_thread_per_s: cpu1,
            cpu_all_threads_per_s: cpun,
            threads,
            gpu_per_s: gpu_rate,
            identical,
        });
    }
    if json {
        let report = Report {
            instance: file,
            name: inst.name.clone(),
            adapter,
            gpu_unavailable: unavailable,
            rows,
        };
        crate::print_json(&report);
    }
    Ok(())
}
