//! Every tunable of the solver in one place: the [`options!`] table below declares each
//! once, with its doc, default and accepted range, and everything else is derived from that
//! declaration: the [`SolverOptions`] struct and its `Default`, the range check
//! ([`SolverOptions::validate`]) and its error text ([`OptionError`]), setting an option by
//! name ([`SolverOptions::set`], used by the CLI's `--set` and the page's option object),
//! `atoll options` and the JSON schema (`schema/options.schema.json`, [`json_schema`]).
//! Nothing elsewhere hides a magic number that changes what the solver does; constants left
//! in the code are calibrations (work units), polling intervals or stream salts, each with
//! a comment saying why it is not a setting.
//!
//! To add an option: one entry in the table (doc, type, default, range), then read the
//! field where it takes effect. The registry test (`tests/options.rs`) checks every entry's
//! default against its range and that a value past each bound is refused by name.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use thiserror::Error;
use web_time::Duration;

/// A setting that cannot be used: out of its range, of the wrong type, or unknown.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum OptionError {
    /// A value outside the option's documented range.
    #[error("option {name} = {value} is out of range ({range})")]
    OutOfRange {
        name: &'static str,
        value: String,
        /// What is accepted; for a size that does not fit in memory, also what would fit.
        range: String,
    },
    /// A name the registry does not have.
    #[error("unknown option '{name}' (options: {known})")]
    Unknown { name: String, known: String },
    /// A value of the wrong type (a word for a number, a fraction for a count, ...).
    #[error("option {name} = {value} is not {expected}")]
    Invalid {
        name: &'static str,
        value: String,
        expected: String,
    },
    /// A command-line setting that is not `NAME=VALUE`.
    #[error("a setting is NAME=VALUE, found '{0}'")]
    Malformed(String),
}

impl OptionError {
    /// The option (or flag) the error is about.
    pub fn name(&self) -> &str {
        match self {
            OptionError::OutOfRange { name, .. } | OptionError::Invalid { name, .. } => name,
            OptionError::Unknown { name, .. } => name,
            OptionError::Malformed(_) => "",
        }
    }
}

/// The longest duration any entry point accepts, in seconds: 30 days.
///
/// Why a cap at all: a time limit becomes a [`Duration`] (`Duration::from_secs_f64`
/// panics beyond about 1.8e19 s) and then a deadline `start + limit` (an `Instant` plus a
/// few hundred years already overflows on some platforms, and panics). 30 days is far
/// beyond any useful timetabling run and far below every such limit. Every duration a
/// user can give (the `time_limit` option of the page, `<atoll-solver time-limit>`, the
/// module API and the CLI's `solve`, `repair`, `bench`) goes through [`duration_from_secs`]
/// or [`SolverOptions::validate`], which check it against this one constant.
pub const MAX_DURATION_S: f64 = 2_592_000.0;

/// The accepted range of a duration, as error messages state it.
const DURATION_RANGE: &str = "0 < seconds <= 2592000 (30 days, the cap on every duration)";

/// A duration of `seconds` given as option `name` (an option or a command-line flag):
/// finite, above 0 and at most [`MAX_DURATION_S`], else an error naming `name` and the cap.
/// Never panics, whatever the number.
pub fn duration_from_secs(name: &'static str, seconds: f64) -> Result<Duration, OptionError> {
    let bad = || OptionError::OutOfRange {
        name,
        value: seconds.to_string(),
        range: DURATION_RANGE.to_string(),
    };
    if !(seconds > 0.0 && seconds <= MAX_DURATION_S) {
        return Err(bad());
    }
    Duration::try_from_secs_f64(seconds).map_err(|_| bad())
}

// ---- The registry's vocabulary --------------------------------------------------------

/// One end of a range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Bound {
    /// No bound on this side.
    None,
    /// The value may equal it.
    Incl(f64),
    /// The value must be strictly beyond it.
    Excl(f64),
    /// At most (or at least) another option's value, inclusive.
    Option(&'static str),
    /// Below `1 -` another option's value (two shares of one uniform draw that must leave
    /// room for a third).
    OneMinus(&'static str),
}

/// The values an option accepts. `None` of an optional option is always accepted.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Range {
    pub min: Bound,
    pub max: Bound,
    /// How error messages state the range when the bounds alone would say too little.
    pub text: Option<&'static str>,
}

impl Range {
    /// Anything of the option's type.
    pub const ANY: Range = Range::new(Bound::None, Bound::None);
    /// A duration in seconds: `0 < s <= MAX_DURATION_S`.
    pub const DURATION: Range = Range {
        min: Bound::Excl(0.0),
        max: Bound::Incl(MAX_DURATION_S),
        text: Some(DURATION_RANGE),
    };

    pub const fn new(min: Bound, max: Bound) -> Range {
        Range {
            min,
            max,
            text: None,
        }
    }

    /// `lo..=hi`.
    pub const fn incl(lo: f64, hi: f64) -> Range {
        Range::new(Bound::Incl(lo), Bound::Incl(hi))
    }

    /// `0 < x <= hi`.
    pub const fn above_zero(hi: f64) -> Range {
        Range::new(Bound::Excl(0.0), Bound::Incl(hi))
    }

    /// `>= lo`.
    pub const fn at_least(lo: f64) -> Range {
        Range::new(Bound::Incl(lo), Bound::None)
    }

    /// The range as error messages, `atoll options` and the schema's descriptions state it.
    pub fn describe(&self, name: &str) -> String {
        if let Some(t) = self.text {
            return t.to_string();
        }
        let side = |b: Bound| match b {
            Bound::None => None,
            Bound::Incl(v) | Bound::Excl(v) => Some(number_text(v)),
            Bound::Option(o) => Some(o.to_string()),
            Bound::OneMinus(o) => Some(format!("1 - {o}")),
        };
        let strict = |b: Bound| matches!(b, Bound::Excl(_) | Bound::OneMinus(_));
        match (side(self.min), side(self.max)) {
            (None, None) => "any".to_string(),
            (Some(lo), None) => format!("{} {lo}", if strict(self.min) { ">" } else { ">=" }),
            (None, Some(hi)) => format!("{} {hi}", if strict(self.max) { "<" } else { "<=" }),
            (Some(lo), Some(hi)) if !strict(self.min) && !strict(self.max) => {
                format!("{lo}..={hi}")
            }
            (Some(lo), Some(hi)) => format!(
                "{lo} {} {name} {} {hi}",
                if strict(self.min) { "<" } else { "<=" },
                if strict(self.max) { "<" } else { "<=" }
            ),
        }
    }

    /// Whether `v` is inside, reading another option's value through `other`.
    fn contains(&self, v: f64, other: impl Fn(&str) -> Option<f64>) -> bool {
        let ok_min = match self.min {
            Bound::None => true,
            Bound::Incl(lo) => v >= lo,
            Bound::Excl(lo) => v > lo,
            Bound::Option(o) => other(o).is_none_or(|lo| v >= lo),
            Bound::OneMinus(o) => other(o).is_none_or(|x| v > 1.0 - x),
        };
        let ok_max = match self.max {
            Bound::None => true,
            Bound::Incl(hi) => v <= hi,
            Bound::Excl(hi) => v < hi,
            Bound::Option(o) => other(o).is_none_or(|hi| v <= hi),
            // Two shares of one uniform draw: their sum below 1, so the third keeps a share.
            Bound::OneMinus(o) => other(o).is_none_or(|x| v + x < 1.0),
        };
        // NaN fails every comparison, so it is never inside a bounded range.
        ok_min && ok_max && !v.is_nan()
    }
}

/// A bound as people write it: `10^6` for the large powers of ten, else the plain number.
fn number_text(v: f64) -> String {
    if v >= 1e4 && v.fract() == 0.0 {
        let k = v.log10().round();
        if 10f64.powf(k) == v {
            return format!("10^{k}");
        }
    }
    v.to_string()
}

/// The JSON type of an option's values, for the schema and for type errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Integer,
    Number,
    Boolean,
    /// One of these words.
    Choice(&'static [&'static str]),
}

/// A Rust type an option can have: how it reads from JSON and compares with a range.
pub trait OptionValue: Sized {
    const KIND: Kind;
    /// `null` means `None` (an optional option).
    const NULLABLE: bool = false;
    /// The value of `v`, or `None` when `v` is not of this type.
    fn from_json(v: &Value) -> Option<Self>;
    /// The value as a number for the range check (`None`: nothing to check).
    fn number(&self) -> Option<f64>;
}

/// An integer from JSON: a whole number, also when it arrives as a float (JavaScript has
/// only floats: `10` may come as `10.0`).
fn whole(v: &Value) -> Option<u64> {
    v.as_u64().or_else(|| {
        v.as_f64()
            .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f <= 9_007_199_254_740_992.0)
            .map(|f| f as u64)
    })
}

macro_rules! integer_option {
    ($($t:ty),*) => {$(
        impl OptionValue for $t {
            const KIND: Kind = Kind::Integer;
            fn from_json(v: &Value) -> Option<Self> {
                whole(v).and_then(|n| <$t>::try_from(n).ok())
            }
            fn number(&self) -> Option<f64> {
                Some(*self as f64)
            }
        }
    )*};
}
integer_option!(u32, u64, usize);

impl OptionValue for f64 {
    const KIND: Kind = Kind::Number;
    fn from_json(v: &Value) -> Option<Self> {
        v.as_f64()
    }
    fn number(&self) -> Option<f64> {
        Some(*self)
    }
}

impl OptionValue for bool {
    const KIND: Kind = Kind::Boolean;
    fn from_json(v: &Value) -> Option<Self> {
        v.as_bool()
    }
    fn number(&self) -> Option<f64> {
        None
    }
}

impl<T: OptionValue> OptionValue for Option<T> {
    const KIND: Kind = T::KIND;
    const NULLABLE: bool = true;
    fn from_json(v: &Value) -> Option<Self> {
        if v.is_null() {
            Some(None)
        } else {
            T::from_json(v).map(Some)
        }
    }
    fn number(&self) -> Option<f64> {
        self.as_ref().and_then(T::number)
    }
}

/// An enum option read by its serde name, one of `NAMES`.
macro_rules! choice_option {
    ($t:ty, $names:expr) => {
        impl OptionValue for $t {
            const KIND: Kind = Kind::Choice(&$names);
            fn from_json(v: &Value) -> Option<Self> {
                serde_json::from_value(v.clone()).ok()
            }
            fn number(&self) -> Option<f64> {
                None
            }
        }
    };
}
choice_option!(EvaluatorChoice, ["auto", "gpu", "cpu"]);
choice_option!(Policy, ["learned", "random"]);

impl Kind {
    /// What a value of this kind is, for an error message.
    fn expected(self, nullable: bool) -> String {
        let what = match self {
            Kind::Integer => "a whole number".to_string(),
            Kind::Number => "a number".to_string(),
            Kind::Boolean => "true or false".to_string(),
            Kind::Choice(names) => format!("one of {}", names.join(", ")),
        };
        if nullable {
            format!("{what} or null")
        } else {
            what
        }
    }
}

/// One option of the registry, as [`options!`] declares it.
#[derive(Clone, Copy, Debug)]
pub struct OptionSpec {
    pub name: &'static str,
    /// The doc comment of its declaration (why it exists, what it changes).
    pub doc: &'static str,
    pub kind: Kind,
    /// Whether `null` (no value) is accepted.
    pub nullable: bool,
    pub range: Range,
}

impl OptionSpec {
    /// The doc as one paragraph (the declaration's lines joined, rustdoc links unwrapped).
    pub fn doc_text(&self) -> String {
        self.doc
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .replace("[`", "`")
            .replace("`]", "`")
    }
}

/// Declares the options: the struct, its defaults and the registry, from one table.
macro_rules! options {
    ($(
        $(#[doc = $doc:literal])*
        $name:ident : $ty:ty = $default:expr, range $range:expr;
    )*) => {
        /// Solver settings. `Default` gives the tuned defaults; [`OPTIONS`] lists every
        /// field with its doc and range.
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        pub struct SolverOptions {
            $( $(#[doc = $doc])* pub $name: $ty, )*
        }

        impl Default for SolverOptions {
            fn default() -> Self {
                SolverOptions { $( $name: $default, )* }
            }
        }

        /// Every option, in declaration order: the one list the checks, `atoll options`,
        /// the page and the schema read.
        pub const OPTIONS: &[OptionSpec] = &[$(
            OptionSpec {
                name: stringify!($name),
                doc: concat!($($doc, "\n",)* ""),
                kind: <$ty as OptionValue>::KIND,
                nullable: <$ty as OptionValue>::NULLABLE,
                range: $range,
            },
        )*];

        impl SolverOptions {
            /// The value of option `name` as a number, for range checks (`None` for an
            /// unknown name, an absent optional value, a switch or a choice).
            pub fn number(&self, name: &str) -> Option<f64> {
                match name {
                    $( stringify!($name) => OptionValue::number(&self.$name), )*
                    _ => None,
                }
            }

            /// Stores `value` in option `spec` (type checked, range not yet).
            fn store(&mut self, spec: &OptionSpec, value: &Value) -> Result<(), OptionError> {
                let bad = || OptionError::Invalid {
                    name: spec.name,
                    value: value.to_string(),
                    expected: spec.kind.expected(spec.nullable),
                };
                match spec.name {
                    $( stringify!($name) => {
                        self.$name = <$ty as OptionValue>::from_json(value).ok_or_else(bad)?;
                    } )*
                    _ => unreachable!("every spec names a field"),
                }
                Ok(())
            }
        }
    };
}

// ---- The options --------------------------------------------------------------------------

options! {
    /// Wall-clock limit in seconds; `None` runs until `max_generations` or cancellation.
    time_limit: Option<f64> = Some(60.0), range Range::DURATION;
    /// Stop after this many generations (deterministic runs); `None` for no bound.
    max_generations: Option<u64> = None, range Range::at_least(1.0);
    /// Seed of every random choice. Same seed + same islands + generation bound → same
    /// timetable.
    seed: u64 = 1, range Range::ANY;
    /// Islands evolving in parallel; 0 = one per worker thread.
    islands: usize = 0, range Range::incl(0.0, 256.0);
    /// Individuals per island.
    population: usize = 2, range Range::incl(1.0, 64.0);
    /// Each initial individual is the best of this many randomized constructions.
    construct_attempts: usize = 8, range Range::incl(1.0, 1000.0);
    /// Candidates bred per island per generation (crossover + mutation) and scored in one
    /// batch for all islands.
    offspring: usize = 6, range Range::incl(1.0, 4096.0);
    /// Of those, how many of the best go through local search.
    refine: usize = 1, range Range::new(Bound::Incl(1.0), Bound::Option("offspring"));
    /// Local-search iterations per refined candidate.
    ls_iterations: u64 = 200_000, range Range::incl(1.0, 1e9);
    /// Generations between ring migrations.
    migration_interval: u64 = 10, range Range::at_least(1.0);
    /// Probability that a candidate is bred by crossover (else: copy of one parent).
    crossover_rate: f64 = 0.1, range Range::incl(0.0, 1.0);
    /// Random moves applied to each candidate as mutation.
    mutation_moves: u32 = 2, range Range::incl(0.0, 1e6);
    /// Weight of one hard violation against one unit of soft cost inside local search.
    hard_weight: u32 = 100, range Range::incl(1.0, 1e6);
    /// While a timetable is infeasible the local search minimises hard violations alone,
    /// accepting a move that adds `d` of them with probability `exp(-d / this)`.
    feasibility_temperature: f64 = 0.05, range Range::above_zero(100.0);
    /// Simulated-annealing temperature at the start of the run (the schedule is geometric
    /// in elapsed share of the time or generation budget).
    temperature_start: f64 = 4.0, range Range::above_zero(1e4);
    /// Simulated-annealing temperature at the end of the run.
    temperature_end: f64 = 0.08,
        range Range::new(Bound::Excl(0.0), Bound::Option("temperature_start"));
    /// Temperature ladder across islands (parallel tempering, replica exchange): island
    /// `i` of `n` anneals at `ladder^(i / (n - 1))` times the schedule's temperature, so
    /// island 0 keeps the schedule and the last runs this many times hotter; at every
    /// migration, instead of the ring, neighbouring islands exchange their best chains
    /// with the replica-exchange probability `min(1, exp((1/T_i - 1/T_j)(E_i - E_j)))`
    /// (a better state found hot always moves down the ladder). 1 = every island at the
    /// same temperature with ring migration. Measured in docs/TUNING.md.
    temperature_ladder: f64 = 1.0, range Range::incl(1.0, 1000.0);
    /// Restart from the elite when a chain stalls: an island whose best timetable has not
    /// improved for this many generations restarts every chain from that best, each
    /// perturbed by `restart_moves` random legal moves (an iterated-local-search kick at
    /// the schedule's current temperature). 0 = never. Measured in docs/TUNING.md.
    restart_stall: u64 = 0, range Range::incl(0.0, 1e9);
    /// Random legal moves that perturb each chain restarted from the elite (see
    /// `restart_stall`).
    restart_moves: u32 = 8, range Range::incl(1.0, 1e6);
    /// Probability that a local-search move is a Kempe chain (the lecture's period and
    /// another exchange the connected set of conflicting lectures). One uniform draw picks
    /// the move: below `kempe_rate` a chain, then `room_change_rate` of room-only changes,
    /// and the rest period moves (a lecture to another period, swapping with the lecture in
    /// the target room). The two rates must leave period moves a share: at the default
    /// `room_change_rate` of 0.1, `kempe_rate` stays below 0.9. 0.3 (with
    /// `kempe_reroom`) by measurement: 0.05 → 0.3 took the geometric mean of
    /// (median+1)/(best+1) from 1.236 to 1.126 on comp01/03/…/13 and from 1.523 to
    /// 1.297 on comp02/04/…/14 at a third of a 60 s run (docs/TUNING.md).
    kempe_rate: f64 = 0.3,
        range Range::new(Bound::Incl(0.0), Bound::OneMinus("room_change_rate"));
    /// Probability that a local-search move is a room-only change: the lecture keeps its
    /// period and goes to another room (swapping with its occupant). See `kempe_rate` for
    /// how the moves share one draw.
    room_change_rate: f64 = 0.1,
        range Range::new(Bound::Incl(0.0), Bound::OneMinus("kempe_rate"));
    /// Kempe chains find rooms: a member whose room is taken at its new period by a
    /// lecture outside the chain goes to the free room there with the least capacity
    /// excess (then the smallest; on a campus only rooms it may use) instead of clashing,
    /// so chains stay feasible where the rooms are nearly full (comp07: 87% of the
    /// room-periods taken). Without it nearly every chain of two or more lectures clashes
    /// there and is rejected. Measured in docs/TUNING.md.
    kempe_reroom: bool = true, range Range::ANY;
    /// Of the room-only changes, the share aimed at a room another lecture of the course
    /// already uses (room stability); the rest try any room.
    sibling_room_rate: f64 = 0.5, range Range::incl(0.0, 1.0);
    /// Probability that a period move keeps the lecture's room (room stability).
    keep_room_rate: f64 = 0.9, range Range::incl(0.0, 1.0);
    /// Share of period moves that go to the free room at the target period with the
    /// least capacity excess (then the smallest; on a campus only rooms the lecture may
    /// use), as Kempe chains do with `kempe_reroom`; when no room is free there, the
    /// move chooses its room as the others do (`keep_room_rate`). Where rooms are nearly
    /// full the lecture's own room is mostly taken at the target period, so a period move
    /// that keeps it is a swap with the occupant, and a random room is rarely free: a
    /// plain move into a free room is otherwise rare. 0 = never. Measured in
    /// docs/TUNING.md.
    free_room_rate: f64 = 0.0, range Range::incl(0.0, 1.0);
    /// Share of local-search moves that ruin and recreate a curriculum's day: the
    /// lectures of one of the lecture's curricula on its day are taken out and put back
    /// one by one at the cheapest period and room (`.ctt` only). A compound move for the
    /// deep optima single moves and chains do not reach; each costs a scan of every
    /// period per lecture, so the share is small. 0.01 by measurement at equal wall time
    /// (60 s, comp01-14, 3 seeds: geometric mean 1.213 -> 1.114, both halves better;
    /// docs/TUNING.md "Stop 28"). 0 = never.
    ruin_rate: f64 = 0.01, range Range::incl(0.0, 0.1);
    /// While the timetable is infeasible, the share of local-search moves that start from
    /// a lecture in a hard violation (the rest from any lecture): the search works on the
    /// clashes without freezing the rest of the timetable.
    hot_lecture_rate: f64 = 0.5, range Range::incl(0.0, 1.0);
    /// Share of period moves and Kempe chains aimed at curriculum compactness: the
    /// target period is one next to (same day) a lecture of one of the lecture's
    /// curricula that the curriculum leaves free, instead of any period. Isolated
    /// lectures are most of what remains at the end on the instances furthest from their
    /// best known (comp07, comp10). `.ctt` instances of at most 64 periods; elsewhere
    /// the target is any period. 0 = always any period. Measured in docs/TUNING.md.
    compact_rate: f64 = 0.0, range Range::incl(0.0, 1.0);
    /// Share of period moves and Kempe chains aimed at minimum working days: for a lecture
    /// of a course taught on fewer days than its minimum that shares its day with another
    /// of its lectures, the target is a period of a day the course does not use yet
    /// (otherwise any period). 0 = always any period. Measured in docs/TUNING.md.
    spread_rate: f64 = 0.0, range Range::incl(0.0, 1.0);
    /// Which evaluator scores each generation's batch: `"auto"` (the GPU when an adapter
    /// exists and a short calibration on this instance and batch size finds it faster than
    /// the CPU), `"gpu"` (the GPU whenever there is one) or `"cpu"`. Without a usable GPU
    /// the CPU evaluates and the reason is reported; results are identical either way.
    evaluator: EvaluatorChoice = EvaluatorChoice::Auto, range Range::ANY;

    // --- Stage 3: Q-learning conflict resolution, and the memory budget -----------------
    /// Run Stage 3 (conflict resolution by a learned repair policy) after evolution.
    stage3: bool = true, range Range::ANY;
    /// Share of the time limit kept for Stage 3: Stage 2 ends at `(1 - share)` of it.
    /// An upper bound: after `stage3_idle_sweeps` empty sweeps the rest goes back to
    /// evolution. 0.1 by measurement (`atoll bench --ablation`, 3 s full solves, 8
    /// instances in two halves, 6 seeds; docs/REPAIR.md): learned Stage 3 against none was
    /// better in 20, equal in 12, worse in 16 of 48 runs and never worse in a half's soft
    /// sum (1.6% better in all) — not significant, but not a cost either, and nothing
    /// supports a larger share. Its real job is repairing existing timetables (`atoll
    /// repair`).
    stage3_share: f64 = 0.1, range Range::new(Bound::Excl(0.0), Bound::Excl(1.0));
    /// Stage 3 rounds (one parallel batch of conflicts each) when the run is bounded by
    /// `max_generations`; a timed run repairs until its time limit.
    stage3_rounds: u64 = 20, range Range::incl(1.0, 1e7);
    /// Stage 3 gives up after this many sweeps over its conflicts that applied nothing,
    /// handing the rest of its share back to evolution. After evolution the timetable is
    /// at a local optimum of every repair action: measured on comp01–14 (`atoll bench
    /// --ablation`, 4 s runs), Stage 3's 10% of the time removed 4 to 6 soft units in
    /// all, while the same time left to evolution removed more. Two, not one, because the
    /// annealing actions are random: one empty sweep is not yet proof.
    stage3_idle_sweeps: u64 = 2, range Range::incl(1.0, 1e6);
    /// Conflicts repaired in parallel per round; 0 = the memory budget's choice (8 under
    /// 4 GiB, 16 above).
    conflict_batch: usize = 0, range Range::incl(0.0, 1024.0);
    /// Of the soft violations, how many of the costliest are conflicts to repair once no
    /// hard violation is left.
    soft_conflicts: usize = 64, range Range::incl(1.0, 1e6);
    /// Wall-clock deadline of one conflict, in milliseconds: a repair still running past
    /// it is abandoned (cooperatively) and counted.
    conflict_deadline_ms: f64 = 250.0, range Range::above_zero(600_000.0);
    /// How Stage 3 picks a repair action: `learned` (epsilon-greedy on the learned repair
    /// rates, gain per unit of work: see `repair::agent`; the old `discount` and
    /// `free_work` options went with the squashed reward they shaped) or
    /// `random` (uniform; the ablation baseline).
    policy: Policy = Policy::Learned, range Range::ANY;
    /// Epsilon of the epsilon-greedy policy: share of random action choices.
    exploration: f64 = 0.1, range Range::incl(0.0, 1.0);
    /// Repair actions tried on one conflict before it is given up for this round.
    episode_steps: u32 = 3, range Range::incl(1.0, 64.0);
    /// Annealing iterations of the `anneal` repair action.
    burst_iterations: u64 = 20_000, range Range::incl(1.0, 1e8);
    /// The `anneal` repair action's `feasibility_temperature`: warmer than Stage 2's, so
    /// that a short run from a badly broken timetable walks out of the dead ends a
    /// greedier one stops in.
    repair_feasibility_temperature: f64 = 0.3, range Range::above_zero(100.0);
    /// The `focused` repair action (a short walk over the lectures around one conflict)
    /// runs `burst_iterations / this` iterations (at least one): it moves few lectures, so
    /// it needs a fraction of the broad anneal's walk.
    focused_iteration_divisor: u64 = 20, range Range::incl(1.0, 1e6);
    /// Most lectures in the focused walk's neighbourhood: the conflict's lecture and
    /// partner first, then lectures of conflicting courses.
    focused_lectures: usize = 48, range Range::incl(1.0, 1e6);
    /// Start temperature of the focused walk, in weighted cost units (it cools to
    /// `temperature_end`): warm enough to take a soft step of one or two units back, far
    /// too cold for a hard violation.
    focused_temperature: f64 = 1.5, range Range::above_zero(1e4);
    /// A Q-value weighs at most this many observations (its mean kept, capped before
    /// every round), so recent experience — and what a new run learns on top of a saved
    /// table — moves it: the value of a repair changes as the timetable gets better.
    learning_window: u64 = 500, range Range::incl(1.0, 1e9);
    /// The watchdog reports a stall when no conflict finished (or the cost did not
    /// improve) for this many seconds.
    stall_timeout_s: f64 = 10.0, range Range::above_zero(86_400.0);
    /// Memory (GiB) the budget is computed from; `None` = detect (natively the available
    /// memory, in the browser `navigator.deviceMemory` passed in by the worker, else a
    /// conservative default).
    memory_gib: Option<f64> = None, range Range::incl(0.0625, 65_536.0);
    /// Most timetables in one GPU dispatch; 0 = the memory budget's choice.
    gpu_batch: usize = 0, range Range::incl(0.0, 65_536.0);
}

/// Which batch evaluator a run uses (see [`SolverOptions::evaluator`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EvaluatorChoice {
    /// The GPU when present and faster here, else the CPU.
    #[default]
    Auto,
    /// The GPU when present, else the CPU.
    Gpu,
    /// The CPU.
    Cpu,
}

/// How Stage 3 chooses a repair action.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Policy {
    /// Epsilon-greedy on the learned Q-values.
    Learned,
    /// Uniformly at random (for ablations).
    Random,
}

impl SolverOptions {
    /// `time_limit` as a [`Duration`] (`None` without a limit), checked against
    /// [`MAX_DURATION_S`]: the one conversion every solve uses.
    pub fn time_limit_duration(&self) -> Result<Option<Duration>, OptionError> {
        self.time_limit
            .map(|t| duration_from_secs("time_limit", t))
            .transpose()
    }

    /// Checks every option against its declared range, in declaration order; returns
    /// the first setting outside it.
    pub fn validate(&self) -> Result<(), OptionError> {
        for spec in OPTIONS {
            self.check(spec, true)?;
        }
        Ok(())
    }

    /// `spec`'s value against its range; bounds that name another option only when
    /// `relative` (while settings are applied one by one, the other may change next).
    fn check(&self, spec: &OptionSpec, relative: bool) -> Result<(), OptionError> {
        let Some(v) = self.number(spec.name) else {
            return Ok(());
        };
        let other = |o: &str| if relative { self.number(o) } else { None };
        if spec.range.contains(v, other) {
            Ok(())
        } else {
            Err(OptionError::OutOfRange {
                name: spec.name,
                value: v.to_string(),
                range: spec.range.describe(spec.name),
            })
        }
    }

    /// Sets option `name` to `value` (JSON: a number, `true`/`false`, a word for a choice,
    /// `null` for an optional option). An unknown name, a value of the wrong type or one
    /// outside the option's own bounds is an error naming the option; bounds relative to
    /// another option (`refine` at most `offspring`, ...) are checked by [`Self::validate`]
    /// once every setting is in.
    pub fn set(&mut self, name: &str, value: &Value) -> Result<(), OptionError> {
        let spec = spec(name).ok_or_else(|| OptionError::Unknown {
            name: name.to_string(),
            known: OPTIONS
                .iter()
                .map(|s| s.name)
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        self.store(spec, value)?;
        self.check(spec, false)
    }

    /// Applies a command-line setting `NAME=VALUE`: the value is JSON (`6`, `0.5`, `true`,
    /// `null`), or a bare word for a choice (`evaluator=gpu`).
    pub fn set_assignment(&mut self, setting: &str) -> Result<(), OptionError> {
        let (name, text) = setting
            .split_once('=')
            .ok_or_else(|| OptionError::Malformed(setting.to_string()))?;
        let value = serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.into()));
        self.set(name, &value)
    }

    /// The defaults with `settings` (a JSON object of option names and values, as the page
    /// sends it) applied, then validated.
    pub fn from_settings(
        settings: &serde_json::Map<String, Value>,
    ) -> Result<SolverOptions, OptionError> {
        let mut opts = SolverOptions::default();
        for (name, value) in settings {
            opts.set(name, value)?;
        }
        opts.validate()?;
        Ok(opts)
    }
}

/// The registry entry of option `name`.
pub fn spec(name: &str) -> Option<&'static OptionSpec> {
    OPTIONS.iter().find(|s| s.name == name)
}

/// Every option as a row: `{ name, default, range, doc }` (what `atoll options --list`
/// prints and the page can show).
#[derive(Clone, Debug, Serialize)]
pub struct OptionRow {
    pub name: &'static str,
    pub default: Value,
    pub range: String,
    pub doc: String,
}

/// The rows of every option, in declaration order.
pub fn option_rows() -> Vec<OptionRow> {
    let defaults = serde_json::to_value(SolverOptions::default()).unwrap_or_default();
    OPTIONS
        .iter()
        .map(|s| OptionRow {
            name: s.name,
            default: defaults.get(s.name).cloned().unwrap_or(Value::Null),
            range: s.range.describe(s.name),
            doc: s.doc_text(),
        })
        .collect()
}

/// The JSON schema (2020-12) of an options object: every option with its description
/// (doc and range), default, type and static bounds; unknown names are refused.
/// `schema/options.schema.json` is this, written by `atoll options --schema`.
pub fn json_schema() -> Value {
    use serde_json::json;
    let mut props = serde_json::Map::new();
    for row in option_rows() {
        let spec = spec(row.name).expect("rows come from the registry");
        let ty = match spec.kind {
            Kind::Integer => "integer",
            Kind::Number => "number",
            Kind::Boolean => "boolean",
            Kind::Choice(_) => "string",
        };
        let mut p = serde_json::Map::new();
        p.insert(
            "description".into(),
            Value::String(format!("{} Range: {}.", row.doc, row.range)),
        );
        p.insert("default".into(), row.default);
        p.insert(
            "type".into(),
            if spec.nullable {
                json!([ty, "null"])
            } else {
                json!(ty)
            },
        );
        if let Kind::Choice(names) = spec.kind {
            p.insert("enum".into(), json!(names));
        }
        for (bound, incl, excl) in [
            (spec.range.min, "minimum", "exclusiveMinimum"),
            (spec.range.max, "maximum", "exclusiveMaximum"),
        ] {
            match bound {
                Bound::Incl(v) => p.insert(incl.into(), json_number(v)),
                Bound::Excl(v) => p.insert(excl.into(), json_number(v)),
                _ => None,
            };
        }
        props.insert(row.name.into(), Value::Object(p));
    }
    json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://atoll.example/schema/options.schema.json",
        "title": "Atoll solver options",
        "description": "The solver options of `atoll solve --set`, the page's option object and the module API; every field is optional (missing ones keep their defaults). Generated from src/options.rs by `atoll options --schema`.",
        "type": "object",
        "additionalProperties": false,
        "properties": props,
    })
}

/// A bound as a JSON number: an integer when it is whole (the schema of an integer
/// option reads `"maximum": 64`, not `64.0`).
fn json_number(v: f64) -> Value {
    if v.fract() == 0.0 && v.abs() < 9e15 {
        Value::from(v as i64)
    } else {
        Value::from(v)
    }
}
