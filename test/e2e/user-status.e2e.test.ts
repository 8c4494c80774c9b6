/**
 * Threat: recovery used to get around an administrator's decision: reactivating a SUSPENDED, DEPROVISIONED or
 * STAGED account, or unlocking a LOCKED_OUT one against the operator's policy; or, the other way round, users who
 * legitimately need a new password (PASSWORD_EXPIRED) being turned away.
 * Checklist: OKTA-9 (act on the user's status; Appendix B), RST-4 (nothing on the account changes before a factor is
 * proven), RST-1 (ineligible users get decoy flows that look the same; compared in enumeration.e2e.test.ts).
 * LOCKED_OUT users recover (and are unlocked) only with ALLOW_LOCKED_OUT_RECOVERY=true; the result is checked on the
 * emulator (GET /_emulator/users, /api/v1/authn).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningPortal } from '../helpers/portal.js';
import { NEW_PASSWORD, PASSWORD, ROOMY_LIMITS, Stack, assertError, setPasswordBody, verifiedOtt } from './support.js';

let stack: Stack;
let lenient: RunningPortal;

before(async () => {
  stack = await Stack.start(ROOMY_LIMITS); // ALLOW_LOCKED_OUT_RECOVERY unset
  lenient = await stack.portalWith({ ...ROOMY_LIMITS, ALLOW_LOCKED_OUT_RECOVERY: 'true' });
});
after(() => stack?.close());
beforeEach(() => stack.reset());

/** Okta calls other than reads: factor challenges/verifications and any write. */
async function nonReadCalls(): Promise<string[]> {
  return (await stack.oktaCalls()).filter((c) => c.method !== 'GET').map((c) => `${c.method} ${c.path}`);
}

describe('users who may not recover get a flow that cannot complete', () => {
  for (const login of [
    'locked.user@example.com',
    'suspended.user@example.com',
    'deprovisioned.user@example.com',
    'staged.user@example.com',
  ]) {
    test(`${login.split('.')[0]}: SMS "sent" but nothing reaches the phone, no code works, nothing changes in Okta`, async () => {
      const before = (await stack.user(login)).status;
      const b = stack.browser();
      assert.equal((await b.api('POST', '/api/v1/recovery', { username: login })).status, 200);
      const sent = await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' });
      assert.equal(sent.status, 200, sent.text);
      assert.equal(sent.body.status, 'code_sent');
      assert.deepEqual(await stack.messagesTo(login), []);
      assertError(await b.api('POST', '/api/v1/recovery/verify', { code: '123456' }), 400, 'INVALID_CODE');
      assert.equal((await b.api('GET', '/api/v1/recovery/status')).body.status, 'code_sent');
      assert.deepEqual(await nonReadCalls(), [], 'no challenge, unlock or write was sent to Okta');
      assert.equal((await stack.user(login)).status, before);
    });
  }
});

describe('users who may recover', () => {
  test('LOCKED_OUT with ALLOW_LOCKED_OUT_RECOVERY=true: recovers, is unlocked and ends ACTIVE', async () => {
    const login = 'locked.user@example.com';
    assert.equal((await stack.user(login)).status, 'LOCKED_OUT');
    const b = stack.browser(lenient);
    const ott = await verifiedOtt(stack, b, login, 'sms');
    const changed = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott));
    assert.equal(changed.status, 200, changed.text);

    const u = await stack.user(login);
    assert.equal(u.status, 'ACTIVE');
    const calls = await nonReadCalls();
    assert.ok(calls.includes(`POST /api/v1/users/${u.id}/lifecycle/unlock`), calls.join('\n'));
    assert.equal(await stack.authn(login, NEW_PASSWORD), 200);
    assert.equal(await stack.authn(login, PASSWORD), 401);
  });

  test('PASSWORD_EXPIRED: recovers and ends ACTIVE, without any unlock', async () => {
    const login = 'expired.user@example.com';
    assert.equal((await stack.user(login)).status, 'PASSWORD_EXPIRED');
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, login, 'sms');
    const changed = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott));
    assert.equal(changed.status, 200, changed.text);
    assert.equal((await stack.user(login)).status, 'ACTIVE');
    assert.ok(!(await nonReadCalls()).some((c) => c.includes('/lifecycle/')));
    assert.equal(await stack.authn(login, NEW_PASSWORD), 200);
  });
});
