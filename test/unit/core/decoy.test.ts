// No enumeration (RST-1..3): unknown logins, ineligible statuses, users without the chosen method and real users
// get the same bodies and errors, and decoy paths are padded to the IdP's observed latency (fake clock).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFullUser, createTestRecovery, ctx, type TestRecovery } from '../../helpers/fakes.js';
import type { PortalError } from '../../../src/core/errors.js';
import type { RecoveryMethod } from '../../../src/core/ports.js';

const LATENCY = 100; // ms per IdP call on the fake clock; the fake push lives 300 s

function setup(policy = {}) {
  const t = createTestRecovery({ latencyMs: LATENCY, policy });
  addFullUser(t.idp, 'real');
  t.idp.addUser({ login: 'nosms', factors: [{ method: 'google-authenticator' }, { method: 'push' }] });
  for (const status of ['SUSPENDED', 'DEPROVISIONED', 'STAGED', 'PROVISIONED', 'LOCKED_OUT', 'SOMETHING_NEW']) {
    addFullUser(t.idp, status.toLowerCase(), status);
  }
  return t;
}

/** Warms the equalizer with real work, as a running portal would have. */
async function warm(t: TestRecovery) {
  for (let i = 0; i < 3; i++) {
    const { handle } = await t.service.start({ login: 'real', ctx: ctx() });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    await assert.rejects(t.service.verify({ handle, code: '000000', ctx: ctx() }), { code: 'INVALID_CODE' });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    t.clock.advance(5000);
    await t.service.status({ handle, ctx: ctx() });
    await t.service.cancel({ handle, ctx: ctx() });
    t.clock.advance(31_000);
  }
  t.idp.clearCalls();
}

async function timed<T>(
  t: TestRecovery,
  fn: () => Promise<T>,
): Promise<{ t0: number; ms: number; value?: T; error?: PortalError }> {
  const t0 = t.clock.now();
  try {
    const value = await fn();
    return { t0, ms: t.clock.now() - t0, value };
  } catch (e) {
    return { t0, ms: t.clock.now() - t0, error: e as PortalError };
  }
}

const publicError = (e: PortalError | undefined) =>
  e && { code: e.code, message: e.message, httpStatus: e.httpStatus, retryAfterSeconds: e.retryAfterSeconds, causes: e.causes };

/** Everything the browser could see of one recovery attempt with `method` and a wrong code, minus random values. */
async function observe(t: TestRecovery, login: string, method: RecoveryMethod) {
  t.clock.advance(60_000);
  const before = t.idp.count();
  const t0 = t.clock.now();
  const s = await timed(t, () => t.service.start({ login, ctx: ctx() }));
  assert.ok(s.value, `start failed for ${login}`);
  const { handle, ...startBody } = s.value;
  const c = await timed(t, () => t.service.challenge({ handle, method, ctx: ctx() }));
  const v = method === 'push' ? undefined : await timed(t, () => t.service.verify({ handle, code: '999999', ctx: ctx() }));
  // The rotated handle is random by nature: compare its shape only.
  const rotated = c.value === undefined ? undefined : /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/.test(c.value.handle);
  const cBody =
    c.value?.kind === 'push-waiting'
      ? // Expiry relative to the request's arrival (whole seconds, like the IdP's); the number is random.
        { kind: c.value.kind, correctAnswer: typeof c.value.correctAnswer, wholeSeconds: c.value.expiresAt % 1000 === 0, rotated }
      : c.value === undefined
        ? undefined
        : { ...c.value, handle: rotated };
  return {
    body: {
      start: { ...startBody, expiresAt: startBody.expiresAt - t0 },
      handleShape: /^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/.test(handle),
      challenge: cBody,
      challengeError: publicError(c.error),
      verifyError: publicError(v?.error),
    },
    ms: { start: s.ms, challenge: c.ms, verify: v?.ms ?? 0 },
    pushExpiresIn: c.value?.kind === 'push-waiting' ? c.value.expiresAt - c.t0 : 0,
    idpCalls: t.idp.count() - before,
  };
}

const near = (a: number, b: number, tol: number) => Math.abs(a - b) <= tol;

describe('decoys are indistinguishable', () => {
  for (const method of ['sms', 'call', 'google-authenticator', 'okta-verify-code', 'push'] as const) {
    test(`${method}: same bodies, errors and timing for real, unknown, ineligible and method-less users`, async () => {
      const t = setup();
      await warm(t);
      const real = await observe(t, 'real', method);
      const others = ['nobody-here', 'suspended', 'deprovisioned', 'staged', 'provisioned', 'locked_out', 'something_new'];
      if (method === 'sms' || method === 'call') others.push('nosms');
      for (const login of others) {
        const o = await observe(t, login, method);
        assert.deepEqual(o.body, real.body, login);
        // 10 % jitter on a 100 ms estimate, and the EWMA has converged on 100 ms.
        assert.ok(near(o.ms.start, real.ms.start, 15), `${login} start ${o.ms.start} vs ${real.ms.start}`);
        assert.ok(near(o.ms.challenge, real.ms.challenge, 15), `${login} challenge ${o.ms.challenge} vs ${real.ms.challenge}`);
        assert.ok(near(o.ms.verify, real.ms.verify, 15), `${login} verify ${o.ms.verify} vs ${real.ms.verify}`);
        // Push expiry: the same lifetime, give or take the whole-second rounding.
        assert.ok(near(o.pushExpiresIn, real.pushExpiresIn, 1000), `${login} push expiry`);
        // Decoys never reach the IdP after the lookup.
        assert.equal(o.idpCalls, login === 'nosms' ? 2 : 1, login);
      }
      // The real user's path: lookup + factors + (send | push) + (verify).
      const expected = 2 + (method === 'sms' || method === 'call' || method === 'push' ? 1 : 0) + (method === 'push' ? 0 : 1);
      assert.equal(real.idpCalls, expected);
    });
  }

  test('the padding tracks the IdP latency (EWMA) instead of a constant', async () => {
    const t = createTestRecovery({ latencyMs: 400 });
    addFullUser(t.idp, 'real');
    for (let i = 0; i < 15; i++) await t.service.start({ login: 'real', ctx: ctx() });
    const t0 = t.clock.now();
    await t.service.start({ login: 'ghost', ctx: ctx() });
    const ms = t.clock.now() - t0;
    assert.ok(near(ms, 800, 60), `decoy start took ${ms}`);
  });

  test('a decoy push ends as expired, never verified', async () => {
    const t = setup();
    const { handle } = await t.service.start({ login: 'nobody', ctx: ctx() });
    const ch = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.ok(ch.kind === 'push-waiting');
    const n = ch.correctAnswer ?? -1;
    assert.ok(n >= 10 && n <= 99, String(n));
    for (let i = 0; i < 80; i++) {
      t.clock.advance(4000);
      const st = await t.service.status({ handle, ctx: ctx() });
      if (t.clock.now() < ch.expiresAt) assert.equal(st.state, 'waiting');
      else {
        assert.deepEqual(st, { state: 'expired' });
        break;
      }
    }
    assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'expired');
    assert.equal(t.idp.count('pollPush'), 0);
  });

  test('a decoy can never verify, even with the right code of a real user', async () => {
    const t = setup();
    const { handle } = await t.service.start({ login: 'suspended', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    await assert.rejects(t.service.verify({ handle, code: '123456', ctx: ctx() }), { code: 'INVALID_CODE' });
    assert.equal(t.idp.count('verifyPasscode'), 0);
  });

  test('the operator-only audit says why a flow is a decoy', async () => {
    const t = setup();
    await t.service.start({ login: 'nobody', ctx: ctx() });
    await t.service.start({ login: 'suspended', ctx: ctx() });
    const [a, b] = t.audit.events;
    assert.equal(a?.userId, null);
    assert.match(a?.detail ?? '', /unknown login/);
    assert.equal(a?.outcome, 'success');
    assert.equal(b?.userId, null);
    assert.match(b?.detail ?? '', /ineligible status SUSPENDED/);
  });
});

describe('showEnrolledMethods (operator opt-in; reveals enrolment)', () => {
  test('offers the ACTIVE enrolled methods with masked hints in policy order; decoys get nothing', async () => {
    const t = createTestRecovery({ policy: { showEnrolledMethods: true } });
    t.idp.addUser({
      login: 'carol',
      factors: [
        { method: 'sms', phoneNumber: '+15550100100' },
        { method: 'google-authenticator' },
        { method: 'push', status: 'PENDING_ACTIVATION' },
        { method: null },
      ],
    });
    const real = await t.service.start({ login: 'carol', ctx: ctx() });
    assert.deepEqual(real.methods, [{ method: 'google-authenticator' }, { method: 'sms', hint: '+1 ••• ••• 0100' }]);
    await assert.rejects(t.service.challenge({ handle: real.handle, method: 'push', ctx: ctx() }), { code: 'METHOD_NOT_AVAILABLE' });
    await t.service.challenge({ handle: real.handle, method: 'sms', ctx: ctx() });
    const decoy = await t.service.start({ login: 'nobody', ctx: ctx() });
    assert.deepEqual(decoy.methods, []);
    await assert.rejects(t.service.challenge({ handle: decoy.handle, method: 'sms', ctx: ctx() }), { code: 'METHOD_NOT_AVAILABLE' });
  });

  test('status hands the offer back while a method can be chosen, and only in this mode', async () => {
    const t = createTestRecovery({ policy: { showEnrolledMethods: true } });
    t.idp.addUser({ login: 'dave', factors: [{ method: 'sms', phoneNumber: '+15550100177' }] });
    const { handle } = await t.service.start({ login: 'dave', ctx: ctx() });
    const offer = [{ method: 'sms', hint: '+1 ••• ••• 0177' }];
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'started', methods: offer });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    const sent = await t.service.status({ handle, ctx: ctx() });
    assert.equal(sent.state, 'code-sent');
    assert.deepEqual('methods' in sent ? sent.methods : undefined, offer);

    const plain = createTestRecovery();
    plain.idp.addUser({ login: 'dave', factors: [{ method: 'sms', phoneNumber: '+15550100177' }] });
    const started = await plain.service.start({ login: 'dave', ctx: ctx() });
    assert.deepEqual(await plain.service.status({ handle: started.handle, ctx: ctx() }), { state: 'started' });
  });
});
