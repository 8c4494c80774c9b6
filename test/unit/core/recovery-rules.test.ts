// The flow's rules: expiry, skipped steps, wrong-code cap, resend cooldown, ott lifetime / binding / single use,
// password mismatch and policy failures, locked-out users, cancel, bad input.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFullUser, createTestRecovery, ctx, type TestRecovery } from '../../helpers/fakes.js';
import { PortalError } from '../../../src/core/errors.js';

async function verified(t: TestRecovery, login = 'alice@example.com') {
  const { handle } = await t.service.start({ login, ctx: ctx() });
  await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
  const v = await t.service.verify({ handle, code: '123456', ctx: ctx() });
  return { handle, ott: v.ott, expiresAt: v.expiresAt };
}

const pw = (handle: string, ott: string, password = 'new password 1', confirmPassword = password) => ({
  handle,
  ott,
  password,
  confirmPassword,
  revokeSessions: false,
  ctx: ctx(),
});

describe('flow expiry and handles', () => {
  test('every step answers FLOW_EXPIRED after the flow TTL', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    t.clock.advance(899_999);
    assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'code-sent');
    t.clock.advance(1);
    await assert.rejects(t.service.status({ handle, ctx: ctx() }), { code: 'FLOW_EXPIRED' });
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'FLOW_EXPIRED' });
    await assert.rejects(t.service.challenge({ handle, method: 'sms', ctx: ctx() }), { code: 'FLOW_EXPIRED' });
    await assert.rejects(t.service.setPassword(pw(handle, 'x'.repeat(43))), { code: 'FLOW_EXPIRED' });
  });

  test('garbage, missing and forged handles are FLOW_EXPIRED', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    const [id, secret] = handle.split('.') as [string, string];
    const forged = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    for (const h of ['', 'nope', `${id}.`, forged, `${'A'.repeat(22)}.${secret}`]) {
      await assert.rejects(t.service.status({ handle: h, ctx: ctx() }), { code: 'FLOW_EXPIRED' }, h);
    }
    assert.equal(id.length, 22);
    assert.equal(secret.length, 43);
  });

  test('cancel deletes the flow and its ott; cancelling twice is fine', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await t.service.cancel({ handle, ctx: ctx() });
    await t.service.cancel({ handle, ctx: ctx() });
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'FLOW_EXPIRED' });
    assert.deepEqual(t.store.keys().filter((k) => k.startsWith('flow:') || k.startsWith('ott:')), []);
  });
});

describe('steps cannot be skipped or replayed (RST-7)', () => {
  test('verify before challenge, password before verify, verify on a push flow → WRONG_STEP', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'WRONG_STEP' });
    await assert.rejects(t.service.setPassword(pw(handle, 'A'.repeat(43))), { code: 'WRONG_STEP' });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'WRONG_STEP' });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    await assert.rejects(t.service.setPassword(pw(handle, 'A'.repeat(43))), { code: 'WRONG_STEP' });
    assert.equal(t.idp.count('setPassword'), 0);
    const last = t.audit.last();
    assert.equal(last?.outcome, 'denied');
  });

  test('a verified flow refuses a new challenge and a second verify', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await verified(t);
    await assert.rejects(t.service.challenge({ handle, method: 'sms', ctx: ctx() }), { code: 'WRONG_STEP' });
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'WRONG_STEP' });
  });

  test('a completed flow: a second submit with the same ott is INVALID_OTT and writes nothing', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await t.service.setPassword(pw(handle, ott));
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'other password')), { code: 'INVALID_OTT' });
    assert.equal(t.idp.count('setPassword'), 1);
    assert.equal(t.idp.passwords.get('00u1'), 'new password 1');
  });
});

describe('codes', () => {
  test('wrong codes: INVALID_CODE until the cap, then TOO_MANY_ATTEMPTS for good (even the right code)', async () => {
    const t = createTestRecovery({ policy: { maxWrongCodesPerFlow: 3 } });
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    await assert.rejects(t.service.verify({ handle, code: '000001', ctx: ctx() }), { code: 'INVALID_CODE' });
    // switching methods keeps the count
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    await assert.rejects(t.service.verify({ handle, code: '000002', ctx: ctx() }), { code: 'INVALID_CODE' });
    await assert.rejects(t.service.verify({ handle, code: '000003', ctx: ctx() }), { code: 'TOO_MANY_ATTEMPTS' });
    const calls = t.idp.count('verifyPasscode');
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'TOO_MANY_ATTEMPTS' });
    await assert.rejects(t.service.challenge({ handle, method: 'sms', ctx: ctx() }), { code: 'TOO_MANY_ATTEMPTS' });
    await assert.rejects(t.service.status({ handle, ctx: ctx() }), { code: 'TOO_MANY_ATTEMPTS' });
    assert.equal(t.idp.count('verifyPasscode'), calls);
    assert.equal(calls, 3);
  });

  test('parallel guesses never exceed the cap', async () => {
    // The flow's own cap, with the user's IdP code budget out of the way (it has its own tests).
    const t = createTestRecovery({ policy: { maxWrongCodesPerFlow: 5, factorLockout: { threshold: 100, windowSeconds: 86_400 } } });
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => t.service.verify({ handle, code: String(100000 + i), ctx: ctx() })),
    );
    assert.ok(results.every((r) => r.status === 'rejected'));
    assert.equal(t.idp.count('verifyPasscode'), 5);
  });

  test('malformed codes are INVALID_CODE without an IdP call and without counting', async () => {
    const t = createTestRecovery({ policy: { maxWrongCodesPerFlow: 2 } });
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    for (const code of ['', '12345', '123456789', 'abcdef', '12a456', 42 as unknown as string]) {
      await assert.rejects(t.service.verify({ handle, code, ctx: ctx() }), { code: 'INVALID_CODE' });
    }
    assert.equal(t.idp.count('verifyPasscode'), 0);
    await t.service.verify({ handle, code: '12 34 56', ctx: ctx() });
  });

  test('FACTOR_LOCKED answers as a decoy would (a wrong code); IDP_UNAVAILABLE passes through', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'okta-verify-code', ctx: ctx() });
    t.idp.failNext('verifyPasscode', new PortalError('FACTOR_LOCKED'));
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'INVALID_CODE' });
    t.idp.failNext('verifyPasscode', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'IDP_UNAVAILABLE' });
    assert.equal(t.audit.last()?.outcome, 'error');
    await t.service.verify({ handle, code: '123456', ctx: ctx() });
  });

  test('resend cooldown: RESEND_TOO_SOON with the seconds left, shared across flows; the IdP 429 maps too', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const a = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle: a.handle, method: 'sms', ctx: ctx() });
    t.clock.advance(10_000);
    await assert.rejects(t.service.challenge({ handle: a.handle, method: 'sms', ctx: ctx() }), (e: PortalError) => {
      assert.equal(e.code, 'RESEND_TOO_SOON');
      assert.equal(e.retryAfterSeconds, 20);
      return true;
    });
    assert.deepEqual(await t.service.status({ handle: a.handle, ctx: ctx() }), { state: 'code-sent', method: 'sms', resendAfterSeconds: 20 });
    // A second flow for the same login hits the same window.
    const b = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await assert.rejects(t.service.challenge({ handle: b.handle, method: 'sms', ctx: ctx() }), { code: 'RESEND_TOO_SOON' });
    // Voice has its own window.
    await t.service.challenge({ handle: a.handle, method: 'call', ctx: ctx() });
    t.clock.advance(20_000);
    await t.service.challenge({ handle: a.handle, method: 'sms', ctx: ctx() });
    assert.equal(t.idp.count('sendChallenge'), 3);
    // The IdP's own refusal is answered as a send (a decoy never gets one), with the usual cooldown after it.
    t.clock.advance(30_000);
    t.idp.failNext('sendChallenge', new PortalError('RESEND_TOO_SOON', { retryAfterSeconds: 17 }));
    const hidden = await t.service.challenge({ handle: a.handle, method: 'sms', ctx: ctx() });
    assert.equal(hidden.kind, 'code-sent');
    await assert.rejects(t.service.challenge({ handle: a.handle, method: 'sms', ctx: ctx() }), (e: PortalError) => {
      assert.equal(e.code, 'RESEND_TOO_SOON');
      assert.equal(e.retryAfterSeconds, 30);
      return true;
    });
    assert.equal(t.idp.count('sendChallenge'), 4);
  });

  test('a method the operator did not enable → METHOD_NOT_AVAILABLE', async () => {
    const t = createTestRecovery({ policy: { methods: ['google-authenticator'] } });
    addFullUser(t.idp);
    const { handle, methods } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    assert.deepEqual(methods, [{ method: 'google-authenticator' }]);
    for (const method of ['sms', 'push', 'question', '__proto__']) {
      await assert.rejects(
        t.service.challenge({ handle, method: method as 'sms', ctx: ctx() }),
        { code: 'METHOD_NOT_AVAILABLE' },
      );
    }
    assert.equal(t.idp.count('sendChallenge') + t.idp.count('startPush'), 0);
  });
});

describe('ott', () => {
  test('status on a verified flow issues a fresh ott and kills the old one, within the window from verification', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    t.clock.advance(300_000);
    const st = await t.service.status({ handle, ctx: ctx() });
    assert.ok(st.state === 'verified');
    assert.notEqual(st.ott, ott);
    const st2 = await t.service.status({ handle, ctx: ctx() });
    assert.ok(st2.state === 'verified');
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'INVALID_OTT' });
    await assert.rejects(t.service.setPassword(pw(handle, st.ott)), { code: 'INVALID_OTT' });
    await t.service.setPassword(pw(handle, st2.ott));
    assert.equal(t.idp.count('setPassword'), 1);
  });

  test('expires after ottTtlSeconds from verification; then status issues none (item 13)', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    t.clock.advance(600_000);
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'INVALID_OTT' });
    await assert.rejects(t.service.status({ handle, ctx: ctx() }), { code: 'FLOW_EXPIRED' });
    assert.equal(t.idp.count('setPassword'), 0);
  });

  test('ott lifetime never exceeds the flow', async () => {
    const t = createTestRecovery({ policy: { flowTtlSeconds: 300, ottTtlSeconds: 600 } });
    addFullUser(t.idp);
    const start = t.clock.now();
    const { expiresAt } = await verified(t);
    assert.equal(expiresAt, start + 300_000);
  });

  test('two concurrent redemptions: exactly one wins, one IdP write', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    const results = await Promise.allSettled([
      t.service.setPassword(pw(handle, ott, 'first password')),
      t.service.setPassword(pw(handle, ott, 'second password')),
    ]);
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    const lost = results.find((r) => r.status === 'rejected');
    assert.ok(lost && lost.status === 'rejected');
    assert.equal((lost.reason as PortalError).code, 'INVALID_OTT');
    assert.equal(t.idp.count('setPassword'), 1);
  });

  test("an ott from another flow is refused and the other flow's ott keeps working", async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    t.idp.addUser({ login: 'mallory', factors: [{ method: 'google-authenticator' }] });
    const a = await verified(t);
    const m = await verified(t, 'mallory');
    await assert.rejects(t.service.setPassword(pw(m.handle, a.ott)), { code: 'INVALID_OTT' });
    await assert.rejects(t.service.setPassword(pw(a.handle, m.ott)), { code: 'INVALID_OTT' });
    assert.equal(t.idp.count('setPassword'), 0);
    await t.service.setPassword(pw(a.handle, a.ott));
    assert.deepEqual([...t.idp.passwords.keys()], ['00u1']);
  });

  test("after a change, the same user's other outstanding flows can no longer set a password (OTT-3)", async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const first = await verified(t);
    t.clock.advance(1000);
    const second = await verified(t);
    await t.service.setPassword(pw(second.handle, second.ott));
    await assert.rejects(t.service.setPassword(pw(first.handle, first.ott, 'attacker password')), { code: 'INVALID_OTT' });
    assert.equal(t.idp.passwords.get('00u1'), 'new password 1');
    t.clock.advance(1000);
    const third = await verified(t);
    await t.service.setPassword(pw(third.handle, third.ott, 'third password'));
    assert.equal(t.idp.passwords.get('00u1'), 'third password');
  });

  test('malformed otts are INVALID_OTT', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await verified(t);
    for (const ott of ['', 'short', 'A'.repeat(43), null, 12]) {
      await assert.rejects(t.service.setPassword(pw(handle, ott as string)), { code: 'INVALID_OTT' });
    }
  });
});

describe('password step', () => {
  test('mismatch is checked before the ott is spent, with no IdP call', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'one password', 'another one')), { code: 'PASSWORD_MISMATCH' });
    await assert.rejects(t.service.setPassword(pw(handle, ott, '', '')), { code: 'BAD_REQUEST' });
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'x'.repeat(257))), { code: 'BAD_REQUEST' });
    assert.equal(t.idp.count('setPassword'), 0);
    await t.service.setPassword(pw(handle, ott));
  });

  test('PASSWORD_POLICY passes the causes through and keeps the ott usable; so does an IdP outage', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'short')), (e: PortalError) => {
      assert.equal(e.code, 'PASSWORD_POLICY');
      assert.match(e.causes?.[0] ?? '', /at least 8 characters/);
      return true;
    });
    t.idp.failNext('setPassword', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'IDP_UNAVAILABLE' });
    await t.service.setPassword(pw(handle, ott));
    assert.equal(t.idp.count('setPassword'), 3);
    assert.equal(t.idp.passwords.get('00u1'), 'new password 1');
  });

  test('LOCKED_OUT: a decoy unless allowed; when allowed, unlocked once and then the password is set', async () => {
    const off = createTestRecovery();
    addFullUser(off.idp, 'locked', 'LOCKED_OUT');
    const { handle } = await off.service.start({ login: 'locked', ctx: ctx() });
    assert.equal(off.idp.count('listFactors'), 0);
    await off.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    await assert.rejects(off.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'INVALID_CODE' });
    assert.equal(off.idp.count('verifyPasscode'), 0);

    const on = createTestRecovery({ policy: { allowLockedOut: true } });
    const u = addFullUser(on.idp, 'locked', 'LOCKED_OUT');
    const v = await verified(on, 'locked');
    await assert.rejects(on.service.setPassword(pw(v.handle, v.ott, 'short')), { code: 'PASSWORD_POLICY' });
    await on.service.setPassword(pw(v.handle, v.ott));
    assert.deepEqual(on.idp.unlocked, [u.id]);
    assert.equal(on.idp.count('unlockUser'), 1);
    assert.equal(on.idp.status(u.id), 'ACTIVE');
    assert.equal(on.idp.passwords.get(u.id), 'new password 1');
  });

  test('a failing notifier or session revocation does not undo the change', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    t.notifier.notify = () => {
      throw new Error('smtp down');
    };
    t.idp.failNext('revokeSessions', new PortalError('IDP_UNAVAILABLE'));
    const { handle, ott } = await verified(t);
    assert.deepEqual(await t.service.setPassword({ ...pw(handle, ott), revokeSessions: true }), { changed: true });
    assert.match(t.audit.last()?.detail ?? '', /session revocation FAILED; notification FAILED/);
    assert.equal(t.audit.last()?.outcome, 'success');
  });
});

describe('start input', () => {
  test('bad logins are BAD_REQUEST without an IdP call', async () => {
    const t = createTestRecovery();
    for (const login of ['', '   ', 'me', ' ME ', 'a/b', 'a b', 'a\tb', 'x\u0000', 'x'.repeat(257), 'a?b', 'a#b', 'a\\b', 7]) {
      await assert.rejects(t.service.start({ login: login as string, ctx: ctx() }), { code: 'BAD_REQUEST' }, String(login));
    }
    assert.equal(t.idp.count(), 0);
    await t.service.start({ login: 'x'.repeat(256), ctx: ctx() });
    assert.equal(t.idp.count('findUser'), 1);
  });
});
