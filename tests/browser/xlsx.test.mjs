// Excel workbooks in the page: the template workbook (the sample university as campus
// sheets) downloaded from the instance card, dropped back onto the drop zone as a real drop
// event with the .xlsx file, read as the same campus as the sample, solved briefly, and the
// timetable exported as an .xlsx with one sheet of lectures and one grid per group,
// teacher and room.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ARTIFACTS, withPage, noProblemsIn, download } from './helpers.mjs';

let ctx;
withPage({ query: 'threads=2' }, 'xlsx-final', (c) => { ctx = c; });

const noProblems = () => noProblemsIn(ctx);

const save = download;

/** The distinct part names of a zip file (an .xlsx), read from its central directory. */
function zipParts(bytes) {
  const names = new Set();
  for (let i = bytes.indexOf(Buffer.from('PK\x01\x02')); i >= 0; i = bytes.indexOf(Buffer.from('PK\x01\x02'), i + 4)) {
    const len = bytes.readUInt16LE(i + 28);
    names.add(bytes.subarray(i + 46, i + 46 + len).toString('utf8'));
  }
  return names;
}

const summaryOf = (page) => page.evaluate(() => Object.fromEntries(
  [...document.querySelectorAll('#summary [data-field]')].map((e) => [e.dataset.field, e.textContent]),
));

let template;

test('the template workbook downloads, and dropped on the page reads as the sample university', async () => {
  const { page } = ctx;
  // The sample as JSON, for comparison.
  await page.selectOption('#sample', 'campus.json');
  await page.click('#load-sample');
  await page.waitForFunction(() => document.querySelector('#summary').dataset.name === 'University of Port Atoll');
  const want = await summaryOf(page);

  template = await save(page, '#template-xlsx', 'campus-template.xlsx');
  assert.equal(template.suggested, 'campus-template.xlsx');
  assert.equal(template.bytes.subarray(0, 2).toString(), 'PK', 'a zip container');
  const parts = zipParts(template.bytes);
  assert.ok(parts.has('xl/workbook.xml'), [...parts].join(', '));
  assert.equal([...parts].filter((p) => /^xl\/worksheets\/sheet\d+\.xml$/.test(p)).length, 7,
    'calendar, teachers, rooms, groups, courses, pins, weights');

  // Drop it: a drop event whose DataTransfer holds the workbook as a File.
  const dataTransfer = await page.evaluateHandle(({ b64, name }) => {
    const bin = atob(b64);
    const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], name, { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' }));
    return dt;
  }, { b64: template.bytes.toString('base64'), name: 'campus-template.xlsx' });
  await page.dispatchEvent('#dropzone', 'drop', { dataTransfer });
  await page.waitForFunction(() => document.querySelector('#summary').dataset.name === 'campus-template');
  assert.equal(await page.locator('#instance-error').isHidden(), true, await page.locator('#instance-error').innerText());
  const got = await summaryOf(page);
  for (const f of ['courses', 'lectures', 'rooms', 'days', 'periods_per_day', 'curricula', 'teachers',
    'unavailability_constraints', 'room_capacity', 'max_students', 'conflict_density', 'room_occupancy']) {
    assert.equal(got[f], want[f], `${f} of the dropped workbook`);
  }
  noProblems();
});

test('a file that is not a workbook is refused with a clear error, and the campus stays loaded', async () => {
  const { page } = ctx;
  // The template cut short (no zip directory) is not a workbook at all.
  const broken = template.bytes.subarray(0, 1000);
  const file = path.join(ARTIFACTS, 'broken.xlsx');
  fs.writeFileSync(file, broken);
  await page.setInputFiles('#instance-file', file);
  await page.waitForSelector('#instance-error:not([hidden])');
  assert.match(await page.locator('#instance-error').innerText(), /^broken\.xlsx:1:1: not an Excel workbook \(\.xlsx\)/);
  // The previous instance stays loaded.
  assert.equal(await page.locator('#summary').getAttribute('data-name'), 'campus-template');
  noProblems();
});

test('a brief solve of the dropped workbook exports as an .xlsx with a grid per group, teacher and room', async () => {
  const { page } = ctx;
  await page.fill('#solve-time', '3');
  await page.click('#solve-run');
  await page.waitForSelector('#results-card[data-state="shown"]', { timeout: 120_000 });
  assert.equal(await page.locator('#export-xlsx').isDisabled(), false);
  const tt = await page.evaluate(() => window.__atollCurrent());
  const out = await save(page, '#export-xlsx', 'campus-timetable.xlsx');
  assert.match(out.suggested, /\.xlsx$/);
  assert.equal(out.bytes.subarray(0, 2).toString(), 'PK');
  const sheets = [...zipParts(out.bytes)].filter((p) => /^xl\/worksheets\/sheet\d+\.xml$/.test(p));
  assert.equal(sheets.length, 1 + tt.curricula.length + tt.teachers.length + tt.rooms.length,
    'Lectures, then one grid per group, teacher and room');
  assert.ok(tt.lectures.length > 0);
  noProblems();
});
