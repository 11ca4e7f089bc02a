//! `atoll bench --gpu-ablation`: does the GPU search help? Every instance × seed solved
//! CPU-only (`evaluator cpu`) and GPU-assisted (`evaluator gpu`: batch scoring plus the
//! tabu phases over whole neighbourhoods, `src/gpu/neighbourhood.rs`) at the same wall
//! time, threads and seed; a table, the per-instance median costs and the geometric mean
//! of the GPU/CPU ratio. Then the raw speed: moves evaluated per second by the GPU's
//! neighbourhood kernel against the same moves delta-evaluated on one CPU core
//! (`IncrementalState::move_delta`). Reports; never fails because a machine is slow, but
//! stops at once, with the reason, where no GPU runs (the GPU-assisted solves would fall
//! back to the CPU and the table would compare the CPU with itself).

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use atoll::SolverOptions;
use atoll::eval::{Cost, IncrementalState};
use atoll::model::{Instance, LectureId, PeriodId, RoomId, Slot};
use atoll::options::EvaluatorChoice;

use crate::CliError;

/// A cost as one number for ratios: hard violations dominate.
fn scalar(c: Cost) -> f64 {
    c.hard as f64 * 100_000.0 + c.soft as f64
}

fn show(c: Cost) -> String {
    if c.hard == 0 {
        c.soft.to_string()
    } else {
        format!("{}h/{}", c.hard, c.soft)
    }
}

/// One solve; the cost, the evaluator's name (what really ran) and how often the GPU's
/// search improved the run's best.
fn solve(
    inst: &Arc<Instance>,
    base: &SolverOptions,
    choice: EvaluatorChoice,
    seed: u64,
    time: f64,
    threads: usize,
) -> Result<(Cost, String, u64, Option<String>), CliError> {
    let base = SolverOptions {
        evaluator: choice,
        ..base.clone()
    };
    let (r, info) = crate::bench::timed_solve(inst.clone(), &base, seed, time, threads)?;
    let name = match (&info.search, info.gpu) {
        (Some(s), true) if !r.stats.evaluator.contains("tabu") => {
            format!("{} [{s}]", r.stats.evaluator)
        }
        _ => r.stats.evaluator,
    };
    let fallback = (choice == EvaluatorChoice::Gpu && !info.gpu).then(|| info.reason.clone());
    Ok((
        r.breakdown.cost(),
        name,
        r.stats.outside_improvements,
        fallback,
    ))
}

/// The GPU search's speed: moves evaluated per second (all walks), tabu steps per second
/// of one walk, and steps per submission (the round trips' share).
#[derive(Clone, Copy, Debug)]
struct GpuSpeed {
    moves_per_s: f64,
    steps_per_s: f64,
    steps_per_submission: f64,
}

/// Moves per second: the GPU kernel (tabu steps: whole neighbourhood scored, best move
/// chosen and applied on the GPU, many steps per submission, replayed on the host) and one
/// CPU core delta-evaluating every move of the same neighbourhood. `None` for the GPU
/// when it cannot run here.
fn speed(
    inst: &Instance,
    seconds: f64,
    walks: usize,
) -> (Option<f64>, Result<GpuSpeed, String>, String) {
    let mut rng = <rand::rngs::SmallRng as rand::SeedableRng>::seed_from_u64(1);
    let tt = atoll::construct::construct(inst, &mut rng).timetable;
    let state = IncrementalState::new(inst, tt.clone());
    let (np, nr) = (inst.n_periods(), inst.rooms.len());
    let start = Instant::now();
    let (mut evaluated, mut sum) = (0u64, 0i64);
    while evaluated == 0 || start.elapsed().as_secs_f64() < seconds {
        for l in 0..tt.len() {
            let lid = LectureId(l as u32);
            for p in 0..np {
                for r in 0..nr {
                    let to = Slot::at(PeriodId(p as u16), RoomId(r as u16));
                    if state.can_move(lid, to)
                        && let Some(d) = state.move_delta(lid, to)
                    {
                        sum = sum.wrapping_add(d.1);
                    }
                    evaluated += 1;
                }
            }
        }
    }
    std::hint::black_box(sum);
    let cpu = evaluated as f64 / start.elapsed().as_secs_f64().max(1e-9);
    let gpu = gpu_speed(inst, &tt, seconds, walks);
    let note = match &gpu {
        Ok(_) => String::new(),
        Err(e) => e.clone(),
    };
    (Some(cpu), gpu, note)
}

/// The GPU's moves/s with `walks` tabu walks from `tt` sharing each dispatch (as many as
/// the solve runs: one per island), all walks' moves counted.
#[cfg(feature = "gpu")]
fn gpu_speed(
    inst: &Instance,
    tt: &atoll::Timetable,
    seconds: f64,
    walks: usize,
) -> Result<GpuSpeed, String> {
    use atoll::gpu::neighbourhood::{Fault, Neighbourhood, TabuStats, TabuWalk, run_walks};
    let mut k = pollster::block_on(Neighbourhood::new(inst, 2 << 30, Fault::None))
        .map_err(|e| e.to_string())?;
    let n = walks.clamp(1, k.plan().walks as usize);
    let moves = k.plan().moves;
    let mut all: Vec<TabuWalk> = (0..n)
        .map(|i| TabuWalk::new(inst, tt, 1 + i as u64))
        .collect();
    let mut stats = TabuStats::default();
    // Warm-up (pipeline compilation, first upload), then timed.
    pollster::block_on(run_walks(
        &mut k,
        inst,
        &mut all,
        5,
        moves,
        &|_| false,
        &mut stats,
    ))
    .map_err(|e| e.to_string())?;
    let mut stats = TabuStats::default();
    let start = Instant::now();
    let over = |_| start.elapsed().as_secs_f64() >= seconds;
    pollster::block_on(run_walks(
        &mut k,
        inst,
        &mut all,
        u32::MAX,
        moves,
        &over,
        &mut stats,
    ))
    .map_err(|e| e.to_string())?;
    let secs = start.elapsed().as_secs_f64().max(1e-9);
    Ok(GpuSpeed {
        moves_per_s: stats.moves_evaluated as f64 / secs,
        steps_per_s: stats.iterations as f64 / n as f64 / secs,
        steps_per_submission: stats.iterations as f64 / n as f64 / stats.submissions.max(1) as f64,
    })
}

#[cfg(not(feature = "gpu"))]
fn gpu_speed(
    _inst: &Instance,
    _tt: &atoll::Timetable,
    _seconds: f64,
    _walks: usize,
) -> Result<GpuSpeed, String> {
    Err("built without the `gpu` feature".into())
}

pub fn run(
    instances: &[PathBuf],
    seeds: &[u64],
    time: f64,
    threads: usize,
    best: &HashMap<String, u32>,
    base: &SolverOptions,
) -> Result<(), CliError> {
    println!(
        "{:<10} {:>5} {:>6} {:>7} {:>10} {:>10} {:>6} {:>9}",
        "instance", "seed", "time", "threads", "cost cpu", "cost gpu", "best", "gpu found"
    );
    let mut medians = Vec::new();
    let mut gpu_name = String::new();
    for path in instances {
        let inst = Arc::new(crate::load_instance(path)?);
        let name = crate::bench::stem(path);
        let (mut cpus, mut gpus) = (Vec::new(), Vec::new());
        for &seed in seeds {
            let (gpu, ran, found, fallback) =
                solve(&inst, base, EvaluatorChoice::Gpu, seed, time, threads)?;
            if let Some(why) = fallback {
                return Err(CliError::Settings(format!(
                    "--gpu-ablation: the GPU-assisted solve of {name} ran on the CPU ({why}); \
                     without a GPU the table would compare the CPU with itself"
                )));
            }
            let (cpu, _, _, _) = solve(&inst, base, EvaluatorChoice::Cpu, seed, time, threads)?;
            gpu_name = ran;
            println!(
                "{:<10} {:>5} {:>6.0} {:>7} {:>10} {:>10} {:>6} {:>9}",
                name,
                seed,
                time,
                threads,
                show(cpu),
                show(gpu),
                best.get(&name).map_or("-".to_string(), |b| b.to_string()),
                found
            );
            cpus.push(cpu);
            gpus.push(gpu);
        }
        cpus.sort();
        gpus.sort();
        medians.push((inst, name, cpus[cpus.len() / 2], gpus[gpus.len() / 2]));
    }
    println!("GPU-assisted runs used: {gpu_name}");
    let walks = atoll::solver::workers_beside_search(threads);
    println!(
        "gpu found: times the GPU's tabu walks improved the run's best; the GPU-assisted \
         solve anneals on {walks} worker threads (one core drives the GPU) with one walk per island"
    );
    println!(
        "gpu moves/s: {walks} walks per dispatch, every walk's moves counted; steps/s: one \
         walk's tabu steps a second; steps/subm: steps per submission to the GPU"
    );
    println!();
    println!(
        "{:<10} {:>10} {:>10} {:>6} {:>9} {:>14} {:>14} {:>8} {:>9} {:>10}",
        "instance",
        "median cpu",
        "median gpu",
        "best",
        "gpu/cpu",
        "gpu moves/s",
        "1 core moves/s",
        "gpu/core",
        "steps/s",
        "steps/subm"
    );
    let (mut log_sum, mut better, mut worse) = (0.0, 0, 0);
    for (inst, name, cpu, gpu) in &medians {
        let r = (scalar(*gpu) + 1.0) / (scalar(*cpu) + 1.0);
        log_sum += r.ln();
        better += (gpu < cpu) as usize;
        worse += (gpu > cpu) as usize;
        let (core, g, note) = speed(inst, 0.5, walks);
        let fmt = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.0}"));
        let g = g.ok();
        let moves = g.map(|g| g.moves_per_s);
        println!(
            "{:<10} {:>10} {:>10} {:>6} {:>9.3} {:>14} {:>14} {:>8} {:>9} {:>10}{}",
            name,
            show(*cpu),
            show(*gpu),
            best.get(name).map_or("-".to_string(), |b| b.to_string()),
            r,
            fmt(moves),
            fmt(core),
            match (moves, core) {
                (Some(g), Some(c)) => format!("{:.1}x", g / c),
                _ => "-".into(),
            },
            fmt(g.map(|g| g.steps_per_s)),
            g.map_or("-".to_string(), |g| format!(
                "{:.1}",
                g.steps_per_submission
            )),
            if note.is_empty() {
                String::new()
            } else {
                format!("  ({note})")
            }
        );
    }
    println!(
        "geometric mean of (gpu+1)/(cpu+1) over {} instances: {:.3} (below 1: the GPU helps); \
         gpu better on {better}, worse on {worse}",
        medians.len(),
        (log_sum / medians.len().max(1) as f64).exp()
    );
    Ok(())
}
