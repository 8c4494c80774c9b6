// Each layer of the ott's protection on its own (issue 11, test strength): the record's expiry with the store key
// still alive, the store key's expiry (and its atomic take) with the record still saying the ott is current, and the
// marker that cancels a user's other flows after a change. A test that passes with one layer broken because another
// layer does the job proves nothing; these pin each one.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FlowRepo, ottKey, type FlowRecord } from '../../../src/core/recovery/flow.js';
import { issueOtt, redeemOtt, restoreOtt } from '../../../src/core/recovery/ott.js';
import type { StepEnv } from '../../../src/core/recovery/env.js';
import { sha256 } from '../../../src/core/crypto.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { FakeClock, SeededRandom, addFullUser, createTestRecovery, ctx, testPolicy } from '../../helpers/fakes.js';

function env(policy = testPolicy({ ottTtlSeconds: 600, flowTtlSeconds: 900 })) {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  const e = { clock, store, random: new SeededRandom(7), policy, flows: new FlowRepo(store, clock) } as unknown as StepEnv;
  return { e, clock, store };
}

function flow(now: number, over: Partial<FlowRecord> = {}): FlowRecord {
  return {
    id: 'f1', secretHash: 'x', login: 'a', loginKey: 'a', userId: 'u1', userStatus: 'ACTIVE', factors: {}, offered: [],
    state: 'verified', method: 'google-authenticator', factorId: 'fa', transactionId: null, correctAnswer: null,
    pushExpiresAt: null, lastPollAt: null, lastPushResult: null, wrongCodes: 0, resendAvailableAt: {},
    ottHash: null, ottExpiresAt: null, createdAt: now, expiresAt: now + 900_000, ...over,
  };
}

describe('ott layers', () => {
  test('issue: 43-char token, key holds the flow id for exactly the window, previous key deleted', async () => {
    const { e, clock, store } = env();
    const f = flow(clock.now());
    const first = issueOtt(e, f);
    assert.match(first.ott, /^[A-Za-z0-9_-]{43}$/);
    assert.equal(f.ottHash, sha256(first.ott));
    assert.equal(first.expiresAt, clock.now() + 600_000);
    assert.deepEqual(first.writes, [{ key: ottKey(sha256(first.ott)), value: { flowId: 'f1' }, ttlMs: 600_000 }]);
    await store.setEach(first.writes);
    clock.advance(1000);
    const second = issueOtt(e, f);
    assert.deepEqual(second.writes[0], { key: ottKey(sha256(first.ott)), value: null, ttlMs: 0 });
    // A reissued ott gets what is left of the window that began at verification, not a fresh one (issue 11, item 13).
    assert.equal(second.writes[1]?.ttlMs, 599_000);
    assert.equal(second.expiresAt, first.expiresAt);
  });

  test('the ott never outlives the flow', () => {
    const { e, clock } = env(testPolicy({ ottTtlSeconds: 600, flowTtlSeconds: 300 }));
    const f = flow(clock.now(), { expiresAt: clock.now() + 300_000 });
    const issued = issueOtt(e, f);
    assert.equal(issued.expiresAt, clock.now() + 300_000);
    assert.equal(issued.writes[0]?.ttlMs, 300_000);
  });

  test("the record's own expiry refuses the ott while the store key is still alive", async () => {
    const { e, clock, store } = env();
    const f = flow(clock.now());
    const { ott, writes } = issueOtt(e, f);
    await store.setEach(writes.map((w) => ({ ...w, ttlMs: 3600_000 }))); // the key outlives the record's expiry
    clock.advance(600_000);
    assert.equal(await redeemOtt(e, f, ott), false);
    assert.notEqual(await store.get(ottKey(sha256(ott))), null, 'refused before the take: the key is untouched');
  });

  test("the store key is required: the record alone does not redeem (the key expired or was taken)", async () => {
    const { e, clock } = env();
    const f = flow(clock.now());
    const { ott } = issueOtt(e, f); // writes never stored: as if the key had expired
    assert.equal(await redeemOtt(e, f, ott), false);
  });

  test('the atomic take decides: an ott is usable once, also across two instances over one store', async () => {
    const { e, clock, store } = env();
    const f = flow(clock.now());
    const { ott, writes } = issueOtt(e, f);
    await store.setEach(writes);
    const other = { ...e, flows: new FlowRepo(store, clock) } as StepEnv; // a second instance: no shared memory
    const copy = structuredClone(f);
    const results = await Promise.all([redeemOtt(e, f, ott), redeemOtt(other, copy, ott)]);
    assert.deepEqual(results.sort(), [false, true]);
    assert.equal(await redeemOtt(e, f, ott), false);
  });

  test("a key naming another flow does not redeem; malformed otts never touch the store", async () => {
    const { e, clock, store } = env();
    const f = flow(clock.now());
    const { ott } = issueOtt(e, f);
    await store.set(ottKey(sha256(ott)), { flowId: 'someone-else' }, 60_000);
    assert.equal(await redeemOtt(e, f, ott), false);
    for (const bad of [undefined, 42, '', 'a'.repeat(42), `${'a'.repeat(42)}!`, 'a'.repeat(44)]) {
      assert.equal(await redeemOtt(e, f, bad), false);
    }
    assert.equal(await redeemOtt(e, { ...f, ottHash: null }, ott), false);
    assert.equal(await redeemOtt(e, { ...f, ottExpiresAt: null }, ott), false);
  });

  test('restore puts the key back for the remaining life only, and not once expired', async () => {
    const { e, clock, store } = env();
    const f = flow(clock.now());
    const { ott, writes } = issueOtt(e, f);
    await store.setEach(writes);
    assert.equal(await redeemOtt(e, f, ott), true);
    clock.advance(500_000);
    await restoreOtt(e, f);
    clock.advance(99_999);
    assert.deepEqual(await store.get(ottKey(sha256(ott))), { flowId: 'f1' });
    clock.advance(1);
    assert.equal(await store.get(ottKey(sha256(ott))), null, 'restored for 100 s, not longer');
    await restoreOtt(e, f);
    assert.equal(await store.get(ottKey(sha256(ott))), null, 'nothing restored after expiry');
  });
});

describe('the marker that cancels the other flows after a change', () => {
  test('lives as long as a flow: a flow started before the change is refused until the end of its life', async () => {
    // The ott window as long as the flow, so the older flow can still ask for an ott near its end: what is measured
    // is the marker's own lifetime.
    const t = createTestRecovery({ policy: { ottTtlSeconds: 900, flowTtlSeconds: 900 } });
    addFullUser(t.idp);
    const verified = async () => {
      const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
      await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
      return { handle, ott: (await t.service.verify({ handle, code: '123456', ctx: ctx() })).ott };
    };
    const pw = (handle: string, ott: string) => ({ handle, ott, password: 'a long passphrase', confirmPassword: 'a long passphrase', revokeSessions: false, ctx: ctx() });
    const older = await verified();
    t.clock.advance(1000);
    const done = await verified();
    await t.service.setPassword(pw(done.handle, done.ott));
    const marker = t.store.dump();
    assert.ok(Object.keys(marker).some((k) => k.startsWith('pw-changed:')));
    t.clock.advance(t.policy.flowTtlSeconds * 1000 - 2000); // the older flow is still alive, near its end
    const st = (await t.service.status({ handle: older.handle, ctx: ctx() })) as { state: string; ott: string };
    assert.equal(st.state, 'verified');
    await assert.rejects(t.service.setPassword(pw(older.handle, st.ott)), { code: 'INVALID_OTT' });
    assert.equal(t.idp.count('setPassword'), 1);
    t.clock.advance(2000);
    assert.ok(!Object.keys(t.store.dump()).some((k) => k.startsWith('pw-changed:')), 'the marker ends with the flows it guards');
  });
});
