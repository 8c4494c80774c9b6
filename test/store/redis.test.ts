// RedisStore: the Store contract against a real Redis (TEST_REDIS_URL or REDIS_URL; skipped loudly outside CI when
// unset, an error in CI), plus what only Redis gives: two instances sharing state, key prefixes, TTLs kept by Redis,
// failing fast (and recovering) when the server goes away, and connection errors that never show the password.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { systemClock } from '../../src/core/system.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { connectRedisStore, describeRedisUrl } from '../../src/store/redis.js';
import { storeContract } from './contract.js';
import { cleanupRedisPrefix, redisForTests, uniquePrefix } from './helpers.js';

const redis = redisForTests();
if (redis.skip) test('Redis store suites', { skip: redis.skip }, () => {});
const prefixes: string[] = [];
function prefix(label: string): string {
  const p = uniquePrefix(label);
  prefixes.push(p);
  return p;
}
after(async () => {
  if (redis.url) for (const p of prefixes) await cleanupRedisPrefix(redis.url, p);
});

storeContract({
  name: 'redis',
  fakeClock: false,
  skip: redis.skip,
  open: (clock) => connectRedisStore({ url: redis.url!, keyPrefix: prefix('contract'), clock }),
});

describe('RedisStore specifics', { skip: redis.skip ?? false }, () => {
  const url = redis.url!;

  test('two instances with one prefix act as one: takes, counters and values are shared', async () => {
    const p = prefix('shared');
    const a = await connectRedisStore({ url, keyPrefix: p, clock: systemClock });
    const b = await connectRedisStore({ url, keyPrefix: p, clock: systemClock });
    try {
      await a.set('flow:f1', { state: 'code-sent' }, 60_000);
      assert.deepEqual(await b.get('flow:f1'), { state: 'code-sent' });
      await b.set('ott:h', { flowId: 'f1' }, 60_000);
      const got = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take('ott:h')));
      assert.equal(got.filter((g) => g !== null).length, 1);
      const counts = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a : b).increment('rl:login:jane', 60_000)));
      assert.deepEqual(
        counts.map((c) => c.count).sort((x, y) => x - y),
        Array.from({ length: 40 }, (_, i) => i + 1),
      );
    } finally {
      await a.close();
      await b.close();
    }
  });

  test('different prefixes never see each other; keys carry the prefix and a TTL that Redis enforces', async () => {
    const p1 = prefix('iso1');
    const p2 = prefix('iso2');
    const a = await connectRedisStore({ url, keyPrefix: p1, clock: systemClock });
    const b = await connectRedisStore({ url, keyPrefix: p2, clock: systemClock });
    const raw = new Redis(url, { maxRetriesPerRequest: 1 });
    try {
      await a.set('k', 'a-value', 60_000);
      await a.increment('c', 30_000);
      assert.equal(await b.get('k'), null);
      assert.equal(await raw.get(`${p1}k`), '"a-value"', 'JSON under the prefix');
      const pttl = await raw.pttl(`${p1}k`);
      assert.ok(pttl > 55_000 && pttl <= 60_000, `PX TTL set (${pttl})`);
      const cttl = await raw.pttl(`${p1}c`);
      assert.ok(cttl > 25_000 && cttl <= 30_000, `counter window is a Redis TTL (${cttl})`);
    } finally {
      raw.disconnect();
      await a.close();
      await b.close();
    }
  });

  test('when Redis goes away, commands fail fast with StoreUnavailableError and ping is false; both recover', async () => {
    const proxy = await startProxy(url);
    const store = await connectRedisStore({ url: proxy.url, keyPrefix: prefix('outage'), clock: systemClock, connectTimeoutMs: 500 });
    try {
      await store.set('k', 1, 60_000);
      assert.equal(await store.ping(), true);
      await proxy.stop();
      await new Promise((r) => setTimeout(r, 50));
      const t0 = Date.now();
      await assert.rejects(store.get('k'), (e: unknown) => e instanceof StoreUnavailableError && /redis store: get failed/.test(e.message));
      await assert.rejects(store.increment('c', 1000), StoreUnavailableError);
      assert.ok(Date.now() - t0 < 1000, 'no hanging');
      assert.equal(await store.ping(), false);
      await proxy.start();
      for (let i = 0; i < 40 && !(await store.ping()); i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(await store.ping(), true, 'reconnected');
      assert.equal(await store.get('k'), 1, 'nothing was lost in Redis');
    } finally {
      await store.close();
      await proxy.stop();
    }
  });

  test('an unreachable server fails at start with a clear message that never shows the password', async () => {
    const t0 = Date.now();
    await assert.rejects(
      connectRedisStore({ url: 'redis://:hunter2-secret@127.0.0.1:1/0', clock: systemClock, connectTimeoutMs: 300 }),
      (e: unknown) =>
        e instanceof StoreUnavailableError &&
        e.message === 'REDIS_URL: cannot connect to redis://127.0.0.1:1/0 (ECONNREFUSED)' &&
        !e.message.includes('hunter2'),
    );
    // A server that accepts but never answers: bounded by the connect timeout.
    const silent = createServer((s) => s.on('error', () => {}));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    try {
      await assert.rejects(
        connectRedisStore({ url: `redis://user:hunter2-secret@127.0.0.1:${port}`, clock: systemClock, connectTimeoutMs: 300 }),
        (e: unknown) => e instanceof StoreUnavailableError && e.message.startsWith('REDIS_URL: cannot connect') && !e.message.includes('hunter2'),
      );
    } finally {
      silent.close();
    }
    assert.ok(Date.now() - t0 < 3000);
    assert.equal(describeRedisUrl('rediss://u:p@cache.example.com:6380/2'), 'rediss://cache.example.com:6380/2');
  });
});

/** A TCP proxy to the real Redis that can be stopped (dropping every connection) and started again on one port. */
async function startProxy(target: string): Promise<{ url: string; stop(): Promise<void>; start(): Promise<void> }> {
  const t = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const start = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = connect(Number(t.port || 6379), t.hostname);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('error', () => s.destroy());
          s.on('close', () => sockets.delete(s));
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await start();
  return { url: `redis://127.0.0.1:${port}${t.pathname === '/' ? '' : t.pathname}`, stop, start };
}
