//! Stage 1: randomized greedy construction. Pinned lectures go first, to their pins (the
//! office fixed them; a pin that gives only a period or only a room is completed with the
//! best suitable open room or allowed start). Then lectures are placed most-constrained
//! course first (fewest usable starts per lecture, most conflicts), each at the period and
//! room that add no hard violation and cost least, ties broken at random so every island
//! starts from its own timetable. Only places inside a lecture's domain are ever used
//! ([`crate::evolve::domain`]): a start where all its periods fit in the day, a room that
//! suits the course and is open throughout, no overlap with its own course. A lecture with
//! no clean place is left unscheduled and reported with the reason, for the later stages
//! to resolve.
//!
//! [`complete`] does the same from a partial timetable, keeping what is already placed
//! (the start of a re-solve).

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rayon::prelude::*;
use serde::Serialize;
use web_time::Duration;

use crate::budget::Stop;
use crate::eval::{Cost, IncrementalState, score};
use crate::evolve::domain::{course_free, fits_pin, overlaps, place_ok, room_open, same_course};
use crate::evolve::island::island_seed;
use crate::evolve::operators::mutate;
use crate::model::{CourseId, Instance, LectureId, PeriodId, RoomId, Slot, Timetable};
use crate::options::SolverOptions;

/// Why a lecture could not be placed: how many periods each obstacle ruled out (each
/// period counted once, under the first obstacle in this order).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    pub course: String,
    pub lecture: u32,
    /// The lecture is pinned and no place its pin allows was free of clashes (a pinned
    /// lecture is never put anywhere else).
    pub pinned: bool,
    /// Periods where a lecture of the course would run past the end of its day.
    pub no_start_periods: u32,
    /// Periods where the course (or one of its teachers) is unavailable.
    pub unavailable_periods: u32,
    /// Periods already holding this course or a conflicting one.
    pub clashing_periods: u32,
    /// Periods where no room that suits the course is open for the whole lecture.
    pub no_room_periods: u32,
    /// Periods where every suitable open room was taken.
    pub full_periods: u32,
}

/// The constructed timetable and what it could not place.
#[derive(Clone, Debug)]
pub struct Construction {
    pub timetable: Timetable,
    pub unplaced: Vec<Unplaced>,
}

/// Builds a timetable for `inst`, randomized by `rng`.
pub fn construct(inst: &Instance, rng: &mut SmallRng) -> Construction {
    complete(inst, Timetable::empty(inst), rng)
}

/// The first population of a solve: `n` timetables, each with what it could not place.
///
/// From scratch (`start` is `None`), individual `k` is the best of
/// `construct_attempts` constructions seeded from `(seed, k)`, cut short once one exists
/// and `stop` says so or `attempts_until` (time since `stop` started) has passed. From `start` (a re-solve), `start` is fitted to `inst`'s lectures
/// (lectures a file listed beyond a course's count are dropped) and [`complete`]d; the
/// first individual is that timetable and the others are light perturbations of it
/// (`mutation_moves` random moves each), so the search starts next to the old timetable.
/// Built in parallel on the current rayon pool; the same seed gives the same population.
pub fn first_population(
    inst: &Instance,
    opts: &SolverOptions,
    stop: &Stop,
    attempts_until: Option<Duration>,
    n: usize,
    start: Option<Timetable>,
) -> Vec<(Timetable, Vec<Unplaced>)> {
    match start {
        None => (0..n)
            .into_par_iter()
            .map(|k| {
                let mut rng = SmallRng::seed_from_u64(island_seed(opts.seed ^ 0xC0FFEE, k));
                let mut best: Option<(Cost, Construction)> = None;
                for _ in 0..opts.construct_attempts {
                    if best.is_some()
                        && (stop.should_stop()
                            || attempts_until.is_some_and(|t| stop.elapsed() >= t))
                    {
                        break;
                    }
                    let c = construct(inst, &mut rng);
                    let cost = score(inst, &c.timetable).cost();
                    if best.as_ref().is_none_or(|(b, _)| cost < *b) {
                        best = Some((cost, c));
                    }
                }
                let (_, c) = best.expect("at least one construction");
                (c.timetable, c.unplaced)
            })
            .collect(),
        Some(start) => {
            let mut rng = SmallRng::seed_from_u64(island_seed(opts.seed ^ 0xC0FFEE, 0));
            let n_lectures = inst.n_lectures();
            let mut slots = start.slots().to_vec();
            slots.resize(n_lectures, Slot::UNSCHEDULED);
            slots.truncate(n_lectures);
            let start = Timetable::from_parts(inst.lecture_courses().clone(), slots);
            let base = complete(inst, start, &mut rng);
            (0..n)
                .into_par_iter()
                .map(|k| {
                    let mut tt = base.timetable.clone();
                    if k > 0 {
                        let mut rng = SmallRng::seed_from_u64(island_seed(opts.seed ^ 0x5EED, k));
                        mutate(inst, &mut tt, opts.mutation_moves.max(1), &mut rng);
                    }
                    (tt, base.unplaced.clone())
                })
                .collect()
        }
    }
}

/// Completes `start` (a timetable of `inst`'s lectures, e.g. the previous timetable read
/// against an edited instance): every placement outside its lecture's domain is taken out
/// (a room that closed, a lecture that grew past its day, a pinned lecture away from its
/// pin, an overlap within a course), pinned lectures go to their pins, and then every
/// unscheduled lecture is placed as [`construct`] places it. Lectures already placed and
/// allowed stay where they are.
pub fn complete(inst: &Instance, start: Timetable, rng: &mut SmallRng) -> Construction {
    let mut tt = start;
    sanitize(inst, &mut tt);
    let mut unplaced = Vec::new();
    let nr = inst.rooms.len();
    let np = inst.n_periods();
    if nr == 0 || np == 0 {
        let state = IncrementalState::new(inst, tt);
        let unplaced = unplaced_all(inst, &state);
        return Construction {
            timetable: state.into_timetable(),
            unplaced,
        };
    }
    let failed_pins = place_pins(inst, &mut tt, rng);
    let mut state = IncrementalState::new(inst, tt);
    for l in failed_pins {
        let c = state.timetable().course(l);
        let mut u = explain(inst, &state, c, l);
        u.pinned = true;
        unplaced.push(u);
    }

    // Most constrained first: usable starts per lecture, then conflict degree; a random
    // key breaks ties (and perturbs near-ties) so orders differ between islands.
    let mut order: Vec<(f64, CourseId)> = (0..inst.courses.len())
        .map(|ci| {
            let c = CourseId(ci as u16);
            let avail = (0..np)
                .map(|p| PeriodId(p as u16))
                .filter(|&p| inst.can_start(c, p) && !unavailable_over(inst, c, p))
                .count() as f64;
            let lectures = inst.courses[ci].lectures.max(1) as f64;
            let degree = inst.conflicting(c).len() as f64;
            let key = avail / lectures - 0.5 * degree.sqrt() + rng.random_range(0.0..1.0);
            (key, c)
        })
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));
    let by_capacity = RoomsByCapacity::new(inst);

    for &(_, c) in &order {
        for l in inst.lectures_of(c) {
            let l = LectureId(l as u32);
            if inst.is_pinned(l.idx()) || state.timetable().slot(l).is_scheduled() {
                continue;
            }
            match best_place(inst, &mut state, &by_capacity, l, rng, true) {
                Some(slot) => {
                    state.move_lecture(l, slot);
                }
                None => {
                    // No clean place: record why, then place it where it hurts least so
                    // the local search starts from a complete timetable.
                    unplaced.push(explain(inst, &state, c, l));
                    if let Some(slot) = best_place(inst, &mut state, &by_capacity, l, rng, false)
                        .or_else(|| any_place(inst, &mut state, l, rng))
                    {
                        state.move_lecture(l, slot);
                    }
                }
            }
        }
    }
    Construction {
        timetable: state.into_timetable(),
        unplaced,
    }
}

/// True when `c` is unavailable at any period a lecture starting at `p` occupies.
fn unavailable_over(inst: &Instance, c: CourseId, p: PeriodId) -> bool {
    (0..inst.duration(c)).any(|k| inst.is_unavailable(c, PeriodId(p.0 + k)))
}

/// Takes out of `tt` every placement a solver may not keep: outside the instance's grid
/// or rooms, outside the lecture's domain, a pinned lecture away from its pin, and the
/// later of two overlapping lectures of one course (pinned lectures, the course's last,
/// are kept first). Returns how many lectures it unscheduled.
pub fn sanitize(inst: &Instance, tt: &mut Timetable) -> usize {
    let mut dropped = 0;
    for i in 0..tt.len() {
        let l = LectureId(i as u32);
        let Some((p, r)) = tt.slot(l).get() else {
            continue;
        };
        let c = tt.course(l);
        let ok =
            place_ok(inst, c, p, r) && inst.pin_of(i).is_none_or(|pin| fits_pin(pin, tt.slot(l)));
        if !ok {
            tt.set(l, Slot::UNSCHEDULED);
            dropped += 1;
        }
    }
    for ci in 0..inst.courses.len() {
        let c = CourseId(ci as u16);
        let ls: Vec<LectureId> = same_course(inst, tt, c).collect();
        // Pinned lectures are the course's last instance lectures: walk the instance's
        // lectures backwards so they are kept first, then the file's extras.
        let n_own = inst.lectures_of(c).len().min(ls.len());
        let order = ls[..n_own].iter().rev().chain(&ls[n_own..]);
        let mut kept: Vec<PeriodId> = Vec::new();
        for &l in order {
            if let Some((p, _)) = tt.slot(l).get() {
                if kept.iter().any(|&q| overlaps(inst, c, p, q)) {
                    tt.set(l, Slot::UNSCHEDULED);
                    dropped += 1;
                } else {
                    kept.push(p);
                }
            }
        }
    }
    dropped
}

/// Places every unscheduled pinned lecture at a place its pin allows: the pin's period
/// and room when both are given, else the allowed completion with the fewest clashes
/// against what is placed so far, then the least room excess (ties at random). Returns
/// the pinned lectures no allowed place exists for (they stay unscheduled).
fn place_pins(inst: &Instance, tt: &mut Timetable, rng: &mut SmallRng) -> Vec<LectureId> {
    let mut failed = Vec::new();
    if !inst.has_pins() {
        return failed;
    }
    let np = inst.n_periods();
    let nr = inst.rooms.len();
    // Occupancy of what is placed: rooms per period, courses per period.
    let mut room_occ = vec![0u32; np * nr];
    let mut courses_at: Vec<Vec<CourseId>> = vec![Vec::new(); np];
    let occupy = |tt: &Timetable,
                  l: LectureId,
                  room_occ: &mut Vec<u32>,
                  courses_at: &mut Vec<Vec<CourseId>>| {
        if let Some((p, r)) = tt.slot(l).get() {
            let c = tt.course(l);
            let d = inst.duration(c) as usize;
            let end = (inst.day_of(p) + 1) * inst.periods_per_day as usize;
            for q in p.idx()..(p.idx() + d).min(end) {
                room_occ[q * nr + r.idx()] += 1;
                courses_at[q].push(c);
            }
        }
    };
    for i in 0..tt.len() {
        occupy(tt, LectureId(i as u32), &mut room_occ, &mut courses_at);
    }
    for i in 0..inst.n_lectures().min(tt.len()) {
        let l = LectureId(i as u32);
        let Some(pin) = inst.pin_of(i) else { continue };
        if tt.slot(l).is_scheduled() {
            continue;
        }
        let c = tt.course(l);
        let d = inst.duration(c) as usize;
        let periods: Vec<PeriodId> = match pin.period {
            Some(p) => vec![p],
            None => (0..np).map(|p| PeriodId(p as u16)).collect(),
        };
        let rooms: Vec<RoomId> = match pin.room {
            Some(r) => vec![r],
            None => (0..nr).map(|r| RoomId(r as u16)).collect(),
        };
        let mut best: Option<(u64, u32, u32, Slot)> = None;
        for &p in &periods {
            if p.idx() >= np || !inst.can_start(c, p) || !course_free(inst, tt, l, p) {
                continue;
            }
            let range = p.idx()..p.idx() + d;
            let clashes: u64 = range
                .clone()
                .map(|q| {
                    inst.is_unavailable(c, PeriodId(q as u16)) as u64
                        + courses_at[q]
                            .iter()
                            .filter(|&&o| o == c || inst.in_conflict(c, o))
                            .count() as u64
                })
                .sum();
            for &r in &rooms {
                if r.idx() >= nr || !room_open(inst, c, r, p) {
                    continue;
                }
                let busy: u64 = range
                    .clone()
                    .map(|q| room_occ[q * nr + r.idx()] as u64)
                    .sum();
                let key = clashes + busy;
                let excess = inst.excess(c, r);
                let tie: u32 = rng.random();
                if best.is_none_or(|(k, e, t, _)| (key, excess, tie) < (k, e, t)) {
                    best = Some((key, excess, tie, Slot::at(p, r)));
                }
            }
        }
        match best {
            Some((_, _, _, slot)) => {
                tt.set(l, slot);
                occupy(tt, l, &mut room_occ, &mut courses_at);
            }
            None => failed.push(l),
        }
    }
    failed
}

/// True when room `r` holds nothing over the periods a lecture of `c` starting at `p`
/// occupies.
fn room_free(state: &IncrementalState<'_>, c: CourseId, p: PeriodId, r: RoomId) -> bool {
    (0..state.instance().duration(c)).all(|k| state.room_load(PeriodId(p.0 + k), r) == 0)
}

/// Every course's suitable rooms in increasing capacity (ties by index), so that
/// [`candidate_rooms`] finds the smallest room that seats everyone and the largest one by
/// scanning from either end and stopping at the first free one, instead of reading every
/// room of the instance for every period (which made construction grow with lectures ×
/// rooms: 74% of a 3,000-course campus's solve time before this).
struct RoomsByCapacity {
    /// Indices into `lists`: course → its list (courses open to every room share list 0).
    of_course: Vec<usize>,
    lists: Vec<Vec<RoomId>>,
}

impl RoomsByCapacity {
    fn new(inst: &Instance) -> Self {
        let sorted = |rooms: &mut Vec<RoomId>| {
            rooms.sort_by_key(|r| (inst.rooms[r.idx()].capacity, r.0));
        };
        let mut all: Vec<RoomId> = (0..inst.rooms.len()).map(|r| RoomId(r as u16)).collect();
        sorted(&mut all);
        let mut lists = vec![all];
        let of_course = inst
            .courses
            .iter()
            .map(|c| match &c.rooms {
                None => 0,
                Some(rooms) => {
                    let mut v = rooms.clone();
                    v.dedup();
                    sorted(&mut v);
                    lists.push(v);
                    lists.len() - 1
                }
            })
            .collect();
        RoomsByCapacity { of_course, lists }
    }

    fn of(&self, c: CourseId) -> &[RoomId] {
        &self.lists[self.of_course[c.idx()]]
    }
}

/// Candidate rooms at `p` for course `c`, among the rooms that suit it, are open and are
/// free over the whole lecture: the room the course already uses, the smallest such room
/// that seats everyone, and the largest (ties: the lower room index).
fn candidate_rooms(
    inst: &Instance,
    state: &IncrementalState<'_>,
    by_capacity: &RoomsByCapacity,
    c: CourseId,
    p: PeriodId,
    used: Option<RoomId>,
    out: &mut Vec<RoomId>,
) {
    out.clear();
    if let Some(r) = used
        && room_open(inst, c, r, p)
        && room_free(state, c, p, r)
    {
        out.push(r);
    }
    let usable = |r: RoomId| room_open(inst, c, r, p) && room_free(state, c, p, r);
    let rooms = by_capacity.of(c);
    let cap = |r: RoomId| inst.rooms[r.idx()].capacity;
    let students = inst.courses[c.idx()].students;
    let seats_all = rooms.partition_point(|&r| cap(r) < students);
    let fit = rooms[seats_all..].iter().copied().find(|&r| usable(r));
    // The largest usable capacity, then the lowest index among the usable rooms of it.
    let mut largest: Option<RoomId> = None;
    for &r in rooms.iter().rev() {
        match largest {
            Some(l) if cap(r) < cap(l) => break,
            _ if usable(r) => largest = Some(r),
            _ => {}
        }
    }
    for r in [fit, largest].into_iter().flatten() {
        if !out.contains(&r) {
            out.push(r);
        }
    }
}

/// The room of a placed sibling lecture (room stability), if any.
fn sibling_room(inst: &Instance, state: &IncrementalState<'_>, c: CourseId) -> Option<RoomId> {
    inst.lectures_of(c)
        .filter_map(|m| state.timetable().slot(LectureId(m as u32)).get())
        .map(|(_, r)| r)
        .next()
}

fn best_place(
    inst: &Instance,
    state: &mut IncrementalState<'_>,
    by_capacity: &RoomsByCapacity,
    l: LectureId,
    rng: &mut SmallRng,
    clean_only: bool,
) -> Option<Slot> {
    let c = state.timetable().course(l);
    let used = sibling_room(inst, state, c);
    let mut rooms = Vec::with_capacity(3);
    let mut best: Option<((i64, i64), u32, Slot)> = None;
    for p in 0..inst.n_periods() {
        let p = PeriodId(p as u16);
        if !inst.can_start(c, p) || !course_free(inst, state.timetable(), l, p) {
            continue;
        }
        candidate_rooms(inst, state, by_capacity, c, p, used, &mut rooms);
        for &r in &rooms {
            let slot = Slot::at(p, r);
            if !state.can_move(l, slot) {
                continue;
            }
            let (dh, ds) = state.peek_move(l, slot);
            // Placing removes one missing-lecture violation; anything more is a new clash.
            if clean_only && dh > -1 {
                continue;
            }
            // Lexicographic: any new clash is worse than any soft cost (not a weight to tune).
            let key = (dh, ds);
            let tie: u32 = rng.random();
            if best.is_none_or(|(bs, bt, _)| (key, tie) < (bs, bt)) {
                best = Some((key, tie, slot));
            }
        }
    }
    best.map(|b| b.2)
}

/// The last resort for a lecture with no free room anywhere: the allowed place (any
/// suitable open room, occupied or not) that hurts least.
fn any_place(
    inst: &Instance,
    state: &mut IncrementalState<'_>,
    l: LectureId,
    rng: &mut SmallRng,
) -> Option<Slot> {
    let c = state.timetable().course(l);
    let mut best: Option<((i64, i64), u32, Slot)> = None;
    for p in 0..inst.n_periods() {
        let p = PeriodId(p as u16);
        if !inst.can_start(c, p) || !course_free(inst, state.timetable(), l, p) {
            continue;
        }
        for r in 0..inst.rooms.len() {
            let slot = Slot::at(p, RoomId(r as u16));
            if !room_open(inst, c, RoomId(r as u16), p) || !state.can_move(l, slot) {
                continue;
            }
            let (dh, ds) = state.peek_move(l, slot);
            // Lexicographic: any new clash is worse than any soft cost (not a weight to tune).
            let key = (dh, ds);
            let tie: u32 = rng.random();
            if best.is_none_or(|(bs, bt, _)| (key, tie) < (bs, bt)) {
                best = Some((key, tie, slot));
            }
        }
    }
    best.map(|b| b.2)
}

fn explain(inst: &Instance, state: &IncrementalState<'_>, c: CourseId, l: LectureId) -> Unplaced {
    let mut u = Unplaced {
        course: inst.courses[c.idx()].name.clone(),
        lecture: l.0,
        pinned: false,
        no_start_periods: 0,
        unavailable_periods: 0,
        clashing_periods: 0,
        no_room_periods: 0,
        full_periods: 0,
    };
    let d = inst.duration(c);
    for p in 0..inst.n_periods() {
        let p = PeriodId(p as u16);
        let occupied = || (0..d).map(|k| PeriodId(p.0 + k));
        if !inst.can_start(c, p) {
            u.no_start_periods += 1;
        } else if unavailable_over(inst, c, p) {
            u.unavailable_periods += 1;
        } else if !course_free(inst, state.timetable(), l, p)
            || occupied().any(|q| {
                state.has_lecture(c, q)
                    || inst.conflicting(c).iter().any(|&o| state.has_lecture(o, q))
            })
        {
            u.clashing_periods += 1;
        } else {
            let open: Vec<RoomId> = (0..inst.rooms.len())
                .map(|r| RoomId(r as u16))
                .filter(|&r| room_open(inst, c, r, p))
                .collect();
            if open.is_empty() {
                u.no_room_periods += 1;
            } else if open.iter().all(|&r| !room_free(state, c, p, r)) {
                u.full_periods += 1;
            }
        }
    }
    u
}

fn unplaced_all(inst: &Instance, state: &IncrementalState<'_>) -> Vec<Unplaced> {
    (0..inst.n_lectures())
        .map(|l| {
            let l = LectureId(l as u32);
            let mut u = explain(inst, state, state.timetable().course(l), l);
            u.pinned = inst.is_pinned(l.idx());
            u
        })
        .collect()
}
