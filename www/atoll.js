// Atoll's embedding API (an ES module, no build step): solve a timetable from another page.
//
//   import { solve } from './atoll.js';
//   const r = await solve(instanceText, { timeLimitMs: 10_000, threads: 4, seed: 1,
//     onProgress: (p) => console.log(p.best), signal: controller.signal });
//   // r = { solution /* ITC .sol text */, hard, soft, feasible, breakdown, violations, stats }
//
// Repair a timetable that exists (make it feasible again, moving as few lectures as it can):
//
//   import { repair } from './atoll.js';
//   const r = await repair(instanceText, oldSolutionText, { maxMoves: 10, timeLimitMs: 5000,
//     onProgress: (p) => console.log(p.conflicts_left, p.moved), signal: controller.signal });
//   // r = { solution, hard, soft, feasible, breakdown, violations, moves, stats }
//
// and the custom element <atoll-solver src="timetable.ctt" time-limit="10"> that shows a
// small solver UI in the host page and dispatches `progress` and `result` events.
//
// Each solve runs in its own module Worker (worker.js, beside this file: serve the whole
// folder from the host page's origin, at any path: every file is found relative to this
// module's own URL, import.meta.url), which loads the threaded build when the page is
// cross-origin isolated and the single-threaded one otherwise. `npm run dist` packages
// this folder (dist/atoll/, typed by atoll.d.ts; docs/INTEGRATORS.md). Nothing is sent anywhere:
// the instance, the progress and the result stay in the page.
import { KINDS, kindName, namesOf, markLectures, renderGrid } from './grid.js';
import { hasLang, loadLang, t } from './i18n.js';
import { Client } from './client.js';

export { Client };

/** The longest time limit, in seconds: the library's cap on every duration (30 days). */
export const MAX_TIME_LIMIT_S = 2_592_000;

/** `timeLimitMs` checked: a number of milliseconds above 0 and at most 30 days. */
function checkTimeLimitMs(ms, what = 'timeLimitMs') {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms <= 0 || ms > MAX_TIME_LIMIT_S * 1000) {
    throw new RangeError(`${what} must be above 0 and at most ${MAX_TIME_LIMIT_S * 1000} ms (30 days), got ${ms}`);
  }
  return ms;
}
const STYLE_URL = new URL('./style.css', import.meta.url);

/**
 * The instance as `{ text, file }`: a string is the text of a `.ctt`/`.ectt` file, or of a
 * campus `.json` when it starts with `{` (the file name decides the reader, so a JSON text
 * gets `.json` unless `fileName` says otherwise); any other object is a campus instance
 * (docs/CAMPUS.md), sent as its JSON text. Throws a TypeError for anything else.
 */
function instanceSource(instance, fileName, what) {
  if (typeof instance === 'string') {
    return { text: instance, file: fileName ?? (/^\s*\{/.test(instance) ? 'instance.json' : 'instance.ctt') };
  }
  if (instance !== null && typeof instance === 'object' && !Array.isArray(instance)) {
    return { text: JSON.stringify(instance), file: fileName ?? 'instance.json' };
  }
  throw new TypeError(`${what}: the instance must be a string (the file's text) or a campus object`);
}

function abortError(signal) {
  if (signal && signal.reason instanceof Error) return signal.reason;
  return new DOMException('The solve was aborted before it started', 'AbortError');
}

/**
 * Solves an instance: the text of a `.ctt`/`.ectt` file or of a campus `.json`, or a campus
 * object (docs/CAMPUS.md).
 *
 * Options: `timeLimitMs` (default 10000), `threads` (default navigator.hardwareConcurrency;
 * 1 when the page is not cross-origin isolated), `seed` (default 1), `onProgress(p)` called
 * about every 150 ms with `{ stage, generation, elapsed_s, best: { hard, soft }, islands,
 * iterations, ... }`, `signal` (an AbortSignal: aborting during the solve stops it and the
 * promise resolves with the best timetable so far, `stats.stop_reason === 'cancelled'`;
 * aborting before it started rejects with an AbortError), `options` (any other solver
 * option by its `atoll options` name, e.g. `{ islands: 2 }`).
 *
 * Resolves to `{ solution, hard, soft, feasible, breakdown: { hard, soft }, violations,
 * stats }`: `solution` is the ITC-2007 `.sol` text, `hard`/`soft` its hard violations and
 * soft cost as the official validator counts them, `violations` the evaluator's list.
 * Rejects with an Error whose message names the file line for a bad instance.
 */
export async function solve(instanceText, opts = {}) {
  const client = new Client();
  try {
    return await solveIn(client, instanceText, opts);
  } finally {
    client.close();
  }
}

// The solve of `solve()` in a given worker, which stays open (the element asks it for the
// lectures of the result afterwards).
async function solveIn(client, instance, {
  timeLimitMs = 10_000, threads, seed = 1, onProgress, signal, options = {}, fileName,
} = {}) {
  const { text, file } = instanceSource(instance, fileName, 'solve(instance)');
  const run = { timeLimitMs, threads, seed, onProgress, signal, options, fileName: file };
  return runIn(client, text, run, 'solve', {});
}

/**
 * Repairs a timetable that exists: `solutionText` (ITC-2007 `.sol` text: one
 * `CourseID RoomID Day Period` line per lecture; missing, repeated or clashing lines are
 * fine, they are what gets repaired) of the CB-CTT instance `instanceText`. Stage 3 works
 * on the conflicts until the timetable is feasible and nothing cheaper is found, or the
 * time is up, moving as few lectures as it can away from `solutionText`: hard violations
 * first, then lectures moved, then soft cost.
 *
 * Options: `maxMoves` (a whole number: never more lectures moved, unless a move removes
 * hard violations; default no cap), `moveWeight` (the cost of one move, default 100),
 * `timeLimitMs` (default 10000), `threads`, `seed`, `options` as for `solve()`,
 * `onProgress(p)` called after every step with `{ elapsed_s, rounds, hard, soft, moved,
 * room_only, period, of, conflicts_left: { hard, total } | null, finished }`, `signal`
 * (an AbortSignal: aborting during the repair stops it and the promise resolves with the
 * best timetable so far, `stats.stop_reason === 'cancelled'`; before it started, rejects
 * with an AbortError).
 *
 * Resolves to `{ solution, hard, soft, feasible, breakdown, violations, moves, stats }`
 * like `solve()`, plus `moves: { moved, room_only, period, of, lectures: [{ course,
 * lecture, from, to, kind }] }` (`from`/`to`: `{ day, period, room }`, 0-based day and
 * period of the day; `kind`: `'room_only'` or `'period'`). Rejects with an Error naming
 * the file and line for a bad instance or solution line.
 */
export async function repair(instanceText, solutionText, opts = {}) {
  const client = new Client();
  try {
    return await repairIn(client, instanceText, solutionText, opts);
  } finally {
    client.close();
  }
}

async function repairIn(client, instanceText, solutionText, {
  maxMoves = null, moveWeight = null, timeLimitMs = 10_000, threads, seed = 1, onProgress, signal, options = {},
  fileName, solutionName = 'timetable.sol',
} = {}) {
  const { text, file } = instanceSource(instanceText, fileName, 'repair(instance, solutionText)');
  if (typeof solutionText !== 'string') throw new TypeError('repair(instanceText, solutionText): the solution must be a string');
  if (maxMoves !== null && maxMoves !== undefined && !(Number.isInteger(maxMoves) && maxMoves >= 0)) {
    throw new RangeError(`maxMoves must be a whole number of lectures (0 or more), got ${maxMoves}`);
  }
  if (moveWeight !== null && moveWeight !== undefined
    && !(Number.isInteger(moveWeight) && moveWeight >= 0 && moveWeight <= 0xffffffff)) {
    throw new RangeError(`moveWeight must be a whole number from 0 to ${0xffffffff}, got ${moveWeight}`);
  }
  const run = { timeLimitMs, threads, seed, onProgress, signal, options, fileName: file };
  return runIn(client, text, run, 'repair',
    { solution: solutionText, file: solutionName, maxMoves, moveWeight });
}

// What `solve()` and `repair()` share: the pool and the instance in `client`'s worker,
// `signal` as a Stop, progress to `onProgress`, then worker op `op` (with `extra` beside
// the options) and its result in the module API's shape (`moves` when the op gives them).
async function runIn(client, instanceText, {
  timeLimitMs, threads, seed, onProgress, signal, options, fileName,
}, op, extra) {
  // null: no time limit, only for a run bounded by generations (which then gives the same
  // timetable on every run, whatever the machine's speed: the schedule never reads a clock).
  if (timeLimitMs === null) {
    if (!(options && Number.isInteger(options.max_generations) && options.max_generations >= 1)) {
      throw new RangeError('timeLimitMs may be null only with options.max_generations (a whole number from 1)');
    }
  } else checkTimeLimitMs(timeLimitMs);
  if (signal && signal.aborted) throw abortError(signal);
  const onAbort = () => { client.call('stop').catch(() => {}); };
  try {
    const n = threads ?? (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) ?? 1;
    const env = await client.call('init', { threads: Math.max(1, Math.min(64, Math.floor(n) || 1)) });
    const bytes = new TextEncoder().encode(instanceText).buffer;
    await client.call('loadInstance', { bytes, file: fileName }, [bytes]);
    if (signal && signal.aborted) throw abortError(signal);
    if (signal) signal.addEventListener('abort', onAbort, { once: true });
    client.onProgress = typeof onProgress === 'function' ? onProgress : null;
    const r = await client.call(op, {
      options: { ...options, time_limit: timeLimitMs === null ? null : timeLimitMs / 1000, seed },
      stepMs: 150,
      ...extra,
    });
    const c = r.check;
    return {
      solution: r.solution,
      hard: c.hard_violations,
      soft: c.soft_cost,
      feasible: c.feasible,
      breakdown: { hard: c.hard, soft: c.soft },
      violations: c.violations,
      // A repair's result has `moves`; a solve from scratch has `moves: null` (left out).
      ...(r.moves ? { moves: r.moves } : {}),
      ...(r.interrupted ? { interrupted: r.interrupted } : {}),
      stats: { ...r.stats, stop_reason: r.stop_reason, threaded: env.threaded, pool_threads: env.threads },
    };
  } finally {
    if (signal) signal.removeEventListener('abort', onAbort);
  }
}

// Theming: the host sets the public custom properties (--atoll-*) on the element, e.g.
// `atoll-solver { --atoll-accent: #7a1f5c; }`, and styles the inner parts with
// `atoll-solver::part(start) { ... }` (the parts are listed in docs/INTEGRATORS.md and
// atoll.d.ts). Each --atoll-* feeds the internal variable style.css uses.
const TEMPLATE = `
  <link rel="stylesheet" href="${STYLE_URL}">
  <style>
    :host { display: block; font-family: var(--atoll-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
      line-height: 1.45; --bg: var(--atoll-bg, #f5f6f8); --card: var(--atoll-card, #fff); --ink: var(--atoll-ink, #1c2330);
      --muted: var(--atoll-muted, #5d6778); --line: var(--atoll-line, #dfe3ea); --accent: var(--atoll-accent, #1f5fbf);
      --accent-ink: var(--atoll-accent-ink, #fff); --good: var(--atoll-good, #1d7a46); --good-bg: var(--atoll-good-bg, #e5f4ea);
      --warn: var(--atoll-warn, #8a5a00); --warn-bg: var(--atoll-warn-bg, #fdf3dc); --bad: var(--atoll-bad, #b42318);
      --bad-bg: var(--atoll-bad-bg, #fdeceb); --radius: var(--atoll-radius, 10px); color: var(--ink); }
    .download { color: var(--accent); margin-left: auto; }
    .box { border: 1px solid var(--line); border-radius: var(--radius); padding: 0.9rem 1rem; background: var(--card); }
    .head { display: flex; flex-wrap: wrap; align-items: center; gap: 0.6rem; }
    .title { font-weight: 600; margin-right: auto; }
    .bar { height: 0.45rem; border-radius: 999px; background: var(--atoll-track, #e9edf3); overflow: hidden; margin: 0.7rem 0 0.4rem; }
    .bar div { height: 100%; width: 0; background: var(--accent); transition: width 0.15s linear; }
    .status { font-size: 0.9rem; color: var(--muted); font-variant-numeric: tabular-nums; }
    .grid-row { display: flex; gap: 0.5rem; align-items: center; margin: 0.7rem 0 0.4rem; }
    .error { color: var(--bad); font-family: ui-monospace, Menlo, monospace; font-size: 0.85rem; white-space: pre-wrap; }
  </style>
  <div class="box" part="box">
    <div class="head" part="head">
      <span class="title" part="title">Atoll timetable</span>
      <button type="button" class="start" part="start">Solve</button>
      <button type="button" class="stop secondary" part="stop" disabled>Stop</button>
    </div>
    <div class="bar" part="bar"><div part="bar-fill"></div></div>
    <div class="status" part="status" role="status" aria-live="polite">Ready.</div>
    <div class="error" part="error" role="alert" hidden></div>
    <div class="result" part="result" hidden>
      <div class="grid-row">
        <select class="kind" part="kind" aria-label="View by"></select>
        <select class="name" part="name" aria-label="Which one"></select>
        <a class="download" part="download" download="timetable.sol" href="#">Download .sol</a>
      </div>
      <div class="grid-wrap" part="grid"></div>
    </div>
  </div>`;

/** The attributes the element reports its state in (removed when a new solve starts). */
const RESULT_ATTRIBUTES = ['hard', 'soft', 'feasible', 'stop-reason'];

/**
 * <atoll-solver src="URL of a .ctt" time-limit="seconds" threads="N" seed="S" autostart>
 *
 * Renders a compact solver (Solve/Stop, a progress bar, then the timetable grid per
 * curriculum/teacher/room and a .sol download) in a shadow root. Events (bubbling,
 * composed): `progress` (detail: the progress event), `result` (detail: the object
 * `solve()` resolves to), `error` (detail: { message }). Methods: `start()` (resolves
 * with the result), `stop()`. The property `instance` (a file's text or a campus object;
 * `instanceText` is the same property) sets an instance directly, instead of `src`; the
 * property `options` passes more solver options, as `solve()`'s `options`.
 *
 * State, as attributes of the element: `state` is `idle`, `loading` (fetching `src`,
 * starting the worker, reading the instance), `solving` (from the first progress event),
 * `solved` or `error`; once solved also `hard`, `soft`, `stop-reason` and `feasible`
 * (present only when feasible).
 */
export class AtollSolver extends HTMLElement {
  static get observedAttributes() { return ['src', 'time-limit', 'lang']; }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).innerHTML = TEMPLATE;
    // Properties a host set before this element was defined shadow the accessors (or
    // would be overwritten here): take them over.
    const early = {};
    for (const prop of ['instance', 'instanceText', 'options']) {
      if (Object.prototype.hasOwnProperty.call(this, prop)) {
        early[prop] = this[prop];
        delete this[prop];
      }
    }
    this._instance = early.instance ?? early.instanceText ?? null;
    /** More solver options (`atoll options` names), as `solve()`'s `options`. */
    this.options = early.options ?? {};
    this.result = null;
    this._abort = null;
    this._url = null;
    const $ = (s) => this.shadowRoot.querySelector(s);
    $('.start').addEventListener('click', () => { this.start().catch(() => {}); });
    $('.stop').addEventListener('click', () => this.stop());
    const kind = $('.kind');
    for (const k of Object.keys(KINDS)) kind.append(new Option(kindName(k), k));
    kind.addEventListener('change', () => this._fillNames());
    $('.name').addEventListener('change', () => this._drawGrid());
  }

  /**
   * The instance to solve instead of `src`: the text of a `.ctt`/`.ectt` or campus `.json`
   * file, or a campus object; null (the default) means `src`.
   */
  get instance() { return this._instance; }

  set instance(value) {
    if (value !== null && value !== undefined && typeof value !== 'string' && (typeof value !== 'object' || Array.isArray(value))) {
      throw new TypeError('<atoll-solver>.instance must be a string (the file\'s text), a campus object or null');
    }
    this._instance = value ?? null;
  }

  /** The same property as `instance` (its first name). */
  get instanceText() { return this._instance; }

  set instanceText(value) { this.instance = value; }

  connectedCallback() {
    if (!this.hasAttribute('state')) this.setAttribute('state', 'idle');
    if (this.hasAttribute('autostart')) queueMicrotask(() => { this.start().catch(() => {}); });
    this._title();
  }

  disconnectedCallback() { this.stop(); }

  attributeChangedCallback() { this._title(); }

  /** The element's language: its `lang` attribute, else the nearest ancestor's (i18n.js; English by default). */
  get language() {
    const el = this.closest('[lang]');
    return el ? el.getAttribute('lang') : 'en';
  }

  /** The title and the fixed words of the shadow root, in the element's language. */
  _title() {
    const $ = (s) => this.shadowRoot.querySelector(s);
    const lang = this.language;
    // Another language's table loads first (English meanwhile).
    if (!hasLang(lang)) loadLang(lang).then(() => { if (this.language === lang) this._title(); }, () => {});
    const src = this.getAttribute('src');
    $('.title').textContent = src ? t('el.titleFile', { file: src.split('/').pop() }, lang) : t('el.title', {}, lang);
    $('.start').textContent = t('solve.run', {}, lang);
    $('.stop').textContent = t('solve.stop', {}, lang);
    $('.download').textContent = t('solve.download', {}, lang);
    $('.kind').setAttribute('aria-label', t('el.viewBy', {}, lang));
    $('.name').setAttribute('aria-label', t('el.which', {}, lang));
    if (!this._abort && !this.result) $('.status').textContent = t('el.ready', {}, lang);
    for (const o of $('.kind').options) o.textContent = kindName(o.value, lang);
  }

  /**
   * The `time-limit` attribute in ms (10 s when absent; null for `none`, which needs
   * `options.max_generations`). Throws a RangeError, naming the attribute, for one that is
   * not a number of seconds above 0 and at most 30 days.
   */
  get timeLimitMs() {
    const raw = this.getAttribute('time-limit');
    if (raw === null || raw.trim() === '') return 10_000;
    if (raw.trim() === 'none') return null; // only with options.max_generations (see solve())
    const s = Number(raw);
    if (!Number.isFinite(s) || s <= 0 || s > MAX_TIME_LIMIT_S) {
      throw new RangeError(`time-limit="${raw}": enter seconds above 0 and at most ${MAX_TIME_LIMIT_S} (30 days)`);
    }
    return s * 1000;
  }

  /** Stops the solve in progress; the result is the best timetable so far. */
  stop() {
    if (this._abort) this._abort.abort();
  }

  /** Loads the instance (src or instanceText), solves it and shows the result. */
  async start() {
    const $ = (s) => this.shadowRoot.querySelector(s);
    if (this._abort) return null;
    const err = $('.error');
    err.hidden = true;
    const abort = new AbortController();
    this._abort = abort;
    $('.start').disabled = true;
    $('.stop').disabled = false;
    $('.bar div').style.width = '0';
    for (const a of RESULT_ATTRIBUTES) this.removeAttribute(a);
    this.setAttribute('state', 'loading');
    let client = null;
    try {
      await loadLang(this.language);
      const limit = this.timeLimitMs;
      let text = this._instance;
      const src = this.getAttribute('src');
      let file; // by default solve() names a string by its contents and an object .json
      if (text === null) {
        if (!src) throw new Error('no instance: set the src attribute or the instance property');
        $('.status').textContent = t('el.loading', { src }, this.language);
        const res = await fetch(new URL(src, document.baseURI));
        if (!res.ok) throw new Error(`cannot load ${src}: HTTP ${res.status}`);
        text = await res.text();
        file = src.split('/').pop() || file;
      }
      $('.status').textContent = t('solve.building', {}, this.language);
      const threads = Number(this.getAttribute('threads')) || undefined;
      const seed = Number(this.getAttribute('seed')) || 1;
      client = new Client();
      const result = await solveIn(client, text, {
        timeLimitMs: limit, threads, seed, signal: abort.signal, fileName: file, options: this.options ?? {},
        onProgress: (p) => {
          this.setAttribute('state', 'solving');
          const done = limit === null ? p.generation / this.options.max_generations : p.elapsed_s * 1000 / limit;
          $('.bar div').style.width = `${Math.min(100, done * 100).toFixed(1)}%`;
          const lang = this.language;
          $('.status').textContent = t('el.progress', { t: p.elapsed_s.toFixed(1), generation: p.generation,
            best: p.best.hard > 0 ? t('solve.bestHard', { n: p.best.hard }, lang) : t('solve.bestCost', { n: p.best.soft }, lang) },
          lang);
          this.dispatchEvent(new CustomEvent('progress', { detail: p, bubbles: true, composed: true }));
        },
      });
      this.result = result;
      const s = result.stats;
      const lang = this.language;
      $('.status').textContent = t('el.done', { stopped: s.stop_reason === 'cancelled', t: s.elapsed_s.toFixed(1),
        outcome: result.feasible ? t('solve.feasibleCost', { cost: result.soft }, lang)
          : t('solve.hardLeft', { n: result.hard }, lang),
        threads: s.pool_threads, threadsN: s.pool_threads }, lang);
      this._tt = await client.call('timetable', { solution: result.solution, file: 'solution.sol' });
      this._showResult(file ?? 'timetable', result);
      this.setAttribute('hard', String(result.hard));
      this.setAttribute('soft', String(result.soft));
      this.setAttribute('stop-reason', result.stats.stop_reason);
      this.toggleAttribute('feasible', result.feasible);
      this.setAttribute('state', 'solved');
      this.dispatchEvent(new CustomEvent('result', { detail: result, bubbles: true, composed: true }));
      return result;
    } catch (e) {
      err.textContent = e.message;
      err.hidden = false;
      $('.status').textContent = t('el.failed', {}, this.language);
      this.setAttribute('state', 'error');
      this.dispatchEvent(new CustomEvent('error', { detail: { message: e.message } }));
      throw e;
    } finally {
      if (client) client.close();
      this._abort = null;
      $('.start').disabled = false;
      $('.stop').disabled = true;
    }
  }

  _showResult(file, result) {
    const $ = (s) => this.shadowRoot.querySelector(s);
    this._marks = markLectures(this._tt, result.violations);
    if (this._url) URL.revokeObjectURL(this._url);
    this._url = URL.createObjectURL(new Blob([result.solution], { type: 'text/plain' }));
    const a = $('.download');
    a.href = this._url;
    a.download = `${file.replace(/\.[^.]*$/, '') || 'timetable'}.sol`;
    $('.result').hidden = false;
    this._fillNames();
  }

  _fillNames() {
    const $ = (s) => this.shadowRoot.querySelector(s);
    if (!this._tt) return;
    const names = namesOf(this._tt, $('.kind').value);
    $('.name').replaceChildren(...names.map((n) => new Option(n, n)));
    this._drawGrid();
  }

  _drawGrid() {
    const $ = (s) => this.shadowRoot.querySelector(s);
    if (!this._tt) return;
    $('.grid-wrap').replaceChildren(renderGrid(this._tt, $('.kind').value, $('.name').value,
      { marks: this._marks, lang: this.language }));
  }
}

if (typeof customElements !== 'undefined' && !customElements.get('atoll-solver')) {
  customElements.define('atoll-solver', AtollSolver);
}
