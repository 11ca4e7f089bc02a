//! The GPU evaluator (shaders/fitness.wgsl through wgpu) against the CPU evaluator
//! (`atoll::eval::score`): every component equal, on every shared instance, for random,
//! constructed, evolved and perturbed (infeasible) batches, and for a whole solve.
//!
//! Natively these run on whatever adapter wgpu finds; in CI that is Mesa's lavapipe
//! (software Vulkan, `mesa-vulkan-drivers`). Mesa truncates long shader loops silently,
//! so comparing the largest instances exactly is what would catch a shader that loops too
//! much. A test skips, printing why, only when there is no adapter at all.
#![cfg(feature = "gpu")]

mod common;

use atoll::construct::construct;
use atoll::eval::{Breakdown, score};
use atoll::evolve::BatchEvaluator;
use atoll::evolve::operators::{crossover, mutate};
use atoll::gpu::{GpuError, GpuEvaluator, gpu_evaluator_blocking};
use atoll::model::{Instance, LectureId, PeriodId, RoomId, Slot, Timetable};
use atoll::parallel::random_timetable;
use atoll::{SolveRequest, SolverOptions, solve};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::sync::Arc;

/// The GPU evaluator for `inst`, or `None` (with the reason printed) when no adapter exists.
fn gpu(inst: &Instance, max_batch: usize) -> Option<GpuEvaluator> {
    match gpu_evaluator_blocking(inst, max_batch) {
        Ok(g) => Some(g),
        Err(GpuError::NoAdapter(e)) => {
            common::gpu_missing(&e.to_string());
            None
        }
        Err(e) => panic!("{}: GPU evaluator could not start: {e}", inst.name),
    }
}

/// Random slots everywhere: clashes, double-booked rooms, unavailable periods, some
/// lectures unscheduled, at most one lecture of a course per period.
fn perturbed(inst: &Instance, base: &Timetable, rng: &mut SmallRng, share: f64) -> Timetable {
    common::perturb(inst, base, rng, share, 0.2)
}

/// A mixed batch of `n` timetables of `inst`.
fn batch(inst: &Instance, n: usize, seed: u64) -> Vec<Timetable> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let built: Vec<Timetable> = (0..4)
        .map(|_| construct(inst, &mut rng).timetable)
        .collect();
    (0..n)
        .map(|i| match i % 5 {
            0 => random_timetable(inst, seed + i as u64),
            1 => built[i % built.len()].clone(),
            2 => {
                let mut t = crossover(inst, &built[0], &built[1], &mut rng);
                mutate(inst, &mut t, 5, &mut rng);
                t
            }
            3 => perturbed(inst, &built[i % built.len()], &mut rng, 0.1),
            _ => perturbed(
                inst,
                &random_timetable(inst, seed + i as u64),
                &mut rng,
                0.5,
            ),
        })
        .collect()
}

/// Compares every timetable; returns the CPU breakdowns.
fn assert_same(
    inst: &Instance,
    gpu: &mut GpuEvaluator,
    tts: &[Timetable],
    what: &str,
) -> Vec<Breakdown> {
    let got = gpu.evaluate(inst, tts);
    assert_eq!(got.len(), tts.len());
    let mut cpu = Vec::new();
    for (i, (g, tt)) in got.iter().zip(tts).enumerate() {
        let want = score(inst, tt);
        assert_eq!(*g, want, "{}: {what} timetable {i}: gpu != cpu", inst.name);
        cpu.push(want);
    }
    cpu
}

#[test]
fn gpu_equals_cpu_on_every_instance() {
    for path in common::all_instances() {
        let inst = common::load(&path);
        let Some(mut g) = gpu(&inst, 64) else { return };
        let tts = batch(&inst, 150, 7);
        // More than the buffers hold: several dispatches.
        let cpu = assert_same(&inst, &mut g, &tts, "mixed");
        // The batch exercises every rule the instance can violate.
        let any = |f: fn(&Breakdown) -> u32| cpu.iter().any(|b| f(b) > 0);
        assert!(any(|b| b.lectures) && any(|b| b.conflicts) && any(|b| b.room_occupancy));
        assert!(any(|b| b.availability) || inst.unavailable_list.is_empty());
        assert!(any(|b| b.min_working_days) && any(|b| b.curriculum_compactness));
        assert!(any(|b| b.room_stability));
        assert_eq!(
            g.cpu_fallbacks(),
            0,
            "{}: nothing needed the CPU",
            inst.name
        );
        assert!(g.failure().is_none());
        eprintln!(
            "{}: {} timetables identical on {}",
            inst.name,
            tts.len(),
            g.adapter()
        );
    }
}

#[test]
fn gpu_equals_cpu_on_evolved_timetables() {
    for name in ["comp01", "comp07", "comp12"] {
        let path = common::shared_dir().join(format!("instances/itc2007/{name}.ctt"));
        let inst = common::load(&path);
        let Some(mut g) = gpu(&inst, 256) else { return };
        let opts = SolverOptions {
            time_limit: None,
            max_generations: Some(3),
            islands: 2,
            ls_iterations: 20_000,
            ..Default::default()
        };
        let r = common::solve_here(&inst, &opts).unwrap();
        let mut rng = SmallRng::seed_from_u64(3);
        let mut tts = vec![r.timetable.clone()];
        for k in 0..255 {
            let mut t = r.timetable.clone();
            mutate(&inst, &mut t, 1 + k % 7, &mut rng);
            tts.push(t);
        }
        assert_same(&inst, &mut g, &tts, "evolved");
    }
}

/// The largest batch the shader sees in one dispatch, on the largest instance (most
/// lectures, most courses x periods): where loop truncation would show first.
#[test]
fn gpu_equals_cpu_on_a_large_batch_of_the_largest_instance() {
    let path = common::shared_dir().join("instances/itc2007/comp07.ctt");
    let inst = common::load(&path);
    let Some(mut g) = gpu(&inst, 2048) else {
        return;
    };
    assert_eq!(g.chunk(), 2048);
    let tts = batch(&inst, 2048, 11);
    assert_same(&inst, &mut g, &tts, "large batch");
}

/// Two lectures of a course in one period and a lecture list that is not the instance's:
/// the shader cannot score them, the CPU does, and the result is still exact.
#[test]
fn timetables_the_shader_flags_are_scored_on_the_cpu() {
    let path = common::shared_dir().join("instances/itc2007/comp01.ctt");
    let inst = common::load(&path);
    let Some(mut g) = gpu(&inst, 16) else { return };
    let mut dup = random_timetable(&inst, 1);
    let c = dup.course(LectureId(0));
    let second = inst
        .lectures_of(c)
        .nth(1)
        .expect("a course with two lectures");
    let s = dup.slot(LectureId(0));
    dup.set(LectureId(second as u32), s);
    let mut other = dup.lecture_courses().to_vec();
    other.push(c);
    let mut slots = random_timetable(&inst, 2).slots().to_vec();
    slots.push(Slot::UNSCHEDULED);
    let longer = Timetable::from_parts(other.into(), slots);
    let tts = vec![
        random_timetable(&inst, 3),
        dup,
        longer,
        random_timetable(&inst, 4),
    ];
    assert_same(&inst, &mut g, &tts, "flagged");
    assert_eq!(g.cpu_fallbacks(), 2);
}

/// With a generation bound, a solve scored on the GPU gives exactly the timetable a solve
/// scored on the CPU gives (DESIGN.md: determinism across the GPU/CPU choice).
#[test]
fn a_solve_on_the_gpu_equals_a_solve_on_the_cpu() {
    let path = common::shared_dir().join("instances/itc2007/comp01.ctt");
    let inst = common::load(&path);
    let opts = SolverOptions {
        time_limit: None,
        max_generations: Some(4),
        islands: 2,
        offspring: 8,
        ls_iterations: 5_000,
        ..Default::default()
    };
    let Some(mut g) = gpu(&inst, opts.islands * opts.offspring) else {
        return;
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .unwrap();
    let on_gpu = pool
        .install(|| {
            solve(
                SolveRequest::new(&opts),
                Arc::new(inst.clone()),
                &mut g,
                &mut |_| {},
            )
        })
        .unwrap();
    let on_cpu = pool.install(|| common::solve_here(&inst, &opts)).unwrap();
    assert_eq!(on_gpu.timetable, on_cpu.timetable);
    assert_eq!(on_gpu.breakdown, on_cpu.breakdown);
    assert!(
        on_gpu.stats.evaluator.starts_with("gpu "),
        "{}",
        on_gpu.stats.evaluator
    );
}

/// Random timetables of a campus: random starts and rooms (rooms that do not suit, closed
/// rooms, starts past the day, pins broken, all as they come), skipping only placements
/// that would overlap another lecture of the same course when `no_overlap` (those the
/// shader hands to the CPU).
fn campus_batch(inst: &Instance, n: usize, seed: u64, no_overlap: bool) -> Vec<Timetable> {
    let mut rng = SmallRng::seed_from_u64(seed);
    let np = inst.n_periods();
    let nr = inst.rooms.len();
    let ppd = inst.periods_per_day as usize;
    let span = |c: atoll::model::CourseId, p: usize| {
        let end = (p + inst.duration(c) as usize).min((p / ppd + 1) * ppd);
        p..end
    };
    (0..n)
        .map(|_| {
            let mut tt = Timetable::empty(inst);
            for l in 0..tt.len() {
                if rng.random_bool(0.1) {
                    continue;
                }
                let lid = LectureId(l as u32);
                let c = tt.course(lid);
                let p = rng.random_range(0..np);
                let overlaps = inst.lectures_of(c).any(|o| {
                    tt.slot(LectureId(o as u32)).get().is_some_and(|(q, _)| {
                        let a = span(c, q.idx());
                        let b = span(c, p);
                        a.start < b.end && b.start < a.end
                    })
                });
                if no_overlap && overlaps {
                    continue;
                }
                tt.set(
                    lid,
                    Slot::at(PeriodId(p as u16), RoomId(rng.random_range(0..nr) as u16)),
                );
            }
            tt
        })
        .collect()
}

/// Every campus rule on the GPU equals the CPU, on random campuses with and without a
/// reference timetable (re-solve); timetables where a course overlaps itself go to the
/// CPU, the others never do.
#[test]
fn gpu_equals_cpu_on_random_campuses() {
    use common::campus::{CampusSpec, random_campus};
    for seed in 0..12u64 {
        let spec = CampusSpec {
            courses: 12 + seed as usize * 5,
            rooms: 3 + seed as usize % 5,
            days: 3 + (seed % 4) as u16,
            periods_per_day: 4 + (seed % 5) as u16,
            pins: seed % 3 != 2,
            loose: seed % 2 == 0,
        };
        let mut inst = random_campus(seed, spec);
        assert!(inst.uses_campus_features());
        if seed % 2 == 1 {
            let old = campus_batch(&inst, 1, seed + 99, true).remove(0);
            inst = inst.with_reference(&old);
            // Lectures partly at their reference slots: the changes component varies.
            let mut tts = campus_batch(&inst, 24, seed, true);
            let mut rng = SmallRng::seed_from_u64(seed);
            for t in &mut tts {
                for l in 0..t.len() {
                    if rng.random_bool(0.5) {
                        t.set(LectureId(l as u32), old.slot(LectureId(l as u32)));
                    }
                }
            }
            let Some(mut g) = gpu(&inst, 64) else { return };
            assert_same(&inst, &mut g, &tts, "re-solve campus");
        }
        let Some(mut g) = gpu(&inst, 64) else { return };
        let clean = campus_batch(&inst, 48, seed, true);
        let cpu = assert_same(&inst, &mut g, &clean, "campus");
        assert_eq!(
            g.cpu_fallbacks(),
            0,
            "{}: no overlap, no fallback",
            inst.name
        );
        // The batch exercises the campus components.
        assert!(cpu.iter().any(|b| b.placement > 0), "{}", inst.name);
        let messy = campus_batch(&inst, 16, seed + 7, false);
        assert_same(&inst, &mut g, &messy, "campus with overlaps");
    }
}

/// A campus of the size the page bundles (300 courses, 40 rooms, 6 x 8 periods, lectures
/// up to 4 periods long) fits the shader's workgroup memory and loop limit, and scores
/// exactly.
#[test]
fn a_300_course_campus_fits_the_gpu() {
    use atoll::gpu::pack::{LOOP_LIMIT, WORKGROUP_BYTES, pack};
    use common::campus::{CampusSpec, random_campus};
    let inst = random_campus(
        7,
        CampusSpec {
            courses: 300,
            rooms: 40,
            days: 6,
            periods_per_day: 8,
            pins: true,
            loose: false,
        },
    );
    // Some 4-period labs (unpinned courses; a 4-period lecture fits an 8-period day).
    let mut parts = inst.to_parts();
    let pinned: Vec<usize> = parts.campus.pins.iter().map(|p| p.course.idx()).collect();
    for (i, c) in parts.courses.iter_mut().enumerate() {
        if i % 10 == 3 && !pinned.contains(&i) {
            c.duration = 4;
        }
    }
    let inst = Instance::new(parts).unwrap();
    let packed = pack(&inst).expect("a 300-course campus fits the shader");
    eprintln!(
        "300-course campus: {} bytes of workgroup memory (limit {WORKGROUP_BYTES}), loop bound {} (limit {LOOP_LIMIT})",
        packed.workgroup_bytes, packed.loop_bound
    );
    let Some(mut g) = gpu(&inst, 32) else { return };
    let tts = campus_batch(&inst, 32, 3, true);
    assert_same(&inst, &mut g, &tts, "300-course campus");
    assert_eq!(g.cpu_fallbacks(), 0);
}
