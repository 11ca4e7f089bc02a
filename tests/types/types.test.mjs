// atoll.d.ts checked by the TypeScript compiler (npm `typescript`): the integrator's example
// (tests/types/example.ts) passes `tsc --noEmit --strict`, and small files with one wrong
// type each fail it with the expected error — so the check cannot pass by accident (an
// `any` in atoll.d.ts, a file that is not looked at).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const API = path.join(ROOT, 'www', 'atoll.js');

function tsc(args, cwd = ROOT) {
  const r = spawnSync(process.execPath, [TSC, ...args], { cwd, encoding: 'utf8' });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('tsc --noEmit --strict accepts tests/types/example.ts (every option, event and result field)', () => {
  assert.ok(fs.existsSync(TSC), 'typescript is not installed: npm install');
  const r = tsc(['--noEmit', '--strict', '-p', 'tests/types']);
  assert.equal(r.status, 0, r.out);
});

// One file per case: [name, body, expected error code or null for a file that must pass].
const CASES = [
  ['control: correct use', 'const r = await solve("x", { timeLimitMs: 1000 }); const n: number = r.soft + r.breakdown.soft.room_capacity;', null],
  ['a result field of the wrong type', 'const r = await solve("x"); const s: string = r.soft;', 'TS2322'],
  ['a misspelt result field', 'const r = await solve("x"); r.violation.length;', 'TS2551'],
  ['an option of the wrong type', 'await solve("x", { seed: "1" });', 'TS2322'],
  ['an unknown solver option', 'await solve("x", { options: { generations: 2 } });', 'TS2353'],
  ['a violation rule that does not exist', 'const r = await solve("x"); if (r.violations[0].rule === "room_size") {}', 'TS2367'],
  ['a repair progress read as a solve progress', 'await repair("x", "", { onProgress: (p) => p.generation });', 'TS2339'],
  ['an element event detail of the wrong type',
    'document.createElement("atoll-solver").addEventListener("result", (e) => { const s: string = e.detail.soft; });', 'TS2322'],
  ['a state the element does not have', 'const s: AtollSolverState = "running";', 'TS2322'],
];

for (const [name, body, code] of CASES) {
  test(`tsc ${code ? `rejects ${name} (${code})` : `accepts the ${name}`}`, () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'atoll-types-'));
    try {
      const file = path.join(dir, 'case.ts');
      fs.writeFileSync(file, `import { solve, repair, type AtollSolverState } from ${JSON.stringify(API)};\n`
        + `export async function f(): Promise<void> {\n${body}\n}\n`);
      const r = tsc(['--noEmit', '--strict', '--target', 'es2022', '--lib', 'es2022,dom', '--module', 'esnext',
        '--moduleResolution', 'bundler', '--types', '', file], dir);
      if (code === null) {
        assert.equal(r.status, 0, r.out);
      } else {
        assert.notEqual(r.status, 0, `tsc accepted: ${body}`);
        assert.match(r.out, new RegExp(`case\\.ts\\(3,\\d+\\): error ${code}:`), r.out);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
