// The ITC-2019 card: shown instead of the solve, timetable, check and speed cards while an
// ITC-2019 instance (.xml, UniTime's format) is loaded. Its summary, a solve with the live
// chart of the .ctt solve (chart.js on its own canvas), the result's four parts and
// weighted total, the violations and soft costs in words, a chosen week's grid of a room,
// course or student group, the exports (solution XML, CSV, iCalendar with real dates) and
// the check of a solution file. Everything is computed in the worker (src/web/itc2019.rs,
// the library's src/itc2019/view.rs and export.rs); this module renders.
import { $, state } from './state.js';
import { call, crashNotice, events } from './rpc.js';
import { download, fmt, fmtBig, fmtSeconds, MAX_ROWS, MAX_TIME_LIMIT_S, setError, stem, updateButtons } from './ui.js';
import { drawChart, scheduleDraw } from './chart.js';
import { announce } from './announce.js';
import { renderWeekGrid } from '../grid.js';
import { localeOf, t } from '../i18n.js';

const itc = {
  /** The instance's summary (ItcSession.summary). */
  summary: null,
  /** The live run, in the points format of chart.js. */
  run: { points: [], limit: 0, islands: 0, stopped: false },
  /** The shown timetable's result (a solve's or a check's): { items, week_load, groups, ... }. */
  result: null,
  /** The file name the exports are named after. */
  file: '',
  /** The classes of the chosen violation (file ids), marked in the grid. */
  selected: null,
};

const VIEW = { canvas: '#itc-chart', legendHard: '#itc-legend-hard', legendIslands: '#itc-legend-islands',
  run: () => itc.run, solving: () => state.solving };

/** Day names in the page's language, Monday first (ITC-2019 day 0 is a Monday). */
function dayNames(n) {
  const f = new Intl.DateTimeFormat(localeOf(), { weekday: 'long', timeZone: 'UTC' });
  // 2024-01-01 was a Monday.
  return Array.from({ length: n }, (_, d) => (d < 7 ? f.format(Date.UTC(2024, 0, 1 + d)) : t('grid.day', { n: d })));
}

function dl(rows) {
  return rows.map(([label, value, field]) => {
    const div = document.createElement('div');
    const dt = document.createElement('dt');
    dt.textContent = label;
    const dd = document.createElement('dd');
    dd.textContent = value;
    if (field) dd.dataset.field = field;
    div.append(dt, dd);
    return div;
  });
}

/** Shows the card for a loaded ITC-2019 instance (its summary; no result yet). */
export async function showItc(s) {
  itc.summary = s;
  itc.result = null;
  itc.file = s.file;
  document.body.dataset.format = 'itc2019';
  state.itc = true;
  $('#itc-card').hidden = false;
  $('#itc-card').dataset.name = s.name;
  $('#itc-card').dataset.state = 'loaded';
  $('#itc-summary-title').textContent = s.name === s.file ? s.name : `${s.name} · ${s.file}`;
  const w = s.weights;
  $('#itc-facts').replaceChildren(...dl([
    [t('itc.calendar'), t('itc.calendarValue', { weeks: s.nr_weeks, days: s.nr_days, slots: fmt(s.slots_per_day),
      min: s.minutes_per_slot }), 'calendar'],
    [t('itc.weights'), t('itc.weightsValue', { time: w.time, room: w.room, distribution: w.distribution,
      student: w.student }), 'weights'],
    [t('itc.rooms'), t('itc.roomsValue', { n: fmt(s.rooms), unavailable: fmt(s.rooms_with_unavailability),
      travel: fmt(s.travel_pairs) }), 'rooms'],
    [t('itc.courses'), t('itc.coursesValue', { n: fmt(s.courses), configs: fmt(s.configs), subparts: fmt(s.subparts) }),
      'courses'],
    [t('itc.classes'), t('itc.classesValue', { n: fmt(s.classes), noRoom: fmt(s.classes_without_room),
      parent: fmt(s.classes_with_parent) }), 'classes'],
    [t('itc.options'), t('itc.optionsValue', { times: fmt(s.time_options), maxTimes: fmt(s.max_time_options),
      rooms: fmt(s.room_options), maxRooms: fmt(s.max_room_options) }), 'options'],
    [t('itc.distributions'), t('itc.distributionsValue', { required: fmt(s.distributions_required),
      soft: fmt(s.distributions_soft) }), 'distributions'],
    [t('itc.students'), t('itc.studentsValue', { n: fmt(s.students), requests: fmt(s.requests) }), 'students'],
  ]));
  $('#itc-types-body').replaceChildren(...Object.entries(s.distribution_types).map(([type, [req, soft]]) => {
    const tr = document.createElement('tr');
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = type;
    const a = document.createElement('td');
    a.className = 'num';
    a.textContent = fmt(req);
    const b = document.createElement('td');
    b.className = 'num';
    b.textContent = fmt(soft);
    tr.append(th, a, b);
    return tr;
  }));
  $('#itc-result').hidden = true;
  $('#itc-live').hidden = true;
  setError($('#itc-error'), '');
  setError($('#itc-check-error'), '');
  $('#itc-status').textContent = '';
  if (!$('#itc-term').value) {
    try {
      $('#itc-term').value = await call('itcDefaultTermStart', { year: new Date().getFullYear() });
    } catch (e) {
      setError($('#itc-export-error'), e.message);
    }
  }
  updateButtons();
}

/** Hides the card (a .ctt or campus instance was loaded). */
export function hideItc() {
  delete document.body.dataset.format;
  state.itc = false;
  state.itcResult = false;
  itc.result = null;
  $('#itc-card').hidden = true;
}

// ---- solve ----------------------------------------------------------------------------

function record(p) {
  const run = itc.run;
  run.points.push({ t: p.elapsed_s, hard: p.best.hard, soft: p.best_total, iterations: p.moves,
    islands: p.islands.map(([hard, total]) => [hard, total]) });
  if (run.points.length > 4000) {
    const n = run.points.length;
    run.points = run.points.filter((_, i) => i % 2 === 0 || i >= n - 50);
  }
  run.islands = p.islands.length;
  $('#itc-epoch').textContent = fmt(p.epoch);
  const hard = $('#itc-hard');
  hard.textContent = fmt(p.best.hard);
  hard.classList.toggle('bad', p.best.hard > 0);
  hard.classList.toggle('good', p.best.hard === 0);
  $('#itc-cost').textContent = fmt(p.best_total);
  $('#itc-islands').textContent = fmt(p.islands.length);
  const pts = run.points;
  let i = pts.length - 2;
  const last = pts[pts.length - 1];
  while (i > 0 && last.t - pts[i].t < 1) i--;
  const dt = i >= 0 ? last.t - pts[i].t : 0;
  $('#itc-rate').textContent = dt > 0 ? fmtBig((last.iterations - pts[i].iterations) / dt) : '—';
  const card = $('#itc-card');
  card.dataset.epoch = String(p.epoch);
  card.dataset.points = String(pts.length);
  card.dataset.elapsed = String(p.elapsed_s);
  if (!state.stopping) {
    $('#itc-status').textContent = t(p.phase === 'construct' ? 'itc.built'
      : p.best.hard > 0 ? 'solve.searching' : 'solve.improving');
  }
  const frac = run.limit > 0 ? Math.min(1, p.elapsed_s / run.limit) : 0;
  $('#itc-bar').style.width = `${(frac * 100).toFixed(1)}%`;
  $('#itc-clock').textContent = t('solve.clock', { t: fmtSeconds(p.elapsed_s), limit: fmtSeconds(run.limit) });
  scheduleDraw(VIEW);
  announce(t('itc.announce', { t: fmtSeconds(p.elapsed_s), best: p.best.hard > 0
    ? t('solve.bestHard', { n: fmt(p.best.hard) }) : t('solve.bestCost', { n: fmt(p.best_total) }) }));
}
events.itcProgress = (p) => { if (state.solving) record(p); };

/** The options of the form; throws an Error naming the bad field. */
function solveOptions() {
  const number = (sel, name) => {
    const raw = $(sel).value.trim();
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v)) throw new Error(t('err.number', { name }));
    return v;
  };
  const timeLimit = number('#itc-time', t('solve.timeLimit'));
  if (!(timeLimit > 0) || timeLimit > MAX_TIME_LIMIT_S) {
    throw new Error(t('err.timeLimit', { max: fmt(MAX_TIME_LIMIT_S), got: $('#itc-time').value.trim() }));
  }
  const seed = number('#itc-seed', t('solve.seed'));
  if (!Number.isInteger(seed) || seed < 0) throw new Error(t('err.number', { name: t('solve.seed') }));
  const opts = { time_limit: timeLimit, seed };
  // Tests (and the console) may bound the run by epochs: window.__atollItcOptions.
  return { ...opts, ...(window.__atollItcOptions || {}) };
}

const reasonText = (why) => (['time_limit', 'generations', 'cancelled', 'solved'].includes(why)
  ? t(`itc.reason.${why}`) : why);

async function solve() {
  setError($('#itc-error'), '');
  let options;
  try {
    options = solveOptions();
  } catch (e) {
    setError($('#itc-error'), e.message);
    return;
  }
  state.solving = true;
  state.stopping = false;
  updateButtons();
  itc.run = { points: [], limit: options.time_limit || 0, islands: 0, stopped: false };
  for (const id of ['#itc-epoch', '#itc-hard', '#itc-cost', '#itc-islands', '#itc-rate']) $(id).textContent = '—';
  $('#itc-live').hidden = false;
  $('#itc-card').dataset.state = 'running';
  $('#itc-status').textContent = t('itc.building');
  announce($('#itc-status').textContent, { now: true });
  drawChart(VIEW);
  try {
    const r = await call('itcSolve', { options, stepMs: 200 });
    itc.run.stopped = r.stop_reason === 'cancelled';
    const last = itc.run.points[itc.run.points.length - 1];
    if (!last || r.last.elapsed_s > last.t) record(r.last);
    drawChart(VIEW);
    const s = r.stats;
    $('#itc-status').textContent = t('itc.done', { reason: reasonText(r.stop_reason), t: fmtSeconds(s.elapsed_s),
      epochs: fmt(s.epochs), moves: fmtBig(s.moves), outcome: r.check.feasible
        ? t('solve.feasibleCost', { cost: fmt(r.check.total) }) : t('solve.hardLeft', { n: fmt(r.check.hard_violations) }) });
    $('#itc-card').dataset.stopReason = r.stop_reason;
    if (r.interrupted) setError($('#itc-error'), t('solve.endedEarly', { why: r.interrupted }));
    await showResult(r, 'solve');
    $('#itc-card').dataset.state = 'solved';
    announce($('#itc-status').textContent, { now: true });
  } catch (e) {
    setError($('#itc-error'), e.crash ? crashNotice(e.crash) : e.message);
    $('#itc-card').dataset.state = 'error';
    $('#itc-status').textContent = '';
  } finally {
    state.solving = false;
    state.stopping = false;
    updateButtons();
  }
}

$('#itc-solve').addEventListener('click', solve);
$('#itc-stop').addEventListener('click', async () => {
  if (!state.solving || state.stopping) return;
  state.stopping = true;
  updateButtons();
  $('#itc-status').textContent = t('solve.stopping');
  announce($('#itc-status').textContent);
  await call('stop').catch(() => {});
});

// ---- the result: parts, violations, grid ----------------------------------------------

async function showResult(r, source) {
  itc.result = r;
  itc.selected = null;
  itc.file = r.file;
  state.itcResult = true;
  const c = r.check;
  const verdict = $('#itc-verdict');
  verdict.textContent = c.feasible ? t('itc.feasible', { cost: fmt(c.total) })
    : t('itc.infeasible', { n: fmt(c.hard_violations), count: c.hard_violations, cost: fmt(c.total) });
  verdict.dataset.state = c.feasible ? 'good' : 'bad';
  $('#itc-source').textContent = t(source === 'solve' ? 'itc.sourceSolve' : 'itc.sourceCheck', { file: r.file });
  const body = $('#itc-parts-body');
  body.replaceChildren(...['time', 'room', 'distribution', 'student'].map((k) => {
    const tr = document.createElement('tr');
    tr.dataset.part = k;
    const th = document.createElement('th');
    th.scope = 'row';
    th.textContent = t(`itc.part.${k}`);
    const cells = [c[k], c.weights[k], c.weighted[k]].map((v) => {
      const td = document.createElement('td');
      td.className = 'num';
      td.textContent = fmt(v);
      return td;
    });
    tr.append(th, ...cells);
    return tr;
  }));
  $('#itc-total').textContent = fmt(c.total);
  Object.assign($('#itc-result').dataset, { source, feasible: String(c.feasible), hard: String(c.hard_violations),
    total: String(c.total), time: String(c.time), room: String(c.room), distribution: String(c.distribution),
    student: String(c.student) });
  $('#itc-result').hidden = false;
  renderItems();
  await refreshWeeks({ pickBusiest: true });
  await refreshNames();
  updateButtons();
}

function renderItems() {
  const r = itc.result;
  if (!r) return;
  const filter = $('#itc-filter').value;
  const items = r.items.filter((i) => !filter || (filter === 'hard') === i.hard);
  const hard = r.items.filter((i) => i.hard).length;
  $('#itc-count').textContent = t('itc.count', { hard: fmt(hard), soft: fmt(r.items.length - hard) });
  const list = $('#itc-list');
  list.dataset.hard = String(hard);
  list.dataset.items = String(r.items.length);
  list.replaceChildren(...items.slice(0, MAX_ROWS).map((i) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `viol ${i.hard ? 'hard' : 'soft'}`;
    b.dataset.kind = i.kind;
    b.dataset.classes = i.classes.join(' ');
    const mark = document.createElement('span');
    mark.className = 'viol-mark';
    mark.setAttribute('aria-hidden', 'true');
    mark.textContent = i.hard ? '✖' : '⚠';
    const words = document.createElement('span');
    words.className = 'visually-hidden';
    words.textContent = `${t(i.hard ? 'grid.hardViolation' : 'grid.softViolation')}: `;
    b.append(mark, words, document.createTextNode(i.text));
    b.addEventListener('click', () => select(i, b));
    li.append(b);
    return li;
  }));
  const more = $('#itc-more');
  more.hidden = items.length <= MAX_ROWS;
  more.textContent = t('itc.more', { n: fmt(items.length - MAX_ROWS) });
}
$('#itc-filter').addEventListener('change', renderItems);

/**
 * Marks a violation's classes in the grid (the `.ctt` grid's "selected"); when none of them
 * is in the grid shown, shows the course of its first class in the first week that class
 * meets (the library's `course` and `week` of the item).
 */
async function select(item, button) {
  for (const b of document.querySelectorAll('#itc-list button.viol')) b.setAttribute('aria-pressed', String(b === button));
  itc.selected = new Set(item.classes);
  const shown = [...document.querySelectorAll('#itc-grid .itc-lec')].some((b) => itc.selected.has(b.dataset.class));
  if (!shown && item.course !== null && item.course !== undefined) {
    if ($('#itc-kind').value !== 'course') {
      $('#itc-kind').value = 'course';
      await refreshNames({ render: false });
    }
    $('#itc-name').value = String(item.course);
    if (item.week) $('#itc-week').value = String(item.week);
    await renderGrid();
    return;
  }
  markSelected();
}

function markSelected() {
  const sel = itc.selected || new Set();
  let n = 0;
  for (const box of document.querySelectorAll('#itc-grid .itc-lec')) {
    const on = sel.has(box.dataset.class);
    box.classList.toggle('selected', on);
    if (on) n++;
  }
  $('#itc-grid').dataset.selected = String(n);
  if (sel.size) {
    $('#itc-grid-note').textContent = n ? t('itc.selectedShown', { n }) : t('itc.selectedElsewhere');
  }
}

/** The week selector from the term's first Monday; `pickBusiest` picks the busiest week. */
async function refreshWeeks({ pickBusiest = false } = {}) {
  setError($('#itc-export-error'), '');
  let weeks;
  try {
    weeks = await call('itcWeeks', { termStart: $('#itc-term').value });
  } catch (e) {
    setError($('#itc-export-error'), e.message);
    return;
  }
  const sel = $('#itc-week');
  const keep = Number(sel.value) || 0;
  sel.replaceChildren(...weeks.map((w) => new Option(t('itc.weekOption', { week: w.week,
    date: new Date(`${w.monday}T00:00:00Z`).toLocaleDateString(localeOf(), { timeZone: 'UTC', day: 'numeric',
      month: 'short', year: 'numeric' }), n: fmt(w.meetings), count: w.meetings }), String(w.week))));
  let pick = keep;
  if (pickBusiest || !keep) {
    pick = weeks.reduce((best, w) => (w.meetings > best.meetings ? w : best), weeks[0]).week;
  }
  sel.value = String(pick);
}

async function refreshNames({ render = true } = {}) {
  const kind = $('#itc-kind').value;
  $('#itc-name-label').textContent = t(`itc.kind.${kind}`);
  const names = await call('itcNames', { kind });
  const sel = $('#itc-name');
  sel.replaceChildren(...names.map((n, i) => new Option(n, String(i))));
  // The first with a class this week is a better start than an empty grid: rooms and
  // courses come in file order; groups are never empty.
  sel.value = '0';
  if (render) await renderGrid();
}

async function renderGrid() {
  const kind = $('#itc-kind').value;
  const index = Number($('#itc-name').value);
  const week = Number($('#itc-week').value);
  const wrap = $('#itc-grid');
  if (!Number.isInteger(index) || index < 0 || !week) {
    wrap.replaceChildren();
    $('#itc-grid-note').textContent = t('itc.nothing');
    return;
  }
  try {
    const g = await call('itcGrid', { kind, index, week });
    const monday = $('#itc-week').selectedOptions[0] ? $('#itc-week').selectedOptions[0].textContent : '';
    wrap.replaceChildren(renderWeekGrid(g, { dayNames: dayNames(g.nr_days),
      caption: t('itc.gridCaption', { kind: t(`itc.kind.${kind}`), name: g.name, week: monday }) }));
    wrap.dataset.kind = kind;
    wrap.dataset.week = String(week);
    const notes = [];
    if (!g.cells.length) notes.push(t('itc.emptyWeek'));
    if (g.other_weeks) notes.push(t('itc.otherWeeks', { n: fmt(g.other_weeks), count: g.other_weeks }));
    if (g.unplaced.length) notes.push(t('itc.unplaced', { list: g.unplaced.join(', ') }));
    $('#itc-grid-note').textContent = notes.join(' ');
    markSelected();
  } catch (e) {
    wrap.replaceChildren();
    $('#itc-grid-note').textContent = e.message;
  }
}

$('#itc-kind').addEventListener('change', () => refreshNames());
$('#itc-name').addEventListener('change', () => renderGrid());
$('#itc-week').addEventListener('change', () => renderGrid());
$('#itc-term').addEventListener('change', async () => {
  if (!itc.result) return;
  await refreshWeeks();
  await renderGrid();
});

// ---- check a solution file ---------------------------------------------------------------

$('#itc-solution-file').addEventListener('change', async (e) => {
  const f = e.target.files[0];
  e.target.value = '';
  if (!f) return;
  setError($('#itc-check-error'), '');
  try {
    const bytes = await f.arrayBuffer();
    const r = await call('itcCheck', { bytes, file: f.name }, [bytes]);
    await showResult(r, 'check');
    $('#itc-card').dataset.state = 'checked';
    announce(t('itc.checked', { file: f.name, verdict: $('#itc-verdict').textContent }), { now: true });
  } catch (err) {
    setError($('#itc-check-error'), err.crash ? crashNotice(err.crash) : err.message);
  }
});

// ---- exports ------------------------------------------------------------------------------

/** The entity of the exports: everything, or the grid shown. */
function exportWhat() {
  if ($('#itc-export-of').value !== 'shown') return { kind: '', index: 0, suffix: '' };
  const kind = $('#itc-kind').value;
  const index = Number($('#itc-name').value) || 0;
  const name = $('#itc-name').selectedOptions[0] ? $('#itc-name').selectedOptions[0].textContent : String(index);
  const safe = name.split(' ')[0].replace(/[^\w.-]+/g, '_');
  return { kind, index, suffix: `-${kind}-${safe}` };
}

async function exporting(fn) {
  setError($('#itc-export-error'), '');
  try {
    await fn();
  } catch (e) {
    setError($('#itc-export-error'), e.message);
  }
}

$('#itc-export-xml').addEventListener('click', () => exporting(async () => {
  const { file, text } = await call('itcSolutionXml');
  download(text, file, 'application/xml');
}));
$('#itc-export-csv').addEventListener('click', () => exporting(async () => {
  const w = exportWhat();
  const text = await call('itcExportCsv', { kind: w.kind, index: w.index, termStart: $('#itc-term').value });
  download(text, `${stem(itc.file)}${w.suffix}.csv`, 'text/csv');
}));
$('#itc-export-ics').addEventListener('click', () => exporting(async () => {
  const w = exportWhat();
  const text = await call('itcExportIcs', { kind: w.kind, index: w.index, termStart: $('#itc-term').value });
  download(text, `${stem(itc.file)}${w.suffix}.ics`, 'text/calendar');
}));

window.addEventListener('resize', () => { if (!$('#itc-live').hidden) scheduleDraw(VIEW); });
