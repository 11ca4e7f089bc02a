// Static server for the demo page (node:http, no dependencies).
//
// Sends the cross-origin isolation headers that threads in wasm need (COOP same-origin,
// COEP require-corp, CORP same-origin), serves .wasm as application/wasm and binds to
// 127.0.0.1 only.
//
//   node scripts/serve.mjs [--no-isolation] [--root DIR]
//   PORT=8080 (default; 0 picks a free port)    ATOLL_NO_ISOLATION=1 = --no-isolation
//
// --no-isolation leaves the COOP/COEP/CORP headers out: the page is then not
// cross-origin isolated and must fall back to the single-threaded build.
//
// Hardening: a request whose Host is not this server's own address (127.0.0.1, localhost
// or [::1] with its port) gets 403 (DNS rebinding); a path with invalid percent-encoding
// or a control character (NUL...) 400; a request target over MAX_URL bytes 414; a path or
// symlink that leads outside the root 403. Each request's errors stay with it.
import http from 'node:http';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));
export const DEFAULT_ROOT = path.resolve(HERE, '..', 'www');

export const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/plain; charset=utf-8',
  '.ctt': 'text/plain; charset=utf-8',
  '.ectt': 'text/plain; charset=utf-8',
  '.sol': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
};

export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/** The longest request target served (bytes); longer ones get 414. */
export const MAX_URL = 2048;

/** True for a path with a NUL or another control character (C0, DEL, C1). */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * The `Host` values this server answers: 127.0.0.1, localhost and [::1] with its port (the
 * port may be left out only when it is 80). Anything else is refused, so a page on another
 * site cannot reach this server through a DNS name that resolves to 127.0.0.1 (DNS
 * rebinding).
 */
export function hostAllowed(host, port) {
  if (typeof host !== 'string') return false;
  const m = /^(127\.0\.0\.1|localhost|\[::1\])(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!m) return false;
  return m[2] === undefined ? port === 80 : Number(m[2]) === port;
}

/**
 * The file for a request path below `realBase` (the served root with its symlinks
 * resolved), or an HTTP status: 400 for invalid percent-encoding or a control character,
 * 403 for a path (or a symlink) that leads outside the root, 404 for none.
 */
async function resolveFile(realBase, pathname) {
  let rel;
  try {
    rel = decodeURIComponent(pathname);
  } catch {
    return { status: 400, body: 'bad request: invalid percent-encoding\n' };
  }
  if (CONTROL.test(rel)) return { status: 400, body: 'bad request: control character in the path\n' };
  const file = path.resolve(realBase, '.' + path.posix.normalize('/' + rel));
  const inside = (f) => f === realBase || f.startsWith(realBase + path.sep);
  if (!inside(file)) return { status: 403, body: 'forbidden\n' };
  let real;
  try {
    real = await fsp.realpath(file);
  } catch {
    return { status: 404, body: 'not found\n' };
  }
  // A symlink inside the root may point anywhere: serve only what really lies inside.
  if (!inside(real)) return { status: 403, body: 'forbidden\n' };
  let st = await fsp.stat(real);
  if (st.isDirectory()) {
    const index = path.join(real, 'index.html');
    try {
      real = await fsp.realpath(index);
      st = await fsp.stat(real);
    } catch {
      return { status: 404, body: 'not found\n' };
    }
    if (!inside(real)) return { status: 403, body: 'forbidden\n' };
  }
  if (!st.isFile()) return { status: 404, body: 'not found\n' };
  return { file: real, size: st.size };
}

/**
 * An http.Server for `root`, not yet listening. Every request is answered on its own: an
 * error while serving one is a 500 for that request (or a closed connection once the
 * body has started), never the end of the process.
 */
export function createServer({ root = DEFAULT_ROOT, isolation = true, log = false } = {}) {
  const base = path.resolve(root);
  let realBase = null; // the root with its symlinks resolved, once known
  const server = http.createServer((req, res) => {
    handle(req, res).catch((e) => {
      if (log) console.error(`500 ${req.method} ${JSON.stringify(req.url)}: ${e && e.message}`);
      if (!res.headersSent) {
        res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' });
        res.end('internal error\n');
      } else {
        res.destroy();
      }
    });
  });
  // A request line the parser cannot read (raw control bytes, too long a header): 400/431
  // and close, as node does by default, but never an exception.
  server.on('clientError', (err, socket) => {
    if (socket.writable && !socket.writableEnded) {
      const code = err && err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
      socket.end(`HTTP/1.1 ${code}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
    } else {
      socket.destroy();
    }
  });

  async function handle(req, res) {
    const headers = {
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...(isolation ? ISOLATION_HEADERS : {}),
    };
    const reply = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { ...headers, 'Content-Type': type });
      res.end(req.method === 'HEAD' ? undefined : body);
      if (log) console.log(`${status} ${req.method} ${JSON.stringify(req.url)}`);
    };
    const { port } = server.address();
    if (!hostAllowed(req.headers.host, port)) {
      return reply(403, `forbidden: this server answers only 127.0.0.1:${port}, localhost:${port} or [::1]:${port}\n`);
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return reply(405, 'method not allowed\n');
    }
    if (req.url.length > MAX_URL) return reply(414, 'URI too long\n');
    let pathname;
    try {
      pathname = new URL(req.url, 'http://localhost').pathname;
    } catch {
      return reply(400, 'bad request\n');
    }
    if (realBase === null) realBase = await fsp.realpath(base);
    const found = await resolveFile(realBase, pathname);
    if (found.status) return reply(found.status, found.body);
    const type = MIME[path.extname(found.file).toLowerCase()] || 'application/octet-stream';
    // Open first: a file that vanished since the stat is a 404, not a broken response.
    let fh;
    try {
      fh = await fsp.open(found.file, 'r');
    } catch {
      return reply(404, 'not found\n');
    }
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': found.size });
    if (log) console.log(`200 ${req.method} ${JSON.stringify(req.url)}`);
    if (req.method === 'HEAD') {
      await fh.close();
      return res.end();
    }
    const stream = fh.createReadStream();
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  return server;
}

/** Starts a server on 127.0.0.1:`port` (0 = any free port); resolves to { server, url }. */
export function startServer({ port = 0, ...opts } = {}) {
  const server = createServer(opts);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const { port: p } = server.address();
      resolve({ server, url: `http://127.0.0.1:${p}/` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const usage = (why) => {
    console.error(`serve: ${why}\nusage: node scripts/serve.mjs [--no-isolation] [--root DIR]`);
    process.exit(2);
  };
  const args = process.argv.slice(2);
  let isolation = process.env.ATOLL_NO_ISOLATION !== '1';
  let root = DEFAULT_ROOT;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--no-isolation') isolation = false;
    else if (args[i] === '--root') {
      const dir = args[++i];
      if (dir === undefined || dir === '' || dir.startsWith('--')) usage('--root needs a directory');
      root = path.resolve(dir);
      if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) usage(`--root ${dir}: not a directory`);
    } else usage(`unknown argument '${args[i]}'`);
  }
  const port = process.env.PORT !== undefined && process.env.PORT !== '' ? Number(process.env.PORT) : 8080;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve: PORT must be a port number, got '${process.env.PORT}'`);
    process.exit(2);
  }
  if (!fs.existsSync(path.join(root, 'pkg', 'atoll.js'))) {
    console.warn('serve: www/pkg is missing; run `npm run build` (or `npm start`) first');
  }
  startServer({ port, root, isolation, log: process.env.ATOLL_LOG === '1' }).then(
    ({ url }) => {
      console.log(`Atoll demo at ${url}`);
      console.log(isolation
        ? 'cross-origin isolation headers on (COOP/COEP/CORP): threaded build'
        : 'isolation headers OFF: the page falls back to the single-threaded build');
    },
    (e) => {
      console.error(`serve: cannot listen on 127.0.0.1:${port}: ${e.message}`);
      process.exit(1);
    },
  );
}
