// The page: renders, never computes. Everything runs in worker.js; this entry sets the
// language, starts the engine and wires the cards, one module of www/app/ each (the map is
// in docs/ARCHITECTURE.md; state.js holds the one shared state object).
import { LANGUAGES, loadLang, setLang, t, translateDom } from './i18n.js';
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
import './app/itc2019.js';

// The page's language: `?lang=de`, else English (i18n.js holds every string). The static
// text of index.html is translated here, before anything else is shown.
const lang = setLang(await loadLang(params.get('lang')));
document.documentElement.lang = lang;
translateDom(document, lang);
document.title = t('page.title');
const chooser = $('#lang');
chooser.replaceChildren(...Object.entries(LANGUAGES).map(([code, name]) => new Option(name, code)));
chooser.value = lang;
chooser.addEventListener('change', () => {
  const url = new URL(location.href);
  url.searchParams.set('lang', chooser.value);
  location.assign(url);
});

window.addEventListener('error', (e) => showFatal(t('engine.unexpected', { why: e.message })));
window.addEventListener('unhandledrejection', (e) =>
  showFatal(t('engine.unexpected', { why: e.reason && e.reason.message ? e.reason.message : e.reason })));

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
  setPill($('#env-isolated'), t('engine.isolated', { yesno: t(isolated ? 'yes' : 'no') }), isolated ? 'good' : 'warn');
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
    setPill($('#env-mode'), t(env.threaded ? 'engine.threaded' : 'engine.single'), env.threaded ? 'good' : 'warn');
    setPill($('#env-threads'), t('engine.threads', { n: env.threads }), env.threaded ? 'good' : 'warn');
    state.poolThreads = env.threads;
    $('#solve-threads').textContent = String(env.threads);
    $('#solve-threads-input').value = String(env.threads);
    $('#solve-threads-input').max = env.threaded ? '64' : '1';
    $('#solve-islands-hint').textContent = t('solve.islandsHintN', { n: env.threads });
    if (!env.threaded) {
      const note = $('#env-note');
      note.textContent = t('engine.oneThread', { why: env.reason });
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
    setPill($('#env-mode'), t('engine.failed'), 'bad');
    showFatal(t('engine.cannotStart', { why: e.message }));
  }
}

// The lectures of the shown timetable (what Session.timetable() returned), for tests and
// the console; read-only use.
window.__atollCurrent = () => (state.current && state.current.tt) || null;

updateButtons();
start();
