// The page: renders, never computes. Everything runs in worker.js.

const $ = (sel) => document.querySelector(sel);
const params = new URLSearchParams(location.search);

// ---- the worker ---------------------------------------------------------------------
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const pending = new Map();
let nextId = 1;
worker.onmessage = ({ data }) => {
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
  const on = ready && haveInstance;
  $('#load-sample').disabled = !ready;
  $('#instance-file').disabled = !ready;
  $('#solution-file').disabled = !on;
  $('#solution-label').setAttribute('aria-disabled', String(!on));
  for (const id of ['#random-solution', '#batch-run', '#speed-run']) $(id).disabled = !on;
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
  if (f && ready) await loadInstance(await f.arrayBuffer(), f.name);
});

// ---- 2. check -------------------------------------------------------------------------
const RULES = {
  lectures: 'Lectures', conflicts: 'Conflicts', availability: 'Availability',
  room_occupancy: 'Room occupancy', room_capacity: 'Room capacity',
  min_working_days: 'Min working days', curriculum_compactness: 'Curriculum compactness',
  room_stability: 'Room stability',
};
const MAX_ROWS = 400;
let lastCheck = null;

async function check(bytes, file) {
  setError($('#check-error'), '');
  try {
    const r = await call('check', { bytes, file }, [bytes]);
    renderCheck(r);
  } catch (e) {
    $('#check').hidden = true;
    setError($('#check-error'), e.message);
  }
}

function renderCheck(r) {
  lastCheck = r;
  const root = $('#check');
  const get = (path) => path.split('.').reduce((o, k) => o[k], r);
  for (const td of root.querySelectorAll('[data-field]')) {
    const v = get(td.dataset.field);
    td.textContent = fmt(v);
    const hard = td.dataset.field.startsWith('hard');
    td.classList.toggle('bad', hard && v > 0);
  }
  const verdict = $('#verdict');
  verdict.textContent = r.feasible
    ? `Feasible · cost ${fmt(r.soft_cost)}`
    : `Infeasible · ${fmt(r.hard_violations)} hard violation${r.hard_violations === 1 ? '' : 's'} · cost ${fmt(r.soft_cost)}`;
  verdict.className = `badge ${r.feasible ? 'good' : 'bad'}`;
  $('#check-file').textContent = `${r.file} · ${fmt(r.scheduled_lectures)} lectures scheduled`;

  const w = $('#warnings');
  w.hidden = r.warnings.length === 0;
  $('#warnings-summary').textContent =
    `${r.warnings.length} line${r.warnings.length === 1 ? '' : 's'} skipped, as the official validator skips them`;
  $('#warnings-list').replaceChildren(...r.warnings.slice(0, MAX_ROWS).map((x) => {
    const li = document.createElement('li');
    li.textContent = `line ${x.line}: ${x.message}`;
    return li;
  }));

  const filter = $('#violation-filter');
  const counts = {};
  for (const v of r.violations) counts[v.rule] = (counts[v.rule] || 0) + 1;
  filter.replaceChildren(new Option(`all rules (${fmt(r.violations.length)})`, ''),
    ...Object.keys(RULES).filter((k) => counts[k]).map((k) => new Option(`${RULES[k]} (${fmt(counts[k])})`, k)));
  renderViolations();
  root.hidden = false;
}

function renderViolations() {
  const r = lastCheck;
  const rule = $('#violation-filter').value;
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
  $('#violations tbody').replaceChildren(...rows);
  $('#violations').hidden = list.length === 0;
  $('#violation-count').textContent = list.length ? `(${fmt(list.length)})` : '— none';
  const more = $('#violations-more');
  more.hidden = list.length <= MAX_ROWS;
  more.textContent = `Showing the first ${MAX_ROWS} of ${fmt(list.length)}.`;
}

$('#violation-filter').addEventListener('change', renderViolations);
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

// ---- 3. threads and speed ---------------------------------------------------------------
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
