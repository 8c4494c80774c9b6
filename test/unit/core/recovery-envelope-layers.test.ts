// Each layer of the recovery envelope on its own (issue 11, "Test strength"): the flow repository (handle checks,
// the record's own expiry with the store key still alive, the key's lifetime, saves at or past expiry), the
// service's audit envelope (actions, outcomes, the note before a flow is known), cancel's error handling, the
// decoy mark in the audit note, and the unlock step's own checks (ott required, per-IP ott budget, what a completed
// record keeps).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalError } from '../../../src/core/errors.js';
import type { PasswordRules } from '../../../src/core/password-rules.js';
import { createRecoveryService } from '../../../src/core/recovery/service.js';
import { FlowRepo, flowKey, ottKey, type FlowRecord } from '../../../src/core/recovery/flow.js';
import { addFullUser, createTestRecovery, ctx, FakeClock, testPolicy, type TestRecovery } from '../../helpers/fakes.js';
import { MemoryStore } from '../../../src/store/memory.js';

const lastOf = (t: TestRecovery, action: string) => t.audit.events.filter((e) => e.action === action).at(-1);

async function verified(t: TestRecovery, login = 'alice@example.com', ip = '203.0.113.7') {
  const { handle } = await t.service.start({ login, ctx: ctx(ip) });
  await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx(ip) });
  const v = await t.service.verify({ handle, code: '123456', ctx: ctx(ip) });
  return { handle, ott: v.ott };
}

async function storedFlow(t: TestRecovery, handle: string): Promise<FlowRecord> {
  const flow = await t.store.get<FlowRecord>(flowKey(FlowRepo.idOf(handle) ?? ''));
  assert.ok(flow, 'the flow record is stored');
  return flow;
}

describe('FlowRepo on its own', () => {
  async function oneFlow() {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    return { t, handle, repo: new FlowRepo(t.store, t.clock), flow: await storedFlow(t, handle) };
  }

  test('load: malformed, unknown and forged handles are FLOW_EXPIRED, each with its reason', async () => {
    const { t, handle, repo } = await oneFlow();
    for (const h of ['', 'garbage', `${handle.split('.')[0]}.`]) {
      await assert.rejects(repo.load(h), { code: 'FLOW_EXPIRED', detail: 'malformed or missing flow handle' });
    }
    const [id, secret] = handle.split('.') as [string, string];
    const forged = `${id}.${secret.slice(0, -1)}${secret.endsWith('A') ? 'B' : 'A'}`;
    await assert.rejects(repo.load(forged), { code: 'FLOW_EXPIRED', detail: 'no flow for this handle' });
    await assert.rejects(repo.load(`${'A'.repeat(22)}.${secret}`), { code: 'FLOW_EXPIRED', detail: 'no flow for this handle' });
    assert.equal((await repo.load(handle)).login, 'alice@example.com');
    assert.ok(t.store.keys().some((k) => k.startsWith('flow:')), 'refusing a handle removes nothing');
  });

  test("load: the record's own expiry holds with the store key still alive, from its very instant", async () => {
    const { t, handle, repo, flow } = await oneFlow();
    // The store keeps the key far longer than the flow (a store whose expiry is late or lost).
    await t.store.set(flowKey(flow.id), flow, 10 * flow.expiresAt);
    t.clock.set(flow.expiresAt - 1);
    assert.equal((await repo.load(handle)).id, flow.id);
    t.clock.set(flow.expiresAt);
    await assert.rejects(repo.load(handle), { code: 'FLOW_EXPIRED', detail: 'flow past its expiry' });
    assert.equal(await t.store.get(flowKey(flow.id)), null, 'and the expired record is removed');
  });

  test('save: the key lives exactly as long as the flow has left', async () => {
    const { t, repo, flow } = await oneFlow();
    t.clock.advance(100_000);
    await repo.save(flow);
    t.clock.set(flow.expiresAt - 1);
    assert.notEqual(await t.store.get(flowKey(flow.id)), null);
    t.clock.set(flow.expiresAt);
    assert.equal(await t.store.get(flowKey(flow.id)), null);
  });

  test('save with other writes: applied together, the flow with the same lifetime', async () => {
    const { t, repo, flow } = await oneFlow();
    await repo.save(flow, [{ key: 'marker', value: 1, ttlMs: 5_000 }]);
    assert.equal(await t.store.get('marker'), 1);
    t.clock.set(flow.expiresAt - 1);
    assert.notEqual(await t.store.get(flowKey(flow.id)), null);
    t.clock.set(flow.expiresAt);
    assert.equal(await t.store.get(flowKey(flow.id)), null);
  });

  test('save at or past the expiry: the flow and its ott key are removed, the other writes still applied', async () => {
    for (const late of [0, 1]) {
      const { t, repo, flow } = await oneFlow();
      flow.ottHash = 'h'.repeat(43);
      await t.store.set(ottKey(flow.ottHash), flow.id, 10 * flow.expiresAt);
      await t.store.set(flowKey(flow.id), flow, 10 * flow.expiresAt);
      t.clock.set(flow.expiresAt + late);
      await repo.save(flow, [{ key: 'pw-changed:x', value: 7, ttlMs: 60_000 }]);
      assert.equal(await t.store.get(flowKey(flow.id)), null);
      assert.equal(await t.store.get(ottKey(flow.ottHash)), null);
      assert.equal(await t.store.get('pw-changed:x'), 7);
      await repo.save(flow); // nothing else to write: still just removed
      assert.equal(await t.store.get(flowKey(flow.id)), null);
    }
  });

  test('what reaches the store: a plain save writes only the flow; one past expiry only deletes the flow key', async () => {
    const { t, repo, flow } = await oneFlow();
    const writes: string[] = [];
    const setEach = t.store.setEach.bind(t.store);
    const set = t.store.set.bind(t.store);
    t.store.setEach = async (ws) => {
      writes.push(`setEach ${ws.map((w) => w.key).join(',')}`);
      await setEach(ws);
    };
    t.store.set = async (key, value, ttlMs) => {
      writes.push(`set ${key}`);
      await set(key, value, ttlMs);
    };
    const del = t.store.delete.bind(t.store);
    t.store.delete = async (key) => {
      writes.push(`delete ${key}`);
      await del(key);
    };
    await repo.save(flow);
    assert.deepEqual(writes, [`set ${flowKey(flow.id)}`]);
    writes.length = 0;
    t.clock.set(flow.expiresAt);
    assert.equal(flow.ottHash, null);
    await repo.save(flow);
    assert.deepEqual(writes, [`delete ${flowKey(flow.id)}`], 'no (empty) batch, and no ott key to delete for a flow without one');
    assert.equal(await t.store.get(flowKey(flow.id)), null);
  });

  test('idOf: the id of a well-formed handle, null otherwise', async () => {
    const { handle } = await oneFlow();
    assert.equal(FlowRepo.idOf(handle), handle.split('.')[0]);
    assert.equal(FlowRepo.idOf('nope'), null);
    // A repo over a fresh store knows no flow at all.
    await assert.rejects(new FlowRepo(new MemoryStore(new FakeClock()), new FakeClock()).load(handle), { code: 'FLOW_EXPIRED' });
  });
});

describe('the service envelope', () => {
  test('each call is audited under its own action; a call refused before any flow is known names nobody', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    await assert.rejects(t.service.status({ handle: 'garbage', ctx: ctx() }), { code: 'FLOW_EXPIRED' });
    const ev = lastOf(t, 'recovery.status');
    assert.ok(ev);
    assert.equal(ev.outcome, 'denied');
    assert.equal(ev.login, null);
    assert.equal(ev.userId, null);
    assert.equal(ev.method, null);
    assert.match(ev.detail ?? '', /code=FLOW_EXPIRED \(malformed or missing flow handle\)/);
    await assert.rejects(t.service.resume({ handle: 'garbage', form: 'password', ctx: ctx() }), { code: 'FLOW_EXPIRED' });
    assert.equal(lastOf(t, 'recovery.resume')?.outcome, 'denied');
    assert.match(lastOf(t, 'recovery.resume')?.detail ?? '', /malformed or missing flow handle/);
    await t.service.cancel({ handle: 'garbage', ctx: ctx() });
    assert.equal(lastOf(t, 'recovery.cancel')?.outcome, 'success');
  });

  test('resume through the service: a second copy of a form gets a working handle for the same flow, audited', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle: first } = await t.raw.start({ login: 'alice@example.com', ctx: ctx() });
    const c = await t.raw.challenge({ handle: first, method: 'sms', ctx: ctx(), form: 'page-form-1' });
    assert.notEqual(c.handle, first, 'the challenge rotated the handle');
    const { handle } = await t.raw.resume({ handle: first, form: 'page-form-1', ctx: ctx() });
    assert.equal(FlowRepo.idOf(handle), FlowRepo.idOf(first));
    assert.equal((await t.raw.status({ handle, ctx: ctx() })).state, 'code-sent');
    assert.equal(lastOf(t, 'recovery.resume')?.outcome, 'success');
    assert.equal(t.idp.count('sendChallenge'), 1, 'nothing run again');
  });

  test('passwordRules: the org\'s rules from the configured source, null (unknown) without one', async () => {
    const t = createTestRecovery();
    assert.equal(await t.service.passwordRules(), null);
    const rules: PasswordRules = { minLength: 12, lowercase: true, uppercase: false, number: true, symbol: false, excludeUsername: true, historyCount: 3 };
    const { idp, store, clock, random, audit, notifier, policy } = t;
    const withRules = createRecoveryService({ idp, store, clock, random, audit, notifier, policy, passwordRules: async () => rules });
    assert.deepEqual(await withRules.passwordRules(), rules);
    const unknown = createRecoveryService({ idp, store, clock, random, audit, notifier, policy, passwordRules: async () => null });
    assert.equal(await unknown.passwordRules(), null);
  });

  test('a wrong ott is audited as denied', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await verified(t);
    await assert.rejects(
      t.service.setPassword({ handle, ott: 'A'.repeat(43), password: 'new password 1', confirmPassword: 'new password 1', revokeSessions: false, ctx: ctx() }),
      { code: 'INVALID_OTT' },
    );
    assert.equal(lastOf(t, 'recovery.password')?.outcome, 'denied');
  });

  test('a decoy flow is marked as such in the audit; a real one is not', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const decoy = await t.service.start({ login: 'nobody@example.com', ctx: ctx() });
    await t.service.challenge({ handle: decoy.handle, method: 'sms', ctx: ctx() });
    assert.match(lastOf(t, 'recovery.challenge')?.detail ?? '', /decoy flow/);
    const real = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle: real.handle, method: 'sms', ctx: ctx() });
    assert.doesNotMatch(lastOf(t, 'recovery.challenge')?.detail ?? '', /decoy/);
  });
});

describe('cancel', () => {
  test('a flow that is gone is fine (audited as such); a store failure is not swallowed', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.cancel({ handle, ctx: ctx() });
    assert.equal(lastOf(t, 'recovery.cancel')?.detail ?? '', '');
    await t.service.cancel({ handle, ctx: ctx() });
    assert.match(lastOf(t, 'recovery.cancel')?.detail ?? '', /no live flow/);

    const other = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    t.store.delete = async () => {
      throw new PortalError('IDP_UNAVAILABLE', { detail: 'store down' });
    };
    await assert.rejects(t.service.cancel({ handle: other.handle, ctx: ctx() }), { code: 'IDP_UNAVAILABLE' });
    t.store.delete = async () => {
      throw new Error('store down');
    };
    await assert.rejects(t.service.cancel({ handle: other.handle, ctx: ctx() }), /store down/);
    assert.equal(lastOf(t, 'recovery.cancel')?.outcome, 'error');
  });
});

describe('unlock: its own checks', () => {
  test('the ott is required: a wrong or missing one is INVALID_OTT with no IdP call', async () => {
    const t = createTestRecovery({ policy: { selfServiceUnlock: true } });
    addFullUser(t.idp, 'locked', 'LOCKED_OUT');
    const { handle, ott } = await verified(t, 'locked');
    for (const bad of ['A'.repeat(43), undefined, 42]) {
      // whatever a request may carry in place of the ott
      await assert.rejects(t.service.unlock({ handle, ott: bad as string, ctx: ctx() }), { code: 'INVALID_OTT' });
    }
    assert.equal(t.idp.count('unlockUser'), 0);
    assert.deepEqual(await t.service.unlock({ handle, ott, ctx: ctx() }), { unlocked: true });
  });

  test('refusals say why in the audit: not available, already completed', async () => {
    const t = createTestRecovery({ policy: { selfServiceUnlock: true } });
    addFullUser(t.idp, 'active');
    addFullUser(t.idp, 'locked', 'LOCKED_OUT');
    const a = await verified(t, 'active');
    await assert.rejects(t.service.unlock({ handle: a.handle, ott: a.ott, ctx: ctx() }), { code: 'WRONG_STEP' });
    assert.match(lastOf(t, 'recovery.unlock')?.detail ?? '', /unlock not available for this flow/);
    const l = await verified(t, 'locked');
    await t.service.unlock({ handle: l.handle, ott: l.ott, ctx: ctx() });
    await assert.rejects(t.service.unlock({ handle: l.handle, ott: l.ott, ctx: ctx() }), { code: 'INVALID_OTT' });
    assert.match(lastOf(t, 'recovery.unlock')?.detail ?? '', /flow already completed/);
  });

  test('a record that names no user (never reachable through the flow) is not unlocked', async () => {
    const t = createTestRecovery({ policy: { selfServiceUnlock: true } });
    addFullUser(t.idp, 'locked', 'LOCKED_OUT');
    const { handle, ott } = await verified(t, 'locked');
    const flow = await storedFlow(t, handle);
    flow.userId = null;
    await t.store.set(flowKey(flow.id), flow, flow.expiresAt - t.clock.now());
    await assert.rejects(t.service.unlock({ handle, ott, ctx: ctx() }), { code: 'WRONG_STEP' });
    assert.equal(t.idp.count('unlockUser'), 0);
  });

  test('unlock spends the per-IP ott budget that set-password spends too', async () => {
    const t = createTestRecovery({ policy: { selfServiceUnlock: true, limits: { ...testPolicy().limits, perIp: { max: 3, windowSeconds: 900 } } } });
    addFullUser(t.idp, 'locked', 'LOCKED_OUT');
    const { handle, ott } = await verified(t, 'locked', '192.0.2.1');
    const ip = '198.51.100.9';
    for (let i = 0; i < 3; i++) {
      await assert.rejects(
        t.service.setPassword({ handle, ott, password: 'a', confirmPassword: 'b', revokeSessions: false, ctx: ctx(ip) }),
        { code: 'PASSWORD_MISMATCH' },
      );
    }
    await assert.rejects(t.service.unlock({ handle, ott, ctx: ctx(ip) }), { code: 'RATE_LIMITED' });
    assert.equal(t.idp.count('unlockUser'), 0);
    assert.deepEqual(await t.service.unlock({ handle, ott, ctx: ctx('198.51.100.10') }), { unlocked: true });
  });

  test('an unlocked flow keeps nothing it does not need, and no longer claims LOCKED_OUT', async () => {
    const t = createTestRecovery({ policy: { selfServiceUnlock: true, showEnrolledMethods: true } });
    addFullUser(t.idp, 'locked', 'LOCKED_OUT');
    const { handle, ott } = await verified(t, 'locked');
    await t.service.unlock({ handle, ott, ctx: ctx() });
    const f = await storedFlow(t, handle);
    assert.equal(f.state, 'completed');
    assert.equal(f.userStatus, 'ACTIVE');
    assert.equal(f.unlockedOnly, true);
    assert.deepEqual(f.factors, {});
    assert.deepEqual(f.offered, []);
    assert.equal(f.factorId, null);
    assert.equal(f.transactionId, null);
    assert.equal(f.correctAnswer, null);
    assert.equal(f.ottHash, null);
    assert.equal(f.ottExpiresAt, null);
    assert.deepEqual(t.store.keys().filter((k) => k.startsWith('ott:')), []);
  });
});
