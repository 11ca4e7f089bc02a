//! The solver on campus instances (multi-period lectures, room restrictions and closures,
//! pins, teacher preferences, daily maxima): every stage keeps every lecture inside its
//! domain and every pin where it is (docs/RULES.md, "What solvers guarantee"), solves loose
//! instances to zero hard violations, is deterministic, and re-solves an edited instance
//! moving few lectures. Every run is bounded by generations and rounds, never by time, so
//! nothing here depends on the machine's speed.

mod common;

use common::RunOk;

use atoll::construct::{complete, construct};
use atoll::evolve::CpuBatchEvaluator;
use atoll::evolve::domain::fits_pin;
use atoll::evolve::operators::{crossover, mutate};
use atoll::model::Moves;
use atoll::model::{
    Course, CourseId, Instance, LectureId, PeriodId, RoomId, Slot, TeacherId, Timetable,
};
use atoll::parallel::random_timetable;
use atoll::solver::{SolveRequest, SolveResult, solve};
use atoll::{SolverOptions, parse_solution, score, write_solution};
use common::campus::{CampusSpec, random_campus};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use std::sync::Arc;

const SEEDS: [u64; 5] = [1, 2, 3, 5, 8];

fn campus(seed: u64) -> Instance {
    random_campus(seed, CampusSpec::default())
}

fn bounded(seed: u64, generations: u64, stage3: bool) -> SolverOptions {
    SolverOptions {
        time_limit: None,
        max_generations: Some(generations),
        seed,
        islands: 2,
        ls_iterations: 20_000,
        stage3,
        stage3_rounds: 4,
        ..Default::default()
    }
}

fn run(inst: &Instance, opts: &SolverOptions) -> SolveResult {
    common::solve_cpu(inst, opts, 2).unwrap()
}

fn run_from(inst: &Instance, opts: &SolverOptions, start: Timetable) -> SolveResult {
    common::pool(2)
        .install(|| {
            solve(
                SolveRequest::new(opts).start_from(start),
                Arc::new(inst.clone()),
                &mut CpuBatchEvaluator,
                &mut |_| {},
            )
        })
        .unwrap()
}

/// Panics unless every scheduled lecture of `tt` is inside its domain: it starts where its
/// periods fit in the day, its room suits the course and is open at every period it
/// occupies, it overlaps no other lecture of its course, and a pinned lecture stands at
/// its pin.
fn assert_in_domain(inst: &Instance, tt: &Timetable, what: &str) {
    let mut starts: Vec<Vec<PeriodId>> = vec![Vec::new(); inst.courses.len()];
    for (l, c, p, r) in tt.scheduled() {
        let name = &inst.courses[c.idx()].name;
        assert!(
            inst.can_start(c, p),
            "{what}: {name} (lecture {}) at {p:?} runs past its day",
            l.0
        );
        assert!(
            inst.room_suits(c, r),
            "{what}: {name} in room {r:?}, which does not suit it"
        );
        for k in 0..inst.duration(c) {
            assert!(
                !inst.room_closed(r, PeriodId(p.0 + k)),
                "{what}: {name} in room {r:?}, closed at {:?}",
                PeriodId(p.0 + k)
            );
        }
        let d = inst.duration(c) as usize;
        for &q in &starts[c.idx()] {
            assert!(
                inst.day_of(p) != inst.day_of(q) || p.idx().abs_diff(q.idx()) >= d,
                "{what}: two lectures of {name} overlap ({p:?}, {q:?})"
            );
        }
        starts[c.idx()].push(p);
    }
    for l in 0..inst.n_lectures() {
        if let Some(pin) = inst.pin_of(l) {
            assert!(
                fits_pin(pin, tt.slot(LectureId(l as u32))),
                "{what}: pinned lecture {l} of {} is at {:?}, its pin says {pin:?}",
                inst.courses[pin.course.idx()].name,
                tt.slot(LectureId(l as u32)).get()
            );
        }
    }
}

/// Hard violations no timetable can avoid: pinned periods where the course (or a teacher
/// of it) is unavailable. The random campus does not rule them out.
fn unavoidable_hard(inst: &Instance) -> u32 {
    (0..inst.n_lectures())
        .filter_map(|l| inst.pin_of(l))
        .filter_map(|pin| pin.period.map(|p| (pin.course, p)))
        .map(|(c, p)| {
            (0..inst.duration(c))
                .filter(|&k| inst.is_unavailable(c, PeriodId(p.0 + k)))
                .count() as u32
        })
        .sum()
}

fn pinned_slots(inst: &Instance, tt: &Timetable) -> Vec<(usize, Slot)> {
    (0..inst.n_lectures())
        .filter(|&l| inst.is_pinned(l))
        .map(|l| (l, tt.slot(LectureId(l as u32))))
        .collect()
}

#[test]
fn random_campus_has_every_feature_the_tests_rely_on() {
    let mut durations = false;
    let mut pins = false;
    let mut restricted = false;
    let mut closed = false;
    for seed in SEEDS {
        let inst = campus(seed);
        durations |= inst.courses.iter().any(|c| c.duration > 1);
        pins |= inst.has_pins();
        restricted |= inst.courses.iter().any(|c| c.rooms.is_some());
        closed |= !inst.campus.room_unavailable.is_empty();
    }
    assert!(durations && pins && restricted && closed);
}

#[test]
fn construction_places_pins_first_and_stays_in_domain() {
    for seed in SEEDS {
        let inst = campus(seed);
        for k in 0..4 {
            let mut rng = SmallRng::seed_from_u64(seed * 100 + k);
            let c = construct(&inst, &mut rng);
            assert_in_domain(&inst, &c.timetable, &format!("construct seed {seed}/{k}"));
            // The random campus's pins are honourable: every pinned lecture is placed.
            for l in (0..inst.n_lectures()).filter(|&l| inst.is_pinned(l)) {
                assert!(
                    c.timetable.slot(LectureId(l as u32)).is_scheduled(),
                    "seed {seed}: pinned lecture {l} left unscheduled"
                );
            }
            assert!(c.unplaced.iter().all(|u| !u.pinned));
        }
    }
}

#[test]
fn random_timetables_mutation_and_crossover_stay_in_domain_and_keep_pins() {
    for seed in SEEDS {
        let inst = campus(seed);
        let mut rng = SmallRng::seed_from_u64(seed);
        let a = construct(&inst, &mut rng).timetable;
        let b = construct(&inst, &mut rng).timetable;
        let pins_a = pinned_slots(&inst, &a);
        for k in 0..20 {
            let r = random_timetable(&inst, seed * 1000 + k);
            assert_in_domain(&inst, &r, &format!("random_timetable {seed}/{k}"));
            let mut child = crossover(&inst, &a, &b, &mut rng);
            assert_eq!(pinned_slots(&inst, &child), pins_a, "crossover moved a pin");
            mutate(&inst, &mut child, 50, &mut rng);
            assert_eq!(pinned_slots(&inst, &child), pins_a, "mutation moved a pin");
            assert_in_domain(&inst, &child, &format!("crossover+mutate {seed}/{k}"));
        }
    }
}

#[test]
fn bounded_solve_keeps_pins_and_domains_and_is_feasible_on_loose_campuses() {
    for seed in SEEDS {
        let inst = campus(seed);
        let res = run(&inst, &bounded(seed, 8, false));
        assert_in_domain(&inst, &res.timetable, &format!("solve seed {seed}"));
        let b = score(&inst, &res.timetable);
        assert_eq!(b, res.breakdown);
        assert_eq!(b.placement, 0, "seed {seed}: placement violations");
        assert_eq!(
            b.hard(),
            unavoidable_hard(&inst),
            "seed {seed}: hard violations left: {b:?}"
        );
        assert_eq!(res.stats.moves, None, "no reference, no moved count");
    }
}

#[test]
fn stage3_never_moves_a_pin() {
    for seed in SEEDS {
        let inst = campus(seed);
        // Few generations, so Stage 3 has violations (soft ones at least) to work on.
        let res = run(&inst, &bounded(seed, 1, true));
        assert!(res.stats.repair.is_some(), "Stage 3 ran");
        assert_in_domain(&inst, &res.timetable, &format!("stage 3 seed {seed}"));
        assert_eq!(score(&inst, &res.timetable).placement, 0);
    }
}

#[test]
fn same_seed_same_timetable() {
    let inst = campus(3);
    let opts = bounded(11, 3, true);
    let a = run(&inst, &opts);
    let b = run(&inst, &opts);
    assert_eq!(a.timetable.slots(), b.timetable.slots());
    assert_eq!(a.breakdown, b.breakdown);
}

/// Rebuilds `inst` after `edit` and reads `old` (a timetable of `inst`) against it through
/// the solution format, as `atoll solve --from` does. Returns the edited instance, the same
/// with `old` as reference, and `old` read against it.
fn edited(
    inst: &Instance,
    old: &Timetable,
    edit: impl FnOnce(&mut atoll::model::InstanceParts),
) -> (Instance, Instance, Timetable) {
    let mut parts = inst.to_parts();
    edit(&mut parts);
    let new = Instance::new(parts).expect("a valid edit");
    let text = write_solution(inst, old);
    let (mut tt, _warnings) = parse_solution(&new, text.as_bytes(), "old.sol").unwrap();
    tt.align_pins(&new);
    (new.with_reference(&tt), new, tt)
}

/// An edit of an instance's parts.
type Edit = Box<dyn Fn(&mut atoll::model::InstanceParts)>;

/// A scheduled, unpinned lecture of `old`, its course's first teacher and its period.
fn victim(inst: &Instance, old: &Timetable) -> (LectureId, CourseId, PeriodId, RoomId) {
    old.scheduled()
        .find(|&(l, c, _, _)| !inst.is_pinned(l.idx()) && inst.duration(c) == 1)
        .expect("a movable lecture")
}

#[test]
fn resolve_after_an_edit_moves_few_lectures() {
    for seed in [1u64, 2, 5] {
        let inst = campus(seed);
        let old = run(&inst, &bounded(seed, 6, false)).timetable;
        let (_, c, p, r) = victim(&inst, &old);
        let t = inst.courses[c.idx()].teacher;
        let edits: Vec<(&str, Edit)> = vec![
            (
                "teacher unavailable",
                Box::new(move |parts| parts.campus.teacher_unavailable.push((t, p))),
            ),
            (
                "room closed",
                Box::new(move |parts| parts.campus.room_unavailable.push((r, p))),
            ),
            (
                "course added",
                Box::new(|parts| {
                    parts.teachers.push("New teacher".into());
                    let teacher = TeacherId(parts.teachers.len() as u16 - 1);
                    parts
                        .courses
                        .push(Course::cbctt("New".into(), teacher, 3, 2, 30));
                }),
            ),
        ];
        for (what, edit) in edits {
            let (new, plain, start) = edited(&inst, &old, edit);
            let opts = bounded(seed, 4, false);
            let res = run_from(&new, &opts, start);
            let label = format!("seed {seed}, {what}");
            assert_in_domain(&new, &res.timetable, &label);
            let b = score(&new, &res.timetable);
            assert_eq!(b.hard(), unavoidable_hard(&new), "{label}: {b:?}");
            let moves = res.stats.moves.clone().expect("a re-solve counts moves");
            let m = moves.moved;
            assert_eq!(
                Some(&moves),
                Moves::from_reference(&new, &res.timetable).as_ref()
            );
            assert_eq!(m, moves.room_only + moves.period);
            assert_eq!(m, moves.lectures.len());
            // `changes` is exactly the moved count times its weight.
            assert_eq!(b.changes, m as u32 * new.weights().changes, "{label}");
            let total = moves.of;

            // What an office gets without re-solve: the edited instance solved from scratch
            // (no reference), compared with the old timetable. Nothing ties it to the old
            // timetable, so almost every lecture lands elsewhere.
            let scratch = run(&plain, &opts);
            assert_eq!(scratch.stats.moves, None);
            let m_scratch = Moves::from_reference(&new, &scratch.timetable)
                .unwrap()
                .moved;
            // The bound: the edit displaces at most a couple of lectures directly, and
            // each displaced lecture may push a few neighbours (a Kempe chain, a swap);
            // a tenth of all lectures is far above that. A from-scratch timetable matches
            // a lecture's old (period, room) only by chance, so it moves most of them —
            // at least half, on these instances, with a wide margin.
            eprintln!("{label}: re-solve moved {m} of {total}, from scratch {m_scratch}");
            assert!(
                m <= total / 10 + 2,
                "{label}: re-solve moved {m} of {total} lectures"
            );
            assert!(
                m_scratch >= total / 2,
                "{label}: from scratch moved only {m_scratch} of {total}"
            );
            assert!(m * 4 < m_scratch, "{label}: {m} vs {m_scratch}");
        }
    }
}

#[test]
fn resolve_without_edits_keeps_a_feasible_timetable() {
    let inst = campus(2);
    let old = run(&inst, &bounded(2, 6, false)).timetable;
    let b_old = score(&inst, &old);
    let reference = inst.with_reference(&old);
    let res = run_from(&reference, &bounded(4, 3, true), old.clone());
    assert_in_domain(&reference, &res.timetable, "no edit");
    // The start itself is in every island: the result is never worse than it.
    assert!(res.breakdown.cost() <= score(&reference, &old).cost());
    assert_eq!(score(&reference, &old).changes, 0);
    assert_eq!(b_old.hard(), res.breakdown.hard());
}

#[test]
fn completing_a_start_takes_out_what_an_edit_forbids() {
    let mut exercised = 0;
    for seed in SEEDS {
        let inst = campus(seed);
        let mut rng = SmallRng::seed_from_u64(seed);
        let old = construct(&inst, &mut rng).timetable;
        // Close, at every period, the room of the first unpinned single-period lecture.
        let (l, _, _, r) = victim(&inst, &old);
        if inst.campus.pins.iter().any(|pin| pin.room == Some(r)) {
            continue; // a pinned room: closing it for good contradicts the pin
        }
        let mut parts = inst.to_parts();
        for p in 0..inst.n_periods() {
            parts.campus.room_unavailable.push((r, PeriodId(p as u16)));
        }
        let Ok(new) = Instance::new(parts) else {
            continue; // the room was some course's only room
        };
        exercised += 1;
        let c = complete(&new, old.clone(), &mut rng);
        assert_in_domain(&new, &c.timetable, "completed");
        let moved_out = c.timetable.slot(l).get();
        assert!(moved_out.is_some_and(|(_, q)| q != r), "{moved_out:?}");
        // Lectures the edit did not touch stay where they were.
        for (m, _, _, rm) in old.scheduled() {
            if rm != r {
                assert_eq!(c.timetable.slot(m), old.slot(m), "seed {seed}: {m:?} moved");
            }
        }
    }
    assert!(exercised >= 2, "only {exercised} seeds could close a room");
}

/// A pin added after the old timetable was made: completing the start puts the pinned
/// lecture at its pin and leaves the lectures that are not in its way.
#[test]
fn completing_a_start_honours_a_new_pin() {
    let inst = campus(5);
    let mut rng = SmallRng::seed_from_u64(5);
    let old = construct(&inst, &mut rng).timetable;
    let (_, c, p, r) = victim(&inst, &old);
    // Pin the course's (last) lecture to another day, same slot, same room (open then).
    let ppd = inst.periods_per_day as usize;
    let target = (1..inst.days as usize)
        .map(|k| PeriodId(((p.idx() + k * ppd) % inst.n_periods()) as u16))
        .find(|&q| !inst.room_closed(r, q) && !inst.is_unavailable(c, q))
        .expect("an open day");
    let mut parts = inst.to_parts();
    parts.campus.pins.push(atoll::model::Pin {
        course: c,
        period: Some(target),
        room: Some(r),
    });
    let Ok(new) = Instance::new(parts) else {
        panic!("a valid pin");
    };
    let mut start = old.clone();
    start.align_pins(&new);
    let done = complete(&new, start, &mut rng).timetable;
    assert_in_domain(&new, &done, "new pin");
    let at_target = inst
        .lectures_of(c)
        .filter(|&m| done.slot(LectureId(m as u32)) == Slot::at(target, r))
        .count();
    assert_eq!(at_target, 1, "one lecture of the course at the new pin");
    // Lectures of other courses are untouched (a clash at the pin is Stage 2's to fix).
    for (m, mc, _, _) in old.scheduled() {
        assert!(mc == c || done.slot(m) == old.slot(m), "{m:?} moved");
    }
}

/// `atoll solve INSTANCE --from OLD.sol`: reads the old timetable against the instance,
/// re-solves, prints "moved N of M lectures" (and `moves` in `--json`). With no edit and a
/// feasible old timetable, nothing needs to move: the search starts at the old timetable
/// and every move away costs the `changes` weight.
#[test]
fn cli_solve_from_prints_the_moved_lectures() {
    let dir = std::env::temp_dir().join(format!("atoll-campus-solve-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let inst_path = common::shared_dir().join("instances/itc2007/comp01.ctt");
    let old = dir.join("old.sol");
    let bin = env!("CARGO_BIN_EXE_atoll");
    let common_args = [
        "--generations",
        "2",
        "--threads",
        "1",
        "--islands",
        "1",
        "--set",
        "ls_iterations=20000",
        "--stage3",
        "off",
        "--evaluator",
        "cpu",
        "-q",
    ];
    let out = std::process::Command::new(bin)
        .arg("solve")
        .arg(&inst_path)
        .arg("-o")
        .arg(&old)
        .args(common_args)
        .run_ok();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("moved"), "no --from, no moved line: {text}");

    let out = std::process::Command::new(bin)
        .arg("solve")
        .arg(&inst_path)
        .arg("--from")
        .arg(&old)
        .args(common_args)
        .run_ok();
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("moved "))
        .unwrap_or_else(|| panic!("no moved line in {text}"));
    let words: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(words.len(), 5, "{line}");
    assert_eq!(words[3], "160", "comp01 has 160 lectures: {line}");
    let n: usize = words[1].parse().unwrap();
    assert!(
        n <= 16,
        "re-solving an unedited instance moved {n} lectures"
    );

    let out = std::process::Command::new(bin)
        .arg("solve")
        .arg(&inst_path)
        .arg("--from")
        .arg(&old)
        .arg("--json")
        .args(common_args)
        .run_ok();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["moves"]["moved"].as_u64().is_some_and(|m| m <= 16), "{v}");
    assert_eq!(v["moves"]["of"], 160);
    assert_eq!(
        v["moves"]["moved"].as_u64(),
        Some(v["moves"]["room_only"].as_u64().unwrap() + v["moves"]["period"].as_u64().unwrap())
    );
    assert_eq!(v["stats"]["moves"], v["moves"]);

    // A missing old timetable is an error naming the file, not a panic.
    let out = std::process::Command::new(bin)
        .arg("solve")
        .arg(&inst_path)
        .arg("--from")
        .arg(dir.join("nope.sol"))
        .args(common_args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.sol"));
    let _ = std::fs::remove_dir_all(&dir);
}

/// The bundled sample campus (www/samples/campus.json: ~300 courses, labs, 40 rooms,
/// 6 × 8): construction keeps every lecture in its domain and every pin at its pin; after a
/// room closes where a lecture stood, a short re-solve keeps the domains and pins, is
/// feasible, and moves few lectures.
#[test]
fn sample_campus_construction_and_resolve() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("www/samples/campus.json");
    let bytes = std::fs::read(&path).unwrap();
    let inst = atoll::parse_instance(&bytes, "campus.json").unwrap();
    assert!(inst.has_pins() && inst.courses.iter().any(|c| c.duration > 1));
    let mut rng = SmallRng::seed_from_u64(1);
    let c = construct(&inst, &mut rng);
    assert_in_domain(&inst, &c.timetable, "sample construction");
    let base = score(&inst, &c.timetable);
    assert_eq!(base.placement, 0);

    let (_, _, p, r) = victim(&inst, &c.timetable);
    let mut parts = inst.to_parts();
    parts.campus.room_unavailable.push((r, p));
    // The old timetable here is a bare construction, far from optimal: at the sample's own
    // `changes` weight, moving a lecture that saves more soft cost than the weight is
    // right. A weight above any one lecture's soft gain leaves only forced moves.
    parts.campus.weights.changes = 1000;
    let new = Instance::new(parts).unwrap();
    let reference = new.with_reference(&c.timetable);
    let opts = SolverOptions {
        construct_attempts: 1,
        islands: 1,
        population: 1,
        offspring: 1,
        ls_iterations: 20_000,
        ..bounded(1, 1, false)
    };
    let res = run_from(&reference, &opts, c.timetable.clone());
    assert_in_domain(&reference, &res.timetable, "sample re-solve");
    let b = score(&reference, &res.timetable);
    assert_eq!(b.placement, 0);
    // The start was feasible but one lecture; the re-solve never gets worse than that.
    eprintln!("sample campus: construction {base:?}, re-solve {b:?}");
    assert!(b.hard() <= base.hard(), "{b:?} vs {base:?}");
    let moves = res.stats.moves.unwrap();
    let (m, total) = (moves.moved, moves.of);
    eprintln!("sample campus: re-solve moved {m} of {total}");
    assert!(m <= total / 20, "moved {m} of {total}");
}

/// The one re-solve setup (`atoll::resolve::prepare`, used by `solve --edit --from` and the
/// page's `resolveStart`): edits applied, the old timetable read once against the edited
/// instance with its skipped lines returned (the page shows them), the reference set.
#[test]
fn resolve_prepare_edits_reads_once_and_returns_the_warnings() {
    use atoll::model::edit::{AtEdit, InstanceEdits};
    let inst = common::load(&common::shared_dir().join("instances/extra/toy.ctt"));
    let old = "SceCosC rA 0 0\nNoSuchCourse rA 0 1\nArcTec rB 1 0\n";
    // Room `name` closed at (day, period).
    let closed = |name: &str, day, period| InstanceEdits {
        room_closed: vec![AtEdit {
            name: name.into(),
            day,
            period,
        }],
        ..Default::default()
    };
    let edits = closed("rC", 2, 3);
    let r = atoll::resolve::prepare(&inst, &edits, old.as_bytes(), "old.sol").unwrap();
    assert_eq!(r.warnings.len(), 1, "{:?}", r.warnings);
    assert_eq!(r.warnings[0].line, 2);
    assert_eq!(r.start.scheduled().count(), 2);
    assert_eq!(r.edited.campus.room_unavailable.len(), 1);
    assert!(r.instance.uses_campus_features());
    // Moving nothing costs nothing; the reference is the old timetable.
    assert_eq!(
        Moves::from_reference(&r.instance, &r.start).map(|m| m.moved),
        Some(0)
    );
    // A bad edit names what is wrong.
    let bad = closed("rZ", 0, 0);
    let e = atoll::resolve::prepare(&inst, &bad, old.as_bytes(), "old.sol").unwrap_err();
    assert!(e.to_string().contains("no room named 'rZ'"), "{e}");
}
