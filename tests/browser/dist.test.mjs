// The npm package (issue 18, item 1): `npm run dist` builds dist/atoll-VERSION.tgz; the
// tarball is installed with `npm install` into a throw-away host site outside the
// repository, whose pages live at a sub-path (/portal/timetable/) of a plain static server
// written here (no COOP/COEP headers). The host page imports the installed package and
// solves comp01 with the module API and with <atoll-solver>, in a run bounded by
// generations (deterministic), and gets the timetable the demo (www/ served by
// scripts/serve.mjs, isolated and threaded) gives for the same input: on one thread
// without isolation, and threaded once the package's service worker isolates the page.
// The real result and progress objects are also type-checked against the installed
// atoll.d.ts (tsc --strict, exact object literals: no field missing or undeclared).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { build } from '../../scripts/dist.mjs';
import { startServer, MIME } from '../../scripts/serve.mjs';
import { ROOT, CHROMIUM, ARTIFACTS } from './helpers.mjs';

const BASE = '/portal/timetable/';
const INSTANCE = 'comp01.ctt';
// A run bounded by generations, with no clock (timeLimitMs null): the same timetable on
// every run. Stage 3 off (its learned table is kept per origin and would change runs).
const RUN = { seed: 7, options: { max_generations: 4, islands: 2, stage3: false, evaluator: 'cpu' } };

let dist; // { dir, version, tarball, info }
let host; // the host site's folder
let site; // { server, url }
let browser; // { context, page, problems, userDataDir }
let expected; // the demo's result

/** A plain static server: `root` at `BASE`, nothing else, no isolation headers. */
async function plainServer(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://host');
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(BASE)) {
      res.writeHead(404).end('not found\n');
      return;
    }
    rel = rel.slice(BASE.length) || 'index.html';
    const file = path.resolve(root, rel);
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found\n');
      return;
    }
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-cache' });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

async function launch() {
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const problems = [];
  const page = context.pages()[0] || (await context.newPage());
  context.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  return { context, page, problems, userDataDir };
}

// What the host pages run: solve() of the installed package, then <atoll-solver> with the
// same input; both results with a few progress events. (A function so it is written once;
// its text goes into the pages.)
function hostScript(run, instanceFile) {
  return `
    import { solve, repair } from './node_modules/atoll/atoll.js';
    const run = ${JSON.stringify(run)};
    window.solveBoth = async () => {
      const text = await (await fetch('data/${instanceFile}')).text();
      const progress = [];
      const api = await solve(text, { ...run, timeLimitMs: null, fileName: '${instanceFile}',
        onProgress: (p) => progress.push(p) });
      const el = document.querySelector('atoll-solver');
      el.options = run.options;
      el.setAttribute('seed', String(run.seed));
      const element = await el.start();
      return { api, element, progress: [progress[0], progress[progress.length - 1]],
        state: el.getAttribute('state'), soft: el.getAttribute('soft'), isolated: window.crossOriginIsolated };
    };
    window.repairSome = async (solution) => {
      const text = await (await fetch('data/${instanceFile}')).text();
      const progress = [];
      const broken = solution.split('\\n').slice(6).join('\\n'); // six lectures unplaced
      const r = await repair(text, broken, { timeLimitMs: 20000, maxMoves: 3, onProgress: (p) => progress.push(p) });
      return { result: r, progress: [progress[0], progress[progress.length - 1]] };
    };
    document.body.dataset.ready = 'true';`;
}

function hostPage(title, head = '') {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>${title}</title>
  <link rel="icon" href="data:,">
  ${head}
  <script type="module" src="node_modules/atoll/atoll.js"></script>
  <style>atoll-solver { --atoll-accent: #7a1f5c; }</style>
</head>
<body>
  <h1>${title}</h1>
  <atoll-solver src="data/${INSTANCE}" time-limit="none"></atoll-solver>
  <script type="module">${hostScript(RUN, INSTANCE)}</script>
</body>
</html>
`;
}

before(async () => {
  dist = build(); // npm run dist
  assert.ok(fs.existsSync(dist.tarball), `no tarball at ${dist.tarball}`);
  host = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-host-'));
  assert.ok(path.relative(ROOT, host).startsWith('..'), 'the host site lies outside the repository');
  fs.writeFileSync(path.join(host, 'package.json'), JSON.stringify({ name: 'campus-portal', private: true }));
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', dist.tarball],
    { cwd: host, stdio: ['ignore', 'pipe', 'pipe'] });
  fs.mkdirSync(path.join(host, 'data'));
  fs.copyFileSync(path.join(ROOT, 'www', 'samples', INSTANCE), path.join(host, 'data', INSTANCE));
  fs.writeFileSync(path.join(host, 'index.html'), hostPage('Campus portal: timetable'));
  // The page that opts into the service worker: coi-sw.js copied beside it (its folder is
  // the worker's scope), coi.js first in the head.
  fs.copyFileSync(path.join(host, 'node_modules', 'atoll', 'coi-sw.js'), path.join(host, 'coi-sw.js'));
  fs.writeFileSync(path.join(host, 'isolated.html'), hostPage('Campus portal: timetable (threaded)',
    '<script src="node_modules/atoll/coi.js" data-sw="coi-sw.js" data-pages="isolated.html"></script>'));
  site = await plainServer(host);

  // The demo: www/ from scripts/serve.mjs (COOP/COEP headers: threaded), its module API.
  const demo = await startServer({ port: 0, isolation: true });
  const b = await launch();
  try {
    await b.page.goto(`${demo.url}embed-example.html`);
    await b.page.waitForFunction(() => !!customElements.get('atoll-solver'));
    expected = await b.page.evaluate(async ({ run, file }) => {
      const { solve } = await import('./atoll.js');
      const text = await (await fetch(`samples/${file}`)).text();
      const r = await solve(text, { ...run, timeLimitMs: null, threads: 2, fileName: file });
      return { ...r, isolated: window.crossOriginIsolated };
    }, { run: RUN, file: INSTANCE });
    assert.deepEqual(b.problems, []);
  } finally {
    await b.context.close();
    fs.rmSync(b.userDataDir, { recursive: true, force: true });
    demo.server.closeAllConnections();
    await new Promise((r) => demo.server.close(r));
  }
  assert.equal(expected.isolated, true);
  assert.equal(expected.stats.threaded, true);
  assert.equal(expected.stats.stop_reason, 'generations');
  browser = await launch();
});

after(async () => {
  if (browser) {
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await browser.page.screenshot({ path: path.join(ARTIFACTS, 'dist-host.png'), fullPage: true }).catch(() => {});
    await browser.context.close();
    fs.rmSync(browser.userDataDir, { recursive: true, force: true });
  }
  if (site) {
    site.server.closeAllConnections();
    await new Promise((r) => site.server.close(r));
  }
  if (host) fs.rmSync(host, { recursive: true, force: true });
});

/** The fields that must equal the demo's: the timetable and everything scored from it. */
const same = (r) => ({ solution: r.solution, hard: r.hard, soft: r.soft, feasible: r.feasible, breakdown: r.breakdown,
  violations: r.violations, generations: r.stats.generations, stop_reason: r.stats.stop_reason });

test('npm run dist: dist/atoll/ holds the module, worker, both wasm builds, service worker, types, README and package.json (Cargo.toml\'s version)', () => {
  const cargo = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  const version = /^\[package\][\s\S]*?^version\s*=\s*"([^"]+)"/m.exec(cargo)[1];
  const pkg = JSON.parse(fs.readFileSync(path.join(dist.dir, 'package.json'), 'utf8'));
  assert.equal(pkg.name, 'atoll');
  assert.equal(pkg.version, version);
  assert.equal(pkg.types, './atoll.d.ts');
  assert.equal(path.basename(dist.tarball), `atoll-${version}.tgz`);
  const files = dist.info.files.map((f) => f.path).sort();
  for (const f of ['README.md', 'atoll.d.ts', 'atoll.js', 'coi-sw.js', 'coi.js', 'grid.js', 'package.json',
    'pkg-st/atoll.js', 'pkg-st/atoll_bg.wasm', 'pkg/atoll.js', 'pkg/atoll_bg.wasm', 'style.css', 'worker.js']) {
    assert.ok(files.includes(f), `${f} is in the package (${files.join(', ')})`);
  }
  assert.ok(files.some((f) => /^pkg\/snippets\/.*workerHelpers.*\.js$/.test(f)), 'the thread pool helper');
  assert.ok(!files.some((f) => /(^|\/)(index\.html|app\.js|samples\/)/.test(f)), 'nothing of the demo page');
  // What was installed is that package.
  const installed = JSON.parse(fs.readFileSync(path.join(host, 'node_modules', 'atoll', 'package.json'), 'utf8'));
  assert.equal(installed.version, version);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  fs.writeFileSync(path.join(ARTIFACTS, 'dist-files.txt'), dist.info.files.map((f) => `${f.size}\t${f.path}`).join('\n')
    + `\n${dist.info.size}\tgzipped tarball ${path.basename(dist.tarball)}\n`);
});

test('a host page at /portal/timetable/ without COOP/COEP: the installed package solves with the module API and <atoll-solver> on one thread, as the demo does', async () => {
  const { page, problems } = browser;
  const res = await page.goto(`${site.url}${BASE}`);
  assert.equal(res.headers()['cross-origin-embedder-policy'], undefined, 'a plain server');
  await page.waitForSelector('body[data-ready="true"]');
  const out = await page.evaluate(() => window.solveBoth());
  assert.equal(out.isolated, false);
  assert.equal(out.api.stats.threaded, false, 'the single-threaded fallback');
  assert.equal(out.api.stats.pool_threads, 1);
  assert.deepEqual(same(out.api), same(expected), 'module API = demo');
  assert.deepEqual(same(out.element), same(expected), 'element = demo');
  assert.equal(out.state, 'solved');
  assert.equal(out.soft, String(expected.soft));
  // The element found its stylesheet and grid beside the module, and the host's theme.
  const look = await page.evaluate(() => {
    const root = document.querySelector('atoll-solver').shadowRoot;
    return { cells: root.querySelectorAll('table.tt-grid td').length,
      accent: getComputedStyle(root.querySelector('button.start')).backgroundColor };
  });
  assert.ok(look.cells > 0, 'the grid is drawn');
  assert.equal(look.accent, 'rgb(122, 31, 92)');
  assert.deepEqual(problems, []);

  // The real objects against the installed atoll.d.ts: every field declared, none missing.
  const repaired = await page.evaluate((s) => window.repairSome(s), out.api.solution);
  assert.equal(repaired.result.feasible, true);
  const lines = [
    "import type { SolveResult, SolveProgress, RepairResult, RepairProgress } from 'atoll';",
    `export const api: SolveResult = ${JSON.stringify(out.api)};`,
    `export const element: SolveResult = ${JSON.stringify(out.element)};`,
    ...out.progress.map((p, i) => `export const progress${i}: SolveProgress = ${JSON.stringify(p)};`),
    `export const repaired: RepairResult = ${JSON.stringify(repaired.result)};`,
    ...repaired.progress.map((p, i) => `export const repairProgress${i}: RepairProgress = ${JSON.stringify(p)};`),
  ];
  fs.writeFileSync(path.join(host, 'objects.ts'), `${lines.join('\n')}\n`);
  const tsc = spawnSync(process.execPath, [path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit',
    '--strict', '--target', 'es2022', '--lib', 'es2022,dom', '--module', 'esnext', '--moduleResolution', 'bundler',
    '--types', '', 'objects.ts'], { cwd: host, encoding: 'utf8' });
  assert.equal(tsc.status, 0, `the real objects do not match atoll.d.ts:\n${tsc.stdout}${tsc.stderr}`);
});

test('the same host page, opted into the package\'s service worker (coi.js + coi-sw.js): isolated, threaded, same timetable', async () => {
  const { page, problems } = browser;
  problems.length = 0;
  await page.goto(`${site.url}${BASE}isolated.html`);
  await page.waitForFunction(() => window.crossOriginIsolated && document.body.dataset.ready === 'true', null,
    { timeout: 60_000 });
  assert.equal(await page.evaluate(() => !!navigator.serviceWorker.controller), true);
  const out = await page.evaluate(() => window.solveBoth());
  assert.equal(out.isolated, true);
  assert.equal(out.api.stats.threaded, true, 'the threaded build');
  assert.ok(out.api.stats.pool_threads >= 1);
  assert.deepEqual(same(out.api), same(expected), 'module API = demo');
  assert.deepEqual(same(out.element), same(expected), 'element = demo');
  // The worker isolates only the page it was told of: the other host page stays as served.
  const other = await page.context().newPage();
  try {
    await other.goto(`${site.url}${BASE}`);
    await other.waitForSelector('body[data-ready="true"]');
    assert.equal(await other.evaluate(() => window.crossOriginIsolated), false);
  } finally {
    await other.close();
  }
  // The one reload may cut off requests of the first load (net::ERR_ABORTED): expected.
  assert.deepEqual(problems.filter((p) => !/^request failed: .* net::ERR_ABORTED$/.test(p)), []);
});
