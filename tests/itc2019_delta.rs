//! The incremental ITC-2019 evaluator (`atoll::itc2019::delta`) against the full one
//! (`evaluate`): on every shared instance, from random states (every class at a random
//! option or none, students enrolled at random, valid or not) and from constructed ones,
//! random moves — a class's time, its room, both, unplacing; a student's classes of a
//! course replaced by a valid path or by any classes — and after each checked move the
//! state's four parts, its hard count, hard units and every distribution's units equal a
//! full evaluation of its assignment. Deltas that are asked for and not applied leave the
//! state as it was.

mod common;

use atoll::itc2019::construct::{ConstructOptions, construct};
use atoll::itc2019::delta::{Move, Parts, State};
use atoll::itc2019::eval::Violation;
use atoll::itc2019::model::{ClassId, ConfigId, CourseId};
use atoll::itc2019::{Assignment, Problem, evaluate};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

use common::{itc2019_instances as shared_instances, load_itc2019 as load};

/// The parts of a full evaluation, in the incremental evaluator's terms.
fn full_parts(p: &Problem, a: &Assignment) -> (Parts, Vec<u64>) {
    let ev = evaluate(p, a);
    let hard_units = ev
        .violations
        .iter()
        .map(|v| match v {
            Violation::Distribution { units, .. } => *units as i64,
            _ => 1,
        })
        .sum();
    (
        Parts {
            time: ev.time as i64,
            room: ev.room as i64,
            distribution: ev.distribution as i64,
            student: ev.student as i64,
            hard: ev.violations.len() as i64,
            hard_units,
        },
        ev.distribution_units,
    )
}

fn assert_matches(p: &Problem, st: &State, what: &str) {
    let (full, units) = full_parts(p, &st.assignment());
    assert_eq!(st.parts(), full, "{what}");
    for (d, &u) in units.iter().enumerate() {
        assert_eq!(st.units(d as u32), u, "{what}: distribution #{}", d + 1);
    }
}

/// A random class of each subpart of `cfg`, parents first, each with its parent chosen
/// (None when some subpart has no class whose parent is chosen).
fn valid_path(p: &Problem, cfg: ConfigId, rng: &mut SmallRng) -> Option<Vec<ClassId>> {
    let depth = |mut c: ClassId| {
        let mut k = 0;
        while let Some(par) = p.classes[c as usize].parent {
            c = par;
            k += 1;
        }
        k
    };
    let mut subparts: Vec<u32> = p.configs[cfg as usize].subparts.clone().collect();
    subparts.sort_by_key(|&sp| depth(p.subparts[sp as usize].classes.start));
    let mut path: Vec<ClassId> = Vec::new();
    for sp in subparts {
        let cands: Vec<ClassId> = p.subparts[sp as usize]
            .classes
            .clone()
            .filter(|&c| {
                p.classes[c as usize]
                    .parent
                    .is_none_or(|par| path.contains(&par))
            })
            .collect();
        if cands.is_empty() {
            return None;
        }
        path.push(cands[rng.random_range(0..cands.len())]);
    }
    Some(path)
}

/// Any 1–3 distinct classes of the course.
fn any_classes(p: &Problem, course: CourseId, rng: &mut SmallRng) -> Vec<ClassId> {
    let cfgs = p.courses[course as usize].configs.clone();
    let first = p.subparts[p.configs[cfgs.start as usize].subparts.start as usize]
        .classes
        .start;
    let last = p.subparts[p.configs[cfgs.end as usize - 1].subparts.end as usize - 1]
        .classes
        .end;
    let mut v: Vec<ClassId> = Vec::new();
    for _ in 0..rng.random_range(0..=3) {
        let c = rng.random_range(first..last);
        if !v.contains(&c) {
            v.push(c);
        }
    }
    v
}

fn random_enrolment(p: &Problem, course: CourseId, rng: &mut SmallRng) -> Vec<ClassId> {
    if rng.random_bool(0.75) {
        let cfgs = p.courses[course as usize].configs.clone();
        let cfg = rng.random_range(cfgs);
        if let Some(path) = valid_path(p, cfg, rng) {
            return path;
        }
    }
    any_classes(p, course, rng)
}

/// Every class at a random option (a few unplaced or without a room), every student's
/// requests enrolled at random (mostly valid paths; some left out, some broken).
fn random_assignment(p: &Problem, rng: &mut SmallRng) -> Assignment {
    let mut a = Assignment::empty(p);
    for c in 0..p.classes.len() as ClassId {
        random_place(p, c, rng, &mut a.time, &mut a.room);
    }
    for s in 0..p.students.len() {
        for &course in &p.students[s].courses {
            if rng.random_bool(0.05) {
                continue;
            }
            for c in random_enrolment(p, course, rng) {
                a.students[c as usize].push(s as u32);
            }
        }
    }
    for l in &mut a.students {
        l.sort_unstable();
        l.dedup();
    }
    a
}

fn random_option(p: &Problem, c: ClassId, rng: &mut SmallRng) -> (Option<u32>, Option<u32>) {
    let t = (!rng.random_bool(0.03)).then(|| rng.random_range(0..p.times(c).len() as u32));
    let nr = p.rooms_of(c).len() as u32;
    let r = (nr > 0 && !rng.random_bool(0.03)).then(|| rng.random_range(0..nr));
    (t, r)
}

fn random_place(
    p: &Problem,
    c: ClassId,
    rng: &mut SmallRng,
    time: &mut [Option<u32>],
    room: &mut [Option<u32>],
) {
    let (t, r) = random_option(p, c, rng);
    time[c as usize] = t;
    room[c as usize] = r;
}

fn random_move(p: &Problem, st: &State, rng: &mut SmallRng) -> Move {
    if p.students.is_empty() || rng.random_bool(0.55) {
        let c = rng.random_range(0..p.classes.len() as ClassId);
        let (mut t, mut r) = random_option(p, c, rng);
        // A third of the moves change only the time or only the room.
        match rng.random_range(0..3) {
            0 => t = st.time_option(c).or(t),
            1 => r = st.room_option(c).or(r),
            _ => {}
        }
        return Move::Place {
            class: c,
            time: t,
            room: r,
        };
    }
    let s = rng.random_range(0..p.students.len() as u32);
    let req = &p.students[s as usize].courses;
    let course = if !req.is_empty() && rng.random_bool(0.9) {
        req[rng.random_range(0..req.len())]
    } else {
        rng.random_range(0..p.courses.len() as u32)
    };
    Move::Enrol {
        student: s,
        course,
        classes: random_enrolment(p, course, rng),
    }
}

/// Random moves from `a`; every `every`-th is checked against a full evaluation, and every
/// fourth move is only asked for (delta) and not applied.
fn run_moves(p: &Problem, a: &Assignment, seed: u64, moves: usize, every: usize, what: &str) {
    let mut rng = SmallRng::seed_from_u64(seed);
    let mut st = State::new(p, a);
    assert_matches(p, &st, &format!("{what}: initial state"));
    let mut applied = 0;
    for i in 0..moves {
        let m = random_move(p, &st, &mut rng);
        let before = st.parts();
        let d = st.delta(&m);
        assert_eq!(st.parts(), before, "{what}: delta changed the state");
        if i % 4 == 3 {
            if i % every == every - 1 {
                assert_matches(p, &st, &format!("{what}: after an unapplied delta {m:?}"));
            }
            continue;
        }
        let got = st.apply(&m);
        applied += 1;
        assert_eq!(got, d, "{what}: apply and delta differ on {m:?}");
        if i % every == every - 1 || i + 1 == moves {
            assert_matches(p, &st, &format!("{what}: after move {i} {m:?}"));
        }
    }
    assert!(applied > moves / 2);
}

/// (moves, check every) by size: every move on the small instances, fewer checks on the
/// large ones (a full evaluation there takes about 10 ms).
fn budget(p: &Problem) -> (usize, usize) {
    if p.classes.len() < 600 {
        (2000, 2)
    } else {
        (2000, 40)
    }
}

#[test]
fn delta_equals_full_from_random_states_of_every_shared_instance() {
    for path in shared_instances() {
        let p = load(&path);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let mut rng = SmallRng::seed_from_u64(11);
        let a = random_assignment(&p, &mut rng);
        let (moves, every) = budget(&p);
        run_moves(&p, &a, 1, moves, every, &format!("{name} (random)"));
    }
}

#[test]
fn delta_equals_full_from_constructed_states_of_every_shared_instance() {
    for path in shared_instances() {
        let p = load(&path);
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        // Capped by steps (the same everywhere); on the large instances that leaves some
        // classes unplaced, which the moves then see too.
        let built = construct(
            &p,
            &ConstructOptions {
                seed: 2,
                time_limit: 600.0,
                max_iterations: Some(3000),
            },
        );
        let (moves, every) = budget(&p);
        run_moves(
            &p,
            &built.assignment,
            2,
            moves,
            every,
            &format!("{name} (constructed)"),
        );
    }
}

#[test]
fn an_empty_assignment_counts_every_class_and_request_as_missing() {
    let p = load(&common::shared_dir().join("instances/itc2019/test/wbg-fal10.xml"));
    let st = State::new(&p, &Assignment::empty(&p));
    let requests = p.requests() as i64;
    assert_eq!(st.parts().hard, p.classes.len() as i64 + requests);
    assert_eq!(st.parts().student, 0);
    assert_matches(&p, &st, "empty");
}
