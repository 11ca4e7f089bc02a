//! Stage 1: randomized greedy construction. Lectures are placed most-constrained course
//! first (fewest usable periods per lecture, most conflicts), each at the period and room
//! that add no hard violation and cost least, ties broken at random so every island starts
//! from its own timetable. A lecture with no clean place is left unscheduled and reported
//! with the reason, for the later stages to resolve.

use rand::Rng;
use rand::rngs::SmallRng;
use serde::Serialize;

use crate::eval::IncrementalState;
use crate::model::{CourseId, Instance, LectureId, PeriodId, RoomId, Slot, Timetable};

/// Weight of a new hard violation against soft cost when no clean place exists: any clash
/// is worse than any soft cost a single lecture can add.
const HARD_WEIGHT: i64 = 1_000_000;

/// Why a lecture could not be placed: how many periods each obstacle ruled out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Unplaced {
    pub course: String,
    pub lecture: u32,
    /// Periods where the course is unavailable.
    pub unavailable_periods: u32,
    /// Periods already holding this course or a conflicting one.
    pub clashing_periods: u32,
    /// Periods where every room was taken.
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
    let np = inst.n_periods();
    let nr = inst.rooms.len();
    let mut state = IncrementalState::new(inst, Timetable::empty(inst));
    if nr == 0 || np == 0 {
        let unplaced = unplaced_all(inst, &state);
        return Construction {
            timetable: state.into_timetable(),
            unplaced,
        };
    }

    // Most constrained first: usable periods per lecture, then conflict degree; a random
    // key breaks ties (and perturbs near-ties) so orders differ between islands.
    let mut order: Vec<(f64, CourseId)> = (0..inst.courses.len())
        .map(|ci| {
            let c = CourseId(ci as u16);
            let avail = (0..np)
                .filter(|&p| !inst.is_unavailable(c, PeriodId(p as u16)))
                .count() as f64;
            let lectures = inst.courses[ci].lectures.max(1) as f64;
            let degree = inst.conflicting(c).len() as f64;
            let key = avail / lectures - 0.5 * degree.sqrt() + rng.random_range(0.0..1.0);
            (key, c)
        })
        .collect();
    order.sort_by(|a, b| a.0.total_cmp(&b.0));

    let mut unplaced = Vec::new();
    for &(_, c) in &order {
        for l in inst.lectures_of(c) {
            let l = LectureId(l as u32);
            match best_place(inst, &mut state, l, rng, true) {
                Some(slot) => {
                    state.move_lecture(l, slot);
                }
                None => {
                    // No clean place: record why, then place it where it hurts least so
                    // the local search starts from a complete timetable.
                    unplaced.push(explain(inst, &state, c, l));
                    if let Some(slot) = best_place(inst, &mut state, l, rng, false) {
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

/// Candidate rooms at `p` for course `c`: the room the course already uses, the smallest
/// free room that seats everyone, and the largest free room.
fn candidate_rooms(
    inst: &Instance,
    state: &IncrementalState<'_>,
    c: CourseId,
    p: PeriodId,
    used: Option<RoomId>,
    out: &mut Vec<RoomId>,
) {
    out.clear();
    if let Some(r) = used
        && state.room_load(p, r) == 0
    {
        out.push(r);
    }
    let students = inst.courses[c.idx()].students;
    let mut fit: Option<RoomId> = None;
    let mut largest: Option<RoomId> = None;
    for ri in 0..inst.rooms.len() {
        let r = RoomId(ri as u16);
        if state.room_load(p, r) > 0 {
            continue;
        }
        let cap = inst.rooms[ri].capacity;
        if cap >= students && fit.is_none_or(|f| cap < inst.rooms[f.idx()].capacity) {
            fit = Some(r);
        }
        if largest.is_none_or(|f| cap > inst.rooms[f.idx()].capacity) {
            largest = Some(r);
        }
    }
    for r in [fit, largest].into_iter().flatten() {
        if !out.contains(&r) {
            out.push(r);
        }
    }
}

fn best_place(
    inst: &Instance,
    state: &mut IncrementalState<'_>,
    l: LectureId,
    rng: &mut SmallRng,
    clean_only: bool,
) -> Option<Slot> {
    let c = state.timetable().course(l);
    let used = inst
        .lectures_of(c)
        .filter_map(|m| state.timetable().slot(LectureId(m as u32)).get())
        .map(|(_, r)| r)
        .next();
    let mut rooms = Vec::with_capacity(3);
    let mut best: Option<(i64, u32, Slot)> = None;
    for p in 0..inst.n_periods() {
        let p = PeriodId(p as u16);
        if state.has_lecture(c, p) {
            continue;
        }
        candidate_rooms(inst, state, c, p, used, &mut rooms);
        for &r in &rooms {
            let slot = Slot::at(p, r);
            let (dh, ds) = state.peek_move(l, slot);
            // Placing removes one missing-lecture violation; anything more is a new clash.
            if clean_only && dh > -1 {
                continue;
            }
            let key = dh * HARD_WEIGHT + ds;
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
        unavailable_periods: 0,
        clashing_periods: 0,
        full_periods: 0,
    };
    for p in 0..inst.n_periods() {
        let p = PeriodId(p as u16);
        if inst.is_unavailable(c, p) {
            u.unavailable_periods += 1;
        } else if state.has_lecture(c, p)
            || inst.conflicting(c).iter().any(|&o| state.has_lecture(o, p))
        {
            u.clashing_periods += 1;
        } else if (0..inst.rooms.len()).all(|r| state.room_load(p, RoomId(r as u16)) > 0) {
            u.full_periods += 1;
        }
    }
    u
}

fn unplaced_all(inst: &Instance, state: &IncrementalState<'_>) -> Vec<Unplaced> {
    (0..inst.n_lectures())
        .map(|l| {
            let l = LectureId(l as u32);
            explain(inst, state, state.timetable().course(l), l)
        })
        .collect()
}
