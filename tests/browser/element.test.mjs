// <atoll-solver> for portals (issue 18, item 5): themeable through --atoll-* custom
// properties and ::part, its state reported as attributes (state, hard, soft, stop-reason,
// feasible), and its instance given as a string or an object instead of a `src` URL.
// Runs on the example host page of www/ (scripts/serve.mjs).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { atoll, instance, ARTIFACTS, ROOT, withPage, noProblemsIn } from './helpers.mjs';

let ctx;
withPage({ page: 'embed-example.html', ready: 'atoll-solver' }, 'element-final', (c) => { ctx = c; }, async (c) => {
  await c.page.waitForFunction(() => !!customElements.get('atoll-solver'));
});

const noProblems = () => noProblemsIn(ctx);

// A deterministic run when the element has time-limit="none": a bound on generations
// (no clock in the schedule), Stage 3 and the GPU off.
const FIXED = { max_generations: 15, islands: 2, stage3: false, evaluator: 'cpu' };

/**
 * Adds an <atoll-solver> set up by `setup` (a function body run in the page with `el`),
 * solves, and returns the result, every `state` value it went through (with the cost
 * attributes present at each) and its final attributes.
 */
async function solveElement(page, setup, arg) {
  return page.evaluate(async ({ setup: body, arg: a }) => {
    const el = document.createElement('atoll-solver');
    new Function('el', 'arg', body)(el, a);
    // Every value `state` took: each record's old value, then the value at the end.
    const states = [];
    const take = (records) => {
      for (const r of records) if (r.oldValue !== null && states[states.length - 1] !== r.oldValue) states.push(r.oldValue);
    };
    const seen = new MutationObserver(take);
    seen.observe(el, { attributes: true, attributeFilter: ['state'], attributeOldValue: true });
    document.body.append(el);
    const initial = el.getAttribute('state');
    const outcome = await el.start().then((r) => ({ result: r }), (e) => ({ error: e.message }));
    take(seen.takeRecords());
    seen.disconnect();
    if (states[states.length - 1] !== el.getAttribute('state')) states.push(el.getAttribute('state'));
    const attrs = Object.fromEntries(['state', 'hard', 'soft', 'stop-reason', 'feasible']
      .map((n) => [n, el.getAttribute(n)]));
    const status = el.shadowRoot.querySelector('.status').textContent;
    el.remove();
    return { ...outcome, initial, states, attrs, status };
  }, { setup, arg });
}

function recheck(name, solution, instPath) {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, name);
  fs.writeFileSync(file, solution);
  return atoll('check', '--json', instPath, file);
}

test('--atoll-* custom properties and ::part restyle the element', async () => {
  const { page } = ctx;
  const styles = await page.evaluate(async () => {
    const el = document.querySelector('#element');
    const root = el.shadowRoot;
    const read = () => ({
      start: getComputedStyle(root.querySelector('button.start')).backgroundColor,
      fill: getComputedStyle(root.querySelector('.bar div')).backgroundColor,
      box: getComputedStyle(root.querySelector('.box')).borderTopColor,
      title: getComputedStyle(root.querySelector('.title')).letterSpacing,
      status: getComputedStyle(root.querySelector('.status')).color,
    });
    const before = read();
    const style = document.createElement('style');
    style.id = 'theme';
    style.textContent = `
      #element { --atoll-accent: rgb(122, 31, 92); --atoll-line: rgb(10, 20, 30); --atoll-muted: rgb(1, 2, 3); }
      #element::part(title) { letter-spacing: 3px; }`;
    document.head.append(style);
    const themed = read();
    style.remove();
    return { before, themed, after: read() };
  });
  assert.equal(styles.before.start, 'rgb(31, 95, 191)', 'the default accent');
  assert.equal(styles.themed.start, 'rgb(122, 31, 92)', '--atoll-accent colours the Solve button');
  assert.equal(styles.themed.fill, 'rgb(122, 31, 92)', '--atoll-accent colours the progress bar');
  assert.equal(styles.themed.box, 'rgb(10, 20, 30)', '--atoll-line colours the border');
  assert.equal(styles.themed.status, 'rgb(1, 2, 3)', '--atoll-muted colours the status line');
  assert.equal(styles.themed.title, '3px', '::part(title) reaches the title');
  assert.deepEqual(styles.after, styles.before, 'without the theme the defaults are back');
  noProblems();
});

test('state goes idle → loading → solving → solved, with hard, soft, stop-reason and feasible attributes', async () => {
  const { page } = ctx;
  const out = await solveElement(page, `
    el.setAttribute('src', 'samples/toy.ctt');
    el.setAttribute('time-limit', 'none');
    el.options = arg;`, FIXED);
  assert.equal(out.error, undefined);
  assert.equal(out.initial, 'idle');
  assert.deepEqual(out.states, ['idle', 'loading', 'solving', 'solved']);
  assert.equal(out.attrs.state, 'solved');
  assert.equal(out.attrs.hard, String(out.result.hard));
  assert.equal(out.attrs.soft, String(out.result.soft));
  assert.equal(out.attrs['stop-reason'], 'generations');
  assert.equal(out.attrs.feasible, out.result.feasible ? '' : null);
  assert.equal(out.result.stats.generations, FIXED.max_generations);
  const cli = recheck('element-state-toy.sol', out.result.solution, instance('toy'));
  assert.equal(cli.soft_cost, out.result.soft);
  assert.equal(cli.hard_violations, out.result.hard);
  noProblems();
});

test('state becomes error (no cost attributes) for a bad instance', async () => {
  const { page } = ctx;
  const out = await solveElement(page, "el.instance = 'Name: X\\nCourses: two\\n';");
  assert.match(out.error, /^instance\.ctt:2: /);
  assert.deepEqual(out.states, ['idle', 'loading', 'error']);
  assert.deepEqual(out.attrs, { state: 'error', hard: null, soft: null, 'stop-reason': null, feasible: null });
  noProblems();
});

test('the instance as a string: the same timetable as from src, without fetching', async () => {
  const { page } = ctx;
  const text = fs.readFileSync(path.join(ROOT, 'www', 'samples', 'toy.ctt'), 'utf8');
  const requests = [];
  const watch = (r) => { if (r.url().endsWith('.ctt')) requests.push(r.url()); };
  page.on('request', watch);
  const fromText = await solveElement(page, "el.instance = arg.text; el.options = arg.fixed; el.setAttribute('time-limit', 'none');", { text, fixed: FIXED });
  page.off('request', watch);
  assert.deepEqual(requests, [], 'no instance was fetched');
  const fromSrc = await solveElement(page, "el.setAttribute('src', 'samples/toy.ctt'); el.options = arg; el.setAttribute('time-limit', 'none');", FIXED);
  assert.equal(fromText.attrs.state, 'solved');
  assert.equal(fromText.result.solution, fromSrc.result.solution);
  assert.equal(fromText.result.soft, fromSrc.result.soft);
  // The same through the first name of the property.
  const fromInstanceText = await solveElement(page, "el.instanceText = arg.text; el.options = arg.fixed; el.setAttribute('time-limit', 'none');",
    { text, fixed: FIXED });
  assert.equal(fromInstanceText.result.solution, fromSrc.result.solution);
  noProblems();
});

test('a campus instance as an object and as its JSON text: the same timetable, checked by `atoll check`', async () => {
  const { page } = ctx;
  const file = path.join(ROOT, 'examples', 'campus-small.json');
  const json = fs.readFileSync(file, 'utf8');
  const fromObject = await solveElement(page, "el.instance = arg.obj; el.options = arg.fixed; el.setAttribute('time-limit', 'none');",
    { obj: JSON.parse(json), fixed: FIXED });
  assert.equal(fromObject.error, undefined);
  assert.equal(fromObject.attrs.state, 'solved');
  const fromJsonText = await solveElement(page, "el.instance = arg.text; el.options = arg.fixed; el.setAttribute('time-limit', 'none');",
    { text: json, fixed: FIXED });
  assert.equal(fromJsonText.result.solution, fromObject.result.solution);
  const cli = recheck('element-campus-small.sol', fromObject.result.solution, file);
  assert.equal(cli.soft_cost, fromObject.result.soft);
  assert.equal(cli.hard_violations, fromObject.result.hard);
  assert.equal(fromObject.attrs.soft, String(cli.soft_cost));
  // Something that is neither is refused at once, naming the property.
  const refused = await page.evaluate(() => {
    const el = document.createElement('atoll-solver');
    try {
      el.instance = 42;
      return 'accepted';
    } catch (e) {
      return `${e.name}: ${e.message}`;
    }
  });
  assert.match(refused, /^TypeError: <atoll-solver>\.instance must be/);
  noProblems();
});

test('properties set before the element is defined are kept (upgrade)', async () => {
  const { page } = ctx;
  const text = fs.readFileSync(path.join(ROOT, 'www', 'samples', 'toy.ctt'), 'utf8');
  const out = await page.evaluate(async ({ text: t, fixed }) => {
    // An element of another name stands for one created before atoll.js was loaded.
    const { AtollSolver } = await import('./atoll.js');
    const el = document.createElement('atoll-solver-late');
    el.instance = t;
    el.options = fixed;
    document.body.append(el);
    customElements.define('atoll-solver-late', class extends AtollSolver {});
    const r = await el.start();
    el.remove();
    return { generations: r.stats.generations, own: Object.prototype.hasOwnProperty.call(el, 'instance') };
  }, { text, fixed: FIXED });
  assert.equal(out.own, false, 'the accessor is back');
  assert.equal(out.generations, FIXED.max_generations, 'the early options were used');
  noProblems();
});

test('solve(): timeLimitMs null needs options.max_generations, and then gives the same timetable twice', async () => {
  const { page } = ctx;
  const text = fs.readFileSync(path.join(ROOT, 'www', 'samples', 'toy.ctt'), 'utf8');
  const out = await page.evaluate(async ({ text: t, fixed }) => {
    const { solve } = await import('./atoll.js');
    const refused = await solve(t, { timeLimitMs: null }).then(() => 'resolved', (e) => `${e.name}: ${e.message}`);
    const a = await solve(t, { timeLimitMs: null, options: fixed });
    const b = await solve(t, { timeLimitMs: null, options: fixed, threads: 1 });
    return { refused, a: a.solution, b: b.solution, reason: a.stats.stop_reason, generations: a.stats.generations };
  }, { text, fixed: FIXED });
  assert.equal(out.refused, 'RangeError: timeLimitMs may be null only with options.max_generations (a whole number from 1)');
  assert.equal(out.reason, 'generations');
  assert.equal(out.generations, FIXED.max_generations);
  assert.equal(out.a, out.b, 'the same timetable on a pool of 2 and of 1');
  noProblems();
});
