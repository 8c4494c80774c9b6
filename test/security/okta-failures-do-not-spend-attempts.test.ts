/**
 * Property (issue 11, item 5): Okta failures do not spend the user's attempts; only codes Okta judged wrong count.
 * A user who types the right code while Okta answers 503, drops the connection or the circuit breaker is open gets
 * IDP_UNAVAILABLE each time and keeps every attempt of the flow (MAX_WRONG_CODES_PER_FLOW) and of their budget of
 * codes sent to Okta; once Okta answers again the same right code verifies. Wrong codes Okta judged still count.
 * End to end against the emulator, plus the core for the signed-in step-up.
 * Before the fix: every click took an attempt before Okta was asked and kept it, so the sixth click was
 * TOO_MANY_ATTEMPTS and the flow was lost.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalError } from '../../src/core/errors.js';
import { createTestAccount } from '../helpers/fakes.js';
import { ROOMY_LIMITS, Stack, assertError, errorCode } from '../e2e/support.js';

const VERIFY = '/api/v1/users/*/factors/*/verify';
let stack: Stack;

before(async () => {
  stack = await Stack.start({
    ...ROOMY_LIMITS,
    MAX_WRONG_CODES_PER_FLOW: '3',
    OKTA_BREAKER_FAILURES: '4',
    OKTA_BREAKER_COOLDOWN_SECONDS: '1',
  });
});
after(() => stack?.close());

describe('Okta failures do not spend attempts', () => {
  test('503s, a dropped connection and an open breaker (8 clicks, cap 3) leave the flow able to verify', async () => {
    await stack.reset();
    const login = 'google.user@example.com';
    const b = stack.browser();
    assert.equal((await b.api('POST', '/api/v1/recovery', { username: login })).status, 200);
    assert.equal((await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' })).status, 200);

    await stack.fault({ path: VERIFY, method: 'POST', status: 503, count: 3 });
    await stack.fault({ path: VERIFY, method: 'POST', drop: 'before', count: 1 });
    const code = await stack.totpCode(login);
    // 3 × 503 + 1 dropped connection open the breaker (4 failures); the next 4 clicks fail fast without Okta.
    for (let i = 0; i < 8; i++) assertError(await b.api('POST', '/api/v1/recovery/verify', { code }), 503, 'IDP_UNAVAILABLE');

    await new Promise((r) => setTimeout(r, 1100)); // the breaker's cool-down
    const ok = await b.api('POST', '/api/v1/recovery/verify', { code: await stack.totpCode(login) });
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.body.status, 'verified');
  });

  test('wrong codes Okta judged still count: the cap closes the flow after them', async () => {
    await stack.reset();
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: 'okta.user@example.com' });
    await b.api('POST', '/api/v1/recovery/challenge', { method: 'okta-verify-code' });
    await stack.fault({ path: VERIFY, method: 'POST', status: 503, count: 2 });
    const answers: string[] = [];
    for (let i = 0; i < 5; i++) answers.push(errorCode(await b.api('POST', '/api/v1/recovery/verify', { code: '000000' })) ?? '');
    assert.deepEqual(answers, ['IDP_UNAVAILABLE', 'IDP_UNAVAILABLE', 'INVALID_CODE', 'INVALID_CODE', 'TOO_MANY_ATTEMPTS']);
  });
});

describe('signed-in step-up', () => {
  test('IdP failures do not spend the session\'s attempts nor the user\'s budget', async () => {
    const t = createTestAccount();
    const user = t.idp.addUser({ login: 'alice@example.com', factors: [{ method: 'google-authenticator', id: 'ostAlice' }] });
    const a = t.account(user);
    await t.service.stepUpStart(a, 'ostAlice');
    for (let i = 0; i < 12; i++) {
      t.idp.failNext('verifyPasscode', new PortalError('IDP_UNAVAILABLE'));
      await assert.rejects(t.service.stepUpVerify(a, '123456'), { code: 'IDP_UNAVAILABLE' });
    }
    await t.service.stepUpVerify(a, '123456');
    assert.equal(await t.service.stepUpSatisfied(a), true);
  });
});
