// Issue 15, the page's smaller defects: a time limit above the library's cap (30 days) is
// refused with a clear message by the page's field, the module API and <atoll-solver
// time-limit>; an instance named like an Object.prototype member ("constructor") has no
// best-known value (no NaN).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { instance, text, withPage } from './helpers.mjs';

let ctx;
withPage({ query: 'threads=2' }, 'hardening-final', (c) => { ctx = c; });

const TOY = fs.readFileSync(instance('toy'), 'utf8');

test('the time-limit field refuses more than 30 days, naming the cap', async () => {
  const { page } = ctx;
  await page.selectOption('#sample', 'toy.ctt');
  await page.click('#load-sample');
  await page.waitForSelector('#summary[data-name="Toy"]');
  for (const v of ['2592001', '1e20', '0', '-5']) {
    await page.fill('#solve-time', v);
    await page.click('#solve-run');
    await page.waitForSelector('#solve-error:not([hidden])');
    assert.equal(await text(page, '#solve-error'),
      `Time limit: enter seconds above 0 and at most 2,592,000 (30 days), got ${v}`);
    assert.equal(await page.locator('#solve-card').getAttribute('data-state'), 'idle', 'no solve started');
  }
  // The cap itself is allowed: the solve starts (and is stopped at once).
  await page.fill('#solve-time', '2592000');
  await page.click('#solve-run');
  await page.click('#solve-stop');
  await page.waitForSelector('#solve-card[data-state="done"]', { timeout: 60_000 });
  assert.equal(await page.locator('#solve-result').getAttribute('data-stop-reason'), 'cancelled');
});

test('the module API and <atoll-solver time-limit> refuse more than 30 days', async () => {
  const { page } = ctx;
  const out = await page.evaluate(async (toy) => {
    const m = await import('./atoll.js');
    const errors = [];
    for (const ms of [1e20, 2_592_000_001, 0, Number.NaN]) {
      try {
        await m.solve(toy, { timeLimitMs: ms });
        errors.push(null);
      } catch (e) {
        errors.push(`${e.name}: ${e.message}`);
      }
    }
    const el = document.createElement('atoll-solver');
    el.setAttribute('time-limit', '1e9');
    el.instanceText = toy;
    document.body.append(el);
    const timer = new Promise((resolve) => setTimeout(() => resolve('no error within 10 s'), 10_000));
    const started = await Promise.race([el.start().then(() => 'solved', (e) => `${e.name}: ${e.message}`), timer]);
    el.stop();
    const shown = el.shadowRoot.querySelector('.error').textContent;
    el.remove();
    return { errors, started, shown, cap: m.MAX_TIME_LIMIT_S };
  }, TOY);
  assert.equal(out.cap, 2_592_000);
  assert.deepEqual(out.errors, [
    'RangeError: timeLimitMs must be above 0 and at most 2592000000 ms (30 days), got 100000000000000000000',
    'RangeError: timeLimitMs must be above 0 and at most 2592000000 ms (30 days), got 2592000001',
    'RangeError: timeLimitMs must be above 0 and at most 2592000000 ms (30 days), got 0',
    'RangeError: timeLimitMs must be above 0 and at most 2592000000 ms (30 days), got NaN',
  ]);
  assert.equal(out.started, 'RangeError: time-limit="1e9": enter seconds above 0 and at most 2592000 (30 days)');
  assert.equal(out.shown, 'time-limit="1e9": enter seconds above 0 and at most 2592000 (30 days)');
});

test('an instance named "constructor" has no best-known value (no NaN)', async () => {
  const { page } = ctx;
  const bytes = [...Buffer.from(TOY.replace('Name: Toy', 'Name: constructor'))];
  await page.evaluate((b) => {
    const dt = new DataTransfer();
    dt.items.add(new File([new Uint8Array(b)], 'constructor.ctt'));
    document.querySelector('#dropzone').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, bytes);
  await page.waitForSelector('#summary[data-name="constructor"]');
  await page.fill('#solve-time', '1');
  await page.click('#solve-run');
  await page.waitForSelector('#results-card[data-state="shown"]', { timeout: 60_000 });
  assert.equal(await page.locator('#solve-report .best-known').isVisible(), false);
  assert.equal(await page.locator('#results-score .best-known-inline').count(), 0);
  assert.doesNotMatch(await page.locator('main').innerText(), /NaN|undefined/);
  // A real entry still shows.
  await page.selectOption('#sample', 'comp01.ctt');
  await page.click('#load-sample');
  await page.waitForSelector('#summary[data-name="Fis0506-1"]');
  await page.click('#solve-run');
  await page.waitForSelector('#results-card[data-state="shown"]', { timeout: 60_000 });
  assert.match(await text(page, '#solve-report .best-known'), /^Best known for comp01 \(Fis0506-1\): 5 · /);
});
