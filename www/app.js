// The page: renders, never computes. Everything runs in worker.js.

const $ = (sel) => document.querySelector(sel);
const params = new URLSearchParams(location.search);

// ---- the worker ---------------------------------------------------------------------
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const pending = new Map();
let nextId = 1;
worker.onmessage = ({ data }) => {
  if (data.event === 'progress') {
    onProgress(data.progress);
    return;
  }
  const p = pending.get(data.id);
  if (!p) return;
  pending.delete(data.id);
  if (data.ok) p.resolve(data.result);
  else p.reject(new Error(data.error));
};
worker.onerror = (e) => {
  showFatal(`The solver worker failed: ${e.message || 'could not be started'}`);
  for (const p of pending.values()) p.reject(new Error('the solver worker failed'));
  pending.clear();
};
function call(op, args = {}, transfer = []) {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, { resolve, reject });
    worker.postMessage({ id, op, ...args }, transfer);
  });
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
let haveInstance = false;
let solving = false;
let stopping = false;
let poolThreads = 1;

function requestedThreads() {
  const asked = Number.parseInt(params.get('threads') || '', 10);
  const cores = navigator.hardwareConcurrency || 1;
  return Math.max(1, Math.min(64, Number.isFinite(asked) && asked > 0 ? asked : cores));
}

async function start() {
  const isolated = window.crossOriginIsolated === true;
  setPill($('#env-isolated'), `cross-origin isolated: ${isolated ? 'yes' : 'no'}`, isolated ? 'good' : 'warn');
  try {
    const env = await call('init', { threads: requestedThreads() });
    ready = true;
    document.body.dataset.ready = 'true';
    document.body.dataset.mode = env.threaded ? 'threaded' : 'single';
    $('#version').textContent = env.build.version;
    setPill($('#env-mode'), env.threaded ? 'engine: threaded wasm' : 'engine: single-threaded wasm',
      env.threaded ? 'good' : 'warn');
    setPill($('#env-threads'), `threads: ${env.threads}`, env.threaded ? 'good' : 'warn');
    poolThreads = env.threads;
    $('#solve-threads').textContent = String(env.threads);
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
    setPill($('#env-mode'), 'engine: failed', 'bad');
    showFatal(`The solver could not start: ${e.message}`);
  }
}

function updateButtons() {
  // While a solve runs the worker is busy: everything else waits for it.
  const on = ready && haveInstance && !solving;
  $('#load-sample').disabled = !ready || solving;
  $('#instance-file').disabled = !ready || solving;
  $('#instance-label').setAttribute('aria-disabled', String(!ready || solving));
  $('#solution-file').disabled = !on;
  $('#solution-label').setAttribute('aria-disabled', String(!on));
  for (const id of ['#random-solution', '#batch-run', '#speed-run', '#solve-run']) $(id).disabled = !on;
  for (const id of ['#solve-time', '#solve-seed', '#solve-islands', '#solve-json']) $(id).disabled = solving;
  $('#solve-stop').disabled = !solving || stopping;
}

// ---- 1. instance ----------------------------------------------------------------------
async function loadInstance(bytes, file) {
  setError($('#instance-error'), '');
  try {
    const s = await call('loadInstance', { bytes, file }, [bytes]);
    haveInstance = true;
    renderSummary(s);
  } catch (e) {
    // Keep the previous instance (the worker does too) but say what is wrong with this file.
    setError($('#instance-error'), e.message);
  }
  updateButtons();
}

function renderSummary(s) {
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
  set('conflict_density', fmt3(s.conflict_density));
  set('room_occupancy', fmt3(s.room_occupancy));
  $('#summary').hidden = false;
  $('#summary').dataset.name = s.name;
  // A new instance invalidates what was shown for the previous one.
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
$('#instance-file').addEventListener('change', async (e) => {
  const f = e.target.files[0];
  if (f) await loadInstance(await f.arrayBuffer(), f.name);
  e.target.value = '';
});

const drop = $('#dropzone');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  const f = e.dataTransfer.files[0];
  if (f && ready && !solving) await loadInstance(await f.arrayBuffer(), f.name);
});

// ---- 2. solve ---------------------------------------------------------------------------
// The worker runs the solver in steps of ~150 ms and posts a progress event after each;
// the page keeps them as points for the chart. Stop asks the worker to end the run, which
// then answers the 'solve' call with the best timetable so far.
let run = { points: [], limit: 0, islands: 0 };
let drawPending = false;
let downloadUrl = null;

const STAGES = { construct: 'Construction', evolve: 'Annealing' };
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
  return {
    ...extra,
    time_limit: number('#solve-time', 'Time limit'),
    seed: number('#solve-seed', 'Seed'),
    islands: number('#solve-islands', 'Islands'),
  };
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

const COLORS = { best: '#1f5fbf', island: 'rgba(31, 95, 191, 0.28)', hard: '#c2410c', grid: '#e8ebf0',
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
    for (const [hh, ss] of p.islands) if (hh === 0) softMax = Math.max(softMax, ss);
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
    + `${s.islands} island${s.islands === 1 ? '' : 's'} on ${s.threads} thread${s.threads === 1 ? '' : 's'} · ${feasible}`;
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([r.solution], { type: 'text/plain' }));
  const a = $('#solve-download');
  a.href = downloadUrl;
  a.download = r.file;
  a.title = `${r.file}: one line per lecture, CourseID RoomID Day Period`;
  renderReport($('#solve-report'), r.check);
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

$('#solve-run').addEventListener('click', async () => {
  setError($('#solve-error'), '');
  let options;
  try {
    options = solveOptions();
  } catch (e) {
    setError($('#solve-error'), e.message);
    return;
  }
  solving = true;
  stopping = false;
  updateButtons();
  run = { points: [], limit: options.time_limit, islands: 0 };
  for (const id of ['#solve-stage', '#solve-generation', '#solve-hard', '#solve-soft', '#solve-islands-count',
    '#solve-rate']) $(id).textContent = '—';
  $('#solve-hard').classList.remove('bad', 'good');
  $('#solve-result').hidden = true;
  $('#solve-live').hidden = false;
  Object.assign($('#solve-card').dataset, { state: 'running', generation: '0', elapsed: '0', points: '0' });
  $('#solve-status').textContent = 'Building initial timetables…';
  updateClock(0);
  drawChart();
  try {
    const r = await call('solve', { options, stepMs: 150 });
    // The last progress event of the run, so the chart ends where the result does.
    onProgressFinal(r.last, r.stop_reason);
    showResult(r);
  } catch (e) {
    setError($('#solve-error'), e.message);
    $('#solve-status').textContent = '';
    $('#solve-card').dataset.state = 'error';
    if (!run.points.length) $('#solve-live').hidden = true;
  } finally {
    solving = false;
    stopping = false;
    updateButtons();
  }
});

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
  await call('stop');
});

// ---- 3. check -------------------------------------------------------------------------
const RULES = {
  lectures: 'Lectures', conflicts: 'Conflicts', availability: 'Availability',
  room_occupancy: 'Room occupancy', room_capacity: 'Room capacity',
  min_working_days: 'Min working days', curriculum_compactness: 'Curriculum compactness',
  room_stability: 'Room stability',
};
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
  }
  root.report = r;
  root.dataset.feasible = String(r.feasible);
  root.dataset.softCost = String(r.soft_cost);
  root.dataset.hardViolations = String(r.hard_violations);
  const get = (path) => path.split('.').reduce((o, k) => o[k], r);
  for (const td of root.querySelectorAll('[data-field]')) {
    const v = get(td.dataset.field);
    td.textContent = fmt(v);
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
    const when = v.periods.length ? v.periods.map((p) => `day ${p.day}, period ${p.period}`).join('; ') : '—';
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
  root.querySelector('.violations').hidden = list.length === 0;
  root.querySelector('.violation-count').textContent = list.length ? `(${fmt(list.length)})` : '— none';
  const more = root.querySelector('.violations-more');
  more.hidden = list.length <= MAX_ROWS;
  more.textContent = `Showing the first ${MAX_ROWS} of ${fmt(list.length)}.`;
}

async function check(bytes, file) {
  setError($('#check-error'), '');
  try {
    const r = await call('check', { bytes, file }, [bytes]);
    renderReport($('#check'), r);
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

updateButtons();
start();
