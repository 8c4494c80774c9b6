// TimingEqualizer with the fake clock: initial estimate, EWMA convergence, failures count, jitter bounds, cap.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TimingEqualizer } from '../../../src/core/timing.js';
import { FakeClock, SeededRandom } from '../../helpers/fakes.js';

describe('TimingEqualizer', () => {
  test('pads with the initial estimate before any sample, then converges on the real latency', async () => {
    const clock = new FakeClock();
    const eq = new TimingEqualizer(clock, new SeededRandom(1), { initialMs: 150, jitter: 0 });
    await eq.pad('k');
    assert.deepEqual(clock.sleeps, [150]);
    await eq.measure('k', () => clock.sleep(300));
    assert.equal(eq.estimate('k'), 300, 'the first sample replaces the initial estimate');
    for (let i = 0; i < 30; i++) await eq.measure('k', () => clock.sleep(500));
    assert.ok(Math.abs(eq.estimate('k') - 500) < 1, String(eq.estimate('k')));
    clock.sleeps = [];
    await eq.pad('k');
    assert.equal(clock.sleeps[0], 500);
    assert.equal(eq.estimate('other'), 150, 'keys are independent');
  });

  test('failed work counts too (a wrong code takes as long as a right one)', async () => {
    const clock = new FakeClock();
    const eq = new TimingEqualizer(clock, new SeededRandom(1), { jitter: 0 });
    await assert.rejects(
      eq.measure('k', async () => {
        await clock.sleep(80);
        throw new Error('wrong');
      }),
    );
    assert.equal(eq.estimate('k'), 80);
  });

  test('jitter stays within ±jitter and varies; pads are capped', async () => {
    const clock = new FakeClock();
    const eq = new TimingEqualizer(clock, new SeededRandom(7), { initialMs: 1000, jitter: 0.1, capMs: 2000 });
    for (let i = 0; i < 200; i++) await eq.pad('k');
    assert.ok(clock.sleeps.every((ms) => ms >= 900 && ms <= 1100));
    assert.ok(new Set(clock.sleeps).size > 50, 'jitter varies');
    const capped = new TimingEqualizer(clock, new SeededRandom(7), { initialMs: 10_000, capMs: 2000 });
    clock.sleeps = [];
    await capped.pad('k');
    assert.ok(clock.sleeps[0] !== undefined && clock.sleeps[0] <= 2000);
  });

  test('typical/observe keep an EWMA of other quantities', () => {
    const eq = new TimingEqualizer(new FakeClock(), new SeededRandom(1), { alpha: 0.5 });
    assert.equal(eq.typical('x', 42), 42);
    eq.observe('x', 10);
    eq.observe('x', 20);
    assert.equal(eq.typical('x', 42), 15);
  });
});
