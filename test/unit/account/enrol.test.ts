// Enrolment through the account service over fakes: each factor type, E.164 validation, resend cooldown, push
// activation, expiry, the activation wrong-code cap, FACTOR_EXISTS, cancel, and step-up before enrolling.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalError } from '../../../src/core/errors.js';
import { createTestAccount } from '../../helpers/fakes.js';

async function rejects(p: Promise<unknown>, code: string): Promise<PortalError> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => {
    caught = e;
    return e instanceof PortalError && e.code === code;
  });
  return caught as PortalError;
}

/** A user with no factor (enrols without step-up). */
function fresh(policy = {}) {
  const t = createTestAccount({ policy });
  const nora = t.idp.addUser({ login: 'nora@example.com', id: '00uNora' });
  return { t, a: t.account(nora) };
}

describe('first factor without step-up', () => {
  for (const [method, provider] of [
    ['google-authenticator', 'GOOGLE'],
    ['okta-verify-code', 'OKTA'],
  ] as const) {
    test(`${method}: secret + otpauth URI (issuer, login), activated by its first code`, async () => {
      const { t, a } = fresh();
      const start = await t.service.enrolStart(a, method);
      assert.ok(start.kind === 'totp');
      assert.equal(start.method, method);
      assert.equal(start.secret, t.idp.totpSecret);
      assert.ok(start.otpauthUri.includes(encodeURIComponent('Example Org:nora@example.com')));
      assert.match(t.audit.last()?.detail ?? '', /step-up not required/);
      assert.equal((await t.service.enrolStatus(a)).state, 'pending');
      await rejects(t.service.enrolActivate(a, '000000'), 'INVALID_CODE');
      const view = await t.service.enrolActivate(a, t.idp.enrolCode);
      assert.deepEqual(
        { kind: view.kind, status: view.status, provider: view.provider },
        { kind: method, status: 'ACTIVE', provider },
      );
      assert.equal((await t.service.enrolStatus(a)).state, 'active');
      assert.equal(t.idp.factorsOf('00uNora')[0]?.status, 'ACTIVE');
      assert.ok(!JSON.stringify(t.audit.events).includes(t.idp.totpSecret), 'the secret is never audited');
      // Now the user has a factor: the next enrolment needs a step-up.
      await rejects(t.service.enrolStart(a, 'push'), 'STEP_UP_REQUIRED');
    });
  }

  test('sms: E.164 after removing separators; hint masked; resend obeys the cooldown; the code activates it', async () => {
    const { t, a } = fresh();
    await rejects(t.service.enrolStart(a, 'sms', { phoneNumber: '0612345678' }), 'INVALID_PHONE_NUMBER');
    await rejects(t.service.enrolStart(a, 'sms', { phoneNumber: '+0123456789' }), 'INVALID_PHONE_NUMBER');
    await rejects(t.service.enrolStart(a, 'sms'), 'INVALID_PHONE_NUMBER');
    assert.equal(t.idp.count('enrollFactor'), 0);
    const start = await t.service.enrolStart(a, 'sms', { phoneNumber: '+1 (555) 010-0199' });
    assert.deepEqual(start, { kind: 'code-sent', method: 'sms', resendAfterSeconds: 30, hint: '+1 ••• ••• 0199' });
    assert.equal(t.idp.factorsOf('00uNora')[0]?.phoneNumber, '+15550100199');
    const early = await rejects(t.service.enrolResend(a), 'RESEND_TOO_SOON');
    assert.equal(early.retryAfterSeconds, 30);
    t.clock.advance(30_000);
    assert.deepEqual(await t.service.enrolResend(a), { resendAfterSeconds: 30 });
    assert.equal(t.idp.count('resendEnrollment'), 1);
    const view = (await t.service.session(a)).enrolment;
    assert.deepEqual([view.state, view.hint, view.resendAfterSeconds], ['code-sent', '+1 ••• ••• 0199', 30]);
    const active = await t.service.enrolActivate(a, t.idp.enrolCode);
    assert.deepEqual([active.kind, active.status, active.hint], ['sms', 'ACTIVE', '+1 ••• ••• 0199']);
    await rejects(t.service.enrolResend(a), 'WRONG_STEP');
  });

  test('call: the same path with a voice factor', async () => {
    const { t, a } = fresh();
    const start = await t.service.enrolStart(a, 'call', { phoneNumber: '+33612345678' });
    assert.equal(start.kind, 'code-sent');
    assert.equal((await t.service.enrolActivate(a, t.idp.enrolCode)).kind, 'call');
  });

  test('push: QR data URI, polls throttled, active once the phone activates it', async () => {
    const { t, a } = fresh();
    const start = await t.service.enrolStart(a, 'push');
    assert.deepEqual(start, { kind: 'push', qrDataUri: t.idp.pushQr, expiresAt: t.clock.now() + 600_000 });
    assert.equal((await t.service.enrolStatus(a)).state, 'pending');
    assert.equal(t.idp.count('pollPushActivation'), 0, 'no poll inside the first interval');
    t.clock.advance(3_000);
    assert.equal((await t.service.enrolStatus(a)).state, 'pending');
    assert.equal((await t.service.enrolStatus(a)).state, 'pending');
    assert.equal(t.idp.count('pollPushActivation'), 1);
    assert.equal((await t.service.session(a)).enrolment.qrDataUri, t.idp.pushQr);
    const factorId = t.idp.factorsOf('00uNora')[0]?.id ?? '';
    t.idp.activatePush(factorId);
    t.clock.advance(3_000);
    assert.equal((await t.service.enrolStatus(a)).state, 'active');
    assert.equal(t.idp.factorsOf('00uNora')[0]?.status, 'ACTIVE');
    await rejects(t.service.enrolActivate(a, '123456'), 'WRONG_STEP');
    assert.ok(t.audit.events.some((e) => e.action === 'account.enrol' && /push factor activated/.test(e.detail ?? '')));
  });

  test('push: a pending enrolment past its lifetime is expired (no more polling)', async () => {
    const { t, a } = fresh();
    await t.service.enrolStart(a, 'push');
    t.clock.advance(600_000);
    assert.equal((await t.service.enrolStatus(a)).state, 'expired');
    assert.equal(t.idp.count('pollPushActivation'), 0);
  });

  test('a pending TOTP enrolment past enrolTtlSeconds cannot be activated (FLOW_EXPIRED)', async () => {
    const { t, a } = fresh();
    await t.service.enrolStart(a, 'google-authenticator');
    t.clock.advance(600_000);
    await rejects(t.service.enrolActivate(a, t.idp.enrolCode), 'FLOW_EXPIRED');
    assert.equal(t.idp.count('activateFactor'), 0);
  });

  test('activation wrong-code cap closes the enrolment; a new enrolment starts over', async () => {
    const { t, a } = fresh();
    await t.service.enrolStart(a, 'google-authenticator');
    for (let i = 0; i < 4; i++) await rejects(t.service.enrolActivate(a, '000000'), 'INVALID_CODE');
    await rejects(t.service.enrolActivate(a, '000000'), 'TOO_MANY_ATTEMPTS');
    await rejects(t.service.enrolActivate(a, t.idp.enrolCode), 'TOO_MANY_ATTEMPTS');
    assert.equal(t.idp.count('activateFactor'), 5);
    await t.service.enrolStart(a, 'google-authenticator');
    await t.service.enrolActivate(a, t.idp.enrolCode);
  });

  test('methods the operator did not enable, and unknown ones, are METHOD_NOT_AVAILABLE', async () => {
    const { t, a } = fresh({ methods: ['google-authenticator'] });
    await rejects(t.service.enrolStart(a, 'push'), 'METHOD_NOT_AVAILABLE');
    await rejects(t.service.enrolStart(a, 'email' as never), 'METHOD_NOT_AVAILABLE');
    assert.equal(t.idp.count(), 0);
  });

  test('cancel removes the pending factor at the IdP; a cancel after activation never removes the factor', async () => {
    const { t, a } = fresh();
    await t.service.enrolStart(a, 'google-authenticator');
    await t.service.enrolCancel(a);
    assert.deepEqual(t.idp.factorsOf('00uNora'), []);
    await rejects(t.service.enrolStatus(a), 'WRONG_STEP');
    await t.service.enrolStart(a, 'okta-verify-code');
    await t.service.enrolActivate(a, t.idp.enrolCode);
    await t.service.enrolCancel(a);
    assert.equal(t.idp.factorsOf('00uNora')[0]?.status, 'ACTIVE');
  });
});

describe('enrolment for a user with factors', () => {
  function withFactor() {
    const t = createTestAccount();
    const user = t.idp.addUser({ login: 'gina@example.com', id: '00uGina', factors: [{ method: 'google-authenticator', id: 'ostGina' }] });
    return { t, a: t.account(user) };
  }

  test('needs a fresh step-up; with it, enrolment works', async () => {
    const { t, a } = withFactor();
    await rejects(t.service.enrolStart(a, 'okta-verify-code'), 'STEP_UP_REQUIRED');
    await t.service.stepUpStart(a, 'ostGina');
    await t.service.stepUpVerify(a, '123456');
    const start = await t.service.enrolStart(a, 'okta-verify-code');
    assert.equal(start.kind, 'totp');
  });

  test('an active factor of the same method is FACTOR_EXISTS (no IdP enrol call)', async () => {
    const { t, a } = withFactor();
    await t.service.stepUpStart(a, 'ostGina');
    await t.service.stepUpVerify(a, '123456');
    await rejects(t.service.enrolStart(a, 'google-authenticator'), 'FACTOR_EXISTS');
    assert.equal(t.idp.count('enrollFactor'), 0);
  });
});
