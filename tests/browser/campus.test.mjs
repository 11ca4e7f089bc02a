// The campus model in the page: the bundled sample campus (www/samples/campus.json) solved
// with 2 threads to zero hard violations, campus names in the grids, a lecture pinned by a
// click and kept by a re-solve that reports how many lectures moved, an iCalendar per
// teacher holding exactly that teacher's lectures, and the CSV sheets of
// examples/campus-csv dropped at once, summarised as `atoll info --json` summarises them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { atoll, screenshot, num, ROOT, withPage, noProblemsIn, download } from './helpers.mjs';

const SAMPLE = path.join(ROOT, 'www', 'samples', 'campus.json');
const SHEETS = path.join(ROOT, 'examples', 'campus-csv');
// Wall time of the sample campus solve (seconds): long enough for 2 threads to reach
// zero hard violations on the sample.
const SOLVE_S = Number(process.env.ATOLL_CAMPUS_SOLVE_S || 25);

let ctx;
withPage({ query: 'threads=2' }, 'campus-final', (c) => { ctx = c; });

const noProblems = () => noProblemsIn(ctx);

/** Clicks an export button and returns the saved file's name and text. */
async function exportFile(page, button, name) {
  const d = await download(page, button, name);
  return { ...d, body: d.bytes.toString('utf8') };
}

/** A CSV line split into fields (RFC 4180 quotes). */
function csvFields(line) {
  const out = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { cur += '"'; i++; } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { out.push(cur); cur = ''; } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** The rows of an exported CSV as objects keyed by the header. */
function csvRows(body) {
  const [head, ...lines] = body.split('\r\n').filter(Boolean);
  const keys = csvFields(head);
  return lines.map((l) => Object.fromEntries(csvFields(l).map((v, i) => [keys[i], v])));
}

/** The events of an .ics text: { summary, start, location } each (lines unfolded). */
function icsEvents(body) {
  const unfolded = body.replace(/\r\n /g, '');
  return unfolded.split('BEGIN:VEVENT').slice(1).map((ev) => {
    const get = (k) => (ev.match(new RegExp(`\\r\\n${k}:([^\\r]*)`)) || [])[1];
    const un = (s) => (s || '').replace(/\\([,;\\])/g, '$1');
    return { summary: un(get('SUMMARY')), start: get('DTSTART'), location: un(get('LOCATION')) };
  });
}

let summary;

test('the sample campus loads from the samples list and solves to zero hard violations on 2 threads', async (t) => {
  const { page } = ctx;
  await page.selectOption('#sample', 'campus.json');
  await page.click('#load-sample');
  await page.waitForSelector('#summary:not([hidden])');
  await page.waitForFunction(() => !document.querySelector('#summary-campus').hidden);
  summary = await page.evaluate(() => ({
    name: document.querySelector('#summary').dataset.name,
    courses: document.querySelector('#summary [data-field="courses"]').textContent,
    rooms: document.querySelector('#summary [data-field="rooms"]').textContent,
    campus: document.querySelector('#summary-campus').textContent,
  }));
  const cli = atoll('info', '--json', SAMPLE);
  assert.equal(summary.name, cli.name);
  assert.equal(Number(summary.courses.replace(/,/g, '')), cli.courses);
  assert.equal(Number(summary.rooms.replace(/,/g, '')), cli.rooms);
  assert.ok(cli.courses >= 250, `a realistic campus (${cli.courses} courses)`);
  assert.equal(cli.days, 6);
  assert.equal(cli.periods_per_day, 8);

  await page.fill('#solve-time', String(SOLVE_S));
  await page.fill('#solve-threads-input', '2');
  await page.click('#solve-run');
  await page.waitForSelector('#results-card[data-state="shown"]', { timeout: (SOLVE_S + 90) * 1000 });
  assert.equal(await num(page, '#solve-report [data-field="hard_violations"]'), 0, 'hard 0');
  assert.equal(await page.locator('#solve-report').getAttribute('data-feasible'), 'true');
  t.diagnostic(`sample campus, ${SOLVE_S} s on 2 threads: hard 0, soft ${await num(page, '#solve-report [data-field="soft_cost"]')}`);
  // The breakdown is shown, the campus components with it when the build reports them.
  for (const f of ['soft.room_capacity', 'soft.min_working_days', 'soft.curriculum_compactness', 'soft.room_stability']) {
    assert.match(await page.locator(`#solve-report [data-field="${f}"]`).innerText(), /^\d[\d,]*$/);
  }
  assert.ok(await page.locator('#solve-report .breakdown').isVisible());
  // Grid headers carry the campus names: day names, period names.
  await page.selectOption('#grid-kind', 'curriculum');
  // (textContent: the stylesheet shows day names in capitals.)
  const heads = await page.locator('#grid thead th.day').evaluateAll((els) => els.map((e) => e.textContent));
  const tt = await page.evaluate(() => window.__atollCurrent());
  assert.equal(heads.length, 6);
  assert.deepEqual(heads, tt.day_names);
  assert.ok(heads.every((h) => !/^Day \d+$/.test(h)), `named days: ${heads.join(', ')}`);
  assert.ok(summary.campus.includes(heads[0]), 'the summary lists the day names');
  assert.equal(await page.locator('#grid tbody th.period').count(), 8);
  // Period rows show the period's times from the instance.
  assert.equal(tt.period_times.length, 8);
  assert.match(await page.locator('#grid tbody th.period').first().innerText(), /\d{2}:\d{2}/);
  await screenshot(page, 'campus-solved');
  noProblems();
});

test('multi-period lectures span their periods; teacher grids show every teacher of a course', async () => {
  const { page } = ctx;
  const tt = await page.evaluate(() => window.__atollCurrent && window.__atollCurrent());
  assert.ok(tt, 'the page exposes the shown timetable for tests');
  const multi = tt.lectures.find((l) => l.duration > 1);
  assert.ok(multi, 'the sample campus has labs of several periods');
  const group = multi.curricula[0];
  if (group) {
    await page.selectOption('#grid-kind', 'curriculum');
    await page.selectOption('#grid-name', group);
    const box = page.locator(`#grid td[data-day="${multi.day}"][data-period="${multi.period}"] .lec[data-lecture="${multi.lecture}"]`);
    assert.equal(await box.getAttribute('data-duration'), String(multi.duration));
    const next = page.locator(`#grid td[data-day="${multi.day}"][data-period="${multi.period + 1}"] .lec-cont[data-index="${tt.lectures.indexOf(multi)}"]`);
    assert.ok(await next.count() >= 1, 'a continuation in the next period');
  }
  const shared = tt.lectures.find((l) => l.teachers.length > 1);
  if (shared) {
    await page.selectOption('#grid-kind', 'teacher');
    for (const t of shared.teachers) {
      await page.selectOption('#grid-name', t);
      assert.ok(await page.locator(`#grid .lec[data-lecture="${shared.lecture}"]`).count() === 1, `${shared.course} in ${t}'s grid`);
    }
  }
  noProblems();
});

test('an iCalendar per teacher holds exactly that teacher\'s lectures, at the instance\'s times', async () => {
  const { page } = ctx;
  const all = csvRows((await exportFile(page, '#export-csv', 'campus-all.csv')).body);
  const tt = await page.evaluate(() => window.__atollCurrent());
  assert.equal(all.length, tt.lectures.length);
  // The teacher with the most lectures.
  const counts = new Map();
  for (const r of all) for (const t of r.teachers.split(';')) counts.set(t, (counts.get(t) || 0) + 1);
  const [teacher] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  await page.selectOption('#export-kind', 'teacher');
  await page.selectOption('#export-name', teacher);
  const ics = await exportFile(page, '#export-ics', 'campus-teacher.ics');
  assert.match(ics.suggested, /-teacher-/);
  const events = icsEvents(ics.body);
  const mine = all.filter((r) => r.teachers.split(';').includes(teacher));
  assert.equal(events.length, mine.length, `${teacher}: one event per lecture`);
  const key = (course, room) => `${course} @ ${room}`;
  assert.deepEqual(events.map((e) => key(e.summary, e.location)).sort(), mine.map((r) => key(r.course, r.room)).sort());
  // Clock times come from the instance: each event starts at its row's start time.
  for (const r of mine) {
    const hhmm = r.start.replace(':', '');
    assert.ok(events.some((e) => e.summary === r.course && e.start.slice(9, 13) === hhmm), `${r.course} at ${r.start}`);
  }
  assert.ok(ics.body.replace(/\r\n /g, '').replace(/\\([,;\\])/g, '$1').includes(`X-WR-CALNAME:${tt.name} — teacher ${teacher}`));
  // A teacher's CSV has the same rows.
  const csv = csvRows((await exportFile(page, '#export-csv', 'campus-teacher.csv')).body);
  assert.equal(csv.length, mine.length);
  await page.selectOption('#export-kind', '');
  noProblems();
});

test('clicking a lecture pins it; re-solve keeps it there and says how many lectures moved', async (t) => {
  const { page } = ctx;
  await page.selectOption('#grid-kind', 'room');
  const box = page.locator('#grid .lec:not(.pinned)').first();
  const lecture = await box.getAttribute('data-lecture');
  const course = await box.getAttribute('data-course');
  const room = await box.getAttribute('data-room');
  const cell = box.locator('xpath=ancestor::td');
  const day = await cell.getAttribute('data-day');
  const period = await cell.getAttribute('data-period');
  await box.click();
  const pinnedBox = page.locator(`#grid .lec[data-lecture="${lecture}"]`);
  assert.match(await pinnedBox.getAttribute('class'), /\bpinned\b/);
  assert.match(await pinnedBox.getAttribute('class'), /\bpin-changed\b/);
  assert.equal(await page.locator('#pin-summary').getAttribute('data-changed'), '1');
  // And one office edit: a teacher (not one of the pinned lecture's) becomes unavailable
  // at a period.
  const tt = await page.evaluate(() => window.__atollCurrent());
  const row = tt.lectures.find((l) => String(l.lecture) === lecture);
  const other = tt.teachers.find((t) => !row.teachers.includes(t));
  await page.selectOption('#edit-what', 'teacher_unavailable');
  await page.selectOption('#edit-name', other);
  await page.selectOption('#edit-day', '1');
  await page.selectOption('#edit-period', '2');
  await page.click('#edit-add');
  assert.equal(await page.locator('#edit-list li').count(), 1);

  await page.fill('#solve-time', '8');
  await page.click('#resolve-run');
  await page.waitForSelector('#results-card[data-source="resolve"]', { timeout: 120_000 });
  const moved = page.locator('#solve-moved');
  assert.match(await moved.innerText(), /^Re-solve: moved \d[\d,]* of \d[\d,]* lectures$/);
  const m = Number(await moved.getAttribute('data-moved'));
  const of = Number(await moved.getAttribute('data-of'));
  assert.ok(m >= 0 && m <= of, `moved ${m} of ${of}`);
  t.diagnostic(`re-solve (1 pin, 1 teacher unavailable, 8 s): moved ${m} of ${of} lectures, soft ${await num(page, '#solve-report [data-field="soft_cost"]')}`);
  assert.match(await page.locator('#solve-summary').innerText(), /moved \d/);
  // The pinned lecture is where it was, and pinned now.
  const rows = csvRows((await exportFile(page, '#export-csv', 'campus-resolved.csv')).body);
  const kept = rows.find((r) => r.course === course && r.room === room && r.day === day && r.period === period);
  assert.ok(kept, `${course} still at day ${day} period ${period} in ${room}`);
  assert.equal(kept.pinned, 'yes');
  assert.equal(await page.locator('#edit-list li').count(), 0, 'the edits are part of the instance now');
  assert.equal(await num(page, '#solve-report [data-field="hard_violations"]'), 0, 'still feasible');
  await screenshot(page, 'campus-resolved');
  noProblems();
});

test('the CSV sheets of examples/campus-csv dropped at once: the summary matches atoll info --json', async () => {
  const { page } = ctx;
  const files = fs.readdirSync(SHEETS).filter((f) => f.endsWith('.csv')).sort()
    .map((name) => ({ name, text: fs.readFileSync(path.join(SHEETS, name), 'utf8') }));
  assert.ok(files.length >= 4);
  const dropped = async (list) => page.evaluate((fs2) => {
    const dt = new DataTransfer();
    for (const f of fs2) dt.items.add(new File([f.text], f.name, { type: 'text/csv' }));
    document.querySelector('#dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, list);
  const before = await page.locator('#summary-title').textContent();
  await dropped(files);
  const cli = atoll('info', '--json', SHEETS);
  // The page names the sheet set itself (a drop carries no folder name).
  await page.waitForFunction((t) => document.querySelector('#summary-title').textContent !== t, before);
  assert.match(await page.locator('#summary-title').textContent(), /campus-sheets\.csv/);
  assert.equal(await page.locator('#instance-error').isVisible(), false);
  for (const k of ['courses', 'lectures', 'rooms', 'days', 'periods_per_day', 'curricula', 'teachers', 'unavailability_constraints']) {
    const shown = Number((await page.locator(`#summary [data-field="${k}"]`).innerText()).replace(/,/g, ''));
    assert.equal(shown, cli[k], k);
  }
  // A broken sheet: the error names the file.
  const broken = files.map((f) => (f.name === 'courses.csv'
    ? { name: f.name, text: f.text.replace(/\n([^,\n]*),([^,\n]*),\d+/, '\n$1,$2,many') } : f));
  await dropped(broken);
  await page.waitForSelector('#instance-error:not([hidden])');
  assert.match(await page.locator('#instance-error').innerText(), /courses\.csv/);
  // Mixing an instance file with sheets is refused with a clear message.
  await dropped([...files.slice(0, 1), { name: 'x.ctt', text: 'Name: x' }]);
  await page.waitForFunction(() => /either one instance file/.test(document.querySelector('#instance-error').textContent));
  noProblems();
});
