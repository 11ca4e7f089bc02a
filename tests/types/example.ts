// An integrator's code against atoll.d.ts, checked by `tsc --noEmit --strict` (npm run
// typecheck; tests/types/types.test.mjs). It uses every option, event and result field of
// the module API and <atoll-solver>, so a field renamed or retyped in atoll.d.ts breaks
// it; each `@ts-expect-error` line is a mistake the types must catch (tsc fails when one
// of them is accepted). Never run: it only has to type-check.
import {
  AtollSolver, MAX_TIME_LIMIT_S, repair, solve,
  type AtollSolverState, type CampusInstance, type Cost, type DayPeriod, type MovedLecture, type RepairProgress,
  type RepairResult, type Rule, type SolveProgress, type SolveResult, type StopReason, type Violation,
} from '../../www/atoll.js';

function show(...parts: unknown[]): void {
  console.log(...parts);
}

function showCost(label: string, c: Cost): void {
  show(label, c.hard.toFixed(0), c.soft.toFixed(0));
}

function showViolation(v: Violation): void {
  const rule: Rule = v.rule;
  const where: DayPeriod[] = v.periods;
  show(rule, v.hard ? 'hard' : 'soft', v.cost + 1, v.courses.join(','), v.curricula.join(','),
    v.rooms.join(','), (v.teachers ?? []).join(','), where.map((p) => `${p.day}/${p.period}`), v.message.length);
}

function showResultCommon(r: SolveResult | RepairResult): void {
  show(r.solution.split('\n').length, r.hard + r.soft, r.feasible === true);
  const h = r.breakdown.hard;
  show(h.lectures + h.conflicts + h.availability + h.room_occupancy + (h.placement ?? 0));
  const s = r.breakdown.soft;
  show(s.room_capacity + s.min_working_days + s.curriculum_compactness + s.room_stability
    + (s.teacher_preference ?? 0) + (s.daily_limit ?? 0) + (s.changes ?? 0));
  r.violations.forEach(showViolation);
  show(r.stats.threaded ? 'threaded' : 'single-threaded', r.stats.pool_threads);
  if (r.interrupted !== undefined) show(r.interrupted.toUpperCase());
}

function showMoved(m: MovedLecture): void {
  show(m.lecture, m.course, `${m.from.day}/${m.from.period} ${m.from.room}`, `${m.to.day}/${m.to.period} ${m.to.room}`,
    m.kind === 'room_only' ? 'room only' : 'period');
}

export async function moduleApi(instanceText: string, campus: CampusInstance): Promise<void> {
  const controller = new AbortController();
  const progress: SolveProgress[] = [];
  const r = await solve(instanceText, {
    timeLimitMs: 10_000,
    threads: 4,
    seed: 1,
    signal: controller.signal,
    fileName: 'fall.ctt',
    options: { islands: 2, evaluator: 'cpu', stage3: true, policy: 'learned', memory_gib: null, max_generations: null },
    onProgress: (p) => {
      progress.push(p);
      const stage: 'construct' | 'evolve' | 'repair' = p.stage;
      show(stage, p.generation, p.elapsed_s.toFixed(1), p.iterations, p.evaluator.trim(), p.stalls);
      showCost('best', p.best);
      p.islands.forEach((c, i) => showCost(`island ${i}`, c));
      if (p.conflicts_left !== null) show(p.conflicts_left + 0);
      if (p.last_stall) show(p.last_stall.kind, p.last_stall.at_s, p.last_stall.idle_s, p.last_stall.episodes);
      const finished: StopReason | null = p.finished;
      if (finished === 'solved') controller.abort();
    },
  });
  showResultCommon(r);
  const st = r.stats;
  const reason: StopReason = st.stop_reason;
  show(reason, st.islands, st.threads, st.evaluator, st.generations, st.ls_iterations, st.ls_accepted,
    st.batch_evaluations, st.elapsed_s, st.construct_s, st.time_to_feasible_s ?? 'never', st.construction_unplaced);
  const b = st.budget;
  show(b.memory_gib, b.source, b.heap_limit_gib ?? 'native', b.conflict_batch, b.max_population, b.max_offspring, b.gpu_batch);
  if (st.repair) {
    const rp = st.repair;
    show(rp.rounds, rp.episodes, rp.steps, rp.proposals, rp.accepted, rp.rejected, rp.overlapping, rp.abandoned,
      rp.q_updates, rp.extras_dropped, rp.batch, rp.cache.hits / (rp.cache.hits + rp.cache.misses), rp.stalls,
      rp.elapsed_s, rp.time_to_feasible_s, rp.conflicts_left, rp.hard_conflicts_left, rp.escalations,
      rp.escalations_improved, rp.over_max_moves);
    showCost('stage 3 start', rp.start);
    showCost('stage 3 end', rp.end);
    for (const a of [...rp.actions, ...rp.per_rule.flat()]) {
      show(a.action ?? 'none', a.chosen, a.improved, a.accepted, a.work, a.micros, a.gain);
    }
  }
  if (st.moves) st.moves.lectures.forEach(showMoved);

  // A deterministic run: no clock, a bound on generations.
  const fixed = await solve(campus, { timeLimitMs: null, options: { max_generations: 50, islands: 2 } });
  show(fixed.stats.generations === 50);

  // Repair an old timetable.
  const repaired = await repair(instanceText, r.solution, {
    maxMoves: 10, moveWeight: 100, timeLimitMs: 5000, solutionName: 'old.sol',
    onProgress: (p: RepairProgress) => {
      show(p.elapsed_s, p.rounds, p.hard, p.soft, p.moved, p.room_only, p.period, p.of);
      if (p.conflicts_left) show(p.conflicts_left.hard, p.conflicts_left.total);
      if (p.finished === 'done' || p.finished === 'rounds') show('repair over');
    },
  });
  showResultCommon(repaired);
  const m = repaired.moves;
  show(`moved ${m.moved} of ${m.of} (${m.room_only} room only, ${m.period} to another period)`);
  m.lectures.forEach(showMoved);
  const rs = repaired.stats;
  show(rs.stop_reason, rs.elapsed_s, rs.rounds, rs.steps, rs.last_step.rounds);

  show(MAX_TIME_LIMIT_S * 1000);

  // Mistakes the types catch.
  // @ts-expect-error: the instance is a text or a campus object, not a number.
  await solve(42);
  // @ts-expect-error: milliseconds are a number.
  await solve(instanceText, { timeLimitMs: '10' });
  // @ts-expect-error: options have the `atoll options` names (islands, not island).
  await solve(instanceText, { options: { island: 2 } });
  // @ts-expect-error: `evaluator` is one of auto, gpu, cpu.
  await solve(instanceText, { options: { evaluator: 'tpu' } });
  // @ts-expect-error: time_limit is the timeLimitMs option, not a solver option.
  await solve(instanceText, { options: { time_limit: 10 } });
  // @ts-expect-error: `soft` is a number.
  show(r.soft.toUpperCase());
  // @ts-expect-error: a solve has no moves at the top level (only repair() has).
  show(r.moves);
  // @ts-expect-error: a repair's progress has no `best`.
  await repair(instanceText, '', { onProgress: (p) => show(p.best) });
  // @ts-expect-error: a campus object needs days and periods.
  await solve({ name: 'x' });
}

export function element(campus: CampusInstance): void {
  const el = document.createElement('atoll-solver'); // typed through HTMLElementTagNameMap
  const same: AtollSolver = el;
  el.setAttribute('time-limit', 'none');
  el.options = { max_generations: 100, islands: 2, stage3: false };
  el.instance = campus;
  el.instance = 'Name: Toy\n...';
  el.instanceText = null;
  el.addEventListener('progress', (e) => {
    const p: SolveProgress = e.detail;
    show(p.generation, p.best.soft);
  });
  el.addEventListener('result', (e) => {
    showResultCommon(e.detail);
    const state = el.getAttribute('state') as AtollSolverState;
    show(state, el.getAttribute('hard'), el.getAttribute('soft'), el.hasAttribute('feasible'), el.getAttribute('stop-reason'));
  });
  el.addEventListener('error', (e) => show(e.detail.message.trim()));
  el.addEventListener('click', (e) => show(e.clientX)); // the ordinary events keep their types
  document.body.append(same);
  void el.start().then((r) => { if (r) show(r.soft, el.result?.soft, el.timeLimitMs); });
  el.stop();
  // @ts-expect-error: the instance is a text or a campus object.
  el.instance = 42;
  // @ts-expect-error: a result event's detail is a SolveResult, whose hard is a number.
  el.addEventListener('result', (e) => show(e.detail.hard.length));
  // @ts-expect-error: the error event's detail has a message, not a code.
  el.addEventListener('error', (e) => show(e.detail.code));
}
