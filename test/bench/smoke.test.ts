/**
 * Keeps the benchmark harness working (benchmarks themselves are not tests and CI does not run them):
 * runs `bench/run.ts` for about a second per measurement (BENCH_SMOKE=1) from the TypeScript sources (so no build
 * is needed), into a temporary folder, then checks that every part produced a figure, the recoveries went through
 * without failures, the Okta call count was taken, and no process the harness started is still alive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchResults } from '../../bench/lib/types.js';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('the benchmark harness runs end to end and stops everything it started', { timeout: 120_000 }, async () => {
  const out = mkdtempSync(join(tmpdir(), 'okta-portal-bench-smoke-'));
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts'], {
      env: { ...process.env, BENCH_SMOKE: '1', BENCH_SOURCE: 'ts', BENCH_OUT: out, BENCH_DURATION: '1', BENCH_WARMUP: '0.3' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    assert.equal(code, 0, `bench/run.ts failed:\n${output.slice(-3000)}`);

    const res = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8')) as BenchResults;
    assert.equal(res.meta.smoke, true);
    assert.ok(res.meta.cores >= 1);

    for (const [name, h] of Object.entries(res.http)) {
      assert.ok(h.requestsPerSec > 0, `${name}: no throughput`);
      assert.equal(h.errors, 0, `${name}: connection errors`);
      assert.equal(h.non2xx, 0, `${name}: non-2xx answers`);
    }

    assert.equal(res.rounds.length, 1);
    const round = res.rounds[0]!;
    assert.ok(round.completed > 0, 'no recovery completed');
    assert.equal(round.failed, 0, `recoveries failed: ${JSON.stringify(round.failures)}`);
    for (const step of ['csrf', 'start', 'challenge', 'verify', 'password', 'recovery']) {
      assert.ok((round.steps[step]?.count ?? 0) > 0, `no latency samples for ${step}`);
    }
    assert.ok(round.portalCpuMsPerRecovery !== null && round.portalCpuMsPerRecovery > 0, 'portal CPU per recovery missing');

    // Every method recovered, and the per-step counts add up to the total the emulator logged.
    assert.equal(res.oktaCalls.length, 6);
    for (const c of res.oktaCalls) {
      assert.ok(c.ok, `${c.method}: ${c.error}`);
      const sum = Object.values(c.perStep).reduce((a, b) => a + b, 0);
      assert.equal(sum, c.total);
      assert.equal(c.calls.length, c.total);
      assert.ok(c.total >= 3, `${c.method}: implausibly few Okta calls (${c.total})`);
    }
    const google = res.oktaCalls.find((c) => c.method === 'google-authenticator')!;
    const withRevoke = res.oktaCalls.find((c) => c.method.startsWith('google-authenticator +'))!;
    assert.equal(withRevoke.total, google.total + 1, 'signing out everywhere costs exactly one more call');

    assert.ok(res.memory.idleMb !== null && res.memory.idleMb > 10);
    assert.equal(res.startup.samplesMs.length, 1);
    assert.ok(res.targets.length >= 6);

    // The insights query over a generated audit log (issue 16): SQLite always, each period timed.
    const sqlite = res.insights?.find((r) => r.store === 'sqlite');
    assert.ok(sqlite && !('notRun' in sqlite), `insights on SQLite: ${JSON.stringify(sqlite)}`);
    assert.deepEqual(sqlite.queries.map((q) => q.period), ['24h', '7d', '30d']);
    assert.ok(sqlite.queries.every((q) => q.medianMs > 0 && q.countRows > 0));
    assert.match(readFileSync(join(out, 'latest.md'), 'utf8'), /## Insights query/);
    assert.match(readFileSync(join(out, 'latest.md'), 'utf8'), /## Targets \(issue 7\)/);
    assert.match(readFileSync(join(out, 'chart.svg'), 'utf8'), /^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);

    assert.deepEqual(res.pidsLeftRunning.filter(alive), [], 'children outlived the harness');
    assert.ok(res.pidsStarted.length >= 6);
    assert.deepEqual(res.pidsStarted.filter(alive), [], 'a process the harness started is still running');
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
