// Types of Atoll's embedding API (atoll.js): the module functions solve() and repair(), and
// the custom element <atoll-solver>. Hand-written from the objects the wasm module returns
// (src/web.rs and src/web/, src/solver.rs, src/report.rs, src/repair/, src/model/moves.rs); checked with
// `tsc --noEmit --strict` on tests/types/example.ts by `npm test` (`npm run typecheck`).
//
// Numbers: every count, cost and index is a whole number; `*_s` fields are seconds.
// Day and period indices are 0-based (period = period of the day).

// ---------------------------------------------------------------------------------------
// Inputs

/**
 * A campus instance as an object: the campus JSON format (docs/CAMPUS.md, JSON Schema in
 * schema/campus.schema.json). Sent to the solver as its JSON text; errors name the field.
 */
export interface CampusInstance {
  /** Where editors find the schema; ignored. */
  $schema?: string;
  name: string;
  /** The day names in order, or how many days ("Day 1", "Day 2", ...). At most 31. */
  days: number | string[];
  /** The periods of a day in order (times "HH:MM"), or how many. At most 96. */
  periods: number | CampusPeriod[];
  teachers?: CampusTeacher[];
  rooms?: CampusRoom[];
  /** Students who take courses together (curricula, batches): their courses never clash. */
  groups?: CampusGroup[];
  courses?: CampusCourse[];
  /** Lectures the office fixed; never moved by any solver stage. */
  pins?: CampusPin[];
  /** Soft weights (docs/RULES.md); a missing one keeps its default. At most 1000 each. */
  weights?: Partial<Record<'room_capacity' | 'min_working_days' | 'curriculum_compactness' | 'room_stability'
    | 'teacher_preference' | 'daily_limit' | 'changes', number>>;
  /** The .ectt fields UD2 does not score (lossless .ectt → JSON → .ectt). */
  ectt?: {
    min_daily_lectures: number;
    max_daily_lectures: number;
    room_constraints?: { course: string; room: string }[];
    double_lectures?: string[];
    buildings?: Record<string, number>;
  };
}

/** Periods ("Mon 08:00", "Mon 1st") or whole days ("Fri"). */
export type CampusPeriods = string[];

export interface CampusPeriod {
  /** Defaults to the start time. */
  name?: string;
  /** "HH:MM". */
  start: string;
  /** "HH:MM". */
  end: string;
}

export interface CampusTeacher {
  name: string;
  /** Hard: none of their courses may be taught then. */
  unavailable?: CampusPeriods;
  /** Soft: when given, each period they teach outside these costs `weights.teacher_preference`. */
  preferred?: CampusPeriods;
  max_daily?: number;
}

export interface CampusRoom {
  name: string;
  capacity: number;
  /** "hall", "seminar", "lab", ...: what a course's `room_type` asks for. */
  type?: string;
  features?: string[];
  unavailable?: CampusPeriods;
}

export interface CampusGroup {
  name: string;
  kind?: string;
  courses: string[];
  max_daily?: number;
}

export interface CampusCourse {
  name: string;
  /** The first is the main teacher. */
  teachers: string[];
  lectures: number;
  /** Consecutive periods each lecture lasts (default 1). */
  duration?: number;
  students: number;
  min_days?: number;
  room_type?: string;
  features?: string[];
  rooms?: string[];
  unavailable?: CampusPeriods;
}

export interface CampusPin {
  course: string;
  period?: string;
  room?: string;
}

/**
 * An instance: the text of a `.ctt`/`.ectt` file (or of a campus `.json`: a text starting
 * with `{` is read as JSON unless `fileName` says otherwise), or a campus object.
 */
export type InstanceInput = string | CampusInstance;

/** Which evaluator scores the generations: `auto` takes a hardware GPU when there is one. */
export type EvaluatorChoice = 'auto' | 'gpu' | 'cpu';

/**
 * Solver options by their `atoll options` names (src/options.rs documents each one's
 * range; one out of range, of the wrong type or unknown is rejected naming it).
 * `time_limit` and `seed` are not here: they are `timeLimitMs` and `seed`.
 */
export interface SolverOptions {
  /** Stop after this many generations; with a fixed seed and `islands` (and `timeLimitMs: null`) the timetable is the same on every run. */
  max_generations?: number | null;
  /** Islands evolving in parallel; 0 (default) = one per thread. 0..=256. */
  islands?: number;
  population?: number;
  construct_attempts?: number;
  offspring?: number;
  refine?: number;
  ls_iterations?: number;
  migration_interval?: number;
  crossover_rate?: number;
  mutation_moves?: number;
  hard_weight?: number;
  feasibility_temperature?: number;
  temperature_start?: number;
  temperature_end?: number;
  /** Parallel tempering: the last island anneals this many times hotter (1 = off). */
  temperature_ladder?: number;
  /** Restart an island's chains from its elite after this many generations without improvement (0 = off). */
  restart_stall?: number;
  /** Random moves perturbing each chain restarted from the elite. */
  restart_moves?: number;
  kempe_rate?: number;
  keep_room_rate?: number;
  /** Share of period moves that go to the best free room at the target period. */
  free_room_rate?: number;
  /** Share of moves that ruin and recreate a curriculum's day (.ctt; default 0.01). */
  ruin_rate?: number;
  room_change_rate?: number;
  /** Kempe chains move a member to a free room instead of clashing (.ctt). */
  kempe_reroom?: boolean;
  sibling_room_rate?: number;
  hot_lecture_rate?: number;
  /** Share of period moves and Kempe chains aimed next to a curriculum-mate (compactness). */
  compact_rate?: number;
  /** Share of period moves and Kempe chains aimed at a day the course lacks (min working days). */
  spread_rate?: number;
  evaluator?: EvaluatorChoice;
  /** Stage 3 (learned conflict repair) in the last `stage3_share` of the time; default true. */
  stage3?: boolean;
  stage3_share?: number;
  stage3_rounds?: number;
  stage3_idle_sweeps?: number;
  conflict_batch?: number;
  soft_conflicts?: number;
  conflict_deadline_ms?: number;
  policy?: 'learned' | 'random';
  exploration?: number;
  episode_steps?: number;
  burst_iterations?: number;
  repair_feasibility_temperature?: number;
  focused_iteration_divisor?: number;
  focused_lectures?: number;
  focused_temperature?: number;
  learning_window?: number;
  stall_timeout_s?: number;
  memory_gib?: number | null;
  gpu_batch?: number;
}

/** What solve() and repair() share. */
export interface RunOptions {
  /**
   * Milliseconds, above 0 and at most 30 days ({@link MAX_TIME_LIMIT_S}); default 10000.
   * `null`: no time limit, only with `options.max_generations` (else a RangeError).
   */
  timeLimitMs?: number | null;
  /** Threads of the pool; default `navigator.hardwareConcurrency`. 1 when the page is not cross-origin isolated. */
  threads?: number;
  /** Default 1. */
  seed?: number;
  /** Aborting during the run resolves with the best timetable so far (`stats.stop_reason === 'cancelled'`); aborted before the start, the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** Any other solver option. */
  options?: SolverOptions;
  /** The instance's name in error messages; its extension picks the reader (`.ctt`, `.ectt`, `.json`). Default `instance.ctt` (`instance.json` for JSON text or an object). */
  fileName?: string;
}

export interface SolveOptions extends RunOptions {
  /** Called after each step of about 150 ms. */
  onProgress?: (progress: SolveProgress) => void;
}

export interface RepairOptions extends RunOptions {
  /** Never more lectures moved, unless a move removes hard violations; default no cap. A whole number ≥ 0. */
  maxMoves?: number | null;
  /** The cost of one moved lecture, default 100. A whole number 0..=2^32-1. */
  moveWeight?: number | null;
  /** The old timetable's name in error messages; default `timetable.sol`. */
  solutionName?: string;
  /** Called after each step. */
  onProgress?: (progress: RepairProgress) => void;
}

// ---------------------------------------------------------------------------------------
// Progress

/** Hard violations, then soft cost: the lexicographic cost of a timetable. */
export interface Cost {
  hard: number;
  soft: number;
}

export type Stage = 'construct' | 'evolve' | 'repair';

/** Why a solve ended. `solved`: Stage 3 found no violation at all left. */
export type StopReason = 'time_limit' | 'generations' | 'cancelled' | 'solved';

/** Why a repair ended. `done`: feasible and nothing cheaper found. */
export type RepairStopReason = 'done' | 'time_limit' | 'rounds' | 'cancelled';

/** A stall the Stage 3 watchdog reported. */
export interface StallEvent {
  kind: 'no_progress' | 'no_improvement';
  /** Seconds since Stage 3 started. */
  at_s: number;
  /** Seconds without progress (or improvement). */
  idle_s: number;
  /** Conflict episodes finished so far. */
  episodes: number;
}

/** A solve's progress event. */
export interface SolveProgress {
  stage: Stage;
  generation: number;
  elapsed_s: number;
  /** The best timetable's cost so far. */
  best: Cost;
  /** The best cost of each island. */
  islands: Cost[];
  /** Local-search iterations so far, all islands together. */
  iterations: number;
  /** What scores the generations: "CPU (N threads)" or "gpu <adapter>". */
  evaluator: string;
  /** Violations left during Stage 3, else null. */
  conflicts_left: number | null;
  /** Watchdog stalls so far, and the latest. */
  stalls: number;
  last_stall: StallEvent | null;
  /** Null while running, then why the run ended. */
  finished: StopReason | null;
}

/** Conflicts left: hard ones, and all (hard and soft). */
export interface ConflictCount {
  hard: number;
  total: number;
}

/** A repair's progress event. */
export interface RepairProgress {
  elapsed_s: number;
  /** Rounds over every step (a parallel batch of conflicts, or an escalation, each). */
  rounds: number;
  /** The best timetable's hard violations and soft cost (moves not counted). */
  hard: number;
  soft: number;
  /** Lectures away from the old timetable: room-only and period moves, and of how many. */
  moved: number;
  room_only: number;
  period: number;
  of: number;
  /** Null before the first step. */
  conflicts_left: ConflictCount | null;
  /** Null while running, then why the repair ended. */
  finished: RepairStopReason | null;
}

// ---------------------------------------------------------------------------------------
// Results

/** The hard components, as the official ITC-2007 validator counts them. */
export interface HardBreakdown {
  lectures: number;
  conflicts: number;
  availability: number;
  room_occupancy: number;
  /** Campus instances only: unsuitable or closed rooms, lectures past the end of the day, pins not kept. */
  placement?: number;
}

/** The soft components, weighted. */
export interface SoftBreakdown {
  room_capacity: number;
  min_working_days: number;
  curriculum_compactness: number;
  room_stability: number;
  /** Campus instances only, like the two below. */
  teacher_preference?: number;
  daily_limit?: number;
  changes?: number;
}

export interface Breakdown {
  hard: HardBreakdown;
  soft: SoftBreakdown;
}

/** The rule a violation breaks (docs/RULES.md). */
export type Rule = 'lectures' | 'conflicts' | 'availability' | 'room_occupancy' | 'room_capacity'
  | 'min_working_days' | 'curriculum_compactness' | 'room_stability' | 'room_unsuitable' | 'room_closed'
  | 'past_end_of_day' | 'pin_not_kept' | 'teacher_preference' | 'curriculum_daily_limit'
  | 'teacher_daily_limit' | 'moved';

export interface DayPeriod {
  day: number;
  period: number;
}

/** One violation, by names. */
export interface Violation {
  rule: Rule;
  hard: boolean;
  /** Hard violations for a hard rule, weighted soft cost for a soft one. */
  cost: number;
  courses: string[];
  curricula: string[];
  /** Only present when teachers are singled out (campus instances). */
  teachers?: string[];
  rooms: string[];
  periods: DayPeriod[];
  /** The violation in words. */
  message: string;
}

/** The memory budget a run used (`atoll budget`). */
export interface Budget {
  memory_gib: number;
  source: 'option' | 'available' | 'device_memory' | 'default';
  /** The wasm heap limit that capped `memory_gib`. */
  heap_limit_gib?: number;
  conflict_batch: number;
  max_population: number;
  max_offspring: number;
  gpu_batch: number;
}

export type RepairAction = 'move_best' | 'swap_best' | 'room_only' | 'kempe' | 'eject' | 'anneal' | 'focused';

/** Per Stage 3 action: how often it was chosen, improved, applied, and what it cost. */
export interface ActionStats {
  action: RepairAction | null;
  chosen: number;
  improved: number;
  accepted: number;
  work: number;
  micros: number;
  /** Weighted improvement (hard × hard_weight + soft) of its applied proposals. */
  gain: number;
}

/** Stage 3's counters. */
export interface RepairStats {
  rounds: number;
  episodes: number;
  steps: number;
  proposals: number;
  accepted: number;
  rejected: number;
  overlapping: number;
  abandoned: number;
  q_updates: number;
  extras_dropped: number;
  batch: number;
  actions: ActionStats[];
  /** The same per conflict rule. */
  per_rule: ActionStats[][];
  cache: { hits: number; misses: number };
  stalls: number;
  elapsed_s: number;
  time_to_feasible_s: number | null;
  start: Cost;
  end: Cost;
  conflicts_left: number;
  hard_conflicts_left: number;
  escalations: number;
  escalations_improved: number;
  over_max_moves: number;
}

/** Where a lecture was or is: 0-based day and period of the day, and the room. */
export interface Place {
  day: number;
  period: number;
  room: string;
}

export interface MovedLecture {
  /** The lecture's index in the timetable. */
  lecture: number;
  course: string;
  from: Place;
  to: Place;
  kind: 'room_only' | 'period';
}

/** Lectures moved away from a reference timetable: "moved N of M". */
export interface Moves {
  moved: number;
  room_only: number;
  period: number;
  of: number;
  lectures: MovedLecture[];
}

/** What both results report of the build and the pool. */
export interface PoolStats {
  /** True when the threaded build ran (the page is cross-origin isolated). */
  threaded: boolean;
  /** The pool's size (1 for the single-threaded build). */
  pool_threads: number;
}

export interface SolveStats extends PoolStats {
  islands: number;
  threads: number;
  evaluator: string;
  generations: number;
  ls_iterations: number;
  ls_accepted: number;
  batch_evaluations: number;
  /** Times a search phase outside the islands (the GPU's tabu walk) improved the run's best. */
  outside_improvements: number;
  elapsed_s: number;
  construct_s: number;
  /** Seconds until the best timetable was first feasible; null if it never was. */
  time_to_feasible_s: number | null;
  construction_unplaced: number;
  budget: Budget;
  /** Stage 3's counters, if it ran. */
  repair: RepairStats | null;
  /** Only for a run from a reference timetable (re-solve); null from solve(). */
  moves: Moves | null;
  stop_reason: StopReason;
}

export interface RepairRunStats extends PoolStats {
  elapsed_s: number;
  rounds: number;
  steps: number;
  /** Stage 3's counters of the last step. */
  last_step: RepairStats;
  stop_reason: RepairStopReason;
}

/** What solve() resolves to. */
export interface SolveResult {
  /** The best timetable as ITC-2007 `.sol` text (`CourseID RoomID Day Period` lines). */
  solution: string;
  /** Hard violations and soft cost as the official validator counts them. */
  hard: number;
  soft: number;
  feasible: boolean;
  breakdown: Breakdown;
  violations: Violation[];
  stats: SolveStats;
  /** Present when a step failed (a GPU error, ...) and the run ended early with the best so far. */
  interrupted?: string;
}

/** What repair() resolves to. */
export interface RepairResult {
  solution: string;
  hard: number;
  soft: number;
  feasible: boolean;
  breakdown: Breakdown;
  violations: Violation[];
  /** How the result differs from the old timetable. */
  moves: Moves;
  stats: RepairRunStats;
  interrupted?: string;
}

// ---------------------------------------------------------------------------------------
// Functions

/** The longest time limit, in seconds (30 days). */
export declare const MAX_TIME_LIMIT_S: 2592000;

/**
 * Solves an instance in a new worker (closed at the end). Rejects with an Error naming the
 * file and line for a bad instance, a RangeError for a bad time limit, a TypeError for an
 * instance that is neither a string nor an object, an AbortError when `signal` was aborted
 * before the start.
 */
export declare function solve(instance: InstanceInput, options?: SolveOptions): Promise<SolveResult>;

/**
 * Repairs an existing timetable (`.sol` text; missing, repeated or clashing lines are
 * what gets repaired), moving as few lectures as it can: hard violations first, then
 * lectures moved, then soft cost.
 */
export declare function repair(instance: InstanceInput, solutionText: string, options?: RepairOptions): Promise<RepairResult>;

// ---------------------------------------------------------------------------------------
// <atoll-solver>

/** The `state` attribute of <atoll-solver>. */
export type AtollSolverState = 'idle' | 'loading' | 'solving' | 'solved' | 'error';

/**
 * The element's events. `progress` and `result` bubble and are composed; `error` fires on
 * the element only (it does not bubble, so the page's global error handlers never see it).
 * `progress` and `error` replace the HTMLElement events of the same names.
 */
export interface AtollSolverEventMap extends Omit<HTMLElementEventMap, 'progress' | 'error'> {
  progress: CustomEvent<SolveProgress>;
  result: CustomEvent<SolveResult>;
  error: CustomEvent<{ message: string }>;
}

/**
 * `<atoll-solver src="fall.ctt" time-limit="30" threads="4" seed="1" autostart>`: a compact
 * solver (Solve/Stop, a progress bar, then the timetable grid per curriculum/teacher/room
 * and a `.sol` download) in an open shadow root.
 *
 * Attributes set by the host: `src` (URL of the instance, relative to the page),
 * `time-limit` (seconds, default 10; `none` with `options.max_generations`), `threads`,
 * `seed`, `autostart`, `lang` (`en` or `de`: the element's words; else the nearest
 * ancestor's `lang`).
 *
 * Attributes the element sets (its state; style on them, e.g. `atoll-solver[state=solved]`):
 * `state` ({@link AtollSolverState}); once solved also `hard`, `soft`, `stop-reason`, and
 * `feasible` (present only when feasible). A new start removes the last four.
 *
 * Theming: custom properties on the element — `--atoll-font`, `--atoll-ink` (text),
 * `--atoll-muted` (secondary text), `--atoll-card` (background), `--atoll-bg`,
 * `--atoll-line` (borders), `--atoll-accent` and `--atoll-accent-ink` (buttons, progress,
 * links), `--atoll-track` (progress track), `--atoll-radius`, and the grid's cell colours
 * `--atoll-good`/`--atoll-good-bg`, `--atoll-warn`/`--atoll-warn-bg` (soft violations),
 * `--atoll-bad`/`--atoll-bad-bg` (hard violations). Parts, for `atoll-solver::part(NAME)`:
 * `box`, `head`, `title`, `start`, `stop`, `bar`, `bar-fill`, `status`, `error`, `result`,
 * `kind`, `name`, `download`, `grid`.
 */
export declare class AtollSolver extends HTMLElement {
  static readonly observedAttributes: string[];
  /**
   * The instance to solve instead of `src`: a file's text or a campus object; null (the
   * default) means `src`. Setting anything else throws a TypeError.
   */
  instance: InstanceInput | null;
  /** The same property as `instance`. */
  instanceText: InstanceInput | null;
  /** More solver options, as solve()'s `options`. */
  options: SolverOptions;
  /** The last result, or null. */
  result: SolveResult | null;
  /** The `time-limit` attribute in ms (null for `none`); throws a RangeError for a bad one. */
  readonly timeLimitMs: number | null;
  /** Loads the instance, solves it, shows and returns the result (null when a solve is already running). Rejects as solve() does, or for a `src` that cannot be loaded. */
  start(): Promise<SolveResult | null>;
  /** Stops the solve in progress; the result is the best timetable so far. */
  stop(): void;
  addEventListener<K extends keyof AtollSolverEventMap>(type: K,
    listener: (this: AtollSolver, ev: AtollSolverEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof AtollSolverEventMap>(type: K,
    listener: (this: AtollSolver, ev: AtollSolverEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

declare global {
  interface HTMLElementTagNameMap {
    'atoll-solver': AtollSolver;
  }
}
