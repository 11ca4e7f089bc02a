// The results card: the timetable shown (a solve's result, a checked file, a re-solve or a
// repair) as grids per curriculum, teacher or room, its score and best known value, and
// the violation list beside the grid (choosing one outlines its cells).
import { RULES, kindName, ruleName, namesOf, lecturesOf, placeOf, markLectures, renderGrid, teachersOf,
  movedLectures } from '../grid.js';
import { t } from '../i18n.js';
import { $, state } from './state.js';
import { call } from './rpc.js';
import { fmt, MAX_ROWS, setError, updateButtons } from './ui.js';
import { fillEditControls, renderEdits } from './resolve.js';
import { fillExportNames } from './export.js';

// Fetched by start() (not while coi.js reloads the page: the request would be cut off);
// once here, what is shown gets its best known value.
export function loadBestKnown() {
  fetch(new URL('../best-known.json', import.meta.url))
    .then((r) => (r.ok ? r.json() : null)).then((j) => { state.bestKnown = j && j.instances; })
    .catch(() => {})
    .then(() => {
      for (const root of [$('#solve-report'), $('#check')]) if (root.report) renderBestKnown(root, root.report);
      if (state.current && state.current.tt) showTimetable(state.current);
    });
}

/** The best-known entry of an instance name: own entries only ("constructor" is none). */
function bestKnownFor(name) {
  const b = state.bestKnown;
  return b && typeof name === 'string' && Object.hasOwn(b, name) ? b[name] : null;
}

export function renderBestKnown(root, r) {
  const p = root.querySelector('.best-known');
  const name = state.loaded && state.loaded.name;
  const known = bestKnownFor(name);
  p.hidden = !known;
  if (!known) return;
  const gap = r.feasible ? r.soft_cost - known.best_known : null;
  p.textContent = t('bestKnown.line', { id: known.id, name, best: fmt(known.best_known), optimal: known.optimal, gap,
    gapText: gap === null ? '' : fmt(Math.abs(gap)) });
  p.dataset.bestKnown = String(known.best_known);
}

export async function setCurrent(c) {
  state.selectedViolation = null;
  state.current = c;
  c.tt = null;
  try {
    c.tt = await call('timetable', { solution: c.solution, file: c.file });
  } catch (e) {
    showTimetable(null);
    setError($('#export-error'), t('results.cannotShow', { why: e.message }));
    return;
  }
  if (state.current !== c) return;
  c.marks = markLectures(c.tt, c.check.violations);
  // Lectures a repair (or a re-solve) moved away from the timetable it started from.
  const moves = c.moves;
  c.movedMarks = moves && moves.lectures ? movedLectures(c.tt, moves) : null;
  $('#legend-moved').hidden = !(c.movedMarks && c.movedMarks.some((x) => x !== undefined));
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

export function showTimetable(c) {
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
  const from = { file: c.file, name: tt.name };
  $('#results-source').textContent = c.source === 'solve' ? t('results.fromSolve', from)
    : c.source === 'resolve' ? t('results.fromResolve', from)
      : c.source === 'repair' ? t('results.fromRepair', { ...from, moved: fmt(c.moves.moved), movedN: c.moves.moved })
        : t('results.fromCheck', from);
  // The list of moved lectures belongs to the repaired timetable only.
  $('#repair-result').hidden = c.source !== 'repair';
  const score = $('#results-score');
  score.replaceChildren();
  const badge = document.createElement('span');
  badge.className = `badge ${r.feasible ? 'good' : 'bad'}`;
  badge.textContent = r.feasible ? t('results.feasible', { cost: fmt(r.soft_cost) })
    : t('results.infeasible', { hard: fmt(r.hard_violations), cost: fmt(r.soft_cost) });
  const parts = document.createElement('span');
  parts.className = 'muted';
  // Every soft component the build reports (the campus ones too), in its order.
  parts.textContent = `${Object.entries(r.soft).filter(([k, v]) => v || ['room_capacity', 'min_working_days',
    'curriculum_compactness', 'room_stability'].includes(k))
    .map(([k, v]) => `${ruleName(k).toLowerCase()} ${fmt(v)}`).join(' · ')}`
    + t('results.scheduled', { n: fmt(tt.lectures.length) })
    + (tt.unscheduled ? t('results.missing', { n: fmt(tt.unscheduled) }) : '');
  score.append(badge, parts);
  const known = bestKnownFor(tt.name);
  if (known) {
    const bk = document.createElement('span');
    bk.className = 'best-known-inline';
    bk.textContent = t('results.bestKnownInline', { n: fmt(known.best_known) });
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

export function fillNames(kind, chosen) {
  const c = state.current;
  $('#grid-name-label').textContent = kindName(kind);
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

export function drawGrid() {
  const c = state.current;
  if (!c || !c.tt) return;
  const kind = $('#grid-kind').value;
  const name = $('#grid-name').value;
  // The grid's one tab stop stays on the cell it was on (and keeps the focus if it had it).
  const wrap = $('#grid');
  const stop = wrap.querySelector('td[tabindex="0"]');
  const hadFocus = !!stop && stop === document.activeElement;
  const focus = stop ? { day: Number(stop.dataset.day), period: Number(stop.dataset.period) } : null;
  const grid = renderGrid(c.tt, kind, name, { marks: c.marks, selected: state.selectedViolation,
    periodLabels: periodLabels(c.tt), pending: c.pending, moved: c.movedMarks, focus });
  wrap.replaceChildren(grid);
  if (hadFocus) grid.querySelector('td[tabindex="0"]').focus();
  const v = state.selectedViolation;
  $('#grid-note').textContent = v
    ? t('results.selected', { message: v.message, rule: ruleName(v.rule), cost: fmt(v.cost) }) : '';
  $('#grid').dataset.selected = v ? String(grid.querySelectorAll('.lec.selected').length) : '';
}

// The violation list beside the grid: the same violations as the report, to choose one
// without leaving the grid.
function fillSideFilter(r) {
  const counts = {};
  for (const v of r.violations) counts[v.rule] = (counts[v.rule] || 0) + 1;
  const f = $('#side-filter');
  const keep = f.value;
  f.replaceChildren(new Option(t('results.allRules', { n: fmt(r.violations.length) }), ''),
    ...Object.keys(RULES).filter((k) => counts[k])
      .map((k) => new Option(t('results.ruleCount', { rule: ruleName(k), n: fmt(counts[k]) }), k)));
  f.value = counts[keep] ? keep : '';
  renderSideList();
}

function renderSideList() {
  const c = state.current;
  if (!c) return;
  const rule = $('#side-filter').value;
  const list = rule ? c.check.violations.filter((v) => v.rule === rule) : c.check.violations;
  const items = list.slice(0, MAX_ROWS).map((v) => {
    const li = document.createElement('li');
    const b = document.createElement('button');
    b.type = 'button';
    b.className = `viol ${v.hard ? 'hard' : 'soft'}${state.selectedViolation === v ? ' chosen' : ''}`;
    b.violation = v;
    const head = document.createElement('span');
    head.className = 'viol-rule';
    head.textContent = `${ruleName(v.rule)}${v.hard ? t('rule.hardSuffix') : ''} · ${fmt(v.cost)}`;
    const msg = document.createElement('span');
    msg.className = 'viol-msg';
    msg.textContent = v.message;
    b.append(head, msg);
    li.append(b);
    return li;
  });
  $('#side-list').replaceChildren(...items);
  $('#side-count').textContent = list.length ? `(${fmt(list.length)})` : t('results.none');
  $('#side-more').hidden = list.length <= MAX_ROWS;
  $('#side-more').textContent = t('results.showingFirst', { max: MAX_ROWS, n: fmt(list.length) });
}

$('#side-filter').addEventListener('change', renderSideList);
$('#side-list').addEventListener('click', (e) => {
  const b = e.target.closest('button.viol');
  if (b && b.violation) selectViolation(null, b.violation, { scroll: false });
});

export function selectViolation(root, v, { scroll = true } = {}) {
  if (root && root.current && root.current !== state.current) {
    state.current = root.current;
    showTimetable(state.current);
  }
  const current = state.current;
  if (!current || !current.tt) return;
  state.selectedViolation = v;
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
  if (scroll) {
    const still = window.matchMedia('(prefers-reduced-motion: reduce)').matches;
    $('#results-card').scrollIntoView({ behavior: still ? 'auto' : 'smooth', block: 'start' });
  }
}

$('#grid-kind').addEventListener('change', () => {
  if (!state.current || !state.current.tt) return;
  fillNames($('#grid-kind').value, undefined);
  drawGrid();
});
$('#grid-name').addEventListener('change', drawGrid);
$('#ics-times').addEventListener('change', drawGrid);
$('#grid-print').addEventListener('click', () => window.print());
