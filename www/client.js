// The client side of worker.js's protocol, shared by atoll.js (the embedding API) and the
// demo page (www/app/rpc.js). The worker, beside this file, loads the threaded build when
// the page is cross-origin isolated and the single-threaded one otherwise.

const WORKER_URL = new URL('./worker.js', import.meta.url);

/**
 * A worker speaking worker.js's protocol ({ id, op } → { id, ok, result | error }): the
 * module API and <atoll-solver> (atoll.js) start one per solve; the demo page
 * (www/app/rpc.js) uses it too, without loading atoll.js, with two hooks that take over before the
 * default handling when they return true: `onMessage(data)` sees every message (the
 * page's watchdog, its own crash recovery), `onError(event)` the worker's error event.
 */
export class Client {
  constructor() {
    this.worker = new Worker(WORKER_URL, { type: 'module' });
    this.pending = new Map();
    this.nextId = 1;
    this.onProgress = null;
    this.onMessage = null;
    this.onError = null;
    this.worker.onmessage = ({ data }) => {
      if (this.onMessage && this.onMessage(data)) return;
      if (data.event === 'progress' || data.event === 'repairProgress') {
        if (this.onProgress) this.onProgress(data.progress);
        return;
      }
      if (data.event === 'crashed') {
        // The wasm module trapped: nothing more can be asked of this worker. A new
        // solve (a new Client) starts a fresh one.
        this.worker.terminate();
        this.fail(new Error(`${data.error}; solve again to start a new solver`));
        return;
      }
      const p = this.pending.get(data.id);
      if (!p) return;
      this.pending.delete(data.id);
      if (data.ok) p.resolve(data.result);
      else p.reject(new Error(data.error));
    };
    this.worker.onerror = (e) => {
      if (this.onError && this.onError(e)) return;
      this.fail(new Error(`the Atoll worker failed: ${e.message || 'could not start'}`));
    };
  }

  call(op, args = {}, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, op, ...args }, transfer);
    });
  }

  fail(err) {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  close() {
    this.worker.terminate();
    this.fail(new Error('the Atoll worker was closed'));
  }
}
