// ITC-2019 in the page (issue 17, item 5): a dropped .xml instance shows its summary,
// solves with live progress (bounded by epochs, so the run is the same on every machine;
// Stop returns the best so far), the result's four parts and total equal the independent
// scorer's (shared/tools/itc2019_score.py) and `atoll check`'s of the exported solution
// XML, a chosen week's grid shows the classes of that week at their clock times, the
// violations are listed in words (a broken solution checked in the page), and the CSV and
// iCalendar exports hold every meeting with its real date from the chosen first Monday.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { open, screenshot, ARTIFACTS, ROOT, SHARED } from './helpers.mjs';

const INSTANCE = path.join(SHARED, 'instances', 'itc2019', 'test', 'wbg-fal10.xml');
const SCORER = path.join(SHARED, 'tools', 'itc2019_score.py');

/** The independent scorer's JSON for a solution file. */
function score(solution) {
  return JSON.parse(execFileSync('python3', [SCORER, INSTANCE, solution, '--json'], { encoding: 'utf8' }));
}

/** `atoll check --json` of the native CLI (release, else the quick profile's build), or null. */
function nativeCheck(solution) {
  for (const dir of ['release', 'quick']) {
    const bin = path.join(ROOT, 'target', dir, 'atoll');
    if (fs.existsSync(bin)) {
      return JSON.parse(execFileSync(bin, ['check', INSTANCE, solution, '--json'], { encoding: 'utf8' }));
    }
  }
  return null;
}

/** Clicks `sel` and saves the download under test-results/browser/ as `name`. */
async function save(page, sel, name) {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(sel)]);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await download.saveAs(file);
  return { file, suggested: download.suggestedFilename(), text: fs.readFileSync(file, 'utf8') };
}

/** `<class id days start weeks room>` of a solution XML, by id. */
function classesOf(xml) {
  const out = new Map();
  for (const m of xml.matchAll(/<class\s+([^>]*?)\/?>/g)) {
    const attrs = Object.fromEntries([...m[1].matchAll(/(\w+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    out.set(attrs.id, attrs);
  }
  return out;
}

const clock = (slot) => `${String(Math.floor((slot * 5) / 60)).padStart(2, '0')}:${String((slot * 5) % 60).padStart(2, '0')}`;
const ones = (bits) => [...bits].filter((c) => c === '1').length;

let ctx;
let solutionXml = '';
before(async () => {
  if (!fs.existsSync(INSTANCE)) throw new Error(`${INSTANCE} is missing (the shared ITC-2019 instances)`);
  ctx = await open({ query: 'threads=2' });
});
after(async () => {
  if (ctx) {
    await screenshot(ctx.page, 'itc2019-final');
    await ctx.close();
  }
});

test('a dropped .xml shows the ITC-2019 summary in place of the .ctt cards', async () => {
  const { page } = ctx;
  await page.setInputFiles('#instance-file', INSTANCE);
  await page.waitForSelector('#itc-card[data-name="wbg-fal10"]:not([hidden])');
  assert.equal(await page.locator('body').getAttribute('data-format'), 'itc2019');
  for (const id of ['#solve-card', '#check-card', '#perf-card', '#summary']) {
    assert.equal(await page.locator(id).isVisible(), false, `${id} is hidden`);
  }
  const fact = (f) => page.locator(`#itc-facts [data-field="${f}"]`).innerText();
  assert.match(await fact('classes'), /^150 \(/);
  assert.match(await fact('calendar'), /^16 weeks × 7 days × 288 slots of 5 min$/);
  assert.match(await fact('students'), /^19 \(/);
  assert.ok(await page.locator('#itc-types-body tr').count() > 0, 'the distribution types are listed');
  // The term's default first Monday is filled in, and it is a Monday.
  const term = await page.locator('#itc-term').inputValue();
  assert.equal(new Date(`${term}T00:00:00Z`).getUTCDay(), 1, term);
  assert.equal(await page.locator('#itc-solve').isEnabled(), true);
});

test('solve (bounded by epochs) with live progress; the parts equal the scorer of the exported XML', async () => {
  const { page } = ctx;
  await page.evaluate(() => { window.__atollItcOptions = { generations: 6, epoch_moves: 2000 }; });
  await page.fill('#itc-time', '600');
  await page.click('#itc-solve');
  await page.waitForSelector('#itc-card[data-state="solved"]', { timeout: 300_000 });
  assert.equal(await page.locator('#itc-card').getAttribute('data-stop-reason'), 'generations');
  assert.ok(Number(await page.locator('#itc-card').getAttribute('data-points')) >= 2, 'progress events');
  assert.ok(Number(await page.locator('#itc-chart').getAttribute('data-draws')) >= 1, 'the chart was drawn');
  assert.match(await page.locator('#itc-status').innerText(), /^Epoch bound reached after .* 6 epochs/);
  const shown = await page.locator('#itc-result').evaluate((e) => ({ ...e.dataset }));
  const saved = await save(page, '#itc-export-xml', 'itc2019-solution.xml');
  assert.equal(saved.suggested, 'solution-wbg-fal10.xml');
  solutionXml = saved.text;
  assert.match(solutionXml, /<solution name="wbg-fal10"/);
  const s = score(saved.file);
  assert.equal(String(s.feasible), shown.feasible);
  for (const k of ['time', 'room', 'distribution', 'student', 'total']) {
    assert.equal(Number(shown[k]), s[k], `${k}: page ${shown[k]}, scorer ${s[k]}`);
  }
  const native = nativeCheck(saved.file);
  if (native) {
    for (const k of ['time', 'room', 'distribution', 'student', 'total', 'hard_violations']) {
      assert.equal(native[k], k === 'hard_violations' ? Number(shown.hard) : Number(shown[k]), `atoll check ${k}`);
    }
  }
  // The parts table shows raw × weight = weighted, and the total.
  const row = await page.locator('#itc-parts-body tr[data-part="time"] td').allInnerTexts();
  assert.equal(Number(row[0].replace(/,/g, '')), s.time);
  assert.equal(Number(row[2].replace(/,/g, '')), s.weighted.time);
  assert.equal(Number((await page.locator('#itc-total').innerText()).replace(/,/g, '')), s.total);
  // Violations and costs in words: a feasible result lists soft costs only.
  const items = Number(await page.locator('#itc-list').getAttribute('data-items'));
  assert.equal(await page.locator('#itc-list').getAttribute('data-hard'), String(s.hard_violations));
  if (s.total > 0) assert.ok(items > 0, 'the costs are listed');
});

test('the grid of a chosen week shows that week\'s classes at their clock times', async () => {
  const { page } = ctx;
  const byId = classesOf(solutionXml);
  for (const kind of ['room', 'course', 'group']) {
    await page.selectOption('#itc-kind', kind);
    await page.waitForSelector(`#itc-grid .itc-grid[data-kind="${kind}"]`);
    const names = await page.locator('#itc-name option').count();
    assert.ok(names > 0, `${kind}: names to choose from`);
    // Every week of the term, for the first entity with classes in the busiest week.
    let checked = 0;
    for (let i = 0; i < Math.min(names, 8) && checked === 0; i++) {
      await page.selectOption('#itc-name', String(i));
      await page.waitForSelector(`#itc-grid .itc-grid[data-kind="${kind}"]`);
      const week = Number(await page.locator('#itc-week').inputValue());
      const cells = await page.locator('#itc-grid .itc-lec').evaluateAll((els) => els.map((e) => ({ ...e.dataset })));
      for (const c of cells) {
        const a = byId.get(c.class);
        assert.ok(a, `class ${c.class} is in the solution`);
        assert.equal(a.weeks[week - 1], '1', `class ${c.class} meets in week ${week}`);
        assert.equal(a.days[Number(c.day)], '1', `class ${c.class} meets on day ${c.day}`);
        assert.equal(c.start, clock(Number(a.start)), `class ${c.class} starts at slot ${a.start}`);
        assert.equal(c.room, a.room || '');
        checked++;
      }
      if (kind === 'room' && cells.length) {
        // Every class of this room that meets this week is in the grid, once per day.
        const expected = [...byId.values()].filter((a) => a.room === cells[0].room && a.weeks[week - 1] === '1')
          .reduce((n, a) => n + ones(a.days), 0);
        assert.equal(cells.length, expected);
      }
    }
    assert.ok(checked > 0, `${kind}: some grid had classes`);
  }
  // Another week: the selector lists the term's 16 weeks with their Mondays.
  assert.equal(await page.locator('#itc-week option').count(), 16);
  await page.selectOption('#itc-week', '2');
  await page.waitForSelector('#itc-grid .itc-grid[data-week="2"]');
  // Choosing a cost whose class is not in the grid shown brings up its course in a week it
  // meets, with the class marked.
  await page.selectOption('#itc-kind', 'group');
  await page.waitForSelector('#itc-grid .itc-grid[data-kind="group"]');
  const item = page.locator('#itc-list button.viol.soft[data-kind="time"], #itc-list button.viol.soft[data-kind="room"]').first();
  if (await item.count()) {
    const cls = (await item.getAttribute('data-classes')).split(' ')[0];
    await item.click();
    await page.waitForFunction((c) => document.querySelector(`#itc-grid .itc-lec.selected[data-class="${c}"]`), cls);
    assert.ok(Number(await page.locator('#itc-grid').getAttribute('data-selected')) >= 1);
  }
});

test('a broken solution checked in the page lists its hard violations in words, as the scorer counts them', async () => {
  const { page } = ctx;
  // Drop the first class: it has no time any more.
  const first = [...classesOf(solutionXml).keys()][0];
  const broken = solutionXml.replace(new RegExp(`<class id="${first}"[^>]*?(/>|>[\\s\\S]*?</class>)`), '');
  assert.notEqual(broken, solutionXml);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, 'itc2019-broken.xml');
  fs.writeFileSync(file, broken);
  await page.setInputFiles('#itc-solution-file', file);
  await page.waitForSelector('#itc-result[data-source="check"][data-feasible="false"]');
  const s = score(file);
  const shown = await page.locator('#itc-result').evaluate((e) => ({ ...e.dataset }));
  for (const k of ['time', 'room', 'distribution', 'student', 'total']) assert.equal(Number(shown[k]), s[k], k);
  assert.equal(Number(shown.hard), s.hard_violations);
  await page.selectOption('#itc-filter', 'hard');
  const texts = await page.locator('#itc-list button.viol.hard').allInnerTexts();
  assert.equal(texts.length, s.hard_violations);
  assert.ok(texts.some((x) => x.includes(`class ${first} has no time`)), texts.join('\n'));
  assert.match(await page.locator('#itc-verdict').innerText(), /^Infeasible · \d+ hard violations? · cost /);
  // Choosing a violation (by keyboard) marks its classes in the grid when they are there.
  await page.locator('#itc-list button.viol.hard').first().focus();
  await page.keyboard.press('Enter');
  assert.equal(await page.locator('#itc-list button.viol.hard').first().getAttribute('aria-pressed'), 'true');
  // The view is chosen by keyboard too.
  const before = await page.locator('#itc-kind').inputValue();
  await page.locator('#itc-kind').focus();
  await page.keyboard.press(before === 'group' ? 'ArrowUp' : 'ArrowDown');
  const after = await page.locator('#itc-kind').inputValue();
  assert.notEqual(after, before);
  await page.waitForSelector(`#itc-grid .itc-grid[data-kind="${after}"]`);
  await page.selectOption('#itc-filter', '');
  // Back to the solved timetable for the exports.
  fs.writeFileSync(file, solutionXml);
  await page.setInputFiles('#itc-solution-file', file);
  await page.waitForSelector('#itc-result[data-source="check"][data-feasible="true"]');
});

test('CSV and iCalendar exports: every meeting, with real dates from the chosen Monday and clock times', async () => {
  const { page } = ctx;
  const byId = classesOf(solutionXml);
  const meetings = [...byId.values()].reduce((n, a) => n + ones(a.days) * ones(a.weeks), 0);
  await page.fill('#itc-term', '2026-09-07');
  await page.locator('#itc-term').dispatchEvent('change');
  await page.waitForFunction(() => /(Sep\w* 7\b|\b7 Sep)/.test(document.querySelector('#itc-week option').textContent));
  await page.selectOption('#itc-export-of', '');
  const csv = await save(page, '#itc-export-csv', 'itc2019.csv');
  const lines = csv.text.trimEnd().split('\r\n');
  assert.equal(lines[0], 'date,week,day,start,end,class,course,config,subpart,room,students,limit');
  assert.equal(lines.length - 1, meetings);
  const weekdays = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
  for (const line of lines.slice(1, 40)) {
    const [date, week, day, start, , cls] = line.split(',');
    const d = new Date(`${date}T00:00:00Z`);
    assert.equal(weekdays[(d.getUTCDay() + 6) % 7], day, line);
    const a = byId.get(cls);
    assert.equal(start, clock(Number(a.start)), line);
    assert.equal(a.weeks[Number(week) - 1], '1', line);
    const monday = new Date(Date.UTC(2026, 8, 7 + 7 * (Number(week) - 1)));
    assert.ok(d - monday >= 0 && d - monday < 7 * 86_400_000, `${line}: in week ${week}`);
  }
  const ics = await save(page, '#itc-export-ics', 'itc2019.ics');
  assert.equal((ics.text.match(/BEGIN:VEVENT/g) || []).length, meetings);
  assert.match(ics.text, /^BEGIN:VCALENDAR\r\n/);
  assert.match(ics.text, /DTSTART:2026\d{4}T\d{6}\r\n/);
  // The timetable shown only (one room), and a term start that is not a Monday.
  await page.selectOption('#itc-kind', 'room');
  await page.waitForSelector('#itc-grid .itc-grid[data-kind="room"]');
  await page.selectOption('#itc-export-of', 'shown');
  const one = await save(page, '#itc-export-csv', 'itc2019-room.csv');
  assert.ok(one.text.split('\r\n').length - 2 < meetings);
  assert.match(one.suggested, /-room-/);
  await page.fill('#itc-term', '2026-09-08');
  await page.click('#itc-export-ics');
  await page.waitForSelector('#itc-export-error:not([hidden])');
  assert.match(await page.locator('#itc-export-error').innerText(), /2026-09-08 is a Tuesday/);
  await page.fill('#itc-term', '2026-09-07');
});

test('Stop during a solve returns the best timetable so far', async () => {
  const { page } = ctx;
  await page.evaluate(() => { window.__atollItcOptions = { epoch_moves: 2000 }; });
  await page.fill('#itc-time', '600');
  await page.click('#itc-solve');
  await page.waitForFunction(() => Number(document.querySelector('#itc-card').dataset.points) >= 3, null,
    { timeout: 120_000 });
  await page.click('#itc-stop');
  await page.waitForSelector('#itc-card[data-state="solved"]', { timeout: 120_000 });
  assert.equal(await page.locator('#itc-card').getAttribute('data-stop-reason'), 'cancelled');
  assert.equal(await page.locator('#itc-result').getAttribute('data-source'), 'solve');
  assert.match(await page.locator('#itc-status').innerText(), /^Stopped after/);
  assert.deepEqual(ctx.problems, []);
});
