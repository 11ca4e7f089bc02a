//! The Q-table every Stage 3 worker learns into at the same time.
//!
//! Lock-free and without lost updates: an entry keeps the *sum* of the observations
//! it was given (fixed point, an `AtomicI64`) and their *count* (`AtomicU64`), and an
//! update is two `fetch_add`s. Additions commute, so the table after a batch is the same
//! whatever order the workers' updates landed in (runs bounded by rounds are
//! deterministic), and none can overwrite another. A value is the mean of its targets
//! (step size 1/n); Stage 3 keeps, per state and action, the mean gain and the mean work,
//! whose ratio is the repair rate it chooses by (`repair::agent`). Workers never read the live table while others write
//! it: each round reads a [`QSnapshot`] taken between rounds, when no worker runs, so a
//! reader never sees a sum without its count.
//!
//! Every update also counts into `visits` (never rescaled) and a table-wide total, so the
//! stress test can check that nothing was lost: the visits add up to the total, and to
//! the number of updates the workers report.

use serde::{Deserialize, Serialize};
use thiserror::Error;

use super::sync::{AtomicI64, AtomicU64, Ordering};

/// Fixed-point scale of the stored sums (targets are kept to 1e-6).
const SCALE: f64 = 1e6;

/// Largest |target| stored. Stage 3 stores a gain and a work column per action (see
/// `repair::agent`): gains in tens of hard violations or units of ten soft points, works
/// in anneal actions, so real values stay inside; the clamp only guards the sums.
pub const Q_BOUND: f64 = 64.0;

/// Most observations a loaded entry may weigh (keeps its fixed-point sum far from
/// overflow: |sum| <= Q_BOUND * 1e6 * 2^32 < 2^63).
const MAX_COUNT: u64 = 1 << 32;

/// The format tag of saved tables.
const FORMAT: &str = "atoll-qtable";
const VERSION: u32 = 1;

/// A saved table that cannot be loaded.
#[derive(Debug, Error, PartialEq)]
pub enum QTableError {
    #[error("the Q-table is not valid JSON of the expected shape: {0}")]
    Json(String),
    #[error(
        "the Q-table is of format '{found}' version {version}, expected '{FORMAT}' version {VERSION}"
    )]
    Format { found: String, version: u32 },
    #[error(
        "the Q-table has {states} states x {actions} actions, this solver uses {want_states} x {want_actions}"
    )]
    Shape {
        states: usize,
        actions: usize,
        want_states: usize,
        want_actions: usize,
    },
    #[error("the Q-table holds a value that is not a finite number within ±{Q_BOUND} at entry {0}")]
    Value(usize),
    /// An entry claims a sum of observations but no observation (count 0): no table this
    /// program saves looks like that, so the file was altered or damaged, and its means
    /// cannot be trusted.
    #[error(
        "the Q-table's entry {index} has count 0 but sum {sum}: a sum without observations (the file is damaged)"
    )]
    EmptyEntry { index: usize, sum: i64 },
}

/// One entry, as stored.
struct Entry {
    sum: AtomicI64,
    count: AtomicU64,
    visits: AtomicU64,
}

/// The shared table: `states × actions` entries.
pub struct QTable {
    states: usize,
    actions: usize,
    entries: Box<[Entry]>,
    updates: AtomicU64,
}

impl std::fmt::Debug for QTable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QTable")
            .field("states", &self.states)
            .field("actions", &self.actions)
            .field("updates", &self.updates())
            .finish()
    }
}

/// The Q-values at one moment, read by the workers of a round.
#[derive(Clone, Debug, PartialEq)]
pub struct QSnapshot {
    actions: usize,
    q: Vec<f64>,
    count: Vec<u64>,
}

impl QSnapshot {
    /// Q(s, a); 0 for a pair never tried.
    #[inline]
    pub fn q(&self, s: usize, a: usize) -> f64 {
        self.q[s * self.actions + a]
    }

    /// How many targets Q(s, a) averages.
    #[inline]
    pub fn count(&self, s: usize, a: usize) -> u64 {
        self.count[s * self.actions + a]
    }

    /// max over a of Q(s, a).
    pub fn max(&self, s: usize) -> f64 {
        self.q[s * self.actions..(s + 1) * self.actions]
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max)
    }
}

/// The JSON form of a table.
#[derive(Serialize, Deserialize)]
struct Saved {
    format: String,
    version: u32,
    states: usize,
    actions: usize,
    /// Total updates ever made.
    updates: u64,
    /// Q-values, state-major (for reading; `sum` / `count` is what loads).
    q: Vec<f64>,
    /// Sums of the targets per entry, in millionths (exact, so a table loads back as it
    /// was saved).
    sum: Vec<i64>,
    /// Targets averaged per entry.
    count: Vec<u64>,
    /// Updates per entry.
    visits: Vec<u64>,
}

/// Consistency figures of a table (for tests and reports).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct QTableCheck {
    pub updates: u64,
    pub visits: u64,
    pub entries_visited: usize,
    pub all_finite: bool,
    pub max_abs_q: f64,
}

fn to_fixed(v: f64) -> i64 {
    (v.clamp(-Q_BOUND, Q_BOUND) * SCALE).round() as i64
}

impl QTable {
    /// An empty table (every Q-value 0).
    pub fn new(states: usize, actions: usize) -> QTable {
        let entries = (0..states * actions)
            .map(|_| Entry {
                sum: AtomicI64::new(0),
                count: AtomicU64::new(0),
                visits: AtomicU64::new(0),
            })
            .collect();
        QTable {
            states,
            actions,
            entries,
            updates: AtomicU64::new(0),
        }
    }

    /// Number of states.
    pub fn states(&self) -> usize {
        self.states
    }

    /// Number of actions.
    pub fn actions(&self) -> usize {
        self.actions
    }

    /// Total updates made (including those of a loaded table).
    pub fn updates(&self) -> u64 {
        self.updates.load(Ordering::Relaxed)
    }

    /// Adds one observation (target) for `(s, a)`. Lock-free; callable from any thread; an
    /// out-of-range pair or a non-finite target is ignored and returns false.
    pub fn record(&self, s: usize, a: usize, target: f64) -> bool {
        if s >= self.states || a >= self.actions || !target.is_finite() {
            return false;
        }
        let e = &self.entries[s * self.actions + a];
        e.sum.fetch_add(to_fixed(target), Ordering::Relaxed);
        e.count.fetch_add(1, Ordering::Relaxed);
        e.visits.fetch_add(1, Ordering::Relaxed);
        self.updates.fetch_add(1, Ordering::Relaxed);
        true
    }

    /// The Q-values now. Call between rounds (no update in flight), as the repairer does.
    pub fn snapshot(&self) -> QSnapshot {
        let mut q = Vec::with_capacity(self.entries.len());
        let mut count = Vec::with_capacity(self.entries.len());
        for e in self.entries.iter() {
            let n = e.count.load(Ordering::Relaxed);
            let s = e.sum.load(Ordering::Relaxed);
            q.push(if n == 0 {
                0.0
            } else {
                s as f64 / SCALE / n as f64
            });
            count.push(n);
        }
        QSnapshot {
            actions: self.actions,
            q,
            count,
        }
    }

    /// Lets each Q-value weigh at most `window` observations (its mean kept), so new
    /// experience still moves a well-worn table. Call between rounds only.
    pub fn cap_counts(&self, window: u64) {
        let window = window.max(1);
        for e in self.entries.iter() {
            let n = e.count.load(Ordering::Relaxed);
            if n > window {
                let s = e.sum.load(Ordering::Relaxed) as f64;
                e.sum.store(
                    (s * window as f64 / n as f64).round() as i64,
                    Ordering::Relaxed,
                );
                e.count.store(window, Ordering::Relaxed);
            }
        }
    }

    /// Consistency figures: total updates, visits summed over entries, finiteness and
    /// the largest |Q|.
    pub fn check(&self) -> QTableCheck {
        let snap = self.snapshot();
        let visits: Vec<u64> = self
            .entries
            .iter()
            .map(|e| e.visits.load(Ordering::Relaxed))
            .collect();
        QTableCheck {
            updates: self.updates(),
            visits: visits.iter().sum(),
            entries_visited: visits.iter().filter(|v| **v > 0).count(),
            all_finite: snap.q.iter().all(|q| q.is_finite()),
            max_abs_q: snap.q.iter().fold(0.0, |m, q| m.max(q.abs())),
        }
    }

    /// The table as JSON (`{format, version, states, actions, updates, q, count, visits}`).
    pub fn to_json(&self) -> String {
        let snap = self.snapshot();
        let saved = Saved {
            format: FORMAT.to_string(),
            version: VERSION,
            states: self.states,
            actions: self.actions,
            updates: self.updates(),
            q: snap.q,
            sum: self
                .entries
                .iter()
                .map(|e| e.sum.load(Ordering::Relaxed))
                .collect(),
            count: snap.count,
            visits: self
                .entries
                .iter()
                .map(|e| e.visits.load(Ordering::Relaxed))
                .collect(),
        };
        serde_json::to_string(&saved).expect("plain data always serializes")
    }

    /// Reads a table saved by [`Self::to_json`], which must have this shape.
    pub fn from_json(text: &str, states: usize, actions: usize) -> Result<QTable, QTableError> {
        let saved: Saved =
            serde_json::from_str(text).map_err(|e| QTableError::Json(e.to_string()))?;
        if saved.format != FORMAT || saved.version != VERSION {
            return Err(QTableError::Format {
                found: saved.format,
                version: saved.version,
            });
        }
        let n = states * actions;
        if saved.states != states
            || saved.actions != actions
            || saved.q.len() != n
            || saved.sum.len() != n
            || saved.count.len() != n
            || saved.visits.len() != n
        {
            return Err(QTableError::Shape {
                states: saved.states,
                actions: saved.actions,
                want_states: states,
                want_actions: actions,
            });
        }
        let mean = |i: usize| match saved.count[i] {
            0 => 0.0,
            n => saved.sum[i] as f64 / SCALE / n as f64,
        };
        if let Some(i) = (0..n).find(|&i| saved.count[i] == 0 && saved.sum[i] != 0) {
            return Err(QTableError::EmptyEntry {
                index: i,
                sum: saved.sum[i],
            });
        }
        if let Some(i) = (0..n).find(|&i| {
            let q = saved.q[i];
            !q.is_finite() || q.abs() > Q_BOUND || mean(i).abs() > Q_BOUND
        }) {
            return Err(QTableError::Value(i));
        }
        let table = QTable::new(states, actions);
        for (i, e) in table.entries.iter().enumerate() {
            let (mut sum, mut count) = (saved.sum[i], saved.count[i]);
            if count > MAX_COUNT {
                // So large that later sums could overflow: keep the mean, cap the weight.
                sum = to_fixed(mean(i)) * MAX_COUNT as i64;
                count = MAX_COUNT;
            }
            e.sum.store(sum, Ordering::Relaxed);
            e.count.store(count, Ordering::Relaxed);
            e.visits.store(saved.visits[i], Ordering::Relaxed);
        }
        let visits: u64 = saved.visits.iter().fold(0u64, |a, v| a.saturating_add(*v));
        table
            .updates
            .store(saved.updates.max(visits), Ordering::Relaxed);
        Ok(table)
    }
}
