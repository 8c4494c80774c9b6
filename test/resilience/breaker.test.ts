// Unit tests of src/okta/resilience.ts with a hand-driven clock: the rate-limit gate, the circuit breaker and the
// concurrency cap, without Okta. (The same rules against the emulator: okta-faults.test.ts.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createOktaResilience, type CircuitState, type ResilienceOptions } from '../../src/okta/resilience.js';
import { isPortalError } from '../../src/core/errors.js';

function setup(over: Partial<ResilienceOptions> = {}) {
  let t = 1_000_000;
  const changes: string[] = [];
  const rejects: string[] = [];
  const r = createOktaResilience({
    breakerFailures: 3,
    breakerCooldownMs: 30_000,
    maxConcurrency: 2,
    maxQueue: 1,
    now: () => t,
    onCircuitChange: (from: CircuitState, to: CircuitState) => changes.push(`${from}->${to}`),
    onReject: (op, reason) => rejects.push(`${op}:${reason}`),
    ...over,
  });
  return { r, changes, rejects, advance: (ms: number) => (t += ms) };
}

const never = (): Promise<never> => new Promise<never>(() => undefined);

async function refusal(p: Promise<unknown>): Promise<{ code: string; retryAfterSeconds: number | undefined }> {
  try {
    await p;
  } catch (e) {
    assert.ok(isPortalError(e), String(e));
    return { code: e.code, retryAfterSeconds: e.retryAfterSeconds };
  }
  assert.fail('expected a refusal');
}

describe('circuit breaker', () => {
  test('opens after N consecutive failures, fails fast while open, probes once after the cool-down, closes on success', async () => {
    const { r, changes, rejects, advance } = setup();
    for (let i = 0; i < 2; i++) (await r.enter('getUser', never())).settle({ kind: 'failed' });
    assert.equal(r.circuit(), 'closed', 'two failures are below the threshold');
    (await r.enter('getUser', never())).settle({ kind: 'failed' });
    assert.equal(r.circuit(), 'open');

    const fast = await refusal(r.enter('listFactors', never()));
    assert.equal(fast.code, 'IDP_UNAVAILABLE');
    assert.equal(fast.retryAfterSeconds, 30);
    assert.deepEqual(rejects, ['listFactors:circuit-open']);

    advance(29_999);
    assert.equal(r.circuit(), 'open');
    advance(1);
    assert.equal(r.circuit(), 'half-open');
    const probe = await r.enter('getUser', never());
    // While the probe is out, everything else still fails fast.
    assert.equal((await refusal(r.enter('getUser', never()))).code, 'IDP_UNAVAILABLE');
    probe.settle({ kind: 'answered' });
    assert.equal(r.circuit(), 'closed');
    assert.deepEqual(changes, ['closed->open', 'open->half-open', 'half-open->closed']);
  });

  test('a failed probe opens the circuit for another full cool-down', async () => {
    const { r, advance } = setup({ breakerFailures: 1 });
    (await r.enter('getUser', never())).settle({ kind: 'failed' });
    advance(30_000);
    (await r.enter('getUser', never())).settle({ kind: 'failed' });
    assert.equal(r.circuit(), 'open');
    advance(29_000);
    assert.equal(r.circuit(), 'open');
    advance(1_000);
    assert.equal(r.circuit(), 'half-open');
  });

  test('answers (wrong codes, 4xx) reset the count: only consecutive failures open it', async () => {
    const { r } = setup();
    for (let i = 0; i < 10; i++) {
      (await r.enter('verifyPasscode', never())).settle({ kind: 'failed' });
      (await r.enter('verifyPasscode', never())).settle({ kind: 'failed' });
      (await r.enter('verifyPasscode', never())).settle({ kind: 'answered' });
    }
    assert.equal(r.circuit(), 'closed');
  });

  test('a probe that never got sent (deadline in the queue) frees the probe slot', async () => {
    const { r, advance } = setup({ breakerFailures: 1 });
    (await r.enter('getUser', never())).settle({ kind: 'failed' });
    advance(30_000);
    (await r.enter('getUser', never())).settle({ kind: 'not-sent' });
    assert.equal(r.circuit(), 'half-open');
    const next = await r.enter('getUser', never());
    next.settle({ kind: 'answered' });
    assert.equal(r.circuit(), 'closed');
  });
});

describe('rate-limit gate', () => {
  test('after a spent bucket, calls to that bucket are refused until the reset; other buckets go on', async () => {
    const { r, rejects, advance } = setup();
    (await r.enter('sendChallenge', never())).settle({ kind: 'rate-limited', retryAfterSeconds: 20 });
    // verifyPasscode and startPush use the same Okta endpoint (factor verify) as sendChallenge.
    for (const op of ['verifyPasscode', 'startPush', 'sendChallenge'] as const) {
      const e = await refusal(r.enter(op, never()));
      assert.equal(e.code, 'RATE_LIMITED');
      assert.equal(e.retryAfterSeconds, 20);
    }
    (await r.enter('getUser', never())).settle({ kind: 'answered' });
    advance(15_500);
    assert.equal((await refusal(r.enter('verifyPasscode', never()))).retryAfterSeconds, 5, 'rounded up');
    advance(4_500);
    (await r.enter('verifyPasscode', never())).settle({ kind: 'answered' });
    assert.equal(rejects.filter((x) => x.endsWith(':rate-limited')).length, 4);
    assert.equal(r.circuit(), 'closed', 'a 429 is not a breaker failure');
  });
});

describe('concurrency cap', () => {
  test('at most maxConcurrency in flight, maxQueue waiting in order, the rest shed at once', async () => {
    const { r, rejects } = setup({ maxConcurrency: 2, maxQueue: 2 });
    const a = await r.enter('getUser', never());
    const b = await r.enter('getUser', never());
    assert.equal(r.inFlight(), 2);
    const order: string[] = [];
    const c = r.enter('getUser', never()).then((p) => (order.push('c'), p));
    const d = r.enter('getUser', never()).then((p) => (order.push('d'), p));
    assert.equal(r.queued(), 2);
    const shed = await refusal(r.enter('getUser', never()));
    assert.equal(shed.code, 'IDP_UNAVAILABLE');
    assert.deepEqual(rejects, ['getUser:queue-full']);

    a.settle({ kind: 'answered' });
    const pc = await c;
    assert.deepEqual(order, ['c']);
    assert.equal(r.inFlight(), 2);
    b.settle({ kind: 'answered' });
    const pd = await d;
    assert.deepEqual(order, ['c', 'd']);
    pc.settle({ kind: 'answered' });
    pd.settle({ kind: 'answered' });
    pd.settle({ kind: 'answered' }); // settling twice frees one slot only
    assert.equal(r.inFlight(), 0);
    assert.equal(r.queued(), 0);
  });

  test('a queued call whose deadline passes leaves the queue with the deadline error', async () => {
    const { r, rejects } = setup({ maxConcurrency: 1, maxQueue: 5 });
    const first = await r.enter('getUser', never());
    let fire!: (e: Error) => void;
    const deadline = new Promise<never>((_, reject) => (fire = reject));
    const waiting = r.enter('getUser', deadline);
    assert.equal(r.queued(), 1);
    fire(new Error('deadline'));
    await assert.rejects(waiting, /deadline/);
    assert.equal(r.queued(), 0);
    assert.deepEqual(rejects, ['getUser:queue-timeout']);
    first.settle({ kind: 'answered' });
    assert.equal(r.inFlight(), 0, 'the slot is free, not handed to the departed waiter');
  });
});

test('an abandoned call keeps its slot until its HTTP work ends; its outcome counts at once', async () => {
  const { r } = setup({ maxConcurrency: 1, maxQueue: 0, breakerFailures: 1 });
  const a = await r.enter('getUser', never());
  a.record({ kind: 'failed' }); // the caller's deadline fired
  assert.equal(r.circuit(), 'open');
  assert.equal(r.inFlight(), 1, 'the request is still open at Okta');
  a.release();
  a.release();
  assert.equal(r.inFlight(), 0);
});

test('bad settings are refused', () => {
  assert.throws(() => createOktaResilience({ breakerFailures: 0, breakerCooldownMs: 1, maxConcurrency: 1, maxQueue: 0 }), /breakerFailures/);
  assert.throws(() => createOktaResilience({ breakerFailures: 1, breakerCooldownMs: 1, maxConcurrency: 0, maxQueue: 0 }), /maxConcurrency/);
});
