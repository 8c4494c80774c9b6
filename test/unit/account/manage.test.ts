// Listing, removing and changing the password through the account service over fakes: masking, ownership,
// step-up, the last factor, and the password errors; no secret ever reaches the audit log.
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

function setup() {
  const t = createTestAccount();
  const alice = t.idp.addUser({
    login: 'alice@example.com',
    id: '00uAlice',
    factors: [
      { method: 'google-authenticator', id: 'ostAlice' },
      { method: 'sms', id: 'smsAlice', phoneNumber: '+15550100100' },
      { method: null, id: 'emfAlice', email: 'alice@example.com' },
    ],
  });
  const bob = t.idp.addUser({ login: 'bob@example.com', id: '00uBob', factors: [{ method: 'sms', id: 'smsBob', phoneNumber: '+15550100200' }] });
  return { t, alice, bob, a: t.account(alice) };
}

async function stepUp(t: ReturnType<typeof setup>['t'], a: ReturnType<typeof setup>['a']): Promise<void> {
  await t.service.stepUpStart(a, 'ostAlice');
  await t.service.stepUpVerify(a, '123456');
}

describe('listFactors', () => {
  test('every factor with kind, type, provider, status and a masked hint (never the full number or address)', async () => {
    const { t, a } = setup();
    const list = await t.service.listFactors(a);
    assert.deepEqual(list, [
      { id: 'ostAlice', kind: 'google-authenticator', factorType: 'token:software:totp', provider: 'GOOGLE', status: 'ACTIVE' },
      { id: 'smsAlice', kind: 'sms', factorType: 'sms', provider: 'OKTA', status: 'ACTIVE', hint: '+1 ••• ••• 0100' },
      { id: 'emfAlice', kind: 'email', factorType: 'email', provider: 'OKTA', status: 'ACTIVE', hint: 'a•••@example.com' },
    ]);
    assert.ok(!JSON.stringify(list).includes('5550100100'));
  });
});

describe('removeFactor', () => {
  test('with a fresh step-up the factor is removed and audited', async () => {
    const { t, a } = setup();
    await stepUp(t, a);
    await t.service.removeFactor(a, 'smsAlice');
    assert.deepEqual(t.idp.factorsOf('00uAlice').map((f) => f.id), ['ostAlice', 'emfAlice']);
    const ev = t.audit.last();
    assert.deepEqual([ev?.action, ev?.outcome, ev?.method, ev?.userId], ['account.remove', 'success', 'sms', '00uAlice']);
  });

  test('another user\'s factor is NOT_FOUND even with a fresh step-up, and it stays', async () => {
    const { t, a } = setup();
    await stepUp(t, a);
    await rejects(t.service.removeFactor(a, 'smsBob'), 'NOT_FOUND');
    assert.equal(t.idp.count('unenrollFactor'), 0);
    assert.deepEqual(t.idp.factorsOf('00uBob').map((f) => f.id), ['smsBob']);
    assert.equal(t.audit.last()?.outcome, 'denied');
  });

  test('removing the last active factor needs the explicit confirmation; then it is allowed and said so in the audit; afterwards no step-up is needed', async () => {
    const { t, a } = setup();
    await stepUp(t, a);
    await t.service.removeFactor(a, 'smsAlice');
    // The app is now the last method that can recover the account (the email factor cannot): refused unconfirmed.
    await rejects(t.service.removeFactor(a, 'ostAlice'), 'LAST_RECOVERY_METHOD');
    await rejects(t.service.removeFactor(a, 'ostAlice', { confirmLastRecovery: false }), 'LAST_RECOVERY_METHOD');
    assert.deepEqual(t.idp.factorsOf('00uAlice').map((f) => f.id), ['ostAlice', 'emfAlice'], 'nothing removed');
    await t.service.removeFactor(a, 'ostAlice', { confirmLastRecovery: true });
    assert.match(t.audit.last()?.detail ?? '', /no active factor left/);
    assert.match(t.audit.last()?.detail ?? '', /last recovery method confirmed/);
    t.clock.advance(301_000); // the step-up lapsed, but nothing is left to step up with
    assert.equal(await t.service.stepUpSatisfied(a), true);
  });

  test('while another method can still recover the account, removals need no confirmation (email never counts as one)', async () => {
    const { t, a } = setup();
    await stepUp(t, a);
    await t.service.removeFactor(a, 'emfAlice');
    await t.service.removeFactor(a, 'smsAlice');
    assert.deepEqual(t.idp.factorsOf('00uAlice').map((f) => f.id), ['ostAlice']);
  });

  test('without step-up: STEP_UP_REQUIRED, nothing removed', async () => {
    const { t, a } = setup();
    await rejects(t.service.removeFactor(a, 'smsAlice'), 'STEP_UP_REQUIRED');
    assert.equal(t.idp.factorsOf('00uAlice').length, 3);
  });
});

describe('changePassword', () => {
  const input = (current: string, next: string, confirm = next) => ({ currentPassword: current, newPassword: next, confirmPassword: confirm });

  test('new ≠ confirm is PASSWORD_MISMATCH before anything else (no IdP call, even without step-up)', async () => {
    const { t, a } = setup();
    await rejects(t.service.changePassword(a, input('Current-Pass-1', 'New-Pass-123', 'New-Pass-124')), 'PASSWORD_MISMATCH');
    assert.equal(t.idp.count(), 0);
  });

  test('missing or non-string fields are BAD_REQUEST', async () => {
    const { t, a } = setup();
    await rejects(t.service.changePassword(a, input('', 'New-Pass-123')), 'BAD_REQUEST');
    await rejects(t.service.changePassword(a, { currentPassword: 1, newPassword: 'x', confirmPassword: 'x' } as never), 'BAD_REQUEST');
    await rejects(t.service.changePassword(a, input('Current-Pass-1', 'x'.repeat(257))), 'BAD_REQUEST');
  });

  test('wrong current password → WRONG_CURRENT_PASSWORD; policy → PASSWORD_POLICY with causes; then success', async () => {
    const { t, a } = setup();
    await stepUp(t, a);
    await rejects(t.service.changePassword(a, input('Wrong-Pass-1', 'New-Pass-123')), 'WRONG_CURRENT_PASSWORD');
    const policy = await rejects(t.service.changePassword(a, input('Current-Pass-1', 'short')), 'PASSWORD_POLICY');
    assert.ok((policy.causes ?? []).length > 0);
    await t.service.changePassword(a, input('Current-Pass-1', 'New-Pass-123'));
    await rejects(t.service.changePassword(a, input('Current-Pass-1', 'Other-Pass-123')), 'WRONG_CURRENT_PASSWORD');
    const pw = t.audit.events.filter((e) => e.action === 'account.password').map((e) => e.outcome);
    assert.deepEqual(pw, ['failure', 'failure', 'success', 'failure']);
    const log = JSON.stringify(t.audit.events);
    for (const secret of ['Current-Pass-1', 'New-Pass-123', 'Wrong-Pass-1', '123456']) assert.ok(!log.includes(secret), secret);
  });

  test('a malformed context is BAD_REQUEST', async () => {
    const { t, a } = setup();
    await rejects(t.service.listFactors({ ...a, sessionId: '' }), 'BAD_REQUEST');
    await rejects(t.service.stepUpStart({ ...a, userId: undefined as never }, 'ostAlice'), 'BAD_REQUEST');
  });
});
