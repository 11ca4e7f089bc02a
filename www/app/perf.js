// Card 4, threads and speed: a parallel batch of random timetables on the thread pool,
// and the evaluator's speed (the measurement of native `atoll bench-eval`).
import { $ } from './state.js';
import { call } from './rpc.js';
import { busy, fmt, showFatal } from './ui.js';
import { t } from '../i18n.js';

$('#batch-run').addEventListener('click', (e) => busy(e.currentTarget, async () => {
  const count = Math.max(1, Math.min(100000, Number.parseInt($('#batch-count').value, 10) || 512));
  try {
    const r = await call('batch', { count, seed: 1 });
    $('#batch-threads-used').textContent = String(r.threads_used);
    $('#batch-pool-threads').textContent = String(r.pool_threads);
    $('#batch-time').textContent = `${fmt(r.elapsed_ms)} ms`;
    $('#batch-rate').textContent = fmt(r.count / Math.max(r.elapsed_ms, 0.001) * 1000);
    $('#batch-best').textContent = r.best ? `${fmt(r.best.hard)} / ${fmt(r.best.soft)}` : '—';
    $('#batch-result').hidden = false;
  } catch (err) {
    showFatal(t('perf.batchFailed', { why: err.message }));
  }
}));

$('#speed-run').addEventListener('click', (e) => busy(e.currentTarget, async () => {
  try {
    const r = await call('speed', { seconds: Number($('#speed-seconds').value) });
    $('#speed-full').textContent = fmt(r.full_per_second);
    $('#speed-delta').textContent = fmt(r.delta_moves_per_second);
    $('#speed-result').dataset.full = String(r.full_per_second);
    $('#speed-result').dataset.delta = String(r.delta_moves_per_second);
    $('#speed-result').hidden = false;
  } catch (err) {
    showFatal(t('perf.speedFailed', { why: err.message }));
  }
}));
