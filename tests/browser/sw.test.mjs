// A static host that cannot send COOP/COEP (served with --no-isolation): the service
// worker coi-sw.js adds the headers, the page reloads once under it, and runs threaded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, screenshot, text } from './helpers.mjs';

let ctx;
before(async () => { ctx = await open({ isolation: false, query: 'threads=2' }); });
after(async () => {
  if (ctx) {
    await screenshot(ctx.page, 'sw-final');
    await ctx.close();
  }
});

test('without server headers the service worker makes the page isolated and threaded', async () => {
  const { page } = ctx;
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), true);
  assert.equal(await page.locator('body').getAttribute('data-mode'), 'threaded');
  assert.equal(await page.locator('body').getAttribute('data-isolation'), 'service-worker');
  assert.equal(await text(page, '#env-threads'), 'threads: 2');
  await page.locator('#env-panel summary').click();
  assert.match(await text(page, '#env-isolation-how'), /^yes — a service worker \(coi-sw\.js\) adds the COOP\/COEP headers/);
  assert.equal(await page.locator('#env-note').isVisible(), false);
  // And it solves on the pool.
  await page.selectOption('#sample', 'toy.ctt');
  await page.click('#load-sample');
  await page.waitForSelector('#summary[data-name="Toy"]');
  await page.fill('#solve-time', '1');
  await page.click('#solve-run');
  await page.waitForSelector('#results-card[data-state="shown"]', { timeout: 60_000 });
  assert.match(await text(page, '#solve-summary'), /2 islands on 2 threads/);
  await screenshot(page, 'sw-threaded');
  // The one reload may cut off requests of the first load (net::ERR_ABORTED): expected.
  assert.deepEqual(ctx.problems.filter((p) => !/^request failed: .* net::ERR_ABORTED$/.test(p)), []);
});
