// Builds dist/ (tsc -p tsconfig.build.json) and stamps it, so `npm start` never compiles on every start.
//   node scripts/build.mjs                 always build (npm run build)
//   node scripts/build.mjs --if-stale      build only when a source file is newer than the last build (prestart)
//   node scripts/build.mjs --if-possible   as --if-stale, and skip quietly when TypeScript is not installed
//                                          (prepare: `npm ci --omit=dev` in the Dockerfile has no compiler; the
//                                          image copies dist/ from its build stage instead)
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const stamp = join(root, 'dist', '.build-stamp');
const args = new Set(process.argv.slice(2));
const ifPossible = args.has('--if-possible');
const ifStale = ifPossible || args.has('--if-stale');

function newest(path) {
  if (!existsSync(path)) return 0;
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

const sources = ['src', 'emulator/src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'].map((p) => join(root, p));
if (ifStale && existsSync(stamp) && statSync(stamp).mtimeMs >= Math.max(...sources.map(newest))) process.exit(0);

let tsc;
try {
  tsc = createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
} catch {
  if (ifPossible) process.exit(0);
  if (ifStale && existsSync(join(root, 'dist', 'src', 'main.js'))) {
    console.error('build: TypeScript is not installed (production install); using the existing dist/');
    process.exit(0);
  }
  console.error('build: TypeScript is not installed; run `npm install` (with the development dependencies) first');
  process.exit(1);
}

const started = new Date();
const res = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
if (res.status !== 0) process.exit(res.status ?? 1);
// The stamp carries the time the build started: a file saved during the build makes the next start rebuild.
writeFileSync(stamp, `${started.toISOString()}\n`);
utimesSync(stamp, started, started);
