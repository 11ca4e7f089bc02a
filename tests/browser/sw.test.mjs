// A static host that cannot send COOP/COEP (served with --no-isolation): the service
// worker coi-sw.js adds the headers, the page reloads once under it, and runs threaded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, text, withPage } from './helpers.mjs';

let ctx;
withPage({ isolation: false, query: 'threads=2' }, 'sw-final', (c) => { ctx = c; });

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

// Issue 15, defect 9: Shift+Reload loads the page past its service worker (active, not
// controlling, no controllerchange to come); coi.js reloads once and the page starts.
test('after a hard reload (Shift+Reload) the page reloads once under the service worker and starts', async () => {
  const { page } = ctx;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Page.reload', { ignoreCache: true }); // what Shift+Reload does
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  assert.equal(await page.evaluate(() => window.crossOriginIsolated), true);
  assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), true);
  assert.equal(await page.locator('body').getAttribute('data-mode'), 'threaded');
  await cdp.detach();
});

// Issue 15, defect 12: the service worker of an app served at an origin's root must not
// add COOP/COEP to other pages served there later.
test('the service worker leaves pages that are not the app untouched', async () => {
  const { page, url } = ctx;
  const other = await page.context().newPage();
  try {
    // Another "app" at the same origin (here a missing page: whatever the server sends).
    const res = await other.goto(url + 'other-app/');
    assert.equal(res.status(), 404);
    assert.equal(res.headers()['cross-origin-embedder-policy'], undefined, 'no COEP added');
    assert.equal(await other.evaluate(() => window.crossOriginIsolated), false);
    // The app itself still is.
    const again = await other.goto(url);
    assert.equal(again.headers()['cross-origin-embedder-policy'], 'require-corp');
    await other.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    assert.equal(await other.evaluate(() => window.crossOriginIsolated), true);
  } finally {
    await other.close();
  }
});
