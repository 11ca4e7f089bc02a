// The solver worker (a dedicated module Worker). It owns the wasm module and, in the
// threaded build, the rayon pool; the page's main thread only renders.
//
// Protocol: the page posts { id, op, ...args }; the worker answers { id, ok: true, result }
// or { id, ok: false, error } in order. The first op must be 'init'.
//
// Solving: op 'solve' { options, stepMs } runs the solver in steps of about stepMs and
// posts { event: 'progress', progress } after each; between steps it yields to the event
// loop, so op 'stop' (answered at once, outside the queue) is seen within one step. The
// 'solve' call then answers with the best timetable so far (Session.solveFinish()), plus
// `qtable: { instance, restored, saved, updates, error? }` (see the Q-table block below).
// Ops 'qtableInfo' and 'qtableClear' report on and forget the stored Q-table of the loaded
// instance; op 'budget' { deviceMemory? } returns the memory budget (budgetFor).
//
// Repair: op 'repair' { options, stepMs, solution, file, maxMoves, moveWeight, edits } repairs
// the timetable `solution` (Session.repairStart: Stage 3 alone, moving as few lectures as it
// can away from that timetable) in steps like a solve, posting { event: 'repairProgress',
// progress: { elapsed_s, rounds, hard, soft, moved, room_only, period, of, conflicts_left,
// finished } } after each; it answers with Session.repairFinish()'s result ({ solution,
// file, check, stop_reason, stats, last, moves }) and `qtable` as a solve does. A 'stop'
// covers it as it covers a solve: the result is the best timetable so far.
//
// Stop: a 'stop' applies to the solve running now and to every solve already posted (still
// queued behind other ops): each of them builds its first timetables and ends at once with
// them ("cancelled"). A stop that arrives when no solve is running or queued does nothing.
//
// Failures: an error in GPU setup, GPU scoring or a solver step ends the solve with the
// best timetable so far (Session.solveFinish), its message in the result's `interrupted`.
// A trap in the wasm module (a panic is a trap: "RuntimeError: unreachable") leaves the
// module unusable ("recursive use of an object" from then on): the worker posts
// { event: 'crashed', error }, answers every later op with that error, and the page
// starts a new worker.
//
// Excel: the main module has no Excel code (it is large and rarely needed). A dropped .xlsx
// ('loadInstance') is converted to campus JSON, and the workbooks ('exportXlsx',
// 'campusWorkbook') are written, by the Excel module www/pkg-excel/, imported on first use.
// Its errors are ordinary errors; a trap there does not mark the solver crashed.

let wasm = null; // the module namespace of pkg/atoll.js or pkg-st/atoll.js
let session = null; // the loaded instance (a wasm Session)
let itc = null; // or the loaded ITC-2019 instance (a wasm ItcSession): one of the two at a time
let shownFile = null; // the file the summary names when the session read another (an .xlsx as .json)
let queue = Promise.resolve();
// Solves are numbered as they arrive (before they wait in the queue); a stop covers every
// solve numbered up to `stopUpTo`.
let solveSeq = 0;
let finishedSeq = 0;
let stopUpTo = 0;
// Why the module is unusable (a trap), or null.
let broken = null;

/** True for an error that means the wasm module trapped and cannot be used any more. */
function isTrap(e) {
  return (typeof WebAssembly !== 'undefined' && e instanceof WebAssembly.RuntimeError)
    || /recursive use of an object|RuntimeError|unreachable executed|memory access out of bounds/.test(String(e && e.message));
}

const message = (e) => (e && e.message ? e.message : String(e));

// A macrotask boundary: lets queued messages (a 'stop') run before the next step.
const yieldToEvents = () => new Promise((resolve) => setTimeout(resolve, 0));

// Op 'resolve' { options, stepMs, solution, file, edits } is a solve that starts from the
// timetable `solution` (the reference: moving a lecture away from it costs) on the instance
// edited as `edits` says ({ pins, teacher_unavailable, room_closed, ... }: the library's
// InstanceEdits, Session.resolveStart); it streams the same progress events and its result
// also has `moves: { moved, room_only, period, of, lectures }` (null after a plain solve) and, in `check.warnings`,
// the lines of `solution` that were skipped.
// Afterwards the session's instance is the edited one.
function solve(args) {
  return runSolve(args, (s) => s.solveStart(args.options || {}));
}

function resolve(args) {
  return runSolve(args, (s) => s.resolveStart(args.options || {}, String(args.solution || ''),
    args.file || 'previous.sol', args.edits || {}));
}

async function repair({ options, stepMs, seq, solution, file, maxMoves, moveWeight, edits }) {
  const s = need();
  const ms = Number.isFinite(stepMs) && stepMs > 0 ? stepMs : 250;
  const stopped = () => seq <= stopUpTo;
  try {
    const qtable = await qtableRestore(s); // the same Stage 3 memory as a solve's
    const settings = {};
    if (maxMoves !== undefined && maxMoves !== null) settings.maxMoves = maxMoves;
    if (moveWeight !== undefined && moveWeight !== null) settings.moveWeight = moveWeight;
    if (edits) settings.edits = edits;
    // Throws an Error naming a bad option, setting, edit or solution line.
    let p = s.repairStart(options || {}, String(solution || ''), file || 'timetable.sol', settings);
    self.postMessage({ event: 'repairProgress', progress: p });
    let interrupted = null;
    while (!p.finished) {
      await yieldToEvents();
      if (stopped()) s.repairCancel(); // the next step returns at once, "cancelled"
      try {
        p = s.repairStep(ms);
      } catch (e) {
        if (isTrap(e)) throw e;
        interrupted = `a repair step failed: ${message(e)}`;
        break;
      }
      self.postMessage({ event: 'repairProgress', progress: p });
    }
    return await finished(s, s.repairFinish(), interrupted, qtable);
  } finally {
    finishedSeq = Math.max(finishedSeq, seq);
  }
}

async function runSolve({ options, stepMs, seq, gpuSearch }, start) {
  const s = need();
  const ms = Number.isFinite(stepMs) && stepMs > 0 ? stepMs : 150;
  const stopped = () => seq <= stopUpTo;
  try {
    const qtable = await qtableRestore(s); // Stage 3 starts from what it learned before
    // Construction (Stage 1) runs here; throws an Error naming a bad option or edit.
    let p = start(s);
    self.postMessage({ event: 'progress', progress: p });
    // From here a timetable exists: every failure ends the run with the best so far.
    let interrupted = null;
    let gpu = null;
    if (!stopped()) {
      try {
        gpu = await gpuSetup(s, options); // see "GPU batch fitness" below
      } catch (e) {
        if (isTrap(e)) throw e;
        interrupted = `GPU setup failed: ${message(e)}`;
      }
    }
    while (!p.finished && interrupted === null) {
      await yieldToEvents();
      if (stopped()) s.solveCancel(); // the next step returns at once, "cancelled"
      try {
        p = gpu ? await gpuStep(s, gpu, ms, stopped, gpuSearch !== false) : s.solveStep(ms);
      } catch (e) {
        if (isTrap(e)) throw e;
        interrupted = `${gpu ? 'GPU scoring' : 'a solver step'} failed: ${message(e)}`;
        break;
      }
      self.postMessage({ event: 'progress', progress: p });
    }
    // What the GPU search did (its plan, steps, improvements, or why it stopped).
    if (gpu) self.postMessage({ event: 'gpuSearch', report: gpu.searchReport });
    if (interrupted !== null && !p.finished) {
      try {
        s.solveCancel();
      } catch (e) {
        if (isTrap(e)) throw e;
      }
    }
    return await finished(s, s.solveFinish(), interrupted, qtable);
  } finally {
    finishedSeq = Math.max(finishedSeq, seq);
  }
}

// ---- GPU batch fitness (src/web/gpu.rs) ----------------------------------------------
// WebGPU lives on this worker's own thread (wgpu objects cannot move between threads; the
// rayon workers only see plain data). After construction, Session.gpuInit(options) picks
// the evaluator from options.evaluator ('auto' | 'gpu' | 'cpu'; 'auto' = the GPU only if a
// short calibration finds it faster here) and the worker posts
// { event: 'evaluator', info: { requested, gpu, name, adapter, reason, calibration } },
// and at the end of the solve { event: 'gpuSearch', report: { note, iterations,
// moves_evaluated, improvements, submissions } } (GpuScorer.searchReport);
// every progress event also carries progress.evaluator. With a GPU scorer a step runs
// whole generations as breed (rayon) -> await scorer.score (GPU, asynchronous readback)
// -> select (rayon) until about stepMs have passed; otherwise solveStep(ms) as before.
async function gpuSetup(s, options) {
  if (typeof s.gpuInit !== 'function') return null; // built without the gpu feature
  const { info, scorer } = await s.gpuInit(options || {});
  self.postMessage({ event: 'evaluator', info });
  if (!scorer) return null;
  s.solveUseEvaluator(scorer.name);
  return scorer;
}

async function gpuStep(s, scorer, ms, stopped, gpuSearch) {
  const t0 = performance.now();
  for (;;) {
    const batch = s.solveBreed();
    if (batch === undefined) return s.solveStep(0); // the run is over: its last event
    const p = s.solveSelect(await scorer.score(batch));
    // The GPU search (src/gpu/neighbourhood.rs): a tabu phase on the best timetable.
    if (gpuSearch && scorer.searches && !p.finished && !stopped()) {
      const better = await scorer.intensify(s.solveBest(), p.generation);
      if (better) s.solveOffer(better);
    }
    if (p.finished || stopped() || performance.now() - t0 >= ms) return p;
  }
}
// ---- end of GPU batch fitness -----------------------------------------------------------

async function init({ threads }) {
  const isolated = self.crossOriginIsolated === true;
  const sab = typeof SharedArrayBuffer === 'function';
  let reason = null;
  if (isolated && sab) {
    try {
      const mod = await import('./pkg/atoll.js');
      await mod.default();
      // The pool must exist before the first rayon call, or rayon makes a one-thread pool.
      await mod.initThreadPool(threads);
      wasm = mod;
      return describe({ threaded: true, threads, isolated, sab, reason });
    } catch (e) {
      reason = `the threaded build failed to start (${e && e.message ? e.message : e}); using one thread`;
    }
  } else {
    reason = !isolated
      ? 'this page is not cross-origin isolated (the server sends no COOP/COEP headers), so SharedArrayBuffer and threads are unavailable'
      : 'SharedArrayBuffer is unavailable in this browser';
  }
  const mod = await import('./pkg-st/atoll.js');
  await mod.default();
  wasm = mod;
  return describe({ threaded: false, threads: 1, isolated, sab, reason });
}

// ---- The Excel module (www/pkg-excel), loaded on first use ----------------------------
let excelLoading = null; // the promise of the initialised module namespace

function excelModule() {
  if (!excelLoading) {
    excelLoading = import('./pkg-excel/atoll_excel.js').then(async (mod) => {
      await mod.default();
      return mod;
    });
    // A failed load (a network error) is tried again on the next use.
    excelLoading.catch(() => { excelLoading = null; });
  }
  return excelLoading;
}

/** f(module) with the Excel module; its trap is reported as an error of its own. */
async function withExcel(f) {
  let mod;
  try {
    mod = await excelModule();
  } catch (e) {
    throw new Error(`the Excel module could not be loaded (${message(e)})`);
  }
  try {
    return f(mod);
  } catch (e) {
    if (isTrap(e)) throw new Error(`the Excel module failed (${message(e).replace(/RuntimeError:?\s*/g, '')})`);
    throw e;
  }
}
// ---- end of the Excel module -----------------------------------------------------------

function describe(env) {
  return { ...env, build: wasm.buildInfo() };
}

/** The session's summary, naming the file the user gave. */
function summaryOf(s) {
  const summary = s.summary();
  return shownFile ? { ...summary, file: shownFile } : summary;
}

function need() {
  if (!session) throw new Error('load an instance first');
  return session;
}

const ops = {
  init,
  async loadInstance({ bytes, file }) {
    if (/\.xml$/i.test(file)) return itcLoad(bytes, file);
    let next;
    if (/\.xlsx$/i.test(file)) {
      // The workbook as campus JSON (errors name sheet, row and column), read as a .json of
      // the same stem (the solution's name follows it); the summary names the workbook.
      const json = await withExcel((x) => x.campusJsonOfWorkbook(new Uint8Array(bytes), file));
      next = wasm.Session.fromBytes(new TextEncoder().encode(json), file.replace(/\.xlsx$/i, '.json'));
    } else {
      next = wasm.Session.fromBytes(new Uint8Array(bytes), file); // throws on a bad file
    }
    if (session) session.free();
    dropItc();
    session = next;
    shownFile = file;
    session.setDeviceMemory(self.navigator.deviceMemory); // the memory budget of solves
    return summaryOf(session);
  },
  // Several files at once ({ files: [{ name, text }] }): one .ctt/.ectt/.json instance or
  // the CSV sheets of one campus (Session.fromFiles).
  loadFiles({ files }) {
    const next = wasm.Session.fromFiles(files); // throws naming file, row and column
    if (session) session.free();
    dropItc();
    session = next;
    shownFile = null;
    session.setDeviceMemory(self.navigator.deviceMemory);
    return session.summary();
  },
  summary() {
    return summaryOf(need());
  },
  // The loaded instance as campus JSON (after a re-solve: the edited one).
  instanceJson() {
    return need().instanceJson();
  },
  check({ bytes, file }) {
    return need().checkBytes(new Uint8Array(bytes), file);
  },
  randomSolution({ seed }) {
    return need().randomSolution(seed >>> 0);
  },
  batch({ count, seed }) {
    const t0 = performance.now();
    const r = need().scoreRandomBatch(count >>> 0, seed >>> 0);
    r.elapsed_ms = performance.now() - t0;
    delete r.costs; // the page shows the summary; keep the message small
    return r;
  },
  speed({ seconds }) {
    return need().measureSpeed(seconds, 1);
  },
  // The GPU neighbourhood kernel on this browser's WebGPU against the CPU's exact deltas.
  gpuNeighbourhoodCheck({ seed }) {
    return need().gpuNeighbourhoodCheck(seed || 1);
  },
  solve,
  resolve,
  repair,
  // The memory budget for this browser (or for `deviceMemory` GiB when given).
  budget(args) {
    return wasm.budgetFor('deviceMemory' in args ? args.deviceMemory : self.navigator.deviceMemory);
  },
  async qtableInfo() {
    const s = need();
    const stored = await qtableGet(s.name);
    return { instance: s.name, stored: stored !== undefined, updates: s.qtableUpdates };
  },
  async qtableClear() {
    const s = need();
    await qtableDelete(s.name);
    s.qtableReset();
    return { instance: s.name, stored: false };
  },
};

// ---- Results, exports and the environment (the page's results view and embedding API) ----
// Each takes the solution text the page shows (a solve's result or a checked file), so the
// grids and every export describe exactly the timetable whose cost is on screen.
Object.assign(ops, {
  timetable({ solution, file }) {
    return need().timetable(solution, file || 'solution.sol');
  },
  // `kind` ('' = everything, 'curriculum', 'teacher', 'room') and `name` choose whose
  // timetable an export holds.
  exportCsv({ solution, file, kind, name }) {
    return need().exportCsv(solution, file || 'solution.sol', kind || '', name || '');
  },
  // The bytes of an .xlsx workbook: every lecture and a grid per group, teacher and room.
  // Written by the Excel module from the session's instance as campus JSON.
  exportXlsx({ solution, file }) {
    const s = need();
    const instance = s.instanceJson();
    return withExcel((x) => x.timetableWorkbook(instance, `${s.name}.json`, solution, file || 'solution.sol'));
  },
  // The campus workbook (.xlsx bytes) of a campus JSON text: the page's template.
  campusWorkbook({ text, file }) {
    return withExcel((x) => x.campusWorkbook(String(text), file || 'campus.json'));
  },
  exportIcs({ solution, file, start, periodStarts, lengthMinutes, weeks, kind, name }) {
    return need().exportIcs(solution, file || 'solution.sol', String(start), String(periodStarts),
      lengthMinutes >>> 0, weeks >>> 0, kind || '', name || '');
  },
  // What this build and this machine offer: the default solver options (so the page sends
  // only names the build knows), navigator.deviceMemory, the memory budget when the build
  // has budgetFor(), and the WebGPU adapter when there is one (asked here, in the worker,
  // where the solver would use it).
  async env() {
    const defaults = typeof wasm.defaultOptions === 'function' ? wasm.defaultOptions() : null;
    const deviceMemory = typeof navigator.deviceMemory === 'number' ? navigator.deviceMemory : null;
    let budget = null;
    // The same budget solves use (loadInstance passes deviceMemory to the session): for
    // browsers that do not report deviceMemory, the library's conservative default.
    let budgetGiB = deviceMemory;
    if (typeof wasm.budgetFor === 'function') {
      try {
        budget = wasm.budgetFor(deviceMemory ?? undefined);
        if (budget instanceof Map) budget = Object.fromEntries(budget);
        budgetGiB = budget.memory_gib;
      } catch (e) {
        budget = { error: e && e.message ? e.message : String(e) };
      }
    }
    let gpu = { available: false, reason: 'this browser has no WebGPU (navigator.gpu)' };
    if (navigator.gpu && typeof navigator.gpu.requestAdapter === 'function') {
      try {
        const adapter = await navigator.gpu.requestAdapter();
        if (adapter) {
          const i = adapter.info || {};
          gpu = { available: true, vendor: i.vendor || '', architecture: i.architecture || '',
            device: i.device || '', description: i.description || '',
            // The limits the GPU search is sized from (src/gpu/neighbourhood.rs, plan).
            limits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
              maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
              maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup },
            // Marked as the fallback, or a software rasterizer by name (Chromium hands out
            // SwiftShader unmarked when it has nothing else); `auto` never uses one.
            fallback: adapter.isFallbackAdapter === true || i.isFallbackAdapter === true
              || /swiftshader|llvmpipe|lavapipe|softpipe|basic render/i.test(
                `${i.vendor || ''} ${i.architecture || ''} ${i.device || ''} ${i.description || ''}`) };
        } else {
          gpu = { available: false, reason: 'WebGPU is present but offers no adapter' };
        }
      } catch (e) {
        gpu = { available: false, reason: `WebGPU adapter request failed (${e && e.message ? e.message : e})` };
      }
    }
    return { defaults, deviceMemory, budget, budgetGiB, gpu, hardwareConcurrency: navigator.hardwareConcurrency || 1 };
  },
});

// ---- ITC-2019 (src/web/itc2019.rs) ------------------------------------------------------
// A dropped .xml is an ITC-2019 instance (UniTime's format): 'loadInstance' reads it into
// an ItcSession and answers its summary with `format: 'itc2019'`. Then:
//   'itcSolve' { options, stepMs } — solves in steps like 'solve', posting
//     { event: 'itcProgress', progress } after each; a 'stop' ends it with the best so far;
//     answers ItcSession.solveFinish() (check, items, solution XML, stats).
//   'itcCheck' { bytes, file } — scores a solution .xml (ItcSession.check).
//   'itcNames' { kind }, 'itcGrid' { kind, index, week }, 'itcWeeks' { termStart } — the
//     grids of the shown timetable (the last solved or checked one).
//   'itcSolutionXml', 'itcExportCsv'/'itcExportIcs' { kind, index, termStart } — exports.
//   'itcDefaultTermStart' { year } — the first Monday of September of `year`.
function dropItc() {
  if (itc) itc.free();
  itc = null;
}

function itcLoad(bytes, file) {
  const next = wasm.ItcSession.fromBytes(new Uint8Array(bytes), file); // throws file:line: what
  if (session) session.free();
  session = null;
  dropItc();
  itc = next;
  shownFile = null;
  return { ...itc.summary(), format: 'itc2019' };
}

function needItc() {
  if (!itc) throw new Error('load an ITC-2019 instance (.xml) first');
  return itc;
}

async function itcSolve({ options, stepMs, seq }) {
  const s = needItc();
  const ms = Number.isFinite(stepMs) && stepMs > 0 ? stepMs : 200;
  const stopped = () => seq <= stopUpTo;
  try {
    let p = s.solveStart(options || {}); // construction; throws naming a bad option
    self.postMessage({ event: 'itcProgress', progress: p });
    let interrupted = null;
    while (!p.finished) {
      await yieldToEvents();
      if (stopped()) s.solveCancel(); // the next step returns at once, "cancelled"
      try {
        p = s.solveStep(ms);
      } catch (e) {
        if (isTrap(e)) throw e;
        interrupted = `a solver step failed: ${message(e)}`;
        break;
      }
      self.postMessage({ event: 'itcProgress', progress: p });
    }
    const result = s.solveFinish();
    if (interrupted !== null) {
      result.interrupted = `${interrupted}; the result is the best timetable found before that`;
    }
    return result;
  } finally {
    finishedSeq = Math.max(finishedSeq, seq);
  }
}

Object.assign(ops, {
  itcSolve,
  itcCheck({ bytes, file }) {
    return needItc().check(new Uint8Array(bytes), file);
  },
  itcNames({ kind }) {
    return needItc().names(kind);
  },
  itcGrid({ kind, index, week }) {
    return needItc().grid(kind, index >>> 0, week >>> 0);
  },
  itcWeeks({ termStart }) {
    return needItc().weeks(String(termStart));
  },
  itcSolutionXml() {
    return needItc().solutionXml();
  },
  itcExportCsv({ kind, index, termStart }) {
    return needItc().exportCsv(kind || '', index >>> 0, String(termStart));
  },
  itcExportIcs({ kind, index, termStart }) {
    return needItc().exportIcs(kind || '', index >>> 0, String(termStart));
  },
  itcDefaultTermStart({ year }) {
    return wasm.itcDefaultTermStart(year | 0);
  },
});
// ---- end of ITC-2019 ----------------------------------------------------------------------

// ---- Q-table persistence (Stage 3) -------------------------------------------------------
// What Stage 3's Q-learning agent learns is kept in IndexedDB (database 'atoll', store
// 'qtables'), keyed by the instance name, so that solving the same campus again starts from
// it: restored before each solve (Session.qtableImport), saved after it
// (Session.qtableExport). Storage problems never stop a solve: they are reported in the
// solve result's `qtable.error`.
const QTABLE_DB = 'atoll';
const QTABLE_STORE = 'qtables';

function qtableDb() {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(QTABLE_DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(QTABLE_STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function qtableTx(mode, run) {
  const db = await qtableDb();
  try {
    return await new Promise((resolve, reject) => {
      const req = run(db.transaction(QTABLE_STORE, mode).objectStore(QTABLE_STORE));
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}

const qtableGet = (name) => qtableTx('readonly', (st) => st.get(name));
const qtablePut = (name, json) => qtableTx('readwrite', (st) => st.put(json, name));
const qtableDelete = (name) => qtableTx('readwrite', (st) => st.delete(name));

/**
 * Imports the stored table of this instance, if any: { instance, restored, error?,
 * unreadable? }. `unreadable` (storage could not be read, or the stored table is
 * malformed or of another instance) means what is stored is unknown or not ours to
 * replace: qtableKeep then leaves it untouched.
 */
async function qtableRestore(s) {
  const out = { instance: s.name, restored: false };
  let json;
  try {
    json = await qtableGet(s.name);
  } catch (e) {
    out.unreadable = true;
    out.error = `the stored Q-table could not be read (${message(e)}); it is left untouched and not saved over`;
    return out;
  }
  if (json === undefined) return out;
  try {
    s.qtableImport(json); // throws for a malformed or mismatched table
    out.restored = true;
  } catch (e) {
    if (isTrap(e)) throw e;
    out.unreadable = true;
    out.error = `stored Q-table not used: ${message(e)}; it is left untouched and not saved over`
      + ' (Environment: forget it to start a new one)';
  }
  return out;
}

/**
 * Stores the session's table under its instance name: { saved, updates, error? }. Never
 * when the restore before the solve found the stored table unreadable (`restore.unreadable`):
 * that table stays as it is for the user to keep or forget (op 'qtableClear').
 */
// The end of a solve or a repair: the result of solveFinish/repairFinish, with why a step
// ended the run early (if one did) and what became of the Q-table.
async function finished(s, result, interrupted, qtable) {
  if (interrupted !== null) {
    result.interrupted = `${interrupted}; the result is the best timetable found before that`;
  }
  result.qtable = { ...qtable, ...(await qtableKeep(s, qtable)) };
  return result;
}

async function qtableKeep(s, restore) {
  const out = { saved: false, updates: s.qtableUpdates };
  if (restore && restore.unreadable) return out;
  try {
    await qtablePut(s.name, s.qtableExport());
    out.saved = true;
  } catch (e) {
    if (isTrap(e)) throw e;
    out.error = `Q-table not saved: ${message(e)}`;
  }
  return out;
}

self.onmessage = ({ data }) => {
  const { id, op } = data;
  if (op === 'stop') {
    // Not queued: the solve loop that is running reads it between steps, and a solve
    // still waiting in the queue sees it when it starts.
    stopUpTo = solveSeq;
    self.postMessage({ id, ok: true, result: { stopping: solveSeq > finishedSeq } });
    return;
  }
  if (op === 'solve' || op === 'resolve' || op === 'repair' || op === 'itcSolve') data.seq = ++solveSeq;
  // One operation at a time, in arrival order.
  queue = queue.then(async () => {
    try {
      if (broken) throw new Error(broken);
      if (!ops[op]) throw new Error(`unknown operation '${op}'`);
      if (op !== 'init' && !wasm) throw new Error('the worker is not initialised');
      const result = await ops[op](data);
      self.postMessage({ id, ok: true, result });
    } catch (e) {
      if (data.seq) finishedSeq = Math.max(finishedSeq, data.seq);
      if (!broken && wasm && isTrap(e)) {
        broken = `the solver crashed (${message(e)})`;
        self.postMessage({ event: 'crashed', error: broken });
      }
      self.postMessage({ id, ok: false, error: broken || message(e) });
    }
  });
};
