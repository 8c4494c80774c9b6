/**
 * Property (issue 11, item 9): one user, one budget. The login and the email spelling of one user share the user's
 * budgets: the codes that may reach Okta (below its factor lockout) and the sends to the user's phone number. What
 * a caller sees stays keyed by what they typed (LIMIT_PER_LOGIN, the per-login send budget and resend wait), because
 * sharing it visibly would tell that an email address belongs to a known login; the user's budgets are enforced
 * silently, with the answers an unknown login gets.
 * End to end against the emulator, with a user whose login and email differ (test/security/seed.ts).
 * Before the fix each spelling (and each flow) had its own 5 codes at Okta, so two spellings locked the factor,
 * and a number spent through one spelling answered RATE_LIMITED to the other.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOMY_LIMITS, Stack, errorCode, type Browser } from '../e2e/support.js';
import { DANA_EMAIL, DANA_LOGIN, SECURITY_SEED } from './seed.js';

let stack: Stack;

before(async () => {
  stack = await Stack.start({ ...ROOMY_LIMITS, LIMIT_PER_DESTINATION: '2/1h', RESEND_COOLDOWN_SECONDS: '0' }, SECURITY_SEED);
});
after(() => stack?.close());

const verifies = async (prefix: string) =>
  (await stack.oktaCalls()).filter((c) => c.method === 'POST' && new RegExp(`/factors/${prefix}[^/]*/verify$`).test(c.path)).length;

async function flow(login: string, method: string): Promise<Browser> {
  const b = stack.browser();
  assert.equal((await b.api('POST', '/api/v1/recovery', { username: login })).status, 200);
  const c = await b.api('POST', '/api/v1/recovery/challenge', { method });
  assert.equal(c.status, 200, c.text);
  return b;
}

describe('one user, one budget', () => {
  test('the email spelling is the same user: the right code verifies through it', async () => {
    await stack.reset();
    const b = await flow(DANA_EMAIL, 'google-authenticator');
    const ok = await b.api('POST', '/api/v1/recovery/verify', { code: await stack.totpCode(DANA_LOGIN) });
    assert.equal(ok.status, 200, ok.text);
  });

  test('codes: the login and the email spelling share the budget of codes that reach Okta', async () => {
    await stack.reset();
    const before = await verifies('ost');
    const byLogin = await flow(DANA_LOGIN, 'google-authenticator');
    const byEmail = await flow(DANA_EMAIL, 'google-authenticator');
    for (const b of [byLogin, byEmail, byLogin, byEmail, byLogin, byEmail]) {
      assert.equal(errorCode(await b.api('POST', '/api/v1/recovery/verify', { code: '000000' })), 'INVALID_CODE');
    }
    assert.equal((await verifies('ost')) - before, 4, 'four codes reached Okta between both spellings, not 4 each');
  });

  test('sends: both spellings count against the number\'s budget; once spent nothing more reaches it', async () => {
    await stack.reset();
    const before = await verifies('(sms|clf)');
    await flow(DANA_LOGIN, 'sms');
    await stack.advanceClock(31);
    await flow(DANA_EMAIL, 'call');
    await stack.advanceClock(31);
    await flow(DANA_EMAIL, 'sms'); // answered as sent (the email spelling's own budget allows it), but not sent
    assert.equal((await verifies('(sms|clf)')) - before, 2, 'LIMIT_PER_DESTINATION=2 across both spellings');
  });
});
