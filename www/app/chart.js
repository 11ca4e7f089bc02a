// The live chart of a solve: best soft cost over time (and each island's, and the hard
// violations on a right axis while infeasible), drawn on a canvas from state.run.points.
// The ITC-2019 card (itc2019.js) draws the same chart on its own canvas from its own run:
// a `view` names the canvas, the legend keys, the run and whether it is solving.
import { $, state } from './state.js';
import { fmt } from './ui.js';
import { t } from '../i18n.js';

/** The `.ctt` solve card's chart. */
export const MAIN = { canvas: '#solve-chart', legendHard: '#legend-hard', legendIslands: '#legend-islands',
  run: () => state.run, solving: () => state.solving };

// Per view: a redraw waiting for its frame (or, with reduced motion, for its slot), and the last draw.
const frames = new Map();
const frameOf = (view) => {
  if (!frames.has(view)) frames.set(view, { pending: false, last: -Infinity });
  return frames.get(view);
};

/** With `prefers-reduced-motion: reduce`, the chart is a still picture redrawn this rarely (ms). */
const STILL_MS = 3000;
const reducedMotion = window.matchMedia('(prefers-reduced-motion: reduce)');

/**
 * Draws the chart at the next animation frame (at most once per frame): it moves with
 * every progress step. A user who asked for reduced motion gets a still picture instead,
 * redrawn at most every STILL_MS, and at the end of the run (drawChart directly).
 */
export function scheduleDraw(view = MAIN) {
  const frame = frameOf(view);
  if (frame.pending) return;
  frame.pending = true;
  const wait = reducedMotion.matches ? frame.last + STILL_MS - performance.now() : 0;
  const draw = () => requestAnimationFrame(() => {
    frame.pending = false;
    drawChart(view);
  });
  if (wait > 0) setTimeout(draw, wait);
  else draw();
}

// 0, step, 2·step, ... covering `max`, with step 1, 2 or 5 × 10^k.
function niceTicks(max, count, integer = false) {
  if (!(max > 0)) max = 1;
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  let step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw);
  if (integer) step = Math.max(1, Math.round(step));
  const ticks = [];
  for (let v = 0; v <= max + step * 1e-9; v += step) ticks.push(v);
  if (ticks[ticks.length - 1] < max) ticks.push(ticks[ticks.length - 1] + step);
  return ticks;
}

const COLORS = { best: '#1f5fbf', island: 'rgba(31, 95, 191, 0.28)', hard: '#c2410c',
  islandHard: 'rgba(194, 65, 12, 0.3)', grid: '#e8ebf0',
  axis: '#5d6778' };

export function drawChart(view = MAIN) {
  const c = $(view.canvas);
  if (!c.clientWidth) return;
  frameOf(view).last = performance.now();
  c.dataset.draws = String(Number(c.dataset.draws || 0) + 1);
  c.dataset.motion = reducedMotion.matches ? 'reduced' : 'full';
  const dpr = window.devicePixelRatio || 1;
  const w = c.clientWidth;
  const h = c.clientHeight || 260;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
  }
  const g = c.getContext('2d');
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  g.font = '12px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

  const run = view.run();
  const pts = run.points;
  const last = pts[pts.length - 1];
  let softMax = 0;
  let hardMax = 0;
  let feasibleSeen = false;
  for (const p of pts) {
    hardMax = Math.max(hardMax, p.hard);
    if (p.hard === 0) { feasibleSeen = true; softMax = Math.max(softMax, p.soft); }
    for (const [hh, ss] of p.islands) {
      if (hh === 0) softMax = Math.max(softMax, ss);
      else hardMax = Math.max(hardMax, hh);
    }
  }
  const showHard = hardMax > 0;
  const M = { l: 56, r: showHard ? 44 : 16, t: 10, b: 26 };
  const W = w - M.l - M.r;
  const H = h - M.t - M.b;
  // Time axis: the whole budget (the run may overshoot it by a step: widen, no extra tick).
  // A run stopped early is shown over the time it ran, not over the whole budget.
  const tMax = Math.max(run.stopped && last ? 0 : run.limit || 0, last ? last.t : 0, 1e-3);
  const tTicks = niceTicks(tMax, Math.max(3, Math.floor(W / 90))).filter((v) => v <= tMax * 1.0001);
  const sTicks = niceTicks(softMax * 1.05, 5, true);
  const sMax = sTicks[sTicks.length - 1];
  const hTicks = niceTicks(hardMax * 1.05, 5, true);
  const hMax = hTicks[hTicks.length - 1];
  const X = (t) => M.l + (t / tMax) * W;
  const YS = (v) => M.t + H - (v / sMax) * H;
  const YH = (v) => M.t + H - (v / hMax) * H;

  // Grid and axes.
  g.lineWidth = 1;
  g.strokeStyle = COLORS.grid;
  g.fillStyle = COLORS.axis;
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  for (const v of sTicks) {
    const y = Math.round(YS(v)) + 0.5;
    g.beginPath(); g.moveTo(M.l, y); g.lineTo(M.l + W, y); g.stroke();
    if (feasibleSeen) g.fillText(fmt(v), M.l - 8, y);
  }
  g.textAlign = 'center';
  g.textBaseline = 'top';
  for (const v of tTicks) {
    const x = Math.round(X(v)) + 0.5;
    g.beginPath(); g.moveTo(x, M.t + H); g.lineTo(x, M.t + H + 4); g.strokeStyle = COLORS.axis; g.stroke();
    g.fillText(`${Number(v.toPrecision(6))} s`, x, M.t + H + 7);
  }
  g.strokeStyle = COLORS.axis;
  g.beginPath(); g.moveTo(M.l + 0.5, M.t); g.lineTo(M.l + 0.5, M.t + H + 0.5); g.lineTo(M.l + W, M.t + H + 0.5); g.stroke();
  if (showHard) {
    g.textAlign = 'left';
    g.textBaseline = 'middle';
    g.fillStyle = COLORS.hard;
    for (const v of hTicks) g.fillText(fmt(v), M.l + W + 8, YH(v));
  }

  // The time limit, if the run has one within view.
  if (run.limit > 0 && run.limit <= tMax) {
    const x = Math.round(X(run.limit)) + 0.5;
    g.save();
    g.setLineDash([4, 4]);
    g.strokeStyle = '#9aa3b2';
    g.beginPath(); g.moveTo(x, M.t); g.lineTo(x, M.t + H); g.stroke();
    g.restore();
  }

  // A step line through the points where `value` is defined (a gap where it is not).
  const stepLine = (value, y, color, width) => {
    g.strokeStyle = color;
    g.lineWidth = width;
    g.lineJoin = 'round';
    g.beginPath();
    let prev = null;
    for (const p of pts) {
      const v = value(p);
      if (v === null) { prev = null; continue; }
      if (prev === null) g.moveTo(X(p.t), y(v));
      else { g.lineTo(X(p.t), y(prev)); g.lineTo(X(p.t), y(v)); }
      prev = v;
    }
    g.stroke();
  };
  g.save();
  g.beginPath(); g.rect(M.l, M.t - 2, W + 2, H + 4); g.clip();
  if (feasibleSeen && run.islands > 1 && run.islands <= 32) {
    for (let i = 0; i < run.islands; i++) {
      stepLine((p) => (p.islands[i] && p.islands[i][0] === 0 ? p.islands[i][1] : null), YS, COLORS.island, 1);
    }
  }
  if (showHard && run.islands > 1 && run.islands <= 32) {
    // Each island's hard violations while it is infeasible (faint, on the hard axis).
    for (let i = 0; i < run.islands; i++) {
      stepLine((p) => (p.islands[i] && p.islands[i][0] > 0 ? p.islands[i][0] : null), YH, COLORS.islandHard, 1);
    }
  }
  if (showHard) {
    let done = false;
    stepLine((p) => {
      if (done) return null;
      if (p.hard === 0) done = true;
      return p.hard;
    }, YH, COLORS.hard, 1.75);
  }
  if (feasibleSeen) {
    stepLine((p) => (p.hard === 0 ? p.soft : null), YS, COLORS.best, 2.25);
    if (last && last.hard === 0) {
      g.fillStyle = COLORS.best;
      g.beginPath(); g.arc(X(last.t), YS(last.soft), 3.5, 0, 2 * Math.PI); g.fill();
    }
  }
  g.restore();

  if (!feasibleSeen) {
    g.fillStyle = COLORS.axis;
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    const msg = t(!pts.length ? 'chart.building' : view.solving() ? 'chart.noFeasibleYet' : 'chart.noFeasible');
    g.fillText(msg, M.l + W / 2, M.t + H / 2);
  }
  $(view.legendHard).hidden = !showHard;
  $(view.legendIslands).hidden = !(run.islands > 1 && run.islands <= 32);
}

window.addEventListener('resize', () => { if (!$('#solve-live').hidden) scheduleDraw(); });
