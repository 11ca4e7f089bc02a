//! The counters of a timetable as the kernel reads them, kept current move by move (only
//! changed words are uploaded again), and the check of the kernel's deltas against the
//! CPU's exact ones.

use serde::Serialize;

use super::{FORBIDDEN, Layout};
use crate::eval::IncrementalState;
use crate::model::{CourseId, Instance, LectureId, PeriodId, RoomId, Slot, Timetable};

/// Unchanged words an upload run may carry to join the next changed word (see
/// [`Counters::take_dirty`]).
pub const MERGE_GAP: usize = 16;

/// The counters of one timetable as the kernel reads them (the state buffer), kept current
/// move by move, remembering which words changed so only those are uploaded again.
#[derive(Clone, Debug)]
pub struct Counters {
    pub layout: Layout,
    pub words: Vec<u32>,
    dirty: Vec<usize>,
    lecture_course: Vec<u16>,
    curricula: Vec<Vec<u16>>,
}

impl Counters {
    /// The counters of `tt` (every word dirty).
    pub fn new(inst: &Instance, tt: &Timetable) -> Counters {
        let layout = Layout::of(inst);
        let mut c = Counters {
            words: vec![0; layout.state_words],
            layout,
            dirty: Vec::new(),
            lecture_course: inst.lecture_courses().iter().map(|c| c.0).collect(),
            curricula: (0..inst.courses.len())
                .map(|c| {
                    inst.curricula_of(CourseId(c as u16))
                        .iter()
                        .map(|g| g.0)
                        .collect()
                })
                .collect(),
        };
        for l in 0..c.layout.nl {
            c.words[c.layout.s_slot + l] = Slot::UNSCHEDULED.0;
        }
        for (l, s) in tt.slots().iter().enumerate().take(c.layout.nl) {
            if let Some((p, r)) = s.get() {
                c.place(l, p.idx(), r.idx(), true);
            }
        }
        c.dirty.clear();
        c
    }

    fn bump(&mut self, i: usize, up: bool) -> u32 {
        let w = &mut self.words[i];
        *w = if up { *w + 1 } else { *w - 1 };
        self.dirty.push(i);
        *w
    }

    /// Adds (`up`) or removes lecture `l` at `(p, r)`.
    fn place(&mut self, l: usize, p: usize, r: usize, up: bool) {
        let lay = self.layout.clone();
        let c = self.lecture_course[l] as usize;
        let d = p / lay.ppd;
        self.words[lay.s_slot + l] = if up {
            Slot::at(PeriodId(p as u16), RoomId(r as u16)).0
        } else {
            Slot::UNSCHEDULED.0
        };
        self.dirty.push(lay.s_slot + l);
        let pres = lay.s_pres + p * lay.cw + c / 32;
        self.words[pres] ^= 1 << (c % 32);
        self.dirty.push(pres);
        self.bump(lay.s_rc + p * lay.nr + r, up);
        self.bump(lay.s_ccount + c, up);
        let dc = self.bump(lay.s_dc + c * lay.nd + d, up);
        if (up && dc == 1) || (!up && dc == 0) {
            self.bump(lay.s_cdays + c, up);
        }
        let ru = self.bump(lay.s_ru + c * lay.nr + r, up);
        if (up && ru == 1) || (!up && ru == 0) {
            self.bump(lay.s_crooms + c, up);
        }
        for k in 0..self.curricula[c].len() {
            let g = self.curricula[c][k] as usize;
            self.bump(lay.s_cpl + g * lay.np + p, up);
        }
    }

    /// Moves `l` from `from` to `to` (either may be unscheduled).
    pub fn apply(&mut self, l: LectureId, from: Slot, to: Slot) {
        if let Some((p, r)) = from.get() {
            self.place(l.idx(), p.idx(), r.idx(), false);
        }
        if let Some((p, r)) = to.get() {
            self.place(l.idx(), p.idx(), r.idx(), true);
        }
    }

    /// Marks every word changed (the next upload sends all of them: a new timetable).
    pub fn touch_all(&mut self) {
        self.dirty = (0..self.words.len()).collect();
    }

    /// Forgets the changed words: the device holds them already (its apply pass made the
    /// same moves the host replayed).
    pub fn uploaded(&mut self) {
        self.dirty.clear();
    }

    /// Forbids moving `l` to `p` while the search's iteration is below `until`.
    pub fn set_tabu(&mut self, l: LectureId, p: PeriodId, until: u32) {
        let i = self.layout.s_tabu + l.idx() * self.layout.np + p.idx();
        self.words[i] = until;
        self.dirty.push(i);
    }

    /// The changed words since the last call, as (first word, words) runs, and forgets them.
    /// Runs closer than [`MERGE_GAP`] words are joined (the unchanged words between them
    /// ride along): a move changes about twenty scattered words, and each run is one
    /// upload call, which costs more than the few bytes it saves, times every walk of a
    /// dispatch.
    pub fn take_dirty(&mut self) -> Vec<(usize, Vec<u32>)> {
        let mut d = std::mem::take(&mut self.dirty);
        d.sort_unstable();
        d.dedup();
        let mut runs: Vec<(usize, Vec<u32>)> = Vec::new();
        for i in d {
            match runs.last_mut() {
                Some((start, ws)) if *start + ws.len() + MERGE_GAP >= i => {
                    let end = *start + ws.len();
                    ws.extend_from_slice(&self.words[end..=i]);
                }
                _ => runs.push((i, vec![self.words[i]])),
            }
        }
        runs
    }
}

/// How a neighbourhood's deltas compare with the CPU's.
#[derive(Clone, Debug, Default, Serialize)]
pub struct DeltaCheck {
    /// Moves compared.
    pub checked: usize,
    /// Moves whose delta (or whether it is allowed) differs.
    pub mismatches: usize,
    /// The first few differences, in words.
    pub first: Vec<String>,
}

/// Compares `got` (every move's delta in [`Layout::index`] order, as the kernel's
/// `all_deltas` writes them) with the CPU's exact delta on `tt`: `can_move` for what is
/// allowed, `move_delta` for a placed lecture, `peek_move` for an unscheduled one.
pub fn check_deltas(inst: &Instance, tt: &Timetable, got: &[(i32, i32)]) -> DeltaCheck {
    let layout = Layout::of(inst);
    let mut state = IncrementalState::new(inst, tt.clone());
    let mut out = DeltaCheck::default();
    for l in 0..layout.nl {
        let lid = LectureId(l as u32);
        for p in 0..layout.np {
            for r in 0..layout.nr {
                let to = Slot::at(PeriodId(p as u16), RoomId(r as u16));
                let want = if !state.can_move(lid, to) {
                    (FORBIDDEN as i64, 0)
                } else {
                    match state.move_delta(lid, to) {
                        Some(d) => d,
                        None => state.peek_move(lid, to),
                    }
                };
                let g = got
                    .get(layout.index(l, p, r))
                    .map_or((i64::MIN, 0), |&(h, s)| (h as i64, s as i64));
                out.checked += 1;
                if g != want {
                    out.mismatches += 1;
                    if out.first.len() < 5 {
                        out.first.push(format!(
                            "lecture {l} at {:?} to period {p} room {r}: gpu {g:?}, cpu {want:?}",
                            tt.slot(lid).get().map(|(p, r)| (p.0, r.0))
                        ));
                    }
                }
            }
        }
    }
    out
}
