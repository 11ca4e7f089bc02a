// The page's side of the solver worker: atoll.js's Client (worker.js's protocol), plus
// what only the page does with it — a watchdog during solves and crash recovery.
//
// A worker whose wasm module trapped (it posts 'crashed'), that fails with an error event,
// or that says nothing for `stallMs` during a solve (e.g. blocked for good in Atomics.wait
// when a pool thread aborted) is terminated and replaced by a new one with the same pool
// size and the same instance (the loaded file, or the edited one after a re-solve). The
// timetable shown stays, with its downloads. `?stall=S` sets the silence allowed (seconds,
// default 60: far above a solver step of 150 ms, above construction of large instances).
import { Client } from '../client.js';
import { $, params, state } from './state.js';
import { setPill, showFatal, updateButtons } from './ui.js';
import { t } from '../i18n.js';

/** Where the worker's progress events go: set by solve.js and repair.js. */
export const events = { progress: null, repairProgress: null, itcProgress: null };

const stallMs = (() => {
  const s = Number(params.get('stall'));
  return Number.isFinite(s) && s > 0 ? s * 1000 : 60_000;
})();
const MAX_CRASHES = 5; // then the page stops restarting (something is wrong every time)

/**
 * Starts a new solver worker (a rayon pool's size is fixed when it is created, so a new
 * thread count means a new worker); the calls still out on the old one fail.
 */
export function spawnWorker() {
  const old = state.client;
  if (old) {
    old.onMessage = null;
    old.onError = null;
    old.worker.terminate();
    old.fail(new Error('the solver worker was restarted'));
  }
  const client = new Client();
  client.onMessage = (data) => onMessage(client, data);
  client.onError = (e) => onError(client, e);
  state.client = client;
  state.lastHeard = performance.now();
}

function onMessage(client, data) {
  state.lastHeard = performance.now();
  if (data.event === 'evaluator' && data.info) $('#env-gpu-search').textContent = data.info.search || data.info.reason;
  if (data.event === 'progress') {
    if (events.progress) events.progress(data.progress);
    return true;
  }
  if (data.event === 'itcProgress') {
    if (events.itcProgress) events.itcProgress(data.progress);
    return true;
  }
  if (data.event === 'repairProgress') {
    if (events.repairProgress) events.repairProgress(data.progress);
    return true;
  }
  if (data.event === 'crashed') {
    workerCrashed(data.error);
    return true;
  }
  return false; // an answer: the Client settles its call
}

function onError(client, e) {
  // After a good start an error is a crash (a trap that escaped, a pool thread that
  // aborted): restart. Before it, the engine cannot start at all.
  if (state.ready) {
    e.preventDefault();
    workerCrashed(e.message || 'the worker failed');
    return true;
  }
  showFatal(t('engine.workerFailed', { why: e.message || t('engine.couldNotStart') }));
  client.fail(new Error('the solver worker failed'));
  return true;
}

/** An Error for calls lost with a crashed worker; `crash` holds the one-sentence notice. */
function crashError(why) {
  const e = new Error(`the solver worker crashed (${why})`);
  e.crash = why;
  return e;
}

/** What the page says after a crash: one sentence. */
export const crashNotice = (why) => t('engine.crashNotice', { why });

/** Loads the page's instance into the (new) worker: the file, or the edited instance. */
export async function reloadInstance() {
  const l = state.loaded;
  if (l && l.files) await call('loadFiles', { files: l.files });
  else if (l) await call('loadInstance', { bytes: l.bytes.slice(0), file: l.file });
}

function workerCrashed(why) {
  const lost = crashError(why);
  const client = state.client;
  if (state.recovering) {
    // The new worker failed too: its calls fail, and so does the restart.
    client.fail(lost);
    return;
  }
  state.crashes++;
  client.onMessage = null;
  client.onError = null;
  client.worker.terminate();
  client.fail(lost);
  document.body.dataset.workerCrashes = String(state.crashes);
  state.recovering = (async () => {
    if (state.crashes > MAX_CRASHES) throw new Error(`it crashed ${state.crashes} times`);
    spawnWorker();
    const env = await call('init', { threads: state.poolThreads });
    state.poolThreads = env.threads;
    await reloadInstance();
  })().then(() => {
    document.body.dataset.workerRestarts = String(state.crashes);
  }, (e) => {
    state.engineFailed = true;
    setPill($('#env-mode'), t('engine.failed'), 'bad');
    showFatal(t('engine.crashFatal', { why, error: e.message }));
  }).finally(() => {
    state.recovering = null;
    updateButtons();
  });
  updateButtons();
}

// The watchdog: only while a solve call is out, when progress events are due every step
// (not while a new pool starts before it).
setInterval(() => {
  if (state.solveCalls > 0 && state.client && !state.recovering && performance.now() - state.lastHeard > stallMs) {
    workerCrashed(t('engine.noProgress', { n: Math.round(stallMs / 1000) }));
  }
}, 1000);

/** Calls worker op `op`; a solve, re-solve or repair arms the watchdog while it runs. */
export function call(op, args = {}, transfer = []) {
  const solveCall = op === 'solve' || op === 'resolve' || op === 'repair';
  if (solveCall) {
    state.lastHeard = performance.now();
    state.solveCalls++;
  }
  const answered = state.client.call(op, args, transfer);
  if (solveCall) answered.then(() => { state.solveCalls--; }, () => { state.solveCalls--; });
  return answered;
}
