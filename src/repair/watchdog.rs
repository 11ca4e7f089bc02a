//! The watchdog: notices when Stage 3 stops making progress and reports it as an event.
//!
//! Two kinds of stall: *no progress* — a round is running but no conflict episode has
//! finished for `stall_timeout_s` (something is stuck; per-conflict deadlines should make
//! this impossible, and the stress test holds them to it) — and *no improvement* — rounds
//! go on but the timetable has not got better for that long (a plateau; reported once per
//! plateau). Natively a watcher thread samples the heartbeat while each round runs; in
//! wasm (no threads of our own there) the coordinator checks after each round.

use serde::Serialize;
use web_time::{Duration, Instant};

use super::sync::{AtomicU64, Mutex, Ordering};

/// What kind of stall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StallKind {
    /// No conflict finished for the timeout while a round was running.
    NoProgress,
    /// The cost did not improve for the timeout.
    NoImprovement,
}

/// A stall, as reported in progress events.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StallEvent {
    pub kind: StallKind,
    /// Seconds since Stage 3 started.
    pub at_s: f64,
    /// Seconds without progress (or improvement).
    pub idle_s: f64,
    /// Conflict episodes finished so far.
    pub episodes: u64,
}

/// Heartbeat and stall detector, shared by the workers and the coordinator.
pub struct Watchdog {
    start: Instant,
    timeout: Duration,
    episodes: AtomicU64,
    /// Milliseconds since `start` of the last finished episode (or round start).
    last_beat_ms: AtomicU64,
    /// Milliseconds since `start` of the last improvement.
    last_improvement_ms: AtomicU64,
    /// The beat (resp. improvement) time a stall was last reported for: one report each.
    reported_beat_ms: AtomicU64,
    reported_improvement_ms: AtomicU64,
    events: Mutex<Vec<StallEvent>>,
}

/// "Nothing reported yet."
const NEVER: u64 = u64::MAX;

impl Watchdog {
    /// A watchdog reporting stalls of `timeout`.
    pub fn new(timeout: Duration) -> Watchdog {
        Watchdog {
            start: Instant::now(),
            timeout,
            episodes: AtomicU64::new(0),
            last_beat_ms: AtomicU64::new(0),
            last_improvement_ms: AtomicU64::new(0),
            reported_beat_ms: AtomicU64::new(NEVER),
            reported_improvement_ms: AtomicU64::new(NEVER),
            events: Mutex::new(Vec::new()),
        }
    }

    fn now_ms(&self) -> u64 {
        self.start.elapsed().as_millis() as u64
    }

    /// A round starts: the clock of "no progress" starts from here.
    pub fn round_started(&self) {
        self.last_beat_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    /// A worker finished an episode.
    pub fn episode_done(&self) {
        self.episodes.fetch_add(1, Ordering::Relaxed);
        self.last_beat_ms.store(self.now_ms(), Ordering::Relaxed);
    }

    /// The timetable improved.
    pub fn improved(&self) {
        self.last_improvement_ms
            .store(self.now_ms(), Ordering::Relaxed);
    }

    /// Episodes finished so far.
    pub fn episodes(&self) -> u64 {
        self.episodes.load(Ordering::Relaxed)
    }

    fn report(&self, kind: StallKind, since_ms: u64, now_ms: u64) {
        let e = StallEvent {
            kind,
            at_s: now_ms as f64 / 1000.0,
            idle_s: now_ms.saturating_sub(since_ms) as f64 / 1000.0,
            episodes: self.episodes(),
        };
        let mut g = self.events.lock().unwrap_or_else(|e| e.into_inner());
        g.push(e);
    }

    /// Checks for a stall of no progress (call while a round runs).
    pub fn check_progress(&self) {
        let now = self.now_ms();
        let beat = self.last_beat_ms.load(Ordering::Relaxed);
        if now.saturating_sub(beat) >= self.timeout.as_millis() as u64
            && self.reported_beat_ms.swap(beat, Ordering::Relaxed) != beat
        {
            self.report(StallKind::NoProgress, beat, now);
        }
    }

    /// Checks for a plateau (the coordinator calls this after each round).
    pub fn check_improvement(&self) {
        let now = self.now_ms();
        let last = self.last_improvement_ms.load(Ordering::Relaxed);
        if now.saturating_sub(last) >= self.timeout.as_millis() as u64
            && self.reported_improvement_ms.swap(last, Ordering::Relaxed) != last
        {
            self.report(StallKind::NoImprovement, last, now);
        }
    }

    /// Every stall reported so far.
    pub fn events(&self) -> Vec<StallEvent> {
        self.events
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Runs `round`, natively with a watcher thread checking for stalls while it runs
    /// (woken at once when it ends); in wasm, checks once afterwards.
    pub fn watch<R>(&self, round: impl FnOnce() -> R) -> R {
        self.round_started();
        #[cfg(not(any(target_arch = "wasm32", atoll_loom)))]
        {
            use std::sync::{Condvar, Mutex as StdMutex};
            /// Ends the watcher when the round ends, even by a panic.
            struct Done<'a>(&'a (StdMutex<bool>, Condvar));
            impl Drop for Done<'_> {
                fn drop(&mut self) {
                    *self.0.0.lock().unwrap_or_else(|e| e.into_inner()) = true;
                    self.0.1.notify_all();
                }
            }
            let done = (StdMutex::new(false), Condvar::new());
            let poll = (self.timeout / 4).clamp(Duration::from_millis(5), Duration::from_secs(1));
            std::thread::scope(|s| {
                s.spawn(|| {
                    let mut finished = done.0.lock().unwrap_or_else(|e| e.into_inner());
                    while !*finished {
                        let (g, _) = done
                            .1
                            .wait_timeout(finished, poll)
                            .unwrap_or_else(|e| e.into_inner());
                        finished = g;
                        if !*finished {
                            self.check_progress();
                        }
                    }
                });
                let _done = Done(&done);
                round()
            })
        }
        #[cfg(any(target_arch = "wasm32", atoll_loom))]
        {
            let r = round();
            self.check_progress();
            r
        }
    }
}
