//! The ITC-2019 solver: construction ([`super::construct`]) on every island, then simulated
//! annealing on the weighted objective with the incremental evaluator
//! ([`super::delta::State`]), interleaving time and room moves with student sectioning
//! moves; islands on the rayon pool with ring-free migration (the worst island restarts
//! from the best), a time limit, cooperative cancellation that returns the best so far,
//! and progress after every epoch — as the `.ctt` solver ([`crate::solver`]) does, with its
//! [`Stop`] and [`StopReason`]. [`SearchRun`] is the same run in steps (construction, then
//! slices of epochs, then the best state), for a caller that must return between slices:
//! the page's worker, which sees a Stop only between calls.
//!
//! Objective inside the search: the weighted total plus `hard_weight` per hard unit
//! ([`Parts::penalized`]; by default 10⁶, so a move that breaks a hard constraint is in
//! practice never accepted once the state is feasible, and a state that is not feasible
//! descends on its hard units first).
//!
//! Moves (each asked for as a delta, applied only when accepted):
//! - a class's time (room kept), its room (time kept), or both, uniformly among its
//!   options; classes with a single (time, room) choice are never picked;
//! - a student's classes of one requested course: one subpart (picked at random) takes
//!   another class, the other subparts keep theirs when their parent still holds and
//!   otherwise take a class under the new parent (the configuration's subparts in parent
//!   order, so the enrolment stays a valid path); sometimes another configuration of the
//!   course. Classes already at their limit are not offered.
//! - a chain ([`chain`]): a class move that breaks a required tie (same time, days, ...)
//!   also moves the tie's other classes, accepted or undone as one move.
//!
//! Acceptance: Metropolis with a temperature that falls geometrically over the run's share
//! of time (or of epochs, when bounded by epochs) from `T0` to `T0 / 1000`, where `T0` is
//! half the mean worsening of a sample of moves from the first constructed state.
//!
//! The best state of an island is copied only when the island is about to leave it (the
//! first worsening move after an improvement) or at the end of an epoch, not at every
//! improvement: copying the sectioning of thousands of students costs far more than a move.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;
use web_time::{Duration, Instant};

use crate::budget::{CancelToken, Stop};
use crate::evolve::island::island_seed;
use crate::solver::StopReason;

use super::construct::{ConstructOptions, construct_with_stop};
use super::delta::{Parts, State};
use super::eval::Assignment;
use super::model::*;

mod chain;
use chain::{ChainStep, ties};

/// Options of [`solve`].
#[derive(Clone, Debug)]
pub struct SearchOptions {
    pub seed: u64,
    /// Wall-clock seconds for the whole run (construction included); `None` runs until
    /// `max_epochs` or cancellation.
    pub time_limit: Option<f64>,
    /// Stop after this many epochs (with a seed, a run bounded by epochs only is
    /// reproducible).
    pub max_epochs: Option<u64>,
    /// Islands; 0 = one per rayon thread.
    pub islands: usize,
    /// Moves per island per epoch (between migrations and progress events).
    pub epoch_moves: u64,
    /// Cost of one hard unit in the search's objective.
    pub hard_weight: i64,
    /// Epochs between migrations (the worst island restarts from the best state).
    pub migration_interval: u64,
    /// Share of moves that are student moves (when the instance has students).
    pub student_rate: f64,
    /// A place move that breaks a required distribution repairs it by moving the
    /// constraint's other classes in the same move ([`Island::chain_move`]).
    pub chain_moves: bool,
    /// Share of the place moves that break a required distribution which are tried as a
    /// chain move (the others are refused by their hard cost, as before); a chain costs
    /// tens of deltas.
    pub chain_rate: f64,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            seed: 1,
            time_limit: Some(60.0),
            max_epochs: None,
            islands: 0,
            epoch_moves: 20_000,
            hard_weight: 1_000_000,
            migration_interval: 20,
            student_rate: 0.3,
            chain_moves: true,
            chain_rate: 0.2,
        }
    }
}

/// Which phase is running.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Construct,
    Search,
}

/// A progress event, sent by the coordinating thread after construction and after every
/// epoch.
#[derive(Clone, Debug, Serialize)]
pub struct SearchProgress {
    pub phase: Phase,
    pub epoch: u64,
    pub elapsed_s: f64,
    /// The best state so far: its parts and weighted total.
    pub best: Parts,
    pub best_total: i64,
    /// Each island's current (hard violations, weighted total).
    pub islands: Vec<(i64, i64)>,
    /// Moves asked for so far, all islands together.
    pub moves: u64,
    pub temperature: f64,
}

/// Counters of a run.
#[derive(Clone, Debug, Serialize)]
pub struct SearchStats {
    pub islands: usize,
    pub threads: usize,
    pub epochs: u64,
    pub moves: u64,
    pub accepted: u64,
    pub elapsed_s: f64,
    /// Seconds until every island had its constructed state.
    pub construct_s: f64,
    /// Seconds until some island's state was first feasible, if any was.
    pub time_to_feasible_s: Option<f64>,
    /// Classes the best constructed state left unplaced (placed at random before the
    /// search).
    pub construction_unplaced: usize,
}

/// The outcome of [`solve`].
#[derive(Clone, Debug)]
pub struct SearchResult {
    pub assignment: Assignment,
    pub parts: Parts,
    pub stop_reason: StopReason,
    pub stats: SearchStats,
}

/// Per configuration, its subparts with parents before children (by the depth of their
/// first class), so a path built in this order always finds its parent chosen.
fn subpart_orders(p: &Problem) -> Vec<Vec<SubpartId>> {
    let depth = |mut c: ClassId| {
        let mut k = 0;
        while let Some(par) = p.classes[c as usize].parent {
            c = par;
            k += 1;
        }
        k
    };
    p.configs
        .iter()
        .map(|cfg| {
            let mut v: Vec<SubpartId> = cfg.subparts.clone().collect();
            v.sort_by_key(|&sp| depth(p.subparts[sp as usize].classes.start));
            v
        })
        .collect()
}

/// One island: a state under annealing and the best state it has seen.
struct Island<'p> {
    st: State<'p>,
    rng: SmallRng,
    /// Penalised cost of `st`.
    cost: i64,
    best_cost: i64,
    best_parts: Parts,
    best: Assignment,
    /// `st` is the best state and `best` does not hold it yet.
    at_best: bool,
    moves: u64,
    accepted: u64,
    feasible_at: Option<f64>,
    path: Vec<ClassId>,
    cur: Vec<ClassId>,
    /// The moves of a [`Self::chain_move`]: class, old time and room, new time and room.
    chain: Vec<ChainStep>,
}

/// What the islands share, read-only.
struct Shared<'a> {
    p: &'a Problem,
    movable: Vec<ClassId>,
    orders: Vec<Vec<SubpartId>>,
    /// Students with at least one request.
    requesting: Vec<StudentId>,
    hard_weight: i64,
    student_rate: f64,
    /// Share of place moves breaking a required distribution tried as a chain move.
    chain_rate: f64,
    /// Per class: in a required distribution, so a move that breaks one is repaired by a
    /// [`Island::chain_move`] (when chain moves are on).
    chained: Vec<bool>,
    started: Instant,
}

impl<'p> Island<'p> {
    fn new(p: &'p Problem, a: &Assignment, seed: u64, sh: &Shared) -> Island<'p> {
        let mut st = State::new(p, a);
        let mut rng = SmallRng::seed_from_u64(seed);
        // Classes the construction could not place (cut short) start at a random option:
        // the search then sees them as the hard violations they cause.
        for c in 0..p.classes.len() as ClassId {
            if st.time_option(c).is_none() {
                let t = rng.random_range(0..p.times(c).len() as u32);
                let nr = p.rooms_of(c).len() as u32;
                let r = (nr > 0).then(|| rng.random_range(0..nr));
                st.apply_place_move(c, Some(t), r);
            }
        }
        let cost = st.parts().penalized(&p.weights, sh.hard_weight);
        let best = st.assignment();
        Island {
            best_parts: st.parts(),
            feasible_at: (st.parts().hard == 0).then(|| sh.started.elapsed().as_secs_f64()),
            st,
            rng,
            cost,
            best_cost: cost,
            best,
            at_best: false,
            moves: 0,
            accepted: 0,
            path: Vec::new(),
            cur: Vec::new(),
            chain: Vec::new(),
        }
    }

    /// Restarts from `a` (a migrant).
    fn reset_to(&mut self, a: &Assignment, sh: &Shared<'p>) {
        self.st = State::new(sh.p, a);
        self.cost = self.st.parts().penalized(&sh.p.weights, sh.hard_weight);
        self.best_cost = self.cost;
        self.best_parts = self.st.parts();
        self.best = a.clone();
        self.at_best = false;
    }

    fn snapshot(&mut self) {
        self.best = self.st.assignment();
        self.at_best = false;
    }

    /// Runs `moves` moves at temperature `temp` (fewer when `stop` says so).
    fn epoch(&mut self, sh: &Shared, moves: u64, temp: f64, stop: &Stop) {
        for i in 0..moves {
            if i % 1024 == 0 && stop.should_stop() {
                break;
            }
            self.step(sh, temp);
        }
        if self.at_best {
            self.snapshot();
        }
    }

    fn accept(&mut self, d: i64, temp: f64) -> bool {
        d <= 0 || (temp > 0.0 && self.rng.random::<f64>() < (-(d as f64) / temp).exp())
    }

    /// After an applied move of penalised change `d`.
    fn applied(&mut self, d: i64, sh: &Shared) {
        self.accepted += 1;
        self.cost += d;
        if self.cost < self.best_cost {
            self.best_cost = self.cost;
            self.best_parts = self.st.parts();
            self.at_best = true;
        }
        if self.feasible_at.is_none() && self.st.parts().hard == 0 {
            self.feasible_at = Some(sh.started.elapsed().as_secs_f64());
        }
    }

    fn step(&mut self, sh: &Shared, temp: f64) {
        self.moves += 1;
        if !sh.requesting.is_empty() && self.rng.random_bool(sh.student_rate) {
            self.student_move(sh, temp);
        } else if !sh.movable.is_empty() {
            self.place_move(sh, temp);
        }
    }

    fn place_move(&mut self, sh: &Shared, temp: f64) {
        let p = sh.p;
        let c = sh.movable[self.rng.random_range(0..sh.movable.len())];
        let nt = p.times(c).len() as u32;
        let nr = p.rooms_of(c).len() as u32;
        let (mut t, mut r) = (self.st.time_option(c), self.st.room_option(c));
        let change_time = nt > 1 && (nr <= 1 || self.rng.random_bool(0.7));
        let change_room = nr > 1 && (!change_time || self.rng.random_bool(0.4));
        if change_time {
            t = Some(self.rng.random_range(0..nt));
        }
        if change_room {
            r = Some(self.rng.random_range(0..nr));
        }
        if t == self.st.time_option(c) && r == self.st.room_option(c) {
            return;
        }
        let delta = self.st.delta_place(c, t, r);
        if delta.hard_units > 0 && sh.chained[c as usize] && self.rng.random_bool(sh.chain_rate) {
            self.chain_move(sh, c, t, r, temp);
            return;
        }
        let d = delta.penalized(&p.weights, sh.hard_weight);
        if self.accept(d, temp) {
            if d > 0 && self.at_best {
                self.snapshot();
            }
            self.st.apply_place_move(c, t, r);
            self.applied(d, sh);
        }
    }

    fn student_move(&mut self, sh: &Shared, temp: f64) {
        let p = sh.p;
        let s = sh.requesting[self.rng.random_range(0..sh.requesting.len())];
        let req = &p.students[s as usize].courses;
        let course = req[self.rng.random_range(0..req.len())];
        self.cur.clear();
        self.cur.extend(
            self.st
                .classes_of(s)
                .iter()
                .copied()
                .filter(|&c| p.classes[c as usize].course == course),
        );
        let configs = p.courses[course as usize].configs.clone();
        let cfg = match self.cur.first() {
            Some(&c) if configs.len() == 1 || !self.rng.random_bool(0.1) => {
                p.classes[c as usize].config
            }
            _ => self.rng.random_range(configs),
        };
        let order = &sh.orders[cfg as usize];
        let change = order[self.rng.random_range(0..order.len())];
        self.path.clear();
        for &sp in order {
            let parent_ok = |c: ClassId, path: &[ClassId]| {
                p.classes[c as usize]
                    .parent
                    .is_none_or(|par| path.contains(&par))
            };
            let keep = self
                .cur
                .iter()
                .copied()
                .find(|&c| p.classes[c as usize].subpart == sp)
                .filter(|&c| sp != change && parent_ok(c, &self.path));
            let pick = match keep {
                Some(c) => c,
                None => {
                    // A random class of the subpart under the chosen parent with room
                    // left: reservoir sampling, no allocation.
                    let mut chosen = None;
                    let mut seen = 0u32;
                    for c in p.subparts[sp as usize].classes.clone() {
                        let room_left = (self.st.enrolled(c) as u64)
                            < p.classes[c as usize].limit as u64
                            || self.cur.contains(&c);
                        if room_left && parent_ok(c, &self.path) {
                            seen += 1;
                            if self.rng.random_range(0..seen) == 0 {
                                chosen = Some(c);
                            }
                        }
                    }
                    match chosen {
                        Some(c) => c,
                        None => return,
                    }
                }
            };
            self.path.push(pick);
        }
        if self.path.len() == self.cur.len() && self.path.iter().all(|c| self.cur.contains(c)) {
            return;
        }
        let d = self
            .st
            .delta_enrol(s, course, &self.path)
            .penalized(&p.weights, sh.hard_weight);
        if self.accept(d, temp) {
            if d > 0 && self.at_best {
                self.snapshot();
            }
            let path = std::mem::take(&mut self.path);
            self.st.apply_enrol_move(s, course, &path);
            self.path = path;
            self.applied(d, sh);
        }
    }

    /// Mean penalised worsening of a sample of moves (asked for, not applied), for the
    /// starting temperature; moves that change the hard units are left out.
    fn sample_worsening(&mut self, sh: &Shared, n: usize) -> f64 {
        let mut sum = 0.0;
        let mut k = 0;
        for _ in 0..n {
            let p = sh.p;
            let c = sh.movable[self.rng.random_range(0..sh.movable.len())];
            let t = Some(self.rng.random_range(0..p.times(c).len() as u32));
            let nr = p.rooms_of(c).len() as u32;
            let r = if nr > 0 {
                Some(self.rng.random_range(0..nr))
            } else {
                None
            };
            let d = self.st.delta_place(c, t, r);
            if d.hard_units == 0 {
                let v = d.total(&p.weights);
                if v > 0 {
                    sum += v as f64;
                    k += 1;
                }
            }
        }
        if k == 0 { 1.0 } else { sum / k as f64 }
    }
}

/// What an island keeps between the steps of a [`SearchRun`]: everything but the
/// incremental state, which borrows the problem and is rebuilt from `current` when the next
/// step starts (a full evaluation per island per step: negligible against a step of
/// epochs, and it lets the run own no borrow, so the page's worker can hold it between
/// calls).
struct Parked {
    current: Assignment,
    current_parts: Parts,
    rng: SmallRng,
    cost: i64,
    best_cost: i64,
    best_parts: Parts,
    best: Assignment,
    moves: u64,
    accepted: u64,
    feasible_at: Option<f64>,
}

impl<'p> Island<'p> {
    fn park(mut self) -> Parked {
        if self.at_best {
            self.snapshot();
        }
        Parked {
            current: self.st.assignment(),
            current_parts: self.st.parts(),
            rng: self.rng,
            cost: self.cost,
            best_cost: self.best_cost,
            best_parts: self.best_parts,
            best: self.best,
            moves: self.moves,
            accepted: self.accepted,
            feasible_at: self.feasible_at,
        }
    }

    fn unpark(p: &'p Problem, k: Parked) -> Island<'p> {
        Island {
            st: State::new(p, &k.current),
            rng: k.rng,
            cost: k.cost,
            best_cost: k.best_cost,
            best_parts: k.best_parts,
            best: k.best,
            at_best: false,
            moves: k.moves,
            accepted: k.accepted,
            feasible_at: k.feasible_at,
            path: Vec::new(),
            cur: Vec::new(),
            chain: Vec::new(),
        }
    }
}

/// A run of the solver that owns its state between steps: [`SearchRun::start`] constructs
/// (every island), [`SearchRun::step`] anneals for a slice of wall-clock time (whole
/// epochs), [`SearchRun::finish`] returns the best state. [`solve`] is one start, one step
/// without a slice limit, and the finish; the page's worker, which cannot see a Stop
/// message while inside a call, steps in slices of a few hundred milliseconds instead.
/// The problem is passed to every call (the run holds no borrow of it); it must be the
/// same problem each time.
pub struct SearchRun {
    opts: SearchOptions,
    stop: Stop,
    cancel: CancelToken,
    started: Instant,
    threads: usize,
    movable: Vec<ClassId>,
    orders: Vec<Vec<SubpartId>>,
    requesting: Vec<StudentId>,
    chained: Vec<bool>,
    islands: Vec<Parked>,
    best: Assignment,
    best_parts: Parts,
    best_cost: i64,
    t0: f64,
    t_end: f64,
    temp: f64,
    epoch: u64,
    construct_s: f64,
    construction_unplaced: usize,
    finished: Option<StopReason>,
}

impl SearchRun {
    /// Constructs a start on every island (in parallel) and measures the starting
    /// temperature; the run is then at epoch 0. A cancelled token or a time limit cuts the
    /// construction short (classes it left unplaced start at random options).
    pub fn start(p: &Problem, opts: &SearchOptions, cancel: CancelToken) -> SearchRun {
        let stop = Stop::new(
            cancel.clone(),
            opts.time_limit
                .map(|s| Duration::from_secs_f64(s.clamp(0.0, crate::options::MAX_DURATION_S))),
        );
        let started = Instant::now();
        let threads = rayon::current_num_threads();
        let n = if opts.islands == 0 {
            threads
        } else {
            opts.islands
        }
        .max(1);
        let sh = Shared {
            p,
            movable: (0..p.classes.len() as ClassId)
                .filter(|&c| p.times(c).len() * p.rooms_of(c).len().max(1) > 1)
                .collect(),
            orders: subpart_orders(p),
            requesting: (0..p.students.len() as StudentId)
                .filter(|&s| !p.students[s as usize].courses.is_empty())
                .collect(),
            hard_weight: opts.hard_weight,
            student_rate: opts.student_rate,
            chain_rate: opts.chain_rate,
            chained: (0..p.classes.len())
                .map(|c| {
                    opts.chain_moves
                        && p.class_distributions[c]
                            .iter()
                            .any(|&d| ties(&p.distributions[d as usize]))
                })
                .collect(),
            started,
        };
        let built: Vec<_> = (0..n)
            .into_par_iter()
            .map(|i| {
                let seed = island_seed(opts.seed, i);
                construct_with_stop(
                    p,
                    &ConstructOptions {
                        seed,
                        time_limit: f64::INFINITY,
                        max_iterations: None,
                    },
                    &stop,
                )
            })
            .collect();
        let construct_s = started.elapsed().as_secs_f64();
        let mut islands: Vec<Island> = built
            .iter()
            .enumerate()
            .map(|(i, b)| Island::new(p, &b.assignment, island_seed(opts.seed ^ 0x5EA2C4, i), &sh))
            .collect();
        let first = (0..n)
            .min_by_key(|&i| (islands[i].best_cost, i))
            .expect("at least one island");
        let construction_unplaced = built[first].unplaced;
        drop(built);
        let best = islands[first].best.clone();
        let best_parts = islands[first].best_parts;
        let best_cost = islands[first].best_cost;
        let t0 = if sh.movable.is_empty() {
            1.0
        } else {
            0.5 * islands[0].sample_worsening(&sh, 2000)
        };
        let islands = islands.into_iter().map(Island::park).collect();
        let Shared {
            movable,
            orders,
            requesting,
            chained,
            ..
        } = sh;
        SearchRun {
            opts: opts.clone(),
            stop,
            cancel,
            started,
            threads,
            movable,
            orders,
            requesting,
            chained,
            islands,
            best,
            best_parts,
            best_cost,
            t0,
            t_end: t0 / 1000.0,
            temp: t0,
            epoch: 0,
            construct_s,
            construction_unplaced,
            finished: None,
        }
    }

    /// The progress event of the run as it stands (after construction: phase `Construct`).
    pub fn progress(&self, p: &Problem) -> SearchProgress {
        SearchProgress {
            phase: if self.epoch == 0 {
                Phase::Construct
            } else {
                Phase::Search
            },
            epoch: self.epoch,
            elapsed_s: self.started.elapsed().as_secs_f64(),
            best: self.best_parts,
            best_total: self.best_parts.total(&p.weights),
            islands: self
                .islands
                .iter()
                .map(|i| (i.current_parts.hard, i.current_parts.total(&p.weights)))
                .collect(),
            moves: self.islands.iter().map(|i| i.moves).sum(),
            temperature: self.temp,
        }
    }

    /// Why the run ended, once it has.
    pub fn finished(&self) -> Option<StopReason> {
        self.finished
    }

    /// Asks the run to end: the next step returns at once with `Cancelled`.
    pub fn cancel(&self) {
        self.cancel.cancel();
    }

    /// The best state so far and its parts.
    pub fn best(&self) -> (&Assignment, Parts) {
        (&self.best, self.best_parts)
    }

    /// Why the run would stop now, if it would.
    fn stop_reason(&self, p: &Problem) -> Option<StopReason> {
        if self.stop.is_cancelled() {
            Some(StopReason::Cancelled)
        } else if self.stop.should_stop() {
            Some(StopReason::TimeLimit)
        } else if self.opts.max_epochs.is_some_and(|m| self.epoch >= m) {
            Some(StopReason::Generations)
        } else if self.best_parts.hard == 0 && self.best_parts.total(&p.weights) == 0 {
            Some(StopReason::Solved)
        } else {
            None
        }
    }

    /// Runs whole epochs until the run ends or `slice` has passed (at least one epoch
    /// unless the run is over), calling `on_progress` after each. Returns why the run
    /// ended, or `None` when it can go on.
    pub fn step(
        &mut self,
        p: &Problem,
        slice: Option<Duration>,
        on_progress: &mut dyn FnMut(&SearchProgress),
    ) -> Option<StopReason> {
        if self.finished.is_some() {
            return self.finished;
        }
        if let Some(why) = self.stop_reason(p) {
            self.finished = Some(why);
            return self.finished;
        }
        let slice_start = Instant::now();
        let mut ran = false;
        let sh = Shared {
            p,
            movable: std::mem::take(&mut self.movable),
            orders: std::mem::take(&mut self.orders),
            requesting: std::mem::take(&mut self.requesting),
            hard_weight: self.opts.hard_weight,
            student_rate: self.opts.student_rate,
            chain_rate: self.opts.chain_rate,
            chained: std::mem::take(&mut self.chained),
            started: self.started,
        };
        let mut islands: Vec<Island> = std::mem::take(&mut self.islands)
            .into_iter()
            .map(|k| Island::unpark(p, k))
            .collect();
        let progress = |run: &SearchRun, islands: &[Island]| SearchProgress {
            phase: Phase::Search,
            epoch: run.epoch,
            elapsed_s: run.started.elapsed().as_secs_f64(),
            best: run.best_parts,
            best_total: run.best_parts.total(&p.weights),
            islands: islands
                .iter()
                .map(|i| (i.st.parts().hard, i.st.parts().total(&p.weights)))
                .collect(),
            moves: islands.iter().map(|i| i.moves).sum(),
            temperature: run.temp,
        };
        loop {
            if let Some(why) = self.stop_reason(p) {
                self.finished = Some(why);
                break;
            }
            if ran && slice.is_some_and(|s| slice_start.elapsed() >= s) {
                break;
            }
            ran = true;
            let f = self
                .opts
                .max_epochs
                .map_or(0.0, |m| self.epoch as f64 / m as f64)
                .max(self.stop.time_fraction());
            let (t0, t_end) = (self.t0, self.t_end);
            self.temp = t0 * (t_end / t0).powf(f.clamp(0.0, 1.0));
            let (temp, moves, stop) = (self.temp, self.opts.epoch_moves, &self.stop);
            islands
                .par_iter_mut()
                .for_each(|isl| isl.epoch(&sh, moves, temp, stop));
            self.epoch += 1;
            for isl in &islands {
                if isl.best_cost < self.best_cost {
                    self.best_cost = isl.best_cost;
                    self.best_parts = isl.best_parts;
                    self.best = isl.best.clone();
                }
            }
            if islands.len() > 1
                && self
                    .epoch
                    .is_multiple_of(self.opts.migration_interval.max(1))
            {
                let worst = (0..islands.len())
                    .max_by_key(|&i| (islands[i].cost, i))
                    .expect("islands");
                if islands[worst].cost > self.best_cost {
                    islands[worst].reset_to(&self.best, &sh);
                }
            }
            on_progress(&progress(self, &islands));
        }
        self.islands = islands.into_iter().map(Island::park).collect();
        self.movable = sh.movable;
        self.chained = sh.chained;
        self.orders = sh.orders;
        self.requesting = sh.requesting;
        self.finished
    }

    /// Ends the run (as cancelled when it had not ended) and returns the best state.
    pub fn finish(self) -> SearchResult {
        let feasible = self
            .islands
            .iter()
            .filter_map(|i| i.feasible_at)
            .fold(None, |a: Option<f64>, x| Some(a.map_or(x, |a| a.min(x))));
        let stats = SearchStats {
            islands: self.islands.len(),
            threads: self.threads,
            epochs: self.epoch,
            moves: self.islands.iter().map(|i| i.moves).sum(),
            accepted: self.islands.iter().map(|i| i.accepted).sum(),
            elapsed_s: self.started.elapsed().as_secs_f64(),
            construct_s: self.construct_s,
            time_to_feasible_s: feasible,
            construction_unplaced: self.construction_unplaced,
        };
        SearchResult {
            assignment: self.best,
            parts: self.best_parts,
            stop_reason: self.finished.unwrap_or(StopReason::Cancelled),
            stats,
        }
    }
}

/// Solves `p`: construction on every island, then annealing until the time limit, the
/// epoch bound or cancellation; returns the best state seen. `on_progress` is called on
/// this thread after construction and after every epoch.
pub fn solve(
    p: &Problem,
    opts: &SearchOptions,
    cancel: CancelToken,
    on_progress: &mut dyn FnMut(&SearchProgress),
) -> SearchResult {
    let mut run = SearchRun::start(p, opts, cancel);
    on_progress(&run.progress(p));
    run.step(p, None, on_progress);
    run.finish()
}
