// Timetable grids (days × periods) for one curriculum, teacher or room, with the cells that
// violations touch highlighted. Pure DOM building, shared by the page (app.js) and the
// <atoll-solver> element (atoll.js); the data come from Session.timetable() and the
// violation list of Session.check() (both computed in Rust). Words come from i18n.js, in
// the `lang` given (the page's language when none is).
import { t } from './i18n.js';

/** The view kinds, with their English names (kindName gives them in the page's language). */
export const KINDS = Object.fromEntries(['curriculum', 'teacher', 'room'].map((k) => [k, t(`kind.${k}`, {}, 'en')]));

/** A view kind's name ('curriculum', 'teacher', 'room') in `lang`. */
export const kindName = (kind, lang) => t(`kind.${kind}`, {}, lang);

/** A rule's or breakdown component's name in `lang`; the rule's id for one the table lacks. */
export function ruleName(rule, lang) {
  const key = `rule.${rule}`;
  const name = t(key, {}, lang);
  return name === key ? rule : name;
}

// Violation rules (eval's `Rule`, snake_case) and breakdown components, with their English
// names (ruleName gives them in the page's language), in the order the rule filters list them.
export const RULES = Object.fromEntries(['lectures', 'conflicts', 'availability', 'room_occupancy', 'room_unsuitable',
  'room_closed', 'past_end_of_day', 'pin_not_kept', 'room_capacity', 'min_working_days', 'curriculum_compactness',
  'room_stability', 'teacher_preference', 'curriculum_daily_limit', 'teacher_daily_limit', 'moved',
  // Breakdown components without a rule of their own name.
  'placement', 'daily_limit', 'changes'].map((r) => [r, t(`rule.${r}`, {}, 'en')]));

// Rules about a room: a lecture is involved only when it is in one of the violation's rooms.
const ROOM_RULES = new Set(['room_occupancy', 'room_capacity', 'room_stability', 'room_unsuitable', 'room_closed']);

/** The teachers of a lecture row: all of them (co-teachers too) where the build gives them. */
export const teachersOf = (l) => l.teachers || [l.teacher];

/** Periods a lecture occupies (its first period and the following ones). */
export const durationOf = (l) => Math.max(1, l.duration || 1);

/** The day name and period name of (day, period), from the timetable when it has them. */
export function dayName(tt, d, lang) {
  return (tt.day_names && tt.day_names[d]) || t('grid.day', { n: d }, lang);
}
export function periodName(tt, p, lang) {
  return (tt.period_names && tt.period_names[p]) || t('grid.period', { n: p }, lang);
}

/**
 * True when violation `v` involves lecture `row`: its course is named, it is at one of the
 * violation's periods (when the violation has periods), and for the room rules it is in
 * one of the violation's rooms.
 */
export function touches(v, row) {
  if (!v.courses.includes(row.course)) return false;
  // A multi-period lecture is touched at any period it occupies.
  const d = durationOf(row);
  if (v.periods.length && !v.periods.some((p) => p.day === row.day && p.period >= row.period
    && p.period < row.period + d)) return false;
  if (ROOM_RULES.has(v.rule) && v.rooms.length && !v.rooms.includes(row.room)) return false;
  return true;
}

/** The names of one kind, in instance order: curricula, teachers or rooms. */
export function namesOf(tt, kind) {
  if (kind === 'room') return tt.rooms.map((r) => r.name);
  if (kind === 'teacher') return tt.teachers;
  return tt.curricula;
}

/** The lectures of one curriculum, teacher or room. */
export function lecturesOf(tt, kind, name) {
  return tt.lectures.filter((l) => inView(l, kind, name));
}

/** True when lecture row `l` belongs to the grid of `kind` `name` (a teacher: any of its teachers). */
export function inView(l, kind, name) {
  if (kind === 'room') return l.room === name;
  if (kind === 'teacher') return teachersOf(l).includes(name);
  return l.curricula.includes(name);
}

/**
 * Where a violation is best seen: its first curriculum, else its first room (room rules),
 * else the teacher of its first course. Returns { kind, name } or null.
 */
export function placeOf(tt, v) {
  if (v.curricula.length) return { kind: 'curriculum', name: v.curricula[0] };
  if (ROOM_RULES.has(v.rule) && v.rooms.length && v.rule !== 'room_stability') {
    return { kind: 'room', name: v.rooms[0] };
  }
  const row = tt.lectures.find((l) => v.courses.includes(l.course));
  if (row) return { kind: 'teacher', name: teachersOf(row)[0] };
  return null;
}

/**
 * Per lecture (by index in tt.lectures): 'hard', 'soft' or undefined, the worst violation
 * that touches it. Computed once per result.
 */
export function markLectures(tt, violations) {
  const marks = new Array(tt.lectures.length);
  const byCourse = new Map();
  tt.lectures.forEach((l, i) => {
    if (!byCourse.has(l.course)) byCourse.set(l.course, []);
    byCourse.get(l.course).push(i);
  });
  for (const v of violations) {
    for (const c of v.courses) {
      for (const i of byCourse.get(c) || []) {
        if (marks[i] === 'hard' || !touches(v, tt.lectures[i])) continue;
        marks[i] = v.hard ? 'hard' : 'soft';
      }
    }
  }
  return marks;
}

/**
 * Per lecture (by index in tt.lectures): the move that brought it where it stands, from a
 * repair's `moves.lectures` ([{ course, lecture, from, to, kind }], `from`/`to` being
 * { day, period, room }), or undefined. Matched by course and place, not by lecture
 * number: a course's lectures are interchangeable, and the rows come from the `.sol` text.
 */
export function movedLectures(tt, moves) {
  const out = new Array(tt.lectures.length);
  if (!moves || !moves.lectures) return out;
  const key = (course, p) => `${course}\u0000${p.day}\u0000${p.period}\u0000${p.room}`;
  const byPlace = new Map();
  tt.lectures.forEach((l, i) => {
    const k = key(l.course, l);
    if (!byPlace.has(k)) byPlace.set(k, []);
    byPlace.get(k).push(i);
  });
  for (const m of moves.lectures) {
    const at = byPlace.get(key(m.course, m.to));
    const i = at && at.find((j) => out[j] === undefined);
    if (i !== undefined) out[i] = m;
  }
  return out;
}

/** "Tue 2, room A": a place of a move, by the timetable's day and period names. */
export function placeText(tt, p, lang) {
  return t('grid.place', { day: dayName(tt, p.day, lang), period: periodName(tt, p.period, lang), room: p.room }, lang);
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * A <table class="tt-grid"> for one curriculum/teacher/room: a column per day (its name), a
 * row per period (its name, and its times: the instance's, else `periodLabels`), each
 * lecture as course + room at its first period. A lecture of several periods also shows a
 * continuation box (`.lec-cont`) in each further period it occupies, and its box carries
 * `data-duration` and the class `multi`. Pinned lectures have the class `pinned` and a pin
 * mark; `pending` (lecture index → true/false) overrides the pin state shown, for pins
 * toggled on the page and not yet re-solved. `moved` (from movedLectures) outlines the
 * lectures a repair moved (class `relocated`) and says where each came from. `marks`
 * comes from markLectures; `selected` is a violation whose lectures get the 'selected'
 * class. A lecture in a violation also carries a marker (⚠ soft, ✖ hard) and the words
 * "soft violation"/"hard violation" for screen readers: colour is never the only signal.
 *
 * Keyboard: the grid (role="grid") is one tab stop, the cell at `focus` ({ day, period },
 * else the first lecture's cell); the arrow keys move between cells, Home/End to the
 * first/last day, Ctrl+Home/Ctrl+End to the first/last cell (a roving tabindex).
 */
export function renderGrid(tt, kind, name, { marks = [], selected = null, periodLabels = null,
  pending = null, moved = null, focus = null, lang } = {}) {
  const table = el('table', 'tt-grid');
  table.setAttribute('role', 'grid');
  table.setAttribute('aria-readonly', 'true');
  table.dataset.kind = kind;
  table.dataset.name = name;
  const cap = el('caption', '', `${kindName(kind, lang)} ${name}`);
  table.append(cap);
  const head = el('tr');
  const corner = el('th', 'corner');
  corner.append(el('span', 'visually-hidden', t('grid.corner', {}, lang)));
  head.append(corner);
  for (let d = 0; d < tt.days; d++) {
    const th = el('th', 'day', dayName(tt, d, lang));
    th.scope = 'col';
    th.dataset.day = String(d);
    head.append(th);
  }
  const thead = el('thead');
  thead.append(head);
  table.append(thead);
  const body = el('tbody');
  table.append(body);
  const cells = [];
  const times = tt.period_times && tt.period_times.length === tt.periods_per_day ? tt.period_times : periodLabels;
  for (let p = 0; p < tt.periods_per_day; p++) {
    const tr = el('tr');
    const th = el('th', 'period', periodName(tt, p, lang));
    th.scope = 'row';
    if (times && times[p] && times[p] !== periodName(tt, p, lang)) th.append(el('small', '', times[p]));
    tr.append(th);
    cells.push([]);
    for (let d = 0; d < tt.days; d++) {
      const td = el('td');
      td.dataset.day = String(d);
      td.dataset.period = String(p);
      td.tabIndex = -1;
      tr.append(td);
      cells[p].push(td);
    }
    body.append(tr);
  }
  let count = 0;
  tt.lectures.forEach((l, i) => {
    if (!inView(l, kind, name)) return;
    count++;
    const td = cells[l.period] && cells[l.period][l.day];
    if (!td) return;
    const box = el('div', 'lec');
    box.dataset.course = l.course;
    box.dataset.room = l.room;
    box.dataset.index = String(i);
    if (l.lecture !== undefined) box.dataset.lecture = String(l.lecture);
    const d = durationOf(l);
    box.dataset.duration = String(d);
    if (d > 1) box.classList.add('multi');
    const pinned = pending && pending.has(i) ? pending.get(i) : !!l.pinned;
    if (pinned) box.classList.add('pinned');
    if (pending && pending.has(i) && pending.get(i) !== !!l.pinned) box.classList.add('pin-changed');
    if (marks[i]) box.classList.add(marks[i]);
    const violation = marks[i] ? t(marks[i] === 'hard' ? 'grid.hardViolation' : 'grid.softViolation', {}, lang) : '';
    if (selected && touches(selected, l)) box.classList.add('selected');
    const title = el('strong', '', l.course);
    if (pinned) title.prepend(el('span', 'pin-mark', t('legend.pin', {}, lang)));
    if (marks[i]) {
      const mark = el('span', 'viol-mark', marks[i] === 'hard' ? '✖' : '⚠');
      mark.setAttribute('aria-hidden', 'true');
      box.append(mark);
    }
    box.append(title, el('span', 'room', l.room));
    if (violation) box.append(el('span', 'visually-hidden', ` (${violation})`));
    if (d > 1) box.append(el('span', 'span-note', t('grid.periods', { n: d }, lang)));
    const move = moved && moved[i];
    if (move) {
      box.classList.add('relocated');
      box.dataset.movedFrom = placeText(tt, move.from, lang);
      box.dataset.moveKind = move.kind;
      box.append(el('span', 'moved-from', move.kind === 'room_only' ? `← ${t('grid.room', { room: move.from.room }, lang)}`
        : `← ${dayName(tt, move.from.day, lang)} ${periodName(tt, move.from.period, lang)}`));
    }
    const when = `${dayName(tt, l.day, lang)} ${periodName(tt, l.period, lang)}`
      + (d > 1 ? `–${periodName(tt, Math.min(l.period + d - 1, tt.periods_per_day - 1), lang)}` : '');
    const movedFrom = move ? t('grid.movedFrom', { place: placeText(tt, move.from, lang) }, lang) : '';
    box.title = t('grid.title', { course: l.course, room: l.room, students: l.students, capacity: l.capacity, when,
      teachers: teachersOf(l).join(', '), teachersN: teachersOf(l).length }, lang)
      + (l.curricula.length ? ` · ${l.curricula.join(', ')}` : '')
      + (pinned ? t('grid.pinned', {}, lang) : '')
      + (move ? ` · ${movedFrom}` : '')
      + (violation ? ` · ${violation}` : '');
    if (move) {
      box.setAttribute('aria-label', `${l.course}, ${l.room}, ${when}, ${movedFrom}`
        + (violation ? `, ${violation}` : ''));
    }
    td.append(box);
    if (td.querySelectorAll('.lec, .lec-cont').length > 1) td.classList.add('clash');
    // The further periods the lecture occupies, on the same day.
    for (let k = 1; k < d && l.period + k < tt.periods_per_day; k++) {
      const next = cells[l.period + k][l.day];
      const cont = el('div', `lec-cont${marks[i] ? ` ${marks[i]}` : ''}`, `↳ ${l.course}`);
      cont.dataset.course = l.course;
      cont.dataset.index = String(i);
      cont.title = box.title;
      next.append(cont);
      if (next.querySelectorAll('.lec, .lec-cont').length > 1) next.classList.add('clash');
    }
  });
  table.dataset.lectures = String(count);
  // The one tab stop: the cell asked for, else the first cell holding a lecture, else the first.
  const at = (d, p) => cells[p] && cells[p][d];
  let stop = focus && at(focus.day, focus.period);
  if (!stop) stop = body.querySelector('td:has(.lec)') || at(0, 0);
  if (stop) stop.tabIndex = 0;
  table.addEventListener('keydown', (e) => moveFocus(e, table, cells, tt));
  // Whatever cell gets the focus (a click too) becomes the tab stop.
  table.addEventListener('focusin', (e) => {
    const td = e.target.closest('td');
    if (!td || !table.contains(td) || td.tabIndex === 0) return;
    for (const x of table.querySelectorAll('td[tabindex="0"]')) x.tabIndex = -1;
    td.tabIndex = 0;
  });
  return table;
}

/** Arrow keys, Home/End (with Ctrl: the first/last cell) move the grid's focus and tab stop. */
function moveFocus(e, table, cells, tt) {
  const td = e.target.closest('td');
  if (!td || !table.contains(td)) return;
  let d = Number(td.dataset.day);
  let p = Number(td.dataset.period);
  switch (e.key) {
    case 'ArrowLeft': d--; break;
    case 'ArrowRight': d++; break;
    case 'ArrowUp': p--; break;
    case 'ArrowDown': p++; break;
    case 'Home': d = 0; if (e.ctrlKey) p = 0; break;
    case 'End': d = tt.days - 1; if (e.ctrlKey) p = tt.periods_per_day - 1; break;
    default: return;
  }
  e.preventDefault();
  d = Math.max(0, Math.min(tt.days - 1, d));
  p = Math.max(0, Math.min(tt.periods_per_day - 1, p));
  const next = cells[p][d];
  if (next !== td) next.focus(); // focusin moves the tab stop
}

/** Pixels per slot of an ITC-2019 week grid (5-minute slots: 48 px an hour). */
const ITC_SLOT_PX = 4;

/**
 * An ITC-2019 week grid (the library's WeekGrid: src/itc2019/view.rs): a column per day,
 * time running down from `first_slot` to `end_slot` with a label every hour, each class a
 * box at its clock times, overlapping classes side by side in their lanes (from the
 * library). The look of the `.ctt` grid: `.lec` boxes, ⚠/✖ markers and the words "soft
 * violation"/"hard violation" for screen readers (colour is never the only signal). Each
 * day is a labelled group holding a list of its classes in time order, so a screen reader
 * reads a day as a list; the hour labels are decoration (every box says its times).
 */
export function renderWeekGrid(g, { dayNames = [], caption = '', lang } = {}) {
  const wrap = el('div', 'itc-grid');
  wrap.dataset.kind = g.kind;
  wrap.dataset.name = g.name;
  wrap.dataset.week = String(g.week);
  wrap.dataset.cells = String(g.cells.length);
  if (caption) wrap.append(el('p', 'itc-grid-caption', caption));
  const height = (g.end_slot - g.first_slot) * ITC_SLOT_PX;
  const cols = el('div', 'itc-cols');
  const hours = el('div', 'itc-hours');
  hours.setAttribute('aria-hidden', 'true');
  hours.append(el('div', 'itc-day-name', ''));
  const scale = el('div', 'itc-day-body');
  scale.style.height = `${height}px`;
  const perHour = Math.max(1, Math.round(60 / g.minutes_per_slot));
  for (let s = g.first_slot; s <= g.end_slot; s += perHour) {
    const m = s * g.minutes_per_slot;
    const label = el('span', 'itc-hour', `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`);
    label.style.top = `${(s - g.first_slot) * ITC_SLOT_PX}px`;
    scale.append(label);
  }
  hours.append(scale);
  cols.append(hours);
  // Days with a class, and every working day (Monday to Friday) of a 7-day week.
  const shown = new Set(g.cells.map((c) => c.day));
  for (let d = 0; d < Math.min(g.nr_days, 5); d++) shown.add(d);
  for (const d of [...shown].sort((a, b) => a - b)) {
    const name = dayNames[d] || t('grid.day', { n: d }, lang);
    const day = el('div', 'itc-day');
    day.setAttribute('role', 'group');
    day.setAttribute('aria-label', name);
    day.dataset.day = String(d);
    const head = el('div', 'itc-day-name', name);
    head.setAttribute('aria-hidden', 'true');
    const body = el('ul', 'itc-day-body');
    body.style.height = `${height}px`;
    for (let s = g.first_slot + perHour; s < g.end_slot; s += perHour) {
      const line = el('li', 'itc-hour-line');
      line.setAttribute('aria-hidden', 'true');
      line.style.top = `${(s - g.first_slot) * ITC_SLOT_PX}px`;
      body.append(line);
    }
    for (const c of g.cells.filter((x) => x.day === d)) {
      const box = el('li', `lec itc-lec${c.mark ? ` ${c.mark}` : ''}`);
      Object.assign(box.dataset, { class: c.class, course: c.course, day: String(c.day), start: c.start_clock,
        end: c.end_clock, room: c.room || '', lane: String(c.lane), lanes: String(c.lanes) });
      box.style.top = `${(c.start - g.first_slot) * ITC_SLOT_PX}px`;
      box.style.height = `${Math.max(1, c.end - c.start) * ITC_SLOT_PX - 2}px`;
      box.style.left = `${(100 * c.lane) / c.lanes}%`;
      box.style.width = `calc(${100 / c.lanes}% - 2px)`;
      if (c.mark) {
        const mark = el('span', 'viol-mark', c.mark === 'hard' ? '✖' : '⚠');
        mark.setAttribute('aria-hidden', 'true');
        box.append(mark);
      }
      box.append(el('strong', '', `${c.course} · ${c.class}`));
      box.append(el('span', 'room', `${c.start_clock}–${c.end_clock}${c.room ? ` · ${c.room}` : ''}`));
      const violation = c.mark ? t(c.mark === 'hard' ? 'grid.hardViolation' : 'grid.softViolation', {}, lang) : '';
      if (violation) box.append(el('span', 'visually-hidden', ` (${violation})`));
      box.title = t('itc.cellTitle', { course: c.course, class: c.class, subpart: c.subpart, start: c.start_clock,
        end: c.end_clock, room: c.room || '—', students: c.students, limit: c.limit }, lang)
        + (violation ? ` · ${violation}` : '');
      body.append(box);
    }
    day.append(head, body);
    cols.append(day);
  }
  wrap.append(cols);
  return wrap;
}
