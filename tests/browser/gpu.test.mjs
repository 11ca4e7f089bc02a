// The GPU path of the solver worker (www/worker.js, "GPU batch fitness") in headless
// Chromium with WebGPU (--enable-unsafe-webgpu: SwiftShader, for correctness, not speed):
// a solve with evaluator 'gpu' announces the GPU, reports it in every progress event
// after construction and in the result, and ends with exactly the timetable of the same
// solve with evaluator 'cpu'. Skips, saying why, only when Chromium offers no adapter.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { startServer } from '../../scripts/serve.mjs';
import { CHROMIUM, ROOT, instance } from './helpers.mjs';

test('a solve on WebGPU gives the CPU solve\'s timetable and says which evaluator ran', async (t) => {
  assert.ok(fs.existsSync(path.join(ROOT, 'www', 'pkg', 'atoll.js')), 'run scripts/build-wasm.sh first');
  const { server, url } = await startServer({ port: 0, isolation: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu'],
  });
  const problems = [];
  context.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); });
  try {
    const page = context.pages()[0] || (await context.newPage());
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') problems.push(m.text()); }));
    await page.goto(url);
    const ctt = fs.readFileSync(instance('comp01'), 'utf8');
    const out = await page.evaluate(async (text) => {
      // A worker of our own, spoken to with the worker's protocol.
      const run = async (evaluator) => {
        const w = new Worker('./worker.js', { type: 'module' });
        const events = [];
        const waiting = new Map();
        let next = 0;
        w.onmessage = ({ data }) => {
          if (data.event) {
            events.push(data.event === 'progress'
              ? { event: 'progress', evaluator: data.progress.evaluator } : data);
            return;
          }
          const p = waiting.get(data.id);
          waiting.delete(data.id);
          if (data.ok) p.resolve(data.result); else p.reject(new Error(data.error));
        };
        const call = (op, args = {}) => new Promise((resolve, reject) => {
          const id = ++next;
          waiting.set(id, { resolve, reject });
          w.postMessage({ id, op, ...args });
        });
        await call('init', { threads: 2 });
        await call('loadInstance', { bytes: new TextEncoder().encode(text).buffer, file: 'comp01.ctt' });
        // Same seed and the same starting Q-table give the same timetable: the worker
        // restores the table an earlier solve of this instance saved, so forget it first.
        await call('qtableClear');
        const options = { time_limit: null, max_generations: 3, islands: 2, seed: 4, evaluator };
        // The scorer alone (no GPU tabu phases): the CPU's timetable exactly.
        const result = await call('solve', { options, stepMs: 50, gpuSearch: false });
        w.terminate();
        return { result, events };
      };
      return { gpu: await run('gpu'), cpu: await run('cpu') };
    }, ctt);

    const info = out.gpu.events.find((e) => e.event === 'evaluator')?.info;
    assert.ok(info, 'an evaluator event');
    assert.equal(info.requested, 'gpu');
    const cpuInfo = out.cpu.events.find((e) => e.event === 'evaluator')?.info;
    assert.equal(cpuInfo.gpu, false);
    assert.equal(cpuInfo.reason, 'asked for the CPU');
    assert.equal(out.cpu.result.solution.split('\n').filter(Boolean).length, 160);
    if (!info.gpu) {
      t.skip(`no WebGPU adapter: ${info.reason}`);
      return;
    }
    t.diagnostic(`adapter: ${info.adapter}`);
    const progress = out.gpu.events.filter((e) => e.event === 'progress');
    assert.ok(progress.length >= 2);
    for (const p of progress.slice(1)) assert.match(p.evaluator, /^gpu /);
    assert.match(out.gpu.result.stats.evaluator, /^gpu /);
    assert.match(out.cpu.result.stats.evaluator, /^CPU \(/);
    assert.equal(out.gpu.result.stats.generations, 3);
    assert.equal(out.gpu.result.solution, out.cpu.result.solution);
    assert.deepEqual(out.gpu.result.check, out.cpu.result.check);
    assert.deepEqual(problems, []);
  } finally {
    await context.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
});

// Issue 15, defect 12: `auto` never takes a software or fallback adapter (Chromium's
// SwiftShader here), as natively; `gpu` asked explicitly still may.
test('auto never chooses a software WebGPU adapter (SwiftShader)', async (t) => {
  await onWebGpuPage(async (page) => {
    const ctt = fs.readFileSync(instance('comp01'), 'utf8');
    const out = await page.evaluate(async (text) => {
      const w = new Worker('./worker.js', { type: 'module' });
      const events = [];
      const waiting = new Map();
      let next = 0;
      w.onmessage = ({ data }) => {
        if (data.event) { events.push(data); return; }
        const p = waiting.get(data.id);
        waiting.delete(data.id);
        if (data.ok) p.resolve(data.result); else p.reject(new Error(data.error));
      };
      const call = (op, args = {}) => new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, op, ...args });
      });
      try {
        await call('init', { threads: 2 });
        await call('loadInstance', { bytes: new TextEncoder().encode(text).buffer, file: 'comp01.ctt' });
        const env = await call('env');
        await call('solve', { options: { time_limit: null, max_generations: 2, islands: 2, seed: 4, evaluator: 'auto' }, stepMs: 50 });
        return { env, info: events.find((e) => e.event === 'evaluator')?.info };
      } finally {
        w.terminate();
      }
    }, ctt);
    if (!out.env.gpu.available) {
      t.skip(`no WebGPU adapter: ${out.env.gpu.reason}`);
      return;
    }
    t.diagnostic(`adapter: ${JSON.stringify(out.env.gpu)}`);
    const software = out.env.gpu.fallback
      || /swiftshader|llvmpipe|lavapipe/i.test(`${out.env.gpu.vendor} ${out.env.gpu.architecture} ${out.env.gpu.description}`);
    if (!software) {
      t.skip('this machine offers a hardware adapter: nothing to check');
      return;
    }
    assert.equal(out.info.requested, 'auto');
    assert.equal(out.info.gpu, false, `auto chose ${out.info.name}: ${out.info.reason}`);
    assert.match(out.info.reason, /^auto: the only adapter is a software one/);
  });
});

// Issue 15, fault injection: Stop pressed while evolution scores its batches on the GPU
// (breed on the pool, the GPU's asynchronous readback, select) ends the run with the best
// timetable within one step, as on the CPU.
test('Stop while the GPU scores: the best timetable within one step', async (t) => {
  await onWebGpuPage(async (page) => {
    const ctt = fs.readFileSync(instance('comp01'), 'utf8');
    const r = await page.evaluate(async (text) => {
      const w = new Worker('./worker.js', { type: 'module' });
      const progress = [];
      let info = null;
      let wake = () => {};
      const waiting = new Map();
      let next = 0;
      w.onmessage = ({ data }) => {
        if (data.event === 'progress') progress.push(String(data.progress.evaluator || ''));
        if (data.event === 'evaluator') info = data.info;
        if (data.event) { wake(); return; }
        const p = waiting.get(data.id);
        waiting.delete(data.id);
        if (data.ok) p.resolve(data.result); else p.reject(new Error(data.error));
      };
      const call = (op, args = {}) => new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, op, ...args });
      });
      try {
        await call('init', { threads: 2 });
        await call('loadInstance', { bytes: new TextEncoder().encode(text).buffer, file: 'comp01.ctt' });
        const solving = call('solve', { options: { time_limit: 600, seed: 1, evaluator: 'gpu' }, stepMs: 100 });
        let over = false;
        solving.finally(() => { over = true; });
        // The GPU is set up after construction: wait (bounded) for a step it scored.
        for (let i = 0; i < 300 && !over && !(info && !info.gpu) && !progress.some((e) => /^gpu /.test(e)); i++) {
          await new Promise((res) => { wake = res; setTimeout(res, 100); });
        }
        const onGpu = progress.some((e) => /^gpu /.test(e));
        const stop = await call('stop');
        const before = progress.length;
        const result = await solving;
        return { info, onGpu, stop, after: progress.length - before, reason: result.stop_reason,
          lectures: result.solution.trim().split('\n').length };
      } finally {
        w.terminate();
      }
    }, ctt);
    if (!r.onGpu) {
      if (process.env.ATOLL_REQUIRE_GPU) assert.fail(`the GPU never scored: ${JSON.stringify(r.info)}`);
      t.skip(`no WebGPU adapter: ${r.info && r.info.reason}`);
      return;
    }
    assert.equal(r.stop.stopping, true, 'the stop applies to the solve');
    assert.equal(r.reason, 'cancelled');
    assert.equal(r.lectures, 160, 'a whole timetable');
    assert.ok(r.after <= 2, `${r.after} progress events after the stop (at most 2)`);
  });
});

test('the GPU neighbourhood kernel gives the CPU\'s exact move deltas on WebGPU, and a GPU solve runs its tabu phases', async (t) => {
  await onWebGpuPage(async (page) => {
    const ctt = fs.readFileSync(instance('comp01'), 'utf8');
    const r = await page.evaluate(async (text) => {
      const w = new Worker('./worker.js', { type: 'module' });
      let info = null;
      let search = null;
      const waiting = new Map();
      let next = 0;
      w.onmessage = ({ data }) => {
        if (data.event === 'evaluator') info = data.info;
        if (data.event === 'gpuSearch') search = data.report;
        if (data.event) return;
        const p = waiting.get(data.id);
        waiting.delete(data.id);
        if (data.ok) p.resolve(data.result); else p.reject(new Error(data.error));
      };
      const call = (op, args = {}) => new Promise((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve, reject });
        w.postMessage({ id, op, ...args });
      });
      try {
        await call('init', { threads: 2 });
        await call('loadInstance', { bytes: new TextEncoder().encode(text).buffer, file: 'comp01.ctt' });
        let check = null;
        let error = null;
        try {
          check = await call('gpuNeighbourhoodCheck', { seed: 3 });
        } catch (e) {
          error = e.message;
        }
        const solved = await call('solve', { options: { time_limit: null, max_generations: 2, islands: 2, seed: 4, evaluator: 'gpu' }, stepMs: 50 });
        return { check, error, info, search, evaluator: solved.stats.evaluator, lectures: solved.solution.split('\n').filter(Boolean).length };
      } finally {
        w.terminate();
      }
    }, ctt);
    if (!r.check) {
      if (process.env.ATOLL_REQUIRE_GPU) assert.fail(`the kernel did not run: ${r.error}`);
      t.skip(`no WebGPU adapter: ${r.error}`);
      return;
    }
    t.diagnostic(`${r.check.adapter}: ${r.check.checked} moves; ${r.check.plan.join('; ')}`);
    // comp01: 160 lectures × 30 periods × 6 rooms, for a constructed and a random timetable.
    assert.equal(r.check.checked, 2 * 160 * 30 * 6);
    assert.equal(r.check.mismatches, 0, r.check.first.join('\n'));
    assert.match(r.check.plan[0], /walks per dispatch/);
    assert.match(r.check.plan[1], /steps per submission/);
    assert.ok(r.info && r.info.gpu, `the solve ran on the GPU: ${JSON.stringify(r.info)}`);
    assert.match(r.info.search, /walks per dispatch/);
    assert.match(r.evaluator, /tabu search/, 'the solve ran the GPU tabu phases');
    // The phases ran on the GPU (best + apply passes, many steps per submission) and
    // every logged move passed the CPU's replay: a failure would turn the search off and
    // say so in the note.
    t.diagnostic(`GPU search: ${JSON.stringify(r.search)}`);
    assert.ok(r.search, 'the worker reported the GPU search');
    assert.doesNotMatch(r.search.note, /failed/, r.search.note);
    assert.ok(r.search.iterations > 0 && r.search.submissions > 0, JSON.stringify(r.search));
    assert.ok(r.search.submissions < r.search.iterations, 'several steps per submission');
    assert.equal(r.lectures, 160, 'a whole timetable');
  });
});

/**
 * Runs `fn(page)` on the demo page (served with isolation) in a Chromium of its own with
 * WebGPU (SwiftShader), then closes the browser and the server whatever happens.
 */
async function onWebGpuPage(fn) {
  const { server, url } = await startServer({ port: 0, isolation: true });
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--enable-unsafe-webgpu'],
  });
  try {
    const page = context.pages()[0] || (await context.newPage());
    await page.goto(url);
    return await fn(page);
  } finally {
    await context.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}
