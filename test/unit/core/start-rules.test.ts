// Step `start` (src/core/recovery/steps/start.ts), the checks other layers used to hide: eligibility with locked-out
// users allowed is about LOCKED_OUT only, the flow remembers when the password last changed, and the audit names
// the group rule with its method count; with group rules, decoys are padded for each IdP call they skip; an
// address reported on a factor that is not an email factor is never offered as a hint.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { flowKey, type FlowRecord } from '../../../src/core/recovery/flow.js';
import { isEligible } from '../../../src/core/recovery/steps/start.js';
import type { IdpFactor } from '../../../src/core/ports.js';
import { addFullUser, createTestRecovery, ctx, type TestRecovery } from '../../helpers/fakes.js';

const idOf = (handle: string) => handle.split('.')[0] ?? '';

describe('start', () => {
  test('allowing locked-out users admits LOCKED_OUT and nothing else besides the usual statuses', () => {
    for (const s of ['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY'] as const) assert.equal(isEligible(s, false), true, s);
    assert.equal(isEligible('LOCKED_OUT', false), false);
    assert.equal(isEligible('LOCKED_OUT', true), true);
    for (const s of ['SUSPENDED', 'DEPROVISIONED', 'STAGED', 'PROVISIONED'] as const) assert.equal(isEligible(s, true), false, s);
  });

  test('a suspended user with locked-out users allowed is a decoy: no factors read, the audit says why', async () => {
    const t = createTestRecovery({ policy: { allowLockedOut: true } });
    addFullUser(t.idp, 'sus@example.com', 'SUSPENDED');
    await t.service.start({ login: 'sus@example.com', ctx: ctx() });
    assert.equal(t.idp.count('listFactors'), 0);
    assert.match(t.audit.last()?.detail ?? '', /ineligible status SUSPENDED/);
  });

  test('the flow remembers when the password last changed, to tell a later change apart', async () => {
    const t = createTestRecovery();
    const user = addFullUser(t.idp);
    await t.idp.setPassword(user.id, 'a-new-password-1');
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    const flow = await t.store.get<FlowRecord>(flowKey(idOf(handle)));
    assert.equal(typeof flow?.passwordChangedAtStart, 'string');
  });

  test('the audit names the rule and how many methods it needs (singular and plural)', async () => {
    for (const [methodsRequired, text] of [[1, '(1 method)'], [2, '(2 methods)']] as const) {
      const t = createTestRecovery({
        policy: { groupRules: [{ name: 'staff', groups: ['*'], access: 'allow', methods: ['sms', 'push'], methodsRequired }] },
      });
      addFullUser(t.idp);
      await t.service.start({ login: 'alice@example.com', ctx: ctx() });
      assert.ok((t.audit.last()?.detail ?? '').includes(`group rule "staff" ${text}`), t.audit.last()?.detail);
    }
  });

  test('with group rules, a user no rule admits and an unknown login take as long as an admitted user (RST-2)', async () => {
    // Different latencies per call, far from the equalizer's 150 ms default, so a pad under the wrong key shows.
    const t = createTestRecovery({
      latencyMs: { findUser: 100, listGroups: 600, listFactors: 400 },
      policy: { groupRules: [{ name: 'staff', groups: ['Staff'], access: 'allow', methods: ['sms', 'push'], methodsRequired: 1 }] },
    });
    t.idp.addUser({ login: 'staff@example.com', groups: ['Staff'], factors: [{ method: 'push' }] });
    t.idp.addUser({ login: 'sales@example.com', groups: ['Sales'], factors: [{ method: 'push' }] });
    const took = async (login: string) => {
      const t0 = t.clock.now();
      await t.service.start({ login, ctx: ctx() });
      return t.clock.now() - t0;
    };
    for (let i = 0; i < 3; i++) assert.equal(await took('staff@example.com'), 1100, 'findUser + listGroups + listFactors');
    for (let i = 0; i < 5; i++) {
      // ±10 % jitter on each padded call: 40 ms on listFactors alone, 100 ms on both.
      const notAdmitted = await took('sales@example.com');
      assert.ok(Math.abs(notAdmitted - 1100) <= 40, `no rule admits: ${notAdmitted} ms`);
      const unknown = await took('ghost@example.com');
      assert.ok(Math.abs(unknown - 1100) <= 100, `unknown login: ${unknown} ms`);
    }
  });

  test('an address on a factor that is not an email factor is never shown, even with enrolled methods shown', async () => {
    const t: TestRecovery = createTestRecovery({ policy: { showEnrolledMethods: true, methods: ['email', 'push', 'sms'] } });
    t.idp.addUser({
      login: 'erin@example.com',
      factors: [{ method: 'push' }, { method: 'email', email: 'erin@mail.example.com' }, { method: 'sms', phoneNumber: '+15550100777' }],
    });
    // An IdP adapter that reports a profile address on every factor (the port allows the field on any factor).
    const listFactors = t.idp.listFactors.bind(t.idp);
    t.idp.listFactors = async (userId: string): Promise<IdpFactor[]> =>
      (await listFactors(userId)).map((f) => (f.method === 'email' ? f : { ...f, email: 'other@leak.example.com' }));
    const s = await t.service.start({ login: 'erin@example.com', ctx: ctx() });
    assert.deepEqual(s.methods, [
      { method: 'email', hint: 'e•••@mail.example.com' },
      { method: 'push' },
      { method: 'sms', hint: '+1 ••• ••• 0777' },
    ]);
    const flow = await t.store.get<FlowRecord>(flowKey(idOf(s.handle)));
    assert.deepEqual(flow?.factors.push, { factorId: flow?.factors.push?.factorId }, 'no address kept for the push factor');
    assert.equal(flow?.factors.sms?.email, undefined);
  });
});
