// Happy paths through the recovery core for each method, with the IdP call budget (4 for an authenticator app,
// 5 for SMS/voice), the audit trail and the notifier.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFullUser, createTestRecovery, ctx } from '../../helpers/fakes.js';

describe('recovery happy paths', () => {
  for (const method of ['google-authenticator', 'okta-verify-code', 'sms', 'call'] as const) {
    test(`${method}: start → challenge → verify → password in the IdP call budget`, async () => {
      const t = createTestRecovery();
      const alice = addFullUser(t.idp);
      const started = await t.service.start({ login: '  Alice@Example.com ', ctx: ctx() });
      assert.deepEqual(
        started.methods.map((m) => m.method),
        t.policy.methods,
      );
      assert.equal(started.expiresAt, t.clock.now() + 900_000);
      const ch = await t.service.challenge({ handle: started.handle, method, ctx: ctx() });
      const { handle: rotated, ...chBody } = ch;
      assert.notEqual(rotated, started.handle, 'choosing a method rotates the handle');
      if (method === 'sms' || method === 'call') {
        assert.deepEqual(chBody, { kind: 'code-sent', method, resendAfterSeconds: 30 });
      } else {
        assert.deepEqual(chBody, { kind: 'code-ready', method });
      }
      const v = await t.service.verify({ handle: started.handle, code: '123 456', ctx: ctx() });
      assert.match(v.ott, /^[A-Za-z0-9_-]{43}$/);
      assert.equal(v.expiresAt, t.clock.now() + 600_000);
      const done = await t.service.setPassword({
        handle: started.handle,
        ott: v.ott,
        password: 'correct horse battery',
        confirmPassword: 'correct horse battery',
        revokeSessions: false,
        ctx: ctx(),
      });
      assert.deepEqual(done, { changed: true });
      assert.equal(t.idp.passwords.get(alice.id), 'correct horse battery');
      const expected = ['findUser', 'listFactors', ...(method === 'sms' || method === 'call' ? ['sendChallenge'] : []), 'verifyPasscode', 'setPassword'];
      assert.deepEqual(
        t.idp.calls.map((c) => c.op),
        expected,
      );
      assert.deepEqual(t.notifier.changed, [{ id: alice.id, login: 'Alice@Example.com' }]);
      assert.deepEqual(t.audit.actions(), [
        'recovery.start:success',
        'recovery.challenge:success',
        'recovery.verify:success',
        'recovery.password:success',
      ]);
      assert.equal((await t.service.status({ handle: started.handle, ctx: ctx() })).state, 'completed');
    });
  }

  test('push: number matching, throttled polls, approval issues an ott, sessions revoked on request', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    const sentAt = t.clock.now();
    const ch = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.equal(ch.kind, 'push-waiting');
    assert.ok(ch.kind === 'push-waiting');
    assert.equal(ch.correctAnswer, 42);
    assert.equal(ch.expiresAt, Math.floor((t.clock.now() + 300_000) / 1000) * 1000);

    // Within the poll interval: cached answer, no IdP call.
    t.clock.advance(1000);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'waiting', correctAnswer: 42, expiresAt: ch.expiresAt, sentAt });
    assert.equal(t.idp.count('pollPush'), 0);
    t.clock.advance(3000);
    assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'waiting');
    assert.equal(t.idp.count('pollPush'), 1);
    // Ten more status calls within the interval: still one poll.
    for (let i = 0; i < 10; i++) await t.service.status({ handle, ctx: ctx() });
    assert.equal(t.idp.count('pollPush'), 1);

    t.idp.setPushResult(alice.id, 'approved');
    t.clock.advance(4000);
    const st = await t.service.status({ handle, ctx: ctx() });
    assert.equal(st.state, 'verified');
    assert.ok(st.state === 'verified');
    await t.service.setPassword({ handle, ott: st.ott, password: 'new password 1', confirmPassword: 'new password 1', revokeSessions: true, ctx: ctx() });
    assert.deepEqual(t.idp.revoked, [alice.id]);
    assert.equal(t.idp.passwords.get(alice.id), 'new password 1');
  });

  test('the audit trail carries who/what/where but never a secret', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx('198.51.100.1', 'r1') });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx('198.51.100.1', 'r2') });
    await assert.rejects(t.service.verify({ handle, code: '000000', ctx: ctx() }), { code: 'INVALID_CODE' });
    const v = await t.service.verify({ handle, code: '123456', ctx: ctx() });
    await t.service.setPassword({ handle, ott: v.ott, password: 'Sekrit-Passw0rd', confirmPassword: 'Sekrit-Passw0rd', revokeSessions: false, ctx: ctx() });
    const e = t.audit.events[1];
    assert.ok(e);
    assert.equal(e.action, 'recovery.challenge');
    assert.equal(e.method, 'sms');
    assert.equal(e.ip, '198.51.100.1');
    assert.equal(e.requestId, 'r2');
    assert.equal(e.userId, '00u1');
    const all = JSON.stringify(t.audit.events);
    for (const secret of ['Sekrit-Passw0rd', v.ott, handle, handle.split('.')[1] ?? 'x', '123456', '000000', '+15550100100']) {
      assert.ok(!all.includes(secret), 'audit leaks a secret');
    }
    // And the store never holds the plaintext ott or handle secret.
    const dump = JSON.stringify(t.store.dump());
    assert.ok(!dump.includes(v.ott));
    assert.ok(!dump.includes(handle.split('.')[1] ?? 'x'));
  });

  test('PASSWORD_EXPIRED and RECOVERY users may recover', async () => {
    for (const status of ['PASSWORD_EXPIRED', 'RECOVERY'] as const) {
      const t = createTestRecovery();
      const u = addFullUser(t.idp, 'bob', status);
      const { handle } = await t.service.start({ login: 'bob', ctx: ctx() });
      await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
      const v = await t.service.verify({ handle, code: '123456', ctx: ctx() });
      await t.service.setPassword({ handle, ott: v.ott, password: 'long enough', confirmPassword: 'long enough', revokeSessions: false, ctx: ctx() });
      assert.equal(t.idp.status(u.id), 'ACTIVE');
    }
  });
});

describe('session fixation (SES-1, ATK-9)', () => {
  test('choosing a method and verifying rotate the handle; the previous handles stop working', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const started = await t.raw.start({ login: 'alice@example.com', ctx: ctx() });
    const ch = await t.raw.challenge({ handle: started.handle, method: 'google-authenticator', ctx: ctx() });
    assert.notEqual(ch.handle, started.handle);
    assert.equal(ch.handle.split('.')[0], started.handle.split('.')[0], 'same flow, new secret');
    await assert.rejects(t.raw.status({ handle: started.handle, ctx: ctx() }), { code: 'FLOW_EXPIRED' });

    const v = await t.raw.verify({ handle: ch.handle, code: '123456', ctx: ctx() });
    assert.ok('ott' in v, 'one method: the ott comes at once');
    assert.notEqual(v.handle, ch.handle);
    // A planted copy of the pre-verification handle can neither read an ott nor set the password.
    await assert.rejects(t.raw.status({ handle: ch.handle, ctx: ctx() }), { code: 'FLOW_EXPIRED' });
    await assert.rejects(
      t.raw.setPassword({ handle: ch.handle, ott: v.ott, password: 'p4ssword-x', confirmPassword: 'p4ssword-x', revokeSessions: false, ctx: ctx() }),
      { code: 'FLOW_EXPIRED' },
    );
    const done = await t.raw.setPassword({
      handle: v.handle,
      ott: v.ott,
      password: 'p4ssword-x',
      confirmPassword: 'p4ssword-x',
      revokeSessions: false,
      ctx: ctx(),
    });
    assert.deepEqual(done, { changed: true });
  });
});
