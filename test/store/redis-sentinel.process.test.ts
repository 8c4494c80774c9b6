// Redis with Sentinel (issue 12, item 7): a real password-protected master and replica and a password-protected
// sentinel on loopback ports, started for this file and stopped after it (test/helpers/redis-topology.ts). The
// portal finds the master through the sentinel: the Store contract passes, the portal's own settings
// (REDIS_SENTINELS, REDIS_SENTINEL_MASTER, REDIS_PASSWORD_FILE, REDIS_SENTINEL_PASSWORD) reach it with the same key
// names as one server, a wrong master name or password fails at start with a message that names the setting and no
// secret, and after the master is killed the store follows the failover to the promoted replica with its data.
// Needs redis-server and redis-cli: skipped loudly without them, an error in CI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { createAuditLog } from '../../src/audit/index.js';
import { loadConfig } from '../../src/config/index.js';
import { systemClock } from '../../src/core/system.js';
import { createStore, StoreUnavailableError } from '../../src/store/index.js';
import { connectRedisStore, type RedisStore } from '../../src/store/redis.js';
import { redisTopologyOrSkip, startRedisSentinel, type RedisSentinelSetup } from '../helpers/redis-topology.js';
import { storeContract } from './contract.js';
import { uniquePrefix } from './helpers.js';

const skip = redisTopologyOrSkip('Redis Sentinel tests');
let starting: Promise<RedisSentinelSetup> | null = null;
const ready = (): Promise<RedisSentinelSetup> => (starting ??= startRedisSentinel());
const COOKIE_SECRET = 'sentinel-test-cookie-secret-0123456789abcdef';

before(async () => {
  if (!skip) await ready();
});

storeContract({
  name: 'redis via sentinel',
  fakeClock: false,
  skip,
  open: async (clock) => {
    const s = await ready();
    return connectRedisStore({
      sentinel: { sentinels: s.sentinels, master: s.master, password: s.password, sentinelPassword: s.sentinelPassword },
      keyPrefix: uniquePrefix('sentinel-contract'),
      clock,
    });
  },
});

describe('Redis Sentinel specifics', { skip: skip ?? false }, () => {
  test('the portal settings reach the master through the sentinel; keys are named as on one server', async () => {
    const s = await ready();
    const prefix = uniquePrefix('sentinel-cfg');
    const config = loadConfig(
      {
        REDIS_SENTINELS: s.sentinels.map((n) => `${n.host}:${n.port}`).join(','),
        REDIS_SENTINEL_MASTER: s.master,
        REDIS_PASSWORD_FILE: '/run/secrets/redis-password',
        REDIS_SENTINEL_PASSWORD: s.sentinelPassword,
        REDIS_KEY_PREFIX: prefix,
        COOKIE_SECRET,
      },
      { readFile: (p) => (p === '/run/secrets/redis-password' ? `${s.password}\n` : assert.fail(`unexpected read of ${p}`)) },
    );
    assert.equal(config.store.redis?.mode, 'sentinel');
    const store = (await createStore(config.store, systemClock)) as RedisStore;
    const direct = new Redis({ host: '127.0.0.1', port: s.masterPort, password: s.password, maxRetriesPerRequest: 1 });
    try {
      assert.equal(store.cluster, false);
      await store.setEach([
        { key: 'flow:f1', value: { state: 'code-sent' }, ttlMs: 60_000 },
        { key: 'ott:h1', value: { flowId: 'f1' }, ttlMs: 60_000 },
      ]);
      const log = createAuditLog(store, { clock: systemClock, retentionDays: 90 });
      await log.append({ at: Date.now(), action: 'recovery.start', outcome: 'success', login: 'jane@example.com', userId: '00u1', method: null, ip: '203.0.113.7', requestId: 'r1' });
      assert.equal(await direct.get(`${prefix}flow:f1`), '{"state":"code-sent"}', 'the same key names as with REDIS_URL');
      assert.equal(await direct.zcard(`${prefix}audit`), 1);
      assert.equal(await direct.zcard(`${prefix}audit:login:jane@example.com`), 1);
      assert.equal(await store.ping(), true);
    } finally {
      direct.disconnect();
      await store.close();
    }
  });

  test('an unknown master name or a wrong password fails at start, naming the setting and never the password', async () => {
    const s = await ready();
    const attempts = [
      { sentinels: s.sentinels, master: 'no-such-master', password: s.password, sentinelPassword: s.sentinelPassword },
      { sentinels: s.sentinels, master: s.master, password: 'wrong-hunter2', sentinelPassword: s.sentinelPassword },
      { sentinels: s.sentinels, master: s.master, password: s.password, sentinelPassword: 'wrong-hunter2' },
    ];
    for (const sentinel of attempts) {
      await assert.rejects(
        connectRedisStore({ sentinel, clock: systemClock, connectTimeoutMs: 500 }),
        (e: unknown) =>
          e instanceof StoreUnavailableError &&
          e.message.startsWith(`REDIS_SENTINELS: cannot connect to master ${sentinel.master} via sentinels ${s.sentinels[0]!.host}:${s.sentinels[0]!.port} (`) &&
          !/hunter2|master-pw|sentinel-pw/.test(e.message),
        sentinel.master,
      );
    }
  });

  // Last in this file: it kills the master.
  test('when the master dies, the sentinel promotes the replica and the store follows it with the data', async () => {
    const s = await ready();
    const store = await connectRedisStore({
      sentinel: { sentinels: s.sentinels, master: s.master, password: s.password, sentinelPassword: s.sentinelPassword },
      keyPrefix: uniquePrefix('sentinel-failover'),
      clock: systemClock,
      connectTimeoutMs: 1000,
    });
    const replica = new Redis({ host: '127.0.0.1', port: s.replicaPort, password: s.password, maxRetriesPerRequest: 1 });
    try {
      await store.set('flow:f1', { state: 'verified' }, 120_000);
      await store.increment('rl:login:jane', 120_000);
      const key = `${store.keyPrefix}flow:f1`;
      for (let i = 0; i < 50 && (await replica.get(key)) === null; i++) await new Promise((r) => setTimeout(r, 100));
      assert.notEqual(await replica.get(key), null, 'replicated before the crash');

      await s.killMaster();
      await assert.rejects(store.get('flow:f1'), StoreUnavailableError, 'fails at once while there is no master');
      const deadline = Date.now() + 45_000;
      while (Date.now() < deadline && !((await s.currentMasterPort()) === s.replicaPort && (await store.ping()))) {
        await new Promise((r) => setTimeout(r, 250));
      }
      assert.equal(await s.currentMasterPort(), s.replicaPort, 'the sentinel promoted the replica');
      assert.equal(await store.ping(), true, 'the store reconnected to the new master');
      assert.deepEqual(await store.get('flow:f1'), { state: 'verified' });
      assert.equal((await store.increment('rl:login:jane', 120_000)).count, 2, 'the counter kept its count');
      await store.set('flow:f2', 'after', 60_000);
      assert.equal(await replica.get(`${store.keyPrefix}flow:f2`), '"after"', 'writes go to the promoted replica');
    } finally {
      replica.disconnect();
      await store.close();
    }
  });
});

after(async () => {
  if (starting) await (await starting).stop();
});
