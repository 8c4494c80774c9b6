// The audit log on every backend (memory, SQLite file, Redis): append-only events, query filters (login without
// case, user id, since, limit = most recent N printed oldest first), retention (never returned, then deleted), and
// the sink that writes each event to the log line and to the store.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { createAuditLog, createAuditSink, type AuditLog } from '../../src/audit/index.js';
import type { AuditEvent } from '../../src/core/ports.js';
import { systemClock } from '../../src/core/system.js';
import { MemoryStore } from '../../src/store/memory.js';
import { connectRedisStore } from '../../src/store/redis.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { ManagedStore } from '../../src/store/types.js';
import { FakeClock } from '../helpers/fakes.js';
import { cleanupRedisPrefix, redisForTests, tempDir, uniquePrefix } from '../store/helpers.js';

const DAY = 86_400_000;
const redis = redisForTests();
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

const backends: { name: string; skip?: string | undefined; open(clock: FakeClock): Promise<ManagedStore> }[] = [
  { name: 'memory', open: async (clock) => new MemoryStore(clock) },
  {
    name: 'sqlite',
    open: async (clock) => {
      const d = tempDir('portal-audit-');
      cleanups.push(d.cleanup);
      return openSqliteStore({ dataDir: join(d.dir, 'data'), clock, sweepIntervalMs: 0 });
    },
  },
  {
    name: 'redis',
    skip: redis.skip,
    open: async () => {
      const p = uniquePrefix('audit');
      cleanups.push(() => cleanupRedisPrefix(redis.url!, p));
      return connectRedisStore({ url: redis.url!, keyPrefix: p, clock: systemClock });
    },
  },
];

function event(at: number, over: Partial<AuditEvent> = {}): AuditEvent {
  return {
    at,
    action: 'recovery.start',
    outcome: 'success',
    login: 'jane@example.com',
    userId: '00u1jane',
    method: null,
    ip: '203.0.113.7',
    requestId: `req-${at}`,
    ...over,
  };
}

for (const backend of backends) {
  describe(`audit log: ${backend.name}`, { skip: backend.skip ?? false }, () => {
    const withLog = async (retentionDays: number, fn: (log: AuditLog, clock: FakeClock) => Promise<void>) => {
      const clock = new FakeClock();
      const store = await backend.open(clock);
      try {
        await fn(createAuditLog(store, { clock, retentionDays }), clock);
      } finally {
        await store.close();
      }
    };

    test('events round-trip with every field; ids are unique, even for identical events', async () => {
      await withLog(90, async (log, clock) => {
        const t = clock.now();
        const full = event(t, { action: 'recovery.verify', outcome: 'failure', method: 'sms', detail: 'code=INVALID_CODE' });
        const bare = event(t + 1, { login: null, userId: null });
        await log.append(full);
        await log.append(bare);
        await log.append(bare);
        const got = await log.query();
        assert.equal(got.length, 3);
        assert.deepEqual(
          got.map(({ id: _id, ...e }) => e),
          [full, bare, bare],
        );
        assert.equal(new Set(got.map((e) => e.id)).size, 3);
      });
    });

    test('filters: login (case-insensitive), user id, since; limit keeps the most recent, oldest first', async () => {
      await withLog(90, async (log, clock) => {
        const t = clock.now() - 3_600_000;
        for (let i = 0; i < 6; i++) await log.append(event(t + i * 60_000, { action: `recovery.step${i}` }));
        await log.append(event(t + 30_000, { login: 'JOHN@example.com', userId: '00u2john' }));
        await log.append(event(t + 90_000, { login: 'john@example.com', userId: '00u2john', action: 'recovery.password' }));
        await log.append(event(t + 100_000, { login: 'john@example.com', userId: null, action: 'recovery.start' }));

        const john = await log.query({ login: 'John@Example.com' });
        assert.deepEqual(
          john.map((e) => e.at - t),
          [30_000, 90_000, 100_000],
        );
        const johnById = await log.query({ userId: '00u2john' });
        assert.deepEqual(
          johnById.map((e) => e.at - t),
          [30_000, 90_000],
        );
        assert.deepEqual(await log.query({ userId: '00U2JOHN' }), [], 'user ids match exactly');
        const both = await log.query({ login: 'john@example.com', userId: '00u2john', since: t + 60_000 });
        assert.deepEqual(
          both.map((e) => e.action),
          ['recovery.password'],
        );
        const recent = await log.query({ login: 'jane@example.com', limit: 2 });
        assert.deepEqual(
          recent.map((e) => e.action),
          ['recovery.step4', 'recovery.step5'],
        );
        const since = await log.query({ since: t + 4 * 60_000 });
        assert.deepEqual(
          since.map((e) => e.action),
          ['recovery.step4', 'recovery.step5'],
        );
        assert.equal((await log.query()).length, 9);
        assert.deepEqual(await log.query({ login: 'nobody@example.com' }), []);
      });
    });

    test('a filtered query reads past the first page of a large log', async () => {
      await withLog(90, async (log, clock) => {
        const t = clock.now() - DAY;
        await Promise.all(
          Array.from({ length: 1200 }, (_, i) => log.append(event(t + i, { userId: i % 3 === 0 ? '00u1jane' : '00u9other', requestId: `r${i}` }))),
        );
        const got = await log.query({ login: 'jane@example.com', userId: '00u1jane', limit: 10_000 });
        assert.equal(got.length, 400);
        assert.deepEqual(got.slice(0, 2).map((e) => e.requestId), ['r0', 'r3']);
        assert.equal(got.at(-1)!.requestId, 'r1197');
        const last = await log.query({ userId: '00u9other', limit: 3 });
        assert.deepEqual(last.map((e) => e.requestId), ['r1196', 'r1198', 'r1199']);
      });
    });

    test('hourly counts: by action, outcome, method and tag, within [since, until) and the retention', async () => {
      await withLog(2, async (log, clock) => {
        const hour = Math.floor(clock.now() / 3_600_000) * 3_600_000;
        await log.append(event(hour + 10, { action: 'recovery.verify', outcome: 'failure', method: 'sms', detail: 'code=INVALID_CODE (wrong code 1/5)' }));
        await log.append(event(hour + 20, { action: 'recovery.verify', outcome: 'failure', method: 'sms', detail: 'code=INVALID_CODE (wrong code 2/5)' }));
        await log.append(event(hour + 30, { action: 'recovery.verify', outcome: 'success', method: 'sms' }));
        await log.append(event(hour - 3_600_000 + 5, { action: 'account.enrol', method: 'push', detail: 'push factor activated' }));
        await log.append(event(hour - 3 * DAY, { action: 'too-old' }));
        const all = await log.counts({ since: hour - 10 * DAY, until: hour + 3_600_000 });
        const key = (c: { hour: number; action: string; outcome: string; method: string | null; tag: string; count: number }) =>
          `${c.hour - hour} ${c.action} ${c.outcome} ${c.method ?? '-'} ${c.tag || '-'} ${c.count}`;
        assert.deepEqual(all.map(key).sort(), [
          '-3600000 account.enrol success push activated 1',
          '0 recovery.verify failure sms wrong-code 2',
          '0 recovery.verify success sms - 1',
        ]);
        assert.deepEqual((await log.counts({ since: hour, until: hour + 3_600_000 })).map(key).sort(), all.map(key).sort().slice(1));
        assert.deepEqual(await log.counts({ since: hour - 3_600_000, until: hour }).then((r) => r.map(key)), [all.map(key).sort()[0]]);
        clock.advance(3 * DAY);
        assert.deepEqual(await log.counts({ since: 0, until: clock.now() + 3_600_000 }), [], 'past the retention');
      });
    });

    test('retention: older events are never returned and are deleted', async () => {
      await withLog(2, async (log, clock) => {
        const t = clock.now();
        await log.append(event(t - 3 * DAY, { action: 'too-old' }));
        await log.append(event(t - DAY, { action: 'kept' }));
        assert.deepEqual(
          (await log.query()).map((e) => e.action),
          ['kept'],
        );
        clock.advance(DAY + 1);
        assert.deepEqual(await log.query(), [], 'the retention moves with the clock');
        assert.deepEqual(await log.query({ login: 'jane@example.com' }), []);
        await log.append(event(clock.now(), { action: 'new' }));
        await log.prune();
        clock.set(t - 10 * DAY); // look back in time: deleted events stay deleted
        assert.deepEqual(
          (await log.query()).map((e) => e.action),
          ['new'],
        );
      });
    });
  });
}

describe('audit sink', () => {
  test('writes the log line and the store; a failing store is logged, never thrown', async () => {
    const lines: { level: string; obj: object; msg: string }[] = [];
    const logger = {
      info: (obj: object, msg: string) => lines.push({ level: 'info', obj, msg }),
      error: (obj: object, msg: string) => lines.push({ level: 'error', obj, msg }),
    };
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    const log = createAuditLog(store, { clock, retentionDays: 90 });
    const sink = createAuditSink({ logger, log });
    const e = event(clock.now());
    await sink.record(e);
    assert.deepEqual(lines, [{ level: 'info', obj: { event: e }, msg: 'audit' }]);
    assert.equal((await log.query()).length, 1);

    const broken = createAuditSink({
      logger,
      log: {
        append: () => Promise.reject(new Error('redis store: append failed (not connected)')),
        query: () => Promise.resolve([]),
        counts: () => Promise.resolve([]),
        prune: () => Promise.resolve(0),
      },
    });
    await broken.record(e);
    assert.equal(lines.length, 3);
    assert.equal(lines[1]!.msg, 'audit');
    assert.equal(lines[2]!.level, 'error');
    assert.match(JSON.stringify(lines[2]), /not connected/);
  });
});

test('sqlite: a file from before the hourly counts (schema 2) gets them from its events on upgrade', async () => {
  const d = tempDir('portal-audit-upgrade-');
  cleanups.push(d.cleanup);
  const dataDir = join(d.dir, 'data');
  const clock = new FakeClock();
  const first = await openSqliteStore({ dataDir, clock, sweepIntervalMs: 0 });
  const log = createAuditLog(first, { clock, retentionDays: 90 });
  await log.append(event(clock.now(), { action: 'recovery.verify', outcome: 'success', method: 'sms' }));
  await log.append(event(clock.now() + 1, { action: 'recovery.verify', outcome: 'success', method: 'sms' }));
  // Back to schema 2: what the release before the counts wrote.
  first.db.exec('DROP TABLE audit_counts');
  first.db.pragma('user_version = 2');
  await first.close();

  const second = await openSqliteStore({ dataDir, clock, sweepIntervalMs: 0 });
  try {
    const counts = await createAuditLog(second, { clock, retentionDays: 90 }).counts({ since: 0, until: clock.now() + DAY });
    assert.deepEqual(counts.map((c) => [c.action, c.outcome, c.method, c.count]), [['recovery.verify', 'success', 'sms', 2]]);
  } finally {
    await second.close();
  }
});
