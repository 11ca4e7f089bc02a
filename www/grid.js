// Timetable grids (days × periods) for one curriculum, teacher or room, with the cells that
// violations touch highlighted. Pure DOM building, shared by the page (app.js) and the
// <atoll-solver> element (atoll.js); the data come from Session.timetable() and the
// violation list of Session.check() (both computed in Rust).

export const KINDS = {
  curriculum: 'Curriculum',
  teacher: 'Teacher',
  room: 'Room',
};

export const RULES = {
  lectures: 'Lectures', conflicts: 'Conflicts', availability: 'Availability',
  room_occupancy: 'Room occupancy', room_capacity: 'Room capacity',
  min_working_days: 'Min working days', curriculum_compactness: 'Curriculum compactness',
  room_stability: 'Room stability',
};

// Rules about a room: a lecture is involved only when it is in one of the violation's rooms.
const ROOM_RULES = new Set(['room_occupancy', 'room_capacity', 'room_stability']);

/**
 * True when violation `v` involves lecture `row`: its course is named, it is at one of the
 * violation's periods (when the violation has periods), and for the room rules it is in
 * one of the violation's rooms.
 */
export function touches(v, row) {
  if (!v.courses.includes(row.course)) return false;
  if (v.periods.length && !v.periods.some((p) => p.day === row.day && p.period === row.period)) return false;
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
  if (kind === 'room') return tt.lectures.filter((l) => l.room === name);
  if (kind === 'teacher') return tt.lectures.filter((l) => l.teacher === name);
  return tt.lectures.filter((l) => l.curricula.includes(name));
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
  if (row) return { kind: 'teacher', name: row.teacher };
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

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/**
 * A <table class="tt-grid"> for one curriculum/teacher/room: a column per day, a row per
 * period, each lecture as course + room. `marks` comes from markLectures; `selected` is a
 * violation whose lectures get the 'selected' class; `periodLabels` optional strings
 * (e.g. start times) shown under "Period p".
 */
export function renderGrid(tt, kind, name, { marks = [], selected = null, periodLabels = null } = {}) {
  const table = el('table', 'tt-grid');
  table.dataset.kind = kind;
  table.dataset.name = name;
  const cap = el('caption', '', `${KINDS[kind]} ${name}`);
  table.append(cap);
  const head = el('tr');
  head.append(el('th', 'corner', ''));
  for (let d = 0; d < tt.days; d++) {
    const th = el('th', 'day', `Day ${d}`);
    th.scope = 'col';
    head.append(th);
  }
  const thead = el('thead');
  thead.append(head);
  table.append(thead);
  const body = el('tbody');
  table.append(body);
  const cells = [];
  for (let p = 0; p < tt.periods_per_day; p++) {
    const tr = el('tr');
    const th = el('th', 'period', `Period ${p}`);
    th.scope = 'row';
    if (periodLabels && periodLabels[p]) th.append(el('small', '', periodLabels[p]));
    tr.append(th);
    cells.push([]);
    for (let d = 0; d < tt.days; d++) {
      const td = el('td');
      td.dataset.day = String(d);
      td.dataset.period = String(p);
      tr.append(td);
      cells[p].push(td);
    }
    body.append(tr);
  }
  let count = 0;
  tt.lectures.forEach((l, i) => {
    const inView = kind === 'room' ? l.room === name
      : kind === 'teacher' ? l.teacher === name : l.curricula.includes(name);
    if (!inView) return;
    count++;
    const td = cells[l.period] && cells[l.period][l.day];
    if (!td) return;
    const box = el('div', 'lec');
    box.dataset.course = l.course;
    box.dataset.room = l.room;
    if (marks[i]) box.classList.add(marks[i]);
    if (selected && touches(selected, l)) box.classList.add('selected');
    box.append(el('strong', '', l.course), el('span', 'room', l.room));
    box.title = `${l.course} · ${l.room} (${l.students} students, ${l.capacity} seats) · teacher ${l.teacher}`
      + (l.curricula.length ? ` · ${l.curricula.join(', ')}` : '');
    td.append(box);
    if (td.childElementCount > 1) td.classList.add('clash');
  });
  table.dataset.lectures = String(count);
  return table;
}
