//! Throughput of the incremental ITC-2019 evaluator (`atoll::itc2019::delta`): a benchmark,
//! not a test. Run it with
//!
//! ```text
//! cargo run --release --example itc2019_delta_bench [INSTANCE.xml [SECONDS]]
//! ```
//!
//! (defaults: the shared bet-fal17, the largest public file, and 3 seconds per kind).
//!
//! From a constructed state (seed 1), it asks for deltas of random moves of each kind —
//! a class's time (room kept), its room, both, and a student's classes of one course
//! replaced by another random valid path — for SECONDS each, and reports moves a second;
//! then it applies one move in eight for the same time (a search's mix: most moves are
//! rejected), and compares with full evaluations a second.

use std::time::Instant;

use atoll::itc2019::construct::{ConstructOptions, construct};
use atoll::itc2019::delta::State;
use atoll::itc2019::model::{ClassId, Problem};
use atoll::itc2019::{evaluate, parse_problem};
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args
        .next()
        .unwrap_or_else(|| "../shared/instances/itc2019/early/bet-fal17.xml".into());
    let secs: f64 = args.next().map_or(3.0, |s| s.parse().expect("SECONDS"));
    let bytes = std::fs::read(&path).expect("read the instance");
    let p = parse_problem(&bytes, &path).expect("a valid instance");
    let t0 = Instant::now();
    let built = construct(
        &p,
        &ConstructOptions {
            seed: 1,
            time_limit: 60.0,
            max_iterations: None,
        },
    );
    println!(
        "{}: {} classes, {} students, {} distributions; construction {:.1} s ({} unplaced)",
        p.name,
        p.classes.len(),
        p.students.len(),
        p.distributions.len(),
        t0.elapsed().as_secs_f64(),
        built.unplaced
    );
    let mut st = State::new(&p, &built.assignment);
    let mut rng = SmallRng::seed_from_u64(7);
    let movable: Vec<ClassId> = (0..p.classes.len() as ClassId)
        .filter(|&c| p.times(c).len() > 1)
        .collect();
    let roomy: Vec<ClassId> = (0..p.classes.len() as ClassId)
        .filter(|&c| p.rooms_of(c).len() > 1)
        .collect();
    for kind in ["time", "room", "time+room", "student"] {
        let start = Instant::now();
        let mut n = 0u64;
        let mut sink = 0i64;
        while start.elapsed().as_secs_f64() < secs {
            for _ in 0..256 {
                sink += one(&p, &mut st, &mut rng, kind, &movable, &roomy, false);
                n += 1;
            }
        }
        let rate = n as f64 / start.elapsed().as_secs_f64();
        println!("delta {kind:>10}: {rate:>12.0} moves/s  (checksum {sink})");
    }
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed().as_secs_f64() < secs {
        for i in 0..256u64 {
            let kind = ["time", "room", "time+room", "student"][(i % 4) as usize];
            one(&p, &mut st, &mut rng, kind, &movable, &roomy, i % 8 == 0);
            n += 1;
        }
    }
    println!(
        "mixed, 1 in 8 applied: {:>8.0} moves/s",
        n as f64 / start.elapsed().as_secs_f64()
    );
    let a = st.assignment();
    let start = Instant::now();
    let mut k = 0;
    while start.elapsed().as_secs_f64() < secs.min(2.0) {
        std::hint::black_box(evaluate(&p, &a));
        k += 1;
    }
    println!(
        "full evaluation:        {:>8.1} /s",
        k as f64 / start.elapsed().as_secs_f64()
    );
}

/// One random move of `kind`: its delta's penalised total, and applied when `apply`.
fn one(
    p: &Problem,
    st: &mut State,
    rng: &mut SmallRng,
    kind: &str,
    movable: &[ClassId],
    roomy: &[ClassId],
    apply: bool,
) -> i64 {
    let w = p.weights;
    if kind == "student" {
        if p.students.is_empty() {
            return 0;
        }
        let s = rng.random_range(0..p.students.len() as u32);
        let req = &p.students[s as usize].courses;
        if req.is_empty() {
            return 0;
        }
        let course = req[rng.random_range(0..req.len())];
        let cfgs = p.courses[course as usize].configs.clone();
        let cfg = rng.random_range(cfgs);
        let mut path: Vec<ClassId> = Vec::new();
        for sp in p.configs[cfg as usize].subparts.clone() {
            let cands: Vec<ClassId> = p.subparts[sp as usize].classes.clone().collect();
            path.push(cands[rng.random_range(0..cands.len())]);
        }
        let d = st.delta_enrol(s, course, &path);
        if apply {
            st.apply_enrol_move(s, course, &path);
        }
        return d.penalized(&w, 1000);
    }
    let list = if kind == "room" { roomy } else { movable };
    if list.is_empty() {
        return 0;
    }
    let c = list[rng.random_range(0..list.len())];
    let mut t = st.time_option(c);
    let mut r = st.room_option(c);
    if kind != "room" {
        t = Some(rng.random_range(0..p.times(c).len() as u32));
    }
    if kind != "time" && !p.rooms_of(c).is_empty() {
        r = Some(rng.random_range(0..p.rooms_of(c).len() as u32));
    }
    let d = st.delta_place(c, t, r);
    if apply {
        st.apply_place_move(c, t, r);
    }
    d.penalized(&w, 1000)
}
