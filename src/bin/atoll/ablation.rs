//! `atoll bench --ablation`: is Stage 3 worth its place, and is its learned policy worth
//! learning? Same total time per run, same seeds for every variant.
//!
//! - default: every instance × seed solved without Stage 3, with it (learned policy, a
//!   fresh Q-table: "cold"), and with it choosing actions uniformly at random;
//! - `--from-random`: Stage 3 alone from a random (badly infeasible) timetable — the
//!   "user brings a broken timetable" case — learned against random choice: time to
//!   feasibility and what is left after the fixed time;
//! - `--warm N` (either mode): first trains one Q-table with the learned policy on every
//!   instance given, on N *training* seeds (1000, 1001, ...: never among the evaluation
//!   seeds), then adds a "warm" variant that starts every evaluation run from a copy of
//!   that table (and keeps learning, as a campus reusing its `--qtable` file would). The
//!   cold variant is what a first run gets; the warm one what a campus gets from the
//!   second run on.
//!
//! Prints one line per instance × seed × variant (hard, soft, conflicts left, time to
//! feasibility), a summary per variant with a head-to-head count against random choice,
//! and what each action did (per rule family): chosen, applied, weighted gain, wall time.
//! Never fails because a machine is slow; wall-clock results on a shared machine are
//! noisy, which is why every variant runs on the same instances and seeds, interleaved.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use atoll::SolverOptions;
use atoll::budget::{Budget, CancelToken, Stop};
use atoll::eval::evaluate;
use atoll::evolve::CpuBatchEvaluator;
use atoll::options::Policy;
use atoll::repair::{Action, ActionStats, QTable, RepairConfig, RepairStats, Repairer};

use crate::CliError;

/// First training seed of `--warm` (evaluation seeds are expected to be small numbers).
const TRAIN_SEED0: u64 = 1000;

/// One run's outcome.
struct Outcome {
    hard: u32,
    soft: u32,
    conflicts_left: usize,
    feasible_at: Option<f64>,
    repair: Option<RepairStats>,
}

/// One way of running.
#[derive(Clone, Copy)]
struct Variant {
    name: &'static str,
    stage3: bool,
    policy: Policy,
    warm: bool,
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default()
}

/// A full solve with `opts`, Stage 3 learning into `table`.
fn solve(
    inst: &atoll::Instance,
    opts: &SolverOptions,
    threads: usize,
    table: Arc<QTable>,
) -> Result<Outcome, CliError> {
    let pool = crate::pool(threads)?;
    let r = pool.install(|| {
        atoll::solve(
            atoll::SolveRequest::new(opts).qtable(table),
            Arc::new(inst.clone()),
            &mut CpuBatchEvaluator,
            &mut |_| {},
        )
    })?;
    let eval = evaluate(inst, &r.timetable);
    Ok(Outcome {
        hard: r.breakdown.hard(),
        soft: r.breakdown.soft(),
        conflicts_left: eval.violations.len(),
        feasible_at: r.stats.time_to_feasible_s,
        repair: r.stats.repair,
    })
}

/// Stage 3 alone from a random timetable, for `time` seconds.
fn repair_random(
    inst: &atoll::Instance,
    opts: &SolverOptions,
    threads: usize,
    time: f64,
    table: Arc<QTable>,
) -> Result<Outcome, CliError> {
    let pool = crate::pool(threads)?;
    let tt = atoll::parallel::random_timetable(inst, opts.seed);
    let budget = Budget::for_options(opts);
    let (tt, stats) = pool.install(|| {
        let stop = Stop::new(
            CancelToken::new(),
            Some(web_time::Duration::from_secs_f64(time)),
        );
        let mut r = Repairer::new(inst, tt, RepairConfig::new(opts, &budget), table);
        while !stop.should_stop() && r.round(inst, &stop) {}
        r.finish()
    });
    let eval = evaluate(inst, &tt);
    Ok(Outcome {
        hard: eval.breakdown.hard(),
        soft: eval.breakdown.soft(),
        conflicts_left: eval.violations.len(),
        feasible_at: stats.time_to_feasible_s,
        repair: Some(stats),
    })
}

fn at(o: &Outcome) -> String {
    o.feasible_at
        .map_or("never".to_string(), |t| format!("{t:.2}s"))
}

/// The options of one run.
fn options(
    base: &SolverOptions,
    v: Variant,
    seed: u64,
    time: f64,
    threads: usize,
) -> SolverOptions {
    SolverOptions {
        time_limit: Some(time),
        max_generations: None,
        seed,
        stage3: v.stage3,
        policy: v.policy,
        islands: if base.islands == 0 {
            threads
        } else {
            base.islands
        },
        ..base.clone()
    }
}

/// Per variant, per action, per rule family (hard rules, soft rules): the sums.
type ActionSums = Vec<[[ActionStats; Action::COUNT]; 2]>;

fn add(into: &mut ActionStats, s: &ActionStats) {
    into.chosen += s.chosen;
    into.improved += s.improved;
    into.accepted += s.accepted;
    into.work += s.work;
    into.micros += s.micros;
    into.gain += s.gain;
}

/// Runs the ablation and prints its tables.
#[allow(clippy::too_many_arguments)]
pub fn run(
    instances: &[PathBuf],
    seeds: &[u64],
    time: f64,
    threads: usize,
    base: &SolverOptions,
    from_random: bool,
    warm: usize,
) -> Result<(), CliError> {
    let mut variants = Vec::new();
    if !from_random {
        variants.push(Variant {
            name: "no-stage3",
            stage3: false,
            policy: Policy::Learned,
            warm: false,
        });
    }
    variants.push(Variant {
        name: "learned",
        stage3: true,
        policy: Policy::Learned,
        warm: false,
    });
    if warm > 0 {
        variants.push(Variant {
            name: "warm",
            stage3: true,
            policy: Policy::Learned,
            warm: true,
        });
    }
    variants.push(Variant {
        name: "random",
        stage3: true,
        policy: Policy::Random,
        warm: false,
    });
    let random_at = variants.len() - 1;
    let one = |inst: &atoll::Instance, v: Variant, seed: u64, table: Arc<QTable>| {
        let opts = options(base, v, seed, time, threads);
        if from_random {
            repair_random(inst, &opts, threads, time, table)
        } else {
            solve(inst, &opts, threads, table)
        }
    };
    println!(
        "# {} — {time} s per run, {threads} threads, evaluation seeds {seeds:?}",
        if from_random {
            "Stage 3 alone from a random timetable"
        } else {
            "full solve, same total time"
        }
    );

    // Training for the warm variant: one table, every instance, seeds never evaluated.
    let trained = Arc::new(atoll::repair::new_qtable());
    if warm > 0 {
        let train: Vec<u64> = (0..warm as u64).map(|i| TRAIN_SEED0 + i).collect();
        let v = Variant {
            name: "train",
            stage3: true,
            policy: Policy::Learned,
            warm: true,
        };
        for path in instances {
            let inst = crate::load_instance(path)?;
            for &seed in &train {
                one(&inst, v, seed, trained.clone())?;
            }
        }
        println!(
            "# warm: Q-table trained on training seeds {train:?} of every instance above ({} updates)",
            trained.updates()
        );
    }
    let trained_json = trained.to_json();

    println!(
        "{:<8} {:>5} {:<10} {:>5} {:>6} {:>5} {:>7} {:>13}",
        "instance", "seed", "variant", "hard", "soft", "left", "feas@", "fixes/episodes"
    );
    let n = variants.len();
    let mut soft_sum = vec![0u64; n];
    let mut hard_sum = vec![0u64; n];
    let mut feasible = vec![0usize; n];
    let mut ttf_sum = vec![0f64; n];
    let mut left_sum = vec![0usize; n];
    let mut wins = vec![0usize; n];
    // Against random choice: better, equal, worse (by (hard, soft)).
    let mut vs_random = vec![[0usize; 3]; n];
    let mut sums: ActionSums = (0..n)
        .map(|_| std::array::from_fn(|_| std::array::from_fn(|_| ActionStats::default())))
        .collect();
    let mut runs = 0usize;
    for path in instances {
        let inst = crate::load_instance(path)?;
        for &seed in seeds {
            let mut row = Vec::new();
            for &v in &variants {
                let table = if v.warm {
                    Arc::new(
                        atoll::repair::qtable_from_json(&trained_json)
                            .expect("a table this program saved loads back"),
                    )
                } else {
                    Arc::new(atoll::repair::new_qtable())
                };
                let o = one(&inst, v, seed, table)?;
                println!(
                    "{:<8} {:>5} {:<10} {:>5} {:>6} {:>5} {:>7} {:>13}",
                    stem(path),
                    seed,
                    v.name,
                    o.hard,
                    o.soft,
                    o.conflicts_left,
                    at(&o),
                    o.repair.as_ref().map_or("-".to_string(), |s| format!(
                        "{}/{}",
                        s.accepted, s.episodes
                    ))
                );
                row.push(o);
            }
            runs += 1;
            let all_feasible = row.iter().all(|o| o.hard == 0);
            let best = row.iter().map(|o| (o.hard, o.soft)).min();
            let random = (row[random_at].hard, row[random_at].soft);
            for (i, o) in row.iter().enumerate() {
                if all_feasible {
                    soft_sum[i] += o.soft as u64;
                }
                hard_sum[i] += o.hard as u64;
                feasible[i] += (o.hard == 0) as usize;
                ttf_sum[i] += o.feasible_at.unwrap_or(time);
                left_sum[i] += o.conflicts_left;
                wins[i] += (Some((o.hard, o.soft)) == best) as usize;
                vs_random[i][match (o.hard, o.soft).cmp(&random) {
                    std::cmp::Ordering::Less => 0,
                    std::cmp::Ordering::Equal => 1,
                    std::cmp::Ordering::Greater => 2,
                }] += 1;
                if let Some(s) = &o.repair {
                    for (ri, per) in s.per_rule.iter().enumerate() {
                        let family = if atoll::repair::state::RULE_ORDER[ri].is_hard() {
                            0
                        } else {
                            1
                        };
                        for (a, st) in per.iter().enumerate() {
                            add(&mut sums[i][family][a], st);
                        }
                    }
                }
            }
        }
    }
    println!();
    println!(
        "{:<10} {:>9} {:>9} {:>12} {:>15} {:>15} {:>10} {:>18}",
        "variant",
        "feasible",
        "hard sum",
        "soft sum*",
        "mean feasible@",
        "mean conflicts",
        "best/ties",
        "vs random (b/=/w)"
    );
    for (i, v) in variants.iter().enumerate() {
        println!(
            "{:<10} {:>6}/{:<2} {:>9} {:>12} {:>14.3}s {:>15.1} {:>10} {:>18}",
            v.name,
            feasible[i],
            runs,
            hard_sum[i],
            soft_sum[i],
            ttf_sum[i] / runs.max(1) as f64,
            left_sum[i] as f64 / runs.max(1) as f64,
            wins[i],
            if i == random_at {
                "-".to_string()
            } else {
                format!(
                    "{}/{}/{}",
                    vs_random[i][0], vs_random[i][1], vs_random[i][2]
                )
            }
        );
    }
    println!("* over runs feasible in every variant; never-feasible counts as the full time");
    println!();
    println!(
        "# what each action did, all runs together (gain = weighted cost removed by applied proposals)"
    );
    println!(
        "{:<10} {:<5} {:<10} {:>8} {:>8} {:>9} {:>10} {:>9} {:>10}",
        "variant", "rules", "action", "chosen", "applied", "gain", "ms", "gain/ms", "work/us"
    );
    for (i, v) in variants.iter().enumerate() {
        if !v.stage3 {
            continue;
        }
        for (family, name) in [(0, "hard"), (1, "soft")] {
            for (a, st) in sums[i][family].iter().enumerate() {
                if st.chosen == 0 {
                    continue;
                }
                let ms = st.micros as f64 / 1000.0;
                println!(
                    "{:<10} {:<5} {:<10} {:>8} {:>8} {:>9} {:>10.1} {:>9.2} {:>10.2}",
                    v.name,
                    name,
                    format!("{:?}", Action::ALL[a]),
                    st.chosen,
                    st.accepted,
                    st.gain,
                    ms,
                    st.gain as f64 / ms.max(1e-3),
                    st.work as f64 / (st.micros as f64).max(1.0)
                );
            }
        }
    }
    if let Some(rss) = crate::bench::peak_rss_mb() {
        println!("peak RSS of this process: {rss:.1} MB");
    }
    Ok(())
}
