// The Limiter (src/core/limits.ts) on its own, over a memory store: block lengths, block flags read by their own
// recorded time, refunds that live as long as their counter's window, and corrupt values that never lift a cap.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PortalError } from '../../../src/core/errors.js';
import { Limiter, limitKey, refundKey } from '../../../src/core/limits.js';
import { MemoryStore } from '../../../src/store/memory.js';
import { FakeClock } from '../../helpers/fakes.js';

function setup() {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  return { clock, store, limiter: new Limiter(store, clock) };
}

const limited = (retryAfterSeconds: number, detail?: RegExp) => (e: PortalError) => {
  assert.equal(e.code, 'RATE_LIMITED');
  assert.equal(e.retryAfterSeconds, retryAfterSeconds);
  if (detail) assert.match(e.detail ?? '', detail);
  return true;
};

describe('Limiter.block / checkBlock', () => {
  test('a block of 600 s lasts 600 s (not 0.6 ms): refused until its last second, free at its end', async () => {
    const { clock, limiter } = setup();
    await limiter.block('push-block', 'u1', 600);
    await assert.rejects(limiter.checkBlock('push-block', 'u1'), limited(600, /push-block/));
    clock.advance(599_000);
    await assert.rejects(limiter.checkBlock('push-block', 'u1'), limited(1));
    clock.advance(999);
    await assert.rejects(limiter.checkBlock('push-block', 'u1'), limited(1));
    clock.advance(1);
    await limiter.checkBlock('push-block', 'u1');
    await limiter.checkBlock('push-block', 'u2');
  });

  test('the recorded end decides even when the store key outlives it', async () => {
    const { clock, store, limiter } = setup();
    await store.set(limitKey('push-block', 'u1'), clock.now() + 5_000, 3_600_000);
    await assert.rejects(limiter.checkBlock('push-block', 'u1'), limited(5));
    clock.advance(5_000);
    await limiter.checkBlock('push-block', 'u1');
  });

  test('a block of zero (or less) seconds sets nothing and does not lift a running block', async () => {
    const { clock, limiter, store } = setup();
    await limiter.block('push-block', 'u2', 0);
    await limiter.block('push-block', 'u3', -5);
    assert.deepEqual(store.keys(), []);
    await limiter.block('push-block', 'u1', 600);
    await limiter.block('push-block', 'u1', 0);
    await limiter.block('push-block', 'u1', -1);
    clock.advance(1_000);
    await assert.rejects(limiter.checkBlock('push-block', 'u1'), limited(599));
  });
});

describe('Limiter.hitEach', () => {
  test('the refusal names the limit that refused', async () => {
    const { limiter } = setup();
    const w = { max: 1, windowSeconds: 60 };
    await limiter.hitEach([{ bucket: 'ip', subject: '10.0.0.1', w }, { bucket: 'login', subject: 'a', w }]);
    await assert.rejects(limiter.hitEach([{ bucket: 'ip', subject: '10.0.0.2', w }, { bucket: 'login', subject: 'a', w }]), limited(60, /login/));
  });

  test('a store answering fewer values than limits (it stops only after a refusal) is not a crash', async () => {
    const { store, clock } = setup();
    const short = Object.assign(Object.create(store) as MemoryStore, { incrementEach: async () => [] });
    const w = { max: 1, windowSeconds: 60 };
    assert.deepEqual(await new Limiter(short, clock).hitEach([{ bucket: 'ip', subject: 'x', w }]), []);
  });

  test('counters after the limits are counted with their own window and max, and returned', async () => {
    const { clock, limiter } = setup();
    const w = { max: 10, windowSeconds: 60 };
    const after = [{ key: 'c1', windowMs: 5_000, max: 1 }, { key: 'c2', windowMs: 5_000 }];
    const first = await limiter.hitEach([{ bucket: 'ip', subject: 'x', w }], after);
    assert.deepEqual(first, [{ count: 1, resetAt: clock.now() + 5_000 }, { count: 1, resetAt: clock.now() + 5_000 }]);
    const second = await limiter.hitEach([{ bucket: 'ip', subject: 'x', w }], after);
    assert.deepEqual(second.map((v) => v.count), [2], 'c1 went over its max: c2 is not counted');
  });
});

describe('Limiter refunds', () => {
  test('a refund lasts as long as the counter\'s window, not a millisecond', async () => {
    const { clock, limiter, store } = setup();
    const [v2] = await limiter.hitEach([], [{ key: 'codes', windowMs: 60_000 }]);
    assert.ok(v2);
    await limiter.refund('codes', v2);
    clock.advance(30_000);
    assert.equal(await limiter.netCount('codes', v2, 1), 0, 'the one attempt was given back');
    clock.advance(30_000);
    assert.equal(await store.get(refundKey('codes', v2)), null, 'gone with the window');
  });

  test('a refund taken at the very end of the window still lasts at least 1 ms', async () => {
    const { clock, limiter } = setup();
    const v = { count: 3, resetAt: clock.now() };
    await limiter.refund('codes', v);
    assert.equal(await limiter.netCount('codes', v, 1), 2);
  });

  test('below `atLeast` the count is taken as it is; a corrupt refund value never lowers it', async () => {
    const { clock, limiter, store } = setup();
    const v = { count: 4, resetAt: clock.now() + 60_000 };
    await store.set(refundKey('codes', v), 2, 60_000);
    assert.equal(await limiter.netCount('codes', v, 5), 4);
    assert.equal(await limiter.netCount('codes', v, 4), 2);
    await store.set(refundKey('codes', v), 'two', 60_000);
    assert.equal(await limiter.netCount('codes', v, 4), 4);
  });
});
