/**
 * Property: with self-service unlock on (SELF_SERVICE_UNLOCK=true), nothing tells a locked-out account from an
 * active one or from an unknown login until the user has passed a factor: the start, challenge and wrong-code
 * answers are the same. Only the verified answer of a LOCKED_OUT user offers the unlock, which then needs the ott
 * (single use), calls Okta's lifecycle/unlock and keeps the password. Before this change the locked user got a
 * decoy flow and could never unlock (verify answered INVALID_CODE).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PASSWORD, ROOMY_LIMITS, Stack, assertError, hiddenField, type Answer, type Browser } from '../e2e/support.js';
import { CATALOGUES } from '../../src/views/i18n/index.js';

const LOCKED = 'locked.user@example.com';
const ACTIVE = 'sms.user@example.com';
const UNKNOWN = 'nobody.here@example.com';

let stack: Stack;
before(async () => {
  stack = await Stack.start({ ...ROOMY_LIMITS, SELF_SERVICE_UNLOCK: 'true', RESEND_COOLDOWN_SECONDS: '0' });
});
after(() => stack?.close());
beforeEach(() => stack.reset());

function shape(a: Answer<unknown>): unknown {
  const body = JSON.parse(JSON.stringify(a.body), (k, v: unknown) => (k === 'expiresAt' ? '<time>' : v)) as unknown;
  const cookies = a.headers.getSetCookie().map((c) => c.replace(/=[^;]*/, '=<value>'));
  return { status: a.status, body, cookies };
}

async function untilVerification(b: Browser, login: string): Promise<unknown[]> {
  const start = await b.api('POST', '/api/v1/recovery', { username: login });
  const challenge = await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' });
  const wrong = await b.api('POST', '/api/v1/recovery/verify', { code: '000000' });
  const status = await b.api('GET', '/api/v1/recovery/status');
  return [start, challenge, wrong, status].map(shape);
}

describe('self-service unlock: anti-enumeration until verification', () => {
  test('locked, active and unknown logins get the same answers up to verification', async () => {
    const locked = await untilVerification(stack.browser(), LOCKED);
    const active = await untilVerification(stack.browser(), ACTIVE);
    const unknown = await untilVerification(stack.browser(), UNKNOWN);
    assert.deepEqual(locked, active);
    assert.deepEqual(locked, unknown);
  });

  test('only a verified locked-out user is offered the unlock; it needs the ott, unlocks in 5 Okta calls and keeps the password', async () => {
    const a = stack.browser();
    await a.api('POST', '/api/v1/recovery', { username: ACTIVE });
    await a.api('POST', '/api/v1/recovery/challenge', { method: 'sms' });
    const activeVerified = await a.api('POST', '/api/v1/recovery/verify', { code: await stack.lastCode(ACTIVE) });
    assert.equal(activeVerified.status, 200);
    assert.equal(activeVerified.body.unlockAvailable, undefined);
    assertError(await a.api('POST', '/api/v1/recovery/unlock', { ott: activeVerified.body.ott }), 409, 'WRONG_STEP');

    await stack.reset();
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: LOCKED });
    await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' });
    assertError(await b.api('POST', '/api/v1/recovery/unlock', { ott: 'x'.repeat(43) }), 409, 'WRONG_STEP');
    const verified = await b.api<{ ott: string; unlockAvailable?: boolean }>('POST', '/api/v1/recovery/verify', {
      code: await stack.lastCode(LOCKED),
    });
    assert.equal(verified.status, 200, verified.text);
    assert.equal(verified.body.unlockAvailable, true);
    assertError(await b.api('POST', '/api/v1/recovery/unlock', { ott: 'y'.repeat(43) }), 400, 'INVALID_OTT');
    const unlocked = await b.api('POST', '/api/v1/recovery/unlock', { ott: verified.body.ott });
    assert.equal(unlocked.status, 200, unlocked.text);
    assert.deepEqual(unlocked.body, { status: 'unlocked' });
    assertError(await b.api('POST', '/api/v1/recovery/unlock', { ott: verified.body.ott }), 400, 'INVALID_OTT');
    assert.deepEqual((await b.api('GET', '/api/v1/recovery/status')).body, { status: 'completed', unlocked: true });

    assert.equal((await stack.user(LOCKED)).status, 'ACTIVE');
    const calls = (await stack.oktaCalls()).map((c) => `${c.method} ${c.path.replace(/\/(00u|sms|mbl|ost|opf|uft|clf)[A-Za-z0-9]+/g, '/{id}')}`);
    assert.deepEqual(
      calls.filter((c) => !c.startsWith('GET /api/v1/users/{id}/factors/{id}/transactions')),
      [
        'GET /api/v1/users', // an email-like login is one search (issue 11, item 3)
        'GET /api/v1/users/{id}/factors',
        'POST /api/v1/users/{id}/factors/{id}/verify',
        'POST /api/v1/users/{id}/factors/{id}/verify',
        'POST /api/v1/users/{id}/lifecycle/unlock',
      ],
      calls.join('\n'),
    );
    assert.equal(await stack.authn(LOCKED, PASSWORD), 200, 'the password did not change');
  });

  test('pages: the password page offers "Unlock my account"; the done page says the account is unlocked', async () => {
    const b = stack.browser();
    await b.submit('/recover', { username: LOCKED });
    await b.submit('/recover/method', { method: 'sms' });
    await b.submit('/recover/code', { code: await stack.lastCode(LOCKED) });
    const page = await b.page('/recover/password');
    assert.equal(page.status, 200);
    assert.ok(page.text.includes(CATALOGUES.en.unlock.submit));
    assert.match(page.text, /<form method="post" action="\/recover\/unlock">/);
    const res = await b.submit('/recover/unlock', { _csrf: hiddenField(page.text, '_csrf'), ott: hiddenField(page.text, 'ott') });
    assert.equal(res.status, 303, res.text.slice(0, 300));
    assert.equal(res.headers.get('location'), '/recover/done');
    const done = await b.page('/recover/done');
    assert.ok(done.text.includes(CATALOGUES.en.unlock.doneHeading));
    assert.equal((await stack.user(LOCKED)).status, 'ACTIVE');

    await stack.reset();
    const c = stack.browser();
    await c.submit('/recover', { username: ACTIVE });
    await c.submit('/recover/method', { method: 'sms' });
    await c.submit('/recover/code', { code: await stack.lastCode(ACTIVE) });
    assert.ok(!(await c.page('/recover/password')).text.includes('/recover/unlock'), 'no unlock for an active user');
  });
});
