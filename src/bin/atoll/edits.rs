//! `atoll bench --edits`: the week of a timetabling officer as a benchmark. A good
//! timetable of each instance (a short solve) is edited by a generated scenario (ten
//! kinds, see [`KINDS`]: the busiest teacher away a day, rooms closed, the most needed room
//! closed, a lecture or a course added to the tightest curriculum, more students,
//! curricula merged, ...) and five methods make the edited timetable feasible again, each
//! for `--time` seconds: (a) the learned repair with a fresh Q-table (`atoll repair`), (b)
//! the same repair choosing actions uniformly at random, (c) a re-solve from the old
//! timetable with the `changes` penalty (`atoll solve --from`), (d) a solve from scratch,
//! and (a) with a warm Q-table carried from the previous scenario of the same instance.
//! Per run: time to feasible (for every method from the moment the edited instance and
//! the old timetable are in hand, its own set-up included), lectures moved from the old
//! timetable, soft cost at the end; then medians, head-to-head counts and the repairs'
//! actions on hard conflicts.
//!
//! Scenarios come from the scenario index (the kind) and an edit seed (which teacher,
//! room, course among the top few): nothing here was tuned against them, and
//! docs/REPAIR.md reports two halves of the instances separately (settings chosen on one,
//! confirmed on the other).

use std::path::PathBuf;
use std::sync::Arc;

use atoll::budget::CancelToken;
use atoll::model::Moves;
use atoll::model::edit::{
    AddLectures, AtEdit, InstanceEdits, MergeCurricula, NewCourse, SetStudents, carry_over,
};
use atoll::options::Policy;
use atoll::repair::state::RULE_ORDER;
use atoll::repair::{Action, QTable, RepairRequest, new_qtable, repair_timetable};
use atoll::solver::Solver;
use atoll::{Instance, SolverOptions, Timetable};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use web_time::{Duration, Instant};

use crate::CliError;

/// The kinds of edit, in the order scenarios cycle through them. Most of them break the
/// old timetable where it hurts (the busiest teacher, the most-needed room, the tightest
/// curriculum), as real edits do; two (more students, a random room for two days) are
/// often mild, as real edits often are.
const KINDS: [&str; 10] = [
    "busy teacher away day",
    "teacher away mornings",
    "room closed 2 days",
    "rooms closed a day",
    "needed room closed",
    "+1 lecture tight curr",
    "new course tight curr",
    "+40 students",
    "curricula merged",
    "teacher+room away day",
];

/// Per teacher, per day: lectures of `old` they teach.
fn teacher_days(inst: &Instance, old: &Timetable) -> Vec<Vec<usize>> {
    let mut load = vec![vec![0usize; inst.days as usize]; inst.teachers.len()];
    for (_, c, p, _) in old.scheduled() {
        let course = &inst.courses[c.idx()];
        for t in std::iter::once(course.teacher).chain(course.co_teachers.iter().copied()) {
            load[t.idx()][inst.day_of(p)] += 1;
        }
    }
    load
}

/// Indices `0..n` sorted by `key`, largest first (ties: lower index first).
fn ranked(n: usize, key: impl Fn(usize) -> f64) -> Vec<usize> {
    let mut v: Vec<usize> = (0..n).collect();
    v.sort_by(|&a, &b| key(b).total_cmp(&key(a)).then(a.cmp(&b)));
    v
}

/// The whole of `day` (every period) for `name`.
fn whole_day(name: &str, day: usize, per_day: usize) -> Vec<AtEdit> {
    (0..per_day)
        .map(|p| AtEdit {
            name: name.to_string(),
            day,
            period: p,
        })
        .collect()
}

/// Scenario `k` of `inst` (whose good timetable is `old`) under edit seed `seed`: its
/// kind and the edits. Busy teachers, needed rooms and tight curricula are read from
/// `old` and the instance; the seed picks among the top few, so scenarios differ.
fn scenario(
    inst: &Instance,
    old: &Timetable,
    k: usize,
    seed: u64,
) -> (&'static str, InstanceEdits) {
    let mut rng = SmallRng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9) ^ k as u64);
    let kind = k % KINDS.len();
    let days = inst.days as usize;
    let per_day = inst.periods_per_day as usize;
    let course = rng.random_range(0..inst.courses.len());
    let c = &inst.courses[course];
    let day = rng.random_range(0..days);
    let load = teacher_days(inst, old);
    // A busy teacher (one of the three who teach most) and their busiest day.
    let busy = ranked(inst.teachers.len(), |t| {
        load[t].iter().sum::<usize>() as f64
    });
    let bt = busy[rng.random_range(0..busy.len().min(3))];
    let bt_day = ranked(days, |d| load[bt][d] as f64)[0];
    // Per room: how much its lectures need it (1 / the rooms their course may use that
    // seat its students), summed.
    let fits = |ci: usize| -> usize {
        let co = &inst.courses[ci];
        let ok = |r: usize| inst.rooms[r].capacity >= co.students;
        match &co.rooms {
            Some(list) => list.iter().filter(|r| ok(r.idx())).count(),
            None => (0..inst.rooms.len()).filter(|&r| ok(r)).count(),
        }
        .max(1)
    };
    let mut need = vec![0.0f64; inst.rooms.len()];
    for (_, ci, _, r) in old.scheduled() {
        need[r.idx()] += 1.0 / fits(ci.idx()) as f64;
    }
    // A tight curriculum: one of the three with most lectures.
    let lectures = |g: usize| -> f64 {
        inst.curricula[g]
            .courses
            .iter()
            .map(|c| inst.courses[c.idx()].lectures as f64)
            .sum()
    };
    let tight = ranked(inst.curricula.len(), lectures);
    let tg = (!tight.is_empty()).then(|| tight[rng.random_range(0..tight.len().min(3))]);
    let mut e = InstanceEdits::default();
    match kind {
        0 => e.teacher_unavailable = whole_day(&inst.teachers[bt], bt_day, per_day),
        1 => {
            let t = busy[rng.random_range(0..busy.len().min(5))];
            e.teacher_unavailable = (0..days)
                .flat_map(|d| (0..per_day.div_ceil(3)).map(move |p| (d, p)))
                .map(|(d, p)| AtEdit {
                    name: inst.teachers[t].clone(),
                    day: d,
                    period: p,
                })
                .collect();
        }
        2 => {
            let room = &inst.rooms[rng.random_range(0..inst.rooms.len())].name;
            e.room_closed = (0..2.min(days))
                .flat_map(|d| whole_day(room, (d + day) % days, per_day))
                .collect();
        }
        3 => {
            // Works on one floor: a quarter of the rooms (at least 2), for a day.
            let n = (inst.rooms.len() / 4).max(2).min(inst.rooms.len());
            let mut rooms: Vec<usize> = (0..inst.rooms.len()).collect();
            for i in 0..n {
                let j = rng.random_range(i..rooms.len());
                rooms.swap(i, j);
            }
            e.room_closed = rooms[..n]
                .iter()
                .flat_map(|&r| whole_day(&inst.rooms[r].name, day, per_day))
                .collect();
        }
        4 => {
            // The room most needed (a lab, the big hall), closed for as many days of the
            // week as leave room for every lecture with a tenth to spare.
            let r =
                ranked(inst.rooms.len(), |r| need[r])[rng.random_range(0..2.min(inst.rooms.len()))];
            let seats = inst.rooms.len() * days * per_day;
            let n = inst.n_lectures();
            let closable = (0..=days)
                .rev()
                .find(|&d| (seats - d * per_day) * 10 >= n * 11)
                .unwrap_or(0)
                .max(1);
            e.room_closed = (0..closable)
                .flat_map(|d| whole_day(&inst.rooms[r].name, (d + day) % days, per_day))
                .collect();
        }
        5 => {
            let target = match tg {
                Some(g) => {
                    let cs = &inst.curricula[g].courses;
                    inst.courses[cs[rng.random_range(0..cs.len())].idx()]
                        .name
                        .clone()
                }
                None => c.name.clone(),
            };
            e.add_lectures = vec![AddLectures {
                course: target,
                lectures: 1,
            }]
        }
        6 => {
            // Taught by a busy teacher of that curriculum.
            let (teacher, students) = match tg {
                Some(g) => {
                    let cs = &inst.curricula[g].courses;
                    let t = cs
                        .iter()
                        .map(|c| inst.courses[c.idx()].teacher)
                        .max_by_key(|t| {
                            (
                                load[t.idx()].iter().sum::<usize>(),
                                std::cmp::Reverse(t.idx()),
                            )
                        })
                        .expect("a curriculum has courses");
                    let students = cs
                        .iter()
                        .map(|c| inst.courses[c.idx()].students)
                        .max()
                        .unwrap_or(c.students);
                    (inst.teachers[t.idx()].clone(), students)
                }
                None => (inst.teachers[c.teacher.idx()].clone(), c.students),
            };
            e.new_courses = vec![NewCourse {
                name: format!("NEW{k}"),
                teacher,
                lectures: rng.random_range(2..=4),
                min_working_days: 2,
                students,
                curricula: tg
                    .map(|g| inst.curricula[g].name.clone())
                    .into_iter()
                    .collect(),
            }];
        }
        7 => {
            e.students = vec![SetStudents {
                course: c.name.clone(),
                students: c.students + 40,
            }]
        }
        8 => {
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
        _ => {
            // A bad day: a busy teacher away and the room they use most closed, the
            // same day.
            e.teacher_unavailable = whole_day(&inst.teachers[bt], bt_day, per_day);
            let mut used = vec![0usize; inst.rooms.len()];
            for (_, ci, _, r) in old.scheduled() {
                if inst.courses[ci.idx()].teacher.idx() == bt {
                    used[r.idx()] += 1;
                }
            }
            let r = ranked(inst.rooms.len(), |r| used[r] as f64)[0];
            e.room_closed = whole_day(&inst.rooms[r].name, bt_day, per_day);
        }
    }
    (KINDS[kind], e)
}

/// One method's run on one scenario.
#[derive(Clone, Copy, Default)]
struct Outcome {
    /// Seconds from the moment the edited instance and the carried-over timetable were in
    /// hand (every method's own set-up included) until its timetable was feasible.
    feasible_at: Option<f64>,
    moved: usize,
    hard: u32,
    soft: u32,
    /// Repairs only: per action, on hard conflicts, (chosen, applied, microseconds).
    actions: [(u64, u64, u64); Action::COUNT],
}

/// (a) the default repair (learned policy, fresh Q-table, as `atoll repair` runs without
/// `--qtable`), (b) the same choosing actions uniformly, (c), (d) the solves, and (a) with
/// a warm Q-table carried from the previous scenario of the same instance.
const METHODS: [&str; 5] = [
    "learned repair",
    "random repair",
    "solve --from",
    "scratch",
    "learned, warm Q",
];

/// A repair of `start`; its time to feasible counts from the call (the repair's clock
/// starts at its entry and includes building the objective).
fn run_repair(
    inst: &Arc<Instance>,
    start: &Timetable,
    seed: u64,
    time: f64,
    policy: Policy,
    qtable: Option<Arc<QTable>>,
) -> Result<Outcome, CliError> {
    let request = RepairRequest {
        options: SolverOptions {
            seed,
            policy,
            ..Default::default()
        },
        time_limit: Some(Duration::from_secs_f64(time)),
        qtable,
        ..Default::default()
    };
    let res = repair_timetable(inst.clone(), start.clone(), request, &mut |_| {})?;
    Ok(Outcome {
        feasible_at: res.stats.time_to_feasible_s,
        moved: Moves::between(inst, start, &res.timetable).moved,
        hard: res.cost.hard,
        soft: res.cost.soft,
        actions: std::array::from_fn(|a| {
            RULE_ORDER
                .iter()
                .zip(&res.stats.per_rule)
                .filter(|(r, _)| r.is_hard())
                .fold((0, 0, 0), |(c, k, t), (_, st)| {
                    (c + st[a].chosen, k + st[a].accepted, t + st[a].micros)
                })
        }),
    })
}

/// A solve (from `start` with the `changes` penalty, or from scratch); its time to
/// feasible counts from before the evaluator and the instance copies are made (the
/// solver's own clock starts after them, so their time is added), construction included.
fn run_solve(
    inst: &Instance,
    start: Option<&Timetable>,
    seed: u64,
    time: f64,
    threads: usize,
) -> Result<(Timetable, Option<f64>), CliError> {
    let t0 = Instant::now();
    let opts = SolverOptions {
        seed,
        time_limit: Some(time),
        max_generations: None,
        islands: threads,
        ..Default::default()
    };
    let (mut evaluator, _) =
        atoll::gpu::choose_evaluator(inst, opts.evaluator, atoll::gpu::batch_size(&opts, threads));
    let scored = Arc::new(match start {
        Some(s) => inst.with_reference(s),
        None => inst.clone(),
    });
    let pre = t0.elapsed().as_secs_f64();
    let mut solver = match start {
        Some(s) => Solver::new_from(
            scored,
            &opts,
            &mut *evaluator,
            CancelToken::new(),
            s.clone(),
        )?,
        None => Solver::new(scored, &opts, &mut *evaluator, CancelToken::new())?,
    };
    while solver
        .step(&mut *evaluator, Duration::from_secs(3600), &mut |_| {})
        .is_none()
    {}
    let res = solver.finish(evaluator.name());
    Ok((res.timetable, res.stats.time_to_feasible_s.map(|t| pre + t)))
}

fn median_f(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        f64::NAN
    } else {
        v[v.len() / 2]
    }
}

/// One scenario × seed: whether the carried-over timetable was infeasible, and each
/// method's outcome.
struct Row {
    broken: bool,
    out: [Outcome; 5],
}

fn print_medians(rows: &[&Row], time: f64) {
    for (m, name) in METHODS.iter().enumerate() {
        let mut feas: Vec<f64> = rows
            .iter()
            .map(|r| r.out[m].feasible_at.unwrap_or(time))
            .collect();
        let mut moved: Vec<f64> = rows.iter().map(|r| r.out[m].moved as f64).collect();
        let mut soft: Vec<f64> = rows
            .iter()
            .filter(|r| r.out[m].hard == 0)
            .map(|r| r.out[m].soft as f64)
            .collect();
        let feasible = rows.iter().filter(|r| r.out[m].hard == 0).count();
        let (mut faster, mut slower) = (0, 0);
        if m > 0 {
            for r in rows {
                let a = r.out[0].feasible_at.unwrap_or(f64::INFINITY);
                let b = r.out[m].feasible_at.unwrap_or(f64::INFINITY);
                if a < b {
                    faster += 1;
                } else if b < a {
                    slower += 1;
                }
            }
        }
        let h2h = if m > 0 {
            format!("  learned faster/slower {faster}/{slower}")
        } else {
            String::new()
        };
        println!(
            "  {:<16} time to feasible {:>7.4} s  moved {:>5}  soft {:>7}  feasible at the end {}/{}{}",
            name,
            median_f(&mut feas),
            median_f(&mut moved),
            median_f(&mut soft),
            feasible,
            rows.len(),
            h2h
        );
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
    let width = 26;
    print!(
        "{:<10} {:>3} {:<22} {:>4} {:>5}",
        "instance", "k", "edit", "seed", "start"
    );
    for m in METHODS {
        print!("  {m:>width$}");
    }
    println!();
    print!("{:<10} {:>3} {:<22} {:>4} {:>5}", "", "", "", "", "hard");
    for _ in METHODS {
        print!("  {:>width$}", "feas_s moved soft");
    }
    println!();
    let mut all: Vec<Row> = Vec::new();
    for path in instances {
        let base = crate::load_instance(path)?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().to_string())
            .unwrap_or_default();
        // A good timetable: what the office had last week.
        let (old, _) =
            pool.install(|| run_solve(&base, None, 1, (2.0 * time).max(2.0), threads))?;
        // The warm learner's table, per seed: carried from one repair of this campus to
        // the next, as the page (or a `--qtable` file) keeps it.
        let tables: Vec<Arc<QTable>> = seeds.iter().map(|_| Arc::new(new_qtable())).collect();
        for k in 0..scenarios {
            let (kind, edits) = scenario(&base, &old, k, k as u64 + 1);
            let edited = match edits.apply(&base) {
                Ok(i) => Arc::new(i),
                Err(e) => {
                    eprintln!("atoll: {name} scenario {k} ({kind}) skipped: {e}");
                    continue;
                }
            };
            let start = carry_over(&base, &old, &edited);
            let start_hard = atoll::score(&edited, &start).hard();
            for (si, &seed) in seeds.iter().enumerate() {
                let mut out = [Outcome::default(); 5];
                pool.install(|| -> Result<(), CliError> {
                    out[4] = run_repair(
                        &edited,
                        &start,
                        seed,
                        time,
                        Policy::Learned,
                        Some(tables[si].clone()),
                    )?;
                    out[0] = run_repair(&edited, &start, seed, time, Policy::Learned, None)?;
                    out[1] = run_repair(&edited, &start, seed, time, Policy::Random, None)?;
                    for (m, from) in [(2, Some(&start)), (3, None)] {
                        let (tt, feas) = run_solve(&edited, from, seed, time, threads)?;
                        let b = atoll::score(&edited, &tt);
                        out[m] = Outcome {
                            feasible_at: feas,
                            moved: Moves::between(&edited, &start, &tt).moved,
                            hard: b.hard(),
                            soft: b.soft(),
                            ..Default::default()
                        };
                    }
                    Ok(())
                })?;
                let cell = |o: &Outcome| {
                    let f = o
                        .feasible_at
                        .map_or("   -   ".to_string(), |t| format!("{t:7.4}"));
                    let soft = if o.hard > 0 {
                        format!("{}h", o.hard)
                    } else {
                        o.soft.to_string()
                    };
                    format!("{f} {:>5} {:>6}", o.moved, soft)
                };
                print!("{name:<10} {k:>3} {kind:<22} {seed:>4} {start_hard:>5}");
                for o in &out {
                    print!("  {:>width$}", cell(o));
                }
                println!();
                all.push(Row {
                    broken: start_hard > 0,
                    out,
                });
            }
        }
    }
    println!();
    println!(
        "time to feasible: from the moment the edited instance and the old timetable are in \
         hand, each method's set-up included; a run never feasible counts as {time} s"
    );
    let every: Vec<&Row> = all.iter().collect();
    println!("medians over all {} runs ({time} s each):", every.len());
    print_medians(&every, time);
    let broken: Vec<&Row> = all.iter().filter(|r| r.broken).collect();
    println!(
        "medians over the {} runs whose carried-over timetable was infeasible:",
        broken.len()
    );
    print_medians(&broken, time);
    println!("actions on hard conflicts, all runs (chosen / applied / ms):");
    for (m, name) in METHODS
        .iter()
        .enumerate()
        .filter(|(m, _)| [0, 1, 4].contains(m))
    {
        print!("  {name:<16}");
        for (a, act) in Action::ALL.iter().enumerate() {
            let (c, k, t) = all.iter().fold((0, 0, 0), |(c, k, t), r| {
                let x = r.out[m].actions[a];
                (c + x.0, k + x.1, t + x.2)
            });
            print!("  {act:?} {c}/{k}/{:.0}", t as f64 / 1000.0);
        }
        println!();
    }
    Ok(())
}
