// Redis beyond one node (issue 12, item 7) brings two new secrets, REDIS_PASSWORD and REDIS_SENTINEL_PASSWORD (and
// their *_FILE variants). Property: whatever their value, valid or not, from the environment or from a file, they
// never appear in the loaded configuration as JSON or as printed by util.inspect (so not in a log line that
// logs the config), in a warning, in a configuration problem, nor in the store's display name; and a connection that
// fails names the setting and the servers, never the password.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { systemClock } from '../../src/core/system.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { connectRedisStore } from '../../src/store/redis.js';

const CS = 'security-test-cookie-secret-0123456789abcdef';

/** Everything the loader lets out: the config's JSON and inspection, warnings, or the problems it throws. */
function visibleText(env: Record<string, string>, files: Record<string, string>): string {
  try {
    const c = loadConfig(env, { readFile: (p) => files[p] ?? '' });
    return [JSON.stringify(c), inspect(c, { depth: 20, showHidden: false }), c.warnings.join('\n'), c.store.redis?.display ?? ''].join('\n');
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.message;
  }
}

// Long enough (12+) that finding it in the output by chance is not a worry. Mostly valid values (visible characters,
// which the portal accepts and keeps), sometimes any characters, spaces included (refused with a problem).
const visible = fc.string({ minLength: 12, maxLength: 60, unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)) });
const anything = fc.string({ minLength: 12, maxLength: 60, unit: 'binary-ascii' }).filter((s) => s.trim().length >= 12 && !/[\r\n]/.test(s));
const secret = fc.oneof({ arbitrary: visible, weight: 4 }, { arbitrary: anything, weight: 1 });

test('Redis passwords never reach the config as printed, a warning, a problem or the display name', () => {
  fc.assert(
    fc.property(secret, fc.option(secret), fc.constantFrom('sentinel', 'cluster'), fc.boolean(), (pw, sentinelPw, mode, fromFiles) => {
      const env: Record<string, string> = { COOKIE_SECRET: CS, REDIS_KEY_PREFIX: 'p:' };
      if (mode === 'sentinel') {
        env.REDIS_SENTINELS = 'sentinel-a.internal:26379,127.0.0.1';
      } else {
        env.REDIS_CLUSTER_NODES = 'node-a.internal:6379';
      }
      const files: Record<string, string> = {};
      if (fromFiles) {
        env.REDIS_PASSWORD_FILE = '/run/secrets/redis';
        files['/run/secrets/redis'] = `${pw}\n`;
      } else {
        env.REDIS_PASSWORD = pw;
      }
      // With a cluster, REDIS_SENTINEL_PASSWORD is a problem of its own: its value must not show there either.
      if (sentinelPw !== null) env.REDIS_SENTINEL_PASSWORD = sentinelPw;
      const text = visibleText(env, files);
      assert.ok(!text.includes(pw.trim()), 'REDIS_PASSWORD shown');
      if (sentinelPw !== null) assert.ok(!text.includes(sentinelPw.trim()), 'REDIS_SENTINEL_PASSWORD shown');
    }),
    { numRuns: 300 },
  );
});

test('a failed connection names the setting and the servers, never the password', async () => {
  const pw = 'hunter2-redis-secret';
  const attempts = [
    connectRedisStore({ cluster: { nodes: [{ host: '127.0.0.1', port: 1 }], password: pw }, clock: systemClock, connectTimeoutMs: 200 }),
    connectRedisStore({
      sentinel: { sentinels: [{ host: '127.0.0.1', port: 1 }], master: 'm', password: pw, sentinelPassword: pw },
      clock: systemClock,
      connectTimeoutMs: 200,
    }),
  ];
  const messages: string[] = [];
  for (const a of attempts) {
    await assert.rejects(a, (e: unknown) => {
      assert.ok(e instanceof StoreUnavailableError);
      messages.push(e.message);
      return true;
    });
  }
  assert.match(messages[0]!, /^REDIS_CLUSTER_NODES: cannot connect to the cluster at 127\.0\.0\.1:1 \(/);
  assert.match(messages[1]!, /^REDIS_SENTINELS: cannot connect to master m via sentinels 127\.0\.0\.1:1 \(/);
  for (const m of messages) assert.ok(!m.includes(pw), m);
});
