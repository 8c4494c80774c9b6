// Email as a recovery method (issue 14, item 2): off unless the operator lists it; once on, an email code follows
// every SMS rule: the IdP call budget (5), the per-login resend wait, the per-destination (the address) and global
// send budgets, and the decoy path for unknown logins and users without an email factor.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/index.js';
import { toRecoveryPolicy } from '../../../src/config/index.js';
import type { RecoveryMethod } from '../../../src/core/ports.js';
import { addFullUser, createTestRecovery, ctx, type TestRecovery } from '../../helpers/fakes.js';

const WITH_EMAIL = { methods: ['email', 'sms', 'google-authenticator'] as const };

function emailUser(t: TestRecovery, login = 'erin@example.com', address = 'erin@mail.example.com') {
  return t.idp.addUser({ login, email: address, factors: [{ method: 'email', email: address }, { method: 'sms', phoneNumber: '+15550100777' }] });
}

/** The answer without the rotating handle. */
async function choose(t: TestRecovery, handle: string, method: RecoveryMethod): Promise<string> {
  try {
    const { handle: _h, ...rest } = await t.service.challenge({ handle, method, ctx: ctx() });
    return JSON.stringify(rest);
  } catch (e) {
    const err = e as { code?: string; retryAfterSeconds?: number };
    return `${err.code ?? 'error'} ${err.retryAfterSeconds ?? ''}`;
  }
}

describe('email recovery method', () => {
  test('is off by default: the default method list leaves it out and the core refuses it', async () => {
    const config = loadConfig({ STORE: 'memory' });
    assert.ok(!config.recovery.methods.includes('email'));
    assert.ok(!toRecoveryPolicy(config).methods.includes('email'));
    assert.ok(loadConfig({ STORE: 'memory', RECOVERY_METHODS: 'email,sms' }).recovery.methods.includes('email'));

    const t = createTestRecovery();
    emailUser(t);
    const { handle } = await t.service.start({ login: 'erin@example.com', ctx: ctx() });
    await assert.rejects(t.service.challenge({ handle, method: 'email', ctx: ctx() }), { code: 'METHOD_NOT_AVAILABLE' });
    assert.equal(t.idp.count('sendChallenge'), 0);
  });

  test('start → email code → verify → password in 5 IdP calls, the code sent to the email factor', async () => {
    const t = createTestRecovery({ policy: { methods: [...WITH_EMAIL.methods] } });
    const erin = emailUser(t);
    const started = await t.service.start({ login: 'erin@example.com', ctx: ctx() });
    const ch = await t.service.challenge({ handle: started.handle, method: 'email', ctx: ctx() });
    assert.equal(ch.kind, 'code-sent');
    assert.ok(ch.kind === 'code-sent');
    assert.equal(ch.method, 'email');
    assert.equal(ch.resendAfterSeconds, 30);
    assert.deepEqual(await t.service.status({ handle: started.handle, ctx: ctx() }), { state: 'code-sent', method: 'email', resendAfterSeconds: 30 });
    const v = await t.service.verify({ handle: started.handle, code: '123456', ctx: ctx() });
    await t.service.setPassword({ handle: started.handle, ott: v.ott, password: 'correct horse battery', confirmPassword: 'correct horse battery', revokeSessions: false, ctx: ctx() });
    assert.equal(t.idp.passwords.get(erin.id), 'correct horse battery');
    assert.deepEqual(t.idp.calls.map((c) => c.op), ['findUser', 'listFactors', 'sendChallenge', 'verifyPasscode', 'setPassword']);
    assert.deepEqual(t.audit.events.find((e) => e.action === 'recovery.challenge')?.method, 'email');
  });

  test('an unknown login and a user without an email factor get exactly the real answers, with no send', async () => {
    const sequences: string[][] = [];
    for (const who of ['real', 'unknown', 'no-email'] as const) {
      const t = createTestRecovery({ policy: { methods: [...WITH_EMAIL.methods] } });
      emailUser(t);
      addFullUser(t.idp, 'frank@example.com'); // SMS, voice, apps: no email factor
      const login = who === 'real' ? 'erin@example.com' : who === 'unknown' ? 'nobody@example.com' : 'frank@example.com';
      const { handle } = await t.service.start({ login, ctx: ctx() });
      const seq: string[] = [];
      seq.push(await choose(t, handle, 'email'));
      t.clock.advance(10_000);
      seq.push(await choose(t, handle, 'email')); // within the resend wait
      t.clock.advance(21_000);
      seq.push(await choose(t, handle, 'email'));
      sequences.push(seq);
      assert.equal(t.idp.count('sendChallenge'), who === 'real' ? 2 : 0, who);
    }
    assert.deepEqual(sequences[0], [
      JSON.stringify({ kind: 'code-sent', method: 'email', resendAfterSeconds: 30 }),
      'RESEND_TOO_SOON 20',
      JSON.stringify({ kind: 'code-sent', method: 'email', resendAfterSeconds: 30 }),
    ]);
    assert.deepEqual(sequences[1], sequences[0]);
    assert.deepEqual(sequences[2], sequences[0]);
  });

  test('the address has its own silent send budget, and emails count against the global one with SMS', async () => {
    const shared = 'team@mail.example.com';
    const t = createTestRecovery({
      policy: {
        methods: [...WITH_EMAIL.methods],
        resendCooldownSeconds: 0,
        limits: { ...createTestRecovery().policy.limits, perDestination: { max: 2, windowSeconds: 3600 } },
      },
    });
    emailUser(t, 'gina@example.com', shared);
    emailUser(t, 'hugo@example.com', shared);
    for (const login of ['gina@example.com', 'hugo@example.com']) {
      const { handle } = await t.service.start({ login, ctx: ctx() });
      for (let i = 0; i < 2; i++) assert.match(await choose(t, handle, 'email'), /code-sent/);
    }
    // Four answers "sent", but the shared address got only its budget's two.
    assert.equal(t.idp.count('sendChallenge'), 2);

    const g = createTestRecovery({
      policy: { methods: [...WITH_EMAIL.methods], resendCooldownSeconds: 0, limits: { ...createTestRecovery().policy.limits, globalSends: { max: 1, windowSeconds: 3600 } } },
    });
    emailUser(g);
    const { handle } = await g.service.start({ login: 'erin@example.com', ctx: ctx() });
    assert.match(await choose(g, handle, 'sms'), /code-sent/);
    assert.match(await choose(g, handle, 'email'), /^RATE_LIMITED/);
  });

  test('with showEnrolledMethods the email offer carries a masked address', async () => {
    const t = createTestRecovery({ policy: { methods: [...WITH_EMAIL.methods], showEnrolledMethods: true } });
    emailUser(t);
    const started = await t.service.start({ login: 'erin@example.com', ctx: ctx() });
    assert.deepEqual(started.methods.find((m) => m.method === 'email'), { method: 'email', hint: 'e•••@mail.example.com' });
  });
});
