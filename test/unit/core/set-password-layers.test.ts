// The set-password step's own checks, each on its own (issue 11, "Test strength"): input bounds, the mismatch check
// before the ott is spent, the per-IP ott budget shared with unlock, the decoy and superseded-flow refusals, the
// unlock before the write, the breach check, REL-6 reconciliation (same and other password, lost answers twice),
// the sessions port, the audit details and what a completed flow keeps.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalError } from '../../../src/core/errors.js';
import { createRecoveryService } from '../../../src/core/index.js';
import { FlowRepo, flowKey, type FlowRecord } from '../../../src/core/recovery/flow.js';
import { setPassword } from '../../../src/core/recovery/steps/set-password.js';
import type { StepEnv } from '../../../src/core/recovery/env.js';
import { Limiter } from '../../../src/core/limits.js';
import { TimingEqualizer } from '../../../src/core/timing.js';
import type { BreachCheck } from '../../../src/core/breach.js';
import { OKTA_DEFAULT_RULES, type PasswordRules } from '../../../src/core/password-rules.js';
import type { StrengthCheck } from '../../../src/core/strength.js';
import type { IdpUser } from '../../../src/core/ports.js';
import {
  addFullUser,
  createTestRecovery,
  ctx,
  FakeClock,
  FakeIdp,
  FakeNotifier,
  followHandles,
  MemoryAudit,
  SeededRandom,
  testPolicy,
  type TestRecovery,
} from '../../helpers/fakes.js';
import { MemoryStore } from '../../../src/store/memory.js';

async function verified(t: { service: TestRecovery['service'] }, login = 'alice@example.com', ip = '203.0.113.7') {
  const { handle } = await t.service.start({ login, ctx: ctx(ip) });
  await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx(ip) });
  const v = await t.service.verify({ handle, code: '123456', ctx: ctx(ip) });
  return { handle, ott: v.ott };
}

const pw = (handle: string, ott: string, password = 'new password 1', confirmPassword = password, ip = '203.0.113.7') => ({
  handle,
  ott,
  password,
  confirmPassword,
  revokeSessions: false,
  ctx: ctx(ip),
});

/** A submission whose fields may be anything a request can carry. */
const raw = (handle: string, ott: string, password: unknown, confirmPassword: unknown) => ({
  ...pw(handle, ott),
  password: password as string,
  confirmPassword: confirmPassword as string,
});

const lastOf = (t: { audit: MemoryAudit }, action: string) => t.audit.events.filter((e) => e.action === action).at(-1);

async function currentOtt(t: TestRecovery, handle: string): Promise<string> {
  const s = await t.service.status({ handle, ctx: ctx() });
  assert.equal(s.state, 'verified');
  return (s as { ott: string }).ott;
}

/** The next `n` writes are applied at the IdP but their answers are lost. */
function loseAnswers(t: TestRecovery, n: number, error: unknown = new PortalError('IDP_UNAVAILABLE', { detail: 'okta setPassword: network error ECONNRESET' })): void {
  const original = t.idp.setPassword.bind(t.idp);
  let left = n;
  t.idp.setPassword = async (userId, password) => {
    await original(userId, password);
    if (left > 0) {
      left--;
      throw error;
    }
  };
}

async function storedFlow(t: { store: MemoryStore }, handle: string): Promise<FlowRecord> {
  const id = FlowRepo.idOf(handle);
  assert.ok(id, 'a well-formed handle');
  const flow = await t.store.get<FlowRecord>(flowKey(id));
  assert.ok(flow, 'the flow record is stored');
  return flow;
}

/** Rewrites the stored flow record (a record the step must not trust beyond its own checks). */
async function tamper(t: { store: MemoryStore; clock: FakeClock }, handle: string, change: (f: FlowRecord) => void): Promise<void> {
  const flow = await storedFlow(t, handle);
  change(flow);
  await t.store.set(flowKey(flow.id), flow, flow.expiresAt - t.clock.now());
}

/** The step's environment over a test recovery's fakes, to call the step without the service in front. */
function stepEnv(t: TestRecovery): StepEnv {
  return {
    idp: t.idp, store: t.store, clock: t.clock, random: t.random, audit: t.audit, notifier: t.notifier, policy: t.policy,
    flows: new FlowRepo(t.store, t.clock),
    limiter: new Limiter(t.store, t.clock),
    timing: new TimingEqualizer(t.clock, t.random),
  };
}

describe('set-password: input checks before the ott is spent', () => {
  test('password bounds: 1..256 characters and a string; refused with a clear message, no IdP call, ott kept', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    for (const bad of ['', 'x'.repeat(257), 42, null, undefined]) {
      await assert.rejects(t.service.setPassword(raw(handle, ott, bad, bad)), (e: PortalError) => {
        assert.equal(e.code, 'BAD_REQUEST', String(bad));
        assert.equal(e.message, 'Enter a password of at most 256 characters.');
        return true;
      });
    }
    assert.equal(t.idp.count('setPassword'), 0);
    const longest = 'y'.repeat(256);
    assert.deepEqual(await t.service.setPassword(pw(handle, ott, longest)), { changed: true });
    assert.equal(t.idp.passwords.get('00u1'), longest);
  });

  test('a mismatch or a missing confirmation is PASSWORD_MISMATCH before the ott is spent', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'new password 1', 'new password 2')), { code: 'PASSWORD_MISMATCH' });
    await assert.rejects(t.service.setPassword(raw(handle, ott, 'new password 1', undefined)), { code: 'PASSWORD_MISMATCH' });
    assert.equal(t.idp.count('setPassword'), 0);
    assert.deepEqual(await t.service.setPassword(pw(handle, ott)), { changed: true }, 'the ott was not spent');
  });

  test('a completed flow: INVALID_OTT, audited as denied with why', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await t.service.setPassword(pw(handle, ott));
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'INVALID_OTT' });
    const ev = lastOf(t, 'recovery.password');
    assert.equal(ev?.outcome, 'denied');
    assert.match(ev?.detail ?? '', /code=INVALID_OTT \(flow already completed\)/);
  });

  test('set-password and unlock spend one per-IP ott budget (OTT-7), per IP', async () => {
    const t = createTestRecovery({ policy: { limits: { ...testPolicy().limits, perIp: { max: 3, windowSeconds: 900 } } } });
    addFullUser(t.idp);
    addFullUser(t.idp, 'bob@example.com');
    const a = await verified(t, 'alice@example.com', '192.0.2.1');
    const b = await verified(t, 'bob@example.com', '192.0.2.2');
    const ip = '198.51.100.9';
    // Three unlock attempts (refused: no unlock for this flow) spend this IP's ott budget...
    for (let i = 0; i < 3; i++) await assert.rejects(t.service.unlock({ handle: a.handle, ott: a.ott, ctx: ctx(ip) }), { code: 'WRONG_STEP' });
    // ...so a password submission from that IP is over it, even with the right ott.
    await assert.rejects(t.service.setPassword(pw(a.handle, a.ott, 'new password 1', 'new password 1', ip)), { code: 'RATE_LIMITED' });
    assert.equal(t.idp.count('setPassword'), 0);
    // Another IP has its own budget.
    assert.deepEqual(await t.service.setPassword(pw(b.handle, b.ott, 'new password 1', 'new password 1', '198.51.100.10')), { changed: true });
  });
});

describe('set-password: refusals the step makes on its own', () => {
  test('a decoy record in verified (never reachable through the flow) changes no password', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await tamper(t, handle, (f) => {
      f.userId = null;
    });
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'INVALID_OTT' });
    assert.equal(t.idp.count('setPassword'), 0);
    assert.match(lastOf(t, 'recovery.password')?.detail ?? '', /decoy flow cannot change a password/);
  });

  test('a flow started in the same millisecond as a completed change is superseded (OTT-3)', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const first = await verified(t);
    const second = await verified(t); // no clock movement: same createdAt as the change below
    await t.service.setPassword(pw(first.handle, first.ott));
    await assert.rejects(t.service.setPassword(pw(second.handle, second.ott, 'new password 2')), { code: 'INVALID_OTT' });
    assert.match(lastOf(t, 'recovery.password')?.detail ?? '', /superseded by a later password change/);
    assert.equal(t.idp.passwords.get('00u1'), 'new password 1');
    // A flow started after the change is not.
    t.clock.advance(1);
    const third = await verified(t);
    assert.deepEqual(await t.service.setPassword(pw(third.handle, third.ott, 'new password 3')), { changed: true });
  });

  test('without any change marker a flow is never superseded, whenever it started (even at time 0)', async () => {
    const t = createTestRecovery();
    t.clock.set(0);
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    assert.deepEqual(await t.service.setPassword(pw(handle, ott)), { changed: true });
  });

  test('a LOCKED_OUT record is not unlocked when the policy allows neither locked-out users nor unlocking', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await tamper(t, handle, (f) => {
      f.userStatus = 'LOCKED_OUT';
    });
    assert.deepEqual(await t.service.setPassword(pw(handle, ott)), { changed: true });
    assert.equal(t.idp.count('unlockUser'), 0);
    assert.doesNotMatch(lastOf(t, 'recovery.password')?.detail ?? '', /unlocked/);
  });

  test('allowLockedOut: the user is unlocked once, audited; a failed write after it does not unlock again', async () => {
    const t = createTestRecovery({ policy: { allowLockedOut: true } });
    addFullUser(t.idp, 'alice@example.com', 'LOCKED_OUT');
    const { handle, ott } = await verified(t);
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'short', 'short')), { code: 'PASSWORD_POLICY' });
    assert.equal(t.idp.count('unlockUser'), 1);
    assert.match(lastOf(t, 'recovery.password')?.detail ?? '', /user unlocked/);
    assert.equal((await storedFlow(t, handle)).userStatus, 'ACTIVE', 'the record no longer claims LOCKED_OUT');
    assert.deepEqual(await t.service.setPassword(pw(handle, await currentOtt(t, handle))), { changed: true });
    assert.equal(t.idp.count('unlockUser'), 1);
  });
});

describe('set-password: the breached-password check', () => {
  function withBreach(check: BreachCheck) {
    const clock = new FakeClock();
    const idp = new FakeIdp({ clock });
    const store = new MemoryStore(clock);
    const audit = new MemoryAudit();
    const raw = createRecoveryService({
      idp, store, clock, random: new SeededRandom(), audit, notifier: new FakeNotifier(), policy: testPolicy(), breach: check,
    });
    return { service: followHandles(raw), idp, store, clock, audit } as unknown as TestRecovery;
  }

  test('a breached password is refused before any IdP write; the ott is kept', async () => {
    const checked: string[] = [];
    const t = withBreach({ failOpen: false, passwords: { isBreached: async (p) => (checked.push(p), p === 'password123') } });
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'password123')), { code: 'PASSWORD_BREACHED' });
    assert.equal(t.idp.count('setPassword'), 0);
    assert.deepEqual(await t.service.setPassword(pw(handle, await currentOtt(t, handle))), { changed: true });
    assert.deepEqual(checked, ['password123', 'new password 1']);
  });

  test('a retry of a password already applied (REL-6) is not checked again: the corpus cannot refuse what is in effect', async () => {
    let available = true;
    const t = withBreach({
      failOpen: false,
      passwords: {
        isBreached: async () => {
          if (!available) throw new PortalError('SERVICE_UNAVAILABLE', { detail: 'corpus down' });
          return false;
        },
      },
    });
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    loseAnswers(t, 1);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'IDP_UNAVAILABLE' });
    available = false;
    assert.deepEqual(await t.service.setPassword(pw(handle, await currentOtt(t, handle))), { changed: true });
    assert.equal(t.idp.count('setPassword'), 1);
  });
});

describe('set-password: ambiguous writes (REL-6), each branch', () => {
  test('a normal write asks nothing and notes nothing about REL-6', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await t.service.setPassword(pw(handle, ott));
    assert.equal(t.idp.count('passwordChangedSince'), 0);
    const detail = lastOf(t, 'recovery.password')?.detail ?? '';
    assert.doesNotMatch(detail, /REL-6/);
    assert.doesNotMatch(detail, /portal sessions/, 'without a sessions port nothing is claimed about them');
  });

  test('applied but unanswered: reconciled as done, the audit names the lost answer (detail, or the code)', async () => {
    for (const [error, shown] of [
      [new PortalError('IDP_UNAVAILABLE', { detail: 'okta setPassword: network error ECONNRESET' }), 'okta setPassword: network error ECONNRESET'],
      [new PortalError('IDP_UNAVAILABLE'), 'IDP_UNAVAILABLE'],
    ] as const) {
      const t = createTestRecovery();
      addFullUser(t.idp);
      const { handle, ott } = await verified(t);
      loseAnswers(t, 1, error);
      assert.deepEqual(await t.service.setPassword(pw(handle, ott)), { changed: true });
      assert.equal(t.idp.count('setPassword'), 1);
      assert.equal(lastOf(t, 'recovery.password')?.outcome, 'success');
      // A message of its own: without one, a failing assert.ok re-reads this TypeScript source to describe the
      // expression, which can take minutes (a mutation run then reports a timeout instead of a failure).
      const detail = lastOf(t, 'recovery.password')?.detail ?? '';
      assert.ok(detail.includes(`write outcome unknown (${shown}); passwordChanged moved: reconciled as done (REL-6)`), detail);
    }
  });

  test('with an earlier change of the user, the baseline is the value read at start (a later write is seen)', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const first = await verified(t);
    await t.service.setPassword(pw(first.handle, first.ott));
    t.clock.advance(60_000);
    const { handle, ott } = await verified(t);
    t.clock.advance(60_000);
    loseAnswers(t, 1);
    assert.deepEqual(await t.service.setPassword(pw(handle, ott, 'new password 2')), { changed: true });
    assert.equal(t.idp.passwords.get('00u1'), 'new password 2');
    // And a write that was not applied is not taken for one (the older change is before the baseline).
    t.clock.advance(60_000);
    const third = await verified(t);
    t.clock.advance(60_000);
    t.idp.failNext('setPassword', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(third.handle, third.ott, 'new password 3')), { code: 'IDP_UNAVAILABLE' });
  });

  test('the check failing too: the error stands (never "changed" on no evidence); the retry checks first, no second write', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    loseAnswers(t, 1);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'IDP_UNAVAILABLE' });
    const stored = await storedFlow(t, handle);
    assert.equal(stored.passwordWriteUnconfirmed, true);
    assert.equal(typeof stored.unconfirmedPasswordMac, 'string');
    assert.ok(!JSON.stringify(stored).includes('new password 1'), 'the store holds no password');
    assert.deepEqual(await t.service.setPassword(pw(handle, await currentOtt(t, handle))), { changed: true });
    assert.equal(t.idp.count('setPassword'), 1, 'never written twice');
    assert.match(lastOf(t, 'recovery.password')?.detail ?? '', /an earlier write of this password had been applied \(REL-6\): not written again/);
  });

  test('not applied: the error stands; the retry checks, then writes its own password', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    t.idp.failNext('setPassword', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'IDP_UNAVAILABLE' });
    assert.equal(t.idp.count('passwordChangedSince'), 1);
    assert.deepEqual(await t.service.setPassword(pw(handle, await currentOtt(t, handle), 'new password 2')), { changed: true });
    assert.equal(t.idp.count('passwordChangedSince'), 2);
    assert.equal(t.idp.passwords.get('00u1'), 'new password 2');
  });

  test('definite refusals are not reconciled: PASSWORD_POLICY, and an unexpected error', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'short')), { code: 'PASSWORD_POLICY' });
    t.idp.failNext('setPassword', new TypeError('boom'));
    await assert.rejects(t.service.setPassword(pw(handle, await currentOtt(t, handle))), TypeError);
    assert.equal(t.idp.count('passwordChangedSince'), 0);
    assert.equal((await storedFlow(t, handle)).passwordWriteUnconfirmed, undefined);
  });

  test('the retry types ANOTHER password: it is written (and is what "changed" reports)', async () => {
    const t = createTestRecovery();
    const alice: IdpUser = addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    loseAnswers(t, 1);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'first password one')), { code: 'IDP_UNAVAILABLE' });
    assert.deepEqual(await t.service.setPassword(pw(handle, await currentOtt(t, handle), 'second password two')), { changed: true });
    assert.equal(t.idp.passwords.get(alice.id), 'second password two');
    assert.match(lastOf(t, 'recovery.password')?.detail ?? '', /an earlier write of another password had been applied \(REL-6\): writing this one/);
  });

  test('that other write lost too: no fingerprint is kept, so the next retry (same password) writes again', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    loseAnswers(t, 2);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'first password one')), { code: 'IDP_UNAVAILABLE' });
    await assert.rejects(t.service.setPassword(pw(handle, await currentOtt(t, handle), 'second password two')), { code: 'IDP_UNAVAILABLE' });
    assert.equal((await storedFlow(t, handle)).unconfirmedPasswordMac, null);
    assert.deepEqual(await t.service.setPassword(pw(handle, await currentOtt(t, handle), 'first password one')), { changed: true });
    assert.equal(t.idp.passwords.get(alice.id), 'first password one');
    assert.equal(t.idp.count('setPassword'), 3);
  });

  test('that other write refused for good (PASSWORD_POLICY): the fingerprint stays, the applied password is still recognised', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    loseAnswers(t, 1);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'first password one')), { code: 'IDP_UNAVAILABLE' });
    await assert.rejects(t.service.setPassword(pw(handle, await currentOtt(t, handle), 'short')), { code: 'PASSWORD_POLICY' });
    assert.equal(typeof (await storedFlow(t, handle)).unconfirmedPasswordMac, 'string');
    assert.deepEqual(await t.service.setPassword(pw(handle, await currentOtt(t, handle), 'first password one')), { changed: true });
    assert.equal(t.idp.count('setPassword'), 2, 'the applied password is not written again');
  });

  test('the step called without a handle keeps no fingerprint: an unconfirmed write is then written again', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    const env = stepEnv(t);
    loseAnswers(t, 1);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    const note = { login: null, userId: null, method: null };
    const input = { ott, password: 'new password 1', confirmPassword: 'new password 1', revokeSessions: false, ctx: ctx() };
    await assert.rejects(setPassword(env, await storedFlow(t, handle), input, note), { code: 'IDP_UNAVAILABLE' });
    assert.equal((await storedFlow(t, handle)).unconfirmedPasswordMac, null);
    // A retry with a handle cannot match a missing fingerprint: written again.
    assert.deepEqual(await t.service.setPassword(pw(handle, await currentOtt(t, handle))), { changed: true });
    assert.equal(t.idp.count('setPassword'), 2);
  });

  test('a fingerprinted unconfirmed write, retried by a call without a handle: cannot be matched, so written again', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    loseAnswers(t, 1);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'IDP_UNAVAILABLE' });
    assert.equal(typeof (await storedFlow(t, handle)).unconfirmedPasswordMac, 'string');
    const note = { login: null, userId: null, method: null };
    const input = { ott: await currentOtt(t, handle), password: 'new password 1', confirmPassword: 'new password 1', revokeSessions: false, ctx: ctx() };
    assert.deepEqual(await setPassword(stepEnv(t), await storedFlow(t, handle), input, note), { changed: true });
    assert.equal(t.idp.count('setPassword'), 2);
  });
});

describe('set-password: after the write', () => {
  function withSessions(fail: boolean) {
    const clock = new FakeClock();
    const idp = new FakeIdp({ clock });
    const store = new MemoryStore(clock);
    const audit = new MemoryAudit();
    const ended: Array<[string, string | null]> = [];
    const raw = createRecoveryService({
      idp, store, clock, random: new SeededRandom(), audit, notifier: new FakeNotifier(), policy: testPolicy(),
      sessions: {
        endUserSessions: async (userId, keep) => {
          if (fail) throw new Error('sessions store down');
          ended.push([userId, keep]);
        },
      },
    });
    return { t: { service: followHandles(raw), idp, store, clock, audit } as unknown as TestRecovery, ended };
  }

  test("the user's portal sessions end (none kept); a failure is audited and does not undo the change", async () => {
    const ok = withSessions(false);
    const alice = addFullUser(ok.t.idp);
    let v = await verified(ok.t);
    assert.deepEqual(await ok.t.service.setPassword(pw(v.handle, v.ott)), { changed: true });
    assert.deepEqual(ok.ended, [[alice.id, null]]);
    assert.match(lastOf(ok.t, 'recovery.password')?.detail ?? '', /portal sessions ended/);

    const bad = withSessions(true);
    addFullUser(bad.t.idp);
    v = await verified(bad.t);
    assert.deepEqual(await bad.t.service.setPassword(pw(v.handle, v.ott)), { changed: true });
    const ev = lastOf(bad.t, 'recovery.password');
    assert.equal(ev?.outcome, 'success');
    assert.match(ev?.detail ?? '', /ending portal sessions FAILED/);
  });

  test('revokeSessions: revoked and audited; a failure is audited and does not undo the change', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    let v = await verified(t);
    await t.service.setPassword({ ...pw(v.handle, v.ott), revokeSessions: true });
    assert.deepEqual(t.idp.revoked, [alice.id]);
    assert.match(lastOf(t, 'recovery.password')?.detail ?? '', /sessions revoked/);
    t.clock.advance(1);
    v = await verified(t);
    t.idp.failNext('revokeSessions', new PortalError('IDP_UNAVAILABLE'));
    assert.deepEqual(await t.service.setPassword({ ...pw(v.handle, v.ott, 'new password 2'), revokeSessions: true }), { changed: true });
    assert.match(lastOf(t, 'recovery.password')?.detail ?? '', /session revocation FAILED/);
  });

  test('a completed flow keeps nothing it does not need: no factors, offer, Okta ids, ott or fingerprint', async () => {
    const t = createTestRecovery({ policy: { showEnrolledMethods: true } });
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await t.service.setPassword(pw(handle, ott));
    const f = await storedFlow(t, handle);
    assert.equal(f.state, 'completed');
    assert.deepEqual(f.factors, {});
    assert.deepEqual(f.offered, []);
    assert.equal(f.factorId, null);
    assert.equal(f.transactionId, null);
    assert.equal(f.correctAnswer, null);
    assert.equal(f.ottHash, null);
    assert.equal(f.ottExpiresAt, null);
    assert.equal(f.unconfirmedPasswordMac, null);
    assert.ok(!JSON.stringify(f).includes('+1555'), 'no phone number');
  });
});

describe('set-password: the password rules and the strength estimate', () => {
  /** A recovery over fakes with the strength estimate and/or the org's rules configured. */
  function withChecks(deps: { strength?: StrengthCheck; passwordRules?: () => Promise<PasswordRules | null> }) {
    const clock = new FakeClock();
    const idp = new FakeIdp({ clock });
    const store = new MemoryStore(clock);
    const audit = new MemoryAudit();
    const raw = createRecoveryService({
      idp, store, clock, random: new SeededRandom(), audit, notifier: new FakeNotifier(), policy: testPolicy(), ...deps,
    });
    return { service: followHandles(raw), idp, store, clock, audit } as unknown as TestRecovery;
  }

  /** An estimator that answers `score` and records what it was asked. */
  function estimator(score: () => number) {
    const asked: Array<[string, readonly string[]]> = [];
    const check: StrengthCheck = {
      minScore: 3,
      estimator: { score: async (password, userInputs) => (asked.push([password, userInputs]), score()) },
    };
    return { check, asked };
  }

  /** Okta's refusal as the adapter maps it: "requirements were not met" (every rule listed) plus the history rule. */
  const oktaRefusal = () =>
    new PortalError('PASSWORD_POLICY', {
      detail: 'okta setPassword: E0000080',
      causes: ['Password requirements were not met. Password requirements: at least 12 characters.', 'Password cannot be your current password'],
      reasons: ['requirements', 'history'],
    });

  test('a password that breaks no known rule goes through the estimate: too easy is PASSWORD_POLICY "weak", nothing written, ott kept', async () => {
    let score = 0;
    const { check, asked } = estimator(() => score);
    const t = withChecks({ strength: check });
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'Summer2030')), (e: PortalError) => {
      assert.equal(e.code, 'PASSWORD_POLICY');
      assert.deepEqual(e.reasons, ['weak']);
      return true;
    });
    assert.equal(t.idp.count('setPassword'), 0);
    assert.deepEqual(asked, [['Summer2030', ['alice@example.com', 'alice']]], 'the login and its parts are the words to avoid');
    score = 3;
    assert.deepEqual(await t.service.setPassword(pw(handle, await currentOtt(t, handle), 'Summer2030 by the lake')), { changed: true });
    assert.equal(t.idp.passwords.get('00u1'), 'Summer2030 by the lake');
  });

  test('a password that breaks a known rule is not estimated: the IdP refuses it and the answer names the broken rules', async () => {
    const { check, asked } = estimator(() => 0);
    const t = withChecks({ strength: check });
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'short')), (e: PortalError) => {
      assert.equal(e.code, 'PASSWORD_POLICY');
      // Okta's default rules (no rules source): at least 8 characters, an uppercase letter and a digit are missing.
      assert.deepEqual(e.reasons, ['length', 'uppercase', 'number']);
      assert.deepEqual(e.causes, ['Password requirements were not met. Password requirements: at least 8 characters.']);
      return true;
    });
    assert.equal(t.idp.count('setPassword'), 1, 'the IdP stays the authority');
    assert.deepEqual(asked, [], 'no estimate for a password the rules already refuse');
    // The ott was kept; a password the rules refuse but the IdP accepts is written, still without an estimate.
    assert.deepEqual(await t.service.setPassword(pw(handle, await currentOtt(t, handle), 'longer password')), { changed: true });
    assert.equal(t.idp.passwords.get('00u1'), 'longer password');
    assert.deepEqual(asked, []);
  });

  test("Okta's refusal: the broken rules of the org's policy replace 'requirements', its other reasons, detail and causes stay", async () => {
    const orgRules: PasswordRules = { ...OKTA_DEFAULT_RULES, minLength: 12, uppercase: false, number: false, symbol: true };
    const t = withChecks({ passwordRules: async () => orgRules });
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    t.idp.failNext('setPassword', oktaRefusal());
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'abcdefghij')), (e: PortalError) => {
      assert.equal(e.code, 'PASSWORD_POLICY');
      assert.deepEqual(e.reasons, ['length', 'symbol', 'history']);
      assert.equal(e.detail, 'okta setPassword: E0000080');
      assert.deepEqual(e.causes, oktaRefusal().causes);
      return true;
    });
    assert.match(lastOf(t, 'recovery.password')?.detail ?? '', /okta setPassword: E0000080/, 'the audit keeps what Okta said');
  });

  test("without the org's rules (no source, none known, or a failing source) Okta's default rules name the broken one", async () => {
    const sources: Array<(() => Promise<PasswordRules | null>) | undefined> = [
      undefined,
      async () => null,
      async () => {
        throw new PortalError('IDP_UNAVAILABLE', { detail: 'okta policies: timeout' });
      },
    ];
    for (const passwordRules of sources) {
      const t = withChecks(passwordRules ? { passwordRules } : {});
      addFullUser(t.idp);
      const { handle, ott } = await verified(t);
      t.idp.failNext('setPassword', oktaRefusal());
      await assert.rejects(t.service.setPassword(pw(handle, ott, 'abcdefghij')), (e: PortalError) => {
        assert.equal(e.code, 'PASSWORD_POLICY');
        assert.deepEqual(e.reasons, ['uppercase', 'number', 'history'], String(passwordRules));
        return true;
      });
    }
  });

  test('an IdP refusal no known rule explains passes unchanged ("requirements" stays: the page lists every rule)', async () => {
    const t = withChecks({});
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    const refusal = oktaRefusal();
    t.idp.failNext('setPassword', refusal);
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'Abcdefghij1')), (e: unknown) => e === refusal);
  });

  test('a refusal for another reason only (history) is not re-read against the rules, even for a password that breaks them', async () => {
    const t = withChecks({});
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    const refusal = new PortalError('PASSWORD_POLICY', { causes: ['Password has been used too recently'], reasons: ['history'] });
    t.idp.failNext('setPassword', refusal);
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'abcdefghij')), (e: unknown) => e === refusal);
  });
});
