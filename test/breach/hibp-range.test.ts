/**
 * The HIBP range adapter against a loopback range server: k-anonymity (only the 5-digit prefix is sent), padding
 * asked for and ignored, and every failure (timeout, 5xx, garbage, unreachable) an error the core can fail open or
 * closed on, never carrying the password or its hash.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { BreachLookupError, createHibpRangeChecker } from '../../src/breach/index.js';
import { sha1, startRangeServer, type RangeServer } from './range-server.js';

const BREACHED = 'P@ssw0rd123456';
let server: RangeServer;

before(async () => {
  server = await startRangeServer({ [BREACHED]: 4321, 'listed-with-zero': 0 });
});
after(() => server.close());
beforeEach(() => {
  server.mode = 'ok';
  server.requests.length = 0;
});

const checker = (timeoutMs = 2000) => createHibpRangeChecker({ baseUrl: server.url, timeoutMs, userAgent: 'test' });

describe('HIBP range adapter', () => {
  test('a breached password is found; only the SHA-1 prefix leaves the process, with Add-Padding', async () => {
    assert.equal(await checker().isBreached(BREACHED), true);
    assert.equal(server.requests.length, 1);
    const { path, headers } = server.requests[0]!;
    const hash = sha1(BREACHED);
    assert.equal(path, `/range/${hash.slice(0, 5)}`);
    assert.equal(headers['add-padding'], 'true');
    const wire = JSON.stringify(server.requests);
    assert.ok(!wire.includes(hash.slice(5)), 'the suffix is never sent');
    assert.ok(!wire.includes(BREACHED), 'the password is never sent');
  });

  test('a password not in the corpus is clean; a padding line (count 0) is not a hit', async () => {
    assert.equal(await checker().isBreached('a unique passphrase nobody used 8f3a'), false);
    assert.equal(await checker().isBreached('listed-with-zero'), false);
    assert.equal(await checker().isBreached('pad3'), false, 'padding suffixes come with count 0');
  });

  test('a base URL with a path (a mirror under a prefix) is honoured', async () => {
    const c = createHibpRangeChecker({ baseUrl: `${server.url}/mirror/`, timeoutMs: 2000, userAgent: 't' });
    await assert.rejects(c.isBreached(BREACHED), BreachLookupError, 'the test server answers 400 elsewhere');
    assert.match(server.requests[0]!.path, /^\/mirror\/range\/[0-9A-F]{5}$/);
  });

  for (const [mode, why] of [
    ['error500', /status 500/],
    ['garbage', /malformed answer/],
    ['hang', /timeout/],
  ] as const) {
    test(`${mode} → BreachLookupError (${why.source}), without the password or its hash`, async () => {
      server.mode = mode;
      const err = await checker(300).isBreached(BREACHED).then(
        () => assert.fail('expected a rejection'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof BreachLookupError);
      assert.match(err.message, why);
      assert.ok(!err.message.includes(BREACHED) && !err.message.includes(sha1(BREACHED).slice(5)));
    });
  }

  test('an unreachable server → BreachLookupError unreachable', async () => {
    const c = createHibpRangeChecker({ baseUrl: 'http://127.0.0.1:1', timeoutMs: 1000, userAgent: 't' });
    await assert.rejects(c.isBreached(BREACHED), /unreachable/);
  });
});
