//! The context cache: per-course facts every repair of that course's lectures needs,
//! computed once, on first use, by whichever worker gets there first, and shared by all.
//! Also the per-lecture attempt counters the conflict state encodes.
//!
//! Each slot is a `Mutex<Option<Arc<_>>>` held only to clone or store an `Arc` (O(1)):
//! the computation itself runs outside the lock, and when two workers race to fill the
//! same slot the first store wins and the other's equal value is dropped. Lock order
//! (see the module docs of `repair`): context cache, then Q-table, then GPU queue — and a
//! slot lock is never held while anything else is taken.

use super::sync::{Arc, AtomicU32, AtomicU64, Mutex, Ordering};
use crate::model::{CourseId, Instance, PeriodId, RoomId};

/// What a repair of course `c` keeps asking.
#[derive(Clone, Debug, PartialEq)]
pub struct CourseContext {
    /// Periods the course is not unavailable in.
    pub periods: Vec<PeriodId>,
    /// Rooms, the best fitting first (no seat short, then smallest excess capacity).
    pub rooms: Vec<RoomId>,
    /// Share of the week's periods available to the course, in 0..=1.
    pub availability: f64,
}

impl CourseContext {
    /// Computes the context of `c` (no locks held).
    pub fn compute(inst: &Instance, c: CourseId) -> CourseContext {
        let np = inst.n_periods();
        let periods: Vec<PeriodId> = (0..np)
            .map(|p| PeriodId(p as u16))
            .filter(|&p| !inst.is_unavailable(c, p))
            .collect();
        let mut rooms: Vec<RoomId> = (0..inst.rooms.len()).map(|r| RoomId(r as u16)).collect();
        rooms.sort_by_key(|&r| (inst.room_fit(c, r), r));
        CourseContext {
            availability: if np == 0 {
                0.0
            } else {
                periods.len() as f64 / np as f64
            },
            periods,
            rooms,
        }
    }
}

/// Hit and miss counts of the cache.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
}

/// The shared cache: one lazily filled slot per course, one attempt counter per lecture.
pub struct ContextCache {
    slots: Box<[Mutex<Option<Arc<CourseContext>>>]>,
    attempts: Box<[AtomicU32]>,
    hits: AtomicU64,
    misses: AtomicU64,
}

impl ContextCache {
    /// An empty cache for `courses` courses and `lectures` lectures.
    pub fn new(courses: usize, lectures: usize) -> ContextCache {
        ContextCache {
            slots: (0..courses).map(|_| Mutex::new(None)).collect(),
            attempts: (0..lectures).map(|_| AtomicU32::new(0)).collect(),
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
        }
    }

    /// The context of course `c`, computing it with `make` if no worker has yet.
    /// `make` runs with no lock held.
    pub fn get_or(&self, c: usize, make: impl FnOnce() -> CourseContext) -> Arc<CourseContext> {
        let slot = &self.slots[c];
        if let Some(v) = lock(slot).as_ref() {
            self.hits.fetch_add(1, Ordering::Relaxed);
            return v.clone();
        }
        self.misses.fetch_add(1, Ordering::Relaxed);
        let fresh = Arc::new(make());
        let mut g = lock(slot);
        match g.as_ref() {
            Some(v) => v.clone(), // another worker stored first: use that one
            None => {
                *g = Some(fresh.clone());
                fresh
            }
        }
    }

    /// The context of course `c` of `inst`.
    pub fn course(&self, inst: &Instance, c: CourseId) -> Arc<CourseContext> {
        self.get_or(c.idx(), || CourseContext::compute(inst, c))
    }

    /// How often lecture `l` was the focus of a repair (0 for an unknown lecture).
    pub fn attempts(&self, l: usize) -> u32 {
        self.attempts
            .get(l)
            .map_or(0, |a| a.load(Ordering::Relaxed))
    }

    /// Counts one more repair of lecture `l` (the writer calls this between rounds).
    pub fn attempted(&self, l: usize) {
        if let Some(a) = self.attempts.get(l) {
            a.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Courses whose context has been computed.
    pub fn filled(&self) -> usize {
        self.slots.iter().filter(|s| lock(s).is_some()).count()
    }

    /// Hits and misses so far.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
        }
    }
}

/// Locks a slot; a poisoned lock (a worker panicked while holding it, which the O(1)
/// critical sections here cannot do) still yields its value.
fn lock<T>(m: &Mutex<T>) -> impl std::ops::DerefMut<Target = T> + '_ {
    #[cfg(not(atoll_loom))]
    {
        m.lock().unwrap_or_else(|e| e.into_inner())
    }
    #[cfg(atoll_loom)]
    {
        m.lock().unwrap()
    }
}
