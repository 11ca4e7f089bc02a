//! The agent's view of a conflict: a small discrete state, so that what is learned on one
//! conflict carries over to others like it (and to the next run on the same campus).
//!
//! Four features, each in a few buckets:
//! - the rule broken (8);
//! - how constrained the focus lecture's course is: share of the week it may be taught in
//!   (under 1/2, under 5/6, more);
//! - clean places left for it now: periods where it would clash with nothing and a room is
//!   free (none, 1–3, more);
//! - how often it was tried already: earlier rounds plus steps of this episode (0, 1–2, 3+).

use super::conflict::Conflict;
use super::context::CourseContext;
use crate::eval::{IncrementalState, Rule};
use crate::model::RoomId;

const RULES: usize = 8;
const BUCKETS: usize = 3;

/// Number of distinct states.
pub const STATES: usize = RULES * BUCKETS * BUCKETS * BUCKETS;

/// Availability share below which a course counts as tightly constrained.
const TIGHT: f64 = 0.5;
/// Availability share below which a course counts as somewhat constrained.
const LOOSE: f64 = 5.0 / 6.0;
/// Clean places at most this many count as "few".
const FEW_PLACES: usize = 3;
/// Attempts at most this many count as "few".
const FEW_ATTEMPTS: u32 = 2;

fn rule_index(r: Rule) -> usize {
    match r {
        Rule::Lectures => 0,
        Rule::Conflicts => 1,
        Rule::Availability => 2,
        Rule::RoomOccupancy => 3,
        Rule::RoomCapacity => 4,
        Rule::MinWorkingDays => 5,
        Rule::CurriculumCompactness => 6,
        Rule::RoomStability => 7,
        // Campus rules share the state of the closest UD2 rule (the table keeps its size).
        Rule::RoomUnsuitable | Rule::RoomClosed | Rule::PastEndOfDay | Rule::PinNotKept => 2,
        Rule::TeacherPreference => 4,
        Rule::CurriculumDailyLimit | Rule::TeacherDailyLimit => 5,
        Rule::Moved => 7,
    }
}

/// Periods where the focus lecture could go without any hard violation (stopping at
/// `FEW_PLACES + 1`: only the bucket matters).
fn clean_places(state: &IncrementalState<'_>, conflict: &Conflict, ctx: &CourseContext) -> usize {
    let inst = state.instance();
    let l = conflict.focus;
    let c = state.timetable().course(l);
    let own = state.timetable().slot(l).get().map(|(p, _)| p);
    let mut n = 0;
    for &p in &ctx.periods {
        if Some(p) == own || state.has_lecture(c, p) {
            continue;
        }
        if state.clashes_at(c, p) > 0 {
            continue;
        }
        if (0..inst.rooms.len()).any(|r| state.room_load(p, RoomId(r as u16)) == 0) {
            n += 1;
            if n > FEW_PLACES {
                break;
            }
        }
    }
    n
}

/// The state index of `conflict` in `state`, `tried` attempts so far.
pub fn encode(
    state: &IncrementalState<'_>,
    conflict: &Conflict,
    ctx: &CourseContext,
    tried: u32,
) -> usize {
    let tight = if ctx.availability < TIGHT {
        0
    } else if ctx.availability < LOOSE {
        1
    } else {
        2
    };
    let places = match clean_places(state, conflict, ctx) {
        0 => 0,
        n if n <= FEW_PLACES => 1,
        _ => 2,
    };
    let tries = match tried {
        0 => 0,
        n if n <= FEW_ATTEMPTS => 1,
        _ => 2,
    };
    ((rule_index(conflict.rule) * BUCKETS + tight) * BUCKETS + places) * BUCKETS + tries
}
