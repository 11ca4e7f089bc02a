//! A first construction for ITC-2019: place every class without breaking a hard rule, then
//! section the students. Not the solver (no search on the objective yet); it exists to reach
//! feasibility and to give a later search its start.
//!
//! Placement is an iterative forward search with conflict-directed un-assignment (the
//! scheme UniTime's own solver starts with): take an unplaced class (a tournament of three
//! favouring the fewest options), give it the (time, room) whose hard conflicts with the
//! placed classes are fewest — room clashes and required distributions; room
//! unavailability is filtered out beforehand — breaking ties by weighted time and room
//! penalty, by how often that choice already pushed others out (conflict statistics, so
//! that it does not cycle) and at random; then un-place the classes it conflicts with. It
//! stops when every class is placed or at the deadline.
//!
//! Sectioning is greedy per student request, with backtracking: for each configuration, a
//! depth-first walk over its subparts picks classes with room under their limit and whose
//! parent is chosen, fewest conflicts with the student's other classes first; the best
//! configuration wins. A request that finds no such path is left unsectioned (a hard
//! violation the report shows) rather than overfilling a class.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use web_time::Instant;

use crate::budget::{CancelToken, Stop};

use super::eval::{Assignment, apart, pair_ok, set_units, travel};
use super::model::*;

/// Limits of a construction run.
#[derive(Clone, Copy, Debug)]
pub struct ConstructOptions {
    pub seed: u64,
    /// Seconds for the placement phase (sectioning is not cut short).
    pub time_limit: f64,
    /// Most placement steps (with a seed, a run capped by steps is reproducible).
    pub max_iterations: Option<u64>,
}

/// What a construction run produced.
#[derive(Clone, Debug)]
pub struct Constructed {
    pub assignment: Assignment,
    /// Classes left unplaced at the deadline (0 when placement succeeded).
    pub unplaced: usize,
    /// Placement steps taken.
    pub iterations: u64,
    /// Seconds until every class was placed without a hard conflict (None if never).
    pub placed_after_s: Option<f64>,
    /// Student requests that could not be sectioned within the class limits.
    pub unsectioned: usize,
    /// Seconds spent sectioning.
    pub sectioning_s: f64,
}

/// Builds an assignment (see the module documentation).
pub fn construct(p: &Problem, opts: &ConstructOptions) -> Constructed {
    construct_with_stop(p, opts, &Stop::new(CancelToken::new(), None))
}

/// [`construct`], also ending the placement phase when `stop` says so (cancellation or
/// the solver's deadline), with what is placed by then.
pub fn construct_with_stop(p: &Problem, opts: &ConstructOptions, stop: &Stop) -> Constructed {
    let started = Instant::now();
    let mut rng = SmallRng::seed_from_u64(opts.seed);
    let mut st = Placement::new(p);
    let n = p.classes.len();
    let mut iterations = 0u64;
    let mut placed_after_s = None;
    let mut conflicts = Vec::new();
    let mut best_conflicts = Vec::new();
    loop {
        if st.unplaced.is_empty() {
            placed_after_s = Some(started.elapsed().as_secs_f64());
            break;
        }
        if iterations.is_multiple_of(64)
            && (started.elapsed().as_secs_f64() > opts.time_limit || stop.should_stop())
            || opts.max_iterations.is_some_and(|m| iterations >= m)
        {
            break;
        }
        iterations += 1;
        // Tournament of three: the class with the fewest options goes first.
        let mut c = st.unplaced[rng.random_range(0..st.unplaced.len())];
        for _ in 0..2 {
            let d = st.unplaced[rng.random_range(0..st.unplaced.len())];
            if st.options[d as usize].len() < st.options[c as usize].len() {
                c = d;
            }
        }
        if st.options[c as usize].is_empty() {
            // Every time clashes with the room's unavailability in every room: nothing can
            // place it. Leave it and stop trying (the report names it).
            st.remove_unplaced(c);
            st.hopeless.push(c);
            continue;
        }
        let options = &st.options[c as usize];
        let mut best: Option<(u64, usize)> = None;
        for (k, &(t, r)) in options.iter().enumerate() {
            st.conflicts_of(c, t, r, &mut conflicts);
            let soft = p.weights.time as u64 * p.times(c)[t as usize].penalty as u64
                + r.map_or(0, |r| {
                    p.weights.room as u64 * p.rooms_of(c)[r as usize].penalty as u64
                });
            // Conflicts first, but an option that keeps pushing others out loses to one
            // with a few more conflicts (each past push counts 1/16 of a conflict).
            let pushed = st.cbs[c as usize].get(k).copied().unwrap_or(0) as u64;
            let key = (conflicts.len() as u64 * 16 + pushed).min(0xFF_FFFF) << 32
                | soft.min(0xFF_FFFF) << 8
                | rng.random_range(0..256u64);
            if best.is_none_or(|(b, _)| key < b) {
                best = Some((key, k));
                std::mem::swap(&mut best_conflicts, &mut conflicts);
            }
        }
        let (_, k) = best.expect("at least one option");
        let (t, r) = options[k];
        if !best_conflicts.is_empty() {
            let cbs = &mut st.cbs[c as usize];
            if cbs.is_empty() {
                cbs.resize(st.options[c as usize].len(), 0);
            }
            cbs[k] = cbs[k].saturating_add(best_conflicts.len() as u32);
        }
        for &o in &best_conflicts {
            st.unplace(o);
        }
        st.place(c, t, r);
    }
    let unplaced = st.unplaced.len() + st.hopeless.len();
    let mut a = Assignment::empty(p);
    for c in 0..n {
        if let Some((t, r)) = st.chosen[c] {
            a.time[c] = Some(t);
            a.room[c] = r;
        }
    }
    let t0 = Instant::now();
    let unsectioned = section(p, &mut a, &mut rng);
    Constructed {
        assignment: a,
        unplaced,
        iterations,
        placed_after_s,
        unsectioned,
        sectioning_s: t0.elapsed().as_secs_f64(),
    }
}

/// The state of the placement phase.
struct Placement<'p> {
    p: &'p Problem,
    /// Per class: the (time, room option) pairs whose room is available at the time.
    options: Vec<Vec<(u32, Option<u32>)>>,
    /// Per class and option: how many classes that choice has pushed out so far.
    cbs: Vec<Vec<u32>>,
    chosen: Vec<Option<(u32, Option<u32>)>>,
    time: Vec<Option<Time>>,
    room: Vec<Option<RoomId>>,
    /// Classes placed in each room.
    occupants: Vec<Vec<ClassId>>,
    unplaced: Vec<ClassId>,
    /// Position of each class in `unplaced` (usize::MAX when placed).
    at: Vec<usize>,
    /// Classes without any usable option.
    hopeless: Vec<ClassId>,
}

impl<'p> Placement<'p> {
    fn new(p: &'p Problem) -> Placement<'p> {
        let n = p.classes.len();
        let mut options = Vec::with_capacity(n);
        for c in 0..n as ClassId {
            let mut o = Vec::new();
            for (t, to) in p.times(c).iter().enumerate() {
                if p.rooms_of(c).is_empty() {
                    o.push((t as u32, None));
                }
                for (r, ro) in p.rooms_of(c).iter().enumerate() {
                    let free = !p.rooms[ro.room as usize]
                        .unavailable
                        .iter()
                        .any(|u| u.overlaps(&to.time));
                    if free {
                        o.push((t as u32, Some(r as u32)));
                    }
                }
            }
            options.push(o);
        }
        Placement {
            p,
            options,
            cbs: vec![Vec::new(); n],
            chosen: vec![None; n],
            time: vec![None; n],
            room: vec![None; n],
            occupants: vec![Vec::new(); p.rooms.len()],
            unplaced: (0..n as ClassId).collect(),
            at: (0..n).collect(),
            hopeless: Vec::new(),
        }
    }

    fn remove_unplaced(&mut self, c: ClassId) {
        let i = self.at[c as usize];
        self.unplaced.swap_remove(i);
        if let Some(&moved) = self.unplaced.get(i) {
            self.at[moved as usize] = i;
        }
        self.at[c as usize] = usize::MAX;
    }

    fn place(&mut self, c: ClassId, t: u32, r: Option<u32>) {
        self.remove_unplaced(c);
        let room = r.map(|r| self.p.rooms_of(c)[r as usize].room);
        self.chosen[c as usize] = Some((t, r));
        self.time[c as usize] = Some(self.p.times(c)[t as usize].time);
        self.room[c as usize] = room;
        if let Some(room) = room {
            self.occupants[room as usize].push(c);
        }
    }

    fn unplace(&mut self, c: ClassId) {
        if let Some(room) = self.room[c as usize] {
            let occ = &mut self.occupants[room as usize];
            let i = occ
                .iter()
                .position(|&x| x == c)
                .expect("placed in its room");
            occ.swap_remove(i);
        }
        self.chosen[c as usize] = None;
        self.time[c as usize] = None;
        self.room[c as usize] = None;
        self.at[c as usize] = self.unplaced.len();
        self.unplaced.push(c);
    }

    /// The placed classes that class `c` at time option `t` in room option `r` would break a
    /// hard rule with (each once).
    fn conflicts_of(&self, c: ClassId, t: u32, r: Option<u32>, out: &mut Vec<ClassId>) {
        out.clear();
        let p = self.p;
        let time = p.times(c)[t as usize].time;
        let room = r.map(|r| p.rooms_of(c)[r as usize].room);
        if let Some(room) = room {
            for &o in &self.occupants[room as usize] {
                if o != c && self.time[o as usize].is_some_and(|ot| ot.overlaps(&time)) {
                    out.push(o);
                }
            }
        }
        for &d in &p.class_distributions[c as usize] {
            let d = &p.distributions[d as usize];
            if !d.required {
                continue;
            }
            if d.kind.is_pairwise() {
                for (i, &x) in d.classes.iter().enumerate() {
                    if x != c {
                        continue;
                    }
                    for (j, &o) in d.classes.iter().enumerate() {
                        let Some(ot) = self.time[o as usize] else {
                            continue;
                        };
                        if o == c {
                            continue;
                        }
                        let orm = self.room[o as usize];
                        let ok = if i < j {
                            pair_ok(p, d.kind, &time, room, &ot, orm)
                        } else {
                            pair_ok(p, d.kind, &ot, orm, &time, room)
                        };
                        if !ok && !out.contains(&o) {
                            out.push(o);
                        }
                    }
                }
            } else {
                let mut times: Vec<Time> = d
                    .classes
                    .iter()
                    .filter(|&&o| o != c)
                    .filter_map(|&o| self.time[o as usize])
                    .collect();
                times.push(time);
                if set_units(p, d.kind, &times) > 0 {
                    for &o in &d.classes {
                        if o != c && self.time[o as usize].is_some() && !out.contains(&o) {
                            out.push(o);
                        }
                    }
                }
            }
        }
    }
}

/// Sections every student (see the module documentation); returns the requests left
/// unsectioned.
fn section(p: &Problem, a: &mut Assignment, rng: &mut SmallRng) -> usize {
    let mut enrolled = vec![0u32; p.classes.len()];
    let mut unsectioned = 0;
    let placed: Vec<Option<(Time, Option<RoomId>)>> = (0..p.classes.len() as ClassId)
        .map(|c| a.time_of(p, c).map(|t| (t, a.room_of(p, c))))
        .collect();
    let mut order: Vec<usize> = (0..p.students.len()).collect();
    // Students with more requests first: they are the hardest to fit.
    order.sort_by_key(|&s| std::cmp::Reverse(p.students[s].courses.len()));
    for s in order {
        let mut mine: Vec<ClassId> = Vec::new();
        for &course in &p.students[s].courses {
            let mut best: Option<(u64, Vec<ClassId>)> = None;
            for cfg in p.courses[course as usize].configs.clone() {
                let mut walk = Walk {
                    p,
                    placed: &placed,
                    enrolled: &enrolled,
                    mine: &mine,
                    subparts: p.configs[cfg as usize].subparts.clone().collect(),
                    path: Vec::new(),
                    nodes: 0,
                    jitter: rng.random(),
                };
                if let Some(cost) = walk.dfs(0, 0)
                    && best.as_ref().is_none_or(|(b, _)| cost < *b)
                {
                    best = Some((cost, walk.path));
                }
            }
            match best {
                Some((_, path)) => {
                    for c in path {
                        enrolled[c as usize] += 1;
                        a.students[c as usize].push(s as StudentId);
                        mine.push(c);
                    }
                }
                None => unsectioned += 1,
            }
        }
    }
    for list in &mut a.students {
        list.sort_unstable();
    }
    unsectioned
}

/// Depth-first search for one student's classes of one configuration.
struct Walk<'a> {
    p: &'a Problem,
    placed: &'a [Option<(Time, Option<RoomId>)>],
    enrolled: &'a [u32],
    mine: &'a [ClassId],
    subparts: Vec<SubpartId>,
    path: Vec<ClassId>,
    nodes: u32,
    jitter: u64,
}

/// Most search nodes per configuration (a dead end after that counts as no path).
const MAX_NODES: u32 = 2000;

impl Walk<'_> {
    /// Conflicts of class `c` with the student's classes so far (other courses and this
    /// path).
    fn conflicts(&self, c: ClassId) -> u64 {
        let Some((t, r)) = self.placed[c as usize] else {
            return 0;
        };
        self.mine
            .iter()
            .chain(&self.path)
            .filter(|&&o| {
                self.placed[o as usize].is_some_and(|(ot, orm)| {
                    t.shares_day_and_week(&ot) && !apart(&t, &ot, travel(self.p, r, orm))
                })
            })
            .count() as u64
    }

    /// Extends the path from subpart `k`; returns the total conflicts of a complete path.
    fn dfs(&mut self, k: usize, cost: u64) -> Option<u64> {
        if k == self.subparts.len() {
            // Every chosen class's parent must be chosen too.
            let ok = self.path.iter().all(|&c| {
                self.p.classes[c as usize]
                    .parent
                    .is_none_or(|par| self.path.contains(&par))
            });
            return ok.then_some(cost);
        }
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return None;
        }
        let sp = self.subparts[k];
        let mut cands: Vec<(u64, ClassId)> = self.p.subparts[sp as usize]
            .classes
            .clone()
            .filter(|&c| self.enrolled[c as usize] < self.p.classes[c as usize].limit)
            .filter(|&c| match self.p.classes[c as usize].parent {
                None => true,
                Some(par) => {
                    let psp = self.p.classes[par as usize].subpart;
                    // Decided already: the parent must be on the path.
                    match self.subparts[..k].iter().position(|&x| x == psp) {
                        Some(_) => self.path.contains(&par),
                        None => true,
                    }
                }
            })
            .map(|c| {
                let tie = (c as u64 ^ self.jitter).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 48;
                (self.conflicts(c) << 16 | tie, c)
            })
            .collect();
        cands.sort_unstable();
        for (key, c) in cands {
            self.path.push(c);
            if let Some(total) = self.dfs(k + 1, cost + (key >> 16)) {
                return Some(total);
            }
            self.path.pop();
            if self.nodes > MAX_NODES {
                return None;
            }
        }
        None
    }
}
