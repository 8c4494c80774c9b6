// The composition root uses the configured store: createPortal with STORE=sqlite (and redis when available) keeps
// flows and audit events there, writes the audit log line as before, exposes `store` (ping) and closes it on close().
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { createAuditLog } from '../../src/audit/index.js';
import { loadConfig } from '../../src/config/index.js';
import { systemClock } from '../../src/core/system.js';
import { createPortal } from '../../src/portal.js';
import { connectRedisStore } from '../../src/store/redis.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import type { ManagedStore } from '../../src/store/types.js';
import { addFullUser, FakeIdp } from '../helpers/fakes.js';
import { JsonClient } from '../http/helpers.js';
import { cleanupRedisPrefix, redisForTests, tempDir, uniquePrefix } from './helpers.js';

const redis = redisForTests();
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

async function startAndCheck(env: Record<string, string>, reopen: () => Promise<ManagedStore>): Promise<void> {
  const config = loadConfig({ COOKIE_SECRET: 'test-cookie-secret-that-is-long-enough-0123456789', ...env });
  let logText = '';
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        logText += chunk.toString('utf8');
        cb();
      },
    }),
  );
  const idp = new FakeIdp();
  addFullUser(idp, 'alice@example.com');
  const portal = await createPortal(config, { okta: { orgUrl: 'http://127.0.0.1:9', auth: { kind: 'ssws', token: 'unused-token' } }, idp, logger });
  try {
    assert.equal(portal.store.kind, config.store.kind);
    assert.equal(await portal.store.ping(), true);
    const client = new JsonClient(portal.app, config.server.publicUrl);
    const res = await client.call('POST', '/api/v1/recovery', { username: 'alice@example.com' });
    assert.equal(res.statusCode, 200, res.body);
  } finally {
    await portal.close();
  }
  assert.equal(await portal.store.ping(), false, 'close() closed the store');
  assert.match(logText, /"audit":true.*"action":"recovery.start"/, 'the audit log line is still written');

  // Another connection to the same store (as after a restart) sees the audit event.
  const store = await reopen();
  try {
    const events = await createAuditLog(store, { clock: systemClock, retentionDays: 90 }).query({ login: 'alice@example.com' });
    assert.deepEqual(
      events.map((e) => [e.action, e.outcome]),
      [['recovery.start', 'success']],
    );
  } finally {
    await store.close();
  }
}

describe('createPortal with the configured store', () => {
  test('STORE=sqlite: state and audit events in DATA_DIR', async () => {
    const d = tempDir('portal-compose-');
    cleanups.push(d.cleanup);
    await startAndCheck({ STORE: 'sqlite', DATA_DIR: d.dir }, async () => {
      const s = openSqliteStore({ dataDir: d.dir, clock: systemClock, sweepIntervalMs: 0, mustExist: true });
      const kv = s.db.prepare('SELECT count(*) AS n FROM kv').get() as { n: number };
      assert.ok(kv.n > 0, 'the flow and counters are in the file');
      return s;
    });
  });

  test('STORE=redis: state and audit events under the key prefix', { skip: redis.skip ?? false }, async () => {
    const prefix = uniquePrefix('compose');
    cleanups.push(() => cleanupRedisPrefix(redis.url!, prefix));
    await startAndCheck({ REDIS_URL: redis.url!, REDIS_KEY_PREFIX: prefix }, () =>
      connectRedisStore({ url: redis.url!, keyPrefix: prefix, clock: systemClock }),
    );
  });
});
