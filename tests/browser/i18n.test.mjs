// Languages (issue 18, item 5): every string of the page and of <atoll-solver> lives in
// www/i18n.js; German is complete (every English key, the same placeholders); the page with
// ?lang=de and the element with lang="de" show German, and English stays the default.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { en as enScripts, t, pickLang, loadLang } from '../../www/i18n.js';
import enPage from '../../www/i18n/en-page.js';
import de from '../../www/i18n/de.js';

// The English table: the scripts' words (i18n.js) and index.html's (en-page.js).
const en = { ...enScripts, ...enPage };
import { open, text, ROOT, withPage } from './helpers.mjs';

const placeholders = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

test('every English key has a German translation of the same kind and placeholders', async () => {
  assert.deepEqual(Object.keys(enPage).filter((k) => Object.hasOwn(enScripts, k)), [], 'a key in both English parts');
  const missing = Object.keys(en).filter((k) => !Object.hasOwn(de, k));
  assert.deepEqual(missing, [], 'keys of en missing in de');
  const extra = Object.keys(de).filter((k) => !Object.hasOwn(en, k));
  assert.deepEqual(extra, [], 'keys of de that en does not have');
  for (const k of Object.keys(en)) {
    assert.equal(typeof de[k], typeof en[k], `${k}: a ${typeof en[k]} in en`);
    if (typeof en[k] === 'string') assert.deepEqual(placeholders(de[k]), placeholders(en[k]), `${k}: placeholders`);
    else {
      // Plural functions: both answer for one and for many with every parameter given.
      const p = new Proxy({}, { get: (_, name) => (typeof name === 'string' && name.endsWith('N') ? 2 : `‹${String(name)}›`) });
      assert.equal(typeof de[k](p), 'string');
    }
  }
  assert.equal(t('solve.run', {}, 'de'), 'Solve', 'English until the German table is loaded');
  assert.equal(await loadLang('de-DE'), 'de');
  assert.equal(t('solve.run', {}, 'de'), 'Lösen');
  assert.equal(t('solve.clock', { t: 1, limit: 10 }, 'de'), '1 s von 10 s');
  assert.equal(t('report.infeasible', { hard: '1', hardN: 1, cost: '5' }, 'en'), 'Infeasible · 1 hard violation · cost 5');
  assert.equal(pickLang('de-AT'), 'de');
  assert.equal(pickLang('fr'), 'en');
  assert.equal(t('no.such.key', {}, 'de'), 'no.such.key', 'a missing key shows itself');
});

test('the JavaScript of the page and the element has no English sentence outside i18n.js', () => {
  // A crude guard: a user-visible English sentence is a quoted string with two or more words
  // starting with a capital letter, inside textContent/Option/setError/showFatal/Error calls.
  const files = ['app.js', 'atoll.js', 'client.js', 'grid.js', ...fs.readdirSync(path.join(ROOT, 'www', 'app')).map((f) => `app/${f}`)];
  const offenders = [];
  for (const f of files) {
    const src = fs.readFileSync(path.join(ROOT, 'www', f), 'utf8').split('\n');
    src.forEach((line, i) => {
      if (/^\s*(\/\/|\*|\/\*\*)/.test(line)) return;
      if (/(textContent\s*\+?=|new Option\(|setError\([^,]+,|showFatal\(|new Error\(|announce\()\s*['`][A-Z][a-z]+ [a-z]/.test(line)) {
        offenders.push(`${f}:${i + 1}: ${line.trim()}`);
      }
    });
  }
  assert.deepEqual(offenders, []);
});

let ctx;
withPage({ query: 'threads=2&lang=de' }, 'i18n-de', (c) => { ctx = c; });

test('?lang=de: the page is in German, solves and reports in German', async () => {
  const { page } = ctx;
  assert.equal(await page.evaluate(() => document.documentElement.lang), 'de');
  assert.equal(await page.title(), 'Atoll — Stundenplanung im Browser');
  assert.equal(await page.locator('#lang').inputValue(), 'de');
  assert.match(await text(page, '#instance-h'), /^1\s+Instanz$/);
  assert.equal(await text(page, '#solve-run'), 'Lösen');
  assert.equal(await text(page, '#solve-stop'), 'Anhalten');
  assert.equal(await text(page, '#load-sample'), 'Beispiel laden');
  assert.equal(await text(page, '#env-mode'), 'Solver: Wasm mit Threads');
  assert.equal(await text(page, '#env-threads'), 'Threads: 2');
  assert.match(await page.locator('#dropzone p').first().innerText(), /^Legen Sie hier eine \.ctt-/);
  assert.equal(await page.locator('#solve-chart').getAttribute('aria-label'), 'Beste Kosten über die Zeit');
  assert.equal(await page.locator('#sample').getAttribute('aria-label'), 'Mitgeliefertes Beispiel');
  // Every text node of the static page that has an English entry is translated: none of the
  // English sentences of the table is left on the page.
  const left = await page.evaluate((english) => {
    const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const out = [];
    while (walk.nextNode()) {
      const s = walk.currentNode.nodeValue.replace(/\s+/g, ' ').trim();
      if (s.includes(' ') && english.includes(s)) out.push(s);
    }
    return out;
  }, Object.values(en).filter((v) => typeof v === 'string' && v.includes(' ') && !Object.values(de).includes(v)));
  assert.deepEqual(left, []);

  await page.selectOption('#sample', 'comp01.ctt');
  await page.click('#load-sample');
  await page.waitForSelector('#summary[data-name="Fis0506-1"]');
  assert.match(await text(page, '#summary [data-field="max_students"]'), /^\d+ Studierende$/);
  await page.fill('#solve-time', '1');
  await page.click('#solve-run');
  await page.waitForSelector('#results-card[data-state="shown"]', { timeout: 60_000 });
  assert.match(await text(page, '#solve-status'), /^Zeitlimit erreicht: zulässig, Kosten \d+\.$/);
  assert.match(await text(page, '#solve-summary'), /^Zeitlimit erreicht nach [\d,]+ s · .* Generationen · .* 2 Inseln auf 2 Threads/);
  assert.match(await text(page, '#results-score .badge'), /^Zulässig · Kosten \d+$/);
  assert.match(await text(page, '#live'), /^Zeitlimit erreicht/);
  assert.equal(await page.locator('#grid table caption').innerText().then((c) => c.startsWith('Gruppe (Curriculum) ')), true);
  assert.match(await page.locator('#grid .lec.soft, #grid .lec.hard').first().textContent(), /(weiche|harte) Verletzung/);
  assert.match(await page.locator('#solve-report .verdict').innerText(), /^Zulässig · Kosten \d+$/);
  // The German page passes the same audit as the English one (a11y.test.mjs).
  await page.addScriptTag({ path: path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js') });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { runOnly: { type: 'tag',
    values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })).violations.map((v) => `${v.id}: ${v.nodes.length}`));
  console.log(`axe on the German page after a solve: ${violations.length} violations`);
  assert.deepEqual(violations, []);
  assert.deepEqual(ctx.problems, []);
});

test('lang="de" on <atoll-solver>: the element is in German; without it, English', async () => {
  const { page } = ctx;
  const out = await page.evaluate(async () => {
    await import('./atoll.js');
    const host = document.createElement('div');
    host.lang = 'en';
    host.innerHTML = '<atoll-solver id="de" lang="de" src="samples/toy.ctt" time-limit="1" threads="1"></atoll-solver>'
      + '<atoll-solver id="en" src="samples/toy.ctt"></atoll-solver>';
    document.body.append(host);
    const de = document.getElementById('de');
    const en = document.getElementById('en');
    const q = (el, s) => el.shadowRoot.querySelector(s);
    const before = { title: q(de, '.title').textContent, start: q(de, '.start').textContent, status: q(de, '.status').textContent,
      kind: q(de, '.kind').options[0].textContent, enStart: q(en, '.start').textContent, enStatus: q(en, '.status').textContent };
    await de.start();
    const after = { status: q(de, '.status').textContent, caption: q(de, '.grid-wrap caption').textContent,
      download: q(de, '.download').textContent };
    host.remove();
    return { before, after };
  });
  assert.deepEqual(out.before, { title: 'Atoll · toy.ctt', start: 'Lösen', status: 'Bereit.', kind: 'Gruppe (Curriculum)',
    enStart: 'Solve', enStatus: 'Ready.' });
  assert.match(out.after.status, /^Fertig nach [\d.]+ s: zulässig, Kosten \d+ · 1 Thread$/);
  assert.match(out.after.caption, /^Gruppe \(Curriculum\) /);
  assert.equal(out.after.download, '.sol herunterladen');
});

test('English is the default, and the static page matches the English table', async () => {
  const en1 = await open({ query: 'threads=2' });
  try {
    const { page } = en1;
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    assert.equal(await text(page, '#solve-run'), 'Solve');
    // The paragraphs written as HTML in the table are the page's own.
    const html = await page.evaluate(() => [...document.querySelectorAll('[data-i18n-html]')]
      .map((el) => [el.dataset.i18nHtml, el.innerHTML.replace(/\s+/g, ' ').trim()]));
    assert.equal(html.length, 4);
    for (const [key, inner] of html) assert.equal(inner, en[key], key);
    assert.deepEqual(en1.problems, []);
  } finally {
    await en1.close();
  }
});
