// Fault injection (issue 15): nothing the user has is lost when the solver worker traps or
// dies, when IndexedDB fails or holds a broken Q-table, when a bad file is dropped, or when
// Stop comes at an awkward moment.
//
// Faults are injected from outside the page's code: Playwright evaluates in the solver
// worker's own scope, where `import('./pkg/atoll.js')` returns the very module the worker
// uses, so a test can make a Session method throw as a trap would ("RuntimeError:
// unreachable", then "recursive use of an object" for every later call, as a real trap
// leaves a wasm-bindgen module), close the worker, or break IndexedDB.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { open, instance, text, downloadSolution, withPage } from './helpers.mjs';

let ctx;
// A pool of 2; the watchdog declares a silent worker dead after 6 s (default 60 s).
withPage({ query: 'threads=2&stall=6' }, 'faults-final', (c) => { ctx = c; });

/** The page's solver worker (not the pool's helpers). */
async function solverWorker(page) {
  for (let i = 0; i < 100; i++) {
    const w = page.workers().filter((x) => /\/worker\.js$/.test(x.url()));
    if (w.length) return w[w.length - 1];
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('no solver worker');
}

async function loadSample(page, sample, name) {
  await page.selectOption('#sample', sample);
  await page.click('#load-sample');
  await page.waitForSelector(`#summary[data-name="${name}"]`);
}

/** Solves with the page's controls; resolves when the result is shown. */
async function solveInPage(page, seconds) {
  await page.fill('#solve-time', String(seconds));
  await page.click('#solve-run');
  await page.waitForSelector('#solve-card[data-state="done"]', { timeout: 60_000 });
  await page.waitForSelector('#results-card[data-state="shown"]');
}

/** Starts a long solve and waits until progress events arrive. */
async function startLongSolve(page) {
  await page.fill('#solve-time', '600');
  await page.click('#solve-run');
  await page.waitForFunction(() => Number(document.querySelector('#solve-card').dataset.points) >= 2,
    null, { timeout: 30_000 });
}

/** Makes sure Toy is loaded and a solve's result is shown (each test can run alone). */
async function ensureToyResult(page) {
  await page.waitForFunction(() => !document.querySelector('#load-sample').disabled);
  if (await page.locator('#summary').getAttribute('data-name') !== 'Toy') await loadSample(page, 'toy.ctt', 'Toy');
  if (await page.locator('#results-card').getAttribute('data-state') !== 'shown') await solveInPage(page, 1);
}

/** What the results card shows now, and the .sol behind its download. */
async function shown(page) {
  return {
    soft: await page.locator('#results-card').getAttribute('data-soft-cost'),
    hard: await page.locator('#results-card').getAttribute('data-hard-violations'),
    source: await text(page, '#results-source'),
  };
}

test('a worker that traps mid-solve is restarted; the timetable shown before stays, downloadable', async () => {
  const { page } = ctx;
  await loadSample(page, 'toy.ctt', 'Toy');
  await solveInPage(page, 1);
  const before = await shown(page);
  const firstSol = fs.readFileSync((await downloadSolution(page, 'faults-before-trap.sol')).file, 'utf8');
  assert.ok(firstSol.trim().split('\n').length > 0);

  await startLongSolve(page);
  const w = await solverWorker(page);
  await w.evaluate(async () => {
    const m = await import(new URL(self.crossOriginIsolated ? './pkg/atoll.js' : './pkg-st/atoll.js', location.href));
    const P = m.Session.prototype;
    // The next step traps; from then on every call fails as after a real trap.
    const broken = () => { throw new Error('recursive use of an object detected which would lead to unsafe aliasing in rust'); };
    for (const k of Object.getOwnPropertyNames(P)) {
      const d = Object.getOwnPropertyDescriptor(P, k);
      if (k !== 'constructor' && typeof d.value === 'function') P[k] = broken;
    }
    P.solveStep = () => {
      P.solveStep = broken;
      throw new WebAssembly.RuntimeError('unreachable');
    };
  });
  await page.waitForSelector('body[data-worker-restarts="1"]', { timeout: 30_000 });
  await page.waitForSelector('#solve-card[data-state="crashed"]');
  assert.match(await text(page, '#solve-error'),
    /^The solver crashed \(.*unreachable.*\) and was restarted with the same instance and settings; the timetable shown before is kept\.$/);
  assert.deepEqual(await shown(page), before, 'the results card still shows the timetable from before');
  assert.equal(await page.locator('#solve-result').isVisible(), true, 'the previous result and its download');
  const again = fs.readFileSync((await downloadSolution(page, 'faults-after-trap.sol')).file, 'utf8');
  assert.equal(again, firstSol);
  // The new worker has the instance: a grid export and a new solve work.
  await page.waitForFunction(() => !document.querySelector('#solve-run').disabled);
  await solveInPage(page, 1);
  assert.equal(await page.locator('#solve-error').isVisible(), false);
  assert.match(await text(page, '#solve-summary'), /2 islands on 2 threads/, 'the same pool size');
});

test('a worker that dies silently mid-solve is found by the watchdog and restarted', async () => {
  const { page } = ctx;
  await ensureToyResult(page);
  const before = await shown(page);
  const restarts = Number(await page.locator('body').getAttribute('data-worker-restarts') || 0);
  await startLongSolve(page);
  const w = await solverWorker(page);
  await w.evaluate(() => { setTimeout(() => self.close(), 0); });
  await page.waitForSelector(`body[data-worker-restarts="${restarts + 1}"]`, { timeout: 30_000 });
  assert.match(await text(page, '#solve-error'), /^The solver crashed \(no progress for 6 s\) and was restarted/);
  assert.deepEqual(await shown(page), before);
  await page.waitForFunction(() => !document.querySelector('#solve-run').disabled);
  await solveInPage(page, 1);
  assert.equal(await page.locator('#solve-error').isVisible(), false);
});

// ---- IndexedDB ------------------------------------------------------------------------
const idb = {
  get: (page, name) => page.evaluate((n) => new Promise((resolve, reject) => {
    const req = indexedDB.open('atoll', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('qtables');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const g = db.transaction('qtables').objectStore('qtables').get(n);
      g.onsuccess = () => { db.close(); resolve(g.result); };
      g.onerror = () => { db.close(); reject(g.error); };
    };
  }), name),
  put: (page, name, value) => page.evaluate(([n, v]) => new Promise((resolve, reject) => {
    const req = indexedDB.open('atoll', 1);
    req.onupgradeneeded = () => req.result.createObjectStore('qtables');
    req.onerror = () => reject(req.error);
    req.onsuccess = () => {
      const db = req.result;
      const tx = db.transaction('qtables', 'readwrite');
      tx.objectStore('qtables').put(v, n);
      tx.oncomplete = () => { db.close(); resolve(); };
      tx.onerror = () => { db.close(); reject(tx.error); };
    };
  }), [name, value]),
};

test('a corrupt stored Q-table: the solve runs, the table is left untouched, the Environment panel says so', async () => {
  const { page } = ctx;
  await ensureToyResult(page);
  const corrupt = '{"format": "atoll-qtable", "broken';
  await idb.put(page, 'Toy', corrupt);
  await solveInPage(page, 1);
  assert.equal(await idb.get(page, 'Toy'), corrupt, 'not saved over');
  const env = page.locator('#env-qtable');
  assert.equal(await env.getAttribute('data-state'), 'warn');
  assert.match(await env.textContent(), /^Toy: stored Q-table not used: .*left untouched and not saved over/);
  assert.match(await text(page, '#solve-status'), /Stage 3 memory: /);
  // Forgetting it is the user's choice (op qtableClear); then solves save again.
  await idb.put(page, 'Toy', undefined);
  await solveInPage(page, 1);
  assert.equal(JSON.parse(await idb.get(page, 'Toy')).format, 'atoll-qtable');
  assert.equal(await page.locator('#env-qtable').getAttribute('data-state'), 'good');
});

// Each injection sets self.__undo, run after the test (the page keeps its worker).
for (const [what, inject, told] of [
  ['unavailable', () => {
    Object.defineProperty(self, 'indexedDB', { value: undefined, configurable: true });
    self.__undo = () => { delete self.indexedDB; };
  }, /could not be read/],
  ['throwing', () => {
    const open = IDBFactory.prototype.open;
    IDBFactory.prototype.open = () => { throw new DOMException('injected', 'UnknownError'); };
    self.__undo = () => { IDBFactory.prototype.open = open; };
  }, /could not be read \(injected\)/],
  ['full', () => {
    const put = IDBObjectStore.prototype.put;
    IDBObjectStore.prototype.put = () => { throw new DOMException('injected: quota exceeded', 'QuotaExceededError'); };
    self.__undo = () => { IDBObjectStore.prototype.put = put; };
  }, /Q-table not saved: injected: quota exceeded/],
]) {
  test(`IndexedDB ${what}: the solve runs and the user is told; a stored table is untouched`, async () => {
    const { page } = ctx;
    await ensureToyResult(page);
    if (await idb.get(page, 'Toy') === undefined) await solveInPage(page, 1); // stores one
    const stored = await idb.get(page, 'Toy');
    assert.equal(JSON.parse(stored).format, 'atoll-qtable', 'a table is stored before');
    const w = await solverWorker(page);
    await w.evaluate(inject);
    try {
      await solveInPage(page, 1);
    } finally {
      await w.evaluate(() => self.__undo());
    }
    assert.equal(await page.locator('#solve-error').isVisible(), false);
    assert.equal(await page.locator('#env-qtable').getAttribute('data-state'), 'warn');
    assert.match(await page.locator('#env-qtable').textContent(), told);
    assert.deepEqual(await idb.get(page, 'Toy'), stored);
  });
}

// ---- files dropped on the page ------------------------------------------------------------
/** Drops files ({ name, bytes? , size? }) on the drop zone; `size` makes a zero-filled file. */
async function dropFiles(page, files) {
  await page.evaluate((list) => {
    const dt = new DataTransfer();
    for (const f of list) {
      const body = f.size ? new Uint8Array(f.size) : new Uint8Array(f.bytes);
      dt.items.add(new File([body], f.name));
    }
    document.querySelector('#dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, files);
}

test('a malformed, an oversized and a random-bytes file: a clear error; the instance and result remain', async (t) => {
  const { page } = ctx;
  await ensureToyResult(page);
  const before = await shown(page);
  const restarts = await page.locator('body').getAttribute('data-worker-restarts');
  // Random bytes from a fixed seed (xorshift), so the file is the same every run.
  let x = 2463534242;
  const noise = Array.from({ length: 65536 }, () => { x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0; return x & 255; });
  const toy = fs.readFileSync(instance('toy'), 'utf8');
  const cases = [
    ['malformed.ctt', [...Buffer.from(toy.replace('Rooms: 3', 'Rooms: three'))], /^malformed\.ctt:3: expected a whole number for the number of rooms, found 'three'$/],
    ['huge-counts.ctt', [...Buffer.from(toy.replace('Courses: 4', 'Courses: 4294967295'))], /^huge-counts\.ctt:\d+: /],
    ['noise.ctt', noise, /^noise\.ctt(:\d+)?: /],
    ['oversized.ctt', null, /^oversized\.ctt: 200 MB is more than the 64 MB this page reads/],
  ];
  for (const [name, bytes, expected] of cases) {
    await page.evaluate(() => { document.querySelector('#instance-error').hidden = true; });
    await dropFiles(page, [bytes ? { name, bytes } : { name, size: 200 * 1024 * 1024 }]);
    await page.waitForSelector('#instance-error:not([hidden])', { timeout: 60_000 });
    const msg = await text(page, '#instance-error');
    t.diagnostic(`${name}: ${msg}`);
    assert.match(msg, expected, name);
    assert.equal(await page.locator('#summary').getAttribute('data-name'), 'Toy', `${name}: the instance stays`);
    assert.deepEqual(await shown(page), before, `${name}: the result stays`);
  }
  assert.equal(await page.locator('body').getAttribute('data-worker-restarts'), restarts, 'no crash');
  // The instance in the worker is still Toy: solving works.
  await solveInPage(page, 1);
  assert.match(await text(page, '#results-source'), /for Toy$/);
});

// ---- Stop ----------------------------------------------------------------------------------
// On comp01, which no solve finishes early ("solved") before the stop arrives.
test('Stop pressed while the solve waits in the worker queue ends it with the best timetable', async () => {
  const { page } = ctx;
  await ensureToyResult(page);
  await loadSample(page, 'comp01.ctt', 'Fis0506-1');
  await page.selectOption('#speed-seconds', '2');
  await page.click('#speed-run'); // keeps the worker busy for about 2 s
  await page.fill('#solve-time', '600');
  await page.click('#solve-run');
  await page.click('#solve-stop');
  await page.waitForSelector('#solve-card[data-state="done"]', { timeout: 60_000 });
  assert.equal(await page.locator('#solve-result').getAttribute('data-stop-reason'), 'cancelled');
  await page.waitForSelector('#results-card[data-state="shown"][data-source="solve"]');
});

test('Stop pressed while a new pool starts (threads changed) is not lost', async () => {
  const { page } = ctx;
  await ensureToyResult(page);
  await loadSample(page, 'comp01.ctt', 'Fis0506-1');
  await page.fill('#solve-threads-input', '1');
  await page.fill('#solve-time', '600');
  await page.click('#solve-run');
  assert.equal(await page.locator('#solve-stop').isEnabled(), true, 'Stop is live at once');
  await page.click('#solve-stop');
  await page.waitForSelector('#solve-card[data-state="done"]', { timeout: 60_000 });
  assert.equal(await page.locator('#solve-result').getAttribute('data-stop-reason'), 'cancelled');
  await page.fill('#solve-threads-input', '2');
});

// The worker's protocol directly, for stops at a chosen phase and for failures of a step.
async function inWorker(page, fn, arg) {
  return page.evaluate(async ({ src, arg }) => {
    const w = new Worker('./worker.js', { type: 'module' });
    const pending = new Map();
    const events = [];
    let next = 1;
    const waiters = [];
    w.onmessage = ({ data }) => {
      if (data.event) {
        events.push(data);
        for (const x of waiters.splice(0)) x();
        return;
      }
      const p = pending.get(data.id);
      pending.delete(data.id);
      if (data.ok) p.resolve(data.result); else p.reject(new Error(data.error));
    };
    const call = (op, args = {}) => new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      w.postMessage({ id, op, ...args });
    });
    const nextEvent = () => new Promise((r) => waiters.push(r));
    try {
      // eslint-disable-next-line no-new-func
      return await new Function('ctx', `return (${src})(ctx);`)({ w, call, events, nextEvent, arg });
    } finally {
      w.terminate();
    }
  }, { src: fn.toString(), arg });
}

const COMP01 = [...fs.readFileSync(instance('comp01'))];

for (const phase of ['queued', 'construct', 'evolve', 'repair']) {
  test(`Stop in phase ${phase}: the best timetable within one step`, async () => {
    const r = await inWorker(ctx.page, async ({ call, events, nextEvent, arg }) => {
      await call('init', { threads: 2 });
      await call('loadInstance', { bytes: new Uint8Array(arg.bytes).buffer, file: 'comp01.ctt' });
      const options = { time_limit: 600, seed: 1, islands: 0, stage3_share: 0.5, stage3_idle_sweeps: 1000000 };
      if (arg.phase === 'repair') options.time_limit = 8; // Stage 3 from 4 s on
      const stage = arg.phase;
      // Queued: a second solve waits behind a running one; the stop covers both.
      const first = arg.phase === 'queued' ? call('solve', { options, stepMs: 100 }) : null;
      const solving = call('solve', { options, stepMs: 100 });
      if (first) while (!events.some((e) => e.event === 'progress')) await nextEvent();
      const progress = () => events.filter((e) => e.event === 'progress');
      let over = false;
      solving.finally(() => { over = true; });
      if (stage === 'evolve' || stage === 'repair') {
        while (!over && !progress().some((e) => e.progress.stage === stage)) {
          await Promise.race([nextEvent(), solving.catch(() => {})]);
        }
      }
      const stop = await call('stop');
      const before = progress().length;
      const result = await solving;
      if (first) {
        const r1 = await first;
        if (r1.stop_reason !== 'cancelled') throw new Error(`the running solve ended by ${r1.stop_reason}`);
      }
      return { stop, after: progress().length - before, reason: result.stop_reason,
        lectures: result.solution.trim().split('\n').length, stages: [...new Set(progress().map((e) => e.progress.stage))] };
    }, { bytes: COMP01, phase });
    assert.equal(r.stop.stopping, true, 'the stop applies to the solve');
    assert.equal(r.reason, 'cancelled');
    assert.equal(r.lectures, 160, 'a whole timetable');
    // The step in flight and the last; queued: that for each of the two solves.
    const most = phase === 'queued' ? 4 : 2;
    assert.ok(r.after <= most, `${r.after} progress events after the stop (at most ${most})`);
    if (phase === 'repair') assert.ok(r.stages.includes('repair'), `stages: ${r.stages}`);
  });
}

// ---- a failing step, GPU setup or GPU scoring ends the solve with the best so far ----------
for (const [what, inject, expected] of [
  ['a solver step throws', (P) => {
    let n = 0;
    const step = P.solveStep;
    P.solveStep = function (ms) {
      if (++n === 3) throw new Error('injected step failure');
      return step.call(this, ms);
    };
  }, /^a solver step failed: injected step failure; the result is the best timetable found before that$/],
  ['GPU setup rejects', (P) => {
    P.gpuInit = () => Promise.reject(new Error('injected GPU setup failure'));
  }, /^GPU setup failed: injected GPU setup failure;/],
  ['GPU scoring rejects', (P) => {
    P.gpuInit = () => Promise.resolve({
      info: { requested: 'gpu', gpu: true, name: 'gpu injected', adapter: 'injected', reason: 'test' },
      scorer: { name: 'gpu injected', score: () => Promise.reject(new Error('injected device lost')) },
    });
  }, /^GPU scoring failed: injected device lost;/],
]) {
  test(`${what}: solveFinish still returns the best timetable so far`, async () => {
    const { page } = ctx;
    const fw = await freshWorker(page);
    await page.evaluate(async (bytes) => {
      await window.__fault.call('init', { threads: 2 });
      await window.__fault.call('loadInstance', { bytes: new Uint8Array(bytes).buffer, file: 'comp01.ctt' });
    }, COMP01);
    await fw.evaluate(async (src) => {
      const m = await import(new URL('./pkg/atoll.js', location.href));
      // eslint-disable-next-line no-new-func
      new Function('P', `(${src})(P)`)(m.Session.prototype);
    }, inject.toString());
    // The step test scores on the CPU (solveStep); the GPU ones get the injected GPU.
    const evaluator = what === 'a solver step throws' ? 'cpu' : 'gpu';
    const solved = await page.evaluate(async (evaluator) => {
      try {
        const r = await window.__fault.call('solve', { options: { time_limit: 600, seed: 1, evaluator }, stepMs: 100 });
        return { interrupted: r.interrupted, lectures: r.solution.trim().split('\n').length };
      } catch (e) {
        return { error: e.message };
      } finally {
        window.__fault.w.terminate();
      }
    }, evaluator);
    assert.equal(solved.error, undefined, `the solve failed: ${solved.error}`);
    assert.match(solved.interrupted, expected);
    assert.equal(solved.lectures, 160);
  });
}

/**
 * A solver worker of the test's own in the page (window.__fault: { w, call }), and its
 * Playwright handle, to inject faults into its scope.
 */
async function freshWorker(page) {
  const known = new Set(page.workers());
  await page.evaluate(() => {
    const w = new Worker('./worker.js', { type: 'module' });
    const pending = new Map();
    let next = 1;
    w.onmessage = ({ data }) => {
      if (data.event) return;
      const p = pending.get(data.id);
      pending.delete(data.id);
      if (data.ok) p.resolve(data.result); else p.reject(new Error(data.error));
    };
    const call = (op, args = {}) => new Promise((resolve, reject) => {
      const id = next++;
      pending.set(id, { resolve, reject });
      w.postMessage({ id, op, ...args });
    });
    window.__fault = { w, call };
  });
  for (let i = 0; i < 100; i++) {
    const w = page.workers().find((x) => !known.has(x) && /\/worker\.js$/.test(x.url()));
    if (w) return w;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the new worker did not start');
}
