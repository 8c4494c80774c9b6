/**
 * Threat: a flow or ott that outlives its purpose (an abandoned browser, a stolen cookie replayed later, a guessed
 * or forged flow handle) is used to finish someone else's recovery.
 * Checklist: SES-4 (reset-session timeouts), OTT-3 (short ott lifetime), SES-3 (server-side validation of the
 * session reference).
 * What can be checked over sockets in reasonable time: the lifetimes the portal hands out follow FLOW_TTL_SECONDS and
 * OTT_TTL_SECONDS (cookie Max-Age, expiresAt), and every flow the server does not hold (unknown, forged, cancelled)
 * gets the same FLOW_EXPIRED answer an expired one gets (FlowRepo.load answers all of them alike).
 * Real expiry needs the portal's clock to move: its minimum lifetimes (60 s / 30 s) are too slow for this suite and the
 * clock cannot be advanced from outside, so expiry itself is covered with a fake clock in
 * test/unit/core/recovery-rules.test.ts ('every step answers FLOW_EXPIRED after the flow TTL' and
 * 'expires after ottTtlSeconds from verification; then status issues none (item 13)'), and in
 * test/security/ott-lifetime.test.ts.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOMY_LIMITS, Stack, assertError, setPasswordBody, verifiedOtt } from './support.js';

const FLOW_TTL = 60;
const OTT_TTL = 30;
let stack: Stack;

before(async () => {
  stack = await Stack.start({ ...ROOMY_LIMITS, FLOW_TTL_SECONDS: String(FLOW_TTL), OTT_TTL_SECONDS: String(OTT_TTL) });
});
after(() => stack?.close());
beforeEach(() => stack.reset());

const SECOND = 1000;

describe('lifetimes', () => {
  test('the flow cookie and expiresAt follow FLOW_TTL_SECONDS', async () => {
    const b = stack.browser();
    const t0 = Date.now();
    const started = await b.api<{ expiresAt: string }>('POST', '/api/v1/recovery', { username: 'google.user@example.com' });
    assert.equal(started.status, 200);
    const flowCookie = started.headers.getSetCookie().find((c) => c.startsWith('flow='));
    assert.ok(flowCookie, 'a flow cookie is set');
    assert.match(flowCookie, new RegExp(`Max-Age=${FLOW_TTL}(;|$)`, 'i'));
    const expiresAt = Date.parse(started.body.expiresAt);
    assert.ok(expiresAt >= t0 + FLOW_TTL * SECOND - 2 * SECOND && expiresAt <= Date.now() + FLOW_TTL * SECOND + SECOND);
  });

  test('the ott expires after OTT_TTL_SECONDS, never after the flow', async () => {
    const b = stack.browser();
    const t0 = Date.now();
    const started = await b.api<{ expiresAt: string }>('POST', '/api/v1/recovery', { username: 'google.user@example.com' });
    await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' });
    const verified = await b.api<{ expiresAt: string }>('POST', '/api/v1/recovery/verify', {
      code: await stack.totpCode('google.user@example.com'),
    });
    assert.equal(verified.status, 200, verified.text);
    const ottExpiry = Date.parse(verified.body.expiresAt);
    assert.ok(ottExpiry >= t0 + OTT_TTL * SECOND - 2 * SECOND && ottExpiry <= Date.now() + OTT_TTL * SECOND + SECOND);
    assert.ok(ottExpiry <= Date.parse(started.body.expiresAt));
  });
});

describe('flows the server does not hold answer FLOW_EXPIRED, like expired ones', () => {
  test('a forged secret for a real flow id, and a well-formed unknown handle', async () => {
    const owner = stack.browser();
    await verifiedOtt(stack, owner, 'google.user@example.com');
    const real = owner.cookies.get('flow')!;
    const [id, secret] = real.split('.') as [string, string];
    const forgedSecret = `${id}.${secret.slice(0, -2)}${secret.endsWith('AA') ? 'BB' : 'AA'}`;
    const unknown = `${'A'.repeat(id.length)}.${secret}`;

    for (const handle of [forgedSecret, unknown]) {
      const b = stack.browser();
      await b.csrf();
      b.cookies.set('flow', handle);
      assertError(await b.api('GET', '/api/v1/recovery/status'), 410, 'FLOW_EXPIRED');
      assertError(await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' }), 410, 'FLOW_EXPIRED');
      assertError(await b.api('POST', '/api/v1/recovery/verify', { code: '123456' }), 410, 'FLOW_EXPIRED');
      assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody('x'.repeat(43))), 410, 'FLOW_EXPIRED');
    }
    // The real flow is untouched by the probes.
    assert.equal((await owner.api('GET', '/api/v1/recovery/status')).body.status, 'verified');
  });

  test('a cancelled flow is gone: its cookie and its ott no longer work', async () => {
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, 'google.user@example.com');
    const handle = b.cookies.get('flow')!;
    const cancelled = await b.api('POST', '/api/v1/recovery/cancel', {});
    assert.equal(cancelled.status, 200, cancelled.text);
    assert.equal(b.cookies.has('flow'), false, 'the cancel answer clears the cookie');

    b.cookies.set('flow', handle); // a copy kept by an attacker
    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott)), 410, 'FLOW_EXPIRED');
    assertError(await b.api('GET', '/api/v1/recovery/status'), 410, 'FLOW_EXPIRED');
    assert.equal(
      (await stack.oktaCalls()).filter((c) => c.method === 'POST' && /^\/api\/v1\/users\/[^/]+$/.test(c.path)).length,
      0,
      'no password was written',
    );
  });
});
