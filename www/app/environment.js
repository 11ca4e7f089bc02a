// The Environment panel and the engine's pool: what the worker reports about the build
// and the machine (cross-origin isolation and how, build, pool size, WebGPU adapter,
// device memory, memory budget), and restarting the worker with another pool size.
import { $, state } from './state.js';
import { call, reloadInstance, spawnWorker } from './rpc.js';
import { fmt, setPill } from './ui.js';
import { t } from '../i18n.js';

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
    ? t(viaSw ? 'env.viaSw' : 'env.viaHeaders')
    : t('env.notIsolated', { why: init.reason || t('env.notIsolatedWhy') });
  $('#env-build').textContent = t('env.buildText', { threaded: init.threaded, version: init.build.version });
  $('#env-pool').textContent = t('env.poolText', { n: init.threads,
    cores: env.hardwareConcurrency || navigator.hardwareConcurrency || 1 });
  const g = env.gpu || { available: false, reason: 'unknown' };
  const gpuText = g.available
    ? t('env.gpuAdapter', { name: [g.vendor, g.architecture, g.device, g.description].filter(Boolean).join(' ')
      || t('env.gpuUnnamed') }) + (g.fallback ? t('env.gpuFallback') : '')
      + (g.limits ? t('env.gpuLimits', { storage: g.limits.maxStorageBufferBindingSize,
        shared: g.limits.maxComputeWorkgroupStorageSize, invocations: g.limits.maxComputeInvocationsPerWorkgroup }) : '')
    : t('env.gpuCpu', { why: g.reason });
  $('#env-gpu').textContent = gpuText;
  $('#env-gpu').dataset.gpu = String(!!g.available);
  state.envInfo.evaluatorText = evaluatorText(init.threads);
  $('#env-memory').textContent = typeof env.deviceMemory === 'number'
    ? t('env.memory', { n: env.deviceMemory }) : t('env.memoryUnknown');
  const b = env.budget;
  document.body.dataset.budget = b && !b.error ? 'yes' : 'no';
  $('#env-budget').textContent = !b ? t('env.noBudget')
    : b.error ? t('env.budgetFailed', { why: b.error })
      : Object.entries(b).map(([k, v]) => `${k.replace(/_/g, ' ')} ${typeof v === 'number' ? fmt(v)
        : typeof v === 'object' ? JSON.stringify(v) : v}`).join(' · ')
        + (typeof env.deviceMemory === 'number' ? '' : t('env.budgetAssumed', { n: env.budgetGiB }));
  if (!g.available) {
    const opt = $('#solve-evaluator option[value="gpu"]');
    opt.disabled = true;
    opt.textContent = t('solve.evalNoGpu');
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
  return gpu ? t('solve.evalAuto') : t('env.evalCpu', { n: threads, count: threads });
}

/** A new worker with a pool of `threads`, the instance loaded again. */
export async function restartWith(threads) {
  $('#solve-status').textContent = t('solve.startingPool', { n: threads });
  spawnWorker();
  const env = await call('init', { threads });
  state.poolThreads = env.threads;
  state.envInfo.evaluatorText = evaluatorText(env.threads);
  $('#solve-threads').textContent = String(env.threads);
  $('#solve-islands-hint').textContent = t('solve.islandsHintN', { n: env.threads });
  setPill($('#env-threads'), t('engine.threads', { n: env.threads }), env.threaded ? 'good' : 'warn');
  $('#env-pool').textContent = t('env.poolText', { n: env.threads, cores: navigator.hardwareConcurrency || 1 });
  await reloadInstance();
}
