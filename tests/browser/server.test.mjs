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

// ---- malformed requests (issue 15, defect 1) ---------------------------------------------
// The server runs as its own process here (as `npm start` runs it), so that a request
// that used to throw outside the handler shows as the process exiting.
import { spawn } from 'node:child_process';
import net from 'node:net';
import http from 'node:http';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const SERVE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'serve.mjs');

/** Starts `node scripts/serve.mjs args` on a free port; resolves once it listens. */
function serveProcess(args = [], env = {}) {
  const child = spawn(process.execPath, [SERVE, ...args], {
    env: { ...process.env, PORT: '0', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (d) => { err += d; });
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  const listening = new Promise((resolve, reject) => {
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/Atoll demo at (http:\/\/127\.0\.0\.1:(\d+)\/)/);
      if (m) resolve({ url: m[1], port: Number(m[2]) });
    });
    exited.then((code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
  listening.catch(() => {}); // a test that expects the exit awaits `exited` instead
  return { child, listening, exited, stderr: () => err };
}

/** Sends raw bytes, resolves to the status code of the answer (0: closed without one). */
function raw(port, request) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(request)); // the server closes: Connection: close
    let data = '';
    s.on('data', (d) => { data += d; });
    s.on('error', reject);
    s.on('close', () => {
      const m = data.match(/^HTTP\/1\.1 (\d{3})/);
      resolve(m ? Number(m[1]) : 0);
    });
  });
}

/** A GET with the given Host header; resolves to the status. */
function withHost(port, host, p = '/') {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: p, headers: { Host: host } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    req.end();
  });
}

test('malformed requests get 4xx and the server keeps serving', async () => {
  const srv = serveProcess();
  const { url, port } = await srv.listening;
  try {
    const cases = [
      ['NUL', `GET /%00 HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 400],
      ['NUL in a file name', `GET /index.html%00.js HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 400],
      ['another control byte', `GET /a%07b HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 400],
      ['a raw control byte', `GET /a\x01b HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 400],
      ['invalid percent-encoding', `GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 400],
      ['a lone %', `GET /% HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 400],
      ['invalid UTF-8', `GET /%ff%fe HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 400],
      ['an overlong path', `GET /${'a'.repeat(5000)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 414],
      ['an overlong file name', `GET /${'b'.repeat(1500)}/${'c'.repeat(400)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`, 404],
      ['a path beyond the header limit', `GET /${'d'.repeat(70000)} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`, 431],
      ['no Host', 'GET / HTTP/1.0\r\n\r\n', 403],
      ['garbage', 'HELLO\r\n\r\n', 400],
    ];
    for (const [what, request, status] of cases) {
      assert.equal(await raw(port, request), status, what);
      // Still alive and serving after each.
      assert.equal((await fetch(url)).status, 200, `after ${what}`);
    }
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1',
      `127.0.0.1.nip.io:${port}`, `localhost.evil.example:${port}`]) {
      assert.equal(await withHost(port, host), 403, `Host: ${host}`);
    }
    for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `LOCALHOST:${port}`]) {
      assert.equal(await withHost(port, host), 200, `Host: ${host}`);
    }
    assert.equal((await fetch(url + 'index.html')).status, 200);
    assert.equal(srv.child.exitCode, null, `the server exited: ${srv.stderr()}`);
  } finally {
    srv.child.kill();
    await srv.exited;
  }
});

test('a symlink cannot lead outside the served root', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-serve-'));
  const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-outside-'));
  try {
    const root = path.join(dir, 'root');
    fs.mkdirSync(path.join(root, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(root, 'index.html'), '<p>root</p>');
    fs.writeFileSync(path.join(root, 'sub', 'inner.txt'), 'inner');
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'SECRET');
    fs.mkdirSync(path.join(outside, 'dir'));
    fs.writeFileSync(path.join(outside, 'dir', 'index.html'), 'SECRET INDEX');
    fs.symlinkSync(path.join(outside, 'secret.txt'), path.join(root, 'link.txt'));
    fs.symlinkSync(path.join(outside, 'dir'), path.join(root, 'linkdir'));
    fs.symlinkSync(path.join(root, 'sub', 'inner.txt'), path.join(root, 'inside.txt'));
    await withServer({ root }, async (url) => {
      for (const p of ['link.txt', 'linkdir/', 'linkdir/index.html', 'linkdir']) {
        const r = await fetch(url + p);
        assert.equal(r.status, 403, p);
        assert.doesNotMatch(await r.text(), /SECRET/, p);
      }
      const r = await fetch(url + 'inside.txt');
      assert.equal(r.status, 200, 'a symlink within the root is served');
      assert.equal(await r.text(), 'inner');
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(outside, { recursive: true, force: true });
  }
});

test('--root without a directory is a usage error, not a crash', async () => {
  for (const args of [['--root'], ['--root', '--no-isolation'], ['--root', '/nonexistent/atoll'], ['--bogus']]) {
    const srv = serveProcess(args);
    const code = await srv.exited;
    assert.equal(code, 2, `${args.join(' ')}: exit ${code}, ${srv.stderr()}`);
    assert.match(srv.stderr(), /^serve: .*\nusage: node scripts\/serve\.mjs/, args.join(' '));
    assert.doesNotMatch(srv.stderr(), /at .*\(|TypeError/, 'no stack trace');
  }
});
