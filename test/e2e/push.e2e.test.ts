/**
 * Threat: push fatigue / push bombing (the attacker keeps sending pushes until the victim taps "approve"), and a
 * flow that hangs or wrongly succeeds when the push is declined, answered with the wrong number, or never answered.
 * Checklist: PUSH-2 (number matching), PUSH-4 (honour TIMEOUT / expiry, bounded polling, never loop), PUSH-5 (REJECTED blocks further
 * pushes for a cooling period), REL-5 (fail closed), OKTA-6 (push transaction lifecycle).
 * The phone is the emulator's control API: reject, approve with a wrong number, or let the clock run past the
 * push's 300 s lifetime (POST /_emulator/clock {advanceSeconds: 301}); the user can then choose another method.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NEW_PASSWORD, ROOMY_LIMITS, Stack, assertError, setPasswordBody, waitForStatus } from './support.js';

const LOGIN = 'multi.user@example.com'; // push + sms + Google Authenticator
const ENV = { ...ROOMY_LIMITS, PUSH_POLL_INTERVAL_SECONDS: '1' };
let stack: Stack;

before(async () => {
  stack = await Stack.start(ENV);
});
after(() => stack?.close());
beforeEach(() => stack.reset());


async function startPush(
  b: ReturnType<Stack['browser']>,
  login = LOGIN,
): Promise<{ correctAnswer: number; transactionId: string }> {
  assert.equal((await b.api('POST', '/api/v1/recovery', { username: login })).status, 200);
  const challenged = await b.api<{ status: string; correctAnswer: number }>('POST', '/api/v1/recovery/challenge', {
    method: 'push',
  });
  assert.equal(challenged.status, 200, challenged.text);
  assert.equal(challenged.body.status, 'push_waiting');
  assert.equal(typeof challenged.body.correctAnswer, 'number', 'number matching is on');
  const { transactionId } = await stack.pendingPush(login);
  return { correctAnswer: challenged.body.correctAnswer, transactionId };
}

async function finishWithSms(b: ReturnType<Stack['browser']>): Promise<void> {
  const sms = await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' });
  assert.equal(sms.status, 200, sms.text);
  assert.equal(sms.body.status, 'code_sent');
  const verified = await b.api<{ ott: string }>('POST', '/api/v1/recovery/verify', { code: await stack.lastCode(LOGIN) });
  assert.equal(verified.status, 200, verified.text);
  const changed = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(verified.body.ott));
  assert.equal(changed.status, 200, changed.text);
  assert.equal(await stack.authn(LOGIN, NEW_PASSWORD), 200);
}

describe('push outcomes', () => {
  test("rejected on the phone → 'rejected', no ott; pushes are blocked for a while; another method works", async () => {
    // A rejected push blocks the user's pushes in the portal that saw it: this test runs first on the main portal,
    // the others use another user or a portal of their own.
    const portal = stack.portal;
    const b = stack.browser(portal);
    const { transactionId } = await startPush(b);
    await stack.control(`push/${transactionId}/reject`, { method: 'POST' });
    const st = await waitForStatus(b, 'rejected');
    assert.equal('ott' in st, false);
    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody('Q'.repeat(43))), 409, 'WRONG_STEP');

    // PUSH-5: no new push to this user during the cooling period, from this flow or a fresh one. The block is
    // silent (a decoy never gets one, issue 11 item 4): the answer is a waiting push, but none reaches Okta.
    const pushes = async () =>
      (await stack.oktaCalls()).filter((c) => c.method === 'POST' && /\/factors\/[^/]+\/verify$/.test(c.path)).length;
    const before = await pushes();
    const again = await b.api('POST', '/api/v1/recovery/challenge', { method: 'push' });
    assert.equal(again.status, 200, again.text);
    const other = stack.browser(portal);
    await other.api('POST', '/api/v1/recovery', { username: LOGIN });
    assert.equal((await other.api('POST', '/api/v1/recovery/challenge', { method: 'push' })).status, 200);
    assert.equal(await pushes(), before, 'no push reached Okta during the cooling period');

    await finishWithSms(b);
  });

  test('approved with the wrong number → rejected (number matching)', async () => {
    const b = stack.browser();
    const { correctAnswer, transactionId } = await startPush(b, 'push.user@example.com');
    const wrong = correctAnswer === 99 ? 98 : correctAnswer + 1;
    await stack.control(`push/${transactionId}/approve`, { method: 'POST', body: { answer: wrong } });
    await waitForStatus(b, 'rejected');
  });

  test("never answered: past the push lifetime → 'expired'; pushing again and other methods work", async () => {
    const b = stack.browser(await stack.portalWith(ENV));
    const t0 = Date.now();
    await startPush(b);
    // PUSH-4: however fast the client asks, Okta is polled at most once per PUSH_POLL_INTERVAL_SECONDS (1 s here).
    for (let i = 0; i < 15; i++) assert.equal((await b.api('GET', '/api/v1/recovery/status')).body.status, 'waiting');
    const polls = (await stack.oktaCalls()).filter((c) => c.method === 'GET' && c.path.includes('/transactions/'));
    assert.ok(polls.length <= Math.floor((Date.now() - t0) / 1000) + 1, `${polls.length} polls`);
    await stack.advanceClock(301);
    const st = await waitForStatus(b, 'expired');
    assert.equal('ott' in st, false);
    const later = (await stack.oktaCalls()).filter((c) => c.method === 'GET' && c.path.includes('/transactions/'));
    assert.ok(later.length > polls.length, "the expiry came from Okta's TIMEOUT");

    // A timed-out push is not a rejection: the user may push again.
    const again = await b.api('POST', '/api/v1/recovery/challenge', { method: 'push' });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.body.status, 'push_waiting');

    // ... or switch to the authenticator app.
    const ga = await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' });
    assert.equal(ga.status, 200, ga.text);
    const verified = await b.api('POST', '/api/v1/recovery/verify', { code: await stack.totpCode(LOGIN) });
    assert.equal(verified.status, 200, verified.text);
    assert.equal(verified.body.status, 'verified');
  });
});
