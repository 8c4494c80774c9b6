// MemoryStore: TTL expiry on the injected clock, copies, atomic take, fixed-window increment, sweep, close.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MemoryStore } from '../../../src/store/memory.js';
import { FakeClock } from '../../helpers/fakes.js';

describe('MemoryStore', () => {
  test('get/set/delete with TTL', async () => {
    const clock = new FakeClock();
    const s = new MemoryStore(clock);
    await s.set('k', { a: 1 }, 1000);
    assert.deepEqual(await s.get('k'), { a: 1 });
    clock.advance(999);
    assert.deepEqual(await s.get('k'), { a: 1 });
    clock.advance(1);
    assert.equal(await s.get('k'), null);
    await s.set('k', 1, 1000);
    await s.delete('k');
    assert.equal(await s.get('k'), null);
    await s.set('z', 1, 0);
    assert.equal(await s.get('z'), null);
    s.close();
  });

  test('values are copies', async () => {
    const s = new MemoryStore(new FakeClock());
    const v = { list: [1] };
    await s.set('k', v, 1000);
    v.list.push(2);
    const got = await s.get<{ list: number[] }>('k');
    got?.list.push(3);
    assert.deepEqual(await s.get('k'), { list: [1] });
  });

  test('take: of concurrent takes exactly one gets the value', async () => {
    const s = new MemoryStore(new FakeClock());
    await s.set('ott', { flowId: 'f' }, 1000);
    const got = await Promise.all(Array.from({ length: 10 }, () => s.take('ott')));
    assert.equal(got.filter((g) => g !== null).length, 1);
    assert.equal(await s.take('ott'), null);
  });

  test('increment: fixed window from the first increment, then a new window', async () => {
    const clock = new FakeClock();
    const s = new MemoryStore(clock);
    const t0 = clock.now();
    assert.deepEqual(await s.increment('c', 1000), { count: 1, resetAt: t0 + 1000 });
    clock.advance(500);
    assert.deepEqual(await s.increment('c', 1000), { count: 2, resetAt: t0 + 1000 });
    const all = await Promise.all(Array.from({ length: 5 }, () => s.increment('c', 1000)));
    assert.deepEqual(all.map((r) => r.count).sort(), [3, 4, 5, 6, 7]);
    clock.advance(500);
    assert.deepEqual(await s.increment('c', 1000), { count: 1, resetAt: t0 + 2000 });
  });

  test('sweep removes expired entries; the periodic sweep timer is unref’d and stopped by close()', async () => {
    const clock = new FakeClock();
    const s = new MemoryStore(clock, { sweepIntervalMs: 10 });
    await s.set('a', 1, 100);
    await s.set('b', 1, 1000);
    clock.advance(100);
    await new Promise((r) => setTimeout(r, 30));
    assert.deepEqual(s.keys(), ['b']);
    s.close();
    assert.equal(s.size(), 0);
  });
});
