// The Okta adapter with its resilience layer against the emulator's fault injection (REL-4, REL-9, OKTA-1, REL-6
// read side). Proof comes from the emulator's request log: what was, and what was not, sent to Okta.
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isPortalError, type PortalError } from '../../src/core/errors.js';
import type { IdentityProvider } from '../../src/core/ports.js';
import { createOktaIdentityProvider, createOktaResilience, type OktaResilience, type ResilienceOptions } from '../../src/okta/index.js';
import { SMS_USER, TOTP_USER, startOrg, type Org } from './support.js';

let org: Org;
before(async () => {
  org = await startOrg();
});
after(() => org?.close());
beforeEach(() => org.reset());

interface Rig {
  idp: IdentityProvider;
  res: OktaResilience;
  advance(ms: number): void;
  rejects: string[];
  /** Every HTTP request the adapter sent (status 'error' = abandoned or no answer). */
  sent: { op: string; status: number | 'error' }[];
}

function rig(over: Partial<ResilienceOptions> = {}, timeoutMs = 2000): Rig {
  let skew = 0;
  const now = () => Date.now() + skew;
  const rejects: string[] = [];
  const sent: Rig['sent'] = [];
  const res = createOktaResilience({
    breakerFailures: 3,
    breakerCooldownMs: 30_000,
    maxConcurrency: 10,
    maxQueue: 10,
    now,
    onReject: (op, reason) => rejects.push(`${op}:${reason}`),
    ...over,
  });
  const idp = createOktaIdentityProvider({
    orgUrl: org.url,
    auth: { kind: 'ssws', token: org.apiToken },
    timeoutMs,
    userAgent: 'resilience-test',
    now,
    resilience: res,
    onCall: (op, status) => sent.push({ op, status }),
  });
  return { idp, res, rejects, sent, advance: (ms) => (skew += ms) };
}

async function failure(p: Promise<unknown>): Promise<PortalError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isPortalError(e), `expected a PortalError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

async function userId(idp: IdentityProvider, login: string): Promise<string> {
  const u = await idp.findUser(login);
  assert.ok(u);
  return u.id;
}

describe('429 with X-Rate-Limit-Reset is honoured', () => {
  test('no call to that endpoint before the reset; other endpoints go on; calls resume after it', async () => {
    const r = rig();
    const id = await userId(r.idp, TOTP_USER);
    await org.control('requests', { method: 'DELETE' });
    await org.fault({ path: '/api/v1/users', method: 'GET', rateLimitResetSeconds: 30, count: 1 });

    const first = await failure(r.idp.findUser(TOTP_USER));
    assert.equal(first.code, 'RATE_LIMITED');
    assert.ok(first.retryAfterSeconds! >= 29 && first.retryAfterSeconds! <= 31, String(first.retryAfterSeconds));
    assert.equal((await org.calls()).length, 1);

    // The fault is spent, so Okta would answer now: the portal still does not ask before the reset.
    for (let i = 0; i < 3; i++) {
      const again = await failure(r.idp.findUser(TOTP_USER));
      assert.equal(again.code, 'RATE_LIMITED');
      assert.ok(again.retryAfterSeconds! > 0 && again.retryAfterSeconds! <= first.retryAfterSeconds!);
    }
    assert.equal((await failure(r.idp.findUser(SMS_USER))).code, 'RATE_LIMITED', 'same endpoint (the user search), same bucket');
    assert.equal((await org.calls()).length, 1, 'nothing reached Okta before the reset');
    assert.deepEqual(r.rejects, Array(4).fill('listUsers:rate-limited'));

    // Another endpoint (factors) is a separate bucket.
    assert.ok((await r.idp.listFactors(id)).length > 0);
    assert.equal((await org.calls()).length, 2);

    r.advance((first.retryAfterSeconds! + 1) * 1000);
    assert.ok(await r.idp.findUser(TOTP_USER));
    assert.equal((await org.calls()).length, 3);
    assert.equal(r.res.circuit(), 'closed', 'a rate limit is not an outage');
  });

  test('a 429 that is not a spent bucket (per-phone resend refusal) does not stop other calls', async () => {
    const r = rig();
    const id = await userId(r.idp, SMS_USER);
    const [sms] = await r.idp.listFactors(id);
    assert.ok(sms);
    const ctx = { ip: '203.0.113.9', userAgent: 'test', requestId: 'r1' };
    await r.idp.sendChallenge(id, sms.id, ctx);
    const refused = await failure(r.idp.sendChallenge(id, sms.id, ctx));
    assert.equal(refused.code, 'RESEND_TOO_SOON');
    await org.control('requests', { method: 'DELETE' });
    // The code that was sent still verifies: the verify endpoint was not gated.
    await r.idp.verifyPasscode(id, sms.id, await org.lastCode(SMS_USER), ctx);
    assert.equal((await org.calls()).length, 1);
  });
});

describe('circuit breaker', () => {
  test('opens after N consecutive 5xx, then fails fast without calling Okta; one probe after the cool-down closes it', async () => {
    const r = rig({ breakerFailures: 3 });
    const id = await userId(r.idp, TOTP_USER);
    await org.fault({ path: '/api/v1/users/*/factors', method: 'GET', status: 503 });
    await org.control('requests', { method: 'DELETE' });
    for (let i = 0; i < 3; i++) assert.equal((await failure(r.idp.listFactors(id))).code, 'IDP_UNAVAILABLE');
    assert.equal(r.res.circuit(), 'open');
    assert.equal((await org.calls()).length, 3);

    const t0 = performance.now();
    const fast = await failure(r.idp.findUser(TOTP_USER)); // any operation: the circuit is per org
    assert.ok(performance.now() - t0 < 50, 'fails fast');
    assert.equal(fast.code, 'IDP_UNAVAILABLE');
    assert.ok(fast.retryAfterSeconds! > 0);
    await failure(r.idp.listFactors(id));
    assert.equal((await org.calls()).length, 3, 'nothing reached Okta while open');

    r.advance(30_000);
    assert.equal(r.res.circuit(), 'half-open');
    // The probe fails: open again for a full cool-down, and the probe was the only call.
    await failure(r.idp.listFactors(id));
    assert.equal(r.res.circuit(), 'open');
    assert.equal((await org.calls()).length, 4);

    await org.clearFaults();
    r.advance(30_000);
    assert.ok((await r.idp.listFactors(id)).length > 0, 'the probe succeeds');
    assert.equal(r.res.circuit(), 'closed');
    assert.ok(await r.idp.findUser(TOTP_USER));
    assert.equal((await org.calls()).length, 6);
  });

  test('timeouts and dropped connections count as failures; wrong codes and refusals do not', async () => {
    const r = rig({ breakerFailures: 2 }, 300);
    const id = await userId(r.idp, TOTP_USER);
    const [totp] = await r.idp.listFactors(id);
    assert.ok(totp);
    const ctx = { ip: '203.0.113.9', userAgent: 'test', requestId: 'r1' };
    for (let i = 0; i < 6; i++) {
      // A wrong code, then the factor lockout (403): Okta answered every time.
      await failure(r.idp.verifyPasscode(id, totp.id, '000000', ctx));
    }
    assert.equal(r.res.circuit(), 'closed');

    await org.fault({ path: '/api/v1/users', method: 'GET', latencyMs: 1000, count: 1 });
    await org.fault({ path: '/api/v1/users', method: 'GET', drop: 'before', count: 1 });
    assert.equal((await failure(r.idp.findUser(TOTP_USER))).code, 'IDP_UNAVAILABLE');
    assert.equal(r.res.circuit(), 'closed');
    assert.equal((await failure(r.idp.findUser(TOTP_USER))).code, 'IDP_UNAVAILABLE');
    assert.equal(r.res.circuit(), 'open');
  });
});

describe('concurrency cap', () => {
  test('never more than maxConcurrency calls in flight; the queue is bounded and the excess is shed at once', async () => {
    const r = rig({ maxConcurrency: 2, maxQueue: 2 });
    await org.fault({ path: '/api/v1/users', method: 'GET', latencyMs: 250 });
    let maxInFlight = 0;
    const sampler = setInterval(() => (maxInFlight = Math.max(maxInFlight, r.res.inFlight())), 5);
    const t0 = performance.now();
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => r.idp.findUser(TOTP_USER)));
    const elapsed = performance.now() - t0;
    clearInterval(sampler);
    const ok = results.filter((x) => x.status === 'fulfilled');
    const shed = results.filter((x): x is PromiseRejectedResult => x.status === 'rejected');
    assert.equal(ok.length, 4);
    assert.equal(shed.length, 2);
    for (const s of shed) assert.equal((s.reason as PortalError).code, 'IDP_UNAVAILABLE');
    assert.deepEqual(r.rejects, ['listUsers:queue-full', 'listUsers:queue-full']);
    assert.equal(maxInFlight, 2);
    assert.ok(elapsed >= 480, `two waves of 250 ms, took ${Math.round(elapsed)} ms`);
    assert.equal((await org.calls()).length, 4, 'shed calls never reached Okta');
  });

  test('a call that gets its slot with too little of its deadline left is not sent', async () => {
    const r = rig({ maxConcurrency: 1, maxQueue: 5 }, 1000);
    await org.fault({ path: '/api/v1/users', method: 'GET', latencyMs: 400, count: 1 });
    await org.fault({ path: '/api/v1/users', method: 'GET', latencyMs: 1400, count: 1 });
    const results = await Promise.allSettled([r.idp.findUser(TOTP_USER), r.idp.findUser(TOTP_USER), r.idp.findUser(TOTP_USER)]);
    assert.equal(results[0]!.status, 'fulfilled', 'answered after 400 ms');
    assert.equal(results[1]!.status, 'rejected', 'sent at ~400 ms, abandoned at its deadline (1000 ms)');
    assert.equal(results[2]!.status, 'rejected', 'its slot came at ~1000 ms: past three quarters of its deadline');
    assert.deepEqual(r.rejects, ['listUsers:queue-timeout']);
    // The emulator does not log a request whose client went away, so the adapter's own count is the proof; the
    // abandoned request is reported when the SDK's per-request timeout cuts it (400 + 1000 ms).
    await new Promise((res) => setTimeout(res, 600));
    assert.deepEqual(r.sent, [{ op: 'listUsers', status: 200 }, { op: 'listUsers', status: 'error' }], 'the third call was never sent');
    assert.equal(r.res.inFlight(), 0);
    assert.equal(r.res.queued(), 0);
  });
});

test('passwordChangedSince reads passwordChanged: false before a change, true after it', async () => {
  const r = rig();
  const user = await r.idp.findUser(TOTP_USER);
  assert.ok(user && user.passwordChanged !== null);
  assert.equal(await r.idp.passwordChangedSince(user.id, user.passwordChanged), false);
  await org.control('clock', { method: 'POST', body: { advanceSeconds: 5 } });
  await r.idp.setPassword(user.id, 'Another-Passw0rd-7');
  assert.equal(await r.idp.passwordChangedSince(user.id, user.passwordChanged), true);
  assert.equal(await r.idp.passwordChangedSince('00uNoSuchUser000001', null), false, 'unknown user: not changed');
});
