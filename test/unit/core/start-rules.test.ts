// Step `start` (src/core/recovery/steps/start.ts), the checks other layers used to hide: eligibility with locked-out
// users allowed is about LOCKED_OUT only, the flow remembers when the password last changed, and the audit names
// the group rule with its method count.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { flowKey, type FlowRecord } from '../../../src/core/recovery/flow.js';
import { isEligible } from '../../../src/core/recovery/steps/start.js';
import { addFullUser, createTestRecovery, ctx } from '../../helpers/fakes.js';

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
});
