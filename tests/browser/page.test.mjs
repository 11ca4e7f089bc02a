// The demo page, cross-origin isolated: threaded build, instance summary, the checker
// against the native CLI, the parallel batch, the evaluator speed, errors with lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { atoll, instance, screenshot, text, num, FIXTURES, withPage, noProblemsIn } from './helpers.mjs';

let ctx;
withPage({ query: 'threads=4' }, 'page-final', (c) => { ctx = c; });

const noProblems = () => noProblemsIn(ctx);

test('threaded engine: cross-origin isolated, a pool of 4 threads', async () => {
  const { page } = ctx;
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
  assert.equal(await text(page, '#env-isolated'), 'cross-origin isolated: yes');
  assert.equal(await text(page, '#env-mode'), 'engine: threaded wasm');
  assert.equal(await text(page, '#env-threads'), 'threads: 4');
  assert.equal(await page.locator('#env-note').isVisible(), false);
  assert.equal(await page.locator('body').getAttribute('data-mode'), 'threaded');
  noProblems();
});

test('comp01 through the file input: the summary matches `atoll info`', async () => {
  const { page } = ctx;
  const file = instance('comp01');
  await page.setInputFiles('#instance-file', file);
  await page.waitForSelector('#summary:not([hidden])');
  const info = atoll('info', '--json', file);
  const want = { courses: 30, rooms: 6, days: 5, periods_per_day: 6, curricula: 14, lectures: 160 };
  for (const [k, v] of Object.entries(want)) {
    assert.equal(info[k], v, `atoll info ${k}`);
    assert.equal(await num(page, `#summary [data-field="${k}"]`), v, `page ${k}`);
  }
  for (const k of ['teachers', 'unavailability_constraints']) {
    assert.equal(await num(page, `#summary [data-field="${k}"]`), info[k], k);
  }
  assert.equal(await text(page, '#summary [data-field="conflict_density"]'), info.conflict_density.toFixed(3));
  assert.equal(await text(page, '#summary [data-field="room_occupancy"]'), info.room_occupancy.toFixed(3));
  assert.match(await text(page, '#summary [data-field="room_capacity"]'),
    new RegExp(`^${info.room_capacity_min}–${info.room_capacity_max} `));
  assert.match(await text(page, '#summary-title'), /Fis0506-1/);
  noProblems();
});

test('a solution is checked exactly as `atoll check --json` checks it', async () => {
  const { page } = ctx;
  const sol = path.join(FIXTURES, 'comp01-random.sol');
  const want = atoll('check', '--json', instance('comp01'), sol);
  // The fixture is infeasible on purpose, with every component non-zero.
  for (const [k, v] of Object.entries({ ...want.hard, ...want.soft })) assert.ok(v > 0, `fixture ${k} > 0`);

  await page.setInputFiles('#solution-file', sol);
  await page.waitForSelector('#check:not([hidden])');
  for (const group of ['hard', 'soft']) {
    for (const [k, v] of Object.entries(want[group])) {
      assert.equal(await num(page, `#check [data-field="${group}.${k}"]`), v, `${group}.${k}`);
    }
  }
  assert.equal(await num(page, '#check [data-field="hard_violations"]'), want.hard_violations);
  assert.equal(await num(page, '#check [data-field="soft_cost"]'), want.soft_cost);
  assert.match(await text(page, '#check .verdict'), /^Infeasible/);

  // The violation list, row by row, in the CLI's order.
  assert.ok(want.violations.length <= 400, 'fixture fits on one page of rows');
  const rows = await page.locator('#check .violations tbody tr').evaluateAll((trs) =>
    trs.map((tr) => ({ cost: Number(tr.querySelector('.num').textContent), message: tr.querySelector('.msg').textContent })));
  assert.deepEqual(rows, want.violations.map((v) => ({ cost: v.cost, message: v.message })));
  assert.equal(await text(page, '#check .violation-count'), `(${want.violations.length})`);

  // The five lines the validator skips are reported with their line numbers.
  assert.equal(await page.locator('#check .warnings-list li').count(), 5);
  assert.match(await text(page, '#check .warnings-summary'), /^5 lines skipped/);
  await page.locator('#check .warnings summary').click();
  assert.match(await page.locator('#check .warnings-list li').first().innerText(), /^line 6: Nonexisting course c9999/);

  // Filtering by rule.
  await page.selectOption('#check .violation-filter', 'room_occupancy');
  const occ = want.violations.filter((v) => v.rule === 'room_occupancy').length;
  assert.equal(await page.locator('#check .violations tbody tr').count(), occ);
  await screenshot(page, 'check-comp01');
  await page.selectOption('#check .violation-filter', '');
  noProblems();
});

test('a malformed solution shows the error with its line', async () => {
  const { page } = ctx;
  await page.setInputFiles('#solution-file', path.join(FIXTURES, 'comp01-bad.sol'));
  await page.waitForSelector('#check-error:not([hidden])');
  assert.equal(await text(page, '#check-error'),
    "comp01-bad.sol:2: expected 'CourseID RoomID Day Period' (4 fields), found 3 field(s)");
  noProblems();
});

test('a malformed instance shows the error with its line and keeps the loaded one', async () => {
  const { page } = ctx;
  await page.setInputFiles('#instance-file', path.join(FIXTURES, 'comp01-bad.ctt'));
  await page.waitForSelector('#instance-error:not([hidden])');
  assert.equal(await text(page, '#instance-error'),
    "comp01-bad.ctt:11: expected a whole number for the number of lectures of course c0002, found 'six'");
  assert.equal(await num(page, '#summary [data-field="courses"]'), 30);
  await screenshot(page, 'instance-error');
  noProblems();
});

test('an instance dropped on the drop zone is loaded', async () => {
  const { page } = ctx;
  const body = fs.readFileSync(instance('toy'), 'utf8');
  const dataTransfer = await page.evaluateHandle((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'dropped-toy.ctt', { type: 'text/plain' }));
    return dt;
  }, body);
  await page.dispatchEvent('#dropzone', 'dragover', { dataTransfer });
  await page.dispatchEvent('#dropzone', 'drop', { dataTransfer });
  await page.waitForSelector('#summary[data-name="Toy"]');
  assert.equal(await text(page, '#summary-title'), 'Toy · dropped-toy.ctt');
  assert.equal(await num(page, '#summary [data-field="lectures"]'), atoll('info', '--json', instance('toy')).lectures);
  assert.equal(await page.locator('#instance-error').isVisible(), false);
  noProblems();
});

test('the parallel batch runs on more than one thread', async () => {
  const { page } = ctx;
  // Enough work (comp07, 2048 timetables) that every pool thread gets a share.
  await page.selectOption('#sample', 'comp07.ctt');
  await page.click('#load-sample');
  await page.waitForSelector('#summary[data-name="Ing0607-2"]');
  await page.fill('#batch-count', '2048');
  await page.click('#batch-run');
  await page.waitForSelector('#batch-result:not([hidden])', { timeout: 60_000 });
  const used = await num(page, '#batch-threads-used');
  const pool = await num(page, '#batch-pool-threads');
  console.log(`# batch: threads_used ${used} of pool ${pool}; ${await text(page, '#batch-time')}, ${await text(page, '#batch-rate')} timetables/s`);
  assert.equal(pool, 4);
  assert.ok(used > 1, `threads_used = ${used}`);
  noProblems();
});

test('the evaluator speed is measured in the worker', async () => {
  const { page } = ctx;
  assert.equal(await page.locator('#summary').getAttribute('data-name'), 'Ing0607-2', 'comp07 still loaded');
  await page.selectOption('#speed-seconds', '0.5');
  await page.click('#speed-run');
  await page.waitForSelector('#speed-result:not([hidden])', { timeout: 60_000 });
  const full = Number(await page.locator('#speed-result').getAttribute('data-full'));
  const delta = Number(await page.locator('#speed-result').getAttribute('data-delta'));
  console.log(`# comp07 in the browser (threaded build, 0.5 s each): ${full.toFixed(0)} full evals/s, ${delta.toFixed(0)} delta moves/s`);
  assert.ok(full > 0 && delta > 0);
  assert.equal(await page.locator('#fatal').isVisible(), false);
  noProblems();
});
