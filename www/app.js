// The page: renders, never computes. Everything runs in worker.js.
import { KINDS, RULES, namesOf, lecturesOf, placeOf, markLectures, renderGrid, teachersOf, durationOf,
  movedLectures, placeText, inView } from './grid.js';

const $ = (sel) => document.querySelector(sel);
const params = new URLSearchParams(location.search);

// ---- the worker ---------------------------------------------------------------------
// Replaced (terminated and started again) when the thread count changes: a rayon pool's
// size is fixed when it is created.
let worker = null;
const pending = new Map();
let nextId = 1;
// When the worker last said anything (the watchdog's clock during a solve).
let lastHeard = 0;
function spawnWorker() {
  if (worker) worker.terminate();
  for (const p of pending.values()) p.reject(new Error('the solver worker was restarted'));
  pending.clear();
  worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
  worker.onmessage = onWorkerMessage;
  worker.onerror = onWorkerError;
  lastHeard = performance.now();
}
function onWorkerMessage({ data }) {
  lastHeard = performance.now();
  if (data.event === 'evaluator' && data.info) $('#env-gpu-search').textContent = data.info.search || data.info.reason;
  if (data.event === 'progress') {
    onProgress(data.progress);
    return;
  }
  if (data.event === 'repairProgress') {
    onRepairProgress(data.progress);
    return;
  }
  if (data.event === 'crashed') {
    workerCrashed(data.error);
    return;
  }
  const p = pending.get(data.id);
  if (!p) return;
  pending.delete(data.id);
  if (data.ok) p.resolve(data.result);
  else p.reject(new Error(data.error));
}
function onWorkerError(e) {
  // After a good start an error is a crash (a trap that escaped, a pool thread that
  // aborted): restart. Before it, the engine cannot start at all.
  if (ready) {
    e.preventDefault();
    workerCrashed(e.message || 'the worker failed');
    return;
  }
  showFatal(`The solver worker failed: ${e.message || 'could not be started'}`);
  for (const p of pending.values()) p.reject(new Error('the solver worker failed'));
  pending.clear();
}

// ---- crash recovery -----------------------------------------------------------------
// A worker whose wasm module trapped (it posts 'crashed'), that fails with an error event,
// or that says nothing for `stallMs` during a solve (e.g. blocked for good in Atomics.wait
// when a pool thread aborted) is terminated and replaced by a new one with the same pool
// size and the same instance (the loaded file, or the edited one after a re-solve). The
// timetable shown stays, with its downloads. `?stall=S` sets the silence allowed (seconds,
// default 60: far above a solver step of 150 ms, above construction of large instances).
const stallMs = (() => {
  const s = Number(params.get('stall'));
  return Number.isFinite(s) && s > 0 ? s * 1000 : 60_000;
})();
let recovering = null; // the restart in progress, or null
let crashes = 0;
const MAX_CRASHES = 5; // then the page stops restarting (something is wrong every time)

/** An Error for calls lost with a crashed worker; `crash` holds the one-sentence notice. */
function crashError(why) {
  const e = new Error(`the solver worker crashed (${why})`);
  e.crash = why;
  return e;
}

function workerCrashed(why) {
  const lost = crashError(why);
  if (recovering) {
    // The new worker failed too: its calls fail, and so does the restart.
    for (const p of pending.values()) p.reject(lost);
    pending.clear();
    return;
  }
  crashes++;
  worker.onmessage = null;
  worker.onerror = null;
  worker.terminate();
  for (const p of pending.values()) p.reject(lost);
  pending.clear();
  document.body.dataset.workerCrashes = String(crashes);
  recovering = (async () => {
    if (crashes > MAX_CRASHES) throw new Error(`it crashed ${crashes} times`);
    spawnWorker();
    const env = await call('init', { threads: poolThreads });
    poolThreads = env.threads;
    if (loaded && loaded.files) await call('loadFiles', { files: loaded.files });
    else if (loaded) await call('loadInstance', { bytes: loaded.bytes.slice(0), file: loaded.file });
  })().then(() => {
    document.body.dataset.workerRestarts = String(crashes);
  }, (e) => {
    engineFailed = true;
    setPill($('#env-mode'), 'engine: failed', 'bad');
    showFatal(`The solver crashed (${why}) and could not be restarted: ${e.message}. Reload the page; `
      + 'download the timetable shown first.');
  }).finally(() => {
    recovering = null;
    updateButtons();
  });
  updateButtons();
}

/** What the page says after a crash: one sentence. */
const crashNotice = (why) => `The solver crashed (${why}) and was restarted with the same instance and settings; `
  + 'the timetable shown before is kept.';

// The watchdog: only while a solve call is out, when progress events are due every step
// (not while a new pool starts before it).
let solveCalls = 0;
setInterval(() => {
  if (solveCalls > 0 && worker && !recovering && performance.now() - lastHeard > stallMs) {
    workerCrashed(`no progress for ${Math.round(stallMs / 1000)} s`);
  }
}, 1000);
function call(op, args = {}, transfer = []) {
  const id = nextId++;
  const solveCall = op === 'solve' || op === 'resolve' || op === 'repair';
  if (solveCall) {
    lastHeard = performance.now();
    solveCalls++;
  }
  const answered = new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, ...args }, transfer);
  });
  if (solveCall) answered.then(() => { solveCalls--; }, () => { solveCalls--; });
  return answered;
}

// ---- helpers ----------------------------------------------------------------------------
const fmtInt = new Intl.NumberFormat('en-US');
const fmt = (n) => fmtInt.format(Math.round(n));
const fmt3 = (x) => x.toFixed(3);

function showFatal(msg) {
  const el = $('#fatal');
  el.textContent = msg;
  el.hidden = false;
}
function setError(el, msg) {
  el.textContent = msg || '';
  el.hidden = !msg;
}
function setPill(el, text, state) {
  el.textContent = text;
  el.dataset.state = state;
}
async function busy(button, fn) {
  const label = button.textContent;
  button.disabled = true;
  button.classList.add('busy');
  button.textContent = 'Working…';
  try {
    return await fn();
  } finally {
    button.textContent = label;
    button.classList.remove('busy');
    button.disabled = false;
  }
}

window.addEventListener('error', (e) => showFatal(`Unexpected error: ${e.message}`));
window.addEventListener('unhandledrejection', (e) =>
  showFatal(`Unexpected error: ${e.reason && e.reason.message ? e.reason.message : e.reason}`));

// ---- start-up -------------------------------------------------------------------------
let ready = false;
let engineFailed = false;
let haveInstance = false;
let solving = false;
let repairing = false; // a repair runs (solving is true then too)
let stopping = false;
let poolThreads = 1;

function requestedThreads() {
  const asked = Number.parseInt(params.get('threads') || '', 10);
  const cores = navigator.hardwareConcurrency || 1;
  return Math.max(1, Math.min(64, Number.isFinite(asked) && asked > 0 ? asked : cores));
}

async function start() {
  if (window.__atollCoiReload) {
    // coi.js is reloading the page under its service worker; if that fails, start anyway.
    window.addEventListener('atoll-coi-failed', () => start(), { once: true });
    return;
  }
  loadBestKnown();
  const isolated = window.crossOriginIsolated === true;
  setPill($('#env-isolated'), `cross-origin isolated: ${isolated ? 'yes' : 'no'}`, isolated ? 'good' : 'warn');
  try {
    spawnWorker();
    const initialised = call('init', { threads: requestedThreads() });
    // The page is usable from here (choose an instance); solving waits for the engine.
    updateButtons();
    document.body.dataset.interactiveMs = String(Math.round(performance.now()));
    const env = await initialised;
    // The environment panel (WebGPU adapter, budget) fills in afterwards: it must not delay
    // the page becoming usable. Ops run in order, so a solve started now sees its answer.
    const envShown = showEnvironment(env);
    ready = true;
    document.body.dataset.ready = 'true';
    document.body.dataset.readyMs = String(Math.round(performance.now()));
    envShown.then(() => { document.body.dataset.env = 'shown'; updateButtons(); });
    document.body.dataset.mode = env.threaded ? 'threaded' : 'single';
    $('#version').textContent = env.build.version;
    setPill($('#env-mode'), env.threaded ? 'engine: threaded wasm' : 'engine: single-threaded wasm',
      env.threaded ? 'good' : 'warn');
    setPill($('#env-threads'), `threads: ${env.threads}`, env.threaded ? 'good' : 'warn');
    poolThreads = env.threads;
    $('#solve-threads').textContent = String(env.threads);
    $('#solve-threads-input').value = String(env.threads);
    $('#solve-threads-input').max = env.threaded ? '64' : '1';
    $('#solve-islands-hint').textContent = `0 = one per thread (${env.threads})`;
    if (!env.threaded) {
      const note = $('#env-note');
      note.textContent = `Running on one thread: ${env.reason}. Results are the same, only slower.`;
      note.hidden = false;
    }
    updateButtons();
    if (params.get('sample')) {
      $('#sample').value = params.get('sample');
      await loadSample();
    }
  } catch (e) {
    engineFailed = true;
    updateButtons();
    setPill($('#env-mode'), 'engine: failed', 'bad');
    showFatal(`The solver could not start: ${e.message}`);
  }
}

function updateButtons() {
  // While a solve runs the worker is busy: everything else waits for it.
  const on = ready && haveInstance && !solving && !recovering;
  // An instance can be chosen while the engine starts: the worker answers in order, so
  // it is loaded right after the pool is up.
  const canLoad = !!worker && !engineFailed && !solving && !recovering;
  $('#load-sample').disabled = !canLoad;
  $('#template-xlsx').disabled = !worker || engineFailed;
  $('#instance-file').disabled = !canLoad;
  $('#instance-label').setAttribute('aria-disabled', String(!canLoad));
  $('#solution-file').disabled = !on;
  $('#solution-label').setAttribute('aria-disabled', String(!on));
  for (const id of ['#random-solution', '#batch-run', '#speed-run', '#solve-run']) $(id).disabled = !on;
  for (const id of ['#solve-time', '#solve-seed', '#solve-islands', '#solve-json']) $(id).disabled = solving;
  // The single-threaded build has one thread whatever is asked.
  $('#solve-threads-input').disabled = solving || document.body.dataset.mode === 'single';
  $('#solve-evaluator').disabled = solving || !knownOption('evaluator');
  $('#solve-stage3').disabled = solving || !knownOption('stage3');
  for (const id of ['#export-sol', '#export-csv', '#export-json', '#export-ics', '#export-xlsx', '#grid-print', '#edit-add']) {
    $(id).disabled = !current || solving;
  }
  // A re-solve needs the shown timetable's lectures (asked from the worker once shown).
  $('#resolve-run').disabled = !on || !current || !current.tt;
  $('#solve-stop').disabled = !solving || stopping || repairing; // a repair has its own Stop
  $('#repair-run').disabled = !on || !current || !current.tt;
  $('#repair-stop').disabled = !repairing || stopping;
  for (const id of ['#repair-max-moves', '#repair-time']) $(id).disabled = solving;
}

// ---- 1. instance ----------------------------------------------------------------------
async function loadInstance(bytes, file) {
  setError($('#instance-error'), '');
  const copy = bytes.slice(0);
  try {
    const s = await call('loadInstance', { bytes, file }, [bytes]);
    haveInstance = true;
    loaded = { bytes: copy, file, name: s.name };
    renderSummary(s);
  } catch (e) {
    // Keep the previous instance (the worker does too) but say what is wrong with this file.
    setError($('#instance-error'), e.message);
  }
  updateButtons();
}

// Several files at once: the CSV sheets of a campus (courses.csv, rooms.csv, ...), read
// together by the worker. Errors name the sheet, row and column.
async function loadFiles(files) {
  setError($('#instance-error'), '');
  try {
    const s = await call('loadFiles', { files });
    haveInstance = true;
    loaded = { files, file: s.file, name: s.name };
    renderSummary(s);
  } catch (e) {
    setError($('#instance-error'), e.message);
  }
  updateButtons();
}

// The largest file the page reads: far above any timetable instance (ITC-2007's largest
// is ~60 KB, a campus of 10,000 lectures a few MB), far below what would exhaust the
// worker's memory (the wasm heap is capped at 1 GiB).
const MAX_FILE_BYTES = 64 * 1024 * 1024;

// What the file chooser or a drop gives: one instance file (.ctt, .ectt, campus .json or
// .xlsx workbook, read as bytes), or several CSV sheets of one campus.
async function openFiles(list) {
  const files = [...list];
  if (!files.length) return;
  const big = files.find((f) => f.size > MAX_FILE_BYTES);
  if (big) {
    // Keep the previous instance and result; say which file and why.
    setError($('#instance-error'), `${big.name}: ${fmt(big.size / 1048576)} MB is more than the `
      + `${MAX_FILE_BYTES / 1048576} MB this page reads; an instance file is at most a few MB`);
    return;
  }
  if (files.length === 1 && !/\.csv$/i.test(files[0].name)) {
    await loadInstance(await files[0].arrayBuffer(), files[0].name);
    return;
  }
  await loadFiles(await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() }))));
}

function renderSummary(s, { reset = true } = {}) {
  $('#summary-title').textContent = s.name === s.file ? s.name : `${s.name} · ${s.file}`;
  const set = (field, text) => { $(`#summary [data-field="${field}"]`).textContent = text; };
  for (const k of ['courses', 'lectures', 'rooms', 'days', 'periods_per_day', 'curricula', 'teachers',
    'unavailability_constraints']) set(k, fmt(s[k]));
  const cap = $('#summary [data-field="room_capacity"]');
  cap.textContent = s.rooms ? `${s.room_capacity_min}–${s.room_capacity_max} ` : '—';
  if (s.rooms) {
    const mean = document.createElement('small');
    mean.textContent = `mean ${s.room_capacity_mean.toFixed(1)}`;
    cap.append(mean);
  }
  set('max_students', `${fmt(s.max_students)} students`);
  summaryInfo = s;
  const campus = $('#summary-campus');
  campus.hidden = !s.campus;
  if (s.campus) {
    campus.textContent = `Campus: ${(s.day_names || []).join(', ')} · periods ${(s.period_names || []).join(', ')}`
      + (s.pins ? ` · ${fmt(s.pins)} pinned lecture${s.pins === 1 ? '' : 's'}` : '');
  }
  set('conflict_density', fmt3(s.conflict_density));
  set('room_occupancy', fmt3(s.room_occupancy));
  $('#summary').hidden = false;
  $('#summary').dataset.name = s.name;
  renderWeights(s.weights);
  if (!reset) return;
  // A new instance invalidates what was shown for the previous one.
  edits = [];
  $('#check').hidden = true;
  setError($('#check-error'), '');
  $('#download-solution').hidden = true;
  $('#batch-result').hidden = true;
  $('#speed-result').hidden = true;
  $('#solve-live').hidden = true;
  $('#solve-result').hidden = true;
  setError($('#solve-error'), '');
  $('#solve-status').textContent = '';
  $('#solve-card').dataset.state = 'idle';
  showTimetable(null);
}

async function loadSample() {
  const name = $('#sample').value;
  await busy($('#load-sample'), async () => {
    const res = await fetch(`samples/${encodeURIComponent(name)}`);
    if (!res.ok) {
      setError($('#instance-error'), `Cannot fetch sample ${name}: HTTP ${res.status}`);
      return;
    }
    await loadInstance(await res.arrayBuffer(), name);
  });
}

$('#load-sample').addEventListener('click', loadSample);

// The template workbook: the sample university as the sheets of a campus workbook, made
// by the engine from samples/campus.json (so it always matches the sample).
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
$('#template-xlsx').addEventListener('click', () => busy($('#template-xlsx'), async () => {
  setError($('#instance-error'), '');
  try {
    const res = await fetch('samples/campus.json');
    if (!res.ok) throw new Error(`cannot fetch the sample university: HTTP ${res.status}`);
    const bytes = await call('campusWorkbook', { text: await res.text(), file: 'campus.json' });
    download(bytes, 'campus-template.xlsx', XLSX_TYPE);
  } catch (e) {
    setError($('#instance-error'), e.message);
  }
}));
$('#instance-file').addEventListener('change', async (e) => {
  await openFiles(e.target.files);
  e.target.value = '';
});

const drop = $('#dropzone');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (worker && !engineFailed && !solving) await openFiles(e.dataTransfer.files);
});

// ---- 2. solve ---------------------------------------------------------------------------
// The worker runs the solver in steps of ~150 ms and posts a progress event after each;
// the page keeps them as points for the chart. Stop asks the worker to end the run, which
// then answers the 'solve' call with the best timetable so far.
let run = { points: [], limit: 0, islands: 0 };
let drawPending = false;
let downloadUrl = null;

const STAGES = { construct: 'Construction', evolve: 'Annealing', repair: 'Repair (Stage 3)' };
const REASONS = {
  time_limit: 'Time limit reached',
  generations: 'Generation bound reached',
  cancelled: 'Stopped',
};
const fmtSeconds = (s) => (s < 10 ? s.toFixed(1) : fmt(s));
function fmtBig(n) {
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return fmt(n);
}

// The library's cap on every duration (src/options.rs: 30 days); the page says so before
// the worker would refuse it.
const MAX_TIME_LIMIT_S = 2_592_000;

function solveOptions() {
  let extra = {};
  const json = $('#solve-json').value.trim();
  if (json) {
    try {
      extra = JSON.parse(json);
    } catch (e) {
      throw new Error(`More solver options: not valid JSON (${e.message})`);
    }
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
      throw new Error('More solver options: expected a JSON object such as { "population": 2 }');
    }
  }
  const number = (sel, name) => {
    const raw = $(sel).value.trim();
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v)) throw new Error(`${name}: enter a number`);
    return v;
  };
  const timeLimit = number('#solve-time', 'Time limit');
  if (!(timeLimit > 0) || timeLimit > MAX_TIME_LIMIT_S) {
    throw new Error(`Time limit: enter seconds above 0 and at most ${fmt(MAX_TIME_LIMIT_S)} (30 days), got ${$('#solve-time').value.trim()}`);
  }
  const opts = {
    ...extra,
    time_limit: timeLimit,
    seed: number('#solve-seed', 'Seed'),
    islands: number('#solve-islands', 'Islands'),
  };
  // Options of other stages only when the loaded build knows them (else it would refuse
  // the unknown name).
  if (knownOption('evaluator')) opts.evaluator = $('#solve-evaluator').value;
  if (knownOption('stage3')) opts.stage3 = $('#solve-stage3').checked;
  return opts;
}

function onProgress(p) {
  if (solving) record(p);
}

function record(p) {
  run.points.push({
    t: p.elapsed_s,
    hard: p.best.hard,
    soft: p.best.soft,
    iterations: p.iterations,
    islands: p.islands.map((c) => [c.hard, c.soft]),
  });
  // Long runs: keep the chart cheap by thinning old points (the newest always stays).
  if (run.points.length > 4000) {
    const n = run.points.length;
    run.points = run.points.filter((_, i) => i % 2 === 0 || i >= n - 50);
  }
  run.islands = p.islands.length;
  $('#solve-stage').textContent = STAGES[p.stage] || p.stage;
  $('#solve-generation').textContent = fmt(p.generation);
  const hard = $('#solve-hard');
  hard.textContent = fmt(p.best.hard);
  hard.classList.toggle('bad', p.best.hard > 0);
  hard.classList.toggle('good', p.best.hard === 0);
  $('#solve-soft').textContent = fmt(p.best.soft);
  $('#solve-islands-count').textContent = fmt(p.islands.length);
  $('#solve-conflicts').textContent = p.conflicts_left === undefined || p.conflicts_left === null
    ? '—' : fmt(p.conflicts_left);
  if (typeof p.evaluator === 'string' && p.evaluator) {
    $('#solve-evaluator-used').textContent = p.evaluator;
    $('#solve-evaluator-used').title = p.evaluator;
  }
  $('#solve-rate').textContent = movesPerSecond();
  const card = $('#solve-card');
  card.dataset.generation = String(p.generation);
  card.dataset.points = String(run.points.length);
  card.dataset.elapsed = String(p.elapsed_s);
  if (!stopping) {
    $('#solve-status').textContent = p.stage === 'construct'
      ? 'Initial timetables built; annealing…'
      : p.best.hard > 0 ? 'Searching for a feasible timetable…' : 'Improving a feasible timetable…';
  }
  updateClock(p.elapsed_s);
  scheduleDraw();
}

// Local-search moves per second over the last second or so of progress.
function movesPerSecond() {
  const pts = run.points;
  if (pts.length < 2) return '—';
  const last = pts[pts.length - 1];
  let i = pts.length - 2;
  while (i > 0 && last.t - pts[i].t < 1) i--;
  const dt = last.t - pts[i].t;
  return dt > 0 ? fmtBig((last.iterations - pts[i].iterations) / dt) : '—';
}

function updateClock(elapsed) {
  const frac = run.limit > 0 ? Math.min(1, elapsed / run.limit) : 0;
  $('#solve-bar').style.width = `${(frac * 100).toFixed(1)}%`;
  $('#solve-clock').textContent = `${fmtSeconds(elapsed)} s of ${fmtSeconds(run.limit)} s`;
}

function scheduleDraw() {
  if (drawPending) return;
  drawPending = true;
  requestAnimationFrame(() => {
    drawPending = false;
    drawChart();
  });
}

// 0, step, 2·step, ... covering `max`, with step 1, 2 or 5 × 10^k.
function niceTicks(max, count, integer = false) {
  if (!(max > 0)) max = 1;
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  if (integer) step = Math.max(1, Math.round(step));
  const ticks = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(v);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

const COLORS = { best: '#1f5fbf', island: 'rgba(31, 95, 191, 0.28)', hard: '#c2410c',
  islandHard: 'rgba(194, 65, 12, 0.3)', grid: '#e8ebf0',
  axis: '#5d6778' };

function drawChart() {
  const c = $('#solve-chart');
  if (!c.clientWidth) return;
  const dpr = window.devicePixelRatio || 1;
  const w = c.clientWidth;
  const h = c.clientHeight || 260;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
  }
  const g = c.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

  const pts = run.points;
  const last = pts[pts.length - 1];
  let softMax = 0;
  let hardMax = 0;
  let feasibleSeen = false;
  for (const p of pts) {
    hardMax = Math.max(hardMax, p.hard);
    if (p.hard === 0) { feasibleSeen = true; softMax = Math.max(softMax, p.soft); }
    for (const [hh, ss] of p.islands) {
      if (hh === 0) softMax = Math.max(softMax, ss);
      else hardMax = Math.max(hardMax, hh);
    }
  }
  const showHard = hardMax > 0;
  const M = { l: 56, r: showHard ? 44 : 16, t: 10, b: 26 };
  const W = w - M.l - M.r;
  const H = h - M.t - M.b;
  // Time axis: the whole budget (the run may overshoot it by a step: widen, no extra tick).
  // A run stopped early is shown over the time it ran, not over the whole budget.
  const tMax = Math.max(run.stopped && last ? 0 : run.limit || 0, last ? last.t : 0, 1e-3);
  const tTicks = niceTicks(tMax, Math.max(3, Math.floor(W / 90))).filter((v) => v <= tMax * 1.0001);
  const sTicks = niceTicks(softMax * 1.05, 5, true);
  const sMax = sTicks[sTicks.length - 1];
  const hTicks = niceTicks(hardMax * 1.05, 5, true);
  const hMax = hTicks[hTicks.length - 1];
  const X = (t) => M.l + (t / tMax) * W;
  const YS = (v) => M.t + H - (v / sMax) * H;
  const YH = (v) => M.t + H - (v / hMax) * H;

  // Grid and axes.
  g.lineWidth = 1;
  g.strokeStyle = COLORS.grid;
  g.fillStyle = COLORS.axis;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const v of sTicks) {
    const y = Math.round(YS(v)) + 0.5;
    g.beginPath(); g.moveTo(M.l, y); g.lineTo(M.l + W, y); g.stroke();
    if (feasibleSeen) g.fillText(fmt(v), M.l - 8, y);
  }
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (const v of tTicks) {
    const x = Math.round(X(v)) + 0.5;
    g.beginPath(); g.moveTo(x, M.t + H); g.lineTo(x, M.t + H + 4); g.strokeStyle = COLORS.axis; g.stroke();
    g.fillText(`${Number(v.toPrecision(6))} s`, x, M.t + H + 7);
  }
  g.strokeStyle = COLORS.axis;
  g.beginPath(); g.moveTo(M.l + 0.5, M.t); g.lineTo(M.l + 0.5, M.t + H + 0.5); g.lineTo(M.l + W, M.t + H + 0.5); g.stroke();
  if (showHard) {
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    g.fillStyle = COLORS.hard;
    for (const v of hTicks) g.fillText(fmt(v), M.l + W + 8, YH(v));
  }

  // The time limit, if the run has one within view.
  if (run.limit > 0 && run.limit <= tMax) {
    const x = Math.round(X(run.limit)) + 0.5;
    g.save();
    g.setLineDash([4, 4]);
    g.strokeStyle = '#9aa3b2';
    g.beginPath(); g.moveTo(x, M.t); g.lineTo(x, M.t + H); g.stroke();
    g.restore();
  }

  // A step line through the points where `value` is defined (a gap where it is not).
  const stepLine = (value, y, color, width) => {
    g.strokeStyle = color;
    g.lineWidth = width;
    g.lineJoin = 'round';
    g.beginPath();
    let prev = null;
    for (const p of pts) {
      const v = value(p);
      if (v === null) { prev = null; continue; }
      if (prev === null) g.moveTo(X(p.t), y(v));
      else { g.lineTo(X(p.t), y(prev)); g.lineTo(X(p.t), y(v)); }
      prev = v;
    }
    g.stroke();
  };
  g.save();
  g.beginPath(); g.rect(M.l, M.t - 2, W + 2, H + 4); g.clip();
  if (feasibleSeen && run.islands > 1 && run.islands <= 32) {
    for (let i = 0; i < run.islands; i++) {
      stepLine((p) => (p.islands[i] && p.islands[i][0] === 0 ? p.islands[i][1] : null), YS, COLORS.island, 1);
    }
  }
  if (showHard && run.islands > 1 && run.islands <= 32) {
    // Each island's hard violations while it is infeasible (faint, on the hard axis).
    for (let i = 0; i < run.islands; i++) {
      stepLine((p) => (p.islands[i] && p.islands[i][0] > 0 ? p.islands[i][0] : null), YH, COLORS.islandHard, 1);
    }
  }
  if (showHard) {
    let done = false;
    stepLine((p) => {
      if (done) return null;
      if (p.hard === 0) done = true;
      return p.hard;
    }, YH, COLORS.hard, 1.75);
  }
  if (feasibleSeen) {
    stepLine((p) => (p.hard === 0 ? p.soft : null), YS, COLORS.best, 2.25);
    if (last && last.hard === 0) {
      g.fillStyle = COLORS.best;
      g.beginPath(); g.arc(X(last.t), YS(last.soft), 3.5, 0, 2 * Math.PI); g.fill();
    }
  }
  g.restore();

  if (!feasibleSeen) {
    g.fillStyle = COLORS.axis;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    const msg = !pts.length ? 'Building initial timetables…'
      : solving ? 'No feasible timetable yet' : 'No feasible timetable found';
    g.fillText(msg, M.l + W / 2, M.t + H / 2);
  }
  $('#legend-hard').hidden = !showHard;
  $('#legend-islands').hidden = !(run.islands > 1 && run.islands <= 32);
}

window.addEventListener('resize', () => { if (!$('#solve-live').hidden) scheduleDraw(); });

function showResult(r) {
  const s = r.stats;
  const feasible = s.time_to_feasible_s === null || s.time_to_feasible_s === undefined
    ? 'never feasible'
    : `first feasible at ${fmtSeconds(s.time_to_feasible_s)} s`;
  $('#solve-summary').textContent = `${REASONS[r.stop_reason] || r.stop_reason} after ${fmtSeconds(s.elapsed_s)} s · `
    + `${fmt(s.generations)} generations · ${fmtBig(s.ls_iterations)} local-search moves · `
    + `${s.islands} island${s.islands === 1 ? '' : 's'} on ${s.threads} thread${s.threads === 1 ? '' : 's'} · ${feasible}`
    + (r.moved ? ` · moved ${fmt(r.moved.moved)} of ${fmt(r.moved.of)} lectures` : '');
  const moved = $('#solve-moved');
  moved.hidden = !r.moved;
  if (r.moved) {
    moved.textContent = `Re-solve: moved ${fmt(r.moved.moved)} of ${fmt(r.moved.of)} lectures`;
    moved.dataset.moved = String(r.moved.moved);
    moved.dataset.of = String(r.moved.of);
  }
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([r.solution], { type: 'text/plain' }));
  const a = $('#solve-download');
  a.href = downloadUrl;
  a.download = r.file;
  a.title = `${r.file}: one line per lecture, CourseID RoomID Day Period`;
  renderReport($('#solve-report'), r.check);
  setCurrent({ solution: r.solution, file: r.file, check: r.check, source: r.moved ? 'resolve' : 'solve',
    stats: r.stats, stopReason: r.stop_reason, moved: r.moved || null });
  const result = $('#solve-result');
  result.dataset.stopReason = r.stop_reason;
  result.dataset.softCost = String(r.check.soft_cost);
  result.dataset.feasible = String(r.check.feasible);
  result.dataset.iterations = String(s.ls_iterations);
  result.dataset.elapsed = String(s.elapsed_s);
  result.hidden = false;
  $('#solve-status').textContent = `${REASONS[r.stop_reason] || r.stop_reason}: ${r.check.feasible
    ? `feasible, cost ${fmt(r.check.soft_cost)}` : `${fmt(r.check.hard_violations)} hard violations left`}.`;
  $('#solve-stage').textContent = r.stop_reason === 'cancelled' ? 'Stopped' : 'Finished';
  $('#solve-card').dataset.state = 'done';
}

$('#solve-run').addEventListener('click', () => runSolve('solve', {}));

// A solve ('solve') or a re-solve from the shown timetable ('resolve', with `extra` =
// { solution, file, edits }): the same live view, the same result.
async function runSolve(op, extra) {
  setError($('#solve-error'), '');
  let options;
  let threads;
  try {
    options = solveOptions();
    threads = Number($('#solve-threads-input').value);
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error('Threads: enter a whole number from 1 to 64');
  } catch (e) {
    setError($('#solve-error'), e.message);
    return;
  }
  // Solving from here: Stop is live even while a new pool starts or the solve waits in
  // the worker's queue (the worker honours a stop for a queued solve).
  solving = true;
  stopping = false;
  updateButtons();
  if (threads !== poolThreads && document.body.dataset.mode === 'threaded') {
    try {
      await restartWith(threads);
    } catch (e) {
      setError($('#solve-error'), `Cannot start ${threads} threads: ${e.message}`);
      solving = false;
      stopping = false;
      updateButtons();
      return;
    }
  }
  const hadResult = !$('#solve-result').hidden;
  run = { points: [], limit: options.time_limit, islands: 0 };
  for (const id of ['#solve-stage', '#solve-generation', '#solve-hard', '#solve-soft', '#solve-islands-count',
    '#solve-rate']) $(id).textContent = '—';
  $('#solve-hard').classList.remove('bad', 'good');
  $('#solve-conflicts').textContent = '—';
  $('#solve-evaluator-used').textContent = envInfo.evaluatorText || '—';
  $('#solve-evaluator-used').title = envInfo.evaluatorText || '';
  $('#solve-result').hidden = true;
  $('#solve-live').hidden = false;
  Object.assign($('#solve-card').dataset, { state: 'running', generation: '0', elapsed: '0', points: '0' });
  $('#solve-status').textContent = op === 'resolve' ? 'Re-solving from the shown timetable…'
    : 'Building initial timetables…';
  updateClock(0);
  drawChart();
  try {
    const solved = call(op, { options, stepMs: 150, ...extra });
    if (stopping) call('stop').catch(() => {}); // pressed while the pool was starting
    const r = await solved;
    if (op === 'resolve') afterResolve(r);
    // The last progress event of the run, so the chart ends where the result does.
    onProgressFinal(r.last, r.stop_reason);
    showResult(r);
    showQtable(r.qtable);
    if (r.interrupted) setError($('#solve-error'), `The run ended early: ${r.interrupted}.`);
  } catch (e) {
    if (e.crash) {
      // The worker is being replaced; what was shown before this run stays.
      setError($('#solve-error'), crashNotice(e.crash));
      $('#solve-card').dataset.state = 'crashed';
      if (hadResult) $('#solve-result').hidden = false;
      if (recovering) await recovering.catch(() => {});
    } else {
      setError($('#solve-error'), e.message);
      $('#solve-card').dataset.state = 'error';
    }
    $('#solve-status').textContent = '';
    if (!run.points.length) $('#solve-live').hidden = true;
  } finally {
    solving = false;
    stopping = false;
    updateButtons();
  }
}

// The Environment panel's line on Stage 3's stored Q-table, after each solve.
function showQtable(q) {
  if (!q) return;
  const el = $('#env-qtable');
  el.dataset.state = q.error ? 'warn' : 'good';
  el.textContent = q.error
    ? `${q.instance}: ${q.error}.`
    : `${q.instance}: ${q.restored ? 'restored before the solve' : 'none stored before the solve'}`
      + `${q.saved ? `, saved after it (${fmt(q.updates)} updates)` : ''}.`;
  if (q.error) {
    $('#solve-status').textContent += ` Stage 3 memory: ${q.error} (see Environment).`;
  }
}

function onProgressFinal(p, stopReason) {
  run.stopped = stopReason === 'cancelled';
  const last = run.points[run.points.length - 1];
  if (!last || p.elapsed_s > last.t) record(p);
  drawChart();
}

$('#solve-stop').addEventListener('click', async () => {
  if (!solving || stopping) return;
  stopping = true;
  updateButtons();
  $('#solve-status').textContent = 'Stopping… keeping the best timetable so far';
  // Before the solve is posted (a new pool starting) runSolve sends it right after.
  if (!worker || recovering) return;
  await call('stop').catch(() => {}); // a crash in between is reported by the solve
});

// ---- 3. check -------------------------------------------------------------------------
const MAX_ROWS = 400;

/**
 * Renders a check result (the object of `Session.check()`, as `atoll check --json` has it)
 * into `root`: verdict, hard and soft breakdown, skipped lines, violations with a rule
 * filter. Used for checked files (#check) and for the solver's result (#solve-report).
 */
function renderReport(root, r) {
  if (!root.firstElementChild) {
    root.append($('#report-template').content.cloneNode(true));
    root.querySelector('.violation-filter').addEventListener('change', () => renderViolations(root));
    const tbody = root.querySelector('.violations tbody');
    const choose = (e) => {
      const tr = e.target.closest('tr');
      if (tr && tr.violation) selectViolation(root, tr.violation);
    };
    tbody.addEventListener('click', choose);
    tbody.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(e); } });
  }
  root.report = r;
  if (summaryInfo) renderWeights(summaryInfo.weights);
  root.dataset.feasible = String(r.feasible);
  root.dataset.softCost = String(r.soft_cost);
  root.dataset.hardViolations = String(r.hard_violations);
  const get = (path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), r);
  for (const td of root.querySelectorAll('[data-field]')) {
    const v = get(td.dataset.field);
    // Rows of campus components are shown when the build reports them.
    const row = td.closest('tr');
    if (row && row.dataset.optional !== undefined) row.hidden = v === undefined;
    td.textContent = v === undefined ? '—' : fmt(v);
    const hard = td.dataset.field.startsWith('hard');
    td.classList.toggle('bad', hard && v > 0);
  }
  const verdict = root.querySelector('.verdict');
  verdict.textContent = r.feasible
    ? `Feasible · cost ${fmt(r.soft_cost)}`
    : `Infeasible · ${fmt(r.hard_violations)} hard violation${r.hard_violations === 1 ? '' : 's'} · cost ${fmt(r.soft_cost)}`;
  verdict.className = `badge verdict ${r.feasible ? 'good' : 'bad'}`;
  root.querySelector('.report-file').textContent = `${r.file} · ${fmt(r.scheduled_lectures)} lectures scheduled`;

  const w = root.querySelector('.warnings');
  w.hidden = r.warnings.length === 0;
  root.querySelector('.warnings-summary').textContent =
    `${r.warnings.length} line${r.warnings.length === 1 ? '' : 's'} skipped, as the official validator skips them`;
  root.querySelector('.warnings-list').replaceChildren(...r.warnings.slice(0, MAX_ROWS).map((x) => {
    const li = document.createElement('li');
    li.textContent = `line ${x.line}: ${x.message}`;
    return li;
  }));

  const filter = root.querySelector('.violation-filter');
  const counts = {};
  for (const v of r.violations) counts[v.rule] = (counts[v.rule] || 0) + 1;
  filter.replaceChildren(new Option(`all rules (${fmt(r.violations.length)})`, ''),
    ...Object.keys(RULES).filter((k) => counts[k]).map((k) => new Option(`${RULES[k]} (${fmt(counts[k])})`, k)));
  renderViolations(root);
  root.hidden = false;
}

function renderViolations(root) {
  const r = root.report;
  const rule = root.querySelector('.violation-filter').value;
  const list = rule ? r.violations.filter((v) => v.rule === rule) : r.violations;
  const rows = list.slice(0, MAX_ROWS).map((v) => {
    const tr = document.createElement('tr');
    tr.className = v.hard ? 'hard' : 'soft';
    // Choosing a violation shows its cells in the timetable grid (keyboard too).
    tr.tabIndex = 0;
    tr.violation = v;
    if (selectedViolation === v) tr.classList.add('chosen');
    const when = v.periods.length ? v.periods.map((p) => periodText(p.day, p.period)).join('; ') : '—';
    const cells = [
      [`${RULES[v.rule] || v.rule}${v.hard ? ' (hard)' : ''}`, 'rule'],
      [String(v.cost), 'num'],
      [when, 'when'],
      [v.message, 'msg'],
    ];
    for (const [text, cls] of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      td.className = cls;
      tr.append(td);
    }
    return tr;
  });
  root.querySelector('.violations tbody').replaceChildren(...rows);
  renderBestKnown(root, r);
  root.querySelector('.violations').hidden = list.length === 0;
  root.querySelector('.violation-count').textContent = list.length ? `(${fmt(list.length)})` : '— none';
  const more = root.querySelector('.violations-more');
  more.hidden = list.length <= MAX_ROWS;
  more.textContent = `Showing the first ${MAX_ROWS} of ${fmt(list.length)}.`;
}

/** "Mon 08:00" with the instance's names; "day 0, period 0" without a summary. */
function periodText(day, period) {
  const s = summaryInfo;
  if (s && s.day_names && s.period_names && s.day_names[day] !== undefined) {
    return `${s.day_names[day]} ${s.period_names[period] ?? period}`;
  }
  return `day ${day}, period ${period}`;
}

/** The weights (×n) beside the soft components of every report, from the instance. */
function renderWeights(w) {
  if (!w) return;
  for (const small of document.querySelectorAll('[data-weight]')) {
    const v = w[small.dataset.weight];
    if (v !== undefined) small.textContent = `×${v}`;
  }
}

async function check(bytes, file) {
  setError($('#check-error'), '');
  const solution = new TextDecoder().decode(bytes);
  try {
    const r = await call('check', { bytes, file }, [bytes]);
    renderReport($('#check'), r);
    setCurrent({ solution, file, check: r, source: 'check' });
  } catch (e) {
    $('#check').hidden = true;
    setError($('#check-error'), e.message);
  }
}

$('#solution-file').addEventListener('change', async (e) => {
  const f = e.target.files[0];
  if (f) await check(await f.arrayBuffer(), f.name);
  e.target.value = '';
});
let seed = 1;
$('#random-solution').addEventListener('click', (e) => busy(e.currentTarget, async () => {
  const text = await call('randomSolution', { seed: seed++ });
  const bytes = new TextEncoder().encode(text).buffer;
  const link = $('#download-solution');
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  link.hidden = false;
  await check(bytes, `random-${seed - 1}.sol`);
}));

// ---- 4. threads and speed ---------------------------------------------------------------
$('#batch-run').addEventListener('click', (e) => busy(e.currentTarget, async () => {
  const count = Math.max(1, Math.min(100000, Number.parseInt($('#batch-count').value, 10) || 512));
  try {
    const r = await call('batch', { count, seed: 1 });
    $('#batch-threads-used').textContent = String(r.threads_used);
    $('#batch-pool-threads').textContent = String(r.pool_threads);
    $('#batch-time').textContent = `${fmt(r.elapsed_ms)} ms`;
    $('#batch-rate').textContent = fmt(r.count / Math.max(r.elapsed_ms, 0.001) * 1000);
    $('#batch-best').textContent = r.best ? `${fmt(r.best.hard)} / ${fmt(r.best.soft)}` : '—';
    $('#batch-result').hidden = false;
  } catch (err) {
    showFatal(`The batch failed: ${err.message}`);
  }
}));

$('#speed-run').addEventListener('click', (e) => busy(e.currentTarget, async () => {
  try {
    const r = await call('speed', { seconds: Number($('#speed-seconds').value) });
    $('#speed-full').textContent = fmt(r.full_per_second);
    $('#speed-delta').textContent = fmt(r.delta_moves_per_second);
    $('#speed-result').dataset.full = String(r.full_per_second);
    $('#speed-result').dataset.delta = String(r.delta_moves_per_second);
    $('#speed-result').hidden = false;
  } catch (err) {
    showFatal(`The measurement failed: ${err.message}`);
  }
}));

// ---- environment ---------------------------------------------------------------------
// What the worker reports about the build and the machine (op 'env'), shown in the
// Environment panel; `defaults` are the build's solver options, so settings that another
// build adds (evaluator, stage3) are sent only when the loaded build knows them.
let envInfo = { defaults: null, evaluatorText: '' };

function knownOption(name) {
  return !!(envInfo.defaults && Object.prototype.hasOwnProperty.call(envInfo.defaults, name));
}

async function showEnvironment(init) {
  let env = {};
  try {
    env = await call('env');
  } catch (e) {
    env = { error: e.message };
  }
  envInfo = { ...env, evaluatorText: '' };
  const isolated = window.crossOriginIsolated === true;
  const viaSw = isolated && !!(navigator.serviceWorker && navigator.serviceWorker.controller);
  document.body.dataset.isolation = isolated ? (viaSw ? 'service-worker' : 'headers') : 'none';
  $('#env-isolation-how').textContent = isolated
    ? (viaSw ? 'yes — a service worker (coi-sw.js) adds the COOP/COEP headers' : 'yes — the server sends COOP/COEP')
    : `no — ${init.reason || 'not isolated'}`;
  $('#env-build').textContent = `${init.threaded ? 'threaded' : 'single-threaded'} wasm, Atoll ${init.build.version}`;
  $('#env-pool').textContent = `${init.threads} in the pool · ${env.hardwareConcurrency || navigator.hardwareConcurrency || 1} logical cores`;
  const g = env.gpu || { available: false, reason: 'unknown' };
  const gpuText = g.available
    ? `WebGPU adapter: ${[g.vendor, g.architecture, g.device, g.description].filter(Boolean).join(' ') || 'unnamed'}`
      + (g.fallback ? ' (software fallback adapter)' : '') + (g.limits ? `; limits: storage binding ${g.limits.maxStorageBufferBindingSize} B, workgroup memory ${g.limits.maxComputeWorkgroupStorageSize} B, ${g.limits.maxComputeInvocationsPerWorkgroup} invocations per workgroup` : '')
    : `CPU — ${g.reason}`;
  const gpuInBuild = knownOption('evaluator');
  $('#env-gpu').textContent = gpuInBuild || !g.available ? gpuText : `${gpuText}; this build scores on the CPU`;
  $('#env-gpu').dataset.gpu = String(!!g.available);
  envInfo.evaluatorText = evaluatorText(init.threads);
  $('#env-memory').textContent = typeof env.deviceMemory === 'number'
    ? `${env.deviceMemory} GiB (navigator.deviceMemory)` : 'not reported by this browser';
  const b = env.budget;
  document.body.dataset.budget = b && !b.error ? 'yes' : 'no';
  $('#env-budget').textContent = !b ? 'this build chooses no memory budget'
    : b.error ? `budgetFor failed: ${b.error}`
      : Object.entries(b).map(([k, v]) => `${k.replace(/_/g, ' ')} ${typeof v === 'number' ? fmt(v)
        : typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ')
        + (typeof env.deviceMemory === 'number' ? '' : ` (for ${env.budgetGiB} GiB, assumed)`);
  const missing = ['evaluator', 'stage3'].filter((k) => !knownOption(k));
  const note = $('#solve-options-note');
  note.hidden = missing.length === 0 || !envInfo.defaults;
  note.textContent = missing.length
    ? `This build has no ${missing.map((k) => (k === 'evaluator' ? 'GPU evaluator' : 'Stage 3')).join(' and no ')}: `
      + 'those settings are off.' : '';
  if (!g.available) {
    const opt = $('#solve-evaluator option[value="gpu"]');
    opt.disabled = true;
    opt.textContent = 'GPU (no WebGPU adapter)';
  }
  // A setting the build does not know is off, not just greyed out.
  if (!knownOption('stage3')) $('#solve-stage3').checked = false;
  if (!knownOption('evaluator')) $('#solve-evaluator').value = 'cpu';
  const d = envInfo.defaults;
  if (d) {
    if (typeof d.stage3 === 'boolean') $('#solve-stage3').checked = d.stage3;
    if (typeof d.evaluator === 'string') $('#solve-evaluator').value = d.evaluator;
  }
}

// What the live panel says about scoring before the first progress event names it.
function evaluatorText(threads) {
  const gpu = envInfo.gpu && envInfo.gpu.available && knownOption('evaluator');
  return gpu ? 'auto' : `CPU (${threads} thread${threads === 1 ? '' : 's'})`;
}

async function restartWith(threads) {
  $('#solve-status').textContent = `Starting a pool of ${threads} threads…`;
  spawnWorker();
  const env = await call('init', { threads });
  poolThreads = env.threads;
  envInfo.evaluatorText = evaluatorText(env.threads);
  $('#solve-threads').textContent = String(env.threads);
  $('#solve-islands-hint').textContent = `0 = one per thread (${env.threads})`;
  setPill($('#env-threads'), `threads: ${env.threads}`, env.threaded ? 'good' : 'warn');
  $('#env-pool').textContent = `${env.threads} in the pool · ${navigator.hardwareConcurrency || 1} logical cores`;
  if (loaded && loaded.files) await call('loadFiles', { files: loaded.files });
  else if (loaded) await call('loadInstance', { bytes: loaded.bytes.slice(0), file: loaded.file });
}

// ---- results: grids, best known, exports ------------------------------------------------
// `current` is the timetable the results card shows: the last solve's result or the last
// checked file, with its check (breakdown and violations) and, once asked, its lectures.
let loaded = null;
let current = null;
// The last instance summary (day and period names, weights) for labels.
let summaryInfo = null;
let selectedViolation = null;
let bestKnown = null;
// Fetched by start() (not while coi.js reloads the page: the request would be cut off);
// once here, what is shown gets its best known value.
function loadBestKnown() {
  fetch(new URL('./best-known.json', import.meta.url))
    .then((r) => (r.ok ? r.json() : null)).then((j) => { bestKnown = j && j.instances; })
    .catch(() => {})
    .then(() => {
      for (const root of [$('#solve-report'), $('#check')]) if (root.report) renderBestKnown(root, root.report);
      if (current && current.tt) showTimetable(current);
    });
}

/** The best-known entry of an instance name: own entries only ("constructor" is none). */
function bestKnownFor(name) {
  return bestKnown && typeof name === 'string' && Object.hasOwn(bestKnown, name) ? bestKnown[name] : null;
}

function renderBestKnown(root, r) {
  const p = root.querySelector('.best-known');
  const name = loaded && loaded.name;
  const known = bestKnownFor(name);
  p.hidden = !known;
  if (!known) return;
  const gap = r.feasible ? r.soft_cost - known.best_known : null;
  p.textContent = `Best known for ${known.id} (${name}): ${fmt(known.best_known)}${known.optimal ? ' (optimal)' : ''}`
    + (gap === null ? ' · this timetable is not feasible yet'
      : gap === 0 ? ' · this timetable matches it' : gap > 0 ? ` · this timetable is ${fmt(gap)} above it`
        : ` · this timetable is ${fmt(-gap)} below it`);
  p.dataset.bestKnown = String(known.best_known);
}

async function setCurrent(c) {
  selectedViolation = null;
  current = c;
  current.tt = null;
  try {
    current.tt = await call('timetable', { solution: c.solution, file: c.file });
  } catch (e) {
    showTimetable(null);
    setError($('#export-error'), `Cannot show this timetable: ${e.message}`);
    return;
  }
  if (current !== c) return;
  current.marks = markLectures(c.tt, c.check.violations);
  // Lectures a repair (or a re-solve) moved away from the timetable it started from.
  const moves = c.moves || c.moved;
  current.movedMarks = moves && moves.lectures ? movedLectures(c.tt, moves) : null;
  $('#legend-moved').hidden = !(current.movedMarks && current.movedMarks.some((x) => x !== undefined));
  for (const root of [$('#solve-report'), $('#check')]) if (root.report === c.check) root.current = c;
  showTimetable(c);
}

// The calendar's default week: the next Monday (day 0 of a Monday-to-Friday week).
function nextMonday() {
  const d = new Date();
  d.setDate(d.getDate() + ((8 - d.getDay()) % 7 || 7));
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}
$('#ics-start').value = nextMonday();

function defaultTimes(n) {
  // Periods of 90 minutes from 08:00 (a common pattern); the user edits them for the .ics.
  return Array.from({ length: n }, (_, i) => {
    const m = 8 * 60 + i * 90;
    return `${String(Math.floor(m / 60) % 24).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
  }).join(', ');
}

function periodLabels(tt) {
  const t = $('#ics-times').value.split(/[,;\s]+/).filter(Boolean);
  return t.length === tt.periods_per_day && t.every((x) => /^\d{1,2}:\d{2}$/.test(x)) ? t : null;
}

function showTimetable(c) {
  const card = $('#results-card');
  updateButtons();
  if (!c || !c.tt) {
    card.hidden = true;
    card.dataset.state = 'empty';
    return;
  }
  const tt = c.tt;
  const times = $('#ics-times');
  if (times.dataset.periods !== String(tt.periods_per_day)) {
    times.value = defaultTimes(tt.periods_per_day);
    times.dataset.periods = String(tt.periods_per_day);
  }
  const r = c.check;
  $('#results-source').textContent = c.source === 'solve'
    ? `The solver's best timetable (${c.file}) for ${tt.name}`
    : c.source === 'resolve' ? `The re-solved timetable (${c.file}) for ${tt.name}`
      : c.source === 'repair' ? `The repaired timetable (${c.file}) for ${tt.name}: ${fmt(c.moves.moved)} `
        + `lecture${c.moves.moved === 1 ? '' : 's'} moved (outlined in the grid)`
        : `Checked file ${c.file} for ${tt.name}`;
  // The list of moved lectures belongs to the repaired timetable only.
  $('#repair-result').hidden = c.source !== 'repair';
  const score = $('#results-score');
  score.replaceChildren();
  const badge = document.createElement('span');
  badge.className = `badge ${r.feasible ? 'good' : 'bad'}`;
  badge.textContent = r.feasible ? `Feasible · cost ${fmt(r.soft_cost)}`
    : `Infeasible · ${fmt(r.hard_violations)} hard · cost ${fmt(r.soft_cost)}`;
  const parts = document.createElement('span');
  parts.className = 'muted';
  // Every soft component the build reports (the campus ones too), in its order.
  parts.textContent = `${Object.entries(r.soft).filter(([k, v]) => v || ['room_capacity', 'min_working_days',
    'curriculum_compactness', 'room_stability'].includes(k))
    .map(([k, v]) => `${(RULES[k] || k).toLowerCase()} ${fmt(v)}`).join(' · ')}`
    + ` · ${fmt(tt.lectures.length)} lectures scheduled${tt.unscheduled ? `, ${fmt(tt.unscheduled)} missing` : ''}`;
  score.append(badge, parts);
  const known = bestKnownFor(tt.name);
  if (known) {
    const bk = document.createElement('span');
    bk.className = 'best-known-inline';
    bk.textContent = `best known ${fmt(known.best_known)}`;
    score.append(bk);
  }
  card.dataset.softCost = String(r.soft_cost);
  card.dataset.hardViolations = String(r.hard_violations);
  card.dataset.source = c.source;
  card.dataset.state = 'shown';
  card.hidden = false;
  if (!c.pending) c.pending = new Map();
  fillEditControls(tt);
  fillExportNames();
  renderEdits();
  const timesFromInstance = !!tt.has_times;
  $('#ics-times').disabled = timesFromInstance;
  $('#ics-length').disabled = timesFromInstance;
  $('#ics-times-note').hidden = !timesFromInstance;
  fillSideFilter(r);
  // Keep the chosen view if it exists in this instance, else the first one with a violation.
  const kind = $('#grid-kind').value;
  const names = namesOf(tt, kind);
  if (!names.includes($('#grid-name').value)) {
    const marked = names.find((n) => lecturesOf(tt, kind, n).some((l) => c.marks[tt.lectures.indexOf(l)]));
    fillNames(kind, marked || names[0]);
  } else {
    fillNames(kind, $('#grid-name').value);
  }
  drawGrid();
}

function fillNames(kind, chosen) {
  const c = current;
  $('#grid-name-label').textContent = KINDS[kind];
  const sel = $('#grid-name');
  const names = namesOf(c.tt, kind);
  // Mark the names whose grid shows a violation, so they are easy to find.
  const flagged = new Set();
  c.tt.lectures.forEach((l, i) => {
    if (!c.marks[i]) return;
    if (kind === 'room') flagged.add(l.room);
    else if (kind === 'teacher') for (const t of teachersOf(l)) flagged.add(t);
    else for (const g of l.curricula) flagged.add(g);
  });
  sel.replaceChildren(...names.map((n) => new Option(flagged.has(n) ? `${n} ⚠` : n, n)));
  if (chosen !== undefined && names.includes(chosen)) sel.value = chosen;
}

function drawGrid() {
  const c = current;
  if (!c || !c.tt) return;
  const kind = $('#grid-kind').value;
  const name = $('#grid-name').value;
  const grid = renderGrid(c.tt, kind, name, { marks: c.marks, selected: selectedViolation,
    periodLabels: periodLabels(c.tt), pending: c.pending, moved: c.movedMarks });
  $('#grid').replaceChildren(grid);
  const v = selectedViolation;
  $('#grid-note').textContent = v
    ? `Selected: ${v.message} (${RULES[v.rule] || v.rule}, cost ${fmt(v.cost)})` : '';
  $('#grid').dataset.selected = v ? String(grid.querySelectorAll('.lec.selected').length) : '';
}

// The violation list beside the grid: the same violations as the report, to choose one
// without leaving the grid.
function fillSideFilter(r) {
  const counts = {};
  for (const v of r.violations) counts[v.rule] = (counts[v.rule] || 0) + 1;
  const f = $('#side-filter');
  const keep = f.value;
  f.replaceChildren(new Option(`all rules (${fmt(r.violations.length)})`, ''),
    ...Object.keys(RULES).filter((k) => counts[k]).map((k) => new Option(`${RULES[k]} (${fmt(counts[k])})`, k)));
  f.value = counts[keep] ? keep : '';
  renderSideList();
}

function renderSideList() {
  const c = current;
  if (!c) return;
  const rule = $('#side-filter').value;
  const list = rule ? c.check.violations.filter((v) => v.rule === rule) : c.check.violations;
  const items = list.slice(0, MAX_ROWS).map((v) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `viol ${v.hard ? 'hard' : 'soft'}${selectedViolation === v ? ' chosen' : ''}`;
    b.violation = v;
    const head = document.createElement('span');
    head.className = 'viol-rule';
    head.textContent = `${RULES[v.rule] || v.rule}${v.hard ? ' (hard)' : ''} · ${fmt(v.cost)}`;
    const msg = document.createElement('span');
    msg.className = 'viol-msg';
    msg.textContent = v.message;
    b.append(head, msg);
    li.append(b);
    return li;
  });
  $('#side-list').replaceChildren(...items);
  $('#side-count').textContent = list.length ? `(${fmt(list.length)})` : '— none';
  $('#side-more').hidden = list.length <= MAX_ROWS;
  $('#side-more').textContent = `Showing the first ${MAX_ROWS} of ${fmt(list.length)}.`;
}

$('#side-filter').addEventListener('change', renderSideList);
$('#side-list').addEventListener('click', (e) => {
  const b = e.target.closest('button.viol');
  if (b && b.violation) selectViolation(null, b.violation, { scroll: false });
});

function selectViolation(root, v, { scroll = true } = {}) {
  if (root && root.current && root.current !== current) {
    current = root.current;
    showTimetable(current);
  }
  if (!current || !current.tt) return;
  selectedViolation = v;
  for (const tr of document.querySelectorAll('.violations tbody tr')) tr.classList.toggle('chosen', tr.violation === v);
  for (const b of document.querySelectorAll('#side-list button.viol')) {
    b.classList.toggle('chosen', b.violation === v);
    // Keep the chosen one in view inside the list (scrolls the list only, not the page).
    if (b.violation === v) {
      const list = $('#side-list');
      const top = b.offsetTop; // .side-list is positioned: offsets are within it
      if (top < list.scrollTop || top + b.offsetHeight > list.scrollTop + list.clientHeight) {
        list.scrollTop = Math.max(0, top - list.clientHeight / 3);
      }
    }
  }
  const place = placeOf(current.tt, v);
  if (place) {
    $('#grid-kind').value = place.kind;
    fillNames(place.kind, place.name);
  }
  drawGrid();
  if (scroll) $('#results-card').scrollIntoView({ behavior: 'smooth', block: 'start' });
}

$('#grid-kind').addEventListener('change', () => {
  if (!current || !current.tt) return;
  fillNames($('#grid-kind').value, undefined);
  drawGrid();
});
$('#grid-name').addEventListener('change', drawGrid);
$('#ics-times').addEventListener('change', drawGrid);
$('#grid-print').addEventListener('click', () => window.print());

// ---- pin and re-solve ---------------------------------------------------------------------
// Clicking a lecture in the grid toggles its pin (c.pending: lecture row index → pinned?),
// shown at once and applied by the next re-solve. Edits (a teacher unavailable, a room
// closed at a period) are listed until then. Re-solve sends the pins and edits with the
// shown timetable; the worker builds the edited instance with that timetable as its
// reference, so lectures move only where it pays.
let edits = [];

$('#grid').addEventListener('click', (e) => {
  const box = e.target.closest('.lec, .lec-cont');
  const c = current;
  if (!box || !c || !c.tt || solving) return;
  const i = Number(box.dataset.index);
  const l = c.tt.lectures[i];
  if (!l) return;
  const now = c.pending.has(i) ? c.pending.get(i) : !!l.pinned;
  if (!now === !!l.pinned) c.pending.delete(i);
  else c.pending.set(i, !now);
  drawGrid();
  renderEdits();
});

/** The pins of the next re-solve: the instance's, less those unpinned, plus those pinned here. */
function pinList(c) {
  const removed = new Set();
  const added = [];
  for (const [i, on] of c.pending) {
    const l = c.tt.lectures[i];
    if (on && !l.pinned) added.push({ course: l.course, day: l.day, period: l.period, room: l.room });
    if (!on && l.pinned && l.pin !== null && l.pin !== undefined) removed.add(l.pin);
  }
  return [...(c.tt.pins || []).filter((_, k) => !removed.has(k)), ...added];
}

function fillEditControls(tt) {
  const what = $('#edit-what').value;
  const names = what === 'room_closed' ? tt.rooms.map((r) => r.name) : tt.teachers;
  const sel = $('#edit-name');
  const keep = sel.value;
  sel.replaceChildren(...names.map((n) => new Option(n, n)));
  if (names.includes(keep)) sel.value = keep;
  const days = Array.from({ length: tt.days }, (_, d) => new Option(tt.day_names ? tt.day_names[d] : `Day ${d}`, String(d)));
  const periods = Array.from({ length: tt.periods_per_day },
    (_, p) => new Option(tt.period_names ? tt.period_names[p] : `Period ${p}`, String(p)));
  const dk = $('#edit-day').value;
  const pk = $('#edit-period').value;
  $('#edit-day').replaceChildren(...days);
  $('#edit-period').replaceChildren(...periods);
  if (dk && Number(dk) < tt.days) $('#edit-day').value = dk;
  if (pk && Number(pk) < tt.periods_per_day) $('#edit-period').value = pk;
}
$('#edit-what').addEventListener('change', () => { if (current && current.tt) fillEditControls(current.tt); });

$('#edit-add').addEventListener('click', () => {
  const c = current;
  if (!c || !c.tt) return;
  const e = { what: $('#edit-what').value, name: $('#edit-name').value,
    day: Number($('#edit-day').value), period: Number($('#edit-period').value) };
  if (!e.name) return;
  if (!edits.some((x) => x.what === e.what && x.name === e.name && x.day === e.day && x.period === e.period)) edits.push(e);
  renderEdits();
});

function renderEdits() {
  const c = current;
  const tt = c && c.tt;
  const when = (e) => `${tt && tt.day_names ? tt.day_names[e.day] : `day ${e.day}`} ${tt && tt.period_names ? tt.period_names[e.period] : `period ${e.period}`}`;
  const items = edits.map((e, k) => {
    const li = document.createElement('li');
    li.dataset.what = e.what;
    li.textContent = e.what === 'room_closed' ? `Room ${e.name} closed ${when(e)}` : `Teacher ${e.name} unavailable ${when(e)}`;
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary small';
    b.textContent = 'Remove';
    b.addEventListener('click', () => { edits.splice(k, 1); renderEdits(); });
    li.append(' ', b);
    return li;
  });
  $('#edit-list').replaceChildren(...items);
  let pinned = 0;
  let changed = 0;
  if (tt) {
    tt.lectures.forEach((l, i) => {
      const on = c.pending && c.pending.has(i) ? c.pending.get(i) : !!l.pinned;
      if (on) pinned++;
    });
    changed = c.pending ? c.pending.size : 0;
  }
  const summary = $('#pin-summary');
  summary.textContent = `${fmt(pinned)} pinned lecture${pinned === 1 ? '' : 's'}`
    + (changed ? ` (${fmt(changed)} changed here, applied by Re-solve)` : '')
    + (edits.length ? ` · ${fmt(edits.length)} edit${edits.length === 1 ? '' : 's'}` : '');
  summary.dataset.pinned = String(pinned);
  summary.dataset.changed = String(changed);
}

/** The pins and edits of the next re-solve or repair, as Session.resolveStart reads them. */
function editsPayload(c) {
  return {
    pins: pinList(c),
    teacher_unavailable: edits.filter((e) => e.what === 'teacher_unavailable')
      .map(({ name, day, period }) => ({ name, day, period })),
    room_closed: edits.filter((e) => e.what === 'room_closed').map(({ name, day, period }) => ({ name, day, period })),
  };
}

$('#resolve-run').addEventListener('click', () => {
  const c = current;
  if (!c || !c.tt || solving) return;
  runSolve('resolve', { solution: c.solution, file: c.file, edits: editsPayload(c) });
});

// ---- repair ---------------------------------------------------------------------------------
// Repair (worker op 'repair', Session.repairStart): Stage 3 alone on the shown timetable — a
// checked file, a solve's result, or one whose instance was just edited — until it is
// feasible, moving as few lectures as it can away from it (hard, then moves, then soft:
// docs/REPAIR.md). Pins and edits listed above apply, as for a re-solve. Live: conflicts left
// and lectures moved. The result becomes the shown timetable (exports included), its moved
// lectures outlined in the grid and listed under the button.
const REPAIR_REASONS = { done: 'Repaired', time_limit: 'Time limit reached', cancelled: 'Stopped' };

function repairSettings() {
  const raw = $('#repair-max-moves').value.trim();
  let maxMoves = null;
  if (raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(`Move at most: enter a whole number of lectures (0 or more), or leave it empty for no cap; got ${raw}`);
    }
    maxMoves = n;
  }
  const t = Number($('#repair-time').value.trim());
  if (!Number.isFinite(t) || t <= 0 || t > MAX_TIME_LIMIT_S) {
    throw new Error(`Repair time: enter seconds above 0 and at most ${fmt(MAX_TIME_LIMIT_S)}, got ${$('#repair-time').value.trim()}`);
  }
  // The solve card's seed and extra options apply; its stage switches do not.
  const options = solveOptions();
  delete options.stage3;
  delete options.evaluator;
  options.time_limit = t;
  return { maxMoves, options };
}

function movesText(p) {
  return `${fmt(p.moved)} lecture${p.moved === 1 ? '' : 's'} moved (${fmt(p.room_only)} room-only, `
    + `${fmt(p.period)} to another period)`;
}

function onRepairProgress(p) {
  const c = p.conflicts_left;
  $('#repair-status').textContent = `${fmtSeconds(p.elapsed_s)} s · `
    + (c ? `${fmt(c.total)} conflict${c.total === 1 ? '' : 's'} left (${fmt(c.hard)} hard)` : 'finding the conflicts')
    + ` · ${movesText(p)} · best: ${p.hard ? `${fmt(p.hard)} hard violations` : 'feasible'}, cost ${fmt(p.soft)}`;
  Object.assign($('#repair').dataset, {
    elapsed: String(p.elapsed_s), hard: String(p.hard), moved: String(p.moved), rounds: String(p.rounds),
    conflictsLeft: c ? String(c.total) : '', updates: String(Number($('#repair').dataset.updates || 0) + 1),
  });
}

async function showRepairResult(r) {
  const m = r.moves;
  const ck = r.check;
  $('#repair-summary').textContent = `${REPAIR_REASONS[r.stop_reason] || r.stop_reason} after `
    + `${fmtSeconds(r.stats.elapsed_s)} s: ${ck.feasible ? 'feasible' : `${fmt(ck.hard_violations)} hard violations left`}`
    + `, cost ${fmt(ck.soft_cost)} · moved ${fmt(m.moved)} of ${fmt(m.of)} lectures `
    + `(${fmt(m.room_only)} room-only, ${fmt(m.period)} to another period)`;
  Object.assign($('#repair').dataset, { state: 'done', stopReason: r.stop_reason, moved: String(m.moved),
    hard: String(ck.hard_violations), roomOnly: String(m.room_only), period: String(m.period) });
  await setCurrent({ solution: r.solution, file: r.file, check: ck, source: 'repair', stats: r.stats,
    stopReason: r.stop_reason, moves: m });
  const c = current;
  if (!c || !c.tt) return;
  const items = m.lectures.slice(0, MAX_ROWS).map((x) => {
    const li = document.createElement('li');
    li.dataset.course = x.course;
    li.dataset.kind = x.kind;
    li.append(`${x.course}: ${placeText(c.tt, x.from)} → ${placeText(c.tt, x.to)} `);
    const k = document.createElement('span');
    k.className = 'kind';
    k.textContent = x.kind === 'room_only' ? '(room only)' : '(another period)';
    li.append(k);
    return li;
  });
  $('#repair-moves').replaceChildren(...items);
  $('#repair-moves-more').hidden = m.lectures.length <= MAX_ROWS;
  $('#repair-moves-more').textContent = `Showing the first ${MAX_ROWS} of ${fmt(m.lectures.length)}.`;
  // Show a grid with a moved lecture in it (of the kind chosen), so the moves are in view.
  const i = c.movedMarks ? c.movedMarks.findIndex((x) => x !== undefined) : -1;
  if (i >= 0) {
    const kind = $('#grid-kind').value;
    const name = namesOf(c.tt, kind).find((n) => inView(c.tt.lectures[i], kind, n));
    if (name !== undefined) {
      fillNames(kind, name);
      drawGrid();
    }
  }
}

async function runRepair() {
  const c = current;
  if (!c || !c.tt || solving) return;
  setError($('#repair-error'), '');
  let settings;
  try {
    settings = repairSettings();
  } catch (e) {
    setError($('#repair-error'), e.message);
    return;
  }
  const edited = edits.length > 0 || (c.pending && c.pending.size > 0);
  solving = true;
  repairing = true;
  stopping = false;
  updateButtons();
  const box = $('#repair');
  Object.assign(box.dataset, { state: 'running', updates: '0', conflictsLeft: '', moved: '0' });
  $('#repair-status').textContent = 'Repairing the shown timetable…';
  try {
    const r = await call('repair', { options: settings.options, stepMs: 250, solution: c.solution, file: c.file,
      maxMoves: settings.maxMoves, edits: edited ? editsPayload(c) : undefined });
    if (edited) await afterResolve(r);
    onRepairProgress(r.last);
    await showRepairResult(r);
    showQtable(r.qtable);
    if (r.interrupted) setError($('#repair-error'), `The repair ended early: ${r.interrupted}.`);
  } catch (e) {
    if (e.crash) {
      setError($('#repair-error'), crashNotice(e.crash));
      box.dataset.state = 'crashed';
      if (recovering) await recovering.catch(() => {});
    } else {
      setError($('#repair-error'), e.message);
      box.dataset.state = 'error';
    }
    $('#repair-status').textContent = '';
  } finally {
    solving = false;
    repairing = false;
    stopping = false;
    updateButtons();
  }
}

$('#repair-run').addEventListener('click', () => { runRepair(); });
$('#repair-stop').addEventListener('click', async () => {
  if (!repairing || stopping) return;
  stopping = true;
  updateButtons();
  $('#repair-status').textContent += ' · stopping, keeping the best timetable so far…';
  if (!worker || recovering) return;
  await call('stop').catch(() => {});
});

// After a re-solve the worker's instance is the edited one: the edits are part of it now,
// and the summary says so.
async function afterResolve() {
  edits = [];
  renderEdits();
  try {
    renderSummary(await call('summary'), { reset: false });
    // Keep the edited instance: a new worker (another thread count) loads it, not the file.
    const json = await call('instanceJson');
    const bytes = new TextEncoder().encode(json).buffer;
    loaded = { bytes, file: `${stem(loaded ? loaded.file : 'campus').replace(/-edited$/, '')}-edited.json`, name: loaded && loaded.name };
  } catch (e) {
    setError($('#solve-error'), `The edited instance cannot be kept for a restart: ${e.message}`);
  }
}

function stem(file) {
  const s = (file || 'timetable').replace(/\.[^.]*$/, '');
  return s || 'timetable';
}

// `data`: text, or the bytes of a binary file (a workbook).
function download(data, file, type) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

async function exporting(fn) {
  setError($('#export-error'), '');
  if (!current) return;
  try {
    await fn(current);
  } catch (e) {
    setError($('#export-error'), e.message);
  }
}

$('#export-sol').addEventListener('click', () => exporting(async (c) => {
  download(c.solution, `${stem(c.file)}.sol`, 'text/plain');
}));
// Whose timetable the CSV and iCalendar exports hold: everything, or one group, teacher
// or room (#export-kind, #export-name).
function exportEntity() {
  const kind = $('#export-kind').value;
  return kind ? { kind, name: $('#export-name').value } : { kind: '', name: '' };
}

function exportName(c, ext) {
  const { kind, name } = exportEntity();
  const who = kind ? `-${kind}-${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}` : '';
  return `${stem(c.file)}${who}.${ext}`;
}

function fillExportNames() {
  const c = current;
  const kind = $('#export-kind').value;
  const sel = $('#export-name');
  sel.hidden = !kind;
  $('#export-name-label').hidden = !kind;
  if (!c || !c.tt || !kind) {
    sel.replaceChildren();
    return;
  }
  const keep = sel.value;
  const names = namesOf(c.tt, kind);
  sel.replaceChildren(...names.map((n) => new Option(n, n)));
  // Default to the entity the grid shows, when it is of this kind.
  if (names.includes(keep)) sel.value = keep;
  else if ($('#grid-kind').value === kind && names.includes($('#grid-name').value)) sel.value = $('#grid-name').value;
}
$('#export-kind').addEventListener('change', fillExportNames);

$('#export-csv').addEventListener('click', () => exporting(async (c) => {
  const csv = await call('exportCsv', { solution: c.solution, file: c.file, ...exportEntity() });
  download(csv, exportName(c, 'csv'), 'text/csv');
}));
$('#export-ics').addEventListener('click', () => exporting(async (c) => {
  const ics = await call('exportIcs', {
    solution: c.solution, file: c.file, start: $('#ics-start').value, periodStarts: $('#ics-times').value,
    lengthMinutes: Number($('#ics-length').value), weeks: Number($('#ics-weeks').value), ...exportEntity(),
  });
  download(ics, exportName(c, 'ics'), 'text/calendar');
}));
$('#export-xlsx').addEventListener('click', () => exporting(async (c) => {
  const bytes = await call('exportXlsx', { solution: c.solution, file: c.file });
  download(bytes, `${stem(c.file)}.xlsx`, XLSX_TYPE);
}));
$('#export-json').addEventListener('click', () => exporting(async (c) => {
  const r = c.check;
  const json = {
    instance: c.tt.name,
    file: c.file,
    source: c.source,
    feasible: r.feasible,
    hard: r.hard_violations,
    soft: r.soft_cost,
    breakdown: { hard: r.hard, soft: r.soft },
    violations: r.violations,
    stats: c.stats || null,
    stop_reason: c.stopReason || null,
    moves: c.moves || null,
    lectures: c.tt.lectures,
    solution: c.solution,
  };
  download(`${JSON.stringify(json, null, 2)}\n`, `${stem(c.file)}.json`, 'application/json');
}));


// The lectures of the shown timetable (what Session.timetable() returned), for tests and
// the console; read-only use.
window.__atollCurrent = () => (current && current.tt) || null;

updateButtons();
start();
