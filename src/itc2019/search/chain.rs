//! Chain moves of the ITC-2019 search: a class tied to others by a required distribution
//! (same time, days, ...) moves with them in one move ([`Island::chain_move`]).

use rand::Rng;

use super::{Island, Shared};
use crate::itc2019::model::*;

/// Most classes a chain move moves besides the first.
const CHAIN_CLASSES: usize = 4;
/// Most time options of a class a chain move looks at.
const CHAIN_OPTIONS: u32 = 16;

/// A required distribution whose classes' times are tied to each other (same start,
/// time, days or weeks, overlapping, in order), small enough to move together: a class of
/// it can only move when the others follow. Constraints that keep classes apart
/// (`NotOverlap`, `SameAttendees`, ...) are left to single moves: moving the class
/// elsewhere repairs them as well as moving the others, for far fewer deltas.
pub(super) fn ties(d: &Distribution) -> bool {
    use Constraint::*;
    d.required
        && d.classes.len() <= CHAIN_CLASSES + 1
        && matches!(
            d.kind,
            SameStart | SameTime | SameDays | SameWeeks | Overlap | Precedence
        )
}

/// One class moved by a chain move: the class, its old time and room, its new ones.
pub(super) type ChainStep = (ClassId, Option<u32>, Option<u32>, Option<u32>, Option<u32>);

impl Island<'_> {
    /// A place move of `c` that breaks a required distribution, followed by a repair of
    /// each broken one: its other classes, one at a time, take their best time option
    /// (room kept) until it holds again. The whole chain is accepted or undone as one move.
    /// Without it, classes tied by required `SameTime`/`SameDays`/`Precedence`/... can
    /// never move: each one alone always breaks the tie (muni-fsps-spr17's 40 student
    /// conflicts of one lecture stayed for ten minutes).
    pub(super) fn chain_move(
        &mut self,
        sh: &Shared,
        c: ClassId,
        t: Option<u32>,
        r: Option<u32>,
        temp: f64,
    ) {
        let p = sh.p;
        let w = &p.weights;
        self.chain.clear();
        self.chain
            .push((c, self.st.time_option(c), self.st.room_option(c), t, r));
        let mut d = self
            .st
            .apply_place_move(c, t, r)
            .penalized(w, sh.hard_weight);
        for &di in &p.class_distributions[c as usize] {
            let dist = &p.distributions[di as usize];
            if !ties(dist) {
                continue;
            }
            for &o in &dist.classes {
                if self.st.units(di) == 0 || self.chain.len() > CHAIN_CLASSES {
                    break;
                }
                if self.chain.iter().any(|m| m.0 == o) || p.times(o).len() < 2 {
                    continue;
                }
                let (ot, or) = (self.st.time_option(o), self.st.room_option(o));
                let mut best: Option<(i64, u32)> = None;
                let n = p.times(o).len() as u32;
                // All options when few, else a random window of them (wrapping).
                let (first, span) = if n <= CHAIN_OPTIONS {
                    (0, n)
                } else {
                    (self.rng.random_range(0..n), CHAIN_OPTIONS)
                };
                for k in 0..span {
                    let nt = (first + k) % n;
                    if Some(nt) == ot {
                        continue;
                    }
                    let dd = self
                        .st
                        .delta_place(o, Some(nt), or)
                        .penalized(w, sh.hard_weight);
                    if best.is_none_or(|(b, _)| dd < b) {
                        best = Some((dd, nt));
                    }
                }
                if let Some((dd, nt)) = best.filter(|&(dd, _)| dd < 0) {
                    self.st.apply_place_move(o, Some(nt), or);
                    self.chain.push((o, ot, or, Some(nt), or));
                    d += dd;
                }
            }
        }
        if self.accept(d, temp) {
            if d > 0 && self.at_best {
                // The state before the chain is the best: undo, copy it, redo.
                for &(k, ot, or, _, _) in self.chain.iter().rev() {
                    self.st.apply_place_move(k, ot, or);
                }
                self.snapshot();
                for &(k, _, _, nt, nr) in self.chain.iter() {
                    self.st.apply_place_move(k, nt, nr);
                }
            }
            self.applied(d, sh);
        } else {
            for &(k, ot, or, _, _) in self.chain.iter().rev() {
                self.st.apply_place_move(k, ot, or);
            }
        }
    }
}
