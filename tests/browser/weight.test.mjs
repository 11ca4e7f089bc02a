// Page weight: everything the page loads for one build (HTML, JS, CSS, JSON, the wasm
// module and wasm-bindgen's glue), gzipped, must stay under 1 MB. Also logs the time from
// navigation to an interactive page (the worker started, the pool up) — logged, not
// asserted: this machine's load varies.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { open, ROOT } from './helpers.mjs';

const WWW = path.join(ROOT, 'www');
const PAGE = ['index.html', 'app.js', 'grid.js', 'coi.js', 'worker.js', 'style.css', 'best-known.json'];

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
    const nav = await ctx.page.evaluate(() => performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd);
    console.log(`${isolation ? 'threaded (pool of 2)' : 'single-threaded'}: DOMContentLoaded ${nav.toFixed(0)} ms, `
      + `interactive (worker and wasm ready) by ${t.toFixed(0)} ms`);
    // A second load in the same browser (the server sends no-store: everything is fetched again).
    await ctx.page.reload();
    await ctx.page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    const again = Number(await ctx.page.locator('body').getAttribute('data-ready-ms'));
    console.log(`${isolation ? 'threaded' : 'single-threaded'}, second load: interactive by ${again} ms`);
    assert.deepEqual(ctx.problems, []);
    await ctx.close();
  }
});
