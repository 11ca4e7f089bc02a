// The Export card: the shown timetable as ITC .sol, CSV, JSON, iCalendar .ics and Excel
// .xlsx (rows, CSV, iCalendar and the workbook computed in Rust by the worker), of
// everything or of one group, teacher or room.
import { namesOf } from '../grid.js';
import { $, state } from './state.js';
import { call } from './rpc.js';
import { download, setError, stem, XLSX_TYPE } from './ui.js';

async function exporting(fn) {
  setError($('#export-error'), '');
  if (!state.current) return;
  try {
    await fn(state.current);
  } catch (e) {
    setError($('#export-error'), e.message);
  }
}

$('#export-sol').addEventListener('click', () => exporting(async (c) => {
  download(c.solution, `${stem(c.file)}.sol`, 'text/plain');
}));
// Whose timetable the CSV and iCalendar exports hold: everything, or one group, teacher
// or room (#export-kind, #export-name).
function exportEntity() {
  const kind = $('#export-kind').value;
  return kind ? { kind, name: $('#export-name').value } : { kind: '', name: '' };
}

function exportName(c, ext) {
  const { kind, name } = exportEntity();
  const who = kind ? `-${kind}-${name.replace(/[^A-Za-z0-9_.-]+/g, '_')}` : '';
  return `${stem(c.file)}${who}.${ext}`;
}

export function fillExportNames() {
  const c = state.current;
  const kind = $('#export-kind').value;
  const sel = $('#export-name');
  sel.hidden = !kind;
  $('#export-name-label').hidden = !kind;
  if (!c || !c.tt || !kind) {
    sel.replaceChildren();
    return;
  }
  const keep = sel.value;
  const names = namesOf(c.tt, kind);
  sel.replaceChildren(...names.map((n) => new Option(n, n)));
  // Default to the entity the grid shows, when it is of this kind.
  if (names.includes(keep)) sel.value = keep;
  else if ($('#grid-kind').value === kind && names.includes($('#grid-name').value)) sel.value = $('#grid-name').value;
}
$('#export-kind').addEventListener('change', fillExportNames);

$('#export-csv').addEventListener('click', () => exporting(async (c) => {
  const csv = await call('exportCsv', { solution: c.solution, file: c.file, ...exportEntity() });
  download(csv, exportName(c, 'csv'), 'text/csv');
}));
$('#export-ics').addEventListener('click', () => exporting(async (c) => {
  const ics = await call('exportIcs', {
    solution: c.solution, file: c.file, start: $('#ics-start').value, periodStarts: $('#ics-times').value,
    lengthMinutes: Number($('#ics-length').value), weeks: Number($('#ics-weeks').value), ...exportEntity(),
  });
  download(ics, exportName(c, 'ics'), 'text/calendar');
}));
$('#export-xlsx').addEventListener('click', () => exporting(async (c) => {
  const bytes = await call('exportXlsx', { solution: c.solution, file: c.file });
  download(bytes, `${stem(c.file)}.xlsx`, XLSX_TYPE);
}));
$('#export-json').addEventListener('click', () => exporting(async (c) => {
  const r = c.check;
  const json = {
    instance: c.tt.name,
    file: c.file,
    source: c.source,
    feasible: r.feasible,
    hard: r.hard_violations,
    soft: r.soft_cost,
    breakdown: { hard: r.hard, soft: r.soft },
    violations: r.violations,
    stats: c.stats || null,
    stop_reason: c.stopReason || null,
    moves: c.moves || null,
    lectures: c.tt.lectures,
    solution: c.solution,
  };
  download(`${JSON.stringify(json, null, 2)}\n`, `${stem(c.file)}.json`, 'application/json');
}));
