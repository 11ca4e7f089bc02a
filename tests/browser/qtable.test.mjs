// Stage 3 in the page (threaded build, a pool of 2): the Q-table it learns is kept in
// IndexedDB under the instance name and restored by the next solve — also in a fresh
// worker, i.e. a new wasm instance — a broken stored table is reported and replaced, not
// fatal; and the memory budget the worker computes from navigator.deviceMemory.
//
// Talks to a worker of its own (www/worker.js, the page's protocol) rather than through
// the page's controls, so it tests the persistence itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { instance, withPage, noProblemsIn } from './helpers.mjs';

let ctx;
withPage({ query: 'threads=2' }, null, (c) => { ctx = c; });

const noProblems = () => noProblemsIn(ctx);

// In the page: a helper that starts a worker and calls its ops.
async function installHarness(page) {
  await page.evaluate(() => {
    window.qt = {
      start() {
        const w = new Worker('./worker.js', { type: 'module' });
        const pending = new Map();
        const events = [];
        let next = 1;
        w.onmessage = ({ data }) => {
          if (data.event) { events.push(data); return; }
          const p = pending.get(data.id);
          pending.delete(data.id);
          if (data.ok) p.resolve(data.result); else p.reject(new Error(data.error));
        };
        const call = (op, args = {}) => new Promise((resolve, reject) => {
          const id = next++;
          pending.set(id, { resolve, reject });
          w.postMessage({ id, op, ...args });
        });
        return { w, call, events };
      },
      stored(name) {
        return new Promise((resolve, reject) => {
          const req = indexedDB.open('atoll', 1);
          req.onupgradeneeded = () => req.result.createObjectStore('qtables');
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const db = req.result;
            const get = db.transaction('qtables').objectStore('qtables').get(name);
            get.onsuccess = () => { db.close(); resolve(get.result); };
            get.onerror = () => { db.close(); reject(get.error); };
          };
        });
      },
      put(name, value) {
        return new Promise((resolve, reject) => {
          const req = indexedDB.open('atoll', 1);
          req.onerror = () => reject(req.error);
          req.onsuccess = () => {
            const db = req.result;
            const tx = db.transaction('qtables', 'readwrite');
            tx.objectStore('qtables').put(value, name);
            tx.oncomplete = () => { db.close(); resolve(); };
            tx.onerror = () => { db.close(); reject(tx.error); };
          };
        });
      },
    };
  });
}

const COMP01 = [...fs.readFileSync(instance('comp01'))];
// A short solve whose second half is Stage 3.
// Stage 3 keeps its whole share (it would otherwise hand an idle share back to evolution).
const OPTIONS = { time_limit: 2, seed: 1, islands: 0, stage3_share: 0.5, stage3_idle_sweeps: 1000000 };

/** Starts a worker in the page, loads comp01, solves; returns the result and progress. */
async function solveInFreshWorker(page, { clear = false } = {}) {
  return page.evaluate(async ({ bytes, options, clear }) => {
    const { w, call, events } = window.qt.start();
    try {
      await call('init', { threads: 2 });
      await call('loadInstance', { bytes: new Uint8Array(bytes).buffer, file: 'comp01.ctt' });
      if (clear) await call('qtableClear');
      const before = await call('qtableInfo');
      const result = await call('solve', { options, stepMs: 100 });
      const after = await call('qtableInfo');
      return {
        before,
        after,
        qtable: result.qtable,
        hard: result.check.hard_violations,
        stages: events.filter((e) => e.progress).map((e) => e.progress.stage),
        conflicts: events.filter((e) => e.progress).map((e) => e.progress.conflicts_left),
        repairRounds: result.stats.repair ? result.stats.repair.rounds : 0,
        budget: result.stats.budget,
      };
    } finally {
      w.terminate();
    }
  }, { bytes: COMP01, options: OPTIONS, clear });
}

test('a solve saves its Q-table under the instance name; the next, in a new worker, restores it', async () => {
  const { page } = ctx;
  await installHarness(page);

  const first = await solveInFreshWorker(page, { clear: true });
  assert.equal(first.before.stored, false, 'cleared');
  assert.equal(first.qtable.instance, 'Fis0506-1');
  assert.equal(first.qtable.restored, false);
  assert.equal(first.qtable.saved, true, JSON.stringify(first.qtable));
  assert.ok(first.repairRounds > 0, 'Stage 3 ran');
  assert.ok(first.stages.includes('repair'), `stages seen: ${[...new Set(first.stages)]}`);
  const during = first.conflicts.filter((c, i) => first.stages[i] === 'repair');
  assert.ok(during.length > 0 && during.every((c) => Number.isInteger(c) && c >= 0), 'conflicts_left during Stage 3');
  assert.ok(first.qtable.updates > 0, 'the agent learned');
  assert.equal(first.after.stored, true);
  assert.equal(first.hard, 0);

  const saved = JSON.parse(await page.evaluate(() => window.qt.stored('Fis0506-1')));
  assert.equal(saved.format, 'atoll-qtable');
  assert.equal(saved.updates, first.qtable.updates);

  const second = await solveInFreshWorker(page);
  assert.equal(second.before.stored, true);
  assert.equal(second.qtable.restored, true, JSON.stringify(second.qtable));
  assert.ok(second.qtable.updates > first.qtable.updates,
    `starts from the ${first.qtable.updates} saved updates (now ${second.qtable.updates})`);
  noProblems();
});

// Issue 15, defect 5: a table that could not be read is never saved over (it may be the
// user's only copy of what was learned); forgetting it (qtableClear) is the user's choice.
test('a broken stored Q-table is reported and left untouched, and the solve goes on', async () => {
  const { page } = ctx;
  const broken = '{"format": "not a table"';
  await page.evaluate((b) => window.qt.put('Fis0506-1', b), broken);
  const r = await solveInFreshWorker(page);
  assert.equal(r.qtable.restored, false);
  assert.match(r.qtable.error, /stored Q-table not used: .*Q-table.*; it is left untouched and not saved over/);
  assert.equal(r.qtable.saved, false);
  assert.equal(r.hard, 0);
  assert.equal(await page.evaluate(() => window.qt.stored('Fis0506-1')), broken, 'not saved over');
  // Once the user forgets it, the next solve saves a new one.
  const fresh = await solveInFreshWorker(page, { clear: true });
  assert.equal(fresh.qtable.saved, true);
  assert.equal(JSON.parse(await page.evaluate(() => window.qt.stored('Fis0506-1'))).format, 'atoll-qtable');
  noProblems();
});

test('the memory budget follows navigator.deviceMemory, conservative without it', async () => {
  const { page } = ctx;
  const b = await page.evaluate(async () => {
    const { w, call } = window.qt.start();
    try {
      await call('init', { threads: 2 });
      return {
        own: await call('budget'),
        device: await page_device(),
        small: await call('budget', { deviceMemory: 1 }),
        large: await call('budget', { deviceMemory: 8 }),
        absent: await call('budget', { deviceMemory: undefined }),
      };
    } finally {
      w.terminate();
    }
    function page_device() { return navigator.deviceMemory; }
  });
  assert.equal(b.small.conflict_batch, 8);
  // The page's budget never exceeds the wasm heap (1 GiB): 8 GiB of device memory still
  // budgets 1 GiB, so the conflict batch stays at the under-4-GiB size.
  assert.equal(b.large.memory_gib, b.large.heap_limit_gib);
  assert.equal(b.large.conflict_batch, 8);
  assert.equal(b.small.source, 'device_memory');
  assert.equal(b.absent.source, 'default');
  assert.equal(b.absent.conflict_batch, 8);
  if (typeof b.device === 'number') {
    assert.equal(b.own.memory_gib, Math.min(b.device, b.own.heap_limit_gib));
    assert.equal(b.own.source, 'device_memory');
  }
  for (const k of ['memory_gib', 'conflict_batch', 'max_population', 'max_offspring', 'gpu_batch']) {
    assert.ok(Number.isFinite(b.own[k]) && b.own[k] > 0, `${k} = ${b.own[k]}`);
  }
  noProblems();
});
