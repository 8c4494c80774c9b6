// Rate limiting and resilience: X-Rate-Limit-Limit/Remaining/Reset, Date and X-Okta-Request-Id on every response
// (success, error, unknown path); a configured per-endpoint limit answers 429 E0000047 and recovers when the window
// passes on the virtual clock; a 429 with X-Rate-Limit-Reset is waited out by the SDK (the only real wait in the
// suite, ~1-2 s); faults (status, latency, dropped connection); an orgUrl with a trailing slash (`//api/...`) works.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { OktaApiError } from '@okta/okta-sdk-nodejs';
import { assertOktaHeaders, collect, expectOktaError, startTestEmulator, type RawResponse, type TestEmulator } from '../helpers/emulator.js';
import { seed, user } from './fixtures.js';

const LIMITED_LOGIN = 'lim.ited@example.com';

describe('rate limits, headers, faults', () => {
  let emu: TestEmulator;
  let limitedId = '';

  before(async () => {
    emu = await startTestEmulator({
      seed: seed([user('ray.rate@example.com'), user(LIMITED_LOGIN, { factors: [{ type: 'sms', phoneNumber: '+15555550141' }] })], {
        rateLimits: [{ path: '/api/v1/users/*/factors', method: 'GET', limit: 3, windowSeconds: 60 }],
      }),
    });
    limitedId = (await emu.client.userApi.getUser({ userId: LIMITED_LOGIN })).id!;
  });
  after(() => emu?.close());
  afterEach(async () => {
    await emu.control.clearFaults();
    await emu.assertSdkConformance();
  });

  test('every Okta response carries the rate-limit headers, Date and a unique X-Okta-Request-Id', async () => {
    const responses: [string, RawResponse][] = [
      ['GET user 200', await emu.okta('GET', '/api/v1/users/ray.rate%40example.com')],
      ['GET unknown user 404', await emu.okta('GET', '/api/v1/users/nobody%40example.com')],
      ['bad token 401', await emu.okta('GET', '/api/v1/users/me', { token: 'wrong' })],
      ['unknown path 404', await emu.okta('GET', '/api/v1/nothing-here')],
      ['authn 401', await emu.okta('POST', '/api/v1/authn', { json: { username: 'x@example.com', password: 'y' }, token: null })],
      ['POST lifecycle 200', await emu.okta('POST', `/api/v1/users/${limitedId}/lifecycle/expire_password`)],
    ];
    const ids = new Set<string>();
    for (const [label, res] of responses) {
      assertOktaHeaders(res, label);
      ids.add(res.headers.get('x-okta-request-id')!);
    }
    assert.equal(ids.size, responses.length, 'request ids are unique');
  });

  test('X-Rate-Limit-Remaining counts down within a bucket', async () => {
    const a = await emu.okta('GET', '/api/v1/users/ray.rate%40example.com');
    const b = await emu.okta('GET', '/api/v1/users/ray.rate%40example.com');
    assert.equal(Number(b.headers.get('x-rate-limit-remaining')), Number(a.headers.get('x-rate-limit-remaining')) - 1);
    assert.equal(b.headers.get('x-rate-limit-limit'), a.headers.get('x-rate-limit-limit'));
  });

  test('a configured limit (3 per 60 s on GET …/factors) → 429 E0000047 with Remaining 0; recovers after the window', async () => {
    const path = `/api/v1/users/${limitedId}/factors`;
    for (let i = 0; i < 3; i++) {
      const ok = await emu.okta('GET', path);
      assert.equal(ok.status, 200, `call ${i + 1}`);
      assert.equal(ok.headers.get('x-rate-limit-limit'), '3');
      assert.equal(ok.headers.get('x-rate-limit-remaining'), String(2 - i));
    }
    const limited = await emu.okta('GET', path);
    assert.equal(limited.status, 429);
    assert.equal((limited.body as { errorCode?: string }).errorCode, 'E0000047');
    assert.equal(limited.headers.get('x-rate-limit-remaining'), '0');
    const reset = Number(limited.headers.get('x-rate-limit-reset'));
    assert.ok(reset * 1000 > Date.parse(limited.headers.get('date')!), 'reset in the future');
    // the SDK without retries surfaces it as an OktaApiError
    await expectOktaError(emu.client.userFactorApi.listFactors({ userId: limitedId }).then(collect), 429, 'E0000047');
    // another endpoint is not affected
    assert.equal((await emu.okta('GET', `/api/v1/users/${limitedId}`)).status, 200);
    await emu.control.advance(61);
    assert.equal((await emu.okta('GET', path)).status, 200, 'a new window');
  });

  test('the SDK waits out a 429 using X-Rate-Limit-Reset and retries once (X-Okta-Retry-Count: 1)', async () => {
    const { client, recorder } = emu.newClient({ maxRetries: 1 });
    await emu.control.clearRequests();
    await emu.control.addFault({ path: '/api/v1/users/*', method: 'GET', rateLimitResetSeconds: 1, count: 1 });
    const started = Date.now();
    const u = await client.userApi.getUser({ userId: 'ray.rate@example.com' });
    const took = Date.now() - started;
    assert.equal(u.profile?.login, 'ray.rate@example.com');
    assert.ok(took >= 900, `waited for the reset (${took} ms)`);
    assert.ok(took < 5000, `but not forever (${took} ms)`);
    await recorder.settle();
    const attempts = recorder.responses.filter((r) => r.path.startsWith('/api/v1/users/'));
    assert.deepEqual(attempts.map((r) => r.status), [429, 200]);
    assert.match(attempts[0]!.headers['x-rate-limit-reset'] ?? '', /^\d+$/, 'the 429 carried X-Rate-Limit-Reset');
    assert.equal((attempts[0]!.body as { errorCode?: string }).errorCode, 'E0000047');
    assert.equal(attempts[1]!.requestHeaders['x-okta-retry-count'], '1');
    assert.equal(attempts[1]!.requestHeaders['x-okta-retry-for'], attempts[0]!.headers['x-okta-request-id']);
    const logged = (await emu.control.requests()).filter((r) => r.method === 'GET' && r.path.startsWith('/api/v1/users/'));
    assert.deepEqual(logged.map((r) => r.status), [429, 200], 'the emulator saw exactly two calls');
  });

  test('a client without retries gets the injected 429 at once', async () => {
    await emu.control.addFault({ path: '/api/v1/users/*', method: 'GET', rateLimitResetSeconds: 30, count: 1 });
    const started = Date.now();
    await expectOktaError(emu.client.userApi.getUser({ userId: 'ray.rate@example.com' }), 429, 'E0000047');
    assert.ok(Date.now() - started < 1000);
    assert.equal((await emu.client.userApi.getUser({ userId: 'ray.rate@example.com' })).profile?.login, 'ray.rate@example.com', 'count: 1 → only once');
  });

  test('fault with a fixed status (503) → Okta-shaped error until cleared', async () => {
    await emu.control.addFault({ path: '/api/v1/users/*', status: 503 });
    for (let i = 0; i < 2; i++) {
      try {
        await emu.client.userApi.getUser({ userId: 'ray.rate@example.com' });
        assert.fail('fault not applied');
      } catch (e) {
        assert.ok(e instanceof OktaApiError, String(e));
        assert.equal(e.status, 503);
      }
    }
    await emu.control.clearFaults();
    assert.ok((await emu.client.userApi.getUser({ userId: 'ray.rate@example.com' })).id);
  });

  test('fault with latency delays the answer', async () => {
    await emu.control.addFault({ path: '/api/v1/users/*', method: 'GET', latencyMs: 300, count: 1 });
    const started = Date.now();
    await emu.client.userApi.getUser({ userId: 'ray.rate@example.com' });
    assert.ok(Date.now() - started >= 280, 'delayed');
  });

  test('fault dropping the connection → a network error; the server keeps serving', async () => {
    await emu.control.addFault({ path: '/api/v1/users/*', method: 'GET', drop: 'before', count: 1 });
    await assert.rejects(emu.okta('GET', '/api/v1/users/ray.rate%40example.com'));
    assert.equal((await emu.okta('GET', '/api/v1/users/ray.rate%40example.com')).status, 200);
  });

  test('an orgUrl with a trailing slash (the SDK then sends //api/v1/...) works', async () => {
    const { client, recorder } = emu.newClient({ orgUrl: `${emu.url}/` });
    const u = await client.userApi.getUser({ userId: 'ray.rate@example.com' });
    assert.equal(u.profile?.login, 'ray.rate@example.com');
    assert.match((await recorder.last()).url, /\/\/api\/v1\/users\//, 'the SDK really sent a double slash');
    const raw = await emu.okta('GET', '//api/v1/users/ray.rate%40example.com');
    assert.equal(raw.status, 200);
  });
});
