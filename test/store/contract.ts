/**
 * The one Store contract every backend passes (memory, SQLite, Redis): storeContract(subject) registers node:test
 * cases for it. Each case opens a fresh, empty store and closes it.
 *
 * Time: a store whose expiry follows the injected Clock (`fakeClock: true`) gets a FakeClock that the cases
 * advance, so expiry is checked to the millisecond. A store whose TTLs run on its server's clock (Redis) gets the
 * system clock, and the same cases use short real TTLs (a few hundred ms) and real waits with margins.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../../src/core/ports.js';
import { systemClock } from '../../src/core/system.js';
import type { ManagedStore } from '../../src/store/types.js';
import { FakeClock } from '../helpers/fakes.js';

export interface StoreUnderTest {
  name: string;
  /** Opens a fresh, empty store on this clock. */
  open(clock: Clock): Promise<ManagedStore>;
  /** True when expiry follows the injected clock; false when it runs on real time (Redis). */
  fakeClock: boolean;
  /** A reason to skip every case (e.g. no Redis configured), or undefined to run them. */
  skip?: string | undefined;
}

interface Harness {
  store: ManagedStore;
  clock: Clock;
  /** A TTL / window that the harness can outlive quickly. */
  T: number;
  /** Lets `ms` pass: advances the fake clock, or really waits. */
  elapse(ms: number): Promise<void>;
  /** Allowed error when comparing an epoch-ms result with the expected one. */
  slack: number;
}

export function storeContract(subject: StoreUnderTest): void {
  const withStore = async (fn: (h: Harness) => Promise<void>): Promise<void> => {
    const fake = subject.fakeClock ? new FakeClock() : null;
    const clock = fake ?? systemClock;
    const store = await subject.open(clock);
    const h: Harness = {
      store,
      clock,
      T: fake ? 1000 : 400,
      slack: fake ? 0 : 150,
      elapse: async (ms) => {
        if (fake) fake.advance(ms);
        else await new Promise((r) => setTimeout(r, ms));
      },
    };
    try {
      await fn(h);
    } finally {
      await store.close();
    }
  };

  describe(`Store contract: ${subject.name}`, { skip: subject.skip ?? false }, () => {
    test('get / set / delete, and overwriting', async () => {
      await withStore(async ({ store, T }) => {
        assert.equal(await store.get('missing'), null);
        await store.set('k', { a: 1 }, T);
        assert.deepEqual(await store.get('k'), { a: 1 });
        await store.set('k', { a: 2 }, T);
        assert.deepEqual(await store.get('k'), { a: 2 });
        await store.delete('k');
        assert.equal(await store.get('k'), null);
        await store.delete('k'); // deleting a missing key is fine
        assert.equal(await store.take('k'), null);
      });
    });

    test('falsy values are values, not absence', async () => {
      await withStore(async ({ store, T }) => {
        for (const [k, v] of [['zero', 0], ['false', false], ['empty', ''], ['arr', []], ['obj', {}]] as const) {
          await store.set(k, v, T);
          assert.deepEqual(await store.get(k), v, k);
        }
        assert.equal(await store.take('zero'), 0);
        assert.equal(await store.get('zero'), null);
      });
    });

    test('a TTL of 0 or less stores nothing and removes an existing value', async () => {
      await withStore(async ({ store, T }) => {
        await store.set('k', 'v', 0);
        assert.equal(await store.get('k'), null);
        await store.set('k', 'v', T);
        await store.set('k', 'w', -5);
        assert.equal(await store.get('k'), null);
      });
    });

    test('values expire after their TTL (get, take and overwrite all respect it)', async () => {
      await withStore(async ({ store, T, elapse, clock }) => {
        const fake = clock instanceof FakeClock;
        await store.set('short', 'x', T);
        await store.set('long', 'y', 3 * T);
        await store.set('taken-late', 'z', T);
        await elapse(T / 4);
        assert.equal(await store.get('short'), 'x');
        if (fake) {
          await elapse((3 * T) / 4 - 1);
          assert.equal(await store.get('short'), 'x', 'alive 1 ms before its TTL');
          await elapse(1);
        } else {
          await elapse(T);
        }
        assert.equal(await store.get('short'), null);
        assert.equal(await store.take('taken-late'), null, 'an expired value cannot be taken');
        assert.equal(await store.get('long'), 'y');
        // Overwriting resets the TTL.
        await store.set('long', 'y2', 3 * T);
        await elapse(2.5 * T);
        assert.equal(await store.get('long'), 'y2');
      });
    });

    test('take: of 20 concurrent takes exactly one gets the value', async () => {
      await withStore(async ({ store, T }) => {
        await store.set('ott:abc', { flowId: 'f1', n: [1, 2] }, 10 * T);
        const got = await Promise.all(Array.from({ length: 20 }, () => store.take<{ flowId: string }>('ott:abc')));
        const winners = got.filter((g) => g !== null);
        assert.equal(winners.length, 1);
        assert.deepEqual(winners[0], { flowId: 'f1', n: [1, 2] });
        assert.equal(await store.get('ott:abc'), null);
        assert.equal(await store.take('ott:abc'), null);
      });
    });

    test('increment: a fixed window from the first hit, then a fresh window', async () => {
      await withStore(async ({ store, T, elapse, clock, slack }) => {
        const t0 = clock.now();
        const first = await store.increment('rl:login:jane', T);
        assert.equal(first.count, 1);
        assert.ok(Math.abs(first.resetAt - (t0 + T)) <= slack, `resetAt ${first.resetAt - t0} ms after start, want ${T}`);
        await elapse(T / 4);
        const second = await store.increment('rl:login:jane', T);
        assert.equal(second.count, 2);
        assert.ok(Math.abs(second.resetAt - first.resetAt) <= slack, 'the window does not slide');
        assert.equal(await store.get('rl:login:jane'), 2, 'a counter reads back as a number');
        const other = await store.increment('rl:login:john', T);
        assert.equal(other.count, 1, 'counters are independent');
        await elapse(T);
        const fresh = await store.increment('rl:login:jane', T);
        assert.equal(fresh.count, 1, 'a new window starts after the old one ended');
        assert.ok(fresh.resetAt > first.resetAt);
      });
    });

    test('increment: 50 concurrent increments count to exactly 50', async () => {
      await withStore(async ({ store, T, slack }) => {
        const all = await Promise.all(Array.from({ length: 50 }, () => store.increment('rl:ip:10.0.0.1', 10 * T)));
        assert.deepEqual(
          all.map((r) => r.count).sort((a, b) => a - b),
          Array.from({ length: 50 }, (_, i) => i + 1),
        );
        const resets = all.map((r) => r.resetAt);
        assert.ok(Math.max(...resets) - Math.min(...resets) <= slack, 'one window for all of them');
        assert.equal(await store.get('rl:ip:10.0.0.1'), 50);
      });
    });

    test('incrementEach: in order, in one call; stops after the first counter over its max', async () => {
      await withStore(async ({ store, T, clock, slack }) => {
        assert.deepEqual(await store.incrementEach([]), []);
        const t0 = clock.now();
        const hits = [
          { key: 'rl:ip:10.0.0.1', windowMs: T, max: 2 },
          { key: 'rl:login:jane', windowMs: 3 * T, max: 5 },
          { key: 'flow-codes:f1', windowMs: T },
        ];
        const first = await store.incrementEach(hits);
        assert.deepEqual(first.map((r) => r.count), [1, 1, 1]);
        assert.ok(Math.abs(first[1]!.resetAt - (t0 + 3 * T)) <= slack, 'each counter has its own window');
        assert.deepEqual((await store.incrementEach(hits)).map((r) => r.count), [2, 2, 2]);
        const refused = await store.incrementEach(hits);
        assert.deepEqual(refused.map((r) => r.count), [3], 'nothing after the counter that went over its max');
        assert.ok(Math.abs(refused[0]!.resetAt - first[0]!.resetAt) <= slack, 'the window does not slide');
        assert.equal(await store.get('rl:ip:10.0.0.1'), 3, 'the refused attempt itself is counted');
        assert.equal(await store.get('rl:login:jane'), 2, 'later counters are not counted');
        assert.equal(await store.get('flow-codes:f1'), 2);
        assert.equal((await store.increment('flow-codes:f1', T)).count, 3, 'the same counters as increment');
      });
    });

    test('incrementEach: 30 concurrent calls count every counter exactly', async () => {
      await withStore(async ({ store, T }) => {
        const hits = [
          { key: 'rl:ip:10.0.0.9', windowMs: 10 * T, max: 1000 },
          { key: 'rl:login:joe', windowMs: 10 * T },
        ];
        const all = await Promise.all(Array.from({ length: 30 }, () => store.incrementEach(hits)));
        const expected = Array.from({ length: 30 }, (_, i) => i + 1);
        for (const i of [0, 1]) assert.deepEqual(all.map((r) => r[i]!.count).sort((a, b) => a - b), expected);
      });
    });

    test('setEach: several keys in one call, each with its own TTL; a TTL of 0 deletes', async () => {
      await withStore(async ({ store, T, elapse }) => {
        await store.setEach([]);
        await store.set('ott:old', { flowId: 'f1' }, 10 * T);
        const flow = { id: 'f1', state: 'verified', offered: [{ method: 'sms' }] };
        await store.setEach([
          { key: 'ott:old', value: null, ttlMs: 0 },
          { key: 'ott:new', value: { flowId: 'f1' }, ttlMs: T },
          { key: 'flow:f1', value: flow, ttlMs: 3 * T },
          { key: 'pw-changed:00u1', value: 12345, ttlMs: 3 * T },
        ]);
        flow.state = 'changed after the call';
        assert.equal(await store.get('ott:old'), null);
        assert.deepEqual(await store.get('ott:new'), { flowId: 'f1' });
        assert.deepEqual(await store.get('flow:f1'), { id: 'f1', state: 'verified', offered: [{ method: 'sms' }] });
        assert.equal(await store.get('pw-changed:00u1'), 12345);
        await elapse(1.5 * T);
        assert.equal(await store.take('ott:new'), null, 'expired with its own TTL');
        assert.equal((await store.get<{ state: string }>('flow:f1'))?.state, 'verified');
      });
    });

    test('nested JSON values round-trip, and stored values are copies', async () => {
      await withStore(async ({ store, T }) => {
        const flow = {
          id: 'f-1',
          state: 'code-sent',
          user: { id: '00u1', login: 'jane@example.com', factors: [{ id: 'mbl1', method: 'sms', phone: null }] },
          attempts: 0,
          ratio: -1.5,
          ok: true,
          text: 'ünïcødé ✓ 😀 "quotes" \\ back\nslash',
          empty: { list: [], obj: {} },
        };
        await store.set('flow:f-1', flow, T);
        flow.attempts = 99;
        const got = await store.get<typeof flow>('flow:f-1');
        assert.deepEqual(got, { ...flow, attempts: 0 });
        got!.user.factors.push({ id: 'x', method: 'push', phone: null });
        assert.equal((await store.get<typeof flow>('flow:f-1'))!.user.factors.length, 1);
      });
    });

    test('values are stored as JSON on every backend: the same answer whatever STORE is', async () => {
      await withStore(async ({ store, T }) => {
        const at = new Date(Date.UTC(2030, 0, 2, 3, 4, 5));
        await store.set('k', { at, gone: undefined, list: [undefined, 1], nan: Number.NaN }, T);
        assert.deepEqual(await store.get('k'), { at: '2030-01-02T03:04:05.000Z', list: [null, 1], nan: null });
        await store.set('nothing', undefined, T);
        assert.equal(await store.get('nothing'), null, 'undefined stores nothing');
        await store.set('n', Number.POSITIVE_INFINITY, T);
        assert.equal(await store.get('n'), null);
      });
    });

    test('keys with odd characters are distinct and exact', async () => {
      await withStore(async ({ store, T }) => {
        const keys = ['a', 'a:', 'A', 'with space', 'ü/ключ/鍵', `quote'"`, '*?[]{}', '%s%d', 'x'.repeat(500), 'rl:dest:+15555550100', 'nul\u0000byte'];
        for (const [i, k] of keys.entries()) await store.set(k, i, T);
        for (const [i, k] of keys.entries()) assert.equal(await store.get(k), i, JSON.stringify(k));
        assert.equal(await store.get('a*'), null, 'no pattern matching');
        await store.delete('a');
        assert.equal(await store.get('a:'), 1);
      });
    });

    test('large-ish values (300 KB) round-trip', async () => {
      await withStore(async ({ store, T }) => {
        const big = { blob: 'z'.repeat(200_000), items: Array.from({ length: 2000 }, (_, i) => ({ i, s: `item-${i}` })) };
        await store.set('big', big, T);
        assert.deepEqual(await store.get('big'), big);
        assert.deepEqual(await store.take('big'), big);
      });
    });

    test('ping is true while open, false after close; close twice is fine', async () => {
      const store = await subject.open(subject.fakeClock ? new FakeClock() : systemClock);
      assert.equal(await store.ping(), true);
      await store.close();
      assert.equal(await store.ping(), false);
      await store.close();
    });
  });
}
