/**
 * Policies by group end to end (issue 14, item 3): the portal with GROUP_RULES against the emulator's user groups.
 * - The Okta calls a recovery costs with group rules (one more than without: the user's groups), and none more
 *   without rules.
 * - A two-method recovery (authenticator code, then push) over the JSON API and over the pages ("Step 2 of 2"), the
 *   second method of another kind, SMS never offered to the privileged group; the new password then signs in.
 * - A user a deny rule matches gets an unknown login's answers and nothing is sent.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { SeedOrg } from '../../emulator/src/server.js';
import { CATALOGUES } from '../../src/views/i18n/index.js';
import { E2E_SEED } from './seed.js';
import { NEW_PASSWORD, PASSWORD, ROOMY_LIMITS, Stack, assertError, setPasswordBody, waitForStatus, type Answer, type Browser } from './support.js';

const ADMIN = 'multi.user@example.com'; // push, sms, google-totp
const DENIED = 'call.user@example.com';

const LOCKED_ADMIN = 'locked.admin@example.com';

const SEED: SeedOrg = {
  ...E2E_SEED,
  users: [
    ...(E2E_SEED.users ?? []),
    {
      login: LOCKED_ADMIN,
      email: LOCKED_ADMIN,
      firstName: 'Locked',
      lastName: 'Admin',
      status: 'LOCKED_OUT',
      password: PASSWORD,
      factors: [{ type: 'push' }, { type: 'okta-totp', secret: 'MFRGGZDFMZTWQ2LKMFRGGZDF' }],
    },
  ],
  groups: [
    { name: 'Portal Admins', members: [ADMIN, LOCKED_ADMIN] },
    { name: 'Service Accounts', members: [DENIED] },
  ],
};

const RULES = [
  { name: 'admins', groups: ['Portal Admins'], methods: ['push', 'google-authenticator', 'okta-verify-code'], methodsRequired: 2 },
  { name: 'service accounts', groups: ['Service Accounts'], access: 'deny' },
  { name: 'everyone', groups: ['Everyone'] },
];

let stack: Stack;
before(async () => {
  stack = await Stack.start({ ...ROOMY_LIMITS, GROUP_RULES: JSON.stringify(RULES), PUSH_POLL_INTERVAL_SECONDS: '1', RESEND_COOLDOWN_SECONDS: '0' }, SEED);
});
after(() => stack?.close());
beforeEach(() => stack.reset());

/** Okta calls as templates, push polls left out (their number depends on timing). */
async function callTemplates(): Promise<string[]> {
  return (await stack.oktaCalls())
    .map((c) => `${c.method} ${c.path.replace(/\/(00u|sms|mbl|ost|opf|uft|clf)[A-Za-z0-9]+/g, '/{id}').replace(/\?.*$/, '')}`)
    .filter((c) => !c.startsWith('GET /api/v1/users/{id}/factors/{id}/transactions'));
}

async function approvePush(login: string, correctAnswer: unknown): Promise<void> {
  const push = await stack.pendingPush(login);
  await stack.control(`push/${push.transactionId}/approve`, { method: 'POST', body: { answer: correctAnswer } });
}

async function recoverWithOneMethod(b: Browser, login: string, method: 'sms' | 'google-authenticator'): Promise<void> {
  assert.equal((await b.api('POST', '/api/v1/recovery', { username: login })).status, 200);
  assert.equal((await b.api('POST', '/api/v1/recovery/challenge', { method })).status, 200);
  const code = method === 'sms' ? await stack.lastCode(login) : await stack.totpCode(login);
  const verified = await b.api<{ ott: string }>('POST', '/api/v1/recovery/verify', { code });
  assert.equal(verified.status, 200, verified.text);
  const changed = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(verified.body.ott));
  assert.equal(changed.status, 200, changed.text);
}

describe('group rules: Okta calls per recovery', () => {
  test('with rules: 5 with an authenticator app, 6 with SMS (the one groups read is the only extra call)', async () => {
    await recoverWithOneMethod(stack.browser(), 'google.user@example.com', 'google-authenticator');
    assert.deepEqual(await callTemplates(), [
      'GET /api/v1/users',
      'GET /api/v1/users/{id}/groups',
      'GET /api/v1/users/{id}/factors',
      'POST /api/v1/users/{id}/factors/{id}/verify',
      'POST /api/v1/users/{id}',
    ]);
    await stack.reset();
    await recoverWithOneMethod(stack.browser(), 'sms.user@example.com', 'sms');
    const sms = await callTemplates();
    assert.equal(sms.length, 6, sms.join('\n'));
    assert.equal(sms.filter((c) => c.endsWith('/groups')).length, 1);
  });

  test('without rules there is no groups call (4 with an authenticator app)', async () => {
    const plain = await stack.portalWith({ ...ROOMY_LIMITS });
    await recoverWithOneMethod(stack.browser(plain), 'google.user@example.com', 'google-authenticator');
    const calls = await callTemplates();
    assert.equal(calls.length, 4, calls.join('\n'));
    assert.ok(!calls.some((c) => c.endsWith('/groups')));
  });
});

describe('group rules: a two-method recovery', () => {
  test('JSON API: an authenticator code, then a push (another kind); SMS is never offered; 6 Okta calls plus the polls', async () => {
    const b = stack.browser();
    const started = await b.api<{ methods: { method: string }[]; progress?: unknown }>('POST', '/api/v1/recovery', { username: ADMIN });
    assert.equal(started.status, 200);
    assert.equal(started.body.progress, undefined, 'step 1 looks like anyone\'s');
    assert.equal((await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' })).status, 200);
    const first = await b.api('POST', '/api/v1/recovery/verify', { code: await stack.totpCode(ADMIN) });
    assert.equal(first.status, 200, first.text);
    assert.deepEqual(first.body, { status: 'factor_verified', methods: [{ method: 'push' }], progress: { step: 2, steps: 2 } });
    assert.deepEqual((await b.api('GET', '/api/v1/recovery/status')).body, first.body);

    assertError(await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' }), 400, 'METHOD_NOT_AVAILABLE');
    assertError(await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' }), 400, 'METHOD_NOT_AVAILABLE');
    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody('x'.repeat(43))), 409, 'WRONG_STEP');

    const push = await b.api('POST', '/api/v1/recovery/challenge', { method: 'push' });
    assert.equal(push.status, 200, push.text);
    assert.deepEqual(push.body.progress, { step: 2, steps: 2 });
    await approvePush(ADMIN, push.body.correctAnswer);
    const verified = await waitForStatus(b, 'verified');
    const changed = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(verified.ott as string));
    assert.equal(changed.status, 200, changed.text);

    assert.deepEqual(await callTemplates(), [
      'GET /api/v1/users',
      'GET /api/v1/users/{id}/groups',
      'GET /api/v1/users/{id}/factors',
      'POST /api/v1/users/{id}/factors/{id}/verify', // the authenticator code
      'POST /api/v1/users/{id}/factors/{id}/verify', // the push
      'POST /api/v1/users/{id}',
    ]);
    assert.deepEqual(await stack.messagesTo(ADMIN), [], 'no SMS was ever sent');
    assert.equal(await stack.authn(ADMIN, PASSWORD), 401);
    assert.equal(await stack.authn(ADMIN, NEW_PASSWORD), 200);
  });

  test('step 1 with a method the rule excludes behaves as one not set up: nothing is sent, the code never works', async () => {
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: ADMIN });
    const sms = await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' });
    assert.deepEqual(sms.body, { status: 'code_sent', method: 'sms', resendAfterSeconds: 0 });
    assert.deepEqual(await stack.messagesTo(ADMIN), []);
    assertError(await b.api('POST', '/api/v1/recovery/verify', { code: '123456' }), 400, 'INVALID_CODE');
  });

  test('pages: after the first factor the method page says "Step 2 of 2" and offers the push only', async () => {
    const b = stack.browser();
    const t = CATALOGUES.en.method;
    await b.submit('/recover', { username: ADMIN });
    const step1 = await b.page('/recover/method');
    assert.ok(!step1.text.includes(t.progress(1, 2)), 'step 1 tells nothing');
    await b.submit('/recover/method', { method: 'google-authenticator' });
    const res = await b.submit('/recover/code', { code: await stack.totpCode(ADMIN) });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    assert.equal(res.headers.get('location'), '/recover/method');
    const step2 = await b.page('/recover/method');
    assert.equal(step2.status, 200);
    assert.ok(step2.text.includes(t.progress(2, 2)));
    assert.ok(step2.text.includes(t.secondHeading));
    assert.match(step2.text, /name="method" value="push"/);
    assert.doesNotMatch(step2.text, /value="sms"|value="google-authenticator"/);
    // The password page is not reachable before the second factor.
    const pw = await b.page('/recover/password');
    assert.equal(pw.status, 303);
    assert.equal(pw.headers.get('location'), '/recover/method');
  });
});

describe('group rules: push first, over the pages without JavaScript', () => {
  test('the approved push leads back to the method page (step 2 of 2), then the authenticator code to the password page', async () => {
    const b = stack.browser();
    const t = CATALOGUES.en.method;
    await b.submit('/recover', { username: ADMIN });
    const chose = await b.submit('/recover/method', { method: 'push' });
    assert.equal(chose.headers.get('location'), '/recover/push');
    const pushPage = await b.page('/recover/push');
    const number = /id="push-number"[^>]*>\s*(\d+)/.exec(pushPage.text)?.[1];
    await approvePush(ADMIN, Number(number));
    let check: Answer<string> | undefined;
    for (let i = 0; i < 40; i++) {
      check = await b.page('/recover/push'); // "Check again"
      if (check.status === 303) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(check?.headers.get('location'), '/recover/method');
    const step2 = await b.page('/recover/method');
    assert.ok(step2.text.includes(t.progress(2, 2)));
    assert.match(step2.text, /value="google-authenticator"/);
    assert.doesNotMatch(step2.text, /value="push"|value="sms"/);
    await b.submit('/recover/method', { method: 'google-authenticator' });
    const code = await b.page('/recover/code');
    assert.ok(code.text.includes(t.progress(2, 2)), 'the code page shows the progress too');
    const res = await b.submit('/recover/code', { code: await stack.totpCode(ADMIN) });
    assert.equal(res.headers.get('location'), '/recover/password');
    assert.equal((await b.page('/recover/password')).status, 200);
  });
});

describe('group rules: a user a deny rule matches', () => {
  function shape(a: Answer<unknown>): unknown {
    const body = JSON.parse(JSON.stringify(a.body), (k, v: unknown) => (k === 'expiresAt' ? '<time>' : v)) as unknown;
    return { status: a.status, body };
  }
  async function journey(login: string): Promise<unknown[]> {
    const b = stack.browser();
    const out = [await b.api('POST', '/api/v1/recovery', { username: login })];
    out.push(await b.api('POST', '/api/v1/recovery/challenge', { method: 'call' }));
    out.push(await b.api('POST', '/api/v1/recovery/verify', { code: '123456' }));
    out.push(await b.api('GET', '/api/v1/recovery/status'));
    return out.map(shape);
  }

  test('gets the answers of an unknown login; nothing is sent', async () => {
    assert.deepEqual(await journey(DENIED), await journey('nobody.here@example.com'));
    assert.deepEqual(await stack.messagesTo(DENIED), []);
  });
});

describe('group rules with self-service unlock', () => {
  test('a locked-out admin is offered the unlock only after both factors; the unlock keeps the password', async () => {
    const portal = await stack.portalWith({ ...ROOMY_LIMITS, GROUP_RULES: JSON.stringify(RULES), SELF_SERVICE_UNLOCK: 'true', PUSH_POLL_INTERVAL_SECONDS: '1' });
    const b = stack.browser(portal);
    assert.equal((await b.api('POST', '/api/v1/recovery', { username: LOCKED_ADMIN })).status, 200);
    await b.api('POST', '/api/v1/recovery/challenge', { method: 'okta-verify-code' });
    const first = await b.api('POST', '/api/v1/recovery/verify', { code: await stack.totpCode(LOCKED_ADMIN) });
    assert.equal(first.body.status, 'factor_verified', first.text);
    assert.equal(first.body.unlockAvailable, undefined);
    assertError(await b.api('POST', '/api/v1/recovery/unlock', { ott: 'x'.repeat(43) }), 409, 'WRONG_STEP');
    const push = await b.api('POST', '/api/v1/recovery/challenge', { method: 'push' });
    await approvePush(LOCKED_ADMIN, push.body.correctAnswer);
    const verified = await waitForStatus(b, 'verified');
    assert.equal(verified.unlockAvailable, true);
    const unlocked = await b.api('POST', '/api/v1/recovery/unlock', { ott: verified.ott });
    assert.deepEqual(unlocked.body, { status: 'unlocked' });
    assert.equal((await stack.user(LOCKED_ADMIN)).status, 'ACTIVE');
    assert.equal(await stack.authn(LOCKED_ADMIN, PASSWORD), 200, 'the password did not change');
  });
});
