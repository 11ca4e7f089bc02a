//! Deadlines and cooperative cancellation. No thread is ever killed and nothing waits
//! without a bound: every loop of the solver asks a [`Stop`] whether to go on, and the
//! best timetable found so far is returned whatever the reason for stopping.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use web_time::{Duration, Instant};

/// A flag another thread (a Ctrl-C handler, the page's Stop button) can raise.
#[derive(Clone, Debug, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    /// A token not yet cancelled.
    pub fn new() -> Self {
        Self::default()
    }

    /// Asks everything holding this token to stop soon.
    pub fn cancel(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    /// True once [`Self::cancel`] was called.
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// When to stop: a cancel token plus an optional wall-clock deadline.
#[derive(Clone, Debug)]
pub struct Stop {
    token: CancelToken,
    start: Instant,
    deadline: Option<Instant>,
}

impl Stop {
    /// Stops when `token` is cancelled or `limit` (if any) has passed from now.
    pub fn new(token: CancelToken, limit: Option<Duration>) -> Self {
        let start = Instant::now();
        Stop {
            token,
            start,
            deadline: limit.map(|l| start + l),
        }
    }

    /// True when the work should end now.
    #[inline]
    pub fn should_stop(&self) -> bool {
        self.token.is_cancelled() || self.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// True when cancelled (as opposed to out of time).
    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }

    /// Time since this `Stop` was made.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Share of the time limit used, in `0..=1` (0 when there is no limit).
    pub fn time_fraction(&self) -> f64 {
        match self.deadline {
            Some(d) => {
                let total = (d - self.start).as_secs_f64();
                if total <= 0.0 {
                    1.0
                } else {
                    (self.elapsed().as_secs_f64() / total).min(1.0)
                }
            }
            None => 0.0,
        }
    }

    /// A `Stop` sharing this one's token with a deadline no later than `limit` from now.
    pub fn child(&self, limit: Duration) -> Stop {
        let d = Instant::now() + limit;
        Stop {
            token: self.token.clone(),
            start: Instant::now(),
            deadline: Some(self.deadline.map_or(d, |own| own.min(d))),
        }
    }
}
