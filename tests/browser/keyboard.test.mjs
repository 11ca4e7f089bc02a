// Keyboard only (issue 18, item 4): with page.keyboard and nothing else — no click, no
// mouse or pointer event (the test counts them) — load a sample, start and stop a solve,
// move through the timetable grid's cells with the arrow keys (one tab stop, roving
// tabindex), select a violation (Enter outlines its cells) and export a CSV.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withPage } from './helpers.mjs';

let ctx;
withPage({ query: 'threads=2' }, 'keyboard-final', (c) => { ctx = c; }, async (c) => {
  // Every mouse or pointer event the page sees from now on (there must be none).
  await c.page.evaluate(() => {
    window.__pointer = [];
    for (const type of ['mousedown', 'mouseup', 'pointerdown', 'pointerup', 'mousemove', 'pointermove']) {
      window.addEventListener(type, (e) => window.__pointer.push(`${type} on ${e.target.id || e.target.tagName}`), true);
    }
  });
});

/** What has the focus: `#id`, or tag.class, and the cell's day/period in the grid. */
const focused = (page) => page.evaluate(() => {
  const a = document.activeElement;
  if (!a || a === document.body) return { sel: 'body' };
  return { sel: a.id ? `#${a.id}` : `${a.tagName.toLowerCase()}.${[...a.classList].join('.')}`,
    day: a.dataset.day, period: a.dataset.period, inGrid: !!a.closest('#grid') };
});

/** Presses Tab (Shift+Tab when `back`) until `pred(focused)` holds; fails after `max` presses. */
async function tabTo(page, pred, what, { max = 200, back = false } = {}) {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const f = await focused(page);
    if (pred(f)) return f;
  }
  throw new Error(`Tab never reached ${what}`);
}

test('keyboard only: load, solve, stop, walk the grid, select a violation, export', async () => {
  const { page } = ctx;
  const steps = [];
  const step = (s) => { steps.push(s); };

  // 1. The sample list: comp01 is the default; "Load sample" with Enter.
  await tabTo(page, (f) => f.sel === '#sample', 'the sample list');
  step('Tab to the sample list (comp01)');
  await tabTo(page, (f) => f.sel === '#load-sample', 'Load sample');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#summary[data-name="Fis0506-1"]');
  step('Tab to "Load sample", Enter: comp01 loaded');

  // 2. Solve with Enter, then Stop with Enter (the next tab stop).
  await tabTo(page, (f) => f.sel === '#solve-run', 'Solve');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#solve-card[data-state="running"]');
  await page.waitForFunction(() => Number(document.querySelector('#solve-card').dataset.points) >= 2, null,
    { timeout: 60_000 });
  step('Tab to Solve, Enter: solving');
  await tabTo(page, (f) => f.sel === '#solve-stop', 'Stop');
  await page.keyboard.press('Enter');
  await page.waitForSelector('#results-card[data-state="shown"]', { timeout: 60_000 });
  assert.equal(await page.locator('#solve-result').getAttribute('data-stop-reason'), 'cancelled');
  step('Tab to Stop, Enter: stopped, the timetable is shown');

  // 3. The grid is one tab stop; the arrow keys move between its cells.
  const cell = await tabTo(page, (f) => f.inGrid, 'the timetable grid');
  assert.equal(await page.locator('#grid [tabindex="0"]').count(), 1, 'one tab stop in the grid');
  const start = { day: Number(cell.day), period: Number(cell.period) };
  await page.keyboard.press('Home');
  await page.keyboard.press('Control+Home');
  let f = await focused(page);
  assert.deepEqual([f.day, f.period], ['0', '0']);
  await page.keyboard.press('ArrowRight');
  f = await focused(page);
  assert.deepEqual([f.day, f.period], ['1', '0']);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  f = await focused(page);
  assert.deepEqual([f.day, f.period], ['1', '2']);
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('ArrowUp');
  f = await focused(page);
  assert.deepEqual([f.day, f.period], ['0', '1']);
  await page.keyboard.press('ArrowLeft'); // at the edge: stays
  f = await focused(page);
  assert.deepEqual([f.day, f.period], ['0', '1']);
  assert.equal(await page.locator('#grid [tabindex="0"]').count(), 1, 'the tab stop moved with the focus');
  step(`Tab into the grid (cell day ${start.day}, period ${start.period}); Ctrl+Home, →, ↓, ↓, ←, ↑, ← move the focus cell by cell`);

  // 4. A violation of the list beside the grid: Enter outlines its cells.
  await tabTo(page, (x) => x.sel.startsWith('button.viol'), 'a violation of the list');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => Number(document.querySelector('#grid').dataset.selected) > 0);
  assert.match(await page.locator('#grid-note').innerText(), /^Selected: /);
  step('Tab to the first violation beside the grid, Enter: its cells are outlined');

  // 5. Export: the CSV button with Enter starts a download.
  await tabTo(page, (x) => x.sel === '#export-csv', 'the CSV export');
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('Enter')]);
  assert.match(download.suggestedFilename(), /\.csv$/);
  step(`Tab to CSV, Enter: ${download.suggestedFilename()} downloaded`);

  assert.deepEqual(await page.evaluate(() => window.__pointer), [], 'no mouse or pointer event');
  console.log(`keyboard-only steps:\n${steps.map((s, i) => `  ${i + 1}. ${s}`).join('\n')}`);
  assert.deepEqual(ctx.problems, []);
});
