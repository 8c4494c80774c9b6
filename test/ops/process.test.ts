// The production entry point as a process (issue 12, item 3): --version / --help, and shutdown on SIGTERM while the
// log reader has gone (stdout closed: every write fails with EPIPE), which once left the process running forever.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../src/version.js';
import { COOKIE_SECRET, killAllPortals, spawnPortal, startOrg, type Org } from '../resilience/support.js';

let org: Org;
before(async () => {
  org = await startOrg();
});
after(async () => {
  await killAllPortals();
  await org?.close();
});

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string; bin: Record<string, string> };

test('--version prints the package version, --help the flags, an unknown flag exits 2', () => {
  assert.equal(VERSION, pkg.version, 'src/version.ts follows package.json');
  assert.equal(pkg.bin['okta-mfa-portal'], 'dist/src/main.js');
  const run = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], { encoding: 'utf8', timeout: 30_000 });
  const v = run('--version');
  assert.equal(v.status, 0);
  assert.equal(v.stdout.trim(), pkg.version);
  const h = run('--help');
  assert.equal(h.status, 0);
  for (const flag of ['--check-config', '--version', '--help']) assert.ok(h.stdout.includes(flag));
  const bad = run('--nope');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /unknown argument/);
});

test('SIGTERM stops the portal even when stdout is closed (EPIPE on every log line)', async () => {
  const p = await spawnPortal(org, { COOKIE_SECRET, STORE: 'memory', LOG_LEVEL: 'debug' });
  p.child.stdout!.destroy(); // the log reader goes away
  // Log lines are written (request logs at debug) into the closed pipe.
  for (let i = 0; i < 20; i++) await (await fetch(`${p.url}/`)).arrayBuffer();
  const started = Date.now();
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  const { code, signal } = await p.exited;
  clearTimeout(timer);
  assert.equal(signal, null, `exited by itself (took ${Date.now() - started} ms), not killed`);
  assert.equal(code, 0, p.stderr());
});

test('SIGTERM stops the portal even when the log reader has stopped reading (a full stdout pipe)', async () => {
  const p = await spawnPortal(org, { COOKIE_SECRET, STORE: 'memory', LOG_LEVEL: 'debug' });
  p.child.stdout!.pause(); // the reader stops reading: the pipe fills up and every write would block
  // Enough request log lines to fill the pipe (64 KiB) and the stream's buffer several times over.
  for (let i = 0; i < 75; i++) await Promise.all(Array.from({ length: 4 }, async () => (await fetch(`${p.url}/`)).arrayBuffer()));
  const started = Date.now();
  p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  const { code, signal } = await p.exited;
  clearTimeout(timer);
  assert.equal(signal, null, `exited by itself (took ${Date.now() - started} ms), not killed`);
  assert.ok(code === 0 || code === 1, `exit code ${code}`);
});
