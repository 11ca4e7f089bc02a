// Every user-visible string of the page (index.html, app.js and www/app/) and of the
// <atoll-solver> element (atoll.js, grid.js), in one table per language: `en` (the
// default, and the fallback for a key another table lacks) and `de` (German, the proof that
// a portal can translate the page). `t(key, params)` looks a string up; a value is a
// string with `{name}` placeholders or, where the words depend on a number (plurals), a
// function of the params. Messages that come from the engine (a file's line and what was
// expected there, a solver option's range) stay as the engine writes them: English.
//
// English is in this module, less index.html's static words (www/i18n/en-page.js: an
// English page shows them already); another language's table is a module of www/i18n/
// (de.js); both load on demand (loadLang), so an English page carries neither. The page takes
// `?lang=de` (or its language selector); the element a `lang` attribute.
// Static text of index.html is translated by its English words (translateDom): a text
// node or an aria-label/title/placeholder whose English is a value of `en` gets that
// key's translation; paragraphs that mix text and <code> carry `data-i18n-html="key"`.

const plural = (n, one, many) => (n === 1 ? one : many);

export const en = {
  // ---- index.html: header, environment ----
  'page.title': 'Atoll — course timetabling in the browser',

  // ---- card 1: instance ----
  'summary.mean': 'mean {mean}',
  'summary.students': '{n} students',
  'summary.campus': 'Campus: {days} · periods {periods}',
  'summary.pins': (p) => ` · ${p.n} pinned ${plural(p.count, 'lecture', 'lectures')}`,
  'instance.tooBig': '{file}: {size} MB is more than the {max} MB this page reads; an instance file is at most a few MB',
  'instance.sampleFailed': 'Cannot fetch sample {name}: HTTP {status}',
  'instance.templateFailed': 'cannot fetch the sample university: HTTP {status}',

  // ---- card 2: solve ----
  'solve.timeLimit': 'Time limit',
  'solve.islands': 'Islands',
  'solve.islandsHintN': '0 = one per thread ({n})',
  'solve.seed': 'Seed',
  'solve.evalAuto': 'auto',
  'solve.evalNoGpu': 'GPU (no WebGPU adapter)',
  'solve.run': 'Solve',
  'solve.stop': 'Stop',
  'chart.building': 'Building initial timetables…',
  'chart.noFeasibleYet': 'No feasible timetable yet',
  'chart.noFeasible': 'No feasible timetable found',
  'solve.download': 'Download .sol',
  'solve.downloadTitle': '{file}: one line per lecture, CourseID RoomID Day Period',
  'stage.construct': 'Construction',
  'stage.evolve': 'Annealing',
  'stage.repair': 'Repair (Stage 3)',
  'reason.time_limit': 'Time limit reached',
  'reason.generations': 'Generation bound reached',
  'reason.cancelled': 'Stopped',
  'reason.done': 'Repaired',
  'solve.stopped': 'Stopped',
  'solve.finished': 'Finished',
  'solve.building': 'Building initial timetables…',
  'solve.resolving': 'Re-solving from the shown timetable…',
  'solve.built': 'Initial timetables built; annealing…',
  'solve.searching': 'Searching for a feasible timetable…',
  'solve.improving': 'Improving a feasible timetable…',
  'solve.stopping': 'Stopping… keeping the best timetable so far',
  'solve.startingPool': 'Starting a pool of {n} threads…',
  'solve.announce': '{t} s: {stage}, best {best}',
  'solve.bestHard': '{n} hard violations',
  'solve.bestCost': 'cost {n}',
  'solve.clock': '{t} s of {limit} s',
  'solve.neverFeasible': 'never feasible',
  'solve.firstFeasible': 'first feasible at {t} s',
  'solve.summary': (p) => `${p.reason} after ${p.t} s · ${p.generations} generations · ${p.moves} local-search moves · `
    + `${p.islands} ${plural(p.islandsN, 'island', 'islands')} on ${p.threads} ${plural(p.threadsN, 'thread', 'threads')} · ${p.feasible}`,
  'solve.movedOf': ' · moved {moved} of {of} lectures',
  'solve.resolveMoved': 'Re-solve: moved {moved} of {of} lectures',
  'solve.done': '{reason}: {outcome}.',
  'solve.feasibleCost': 'feasible, cost {cost}',
  'solve.hardLeft': '{n} hard violations left',
  'solve.endedEarly': 'The run ended early: {why}.',
  'solve.cannotStart': 'Cannot start {n} threads: {why}',
  'solve.qtableMemory': ' Stage 3 memory: {error} (see Environment).',
  'qtable.error': '{instance}: {error}.',
  'qtable.info': (p) => `${p.instance}: ${p.restored ? 'restored before the solve' : 'none stored before the solve'}`
    + `${p.saved ? `, saved after it (${p.updates} updates)` : ''}.`,
  'err.jsonInvalid': 'More solver options: not valid JSON ({why})',
  'err.jsonObject': 'More solver options: expected a JSON object such as { "population": 2 }',
  'err.number': '{name}: enter a number',
  'err.timeLimit': 'Time limit: enter seconds above 0 and at most {max} (30 days), got {got}',
  'err.threads': 'Threads: enter a whole number from 1 to 64',

  // ---- results card ----
  'kind.curriculum': 'Group (curriculum)',
  'kind.teacher': 'Teacher',
  'kind.room': 'Room',
  'kind.curriculumShort': 'Curriculum',
  'legend.pin': 'pin',
  'results.fromSolve': "The solver's best timetable ({file}) for {name}",
  'results.fromResolve': 'The re-solved timetable ({file}) for {name}',
  'results.fromRepair': (p) => `The repaired timetable (${p.file}) for ${p.name}: ${p.moved} `
    + `${plural(p.movedN, 'lecture', 'lectures')} moved (outlined in the grid)`,
  'results.fromCheck': 'Checked file {file} for {name}',
  'results.feasible': 'Feasible · cost {cost}',
  'results.infeasible': 'Infeasible · {hard} hard · cost {cost}',
  'results.scheduled': ' · {n} lectures scheduled',
  'results.missing': ', {n} missing',
  'results.bestKnownInline': 'best known {n}',
  'results.selected': 'Selected: {message} ({rule}, cost {cost})',
  'results.allRules': 'all rules ({n})',
  'results.ruleCount': '{rule} ({n})',
  'results.none': '— none',
  'results.showingFirst': 'Showing the first {max} of {n}.',
  'results.cannotShow': 'Cannot show this timetable: {why}',
  'rule.hardSuffix': ' (hard)',
  'bestKnown.line': (p) => `Best known for ${p.id} (${p.name}): ${p.best}${p.optimal ? ' (optimal)' : ''}`
    + (p.gap === null ? ' · this timetable is not feasible yet'
      : p.gap === 0 ? ' · this timetable matches it'
        : p.gap > 0 ? ` · this timetable is ${p.gapText} above it` : ` · this timetable is ${p.gapText} below it`),

  // ---- pin, edit, re-solve ----
  'edit.remove': 'Remove',
  'edit.roomClosed': 'Room {name} closed {when}',
  'edit.teacherUnavailable': 'Teacher {name} unavailable {when}',
  'pins.summary': (p) => `${p.pinned} pinned ${plural(p.pinnedN, 'lecture', 'lectures')}`
    + (p.changedN ? ` (${p.changed} changed here, applied by Re-solve)` : '')
    + (p.editsN ? ` · ${p.edits} ${plural(p.editsN, 'edit', 'edits')}` : ''),
  'resolve.keepFailed': 'The edited instance cannot be kept for a restart: {why}',

  // ---- repair ----
  'repair.running': 'Repairing the shown timetable…',
  'repair.stopping': ' · stopping, keeping the best timetable so far…',
  'repair.movesText': (p) => `${p.moved} ${plural(p.movedN, 'lecture', 'lectures')} moved (${p.roomOnly} room-only, ${p.period} to another period)`,
  'repair.conflicts': (p) => `${p.total} ${plural(p.totalN, 'conflict', 'conflicts')} left (${p.hard} hard)`,
  'repair.finding': 'finding the conflicts',
  'repair.progress': '{t} s · {conflicts} · {moves} · best: {best}, cost {cost}',
  'repair.feasible': 'feasible',
  'repair.hardViolations': '{n} hard violations',
  'repair.summary': '{reason} after {t} s: {outcome}, cost {cost} · moved {moved} of {of} lectures ({roomOnly} room-only, {period} to another period)',
  'repair.roomOnly': '(room only)',
  'repair.anotherPeriod': '(another period)',
  'repair.endedEarly': 'The repair ended early: {why}.',
  'err.maxMoves': 'Move at most: enter a whole number of lectures (0 or more), or leave it empty for no cap; got {got}',
  'err.repairTime': 'Repair time: enter seconds above 0 and at most {max}, got {got}',

  // ---- export ----

  // ---- card 3: check ----
  'report.feasible': 'Feasible · cost {cost}',
  'report.infeasible': (p) => `Infeasible · ${p.hard} hard ${plural(p.hardN, 'violation', 'violations')} · cost ${p.cost}`,
  'report.file': '{file} · {n} lectures scheduled',
  'report.skipped': (p) => `${p.n} ${plural(p.count, 'line', 'lines')} skipped, as the official validator skips them`,
  'report.line': 'line {line}: {message}',
  'when.dayPeriod': 'day {day}, period {period}',

  // ---- card 4: threads and speed ----
  'perf.batchFailed': 'The batch failed: {why}',
  'perf.speedFailed': 'The measurement failed: {why}',

  // ---- rules and breakdown components (grid.js's RULES) ----
  'rule.lectures': 'Lectures',
  'rule.conflicts': 'Conflicts',
  'rule.availability': 'Availability',
  'rule.room_occupancy': 'Room occupancy',
  'rule.room_unsuitable': 'Unsuitable room',
  'rule.room_closed': 'Room closed',
  'rule.past_end_of_day': 'Past the end of the day',
  'rule.pin_not_kept': 'Pin not kept',
  'rule.room_capacity': 'Room capacity',
  'rule.min_working_days': 'Min working days',
  'rule.curriculum_compactness': 'Curriculum compactness',
  'rule.room_stability': 'Room stability',
  'rule.teacher_preference': 'Teacher preference',
  'rule.curriculum_daily_limit': 'Group daily limit',
  'rule.teacher_daily_limit': 'Teacher daily limit',
  'rule.moved': 'Moved',
  'rule.placement': 'Placement',
  'rule.daily_limit': 'Daily limit',
  'rule.changes': 'Changes',

  // ---- the grid (grid.js) ----
  'grid.day': 'Day {n}',
  'grid.period': 'Period {n}',
  'grid.corner': 'Period',
  'grid.softViolation': 'soft violation',
  'grid.hardViolation': 'hard violation',
  'grid.periods': '{n} periods',
  'grid.room': 'room {room}',
  'grid.place': '{day} {period}, room {room}',
  'grid.title': (p) => `${p.course} · ${p.room} (${p.students} students, ${p.capacity} seats) · ${p.when}`
    + ` · ${plural(p.teachersN, 'teacher', 'teachers')} ${p.teachers}`,
  'grid.pinned': ' · pinned',
  'grid.movedFrom': 'moved from {place}',

  // ---- engine, environment, errors ----
  'engine.failed': 'engine: failed',
  'engine.threaded': 'engine: threaded wasm',
  'engine.single': 'engine: single-threaded wasm',
  'engine.isolated': 'cross-origin isolated: {yesno}',
  'engine.threads': 'threads: {n}',
  'yes': 'yes',
  'no': 'no',
  'engine.oneThread': 'Running on one thread: {why}. Results are the same, only slower.',
  'engine.cannotStart': 'The solver could not start: {why}',
  'engine.unexpected': 'Unexpected error: {why}',
  'engine.workerFailed': 'The solver worker failed: {why}',
  'engine.couldNotStart': 'could not be started',
  'engine.crashNotice': 'The solver crashed ({why}) and was restarted with the same instance and settings; the timetable shown before is kept.',
  'engine.crashFatal': 'The solver crashed ({why}) and could not be restarted: {error}. Reload the page; download the timetable shown first.',
  'engine.noProgress': 'no progress for {n} s',
  'env.viaSw': 'yes — a service worker (coi-sw.js) adds the COOP/COEP headers',
  'env.viaHeaders': 'yes — the server sends COOP/COEP',
  'env.notIsolated': 'no — {why}',
  'env.notIsolatedWhy': 'not isolated',
  'env.buildText': (p) => `${p.threaded ? 'threaded' : 'single-threaded'} wasm, Atoll ${p.version}`,
  'env.poolText': '{n} in the pool · {cores} logical cores',
  'env.gpuAdapter': 'WebGPU adapter: {name}',
  'env.gpuUnnamed': 'unnamed',
  'env.gpuFallback': ' (software fallback adapter)',
  'env.gpuLimits': '; limits: storage binding {storage} B, workgroup memory {shared} B, {invocations} invocations per workgroup',
  'env.gpuCpu': 'CPU — {why}',
  'env.memory': '{n} GiB (navigator.deviceMemory)',
  'env.memoryUnknown': 'not reported by this browser',
  'env.noBudget': 'this build chooses no memory budget',
  'env.budgetFailed': 'budgetFor failed: {why}',
  'env.budgetAssumed': ' (for {n} GiB, assumed)',
  'env.evalCpu': (p) => `CPU (${p.n} ${plural(p.count, 'thread', 'threads')})`,
  'ui.working': 'Working…',

  // ---- the ITC-2019 card (app/itc2019.js) ----
  'itc.calendar': 'Calendar',
  'itc.calendarValue': '{weeks} weeks × {days} days × {slots} slots of {min} min',
  'itc.weights': 'Weights',
  'itc.weightsValue': 'time {time} · room {room} · distribution {distribution} · student {student}',
  'itc.rooms': 'Rooms',
  'itc.roomsValue': '{n} ({unavailable} with unavailable times, {travel} pairs with travel time)',
  'itc.courses': 'Courses',
  'itc.coursesValue': '{n} ({configs} configurations, {subparts} subparts)',
  'itc.classes': 'Classes',
  'itc.classesValue': '{n} ({noRoom} without a room, {parent} with a parent class)',
  'itc.options': 'Options',
  'itc.optionsValue': '{times} times (at most {maxTimes} a class), {rooms} rooms (at most {maxRooms} a class)',
  'itc.distributions': 'Distributions',
  'itc.distributionsValue': '{required} required, {soft} soft',
  'itc.students': 'Students',
  'itc.studentsValue': '{n} ({requests} course requests)',
  'itc.building': 'Constructing timetables…',
  'itc.built': 'Timetables constructed; annealing…',
  'itc.announce': 'ITC-2019 solve, {t} s: best {best}',
  'itc.reason.time_limit': 'Time limit reached',
  'itc.reason.generations': 'Epoch bound reached',
  'itc.reason.cancelled': 'Stopped',
  'itc.reason.solved': 'Cost 0 reached',
  'itc.done': '{reason} after {t} s · {epochs} epochs · {moves} moves: {outcome}.',
  'itc.feasible': 'Feasible · cost {cost}',
  'itc.infeasible': (p) => `Infeasible · ${p.n} hard ${plural(p.count, 'violation', 'violations')} · cost ${p.cost}`,
  'itc.sourceSolve': "the solve's best timetable ({file})",
  'itc.sourceCheck': 'checked file {file}',
  'itc.part.time': 'Time',
  'itc.part.room': 'Room',
  'itc.part.distribution': 'Distribution',
  'itc.part.student': 'Student conflicts',
  'itc.count': '{hard} hard · {soft} soft',
  'itc.more': '… and {n} more (choose a filter to see others)',
  'itc.selectedShown': '{n} of its classes are marked in this grid.',
  'itc.selectedElsewhere': 'None of its classes is in this grid: choose another room, course, group or week.',
  'itc.weekOption': (p) => `Week ${p.week} · ${p.date} · ${p.n} ${plural(p.count, 'meeting', 'meetings')}`,
  'itc.kind.room': 'Room',
  'itc.kind.course': 'Course',
  'itc.kind.group': 'Student group',
  'itc.nothing': 'Nothing to show.',
  'itc.gridCaption': '{kind} {name} · {week}',
  'itc.emptyWeek': 'None of its classes meets in this week.',
  'itc.otherWeeks': (p) => `${p.n} ${plural(p.count, 'class meets', 'classes meet')} in other weeks only.`,
  'itc.unplaced': 'Without a time: {list}.',
  'itc.checked': '{file}: {verdict}',
  'itc.cellTitle': '{course}, class {class} ({subpart}) · {start}–{end} · room {room} · {students} of {limit} students',

  // ---- the <atoll-solver> element (atoll.js) ----
  'el.title': 'Atoll timetable',
  'el.titleFile': 'Atoll · {file}',
  'el.ready': 'Ready.',
  'el.viewBy': 'View by',
  'el.which': 'Which one',
  'el.loading': 'Loading {src}…',
  'el.progress': '{t} s · generation {generation} · best {best}',
  'el.done': (p) => `${p.stopped ? 'Stopped' : 'Done'} after ${p.t} s: ${p.outcome} · ${p.threads} ${plural(p.threadsN, 'thread', 'threads')}`,
  'el.failed': 'Failed.',
};


/** The languages with a table, by code, each named in itself. */
export const LANGUAGES = { en: 'English', de: 'Deutsch' };
// The tables loaded so far, and how to load the others (literal imports: scripts/dist.mjs
// follows them into the package).
const TABLES = { en };
const LOADERS = { de: () => import('./i18n/de.js') };
let pageWords = false; // en-page.js merged into `en`
/** Number formats per language (thousands separators). */
const LOCALES = { en: 'en-US', de: 'de-DE' };

let current = 'en';

/** The supported language for a code such as `de`, `de-AT` or `EN`; `en` for anything else. */
export function pickLang(code) {
  const base = String(code || '').trim().toLowerCase().split(/[-_]/)[0];
  return Object.hasOwn(LANGUAGES, base) ? base : 'en';
}

/** True when the table of `code` is loaded (English always is). */
export const hasLang = (code) => Object.hasOwn(TABLES, pickLang(code));

/** Loads the table of `code` (see pickLang) if it is not loaded yet; resolves to the language. */
export async function loadLang(code) {
  const lang = pickLang(code);
  if (lang !== 'en' && !pageWords) {
    Object.assign(en, (await import('./i18n/en-page.js')).default);
    pageWords = true;
    byText = null;
  }
  if (!hasLang(lang)) TABLES[lang] = (await LOADERS[lang]()).default;
  return lang;
}

/** Sets the page's language (see pickLang; its table loaded first, see loadLang) and returns it. */
export function setLang(code) {
  current = pickLang(code);
  return current;
}

/** The page's language. */
export const getLang = () => current;

/** The Intl locale of a language, for numbers. */
export const localeOf = (lang = current) => LOCALES[pickLang(lang)];

/**
 * The string of `key` in `lang` (default: the page's), with `{name}` placeholders filled
 * from `params`; English when the language lacks the key, the key itself when English
 * lacks it too (so a missing string shows, and the tests see it).
 */
export function t(key, params = {}, lang = current) {
  const table = TABLES[pickLang(lang)] || en; // not loaded yet: English
  const v = Object.hasOwn(table, key) ? table[key] : en[key];
  if (v === undefined) return key;
  if (typeof v === 'function') return v(params);
  return v.replace(/\{(\w+)\}/g, (m, k) => (params[k] === undefined ? m : String(params[k])));
}

// English static text → key, for translateDom.
let byText = null;
function keyOf(text) {
  if (!byText) {
    byText = new Map();
    for (const [k, v] of Object.entries(en)) if (typeof v === 'string' && !byText.has(v)) byText.set(v, k);
  }
  return byText.get(text);
}

/**
 * Translates the static text under `root` (a document, element or shadow root) into
 * `lang`: every text node and aria-label, title and placeholder whose English words are a
 * value of `en`, and every `[data-i18n-html]` element (text with <code>, from this
 * table only). Templates' content is translated too.
 */
export function translateDom(root, lang = current) {
  if (pickLang(lang) === 'en') return;
  const doc = root.ownerDocument || root;
  const roots = [root, ...[...root.querySelectorAll('template')].map((x) => x.content)];
  for (const r of roots) {
    for (const el of r.querySelectorAll('[data-i18n-html]')) el.innerHTML = t(el.dataset.i18nHtml, {}, lang);
    const walk = doc.createTreeWalker(r, NodeFilter.SHOW_TEXT);
    const nodes = [];
    while (walk.nextNode()) nodes.push(walk.currentNode);
    for (const n of nodes) {
      const text = n.nodeValue.replace(/\s+/g, ' ').trim();
      const key = text && keyOf(text);
      if (key) n.nodeValue = n.nodeValue.replace(/\S[\s\S]*\S|\S/, t(key, {}, lang));
    }
    for (const el of r.querySelectorAll('[aria-label], [title], [placeholder]')) {
      for (const attr of ['aria-label', 'title', 'placeholder']) {
        const key = el.hasAttribute(attr) && keyOf(el.getAttribute(attr));
        if (key) el.setAttribute(attr, t(key, {}, lang));
      }
    }
  }
}
