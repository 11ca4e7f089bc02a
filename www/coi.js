// Cross-origin isolation for static hosts that cannot send headers (a classic script, run
// before app.js). Threads in wasm need SharedArrayBuffer, which browsers give only to
// cross-origin isolated pages. When this page is not isolated, it registers coi-sw.js, a
// service worker that adds the COOP/COEP/CORP headers to this app's own responses, and
// reloads once so the page is loaded through it. `?nosw` skips this (to see or test the
// plain single-threaded fallback). If the page is still not isolated after that one
// reload (a browser that refuses), it stays as it is and app.js falls back to one thread.
//
// A hard reload (Shift+Reload) loads the page past its service worker: the worker is
// active but does not control the page, and no `controllerchange` will come. Then one
// plain reload (which the worker controls) is enough; if the page is still not controlled
// after it, it starts without isolation rather than reloading again.
//
// A host page that embeds Atoll (the npm package) includes this script with
// `data-sw="URL of coi-sw.js"` (the worker must lie in the page's folder or above it: a
// service worker only controls pages below its own folder) and `data-pages="the pages,
// relative to that folder, that run Atoll"`; the scope is then the worker's folder.
(() => {
  const params = new URLSearchParams(location.search);
  const script = document.currentScript;
  const swData = script && script.dataset.sw;
  const pagesData = script && script.dataset.pages;
  const sw = navigator.serviceWorker;
  const key = 'atoll-coi-reloaded';
  const uncontrolled = 'atoll-coi-uncontrolled';
  if (window.crossOriginIsolated) sessionStorage.removeItem(uncontrolled);
  if (window.crossOriginIsolated || params.has('nosw') || !sw || !window.isSecureContext) return;
  if (sw.controller) {
    // Controlled but not isolated: the headers did not take effect. Do not loop.
    if (sessionStorage.getItem(key)) return;
  }
  window.__atollCoiReload = true; // app.js waits: the page is about to be reloaded
  sessionStorage.setItem(key, '1');
  const giveUp = (why) => {
    // Start the page without isolation (app.js falls back to one thread and says why).
    window.__atollCoiReload = false;
    window.dispatchEvent(new CustomEvent('atoll-coi-failed', { detail: why }));
  };
  // Scoped to this app's folder (the default scope is the script's folder; said here so
  // it stays so): the worker only touches this app's pages, see coi-sw.js.
  const swUrl = new URL(swData || 'coi-sw.js', document.baseURI);
  if (pagesData) swUrl.searchParams.set('pages', pagesData);
  sw.register(swUrl, { scope: swData ? new URL('./', swUrl).href : './' }).then(
    (reg) => {
      const reload = () => location.reload();
      if (sw.controller) reload();
      else if (reg.active) {
        // Active but not controlling this page: a hard reload. Reload once, normally.
        if (sessionStorage.getItem(uncontrolled)) {
          sessionStorage.removeItem(uncontrolled);
          giveUp('the service worker is active but does not control this page');
        } else {
          sessionStorage.setItem(uncontrolled, '1');
          reload();
        }
      } else sw.addEventListener('controllerchange', reload);
    },
    (e) => giveUp(String(e && e.message ? e.message : e)), // no service worker (e.g. disabled)
  );
})();
