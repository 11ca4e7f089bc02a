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
import http from 'node:http';
import fs from 'node:fs';
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

/** An http.Server for `root`, not yet listening. */
export function createServer({ root = DEFAULT_ROOT, isolation = true, log = false } = {}) {
  const base = path.resolve(root);
  return http.createServer((req, res) => {
    const headers = {
      'Cache-Control': 'no-store',
      'X-Content-Type-Options': 'nosniff',
      ...(isolation ? ISOLATION_HEADERS : {}),
    };
    const reply = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { ...headers, 'Content-Type': type });
      res.end(req.method === 'HEAD' ? undefined : body);
      if (log) console.log(`${status} ${req.method} ${req.url}`);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return reply(405, 'method not allowed\n');
    }
    let rel;
    try {
      rel = decodeURIComponent(new URL(req.url, 'http://localhost').pathname);
    } catch {
      return reply(400, 'bad request\n');
    }
    let file = path.resolve(base, '.' + path.posix.normalize('/' + rel));
    if (file !== base && !file.startsWith(base + path.sep)) {
      return reply(403, 'forbidden\n');
    }
    fs.stat(file, (err, st) => {
      if (!err && st.isDirectory()) {
        file = path.join(file, 'index.html');
        st = fs.existsSync(file) ? fs.statSync(file) : null;
      }
      if (err || !st || !st.isFile()) return reply(404, 'not found\n');
      const type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
      res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': st.size });
      if (log) console.log(`200 ${req.method} ${req.url}`);
      if (req.method === 'HEAD') return res.end();
      fs.createReadStream(file).on('error', () => res.destroy()).pipe(res);
    });
  });
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
  const args = process.argv.slice(2);
  const isolation = !(args.includes('--no-isolation') || process.env.ATOLL_NO_ISOLATION === '1');
  const rootAt = args.indexOf('--root');
  const root = rootAt >= 0 ? path.resolve(args[rootAt + 1]) : DEFAULT_ROOT;
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
