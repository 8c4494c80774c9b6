// The small primitives under the flows, each on its own (issue 11, "Test strength"): constant-time comparison,
// HMAC fingerprints, the timing pad's jitter, the handle and ott parsers against values that only look like strings,
// the ott's record expiry and its restore, and the refusal's log detail.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hmacSha256, safeEqual, sha256 } from '../../../src/core/crypto.js';
import { createHandle, parseHandle } from '../../../src/core/flow-handle.js';
import { refusal } from '../../../src/core/recovery/machine.js';
import { FlowRepo, ottKey, type FlowRecord } from '../../../src/core/recovery/flow.js';
import { issueOtt, redeemOtt, restoreOtt } from '../../../src/core/recovery/ott.js';
import type { StepEnv } from '../../../src/core/recovery/env.js';
import { TimingEqualizer } from '../../../src/core/timing.js';
import type { Random } from '../../../src/core/ports.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { FakeClock, SeededRandom, testPolicy } from '../../helpers/fakes.js';

describe('crypto', () => {
  test('safeEqual: equal strings, different strings, and different lengths (no throw) either way', () => {
    assert.equal(safeEqual('abc', 'abc'), true);
    assert.equal(safeEqual('abc', 'abd'), false);
    assert.equal(safeEqual('abc', 'abcd'), false);
    assert.equal(safeEqual('abcd', 'abc'), false);
    assert.equal(safeEqual('', 'a'), false);
    assert.equal(safeEqual('é', 'é'), true);
  });

  test('hmacSha256: the RFC 4231-style known answer, base64url, and the key matters', () => {
    const expected = Buffer.from('f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8', 'hex').toString('base64url');
    assert.equal(hmacSha256('key', 'The quick brown fox jumps over the lazy dog'), expected);
    assert.notEqual(hmacSha256('other', 'The quick brown fox jumps over the lazy dog'), expected);
    assert.notEqual(hmacSha256('key', 'x'), sha256('x'));
  });
});

describe('TimingEqualizer.pad', () => {
  const fixed = (n: number): Random => ({ int: () => n, bytes: (k: number) => new Uint8Array(k) });

  test('the jitter goes the way the random draw says: the top draw pads longer, the bottom one shorter', async () => {
    for (const [draw, expected] of [[2000, 1100], [0, 900], [1000, 1000], [1500, 1050]] as const) {
      const clock = new FakeClock();
      const t = new TimingEqualizer(clock, fixed(draw), { initialMs: 1000, jitter: 0.1, capMs: 5000 });
      await t.pad('k');
      assert.deepEqual(clock.sleeps, [expected], `draw ${draw}`);
    }
  });

  test('a zero pad does not sleep at all', async () => {
    const clock = new FakeClock();
    const t = new TimingEqualizer(clock, fixed(1000), { initialMs: 0 });
    await t.pad('k');
    assert.deepEqual(clock.sleeps, []);
  });
});

describe('parseHandle and redeemOtt refuse values that only turn into a valid string', () => {
  test('a handle inside an array (a JSON body can send one) is not a handle', () => {
    const { handle } = createHandle(new SeededRandom(3));
    assert.ok(parseHandle(handle));
    assert.equal(parseHandle([handle]), null);
    assert.equal(parseHandle({ toString: () => handle }), null);
    assert.equal(parseHandle(`x${handle}`), null, 'anchored at the start');
    assert.equal(parseHandle(`${handle}x`), null, 'anchored at the end');
  });

  function env() {
    const clock = new FakeClock();
    const store = new MemoryStore(clock);
    const e = { clock, store, random: new SeededRandom(5), policy: testPolicy({ ottTtlSeconds: 600 }), flows: new FlowRepo(store, clock) } as unknown as StepEnv;
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

  test('an ott inside an array is refused (no throw) and stays usable', async () => {
    const { e, clock, store } = env();
    const f = flow(clock.now());
    const { ott, writes } = issueOtt(e, f);
    await store.setEach(writes);
    assert.equal(await redeemOtt(e, f, [ott]), false);
    assert.equal(await redeemOtt(e, f, { toString: () => ott }), false);
    assert.equal(await redeemOtt(e, f, ott), true);
  });

  test('only the exact shape redeems, even when the record and the store hold a longer value (the shape check on its own)', async () => {
    const { e, clock, store } = env();
    for (const bad of [`x${'A'.repeat(43)}`, `${'A'.repeat(43)}x`]) {
      const f = flow(clock.now(), { ottHash: sha256(bad), ottExpiresAt: clock.now() + 60_000 });
      await store.set(ottKey(sha256(bad)), { flowId: f.id }, 60_000);
      assert.equal(await redeemOtt(e, f, bad), false, bad);
      assert.ok(await store.get(ottKey(sha256(bad))), 'the store is not even asked');
    }
  });

  test('a record without an expiry is expired, whatever the store key says', async () => {
    const { e, clock, store } = env();
    const f = flow(clock.now());
    const { ott, writes } = issueOtt(e, f);
    await store.setEach(writes);
    f.ottExpiresAt = null;
    assert.equal(await redeemOtt(e, f, ott), false);
    assert.ok(await store.get(ottKey(f.ottHash!)), 'not consumed');
  });

  /** A store that records its writes, so restoreOtt is judged on what it writes, not on what the store keeps. */
  function recording() {
    const s = env();
    const written: { key: string; ttlMs: number }[] = [];
    const set = s.store.set.bind(s.store);
    s.store.set = async (key, value, ttlMs) => {
      written.push({ key, ttlMs });
      await set(key, value, ttlMs);
    };
    return { ...s, written };
  }

  test('restoreOtt puts back the key for the remaining life only, and nothing once the ott is over or absent', async () => {
    const { e, clock, written } = recording();
    const f = flow(clock.now(), { ottHash: sha256('o'), ottExpiresAt: clock.now() + 10_000 });
    await restoreOtt(e, f);
    assert.deepEqual(written, [{ key: ottKey(sha256('o')), ttlMs: 10_000 }]);
    written.length = 0;
    clock.advance(10_000);
    await restoreOtt(e, f); // exactly at its end
    clock.advance(1);
    await restoreOtt(e, f); // after it
    await restoreOtt(e, flow(clock.now(), { ottHash: null, ottExpiresAt: clock.now() + 10_000 }));
    await restoreOtt(e, flow(clock.now(), { ottHash: sha256('o'), ottExpiresAt: null }));
    assert.deepEqual(written, []);
  });
});

describe('machine.refusal', () => {
  test('a wrong step names the state it was refused in (for the logs)', () => {
    const e = refusal('verified');
    assert.equal(e.code, 'WRONG_STEP');
    assert.match(e.detail ?? '', /verified/);
    assert.equal(refusal('locked').code, 'TOO_MANY_ATTEMPTS');
    assert.equal(refusal('expired').code, 'FLOW_EXPIRED');
  });
});
