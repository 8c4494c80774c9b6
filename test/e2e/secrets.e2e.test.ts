/**
 * Threat: secrets leaking into logs (read by operators, shipped to log platforms, kept for years) or URLs: the new
 * or old password, a one-time code, the ott, the flow cookie (a bearer credential for the flow) or the Okta API
 * token; any one of them lets a log reader take over an account or the portal's Okta access.
 * Checklist: LOG-1 (never log secrets), OTT-5 (ott not in URLs or logs), SEC-1 (the Okta credential never leaves
 * the server), LOG-2 (the steps are still audited).
 * Full recoveries (HTML forms with SMS, JSON API with a refused password, a wrong code and a push) run against a
 * portal logging at debug level; then the captured log (portal.logText()) is searched for every secret seen.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NEW_PASSWORD, PASSWORD, ROOMY_LIMITS, Stack, hiddenField, waitForStatus, wrongCode } from './support.js';

let stack: Stack;

before(async () => {
  stack = await Stack.start({ ...ROOMY_LIMITS, PUSH_POLL_INTERVAL_SECONDS: '1' });
});
after(() => stack?.close());

const secrets = new Map<string, string>();
function remember(label: string, value: string | undefined): void {
  assert.ok(value !== undefined && value.length >= 6, `${label} captured`);
  secrets.set(`${label} #${secrets.size}`, value);
}

describe('no secret reaches the log', () => {
  test('an SMS recovery through the HTML forms', async () => {
    const login = 'sms.user@example.com';
    const b = stack.browser();
    await b.submit('/recover', { username: login });
    await b.submit('/recover/method', { method: 'sms' });
    const code = await stack.lastCode(login);
    remember('wrong code', wrongCode(code));
    await b.submit('/recover/code', { code: wrongCode(code) });
    remember('sms code', code);
    const verified = await b.submit('/recover/code', { code });
    assert.equal(verified.headers.get('location'), '/recover/password');
    const page = await b.page('/recover/password');
    const ott = hiddenField(page.text, 'ott');
    remember('ott', ott);
    remember('flow cookie', b.cookies.get('flow'));
    remember('flow secret', b.cookies.get('flow')?.split('.')[1]);
    remember('csrf token', hiddenField(page.text, '_csrf'));
    const done = await b.submit('/recover/password', {
      _csrf: hiddenField(page.text, '_csrf'),
      ott,
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
      revokeSessions: 'on',
    });
    assert.match(String(done.headers.get('location')), /^\/recover\/done\?sessions=(ended|kept)$/);
    assert.equal(await stack.authn(login, NEW_PASSWORD), 200);
  });

  test('an authenticator recovery through the JSON API, with a refused password first', async () => {
    const login = 'google.user@example.com';
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: login });
    await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' });
    const code = await stack.totpCode(login);
    remember('totp code', code);
    const verified = await b.api<{ ott: string }>('POST', '/api/v1/recovery/verify', { code });
    remember('ott', verified.body.ott);
    remember('flow cookie', b.cookies.get('flow'));
    const refused = 'Refused-but-secret-9';
    // History rule: the current password is refused by Okta (strict=true); it is a secret all the same.
    const reuse = await b.api('POST', '/api/v1/recovery/password', {
      ott: verified.body.ott,
      password: PASSWORD,
      confirmPassword: PASSWORD,
    });
    assert.equal(reuse.status, 400);
    const mismatch = await b.api('POST', '/api/v1/recovery/password', {
      ott: verified.body.ott,
      password: refused,
      confirmPassword: `${refused}!`,
    });
    assert.equal(mismatch.status, 400);
    remember('mismatched password', refused);
    const changed = await b.api('POST', '/api/v1/recovery/password', {
      ott: verified.body.ott,
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    assert.equal(changed.status, 200, changed.text);
  });

  test('a push recovery (the ott comes from the status poll)', async () => {
    const login = 'push.user@example.com';
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: login });
    const challenged = await b.api<{ correctAnswer: number }>('POST', '/api/v1/recovery/challenge', { method: 'push' });
    const { transactionId } = await stack.pendingPush(login);
    remember('push transaction id', transactionId);
    await stack.control(`push/${transactionId}/approve`, { method: 'POST', body: { answer: challenged.body.correctAnswer } });
    const verified = await waitForStatus(b, 'verified');
    remember('ott', verified.ott as string);
    remember('flow cookie', b.cookies.get('flow'));
    const changed = await b.api('POST', '/api/v1/recovery/password', {
      ott: verified.ott,
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    assert.equal(changed.status, 200, changed.text);
  });

  test('the captured log holds none of them, yet audits every step', () => {
    remember('new password', NEW_PASSWORD);
    remember('old password', PASSWORD);
    remember('emulator API token', stack.emu.apiToken);
    const log = stack.portal.logText();
    assert.ok(log.length > 1000, 'the portal did log');
    for (const [label, value] of secrets) {
      // Codes are digits: match them as whole numbers so a timestamp that happens to contain them does not count.
      const pattern = /^\d+$/.test(value)
        ? new RegExp(`(?<![0-9])${value}(?![0-9])`)
        : new RegExp(value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      assert.doesNotMatch(log, pattern, `${label} appears in the log`);
    }
    // LOG-2: the steps are audited (who, what, outcome), without the secrets above.
    for (const action of ['recovery.start', 'recovery.challenge', 'recovery.verify', 'recovery.password']) {
      assert.ok(log.includes(`"action":"${action}"`), `audit event ${action}`);
    }
    assert.match(log, /"outcome":"success"/);
  });
});
