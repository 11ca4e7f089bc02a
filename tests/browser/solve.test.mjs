// Solving in the page (threaded build, a pool of 2): progress reaches the page while the
// worker solves, the result is the best timetable, Stop returns the best so far, and the
// downloaded .sol re-evaluates with the native `atoll check` to what the page shows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atoll, instance, screenshot, text, num, downloadSolution, withPage, noProblemsIn } from './helpers.mjs';

let ctx;
withPage({ query: 'threads=2' }, 'solve-final', (c) => { ctx = c; });

const noProblems = () => noProblemsIn(ctx);

/** The check of the result shown in the page, field by field, as `atoll check --json` has it. */
async function shownReport(page) {
  const get = (f) => num(page, `#solve-report [data-field="${f}"]`);
  const r = { hard: {}, soft: {} };
  for (const k of ['lectures', 'conflicts', 'availability', 'room_occupancy']) r.hard[k] = await get(`hard.${k}`);
  for (const k of ['room_capacity', 'min_working_days', 'curriculum_compactness', 'room_stability']) {
    r.soft[k] = await get(`soft.${k}`);
  }
  r.hard_violations = await get('hard_violations');
  r.soft_cost = await get('soft_cost');
  return r;
}

async function loadSample(page, sample, name) {
  await page.selectOption('#sample', sample);
  await page.click('#load-sample');
  await page.waitForSelector(`#summary[data-name="${name}"]`);
}

test('a pool of 2 threads, shown next to the solver settings', async () => {
  const { page } = ctx;
  assert.equal(await page.locator('body').getAttribute('data-mode'), 'threaded');
  assert.equal(await text(page, '#solve-threads'), '2');
  assert.equal(await text(page, '#solve-islands-hint'), '0 = one per thread (2)');
  assert.equal(await page.locator('#solve-run').isDisabled(), true, 'no instance yet');
  noProblems();
});

test('comp01 for 5 s on 2 threads: live progress, then a feasible timetable whose .sol `atoll check` agrees with', async () => {
  const { page } = ctx;
  await loadSample(page, 'comp01.ctt', 'Fis0506-1');
  await page.fill('#solve-time', '5');
  await page.fill('#solve-seed', '1');
  await page.fill('#solve-islands', '0');
  const t0 = Date.now();
  await page.click('#solve-run');

  // Progress events reach the page while the solve runs, and the page stays responsive.
  await page.waitForFunction(() => {
    const c = document.querySelector('#solve-card');
    return c.dataset.state === 'running' && Number(c.dataset.generation) >= 2;
  }, null, { timeout: 30_000 });
  assert.equal(await page.locator('#solve-run').isDisabled(), true);
  assert.equal(await page.locator('#solve-stop').isEnabled(), true);
  assert.equal(await page.locator('#load-sample').isDisabled(), true, 'the worker is busy: no other work');
  const frame = await page.evaluate(() => new Promise((resolve) => {
    const t = performance.now();
    requestAnimationFrame(() => resolve(performance.now() - t));
  }));
  assert.ok(frame < 500, `the page answers while solving (a frame in ${frame.toFixed(0)} ms)`);
  assert.match(await text(page, '#solve-clock'), /^\d.* s of 5\.0 s$/);
  assert.equal(await text(page, '#solve-islands-count'), '2');
  await screenshot(page, 'solve-running');

  await page.waitForSelector('#solve-result:not([hidden])', { timeout: 60_000 });
  const wall = (Date.now() - t0) / 1000;
  const result = page.locator('#solve-result');
  assert.equal(await result.getAttribute('data-stop-reason'), 'time_limit');
  const elapsed = Number(await result.getAttribute('data-elapsed'));
  assert.ok(elapsed >= 5 && elapsed < 7, `solver elapsed ${elapsed} s`);
  assert.ok(wall < 20, `the result arrived ${wall.toFixed(1)} s after Solve`);
  const points = Number(await page.locator('#solve-card').getAttribute('data-points'));
  assert.ok(points >= 5, `${points} progress events drawn`);
  assert.match(await text(page, '#solve-summary'), /^Time limit reached after 5\.\d s · .* 2 islands on 2 threads/);

  // The chart has the best-cost line (its colour) on it.
  const blue = await page.evaluate(() => {
    const c = document.querySelector('#solve-chart');
    const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0;
    for (let i = 0; i < d.length; i += 4) if (d[i] === 0x1f && d[i + 1] === 0x5f && d[i + 2] === 0xbf) n++;
    return n;
  });
  assert.ok(blue > 200, `best-cost line drawn (${blue} px)`);

  const shown = await shownReport(page);
  assert.equal(shown.hard_violations, 0, 'comp01 is feasible within 5 s');
  assert.match(await text(page, '#solve-report .verdict'), new RegExp(`^Feasible · cost ${shown.soft_cost}$`));

  const { file, suggested } = await downloadSolution(page, 'solve-comp01.sol');
  assert.equal(suggested, 'comp01.sol');
  const cli = atoll('check', '--json', instance('comp01'), file);
  assert.equal(cli.feasible, true);
  assert.equal(cli.soft_cost, shown.soft_cost, 'the downloaded file scores what the page shows');
  assert.deepEqual({ hard: cli.hard, soft: cli.soft }, { hard: shown.hard, soft: shown.soft });
  assert.equal(cli.hard_violations, 0);
  const rows = await page.locator('#solve-report .violations tbody tr').count();
  assert.equal(rows, Math.min(400, cli.violations.length), 'the violation list is the CLI\'s');
  console.log(`# comp01, 5 s, 2 threads in the page: soft cost ${shown.soft_cost}; ${await text(page, '#solve-summary')}`);
  await screenshot(page, 'solve-comp01');
  assert.equal(await page.locator('#solve-run').isEnabled(), true);
  assert.equal(await page.locator('#solve-stop').isDisabled(), true);
  noProblems();
});

test('Stop after ~2 s of a 60 s solve returns the best so far within seconds', async () => {
  const { page } = ctx;
  await page.fill('#solve-time', '60');
  await page.fill('#solve-seed', '7');
  await page.click('#solve-run');
  await page.waitForFunction(() => {
    const c = document.querySelector('#solve-card');
    return c.dataset.state === 'running' && Number(c.dataset.elapsed) >= 2;
  }, null, { timeout: 30_000 });
  const t0 = Date.now();
  await page.click('#solve-stop');
  await page.waitForSelector('#solve-result:not([hidden])', { timeout: 10_000 });
  const latency = (Date.now() - t0) / 1000;
  assert.ok(latency < 5, `result ${latency.toFixed(2)} s after Stop`);
  const result = page.locator('#solve-result');
  assert.equal(await result.getAttribute('data-stop-reason'), 'cancelled');
  const elapsed = Number(await result.getAttribute('data-elapsed'));
  assert.ok(elapsed >= 2 && elapsed < 10, `stopped at ${elapsed} s of 60`);
  assert.match(await text(page, '#solve-summary'), /^Stopped after /);
  assert.equal(await text(page, '#solve-stage'), 'Stopped');

  const shown = await shownReport(page);
  const { file } = await downloadSolution(page, 'solve-comp01-stopped.sol');
  const cli = atoll('check', '--json', instance('comp01'), file);
  assert.equal(cli.soft_cost, shown.soft_cost, 'the downloaded file scores what the page shows');
  assert.equal(cli.hard_violations, shown.hard_violations);
  assert.equal(cli.feasible, true, 'comp01 is feasible after 2 s');
  console.log(`# Stop: result ${latency.toFixed(2)} s after the click, at ${elapsed.toFixed(2)} s; soft cost ${shown.soft_cost}`);
  await screenshot(page, 'solve-stopped');
  assert.equal(await page.locator('#solve-run').isEnabled(), true);
  assert.equal(await page.locator('#load-sample').isEnabled(), true);
  noProblems();
});

test('bad solver options are errors that name the option', async () => {
  const { page } = ctx;
  await page.fill('#solve-time', '2');
  await page.locator('#solve-more summary').click();
  const attempt = async (json, islands = '0') => {
    await page.fill('#solve-json', json);
    await page.fill('#solve-islands', islands);
    await page.click('#solve-run');
    await page.waitForSelector('#solve-error:not([hidden])');
    const msg = await text(page, '#solve-error');
    await page.waitForSelector('#solve-run:not([disabled])');
    return msg;
  };
  assert.equal(await attempt('{"population": 0}'), 'option population = 0 is out of range (1..=64)');
  assert.match(await attempt('{"populaton": 2}'), /^unknown option 'populaton' \(options: time_limit, /);
  assert.equal(await attempt('{"ls_iterations": "many"}'), 'option ls_iterations = "many" is not a whole number');
  assert.equal(await attempt('', '300'), 'option islands = 300 is out of range (0..=256)');
  assert.match(await attempt('[1, 2]'), /^More solver options: expected a JSON object/);
  assert.match(await attempt('{"population": '), /^More solver options: not valid JSON/);
  // The page is still usable: a short run with a valid extra option.
  await page.fill('#solve-json', '{"population": 1}');
  await page.fill('#solve-islands', '1');
  await page.click('#solve-run');
  await page.waitForSelector('#solve-card[data-state="done"]', { timeout: 30_000 });
  assert.equal(await page.locator('#solve-error').isVisible(), false);
  assert.match(await text(page, '#solve-summary'), /1 island on 2 threads/);
  noProblems();
});
