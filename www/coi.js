// Cross-origin isolation for static hosts that cannot send headers (a classic script, run
// before app.js). Threads in wasm need SharedArrayBuffer, which browsers give only to
// cross-origin isolated pages. When this page is not isolated, it registers coi-sw.js, a
// service worker that adds the COOP/COEP/CORP headers to this site's own responses, and
// reloads once so the page is loaded through it. `?nosw` skips this (to see or test the
// plain single-threaded fallback). If the page is still not isolated after that one
// reload (a browser that refuses), it stays as it is and app.js falls back to one thread.
(() => {
  const params = new URLSearchParams(location.search);
  const sw = navigator.serviceWorker;
  if (window.crossOriginIsolated || params.has('nosw') || !sw || !window.isSecureContext) return;
  const key = 'atoll-coi-reloaded';
  if (sw.controller) {
    // Controlled but not isolated: the headers did not take effect. Do not loop.
    if (sessionStorage.getItem(key)) return;
  }
  window.__atollCoiReload = true; // app.js waits: the page is about to be reloaded
  sessionStorage.setItem(key, '1');
  sw.register(new URL('coi-sw.js', document.baseURI)).then(
    (reg) => {
      const reload = () => location.reload();
      if (sw.controller) reload();
      else if (reg.active) sw.ready.then(() => (sw.controller ? reload() : sw.addEventListener('controllerchange', reload)));
      else sw.addEventListener('controllerchange', reload);
    },
    (e) => {
      // No service worker (e.g. disabled): start the page without isolation.
      window.__atollCoiReload = false;
      window.dispatchEvent(new CustomEvent('atoll-coi-failed', { detail: String(e && e.message ? e.message : e) }));
    },
  );
})();
