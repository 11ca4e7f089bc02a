// Page weight: everything the page loads for one build (HTML, JS, CSS, JSON, the wasm
// module and wasm-bindgen's glue), gzipped, must stay under 1 MB. Also logs the time from
// navigation to usable controls and to a ready engine (worker, wasm, pool) — logged, not
// asserted: this machine's load varies — and loads an instance chosen before the engine
// is ready.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { open, ROOT } from './helpers.mjs';

const WWW = path.join(ROOT, 'www');
// The page's own files: app.js's modules (www/app/), the worker client and the strings
// (English; another language's table, www/i18n/*.js, loads only for that language).
const PAGE = ['index.html', 'app.js', 'client.js', 'i18n.js', 'grid.js', 'coi.js', 'worker.js', 'style.css', 'best-known.json',
  ...fs.readdirSync(path.join(WWW, 'app')).filter((f) => f.endsWith('.js')).map((f) => `app/${f}`)];

function files(dir) {
  return fs.readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath ?? e.path, e.name));
}
const gz = (f) => zlib.gzipSync(fs.readFileSync(f), { level: 9 }).length;

for (const pkg of ['pkg', 'pkg-st']) {
  test(`page weight with www/${pkg}: under 1 MB gzipped`, () => {
    const all = [...PAGE.map((f) => path.join(WWW, f)), ...files(path.join(WWW, pkg))];
    const total = all.reduce((n, f) => n + gz(f), 0);
    const wasm = gz(path.join(WWW, pkg, 'atoll_bg.wasm'));
    console.log(`${pkg}: ${(total / 1024).toFixed(0)} KiB gzipped in all (wasm ${(wasm / 1024).toFixed(0)} KiB), ${all.length} files`);
    assert.ok(total <= 1024 * 1024, `${total} bytes`);
  });
}

test('time to interactive (logged)', async () => {
  for (const [isolation, query] of [[true, 'threads=2'], [false, 'nosw']]) {
    const ctx = await open({ isolation, query });
    const t = Number(await ctx.page.locator('body').getAttribute('data-ready-ms'));
    const usable = Number(await ctx.page.locator('body').getAttribute('data-interactive-ms'));
    const nav = await ctx.page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd);
    console.log(`${isolation ? 'threaded (pool of 2)' : 'single-threaded'}: DOMContentLoaded ${nav.toFixed(0)} ms, `
      + `controls usable by ${usable} ms, engine ready (worker, wasm, pool) by ${t.toFixed(0)} ms`);
    // A second load in the same browser (the server sends no-store: everything is fetched again).
    await ctx.page.reload();
    await ctx.page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    const again = Number(await ctx.page.locator('body').getAttribute('data-ready-ms'));
    const usableAgain = Number(await ctx.page.locator('body').getAttribute('data-interactive-ms'));
    console.log(`${isolation ? 'threaded' : 'single-threaded'}, second load: controls usable by ${usableAgain} ms, `
      + `engine ready by ${again} ms`);
    assert.deepEqual(ctx.problems, []);
    await ctx.close();
  }
});

test('an instance chosen while the engine starts is loaded once it is up', async () => {
  const ctx = await open({ query: 'threads=2', ready: 'body[data-interactive-ms]' });
  const { page } = ctx;
  const early = (await page.locator('body').getAttribute('data-ready')) !== 'true';
  await page.selectOption('#sample', 'toy.ctt');
  await page.click('#load-sample');
  await page.waitForSelector('#summary[data-name="Toy"]', { timeout: 60_000 });
  await page.waitForSelector('body[data-ready="true"]');
  assert.equal(await page.locator('#solve-run').isEnabled(), true);
  console.log(`sample chosen ${early ? 'before' : 'after'} the engine was ready`);
  assert.deepEqual(ctx.problems, []);
  await ctx.close();
});
