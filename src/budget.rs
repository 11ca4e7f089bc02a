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
    /// Stops when `token` is cancelled or `limit` (if any) has passed from now. Entry
    /// points cap a limit at [`crate::options::MAX_DURATION_S`]; a limit so far away that
    /// the clock cannot represent its deadline is no deadline (`checked_add`, never the
    /// panicking `+`).
    pub fn new(token: CancelToken, limit: Option<Duration>) -> Self {
        let start = Instant::now();
        Stop {
            token,
            start,
            deadline: limit.and_then(|l| start.checked_add(l)),
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

    /// A `Stop` sharing this one's token with a deadline no later than `limit` from now
    /// (and no later than this one's; a `limit` beyond what the clock can represent adds
    /// no deadline of its own, as in [`Self::new`]).
    pub fn child(&self, limit: Duration) -> Stop {
        let now = Instant::now();
        let deadline = match (self.deadline, now.checked_add(limit)) {
            (Some(own), Some(d)) => Some(own.min(d)),
            (own, d) => own.or(d),
        };
        Stop {
            token: self.token.clone(),
            start: now,
            deadline,
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

/// The most memory a wasm module of this crate can hold, GiB: the threaded build links
/// with `--max-memory=1073741824` (.cargo/config.toml), and the single-threaded one is
/// planned the same way, so both flavours size their batches alike. A browser's
/// `navigator.deviceMemory` (up to 8) says how much the device has, not how much this
/// heap may grow to: a budget computed from it alone let a solve allocate past the heap
/// and abort.
pub const WASM_HEAP_GIB: f64 = 1.0;

/// The heap limit of this build: [`WASM_HEAP_GIB`] in wasm32, none natively (where the
/// available memory is the limit).
pub const HEAP_LIMIT_GIB: Option<f64> = if cfg!(target_arch = "wasm32") {
    Some(WASM_HEAP_GIB)
} else {
    None
};

/// Share of the budget's memory that the timetables and search states a run holds at once
/// may take; the rest is for the instance, the evaluator's scratch, the GPU's staging
/// buffers, the page's own data and the allocator's slack.
pub const HELD_SHARE: f64 = 0.5;

/// Bytes one held timetable costs beyond its slots (4 bytes a lecture): the vector's
/// header and the allocator's rounding, its score and its place in the island.
const TIMETABLE_OVERHEAD: u64 = 96;

/// Bytes a held timetable of `n_lectures` lectures takes (see [`TIMETABLE_OVERHEAD`]).
pub fn timetable_bytes(n_lectures: usize) -> u64 {
    4 * n_lectures as u64 + TIMETABLE_OVERHEAD
}

/// Bytes of one incremental search state (`IncrementalState`: per period the courses
/// present, per period and room a count and an occupant, per course and day, per course and
/// room, per curriculum and period, per course and period): local search on each worker
/// thread and Stage 3's scratch copies hold one each.
pub fn search_state_bytes(inst: &crate::model::Instance) -> u64 {
    let (np, nc, nr) = (
        inst.n_periods() as u64,
        inst.courses.len() as u64,
        inst.rooms.len() as u64,
    );
    let (nd, ng) = (inst.days as u64, inst.curricula.len() as u64);
    np * nc.div_ceil(64) * 8
        + np * nr * 6
        + nc * nd * 2
        + nc * nr * 2
        + ng * (np + 4) * 2
        + nc * np * 2
        + timetable_bytes(inst.n_lectures())
}

/// How much the solver may hold at once, derived once from the memory at hand, so a small
/// device runs smaller batches instead of running out of memory. Every field can be
/// overridden (`conflict_batch`, `gpu_batch`, `memory_gib` in the solver options); the
/// population caps only ever lower `population` and `offspring`. In wasm the memory is
/// at most the heap limit ([`WASM_HEAP_GIB`]). The caps here depend on memory alone;
/// [`Budget::for_instance`] lowers them for an instance's size, and
/// [`Budget::check_solve`] refuses, naming the option, a solve that cannot fit.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Budget {
    /// The memory it was computed from, GiB (at most the heap limit).
    pub memory_gib: f64,
    pub source: MemorySource,
    /// The heap limit that capped `memory_gib` (wasm: [`WASM_HEAP_GIB`]); `None` natively.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heap_limit_gib: Option<f64>,
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

    /// The budget for `memory_gib` of memory, within this build's heap limit
    /// ([`HEAP_LIMIT_GIB`]).
    pub fn from_memory(memory_gib: f64, source: MemorySource) -> Budget {
        Self::from_memory_within(memory_gib, source, HEAP_LIMIT_GIB)
    }

    /// The budget for `memory_gib` of memory in a heap of at most `heap_limit_gib` (a
    /// wasm module's maximum memory): the smaller of the two is what can be used.
    pub fn from_memory_within(
        memory_gib: f64,
        source: MemorySource,
        heap_limit_gib: Option<f64>,
    ) -> Budget {
        let gib = if memory_gib.is_finite() && memory_gib > 0.0 {
            memory_gib
        } else {
            Self::DEFAULT_GIB
        };
        let heap_limit_gib = heap_limit_gib.filter(|h| h.is_finite() && *h > 0.0);
        let gib = heap_limit_gib.map_or(gib, |h| gib.min(h));
        let t = TIERS
            .iter()
            .rev()
            .find(|t| gib >= t.from_gib)
            .unwrap_or(&TIERS[0]);
        Budget {
            memory_gib: gib,
            source,
            heap_limit_gib,
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

/// Bytes in a GiB.
const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

impl Budget {
    /// Bytes the held timetables and search states of a run may take:
    /// [`HELD_SHARE`] of the memory.
    pub fn held_bytes(&self) -> u64 {
        (self.memory_gib * GIB * HELD_SHARE) as u64
    }

    /// This budget for an instance of `n_lectures` lectures: the population and offspring
    /// caps lowered so that one island's timetables (its population and best, and each
    /// generation's offspring, held twice while they are scored) fit in
    /// [`Self::held_bytes`], and the GPU batch so that one dispatch's timetables take at
    /// most a quarter of it. Never below 1.
    pub fn for_instance(&self, n_lectures: usize) -> Budget {
        let fit = (self.held_bytes() / timetable_bytes(n_lectures)).max(1) as usize;
        let mut b = self.clone();
        b.max_population = b.max_population.min(fit / 4).max(1);
        b.max_offspring = b
            .max_offspring
            .min(fit.saturating_sub(b.max_population + 2) / 2)
            .max(1);
        b.gpu_batch = b.gpu_batch.min(fit / 4).max(1);
        b
    }

    /// Checks that a solve of `inst` with `islands` islands of `population` individuals
    /// breeding `offspring` candidates each, on `threads` worker threads with
    /// `conflict_batch` Stage 3 repairs at once, fits in [`Self::held_bytes`]: the
    /// timetables (`islands × (population + 2 × offspring + 2)`) and the search states
    /// (`threads + conflict_batch` of them). Otherwise an error naming the option to lower
    /// and the largest value that would fit: `offspring` when fewer offspring would do,
    /// else `islands`, else `population`.
    pub fn check_solve(
        &self,
        inst: &crate::model::Instance,
        islands: usize,
        population: usize,
        offspring: usize,
        threads: usize,
        conflict_batch: usize,
    ) -> Result<(), crate::options::OptionError> {
        let tt = timetable_bytes(inst.n_lectures());
        let states = (threads + conflict_batch) as u64 * search_state_bytes(inst);
        let held = self.held_bytes();
        let per_island = |pop: usize, off: usize| (pop + 2 * off + 2) as u64 * tt;
        let need = islands as u64 * per_island(population, offspring) + states;
        if need <= held {
            return Ok(());
        }
        let room = held.saturating_sub(states);
        let mib = |b: u64| b as f64 / (1024.0 * 1024.0);
        let context = format!(
            "{islands} island(s) × ({population} + 2 × {offspring} + 2) timetables of {} lectures and {} search states need {:.0} MiB; the budget holds {:.0} MiB ({:.0}% of {:.2} GiB, {:?})",
            inst.n_lectures(),
            threads + conflict_batch,
            mib(need),
            mib(held),
            HELD_SHARE * 100.0,
            self.memory_gib,
            self.source
        );
        let islands_u = islands.max(1) as u64;
        let fits_off = (room / islands_u / tt).saturating_sub(population as u64 + 2) / 2;
        let fits_islands = room / per_island(population, offspring);
        let fits_pop = (room / islands_u / tt).saturating_sub(2);
        let (name, value, fits) = if fits_off >= 1 {
            ("offspring", offspring, fits_off)
        } else if fits_islands >= 1 {
            ("islands", islands, fits_islands)
        } else {
            ("population", population, fits_pop)
        };
        Err(crate::options::OptionError::OutOfRange {
            name,
            value: value.to_string(),
            range: if fits >= 1 {
                format!("at most {fits} fit(s): {context}")
            } else {
                format!(
                    "not even 1 fits: {context}; give more memory (memory_gib) or use fewer threads"
                )
            },
        })
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
