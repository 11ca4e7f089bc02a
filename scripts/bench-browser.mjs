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
//   node scripts/bench-browser.mjs --quality [INSTANCES...] [--seeds 1,2,3] [--time 60]
//       [--threads 2] [--best best_known.csv] [--keep DIR]
//       solution quality of the page: every instance × seed solved through the page's module
//       API (`solve()` of www/atoll.js, in headless Chromium, cross-origin isolated, the
//       threaded build with `--threads` threads) and by `atoll solve` natively with the same
//       time, threads and seed, interleaved (native then page, so both see the same machine
//       load). Prints `atoll bench`'s table (median, best known, (median+1)/(best+1),
//       geometric mean) for both side by side, and the page's quality relative to native:
//       native geometric mean / page geometric mean (1 = as good; the target is ≥ 0.8).
//       Default instances: comp01–14 of shared/instances/itc2007. Every timetable (native and
//       page) is kept as DIR/NAME-sSEED-{native,page}.sol (default
//       target/bench-quality/TIMESTAMP), and one whose cost is below the best known is scored
//       again by the independent scorer (shared/tools/ctt_score.py): a claim of a new best
//       is only printed with that scorer's agreement.
import { chromium } from 'playwright-core';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from './serve.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const solveMode = args[0] === '--solve';
if (solveMode) args.shift();
if (args[0] === '--quality' || args[0] === '--campus') {
  const mode = args.shift();
  try {
    await (mode === '--quality' ? quality(args) : campus(args));
  } catch (e) {
    console.error(`bench-browser ${mode}: ${e.message}`);
    process.exit(2);
  }
  process.exit(0);
}
const file = path.resolve(args[0] || path.join(ROOT, 'www', 'samples', 'comp07.ctt'));
const seconds = args[1] || (solveMode ? '20' : '2');

/**
 * Serves www/ (`isolation`: with the COOP/COEP headers), opens headless Chromium with a
 * fresh profile in a temporary folder, runs `fn({ page, url, dir })` and closes everything.
 */
async function inBrowser(isolation, fn) {
  const { server, url } = await startServer({ port: 0, isolation });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-bench-'));
  try {
    const context = await chromium.launchPersistentContext(dir, {
      executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = context.pages()[0] || (await context.newPage());
      return await fn({ page, url, dir });
    } finally {
      await context.close();
    }
  } finally {
    server.closeAllConnections();
    server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The demo page with the instance `file` loaded, then `fn(page)`. */
function withPage(isolation, query, fn) {
  return inBrowser(isolation, async ({ page, url }) => {
    await page.goto(url + query);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 60_000 });
    await page.setInputFiles('#instance-file', file);
    await page.waitForSelector('#summary:not([hidden])');
    const mode = await page.locator('body').getAttribute('data-mode');
    return { mode, ...(await fn(page)) };
  });
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
    const r = await withPage(isolation, isolation ? '' : '?nosw', speed);
    console.log(`${(r.mode === 'threaded' ? 'wasm-mt' : 'wasm-st').padEnd(10)} ${r.full.toFixed(0).padStart(12)}   ${r.delta.toFixed(0).padStart(13)}`);
  }
} else {
  console.log(`solve ${path.basename(file)} for ${seconds} s, 1 island on 1 thread (seed 1); moves/s = ls_iterations / elapsed_s`);
  const rows = [];
  rows.push(nativeSolve());
  rows.push(await withPage(true, '?threads=1', solve));
  rows.push(await withPage(false, '?nosw', solve));
  const base = rows[0].iterations / rows[0].elapsed;
  console.log('build      ls moves        elapsed   moves/s     vs native  final');
  for (const r of rows) {
    const name = r.mode === 'native' ? 'native' : r.mode === 'threaded' ? 'wasm-mt' : 'wasm-st';
    const rate = r.iterations / r.elapsed;
    console.log(`${name.padEnd(10)} ${String(r.iterations).padStart(12)}   ${r.elapsed.toFixed(2).padStart(6)} s  `
      + `${rate.toFixed(0).padStart(9)}   ${(rate / base).toFixed(3).padStart(8)}  ${r.feasible ? `feasible, cost ${r.soft}` : 'infeasible'}`);
  }
}

/** Reads `instance,best_known,...` lines (as `atoll bench` does); missing file → empty. */
function readBestKnown(file) {
  const best = new Map();
  if (!fs.existsSync(file)) return best;
  for (const line of fs.readFileSync(file, 'utf8').split('\n').slice(1)) {
    const [name, value] = line.split(',');
    if (name && /^\s*\d+\s*$/.test(value || '')) best.set(name.trim(), Number(value));
  }
  return best;
}

function qualityArgs(argv) {
  const itc = path.resolve(ROOT, '..', 'shared', 'instances', 'itc2007');
  const o = {
    seeds: [1, 2, 3], time: 60, threads: 2, best: path.join(itc, 'best_known.csv'), files: [],
    keep: path.join(ROOT, 'target', 'bench-quality', new Date().toISOString().replace(/[:.]/g, '-')),
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) throw new Error(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--seeds') {
      o.seeds = value().split(',').map((s) => {
        if (!/^\d+$/.test(s.trim())) throw new Error(`--seeds: "${s}" is not a whole number`);
        return Number(s);
      });
    } else if (a === '--time') {
      o.time = Number(value());
      if (!(o.time > 0 && o.time <= 86_400)) throw new Error('--time must be a number of seconds above 0 (at most a day)');
    } else if (a === '--threads') {
      o.threads = Number(value());
      if (!(Number.isInteger(o.threads) && o.threads >= 1 && o.threads <= 64)) throw new Error('--threads must be 1 to 64');
    } else if (a === '--best') {
      o.best = path.resolve(value());
    } else if (a === '--keep') {
      o.keep = path.resolve(value());
    } else if (a.startsWith('--')) {
      throw new Error(`unknown option ${a} (expected --seeds, --time, --threads, --best, --keep)`);
    } else {
      o.files.push(path.resolve(a));
    }
  }
  if (o.files.length === 0) {
    for (let k = 1; k <= 14; k++) o.files.push(path.join(itc, `comp${String(k).padStart(2, '0')}.ctt`));
  }
  for (const f of o.files) if (!fs.existsSync(f)) throw new Error(`${f}: no such instance file`);
  return o;
}

function nativeQuality(file, o, seed, sol) {
  const bin = path.join(ROOT, 'target', 'release', 'atoll');
  if (!fs.existsSync(bin)) throw new Error('target/release/atoll is missing: cargo build --release');
  const out = JSON.parse(execFileSync(bin, ['solve', file, '--time', String(o.time), '--threads', String(o.threads),
    '--seed', String(seed), '--quiet', '--json', '--output', sol], { encoding: 'utf8', maxBuffer: 64 << 20 }));
  return { hard: out.hard_violations ?? (out.feasible ? 0 : 1), soft: out.soft_cost, feasible: out.feasible,
    moves: out.stats.ls_iterations / out.stats.elapsed_s };
}

/**
 * A cost below the best known is an extraordinary claim: the timetable `sol` of `file` is
 * scored again by the independent scorer (shared/tools/ctt_score.py, written from the
 * competition's rules apart from this crate). Returns the line to print.
 */
function independentCheck(file, sol, soft, best) {
  const scorer = path.resolve(ROOT, '..', 'shared', 'tools', 'ctt_score.py');
  const what = `${path.basename(sol)}: ${soft} is below the best known ${best}`;
  if (!fs.existsSync(scorer)) return `${what}; not confirmed (no independent scorer at ${scorer})`;
  const r = spawnSync('python3', [scorer, file, sol, '--json'], { encoding: 'utf8' });
  let score;
  try {
    score = JSON.parse(r.stdout);
  } catch {
    return `${what}; not confirmed (ctt_score.py failed: ${(r.stderr || r.stdout || '').trim().split('\n').pop()})`;
  }
  return score.feasible && score.soft_cost === soft
    ? `${what}; confirmed by ctt_score.py (feasible, soft ${score.soft_cost})`
    : `${what}; NOT confirmed: ctt_score.py says feasible ${score.feasible}, soft ${score.soft_cost}`;
}

function ratio(soft, best) { return (soft + 1) / (best + 1); }
function median(v) { const s = [...v].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; }

async function quality(argv) {
  const o = qualityArgs(argv);
  const best = readBestKnown(o.best);
  await inBrowser(true, async ({ page, url }) => {
    // A bare document of the server's origin: cross-origin isolated (the server's headers),
    // nothing of the demo page running beside the solve.
    await page.goto(url + 'best-known.json');
    const isolated = await page.evaluate(() => self.crossOriginIsolated);
    if (!isolated) throw new Error('the bench page is not cross-origin isolated: the page would solve on 1 thread');
    fs.mkdirSync(o.keep, { recursive: true });
    const claims = [];
    console.log(`quality: ${o.files.length} instances × seeds ${o.seeds.join(',')}, ${o.time} s, ${o.threads} threads; `
      + `native = atoll solve, page = solve() of www/atoll.js in headless Chromium (threaded wasm), interleaved; `
      + `timetables kept in ${path.relative(process.cwd(), o.keep) || '.'}`);
    console.log(`${'instance'.padEnd(10)} ${'seed'.padStart(5)} ${'native'.padStart(7)} ${'page'.padStart(7)} `
      + `${'best'.padStart(6)} ${'n.ratio'.padStart(8)} ${'p.ratio'.padStart(8)} ${'n.moves/s'.padStart(10)} ${'p.moves/s'.padStart(10)}`);
    const rows = [];
    for (const file of o.files) {
      const name = path.basename(file).replace(/\.[^.]*$/, '');
      const text = fs.readFileSync(file, 'utf8');
      const b = best.get(name);
      const r = { name, best: b, native: [], page: [], feasible: true };
      for (const seed of o.seeds) {
        const kept = (side) => path.join(o.keep, `${name}-s${seed}-${side}.sol`);
        const n = nativeQuality(file, o, seed, kept('native'));
        const p = await page.evaluate(async ({ text, seed, time, threads, name }) => {
          const m = await import('./atoll.js');
          const res = await m.solve(text, { timeLimitMs: time * 1000, threads, seed, fileName: name + '.ctt' });
          return { hard: res.hard, soft: res.soft, feasible: res.feasible, solution: res.solution,
            moves: res.stats.ls_iterations / res.stats.elapsed_s };
        }, { text, seed, time: o.time, threads: o.threads, name });
        fs.writeFileSync(kept('page'), p.solution);
        for (const [side, x] of [['native', n], ['page', p]]) {
          if (b !== undefined && x.feasible && x.soft < b) claims.push(independentCheck(file, kept(side), x.soft, b));
        }
        r.native.push(n.soft);
        r.page.push(p.soft);
        r.feasible &&= n.feasible && p.feasible;
        const fmt = (x) => (x.feasible ? String(x.soft) : `${x.soft}h${x.hard}`).padStart(7);
        console.log(`${name.padEnd(10)} ${String(seed).padStart(5)} ${fmt(n)} ${fmt(p)} ${String(b ?? '-').padStart(6)} `
          + `${(b === undefined ? '-' : ratio(n.soft, b).toFixed(2)).padStart(8)} `
          + `${(b === undefined ? '-' : ratio(p.soft, b).toFixed(2)).padStart(8)} `
          + `${n.moves.toFixed(0).padStart(10)} ${p.moves.toFixed(0).padStart(10)}`);
      }
      rows.push(r);
    }
    console.log();
    console.log(`${'instance'.padEnd(10)} ${'native med'.padStart(10)} ${'page med'.padStart(9)} ${'best'.padStart(6)} `
      + `${'n.ratio'.padStart(8)} ${'p.ratio'.padStart(8)} ${'page/native'.padStart(12)}`);
    let ln = 0; let lp = 0; let k = 0;
    for (const r of rows) {
      const mn = median(r.native); const mp = median(r.page);
      const rel = (mn + 1) / (mp + 1);
      console.log(`${r.name.padEnd(10)} ${String(mn).padStart(10)} ${String(mp).padStart(9)} ${String(r.best ?? '-').padStart(6)} `
        + `${(r.best === undefined ? '-' : ratio(mn, r.best).toFixed(2)).padStart(8)} `
        + `${(r.best === undefined ? '-' : ratio(mp, r.best).toFixed(2)).padStart(8)} ${rel.toFixed(2).padStart(12)}`
        + (r.feasible ? '' : '  (infeasible run)'));
      if (r.best !== undefined) { ln += Math.log(ratio(mn, r.best)); lp += Math.log(ratio(mp, r.best)); k++; }
    }
    if (k > 0) {
      const gn = Math.exp(ln / k); const gp = Math.exp(lp / k);
      console.log(`geometric mean of (median+1)/(best+1) over ${k} instances: native ${gn.toFixed(3)}, page ${gp.toFixed(3)}; `
        + `page quality relative to native (native/page) ${(gn / gp).toFixed(3)}`);
    }
    for (const c of claims) console.log(`below the best known: ${c}`);
  });
}

/** The summed PSS (kB) of the processes whose command line names `marker` (Chromium's profile dir). */
function pssOf(marker) {
  let sum = 0;
  for (const pid of fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (!fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker)) continue;
      const m = /^Pss:\s+(\d+) kB/m.exec(fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
      if (m) sum += Number(m[1]);
    } catch { /* the process ended meanwhile */ }
  }
  return sum;
}

async function campus(argv) {
  const o = { time: 120, threads: 2, seed: 1, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--time' || a === '--threads' || a === '--seed') {
      const v = Number(argv[++i]);
      if (!(Number.isFinite(v) && v > 0 && v <= 86_400)) throw new Error(`${a} needs a positive number`);
      o[a.slice(2)] = v;
    } else if (a.startsWith('--')) {
      throw new Error(`unknown option ${a} (expected --time, --threads, --seed)`);
    } else {
      o.files.push(path.resolve(a));
    }
  }
  if (o.files.length === 0) throw new Error('give campus files (gen_campus --courses N)');
  for (const f of o.files) if (!fs.existsSync(f)) throw new Error(`${f}: no such file`);
  const bin = path.join(ROOT, 'target', 'release', 'atoll');
  if (!fs.existsSync(bin)) throw new Error('target/release/atoll is missing: cargo build --release');
  console.log(`big campuses: ${o.time} s, ${o.threads} threads, seed ${o.seed}; native = atoll, page = worker.js in headless Chromium`);
  console.log(`${'file'.padEnd(18)} ${'courses'.padStart(7)} ${'lectures'.padStart(8)} ${'where'.padStart(6)} ${'load s'.padStart(7)} `
    + `${'feasible@'.padStart(10)} ${'hard'.padStart(5)} ${'soft'.padStart(7)} ${'peak MB'.padStart(8)}`);
  for (const file of o.files) {
    const name = path.basename(file);
    const t0 = process.hrtime.bigint();
    const info = JSON.parse(execFileSync(bin, ['info', file, '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 }));
    const nativeLoad = Number(process.hrtime.bigint() - t0) / 1e9;
    const courses = info.courses ?? info.n_courses ?? '?';
    const lectures = info.lectures ?? info.n_lectures ?? '?';
    const timed = spawnSync('/usr/bin/time', ['-f', '%M', bin, 'solve', file, '--time', String(o.time), '--threads',
      String(o.threads), '--seed', String(o.seed), '--quiet', '--json'], { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (timed.status !== 0) throw new Error(`atoll solve ${name} failed: ${timed.stderr}`);
    const n = JSON.parse(timed.stdout);
    const rssKb = Number(timed.stderr.trim().split('\n').pop());
    const row = (where, load, first, hard, soft, mb) => console.log(`${name.padEnd(18)} ${String(courses).padStart(7)} `
      + `${String(lectures).padStart(8)} ${where.padStart(6)} ${load.toFixed(2).padStart(7)} `
      + `${(first == null ? 'never' : `${first.toFixed(1)}s`).padStart(10)} ${String(hard).padStart(5)} `
      + `${String(soft).padStart(7)} ${mb.toFixed(0).padStart(8)}`);
    row('native', nativeLoad, n.stats.time_to_feasible_s, n.hard_violations, n.soft_cost, rssKb / 1024);

    await inBrowser(true, async ({ page, url, dir }) => {
      let peak = 0;
      const sampler = setInterval(() => { peak = Math.max(peak, pssOf(dir)); }, 250);
      try {
        await page.goto(url + 'best-known.json');
        const before = pssOf(dir);
        const text = fs.readFileSync(file, 'utf8');
        const p = await page.evaluate(async ({ text, name, time, threads, seed }) => {
          const w = new Worker('./worker.js', { type: 'module' });
          let next = 1;
          const call = (op, args = {}, transfer = []) => new Promise((resolve, reject) => {
            const id = next++;
            const on = ({ data }) => {
              if (data.id !== id) return;
              w.removeEventListener('message', on);
              if (data.ok) resolve(data.result); else reject(new Error(data.error));
            };
            w.addEventListener('message', on);
            w.postMessage({ id, op, ...args }, transfer);
          });
          await call('init', { threads });
          const bytes = new TextEncoder().encode(text).buffer;
          const t0 = performance.now();
          await call('loadInstance', { bytes, file: name }, [bytes]);
          const load = (performance.now() - t0) / 1000;
          const r = await call('solve', { options: { time_limit: time, seed }, stepMs: 150 });
          w.terminate();
          return { load, first: r.stats.time_to_feasible_s, hard: r.check.hard_violations, soft: r.check.soft_cost };
        }, { text, name, time: o.time, threads: o.threads, seed: o.seed });
        clearInterval(sampler);
        row('page', p.load, p.first, p.hard, p.soft, (peak - before) / 1024);
      } finally {
        clearInterval(sampler);
      }
    });
  }
}
