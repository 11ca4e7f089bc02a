// The environment panel and the settings that depend on the build: with a WebGPU adapter
// (headless Chromium's SwiftShader, --enable-unsafe-webgpu) the panel names it; the
// evaluator and Stage 3 settings are usable exactly when the loaded build knows those
// options (its defaultOptions()), else off and said so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { screenshot, text, withPage } from './helpers.mjs';

let ctx;
withPage({ query: 'threads=2', args: ['--enable-unsafe-webgpu'] }, 'environment-final', (c) => { ctx = c; }, async (c) => {
  await c.page.waitForSelector('body[data-env="shown"]');
});

test('the panel shows isolation, build, threads, the WebGPU adapter, device memory and the budget', async () => {
  const { page } = ctx;
  await page.locator('#env-panel summary').click();
  assert.match(await text(page, '#env-isolation-how'), /^yes — the server sends COOP\/COEP/);
  assert.match(await text(page, '#env-build'), /^threaded wasm, Atoll \d+\.\d+\.\d+/);
  assert.match(await text(page, '#env-pool'), /^2 in the pool · \d+ logical cores/);
  const gpu = await text(page, '#env-gpu');
  assert.match(gpu, /^WebGPU adapter: .*swiftshader/i, gpu);
  assert.match(gpu, /software fallback adapter/);
  // The limits the GPU search is sized from.
  assert.match(gpu, /limits: storage binding \d+ B, workgroup memory \d+ B, \d+ invocations per workgroup/, gpu);
  assert.equal(await text(page, '#env-gpu-search'), 'said when a solve chooses its evaluator');
  const memory = await page.evaluate(() => navigator.deviceMemory);
  assert.equal(await text(page, '#env-memory'), `${memory} GiB (navigator.deviceMemory)`);
  const budget = await text(page, '#env-budget');
  if ((await page.locator('body').getAttribute('data-budget')) === 'yes') {
    assert.match(budget, /\d/, budget);
  } else {
    assert.equal(budget, 'this build chooses no memory budget');
  }
  await screenshot(page, 'environment-webgpu');
  assert.deepEqual(ctx.problems, []);
});

test('evaluator and Stage 3 settings follow the options the build knows', async () => {
  const { page } = ctx;
  const defaults = await page.evaluate(async () => {
    const m = await import('./pkg-st/atoll.js');
    await m.default();
    return m.defaultOptions();
  });
  assert.equal(defaults.time_limit, 60);
  assert.equal(defaults.seed, 1);
  const hasEvaluator = 'evaluator' in defaults;
  const hasStage3 = 'stage3' in defaults;
  assert.equal(await page.locator('#solve-evaluator').isDisabled(), !hasEvaluator);
  assert.equal(await page.locator('#solve-stage3').isDisabled(), !hasStage3);
  if (hasStage3) {
    assert.equal(await page.locator('#solve-stage3').isChecked(), defaults.stage3);
  } else {
    assert.equal(await page.locator('#solve-stage3').isChecked(), false);
  }
  const note = page.locator('#solve-options-note');
  if (hasEvaluator && hasStage3) {
    assert.equal(await note.isVisible(), false);
  } else {
    assert.match(await note.innerText(), /^This build has no (GPU evaluator|Stage 3)/);
  }
  // With an adapter, the GPU choice is offered.
  assert.equal(await page.locator('#solve-evaluator option[value="gpu"]').isDisabled(), false);
  assert.deepEqual(ctx.problems, []);
});
