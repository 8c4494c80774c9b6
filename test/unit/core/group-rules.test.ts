// Policies by group (issue 14, item 3) in the core: which rule applies, the one extra IdP call, methods narrowed to
// the rule, and two-method flows as one flow (factor-verified between the factors, the ott only after the second).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { classCount, matchRule, methodClass, type GroupRule } from '../../../src/core/recovery/group-rules.js';
import { isFactorVerified } from '../../../src/core/recovery/api.js';
import type { RecoveryPolicy } from '../../../src/core/recovery/policy.js';
import { createTestRecovery, ctx, type TestRecovery } from '../../helpers/fakes.js';

const ADMINS: GroupRule = {
  name: 'admins',
  groups: ['Portal Admins'],
  access: 'allow',
  methods: ['push', 'google-authenticator', 'okta-verify-code'],
  methodsRequired: 2,
};
const CONTRACTORS: GroupRule = { name: 'contractors', groups: ['Contractors'], access: 'deny', methods: [], methodsRequired: 1 };
const STAFF: GroupRule = { name: 'staff', groups: ['Staff'], access: 'allow', methods: ['sms', 'google-authenticator'], methodsRequired: 1 };
const RULES = [ADMINS, CONTRACTORS, STAFF];

function setup(policy: Partial<RecoveryPolicy> = {}): TestRecovery {
  const t = createTestRecovery({ policy: { groupRules: RULES, ...policy } });
  const all = [
    { method: 'sms' as const, phoneNumber: '+15550100100' },
    { method: 'call' as const, phoneNumber: '+15550100100' },
    { method: 'push' as const },
    { method: 'google-authenticator' as const },
    { method: 'okta-verify-code' as const },
  ];
  t.idp.addUser({ login: 'admin@example.com', groups: ['Portal Admins', 'Staff'], factors: all });
  t.idp.addUser({ login: 'staff@example.com', groups: ['staff'], factors: all });
  t.idp.addUser({ login: 'contractor@example.com', groups: ['Contractors', 'Staff'], factors: all });
  t.idp.addUser({ login: 'nobody@example.com', groups: ['Sales'], factors: all });
  t.idp.addUser({ login: 'locked.admin@example.com', status: 'LOCKED_OUT', groups: ['Portal Admins'], factors: all });
  return t;
}

describe('group rules: matching', () => {
  const groups = (...names: string[]) => names.map((name, i) => ({ id: `00g${i}`, name }));
  test('the first rule naming one of the user\'s groups applies (names ignore case; ids match exactly; * matches all)', () => {
    assert.equal(matchRule(RULES, groups('staff', 'Portal Admins'))?.name, 'admins', 'order of the rules, not of the groups');
    assert.equal(matchRule(RULES, groups('CONTRACTORS', 'Staff'))?.name, 'contractors');
    assert.equal(matchRule(RULES, groups('Sales')), null);
    assert.equal(matchRule([{ ...STAFF, groups: ['00g7'] }], [{ id: '00g7', name: 'x' }])?.name, 'staff');
    assert.equal(matchRule([{ ...STAFF, groups: ['00G7'] }], [{ id: '00g7', name: 'x' }]), null);
    assert.equal(matchRule([{ ...STAFF, groups: ['*'] }], [])?.name, 'staff');
  });

  test('method classes: a phone, a push, an authenticator code; unknown methods are their own class', () => {
    assert.equal(methodClass('sms'), methodClass('call'));
    assert.equal(methodClass('google-authenticator'), methodClass('okta-verify-code'));
    assert.notEqual(methodClass('push'), methodClass('okta-verify-code'));
    assert.equal(classCount(['sms', 'call', 'okta-verify-code', 'google-authenticator']), 2);
    assert.equal(methodClass('email' as never), 'email');
  });
});

describe('group rules: start', () => {
  test('without rules there is no groups call; with rules exactly one, and only for an eligible user', async () => {
    const plain = createTestRecovery();
    plain.idp.addUser({ login: 'a@example.com', factors: [{ method: 'sms', phoneNumber: '+15550100100' }] });
    await plain.service.start({ login: 'a@example.com', ctx: ctx() });
    assert.deepEqual(plain.idp.calls.map((c) => c.op), ['findUser', 'listFactors']);

    const t = setup();
    await t.service.start({ login: 'staff@example.com', ctx: ctx() });
    assert.deepEqual(t.idp.calls.map((c) => c.op), ['findUser', 'listGroups', 'listFactors']);
    t.idp.clearCalls();
    await t.service.start({ login: 'unknown@example.com', ctx: ctx() });
    assert.deepEqual(t.idp.calls.map((c) => c.op), ['findUser']);
    t.idp.clearCalls();
    await t.service.start({ login: 'nobody@example.com', ctx: ctx() });
    assert.deepEqual(t.idp.calls.map((c) => c.op), ['findUser', 'listGroups'], 'no factors read for a user no rule admits');
  });

  test('audit events name the rule applied, or say that none admits the user', async () => {
    const t = setup();
    await t.service.start({ login: 'admin@example.com', ctx: ctx() });
    assert.match(t.audit.last()?.detail ?? '', /group rule "admins" \(2 methods\)/);
    await t.service.start({ login: 'contractor@example.com', ctx: ctx() });
    assert.match(t.audit.last()?.detail ?? '', /group rule "contractors" denies/);
    assert.equal(t.audit.last()?.userId, null);
    await t.service.start({ login: 'nobody@example.com', ctx: ctx() });
    assert.match(t.audit.last()?.detail ?? '', /no group rule admits the user/);
  });

  test('a user no rule admits, or a deny rule matches, never reaches verified (decoy flow)', async () => {
    const t = setup();
    for (const login of ['nobody@example.com', 'contractor@example.com']) {
      const s = await t.service.start({ login, ctx: ctx() });
      await t.service.challenge({ handle: s.handle, method: 'google-authenticator', ctx: ctx() });
      await assert.rejects(t.service.verifyStep({ handle: s.handle, code: '123456', ctx: ctx() }), { code: 'INVALID_CODE' });
    }
    assert.equal(t.idp.count('verifyPasscode'), 0);
  });

  test('methods outside the rule behave as not enrolled: no send, the right code is refused', async () => {
    const t = setup();
    const s = await t.service.start({ login: 'admin@example.com', ctx: ctx() });
    assert.deepEqual(s.methods.map((m) => m.method), ['push', 'okta-verify-code', 'google-authenticator', 'sms', 'call'], 'the operator list, as for anyone');
    assert.equal(s.progress, undefined, 'step 1 does not tell a two-method account');
    const ch = await t.service.challenge({ handle: s.handle, method: 'sms', ctx: ctx() });
    assert.equal(ch.kind, 'code-sent');
    assert.equal(t.idp.count('sendChallenge'), 0);
    await assert.rejects(t.service.verifyStep({ handle: s.handle, code: '123456', ctx: ctx() }), { code: 'INVALID_CODE' });
  });
});

describe('group rules: two-method flows', () => {
  test('a code then a push: factor-verified (no ott), then verified; the password is set', async () => {
    const t = setup();
    const s = await t.service.start({ login: 'admin@example.com', ctx: ctx() });
    await t.service.challenge({ handle: s.handle, method: 'google-authenticator', ctx: ctx() });
    const first = await t.service.verifyStep({ handle: s.handle, code: '123456', ctx: ctx() });
    assert.ok(isFactorVerified(first), 'no ott after the first factor');
    assert.deepEqual(first.progress, { step: 2, steps: 2 });
    assert.deepEqual(first.methods.map((m) => m.method), ['push'], 'the rule\'s other class, enrolled');
    assert.equal((await t.store.get<{ ottHash: string | null }>(`flow:${s.handle.split('.')[0]}`))?.ottHash, null);
    assert.match(t.audit.last()?.detail ?? '', /factor 1 of 2 verified \(group rule "admins"\)/);

    const st = await t.service.status({ handle: s.handle, ctx: ctx() });
    assert.deepEqual(st, { state: 'factor-verified', methods: [{ method: 'push' }], progress: { step: 2, steps: 2 } });
    await assert.rejects(
      t.service.setPassword({ handle: s.handle, ott: 'x'.repeat(43), password: 'p4ssword-x', confirmPassword: 'p4ssword-x', revokeSessions: false, ctx: ctx() }),
      { code: 'WRONG_STEP' },
    );

    const push = await t.service.challenge({ handle: s.handle, method: 'push', ctx: ctx() });
    assert.deepEqual(push.progress, { step: 2, steps: 2 });
    t.idp.setPushResult((await t.idp.findUser('admin@example.com'))!.id, 'approved');
    t.clock.advance(5000);
    const done = await t.service.status({ handle: s.handle, ctx: ctx() });
    assert.equal(done.state, 'verified');
    assert.ok(done.state === 'verified' && done.ott.length === 43);
    assert.match(t.audit.events.at(-1)?.detail ?? '', /factor 2 of 2 verified/);
    if (done.state !== 'verified') return;
    assert.deepEqual(
      await t.service.setPassword({ handle: s.handle, ott: done.ott, password: 'p4ssword-x', confirmPassword: 'p4ssword-x', revokeSessions: false, ctx: ctx() }),
      { changed: true },
    );
  });

  test('the second factor must be of another class, allowed by the rule and enrolled', async () => {
    const t = setup();
    const s = await t.service.start({ login: 'admin@example.com', ctx: ctx() });
    await t.service.challenge({ handle: s.handle, method: 'okta-verify-code', ctx: ctx() });
    await t.service.verifyStep({ handle: s.handle, code: '123456', ctx: ctx() });
    for (const method of ['okta-verify-code', 'google-authenticator', 'sms', 'call', 'nope']) {
      await assert.rejects(t.service.challenge({ handle: s.handle, method: method as never, ctx: ctx() }), { code: 'METHOD_NOT_AVAILABLE' }, method);
    }
    assert.equal((await t.service.status({ handle: s.handle, ctx: ctx() })).state, 'factor-verified', 'a refused choice changes nothing');
  });

  test('a push then a code; the wrong-code count spans both factors (one flow, one cap)', async () => {
    const t = setup({ maxWrongCodesPerFlow: 3 });
    const admin = (await t.idp.findUser('admin@example.com'))!;
    const s = await t.service.start({ login: 'admin@example.com', ctx: ctx() });
    await t.service.challenge({ handle: s.handle, method: 'google-authenticator', ctx: ctx() });
    await assert.rejects(t.service.verifyStep({ handle: s.handle, code: '000000', ctx: ctx() }), { code: 'INVALID_CODE' });
    await t.service.challenge({ handle: s.handle, method: 'push', ctx: ctx() });
    t.idp.setPushResult(admin.id, 'approved');
    t.clock.advance(5000);
    assert.equal((await t.service.status({ handle: s.handle, ctx: ctx() })).state, 'factor-verified');
    await t.service.challenge({ handle: s.handle, method: 'okta-verify-code', ctx: ctx() });
    await assert.rejects(t.service.verifyStep({ handle: s.handle, code: '000001', ctx: ctx() }), { code: 'INVALID_CODE' });
    await assert.rejects(t.service.verifyStep({ handle: s.handle, code: '000002', ctx: ctx() }), { code: 'TOO_MANY_ATTEMPTS' });
    await assert.rejects(t.service.verifyStep({ handle: s.handle, code: '123456', ctx: ctx() }), { code: 'TOO_MANY_ATTEMPTS' });
  });

  test('a user with no second class enrolled is told so (empty offer), never given an ott', async () => {
    const t = setup();
    t.idp.addUser({ login: 'thin.admin@example.com', groups: ['Portal Admins'], factors: [{ method: 'google-authenticator' }, { method: 'okta-verify-code' }] });
    const s = await t.service.start({ login: 'thin.admin@example.com', ctx: ctx() });
    await t.service.challenge({ handle: s.handle, method: 'google-authenticator', ctx: ctx() });
    const r = await t.service.verifyStep({ handle: s.handle, code: '123456', ctx: ctx() });
    assert.ok(isFactorVerified(r));
    assert.deepEqual(r.methods, []);
  });

  test('with SHOW_ENROLLED_METHODS step 1 says "1 of 2" and offers only the rule\'s enrolled methods', async () => {
    const t = setup({ showEnrolledMethods: true });
    const s = await t.service.start({ login: 'admin@example.com', ctx: ctx() });
    assert.deepEqual(s.progress, { step: 1, steps: 2 });
    assert.deepEqual(s.methods.map((m) => m.method), ['push', 'okta-verify-code', 'google-authenticator']);
    const staff = await t.service.start({ login: 'staff@example.com', ctx: ctx() });
    assert.equal(staff.progress, undefined);
    assert.deepEqual(staff.methods.map((m) => m.method), ['google-authenticator', 'sms']);
  });

  test('self-service unlock composes: a locked-out admin is offered the unlock only after both factors', async () => {
    const t = setup({ selfServiceUnlock: true });
    const s = await t.service.start({ login: 'locked.admin@example.com', ctx: ctx() });
    await t.service.challenge({ handle: s.handle, method: 'okta-verify-code', ctx: ctx() });
    const first = await t.service.verifyStep({ handle: s.handle, code: '123456', ctx: ctx() });
    assert.ok(isFactorVerified(first));
    assert.equal('unlockAvailable' in first, false);
    await assert.rejects(t.service.unlock({ handle: s.handle, ott: 'x'.repeat(43), ctx: ctx() }), { code: 'WRONG_STEP' });
    assert.equal(t.idp.count('unlockUser'), 0);
    await t.service.challenge({ handle: s.handle, method: 'push', ctx: ctx() });
    t.idp.setPushResult((await t.idp.findUser('locked.admin@example.com'))!.id, 'approved');
    t.clock.advance(5000);
    const v = await t.service.status({ handle: s.handle, ctx: ctx() });
    assert.ok(v.state === 'verified' && v.unlockAvailable === true);
    if (v.state !== 'verified') return;
    assert.deepEqual(await t.service.unlock({ handle: s.handle, ott: v.ott, ctx: ctx() }), { unlocked: true });
    assert.equal(t.idp.unlocked.length, 1);
  });
});
