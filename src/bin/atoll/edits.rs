//! `atoll bench --edits`: the week of a timetabling officer as a benchmark. A good
//! timetable of each instance (a short solve) is edited by a generated scenario — a
//! teacher away for a day or for the mornings, a room closed for two days, a course gaining
//! a lecture, a new course in an existing curriculum, 40 more students for a course, two
//! curricula merged — and four methods make the edited timetable feasible again, each for
//! `--time` seconds: (a) the learned repair (`atoll repair`), (b) the same repair choosing
//! actions uniformly at random, (c) a re-solve from the old timetable with the `changes`
//! penalty (`atoll solve --from`), (d) a solve from scratch. Per run: time to feasible,
//! lectures moved from the old timetable, soft cost at the end.
//!
//! Scenarios come from the scenario index (the kind) and an edit seed (which teacher,
//! room, course): nothing here was tuned against them.

use std::path::PathBuf;
use std::sync::Arc;

use atoll::budget::CancelToken;
use atoll::model::Moves;
use atoll::model::edit::{
    AddLectures, AtEdit, InstanceEdits, MergeCurricula, NewCourse, SetStudents, carry_over,
};
use atoll::options::Policy;
use atoll::repair::{RepairRequest, repair_timetable};
use atoll::{Instance, SolverOptions, Timetable};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use web_time::Duration;

use crate::CliError;

/// The kinds of edit, in the order scenarios cycle through them.
const KINDS: [&str; 7] = [
    "teacher away a day",
    "teacher away mornings",
    "room closed 2 days",
    "+1 lecture",
    "new course",
    "+40 students",
    "curricula merged",
];

/// Scenario `k` of `inst` under edit seed `seed`: its kind and the edits.
fn scenario(inst: &Instance, k: usize, seed: u64) -> (&'static str, InstanceEdits) {
    let mut rng = SmallRng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9) ^ k as u64);
    let kind = k % KINDS.len();
    let course = rng.random_range(0..inst.courses.len());
    let c = &inst.courses[course];
    let day = rng.random_range(0..inst.days as usize);
    let per_day = inst.periods_per_day as usize;
    let teacher = inst.teachers[c.teacher.idx()].clone();
    let mut e = InstanceEdits::default();
    match kind {
        0 => {
            e.teacher_unavailable = (0..per_day)
                .map(|p| AtEdit {
                    name: teacher.clone(),
                    day,
                    period: p,
                })
                .collect();
        }
        1 => {
            e.teacher_unavailable = (0..inst.days as usize)
                .flat_map(|d| (0..per_day.div_ceil(3)).map(move |p| (d, p)))
                .map(|(d, p)| AtEdit {
                    name: teacher.clone(),
                    day: d,
                    period: p,
                })
                .collect();
        }
        2 => {
            let room = inst.rooms[rng.random_range(0..inst.rooms.len())]
                .name
                .clone();
            e.room_closed = (0..2.min(inst.days as usize))
                .map(|d| (d + day) % inst.days as usize)
                .flat_map(|d| (0..per_day).map(move |p| (d, p)))
                .map(|(d, p)| AtEdit {
                    name: room.clone(),
                    day: d,
                    period: p,
                })
                .collect();
        }
        3 => {
            e.add_lectures = vec![AddLectures {
                course: c.name.clone(),
                lectures: 1,
            }]
        }
        4 => {
            let g = if inst.curricula.is_empty() {
                Vec::new()
            } else {
                vec![
                    inst.curricula[rng.random_range(0..inst.curricula.len())]
                        .name
                        .clone(),
                ]
            };
            e.new_courses = vec![NewCourse {
                name: format!("NEW{k}"),
                teacher: teacher.clone(),
                lectures: rng.random_range(2..=4),
                min_working_days: 2,
                students: c.students,
                curricula: g,
            }];
        }
        5 => {
            e.students = vec![SetStudents {
                course: c.name.clone(),
                students: c.students + 40,
            }]
        }
        _ => {
            if inst.curricula.len() >= 2 {
                let a = rng.random_range(0..inst.curricula.len());
                let b =
                    (a + 1 + rng.random_range(0..inst.curricula.len() - 1)) % inst.curricula.len();
                e.merge_curricula = vec![MergeCurricula {
                    into: inst.curricula[a].name.clone(),
                    from: inst.curricula[b].name.clone(),
                }];
            }
        }
    }
    (KINDS[kind], e)
}

/// One method's run on one scenario.
#[derive(Clone, Copy, Default)]
struct Outcome {
    feasible_at: Option<f64>,
    moved: usize,
    hard: u32,
    soft: u32,
}

const METHODS: [&str; 4] = ["learned repair", "random repair", "solve --from", "scratch"];

fn run_repair(
    inst: &Arc<Instance>,
    start: &Timetable,
    old_moves_ref: &Timetable,
    seed: u64,
    time: f64,
    policy: Policy,
) -> Result<Outcome, CliError> {
    let request = RepairRequest {
        options: SolverOptions {
            seed,
            policy,
            ..Default::default()
        },
        time_limit: Some(Duration::from_secs_f64(time)),
        ..Default::default()
    };
    let res = repair_timetable(inst.clone(), start.clone(), request, &mut |_| {})?;
    Ok(Outcome {
        feasible_at: res.stats.time_to_feasible_s,
        moved: Moves::between(inst, old_moves_ref, &res.timetable).moved,
        hard: res.cost.hard,
        soft: res.cost.soft,
    })
}

fn run_solve(
    inst: &Instance,
    start: Option<&Timetable>,
    seed: u64,
    time: f64,
    threads: usize,
) -> Result<(Timetable, Option<f64>), CliError> {
    let opts = SolverOptions {
        seed,
        time_limit: Some(time),
        max_generations: None,
        islands: threads,
        ..Default::default()
    };
    let (mut evaluator, _) =
        atoll::gpu::choose_evaluator(inst, opts.evaluator, atoll::gpu::batch_size(&opts, threads));
    let res = match start {
        Some(s) => {
            let with_ref = inst.with_reference(s);
            atoll::solve_from(
                &with_ref,
                &opts,
                &mut *evaluator,
                CancelToken::new(),
                s.clone(),
                &mut |_| {},
            )?
        }
        None => atoll::solve(
            inst,
            &opts,
            &mut *evaluator,
            CancelToken::new(),
            &mut |_| {},
        )?,
    };
    Ok((res.timetable, res.stats.time_to_feasible_s))
}

fn median_f(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

/// `atoll bench --edits`.
pub fn run(
    instances: &[PathBuf],
    seeds: &[u64],
    scenarios: usize,
    time: f64,
    threads: usize,
) -> Result<(), CliError> {
    let pool = crate::pool(threads)?;
    println!(
        "{:<10} {:>3} {:<22} {:>4}  {:>28}  {:>28}  {:>28}  {:>28}",
        "instance", "k", "edit", "seed", METHODS[0], METHODS[1], METHODS[2], METHODS[3]
    );
    println!(
        "{:<10} {:>3} {:<22} {:>4}  {:>28}  {:>28}  {:>28}  {:>28}",
        "",
        "",
        "",
        "",
        "feas_s moved soft",
        "feas_s moved soft",
        "feas_s moved soft",
        "feas_s moved soft"
    );
    let mut all: Vec<[Outcome; 4]> = Vec::new();
    for path in instances {
        let base = crate::load_instance(path)?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        // A good timetable: what the office had last week.
        let (old, _) =
            pool.install(|| run_solve(&base, None, 1, (2.0 * time).max(2.0), threads))?;
        for k in 0..scenarios {
            let (kind, edits) = scenario(&base, k, k as u64 + 1);
            let edited = match edits.apply(&base) {
                Ok(i) => Arc::new(i),
                Err(e) => {
                    eprintln!("atoll: {name} scenario {k} ({kind}) skipped: {e}");
                    continue;
                }
            };
            let start = carry_over(&base, &old, &edited);
            for &seed in seeds {
                let mut row = [Outcome::default(); 4];
                pool.install(|| -> Result<(), CliError> {
                    row[0] = run_repair(&edited, &start, &start, seed, time, Policy::Learned)?;
                    row[1] = run_repair(&edited, &start, &start, seed, time, Policy::Random)?;
                    for (m, from) in [(2, Some(&start)), (3, None)] {
                        let (tt, feas) = run_solve(&edited, from, seed, time, threads)?;
                        let b = atoll::score(&edited, &tt);
                        row[m] = Outcome {
                            feasible_at: feas,
                            moved: Moves::between(&edited, &start, &tt).moved,
                            hard: b.hard(),
                            soft: b.soft(),
                        };
                    }
                    Ok(())
                })?;
                let cell = |o: &Outcome| {
                    let f = o
                        .feasible_at
                        .map_or("   -  ".to_string(), |t| format!("{t:6.3}"));
                    let soft = if o.hard > 0 {
                        format!("{}h", o.hard)
                    } else {
                        o.soft.to_string()
                    };
                    format!("{f} {:>5} {:>8}", o.moved, soft)
                };
                println!(
                    "{:<10} {:>3} {:<22} {:>4}  {:>28}  {:>28}  {:>28}  {:>28}",
                    name,
                    k,
                    kind,
                    seed,
                    cell(&row[0]),
                    cell(&row[1]),
                    cell(&row[2]),
                    cell(&row[3])
                );
                all.push(row);
            }
        }
    }
    println!();
    println!(
        "medians over {} runs ({} s each; time to feasible counts a run never feasible as {} s):",
        all.len(),
        time,
        time
    );
    for (m, name) in METHODS.iter().enumerate() {
        let mut feas: Vec<f64> = all
            .iter()
            .map(|r| r[m].feasible_at.unwrap_or(time))
            .collect();
        let mut moved: Vec<f64> = all.iter().map(|r| r[m].moved as f64).collect();
        let mut soft: Vec<f64> = all
            .iter()
            .filter(|r| r[m].hard == 0)
            .map(|r| r[m].soft as f64)
            .collect();
        let feasible = all.iter().filter(|r| r[m].hard == 0).count();
        println!(
            "  {:<16} time to feasible {:>7.3} s  moved {:>5}  soft {:>7}  feasible at the end {}/{}",
            name,
            median_f(&mut feas),
            median_f(&mut moved),
            median_f(&mut soft),
            feasible,
            all.len()
        );
    }
    Ok(())
}
