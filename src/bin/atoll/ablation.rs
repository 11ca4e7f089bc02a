//! `atoll bench --ablation`: is Stage 3 worth its place, and is its learned policy worth
//! learning? Same total time per run.
//!
//! - default: every instance × seed solved three ways — without Stage 3, with it
//!   (learned policy), with it choosing actions uniformly at random;
//! - `--from-random`: Stage 3 alone from a random (badly infeasible) timetable, learned
//!   against random choice: time to feasibility and what is left.
//!
//! Prints tables; never fails because a machine is slow.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use atoll::SolverOptions;
use atoll::budget::{Budget, CancelToken, Stop};
use atoll::eval::evaluate;
use atoll::evolve::CpuBatchEvaluator;
use atoll::options::Policy;
use atoll::repair::{RepairConfig, Repairer};

use crate::CliError;

/// One run's outcome.
struct Outcome {
    hard: u32,
    soft: u32,
    conflicts_left: usize,
    feasible_at: Option<f64>,
    repairs: u64,
    episodes: u64,
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// A full solve with `stage3` and `policy`.
fn solve(
    inst: &atoll::Instance,
    opts: &SolverOptions,
    threads: usize,
) -> Result<Outcome, CliError> {
    let pool = crate::pool(threads)?;
    let r = pool.install(|| {
        atoll::solve(
            inst,
            opts,
            &mut CpuBatchEvaluator,
            CancelToken::new(),
            &mut |_| {},
        )
    })?;
    let eval = evaluate(inst, &r.timetable);
    Ok(Outcome {
        hard: r.breakdown.hard(),
        soft: r.breakdown.soft(),
        conflicts_left: eval.violations.len(),
        feasible_at: r.stats.time_to_feasible_s,
        repairs: r.stats.repair.as_ref().map_or(0, |s| s.accepted),
        episodes: r.stats.repair.as_ref().map_or(0, |s| s.episodes),
    })
}

/// Stage 3 alone from a random timetable, for `time` seconds.
fn repair_random(
    inst: &atoll::Instance,
    opts: &SolverOptions,
    threads: usize,
    time: f64,
) -> Result<Outcome, CliError> {
    let pool = crate::pool(threads)?;
    let tt = atoll::parallel::random_timetable(inst, opts.seed);
    let budget = Budget::for_options(opts);
    let (tt, stats) = pool.install(|| {
        let stop = Stop::new(
            CancelToken::new(),
            Some(web_time::Duration::from_secs_f64(time)),
        );
        let mut r = Repairer::new(
            inst,
            tt,
            RepairConfig::new(opts, &budget),
            Arc::new(atoll::repair::new_qtable()),
        );
        while !stop.should_stop() && r.round(inst, &stop) {}
        r.finish()
    });
    let eval = evaluate(inst, &tt);
    Ok(Outcome {
        hard: eval.breakdown.hard(),
        soft: eval.breakdown.soft(),
        conflicts_left: eval.violations.len(),
        feasible_at: stats.time_to_feasible_s,
        repairs: stats.accepted,
        episodes: stats.episodes,
    })
}

fn cost(o: &Outcome) -> String {
    if o.hard == 0 {
        o.soft.to_string()
    } else {
        format!("{}h/{}", o.hard, o.soft)
    }
}

fn at(o: &Outcome) -> String {
    o.feasible_at
        .map_or("never".to_string(), |t| format!("{t:.2}s"))
}

/// Runs the ablation and prints its table and summary.
pub fn run(
    instances: &[PathBuf],
    seeds: &[u64],
    time: f64,
    threads: usize,
    base: &SolverOptions,
    from_random: bool,
) -> Result<(), CliError> {
    let configs: Vec<(&str, bool, Policy)> = if from_random {
        vec![
            ("learned", true, Policy::Learned),
            ("random", true, Policy::Random),
        ]
    } else {
        vec![
            ("no-stage3", false, Policy::Learned),
            ("learned", true, Policy::Learned),
            ("random", true, Policy::Random),
        ]
    };
    println!(
        "# {} — {time} s per run, {threads} threads, seeds {seeds:?}",
        if from_random {
            "Stage 3 alone from a random timetable"
        } else {
            "full solve, same total time"
        }
    );
    print!("{:<10} {:>5}", "instance", "seed");
    for (name, ..) in &configs {
        print!(" | {name:>10} cost  left  feas@   fixes");
    }
    println!();
    // Per config: sum of soft over runs feasible in every config, runs feasible, sum of
    // time to feasibility (never = the run's time), conflicts left.
    let mut soft_sum = vec![0u64; configs.len()];
    let mut feasible = vec![0usize; configs.len()];
    let mut ttf_sum = vec![0f64; configs.len()];
    let mut left_sum = vec![0usize; configs.len()];
    let mut wins = vec![0usize; configs.len()];
    let mut runs = 0usize;
    for path in instances {
        let inst = crate::load_instance(path)?;
        for &seed in seeds {
            let mut row = Vec::new();
            for &(_, stage3, policy) in &configs {
                let opts = SolverOptions {
                    time_limit: Some(time),
                    max_generations: None,
                    seed,
                    stage3,
                    policy,
                    islands: if base.islands == 0 {
                        threads
                    } else {
                        base.islands
                    },
                    ..base.clone()
                };
                row.push(if from_random {
                    repair_random(&inst, &opts, threads, time)?
                } else {
                    solve(&inst, &opts, threads)?
                });
            }
            print!("{:<10} {:>5}", stem(path), seed);
            for o in &row {
                print!(
                    " | {:>15} {:>5} {:>6} {:>7}",
                    cost(o),
                    o.conflicts_left,
                    at(o),
                    format!("{}/{}", o.repairs, o.episodes)
                );
            }
            println!();
            runs += 1;
            let all_feasible = row.iter().all(|o| o.hard == 0);
            let best = row.iter().map(|o| (o.hard, o.soft)).min();
            for (i, o) in row.iter().enumerate() {
                if all_feasible {
                    soft_sum[i] += o.soft as u64;
                }
                feasible[i] += (o.hard == 0) as usize;
                ttf_sum[i] += o.feasible_at.unwrap_or(time);
                left_sum[i] += o.conflicts_left;
                wins[i] += (Some((o.hard, o.soft)) == best) as usize;
            }
        }
    }
    println!();
    println!(
        "{:<10} {:>9} {:>14} {:>16} {:>17} {:>10}",
        "config", "feasible", "soft (sum)*", "mean feasible@", "mean conflicts", "best/ties"
    );
    for (i, (name, ..)) in configs.iter().enumerate() {
        println!(
            "{:<10} {:>6}/{:<2} {:>14} {:>15.2}s {:>17.1} {:>10}",
            name,
            feasible[i],
            runs,
            soft_sum[i],
            ttf_sum[i] / runs.max(1) as f64,
            left_sum[i] as f64 / runs.max(1) as f64,
            wins[i]
        );
    }
    println!("* over runs feasible in every configuration; never-feasible counts as the full time");
    if let Some(rss) = crate::bench::peak_rss_mb() {
        println!("peak RSS of this process: {rss:.1} MB");
    }
    Ok(())
}
