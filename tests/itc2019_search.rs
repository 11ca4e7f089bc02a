//! The ITC-2019 solver (`atoll::itc2019::search`): bounded by epochs with a fixed seed (the
//! same run on every machine), it improves on its construction and stays feasible; the
//! parts it reports are a full evaluation's; cancellation returns the best state so far;
//! `atoll solve X.xml -o OUT.xml` writes a solution that our reader and checker, and the
//! independent scorer `shared/tools/itc2019_score.py` when python3 is present, score to
//! the same parts.

mod common;

use common::RunOk;

use std::path::{Path, PathBuf};

use atoll::budget::CancelToken;
use atoll::itc2019::search::{Phase, SearchOptions, SearchProgress, SearchRun, solve};
use atoll::itc2019::{CheckReport, Problem, evaluate, parse_problem, parse_solution};
use atoll::solver::StopReason;

fn instance(set: &str, name: &str) -> PathBuf {
    common::shared_dir()
        .join("instances/itc2019")
        .join(set)
        .join(format!("{name}.xml"))
}

fn load(path: &Path) -> Problem {
    let bytes = std::fs::read(path).unwrap();
    parse_problem(&bytes, &path.display().to_string()).unwrap()
}

/// Seeded, bounded by epochs only, two islands (whatever the number of threads).
fn bounded(epochs: u64) -> SearchOptions {
    SearchOptions {
        seed: 5,
        time_limit: None,
        max_epochs: Some(epochs),
        islands: 2,
        epoch_moves: 10_000,
        ..SearchOptions::default()
    }
}

#[test]
fn the_search_improves_on_construction_and_stays_feasible() {
    for (set, name) in [("test", "wbg-fal10"), ("test", "bet-sum18")] {
        let p = load(&instance(set, name));
        let mut constructed = None;
        let mut last_best = i64::MAX;
        let r = solve(
            &p,
            &bounded(30),
            CancelToken::new(),
            &mut |pr: &SearchProgress| {
                if pr.phase == Phase::Construct {
                    assert_eq!(pr.best.hard, 0, "{name}: construction is feasible");
                    constructed = Some(pr.best_total);
                }
                // The best never gets worse.
                assert!(pr.best_total <= last_best || pr.best.hard > 0);
                last_best = pr.best_total;
            },
        );
        let constructed = constructed.expect("a progress event after construction");
        assert_eq!(r.stop_reason, StopReason::Generations);
        assert_eq!(r.stats.epochs, 30);
        let ev = evaluate(&p, &r.assignment);
        assert!(ev.violations.is_empty(), "{name}: {:?}", ev.violations);
        assert_eq!(r.parts.hard, 0);
        assert_eq!(
            (
                r.parts.time,
                r.parts.room,
                r.parts.distribution,
                r.parts.student
            ),
            (
                ev.time as i64,
                ev.room as i64,
                ev.distribution as i64,
                ev.student as i64
            ),
            "{name}: reported parts are the full evaluation's"
        );
        let total = ev.total(&p.weights) as i64;
        assert!(
            total < constructed,
            "{name}: search {total} did not improve on construction {constructed}"
        );
        assert!(r.stats.time_to_feasible_s.is_some());
    }
}

#[test]
fn the_same_seed_and_epochs_give_the_same_solution() {
    let p = load(&instance("test", "wbg-fal10"));
    let a = solve(&p, &bounded(5), CancelToken::new(), &mut |_| {});
    let b = solve(&p, &bounded(5), CancelToken::new(), &mut |_| {});
    assert_eq!(a.assignment, b.assignment);
    assert_eq!(a.parts, b.parts);
}

#[test]
fn cancellation_returns_the_best_so_far() {
    let p = load(&instance("test", "wbg-fal10"));
    // Cancelled from the progress callback after epoch 3: the run stops there, and what it
    // returns is the best it had, feasible and exactly scored.
    let cancel = CancelToken::new();
    let mut best_at_3 = None;
    let r = solve(
        &p,
        &bounded(1000),
        cancel.clone(),
        &mut |pr: &SearchProgress| {
            if pr.epoch == 3 {
                best_at_3 = Some(pr.best_total);
                cancel.cancel();
            }
        },
    );
    assert_eq!(r.stop_reason, StopReason::Cancelled);
    assert_eq!(r.stats.epochs, 3);
    let ev = evaluate(&p, &r.assignment);
    assert!(ev.violations.is_empty());
    assert_eq!(Some(ev.total(&p.weights) as i64), best_at_3);
    // Cancelled before it starts: construction is cut short at once and the run still
    // returns a complete assignment (every class placed), scored exactly.
    let cancel = CancelToken::new();
    cancel.cancel();
    let r = solve(&p, &bounded(1000), cancel, &mut |_| {});
    assert_eq!(r.stop_reason, StopReason::Cancelled);
    assert_eq!(r.stats.epochs, 0);
    assert!(r.assignment.time.iter().all(|t| t.is_some()));
    let ev = evaluate(&p, &r.assignment);
    assert_eq!(r.parts.hard, ev.violations.len() as i64);
    assert_eq!(r.parts.total(&p.weights), ev.total(&p.weights) as i64);
}

/// The keys of a check report that the solve's JSON, our re-read and the Python scorer
/// must agree on.
const REPORT_KEYS: [&str; 7] = [
    "feasible",
    "hard_violations",
    "time",
    "room",
    "distribution",
    "student",
    "total",
];

#[test]
fn solve_output_rereads_and_rescores_identically() {
    let inst = instance("test", "bet-sum18");
    let out_file =
        std::env::temp_dir().join(format!("atoll-itc-search-{}.xml", std::process::id()));
    let v = common::solve_json(&inst, 10, 2, &out_file);
    assert_eq!(v["feasible"], true);
    assert_eq!(v["stop_reason"], "generations");
    assert_eq!(v["search"]["epochs"], 10);
    let p = load(&inst);
    let written = std::fs::read(&out_file).unwrap();
    let sol = parse_solution(&p, &written, "written.xml").unwrap();
    assert!(sol.issues.is_empty());
    let r = CheckReport::new(&p, &sol, false);
    let ours = serde_json::to_value(&r).unwrap();
    for k in REPORT_KEYS {
        assert_eq!(ours[k], v[k], "{k}: re-read against what solve printed");
    }
    if std::process::Command::new("python3")
        .arg("--version")
        .output()
        .is_ok()
    {
        let out = std::process::Command::new("python3")
            .arg(common::shared_dir().join("tools/itc2019_score.py"))
            .arg(&inst)
            .arg(&out_file)
            .arg("--json")
            .run_ok();
        let py: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for k in REPORT_KEYS {
            assert_eq!(ours[k], py[k], "{k}: the independent scorer disagrees");
        }
    } else {
        println!("python3 not found: the independent scorer's check is skipped");
    }
    std::fs::remove_file(&out_file).ok();
}

/// The page's way of running the solver: `SearchRun` stepped in slices (here of one epoch
/// each: a zero slice still runs one), the problem passed to every step. Each step moves
/// the run on by exactly one epoch (the one reaching the bound says the run is over; a
/// step after that runs nothing), the best never gets worse and its parts are a full
/// evaluation's; the run ends by its epoch bound, and a cancel between steps ends the next
/// step at once with the best so far.
#[test]
fn a_stepped_run_moves_one_epoch_per_zero_slice_and_cancels_between_steps() {
    use web_time::Duration;
    let p = load(&instance("test", "bet-sum18"));
    let mut run = SearchRun::start(&p, &bounded(4), CancelToken::new());
    let first = run.progress(&p);
    assert_eq!((first.phase, first.epoch), (Phase::Construct, 0));
    let mut best = first.best_total;
    for epoch in 1..=4 {
        let mut events = Vec::new();
        let why = run.step(&p, Some(Duration::ZERO), &mut |pr: &SearchProgress| {
            events.push((pr.phase, pr.epoch, pr.best_total));
        });
        assert_eq!(
            events,
            [(Phase::Search, epoch, events[0].2)],
            "one epoch a step"
        );
        assert!(events[0].2 <= best, "the best never gets worse");
        best = events[0].2;
        // The step that reaches the bound says so.
        assert_eq!(why, (epoch == 4).then_some(StopReason::Generations));
        let (a, parts) = run.best();
        let ev = evaluate(&p, a);
        assert_eq!(parts.total(&p.weights), ev.total(&p.weights) as i64);
    }
    assert_eq!(
        run.step(&p, Some(Duration::ZERO), &mut |_| panic!(
            "no epoch after the bound"
        )),
        Some(StopReason::Generations)
    );
    let r = run.finish();
    assert_eq!(
        (r.stop_reason, r.stats.epochs),
        (StopReason::Generations, 4)
    );
    assert_eq!(r.parts.total(&p.weights), best);

    let mut run = SearchRun::start(&p, &bounded(100), CancelToken::new());
    run.step(&p, Some(Duration::ZERO), &mut |_| {});
    let (_, before) = run.best();
    run.cancel();
    assert_eq!(
        run.step(&p, None, &mut |_| panic!("no epoch after a cancel")),
        Some(StopReason::Cancelled)
    );
    let r = run.finish();
    assert_eq!(
        (r.stop_reason, r.stats.epochs, r.parts),
        (StopReason::Cancelled, 1, before)
    );
}

/// Two classes tied by a required `SameDays`, both cheaper on Monday, where five students
/// of the first also attend a fixed Monday class at the same time: the way out (both move
/// to Tuesday) needs a chain move, since either class alone breaks the tie.
const TIED: &str = r#"<problem name="tied" nrDays="7" slotsPerDay="288" nrWeeks="1">
<optimization time="1" room="1" distribution="1" student="100"/>
<rooms><room id="1" capacity="50"/><room id="2" capacity="50"/><room id="3" capacity="50"/></rooms>
<courses>
 <course id="F"><config id="1"><subpart id="1"><class id="1" limit="10">
  <room id="1" penalty="0"/><time days="1000000" start="100" length="12" weeks="1" penalty="0"/>
 </class></subpart></config></course>
 <course id="A"><config id="2"><subpart id="2"><class id="2" limit="10">
  <room id="2" penalty="0"/>
  <time days="1000000" start="100" length="12" weeks="1" penalty="0"/>
  <time days="0100000" start="100" length="12" weeks="1" penalty="1"/>
 </class></subpart></config></course>
 <course id="B"><config id="3"><subpart id="3"><class id="3" limit="10">
  <room id="3" penalty="0"/>
  <time days="1000000" start="200" length="12" weeks="1" penalty="0"/>
  <time days="0100000" start="200" length="12" weeks="1" penalty="1"/>
 </class></subpart></config></course>
</courses>
<distributions><distribution type="SameDays" required="true"><class id="2"/><class id="3"/></distribution></distributions>
<students>
 <student id="1"><course id="F"/><course id="A"/></student>
 <student id="2"><course id="F"/><course id="A"/></student>
 <student id="3"><course id="F"/><course id="A"/></student>
 <student id="4"><course id="F"/><course id="A"/></student>
 <student id="5"><course id="F"/><course id="A"/></student>
</students>
</problem>"#;

#[test]
fn classes_tied_by_a_required_constraint_move_together_in_a_chain_move() {
    let p = parse_problem(TIED.as_bytes(), "tied.xml").unwrap();
    let run = |chain_moves: bool| {
        let opts = SearchOptions {
            islands: 1,
            epoch_moves: 2_000,
            chain_moves,
            // Every move that breaks the tie is tried as a chain (the default tries a share).
            chain_rate: 1.0,
            ..bounded(5)
        };
        solve(&p, &opts, CancelToken::new(), &mut |_: &SearchProgress| {})
    };
    // Without chain moves the search stays where the construction put the pair (Monday,
    // cheaper by its time penalties), with five student conflicts: this is what the test
    // is about.
    let single = run(false);
    assert_eq!(single.parts.hard, 0);
    assert_eq!(single.parts.student, 5, "{:?}", single.parts);
    // With them, both classes go to Tuesday together: no conflict, two time penalties.
    let chained = run(true);
    assert_eq!(chained.parts.hard, 0);
    assert_eq!(
        (chained.parts.student, chained.parts.time),
        (0, 2),
        "{:?}",
        chained.parts
    );
    let ev = evaluate(&p, &chained.assignment);
    assert!(ev.violations.is_empty() && ev.student == 0 && ev.time == 2);
}
