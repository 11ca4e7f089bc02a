// The solver worker (a dedicated module Worker). It owns the wasm module and, in the
// threaded build, the rayon pool; the page's main thread only renders.
//
// Protocol: the page posts { id, op, ...args }; the worker answers { id, ok: true, result }
// or { id, ok: false, error } in order. The first op must be 'init'.

let wasm = null; // the module namespace of pkg/atoll.js or pkg-st/atoll.js
let session = null; // the loaded instance (a wasm Session)
let queue = Promise.resolve();

async function init({ threads }) {
  const isolated = self.crossOriginIsolated === true;
  const sab = typeof SharedArrayBuffer === 'function';
  let reason = null;
  if (isolated && sab) {
    try {
      const mod = await import('./pkg/atoll.js');
      await mod.default();
      // The pool must exist before the first rayon call, or rayon makes a one-thread pool.
      await mod.initThreadPool(threads);
      wasm = mod;
      return describe({ threaded: true, threads, isolated, sab, reason });
    } catch (e) {
      reason = `the threaded build failed to start (${e && e.message ? e.message : e}); using one thread`;
    }
  } else {
    reason = !isolated
      ? 'this page is not cross-origin isolated (the server sends no COOP/COEP headers), so SharedArrayBuffer and threads are unavailable'
      : 'SharedArrayBuffer is unavailable in this browser';
  }
  const mod = await import('./pkg-st/atoll.js');
  await mod.default();
  wasm = mod;
  return describe({ threaded: false, threads: 1, isolated, sab, reason });
}

function describe(env) {
  return { ...env, build: wasm.buildInfo() };
}

function need() {
  if (!session) throw new Error('load an instance first');
  return session;
}

const ops = {
  init,
  loadInstance({ bytes, file }) {
    const next = wasm.Session.fromBytes(new Uint8Array(bytes), file); // throws on a bad file
    if (session) session.free();
    session = next;
    return session.summary();
  },
  check({ bytes, file }) {
    return need().checkBytes(new Uint8Array(bytes), file);
  },
  randomSolution({ seed }) {
    return need().randomSolution(seed >>> 0);
  },
  batch({ count, seed }) {
    const t0 = performance.now();
    const r = need().scoreRandomBatch(count >>> 0, seed >>> 0);
    r.elapsed_ms = performance.now() - t0;
    delete r.costs; // the page shows the summary; keep the message small
    return r;
  },
  speed({ seconds }) {
    return need().measureSpeed(seconds, 1);
  },
};

self.onmessage = ({ data }) => {
  const { id, op } = data;
  // One operation at a time, in arrival order.
  queue = queue.then(async () => {
    try {
      if (!ops[op]) throw new Error(`unknown operation '${op}'`);
      if (op !== 'init' && !wasm) throw new Error('the worker is not initialised');
      const result = await ops[op](data);
      self.postMessage({ id, ok: true, result });
    } catch (e) {
      self.postMessage({ id, ok: false, error: e && e.message ? e.message : String(e) });
    }
  });
};
