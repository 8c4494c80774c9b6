// Step `verify` (src/core/recovery/steps/verify.ts), each of its checks on its own (issue 11, "Test strength"):
// the cap checked before the IdP (with the counter already spent elsewhere), the counter's window (the flow's life,
// not a millisecond), the flow lock that holds without the counter, fail-closed counting, decoys and users without
// the method spending no IdP call and no user budget, the IdP code budget's pad, and the audit detail of each case.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { idpCodesKey } from '../../../src/core/code-guard.js';
import { PortalError } from '../../../src/core/errors.js';
import { flowKey, type FlowRecord } from '../../../src/core/recovery/flow.js';
import type { CounterHit, CounterValue } from '../../../src/core/ports.js';
import { addFullUser, createTestRecovery, ctx } from '../../helpers/fakes.js';

const idOf = (handle: string) => handle.split('.')[0] ?? '';

async function codeFlow(policy: Parameters<typeof createTestRecovery>[0] = {}, login = 'alice@example.com', method: 'sms' | 'google-authenticator' = 'google-authenticator') {
  const t = createTestRecovery(policy);
  const user = addFullUser(t.idp);
  const { handle } = await t.service.start({ login, ctx: ctx() });
  await t.service.challenge({ handle, method, ctx: ctx() });
  return { t, user, handle, id: idOf(handle) };
}

const detail = (t: ReturnType<typeof createTestRecovery>) => t.audit.last()?.detail ?? '';

describe('verify: the attempt cap', () => {
  test('a counter already at the cap (attempts elsewhere) refuses before the IdP, and locks the flow for good', async () => {
    const { t, handle, id } = await codeFlow({ policy: { maxWrongCodesPerFlow: 3 } });
    for (let i = 0; i < 3; i++) await t.store.increment(`flow-codes:${id}`, 900_000);
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'TOO_MANY_ATTEMPTS' });
    assert.equal(t.idp.count('verifyPasscode'), 0);
    assert.match(detail(t), /attempt cap reached/);
    const saved = await t.store.get<FlowRecord>(flowKey(id));
    assert.equal(saved?.state, 'locked');
    assert.equal(saved?.wrongCodes, 3, 'the record says the cap was used up');
    // The lock holds on the flow's own state, without the counter.
    await t.store.delete(`flow-codes:${id}`);
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'TOO_MANY_ATTEMPTS' });
    assert.equal(t.idp.count('verifyPasscode'), 0);
  });

  test('wrong codes spread over the flow\'s life still add up (the counter lives as long as the flow)', async () => {
    const { t, handle } = await codeFlow({ policy: { maxWrongCodesPerFlow: 3, factorLockout: { threshold: 100, windowSeconds: 86_400 } } });
    await assert.rejects(t.service.verify({ handle, code: '000001', ctx: ctx() }), { code: 'INVALID_CODE' });
    assert.match(detail(t), /wrong code 1\/3/);
    assert.doesNotMatch(detail(t), /factor locked|budget spent|no factor/);
    t.clock.advance(200_000);
    await assert.rejects(t.service.verify({ handle, code: '000002', ctx: ctx() }), { code: 'INVALID_CODE' });
    assert.match(detail(t), /wrong code 2\/3/);
    t.clock.advance(200_000);
    await assert.rejects(t.service.verify({ handle, code: '000003', ctx: ctx() }), { code: 'TOO_MANY_ATTEMPTS' });
    assert.match(detail(t), /wrong code 3\/3; flow locked/);
  });

  test('the counter ends with the flow: no key outlives it', async () => {
    const { t, handle, id } = await codeFlow();
    t.clock.advance(100_000);
    await assert.rejects(t.service.verify({ handle, code: '000001', ctx: ctx() }), { code: 'INVALID_CODE' });
    assert.equal(await t.store.get(`flow-codes:${id}`), 1);
    const flow = await t.store.get<FlowRecord>(flowKey(id));
    t.clock.set(flow!.expiresAt);
    assert.equal(await t.store.get(`flow-codes:${id}`), null);
  });

  test('fail closed: a store that does not count the flow\'s attempt gets TOO_MANY_ATTEMPTS, no IdP call', async () => {
    const { t, handle } = await codeFlow();
    const incrementEach = t.store.incrementEach.bind(t.store);
    // Counts the limits but answers nothing for the counters after them.
    t.store.incrementEach = async (hits: readonly CounterHit[]): Promise<CounterValue[]> =>
      (await incrementEach(hits)).slice(0, hits.filter((h) => h.key.startsWith('rl:')).length);
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'TOO_MANY_ATTEMPTS' });
    assert.equal(t.idp.count('verifyPasscode'), 0);
  });

  test('an IdP failure gives the attempt back: the next code is still the first', async () => {
    const { t, handle, id } = await codeFlow({ policy: { maxWrongCodesPerFlow: 1 } });
    t.idp.failNext('verifyPasscode', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.verify({ handle, code: '000001', ctx: ctx() }), { code: 'IDP_UNAVAILABLE' });
    t.idp.failNext('verifyPasscode', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.verify({ handle, code: '000001', ctx: ctx() }), { code: 'IDP_UNAVAILABLE' });
    const flow = await t.store.get<FlowRecord>(flowKey(id));
    assert.equal(flow?.state, 'code-ready');
    await t.service.verify({ handle, code: '123456', ctx: ctx() });
  });
});

describe('verify: codes', () => {
  test('spaces and tabs inside a code are ignored', async () => {
    const { t, handle } = await codeFlow();
    await t.service.verify({ handle, code: ' 12\t34 56 ', ctx: ctx() });
  });

  test('a malformed code says so in the audit and counts nothing', async () => {
    const { t, handle, id } = await codeFlow();
    await assert.rejects(t.service.verify({ handle, code: '12-34-56', ctx: ctx() }), { code: 'INVALID_CODE' });
    assert.match(detail(t), /malformed code/);
    assert.equal(await t.store.get(`flow-codes:${id}`), null);
  });
});

describe('verify: no IdP call without a factor, and no spending of a real user\'s budget', () => {
  test('a decoy: no IdP call, the verify pad, a wrong code, a budget keyed by the login', async () => {
    const { t, handle } = await codeFlow({}, 'ghost@example.com', 'sms');
    const slept = t.clock.sleeps.length;
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'INVALID_CODE' });
    assert.equal(t.idp.count('verifyPasscode'), 0);
    assert.ok(t.clock.sleeps.length > slept, 'padded like a real check');
    assert.match(detail(t), /no factor behind this flow/);
    assert.ok(t.store.keys().some((k) => k.startsWith(idpCodesKey('login:'))));
  });

  test('a real user without the method: no IdP call, and the user\'s own IdP budget is untouched', async () => {
    const t = createTestRecovery();
    const user = t.idp.addUser({ login: 'bob@example.com', factors: [{ method: 'push' }] });
    const { handle } = await t.service.start({ login: 'bob@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'INVALID_CODE' });
    assert.equal(t.idp.count('verifyPasscode'), 0);
    assert.match(detail(t), /no factor behind this flow/);
    assert.equal(await t.store.get(idpCodesKey(user.id)), null);
    assert.ok(t.store.keys().some((k) => k.startsWith(idpCodesKey('login:'))));
  });

  test('a spent IdP code budget: no IdP call, the pad as long as a real check, a wrong code, and the audit says why', async () => {
    const { t, handle } = await codeFlow({ policy: { factorLockout: { threshold: 2, windowSeconds: 3600 } }, latencyMs: { verifyPasscode: 800 } });
    // One real check teaches the pad the IdP's latency (800 ms, far from the 150 ms default).
    await assert.rejects(t.service.verify({ handle, code: '000001', ctx: ctx() }), { code: 'INVALID_CODE' });
    assert.equal(t.idp.count('verifyPasscode'), 1);
    const slept = t.clock.sleeps.length;
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'INVALID_CODE' });
    assert.equal(t.idp.count('verifyPasscode'), 1, 'the budget (one code) is spent: not sent');
    const pads = t.clock.sleeps.slice(slept);
    assert.equal(pads.length, 1);
    assert.ok(pads[0]! >= 700 && pads[0]! <= 900, `padded like a real check: ${pads[0]}`);
    assert.match(detail(t), /IdP code budget spent/);
  });

  test('a factor the IdP reports locked is a wrong code, and the audit says why', async () => {
    const { t, handle } = await codeFlow();
    t.idp.failNext('verifyPasscode', new PortalError('FACTOR_LOCKED'));
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'INVALID_CODE' });
    assert.match(detail(t), /factor locked at the IdP/);
    assert.doesNotMatch(detail(t), /no factor behind/);
  });
});
