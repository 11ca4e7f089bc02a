// Pin, edit and re-solve (results card): clicking a lecture in the grid toggles its pin
// (c.pending: lecture row index → pinned?), shown at once and applied by the next re-solve.
// Edits (a teacher unavailable, a room closed at a period) are listed until then.
// Re-solve sends the pins and edits with the shown timetable; the worker builds the edited
// instance with that timetable as its reference, so lectures move only where it pays.
import { $, state } from './state.js';
import { call } from './rpc.js';
import { fmt, setError, stem } from './ui.js';
import { dayName, periodName } from '../grid.js';
import { t } from '../i18n.js';
import { drawGrid } from './results.js';
import { renderSummary } from './instance.js';
import { runSolve } from './solve.js';

/** Toggles the pin of the lecture of `box` (a `.lec` or `.lec-cont` of the grid). */
function togglePin(box) {
  const c = state.current;
  if (!box || !c || !c.tt || state.solving) return;
  const i = Number(box.dataset.index);
  const l = c.tt.lectures[i];
  if (!l) return;
  const now = c.pending.has(i) ? c.pending.get(i) : !!l.pinned;
  if (!now === !!l.pinned) c.pending.delete(i);
  else c.pending.set(i, !now);
  drawGrid();
  renderEdits();
}
$('#grid').addEventListener('click', (e) => togglePin(e.target.closest('.lec, .lec-cont')));
// By keyboard: Enter or Space on a cell toggles the pin of its (first) lecture.
$('#grid').addEventListener('keydown', (e) => {
  if (e.key !== 'Enter' && e.key !== ' ') return;
  const td = e.target.closest('td');
  const box = td && td.querySelector('.lec, .lec-cont');
  if (!box) return;
  e.preventDefault();
  togglePin(box);
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

export function fillEditControls(tt) {
  const what = $('#edit-what').value;
  const names = what === 'room_closed' ? tt.rooms.map((r) => r.name) : tt.teachers;
  const sel = $('#edit-name');
  const keep = sel.value;
  sel.replaceChildren(...names.map((n) => new Option(n, n)));
  if (names.includes(keep)) sel.value = keep;
  const days = Array.from({ length: tt.days }, (_, d) => new Option(dayName(tt, d), String(d)));
  const periods = Array.from({ length: tt.periods_per_day }, (_, p) => new Option(periodName(tt, p), String(p)));
  const dk = $('#edit-day').value;
  const pk = $('#edit-period').value;
  $('#edit-day').replaceChildren(...days);
  $('#edit-period').replaceChildren(...periods);
  if (dk && Number(dk) < tt.days) $('#edit-day').value = dk;
  if (pk && Number(pk) < tt.periods_per_day) $('#edit-period').value = pk;
}
$('#edit-what').addEventListener('change', () => { if (state.current && state.current.tt) fillEditControls(state.current.tt); });

$('#edit-add').addEventListener('click', () => {
  const c = state.current;
  const edits = state.edits;
  if (!c || !c.tt) return;
  const e = { what: $('#edit-what').value, name: $('#edit-name').value,
    day: Number($('#edit-day').value), period: Number($('#edit-period').value) };
  if (!e.name) return;
  if (!edits.some((x) => x.what === e.what && x.name === e.name && x.day === e.day && x.period === e.period)) edits.push(e);
  renderEdits();
});

export function renderEdits() {
  const c = state.current;
  const edits = state.edits;
  const tt = c && c.tt;
  const when = (e) => (tt ? `${dayName(tt, e.day)} ${periodName(tt, e.period)}` : t('when.dayPeriod', e));
  const items = edits.map((e, k) => {
    const li = document.createElement('li');
    li.dataset.what = e.what;
    li.textContent = t(e.what === 'room_closed' ? 'edit.roomClosed' : 'edit.teacherUnavailable', { name: e.name, when: when(e) });
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'secondary small';
    b.textContent = t('edit.remove');
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
  summary.textContent = t('pins.summary', { pinned: fmt(pinned), pinnedN: pinned, changed: fmt(changed), changedN: changed,
    edits: fmt(edits.length), editsN: edits.length });
  summary.dataset.pinned = String(pinned);
  summary.dataset.changed = String(changed);
}

/** The pins and edits of the next re-solve or repair, as Session.resolveStart reads them. */
export function editsPayload(c) {
  const edits = state.edits;
  return {
    pins: pinList(c),
    teacher_unavailable: edits.filter((e) => e.what === 'teacher_unavailable')
      .map(({ name, day, period }) => ({ name, day, period })),
    room_closed: edits.filter((e) => e.what === 'room_closed').map(({ name, day, period }) => ({ name, day, period })),
  };
}

$('#resolve-run').addEventListener('click', () => {
  const c = state.current;
  if (!c || !c.tt || state.solving) return;
  runSolve('resolve', { solution: c.solution, file: c.file, edits: editsPayload(c) });
});

// After a re-solve the worker's instance is the edited one: the edits are part of it now,
// and the summary says so.
export async function afterResolve() {
  state.edits = [];
  renderEdits();
  try {
    renderSummary(await call('summary'), { reset: false });
    // Keep the edited instance: a new worker (another thread count) loads it, not the file.
    const json = await call('instanceJson');
    const bytes = new TextEncoder().encode(json).buffer;
    const l = state.loaded;
    state.loaded = { bytes, file: `${stem(l ? l.file : 'campus').replace(/-edited$/, '')}-edited.json`, name: l && l.name };
  } catch (e) {
    setError($('#solve-error'), t('resolve.keepFailed', { why: e.message }));
  }
}
