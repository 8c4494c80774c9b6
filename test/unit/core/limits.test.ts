// Rate limits (RL-*, OOB-8, PUSH-1, PUSH-5, OTT-7): each answers RATE_LIMITED with retryAfterSeconds, spends no
// IdP call, and treats decoys like real users.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFullUser, createTestRecovery, ctx } from '../../helpers/fakes.js';
import type { PortalError } from '../../../src/core/errors.js';
import type { RecoveryPolicy } from '../../../src/core/recovery/policy.js';

const limited = (retryAfterSeconds: number) => (e: PortalError) => {
  assert.equal(e.code, 'RATE_LIMITED');
  assert.equal(e.retryAfterSeconds, retryAfterSeconds);
  return true;
};

function limits(over: Partial<RecoveryPolicy['limits']>): Partial<RecoveryPolicy> {
  return {
    limits: {
      perLogin: { max: 50, windowSeconds: 900 },
      perIp: { max: 100, windowSeconds: 900 },
      perDestination: { max: 20, windowSeconds: 3600 },
      globalSends: { max: 1000, windowSeconds: 3600 },
      pushPerUser: { max: 10, windowSeconds: 900 },
      ...over,
    },
  };
}

describe('limits', () => {
  test('per IP: start/challenge/verify share the budget; another IP is unaffected; the window resets', async () => {
    const t = createTestRecovery({ policy: limits({ perIp: { max: 3, windowSeconds: 600 } }) });
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx('10.0.0.1') });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx('10.0.0.1') });
    await assert.rejects(t.service.verify({ handle, code: '000000', ctx: ctx('10.0.0.1') }), { code: 'INVALID_CODE' });
    t.clock.advance(100_000);
    const calls = t.idp.count();
    await assert.rejects(t.service.start({ login: 'bob', ctx: ctx('10.0.0.1') }), limited(500));
    assert.equal(t.idp.count(), calls);
    assert.equal(t.audit.last()?.outcome, 'rate_limited');
    await t.service.start({ login: 'bob', ctx: ctx('10.0.0.2') });
    t.clock.advance(500_000);
    await t.service.start({ login: 'bob', ctx: ctx('10.0.0.1') });
  });

  test('per login: across IPs and case variants, for real and unknown logins alike', async () => {
    for (const login of ['alice@example.com', 'ghost@example.com']) {
      const t = createTestRecovery({ policy: limits({ perLogin: { max: 2, windowSeconds: 900 } }) });
      addFullUser(t.idp);
      await t.service.start({ login, ctx: ctx('10.0.0.1') });
      await t.service.start({ login: login.toUpperCase(), ctx: ctx('10.0.0.2') });
      await assert.rejects(t.service.start({ login, ctx: ctx('10.0.0.3') }), limited(900));
      assert.equal(t.idp.count('findUser'), 2);
    }
  });

  test('per destination (toll fraud): SMS and voice to one number share the budget; decoys get the same', async () => {
    for (const login of ['alice@example.com', 'ghost@example.com']) {
      const t = createTestRecovery({ policy: limits({ perDestination: { max: 2, windowSeconds: 3600 } }) });
      addFullUser(t.idp);
      const { handle } = await t.service.start({ login, ctx: ctx() });
      await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
      await t.service.challenge({ handle, method: 'call', ctx: ctx() });
      t.clock.advance(60_000);
      await assert.rejects(t.service.challenge({ handle, method: 'sms', ctx: ctx() }), limited(3540), login);
      assert.equal(t.idp.count('sendChallenge'), login.startsWith('alice') ? 2 : 0);
    }
  });

  test('global sends across users', async () => {
    const t = createTestRecovery({ policy: limits({ globalSends: { max: 2, windowSeconds: 60 } }) });
    addFullUser(t.idp, 'a', 'ACTIVE', '+15550100001');
    addFullUser(t.idp, 'b', 'ACTIVE', '+15550100002');
    addFullUser(t.idp, 'c', 'ACTIVE', '+15550100003');
    for (const login of ['a', 'b']) {
      const { handle } = await t.service.start({ login, ctx: ctx() });
      await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    }
    const { handle } = await t.service.start({ login: 'c', ctx: ctx() });
    await assert.rejects(t.service.challenge({ handle, method: 'call', ctx: ctx() }), limited(60));
    assert.equal(t.idp.count('sendChallenge'), 2);
    // Authenticator-app methods are not sends.
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
  });

  test('pushes per user (push fatigue), counted across flows', async () => {
    const t = createTestRecovery({ policy: limits({ pushPerUser: { max: 2, windowSeconds: 900 } }) });
    addFullUser(t.idp);
    for (let i = 0; i < 2; i++) {
      const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
      await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    }
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await assert.rejects(t.service.challenge({ handle, method: 'push', ctx: ctx() }), limited(900));
    assert.equal(t.idp.count('startPush'), 2);
  });

  test('wrong otts count per IP (OTT-7)', async () => {
    const t = createTestRecovery({ policy: limits({ perIp: { max: 6, windowSeconds: 900 } }) });
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    await t.service.verify({ handle, code: '123456', ctx: ctx() });
    const attempt = () =>
      t.service.setPassword({ handle, ott: 'B'.repeat(43), password: 'p4ssword!', confirmPassword: 'p4ssword!', revokeSessions: false, ctx: ctx() });
    for (let i = 0; i < 6; i++) await assert.rejects(attempt(), { code: 'INVALID_OTT' });
    await assert.rejects(attempt(), { code: 'RATE_LIMITED' });
  });

  test('a refused budget spends nothing after it: not the login budget, not the flow\'s code attempts', async () => {
    const t = createTestRecovery({ policy: limits({ perIp: { max: 2, windowSeconds: 600 } }) });
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx('10.0.0.1') });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx('10.0.0.1') });
    const calls = t.idp.count();
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx('10.0.0.1') }), limited(600));
    assert.equal(t.idp.count(), calls, 'no IdP call');
    assert.equal(await t.store.get('rl:ip:10.0.0.1'), 3, 'the refused attempt counts against the IP');
    assert.equal(await t.store.get('rl:login:alice@example.com'), 2, 'but not against the login');
    assert.deepEqual(t.store.keys().filter((k) => k.startsWith('flow-codes:')), [], 'nor against the flow');
    // From another address, the next code is the flow's first attempt.
    await assert.rejects(t.service.verify({ handle, code: '000000', ctx: ctx('10.0.0.2') }), { code: 'INVALID_CODE' });
    const codes = t.store.keys().filter((k) => k.startsWith('flow-codes:'));
    assert.equal(codes.length, 1);
    assert.equal(await t.store.get(codes[0]!), 1);
    await t.service.verify({ handle, code: '123456', ctx: ctx('10.0.0.3') });
  });
});
