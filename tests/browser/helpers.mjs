// Shared helpers for the browser tests: the server, a fresh headless Chromium, console
// watching, the native CLI for expected values.
import { before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../../scripts/serve.mjs';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED = process.env.ATOLL_SHARED ? path.resolve(process.env.ATOLL_SHARED) : path.resolve(ROOT, '..', 'shared');
export const FIXTURES = path.join(ROOT, 'tests', 'browser', 'fixtures');
export const ARTIFACTS = path.join(ROOT, 'test-results', 'browser');
export const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/**
 * Path of a shared instance, e.g. instance('comp01') → ../shared/instances/itc2007/comp01.ctt;
 * the page's bundled copy (www/samples) when the shared folder is not there.
 */
export function instance(name) {
  for (const dir of [['instances', 'itc2007'], ['instances', 'extra']]) {
    const p = path.join(SHARED, ...dir, `${name}.ctt`);
    if (fs.existsSync(p)) return p;
  }
  return path.join(ROOT, 'www', 'samples', `${name}.ctt`);
}

/** Runs the native CLI (built by `cargo build --release`) and parses its JSON output. */
export function atoll(...args) {
  const bin = path.join(ROOT, 'target', 'release', 'atoll');
  const out = fs.existsSync(bin) && !process.env.ATOLL_USE_CARGO
    ? execFileSync(bin, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    : execFileSync('cargo', ['run', '--release', '--quiet', '--bin', 'atoll', '--', ...args],
      { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  return JSON.parse(out);
}

/**
 * A server on a free port and a fresh Chromium (own user-data-dir) with one page that
 * records every console error, page error and failed request. Call `close()` at the end.
 * `page` opens another file of www/ (e.g. 'embed-example.html'), `ready` is the selector
 * to wait for (null: none), `onContext(context)` runs before the first navigation (to
 * watch every request from the start), `args` more Chromium flags.
 */
export async function open({ isolation = true, query = '', page: file = '', ready = 'body[data-ready="true"]',
  onContext = null, args = [] } = {}) {
  const pkg = isolation ? 'pkg' : 'pkg-st';
  if (!fs.existsSync(path.join(ROOT, 'www', pkg, 'atoll.js'))) {
    throw new Error(`www/${pkg} is missing: run scripts/build-wasm.sh first`);
  }
  const { server, url } = await startServer({ port: 0, isolation });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...args],
    viewport: { width: 1280, height: 900 },
  });
  const problems = [];
  const watch = (where) => (msg) => {
    if (msg.type() === 'error') problems.push(`console error (${where}): ${msg.text()}`);
  };
  context.on('console', watch('context'));
  const page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('worker', (w) => w.on('console', watch(`worker ${w.url()}`)));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`);
  });
  if (onContext) await onContext(context);
  await page.goto(url + file + (query ? `?${query}` : ''));
  if (ready) await page.waitForSelector(ready, { timeout: 60_000 });
  const close = async () => {
    await context.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(userDataDir, { recursive: true, force: true });
  };
  return { page, url, problems, close };
}

export async function screenshot(page, name) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export const text = (page, sel) => page.locator(sel).innerText();
/** The number shown in an element, with thousands separators removed. */
export async function num(page, sel) {
  const t = (await page.locator(sel).innerText()).replace(/,/g, '').trim();
  const n = Number(t);
  if (!Number.isFinite(n)) throw new Error(`${sel} shows '${t}', not a number`);
  return n;
}

/** Clicks "Download .sol", saves the file under test-results/browser/ as `name`. */
export async function downloadSolution(page, name) {
  return download(page, '#solve-download', name);
}

/**
 * Clicks `button`, saves the download under test-results/browser/ as `name` and returns
 * `{ file, suggested, bytes }` (the saved path, the name the page suggested, the contents).
 */
export async function download(page, button, name) {
  const [d] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  await d.saveAs(file);
  return { file, suggested: d.suggestedFilename(), bytes: fs.readFileSync(file) };
}

/**
 * The page of a test file: opened with `open(options)` before the file's first test (then
 * `ready(ctx)` runs, for what the file needs set up on it), and after its last test
 * screenshotted as `shot` (none when null) and closed. `use(ctx)` receives the opened page,
 * so the file keeps it in its own `ctx`.
 */
export function withPage(options, shot, use, ready = async () => {}) {
  let ctx;
  before(async () => {
    ctx = await open(options);
    use(ctx);
    await ready(ctx);
  });
  after(async () => {
    if (!ctx) return;
    if (shot) await screenshot(ctx.page, shot);
    await ctx.close();
  });
}

/** Asserts that the page had no console errors, page errors or failed requests. */
export function noProblemsIn(ctx) {
  assert.deepEqual(ctx.problems, [], 'console errors, page errors or failed requests');
}
