// The page's memory while it solves an ITC-2019 instance (issue 17: "the same within the
// page's memory (measure it)"). Loads INSTANCE.xml into the page (headless Chromium, the
// threaded build), solves it for SECONDS, and samples every 2 s:
//  - performance.measureUserAgentSpecificMemory() (the page and its workers: the JS heaps
//    and the wasm memory; the page is cross-origin isolated, which the API needs);
//  - the proportional set size (Pss, /proc/PID/smaps_rollup) of every Chromium process of
//    this run, summed: what the tab costs the machine, shared pages counted once.
// Prints the peaks (and the idle and loaded Pss), the time to first feasible (the page's
// elapsed time when its best first had no hard violation) and the solve's result as JSON.
//
//   node scripts/itc2019-page-memory.mjs ../shared/instances/itc2019/early/bet-fal17.xml 120
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from './serve.mjs';

const [file, secondsArg = '60', threadsArg = '2'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node scripts/itc2019-page-memory.mjs INSTANCE.xml [SECONDS] [THREADS]');
  process.exit(2);
}
const seconds = Number(secondsArg);

/** Pss in kB of every process whose command line names `marker`, summed. */
function pssKb(marker) {
  let total = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
      const m = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').match(/^Pss:\s+(\d+) kB/m);
      if (m) total += Number(m[1]);
    } catch {
      // The process ended meanwhile.
    }
  }
  return total;
}

const { server, url } = await startServer({ port: 0, isolation: true });
const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-itc-memory-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--no-first-run', '--enable-blink-features=ForceEagerMeasureMemory'],
});
try {
  const page = context.pages()[0] || (await context.newPage());
  await page.goto(`${url}?threads=${threadsArg}`);
  await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
  const idle = pssKb(userDataDir);
  const t0 = Date.now();
  await page.setInputFiles('#instance-file', file);
  await page.waitForSelector('#itc-card:not([hidden])[data-state="loaded"]', { timeout: 120_000 });
  const loadMs = Date.now() - t0;
  const loaded = pssKb(userDataDir);
  await page.fill('#itc-time', String(seconds));
  await page.click('#itc-solve');
  // Pss every second from here (Node's timer: the page may be busy), the API as often as it
  // answers (it waits for the worker between solver steps).
  const samples = [];
  const timer = setInterval(() => samples.push({ t: (Date.now() - t0) / 1000, pss_kb: pssKb(userDataDir) }), 1000);
  const api = [];
  let done = false;
  // The page's elapsed time (its progress events) when its best first had no hard
  // violation: the time to first feasible as the user sees it.
  let firstFeasible = null;
  const feasibleLoop = (async () => {
    while (!done && firstFeasible === null) {
      const seen = await page.evaluate(() => ({
        hard: document.querySelector('#itc-hard').textContent,
        elapsed: document.querySelector('#itc-card').dataset.elapsed,
      })).catch(() => null);
      if (seen && seen.hard === '0' && seen.elapsed !== undefined) firstFeasible = Number(seen.elapsed);
      await new Promise((r) => setTimeout(r, 250));
    }
  })();
  const apiLoop = (async () => {
    while (!done) {
      const bytes = await page.evaluate(async () => (typeof performance.measureUserAgentSpecificMemory === 'function'
        ? (await performance.measureUserAgentSpecificMemory()).bytes : null)).catch(() => null);
      if (bytes !== null) api.push({ t: (Date.now() - t0) / 1000, bytes });
      await new Promise((r) => setTimeout(r, 1000));
    }
  })();
  await page.waitForSelector('#itc-card[data-state="solved"], #itc-card[data-state="error"]',
    { timeout: (seconds + 600) * 1000 });
  done = true;
  clearInterval(timer);
  await apiLoop;
  await feasibleLoop;
  const result = await page.locator('#itc-result').evaluate((e) => ({ ...e.dataset }));
  const status = await page.locator('#itc-status').innerText();
  const error = await page.locator('#itc-error').innerText();
  console.log(JSON.stringify({
    instance: path.basename(file), seconds, threads: Number(threadsArg), load_ms: loadMs,
    first_feasible_s: firstFeasible,
    pss_idle_kb: idle, pss_loaded_kb: loaded,
    pss_peak_kb: Math.max(...samples.map((s) => s.pss_kb)), pss_samples: samples.length,
    api_peak_bytes: Math.max(0, ...api.map((s) => s.bytes)), api_samples: api.length, result, status, error,
  }, null, 2));
} finally {
  await context.close();
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  fs.rmSync(userDataDir, { recursive: true, force: true });
}
