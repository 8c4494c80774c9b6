// The account service over the real Okta adapter and the emulator (real sockets): step-up refused without a
// fresh verification, step-up with a TOTP code, then enrol + activate (ending ACTIVE at the emulator), remove and
// change the password, with the new password proven through /api/v1/authn.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createAccountService, cryptoRandom, defaultAccountPolicy, isPortalError, systemClock } from '../../src/core/index.js';
import type { AccountContext, AccountService } from '../../src/core/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { MemoryAudit } from '../helpers/fakes.js';
import { ANN, BOB, BOB_SECRET, PASSWORD, startAccountOrg, type AccountOrg } from './org.js';

let org: AccountOrg;
let service: AccountService;
let audit: MemoryAudit;
const ctx = { ip: '203.0.113.9', userAgent: 'Mozilla/5.0 (test)', requestId: 'req-acct' };
const bob: AccountContext = { userId: BOB, login: 'bob@example.com', sessionId: 'sess-bob', ctx };
const ann: AccountContext = { userId: ANN, login: 'ann@example.com', sessionId: 'sess-ann', ctx };

before(async () => {
  org = await startAccountOrg();
});
after(async () => {
  await org.close();
});
beforeEach(async () => {
  await org.control('POST', 'reset');
  audit = new MemoryAudit();
  service = createAccountService({
    idp: org.idp,
    store: new MemoryStore(systemClock),
    clock: systemClock,
    random: cryptoRandom,
    audit,
    policy: defaultAccountPolicy({ totpIssuer: 'Account Test Org', pushPollIntervalSeconds: 1 }),
  });
});

async function code(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(isPortalError(e));
    return e.code;
  }
  assert.fail('expected a PortalError');
}

test('step-up is refused without a fresh verification, then enrol sms + remove + change password work', async () => {
  assert.equal(await code(service.enrolStart(bob, 'sms', { phoneNumber: '+15555550190' })), 'STEP_UP_REQUIRED');
  assert.equal(await code(service.removeFactor(bob, 'ostBobGoogle0001')), 'STEP_UP_REQUIRED');
  assert.equal(await code(service.stepUpVerify(bob, '123456')), 'WRONG_STEP');

  assert.deepEqual(await service.stepUpStart(bob, 'ostBobGoogle0001'), { kind: 'code-ready' });
  await service.stepUpVerify(bob, await org.totpNow(BOB_SECRET));
  assert.equal(await service.stepUpSatisfied(bob), true);

  const start = await service.enrolStart(bob, 'sms', { phoneNumber: '+15555550190' });
  assert.deepEqual(start, { kind: 'code-sent', method: 'sms', resendAfterSeconds: 30, hint: '+1 ••• ••• 0190' });
  const pending = (await org.factors(BOB)).find((f) => f.factorType === 'sms');
  assert.equal(pending?.status, 'PENDING_ACTIVATION');
  const view = await service.enrolActivate(bob, await org.code(pending.id));
  assert.equal(view.status, 'ACTIVE');
  assert.equal((await org.factors(BOB)).find((f) => f.id === pending.id)?.status, 'ACTIVE');

  await service.removeFactor(bob, pending.id);
  assert.equal((await org.factors(BOB)).some((f) => f.id === pending.id), false);

  assert.equal(
    await code(service.changePassword(bob, { currentPassword: 'nope-Wrong-1', newPassword: 'Fresh-Pass-2031', confirmPassword: 'Fresh-Pass-2031' })),
    'WRONG_CURRENT_PASSWORD',
  );
  await service.changePassword(bob, { currentPassword: PASSWORD, newPassword: 'Fresh-Pass-2031', confirmPassword: 'Fresh-Pass-2031' });
  assert.equal(await org.authn('bob@example.com', 'Fresh-Pass-2031'), 'SUCCESS');

  assert.deepEqual(
    audit.events.map((e) => `${e.action}:${e.outcome}`),
    [
      'account.enrol:denied',
      'account.remove:denied',
      'account.step-up:denied',
      'account.step-up:success',
      'account.step-up:success',
      'account.enrol:success',
      'account.enrol:success',
      'account.remove:success',
      'account.password:failure',
      'account.password:success',
    ],
  );
});

test('a user with no factor enrols push without step-up; the page follows the activation to ACTIVE', async () => {
  const start = await service.enrolStart(ann, 'push');
  assert.ok(start.kind === 'push' && start.qrDataUri?.startsWith('data:image/png;base64,'));
  const factorId = (await org.factors(ANN)).find((f) => f.factorType === 'push')?.id ?? '';
  await org.control('POST', `factors/${factorId}/activate`);
  await new Promise((r) => setTimeout(r, 1_050)); // one poll interval (1 s here) of real time
  assert.equal((await service.enrolStatus(ann)).state, 'active');
  assert.equal((await org.factors(ANN)).find((f) => f.id === factorId)?.status, 'ACTIVE');
  // Now Ann has a factor: a second enrolment needs a step-up.
  assert.equal(await code(service.enrolStart(ann, 'google-authenticator')), 'STEP_UP_REQUIRED');
});

test('another user\'s factor id is never acted on', async () => {
  await service.stepUpStart(bob, 'ostBobGoogle0001');
  await service.stepUpVerify(bob, await org.totpNow(BOB_SECRET));
  const p = await org.idp.enrollFactor(ANN, 'google-authenticator', {});
  assert.equal(await code(service.removeFactor(bob, p.factorId)), 'NOT_FOUND');
  assert.equal(await code(service.stepUpStart(ann, 'ostBobGoogle0001')), 'NOT_FOUND');
  assert.ok((await org.factors(ANN)).some((f) => f.id === p.factorId));
});
