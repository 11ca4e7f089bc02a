// Accessibility (issue 18, item 4): every state of the page passes axe-core at WCAG 2.1 AA
// (tags wcag2a, wcag2aa, wcag21a, wcag21aa) with zero violations; live progress is
// announced politely and rarely (one aria-live region, not every 150 ms step); a violation
// in the grid is never shown by colour alone; `prefers-reduced-motion: reduce` stops the
// chart's animation and the page's CSS motion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { open, ROOT, SHARED, withPage } from './helpers.mjs';

const AXE = fs.readFileSync(path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
// WCAG 2.1 AA, and axe's best practices on top (landmarks, headings, table headers).
const TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** Runs axe-core in the page (injected once per document) and returns its violations, in words. */
async function axe(page) {
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.addScriptTag({ content: AXE });
  const violations = await page.evaluate(async (tags) => {
    const r = await window.axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary.replace(/\s+/g, ' ')}`) }));
  }, TAGS);
  return violations;
}

/** Asserts zero axe violations in `state` and logs the result (for the notes). */
async function clean(page, state) {
  const v = await axe(page);
  console.log(`axe (${TAGS.join(', ')}) in state "${state}": ${v.length} violations`
    + (v.length ? `\n${JSON.stringify(v, null, 2)}` : ''));
  assert.deepEqual(v, [], `axe violations in state "${state}"`);
}

let ctx;
withPage({ query: 'threads=2' }, 'a11y-final', (c) => { ctx = c; });

test('the axe harness finds planted faults (an unlabelled field, grey on grey text)', async () => {
  const { page } = ctx;
  await page.evaluate(() => {
    const box = document.createElement('div');
    box.id = 'planted';
    box.innerHTML = '<input type="text"><p style="color:#aaa;background:#bbb">low contrast</p>';
    document.querySelector('main').append(box);
  });
  const ids = (await axe(page)).map((v) => v.id);
  await page.evaluate(() => document.querySelector('#planted').remove());
  assert.ok(ids.includes('label'), `label in ${ids}`);
  assert.ok(ids.includes('color-contrast'), `color-contrast in ${ids}`);
});

test('axe: empty page (engine ready, no instance)', async () => {
  await clean(ctx.page, 'empty');
  assert.deepEqual(ctx.problems, []);
});

test('axe: instance loaded', async () => {
  const { page } = ctx;
  await page.selectOption('#sample', 'comp01.ctt');
  await page.click('#load-sample');
  await page.waitForSelector('#summary[data-name="Fis0506-1"]');
  await clean(page, 'loaded');
  // The Environment panel and the solver options' JSON field, opened.
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
  await clean(page, 'loaded, panels open');
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = false; });
});

test('axe: solving; progress is announced politely and at most every few seconds', async () => {
  const { page } = ctx;
  // Every write to the live region, with the time the page wrote it (its data-at, set at the
  // write: the observer itself may run later on a busy machine).
  await page.evaluate(() => {
    window.__announced = [];
    const live = document.querySelector('#live');
    new MutationObserver(() => window.__announced.push({ t: Number(live.dataset.at), text: live.textContent }))
      .observe(live, { childList: true, characterData: true, subtree: true });
  });
  const live = page.locator('#live');
  assert.equal(await live.getAttribute('aria-live'), 'polite');
  await page.fill('#solve-time', '60');
  await page.click('#solve-run');
  await page.waitForSelector('#solve-card[data-state="running"]');
  await page.waitForFunction(() => Number(document.querySelector('#solve-card').dataset.points) >= 3, null,
    { timeout: 60_000 });
  await clean(page, 'solving');
  // Keep it running long enough for several progress steps and a periodic announcement.
  await page.waitForFunction(() => Number(document.querySelector('#solve-card').dataset.elapsed) >= 7, null,
    { timeout: 120_000, polling: 200 });
  const points = Number(await page.locator('#solve-card').getAttribute('data-points'));
  await page.click('#solve-stop');
  await page.waitForSelector('#results-card[data-state="shown"]', { timeout: 60_000 });
  await page.waitForFunction(() => /Stopped/.test(document.querySelector('#live').textContent));
  const writes = await page.evaluate(() => window.__announced);
  console.log(`live region: ${writes.length} writes for ${points} progress events:\n`
    + writes.map((w) => `  ${(w.t / 1000).toFixed(2)} s  ${w.text}`).join('\n'));
  assert.ok(writes.length >= 3, 'the start, at least one update while it ran, and the result');
  assert.ok(points > writes.length, 'fewer announcements than progress events');
  // Between the start and the final result, no two writes closer than the announcer's
  // interval (3 s; a little slack for timers).
  for (let i = 1; i < writes.length - 1; i++) {
    assert.ok(writes[i].t - writes[i - 1].t >= 2900,
      `announcements ${i - 1} and ${i} only ${(writes[i].t - writes[i - 1].t).toFixed(0)} ms apart`);
  }
  // The visible status line beside the buttons is not a live region any more.
  assert.equal(await page.locator('#solve-status').getAttribute('aria-live'), null);
});

test('axe: solved, with violations listed and one selected; violation cells carry a marker', async () => {
  const { page } = ctx;
  assert.ok(await page.locator('#side-list button.viol').count() > 0, 'the stopped solve has violations');
  await clean(page, 'solved with violations');
  await page.locator('#side-list button.viol').first().click();
  await page.waitForFunction(() => Number(document.querySelector('#grid').dataset.selected) > 0);
  // Colour is never the only signal: every marked lecture has a visible marker and says
  // "soft violation" / "hard violation" in its accessible text.
  const marks = await page.evaluate(() => [...document.querySelectorAll('#grid .lec.soft, #grid .lec.hard')].map((b) => ({
    kind: b.classList.contains('hard') ? 'hard' : 'soft',
    marker: b.querySelector('.viol-mark') ? getComputedStyle(b.querySelector('.viol-mark')).display : null,
    text: b.textContent,
  })));
  assert.ok(marks.length > 0, 'the grid shows marked lectures');
  for (const m of marks) {
    assert.ok(m.marker && m.marker !== 'none', `a visible marker on a ${m.kind} lecture`);
    assert.match(m.text, new RegExp(`${m.kind} violation`));
  }
  await clean(page, 'solved, a violation selected');
});

test('axe: a checked random timetable (hard violations in red)', async () => {
  const { page } = ctx;
  await page.click('#random-solution');
  await page.waitForSelector('#check[data-feasible="false"]');
  await page.waitForSelector('#results-card[data-source="check"]');
  assert.ok(await page.locator('#grid .lec.hard').count() + await page.locator('#side-list .viol.hard').count() > 0);
  await clean(page, 'checked, hard violations');
});

test('axe: campus grid (labs, pins, day and period names)', async () => {
  const { page } = ctx;
  await page.selectOption('#sample', 'campus.json');
  await page.click('#load-sample');
  await page.waitForSelector('#summary-campus:not([hidden])');
  await page.fill('#solve-time', '2');
  await page.click('#solve-run');
  await page.waitForSelector('#results-card[data-state="shown"][data-source="solve"]', { timeout: 120_000 });
  await page.selectOption('#grid-kind', 'room');
  await clean(page, 'campus grid');
});

test('axe: error states (a malformed file, bad solver options)', async () => {
  const { page } = ctx;
  await page.setInputFiles('#instance-file', { name: 'broken.ctt', mimeType: 'text/plain',
    buffer: Buffer.from('Name: x\nCourses: many\n') });
  await page.waitForSelector('#instance-error:not([hidden])');
  await page.fill('#solve-time', '0');
  await page.click('#solve-run');
  await page.waitForSelector('#solve-error:not([hidden])');
  await clean(page, 'error');
  await page.fill('#solve-time', '10');
});

test('prefers-reduced-motion: reduce stops the chart animation and CSS motion', async () => {
  const { page } = ctx;
  await page.emulateMedia({ reducedMotion: 'reduce' });
  try {
    await page.selectOption('#sample', 'toy.ctt');
    await page.click('#load-sample');
    await page.waitForSelector('#summary[data-name="Toy"]');
    await page.fill('#solve-time', '60');
    await page.click('#solve-run');
    await page.waitForSelector('#solve-card[data-state="running"]');
    const chart = page.locator('#solve-chart');
    assert.equal(await chart.getAttribute('data-motion'), 'reduced');
    // The status dot does not pulse, the budget bar does not glide.
    const css = await page.evaluate(() => ({
      dot: getComputedStyle(document.querySelector('#solve-status'), '::before').animationName,
      bar: getComputedStyle(document.querySelector('#solve-bar')).transitionDuration,
    }));
    assert.equal(css.dot, 'none');
    assert.equal(css.bar, '0s');
    await page.waitForFunction(() => Number(document.querySelector('#solve-card').dataset.elapsed) >= 5, null,
      { timeout: 120_000, polling: 200 });
    const points = Number(await page.locator('#solve-card').getAttribute('data-points'));
    const elapsed = Number(await page.locator('#solve-card').getAttribute('data-elapsed'));
    const draws = Number(await chart.getAttribute('data-draws'));
    console.log(`reduced motion: ${draws} chart draws for ${points} progress events in ${elapsed.toFixed(1)} s`);
    // A still picture, redrawn at most every 3 s (plus the first frame), not every step.
    assert.ok(draws <= 2 + Math.ceil(elapsed / 3), `${draws} draws in ${elapsed} s`);
    assert.ok(points > draws);
    await page.click('#solve-stop');
    await page.waitForSelector('#results-card[data-state="shown"]', { timeout: 60_000 });
  } finally {
    await page.emulateMedia({ reducedMotion: 'no-preference' });
  }
  assert.deepEqual(ctx.problems, []);
});

test('axe: an ITC-2019 instance loaded, solving, solved, a broken solution checked, each grid kind', async () => {
  const { page } = ctx;
  const xml = path.join(SHARED, 'instances', 'itc2019', 'test', 'wbg-fal10.xml');
  await page.setInputFiles('#instance-file', xml);
  await page.waitForSelector('#itc-card[data-name="wbg-fal10"]:not([hidden])');
  await clean(page, 'ITC-2019 loaded');
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = true; });
  await clean(page, 'ITC-2019 loaded, panels open');
  await page.evaluate(() => { for (const d of document.querySelectorAll('details')) d.open = false; });
  await page.evaluate(() => { window.__atollItcOptions = { epoch_moves: 2000 }; });
  await page.fill('#itc-time', '60');
  await page.click('#itc-solve');
  await page.waitForFunction(() => Number(document.querySelector('#itc-card').dataset.points) >= 2, null,
    { timeout: 60_000 });
  await clean(page, 'ITC-2019 solving');
  await page.click('#itc-stop');
  await page.waitForSelector('#itc-card[data-state="solved"]', { timeout: 60_000 });
  await clean(page, 'ITC-2019 solved');
  // A solution with a class left out: hard violations listed, one chosen.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#itc-export-xml')]);
  const text = fs.readFileSync(await download.path(), 'utf8').replace(/<class id="[^"]*"[^>]*?(\/>|>[\s\S]*?<\/class>)/, '');
  await page.setInputFiles('#itc-solution-file', { name: 'broken.xml', mimeType: 'application/xml', buffer: Buffer.from(text) });
  await page.waitForSelector('#itc-result[data-feasible="false"]');
  await page.locator('#itc-list button.viol.hard').first().click();
  await clean(page, 'ITC-2019 checked, hard violations, one chosen');
  for (const kind of ['course', 'group']) {
    await page.selectOption('#itc-kind', kind);
    await page.waitForSelector(`#itc-grid .itc-grid[data-kind="${kind}"]`);
    await clean(page, `ITC-2019 ${kind} grid`);
  }
  // A bad term start (not a Monday) shows its error.
  await page.fill('#itc-term', '2026-09-08');
  await page.click('#itc-export-csv');
  await page.waitForSelector('#itc-export-error:not([hidden])');
  await clean(page, 'ITC-2019 export error');
  await page.fill('#itc-term', '2026-09-07');
  assert.deepEqual(ctx.problems, []);
});

test('axe: the single-threaded fallback (no isolation, no service worker)', async () => {
  const fb = await open({ isolation: false, query: 'nosw' });
  try {
    await fb.page.waitForSelector('#env-note:not([hidden])');
    assert.equal(await fb.page.locator('body').getAttribute('data-mode'), 'single');
    await clean(fb.page, 'fallback single-threaded');
    assert.deepEqual(fb.problems, []);
  } finally {
    await fb.close();
  }
});
