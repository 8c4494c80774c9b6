// SqliteStore: the Store contract on a real file, plus what only a file gives: the data directory and file modes,
// WAL settings, survival across close/reopen (a restart), physical removal of expired rows, several connections and
// several processes on one file, and clear errors for unusable directories.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openSqliteStore, SQLITE_FILE_NAME, type SqliteStore } from '../../src/store/sqlite.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { systemClock } from '../../src/core/system.js';
import { FakeClock } from '../helpers/fakes.js';
import { storeContract } from './contract.js';
import { tempDir } from './helpers.js';

const dirs: { cleanup(): void }[] = [];
function newDir(): string {
  const d = tempDir('portal-sqlite-');
  dirs.push(d);
  return d.dir;
}
after(() => dirs.forEach((d) => d.cleanup()));

storeContract({
  name: 'sqlite',
  fakeClock: true,
  open: async (clock) => openSqliteStore({ dataDir: join(newDir(), 'data'), clock, sweepIntervalMs: 0 }),
});

describe('SqliteStore file and settings', () => {
  test('creates the data directory (0700) and the file (0600) on first start, in WAL mode', async () => {
    const dataDir = join(newDir(), 'nested', 'data');
    const store = openSqliteStore({ dataDir, clock: new FakeClock(), sweepIntervalMs: 0 });
    try {
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      assert.equal(statSync(join(dataDir, SQLITE_FILE_NAME)).mode & 0o777, 0o600);
      assert.equal(store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.equal(store.db.pragma('synchronous', { simple: true }), 1, 'NORMAL');
      assert.equal(store.db.pragma('busy_timeout', { simple: true }), 5000);
    } finally {
      await store.close();
    }
  });

  test('a restart on the same file keeps flows, otts, counters and blocks; a taken ott stays gone', async () => {
    const dataDir = newDir();
    const clock = new FakeClock();
    const a = openSqliteStore({ dataDir, clock, sweepIntervalMs: 0 });
    const flow = { id: 'f1', state: 'verified', userId: '00u1', ottHash: 'h1', attempts: 1 };
    await a.set('flow:f1', flow, 900_000);
    await a.set('ott:h1', { flowId: 'f1' }, 600_000);
    await a.set('ott:h0', { flowId: 'f0' }, 600_000);
    assert.deepEqual(await a.take('ott:h0'), { flowId: 'f0' });
    for (let i = 0; i < 3; i++) await a.increment('rl:login:jane', 900_000);
    const { resetAt } = await a.increment('rl:login:jane', 900_000);
    await a.close();

    clock.advance(60_000);
    const b = openSqliteStore({ dataDir, clock, sweepIntervalMs: 0 });
    try {
      assert.deepEqual(await b.get('flow:f1'), flow);
      assert.equal(await b.take('ott:h0'), null);
      assert.deepEqual(await b.take('ott:h1'), { flowId: 'f1' });
      assert.deepEqual(await b.increment('rl:login:jane', 900_000), { count: 5, resetAt }, 'the same window continues');
      clock.advance(900_000);
      assert.equal(await b.get('flow:f1'), null, 'and expiry still applies after the restart');
    } finally {
      await b.close();
    }
  });

  test('expired rows are deleted: lazily on read, and by the periodic sweep without any read', async () => {
    const clock = new FakeClock();
    const store = openSqliteStore({ dataDir: newDir(), clock, sweepIntervalMs: 20 });
    const rows = () => (store.db.prepare('SELECT key FROM kv ORDER BY key').all() as { key: string }[]).map((r) => r.key);
    try {
      await store.set('a', 1, 100);
      await store.set('b', 1, 100);
      await store.set('c', 1, 10_000);
      clock.advance(100);
      assert.equal(await store.get('a'), null);
      assert.deepEqual(rows().includes('a'), false, 'read removed the expired row');
      await new Promise((r) => setTimeout(r, 80));
      assert.deepEqual(rows(), ['c'], 'the sweep removed b without a read');
    } finally {
      await store.close();
    }
  });

  test('two connections on one file (two instances) share takes and counters', async () => {
    const dataDir = newDir();
    const clock = new FakeClock();
    const a = openSqliteStore({ dataDir, clock, sweepIntervalMs: 0 });
    const b = openSqliteStore({ dataDir, clock, sweepIntervalMs: 0 });
    try {
      await a.set('ott:x', 'flow', 1000);
      const got = await Promise.all([a.take('ott:x'), b.take('ott:x'), a.take('ott:x'), b.take('ott:x')]);
      assert.equal(got.filter((g) => g !== null).length, 1);
      const counts = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).increment('rl:ip:1', 1000)));
      assert.equal(Math.max(...counts.map((c) => c.count)), 20);
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('several processes incrementing one counter count every hit (IMMEDIATE transactions, busy_timeout)', async () => {
    const dataDir = newDir();
    await openSqliteStore({ dataDir, clock: new FakeClock(), sweepIntervalMs: 0 }).close();
    const worker = new URL('./fixtures/sqlite-increments.ts', import.meta.url).pathname;
    const startAt = String(Date.now() + 1500); // both begin at once, so their transactions really interleave
    const run = () =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', worker, dataDir, '400', startAt], { stdio: ['ignore', 'pipe', 'pipe'] });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`worker exited ${code}: ${err}`))));
      });
    const outs = await Promise.all([run(), run()]);
    const results = outs.map((o) => o.trim().split(' ').map(Number) as [number, number]);
    assert.equal(Math.max(...results.map((r) => r[0])), 800, `one process saw the final count (${outs.join(', ')})`);
    if (results.every((r) => r[1] === 0)) console.warn('sqlite multi-process test: the two processes did not overlap this time');
    const store = openSqliteStore({ dataDir, clock: systemClock, sweepIntervalMs: 0 });
    try {
      assert.equal(await store.get('rl:shared'), 800);
    } finally {
      await store.close();
    }
  });

  test('unusable locations give a clear error naming DATA_DIR', async () => {
    const base = newDir();
    writeFileSync(join(base, 'plain-file'), 'x');
    assert.throws(
      () => openSqliteStore({ dataDir: join(base, 'plain-file', 'data'), clock: new FakeClock() }),
      (e: unknown) => e instanceof StoreUnavailableError && /^DATA_DIR: cannot create .*plain-file.* \(ENOTDIR\)$/.test(e.message),
    );
    assert.throws(
      () => openSqliteStore({ dataDir: join(base, 'empty'), clock: new FakeClock(), mustExist: true }),
      (e: unknown) => e instanceof StoreUnavailableError && e.message.startsWith(`DATA_DIR: there is no ${SQLITE_FILE_NAME} in`),
    );
    assert.throws(() => statSync(join(base, 'empty')), /ENOENT/, 'mustExist creates nothing');
  });

  test('operations after close fail with StoreUnavailableError, not a crash', async () => {
    const store: SqliteStore = openSqliteStore({ dataDir: newDir(), clock: new FakeClock(), sweepIntervalMs: 0 });
    await store.close();
    await assert.rejects(store.get('k'), StoreUnavailableError);
    await assert.rejects(store.increment('k', 10), StoreUnavailableError);
  });
});
