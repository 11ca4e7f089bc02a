// What a screen reader hears while the solver runs: one polite live region (#live), written
// at most every ANNOUNCE_MS (the latest news waits for the next slot; older news it
// replaces is dropped) and at once for the start and the end of a run. Progress arrives
// every ~150 ms: announcing each step would drown the user, so the visible status lines
// (#solve-status, #repair-status) are not live regions themselves.
import { $ } from './state.js';

/** The shortest time between two announcements, in ms. */
export const ANNOUNCE_MS = 3000;

const live = { last: -Infinity, timer: 0, pending: null };

function write(text) {
  const el = $('#live');
  live.last = performance.now();
  live.pending = null;
  if (el.textContent === text) return;
  el.dataset.at = String(live.last); // when it was written (the tests check the rate)
  el.textContent = text;
}

/**
 * Announces `text` politely. `now`: at once (the start or the result of a run), else at
 * the next slot ANNOUNCE_MS after the previous announcement.
 */
export function announce(text, { now = false } = {}) {
  clearTimeout(live.timer);
  live.timer = 0;
  const wait = live.last + ANNOUNCE_MS - performance.now();
  if (now || wait <= 0) {
    write(text);
    return;
  }
  live.pending = text;
  live.timer = setTimeout(() => { if (live.pending !== null) write(live.pending); }, wait);
}
