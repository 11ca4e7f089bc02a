//! "Lectures moved": how far a timetable is from a reference timetable (the one a user
//! brought, last week's before an edit). Computed here once for every front end — the
//! evaluator's `changes` component (docs/RULES.md), `solve --from`, `atoll repair`, the
//! page's re-solve — with one JSON shape.
//!
//! Lectures of a course are interchangeable, so a move is counted per course, not per
//! lecture index: of a course's placed lectures, those that stand on a slot (period and
//! room) the course had in the reference are not moved (multiset intersection); of the
//! rest, up to `min(placed, reference)` are moved. An extra lecture (the course gained
//! one) or a missing one is not a move: it had nowhere to stay. Among the moved ones,
//! those that kept a period the course had in the reference, only in another room, are
//! *room-only* moves (a room change is a notice on the door; a period change is a phone
//! call to every student), the others *period* moves.

use serde::Serialize;

use super::ids::{CourseId, LectureId, Slot};
use super::instance::Instance;
use super::timetable::Timetable;

impl Instance {
    /// This instance with `old` as the reference timetable: every lecture placed away from
    /// the slots its course had there costs `weights.changes` (re-solve with few changes).
    /// `old` must be a timetable of this instance (read against it).
    pub fn with_reference(&self, old: &Timetable) -> Instance {
        let mut per_course = vec![Vec::new(); self.courses.len()];
        for (l, slot) in old.slots().iter().enumerate() {
            if slot.is_scheduled() {
                per_course[old.course(LectureId(l as u32)).idx()].push(*slot);
            }
        }
        for v in &mut per_course {
            v.sort();
        }
        self.with_reference_slots(per_course)
    }
}

/// What kind of move a moved lecture made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MoveKind {
    /// Same period as in the reference, another room.
    RoomOnly,
    /// Another period (and perhaps room).
    Period,
}

/// A place in the week, by names a person reads (0-based day and period of the day, as
/// `.sol` files count them).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Place {
    pub day: usize,
    pub period: usize,
    pub room: String,
}

impl Place {
    fn of(inst: &Instance, slot: Slot) -> Place {
        let (p, r) = slot.get().expect("moves pair scheduled slots only");
        Place {
            day: inst.day_of(p),
            period: inst.period_of_day(p),
            room: inst.rooms[r.idx()].name.clone(),
        }
    }
}

/// One moved lecture: where its course had it in the reference and where it is now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct MovedLecture {
    /// The lecture's index in the timetable (lectures of a course are interchangeable:
    /// this is the one standing at `to`).
    pub lecture: u32,
    pub course: String,
    pub from: Place,
    pub to: Place,
    pub kind: MoveKind,
}

/// How many lectures moved away from a reference timetable, of which kind, and which.
/// The one shape every front end prints (`moved` and `of` were the whole of it before;
/// readers of those two keep working).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Moves {
    /// Lectures not at a slot their course had in the reference (`room_only + period`).
    pub moved: usize,
    /// Of those, the ones that kept a reference period, in another room.
    pub room_only: usize,
    /// The ones that changed period.
    pub period: usize,
    /// Lectures that had a place in the reference: `Σ min(the course's lectures in the
    /// instance, its reference lectures)` (the "of M" in "moved N of M lectures").
    pub of: usize,
    /// Every moved lecture, by course and lecture index.
    pub lectures: Vec<MovedLecture>,
}

/// Moves of one course's lectures: `placed` are `(slot, lecture)` pairs of its scheduled
/// lectures, `reference` the course's reference slots. Returns (moved, of) and calls
/// `each(lecture, from, to, kind)` per moved lecture. `reference` need not be sorted.
fn course_moves(
    mut placed: Vec<(Slot, LectureId)>,
    reference: &[Slot],
    mut each: impl FnMut(LectureId, Slot, Slot, MoveKind),
) -> (usize, usize) {
    let mut reference = reference.to_vec();
    reference.sort_unstable();
    placed.sort_unstable();
    let of = placed.len().min(reference.len());
    // Exact matches (the multiset intersection), by a merge walk.
    let (mut left_p, mut left_r) = (Vec::new(), Vec::new());
    let (mut i, mut j) = (0, 0);
    while i < placed.len() || j < reference.len() {
        match (placed.get(i), reference.get(j)) {
            (Some(&(a, _)), Some(&b)) if a == b => {
                i += 1;
                j += 1;
            }
            (Some(&(a, l)), Some(&b)) if a < b => {
                left_p.push((a, l));
                i += 1;
            }
            (Some(_), Some(&b)) => {
                left_r.push(Some(b));
                j += 1;
            }
            (Some(&p), None) => {
                left_p.push(p);
                i += 1;
            }
            (None, Some(&b)) => {
                left_r.push(Some(b));
                j += 1;
            }
            (None, None) => unreachable!("the loop condition"),
        }
    }
    let sorted: Vec<Slot> = placed.iter().map(|&(s, _)| s).collect();
    let moved = course_moved(&sorted, &reference) as usize;
    debug_assert_eq!(moved, of - (placed.len() - left_p.len()));
    // Room-only first: a lecture paired with a reference slot of its own period.
    let period_of = |s: Slot| s.get().map(|(p, _)| p);
    let mut unpaired = Vec::new();
    for &(to, l) in &left_p {
        let same = left_r
            .iter()
            .position(|r| r.is_some_and(|r| period_of(r) == period_of(to)));
        match same {
            Some(k) => {
                let from = left_r[k].take().expect("found above");
                each(l, from, to, MoveKind::RoomOnly);
            }
            None => unpaired.push((to, l)),
        }
    }
    // The rest pair in order, as long as reference slots are left (beyond them a lecture
    // is an extra one, not a move).
    let mut rest = left_r.into_iter().flatten();
    for (to, l) in unpaired {
        let Some(from) = rest.next() else { break };
        each(l, from, to, MoveKind::Period);
    }
    (moved, of)
}

/// How many of a course's `placed` slots are not at one of its `reference` slots, both
/// lists sorted: `min(placed, reference) − |placed ∩ reference|` (multiset). The one count
/// of moved lectures: the evaluator's `changes` component and [`Moves::moved`] are this.
/// A merge walk, no allocation: the evaluator calls it per course per evaluation.
pub fn course_moved(placed: &[Slot], reference: &[Slot]) -> u32 {
    debug_assert!(placed.is_sorted() && reference.is_sorted());
    let (mut i, mut j, mut matched) = (0, 0, 0);
    while i < placed.len() && j < reference.len() {
        match placed[i].cmp(&reference[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                matched += 1;
                i += 1;
                j += 1;
            }
        }
    }
    (placed.len().min(reference.len()) - matched) as u32
}

impl Moves {
    /// The moves of `tt` against per-course reference slots `reference_of(c)`.
    fn compute<'a>(
        inst: &Instance,
        tt: &Timetable,
        reference_of: impl Fn(CourseId) -> &'a [Slot],
    ) -> Moves {
        let mut placed: Vec<Vec<(Slot, LectureId)>> = vec![Vec::new(); inst.courses.len()];
        for (l, slot) in tt.slots().iter().enumerate() {
            let l = LectureId(l as u32);
            if slot.is_scheduled() {
                placed[tt.course(l).idx()].push((*slot, l));
            }
        }
        let mut out = Moves::default();
        for (ci, p) in placed.into_iter().enumerate() {
            let c = CourseId(ci as u16);
            let reference = reference_of(c);
            let (moved, _) = course_moves(p, reference, |l, from, to, kind| {
                out.lectures.push(MovedLecture {
                    lecture: l.0,
                    course: inst.courses[ci].name.clone(),
                    from: Place::of(inst, from),
                    to: Place::of(inst, to),
                    kind,
                });
            });
            out.moved += moved;
            out.of += reference.len().min(inst.courses[ci].lectures as usize);
        }
        out.room_only = out
            .lectures
            .iter()
            .filter(|m| m.kind == MoveKind::RoomOnly)
            .count();
        out.period = out.moved - out.room_only;
        out
    }

    /// The moves of `tt` away from the reference timetable `inst` carries
    /// ([`Instance::with_reference`]); `None` when it carries none.
    pub fn from_reference(inst: &Instance, tt: &Timetable) -> Option<Moves> {
        if !inst.has_reference() {
            return None;
        }
        Some(Moves::compute(inst, tt, |c| {
            inst.reference_of(c).unwrap_or(&[])
        }))
    }

    /// The moves of `new` away from `old`, two timetables of `inst`.
    pub fn between(inst: &Instance, old: &Timetable, new: &Timetable) -> Moves {
        let mut per_course = vec![Vec::new(); inst.courses.len()];
        for (l, slot) in old.slots().iter().enumerate() {
            if slot.is_scheduled() {
                per_course[old.course(LectureId(l as u32)).idx()].push(*slot);
            }
        }
        Moves::compute(inst, new, |c| per_course[c.idx()].as_slice())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{PeriodId, RoomId};

    fn s(p: u16, r: u16) -> Slot {
        Slot::at(PeriodId(p), RoomId(r))
    }

    #[test]
    fn per_course_kinds_and_counts() {
        let mut seen = Vec::new();
        let placed = vec![
            (s(1, 0), LectureId(0)), // stays
            (s(2, 1), LectureId(1)), // room-only (period 2 was in room 0)
            (s(5, 0), LectureId(2)), // period move (from 3)
            (s(6, 0), LectureId(3)), // period move (from 4)
        ];
        let reference = [s(1, 0), s(2, 0), s(3, 0), s(4, 0)];
        let (moved, of) = course_moves(placed, &reference, |l, f, t, k| seen.push((l, f, t, k)));
        assert_eq!((moved, of), (3, 4));
        assert_eq!(seen.len(), 3);
        assert_eq!(
            seen[0],
            (LectureId(1), s(2, 0), s(2, 1), MoveKind::RoomOnly)
        );
        assert_eq!(seen[1].3, MoveKind::Period);
        assert_eq!(seen[2].3, MoveKind::Period);
    }

    #[test]
    fn extras_and_missing_lectures_are_not_moves() {
        // One more lecture than the reference had: only the reference's count can move.
        let placed = vec![(s(1, 0), LectureId(0)), (s(7, 0), LectureId(1))];
        assert_eq!(course_moves(placed, &[s(1, 0)], |_, _, _, _| {}), (0, 1));
        // One fewer: the lecture left stays where one was.
        let placed = vec![(s(2, 0), LectureId(0))];
        assert_eq!(
            course_moves(placed, &[s(2, 0), s(3, 0)], |_, _, _, _| {}),
            (0, 1)
        );
        // Interchangeable lectures exchanged: nothing moved.
        let placed = vec![(s(3, 0), LectureId(0)), (s(2, 0), LectureId(1))];
        assert_eq!(course_moved(&[s(2, 0), s(3, 0)], &[s(2, 0), s(3, 0)]), 0);
        assert_eq!(
            course_moves(placed, &[s(2, 0), s(3, 0)], |_, _, _, _| {}),
            (0, 2)
        );
    }
}
