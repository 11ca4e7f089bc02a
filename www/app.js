// The page: renders, never computes. Everything runs in worker.js; this entry starts the
// engine and wires the cards, each a module of www/app/:
//   state.js        the one shared state object (and `$`, the query string)
//   ui.js           number formats, errors, busy buttons, downloads, enabled controls
//   rpc.js          the solver worker (atoll.js's Client), its watchdog and crash recovery
//   environment.js  the Environment panel; restarting the worker with another pool size
//   instance.js     card 1: files, samples, the template workbook, the summary
//   solve.js        card 2: settings, live view and result (chart.js draws the chart)
//   check.js        card 3: checking a timetable; the report both cards show
//   perf.js         card 4: parallel batch and evaluator speed
//   results.js      the timetable grids, score and violation list beside them
//   resolve.js      pins, edits and re-solve;  repair.js: repair;  export.js: exports
import { $, params, state } from './app/state.js';
import { call, spawnWorker } from './app/rpc.js';
import { setPill, showFatal, updateButtons } from './app/ui.js';
import { showEnvironment } from './app/environment.js';
import { loadSample } from './app/instance.js';
import { loadBestKnown } from './app/results.js';
import './app/solve.js';
import './app/check.js';
import './app/perf.js';
import './app/resolve.js';
import './app/repair.js';
import './app/export.js';

window.addEventListener('error', (e) => showFatal(`Unexpected error: ${e.message}`));
window.addEventListener('unhandledrejection', (e) =>
  showFatal(`Unexpected error: ${e.reason && e.reason.message ? e.reason.message : e.reason}`));

/** The pool size asked for: `?threads=N`, else every logical core (1 to 64). */
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
    state.ready = true;
    document.body.dataset.ready = 'true';
    document.body.dataset.readyMs = String(Math.round(performance.now()));
    envShown.then(() => { document.body.dataset.env = 'shown'; updateButtons(); });
    document.body.dataset.mode = env.threaded ? 'threaded' : 'single';
    $('#version').textContent = env.build.version;
    setPill($('#env-mode'), env.threaded ? 'engine: threaded wasm' : 'engine: single-threaded wasm',
      env.threaded ? 'good' : 'warn');
    setPill($('#env-threads'), `threads: ${env.threads}`, env.threaded ? 'good' : 'warn');
    state.poolThreads = env.threads;
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
    state.engineFailed = true;
    updateButtons();
    setPill($('#env-mode'), 'engine: failed', 'bad');
    showFatal(`The solver could not start: ${e.message}`);
  }
}

// The lectures of the shown timetable (what Session.timetable() returned), for tests and
// the console; read-only use.
window.__atollCurrent = () => (state.current && state.current.tt) || null;

updateButtons();
start();
