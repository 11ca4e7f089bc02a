// The page's Repair (issue 13 item 5): a loaded instance plus an old timetable (the "check a
// solution" input) → Repair → feasible, few lectures moved, the moved lectures outlined in the
// grid and listed, the result exportable; Stop keeps the best timetable so far; the embedding
// module's repair(instanceText, solutionText, { maxMoves, timeLimitMs, signal, onProgress }).
// Every repaired .sol is re-checked with the native `atoll check --json`.
//
// ATOLL_SHOTS=DIR also writes the before/after screenshots there (repair-before.png,
// repair-after.png); they are always written under test-results/browser/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { open, atoll, instance, screenshot, FIXTURES, ARTIFACTS, withPage, noProblemsIn } from './helpers.mjs';

// comp01 solved (cost 5), then three lines moved onto the place of another lecture (3 room
// clashes, 3 curriculum/teacher conflicts) and one line removed (a lecture unscheduled).
const BROKEN = path.join(FIXTURES, 'comp01-broken.sol');
// Far above the handful of lectures the breakage displaced (the native repair moves 3); a
// repair that re-solved from scratch would move most of the 160.
const MOVE_BOUND = 20;

let ctx;
withPage({}, 'repair-final', (c) => { ctx = c; });

const noProblems = () => noProblemsIn(ctx);

// The whole page under test-results/browser/, the timetable card (grid, repair, export) in
// ATOLL_SHOTS when set.
async function shot(page, name) {
  await screenshot(page, name);
  if (process.env.ATOLL_SHOTS) {
    fs.mkdirSync(process.env.ATOLL_SHOTS, { recursive: true });
    await page.locator('#results-card').screenshot({ path: path.join(process.env.ATOLL_SHOTS, `${name}.png`) });
  }
}

function recheck(name, solution, inst = 'comp01') {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  fs.writeFileSync(file, solution);
  return atoll('check', '--json', instance(inst), file);
}

const SAMPLE_NAMES = { 'comp01.ctt': 'Fis0506-1', 'comp07.ctt': 'Ing0607-2' };

async function loadSample(page, file) {
  await page.waitForSelector('#load-sample:not([disabled])');
  await page.selectOption('#sample', file);
  await page.click('#load-sample');
  await page.waitForSelector(`#summary[data-name="${SAMPLE_NAMES[file]}"]`);
  await page.waitForSelector('#solution-file:not([disabled])', { state: 'attached' });
}

test('comp01 + a broken .sol → Repair: 0 hard, few moves, moved lectures outlined and listed, export works', async () => {
  const { page } = ctx;
  const want = atoll('check', '--json', instance('comp01'), BROKEN);
  assert.ok(want.hard_violations >= 4, `the fixture is broken (${want.hard_violations} hard)`);
  await loadSample(page, 'comp01.ctt');
  await page.setInputFiles('#solution-file', BROKEN);
  await page.waitForSelector('#results-card[data-state="shown"][data-source="check"]');
  assert.equal(Number(await page.getAttribute('#results-card', 'data-hard-violations')), want.hard_violations);
  assert.equal(await page.isEnabled('#repair-run'), true);
  assert.equal(await page.locator('#legend-moved').isVisible(), false);
  await shot(page, 'repair-before');

  await page.fill('#repair-time', '30');
  await page.fill('#repair-max-moves', '');
  await page.click('#repair-run');
  await page.waitForSelector('#repair[data-state="done"]', { timeout: 120_000 });
  const d = await page.evaluate(() => ({ ...document.querySelector('#repair').dataset }));
  assert.ok(Number(d.updates) >= 2, `${d.updates} progress updates`);
  assert.ok(['done', 'time_limit'].includes(d.stopReason), d.stopReason);
  assert.equal(d.hard, '0');
  const moved = Number(d.moved);
  assert.ok(moved >= 1 && moved <= MOVE_BOUND, `moved ${moved} lectures`);
  assert.match(await page.locator('#repair-status').innerText(), /conflicts? left \(\d+ hard\) · \d+ lectures? moved/);
  assert.match(await page.locator('#repair-summary').innerText(), new RegExp(`feasible, cost \\d+ · moved ${moved} of 159 lectures`));

  // The shown timetable is the repaired one.
  await page.waitForSelector('#results-card[data-source="repair"]');
  assert.equal(await page.getAttribute('#results-card', 'data-hard-violations'), '0');
  assert.match(await page.locator('#results-source').innerText(), /repaired timetable .*-repaired\.sol/);
  // Moved lectures listed: one row per move, "course: from → to".
  const rows = await page.locator('#repair-moves li').allInnerTexts();
  assert.equal(rows.length, moved);
  for (const r of rows) assert.match(r, /^c\d+: .+, room \w+ → .+, room \w+ \((room only|another period)\)$/);
  // …and outlined in the grid, with where they came from in the title and the aria label.
  const boxes = page.locator('#grid .lec.relocated');
  assert.ok(await boxes.count() >= 1, 'a moved lecture is outlined in the grid shown');
  const title = await boxes.first().getAttribute('title');
  assert.match(title, /moved from .+, room \w+/);
  assert.match(await boxes.first().getAttribute('aria-label'), /moved from .+, room \w+/);
  assert.match(await boxes.first().locator('.moved-from').innerText(), /^← /);
  // Over every grid of one kind, each moved lecture is outlined once.
  const outlined = await page.evaluate(async () => {
    const sel = document.querySelector('#grid-kind');
    sel.value = 'room';
    sel.dispatchEvent(new Event('change'));
    let n = 0;
    for (const o of [...document.querySelector('#grid-name').options]) {
      document.querySelector('#grid-name').value = o.value;
      document.querySelector('#grid-name').dispatchEvent(new Event('change'));
      n += document.querySelectorAll('#grid .lec.relocated').length;
    }
    return n;
  });
  assert.equal(outlined, moved);

  // Export: the .sol download is the repaired timetable, feasible by the native checker.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-sol')]);
  assert.match(download.suggestedFilename(), /comp01-broken-repaired\.sol$/);
  const file = path.join(ARTIFACTS, 'repair-page.sol');
  await download.saveAs(file);
  const cli = atoll('check', '--json', instance('comp01'), file);
  assert.equal(cli.hard_violations, 0);
  assert.equal(Number(await page.getAttribute('#results-card', 'data-soft-cost')), cli.soft_cost);
  // Lines the repair did not touch are where the old file had them.
  const oldLines = new Set(fs.readFileSync(BROKEN, 'utf8').trim().split('\n'));
  const newLines = fs.readFileSync(file, 'utf8').trim().split('\n');
  assert.equal(newLines.length, 160, 'every lecture placed (one was missing)');
  const kept = newLines.filter((l) => oldLines.has(l)).length;
  assert.ok(kept >= 160 - moved - 1, `${kept} lines kept of 160 (${moved} moved, 1 added)`);
  // The JSON export carries the moves.
  const [json] = await Promise.all([page.waitForEvent('download'), page.click('#export-json')]);
  const jfile = path.join(ARTIFACTS, 'repair-page.json');
  await json.saveAs(jfile);
  const j = JSON.parse(fs.readFileSync(jfile, 'utf8'));
  assert.equal(j.source, 'repair');
  assert.equal(j.moves.moved, moved);
  assert.equal(j.moves.lectures.length, moved);

  // Back to a grid with a moved lecture for the screenshot.
  await page.selectOption('#grid-kind', 'curriculum');
  const name = await page.evaluate(() => {
    const sel = document.querySelector('#grid-name');
    for (const o of [...sel.options]) {
      sel.value = o.value;
      sel.dispatchEvent(new Event('change'));
      if (document.querySelector('#grid .lec.relocated')) return o.value;
    }
    return null;
  });
  assert.ok(name, 'a group grid shows a moved lecture');
  assert.equal(await page.locator('#legend-moved').isVisible(), true);
  await shot(page, 'repair-after');
  noProblems();
});

test('after an edit (a room closed where a lecture stands) Repair moves it, and little else', async () => {
  const { page } = ctx;
  // Continues from the repaired comp01 timetable of the test above.
  await page.waitForSelector('#results-card[data-source="repair"]');
  const target = await page.evaluate(() => window.__atollCurrent().lectures[0]);
  await page.selectOption('#edit-what', 'room_closed');
  await page.selectOption('#edit-name', target.room);
  await page.selectOption('#edit-day', String(target.day));
  await page.selectOption('#edit-period', String(target.period));
  await page.click('#edit-add');
  assert.equal(await page.locator('#edit-list li').count(), 1);
  await page.fill('#repair-max-moves', '5');
  await page.click('#repair-run');
  await page.waitForSelector('#repair[data-state="done"]', { timeout: 120_000 });
  await page.waitForSelector('#results-card[data-source="repair"]');
  assert.equal(await page.getAttribute('#results-card', 'data-hard-violations'), '0');
  const moved = Number(await page.getAttribute('#repair', 'data-moved'));
  assert.ok(moved >= 1 && moved <= 5, `moved ${moved} (at most 5 asked)`);
  // The closed room is empty at that period now, and the edit is part of the instance.
  const still = await page.evaluate((t) => window.__atollCurrent().lectures
    .filter((l) => l.room === t.room && l.day === t.day && l.period === t.period).length, target);
  assert.equal(still, 0);
  assert.equal(await page.locator('#edit-list li').count(), 0);
  const rows = await page.locator('#repair-moves li').allInnerTexts();
  assert.equal(rows.length, moved);
  assert.ok(rows.some((r) => r.startsWith(`${target.course}: `)), `${target.course} is among the moved: ${rows.join(' | ')}`);
  await page.fill('#repair-max-moves', '');
  noProblems();
});

test('Stop during a repair keeps the best timetable so far', async () => {
  const { page } = ctx;
  await loadSample(page, 'comp07.ctt');
  await page.click('#random-solution');
  await page.waitForSelector('#results-card[data-state="shown"][data-source="check"]');
  const startHard = Number(await page.getAttribute('#results-card', 'data-hard-violations'));
  assert.ok(startHard > 0, `a random timetable is infeasible (${startHard} hard)`);
  await page.fill('#repair-time', '300');
  await page.click('#repair-run');
  await page.waitForFunction(() => Number(document.querySelector('#repair').dataset.updates) >= 2, null,
    { timeout: 60_000 });
  assert.equal(await page.isEnabled('#repair-stop'), true);
  await page.click('#repair-stop');
  await page.waitForSelector('#repair[data-state="done"]', { timeout: 60_000 });
  const d = await page.evaluate(() => ({ ...document.querySelector('#repair').dataset }));
  assert.equal(d.stopReason, 'cancelled');
  assert.ok(Number(d.elapsed) < 300, `stopped after ${d.elapsed} s`);
  assert.match(await page.locator('#repair-summary').innerText(), /^Stopped after/);
  await page.waitForSelector('#results-card[data-source="repair"]');
  const hard = Number(await page.getAttribute('#results-card', 'data-hard-violations'));
  assert.ok(hard <= startHard, `best so far: ${hard} hard (from ${startHard})`);
  assert.equal(await page.isEnabled('#repair-run'), true);
  assert.equal(await page.isEnabled('#repair-stop'), false);
  noProblems();
});

test('module API: repair(instance, solution, { maxMoves, timeLimitMs, signal, onProgress })', async () => {
  const { page } = ctx;
  const text = fs.readFileSync(instance('comp01'), 'utf8');
  const sol = fs.readFileSync(BROKEN, 'utf8');
  const r = await page.evaluate(async ([t, s]) => {
    const { repair } = await import('./atoll.js');
    const seen = [];
    const res = await repair(t, s, { maxMoves: 10, timeLimitMs: 30_000, threads: 2,
      onProgress: (p) => seen.push(p) });
    return { ...res, seen };
  }, [text, sol]);
  assert.deepEqual(Object.keys(r).sort(),
    ['breakdown', 'feasible', 'hard', 'moves', 'seen', 'soft', 'solution', 'stats', 'violations']);
  assert.ok(r.seen.length >= 2, `${r.seen.length} progress callbacks`);
  assert.equal(r.seen[0].conflicts_left, null);
  assert.ok(r.seen.slice(1).every((p) => typeof p.conflicts_left.total === 'number' && typeof p.moved === 'number'));
  assert.equal(r.hard, 0);
  assert.equal(r.feasible, true);
  assert.ok(r.moves.moved >= 1 && r.moves.moved <= 10, `moved ${r.moves.moved}`);
  assert.equal(r.moves.moved, r.moves.room_only + r.moves.period);
  assert.equal(r.moves.lectures.length, r.moves.moved);
  for (const m of r.moves.lectures) {
    assert.deepEqual(Object.keys(m).sort(), ['course', 'from', 'kind', 'lecture', 'to']);
    assert.ok(['room_only', 'period'].includes(m.kind));
  }
  const cli = recheck('repair-api.sol', r.solution);
  assert.equal(cli.hard_violations, 0);
  assert.equal(cli.soft_cost, r.soft);

  // Aborting mid-repair resolves with the best so far; aborting before rejects.
  const stopped = await page.evaluate(async ([t, s]) => {
    const { repair } = await import('./atoll.js');
    const ac = new AbortController();
    let n = 0;
    const res = await repair(t, s, { timeLimitMs: 300_000, signal: ac.signal,
      onProgress: () => { if (++n === 2) ac.abort(); } });
    const early = new AbortController();
    early.abort();
    let rejected = null;
    try {
      await repair(t, s, { signal: early.signal });
    } catch (e) {
      rejected = e.name;
    }
    let range = null;
    try {
      await repair(t, s, { maxMoves: -1 });
    } catch (e) {
      range = `${e.name}: ${e.message}`;
    }
    return { stop: res.stats.stop_reason, elapsed: res.stats.elapsed_s, lines: res.solution.trim().split('\n').length,
      rejected, range };
  }, [text, fs.readFileSync(path.join(FIXTURES, 'comp01-random.sol'), 'utf8')]);
  assert.equal(stopped.stop, 'cancelled');
  assert.ok(stopped.elapsed < 300, `stopped after ${stopped.elapsed} s`);
  assert.ok(stopped.lines > 0);
  assert.equal(stopped.rejected, 'AbortError');
  assert.match(stopped.range, /^RangeError: maxMoves must be a whole number/);
  noProblems();
});

test('single-threaded build (no cross-origin isolation): repair() reaches 0 hard too', async () => {
  // ?nosw: no service worker to add the isolation headers (sw.test.mjs tests that).
  const st = await open({ isolation: false, query: 'nosw' });
  try {
    const text = fs.readFileSync(instance('comp01'), 'utf8');
    const sol = fs.readFileSync(BROKEN, 'utf8');
    const r = await st.page.evaluate(async ([t, s]) => {
      const { repair } = await import('./atoll.js');
      return repair(t, s, { timeLimitMs: 30_000 });
    }, [text, sol]);
    assert.equal(r.stats.threaded, false);
    assert.equal(r.hard, 0);
    assert.ok(r.moves.moved >= 1 && r.moves.moved <= MOVE_BOUND, `moved ${r.moves.moved}`);
    assert.equal(recheck('repair-api-st.sol', r.solution).hard_violations, 0);
    assert.deepEqual(st.problems, []);
  } finally {
    await st.close();
  }
});
