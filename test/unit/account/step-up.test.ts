// Step-up through the account service over fakes: when it is required, how it is satisfied and expires, the
// wrong-code cap, SMS resend cooldown, push, factor ownership and the per-user budget.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalError } from '../../../src/core/errors.js';
import { createTestAccount, type TestAccount } from '../../helpers/fakes.js';

function setup(policy = {}) {
  const t = createTestAccount({ policy });
  const alice = t.idp.addUser({
    login: 'alice@example.com',
    id: '00uAlice',
    factors: [
      { method: 'google-authenticator', id: 'ostAlice' },
      { method: 'sms', id: 'smsAlice', phoneNumber: '+15550100100' },
      { method: 'push', id: 'opfAlice' },
      { method: 'okta-verify-code', id: 'ostAlicePending', status: 'PENDING_ACTIVATION' },
      { method: null, id: 'emfAlice', email: 'alice@example.com' },
    ],
  });
  const bob = t.idp.addUser({ login: 'bob@example.com', id: '00uBob', factors: [{ method: 'google-authenticator', id: 'ostBob' }] });
  return { t, alice, bob, a: t.account(alice) };
}

async function rejects(p: Promise<unknown>, code: string): Promise<PortalError> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => {
    caught = e;
    return e instanceof PortalError && e.code === code;
  });
  return caught as PortalError;
}

async function stepUp(t: TestAccount, a: ReturnType<TestAccount['account']>, factorId = 'ostAlice'): Promise<void> {
  await t.service.stepUpStart(a, factorId);
  await t.service.stepUpVerify(a, '123456');
}

describe('when step-up is required', () => {
  test('a user with an active factor needs it for enrol, remove and change password; each refusal is audited', async () => {
    const { t, a } = setup();
    assert.equal(await t.service.stepUpSatisfied(a), false);
    await rejects(t.service.enrolStart(a, 'call', { phoneNumber: '+15550100101' }), 'STEP_UP_REQUIRED');
    await rejects(t.service.removeFactor(a, 'smsAlice'), 'STEP_UP_REQUIRED');
    await rejects(
      t.service.changePassword(a, { currentPassword: 'Current-Pass-1', newPassword: 'New-Pass-123', confirmPassword: 'New-Pass-123' }),
      'STEP_UP_REQUIRED',
    );
    assert.deepEqual(t.audit.actions(), ['account.enrol:denied', 'account.remove:denied', 'account.password:denied']);
    assert.equal(t.idp.count('enrollFactor') + t.idp.count('unenrollFactor') + t.idp.count('changePassword'), 0);
    assert.ok(t.idp.factorsOf('00uAlice').some((f) => f.id === 'smsAlice'));
  });

  test('a user whose only factors are pending or not verifiable (email) needs none', async () => {
    const { t } = setup();
    const carol = t.idp.addUser({
      login: 'carol@example.com',
      factors: [{ method: 'sms', status: 'PENDING_ACTIVATION', phoneNumber: '+15550100111' }, { method: null, email: 'c@example.com' }],
    });
    assert.equal(await t.service.stepUpSatisfied(t.account(carol)), true);
  });
});

describe('satisfying step-up', () => {
  test('TOTP: code-ready, a wrong code is INVALID_CODE, the right one satisfies it for stepUpTtlSeconds only', async () => {
    const { t, a } = setup();
    assert.deepEqual(await t.service.stepUpStart(a, 'ostAlice'), { kind: 'code-ready' });
    assert.equal(t.idp.count('sendChallenge'), 0);
    await rejects(t.service.stepUpVerify(a, '000000'), 'INVALID_CODE');
    await rejects(t.service.stepUpVerify(a, 'abc'), 'INVALID_CODE');
    assert.equal(t.idp.count('verifyPasscode'), 1, 'a malformed code does not reach the IdP');
    await t.service.stepUpVerify(a, '123 456');
    assert.equal(await t.service.stepUpSatisfied(a), true);
    const st = await t.service.stepUpStatus(a);
    assert.equal(st.state, 'verified');
    assert.ok(st.state === 'verified' && st.expiresAt === t.clock.now() + 300_000);
    t.clock.advance(299_000);
    assert.equal(await t.service.stepUpSatisfied(a), true);
    t.clock.advance(1_000);
    assert.equal(await t.service.stepUpSatisfied(a), false, 'expired after stepUpTtlSeconds');
    await rejects(t.service.removeFactor(a, 'smsAlice'), 'STEP_UP_REQUIRED');
    const events = t.audit.events.filter((e) => e.action === 'account.step-up');
    assert.deepEqual(events.map((e) => e.outcome), ['success', 'failure', 'failure', 'success']);
    assert.ok(events.every((e) => e.userId === '00uAlice' && e.login === 'alice@example.com' && e.method === 'google-authenticator'));
  });

  test('the step-up belongs to its session: another session of the same user is not stepped up', async () => {
    const { t, alice, a } = setup();
    await stepUp(t, a);
    assert.equal(await t.service.stepUpSatisfied(t.account(alice, 'sess-2')), false);
  });

  test('a session record is bound to its user: the same session id for another user starts fresh', async () => {
    const { t, bob, a } = setup();
    await stepUp(t, a);
    const b = t.account(bob); // same 'sess-1'
    assert.equal(await t.service.stepUpSatisfied(b), false);
    await rejects(t.service.stepUpVerify(b, '123456'), 'WRONG_STEP');
  });

  test('SMS: the code is sent, a second send inside the cooldown is RESEND_TOO_SOON, later it is sent again', async () => {
    const { t, a } = setup();
    assert.deepEqual(await t.service.stepUpStart(a, 'smsAlice'), { kind: 'code-sent', resendAfterSeconds: 30 });
    const e = await rejects(t.service.stepUpStart(a, 'smsAlice'), 'RESEND_TOO_SOON');
    assert.equal(e.retryAfterSeconds, 30);
    t.clock.advance(30_000);
    await t.service.stepUpStart(a, 'smsAlice');
    assert.equal(t.idp.count('sendChallenge'), 2);
    await t.service.stepUpVerify(a, '123456');
    assert.equal(await t.service.stepUpSatisfied(a), true);
  });

  test('push: waiting with number matching, polls throttled to one per interval, approved → verified', async () => {
    const { t, a } = setup();
    const started = await t.service.stepUpStart(a, 'opfAlice');
    assert.deepEqual(started, { kind: 'push-waiting', correctAnswer: 42, expiresAt: t.clock.now() + 300_000 });
    t.clock.advance(3_000);
    assert.equal((await t.service.stepUpStatus(a)).state, 'waiting');
    assert.equal((await t.service.stepUpStatus(a)).state, 'waiting');
    assert.equal(t.idp.count('pollPush'), 1);
    t.idp.setPushResult('00uAlice', 'approved');
    t.clock.advance(3_000);
    assert.equal((await t.service.stepUpStatus(a)).state, 'verified');
    assert.equal(await t.service.stepUpSatisfied(a), true);
    assert.deepEqual(t.audit.actions(), ['account.step-up:success', 'account.step-up:success'], 'quiet polls are not audited');
  });

  test('push: rejected → rejected, and no new push for the user during the cooling period', async () => {
    const { t, a } = setup();
    await t.service.stepUpStart(a, 'opfAlice');
    t.idp.setPushResult('00uAlice', 'rejected');
    t.clock.advance(3_000);
    assert.equal((await t.service.stepUpStatus(a)).state, 'rejected');
    assert.equal(t.audit.last()?.outcome, 'denied');
    await rejects(t.service.stepUpStart(a, 'opfAlice'), 'RATE_LIMITED');
    assert.equal(t.idp.count('startPush'), 1);
    await t.service.stepUpStart(a, 'ostAlice'); // another method is fine
  });

  test('push: past its lifetime the push is expired without polling', async () => {
    const { t, a } = setup();
    await t.service.stepUpStart(a, 'opfAlice');
    t.clock.advance(300_000);
    assert.equal((await t.service.stepUpStatus(a)).state, 'expired');
    assert.equal(t.idp.count('pollPush'), 0);
  });

  test('stepUpStatus with no push pending is WRONG_STEP', async () => {
    const { t, a } = setup();
    await rejects(t.service.stepUpStatus(a), 'WRONG_STEP');
    await t.service.stepUpStart(a, 'ostAlice');
    await rejects(t.service.stepUpStatus(a), 'WRONG_STEP');
  });
});

describe('wrong-code cap', () => {
  // These test the session's own cap, with the user's IdP code budget out of the way (it has its own tests).
  const roomy = { factorLockout: { threshold: 100, windowSeconds: 86_400 } };

  test('the attempt reaching maxWrongCodes locks step-up; nothing more reaches the IdP until the lock ends', async () => {
    const { t, a } = setup(roomy);
    await t.service.stepUpStart(a, 'ostAlice');
    for (let i = 1; i <= 4; i++) await rejects(t.service.stepUpVerify(a, '000000'), 'INVALID_CODE');
    await rejects(t.service.stepUpVerify(a, '000000'), 'TOO_MANY_ATTEMPTS');
    await rejects(t.service.stepUpVerify(a, '123456'), 'TOO_MANY_ATTEMPTS');
    await rejects(t.service.stepUpStart(a, 'smsAlice'), 'TOO_MANY_ATTEMPTS');
    assert.equal(t.idp.count('verifyPasscode'), 5);
    assert.equal(t.idp.count('sendChallenge'), 0);
    assert.equal(t.audit.last()?.outcome, 'rate_limited');
    const view = await t.service.session(a);
    assert.equal(view.stepUp.state, 'locked');
    t.clock.advance(900_000);
    await stepUp(t, a);
    assert.equal(await t.service.stepUpSatisfied(a), true);
  });

  test('parallel guesses cannot pass the cap', async () => {
    const { t, a } = setup(roomy);
    await t.service.stepUpStart(a, 'ostAlice');
    const results = await Promise.allSettled(Array.from({ length: 12 }, () => t.service.stepUpVerify(a, '000000')));
    assert.ok(results.every((r) => r.status === 'rejected'));
    assert.equal(t.idp.count('verifyPasscode'), 5);
  });

  test('a success clears the count: a later step-up in the session has the full budget again', async () => {
    const { t, a } = setup(roomy);
    await t.service.stepUpStart(a, 'ostAlice');
    for (let i = 0; i < 4; i++) await rejects(t.service.stepUpVerify(a, '000000'), 'INVALID_CODE');
    await t.service.stepUpVerify(a, '123456');
    await t.service.stepUpStart(a, 'ostAlice');
    for (let i = 0; i < 4; i++) await rejects(t.service.stepUpVerify(a, '000000'), 'INVALID_CODE');
    await t.service.stepUpVerify(a, '123456');
  });
});

describe('factor ownership and eligibility', () => {
  test('another user\'s factor id is NOT_FOUND and no challenge is sent', async () => {
    const { t, a } = setup();
    await rejects(t.service.stepUpStart(a, 'ostBob'), 'NOT_FOUND');
    await rejects(t.service.stepUpStart(a, 'made-up'), 'NOT_FOUND');
    assert.equal(t.idp.count('sendChallenge') + t.idp.count('startPush'), 0);
    assert.equal(t.audit.last()?.outcome, 'denied');
  });

  test('a pending or non-verifiable factor cannot be used: METHOD_NOT_AVAILABLE', async () => {
    const { t, a } = setup();
    await rejects(t.service.stepUpStart(a, 'ostAlicePending'), 'METHOD_NOT_AVAILABLE');
    await rejects(t.service.stepUpStart(a, 'emfAlice'), 'METHOD_NOT_AVAILABLE');
  });

  test('the per-user budget applies to step-up attempts (RATE_LIMITED)', async () => {
    const { t, a } = setup({ limits: { ...createTestAccount().policy.limits, perLogin: { max: 3, windowSeconds: 900 } } });
    await t.service.stepUpStart(a, 'ostAlice');
    await rejects(t.service.stepUpVerify(a, '000000'), 'INVALID_CODE');
    await rejects(t.service.stepUpVerify(a, '000000'), 'INVALID_CODE');
    await rejects(t.service.stepUpVerify(a, '123456'), 'RATE_LIMITED');
    assert.equal(t.idp.count('verifyPasscode'), 2);
  });
});
