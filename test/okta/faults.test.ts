// The Okta adapter when Okta misbehaves (emulator faults): rate limits, 5xx, slow answers, dropped connections.
// Rules checked: never an automatic retry, a clear PortalError code, and an answer within about timeoutMs.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { isPortalError, type PortalError } from '../../src/core/errors.js';
import { ctx, JANE, startOrg, type TestOrg } from './org.js';

let org: TestOrg;

before(async () => {
  org = await startOrg();
});
after(async () => {
  await org.close();
});
beforeEach(async () => {
  await org.control('POST', 'reset');
  org.calls.length = 0;
});

async function portalError(p: Promise<unknown>): Promise<PortalError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isPortalError(e), `expected a PortalError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

test('429 is RATE_LIMITED with Retry-After from X-Rate-Limit-Reset minus Date, and is not retried', async () => {
  await org.control('POST', 'faults', { path: '/api/v1/users', rateLimitResetSeconds: 42, count: 1 });
  const e = await portalError(org.idp.findUser('jane.doe@example.com'));
  assert.equal(e.code, 'RATE_LIMITED');
  // Reset is a whole epoch second and Date is truncated to the second, so the wait is 42 or 43 s.
  assert.ok(e.retryAfterSeconds === 42 || e.retryAfterSeconds === 43, String(e.retryAfterSeconds));
  assert.equal((await org.requests()).length, 1, 'no automatic retry');
});

test('a generic 429 on an SMS challenge is RESEND_TOO_SOON, and nothing is sent twice', async () => {
  await org.control('POST', 'faults', { path: '/api/v1/users/*/factors/*/verify', status: 429, count: 1 });
  const e = await portalError(org.idp.sendChallenge(JANE, 'smsJane01', ctx));
  assert.equal(e.code, 'RESEND_TOO_SOON');
  assert.ok((e.retryAfterSeconds ?? 0) > 0);
  assert.equal((await org.requests()).length, 1);
  const { messages } = await org.control<{ messages: unknown[] }>('GET', 'outbox');
  assert.equal(messages.length, 0);
});

test('5xx is IDP_UNAVAILABLE without a retry', async () => {
  await org.control('POST', 'faults', { path: '/api/v1/users/*/factors', status: 503, count: 1 });
  const e = await portalError(org.idp.listFactors(JANE));
  assert.equal(e.code, 'IDP_UNAVAILABLE');
  assert.match(e.detail ?? '', /^okta listFactors: HTTP 503/);
  assert.equal((await org.requests()).length, 1);
  assert.deepEqual(org.calls.map((c) => [c.op, c.status]), [['listFactors', 503]]);
});

test('an answer slower than timeoutMs is IDP_UNAVAILABLE within about timeoutMs', async () => {
  const timeoutMs = 300;
  const { idp, calls } = org.adapter({ timeoutMs });
  await org.control('POST', 'faults', { path: '/api/v1/users/*/factors/*/verify', latencyMs: 1500, count: 1 });
  const started = performance.now();
  const e = await portalError(idp.verifyPasscode(JANE, 'ostJaneGoogle1', '123456', ctx));
  const elapsed = performance.now() - started;
  assert.equal(e.code, 'IDP_UNAVAILABLE');
  assert.ok(elapsed >= timeoutMs - 20 && elapsed < timeoutMs + 400, `answered after ${Math.round(elapsed)} ms`);
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(calls.map((c) => [c.op, c.status]), [['verifyPasscode', 'error']]);
});

test('a dropped connection is IDP_UNAVAILABLE, before or after Okta acted', async () => {
  await org.control('POST', 'faults', { path: '/api/v1/users', drop: 'before', count: 1 });
  const before = await portalError(org.idp.findUser('jane.doe@example.com'));
  assert.equal(before.code, 'IDP_UNAVAILABLE');
  assert.match(before.detail ?? '', /^okta listUsers: network error/);

  await org.control('POST', 'faults', { path: `/api/v1/users/${JANE}`, method: 'POST', drop: 'after', count: 1 });
  const afterWrite = await portalError(org.idp.setPassword(JANE, 'Another-Pass-99'));
  assert.equal(afterWrite.code, 'IDP_UNAVAILABLE');
  assert.ok(!JSON.stringify({ m: afterWrite.message, d: afterWrite.detail }).includes('Another-Pass-99'));
});
