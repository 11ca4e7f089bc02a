// Card 1, the instance: a file chosen or dropped (one instance file, or the CSV sheets of
// a campus), a bundled sample, the template workbook; its summary.
import { $, state } from './state.js';
import { call } from './rpc.js';
import { busy, download, fmt, fmt1, fmt3, setError, updateButtons, XLSX_TYPE } from './ui.js';
import { t } from '../i18n.js';
import { renderWeights } from './check.js';
import { showTimetable } from './results.js';
import { hideItc, showItc } from './itc2019.js';

async function loadInstance(bytes, file) {
  setError($('#instance-error'), '');
  const copy = bytes.slice(0);
  try {
    const s = await call('loadInstance', { bytes, file }, [bytes]);
    state.loaded = { bytes: copy, file, name: s.name };
    if (s.format === 'itc2019') {
      // The worker freed the .ctt session: what was shown of it goes too.
      state.haveInstance = false;
      resetShown();
      $('#summary').hidden = true;
      await showItc(s);
    } else {
      hideItc();
      state.haveInstance = true;
      renderSummary(s);
    }
  } catch (e) {
    // Keep the previous instance (the worker does too) but say what is wrong with this file.
    setError($('#instance-error'), e.message);
  }
  updateButtons();
}

// Several files at once: the CSV sheets of a campus (courses.csv, rooms.csv, ...), read
// together by the worker. Errors name the sheet, row and column.
async function loadFiles(files) {
  setError($('#instance-error'), '');
  try {
    const s = await call('loadFiles', { files });
    hideItc();
    state.haveInstance = true;
    state.loaded = { files, file: s.file, name: s.name };
    renderSummary(s);
  } catch (e) {
    setError($('#instance-error'), e.message);
  }
  updateButtons();
}

// The largest file the page reads: far above any timetable instance (ITC-2007's largest
// is ~60 KB, a campus of 10,000 lectures a few MB), far below what would exhaust the
// worker's memory (the wasm heap is capped at 1 GiB).
const MAX_FILE_BYTES = 64 * 1024 * 1024;

// What the file chooser or a drop gives: one instance file (.ctt, .ectt, campus .json or
// .xlsx workbook, read as bytes), or several CSV sheets of one campus.
async function openFiles(list) {
  const files = [...list];
  if (!files.length) return;
  const big = files.find((f) => f.size > MAX_FILE_BYTES);
  if (big) {
    // Keep the previous instance and result; say which file and why.
    setError($('#instance-error'), t('instance.tooBig', { file: big.name, size: fmt(big.size / 1048576),
      max: MAX_FILE_BYTES / 1048576 }));
    return;
  }
  if (files.length === 1 && !/\.csv$/i.test(files[0].name)) {
    await loadInstance(await files[0].arrayBuffer(), files[0].name);
    return;
  }
  await loadFiles(await Promise.all(files.map(async (f) => ({ name: f.name, text: await f.text() }))));
}

export function renderSummary(s, { reset = true } = {}) {
  $('#summary-title').textContent = s.name === s.file ? s.name : `${s.name} · ${s.file}`;
  const set = (field, text) => { $(`#summary [data-field="${field}"]`).textContent = text; };
  for (const k of ['courses', 'lectures', 'rooms', 'days', 'periods_per_day', 'curricula', 'teachers',
    'unavailability_constraints']) set(k, fmt(s[k]));
  const cap = $('#summary [data-field="room_capacity"]');
  cap.textContent = s.rooms ? `${s.room_capacity_min}–${s.room_capacity_max} ` : '—';
  if (s.rooms) {
    const mean = document.createElement('small');
    mean.textContent = t('summary.mean', { mean: fmt1(s.room_capacity_mean) });
    cap.append(mean);
  }
  set('max_students', t('summary.students', { n: fmt(s.max_students) }));
  state.summaryInfo = s;
  const campus = $('#summary-campus');
  campus.hidden = !s.campus;
  if (s.campus) {
    campus.textContent = t('summary.campus', { days: (s.day_names || []).join(', '),
      periods: (s.period_names || []).join(', ') }) + (s.pins ? t('summary.pins', { n: fmt(s.pins), count: s.pins }) : '');
  }
  set('conflict_density', fmt3(s.conflict_density));
  set('room_occupancy', fmt3(s.room_occupancy));
  $('#summary').hidden = false;
  $('#summary').dataset.name = s.name;
  renderWeights(s.weights);
  if (!reset) return;
  resetShown();
}

/** A new instance invalidates what was shown for the previous one. */
function resetShown() {
  state.edits = [];
  $('#check').hidden = true;
  setError($('#check-error'), '');
  $('#download-solution').hidden = true;
  $('#batch-result').hidden = true;
  $('#speed-result').hidden = true;
  $('#solve-live').hidden = true;
  $('#solve-result').hidden = true;
  setError($('#solve-error'), '');
  $('#solve-status').textContent = '';
  $('#solve-card').dataset.state = 'idle';
  showTimetable(null);
}

export async function loadSample() {
  const name = $('#sample').value;
  await busy($('#load-sample'), async () => {
    const res = await fetch(`samples/${encodeURIComponent(name)}`);
    if (!res.ok) {
      setError($('#instance-error'), t('instance.sampleFailed', { name, status: res.status }));
      return;
    }
    await loadInstance(await res.arrayBuffer(), name);
  });
}

$('#load-sample').addEventListener('click', loadSample);

// The template workbook: the sample university as the sheets of a campus workbook, made
// by the engine from samples/campus.json (so it always matches the sample).
$('#template-xlsx').addEventListener('click', () => busy($('#template-xlsx'), async () => {
  setError($('#instance-error'), '');
  try {
    const res = await fetch('samples/campus.json');
    if (!res.ok) throw new Error(t('instance.templateFailed', { status: res.status }));
    const bytes = await call('campusWorkbook', { text: await res.text(), file: 'campus.json' });
    download(bytes, 'campus-template.xlsx', XLSX_TYPE);
  } catch (e) {
    setError($('#instance-error'), e.message);
  }
}));
$('#instance-file').addEventListener('change', async (e) => {
  await openFiles(e.target.files);
  e.target.value = '';
});

const drop = $('#dropzone');
drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
drop.addEventListener('dragleave', () => drop.classList.remove('over'));
drop.addEventListener('drop', async (e) => {
  e.preventDefault();
  drop.classList.remove('over');
  if (state.client && !state.engineFailed && !state.solving) await openFiles(e.dataTransfer.files);
});
