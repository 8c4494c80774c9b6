/**
 * Property (issue 16, item 1): the help-desk console can neither spam nor lock a caller, nor change anything of
 * theirs, whatever agents do with it.
 * - Codes: every code an agent types spends the caller's IdP code budget shared with recovery and the account
 *   (one short of Okta's factor lockout), across agents and sessions: at most threshold − 1 codes reach Okta.
 * - SMS / voice: the resend cooldown and the per-number budget are recovery's, across agents.
 * - Push: the caller's per-user push budget and the block after a rejected push are recovery's, across agents.
 * - Whatever sequence of console calls, the IdP is only asked to look up, list, challenge and verify: never to set a
 *   password, enrol, remove or unlock anything.
 * Over the core with fakes (FakeIdp, MemoryStore, FakeClock); fast-check drives the interleavings.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createHelpdeskService, createRecoveryService, defaultHelpdeskPolicy, isPortalError, type AgentContext } from '../../src/core/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { FakeClock, FakeIdp, FakeNotifier, MemoryAudit, SeededRandom, addFullUser, ctx, followHandles, testPolicy } from '../helpers/fakes.js';

function setup(overrides: Parameters<typeof defaultHelpdeskPolicy>[0] = {}) {
  const clock = new FakeClock();
  const idp = new FakeIdp({ clock });
  const store = new MemoryStore(clock);
  const audit = new MemoryAudit();
  const policy = defaultHelpdeskPolicy({
    limits: {
      perLogin: { max: 1000, windowSeconds: 900 },
      perIp: { max: 1000, windowSeconds: 900 },
      perDestination: { max: 3, windowSeconds: 3600 },
      globalSends: { max: 1000, windowSeconds: 3600 },
      pushPerUser: { max: 4, windowSeconds: 900 },
    },
    maxWrongCodes: 3,
    ...overrides,
  });
  const desk = createHelpdeskService({ idp, store, clock, audit, policy });
  const caller = addFullUser(idp, 'caller@example.com');
  const agent = (i: number): AgentContext => ({ agentId: `00uagent${i}`, agentLogin: `agent${i}@example.com`, sessionId: `sess-${i}`, ctx: ctx(`198.51.100.${i + 1}`) });
  const factorOf = (method: string) => idp['users'].get(caller.id)!.factors.find((f: { method: string | null }) => f.method === method)!.id as string;
  return { clock, idp, store, audit, policy, desk, caller, agent, factorOf };
}

const swallow = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
    return 'ok';
  } catch (e) {
    if (isPortalError(e)) return e.code;
    throw e;
  }
};

describe('the help-desk console cannot spam or lock a caller', () => {
  test('wrong codes from any number of agents: at most threshold − 1 reach Okta (shared with recovery)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 25 }), fc.boolean(), async (who, recoveryFirst) => {
        const s = setup();
        if (recoveryFirst) {
          // Two wrong codes through anonymous recovery first: the same per-user budget.
          const rec = followHandles(
            createRecoveryService({ idp: s.idp, store: s.store, clock: s.clock, random: new SeededRandom(1), audit: new MemoryAudit(), notifier: new FakeNotifier(), policy: testPolicy() }),
          );
          const { handle } = await rec.start({ login: 'caller@example.com', ctx: ctx() });
          await rec.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
          for (let i = 0; i < 2; i++) await swallow(rec.verify({ handle, code: '000000', ctx: ctx() }));
        }
        const before = s.idp.count('verifyPasscode');
        for (const i of who) {
          const a = s.agent(i);
          const view = await s.desk.view(a);
          if (view.state !== 'challenged-code') {
            await s.desk.lookup(a, 'caller@example.com');
            await s.desk.challenge(a, s.factorOf('google-authenticator'));
          }
          await swallow(s.desk.verify(a, '000000'));
        }
        const total = s.idp.count('verifyPasscode');
        assert.ok(total <= 4, `${total} codes reached Okta (recovery ${before})`);
      }),
      { numRuns: 40 },
    );
  });

  test('SMS: the resend cooldown and the per-number budget hold across agents', async () => {
    const s = setup();
    const answers: string[] = [];
    for (let round = 0; round < 6; round++) {
      for (let i = 0; i < 3; i++) {
        const a = s.agent(i);
        await s.desk.lookup(a, 'caller@example.com');
        answers.push(await swallow(s.desk.challenge(a, s.factorOf('sms'))));
      }
      await s.clock.advance(31_000);
    }
    const sends = s.idp.count('sendChallenge');
    assert.equal(sends, s.policy.limits.perDestination.max, `sends: ${sends} (${answers.join(' ')})`);
    assert.ok(answers.includes('RESEND_TOO_SOON'), 'a second agent within the cooldown is refused');
    assert.ok(answers.includes('RATE_LIMITED'), 'the per-number budget is spent');
  });

  test('push: the per-user budget and the block after a rejected push hold across agents', async () => {
    const s = setup();
    for (let i = 0; i < 8; i++) {
      const a = s.agent(i % 3);
      await s.desk.lookup(a, 'caller@example.com');
      await swallow(s.desk.challenge(a, s.factorOf('push')));
    }
    assert.equal(s.idp.count('startPush'), s.policy.limits.pushPerUser.max);

    const t = setup();
    const a = t.agent(0);
    await t.desk.lookup(a, 'caller@example.com');
    await t.desk.challenge(a, t.factorOf('push'));
    t.idp.setPushResult(t.caller.id, 'rejected');
    await t.clock.advance(5_000);
    assert.equal(await t.desk.status(a), 'failed');
    const b = t.agent(1);
    await t.desk.lookup(b, 'caller@example.com');
    assert.equal(await swallow(t.desk.challenge(b, t.factorOf('push'))), 'RATE_LIMITED', 'no push after a rejected one');
    assert.equal(t.idp.count('startPush'), 1);
  });

  test('one agent’s attempts are capped across sessions, addresses and callers; other agents go on', async () => {
    const roomy = setup().policy.limits;
    const s = setup({ limits: { ...roomy, perLogin: { max: 5, windowSeconds: 900 } } });
    for (let i = 0; i < 6; i++) addFullUser(s.idp, `other${i}@example.com`);
    // The same agent from three sessions on three addresses, looking up a different caller each time.
    const same = (n: number): AgentContext => ({ ...s.agent(0), sessionId: `sess-0-${n % 3}`, ctx: ctx(`203.0.113.${(n % 3) + 1}`) });
    const outcomes: string[] = [];
    for (let n = 0; n < 6; n++) outcomes.push(await swallow(s.desk.lookup(same(n), `other${n}@example.com`)));
    assert.deepEqual(outcomes, ['ok', 'ok', 'ok', 'ok', 'ok', 'RATE_LIMITED'], 'the agent’s budget (LIMIT_PER_LOGIN) is one across sessions and addresses');
    const lookups = s.idp.count('findUser');
    assert.equal(await swallow(s.desk.lookup(same(6), 'caller@example.com')), 'RATE_LIMITED');
    assert.equal(s.idp.count('findUser'), lookups, 'a refused attempt reaches no IdP');
    assert.equal(await swallow(s.desk.lookup(s.agent(1), 'caller@example.com')), 'ok', 'another agent is not held back');
    await s.clock.advance(900_000);
    assert.equal(await swallow(s.desk.lookup(same(7), 'caller@example.com')), 'ok', 'the window ends');
  });

  test('any sequence of console calls only looks up, lists, challenges and verifies', async () => {
    const allowed = new Set(['findUser', 'listFactors', 'sendChallenge', 'verifyPasscode', 'startPush', 'pollPush']);
    const step = fc.oneof(
      fc.record({ kind: fc.constant('lookup' as const), login: fc.constantFrom('caller@example.com', 'nobody@example.com', '') }),
      fc.record({ kind: fc.constant('challenge' as const), method: fc.constantFrom('sms', 'call', 'push', 'google-authenticator', 'okta-verify-code', 'bogus') }),
      fc.record({ kind: fc.constant('verify' as const), code: fc.constantFrom('123456', '000000', 'abc', '') }),
      fc.record({ kind: fc.constant('status' as const) }),
      fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 400_000 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), step), { maxLength: 30 }), async (steps) => {
        const s = setup();
        for (const [i, st] of steps) {
          const a = s.agent(i);
          if (st.kind === 'lookup') await swallow(s.desk.lookup(a, st.login));
          else if (st.kind === 'challenge') await swallow(s.desk.challenge(a, st.method === 'bogus' ? 'nope' : s.factorOf(st.method)));
          else if (st.kind === 'verify') await swallow(s.desk.verify(a, st.code));
          else if (st.kind === 'status') await swallow(s.desk.status(a));
          else await s.clock.advance(st.ms);
        }
        const bad = s.idp.calls.filter((c) => !allowed.has(c.op));
        assert.deepEqual(bad, []);
        assert.equal(s.idp.status(s.caller.id), 'ACTIVE');
        // Every event names the agent; no event carries a code.
        for (const e of s.audit.events) {
          assert.match(e.detail ?? '', /agent=agent\d@example\.com/);
          assert.doesNotMatch(JSON.stringify(e), /123456|000000/);
        }
      }),
      { numRuns: 60 },
    );
  });
});
