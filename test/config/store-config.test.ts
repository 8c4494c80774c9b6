// The state settings: STORE (default sqlite, or redis when REDIS_URL is set), DATA_DIR (resolved), REDIS_URL
// (validated, never echoed, hidden from JSON/inspect), REDIS_KEY_PREFIX, AUDIT_RETENTION_DAYS, and their warnings.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { inspect } from 'node:util';
import { ConfigError, loadConfig } from '../../src/config/index.js';

const CS = 'test-cookie-secret-that-is-long-enough-0123456789';

function problems(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(env, { readFile: () => '' });
  } catch (e) {
    assert.ok(e instanceof ConfigError);
    return e.problems;
  }
  assert.fail('loadConfig accepted an invalid configuration');
}

describe('state settings', () => {
  test('defaults: SQLite under ./data (absolute), 90-day audit retention, no Redis', () => {
    const c = loadConfig({});
    assert.deepEqual(c.store, { kind: 'sqlite', dataDir: resolve('data'), redis: null, auditRetentionDays: 90 });
    assert.ok(!c.warnings.some((w) => w.startsWith('STORE')));
  });

  test('DATA_DIR and AUDIT_RETENTION_DAYS', () => {
    const c = loadConfig({ DATA_DIR: '/var/lib/portal/', AUDIT_RETENTION_DAYS: '30' });
    assert.equal(c.store.dataDir, '/var/lib/portal');
    assert.equal(c.store.auditRetentionDays, 30);
    assert.equal(loadConfig({ DATA_DIR: 'state' }).store.dataDir, resolve('state'));
    assert.deepEqual(problems({ AUDIT_RETENTION_DAYS: '0' }), ['AUDIT_RETENTION_DAYS: must be a whole number from 1 to 3650']);
    assert.deepEqual(problems({ DATA_DIR: 'a\nb' }), ['DATA_DIR: must be a directory path with no control characters']);
  });

  test('REDIS_URL alone selects Redis; the URL is hidden from JSON and inspection', () => {
    const url = 'redis://:s3cret-pw@127.0.0.1:6379/2';
    const c = loadConfig({ REDIS_URL: url, COOKIE_SECRET: CS });
    assert.equal(c.store.kind, 'redis');
    assert.equal(c.store.redis?.url, url);
    assert.equal(c.store.redis?.keyPrefix, 'okta-mfa-portal:');
    assert.equal(c.store.redis?.display, 'redis://127.0.0.1:6379/2');
    assert.ok(!JSON.stringify(c).includes('s3cret'), 'not in JSON');
    assert.ok(!inspect(c, { depth: 10 }).includes('s3cret'), 'not in inspect');
    const p = loadConfig({ STORE: 'redis', REDIS_URL: 'rediss://user:pw@cache.example.com:6380', REDIS_KEY_PREFIX: 'acme:portal:', COOKIE_SECRET: CS });
    assert.equal(p.store.redis?.keyPrefix, 'acme:portal:');
    assert.equal(p.store.redis?.display, 'rediss://cache.example.com:6380');
  });

  test('STORE=redis needs a valid REDIS_URL; messages never repeat it', () => {
    assert.deepEqual(problems({ STORE: 'redis' }), [
      'REDIS_URL: required when STORE=redis (e.g. redis://127.0.0.1:6379/0), or REDIS_SENTINELS for Sentinel, or REDIS_CLUSTER_NODES for a Redis Cluster',
    ]);
    const cases: Record<string, string> = {
      'http://:pw-secret@127.0.0.1:6379': 'REDIS_URL: must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0',
      'pw-secret@127.0.0.1': 'REDIS_URL: must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0',
      'redis://:pw-secret@127.0.0.1:6379/0?tls=1': 'REDIS_URL: must not contain a query (?) or fragment (#)',
      'redis://:pw-secret@127.0.0.1:6379/zero': 'REDIS_URL: must end with an optional database number, e.g. /0',
      'redis://:pw-secret@127.0.0.1:99999': 'REDIS_URL: must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379/0',
    };
    for (const [value, message] of Object.entries(cases)) {
      const p = problems({ REDIS_URL: value });
      assert.deepEqual(p, [message], value);
      assert.ok(!p.join().includes('pw-secret'));
    }
    assert.deepEqual(problems({ STORE: 'postgres' }), ['STORE: must be one of memory, sqlite, redis']);
    assert.deepEqual(problems({ REDIS_URL: 'redis://127.0.0.1', REDIS_KEY_PREFIX: 'has space' }), [
      'REDIS_KEY_PREFIX: must be 1 to 100 visible characters with no spaces, e.g. okta-mfa-portal:',
    ]);
  });

  test('warnings: memory store, unused REDIS_URL, and plain redis:// across a network', () => {
    const mem = loadConfig({ STORE: 'memory' });
    assert.equal(mem.store.kind, 'memory');
    assert.ok(mem.warnings.some((w) => w.startsWith('STORE=memory:') && w.includes('tests only')));
    const unused = loadConfig({ STORE: 'sqlite', REDIS_URL: 'redis://:pw-secret@127.0.0.1' });
    assert.equal(unused.store.kind, 'sqlite');
    assert.equal(unused.store.redis, null);
    assert.ok(unused.warnings.includes('REDIS_URL is set but STORE=sqlite: it is not used.'));
    const remote = loadConfig({ REDIS_URL: 'redis://:pw-secret@cache.internal:6379', COOKIE_SECRET: CS });
    assert.ok(remote.warnings.some((w) => w.startsWith('REDIS_URL: redis:// sends data unencrypted')));
    assert.ok(!loadConfig({ REDIS_URL: 'rediss://:pw@cache.internal:6379', COOKIE_SECRET: CS }).warnings.some((w) => w.startsWith('REDIS_URL')));
    assert.ok(!loadConfig({ REDIS_URL: 'redis://127.0.0.1:6379', COOKIE_SECRET: CS }).warnings.some((w) => w.startsWith('REDIS_URL')));
    for (const c of [mem, unused, remote]) assert.ok(!c.warnings.join().includes('pw-secret'));
  });

  test('REDIS_SENTINELS selects Redis through Sentinel; passwords (also from files) are hidden and never echoed', () => {
    const files: Record<string, string> = { '/run/secrets/redis-pw': 'data-s3cret\n', '/run/secrets/sentinel-pw': 'sent-s3cret' };
    const c = loadConfig(
      {
        REDIS_SENTINELS: '10.0.0.1, 10.0.0.2:26380,[fd00::3]:26381',
        REDIS_SENTINEL_MASTER: 'portal-master',
        REDIS_PASSWORD_FILE: '/run/secrets/redis-pw',
        REDIS_SENTINEL_PASSWORD_FILE: '/run/secrets/sentinel-pw',
        REDIS_USERNAME: 'portal',
        REDIS_TLS: 'true',
        COOKIE_SECRET: CS,
      },
      { readFile: (p) => files[p] ?? assert.fail(`unexpected read of ${p}`) },
    );
    const r = c.store.redis!;
    assert.equal(c.store.kind, 'redis');
    assert.equal(r.mode, 'sentinel');
    assert.deepEqual(r.nodes, [
      { host: '10.0.0.1', port: 26379 },
      { host: '10.0.0.2', port: 26380 },
      { host: 'fd00::3', port: 26381 },
    ]);
    assert.equal(r.sentinelMaster, 'portal-master');
    assert.equal(r.username, 'portal');
    assert.equal(r.password, 'data-s3cret');
    assert.equal(r.sentinelPassword, 'sent-s3cret');
    assert.equal(r.tls, true);
    assert.equal(r.display, 'sentinel master portal-master via 10.0.0.1:26379,10.0.0.2:26380,[fd00::3]:26381');
    for (const text of [JSON.stringify(c), inspect(c, { depth: 10 }), c.warnings.join()]) assert.ok(!/s3cret/.test(text), text.slice(0, 200));
    assert.ok(!c.warnings.some((w) => w.startsWith('REDIS_TLS')), 'TLS on: no warning');
    assert.equal(loadConfig({ REDIS_SENTINELS: '127.0.0.1', COOKIE_SECRET: CS }).store.redis?.sentinelMaster, 'mymaster');
  });

  test('REDIS_CLUSTER_NODES selects a Redis Cluster; plain TCP across a network is a warning', () => {
    const c = loadConfig({ REDIS_CLUSTER_NODES: 'redis-0.redis:6379,redis-1.redis', REDIS_PASSWORD: 'pw-s3cret', COOKIE_SECRET: CS });
    const r = c.store.redis!;
    assert.equal(r.mode, 'cluster');
    assert.deepEqual(r.nodes, [
      { host: 'redis-0.redis', port: 6379 },
      { host: 'redis-1.redis', port: 6379 },
    ]);
    assert.equal(r.display, 'cluster redis-0.redis:6379,redis-1.redis:6379');
    assert.equal(r.sentinelMaster, null);
    assert.equal(r.url, '');
    assert.ok(c.warnings.some((w) => w.startsWith('REDIS_TLS: REDIS_CLUSTER_NODES names hosts that are not loopback')));
    assert.ok(!JSON.stringify(c).includes('s3cret'));
    const local = loadConfig({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', COOKIE_SECRET: CS });
    assert.ok(!local.warnings.some((w) => w.startsWith('REDIS_TLS')));
    assert.ok(loadConfig({ STORE: 'sqlite', REDIS_CLUSTER_NODES: '127.0.0.1:7000' }).warnings.includes('REDIS_CLUSTER_NODES is set but STORE=sqlite: it is not used.'));
  });

  test('Redis set-ups: one way at a time, settings only where they mean something, clear messages without secrets', () => {
    assert.deepEqual(problems({ REDIS_URL: 'redis://127.0.0.1', REDIS_CLUSTER_NODES: '127.0.0.1:7000', COOKIE_SECRET: CS }), [
      'REDIS_CLUSTER_NODES: set only one of REDIS_URL, REDIS_SENTINELS and REDIS_CLUSTER_NODES (also set: REDIS_URL)',
    ]);
    assert.deepEqual(problems({ REDIS_URL: 'redis://127.0.0.1', REDIS_PASSWORD: 'pw-s3cret', COOKIE_SECRET: CS }), [
      'REDIS_PASSWORD: with REDIS_URL, put the user name and password in the URL and use rediss:// for TLS',
    ]);
    assert.deepEqual(problems({ REDIS_CLUSTER_NODES: '127.0.0.1:7000', REDIS_SENTINEL_MASTER: 'm', COOKIE_SECRET: CS }), [
      'REDIS_SENTINEL_MASTER: only with REDIS_SENTINELS',
    ]);
    const bad: Record<string, string> = {
      'host:port': 'REDIS_SENTINELS: must be a comma-separated list of host:port, e.g. 10.0.0.1:26379,10.0.0.2:26379',
      '10.0.0.1:0': 'REDIS_SENTINELS: must be a comma-separated list of host:port, e.g. 10.0.0.1:26379,10.0.0.2:26379',
      'redis://10.0.0.1:26379': 'REDIS_SENTINELS: must be a comma-separated list of host:port, e.g. 10.0.0.1:26379,10.0.0.2:26379',
      '[::1:26379': 'REDIS_SENTINELS: must be a comma-separated list of host:port, e.g. 10.0.0.1:26379,10.0.0.2:26379',
      '10.0.0.1,10.0.0.1:26379': 'REDIS_SENTINELS: must not name the same node twice',
      ',': 'REDIS_SENTINELS: must be a comma-separated list of host:port, e.g. 10.0.0.1:26379,10.0.0.2:26379',
    };
    for (const [value, message] of Object.entries(bad)) assert.deepEqual(problems({ REDIS_SENTINELS: value, COOKIE_SECRET: CS }), [message], value);
    const p = problems({ REDIS_SENTINELS: '127.0.0.1', REDIS_PASSWORD: 'has s3cret space', REDIS_SENTINEL_MASTER: 'no/slash', COOKIE_SECRET: CS });
    assert.deepEqual(p, [
      'REDIS_SENTINEL_MASTER: must be the master name the sentinels monitor (letters, digits, . _ -), e.g. mymaster',
      'REDIS_PASSWORD: must be 1 to 512 visible characters with no spaces',
    ]);
    assert.ok(!p.join().includes('s3cret'));
    assert.deepEqual(problems({ REDIS_PASSWORD: 'x', REDIS_PASSWORD_FILE: '/f', REDIS_CLUSTER_NODES: '127.0.0.1', COOKIE_SECRET: CS }), [
      'REDIS_PASSWORD_FILE: set either REDIS_PASSWORD or REDIS_PASSWORD_FILE, not both',
    ]);
    assert.deepEqual(problems({ REDIS_CLUSTER_NODES: '127.0.0.1:7000' }), [
      'COOKIE_SECRET: required with STORE=redis (every instance must sign cookies with the same secret; e.g. openssl rand -base64 32)',
    ]);
  });
});
