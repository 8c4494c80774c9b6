/**
 * Property (policies by group, issue 14 item 3): with group rules, a real, eligible user whom no rule admits (or whom
 * a deny rule matches first) gets exactly the answers an unknown login gets, for every method: start, every
 * challenge, the user's own right code, push status, the final status. Nothing reaches the user (no send, no push,
 * no code checked at Okta: the only Okta calls are the login lookup and the one groups read) and the flow never
 * reaches an ott. Checked over arbitrary rule sets and users with fast-check, on the core with the fake IdP.
 * Before group rules existed every eligible user got a real flow, so the right code verified and this failed.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { RECOVERY_METHODS, type RecoveryMethod } from '../../src/core/ports.js';
import { classCount, matchRule, type GroupRule } from '../../src/core/recovery/group-rules.js';
import { createTestRecovery, ctx } from '../helpers/fakes.js';

const GROUPS = ['Portal Admins', 'Staff', 'Contractors', 'Sales', 'Everyone'] as const;
const LOGIN = 'someone@example.com';

const methodsArb = fc.subarray([...RECOVERY_METHODS], { minLength: 1 });
const ruleArb = (i: number): fc.Arbitrary<GroupRule> =>
  fc
    .record({
      groups: fc.oneof(
        { weight: 9, arbitrary: fc.subarray<string>([...GROUPS], { minLength: 1 }) },
        { weight: 1, arbitrary: fc.constant<string[]>(['*']) },
      ),
      access: fc.constantFrom('allow' as const, 'deny' as const),
      methods: methodsArb,
      two: fc.boolean(),
      caseFlip: fc.boolean(),
    })
    .map(({ groups, access, methods, two, caseFlip }) => ({
      name: `rule ${i}`,
      groups: caseFlip ? groups.map((g) => g.toUpperCase()) : groups,
      access,
      methods: access === 'deny' ? [] : methods,
      methodsRequired: access === 'allow' && two && classCount(methods) >= 2 ? 2 : 1,
    }));
const rulesArb = fc.integer({ min: 1, max: 4 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => ruleArb(i))));
const userArb = fc.record({
  // Everyone is added by the fake IdP, as Okta does; a rule naming it matches every user.
  groups: fc.subarray(GROUPS.filter((g) => g !== 'Everyone')),
  factors: fc.subarray([...RECOVERY_METHODS], { minLength: 1 }),
  status: fc.constantFrom('ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY'),
});

type Outcome = { ok: unknown } | { error: string };

/** Every answer a visitor gets for LOGIN, handles and times masked (they differ per flow by design). */
async function journey(rules: GroupRule[], user: { groups: string[]; factors: RecoveryMethod[]; status: string } | null) {
  const t = createTestRecovery({ policy: { groupRules: rules, resendCooldownSeconds: 0 } });
  if (user) {
    t.idp.addUser({
      login: LOGIN,
      status: user.status,
      groups: user.groups,
      factors: user.factors.map((method) => (method === 'sms' || method === 'call' ? { method, phoneNumber: '+15550100100' } : { method })),
    });
  }
  // Handles and push numbers are random per flow (their distribution is what matters: a number, or null without
  // number matching); times are masked as elsewhere.
  const mask = (v: unknown): unknown =>
    JSON.parse(JSON.stringify(v), (k, x: unknown) =>
      k === 'handle' ? '<handle>' : k === 'expiresAt' || k === 'sentAt' ? '<time>' : k === 'correctAnswer' ? (x === null ? null : typeof x) : x,
    );
  const run = async (p: Promise<unknown>): Promise<Outcome> => {
    try {
      return { ok: mask(await p) };
    } catch (e) {
      return { error: (e as { code?: string }).code ?? String(e) };
    }
  };
  const out: Outcome[] = [];
  const started = await t.service.start({ login: LOGIN, ctx: ctx() });
  out.push({ ok: mask(started) });
  const handle = started.handle;
  for (const method of t.policy.methods) {
    out.push(await run(t.service.challenge({ handle, method, ctx: ctx() })));
    if (method === 'push') {
      t.idp.setPushResult((await t.idp.findUser(LOGIN))?.id ?? 'none', 'approved');
      t.clock.advance(5000);
      out.push(await run(t.service.status({ handle, ctx: ctx() })));
    } else {
      out.push(await run(t.service.verifyStep({ handle, code: '123456', ctx: ctx() })));
    }
  }
  out.push(await run(t.service.status({ handle, ctx: ctx() })));
  // The flow's own login lookups are left out (the test itself looks the user up to approve the push).
  const calls = t.idp.calls.filter((c) => c.op !== 'findUser').map((c) => c.op);
  return { out, calls, userIds: t.audit.events.map((e) => e.userId) };
}

describe('policies by group: users no rule admits look like unknown logins', () => {
  test('same answers as an unknown login for every method; no send, push or code check at Okta; never an ott', async () => {
    await fc.assert(
      fc.asyncProperty(rulesArb, userArb, async (rules, user) => {
        const everyone = [{ id: '00gEveryone', name: 'Everyone' }, ...user.groups.map((name, i) => ({ id: `00g${i}`, name }))];
        const rule = matchRule(rules, everyone);
        fc.pre(rule === null || rule.access === 'deny');

        const real = await journey(rules, user);
        const unknown = await journey(rules, null);
        assert.deepEqual(real.out, unknown.out, 'the visitor cannot tell the user from an unknown login');
        assert.deepEqual(real.calls, ['listGroups'], 'only the groups read reaches Okta for this user');
        assert.ok(real.userIds.every((id) => id === null), 'no audit event ties the flow to the user');
        assert.ok(!real.out.some((o) => 'ok' in o && JSON.stringify(o.ok).includes('"ott"')), 'never an ott');
      }),
      { numRuns: 80 },
    );
  });

  test('control: a user a rule admits does get a real flow (the property above is not vacuous)', async () => {
    const rules: GroupRule[] = [{ name: 'staff', groups: ['Staff'], access: 'allow', methods: ['google-authenticator'], methodsRequired: 1 }];
    const admitted = await journey(rules, { groups: ['Staff'], factors: ['google-authenticator'], status: 'ACTIVE' });
    const unknown = await journey(rules, null);
    assert.notDeepEqual(admitted.out, unknown.out);
    assert.ok(admitted.out.some((o) => 'ok' in o && JSON.stringify(o.ok).includes('"ott"')));
  });
});
