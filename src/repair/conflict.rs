//! Conflicts: the entries of the evaluator's violation list that Stage 3 repairs, each
//! pinned to the lecture a repair will move first (its focus).

use serde::Serialize;

use super::context::ContextCache;
use crate::eval::{IncrementalState, Rule, Violation, evaluate};
use crate::model::{CourseId, Instance, LectureId, PeriodId, RoomId, Timetable};

/// One violation to repair.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Conflict {
    pub rule: Rule,
    /// Hard violations, or weighted soft cost, of the violation.
    pub cost: u32,
    /// The lecture a repair moves first.
    pub focus: LectureId,
    /// Another lecture involved (the other course of a clash, a room-mate), if any.
    pub partner: Option<LectureId>,
}

/// The conflicts of a timetable, hard first.
#[derive(Clone, Debug, Default)]
pub struct ConflictList {
    /// Hard conflicts in the evaluator's order, then the costliest soft ones.
    pub conflicts: Vec<Conflict>,
    /// Hard conflicts among them.
    pub hard: usize,
    /// Entries of the whole violation list (hard and soft).
    pub violations: usize,
}

/// Counts of the conflicts left, for progress and statistics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ConflictCount {
    pub hard: usize,
    pub total: usize,
}

/// The lecture of `c` occupying `p` (started there, or earlier the same day when it lasts
/// several periods).
fn lecture_at(tt: &Timetable, inst: &Instance, c: CourseId, p: PeriodId) -> Option<LectureId> {
    let extra = inst.n_lectures()..tt.len();
    let d = inst.duration(c) as usize;
    inst.lectures_of(c)
        .chain(extra.filter(|&l| tt.course(LectureId(l as u32)) == c))
        .map(|l| LectureId(l as u32))
        .find(|&l| {
            tt.slot(l).get().is_some_and(|(q, _)| {
                q == p || (inst.day_of(q) == inst.day_of(p) && q < p && p.idx() - q.idx() < d)
            })
        })
}

fn lectures_of<'a>(
    tt: &'a Timetable,
    inst: &Instance,
    c: CourseId,
) -> impl Iterator<Item = LectureId> + 'a {
    let extra = inst.n_lectures()..tt.len();
    inst.lectures_of(c)
        .chain(extra.filter(move |&l| tt.course(LectureId(l as u32)) == c))
        .map(|l| LectureId(l as u32))
}

/// Of several lectures, the one repaired least often so far (then the highest id), so
/// repeated rounds turn to the other side of a stubborn clash.
fn least_tried(ctx: &ContextCache, ls: impl Iterator<Item = LectureId>) -> Option<LectureId> {
    ls.min_by_key(|l| (ctx.attempts(l.idx()), std::cmp::Reverse(l.0)))
}

/// The focus (and partner) of violation `v` in `tt`, or `None` when no lecture can be
/// pinned to it.
fn pin(
    inst: &Instance,
    tt: &Timetable,
    ctx: &ContextCache,
    v: &Violation,
) -> Option<(LectureId, Option<LectureId>)> {
    let course = |i: usize| v.courses.get(i).copied();
    let period = v.periods.first().copied();
    match v.rule {
        Rule::Lectures => {
            let c = course(0)?;
            let l = lectures_of(tt, inst, c).find(|&l| !tt.slot(l).is_scheduled())?;
            Some((l, None))
        }
        Rule::Conflicts => {
            let p = period?;
            let a = lecture_at(tt, inst, course(0)?, p)?;
            let b = lecture_at(tt, inst, course(1)?, p)?;
            let f = least_tried(ctx, [a, b].into_iter())?;
            Some((f, Some(if f == a { b } else { a })))
        }
        // Campus rules: the lecture at the violation's first period, where there is one.
        Rule::RoomUnsuitable
        | Rule::RoomClosed
        | Rule::PastEndOfDay
        | Rule::PinNotKept
        | Rule::TeacherPreference
        | Rule::CurriculumDailyLimit
        | Rule::TeacherDailyLimit
        | Rule::Moved => Some((lecture_at(tt, inst, course(0)?, period?)?, None)),
        Rule::Availability | Rule::RoomCapacity => {
            Some((lecture_at(tt, inst, course(0)?, period?)?, None))
        }
        Rule::RoomOccupancy => {
            let (p, r) = (period?, *v.rooms.first()?);
            let here: Vec<LectureId> = (0..tt.len())
                .map(|l| LectureId(l as u32))
                .filter(|&l| tt.slot(l).get() == Some((p, r)))
                .collect();
            let f = least_tried(ctx, here.iter().copied())?;
            Some((f, here.iter().copied().find(|&o| o != f)))
        }
        Rule::MinWorkingDays => {
            // A lecture on a day the course already teaches on more than once.
            let c = course(0)?;
            let mut per_day = vec![0u32; inst.days as usize];
            for l in lectures_of(tt, inst, c) {
                if let Some((p, _)) = tt.slot(l).get() {
                    per_day[inst.day_of(p)] += 1;
                }
            }
            let doubled = lectures_of(tt, inst, c).filter(|&l| {
                tt.slot(l)
                    .get()
                    .is_some_and(|(p, _)| per_day[inst.day_of(p)] > 1)
            });
            Some((least_tried(ctx, doubled)?, None))
        }
        Rule::CurriculumCompactness => {
            let p = period?;
            let here = v.courses.iter().filter_map(|&c| lecture_at(tt, inst, c, p));
            Some((least_tried(ctx, here)?, None))
        }
        Rule::RoomStability => {
            // A lecture outside the room the course uses most.
            let c = course(0)?;
            let mut uses: Vec<(RoomId, u32)> = Vec::new();
            for l in lectures_of(tt, inst, c) {
                if let Some((_, r)) = tt.slot(l).get() {
                    match uses.iter_mut().find(|(x, _)| *x == r) {
                        Some(u) => u.1 += 1,
                        None => uses.push((r, 1)),
                    }
                }
            }
            let main = uses
                .iter()
                .max_by_key(|(r, n)| (*n, std::cmp::Reverse(*r)))?
                .0;
            let others = lectures_of(tt, inst, c)
                .filter(|&l| tt.slot(l).get().is_some_and(|(_, r)| r != main));
            Some((least_tried(ctx, others)?, None))
        }
    }
}

/// The conflicts of the state's timetable: every hard violation, then the `soft_limit`
/// costliest soft ones (ties in the evaluator's order).
pub fn collect(
    state: &IncrementalState<'_>,
    ctx: &ContextCache,
    soft_limit: usize,
) -> ConflictList {
    let inst = state.instance();
    let tt = state.timetable();
    let eval = evaluate(inst, tt);
    let violations = eval.violations.len();
    let mut hard = Vec::new();
    let mut soft = Vec::new();
    for v in &eval.violations {
        let Some((focus, partner)) = pin(inst, tt, ctx, v) else {
            continue;
        };
        // Pinned lectures are never moved: repair from the other side, or not at all.
        let (focus, partner) = match (inst.is_pinned(focus.idx()), partner) {
            (false, _) => (focus, partner),
            (true, Some(o)) if !inst.is_pinned(o.idx()) => (o, Some(focus)),
            (true, _) => continue,
        };
        let c = Conflict {
            rule: v.rule,
            cost: v.cost,
            focus,
            partner,
        };
        if v.rule.is_hard() {
            hard.push(c);
        } else {
            soft.push(c);
        }
    }
    soft.sort_by_key(|c| std::cmp::Reverse(c.cost)); // stable: ties keep evaluator order
    soft.truncate(soft_limit);
    let n_hard = hard.len();
    hard.extend(soft);
    ConflictList {
        conflicts: hard,
        hard: n_hard,
        violations,
    }
}

/// Unschedules the lectures of every course scheduled more often than the instance asks
/// (lectures read from a file beyond `NumLectures` first, then the highest ids): the only
/// repair of a "too many lectures" violation. Returns how many were unscheduled.
pub fn drop_extra_lectures(state: &mut IncrementalState<'_>) -> usize {
    let inst = state.instance();
    let mut dropped = 0;
    for ci in 0..inst.courses.len() {
        let c = CourseId(ci as u16);
        let need = inst.courses[ci].lectures as usize;
        let mut scheduled: Vec<LectureId> = lectures_of(state.timetable(), inst, c)
            .filter(|&l| state.timetable().slot(l).is_scheduled())
            .collect();
        while scheduled.len() > need {
            // Highest id first: extras come after the instance's own lectures.
            let l = scheduled.pop().expect("non-empty");
            state.move_lecture(l, crate::model::Slot::UNSCHEDULED);
            dropped += 1;
        }
    }
    dropped
}
