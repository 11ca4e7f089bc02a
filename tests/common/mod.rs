//! Helpers shared by the integration tests: where the shared instances live.
#![allow(dead_code)]

use std::path::PathBuf;

/// The shared data folder: `$ATOLL_SHARED`, else `../shared` beside the checkout.
pub fn shared_dir() -> PathBuf {
    std::env::var_os("ATOLL_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared"))
}

/// True when `ATOLL_REQUIRE_GPU` is set (not empty, not `0`): CI sets it, having installed
/// lavapipe, so a GPU test that finds no adapter fails there instead of skipping. On a
/// developer's machine without a Vulkan driver the GPU tests still skip, saying why.
pub fn gpu_required() -> bool {
    std::env::var("ATOLL_REQUIRE_GPU").is_ok_and(|v| !v.is_empty() && v != "0")
}

/// Reports a GPU test that cannot run: a skip on a developer's machine, a failure under
/// `ATOLL_REQUIRE_GPU` (see [`gpu_required`]).
pub fn gpu_missing(reason: &str) {
    assert!(
        !gpu_required(),
        "ATOLL_REQUIRE_GPU is set but no GPU adapter was found: {reason}"
    );
    eprintln!("SKIPPED: no GPU adapter ({reason}); install mesa-vulkan-drivers for lavapipe");
}

/// Every shared `.ctt` instance: comp01–14 and the extra set.
pub fn all_instances() -> Vec<PathBuf> {
    let mut v = Vec::new();
    for sub in ["instances/itc2007", "instances/extra"] {
        let dir = shared_dir().join(sub);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "ctt"))
            .collect();
        files.sort();
        v.extend(files);
    }
    assert!(v.len() >= 19, "expected the 14 comp and 5 extra instances");
    v
}

/// Loads and parses an instance, panicking with the parse error.
pub fn load(path: &std::path::Path) -> atoll::Instance {
    let bytes = std::fs::read(path).unwrap();
    atoll::parse_instance(&bytes, &path.display().to_string()).unwrap()
}
pub mod campus;

/// A rayon pool of `n` threads.
pub fn pool(n: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(n)
        .build()
        .unwrap()
}

/// Solves `inst` with `opts` on the CPU evaluator, on the caller's rayon pool, without
/// watching progress.
pub fn solve_here(
    inst: &atoll::Instance,
    opts: &atoll::SolverOptions,
) -> Result<atoll::SolveResult, atoll::options::OptionError> {
    atoll::solve(
        atoll::SolveRequest::new(opts),
        std::sync::Arc::new(inst.clone()),
        &mut atoll::evolve::CpuBatchEvaluator,
        &mut |_| {},
    )
}

/// [`solve_here`] on a pool of `threads` threads.
pub fn solve_cpu(
    inst: &atoll::Instance,
    opts: &atoll::SolverOptions,
    threads: usize,
) -> Result<atoll::SolveResult, atoll::options::OptionError> {
    pool(threads).install(|| solve_here(inst, opts))
}

/// `base` with a `share` of its lectures moved to random slots (clashes, double-booked
/// rooms, unavailable periods) and, of those, an `unscheduled` share left unscheduled
/// instead, keeping at most one lecture of a course per period (the invariant every
/// evaluator assumes).
pub fn perturb(
    inst: &atoll::Instance,
    base: &atoll::Timetable,
    rng: &mut rand::rngs::SmallRng,
    share: f64,
    unscheduled: f64,
) -> atoll::Timetable {
    use atoll::model::{LectureId, PeriodId, RoomId, Slot};
    use rand::Rng;
    let mut tt = base.clone();
    let (np, nr) = (inst.n_periods(), inst.rooms.len());
    for l in 0..tt.len() {
        if !rng.random_bool(share) {
            continue;
        }
        let lid = LectureId(l as u32);
        if rng.random_bool(unscheduled) {
            tt.set(lid, Slot::UNSCHEDULED);
            continue;
        }
        let c = tt.course(lid);
        let p = PeriodId(rng.random_range(0..np) as u16);
        let taken = inst.lectures_of(c).any(|o| {
            o != l
                && tt
                    .slot(LectureId(o as u32))
                    .get()
                    .is_some_and(|(q, _)| q == p)
        });
        if !taken {
            tt.set(lid, Slot::at(p, RoomId(rng.random_range(0..nr) as u16)));
        }
    }
    tt
}

/// Running a command that must succeed.
pub trait RunOk {
    /// Runs the command to the end and returns its output, failing the test with its
    /// stderr when it does not exit successfully.
    fn run_ok(&mut self) -> std::process::Output;
}

impl RunOk for std::process::Command {
    fn run_ok(&mut self) -> std::process::Output {
        let out = self.output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }
}

/// Every shared ITC-2019 instance: the test and early sets.
pub fn itc2019_instances() -> Vec<PathBuf> {
    let root = shared_dir().join("instances/itc2019");
    let mut v = Vec::new();
    for sub in ["test", "early"] {
        let dir = root.join(sub);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
            .collect();
        files.sort();
        v.extend(files);
    }
    assert_eq!(v.len(), 9, "expected the 4 test and 5 early instances");
    v
}

/// Loads and parses an ITC-2019 problem, panicking with the parse error.
pub fn load_itc2019(path: &std::path::Path) -> atoll::itc2019::Problem {
    let bytes = std::fs::read(path).unwrap();
    atoll::itc2019::parse_problem(&bytes, &path.display().to_string()).unwrap()
}

/// `atoll solve INSTANCE --generations N --seed S --threads 2 --json -o OUT` (the CLI of
/// this build), which must succeed; returns its JSON report.
pub fn solve_json(
    instance: &std::path::Path,
    generations: u64,
    seed: u64,
    out: &std::path::Path,
) -> serde_json::Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_atoll"))
        .arg("solve")
        .arg(instance)
        .args(["--generations", &generations.to_string()])
        .args(["--seed", &seed.to_string()])
        .args(["--threads", "2", "--json", "-o"])
        .arg(out)
        .run_ok();
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The instance's data, field by field (an `Instance` has no `PartialEq`: its derived
/// tables follow from these).
pub fn assert_same_instance(a: &atoll::Instance, b: &atoll::Instance, what: &str) {
    let (pa, pb) = (a.to_parts(), b.to_parts());
    assert_eq!(pa.name, pb.name, "{what}: name");
    assert_eq!(
        (pa.days, pa.periods_per_day),
        (pb.days, pb.periods_per_day),
        "{what}: grid"
    );
    assert_eq!(pa.teachers, pb.teachers, "{what}: teachers");
    assert_eq!(pa.courses, pb.courses, "{what}: courses");
    assert_eq!(pa.rooms, pb.rooms, "{what}: rooms");
    assert_eq!(pa.curricula, pb.curricula, "{what}: curricula");
    assert_eq!(pa.unavailable, pb.unavailable, "{what}: unavailability");
    assert_eq!(pa.extension, pb.extension, "{what}: .ectt extension");
    assert_eq!(pa.campus, pb.campus, "{what}: campus parts");
}
