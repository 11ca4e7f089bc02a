// A service worker that makes the page cross-origin isolated on hosts that cannot send the
// headers: it answers this app's own requests from the network and adds
// Cross-Origin-Opener-Policy / Cross-Origin-Embedder-Policy / Cross-Origin-Resource-Policy
// (what scripts/serve.mjs sends). Registered by coi.js; a navigation with `?nosw` is left
// as it is.
//
// Only this app: its scope is the app's folder, and even there (an app served at an
// origin's root shares its scope with every other page of that origin) it touches only
// navigations to the app's own pages (APP_PAGES) and the requests those pages and their
// workers make. Any other page served there later loads exactly as its server sends it.
const SCOPE = new URL(self.registration.scope);
// The app's pages, as paths inside the scope: this demo's, or those a host page named when
// it registered the worker (`coi-sw.js?pages=timetable.html,plan/`; see coi.js's
// `data-pages`), an `index.html` also standing for its folder.
const NAMED = new URL(self.location.href).searchParams.get('pages');
const APP_PAGES = new Set(NAMED === null ? ['', 'index.html', 'embed-example.html']
  : NAMED.split(',').map((p) => p.trim()).flatMap((p) => (/(^|\/)index\.html$/.test(p) ? [p, p.slice(0, -10)] : [p])));

/** The path of `url` inside the scope, or null when it lies outside it. */
function inScope(url) {
  if (url.origin !== SCOPE.origin || !url.pathname.startsWith(SCOPE.pathname)) return null;
  return url.pathname.slice(SCOPE.pathname.length);
}
const isAppPage = (url) => APP_PAGES.has(inScope(url));

/** True when the client (window or worker) that made a request belongs to this app. */
async function fromApp(clientId) {
  if (!clientId) return false;
  const client = await self.clients.get(clientId);
  if (!client) return false;
  const url = new URL(client.url);
  if (client.type === 'window') return isAppPage(url);
  // The app's workers (worker.js, the thread pool's helpers) are scripts in its folder.
  const rel = inScope(url);
  return rel !== null && /\.m?js$/.test(rel);
}

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', (e) => e.waitUntil(self.clients.claim()));

function isolated(res) {
  if (res.status === 0 || res.type === 'opaque') return res;
  const headers = new Headers(res.headers);
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
  headers.set('Cross-Origin-Embedder-Policy', 'require-corp');
  headers.set('Cross-Origin-Resource-Policy', 'same-origin');
  return new Response(res.body, { status: res.status, statusText: res.statusText, headers });
}

self.addEventListener('fetch', (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.cache === 'only-if-cached' && req.mode !== 'same-origin') return;
  if (req.mode === 'navigate') {
    if (url.searchParams.has('nosw') || !isAppPage(url)) return;
    e.respondWith(fetch(req).then(isolated));
    return;
  }
  e.respondWith(fromApp(e.clientId).then((app) => fetch(req).then((res) => (app ? isolated(res) : res))));
});
