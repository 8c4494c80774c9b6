// Redis Cluster (issue 12, item 7): a real three-master cluster on loopback ports, started for this file and stopped
// after it (test/helpers/redis-topology.ts). On it: two portal processes act as one (the two-instance suite), the
// Store contract passes, batch operations whose keys fall in different hash slots keep their order and stop rule
// (one script may only touch one slot), the audit log's keys share one slot, and the portal's own settings
// (REDIS_CLUSTER_NODES) reach it. Needs redis-server and redis-cli: skipped loudly without them, an error in CI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import calculateSlot from 'cluster-key-slot';
import { Cluster } from 'ioredis';
import { createAuditLog } from '../../src/audit/index.js';
import { loadConfig } from '../../src/config/index.js';
import { systemClock } from '../../src/core/system.js';
import { createStore, StoreUnavailableError } from '../../src/store/index.js';
import { connectRedisStore, type RedisStore } from '../../src/store/redis.js';
import { redisTopologyOrSkip, startRedisCluster, type RedisCluster } from '../helpers/redis-topology.js';
import { twoInstanceSuite } from '../resilience/two-instances.suite.js';
import { storeContract } from './contract.js';
import { uniquePrefix } from './helpers.js';

const skip = redisTopologyOrSkip('Redis Cluster tests');
let cluster: RedisCluster | null = null;
let starting: Promise<RedisCluster> | null = null;
/** The cluster, started once for the whole file (node:test may run the suites' before hooks side by side). */
const ready = async (): Promise<RedisCluster> => (cluster = await (starting ??= startRedisCluster(3)));
const nodesSetting = () => cluster!.nodes.map((n) => `${n.host}:${n.port}`).join(',');
const COOKIE_SECRET = 'cluster-test-cookie-secret-0123456789abcdef';

before(async () => {
  if (!skip) await ready();
});

twoInstanceSuite({
  skip: skip ?? false,
  redisEnv: async () => {
    await ready();
    return { REDIS_CLUSTER_NODES: nodesSetting(), REDIS_KEY_PREFIX: uniquePrefix('cluster-two') };
  },
  cleanup: async () => {}, // the whole cluster goes away after this file
});

const open = async (keyPrefix: string) => connectRedisStore({ cluster: { nodes: (await ready()).nodes }, keyPrefix, clock: systemClock });

storeContract({ name: 'redis cluster', fakeClock: false, skip, open: () => open(uniquePrefix('cluster-contract')) });

describe('Redis Cluster specifics', { skip: skip ?? false }, () => {
  /** A direct connection, to look at what the store wrote. */
  const raw = () => new Cluster(cluster!.nodes, { redisOptions: { maxRetriesPerRequest: 1 } });

  /** Keys under `prefix` named `<stem><i>` whose slots all differ, and that the masters split between them. */
  function keysInDistinctSlots(prefix: string, stem: string, n: number): string[] {
    const out: string[] = [];
    const slots = new Set<number>();
    for (let i = 0; out.length < n; i++) {
      const slot = calculateSlot(`${prefix}${stem}${i}`);
      if (slots.has(slot)) continue;
      slots.add(slot);
      out.push(`${stem}${i}`);
    }
    return out;
  }

  test('batches across hash slots: every write lands, in order, and counting stops after a counter over its max', async () => {
    const prefix = uniquePrefix('cluster-batch');
    const store = await open(prefix);
    const r = raw();
    try {
      assert.equal(store.cluster, true);
      const [k1, k2, k3, k4] = keysInDistinctSlots(prefix, 'rl:', 4) as [string, string, string, string];
      const first = await store.incrementEach([
        { key: k1, windowMs: 60_000, max: 5 },
        { key: k2, windowMs: 60_000, max: 0 },
        { key: k3, windowMs: 60_000 },
      ]);
      assert.deepEqual(
        first.map((v) => v.count),
        [1, 1],
        'k2 went over its max of 0: k3 is not counted',
      );
      assert.equal(await r.get(`${prefix}${k3}`), null);
      const second = await store.incrementEach([
        { key: k1, windowMs: 60_000, max: 5 },
        { key: k3, windowMs: 60_000 },
        { key: k4, windowMs: 30_000 },
      ]);
      assert.deepEqual(
        second.map((v) => v.count),
        [2, 1, 1],
      );
      const pttl = await r.pttl(`${prefix}${k4}`);
      assert.ok(pttl > 25_000 && pttl <= 30_000, `each counter keeps its own window (${pttl})`);

      const [w1, w2, w3] = keysInDistinctSlots(prefix, 'w:', 3) as [string, string, string];
      await store.set(w3, 'old', 60_000);
      await store.setEach([
        { key: w1, value: { a: 1 }, ttlMs: 60_000 },
        { key: w2, value: 'two', ttlMs: 60_000 },
        { key: w3, value: null, ttlMs: 0 },
      ]);
      assert.deepEqual(await store.get(w1), { a: 1 });
      assert.equal(await store.get(w2), 'two');
      assert.equal(await store.get(w3), null, 'a TTL of 0 deletes, also in another slot');

      // The keys really are spread: more than one master holds some of them.
      const holders = await Promise.all(
        r.nodes('master').map(async (node) => {
          const [, keys] = await node.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1000);
          return keys.length;
        }),
      );
      assert.ok(holders.filter((n) => n > 0).length >= 2, `keys on several masters (${holders.join(', ')})`);
    } finally {
      r.disconnect();
      await store.close();
    }
  });

  test('batches are one script per run of same-slot keys; a prefix with a hash tag makes every batch one script', async () => {
    const countScripts = (store: RedisStore) => {
      const client = store.redis as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
      const calls = { n: 0 };
      for (const name of ['portalSetEach', 'portalIncrementEach']) {
        const original = client[name]!.bind(client);
        client[name] = (...args: unknown[]) => {
          calls.n++;
          return original(...args);
        };
      }
      return calls;
    };
    const writes = (keys: string[]) => keys.map((key) => ({ key, value: key, ttlMs: 60_000 }));
    const plainPrefix = uniquePrefix('cluster-plain');
    const plain = await open(plainPrefix);
    const tagged = await open(`{${uniquePrefix('cluster-tag')}}:`);
    try {
      const keys = keysInDistinctSlots(plainPrefix, 'k', 4);
      const p = countScripts(plain);
      await plain.setEach(writes(keys));
      await plain.incrementEach(keys.map((key) => ({ key: `${key}:n`, windowMs: 60_000 })));
      assert.ok(p.n > 2, `split by slot on a plain prefix (${p.n} scripts)`);
      const t = countScripts(tagged);
      await tagged.setEach(writes(keys));
      const counted = await tagged.incrementEach(keys.map((key) => ({ key: `${key}:n`, windowMs: 60_000 })));
      assert.equal(t.n, 2, 'one script per batch under a hash-tagged prefix');
      assert.deepEqual(
        counted.map((c) => c.count),
        [1, 1, 1, 1],
      );
      for (const key of keys) assert.equal(await tagged.get(key), key);
    } finally {
      await plain.close();
      await tagged.close();
    }
  });

  test('the audit log works on a cluster: its keys carry one hash tag, so each append is one script', async () => {
    const prefix = uniquePrefix('cluster-audit');
    const store = await open(prefix);
    const r = raw();
    try {
      const log = createAuditLog(store, { clock: systemClock, retentionDays: 90 });
      const now = Date.now();
      const base = { outcome: 'success' as const, method: null, ip: '203.0.113.7' };
      await log.append({ ...base, at: now - 2, action: 'recovery.start', login: 'Jane@Example.com', userId: '00u1jane', requestId: 'r1' });
      await log.append({ ...base, at: now - 1, action: 'recovery.start', login: 'bob@example.com', userId: '00u2bob', requestId: 'r2' });
      await log.append({ ...base, at: now, action: 'recovery.verify', login: null, userId: '00u1jane', requestId: 'r3' });
      assert.deepEqual(
        (await log.query({ login: 'jane@example.com' })).map((e) => e.requestId),
        ['r1'],
      );
      assert.deepEqual(
        (await log.query({ userId: '00u1jane' })).map((e) => e.requestId),
        ['r1', 'r3'],
      );
      assert.deepEqual(
        (await log.query()).map((e) => e.requestId),
        ['r1', 'r2', 'r3'],
      );
      const names = [`${prefix}{audit}`, `${prefix}{audit}:login:jane@example.com`, `${prefix}{audit}:user:00u1jane`];
      for (const name of names) assert.ok((await r.zcard(name)) > 0, `${name} exists`);
      assert.equal(new Set(names.map((n) => calculateSlot(n))).size, 1, 'one slot');
      assert.equal(await log.prune(), 0);
    } finally {
      r.disconnect();
      await store.close();
    }
  });

  test('REDIS_CLUSTER_NODES reaches the cluster through the portal configuration; a wrong node list fails clearly', async () => {
    const config = loadConfig({ REDIS_CLUSTER_NODES: `${nodesSetting()}`, REDIS_KEY_PREFIX: uniquePrefix('cluster-cfg'), COOKIE_SECRET });
    assert.equal(config.store.redis?.mode, 'cluster');
    const store = (await createStore(config.store, systemClock)) as RedisStore;
    try {
      assert.equal(store.cluster, true);
      await store.set('flow:x', { state: 'started' }, 60_000);
      assert.deepEqual(await store.get('flow:x'), { state: 'started' });
      assert.equal(await store.ping(), true);
    } finally {
      await store.close();
    }
    await assert.rejects(
      connectRedisStore({ cluster: { nodes: [{ host: '127.0.0.1', port: 1 }], password: 'hunter2-secret' }, clock: systemClock, connectTimeoutMs: 300 }),
      (e: unknown) =>
        e instanceof StoreUnavailableError &&
        e.message.startsWith('REDIS_CLUSTER_NODES: cannot connect to the cluster at 127.0.0.1:1 (') &&
        !e.message.includes('hunter2'),
    );
  });
});

after(async () => {
  if (starting) await (await starting).stop();
});
