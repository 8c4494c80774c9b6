// REDIS_TLS on a real Redis Cluster that speaks only TLS (three masters on loopback with a throwaway CA made by
// openssl; issue 12, item 7). The portal's settings (REDIS_CLUSTER_NODES, REDIS_TLS=true) open the store over TLS and
// check the certificate: with the CA trusted (NODE_EXTRA_CA_CERTS, read at process start, hence a child process)
// a write and a read succeed; without it, or without REDIS_TLS, the start fails with a message naming the setting and
// the cause (a certificate error, a reset connection) instead of ioredis' "Failed to refresh slots cache".
// Needs redis-server, redis-cli (and openssl): skipped loudly without them, an error in CI.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { redisTopologyOrSkip, startRedisCluster, type RedisCluster } from '../helpers/redis-topology.js';

const run = promisify(execFile);
const skip = redisTopologyOrSkip('Redis Cluster TLS tests', { openssl: true });
let cluster: RedisCluster | null = null;

before(async () => {
  if (!skip) cluster = await startRedisCluster(3, { tls: true });
});
after(async () => {
  await cluster?.stop();
});

/** Opens the store in a child process with these settings; its one JSON line. */
async function openStore(env: Record<string, string>): Promise<{ ok: boolean; message?: string }> {
  const nodes = cluster!.nodes.map((n) => `${n.host}:${n.port}`).join(',');
  const base: Record<string, string> = {};
  for (const k of ['PATH', 'HOME', 'TMPDIR']) if (process.env[k] !== undefined) base[k] = process.env[k]!;
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'test/store/fixtures/redis-store-check.ts'], {
    env: { ...base, REDIS_CLUSTER_NODES: nodes, COOKIE_SECRET: 'tls-test-cookie-secret-0123456789abcdef', ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!) as { ok: boolean; message?: string };
}

test('REDIS_TLS=true with the CA trusted: the store works over TLS', { skip: skip ?? false }, async () => {
  assert.deepEqual(await openStore({ REDIS_TLS: 'true', NODE_EXTRA_CA_CERTS: cluster!.certificates!.caFile }), { ok: true });
});

test('an untrusted certificate is refused, and the message says so', { skip: skip ?? false }, async () => {
  const r = await openStore({ REDIS_TLS: 'true' });
  assert.equal(r.ok, false);
  assert.match(r.message!, /^REDIS_CLUSTER_NODES: cannot connect to the cluster at 127\.0\.0\.1:\d+,127\.0\.0\.1:\d+,127\.0\.0\.1:\d+ \(.*(CERT|SIGNATURE).*\)$/);
});

test('plain TCP to TLS-only nodes fails at start with the setting named', { skip: skip ?? false }, async () => {
  const r = await openStore({ REDIS_TLS: 'false', NODE_EXTRA_CA_CERTS: cluster!.certificates!.caFile });
  assert.equal(r.ok, false);
  assert.match(r.message!, /^REDIS_CLUSTER_NODES: cannot connect to the cluster at /);
  assert.doesNotMatch(r.message!, /slots cache/);
});
