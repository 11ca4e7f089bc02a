// `npm run dist`: the npm package of Atoll for integrators, in dist/atoll/, and its tarball
// (`npm pack`) dist/atoll-VERSION.tgz.
//
//   node scripts/dist.mjs [--no-pack]
//
// The package is www/'s embedding API and what it loads, nothing of the demo page:
// atoll.js (module API and <atoll-solver>) and every file it reaches through relative
// imports and `new URL('…', import.meta.url)` (the worker, the grid, the stylesheet, both
// wasm builds pkg/ and pkg-st/ with the thread pool's helper), the COOP/COEP service worker
// (coi.js, coi-sw.js), atoll.d.ts, README.md (docs/INTEGRATORS.md) and a package.json whose
// version is Cargo.toml's. Every path inside is relative to the module's own URL, so the
// folder works wherever it is served.
//
// The wasm builds come from scripts/build-wasm.sh (www/pkg, www/pkg-st); when one is
// missing it is built first (`bash scripts/build-wasm.sh all`, minutes).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WWW = path.join(ROOT, 'www');
const DIST = path.join(ROOT, 'dist');
const OUT = path.join(DIST, 'atoll');

/** The `version` of Cargo.toml's [package] table. */
export function cargoVersion(toml) {
  const table = /^\[package\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml);
  const m = table && /^version\s*=\s*"([^"]+)"\s*$/m.exec(table[1]);
  if (!m) throw new Error('Cargo.toml: no version = "…" in its [package] table');
  return m[1];
}

/** A field of Cargo.toml's [package] table (a quoted string), or null. */
function cargoField(toml, name) {
  const table = /^\[package\]\s*$([\s\S]*?)(?=^\[|(?![\s\S]))/m.exec(toml);
  const m = table && new RegExp(`^${name}\\s*=\\s*"([^"]*)"\\s*$`, 'm').exec(table[1]);
  return m ? m[1] : null;
}

/**
 * The relative references of a JavaScript file: static and dynamic imports and
 * `new URL('…', import.meta.url)`. Bare specifiers and absolute URLs are not files of the
 * package (there are none today; an import of one fails the build below).
 */
export function references(source) {
  const found = new Set();
  const patterns = [
    /\bimport\s+(?:[\w*{}\s,$]+\s+from\s+)?['"]([^'"]+)['"]/g, // import x from '…' / import '…'
    /\bexport\s+[\w*{}\s,$]+\s+from\s+['"]([^'"]+)['"]/g, // export … from '…'
    /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g, // import('…')
    /\bnew\s+URL\(\s*['"]([^'"]+)['"]\s*,\s*import\.meta\.url\s*\)/g, // new URL('…', import.meta.url)
  ];
  for (const re of patterns) for (const m of source.matchAll(re)) found.add(m[1]);
  return [...found];
}

/**
 * Every file of www/ the entry files reach (entries included), as paths relative to www/.
 * Throws naming the file for a reference that leaves www/, is not relative or is missing.
 */
export function closure(entries) {
  const seen = new Set();
  const todo = [...entries];
  while (todo.length) {
    const rel = todo.pop();
    if (seen.has(rel)) continue;
    const file = path.join(WWW, rel);
    if (!fs.existsSync(file)) throw new Error(`www/${rel} is missing (needed by the package)`);
    seen.add(rel);
    if (!/\.m?js$/.test(rel)) continue;
    for (const spec of references(fs.readFileSync(file, 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(spec) || spec.startsWith('/') || !/^\.{0,2}\/|^[\w.-]+\.\w+$/.test(spec)) {
        throw new Error(`www/${rel}: "${spec}" is not a path relative to the module, so it cannot be packaged`);
      }
      const target = path.posix.normalize(path.posix.join(path.posix.dirname(rel), spec));
      if (target.startsWith('../')) throw new Error(`www/${rel}: "${spec}" leads outside www/`);
      todo.push(target);
    }
  }
  return [...seen].sort();
}

function ensureWasm() {
  const missing = ['pkg', 'pkg-st'].filter((d) => !fs.existsSync(path.join(WWW, d, 'atoll.js')));
  if (missing.length === 0) return;
  console.log(`dist: www/${missing.join(', www/')} missing: building the wasm (scripts/build-wasm.sh all)`);
  execFileSync('bash', [path.join(ROOT, 'scripts', 'build-wasm.sh'), 'all'], { cwd: ROOT, stdio: 'inherit' });
}

function packageJson(toml) {
  return {
    name: 'atoll',
    version: cargoVersion(toml),
    description: 'Course timetabling (ITC-2007 CB-CTT and campus data) in the browser: a module API and the <atoll-solver> element, on every core through WebAssembly threads',
    license: cargoField(toml, 'license') ?? 'UNLICENSED',
    type: 'module',
    main: './atoll.js',
    module: './atoll.js',
    types: './atoll.d.ts',
    exports: {
      '.': { types: './atoll.d.ts', default: './atoll.js' },
      './atoll.js': { types: './atoll.d.ts', default: './atoll.js' },
      './coi.js': './coi.js',
      './coi-sw.js': './coi-sw.js',
      './style.css': './style.css',
      './package.json': './package.json',
    },
    // Importing atoll.js defines <atoll-solver>.
    sideEffects: ['./atoll.js'],
    keywords: ['timetabling', 'scheduling', 'university', 'itc2007', 'webassembly', 'web-component'],
    browser: './atoll.js',
  };
}

export function build({ pack = true } = {}) {
  ensureWasm();
  const toml = fs.readFileSync(path.join(ROOT, 'Cargo.toml'), 'utf8');
  const files = closure(['atoll.js', 'atoll.d.ts', 'coi.js', 'coi-sw.js']);
  fs.rmSync(OUT, { recursive: true, force: true });
  for (const rel of files) {
    fs.mkdirSync(path.dirname(path.join(OUT, rel)), { recursive: true });
    fs.copyFileSync(path.join(WWW, rel), path.join(OUT, rel));
  }
  fs.copyFileSync(path.join(ROOT, 'docs', 'INTEGRATORS.md'), path.join(OUT, 'README.md'));
  const pkg = packageJson(toml);
  fs.writeFileSync(path.join(OUT, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  console.log(`dist: dist/atoll/ (atoll ${pkg.version}): ${files.length + 2} files`);
  if (!pack) return { dir: OUT, version: pkg.version, tarball: null };
  for (const f of fs.readdirSync(DIST)) if (/^atoll-.*\.tgz$/.test(f)) fs.rmSync(path.join(DIST, f));
  // npm pack prints the file list, the package size and the unpacked size.
  const out = execFileSync('npm', ['pack', '--pack-destination', DIST, '--json'], { cwd: OUT, encoding: 'utf8' });
  const [info] = JSON.parse(out);
  for (const f of info.files) console.log(`  ${String(f.size).padStart(9)}  ${f.path}`);
  console.log(`dist: dist/${info.filename}: ${info.entryCount} files, ${info.size} bytes gzipped (${info.unpackedSize} unpacked)`);
  return { dir: OUT, version: pkg.version, tarball: path.join(DIST, info.filename), info };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    build({ pack: !process.argv.includes('--no-pack') });
  } catch (e) {
    console.error(`dist: ${e.message}`);
    process.exit(1);
  }
}
