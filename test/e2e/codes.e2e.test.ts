/**
 * Threat: online guessing of the verification code (a 6-digit SMS/voice code or TOTP has ~20 bits): an attacker who
 * names a victim's account keeps submitting codes until one works, possibly in parallel.
 * Checklist: OOB-6 (attempt cap per challenge), TOTP-5 (TOTP guessing limit), RL-1 (consecutive-failure cap),
 * REL-5 (fail closed: no ott without a verified code).
 * Over real sockets: a wrong code is INVALID_CODE and leaves the flow usable; the cap (MAX_WRONG_CODES_PER_FLOW=3)
 * closes the flow with TOO_MANY_ATTEMPTS for good, even for the right code, and no more guesses reach Okta.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOMY_LIMITS, Stack, assertError, wrongCode } from './support.js';

const MAX = 3;
let stack: Stack;

before(async () => {
  stack = await Stack.start({ ...ROOMY_LIMITS, MAX_WRONG_CODES_PER_FLOW: String(MAX) });
});
after(() => stack?.close());
beforeEach(() => stack.reset());

const verifyCalls = async () =>
  (await stack.oktaCalls()).filter((c) => c.method === 'POST' && /\/factors\/[^/]+\/verify$/.test(c.path));

describe('wrong codes', () => {
  test('a wrong SMS code → 400 INVALID_CODE; the flow stays open and the right code then works', async () => {
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: 'sms.user@example.com' });
    assert.equal((await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' })).status, 200);
    const code = await stack.lastCode('sms.user@example.com');

    const wrong = await b.api('POST', '/api/v1/recovery/verify', { code: wrongCode(code) });
    assertError(wrong, 400, 'INVALID_CODE');
    assert.equal('ott' in wrong.body, false);
    assert.equal((await b.api('GET', '/api/v1/recovery/status')).body.status, 'code_sent', 'no ott after a wrong code');

    const right = await b.api('POST', '/api/v1/recovery/verify', { code });
    assert.equal(right.status, 200, right.text);
    assert.equal(right.body.status, 'verified');
  });

  test('a malformed code is INVALID_CODE without an Okta call', async () => {
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: 'google.user@example.com' });
    await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' });
    assertError(await b.api('POST', '/api/v1/recovery/verify', { code: 'abcdef' }), 400, 'INVALID_CODE');
    assert.equal((await verifyCalls()).length, 0);
  });

  test(`${MAX} wrong codes → TOO_MANY_ATTEMPTS; the flow stays closed, even with the right code`, async () => {
    const login = 'google.user@example.com';
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: login });
    await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' });
    const right = await stack.totpCode(login);

    for (let i = 1; i < MAX; i++) {
      assertError(await b.api('POST', '/api/v1/recovery/verify', { code: wrongCode(right) }), 400, 'INVALID_CODE');
    }
    assertError(await b.api('POST', '/api/v1/recovery/verify', { code: wrongCode(right) }), 429, 'TOO_MANY_ATTEMPTS');

    assertError(await b.api('POST', '/api/v1/recovery/verify', { code: right }), 429, 'TOO_MANY_ATTEMPTS');
    assertError(await b.api('GET', '/api/v1/recovery/status'), 429, 'TOO_MANY_ATTEMPTS');
    // Choosing the method again does not reopen it either.
    assertError(await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' }), 429, 'TOO_MANY_ATTEMPTS');
    assertError(await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' }), 429, 'TOO_MANY_ATTEMPTS');
    assert.equal((await verifyCalls()).length, MAX, 'only the guesses within the cap reached Okta');
  });

  test('parallel guesses cannot get past the cap', async () => {
    const login = 'okta.user@example.com';
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: login });
    await b.api('POST', '/api/v1/recovery/challenge', { method: 'okta-verify-code' });
    const right = await stack.totpCode(login);
    await b.csrf();

    const answers = await Promise.all(
      Array.from({ length: 8 }, () => b.api('POST', '/api/v1/recovery/verify', { code: wrongCode(right) })),
    );
    const codes = answers.map((a) => (a.body as { error?: { code?: string } }).error?.code);
    assert.equal(codes.filter((c) => c === 'INVALID_CODE').length, MAX - 1, JSON.stringify(codes));
    assert.equal(codes.filter((c) => c === 'TOO_MANY_ATTEMPTS').length, 8 - (MAX - 1), JSON.stringify(codes));
    assert.ok((await verifyCalls()).length <= MAX);
    assertError(await b.api('POST', '/api/v1/recovery/verify', { code: right }), 429, 'TOO_MANY_ATTEMPTS');
  });
});
