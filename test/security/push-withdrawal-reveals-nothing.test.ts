/**
 * Property (issue 13, item 5; RST-1..3): withdrawing a pending push (another push, another method, Start again) costs
 * a real user an IdP call (DELETE of the push's transaction); decoys (unknown logins, ineligible users, users without
 * push) make no call but take the same time on the clock and get the same answers, so the withdrawal tells nothing
 * about the account. fast-check drives random sequences of those steps over a real user and a decoy side by side.
 * A withdrawal made only for real users, without the decoy's pad, fails this test (checked by removing the pad).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { addFullUser, createTestRecovery, ctx, type TestRecovery } from '../helpers/fakes.js';
import type { RecoveryMethod } from '../../src/core/ports.js';

const LATENCY = 100; // ms per IdP call on the fake clock

type Step = 'push' | 'google-authenticator' | 'sms' | 'cancel';

async function warm(t: TestRecovery): Promise<void> {
  for (let i = 0; i < 4; i++) {
    const { handle } = await t.service.start({ login: 'real', ctx: ctx() });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    await t.service.cancel({ handle, ctx: ctx() });
    t.clock.advance(31_000);
  }
}

/** What the caller sees of each step (kinds and error codes; no random values) and how long it took. */
async function run(t: TestRecovery, login: string, steps: readonly Step[]): Promise<{ seen: string[]; ms: number[] }> {
  t.clock.advance(120_000);
  let { handle } = await t.service.start({ login, ctx: ctx() });
  const seen: string[] = [];
  const ms: number[] = [];
  for (const step of steps) {
    const t0 = t.clock.now();
    try {
      if (step === 'cancel') {
        await t.service.cancel({ handle, ctx: ctx() });
        seen.push('cancelled');
        ({ handle } = await t.service.start({ login, ctx: ctx() }));
      } else {
        const r = await t.service.challenge({ handle, method: step as RecoveryMethod, ctx: ctx() });
        handle = r.handle;
        seen.push(r.kind);
      }
    } catch (e) {
      seen.push(`error:${(e as { code?: string }).code ?? '?'}`);
    }
    ms.push(t.clock.now() - t0);
    t.clock.advance(31_000); // past the SMS resend window, so every step is a fresh send
  }
  return { seen, ms };
}

describe('withdrawing a pending push reveals nothing', () => {
  test('real user and decoys: same answers, same time, calls only for the real user', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom<Step>('push', 'push', 'google-authenticator', 'sms', 'cancel'), { minLength: 2, maxLength: 6 }), async (steps) => {
        const t = createTestRecovery({ latencyMs: LATENCY, policy: { limits: { ...createTestRecovery().policy.limits, pushPerUser: { max: 1000, windowSeconds: 900 } } } });
        addFullUser(t.idp, 'real');
        t.idp.addUser({ login: 'nopush', factors: [{ method: 'sms' }, { method: 'google-authenticator' }] });
        await warm(t);
        const real = await run(t, 'real', steps);
        for (const login of ['ghost', 'nopush']) {
          const withdrawnBefore = t.idp.count('cancelPush');
          const other = await run(t, login, steps);
          assert.deepEqual(other.seen, real.seen, `${login}: the same answers`);
          other.ms.forEach((m, i) => assert.ok(Math.abs(m - real.ms[i]!) <= 25, `${login} step ${i} (${steps[i]}): ${m} ms vs ${real.ms[i]} ms`));
          assert.equal(t.idp.count('cancelPush'), withdrawnBefore, `${login}: no withdrawal call`);
        }
      }),
      { numRuns: 15 },
    );
  });
});
