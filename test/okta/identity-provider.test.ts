// The Okta adapter against the emulator, through real sockets: each method's happy path and error mapping.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { isPortalError, type PortalError } from '../../src/core/errors.js';
import { ctx, JANE, LOCKED, PASSWORD, startOrg, type TestOrg } from './org.js';

let org: TestOrg;

before(async () => {
  org = await startOrg();
});
after(async () => {
  await org.close();
});
beforeEach(async () => {
  await org.control('POST', 'reset');
  org.calls.length = 0;
  org.events.length = 0;
});

/** Awaits a promise that must reject with a PortalError and returns that error. */
async function portalError(p: Promise<unknown>): Promise<PortalError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isPortalError(e), `expected a PortalError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

async function outbox(): Promise<{ channel: string; to: string; code: string; factorId: string }[]> {
  return (await org.control<{ messages: [] }>('GET', 'outbox')).messages;
}

async function totp(factorId: string): Promise<string> {
  return (await org.control<{ code: string }>('GET', `factors/${factorId}/code`)).code;
}

describe('findUser', () => {
  test('an exact login (any case) maps to an IdpUser in one call (email-like: one login-or-email search)', async () => {
    const user = await org.idp.findUser('Jane.Doe@Example.com');
    assert.ok(user);
    assert.equal(user.id, JANE);
    assert.equal(user.login, 'jane.doe@example.com');
    assert.equal(user.status, 'ACTIVE');
    assert.ok(user.passwordChanged !== null && !Number.isNaN(Date.parse(user.passwordChanged)));
    assert.equal(user.email, 'jane@example.org', 'the primary email comes with the user (notifications need no other call)');
    assert.deepEqual(
      org.calls.map((c) => [c.op, c.status]),
      [['listUsers', 200]],
    );
    assert.ok(org.calls.every((c) => typeof c.ms === 'number' && c.ms >= 0));
  });

  test('short names and ids that Okta resolves are not exact matches', async () => {
    assert.equal(await org.idp.findUser('jane.doe'), null);
    assert.equal(await org.idp.findUser(JANE), null);
    assert.equal(await org.idp.findUser('ghost@example.com'), null);
  });

  test('an email that is not a login is found by the same single search (one round trip, issue 11 item 3)', async () => {
    const user = await org.idp.findUser('jane@example.org');
    assert.equal(user?.id, JANE);
    const reqs = await org.requests();
    assert.deepEqual(
      reqs.map((r) => `${r.method} ${r.path} ${r.status}`),
      ['GET /api/v1/users 200'],
    );
    assert.equal(reqs[0]?.query.search, 'profile.login eq "jane@example.org" or profile.email eq "jane@example.org"');
    assert.equal(reqs[0]?.query.limit, '10');
  });

  test('a login that is not email-like is one GET /users/{login}', async () => {
    assert.equal(await org.idp.findUser('nosuchlogin'), null);
    assert.deepEqual(
      (await org.requests()).map((r) => `${r.method} ${r.path} ${r.status}`),
      ['GET /api/v1/users/nosuchlogin 404'],
    );
  });

  test('an email shared by two users is not a match', async () => {
    assert.equal(await org.idp.findUser('shared@example.net'), null);
  });

  test('me, paths, dot segments, control characters and over-long input are refused without calling Okta', async () => {
    for (const login of ['me', 'ME', 'a/b', '../users', '..', '.', 'jane\u0000', 'tab\tname', 'x'.repeat(257), '', ' jane.doe@example.com']) {
      assert.equal(await org.idp.findUser(login), null, JSON.stringify(login));
    }
    assert.deepEqual(await org.requests(), []);
    assert.deepEqual(org.calls, []);
  });

  test('works with a trailing slash in the org URL', async () => {
    const { idp } = org.adapter({ orgUrl: `${org.url}/` });
    assert.equal((await idp.findUser('jane.doe@example.com'))?.id, JANE);
  });
});

describe('listFactors', () => {
  test('maps factor types and providers to methods', async () => {
    const factors = await org.idp.listFactors(JANE);
    const byId = Object.fromEntries(factors.map((f) => [f.id, f]));
    assert.deepEqual(byId.smsJane01, { id: 'smsJane01', method: 'sms', status: 'ACTIVE', phoneNumber: '+15555550100' });
    assert.deepEqual(byId.clfJane01, { id: 'clfJane01', method: 'call', status: 'ACTIVE', phoneNumber: '+15555550101' });
    assert.equal(byId.opfJane01?.method, 'push');
    assert.equal(byId.ostJaneGoogle1?.method, 'google-authenticator');
    assert.equal(byId.ostJaneOkta01?.method, 'okta-verify-code');
    assert.equal(byId.emfJane01?.method, 'email');
    assert.equal(byId.emfJane01?.email, 'jane@example.org');
    assert.equal(factors.length, 6);
  });

  test("a security-question factor (Okta's `question`) is listed with no method: the portal never offers it for recovery", async () => {
    const res = await fetch(`${org.url}/api/v1/users/${JANE}/factors`, {
      method: 'POST',
      headers: { authorization: `SSWS ${org.apiToken}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ factorType: 'question', provider: 'OKTA', profile: { question: 'disliked_food', answer: 'Cold Spinach' } }),
    });
    assert.equal(res.status, 200);
    const { id } = (await res.json()) as { id: string };
    const factors = await org.idp.listFactors(JANE);
    const question = factors.find((f) => f.id === id);
    assert.ok(question, 'listed');
    assert.equal(question.method, null);
    assert.equal(question.status, 'ACTIVE');
    assert.equal(factors.length, 7);
    assert.doesNotMatch(JSON.stringify(factors), /Cold Spinach/i);
  });
});

describe('SMS and voice', () => {
  test('a challenge sends a code that verifies; a resend within 30 s is RESEND_TOO_SOON', async () => {
    await org.idp.sendChallenge(JANE, 'smsJane01', ctx);
    const [msg] = await outbox();
    assert.equal(msg?.channel, 'sms');
    assert.equal(msg?.to, '+15555550100');

    const again = await portalError(org.idp.sendChallenge(JANE, 'smsJane01', ctx));
    assert.equal(again.code, 'RESEND_TOO_SOON');
    assert.equal(again.retryAfterSeconds, 30);
    assert.equal((await outbox()).length, 1, 'no second SMS');

    await org.idp.verifyPasscode(JANE, 'smsJane01', msg!.code, ctx);
  });

  test('voice resend within 30 s is RESEND_TOO_SOON, and allowed after the window', async () => {
    await org.idp.sendChallenge(JANE, 'clfJane01', ctx);
    const again = await portalError(org.idp.sendChallenge(JANE, 'clfJane01', ctx));
    assert.equal(again.code, 'RESEND_TOO_SOON');
    assert.ok(again.retryAfterSeconds !== undefined && again.retryAfterSeconds > 0 && again.retryAfterSeconds <= 30);
    await org.control('POST', 'clock', { advanceSeconds: 31 });
    await org.idp.sendChallenge(JANE, 'clfJane01', ctx);
    const calls = (await outbox()).filter((m) => m.channel === 'call');
    assert.equal(calls.length, 2);
  });

  test('email: a challenge mails a code that verifies; an early resend is RESEND_TOO_SOON (E0000118)', async () => {
    await org.control('POST', 'clock', { advanceSeconds: 60 });
    await org.idp.sendChallenge(JANE, 'emfJane01', ctx);
    const mail = (await outbox()).filter((m) => m.channel === 'email');
    assert.equal(mail.length, 1);
    assert.equal(mail[0]?.to, 'jane@example.org');
    const again = await portalError(org.idp.sendChallenge(JANE, 'emfJane01', ctx));
    assert.equal(again.code, 'RESEND_TOO_SOON');
    await org.idp.verifyPasscode(JANE, 'emfJane01', mail[0]!.code, ctx);
  });

  test('a wrong code is INVALID_CODE, and repeated failures lock the factor', async () => {
    await org.idp.sendChallenge(JANE, 'smsJane01', ctx);
    const [msg] = await outbox();
    const wrong = msg!.code === '000000' ? '111111' : '000000';
    const first = await portalError(org.idp.verifyPasscode(JANE, 'smsJane01', wrong, ctx));
    assert.equal(first.code, 'INVALID_CODE');
    let locked: PortalError | null = null;
    for (let i = 0; i < 6 && locked === null; i++) {
      const e = await portalError(org.idp.verifyPasscode(JANE, 'smsJane01', wrong, ctx));
      if (e.code === 'FACTOR_LOCKED') locked = e;
      else assert.equal(e.code, 'INVALID_CODE');
    }
    assert.ok(locked, 'the factor locks after repeated wrong codes');
  });
});

describe('authenticator codes', () => {
  test('a current TOTP verifies; replaying it is INVALID_CODE', async () => {
    const code = await totp('ostJaneGoogle1');
    await org.idp.verifyPasscode(JANE, 'ostJaneGoogle1', code, ctx);
    const replay = await portalError(org.idp.verifyPasscode(JANE, 'ostJaneGoogle1', code, ctx));
    assert.equal(replay.code, 'INVALID_CODE');
    await org.idp.verifyPasscode(JANE, 'ostJaneOkta01', await totp('ostJaneOkta01'), ctx);
  });
});

describe('push', () => {
  async function pending(): Promise<{ transactionId: string; numberChoices: number[]; expiresAt: string }> {
    const { pushes } = await org.control<{ pushes: { transactionId: string; numberChoices: number[]; expiresAt: string }[] }>('GET', 'push');
    assert.equal(pushes.length, 1);
    return pushes[0]!;
  }

  test('starts with number matching and is approved with the right number', async () => {
    const start = await org.idp.startPush(JANE, 'opfJane01', ctx);
    const p = await pending();
    assert.equal(start.transactionId, p.transactionId);
    assert.ok(start.correctAnswer !== null && p.numberChoices.includes(start.correctAnswer));
    // Okta's timestamps are whole seconds; the control API's expiresAt keeps the milliseconds.
    assert.equal(start.expiresAt, Math.floor(Date.parse(p.expiresAt) / 1000) * 1000);
    assert.equal(await org.idp.pollPush(JANE, 'opfJane01', start.transactionId), 'waiting');
    await org.control('POST', `push/${start.transactionId}/approve`, { answer: start.correctAnswer });
    assert.equal(await org.idp.pollPush(JANE, 'opfJane01', start.transactionId), 'approved');
  });

  test('rejected, expired and unknown transactions', async () => {
    const a = await org.idp.startPush(JANE, 'opfJane01', ctx);
    await org.control('POST', `push/${a.transactionId}/reject`);
    assert.equal(await org.idp.pollPush(JANE, 'opfJane01', a.transactionId), 'rejected');

    const b = await org.idp.startPush(JANE, 'opfJane01', ctx);
    await org.control('POST', 'clock', { advanceSeconds: 301 });
    assert.equal(await org.idp.pollPush(JANE, 'opfJane01', b.transactionId), 'timeout');

    assert.equal(await org.idp.pollPush(JANE, 'opfJane01', 'v2mst.doesNotExist'), 'timeout');
  });
});

describe('setPassword, unlockUser, revokeSessions', () => {
  async function authn(username: string, password: string): Promise<number> {
    const res = await fetch(`${org.url}/api/v1/authn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    await res.arrayBuffer();
    return res.status;
  }

  test('a policy violation is PASSWORD_POLICY with the causes, and strict=true refuses a recent password', async () => {
    const weak = await portalError(org.idp.setPassword(JANE, 'abc'));
    assert.equal(weak.code, 'PASSWORD_POLICY');
    assert.ok(weak.causes && weak.causes.length > 0 && weak.causes.every((c) => typeof c === 'string' && c.length > 0));
    assert.ok(!JSON.stringify({ m: weak.message, d: weak.detail, c: weak.causes }).includes('"abc"'));

    const reused = await portalError(org.idp.setPassword(JANE, PASSWORD));
    assert.equal(reused.code, 'PASSWORD_POLICY');
    const reqs = await org.requests();
    assert.ok(reqs.every((r) => r.method === 'POST' && r.query.strict === 'true'), 'every set-password is strict');
  });

  test('a valid password is written and works for sign-in', async () => {
    await org.idp.setPassword(JANE, 'Brand-New-Pass-7');
    assert.equal(await authn('jane.doe@example.com', 'Brand-New-Pass-7'), 200);
    assert.equal(await authn('jane.doe@example.com', PASSWORD), 401);
  });

  test('unlockUser unlocks a LOCKED_OUT user', async () => {
    assert.equal((await org.idp.findUser('locked@example.com'))?.status, 'LOCKED_OUT');
    await org.idp.unlockUser(LOCKED);
    assert.equal((await org.idp.findUser('locked@example.com'))?.status, 'ACTIVE');
  });

  test('revokeSessions deletes the user sessions', async () => {
    await org.idp.revokeSessions(JANE);
    const reqs = await org.requests();
    assert.deepEqual(
      reqs.map((r) => `${r.method} ${r.path} ${r.status}`),
      [`DELETE /api/v1/users/${JANE}/sessions 204`],
    );
  });
});

describe('authentication problems', () => {
  test('a wrong API token is IDP_UNAVAILABLE and the token appears nowhere', async () => {
    const token = 'wrong-token-SECRET-123456';
    const { idp, events } = org.adapter({ token });
    const e = await portalError(idp.findUser('jane.doe@example.com'));
    assert.equal(e.code, 'IDP_UNAVAILABLE');
    assert.match(e.detail ?? '', /HTTP 401 E0000011/);
    const everything = JSON.stringify({ message: e.message, detail: e.detail, events });
    assert.ok(!everything.includes('SECRET'), everything);
  });
});
