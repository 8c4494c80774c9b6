/**
 * Threat: automation against the recovery flow: SMS/voice toll fraud and SMS bombing of a victim's phone, push
 * bombing, brute force spread over many flows of one login, one client hammering many logins, and ott guessing.
 * Checklist: RL-3 (per-login and per-IP limits on start/send), OKTA-3 / OOB-8 (30 s resend gap, per-number budget),
 * PUSH-1 (pushes per user capped), OTT-7 (wrong otts count per IP), RL-4 (keys from the trusted client IP).
 * Each limit answers RATE_LIMITED (or RESEND_TOO_SOON) with Retry-After, and the refused request reaches no Okta send.
 * Each scenario uses its own portal (its own limit counters) with tiny limits; all clients share 127.0.0.1.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOMY_LIMITS, Stack, assertError, retryAfter, setPasswordBody, verifiedOtt } from './support.js';

let stack: Stack;

before(async () => {
  stack = await Stack.start(ROOMY_LIMITS);
});
after(() => stack?.close());
beforeEach(() => stack.reset());

const verifyPosts = async (factorPrefix?: string) =>
  (await stack.oktaCalls()).filter(
    (c) => c.method === 'POST' && c.path.endsWith('/verify') && (factorPrefix === undefined || c.path.includes(`/factors/${factorPrefix}`)),
  );

describe('resend window', () => {
  test('a second SMS within the cooldown → 429 RESEND_TOO_SOON with Retry-After; one SMS sent', async () => {
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: 'sms.user@example.com' });
    const first = await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' });
    assert.equal(first.status, 200, first.text);
    assert.equal(first.body.resendAfterSeconds, 30);
    const again = await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' });
    assertError(again, 429, 'RESEND_TOO_SOON');
    const wait = retryAfter(again);
    assert.ok(wait <= 30, `Retry-After ${wait}`);
    // A fresh flow for the same phone is held to the same window.
    const other = stack.browser();
    await other.api('POST', '/api/v1/recovery', { username: 'sms.user@example.com' });
    assertError(await other.api('POST', '/api/v1/recovery/challenge', { method: 'sms' }), 429, 'RESEND_TOO_SOON');
    assert.equal((await stack.messagesTo('sms.user@example.com')).length, 1);
    assert.equal((await verifyPosts()).length, 1);
  });
});

describe('attempt budgets', () => {
  test('per login (LIMIT_PER_LOGIN=3/15m): the 4th attempt → RATE_LIMITED with Retry-After, also for unknown logins', async () => {
    const portal = await stack.portalWith({ ...ROOMY_LIMITS, LIMIT_PER_LOGIN: '3/15m' });
    for (const login of ['google.user@example.com', 'nobody.here@example.com']) {
      for (let i = 0; i < 3; i++) {
        const ok = await stack.browser(portal).api('POST', '/api/v1/recovery', { username: login });
        assert.equal(ok.status, 200, ok.text);
      }
      const limited = await stack.browser(portal).api('POST', '/api/v1/recovery', { username: login.toUpperCase() });
      assertError(limited, 429, 'RATE_LIMITED');
      const wait = retryAfter(limited);
      assert.ok(wait <= 15 * 60, `Retry-After ${wait}`);
    }
    // Another login from the same client is unaffected.
    assert.equal((await stack.browser(portal).api('POST', '/api/v1/recovery', { username: 'okta.user@example.com' })).status, 200);
  });

  test('per login: start, challenge and verify share one budget', async () => {
    const portal = await stack.portalWith({ ...ROOMY_LIMITS, LIMIT_PER_LOGIN: '3/15m' });
    const b = stack.browser(portal);
    await b.api('POST', '/api/v1/recovery', { username: 'google.user@example.com' });
    await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' });
    assertError(await b.api('POST', '/api/v1/recovery/verify', { code: '000000' }), 400, 'INVALID_CODE');
    const limited = await b.api('POST', '/api/v1/recovery/verify', { code: await stack.totpCode('google.user@example.com') });
    assertError(limited, 429, 'RATE_LIMITED');
    retryAfter(limited);
    assert.equal((await verifyPosts()).length, 1, 'the refused attempt never reached Okta');
  });

  test('per client IP (LIMIT_PER_IP=4/15m): the 5th attempt from 127.0.0.1 → RATE_LIMITED, whatever the login', async () => {
    const portal = await stack.portalWith({ ...ROOMY_LIMITS, LIMIT_PER_IP: '4/15m' });
    const logins = ['a1@example.com', 'a2@example.com', 'a3@example.com', 'a4@example.com', 'a5@example.com'];
    for (const login of logins.slice(0, 4)) {
      assert.equal((await stack.browser(portal).api('POST', '/api/v1/recovery', { username: login })).status, 200);
    }
    const limited = await stack.browser(portal).api('POST', '/api/v1/recovery', { username: logins[4] });
    assertError(limited, 429, 'RATE_LIMITED');
    retryAfter(limited);
    // A forged X-Forwarded-For does not buy a new budget (no trusted proxy configured).
    const forged = await stack
      .browser(portal)
      .api('POST', '/api/v1/recovery', { username: 'google.user@example.com' }, { headers: { 'x-forwarded-for': '198.51.100.1' } });
    assertError(forged, 429, 'RATE_LIMITED');
  });

  test('wrong otts count per IP (OTT-7): guessing stops, even the right ott is then refused', async () => {
    const portal = await stack.portalWith({ ...ROOMY_LIMITS, LIMIT_PER_IP: '4/15m' });
    const b = stack.browser(portal);
    const ott = await verifiedOtt(stack, b, 'google.user@example.com');
    const guesses = [];
    for (let i = 0; i < 5; i++) {
      guesses.push(await b.api('POST', '/api/v1/recovery/password', setPasswordBody(`${'G'.repeat(42)}${i}`)));
    }
    assert.deepEqual(
      guesses.map((g) => (g.body as { error?: { code?: string } }).error?.code),
      ['INVALID_OTT', 'INVALID_OTT', 'INVALID_OTT', 'INVALID_OTT', 'RATE_LIMITED'],
    );
    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott)), 429, 'RATE_LIMITED');
  });
});

describe('send budgets', () => {
  test('pushes per user (LIMIT_PUSH_PER_USER=2/15m): the 3rd push → RATE_LIMITED; Okta sent exactly 2', async () => {
    const portal = await stack.portalWith({ ...ROOMY_LIMITS, LIMIT_PUSH_PER_USER: '2/15m' });
    const answers = [];
    for (let i = 0; i < 3; i++) {
      const b = stack.browser(portal);
      await b.api('POST', '/api/v1/recovery', { username: 'push.user@example.com' });
      answers.push(await b.api('POST', '/api/v1/recovery/challenge', { method: 'push' }));
    }
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 429]);
    assertError(answers[2]!, 429, 'RATE_LIMITED');
    retryAfter(answers[2]!);
    assert.equal((await verifyPosts()).length, 2);
  });

  test('SMS per destination number (LIMIT_PER_DESTINATION=2/1h): the 3rd send → RATE_LIMITED; 2 texts sent', async () => {
    const portal = await stack.portalWith({ ...ROOMY_LIMITS, LIMIT_PER_DESTINATION: '2/1h', RESEND_COOLDOWN_SECONDS: '0' });
    const b = stack.browser(portal);
    await b.api('POST', '/api/v1/recovery', { username: 'sms.user@example.com' });
    const answers = [];
    for (let i = 0; i < 3; i++) {
      await stack.advanceClock(31); // past Okta's own 30 s window each time
      answers.push(await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' }));
    }
    assert.deepEqual(answers.map((a) => a.status), [200, 200, 429], answers.map((a) => a.text).join('\n'));
    assertError(answers[2]!, 429, 'RATE_LIMITED');
    retryAfter(answers[2]!);
    assert.equal((await stack.messagesTo('sms.user@example.com')).length, 2);
  });
});
