// The page's shared state: one object every module of www/app/ reads and writes, instead
// of variables scattered over the modules. Plain data only; the DOM is the view of it.

/** `document.querySelector`, the page's one selector helper. */
export const $ = (sel) => document.querySelector(sel);

/** The page's query string (`?threads=N`, `?sample=…`, `?stall=S`, `?nosw`, `?lang=`). */
export const params = new URLSearchParams(location.search);

export const state = {
  // ---- the worker (rpc.js) ----
  /** The solver worker's Client (atoll.js), replaced when the pool size changes or it crashes. */
  client: null,
  /** performance.now() when the worker last said anything: the watchdog's clock. */
  lastHeard: 0,
  /** Solve, re-solve and repair calls out now (the watchdog runs only then). */
  solveCalls: 0,
  /** The restart after a crash in progress (a Promise), or null. */
  recovering: null,
  /** Crashes so far; after MAX_CRASHES the page stops restarting. */
  crashes: 0,

  // ---- the engine and what the page is doing ----
  ready: false,
  engineFailed: false,
  haveInstance: false,
  /** A solve, re-solve or repair runs (the worker is busy: everything else waits). */
  solving: false,
  /** A repair runs (`solving` is true then too). */
  repairing: false,
  stopping: false,
  /** The size of the worker's rayon pool now. */
  poolThreads: 1,
  /** What the worker reports about the build and the machine (op 'env'), see environment.js. */
  envInfo: { defaults: null, evaluatorText: '' },

  // ---- the instance ----
  /** The loaded instance, to load it again in a new worker: { bytes, file, name } or { files, file, name }. */
  loaded: null,
  /** The last instance summary (day and period names, weights) for labels. */
  summaryInfo: null,
  /** An ITC-2019 instance (.xml) is loaded (itc2019.js's card replaces cards 2–4). */
  itc: false,
  /** ... and a timetable of it is shown (solved or checked). */
  itcResult: false,

  // ---- the live run (solve.js, chart.js) ----
  run: { points: [], limit: 0, islands: 0, stopped: false },

  // ---- the results card ----
  /**
   * The timetable the results card shows: the last solve's result or the last checked
   * file, with its check (breakdown and violations) and, once asked, its lectures (`tt`).
   */
  current: null,
  selectedViolation: null,
  /** best-known.json's instances, once fetched. */
  bestKnown: null,
  /** The edits of the next re-solve or repair: [{ what, name, day, period }]. */
  edits: [],
};
