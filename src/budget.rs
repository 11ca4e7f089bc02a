//! Deadlines and cooperative cancellation, and the memory [`Budget`]. No thread is ever killed and nothing waits
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

/// Where the memory figure of a [`Budget`] came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemorySource {
    /// Given explicitly (`memory_gib`).
    Option,
    /// The operating system's available memory (`MemAvailable` of /proc/meminfo).
    Available,
    /// The browser's `navigator.deviceMemory` (coarse: 0.25 to 8 GiB, Chromium only).
    DeviceMemory,
    /// Nothing could be measured: [`Budget::DEFAULT_GIB`].
    Default,
}

/// How much the solver may hold at once, derived once from the memory at hand, so a small
/// device runs smaller batches instead of running out of memory. Every field can be
/// overridden (`conflict_batch`, `gpu_batch`, `memory_gib` in the solver options); the
/// population caps only ever lower `population` and `offspring`.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Budget {
    /// The memory it was computed from, GiB.
    pub memory_gib: f64,
    pub source: MemorySource,
    /// Conflicts repaired in parallel per Stage 3 round (each holds a scratch copy of the
    /// timetable state).
    pub conflict_batch: usize,
    /// Most individuals per island.
    pub max_population: usize,
    /// Most candidates bred per island per generation (all of them are held, and scored
    /// in one batch, at once).
    pub max_offspring: usize,
    /// Most timetables packed into one GPU dispatch (buffer size).
    pub gpu_batch: usize,
}

/// One row of the budget table: from this much memory (GiB) up, these sizes.
struct Tier {
    from_gib: f64,
    conflict_batch: usize,
    max_population: usize,
    max_offspring: usize,
    gpu_batch: usize,
}

/// The budget table, smallest memory first. The conflict batch is 8 under 4 GiB and 16
/// from 4 GiB up; the population caps and the GPU batch grow with memory so that the
/// timetables held at once stay a small share of it even for the largest instances.
const TIERS: [Tier; 3] = [
    Tier {
        from_gib: 0.0,
        conflict_batch: 8,
        max_population: 8,
        max_offspring: 64,
        gpu_batch: 64,
    },
    Tier {
        from_gib: 1.0,
        conflict_batch: 8,
        max_population: 16,
        max_offspring: 512,
        gpu_batch: 256,
    },
    Tier {
        from_gib: 4.0,
        conflict_batch: 16,
        max_population: 64,
        max_offspring: 4096,
        gpu_batch: 1024,
    },
];

impl Budget {
    /// Assumed memory when none can be measured: low enough to be safe on a phone.
    pub const DEFAULT_GIB: f64 = 2.0;

    /// The budget for `memory_gib` of memory.
    pub fn from_memory(memory_gib: f64, source: MemorySource) -> Budget {
        let gib = if memory_gib.is_finite() && memory_gib > 0.0 {
            memory_gib
        } else {
            Self::DEFAULT_GIB
        };
        let t = TIERS
            .iter()
            .rev()
            .find(|t| gib >= t.from_gib)
            .unwrap_or(&TIERS[0]);
        Budget {
            memory_gib: gib,
            source,
            conflict_batch: t.conflict_batch,
            max_population: t.max_population,
            max_offspring: t.max_offspring,
            gpu_batch: t.gpu_batch,
        }
    }

    /// The budget of this machine: natively from the available memory, in wasm (where
    /// nothing can be measured from Rust) the conservative default.
    pub fn detect() -> Budget {
        match available_memory_gib() {
            Some(g) => Budget::from_memory(g, MemorySource::Available),
            None => Budget::from_memory(Self::DEFAULT_GIB, MemorySource::Default),
        }
    }

    /// The budget in a browser that reports `navigator.deviceMemory` (GiB), or the
    /// conservative default where it reports nothing (Firefox, Safari).
    pub fn for_device_memory(device_memory_gib: Option<f64>) -> Budget {
        match device_memory_gib.filter(|g| g.is_finite() && *g > 0.0) {
            Some(g) => Budget::from_memory(g, MemorySource::DeviceMemory),
            None => Budget::from_memory(Self::DEFAULT_GIB, MemorySource::Default),
        }
    }

    /// The budget a solve with `opts` uses: `memory_gib` if given, else detected, then
    /// the explicit `conflict_batch` and `gpu_batch` overrides.
    pub fn for_options(opts: &crate::options::SolverOptions) -> Budget {
        let mut b = match opts.memory_gib {
            Some(g) => Budget::from_memory(g, MemorySource::Option),
            None => Budget::detect(),
        };
        if opts.conflict_batch > 0 {
            b.conflict_batch = opts.conflict_batch;
        }
        if opts.gpu_batch > 0 {
            b.gpu_batch = opts.gpu_batch;
        }
        b
    }
}

/// `MemAvailable` of /proc/meminfo in GiB (Linux); `None` elsewhere or when unreadable.
fn available_memory_gib() -> Option<f64> {
    #[cfg(target_os = "linux")]
    {
        let text = std::fs::read_to_string("/proc/meminfo").ok()?;
        let line = text.lines().find(|l| l.starts_with("MemAvailable:"))?;
        let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
        Some(kib / (1024.0 * 1024.0))
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}
