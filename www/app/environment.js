// The Environment panel and the engine's pool: what the worker reports about the build
// and the machine (cross-origin isolation and how, build, pool size, WebGPU adapter,
// device memory, memory budget), and restarting the worker with another pool size.
import { $, state } from './state.js';
import { call, reloadInstance, spawnWorker } from './rpc.js';
import { fmt, setPill } from './ui.js';

/**
 * Fills the Environment panel from `init` (the answer of op 'init') and op 'env' (the
 * build's default options, the WebGPU adapter, the memory budget), and sets the evaluator
 * and Stage 3 settings to the build's defaults.
 */
export async function showEnvironment(init) {
  let env = {};
  try {
    env = await call('env');
  } catch (e) {
    env = { error: e.message };
  }
  state.envInfo = { ...env, evaluatorText: '' };
  const isolated = window.crossOriginIsolated === true;
  const viaSw = isolated && !!(navigator.serviceWorker && navigator.serviceWorker.controller);
  document.body.dataset.isolation = isolated ? (viaSw ? 'service-worker' : 'headers') : 'none';
  $('#env-isolation-how').textContent = isolated
    ? (viaSw ? 'yes — a service worker (coi-sw.js) adds the COOP/COEP headers' : 'yes — the server sends COOP/COEP')
    : `no — ${init.reason || 'not isolated'}`;
  $('#env-build').textContent = `${init.threaded ? 'threaded' : 'single-threaded'} wasm, Atoll ${init.build.version}`;
  $('#env-pool').textContent = `${init.threads} in the pool · ${env.hardwareConcurrency || navigator.hardwareConcurrency || 1} logical cores`;
  const g = env.gpu || { available: false, reason: 'unknown' };
  const gpuText = g.available
    ? `WebGPU adapter: ${[g.vendor, g.architecture, g.device, g.description].filter(Boolean).join(' ') || 'unnamed'}`
      + (g.fallback ? ' (software fallback adapter)' : '')
    : `CPU — ${g.reason}`;
  $('#env-gpu').textContent = gpuText;
  $('#env-gpu').dataset.gpu = String(!!g.available);
  state.envInfo.evaluatorText = evaluatorText(init.threads);
  $('#env-memory').textContent = typeof env.deviceMemory === 'number'
    ? `${env.deviceMemory} GiB (navigator.deviceMemory)` : 'not reported by this browser';
  const b = env.budget;
  document.body.dataset.budget = b && !b.error ? 'yes' : 'no';
  $('#env-budget').textContent = !b ? 'this build chooses no memory budget'
    : b.error ? `budgetFor failed: ${b.error}`
      : Object.entries(b).map(([k, v]) => `${k.replace(/_/g, ' ')} ${typeof v === 'number' ? fmt(v)
        : typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ')
        + (typeof env.deviceMemory === 'number' ? '' : ` (for ${env.budgetGiB} GiB, assumed)`);
  if (!g.available) {
    const opt = $('#solve-evaluator option[value="gpu"]');
    opt.disabled = true;
    opt.textContent = 'GPU (no WebGPU adapter)';
  }
  const d = state.envInfo.defaults;
  if (d) {
    if (typeof d.stage3 === 'boolean') $('#solve-stage3').checked = d.stage3;
    if (typeof d.evaluator === 'string') $('#solve-evaluator').value = d.evaluator;
  }
}

// What the live panel says about scoring before the first progress event names it.
function evaluatorText(threads) {
  const gpu = state.envInfo.gpu && state.envInfo.gpu.available;
  return gpu ? 'auto' : `CPU (${threads} thread${threads === 1 ? '' : 's'})`;
}

/** A new worker with a pool of `threads`, the instance loaded again. */
export async function restartWith(threads) {
  $('#solve-status').textContent = `Starting a pool of ${threads} threads…`;
  spawnWorker();
  const env = await call('init', { threads });
  state.poolThreads = env.threads;
  state.envInfo.evaluatorText = evaluatorText(env.threads);
  $('#solve-threads').textContent = String(env.threads);
  $('#solve-islands-hint').textContent = `0 = one per thread (${env.threads})`;
  setPill($('#env-threads'), `threads: ${env.threads}`, env.threaded ? 'good' : 'warn');
  $('#env-pool').textContent = `${env.threads} in the pool · ${navigator.hardwareConcurrency || 1} logical cores`;
  await reloadInstance();
}
