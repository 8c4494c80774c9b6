// The send guard (src/core/send-guard.ts) on its own, over a memory store: each rule holds by its own code, not
// because the store's key expiry or another layer happens to do the same job (issue 11, "Test strength").
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalError } from '../../../src/core/errors.js';
import { Limiter, limitKey } from '../../../src/core/limits.js';
import { guardedSend, resendKey, type SendGuardEnv, type SendRequest } from '../../../src/core/send-guard.js';
import type { CounterHit, CounterValue, SendChannel } from '../../../src/core/ports.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { FakeClock } from '../../helpers/fakes.js';

const PHONE = '+15550100199';

function setup(opts: { perDestination?: number; cooldown?: number } = {}) {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  const sent: SendChannel[] = [];
  const env: SendGuardEnv = {
    store,
    clock,
    limiter: new Limiter(store, clock),
    policy: {
      resendCooldownSeconds: opts.cooldown ?? 30,
      limits: { perDestination: { max: opts.perDestination ?? 20, windowSeconds: 3600 }, globalSends: { max: 1000, windowSeconds: 3600 } },
    },
    sends: { sent: (c) => sent.push(c) },
  };
  return { clock, store, env, sent };
}

/** A request that records whether the IdP was asked (`send`) or the stand-in ran (`skip`). */
function request(over: Partial<SendRequest> = {}) {
  const calls: string[] = [];
  const req: SendRequest = {
    method: 'sms',
    requester: 'login:alice',
    phone: PHONE,
    send: async () => void calls.push('send'),
    skip: async () => void calls.push('skip'),
    ...over,
  };
  return { req, calls };
}

const tooSoon = (retryAfterSeconds: number) => (e: PortalError) => {
  assert.equal(e.code, 'RESEND_TOO_SOON');
  assert.equal(e.retryAfterSeconds, retryAfterSeconds);
  return true;
};

describe('guardedSend: the resend cooldown is the record\'s own time, not the store key\'s life', () => {
  test('refused until the recorded time even when the key outlives it; accepted at that exact time', async () => {
    const { clock, store, env } = setup();
    const key = resendKey('sms', 'login:alice');
    // The key lives an hour, the recorded time says 10 s: the record decides.
    await store.set(key, clock.now() + 10_000, 3_600_000);
    await assert.rejects(guardedSend(env, request().req), tooSoon(10));
    clock.advance(9_001);
    await assert.rejects(guardedSend(env, request().req), tooSoon(1));
    clock.advance(999);
    const { req, calls } = request();
    const out = await guardedSend(env, req);
    assert.deepEqual(calls, ['send']);
    assert.equal(out.sent, true);
    assert.equal(out.next, clock.now() + 30_000);
  });

  test('a recorded time in the past refuses nothing; nothing recorded refuses nothing', async () => {
    const { clock, store, env } = setup();
    await store.set(resendKey('sms', 'login:alice'), clock.now() - 5_000, 3_600_000);
    assert.equal((await guardedSend(env, request().req)).sent, true);
    const other = request({ requester: 'login:bob' });
    assert.equal((await guardedSend(env, other.req)).sent, true);
    assert.deepEqual(other.calls, ['send']);
  });

  test('the cooldown is per requester and method', async () => {
    const { env } = setup();
    await guardedSend(env, request().req);
    await assert.rejects(guardedSend(env, request().req), tooSoon(30));
    await guardedSend(env, request({ method: 'call' }).req);
    await guardedSend(env, request({ requester: 'login:bob' }).req);
  });
});

describe('guardedSend: the IdP\'s own resend refusal', () => {
  const refusal = () => {
    throw new PortalError('RESEND_TOO_SOON', { retryAfterSeconds: 45 });
  };

  test('answered with Okta\'s own wait, which becomes the requester\'s cooldown; the detail says who refused', async () => {
    const { clock, env, sent } = setup();
    await assert.rejects(guardedSend(env, request({ send: async () => refusal() }).req), (e: PortalError) => {
      assert.equal(e.code, 'RESEND_TOO_SOON');
      assert.equal(e.retryAfterSeconds, 45);
      assert.match(e.detail ?? '', /IdP/);
      return true;
    });
    assert.deepEqual(sent, [], 'a refused send is not counted as a send');
    clock.advance(44_000);
    await assert.rejects(guardedSend(env, request().req), tooSoon(1));
    clock.advance(1_000);
    await guardedSend(env, request().req);
  });

  test('without Okta\'s wait, the policy\'s cooldown', async () => {
    const { env } = setup({ cooldown: 20 });
    const send = async () => {
      throw new PortalError('RESEND_TOO_SOON');
    };
    await assert.rejects(guardedSend(env, request({ send }).req), tooSoon(20));
  });

  test('hidden (recovery): answered as a send with the policy\'s cooldown, nothing reported as sent', async () => {
    const { clock, env, sent } = setup({ cooldown: 30 });
    const out = await guardedSend(env, request({ send: async () => refusal(), hideIdpRefusal: true }).req);
    assert.deepEqual(out, { next: clock.now() + 30_000, sent: false });
    assert.deepEqual(sent, []);
    await assert.rejects(guardedSend(env, request().req), tooSoon(30));
  });

  test('any other failure of the send stays what it was and sets no cooldown', async () => {
    const { env } = setup();
    const send = async () => {
      throw new PortalError('IDP_UNAVAILABLE');
    };
    await assert.rejects(guardedSend(env, request({ send }).req), { code: 'IDP_UNAVAILABLE' });
    await assert.rejects(guardedSend(env, request({ send: async () => { throw new Error('socket hang up'); } }).req), /socket hang up/);
    await guardedSend(env, request().req);
  });
});

describe('guardedSend: the number\'s own budget', () => {
  test('once the number\'s budget is spent nothing is sent, the answer is the same', async () => {
    const { env, sent } = setup({ perDestination: 1 });
    const first = request({ requester: 'login:alice' });
    assert.equal((await guardedSend(env, first.req)).sent, true);
    const second = request({ requester: 'login:bob' }); // another login, the same number
    const out = await guardedSend(env, second.req);
    assert.equal(out.sent, false);
    assert.deepEqual(second.calls, ['skip']);
    assert.deepEqual(sent, ['sms']);
  });

  test('a store failure (or any other refusal) while counting the number is not taken for a spent budget', async () => {
    for (const failure of [new Error('store down'), new PortalError('IDP_UNAVAILABLE')]) {
      const { clock, env } = setup();
      const store = new MemoryStore(clock);
      let calls = 0;
      const failing = Object.assign(Object.create(store) as MemoryStore, {
        incrementEach: async (hits: readonly CounterHit[]): Promise<CounterValue[]> => {
          if (++calls === 2) throw failure;
          return store.incrementEach(hits);
        },
      });
      const { req, calls: did } = request();
      await assert.rejects(guardedSend({ ...env, store: failing, limiter: new Limiter(failing, clock) }, req), (e) => e === failure);
      assert.deepEqual(did, [], 'nothing sent');
    }
  });

  test('a request without a number and without a stand-in answers as a skipped send', async () => {
    const { env } = setup();
    const out = await guardedSend(env, { method: 'call', requester: 'login:ghost', phone: null, send: async () => assert.fail('sent') });
    assert.equal(out.sent, false);
  });

  test('decoys count a stand-in of their own, exactly as many keys as real users with their own numbers', async () => {
    const real = setup();
    await guardedSend(real.env, request({ requester: 'login:a', phone: '+15550100001' }).req);
    await guardedSend(real.env, request({ requester: 'login:b', phone: '+15550100002' }).req);
    const decoy = setup();
    await guardedSend(decoy.env, request({ requester: 'login:a', phone: null }).req);
    await guardedSend(decoy.env, request({ requester: 'login:b', phone: null }).req);
    const dest = (s: MemoryStore) => s.keys().filter((k) => k.startsWith('rl:dest:')).length;
    assert.equal(dest(real.store), 4);
    assert.equal(dest(decoy.store), 4);
  });
});

describe('no store key holds a phone number in clear', () => {
  test('recovery and account sends, with the number as requester or as destination', async () => {
    const { store, env, clock } = setup();
    await guardedSend(env, request({ requester: 'login:alice', phone: PHONE }).req);
    await guardedSend(env, request({ requester: PHONE, phone: PHONE, method: 'call' }).req);
    clock.advance(60_000);
    await guardedSend(env, request({ requester: PHONE, phone: PHONE }).req);
    const keys = store.keys();
    assert.ok(keys.length >= 4, keys.join());
    const digits = PHONE.slice(1);
    for (const k of keys) assert.ok(!k.includes(digits) && !k.includes('0100199'), `key in clear: ${k}`);
    assert.ok(keys.includes(limitKey('dest', PHONE)));
  });

  test('limitKey hashes destinations only: the same subject under another bucket stays readable', () => {
    assert.ok(!limitKey('dest', PHONE).includes('5550100199'));
    assert.notEqual(limitKey('dest', PHONE), limitKey('dest', '+15550100198'));
    assert.equal(limitKey('ip', '10.0.0.1'), 'rl:ip:10.0.0.1');
  });

  test('the global send budget is one counter for every requester, apart from the per-number ones', async () => {
    const { env, store } = setup();
    env.policy.limits.globalSends = { max: 2, windowSeconds: 60 };
    await guardedSend(env, request({ requester: 'login:a', phone: '+15550100001' }).req);
    await guardedSend(env, request({ requester: 'login:b', phone: '+15550100002' }).req);
    await assert.rejects(guardedSend(env, request({ requester: 'login:c', phone: '+15550100003' }).req), { code: 'RATE_LIMITED' });
    assert.equal(await store.get(limitKey('sends', 'global')), 3);
  });
});
