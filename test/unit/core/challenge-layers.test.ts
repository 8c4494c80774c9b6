// Step `challenge` (src/core/recovery/steps/challenge.ts), each of its checks on its own (issue 11, "Test
// strength"): a lost send answer versus other send failures, the user's silent push budget and block (shared with the
// account's step-up), what a decoy push learns from real pushes, and the audit detail of each case.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalError } from '../../../src/core/errors.js';
import { flowKey, type FlowRecord } from '../../../src/core/recovery/flow.js';
import { Limiter } from '../../../src/core/limits.js';
import { addFullUser, createTestRecovery, ctx } from '../../helpers/fakes.js';

const idOf = (handle: string) => handle.split('.')[0] ?? '';
type T = ReturnType<typeof createTestRecovery>;
const detail = (t: T) => t.audit.last()?.detail ?? '';
const state = async (t: T, handle: string) => (await t.store.get<FlowRecord>(flowKey(idOf(handle))))?.state;

describe('challenge: send failures', () => {
  test('a lost answer (IDP_UNAVAILABLE) still moves the flow to code-sent: the code that arrived works', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    t.idp.failNext('sendChallenge', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.challenge({ handle, method: 'sms', ctx: ctx() }), { code: 'IDP_UNAVAILABLE' });
    assert.equal(await state(t, handle), 'code-sent');
    await t.service.verify({ handle, code: '123456', ctx: ctx() });
  });

  test('any other failure leaves the flow where it was', async () => {
    for (const failure of [new PortalError('WRONG_STEP'), new Error('bug')]) {
      const t = createTestRecovery();
      addFullUser(t.idp);
      const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
      t.idp.failNext('sendChallenge', failure);
      await assert.rejects(t.service.challenge({ handle, method: 'call', ctx: ctx() }));
      assert.equal(await state(t, handle), 'started', String(failure));
    }
  });

  test('the code goes to the user\'s own factor of the chosen method', async () => {
    const t = createTestRecovery();
    const user = addFullUser(t.idp);
    const seen: string[][] = [];
    const send = t.idp.sendChallenge.bind(t.idp);
    t.idp.sendChallenge = async (userId, factorId, c) => {
      seen.push([userId, factorId]);
      await send(userId, factorId, c);
    };
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    t.clock.advance(60_000);
    await t.service.challenge({ handle, method: 'call', ctx: ctx() });
    const flow = await t.store.get<FlowRecord>(flowKey(idOf(handle)));
    assert.deepEqual(seen, [[user.id, flow?.factors.sms?.factorId], [user.id, flow?.factors.call?.factorId]]);
    assert.notEqual(flow?.factors.sms?.factorId, flow?.factors.call?.factorId);
  });

  test('the IdP\'s resend refusal is answered as a send, and the audit says nothing was sent', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    t.idp.failNext('sendChallenge', new PortalError('RESEND_TOO_SOON', { retryAfterSeconds: 20 }));
    const r = await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    assert.equal(r.kind, 'code-sent');
    assert.match(detail(t), /not sent/);
    assert.deepEqual(t.sends, []);
  });

  test('a real send and a decoy\'s stand-in do not claim "not sent"; a user without the method is named in the audit', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    t.idp.addUser({ login: 'bob@example.com', factors: [{ method: 'push' }] });
    const a = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle: a.handle, method: 'sms', ctx: ctx() });
    assert.doesNotMatch(detail(t), /not sent|has no/);
    const g = await t.service.start({ login: 'ghost@example.com', ctx: ctx() });
    await t.service.challenge({ handle: g.handle, method: 'sms', ctx: ctx() });
    assert.doesNotMatch(detail(t), /not sent|has no/);
    const b = await t.service.start({ login: 'bob@example.com', ctx: ctx() });
    await t.service.challenge({ handle: b.handle, method: 'call', ctx: ctx() });
    assert.match(detail(t), /user has no call factor/);
    assert.doesNotMatch(detail(t), /not sent/);
    assert.equal(t.idp.count('sendChallenge'), 1);
  });

  test('voice is a send like SMS: the flow waits for a sent code', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'call', ctx: ctx() });
    assert.equal(await state(t, handle), 'code-sent');
  });

  test('a flow stored without verifiedMethods (before two-method rules) still challenges', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    const key = flowKey(idOf(handle));
    const flow = await t.store.get<FlowRecord>(key);
    delete flow!.verifiedMethods;
    await t.store.set(key, flow, 600_000);
    const r = await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    assert.equal(r.kind, 'code-ready');
  });

  test('a method that is not the next factor\'s says so in the audit (with or without the enrolled-methods offer)', async () => {
    for (const showEnrolledMethods of [false, true]) {
      const t = createTestRecovery({
        policy: { showEnrolledMethods, groupRules: [{ name: 'two', groups: ['*'], access: 'allow', methods: ['sms', 'call', 'google-authenticator'], methodsRequired: 2 }] },
      });
      addFullUser(t.idp);
      const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
      await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
      await t.service.verifyStep({ handle, code: '123456', ctx: ctx() });
      // okta-verify-code is outside the rule: not in the start offer either when that lists the enrolled methods.
      await assert.rejects(t.service.challenge({ handle, method: 'okta-verify-code', ctx: ctx() }), { code: 'METHOD_NOT_AVAILABLE' });
      assert.match(detail(t), /not a method for the next factor/, `showEnrolledMethods ${showEnrolledMethods}`);
    }
  });

  test('once every factor is verified, choosing a method is the wrong step, whatever the start offer had', async () => {
    const t = createTestRecovery({ policy: { showEnrolledMethods: true } });
    t.idp.addUser({ login: 'bob@example.com', factors: [{ method: 'google-authenticator' }] });
    const { handle } = await t.service.start({ login: 'bob@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    await t.service.verify({ handle, code: '123456', ctx: ctx() });
    for (const method of ['google-authenticator', 'sms'] as const) {
      await assert.rejects(t.service.challenge({ handle, method, ctx: ctx() }), { code: 'WRONG_STEP' }, method);
    }
  });

  test('a method not offered to the flow says so in the audit', async () => {
    const t = createTestRecovery({ policy: { showEnrolledMethods: true } });
    t.idp.addUser({ login: 'bob@example.com', factors: [{ method: 'push' }] });
    const { handle } = await t.service.start({ login: 'bob@example.com', ctx: ctx() });
    await assert.rejects(t.service.challenge({ handle, method: 'sms', ctx: ctx() }), { code: 'METHOD_NOT_AVAILABLE' });
    assert.match(detail(t), /not offered/);
  });
});

describe('challenge: the user\'s silent push budget and block', () => {
  test('a block set for the user (e.g. after a rejected push in the account) stops recovery pushes, silently', async () => {
    const t = createTestRecovery();
    const user = addFullUser(t.idp);
    await new Limiter(t.store, t.clock).block('push-block', `user:${user.id}`, 600);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    const r = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.equal(r.kind, 'push-waiting');
    assert.equal(t.idp.count('startPush'), 0);
    assert.match(detail(t), /push not sent \(push-block block active\)/);
  });

  test('the user\'s budget is the user\'s: another user\'s pushes do not spend it', async () => {
    const t = createTestRecovery({ policy: { limits: { ...createTestRecovery().policy.limits, pushPerUser: { max: 1, windowSeconds: 900 } } } });
    addFullUser(t.idp, 'a', 'ACTIVE', '+15550100001');
    addFullUser(t.idp, 'b', 'ACTIVE', '+15550100002');
    for (const login of ['a', 'b']) {
      const { handle } = await t.service.start({ login, ctx: ctx() });
      await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    }
    assert.equal(t.idp.count('startPush'), 2);
  });

  test('decoys and real users get the same push budget answers (the stand-in is not the login\'s counter)', async () => {
    for (const login of ['alice@example.com', 'ghost@example.com', 'bob@example.com']) {
      const t = createTestRecovery({ policy: { limits: { ...createTestRecovery().policy.limits, pushPerUser: { max: 2, windowSeconds: 900 } } } });
      addFullUser(t.idp);
      t.idp.addUser({ login: 'bob@example.com', factors: [{ method: 'sms', phoneNumber: '+15550100111' }] });
      for (let i = 0; i < 2; i++) {
        const { handle } = await t.service.start({ login, ctx: ctx() });
        await t.service.challenge({ handle, method: 'push', ctx: ctx() });
      }
      const { handle } = await t.service.start({ login, ctx: ctx() });
      await assert.rejects(t.service.challenge({ handle, method: 'push', ctx: ctx() }), { code: 'RATE_LIMITED' }, login);
      assert.match(t.audit.last()?.detail ?? '', /limit push exceeded/);
      assert.equal(t.idp.count('startPush'), login.startsWith('alice') ? 2 : 0, login);
      // Each flow's silent counter is its own: as many push counters as a real user has.
      assert.equal(t.store.keys().filter((k) => k.startsWith('rl:push:')).length, 2, login);
    }
  });

  test('decoys\' stand-in push counters are per login, as real users\' are per user', async () => {
    const t = createTestRecovery();
    for (const login of ['ghost1@example.com', 'ghost2@example.com']) {
      const { handle } = await t.service.start({ login, ctx: ctx() });
      await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    }
    assert.equal(t.store.keys().filter((k) => k.startsWith('rl:push:')).length, 4);
  });

  test('the push goes to the user\'s own push factor', async () => {
    const t = createTestRecovery();
    const user = addFullUser(t.idp);
    const seen: string[][] = [];
    const startPush = t.idp.startPush.bind(t.idp);
    t.idp.startPush = async (userId, factorId, c) => {
      seen.push([userId, factorId]);
      return startPush(userId, factorId, c);
    };
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    const flow = await t.store.get<FlowRecord>(flowKey(idOf(handle)));
    assert.deepEqual(seen, [[user.id, flow?.factors.push?.factorId]]);
  });

  test('pushes the account made count against the user\'s recovery push budget (one budget per user)', async () => {
    const t = createTestRecovery({ policy: { limits: { ...createTestRecovery().policy.limits, pushPerUser: { max: 1, windowSeconds: 900 } } } });
    const user = addFullUser(t.idp);
    await new Limiter(t.store, t.clock).hit('push', `user:${user.id}`, { max: 1, windowSeconds: 900 }); // the account's step-up push
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    const r = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.equal(r.kind, 'push-waiting');
    assert.equal(t.idp.count('startPush'), 0);
    assert.match(t.audit.last()?.detail ?? '', /push not sent \(limit push exceeded\)/);
  });

  test('a rejected push blocks the user\'s pushes for 15 minutes by default', async () => {
    const t = createTestRecovery();
    const user = addFullUser(t.idp);
    const a = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle: a.handle, method: 'push', ctx: ctx() });
    t.idp.setPushResult(user.id, 'rejected');
    t.clock.advance(5_000);
    await t.service.status({ handle: a.handle, ctx: ctx() }).catch(() => undefined);
    t.clock.advance(14 * 60_000);
    const b = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle: b.handle, method: 'push', ctx: ctx() });
    assert.equal(t.idp.count('startPush'), 1, 'blocked within the 15 minutes');
    t.clock.advance(60_000);
    const c = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle: c.handle, method: 'push', ctx: ctx() });
    assert.equal(t.idp.count('startPush'), 2, 'free after them');
  });

  test('a store failure (or any other refusal) while counting the user\'s push is not taken for a spent budget', async () => {
    for (const failure of [new Error('store down'), new PortalError('IDP_UNAVAILABLE')]) {
      const t = createTestRecovery();
      addFullUser(t.idp);
      const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
      const get = t.store.get.bind(t.store);
      t.store.get = async <V>(key: string): Promise<V | null> => {
        if (key.startsWith('rl:push-block:')) throw failure;
        return get<V>(key);
      };
      await assert.rejects(t.service.challenge({ handle, method: 'push', ctx: ctx() }), (e) => e === failure);
      assert.equal(t.idp.count('startPush'), 0);
    }
  });

  test('a decoy push before any real push lives the usual five minutes', async () => {
    const t = createTestRecovery();
    const { handle } = await t.service.start({ login: 'ghost@example.com', ctx: ctx() });
    const arrival = t.clock.now();
    const r = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.ok(r.kind === 'push-waiting');
    assert.equal(r.expiresAt, Math.floor((arrival + 5 * 60_000) / 1000) * 1000);
  });
});

describe('challenge: a decoy push looks like the real ones seen so far', () => {
  test('its lifetime is the one real pushes had (learnt from arrival to the IdP\'s expiry)', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    t.idp.pushLifetimeMs = 120_000;
    const a = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    const real = await t.service.challenge({ handle: a.handle, method: 'push', ctx: ctx() });
    assert.ok(real.kind === 'push-waiting');
    const g = await t.service.start({ login: 'ghost@example.com', ctx: ctx() });
    const arrival = t.clock.now();
    const decoy = await t.service.challenge({ handle: g.handle, method: 'push', ctx: ctx() });
    assert.ok(decoy.kind === 'push-waiting');
    assert.equal(decoy.expiresAt, Math.floor((arrival + 120_000) / 1000) * 1000);
  });

  test('number matching as real pushes had it: none after pushes without, a number at an even split', async () => {
    const t = createTestRecovery({ timing: { alpha: 0.5 } });
    addFullUser(t.idp);
    t.idp.pushCorrectAnswer = null;
    const a = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle: a.handle, method: 'push', ctx: ctx() });
    const g = await t.service.start({ login: 'ghost@example.com', ctx: ctx() });
    const without = await t.service.challenge({ handle: g.handle, method: 'push', ctx: ctx() });
    assert.ok(without.kind === 'push-waiting');
    assert.equal(without.correctAnswer, null);
    // One push with and one without (EWMA at alpha 0.5: exactly 0.5): decoys show a number.
    t.idp.pushCorrectAnswer = 42;
    const a2 = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle: a2.handle, method: 'push', ctx: ctx() });
    const g2 = await t.service.start({ login: 'ghost@example.com', ctx: ctx() });
    const even = await t.service.challenge({ handle: g2.handle, method: 'push', ctx: ctx() });
    assert.ok(even.kind === 'push-waiting');
    assert.equal(typeof even.correctAnswer, 'number');
  });
});
