// Results of a solve in the page: timetable grids per curriculum, teacher and room with the
// violations highlighted, a violation list that selects cells, the best known value, and
// every export (.sol, CSV, JSON, iCalendar) checked against the native CLI; then a checked
// (infeasible) file, the threads setting, and the print stylesheet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { atoll, instance, screenshot, text, num, ARTIFACTS, FIXTURES, withPage, noProblemsIn, download } from './helpers.mjs';

let ctx;
withPage({ query: 'threads=2' }, 'results-final', (c) => { ctx = c; });

const noProblems = () => noProblemsIn(ctx);

/** Clicks an export button and returns the saved file's path, name and text. */
async function exportFile(page, button, name) {
  const d = await download(page, button, name);
  return { ...d, body: d.bytes.toString('utf8') };
}

const solLines = (text) => text.split('\n').map((l) => l.trim()).filter(Boolean).sort();

let shownSoft;
let sol;

test('comp01, 3 s: the timetable card shows grids, the score and the best known value', async () => {
  const { page } = ctx;
  await page.selectOption('#sample', 'comp01.ctt');
  await page.click('#load-sample');
  await page.waitForSelector('#summary[data-name="Fis0506-1"]');
  assert.equal(await page.locator('#results-card').isVisible(), false, 'no timetable yet');
  await page.fill('#solve-time', '3');
  await page.click('#solve-run');
  await page.waitForSelector('#results-card[data-state="shown"]', { timeout: 60_000 });
  shownSoft = await num(page, '#solve-report [data-field="soft_cost"]');
  const card = page.locator('#results-card');
  assert.equal(Number(await card.getAttribute('data-soft-cost')), shownSoft);
  assert.equal(await card.getAttribute('data-source'), 'solve');
  assert.match(await text(page, '#results-score'), new RegExp(`Feasible · cost ${shownSoft}`));
  assert.match(await text(page, '#results-score'), /best known 5/);
  assert.match(await text(page, '#solve-report .best-known'), /^Best known for comp01 \(Fis0506-1\): 5 · /);

  // A curriculum grid: days × periods, each lecture as course + room.
  await page.selectOption('#grid-kind', 'curriculum');
  await page.selectOption('#grid-name', 'q000');
  const grid = page.locator('#grid table.tt-grid');
  assert.equal(await grid.getAttribute('data-name'), 'q000');
  assert.equal(await grid.locator('thead th.day').count(), 5);
  assert.equal(await grid.locator('tbody tr').count(), 6);
  const info = atoll('info', '--json', instance('comp01'));
  assert.equal(info.days, 5);
  const lec = grid.locator('.lec').first();
  assert.match(await lec.locator('strong').innerText(), /^c\d{4}$/);
  assert.match(await lec.locator('.room').innerText(), /^r[A-Z]$/);
  // Teacher and room views list every teacher and room of the instance.
  await page.selectOption('#grid-kind', 'teacher');
  assert.equal(await page.locator('#grid-name option').count(), info.teachers);
  assert.equal(await page.locator('#grid table').getAttribute('data-kind'), 'teacher');
  await page.selectOption('#grid-kind', 'room');
  assert.equal(await page.locator('#grid-name option').count(), info.rooms);
  // Summed over the rooms, the grids hold every lecture once.
  let total = 0;
  for (const value of await page.locator('#grid-name option').evaluateAll((os) => os.map((o) => o.value))) {
    await page.selectOption('#grid-name', value);
    total += Number(await page.locator('#grid table').getAttribute('data-lectures'));
  }
  assert.equal(total, info.lectures);
  await screenshot(page, 'results-grid');
  noProblems();
});

test('choosing a violation highlights exactly its lectures in the grid', async () => {
  const { page } = ctx;
  const rows = page.locator('#solve-report .violations tbody tr');
  const n = await rows.count();
  assert.ok(n > 0, 'comp01 after 3 s still has soft violations to show');
  // Every violation: the grid shown contains highlighted cells that belong to it.
  for (let i = 0; i < Math.min(n, 8); i++) {
    await rows.nth(i).click();
    const v = await rows.nth(i).evaluate((tr) => tr.violation);
    const selected = page.locator('#grid .lec.selected');
    const count = await selected.count();
    assert.ok(count >= 1, `violation ${i} (${v.message}) highlights a cell`);
    for (const course of await selected.evaluateAll((els) => els.map((e) => e.dataset.course))) {
      assert.ok(v.courses.includes(course), `highlighted ${course} belongs to "${v.message}"`);
    }
    if (v.periods.length) {
      const cells = await selected.evaluateAll((els) => els.map((e) => e.closest('td').dataset));
      for (const c of cells) {
        assert.ok(v.periods.some((p) => p.day === Number(c.day) && p.period === Number(c.period)),
          `highlighted cell day ${c.day} period ${c.period} is one of the violation's periods`);
      }
    }
    assert.match(await text(page, '#grid-note'), new RegExp(`^Selected: ${v.message.replace(/[()]/g, '\\$&')}`));
    assert.equal(await rows.nth(i).getAttribute('class'), `${v.hard ? 'hard' : 'soft'} chosen`);
  }
  // The list beside the grid has the same violations and selects the same way.
  const side = page.locator('#side-list button.viol');
  assert.equal(await side.count(), Math.min(n, 400));
  await side.last().click();
  const last = await side.last().evaluate((b) => b.violation);
  assert.equal(await side.last().getAttribute('class'), `viol ${last.hard ? 'hard' : 'soft'} chosen`);
  assert.equal(await rows.last().getAttribute('class'), `${last.hard ? 'hard' : 'soft'} chosen`, 'the report row too');
  assert.ok(await page.locator('#grid .lec.selected').count() >= 1);
  for (const course of await page.locator('#grid .lec.selected').evaluateAll((els) => els.map((e) => e.dataset.course))) {
    assert.ok(last.courses.includes(course));
  }
  // Chosen in the report, the side list shows it too (scrolled to it).
  await rows.nth(Math.min(n, 8) - 1).click();
  const chosen = page.locator('#side-list button.viol.chosen');
  assert.equal(await chosen.count(), 1);
  const inView = await chosen.evaluate((b) => {
    const l = b.closest('ol').getBoundingClientRect();
    const r = b.getBoundingClientRect();
    return r.top >= l.top - 1 && r.bottom <= l.bottom + 1;
  });
  assert.ok(inView, 'the chosen violation is visible in the side list');
  // Soft-violation cells are marked even without a selection.
  assert.ok(await page.locator('#grid .lec.soft, #grid .lec.hard').count() >= 1);
  await screenshot(page, 'results-violation-selected');
  noProblems();
});

test('exports: .sol re-checks to the cost shown; CSV, JSON and .ics hold the same lectures', async () => {
  const { page } = ctx;
  const s = await exportFile(page, '#export-sol', 'results-comp01.sol');
  assert.equal(s.suggested, 'comp01.sol');
  const cli = atoll('check', '--json', instance('comp01'), s.file);
  assert.equal(cli.soft_cost, shownSoft, 'the exported .sol scores what the page shows');
  assert.equal(cli.hard_violations, 0);
  sol = solLines(s.body);
  assert.equal(sol.length, 160);

  const csv = await exportFile(page, '#export-csv', 'results-comp01.csv');
  assert.equal(csv.suggested, 'comp01.csv');
  const lines = csv.body.split('\r\n').filter(Boolean);
  assert.equal(lines[0], 'course,teacher,room,day,period,curricula,teachers,day_name,period_name,start,end,duration,pinned');
  assert.equal(lines.length, 161, 'a row per lecture');
  const fromCsv = lines.slice(1).map((l) => {
    const [course, teacher, room, day, period, curricula] = l.split(',');
    assert.match(teacher, /^t\d{3}$/);
    assert.match(curricula, /^q\d{3}(;q\d{3})*$/);
    return `${course} ${room} ${day} ${period}`;
  }).sort();
  assert.deepEqual(fromCsv, sol, 'the CSV has the lectures of the .sol');

  const json = await exportFile(page, '#export-json', 'results-comp01.json');
  const j = JSON.parse(json.body);
  assert.equal(j.soft, shownSoft);
  assert.equal(j.hard, 0);
  assert.deepEqual(j.breakdown, { hard: cli.hard, soft: cli.soft });
  assert.equal(j.violations.length, cli.violations.length);
  assert.deepEqual(solLines(j.solution), sol);
  assert.equal(j.lectures.length, 160);
  assert.equal(j.instance, 'Fis0506-1');

  await page.fill('#ics-start', '2026-09-07');
  await page.fill('#ics-times', '08:00, 09:30, 11:00, 12:30, 14:00, 15:30');
  await page.fill('#ics-length', '90');
  await page.fill('#ics-weeks', '13');
  const ics = await exportFile(page, '#export-ics', 'results-comp01.ics');
  assert.equal(ics.suggested, 'comp01.ics');
  assert.ok(ics.body.startsWith('BEGIN:VCALENDAR\r\n'));
  assert.equal(ics.body.match(/BEGIN:VEVENT/g).length, 160);
  assert.equal(ics.body.match(/RRULE:FREQ=WEEKLY;COUNT=13/g).length, 160);
  // Each lecture's event starts at its day (7 Sept + day) and period time.
  const starts = ['0800', '0930', '1100', '1230', '1400', '1530'];
  const events = ics.body.split('BEGIN:VEVENT').slice(1).map((e) => {
    const start = e.match(/DTSTART:(\d{8})T(\d{4})00/);
    const course = e.match(/SUMMARY:(\S+)/)[1];
    const room = e.match(/LOCATION:(\S+)/)[1];
    const day = Number(start[1]) - 20260907;
    return `${course} ${room} ${day} ${starts.indexOf(start[2])}`;
  }).sort();
  assert.deepEqual(events, sol, 'the calendar has the lectures of the .sol at their times');

  // A bad setting is a clear message, no file.
  await page.fill('#ics-times', '08:00, 09:30');
  await page.click('#export-ics');
  await page.waitForSelector('#export-error:not([hidden])');
  assert.equal(await text(page, '#export-error'), '2 period start time(s) given, but the instance has 6 periods a day');
  await page.fill('#ics-times', '08:00, 09:30, 11:00, 12:30, 14:00, 15:30');
  noProblems();
});

test('a checked infeasible file: its timetable replaces the result, hard cells marked', async () => {
  const { page } = ctx;
  await page.setInputFiles('#solution-file', path.join(FIXTURES, 'comp01-random.sol'));
  await page.waitForSelector('#results-card[data-source="check"]');
  const cli = atoll('check', '--json', instance('comp01'), path.join(FIXTURES, 'comp01-random.sol'));
  assert.equal(Number(await page.locator('#results-card').getAttribute('data-hard-violations')), cli.hard_violations);
  assert.match(await text(page, '#results-source'), /^Checked file comp01-random\.sol/);
  assert.match(await text(page, '#check .best-known'), /not feasible yet/);
  // Choose the first hard conflict: both courses at the same period, highlighted.
  const rows = page.locator('#check .violations tbody tr.hard');
  assert.ok(await rows.count() > 0);
  await page.selectOption('#check .violation-filter', 'conflicts');
  await page.locator('#check .violations tbody tr').first().click();
  const v = await page.locator('#check .violations tbody tr').first().evaluate((tr) => tr.violation);
  assert.equal(v.rule, 'conflicts');
  const sel = await page.locator('#grid .lec.selected').evaluateAll((els) => els.map((e) => e.dataset.course));
  assert.deepEqual([...new Set(sel)].sort(), [...v.courses].sort(), 'both conflicting courses are highlighted');
  assert.ok(await page.locator('#grid td.clash').count() >= 1, 'the clash cell is marked');
  assert.ok(await page.locator('#grid .lec.hard').count() >= 2);
  // A violation far down the list: the side list scrolls to it.
  await page.locator('#check .violations tbody tr').nth(30).click();
  const chosen = page.locator('#side-list button.viol.chosen');
  assert.equal(await chosen.count(), 1);
  assert.ok(await page.locator('#side-list').evaluate((l) => l.scrollTop > 0), 'the side list scrolled');
  assert.ok(await chosen.evaluate((b) => {
    const l = b.closest('ol').getBoundingClientRect();
    const r = b.getBoundingClientRect();
    return r.top >= l.top - 1 && r.bottom <= l.bottom + 1;
  }), 'the chosen violation is visible in the side list');
  // The exported .sol of a checked file is that file's lectures (skipped lines left out).
  const s = await exportFile(page, '#export-sol', 'results-checked.sol');
  assert.equal(atoll('check', '--json', instance('comp01'), s.file).hard_violations, cli.hard_violations);
  await screenshot(page, 'results-checked-infeasible');
  await page.locator('#results-card').screenshot({ path: path.join(ARTIFACTS, 'results-card-infeasible.png') });
  noProblems();
});

test('print: only the grid is printed', async () => {
  const { page } = ctx;
  await page.emulateMedia({ media: 'print' });
  for (const sel of ['#instance-card', '#solve-card', '#check-card', '.top', '.exports', '.grid-controls']) {
    assert.equal(await page.locator(sel).first().isVisible(), false, `${sel} is not printed`);
  }
  assert.equal(await page.locator('#grid table.tt-grid').isVisible(), true);
  await screenshot(page, 'results-print');
  const pdf = await page.pdf({ landscape: true });
  fs.writeFileSync(path.join(ARTIFACTS, 'results-print.pdf'), pdf);
  assert.ok(pdf.length > 1000);
  await page.emulateMedia({ media: 'screen' });
  noProblems();
});

test('the threads setting restarts the pool: a solve on 1 thread', async () => {
  const { page } = ctx;
  await page.fill('#solve-threads-input', '1');
  await page.fill('#solve-time', '1');
  await page.click('#solve-run');
  await page.waitForFunction(() => / on 1 thread · /.test(document.querySelector('#solve-summary').textContent),
    null, { timeout: 60_000 });
  assert.match(await text(page, '#solve-summary'), /^Time limit reached after 1\.\d s · .* 1 island on 1 thread/);
  assert.equal(await text(page, '#solve-threads'), '1');
  assert.equal(await text(page, '#solve-evaluator-used'), 'CPU (1 thread)');
  noProblems();
});
