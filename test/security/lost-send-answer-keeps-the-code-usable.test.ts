/**
 * Property (issue 11, item 12): a lost answer to an SMS or voice send (the connection drops after Okta sent the code,
 * or the answer comes too late) leaves the flow able to accept the code that arrived; asking again is answered as a
 * send, not as Okta's resend refusal.
 * End to end against the emulator: its connection is dropped after it handled the challenge (the SMS is in the
 * outbox), then the user types that code. Plus the core for the signed-in step-up.
 * Before the fix the flow stayed in the method choice: the code was refused with 409 WRONG_STEP, and asking again
 * hit Okta's 30 s window as 429 RESEND_TOO_SOON.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalError } from '../../src/core/errors.js';
import { createTestAccount } from '../helpers/fakes.js';
import { ROOMY_LIMITS, Stack, assertError } from '../e2e/support.js';

const VERIFY = '/api/v1/users/*/factors/*/verify';
let stack: Stack;

before(async () => {
  stack = await Stack.start({ ...ROOMY_LIMITS, OKTA_TIMEOUT_MS: '1000' });
});
after(() => stack?.close());

describe('a lost answer to a send', () => {
  for (const method of ['sms', 'call'] as const) {
    test(`${method}: the code that arrived is accepted; asking again within Okta's window is not an error`, async () => {
      await stack.reset();
      const login = method === 'sms' ? 'sms.user@example.com' : 'call.user@example.com';
      const b = stack.browser();
      assert.equal((await b.api('POST', '/api/v1/recovery', { username: login })).status, 200);
      await stack.fault({ path: VERIFY, method: 'POST', drop: 'after', count: 1 });
      assertError(await b.api('POST', '/api/v1/recovery/challenge', { method }), 503, 'IDP_UNAVAILABLE');
      const code = await stack.lastCode(login); // Okta did send it

      const again = await b.api('POST', '/api/v1/recovery/challenge', { method });
      assert.equal(again.status, 200, again.text);
      assert.equal(again.body.status, 'code_sent');

      const ok = await b.api('POST', '/api/v1/recovery/verify', { code });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.body.status, 'verified');
    });
  }

  test('an answer later than the portal waits: the code is accepted all the same', async () => {
    await stack.reset();
    const login = 'multi.user@example.com';
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: login });
    await stack.fault({ path: VERIFY, method: 'POST', latencyMs: 1500, count: 1 });
    assertError(await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' }), 503, 'IDP_UNAVAILABLE');
    await new Promise((r) => setTimeout(r, 700)); // the emulator handles the challenge after its delay
    const ok = await b.api('POST', '/api/v1/recovery/verify', { code: await stack.lastCode(login) });
    assert.equal(ok.status, 200, ok.text);
  });
});

describe('signed-in step-up', () => {
  test('a lost answer to the step-up send leaves the step-up able to take the code', async () => {
    const t = createTestAccount();
    const user = t.idp.addUser({ login: 'alice@example.com', factors: [{ method: 'sms', id: 'smsAlice', phoneNumber: '+15550100100' }] });
    const a = t.account(user);
    t.idp.failNext('sendChallenge', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.stepUpStart(a, 'smsAlice'), { code: 'IDP_UNAVAILABLE' });
    await t.service.stepUpVerify(a, '123456');
    assert.equal(await t.service.stepUpSatisfied(a), true);
  });
});
