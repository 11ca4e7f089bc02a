// Served WITHOUT the cross-origin isolation headers and with ?nosw (no service worker to
// add them; sw.test.mjs tests that): the page must fall back to the single-threaded
// build, say so, and still work.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atoll, instance, screenshot, text, num, downloadSolution, withPage, noProblemsIn } from './helpers.mjs';

let ctx;
// ?nosw: the plain fallback, without the service worker that would add the headers.
withPage({ isolation: false, query: 'threads=4&nosw' }, 'fallback-final', (c) => { ctx = c; });

const noProblems = () => noProblemsIn(ctx);

test('not isolated: the single-threaded build, and the page says so', async () => {
  const { page } = ctx;
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), false);
  assert.equal(await text(page, '#env-isolated'), 'cross-origin isolated: no');
  assert.equal(await text(page, '#env-mode'), 'engine: single-threaded wasm');
  assert.equal(await text(page, '#env-threads'), 'threads: 1');
  assert.match(await text(page, '#env-note'), /Running on one thread: this page is not cross-origin isolated/);
  assert.equal(await page.locator('body').getAttribute('data-mode'), 'single');
  // The environment panel says why, and that scoring runs on the CPU without a WebGPU adapter.
  await page.locator('#env-panel summary').click();
  assert.match(await text(page, '#env-isolation-how'), /^no — this page is not cross-origin isolated/);
  assert.match(await text(page, '#env-build'), /^single-threaded wasm/);
  assert.match(await text(page, '#env-gpu'), /^CPU — /);
  assert.equal(await page.locator('#solve-threads-input').isDisabled(), true, 'one thread, not a setting');
  assert.equal(await page.locator('#solve-threads-input').inputValue(), '1');
  await screenshot(page, 'fallback-environment');
  noProblems();
});

test('a bundled sample loads and a random timetable is checked like the CLI checks it', async () => {
  const { page } = ctx;
  await page.selectOption('#sample', 'toy.ctt');
  await page.click('#load-sample');
  await page.waitForSelector('#summary[data-name="Toy"]');
  assert.equal(await num(page, '#summary [data-field="courses"]'), atoll('info', '--json', instance('toy')).courses);
  await page.click('#random-solution');
  await page.waitForSelector('#check:not([hidden])');
  assert.ok((await num(page, '#check [data-field="hard.conflicts"]')) >= 0);
  assert.match(await text(page, '#check .report-file'), /random-1\.sol/);
  noProblems();
});

test('the parallel batch runs on the one thread', async () => {
  const { page } = ctx;
  await page.fill('#batch-count', '64');
  await page.click('#batch-run');
  await page.waitForSelector('#batch-result:not([hidden])', { timeout: 60_000 });
  assert.equal(await num(page, '#batch-threads-used'), 1);
  assert.equal(await num(page, '#batch-pool-threads'), 1);
  noProblems();
});

test('the single-threaded build solves too: comp01 for 2 s on the one thread', async () => {
  const { page } = ctx;
  assert.equal(await text(page, '#solve-threads'), '1');
  await page.selectOption('#sample', 'comp01.ctt');
  await page.click('#load-sample');
  await page.waitForSelector('#summary[data-name="Fis0506-1"]');
  await page.fill('#solve-time', '2');
  await page.click('#solve-run');
  await page.waitForSelector('#solve-result:not([hidden])', { timeout: 60_000 });
  const result = page.locator('#solve-result');
  assert.equal(await result.getAttribute('data-stop-reason'), 'time_limit');
  assert.match(await text(page, '#solve-summary'), /^Time limit reached after 2\.\d s · .* 1 island on 1 thread · /);
  assert.ok(Number(await page.locator('#solve-card').getAttribute('data-points')) >= 2, 'progress reached the page');
  const shown = await num(page, '#solve-report [data-field="soft_cost"]');
  const { file } = await downloadSolution(page, 'fallback-comp01.sol');
  const cli = atoll('check', '--json', instance('comp01'), file);
  assert.equal(cli.feasible, true);
  assert.equal(cli.soft_cost, shown, 'the downloaded file scores what the page shows');
  console.log(`# single-threaded build, comp01 2 s: soft cost ${shown}; ${await text(page, '#solve-summary')}`);
  await screenshot(page, 'fallback-solve');
  noProblems();
});
