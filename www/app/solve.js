// Card 2, solve: the settings, the live view (facts, time budget, chart) and the result.
// The worker runs the solver in steps of ~150 ms and posts a progress event after each;
// the page keeps them as points for the chart. Stop asks the worker to end the run, which
// then answers the 'solve' call with the best timetable so far. A re-solve (resolve.js)
// runs through the same code.
import { $, state } from './state.js';
import { call, crashNotice, events } from './rpc.js';
import { fmt, fmtBig, fmtSeconds, MAX_TIME_LIMIT_S, setError, updateButtons } from './ui.js';
import { drawChart, scheduleDraw } from './chart.js';
import { announce } from './announce.js';
import { t } from '../i18n.js';
import { renderReport } from './check.js';
import { setCurrent } from './results.js';
import { restartWith } from './environment.js';
import { afterResolve } from './resolve.js';

// The object URL of the result's "Download .sol" (revoked when the next result replaces it).
let downloadUrl = null;

/** A solver stage ('construct', 'evolve', 'repair') in words. */
const stageText = (stage) => (['construct', 'evolve', 'repair'].includes(stage) ? t(`stage.${stage}`) : stage);
/** Why a run ended ('time_limit', 'generations', 'cancelled') in words. */
const reasonText = (why) => (['time_limit', 'generations', 'cancelled'].includes(why) ? t(`reason.${why}`) : why);

export function solveOptions() {
  let extra = {};
  const json = $('#solve-json').value.trim();
  if (json) {
    try {
      extra = JSON.parse(json);
    } catch (e) {
      throw new Error(t('err.jsonInvalid', { why: e.message }));
    }
    if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) {
      throw new Error(t('err.jsonObject'));
    }
  }
  const number = (sel, name) => {
    const raw = $(sel).value.trim();
    const v = Number(raw);
    if (raw === '' || !Number.isFinite(v)) throw new Error(t('err.number', { name }));
    return v;
  };
  const timeLimit = number('#solve-time', t('solve.timeLimit'));
  if (!(timeLimit > 0) || timeLimit > MAX_TIME_LIMIT_S) {
    throw new Error(t('err.timeLimit', { max: fmt(MAX_TIME_LIMIT_S), got: $('#solve-time').value.trim() }));
  }
  const opts = {
    ...extra,
    time_limit: timeLimit,
    seed: number('#solve-seed', t('solve.seed')),
    islands: number('#solve-islands', t('solve.islands')),
    evaluator: $('#solve-evaluator').value,
    stage3: $('#solve-stage3').checked,
  };
  return opts;
}

function onProgress(p) {
  if (state.solving) record(p);
}
events.progress = onProgress;

function record(p) {
  const run = state.run;
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
  $('#solve-stage').textContent = stageText(p.stage);
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
  if (!state.stopping) {
    $('#solve-status').textContent = t(p.stage === 'construct' ? 'solve.built'
      : p.best.hard > 0 ? 'solve.searching' : 'solve.improving');
  }
  updateClock(p.elapsed_s);
  scheduleDraw();
  // Spoken at most every few seconds (announce.js), not at every step.
  announce(t('solve.announce', { t: fmtSeconds(p.elapsed_s), stage: stageText(p.stage),
    best: p.best.hard > 0 ? t('solve.bestHard', { n: fmt(p.best.hard) }) : t('solve.bestCost', { n: fmt(p.best.soft) }) }));
}

// Local-search moves per second over the last second or so of progress.
function movesPerSecond() {
  const pts = state.run.points;
  if (pts.length < 2) return '—';
  const last = pts[pts.length - 1];
  let i = pts.length - 2;
  while (i > 0 && last.t - pts[i].t < 1) i--;
  const dt = last.t - pts[i].t;
  return dt > 0 ? fmtBig((last.iterations - pts[i].iterations) / dt) : '—';
}

function updateClock(elapsed) {
  const run = state.run;
  const frac = run.limit > 0 ? Math.min(1, elapsed / run.limit) : 0;
  $('#solve-bar').style.width = `${(frac * 100).toFixed(1)}%`;
  $('#solve-clock').textContent = t('solve.clock', { t: fmtSeconds(elapsed), limit: fmtSeconds(run.limit) });
}



function showResult(r) {
  const s = r.stats;
  const feasible = s.time_to_feasible_s === null || s.time_to_feasible_s === undefined
    ? t('solve.neverFeasible')
    : t('solve.firstFeasible', { t: fmtSeconds(s.time_to_feasible_s) });
  $('#solve-summary').textContent = t('solve.summary', { reason: reasonText(r.stop_reason), t: fmtSeconds(s.elapsed_s),
    generations: fmt(s.generations), moves: fmtBig(s.ls_iterations), islands: s.islands, islandsN: s.islands,
    threads: s.threads, threadsN: s.threads, feasible })
    + (r.moves ? t('solve.movedOf', { moved: fmt(r.moves.moved), of: fmt(r.moves.of) }) : '');
  const moved = $('#solve-moved');
  moved.hidden = !r.moves;
  if (r.moves) {
    moved.textContent = t('solve.resolveMoved', { moved: fmt(r.moves.moved), of: fmt(r.moves.of) });
    moved.dataset.moved = String(r.moves.moved);
    moved.dataset.of = String(r.moves.of);
  }
  if (downloadUrl) URL.revokeObjectURL(downloadUrl);
  downloadUrl = URL.createObjectURL(new Blob([r.solution], { type: 'text/plain' }));
  const a = $('#solve-download');
  a.href = downloadUrl;
  a.download = r.file;
  a.title = t('solve.downloadTitle', { file: r.file });
  renderReport($('#solve-report'), r.check);
  setCurrent({ solution: r.solution, file: r.file, check: r.check, source: r.moves ? 'resolve' : 'solve',
    stats: r.stats, stopReason: r.stop_reason, moves: r.moves || null });
  const result = $('#solve-result');
  result.dataset.stopReason = r.stop_reason;
  result.dataset.softCost = String(r.check.soft_cost);
  result.dataset.feasible = String(r.check.feasible);
  result.dataset.iterations = String(s.ls_iterations);
  result.dataset.elapsed = String(s.elapsed_s);
  result.hidden = false;
  $('#solve-status').textContent = t('solve.done', { reason: reasonText(r.stop_reason), outcome: r.check.feasible
    ? t('solve.feasibleCost', { cost: fmt(r.check.soft_cost) }) : t('solve.hardLeft', { n: fmt(r.check.hard_violations) }) });
  $('#solve-stage').textContent = t(r.stop_reason === 'cancelled' ? 'solve.stopped' : 'solve.finished');
  $('#solve-card').dataset.state = 'done';
  announce($('#solve-status').textContent, { now: true });
}

$('#solve-run').addEventListener('click', () => runSolve('solve', {}));

// A solve ('solve') or a re-solve from the shown timetable ('resolve', with `extra` =
// { solution, file, edits }): the same live view, the same result.
export async function runSolve(op, extra) {
  setError($('#solve-error'), '');
  let options;
  let threads;
  try {
    options = solveOptions();
    threads = Number($('#solve-threads-input').value);
    if (!Number.isInteger(threads) || threads < 1 || threads > 64) throw new Error(t('err.threads'));
  } catch (e) {
    setError($('#solve-error'), e.message);
    return;
  }
  // Solving from here: Stop is live even while a new pool starts or the solve waits in
  // the worker's queue (the worker honours a stop for a queued solve).
  state.solving = true;
  state.stopping = false;
  updateButtons();
  if (threads !== state.poolThreads && document.body.dataset.mode === 'threaded') {
    try {
      await restartWith(threads);
    } catch (e) {
      setError($('#solve-error'), t('solve.cannotStart', { n: threads, why: e.message }));
      state.solving = false;
      state.stopping = false;
      updateButtons();
      return;
    }
  }
  const hadResult = !$('#solve-result').hidden;
  state.run = { points: [], limit: options.time_limit, islands: 0, stopped: false };
  for (const id of ['#solve-stage', '#solve-generation', '#solve-hard', '#solve-soft', '#solve-islands-count',
    '#solve-rate']) $(id).textContent = '—';
  $('#solve-hard').classList.remove('bad', 'good');
  $('#solve-conflicts').textContent = '—';
  $('#solve-evaluator-used').textContent = state.envInfo.evaluatorText || '—';
  $('#solve-evaluator-used').title = state.envInfo.evaluatorText || '';
  $('#solve-result').hidden = true;
  $('#solve-live').hidden = false;
  Object.assign($('#solve-card').dataset, { state: 'running', generation: '0', elapsed: '0', points: '0' });
  $('#solve-status').textContent = t(op === 'resolve' ? 'solve.resolving' : 'solve.building');
  announce($('#solve-status').textContent, { now: true });
  updateClock(0);
  $('#solve-chart').dataset.draws = '0';
  drawChart();
  try {
    const solved = call(op, { options, stepMs: 150, ...extra });
    if (state.stopping) call('stop').catch(() => {}); // pressed while the pool was starting
    const r = await solved;
    if (op === 'resolve') afterResolve(r);
    // The last progress event of the run, so the chart ends where the result does.
    onProgressFinal(r.last, r.stop_reason);
    showResult(r);
    showQtable(r.qtable);
    if (r.interrupted) setError($('#solve-error'), t('solve.endedEarly', { why: r.interrupted }));
  } catch (e) {
    if (e.crash) {
      // The worker is being replaced; what was shown before this run stays.
      setError($('#solve-error'), crashNotice(e.crash));
      $('#solve-card').dataset.state = 'crashed';
      if (hadResult) $('#solve-result').hidden = false;
      if (state.recovering) await state.recovering.catch(() => {});
    } else {
      setError($('#solve-error'), e.message);
      $('#solve-card').dataset.state = 'error';
    }
    $('#solve-status').textContent = '';
    if (!state.run.points.length) $('#solve-live').hidden = true;
  } finally {
    state.solving = false;
    state.stopping = false;
    updateButtons();
  }
}

// The Environment panel's line on Stage 3's stored Q-table, after each solve.
export function showQtable(q) {
  if (!q) return;
  const el = $('#env-qtable');
  el.dataset.state = q.error ? 'warn' : 'good';
  el.textContent = q.error
    ? t('qtable.error', { instance: q.instance, error: q.error })
    : t('qtable.info', { instance: q.instance, restored: q.restored, saved: q.saved, updates: fmt(q.updates) });
  if (q.error) {
    $('#solve-status').textContent += t('solve.qtableMemory', { error: q.error });
  }
}

function onProgressFinal(p, stopReason) {
  const run = state.run;
  run.stopped = stopReason === 'cancelled';
  const last = run.points[run.points.length - 1];
  if (!last || p.elapsed_s > last.t) record(p);
  drawChart();
}

$('#solve-stop').addEventListener('click', async () => {
  if (!state.solving || state.stopping) return;
  state.stopping = true;
  updateButtons();
  $('#solve-status').textContent = t('solve.stopping');
  announce($('#solve-status').textContent);
  // Before the solve is posted (a new pool starting) runSolve sends it right after.
  if (!state.client || state.recovering) return;
  await call('stop').catch(() => {}); // a crash in between is reported by the solve
});
