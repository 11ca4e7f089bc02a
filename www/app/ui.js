// Small page helpers shared by every card: number formats, errors, pills, busy buttons,
// downloads, and which controls are enabled for the page's state.
import { $, state } from './state.js';
import { localeOf, t } from '../i18n.js';

// Numbers in the page's language (1,234 in English, 1.234 in German); made on first use,
// after app.js has set the language.
const formats = {};
const format = (digits) => {
  const key = `${localeOf()}/${digits}`;
  if (!formats[key]) {
    formats[key] = new Intl.NumberFormat(localeOf(), { minimumFractionDigits: digits, maximumFractionDigits: digits });
  }
  return formats[key];
};
export const fmt = (n) => format(0).format(Math.round(n));
export const fmt3 = (x) => format(3).format(x);
export const fmt1 = (x) => format(1).format(x);
export const fmtSeconds = (s) => (s < 10 ? fmt1(s) : fmt(s));
export function fmtBig(n) {
  if (n >= 1e9) return `${format(2).format(n / 1e9)} G`;
  if (n >= 1e6) return `${format(2).format(n / 1e6)} M`;
  if (n >= 1e4) return `${format(1).format(n / 1e3)} k`;
  return fmt(n);
}

// The library's cap on every duration (src/options.rs: 30 days); the page says so before
// the worker would refuse it.
export const MAX_TIME_LIMIT_S = 2_592_000;
/** The most rows a violation or move list shows. */
export const MAX_ROWS = 400;
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function showFatal(msg) {
  const el = $('#fatal');
  el.textContent = msg;
  el.hidden = false;
}
export function setError(el, msg) {
  el.textContent = msg || '';
  el.hidden = !msg;
}
export function setPill(el, text, st) {
  el.textContent = text;
  el.dataset.state = st;
}
export async function busy(button, fn) {
  const label = button.textContent;
  button.disabled = true;
  button.classList.add('busy');
  button.textContent = t('ui.working');
  try {
    return await fn();
  } finally {
    button.textContent = label;
    button.classList.remove('busy');
    button.disabled = false;
  }
}

/** A file name's stem ("comp01.sol" → "comp01"), "timetable" when there is none. */
export function stem(file) {
  const s = (file || 'timetable').replace(/\.[^.]*$/, '');
  return s || 'timetable';
}

/** Saves `data` (text, or the bytes of a binary file such as a workbook) as `file`. */
export function download(data, file, type) {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Enables exactly the controls the page's state allows. */
export function updateButtons() {
  const s = state;
  const c = s.current;
  // While a solve runs the worker is busy: everything else waits for it.
  const on = s.ready && s.haveInstance && !s.solving && !s.recovering;
  // An instance can be chosen while the engine starts: the worker answers in order, so
  // it is loaded right after the pool is up.
  const canLoad = !!s.client && !s.engineFailed && !s.solving && !s.recovering;
  $('#load-sample').disabled = !canLoad;
  $('#template-xlsx').disabled = !s.client || s.engineFailed;
  $('#instance-file').disabled = !canLoad;
  $('#instance-label').setAttribute('aria-disabled', String(!canLoad));
  $('#solution-file').disabled = !on;
  $('#solution-label').setAttribute('aria-disabled', String(!on));
  for (const id of ['#random-solution', '#batch-run', '#speed-run', '#solve-run']) $(id).disabled = !on;
  for (const id of ['#solve-time', '#solve-seed', '#solve-islands', '#solve-json', '#solve-evaluator',
    '#solve-stage3']) $(id).disabled = s.solving;
  // The single-threaded build has one thread whatever is asked.
  $('#solve-threads-input').disabled = s.solving || document.body.dataset.mode === 'single';
  for (const id of ['#export-sol', '#export-csv', '#export-json', '#export-ics', '#export-xlsx', '#grid-print', '#edit-add']) {
    $(id).disabled = !c || s.solving;
  }
  // A re-solve needs the shown timetable's lectures (asked from the worker once shown).
  $('#resolve-run').disabled = !on || !c || !c.tt;
  $('#solve-stop').disabled = !s.solving || s.stopping || s.repairing; // a repair has its own Stop
  $('#repair-run').disabled = !on || !c || !c.tt;
  $('#repair-stop').disabled = !s.repairing || s.stopping;
  for (const id of ['#repair-max-moves', '#repair-time']) $(id).disabled = s.solving;
  // The ITC-2019 card (itc2019.js).
  const itcOn = s.ready && s.itc && !s.solving && !s.recovering;
  $('#itc-solve').disabled = !itcOn;
  $('#itc-stop').disabled = !s.itc || !s.solving || s.stopping;
  for (const id of ['#itc-time', '#itc-seed']) $(id).disabled = s.solving;
  $('#itc-solution-file').disabled = !itcOn;
  $('#itc-solution-label').setAttribute('aria-disabled', String(!itcOn));
  for (const id of ['#itc-export-xml', '#itc-export-csv', '#itc-export-ics']) $(id).disabled = !itcOn || !s.itcResult;
}
