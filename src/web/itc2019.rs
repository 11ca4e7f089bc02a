//! The page's ITC-2019 session (wasm32 only): a thin layer over [`crate::itc2019`].
//!
//! `ItcSession.fromBytes(bytes, file)` reads an instance (`.xml`, UniTime's format) once;
//! then `summary()` (the fields of `atoll info --json`), `check(bytes, file)` (a solution
//! file scored as `atoll check --json` scores it), and a solve driven in steps as the
//! `.ctt` one is — `solveStart(options)`, `solveStep(ms)`, `solveCancel()`,
//! `solveFinish()` — because the worker cannot see a Stop message while inside Rust. The
//! run ([`SearchRun`]) owns no borrow of the problem, so the session holds both.
//!
//! The last checked or solved timetable is "shown": the grids (`names`, `grid`, `weeks`)
//! and the exports (`solutionXml`, `exportCsv`, `exportIcs`) describe it, so what the page
//! draws and what it downloads are the timetable whose cost is on screen. The layout of a
//! week's grid, the student groups, the violations in words and the CSV/iCalendar texts
//! are the library's ([`crate::itc2019::view`], [`crate::itc2019::export`]); this file
//! only converts.
//!
//! Errors reach JavaScript as `Error` objects with the library's text (`file:line:
//! <element>: what` for a bad file).

use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use crate::budget::CancelToken;
use crate::itc2019::eval::Evaluation;
use crate::itc2019::export::{self, first_monday_of_september, iso, term_start, week_monday};
use crate::itc2019::search::{SearchOptions, SearchProgress, SearchRun, SearchStats};
use crate::itc2019::view::{Item, View, ViewKind, WeekGrid};
use crate::itc2019::{
    Assignment, CheckReport, Problem, SolutionMeta, SolutionRead, Summary, Violation, evaluate,
    parse_problem, parse_solution, write_solution,
};
use crate::solver::StopReason;

use super::{js_err, to_js};

/// The first Monday of September of `year`, `YYYY-MM-DD`: the page's default term start.
#[wasm_bindgen(js_name = itcDefaultTermStart)]
pub fn itc_default_term_start(year: i32) -> String {
    iso(first_monday_of_september(year))
}

/// The timetable the grids and exports describe, with what its marks need.
struct Shown {
    assignment: Assignment,
    /// Hard violations: a checked file's reading issues and the evaluator's.
    violations: Vec<Violation>,
    ev: Evaluation,
    /// The name for downloads (the instance's or the checked file's stem).
    stem: String,
}

/// What `check()` and `solveFinish()` return besides their own fields: the report (the
/// keys of `atoll check --json`, with `violations` in words), the items the page lists
/// (hard violations, then soft costs, each with its classes), the meetings per week and
/// the number of student groups.
#[derive(Serialize)]
struct ShownJson {
    file: String,
    check: CheckReport,
    items: Vec<Item>,
    week_load: Vec<usize>,
    groups: usize,
    report: String,
}

/// What `solveStart` and `solveStep` return: the library's progress and `finished`
/// (null while running, else the stop reason).
#[derive(Serialize)]
struct ProgressJson<'a> {
    #[serde(flatten)]
    progress: &'a SearchProgress,
    finished: Option<StopReason>,
}

/// What `solveFinish` returns.
#[derive(Serialize)]
struct SolvedJson {
    #[serde(flatten)]
    shown: ShownJson,
    /// The best timetable as solution XML, and a file name for it.
    solution: String,
    solution_file: String,
    stop_reason: StopReason,
    stats: SearchStats,
    last: SearchProgress,
}

/// The options a page solve takes (missing ones keep their defaults; an unknown name is
/// an error naming it).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SolveOptions {
    /// Seconds, construction included.
    time_limit: Option<f64>,
    seed: Option<u64>,
    /// 0 = one per thread of the pool.
    islands: Option<usize>,
    /// Stop after this many epochs (reproducible with a seed).
    generations: Option<u64>,
    /// Moves per island per epoch (between progress events).
    epoch_moves: Option<u64>,
}

/// An ITC-2019 instance in wasm memory, its solve in progress and the shown timetable.
#[wasm_bindgen]
pub struct ItcSession {
    p: Problem,
    file: String,
    run: Option<SearchRun>,
    started_ms: f64,
    shown: Option<Shown>,
}

fn stem_of(file: &str) -> String {
    let base = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let stem = base.rsplit_once('.').map_or(base, |(s, _)| s);
    if stem.is_empty() {
        "timetable".to_string()
    } else {
        stem.to_string()
    }
}

#[wasm_bindgen]
impl ItcSession {
    /// Reads an ITC-2019 instance from a file's bytes; `file` names it in error messages.
    #[wasm_bindgen(js_name = fromBytes)]
    pub fn from_bytes(bytes: &[u8], file: &str) -> Result<ItcSession, JsError> {
        let p = parse_problem(bytes, file).map_err(js_err)?;
        Ok(ItcSession {
            p,
            file: file.to_string(),
            run: None,
            started_ms: 0.0,
            shown: None,
        })
    }

    /// The instance name.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.p.name.clone()
    }

    /// The fields of `atoll info --json` (sizes, weights, distribution types as
    /// `[required, soft]`), plus `file` and `text` (the summary as `atoll info` prints it).
    pub fn summary(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct SummaryJson {
            file: String,
            #[serde(flatten)]
            summary: Summary,
            minutes_per_slot: u32,
            text: String,
        }
        let summary = Summary::of(&self.p);
        to_js(&SummaryJson {
            file: self.file.clone(),
            text: summary.text(),
            summary,
            minutes_per_slot: crate::itc2019::view::minutes_per_slot(&self.p),
        })
    }

    fn show(&mut self, read: &SolutionRead, file: &str) -> ShownJson {
        let ev = evaluate(&self.p, &read.assignment);
        let check = CheckReport::from_parts(&self.p, read, &ev, true);
        let violations = check.violation_list.clone();
        let view = View::new(&self.p, &read.assignment, &violations, &ev);
        let json = ShownJson {
            file: file.to_string(),
            items: crate::itc2019::view::items(&self.p, &read.assignment, &violations, &ev),
            week_load: view.week_load(),
            groups: view.groups().len(),
            report: check.text(),
            check,
        };
        self.shown = Some(Shown {
            assignment: read.assignment.clone(),
            violations,
            ev,
            stem: stem_of(file),
        });
        json
    }

    /// Scores a solution file (its bytes) as `atoll check --json -v` does; what the file
    /// gets wrong (unknown classes, times outside a class's domain, ...) is among the hard
    /// violations. Throws for a file that is not a solution XML. The checked timetable is
    /// then the shown one.
    pub fn check(&mut self, bytes: &[u8], file: &str) -> Result<JsValue, JsError> {
        let read = parse_solution(&self.p, bytes, file).map_err(js_err)?;
        let json = self.show(&read, file);
        to_js(&json)
    }

    /// Starts a solve: constructs a timetable on every island and returns the first
    /// progress event. `options`: `{ time_limit, seed, islands, generations,
    /// epoch_moves }`, all optional.
    #[wasm_bindgen(js_name = solveStart)]
    pub fn solve_start(&mut self, options: JsValue) -> Result<JsValue, JsError> {
        let o: SolveOptions = if options.is_undefined() || options.is_null() {
            SolveOptions {
                time_limit: None,
                seed: None,
                islands: None,
                generations: None,
                epoch_moves: None,
            }
        } else {
            serde_wasm_bindgen::from_value(options)
                .map_err(|e| JsError::new(&format!("solver options: {e}")))?
        };
        let d = SearchOptions::default();
        if let Some(t) = o.time_limit
            && !(t.is_finite() && t > 0.0 && t <= crate::options::MAX_DURATION_S)
        {
            return Err(JsError::new(&format!(
                "solver options: time_limit must be above 0 and at most {} s, got {t}",
                crate::options::MAX_DURATION_S
            )));
        }
        if o.epoch_moves == Some(0) {
            return Err(JsError::new(
                "solver options: epoch_moves must be at least 1",
            ));
        }
        let opts = SearchOptions {
            seed: o.seed.unwrap_or(d.seed),
            time_limit: match (o.time_limit, o.generations) {
                (Some(t), _) => Some(t),
                (None, Some(_)) => None,
                (None, None) => d.time_limit,
            },
            max_epochs: o.generations,
            islands: o.islands.unwrap_or(0),
            // Smaller epochs than natively: a progress event (and a chance to see Stop)
            // every few hundred milliseconds on one thread.
            epoch_moves: o.epoch_moves.unwrap_or(5_000),
            ..d
        };
        self.started_ms = js_sys::Date::now();
        let run = SearchRun::start(&self.p, &opts, CancelToken::new());
        let first = run.progress(&self.p);
        let finished = run.finished();
        self.run = Some(run);
        to_js(&ProgressJson {
            progress: &first,
            finished,
        })
    }

    /// Runs epochs for about `ms` milliseconds (at least one, unless the run is over) and
    /// returns the latest progress event with `finished`.
    #[wasm_bindgen(js_name = solveStep)]
    pub fn solve_step(&mut self, ms: f64) -> Result<JsValue, JsError> {
        let run = self
            .run
            .as_mut()
            .ok_or_else(|| JsError::new("no solve is running: call solveStart first"))?;
        let mut last = None;
        let finished = run.step(
            &self.p,
            Some(super::step_duration(ms)),
            &mut |pr: &SearchProgress| last = Some(pr.clone()),
        );
        let progress = last.unwrap_or_else(|| run.progress(&self.p));
        to_js(&ProgressJson {
            progress: &progress,
            finished,
        })
    }

    /// Asks the solve to stop: the next step returns at once, `finished: "cancelled"`.
    #[wasm_bindgen(js_name = solveCancel)]
    pub fn solve_cancel(&self) {
        if let Some(run) = &self.run {
            run.cancel();
        }
    }

    /// Ends the solve (as cancelled if it had not ended) and returns the best timetable:
    /// the check fields (`file`, `check`, `items`, `week_load`, `groups`, `report`) plus
    /// `solution` (XML), `solution_file`, `stop_reason`, `stats`, `last`. It becomes the
    /// shown timetable.
    #[wasm_bindgen(js_name = solveFinish)]
    pub fn solve_finish(&mut self) -> Result<JsValue, JsError> {
        let run = self
            .run
            .take()
            .ok_or_else(|| JsError::new("no solve is running: call solveStart first"))?;
        let last = run.progress(&self.p);
        let r = run.finish();
        let runtime = (js_sys::Date::now() - self.started_ms) / 1000.0;
        let meta = SolutionMeta {
            name: self.p.name.clone(),
            runtime: Some(format!("{runtime:.1}")),
            cores: Some(r.stats.threads.to_string()),
            technique: Some(
                "Atoll: construction, simulated annealing with student sectioning (in the browser)"
                    .into(),
            ),
            author: Some("Atoll".into()),
            institution: None,
            country: None,
        };
        let solution = write_solution(&self.p, &r.assignment, &meta);
        let solution_file = format!("solution-{}.xml", stem_of(&self.file));
        let read = SolutionRead {
            meta,
            assignment: r.assignment,
            issues: Vec::new(),
            notes: Vec::new(),
        };
        let shown = self.show(&read, &solution_file);
        to_js(&SolvedJson {
            shown,
            solution,
            solution_file,
            stop_reason: r.stop_reason,
            stats: r.stats,
            last,
        })
    }

    /// True while a solve was started and not yet finished.
    #[wasm_bindgen(getter)]
    pub fn solving(&self) -> bool {
        self.run.is_some()
    }

    fn shown(&self) -> Result<&Shown, JsError> {
        self.shown
            .as_ref()
            .ok_or_else(|| JsError::new("no timetable yet: solve or check a solution first"))
    }

    fn view<'a>(&'a self, s: &'a Shown) -> View<'a> {
        View::new(&self.p, &s.assignment, &s.violations, &s.ev)
    }

    /// The names of one kind of the shown timetable (`room`, `course`, `group`), in the
    /// order `grid` numbers them.
    pub fn names(&self, kind: &str) -> Result<Vec<String>, JsError> {
        let kind = ViewKind::parse(kind).map_err(js_err)?;
        let s = self.shown()?;
        Ok(self.view(s).names(kind))
    }

    /// The grid of entity `index` of `kind` in `week` (1-based): cells with day, slots,
    /// clock times, lane and mark (the library's `WeekGrid`).
    pub fn grid(&self, kind: &str, index: usize, week: u32) -> Result<JsValue, JsError> {
        let kind = ViewKind::parse(kind).map_err(js_err)?;
        let s = self.shown()?;
        let g: WeekGrid = self.view(s).grid(kind, index, week).map_err(js_err)?;
        to_js(&g)
    }

    /// The weeks of the term for a term starting on Monday `term_start` (`YYYY-MM-DD`):
    /// `[{ week, monday, meetings }]`, `meetings` counting the shown timetable's class ×
    /// day meetings that week (0 without a timetable).
    pub fn weeks(&self, term_start: &str) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Week {
            week: u32,
            monday: String,
            meetings: usize,
        }
        let start = term_start_of(term_start)?;
        let load = match &self.shown {
            Some(s) => self.view(s).week_load(),
            None => vec![0; self.p.nr_weeks as usize],
        };
        let weeks: Vec<Week> = (1..=self.p.nr_weeks)
            .map(|w| Week {
                week: w,
                monday: iso(week_monday(start, w)),
                meetings: load.get(w as usize - 1).copied().unwrap_or(0),
            })
            .collect();
        to_js(&weeks)
    }

    /// The shown timetable as ITC-2019 solution XML (a checked file as this writer writes
    /// it), and its file name as `{ file, text }`.
    #[wasm_bindgen(js_name = solutionXml)]
    pub fn solution_xml(&self) -> Result<JsValue, JsError> {
        #[derive(Serialize)]
        struct Named {
            file: String,
            text: String,
        }
        let s = self.shown()?;
        let meta = SolutionMeta {
            name: self.p.name.clone(),
            technique: Some("Atoll".into()),
            author: Some("Atoll".into()),
            ..SolutionMeta::default()
        };
        to_js(&Named {
            file: format!("{}.xml", s.stem),
            text: write_solution(&self.p, &s.assignment, &meta),
        })
    }

    fn entity(&self, s: &Shown, kind: &str, index: usize) -> Result<(Vec<u32>, String), JsError> {
        if kind.is_empty() {
            return Ok(((0..self.p.classes.len() as u32).collect(), String::new()));
        }
        let kind = ViewKind::parse(kind).map_err(js_err)?;
        let view = self.view(s);
        let classes = view.classes_of(kind, index).map_err(js_err)?;
        let label = format!("{} {}", kind.word(), view.names(kind).swap_remove(index));
        Ok((classes, label))
    }

    /// CSV of the shown timetable, one line per meeting with its date (the term starting on
    /// Monday `term_start`): everything (`kind` empty) or entity `index` of `kind`.
    #[wasm_bindgen(js_name = exportCsv)]
    pub fn export_csv(
        &self,
        kind: &str,
        index: usize,
        term_start: &str,
    ) -> Result<String, JsError> {
        let start = term_start_of(term_start)?;
        let s = self.shown()?;
        let (classes, _) = self.entity(s, kind, index)?;
        Ok(export::to_csv(&self.p, &s.assignment, &classes, start))
    }

    /// iCalendar of the shown timetable, one event per meeting, as `exportCsv` chooses.
    #[wasm_bindgen(js_name = exportIcs)]
    pub fn export_ics(
        &self,
        kind: &str,
        index: usize,
        term_start: &str,
    ) -> Result<String, JsError> {
        let start = term_start_of(term_start)?;
        let s = self.shown()?;
        let (classes, label) = self.entity(s, kind, index)?;
        Ok(export::to_ics(
            &self.p,
            &s.assignment,
            &classes,
            start,
            &label,
        ))
    }
}

fn term_start_of(s: &str) -> Result<crate::export::Date, JsError> {
    term_start(s).map_err(js_err)
}
