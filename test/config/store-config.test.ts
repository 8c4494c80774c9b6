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
    assert.deepEqual(problems({ STORE: 'redis' }), ['REDIS_URL: required when STORE=redis (e.g. redis://127.0.0.1:6379/0)']);
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
});
