// Privacy: from the first request to the end of a whole solve, the page asks only its own
// server for its own assets, and during the solve it asks nothing at all. Every request of
// the browser context (page, solver worker, pool workers) is recorded.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage } from './helpers.mjs';

let ctx;
const requests = [];
withPage({
  query: 'threads=2',
  onContext: (context) => context.on('request', (r) => requests.push({ url: r.url(), at: Date.now() })),
}, 'privacy-final', (c) => { ctx = c; });

test('a whole solve makes no request but the page\'s own assets, none while solving', async () => {
  const { page, url } = ctx;
  await page.selectOption('#sample', 'comp01.ctt');
  await page.click('#load-sample');
  await page.waitForSelector('#summary[data-name="Fis0506-1"]');
  await page.fill('#solve-time', '3');
  const started = Date.now();
  await page.click('#solve-run');
  await page.waitForSelector('#results-card[data-state="shown"]', { timeout: 60_000 });
  const solved = Date.now();
  // Exports are made in the page too: no request either.
  await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  await Promise.all([page.waitForEvent('download'), page.click('#export-ics')]);
  const done = Date.now();

  const origin = new URL(url).origin;
  const foreign = requests.filter((r) => !r.url.startsWith(`${origin}/`) && !/^(blob|data):/.test(r.url));
  assert.deepEqual(foreign.map((r) => r.url), [], 'only the page\'s own server is asked');
  const own = new Set(requests.filter((r) => r.url.startsWith(origin)).map((r) => new URL(r.url).pathname));
  const assets = /^\/(|index\.html|app\.js|app\/[\w-]+\.js|client\.js|i18n\.js|grid\.js|coi\.js|worker\.js|style\.css|best-known\.json|samples\/[\w.-]+\.ctt|pkg\/[\w./-]+)$/;
  for (const p of own) assert.match(p, assets, `${p} is one of the page's assets`);
  const during = requests.filter((r) => r.at >= started && r.at <= done && !/^(blob|data):/.test(r.url));
  assert.deepEqual(during.map((r) => r.url), [], 'nothing is fetched during the solve and the exports');
  console.log(`# ${requests.length} requests in all (${own.size} distinct assets); none in the ${((done - started) / 1000).toFixed(1)} s of solving and exporting (solve ${((solved - started) / 1000).toFixed(1)} s)`);
  assert.deepEqual(ctx.problems, []);
});
