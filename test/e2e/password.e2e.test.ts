/**
 * Threat: a weak or reused password slips in because the portal writes it in a way that skips Okta's policy (no
 * strict=true, so no history check), the user is left with a dead end after a policy failure (tempting support to
 * bypass the portal), a typo locks the user out, and sessions an attacker already holds survive the reset.
 * Checklist: PW-6 (write with strict=true), PW-7 (show Okta's policy causes safely), RST-10 (confirm twice),
 * RST-8 (revoke existing sessions, on by default), REL-6 (c) (a policy rejection leaves the ott usable).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NEW_PASSWORD, PASSWORD, ROOMY_LIMITS, Stack, assertError, hiddenField, setPasswordBody, verifiedOtt } from './support.js';

const LOGIN = 'google.user@example.com';
let stack: Stack;

before(async () => {
  stack = await Stack.start(ROOMY_LIMITS);
});
after(() => stack?.close());
beforeEach(() => stack.reset());

async function calls(): Promise<string[]> {
  return (await stack.oktaCalls()).map((c) => `${c.method} ${c.path}`);
}
async function userPath(): Promise<string> {
  return `/api/v1/users/${(await stack.user(LOGIN)).id}`;
}

describe('password policy', () => {
  test("a password Okta refuses → 400 PASSWORD_POLICY with Okta's causes; the same ott then works", async () => {
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, LOGIN);
    const weak = await b.api<{ error: { code: string; causes?: string[] } }>(
      'POST',
      '/api/v1/recovery/password',
      setPasswordBody(ott, 'short1A'),
    );
    assertError(weak, 400, 'PASSWORD_POLICY');
    const causes = weak.body.error.causes ?? [];
    assert.ok(causes.some((c) => /Password requirements were not met/.test(c)), JSON.stringify(causes));
    assert.ok(causes.some((c) => /at least 10 characters/.test(c)), 'the org policy is shown');
    assert.doesNotMatch(weak.text, /short1A/, 'the refused password is not echoed');

    const good = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott));
    assert.equal(good.status, 200, good.text);
    assert.equal(await stack.authn(LOGIN, NEW_PASSWORD), 200);
    const path = await userPath();
    assert.equal((await calls()).filter((c) => c === `POST ${path}`).length, 2, 'one refused and one accepted write');
  });

  test('the current password is refused as reused: the write uses strict=true (history)', async () => {
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, LOGIN);
    const reused = await b.api<{ error: { causes?: string[] } }>('POST', '/api/v1/recovery/password', setPasswordBody(ott, PASSWORD));
    assertError(reused, 400, 'PASSWORD_POLICY');
    assert.ok((reused.body.error.causes ?? []).some((c) => /used too recently/.test(c)), reused.text);
    const path = await userPath();
    const write = (await stack.oktaCalls()).find((c) => c.method === 'POST' && c.path === path);
    assert.ok(write, 'the write went to POST /api/v1/users/{id}');
    assert.deepEqual(write.query, { strict: 'true' });
  });

  test('PASSWORD_MISMATCH: nothing is written and the ott stays usable', async () => {
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, LOGIN);
    const mismatch = await b.api('POST', '/api/v1/recovery/password', {
      ott,
      password: NEW_PASSWORD,
      confirmPassword: `${NEW_PASSWORD}x`,
      revokeSessions: false,
    });
    assertError(mismatch, 400, 'PASSWORD_MISMATCH');
    const path = await userPath();
    assert.equal((await calls()).filter((c) => c === `POST ${path}`).length, 0);
    assert.equal((await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott))).status, 200);
  });
});

describe('sign out of all other sessions', () => {
  test('on by default: a recovery without revokeSessions calls DELETE /api/v1/users/{id}/sessions', async () => {
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, LOGIN);
    const res = await b.api('POST', '/api/v1/recovery/password', { ott, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    assert.equal(res.status, 200, res.text);
    assert.ok((await calls()).includes(`DELETE ${await userPath()}/sessions`), (await calls()).join('\n'));
  });

  test('revokeSessions true calls it; false does not', async () => {
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, LOGIN);
    assert.equal((await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott, NEW_PASSWORD, { revokeSessions: true }))).status, 200);
    const path = await userPath();
    assert.equal((await calls()).filter((c) => c === `DELETE ${path}/sessions`).length, 1);

    await stack.reset();
    const b2 = stack.browser();
    const ott2 = await verifiedOtt(stack, b2, 'okta.user@example.com', 'okta-verify-code');
    assert.equal((await b2.api('POST', '/api/v1/recovery/password', setPasswordBody(ott2))).status, 200);
    assert.ok(!(await calls()).some((c) => c.endsWith('/sessions')));
  });

  test('the HTML password page has the box checked; submitting it as shown revokes the sessions', async () => {
    const b = stack.browser();
    await b.submit('/recover', { username: LOGIN });
    await b.submit('/recover/method', { method: 'google-authenticator' });
    const verified = await b.submit('/recover/code', { code: await stack.totpCode(LOGIN) });
    assert.equal(verified.headers.get('location'), '/recover/password');
    const page = await b.page('/recover/password');
    assert.equal(page.status, 200);
    assert.match(page.text, /<input type="checkbox" name="revokeSessions"[^>]*\schecked[\s>]/);
    const done = await b.submit('/recover/password', {
      _csrf: hiddenField(page.text, '_csrf'),
      ott: hiddenField(page.text, 'ott'),
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
      revokeSessions: 'on',
    });
    assert.equal(done.status, 303, done.text.slice(0, 300));
    assert.match(String(done.headers.get('location')), /^\/recover\/done\?sessions=(ended|kept)$/);
    assert.ok((await calls()).includes(`DELETE ${await userPath()}/sessions`));
  });
});
