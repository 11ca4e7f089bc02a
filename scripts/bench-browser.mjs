// Evaluator speed in headless Chromium, for comparison with native `atoll bench-eval`:
//   node scripts/bench-browser.mjs [instance.ctt] [seconds]      (default comp07, 2 s each)
// Runs the page's speed measurement in both builds (threaded www/pkg, single-threaded
// www/pkg-st); the measurement itself always runs on one thread, like bench-eval.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const file = path.resolve(process.argv[2] || path.join(ROOT, 'www', 'samples', 'comp07.ctt'));
const seconds = process.argv[3] || '2';

async function run(isolation) {
  const { server, url } = await startServer({ port: 0, isolation });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-bench-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.setInputFiles('#instance-file', file);
    await page.waitForSelector('#summary:not([hidden])');
    const select = page.locator('#speed-seconds');
    await select.evaluate((el, s) => { if (![...el.options].some((o) => o.value === s)) el.add(new Option(s)); el.value = s; }, seconds);
    await page.click('#speed-run');
    await page.waitForSelector('#speed-result:not([hidden])', { timeout: 600_000 });
    const r = page.locator('#speed-result');
    return {
      mode: await page.locator('body').getAttribute('data-mode'),
      full: Number(await r.getAttribute('data-full')),
      delta: Number(await r.getAttribute('data-delta')),
    };
  } finally {
    await context.close();
    server.closeAllConnections();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`instance   full evals/s   delta moves/s   (1 thread, Chromium ${seconds} s each, ${path.basename(file)})`);
for (const isolation of [true, false]) {
  const r = await run(isolation);
  console.log(`${(r.mode === 'threaded' ? 'wasm-mt' : 'wasm-st').padEnd(10)} ${r.full.toFixed(0).padStart(12)}   ${r.delta.toFixed(0).padStart(13)}`);
}
