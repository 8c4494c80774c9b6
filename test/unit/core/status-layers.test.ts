// The status step on its own (issue 11, "Test strength"): what each state answers, which calls are audited, the
// push poll (throttle, the portal's expiry cap, decoys and blocked pushes never polled, a failing IdP not polled
// faster), the verified reissue and the end of the ott window, and the offer/progress only where a method can be
// chosen.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalError } from '../../../src/core/errors.js';
import { FlowRepo, flowKey, ottKey, type FlowRecord } from '../../../src/core/recovery/flow.js';
import { isFactorVerified } from '../../../src/core/recovery/api.js';
import { addFullUser, createTestRecovery, ctx, type TestRecovery } from '../../helpers/fakes.js';

const events = (t: TestRecovery, action = 'recovery.status') => t.audit.events.filter((e) => e.action === action);

/** Rewrites the stored flow record (a record the step must not trust beyond its own checks). */
async function tamper(t: TestRecovery, handle: string, change: (f: FlowRecord) => void): Promise<FlowRecord> {
  const key = flowKey(FlowRepo.idOf(handle) ?? '');
  const flow = await t.store.get<FlowRecord>(key);
  assert.ok(flow);
  change(flow);
  await t.store.set(key, flow, flow.expiresAt - t.clock.now());
  return flow;
}

async function pushing(t: TestRecovery, login = 'alice@example.com') {
  const { handle } = await t.service.start({ login, ctx: ctx() });
  const sentAt = t.clock.now();
  const c = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
  assert.equal(c.kind, 'push-waiting');
  return { handle, expiresAt: (c as { expiresAt: number }).expiresAt, sentAt };
}

describe('status: what each state answers', () => {
  test('code-sent carries the method and its own resend wait (SMS and voice each)', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'call', ctx: ctx() });
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'code-sent', method: 'call', resendAfterSeconds: 30 });
    t.clock.advance(10_000);
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    t.clock.advance(2_500);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'code-sent', method: 'sms', resendAfterSeconds: 28 });
    t.clock.advance(40_000);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'code-sent', method: 'sms', resendAfterSeconds: 0 });
  });

  test('code-ready carries the code method', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'started' });
    for (const method of ['google-authenticator', 'okta-verify-code'] as const) {
      await t.service.challenge({ handle, method, ctx: ctx() });
      assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'code-ready', method });
    }
  });

  test('polls that change nothing are not audited; a reissued ott is', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    await t.service.status({ handle, ctx: ctx() });
    await t.service.status({ handle, ctx: ctx() });
    assert.equal(events(t).length, 0);
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    const v = await t.service.verify({ handle, code: '123456', ctx: ctx() });
    const s = await t.service.status({ handle, ctx: ctx() });
    assert.equal(s.state, 'verified');
    assert.notEqual((s as { ott: string }).ott, v.ott);
    assert.deepEqual(events(t).map((e) => [e.outcome, e.detail]), [['success', 'ott reissued']]);
  });

  test('the end of the ott window: FLOW_EXPIRED, audited, the last ott key deleted', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    await t.service.verify({ handle, code: '123456', ctx: ctx() });
    t.clock.advance(t.policy.ottTtlSeconds * 1000);
    await assert.rejects(t.service.status({ handle, ctx: ctx() }), { code: 'FLOW_EXPIRED' });
    assert.match(events(t).at(-1)?.detail ?? '', /ott window over: flow expired/);
    assert.deepEqual(t.store.keys().filter((k) => k.startsWith('ott:')), []);
  });

  test("the end of the ott window deletes the ott key itself, even when the store would keep it longer", async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    await t.service.verify({ handle, code: '123456', ctx: ctx() });
    const flow = await tamper(t, handle, () => {});
    assert.ok(flow.ottHash);
    const key = ottKey(flow.ottHash);
    await t.store.set(key, await t.store.get(key), 10 * flow.expiresAt); // a store whose key expiry is late
    t.clock.advance(t.policy.ottTtlSeconds * 1000);
    await assert.rejects(t.service.status({ handle, ctx: ctx() }), { code: 'FLOW_EXPIRED' });
    assert.equal(await t.store.get(key), null);
    // and the flow stays expired
    await assert.rejects(t.service.status({ handle, ctx: ctx() }), { code: 'FLOW_EXPIRED' });
  });

  test('a record written before verifiedMethods existed answers as a one-method flow', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    await tamper(t, handle, (f) => {
      delete f.verifiedMethods;
    });
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'code-sent', method: 'sms', resendAfterSeconds: 30 });
  });

  test('two-method flow: after the first factor every answer carries the next-factor offer and the progress', async () => {
    const t = createTestRecovery({
      policy: {
        groupRules: [{ name: 'admins', groups: ['Portal Admins'], access: 'allow', methods: ['push', 'google-authenticator'], methodsRequired: 2 }],
      },
    });
    t.idp.addUser({ login: 'admin@example.com', groups: ['Portal Admins'], factors: [{ method: 'push' }, { method: 'google-authenticator' }] });
    const { handle } = await t.service.start({ login: 'admin@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    const first = await t.service.verifyStep({ handle, code: '123456', ctx: ctx() });
    assert.ok(isFactorVerified(first));
    const sentAt = t.clock.now();
    const c = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.equal(c.kind, 'push-waiting');
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), {
      state: 'waiting',
      correctAnswer: 42,
      expiresAt: (c as { expiresAt: number }).expiresAt,
      sentAt,
      methods: first.methods,
      progress: first.progress,
    });
    assert.deepEqual(first.progress, { step: 2, steps: 2 });
    assert.deepEqual(first.methods, [{ method: 'push' }]);
  });

  test('showEnrolledMethods: the offer comes back where a method can be chosen, never with an ott or after completion', async () => {
    const t = createTestRecovery({ policy: { showEnrolledMethods: true } });
    addFullUser(t.idp);
    const start = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    const handle = start.handle;
    const offered = (start as { methods?: unknown }).methods;
    assert.ok(Array.isArray(offered) && offered.length > 0);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'started', methods: offered });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    await t.service.verify({ handle, code: '123456', ctx: ctx() });
    const s = await t.service.status({ handle, ctx: ctx() });
    assert.deepEqual(Object.keys(s).sort(), ['expiresAt', 'login', 'ott', 'state']);
    await t.service.setPassword({ handle, ott: (s as { ott: string }).ott, password: 'new password 1', confirmPassword: 'new password 1', revokeSessions: false, ctx: ctx() });
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'completed' });
  });
});

describe('status: the push poll', () => {
  test('waiting: the number and expiry; the IdP is polled at most once per interval', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, expiresAt, sentAt } = await pushing(t);
    const waiting = { state: 'waiting', correctAnswer: 42, expiresAt, sentAt };
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), waiting);
    assert.equal(t.idp.count('pollPush'), 0, 'the challenge counts as the first poll');
    t.clock.advance(t.policy.pushPollIntervalSeconds * 1000 - 1);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), waiting);
    assert.equal(t.idp.count('pollPush'), 0);
    t.clock.advance(1);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), waiting);
    assert.equal(t.idp.count('pollPush'), 1);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), waiting);
    assert.equal(t.idp.count('pollPush'), 1);
  });

  test('a record with no send time (written before it was kept, or null) answers waiting without one', async () => {
    for (const change of [(f: FlowRecord) => { delete f.pushSentAt; }, (f: FlowRecord) => { f.pushSentAt = null; }]) {
      const t = createTestRecovery();
      addFullUser(t.idp);
      const { handle, expiresAt } = await pushing(t);
      await tamper(t, handle, change);
      // No sentAt at all: the page then shows no elapsed time (a null would read as sent at the epoch).
      assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'waiting', correctAnswer: 42, expiresAt });
    }
  });

  test('a record with no push expiry is expired (never waits forever), without asking the IdP', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await pushing(t);
    await tamper(t, handle, (f) => {
      f.pushExpiresAt = null;
    });
    t.clock.advance(t.policy.pushPollIntervalSeconds * 1000);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'expired' });
    assert.equal(t.idp.count('pollPush'), 0);
  });

  test('a record with no poll time is polled at once (no throttle to wait for)', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const { handle } = await pushing(t);
    await tamper(t, handle, (f) => {
      f.lastPollAt = null;
    });
    t.idp.setPushResult(alice.id, 'approved');
    assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'verified');
    assert.equal(t.idp.count('pollPush'), 1);
  });

  test('the push expiry is the portal cap: expired at that instant without asking the IdP, audited', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const { handle, expiresAt } = await pushing(t);
    t.clock.set(expiresAt - 1);
    assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'waiting');
    const polls = t.idp.count('pollPush');
    t.idp.setPushResult(alice.id, 'approved');
    t.clock.set(expiresAt);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'expired' });
    assert.equal(t.idp.count('pollPush'), polls);
    assert.match(events(t).at(-1)?.detail ?? '', /push expired \(portal cap\)/);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'expired' });
  });

  test('approved, rejected and timed out are audited with what happened', async () => {
    for (const [result, state, detail, outcome] of [
      ['approved', 'verified', 'push approved', 'success'],
      ['rejected', 'rejected', 'push rejected by the user', 'denied'],
      ['timeout', 'expired', 'push timed out', 'success'],
    ] as const) {
      const t = createTestRecovery();
      const alice = addFullUser(t.idp);
      const { handle } = await pushing(t);
      t.idp.setPushResult(alice.id, result);
      t.clock.advance(t.policy.pushPollIntervalSeconds * 1000);
      assert.equal((await t.service.status({ handle, ctx: ctx() })).state, state);
      const ev = events(t).at(-1);
      assert.equal(ev?.outcome, outcome, result);
      assert.match(ev?.detail ?? '', new RegExp(detail));
      // the end state answers the same afterwards
      assert.equal((await t.service.status({ handle, ctx: ctx() })).state, state);
    }
  });

  test('a rejection blocks the user\'s pushes for the default cooling period (15 min) when none is set', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const { handle } = await pushing(t);
    t.idp.setPushResult(alice.id, 'rejected');
    t.clock.advance(t.policy.pushPollIntervalSeconds * 1000);
    await t.service.status({ handle, ctx: ctx() });
    const pushes = t.idp.count('startPush');
    t.clock.advance(15 * 60_000 - 1);
    await pushing(t);
    assert.equal(t.idp.count('startPush'), pushes, 'still blocked');
    t.clock.advance(1);
    await pushing(t);
    assert.equal(t.idp.count('startPush'), pushes + 1);
  });

  test('decoy pushes, pushes without a factor and blocked pushes are never polled at the IdP, and stay waiting', async () => {
    const t = createTestRecovery({ policy: { pushRejectedCooldownSeconds: 600 } });
    const alice = addFullUser(t.idp);
    t.idp.addUser({ login: 'nopush@example.com', factors: [{ method: 'sms', phoneNumber: '+15550100111' }] });
    const decoy = await pushing(t, 'nobody@example.com');
    const nopush = await pushing(t, 'nopush@example.com');
    // a blocked push: the user's earlier push was rejected
    const first = await pushing(t);
    t.idp.setPushResult(alice.id, 'rejected');
    t.clock.advance(t.policy.pushPollIntervalSeconds * 1000);
    await t.service.status({ handle: first.handle, ctx: ctx() });
    const blocked = await pushing(t);
    const polls = t.idp.count('pollPush');
    t.clock.advance(t.policy.pushPollIntervalSeconds * 1000);
    for (const h of [decoy, nopush, blocked]) {
      assert.equal((await t.service.status({ handle: h.handle, ctx: ctx() })).state, 'waiting');
    }
    assert.equal(t.idp.count('pollPush'), polls);
  });

  test('records naming no user or no factor are never polled at the IdP, even with a transaction id', async () => {
    for (const change of [(f: FlowRecord) => { f.userId = null; }, (f: FlowRecord) => { f.factorId = null; }]) {
      const t = createTestRecovery();
      addFullUser(t.idp);
      const { handle } = await pushing(t);
      await tamper(t, handle, (f) => {
        assert.notEqual(f.transactionId, null);
        change(f);
      });
      t.clock.advance(t.policy.pushPollIntervalSeconds * 1000);
      assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'waiting');
      assert.equal(t.idp.count('pollPush'), 0);
    }
  });

  test("a decoy's poll takes as long as a real one (RST-2): padded to the measured IdP poll time", async () => {
    const t = createTestRecovery({ latencyMs: { pollPush: 700 }, timing: { alpha: 1, jitter: 0, initialMs: 150 } });
    addFullUser(t.idp);
    const real = await pushing(t);
    const decoy = await pushing(t, 'nobody@example.com');
    t.clock.advance(t.policy.pushPollIntervalSeconds * 1000);
    let t0 = t.clock.now();
    await t.service.status({ handle: real.handle, ctx: ctx() });
    assert.equal(t.clock.now() - t0, 700);
    t0 = t.clock.now();
    assert.equal((await t.service.status({ handle: decoy.handle, ctx: ctx() })).state, 'waiting');
    assert.equal(t.clock.now() - t0, 700);
  });

  test('a failing IdP poll: the error passes, audited, and the next status within the interval does not poll again', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await pushing(t);
    t.clock.advance(t.policy.pushPollIntervalSeconds * 1000);
    t.idp.failNext('pollPush', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.status({ handle, ctx: ctx() }), { code: 'IDP_UNAVAILABLE' });
    assert.equal(events(t).at(-1)?.outcome, 'error');
    assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'waiting');
    assert.equal(t.idp.count('pollPush'), 1);
  });
});
