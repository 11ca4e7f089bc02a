//! `atoll bench`: solution quality over instances × seeds at a time limit (or a fixed number
//! of generations) and thread count, against best-known values, and a scaling mode
//! comparing 1 and N threads for the same wall time. Prints tables; never fails because a
//! machine is slow.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use atoll::SolverOptions;
use atoll::gpu::EvaluatorInfo;
use atoll::model::Instance;
use atoll::solver::SolveResult;

use crate::CliError;
use crate::args::BenchArgs;

/// What bounds one benchmark run: wall-clock seconds, or a fixed number of generations
/// (no clock at all: the run is reproducible from its seed and island count, whatever the
/// machine's load).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum RunBound {
    Time(f64),
    Generations(u64),
}

/// What one benchmark run produced.
struct Row {
    instance: String,
    seed: u64,
    threads: usize,
    bound: RunBound,
    hard: u32,
    soft: u32,
    feasible_at: Option<f64>,
    generations: u64,
    moves: u64,
    elapsed: f64,
}

/// Reads `instance,best_known,...` lines (the header and other columns are ignored).
pub fn read_best_known(path: &Path) -> Result<HashMap<String, u32>, CliError> {
    let text = crate::read(path)?;
    let text = String::from_utf8_lossy(&text);
    let mut map = HashMap::new();
    for line in text.lines().skip(1) {
        let mut f = line.split(',');
        if let (Some(name), Some(best)) = (f.next(), f.next())
            && let Ok(b) = best.trim().parse::<u32>()
        {
            map.insert(name.trim().to_string(), b);
        }
    }
    Ok(map)
}

pub(crate) fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// One solve of `inst` for `time` seconds on `threads` threads with `seed` (islands: one per
/// thread unless `base` sets them), the evaluator `base` asks for: what `bench` and
/// `bench --gpu-ablation` time.
pub(crate) fn timed_solve(
    inst: Arc<Instance>,
    base: &SolverOptions,
    seed: u64,
    time: f64,
    threads: usize,
) -> Result<(SolveResult, EvaluatorInfo), CliError> {
    bounded_solve(inst, base, seed, RunBound::Time(time), threads)
}

/// [`timed_solve`] under either bound: with [`RunBound::Generations`] the run has no time
/// limit (`time_limit: None`, as `atoll solve --generations` without `--time`), so its
/// timetable depends on the seed and the island count alone.
pub(crate) fn bounded_solve(
    inst: Arc<Instance>,
    base: &SolverOptions,
    seed: u64,
    bound: RunBound,
    threads: usize,
) -> Result<(SolveResult, EvaluatorInfo), CliError> {
    let (time_limit, max_generations) = match bound {
        RunBound::Time(t) => (Some(t), None),
        RunBound::Generations(g) => (None, Some(g)),
    };
    let mut opts = SolverOptions {
        time_limit,
        max_generations,
        seed,
        islands: if base.islands == 0 {
            threads
        } else {
            base.islands
        },
        ..base.clone()
    };
    let mut pool = crate::pool(threads)?;
    let (mut evaluator, info) = pool.install(|| {
        atoll::gpu::choose_evaluator(
            &inst,
            opts.evaluator,
            atoll::gpu::batch_size(&opts, threads),
        )
    });
    let workers = atoll::solver::island_workers(threads, &*evaluator);
    if workers != threads {
        pool = crate::pool(workers)?;
        if base.islands == 0 {
            opts.islands = workers;
        }
    }
    let result = pool.install(|| {
        atoll::solve(
            atoll::SolveRequest::new(&opts),
            inst,
            &mut *evaluator,
            &mut |_| {},
        )
    })?;
    Ok((result, info))
}

fn run(
    path: &Path,
    seed: u64,
    threads: usize,
    bound: RunBound,
    base: &SolverOptions,
) -> Result<Row, CliError> {
    let inst = Arc::new(crate::load_instance(path)?);
    let (result, _) = bounded_solve(inst, base, seed, bound, threads)?;
    Ok(Row {
        instance: stem(path),
        seed,
        threads,
        bound,
        hard: result.breakdown.hard(),
        soft: result.breakdown.soft(),
        feasible_at: result.stats.time_to_feasible_s,
        generations: result.stats.generations,
        moves: result.stats.ls_iterations,
        elapsed: result.stats.elapsed_s,
    })
}

fn ratio(soft: u32, best: u32) -> f64 {
    (soft as f64 + 1.0) / (best as f64 + 1.0)
}

fn median(v: &mut [u32]) -> u32 {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Quality table (and medians, geometric mean of ratios) for every instance × seed. The
/// `time` column is the limit of a timed run, or the seconds a fixed-generation run took
/// (marked `*`: it varies with the load, the costs do not).
pub fn quality(
    instances: &[PathBuf],
    seeds: &[u64],
    bound: RunBound,
    threads: usize,
    best: &HashMap<String, u32>,
    base: &SolverOptions,
) -> Result<(), CliError> {
    println!(
        "{:<10} {:>5} {:>7} {:>6} {:>5} {:>6} {:>6} {:>6} {:>10} {:>8} {:>10}",
        "instance",
        "seed",
        "threads",
        "time",
        "hard",
        "soft",
        "best",
        "ratio",
        "feasible@",
        "gens",
        "moves/s"
    );
    let mut medians = Vec::new();
    for path in instances {
        let mut softs = Vec::new();
        let mut all_feasible = true;
        for &seed in seeds {
            let r = run(path, seed, threads, bound, base)?;
            let b = best.get(&r.instance).copied();
            let time = match r.bound {
                RunBound::Time(t) => format!("{t:.0}"),
                RunBound::Generations(_) => format!("{:.1}*", r.elapsed),
            };
            println!(
                "{:<10} {:>5} {:>7} {:>6} {:>5} {:>6} {:>6} {:>6} {:>10} {:>8} {:>10.0}",
                r.instance,
                r.seed,
                r.threads,
                time,
                r.hard,
                r.soft,
                b.map_or("-".to_string(), |b| b.to_string()),
                b.map_or("-".to_string(), |b| format!("{:.2}", ratio(r.soft, b))),
                r.feasible_at
                    .map_or("never".to_string(), |t| format!("{t:.2}s")),
                r.generations,
                r.moves as f64 / r.elapsed.max(1e-9)
            );
            all_feasible &= r.hard == 0;
            softs.push(r.soft);
        }
        let name = stem(path);
        medians.push((name, median(&mut softs), all_feasible));
    }
    println!();
    println!(
        "{:<10} {:>11} {:>6} {:>6}",
        "instance", "median soft", "best", "ratio"
    );
    let mut log_sum = 0.0;
    let mut n = 0;
    for (name, m, feasible) in &medians {
        let b = best.get(name).copied();
        println!(
            "{:<10} {:>11} {:>6} {:>6}{}",
            name,
            m,
            b.map_or("-".to_string(), |b| b.to_string()),
            b.map_or("-".to_string(), |b| format!("{:.2}", ratio(*m, b))),
            if *feasible { "" } else { "  (infeasible run)" }
        );
        if let Some(b) = b {
            log_sum += ratio(*m, b).ln();
            n += 1;
        }
    }
    if n > 0 {
        println!(
            "geometric mean of (median+1)/(best+1) over {n} instances: {:.3}",
            (log_sum / n as f64).exp()
        );
    }
    if let Some(rss) = peak_rss_mb() {
        println!("peak RSS of this process: {rss:.1} MB");
    }
    Ok(())
}

/// Same wall time on 1 thread and on `threads` threads: search throughput and cost.
pub fn scaling(
    instances: &[PathBuf],
    seed: u64,
    time: f64,
    threads: usize,
    base: &SolverOptions,
) -> Result<(), CliError> {
    println!(
        "{:<10} {:>7} {:>6} {:>6} {:>12} {:>8} {:>9}",
        "instance", "threads", "time", "soft", "moves/s", "gens/s", "speedup"
    );
    for path in instances {
        let mut base_rate = None;
        for t in [1, threads] {
            let r = run(path, seed, t, RunBound::Time(time), base)?;
            let rate = r.moves as f64 / r.elapsed.max(1e-9);
            let speedup = base_rate.map_or(1.0, |b: f64| rate / b);
            base_rate.get_or_insert(rate);
            println!(
                "{:<10} {:>7} {:>6.0} {:>6} {:>12.0} {:>8.1} {:>8.2}x",
                r.instance,
                t,
                time,
                if r.hard == 0 {
                    r.soft.to_string()
                } else {
                    format!("{}h", r.hard)
                },
                rate,
                r.generations as f64 / r.elapsed.max(1e-9),
                speedup
            );
        }
    }
    Ok(())
}

/// Peak resident memory of this process (Linux `VmHWM`), in MB.
pub fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// `atoll bench`: the quality table, or with `--scaling`, `--ablation` or `--edits` the
/// other benchmarks.
pub fn run_cmd(a: BenchArgs) -> Result<(), CliError> {
    let base = a.options()?;
    let (instances, seeds, time, threads) = (&a.instances, &a.seeds, a.time(), a.threads);
    let best_known = || match &a.best_known {
        Some(p) => read_best_known(p),
        None => Ok(Default::default()),
    };
    if let Some(g) = a.generations {
        if a.time.is_some() || a.gpu_ablation || a.edits || a.ablation || a.scaling {
            return Err(CliError::Settings(
                "bench --generations N bounds the quality table's runs by work alone: it \
                 takes no --time and no --scaling, --ablation, --edits or --gpu-ablation"
                    .to_string(),
            ));
        }
        return quality(
            instances,
            seeds,
            RunBound::Generations(g),
            threads,
            &best_known()?,
            &base,
        );
    }
    if a.gpu_ablation {
        crate::gpu_ablation::run(instances, seeds, time, threads, &best_known()?, &base)
    } else if a.edits {
        crate::edits::run(instances, seeds, a.scenarios, time, threads)
    } else if a.ablation {
        let (random, warm) = (a.from_random, a.warm);
        crate::ablation::run(instances, seeds, time, threads, &base, random, warm)
    } else if a.scaling {
        let seed = seeds.first().copied().unwrap_or(1);
        scaling(instances, seed, time, threads, &base)
    } else {
        quality(
            instances,
            seeds,
            RunBound::Time(time),
            threads,
            &best_known()?,
            &base,
        )
    }
}

/// `atoll bench-eval`: full evaluations and delta moves per second on one thread.
pub fn bench_eval(instance: &Path, seconds: f64, json: bool) -> Result<(), CliError> {
    let inst = crate::load_instance(instance)?;
    // Checked like every duration (NaN or inf would panic in the conversion), then kept
    // to a measurement's sensible range.
    let budget = atoll::options::duration_from_secs("--seconds", seconds)?.clamp(
        std::time::Duration::from_millis(10),
        std::time::Duration::from_secs(600),
    );
    let s = atoll::speed::measure(&inst, budget, 1);
    if json {
        crate::print_json(&s);
        return Ok(());
    }
    println!("instance   full evals/s   delta moves/s   (1 thread, native)");
    println!(
        "{:<10} {:>12.0}   {:>13.0}",
        s.instance, s.full_per_second, s.delta_moves_per_second
    );
    Ok(())
}
