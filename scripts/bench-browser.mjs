// Speed in headless Chromium, for comparison with the native program.
//
//   node scripts/bench-browser.mjs [instance.ctt] [seconds]
//       the evaluator (full evals/s, delta moves/s) in both builds, one thread, as
//       `atoll bench-eval` measures it natively (default comp07, 2 s each)
//   node scripts/bench-browser.mjs --solve [instance.ctt] [seconds]
//       simulated-annealing throughput of a whole solve with 1 island on 1 thread: the page
//       (threaded build with a pool of 1, then the single-threaded build) and
//       `atoll solve --threads 1 --json` (default comp07, 20 s), in local-search
//       moves per second (stats.ls_iterations / stats.elapsed_s), and the ratio page/native.
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const solveMode = args[0] === '--solve';
if (solveMode) args.shift();
const file = path.resolve(args[0] || path.join(ROOT, 'www', 'samples', 'comp07.ctt'));
const seconds = args[1] || (solveMode ? '20' : '2');

async function withPage(isolation, query, fn) {
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
    await page.goto(url + query);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.setInputFiles('#instance-file', file);
    await page.waitForSelector('#summary:not([hidden])');
    const mode = await page.locator('body').getAttribute('data-mode');
    return { mode, ...(await fn(page)) };
  } finally {
    await context.close();
    server.closeAllConnections();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function speed(page) {
  const select = page.locator('#speed-seconds');
  await select.evaluate((el, s) => { if (![...el.options].some((o) => o.value === s)) el.add(new Option(s)); el.value = s; }, seconds);
  await page.click('#speed-run');
  await page.waitForSelector('#speed-result:not([hidden])', { timeout: 600_000 });
  const r = page.locator('#speed-result');
  return { full: Number(await r.getAttribute('data-full')), delta: Number(await r.getAttribute('data-delta')) };
}

async function solve(page) {
  await page.fill('#solve-time', seconds);
  await page.fill('#solve-seed', '1');
  await page.fill('#solve-islands', '1');
  await page.click('#solve-run');
  await page.waitForSelector('#solve-result:not([hidden])', { timeout: (Number(seconds) + 120) * 1000 });
  const r = page.locator('#solve-result');
  const iterations = Number(await r.getAttribute('data-iterations'));
  const elapsed = Number(await r.getAttribute('data-elapsed'));
  return { iterations, elapsed, soft: Number(await r.getAttribute('data-soft-cost')),
    feasible: (await r.getAttribute('data-feasible')) === 'true' };
}

function nativeSolve() {
  const bin = path.join(ROOT, 'target', 'release', 'atoll');
  if (!fs.existsSync(bin)) throw new Error('target/release/atoll is missing: cargo build --release');
  const out = JSON.parse(execFileSync(bin, ['solve', file, '--time', seconds, '--threads', '1', '--seed', '1',
    '--quiet', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  return { mode: 'native', iterations: out.stats.ls_iterations, elapsed: out.stats.elapsed_s, soft: out.soft_cost,
    feasible: out.feasible, islands: out.stats.islands };
}

if (!solveMode) {
  console.log(`instance   full evals/s   delta moves/s   (1 thread, Chromium ${seconds} s each, ${path.basename(file)})`);
  for (const isolation of [true, false]) {
    const r = await withPage(isolation, '', speed);
    console.log(`${(r.mode === 'threaded' ? 'wasm-mt' : 'wasm-st').padEnd(10)} ${r.full.toFixed(0).padStart(12)}   ${r.delta.toFixed(0).padStart(13)}`);
  }
} else {
  console.log(`solve ${path.basename(file)} for ${seconds} s, 1 island on 1 thread (seed 1); moves/s = ls_iterations / elapsed_s`);
  const rows = [];
  rows.push(nativeSolve());
  rows.push(await withPage(true, '?threads=1', solve));
  rows.push(await withPage(false, '', solve));
  const base = rows[0].iterations / rows[0].elapsed;
  console.log('build      ls moves        elapsed   moves/s     vs native  final');
  for (const r of rows) {
    const name = r.mode === 'native' ? 'native' : r.mode === 'threaded' ? 'wasm-mt' : 'wasm-st';
    const rate = r.iterations / r.elapsed;
    console.log(`${name.padEnd(10)} ${String(r.iterations).padStart(12)}   ${r.elapsed.toFixed(2).padStart(6)} s  `
      + `${rate.toFixed(0).padStart(9)}   ${(rate / base).toFixed(3).padStart(8)}  ${r.feasible ? `feasible, cost ${r.soft}` : 'infeasible'}`);
  }
}
