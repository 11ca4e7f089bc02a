// Repair (results card; worker op 'repair', Session.repairStart): Stage 3 alone on the
// shown timetable — a checked file, a solve's result, or one whose instance was just edited
// — until it is feasible, moving as few lectures as it can away from it (hard, then moves,
// then soft: docs/REPAIR.md). Pins and edits apply, as for a re-solve. Live: conflicts left
// and lectures moved. The result becomes the shown timetable (exports included), its moved
// lectures outlined in the grid and listed under the button.
import { namesOf, placeText, inView } from '../grid.js';
import { $, state } from './state.js';
import { call, crashNotice, events } from './rpc.js';
import { fmt, fmtSeconds, MAX_ROWS, MAX_TIME_LIMIT_S, setError, updateButtons } from './ui.js';
import { solveOptions, showQtable } from './solve.js';
import { announce } from './announce.js';
import { t } from '../i18n.js';
import { drawGrid, fillNames, setCurrent } from './results.js';
import { afterResolve, editsPayload } from './resolve.js';

/** Why a repair ended ('done', 'time_limit', 'cancelled') in words. */
const reasonText = (why) => (['done', 'time_limit', 'cancelled'].includes(why) ? t(`reason.${why}`) : why);

function repairSettings() {
  const raw = $('#repair-max-moves').value.trim();
  let maxMoves = null;
  if (raw !== '') {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) {
      throw new Error(t('err.maxMoves', { got: raw }));
    }
    maxMoves = n;
  }
  const t = Number($('#repair-time').value.trim());
  if (!Number.isFinite(t) || t <= 0 || t > MAX_TIME_LIMIT_S) {
    throw new Error(t('err.repairTime', { max: fmt(MAX_TIME_LIMIT_S), got: $('#repair-time').value.trim() }));
  }
  // The solve card's seed and extra options apply; its stage switches do not.
  const options = solveOptions();
  delete options.stage3;
  delete options.evaluator;
  options.time_limit = t;
  return { maxMoves, options };
}

function movesText(p) {
  return t('repair.movesText', { moved: fmt(p.moved), movedN: p.moved, roomOnly: fmt(p.room_only), period: fmt(p.period) });
}

function onRepairProgress(p) {
  const c = p.conflicts_left;
  $('#repair-status').textContent = t('repair.progress', { t: fmtSeconds(p.elapsed_s),
    conflicts: c ? t('repair.conflicts', { total: fmt(c.total), totalN: c.total, hard: fmt(c.hard) }) : t('repair.finding'),
    moves: movesText(p), best: p.hard ? t('repair.hardViolations', { n: fmt(p.hard) }) : t('repair.feasible'),
    cost: fmt(p.soft) });
  announce($('#repair-status').textContent);
  Object.assign($('#repair').dataset, {
    elapsed: String(p.elapsed_s), hard: String(p.hard), moved: String(p.moved), rounds: String(p.rounds),
    conflictsLeft: c ? String(c.total) : '', updates: String(Number($('#repair').dataset.updates || 0) + 1),
  });
}
events.repairProgress = onRepairProgress;

async function showRepairResult(r) {
  const m = r.moves;
  const ck = r.check;
  $('#repair-summary').textContent = t('repair.summary', { reason: reasonText(r.stop_reason),
    t: fmtSeconds(r.stats.elapsed_s),
    outcome: ck.feasible ? t('repair.feasible') : t('solve.hardLeft', { n: fmt(ck.hard_violations) }),
    cost: fmt(ck.soft_cost), moved: fmt(m.moved), of: fmt(m.of), roomOnly: fmt(m.room_only), period: fmt(m.period) });
  announce($('#repair-summary').textContent, { now: true });
  Object.assign($('#repair').dataset, { state: 'done', stopReason: r.stop_reason, moved: String(m.moved),
    hard: String(ck.hard_violations), roomOnly: String(m.room_only), period: String(m.period) });
  await setCurrent({ solution: r.solution, file: r.file, check: ck, source: 'repair', stats: r.stats,
    stopReason: r.stop_reason, moves: m });
  const c = state.current;
  if (!c || !c.tt) return;
  const items = m.lectures.slice(0, MAX_ROWS).map((x) => {
    const li = document.createElement('li');
    li.dataset.course = x.course;
    li.dataset.kind = x.kind;
    li.append(`${x.course}: ${placeText(c.tt, x.from)} → ${placeText(c.tt, x.to)} `);
    const k = document.createElement('span');
    k.className = 'kind';
    k.textContent = t(x.kind === 'room_only' ? 'repair.roomOnly' : 'repair.anotherPeriod');
    li.append(k);
    return li;
  });
  $('#repair-moves').replaceChildren(...items);
  $('#repair-moves-more').hidden = m.lectures.length <= MAX_ROWS;
  $('#repair-moves-more').textContent = t('results.showingFirst', { max: MAX_ROWS, n: fmt(m.lectures.length) });
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
  const c = state.current;
  if (!c || !c.tt || state.solving) return;
  setError($('#repair-error'), '');
  let settings;
  try {
    settings = repairSettings();
  } catch (e) {
    setError($('#repair-error'), e.message);
    return;
  }
  const edited = state.edits.length > 0 || (c.pending && c.pending.size > 0);
  state.solving = true;
  state.repairing = true;
  state.stopping = false;
  updateButtons();
  const box = $('#repair');
  Object.assign(box.dataset, { state: 'running', updates: '0', conflictsLeft: '', moved: '0' });
  $('#repair-status').textContent = t('repair.running');
  announce($('#repair-status').textContent, { now: true });
  try {
    const r = await call('repair', { options: settings.options, stepMs: 250, solution: c.solution, file: c.file,
      maxMoves: settings.maxMoves, edits: edited ? editsPayload(c) : undefined });
    if (edited) await afterResolve(r);
    onRepairProgress(r.last);
    await showRepairResult(r);
    showQtable(r.qtable);
    if (r.interrupted) setError($('#repair-error'), t('repair.endedEarly', { why: r.interrupted }));
  } catch (e) {
    if (e.crash) {
      setError($('#repair-error'), crashNotice(e.crash));
      box.dataset.state = 'crashed';
      if (state.recovering) await state.recovering.catch(() => {});
    } else {
      setError($('#repair-error'), e.message);
      box.dataset.state = 'error';
    }
    $('#repair-status').textContent = '';
  } finally {
    state.solving = false;
    state.repairing = false;
    state.stopping = false;
    updateButtons();
  }
}

$('#repair-run').addEventListener('click', () => { runRepair(); });
$('#repair-stop').addEventListener('click', async () => {
  if (!state.repairing || state.stopping) return;
  state.stopping = true;
  updateButtons();
  $('#repair-status').textContent += t('repair.stopping');
  if (!state.client || state.recovering) return;
  await call('stop').catch(() => {});
});
