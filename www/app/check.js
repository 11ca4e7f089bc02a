// Card 3, check a timetable: a solution file (or a random timetable) scored as the
// official validator scores it; and the report both this card and the solve result show
// (verdict, breakdown, skipped lines, violations with a rule filter).
import { RULES, ruleName } from '../grid.js';
import { t } from '../i18n.js';
import { $, state } from './state.js';
import { call } from './rpc.js';
import { busy, fmt, MAX_ROWS, setError } from './ui.js';
import { renderBestKnown, selectViolation, setCurrent } from './results.js';

/**
 * Renders a check result (the object of `Session.check()`, as `atoll check --json` has it)
 * into `root`: verdict, hard and soft breakdown, skipped lines, violations with a rule
 * filter. Used for checked files (#check) and for the solver's result (#solve-report).
 */
export function renderReport(root, r) {
  if (!root.firstElementChild) {
    root.append($('#report-template').content.cloneNode(true));
    root.querySelector('.violation-filter').addEventListener('change', () => renderViolations(root));
    const tbody = root.querySelector('.violations tbody');
    const choose = (e) => {
      const tr = e.target.closest('tr');
      if (tr && tr.violation) selectViolation(root, tr.violation);
    };
    tbody.addEventListener('click', choose);
    tbody.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); choose(e); } });
  }
  root.report = r;
  if (state.summaryInfo) renderWeights(state.summaryInfo.weights);
  root.dataset.feasible = String(r.feasible);
  root.dataset.softCost = String(r.soft_cost);
  root.dataset.hardViolations = String(r.hard_violations);
  const get = (path) => path.split('.').reduce((o, k) => (o == null ? undefined : o[k]), r);
  for (const td of root.querySelectorAll('[data-field]')) {
    const v = get(td.dataset.field);
    // Rows of campus components are shown when the build reports them.
    const row = td.closest('tr');
    if (row && row.dataset.optional !== undefined) row.hidden = v === undefined;
    td.textContent = v === undefined ? '—' : fmt(v);
    const hard = td.dataset.field.startsWith('hard');
    td.classList.toggle('bad', hard && v > 0);
  }
  const verdict = root.querySelector('.verdict');
  verdict.textContent = r.feasible
    ? t('report.feasible', { cost: fmt(r.soft_cost) })
    : t('report.infeasible', { hard: fmt(r.hard_violations), hardN: r.hard_violations, cost: fmt(r.soft_cost) });
  verdict.className = `badge verdict ${r.feasible ? 'good' : 'bad'}`;
  root.querySelector('.report-file').textContent = t('report.file', { file: r.file, n: fmt(r.scheduled_lectures) });

  const w = root.querySelector('.warnings');
  w.hidden = r.warnings.length === 0;
  root.querySelector('.warnings-summary').textContent =
    t('report.skipped', { n: fmt(r.warnings.length), count: r.warnings.length });
  root.querySelector('.warnings-list').replaceChildren(...r.warnings.slice(0, MAX_ROWS).map((x) => {
    const li = document.createElement('li');
    li.textContent = t('report.line', { line: x.line, message: x.message });
    return li;
  }));

  const filter = root.querySelector('.violation-filter');
  const counts = {};
  for (const v of r.violations) counts[v.rule] = (counts[v.rule] || 0) + 1;
  filter.replaceChildren(new Option(t('results.allRules', { n: fmt(r.violations.length) }), ''),
    ...Object.keys(RULES).filter((k) => counts[k])
      .map((k) => new Option(t('results.ruleCount', { rule: ruleName(k), n: fmt(counts[k]) }), k)));
  renderViolations(root);
  root.hidden = false;
}

export function renderViolations(root) {
  const r = root.report;
  const rule = root.querySelector('.violation-filter').value;
  const list = rule ? r.violations.filter((v) => v.rule === rule) : r.violations;
  const rows = list.slice(0, MAX_ROWS).map((v) => {
    const tr = document.createElement('tr');
    tr.className = v.hard ? 'hard' : 'soft';
    // Choosing a violation shows its cells in the timetable grid (keyboard too).
    tr.tabIndex = 0;
    tr.violation = v;
    if (state.selectedViolation === v) tr.classList.add('chosen');
    const when = v.periods.length ? v.periods.map((p) => periodText(p.day, p.period)).join('; ') : '—';
    const cells = [
      [`${ruleName(v.rule)}${v.hard ? t('rule.hardSuffix') : ''}`, 'rule'],
      [String(v.cost), 'num'],
      [when, 'when'],
      [v.message, 'msg'],
    ];
    for (const [text, cls] of cells) {
      const td = document.createElement('td');
      td.textContent = text;
      td.className = cls;
      tr.append(td);
    }
    return tr;
  });
  root.querySelector('.violations tbody').replaceChildren(...rows);
  renderBestKnown(root, r);
  root.querySelector('.violations').hidden = list.length === 0;
  root.querySelector('.violation-count').textContent = list.length ? `(${fmt(list.length)})` : t('results.none');
  const more = root.querySelector('.violations-more');
  more.hidden = list.length <= MAX_ROWS;
  more.textContent = t('results.showingFirst', { max: MAX_ROWS, n: fmt(list.length) });
}

/** "Mon 08:00" with the instance's names; "day 0, period 0" without a summary. */
export function periodText(day, period) {
  const s = state.summaryInfo;
  if (s && s.day_names && s.period_names && s.day_names[day] !== undefined) {
    return `${s.day_names[day]} ${s.period_names[period] ?? period}`;
  }
  return t('when.dayPeriod', { day, period });
}

/** The weights (×n) beside the soft components of every report, from the instance. */
export function renderWeights(w) {
  if (!w) return;
  for (const small of document.querySelectorAll('[data-weight]')) {
    const v = w[small.dataset.weight];
    if (v !== undefined) small.textContent = `×${v}`;
  }
}

async function check(bytes, file) {
  setError($('#check-error'), '');
  const solution = new TextDecoder().decode(bytes);
  try {
    const r = await call('check', { bytes, file }, [bytes]);
    renderReport($('#check'), r);
    setCurrent({ solution, file, check: r, source: 'check' });
  } catch (e) {
    $('#check').hidden = true;
    setError($('#check-error'), e.message);
  }
}

$('#solution-file').addEventListener('change', async (e) => {
  const f = e.target.files[0];
  if (f) await check(await f.arrayBuffer(), f.name);
  e.target.value = '';
});
// The seed of the next random timetable.
const random = { seed: 1 };
$('#random-solution').addEventListener('click', (e) => busy(e.currentTarget, async () => {
  const text = await call('randomSolution', { seed: random.seed++ });
  const bytes = new TextEncoder().encode(text).buffer;
  const link = $('#download-solution');
  if (link.href) URL.revokeObjectURL(link.href);
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
  link.hidden = false;
  await check(bytes, `random-${random.seed - 1}.sol`);
}));
