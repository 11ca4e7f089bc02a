// The static server: isolation headers, MIME types, no escape from www/, 127.0.0.1 only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from '../../scripts/serve.mjs';

async function withServer(opts, fn) {
  const { server, url } = await startServer({ port: 0, ...opts });
  try {
    assert.equal(server.address().address, '127.0.0.1');
    await fn(url);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

test('isolation headers and MIME types', () => withServer({}, async (url) => {
  for (const [file, type] of [['', 'text/html'], ['index.html', 'text/html'], ['app.js', 'text/javascript'],
    ['worker.js', 'text/javascript'], ['style.css', 'text/css'], ['pkg/atoll_bg.wasm', 'application/wasm'],
    ['pkg/atoll.js', 'text/javascript'], ['samples/comp01.ctt', 'text/plain']]) {
    const r = await fetch(url + file);
    assert.equal(r.status, 200, file);
    assert.ok(r.headers.get('content-type').startsWith(type), `${file}: ${r.headers.get('content-type')}`);
    assert.equal(r.headers.get('cross-origin-opener-policy'), 'same-origin');
    assert.equal(r.headers.get('cross-origin-embedder-policy'), 'require-corp');
    assert.equal(r.headers.get('cross-origin-resource-policy'), 'same-origin');
    await r.arrayBuffer();
  }
}));

test('the wasm-bindgen-rayon worker helper is served as a module', () => withServer({}, async (url) => {
  const js = await (await fetch(url + 'pkg/atoll.js')).text();
  const m = js.match(/snippets\/[^'"]+\.js/);
  assert.ok(m, 'pkg/atoll.js imports a snippet');
  const r = await fetch(url + 'pkg/' + m[0]);
  assert.equal(r.status, 200);
  assert.ok(r.headers.get('content-type').startsWith('text/javascript'));
}));

test('missing files are 404, paths cannot leave www/', () => withServer({}, async (url) => {
  assert.equal((await fetch(url + 'nope.html')).status, 404);
  for (const p of ['../package.json', '..%2fpackage.json', '%2e%2e/%2e%2e/etc/passwd']) {
    const r = await fetch(url + p);
    assert.ok(r.status === 404 || r.status === 403, `${p}: ${r.status}`);
    assert.doesNotMatch(await r.text(), /atoll-web|root:/);
  }
  assert.equal((await fetch(url, { method: 'POST' })).status, 405);
}));

test('--no-isolation serves without COOP/COEP/CORP', () => withServer({ isolation: false }, async (url) => {
  const r = await fetch(url);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('cross-origin-opener-policy'), null);
  assert.equal(r.headers.get('cross-origin-embedder-policy'), null);
  assert.equal(r.headers.get('cross-origin-resource-policy'), null);
}));
