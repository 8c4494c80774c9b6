// Each layer on its own (issue 11, test strength): the limiter's block and refunds, the hashing of phone numbers in
// store keys, the send guard's mapping of failures, the IdP code budget, and verify's own cap before the IdP —
// each tested where another layer (the in-process lock, the store's key expiry, the flow state) cannot do the job.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { codeBudget, idpCodesKey, verifyWithinBudget, type CodeGuardEnv } from '../../../src/core/code-guard.js';
import { sha256 } from '../../../src/core/crypto.js';
import { PortalError } from '../../../src/core/errors.js';
import { Limiter, limitKey, refundKey } from '../../../src/core/limits.js';
import { guardedSend, resendKey, type SendGuardEnv, type SendRequest } from '../../../src/core/send-guard.js';
import { FlowRepo } from '../../../src/core/recovery/flow.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { FakeClock, addFullUser, createTestRecovery, ctx } from '../../helpers/fakes.js';

const PHONE = '+15550100100';

function base() {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  return { clock, store, limiter: new Limiter(store, clock) };
}

const rejectsWith = (code: string, retryAfterSeconds?: number) => (e: PortalError) => {
  assert.equal(e.code, code);
  if (retryAfterSeconds !== undefined) assert.equal(e.retryAfterSeconds, retryAfterSeconds);
  return true;
};

describe('limits.ts', () => {
  test('block: the flag records now + seconds × 1000 and blocks for exactly that long', async () => {
    const { clock, store, limiter } = base();
    const t0 = clock.now();
    await limiter.block('push-block', 'user:1', 600);
    assert.equal(await store.get<number>(limitKey('push-block', 'user:1')), t0 + 600_000);
    await assert.rejects(limiter.checkBlock('push-block', 'user:1'), rejectsWith('RATE_LIMITED', 600));
    clock.advance(599_500);
    await assert.rejects(limiter.checkBlock('push-block', 'user:1'), rejectsWith('RATE_LIMITED', 1));
    clock.advance(500);
    await limiter.checkBlock('push-block', 'user:1');
  });

  test('block: the record\'s own time ends it, even while the store still holds the key', async () => {
    const { clock, store, limiter } = base();
    await store.set(limitKey('push-block', 'user:2'), clock.now() + 1000, 3_600_000);
    await assert.rejects(limiter.checkBlock('push-block', 'user:2'), rejectsWith('RATE_LIMITED', 1));
    clock.advance(1000);
    await limiter.checkBlock('push-block', 'user:2');
  });

  test('block: zero seconds writes nothing; a block of another subject does not apply', async () => {
    const { store, limiter } = base();
    await limiter.block('push-block', 'user:3', 0);
    assert.deepEqual(store.keys(), []);
    await limiter.block('push-block', 'user:4', 60);
    await limiter.checkBlock('push-block', 'user:3');
  });

  test('keys: phone numbers are hashed; other subjects are kept as they are', () => {
    assert.equal(limitKey('dest', PHONE), `rl:dest:${sha256(PHONE)}`);
    assert.equal(limitKey('dest', PHONE).includes('5550100100'), false);
    assert.equal(limitKey('login', 'alice@example.com'), 'rl:login:alice@example.com');
    assert.equal(limitKey('ip', '10.0.0.1'), 'rl:ip:10.0.0.1');
  });

  test('hitEach: the first spent limit throws with whole seconds left (≥ 1); later limits and counters are not counted', async () => {
    const { clock, store, limiter } = base();
    const w = { max: 1, windowSeconds: 10 };
    const counted = await limiter.hitEach([{ bucket: 'ip', subject: 'a', w }], [{ key: 'c', windowMs: 5000 }]);
    assert.deepEqual(counted, [{ count: 1, resetAt: clock.now() + 5000 }]);
    clock.advance(8_400);
    await assert.rejects(
      limiter.hitEach([{ bucket: 'ip', subject: 'a', w }, { bucket: 'login', subject: 'b', w }], [{ key: 'd', windowMs: 5000 }]),
      rejectsWith('RATE_LIMITED', 2),
    );
    assert.equal(await store.get(limitKey('login', 'b')), null, 'the limit after the refusal is not counted');
    assert.equal(await store.get('d'), null, 'nor the counter');
    clock.advance(1_500);
    await assert.rejects(limiter.hit('ip', 'a', w), rejectsWith('RATE_LIMITED', 1));
  });

  test('hitEach: a counter with max stops the counters after it', async () => {
    const { limiter } = base();
    const after = [{ key: 'first', windowMs: 1000, max: 1 }, { key: 'second', windowMs: 1000 }];
    assert.equal((await limiter.hitEach([], after)).length, 2);
    assert.deepEqual((await limiter.hitEach([], after)).map((v) => v.count), [2]);
  });

  test('netCount and refund: refunds are read only from `atLeast`, and belong to the counter\'s window', async () => {
    const { clock, store, limiter } = base();
    const v = await store.increment('k', 10_000);
    const v2 = await store.increment('k', 10_000);
    assert.equal(v2.count, 2);
    await limiter.refund('k', v2);
    assert.equal(await store.get(refundKey('k', v2)), 1);
    assert.equal(await limiter.netCount('k', v2, 3), 2, 'below atLeast: the raw count, no read');
    assert.equal(await limiter.netCount('k', v2, 2), 1, 'from atLeast: net of refunds');
    assert.equal(await limiter.netCount('k', v, 1), 0);
    clock.advance(10_000);
    const fresh = await store.increment('k', 10_000);
    assert.equal(await limiter.netCount('k', fresh, 1), 1, 'an old window\'s refunds do not apply');
    assert.equal(await store.get(refundKey('k', v2)), null, 'the refund ended with its window');
  });
});

describe('send-guard.ts', () => {
  function env(over: Partial<SendGuardEnv['policy']['limits']> = {}) {
    const b = base();
    const e: SendGuardEnv = {
      ...b,
      policy: {
        resendCooldownSeconds: 30,
        limits: { perDestination: { max: 2, windowSeconds: 3600 }, globalSends: { max: 100, windowSeconds: 3600 }, ...over },
      },
    };
    return { ...b, env: e };
  }
  const req = (over: Partial<SendRequest> = {}): SendRequest & { sends: number; skips: number } => {
    const r = {
      method: 'sms' as const,
      requester: 'login:alice@example.com',
      phone: PHONE,
      sends: 0,
      skips: 0,
      send: async () => {
        r.sends++;
      },
      skip: async () => {
        r.skips++;
      },
      ...over,
    };
    return r;
  };

  test('success: the cooldown is the policy\'s, keyed by the hashed requester and method; no key holds the number', async () => {
    const { clock, store, env: e } = env();
    const r = req({ requester: PHONE });
    const out = await guardedSend(e, r);
    assert.deepEqual(out, { next: clock.now() + 30_000, sent: true });
    assert.equal(await store.get(resendKey('sms', PHONE)), clock.now() + 30_000);
    assert.equal(resendKey('sms', PHONE), `resend:sms:${sha256(PHONE)}`);
    for (const k of store.keys()) assert.equal(k.includes('5550100100'), false, k);
    clock.advance(29_100);
    await assert.rejects(guardedSend(e, r), rejectsWith('RESEND_TOO_SOON', 1));
    await guardedSend(e, { ...r, method: 'call' }); // voice has its own window
    clock.advance(900);
    await assert.rejects(guardedSend(e, r), rejectsWith('RATE_LIMITED')); // per destination: 2
    assert.equal(r.sends, 2);
  });

  test('the IdP\'s resend refusal: RESEND_TOO_SOON with the IdP\'s wait, which becomes the cooldown', async () => {
    const { clock, env: e } = env();
    const refuse = (retryAfterSeconds?: number) => async () => {
      throw new PortalError('RESEND_TOO_SOON', retryAfterSeconds === undefined ? {} : { retryAfterSeconds });
    };
    await assert.rejects(guardedSend(e, req({ send: refuse(17) })), rejectsWith('RESEND_TOO_SOON', 17));
    clock.advance(16_000);
    await assert.rejects(guardedSend(e, req()), rejectsWith('RESEND_TOO_SOON', 1));
    clock.advance(1_000);
    await assert.rejects(guardedSend(e, req({ send: refuse() })), rejectsWith('RESEND_TOO_SOON', 30));
  });

  test('hidden IdP refusal (recovery): answered as a send with the policy\'s cooldown', async () => {
    const { clock, env: e } = env();
    const out = await guardedSend(e, req({ hideIdpRefusal: true, send: async () => Promise.reject(new PortalError('RESEND_TOO_SOON', { retryAfterSeconds: 5 })) }));
    assert.deepEqual(out, { next: clock.now() + 30_000, sent: false });
    clock.advance(29_000);
    await assert.rejects(guardedSend(e, req()), rejectsWith('RESEND_TOO_SOON', 1));
  });

  test('other failures pass through unchanged and set no cooldown', async () => {
    const { store, env: e } = env({ perDestination: { max: 100, windowSeconds: 3600 } });
    for (const code of ['IDP_UNAVAILABLE', 'RATE_LIMITED', 'FACTOR_LOCKED'] as const) {
      await assert.rejects(guardedSend(e, req({ send: async () => Promise.reject(new PortalError(code)) })), rejectsWith(code));
    }
    await assert.rejects(guardedSend(e, req({ send: async () => Promise.reject(new Error('boom')) })), /boom/);
    assert.equal(await store.get(resendKey('sms', 'login:alice@example.com')), null);
  });

  test('the number\'s own budget is silent: once spent, the same answer and nothing sent', async () => {
    const { clock, env: e } = env({ perDestination: { max: 2, windowSeconds: 3600 } });
    const r = req({ requester: 'login:a' });
    const r2 = req({ requester: 'login:b' });
    assert.equal((await guardedSend(e, r)).sent, true);
    clock.advance(31_000);
    assert.equal((await guardedSend(e, r2)).sent, true);
    clock.advance(31_000);
    assert.equal((await guardedSend(e, r2)).sent, false);
    assert.deepEqual([r.sends, r2.sends, r2.skips], [1, 1, 1]);
    await assert.rejects(guardedSend(e, { ...r2, method: 'call' }), rejectsWith('RATE_LIMITED')); // login:b's own budget: 2
  });

  test('no number (a decoy): skip runs, nothing is sent, the budgets count the same', async () => {
    const { clock, env: e } = env();
    const r = req({ phone: null });
    assert.equal((await guardedSend(e, r)).sent, false);
    clock.advance(31_000);
    await guardedSend(e, r);
    clock.advance(31_000);
    await assert.rejects(guardedSend(e, r), rejectsWith('RATE_LIMITED'));
    assert.deepEqual([r.sends, r.skips], [0, 2]);
  });
});

describe('code-guard.ts', () => {
  function env(threshold = 3) {
    const b = base();
    const e: CodeGuardEnv = { ...b, policy: { factorLockout: { threshold, windowSeconds: 600 } } };
    return { ...b, env: e };
  }
  const wrong = async () => Promise.reject(new PortalError('INVALID_CODE'));

  test('budget: one short of the threshold (Okta\'s 5 by default), never negative', () => {
    assert.equal(codeBudget({}), 4);
    assert.equal(codeBudget({ factorLockout: { threshold: 10, windowSeconds: 1 } }), 9);
    assert.equal(codeBudget({ factorLockout: { threshold: 0, windowSeconds: 1 } }), 0);
  });

  test('threshold − 1 judged codes, then refused without calling; the window ends it', async () => {
    const { clock, env: e } = env(3);
    let calls = 0;
    const check = async () => {
      calls++;
      await wrong();
    };
    assert.equal(await verifyWithinBudget(e, 'u1', undefined, check), 'rejected');
    assert.equal(await verifyWithinBudget(e, 'u1', undefined, check), 'rejected');
    assert.equal(await verifyWithinBudget(e, 'u1', undefined, check), 'refused');
    assert.equal(await verifyWithinBudget(e, 'u1', undefined, check), 'refused');
    assert.equal(calls, 2);
    assert.equal(await verifyWithinBudget(e, 'u2', undefined, check), 'rejected', 'another user has their own');
    clock.advance(600_000);
    assert.equal(await verifyWithinBudget(e, 'u1', undefined, check), 'rejected');
  });

  test('FACTOR_LOCKED counts as locked; a success clears the count; other failures give the attempt back', async () => {
    const { store, env: e } = env(3);
    assert.equal(await verifyWithinBudget(e, 'u', undefined, async () => Promise.reject(new PortalError('FACTOR_LOCKED'))), 'locked');
    assert.equal(await verifyWithinBudget(e, 'u', undefined, async () => {}), 'accepted');
    assert.equal(await store.get(idpCodesKey('u')), null);
    for (let i = 0; i < 5; i++) {
      await assert.rejects(
        verifyWithinBudget(e, 'u', undefined, async () => Promise.reject(new PortalError('IDP_UNAVAILABLE'))),
        rejectsWith('IDP_UNAVAILABLE'),
      );
    }
    assert.equal(await verifyWithinBudget(e, 'u', undefined, wrong), 'rejected');
    assert.equal(await verifyWithinBudget(e, 'u', undefined, wrong), 'rejected');
    assert.equal(await verifyWithinBudget(e, 'u', undefined, wrong), 'refused');
  });

  test('parallel guesses never pass the budget', async () => {
    const { env: e } = env(5);
    let calls = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, () =>
        verifyWithinBudget(e, 'u', undefined, async () => {
          calls++;
          await wrong();
        }),
      ),
    );
    assert.equal(calls, 4);
    assert.equal(results.filter((r) => r === 'refused').length, 16);
  });
});

describe('verify.ts: its own checks', () => {
  const roomy = { factorLockout: { threshold: 100, windowSeconds: 86_400 } };

  test('the cap is checked before the IdP: attempts taken by another instance lock the flow without an IdP call', async () => {
    const t = createTestRecovery({ policy: { maxWrongCodesPerFlow: 3, ...roomy } });
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    const id = FlowRepo.idOf(handle)!;
    for (let i = 0; i < 3; i++) await t.store.increment(`flow-codes:${id}`, 900_000); // another instance's guesses
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), rejectsWith('TOO_MANY_ATTEMPTS'));
    assert.equal(t.idp.count('verifyPasscode'), 0);
    await assert.rejects(t.service.status({ handle, ctx: ctx() }), rejectsWith('TOO_MANY_ATTEMPTS'), 'the flow is locked');
  });

  test('the attempt counter lasts as long as the flow (not a moment)', async () => {
    const t = createTestRecovery({ policy: { maxWrongCodesPerFlow: 2, ...roomy } });
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    await assert.rejects(t.service.verify({ handle, code: '000000', ctx: ctx() }), rejectsWith('INVALID_CODE'));
    t.clock.advance(600_000);
    await assert.rejects(t.service.verify({ handle, code: '000000', ctx: ctx() }), rejectsWith('TOO_MANY_ATTEMPTS'));
    await assert.rejects(t.service.challenge({ handle, method: 'sms', ctx: ctx() }), rejectsWith('TOO_MANY_ATTEMPTS'));
  });

  test('an IdP failure gives the flow\'s attempt back; a refused budget answers like a decoy after the usual pad', async () => {
    const t = createTestRecovery({ policy: { maxWrongCodesPerFlow: 2, factorLockout: { threshold: 2, windowSeconds: 3600 } } });
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    for (let i = 0; i < 3; i++) {
      t.idp.failNext('verifyPasscode', new PortalError('IDP_UNAVAILABLE'));
      await assert.rejects(t.service.verify({ handle, code: '000000', ctx: ctx() }), rejectsWith('IDP_UNAVAILABLE'));
    }
    await assert.rejects(t.service.verify({ handle, code: '000000', ctx: ctx() }), rejectsWith('INVALID_CODE'));
    const calls = t.idp.count('verifyPasscode');
    const slept = t.clock.slept;
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), rejectsWith('TOO_MANY_ATTEMPTS'));
    assert.equal(t.idp.count('verifyPasscode'), calls, 'the budget (1 code) was spent: no IdP call');
    assert.ok(t.clock.slept >= slept, 'padded like a decoy');
  });
});
