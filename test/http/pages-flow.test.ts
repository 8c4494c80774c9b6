/**
 * The HTML flow as a browser without JavaScript sees it: forms, 303 redirects, the flow cookie and the CSRF field,
 * over the real core with fake ports.
 */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Browser, field, harness, LOGIN, NEW_PASSWORD, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

async function startFlow(b: Browser, login = LOGIN): Promise<void> {
  const form = await b.get('/recover');
  assert.equal(form.statusCode, 200);
  assert.ok(b.csrf, 'the start form carries a CSRF field');
  const res = await b.post('/recover', { username: login });
  assert.equal(res.statusCode, 303);
  assert.equal(res.headers.location, '/recover/method');
}

async function choose(b: Browser, method: string): Promise<string> {
  await b.get('/recover/method');
  const res = await b.post('/recover/method', { method });
  assert.equal(res.statusCode, 303);
  return String(res.headers.location);
}

describe('pages without JavaScript', () => {
  test('landing page links to the recovery form and names the org', async () => {
    const res = await new Browser(h.app).get('/');
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/html; charset=utf-8/);
    assert.match(res.body, /Example Corp account recovery/);
    assert.match(res.body, /<a class="button" href="\/recover">Forgot password<\/a>/);
  });

  test('SMS code: start, choose, wrong code, right code, mismatch, policy, change, done, double submit', async () => {
    const b = new Browser(h.app);
    await startFlow(b);

    const methods = await b.get('/recover/method');
    assert.equal(methods.statusCode, 200);
    for (const label of ['Text message (SMS)', 'Voice call', 'Okta Verify push', 'Google Authenticator', 'Okta Verify code']) {
      assert.ok(methods.body.includes(label), `method page lists ${label}`);
    }
    assert.match(methods.body, /type="radio" name="method" value="sms"/);

    assert.equal(await choose(b, 'sms'), '/recover/code');
    assert.equal(h.core.idp.count('sendChallenge'), 1);

    const codePage = await b.get('/recover/code');
    assert.equal(codePage.statusCode, 200);
    assert.match(codePage.body, /inputmode="numeric"/);
    assert.match(codePage.body, /autocomplete="one-time-code"/);
    assert.match(codePage.body, /<label for="code">Verification code<\/label>/);
    assert.match(codePage.body, /action="\/recover\/resend"/);
    assert.match(codePage.body, /data-countdown="30"/, 'the resend wait is the server value');
    assert.match(codePage.body, /You can ask for a new code in 30 seconds\./);
    assert.match(codePage.body, /href="\/recover\/method">Try another method/);

    // Post/Redirect/Get: a refused form answers 303 to its own page, which shows the error (Back never resubmits).
    const { redirect: wrongPost, page: wrong } = await b.submit('/recover/code', { code: '000000' });
    assert.equal(wrongPost.headers.location, '/recover/code');
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /role="alert"/);
    assert.match(wrong.body, /That code is not valid/);
    assert.match(wrong.body, /aria-invalid="true"/);

    const right = await b.post('/recover/code', { code: '123 456' });
    assert.equal(right.statusCode, 303);
    assert.equal(right.headers.location, '/recover/password');

    const pw = await b.get('/recover/password');
    assert.equal(pw.statusCode, 200);
    const ott = field(pw.body, 'ott');
    assert.ok(ott && ott.length >= 43, 'the password form carries the ott in a hidden field');
    assert.match(pw.body, /type="hidden" name="ott"/);
    assert.match(pw.body, /autocomplete="new-password"/);
    assert.match(pw.body, /name="revokeSessions" value="on" checked/);
    assert.match(pw.body, /Sign out of all other sessions/);

    const { page: mismatch } = await b.submit('/recover/password', { ott, password: NEW_PASSWORD, confirmPassword: 'other', revokeSessions: 'on' });
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /name="revokeSessions" value="on" checked/, 'the box as the user left it');
    assert.match(mismatch.body, /The two passwords do not match/);
    assert.ok(!mismatch.body.includes(NEW_PASSWORD), 'passwords are never echoed');
    const ott2 = field(mismatch.body, 'ott');
    assert.ok(ott2, 're-rendered with a usable ott');

    const { page: weak } = await b.submit('/recover/password', { ott: ott2, password: 'short', confirmPassword: 'short' });
    assert.equal(weak.statusCode, 400);
    assert.doesNotMatch(weak.body, /name="revokeSessions" value="on" checked/, 'unchecked, as sent');
    assert.ok(!weak.body.includes('short'.repeat(1) + '"'), 'the refused password is not echoed');
    assert.match(weak.body, /does not meet the password policy/);
    assert.match(weak.body, /<li>It is shorter than 8 characters\.<\/li>/, 'the broken rule named, not Okta\'s English');
    assert.doesNotMatch(weak.body, /Password requirements were not met/);
    const ott3 = field(weak.body, 'ott')!;

    const ok = await b.post('/recover/password', { ott: ott3, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, revokeSessions: 'on' });
    assert.equal(ok.statusCode, 303);
    assert.match(String(ok.headers.location), /^\/recover\/done\?sessions=(ended|kept)$/);
    assert.equal(h.core.idp.passwords.get(h.userId), NEW_PASSWORD);
    assert.deepEqual(h.core.idp.revoked, [h.userId]);

    const done = await b.get('/recover/done');
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /Your password has been changed/);

    // The browser submits the same form again (double click): it lands on the done page, nothing is written twice.
    const again = await b.submit('/recover/password', { ott: ott3, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD, revokeSessions: 'on' });
    assert.equal(again.page.statusCode, 303, 'the password page of a completed flow sends it on');
    assert.match(String(again.page.headers.location), /^\/recover\/done(\?sessions=(ended|kept))?$/);
    assert.equal(h.core.idp.count('setPassword'), 2, 'the weak try and the good one; the double submit wrote nothing');
  });

  test('unchecking "sign out of all other sessions" is honoured', async () => {
    const b = new Browser(h.app);
    await startFlow(b);
    await choose(b, 'google-authenticator');
    await b.get('/recover/code');
    assert.equal((await b.post('/recover/code', { code: '123456' })).headers.location, '/recover/password');
    const ott = field((await b.get('/recover/password')).body, 'ott')!;
    const ok = await b.post('/recover/password', { ott, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    assert.equal(ok.statusCode, 303);
    assert.deepEqual(h.core.idp.revoked, []);
  });

  test('authenticator codes have no resend button; empty code re-renders with a field error', async () => {
    const b = new Browser(h.app);
    await startFlow(b);
    assert.equal(await choose(b, 'okta-verify-code'), '/recover/code');
    const page = await b.get('/recover/code');
    assert.ok(!page.body.includes('/recover/resend'));
    assert.match(page.body, /Open Okta Verify/);
    const { page: empty } = await b.submit('/recover/code', { code: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Enter the code\./);
  });

  test('resend: too soon re-renders with Retry-After, later sends and says so', async () => {
    const b = new Browser(h.app);
    await startFlow(b);
    await choose(b, 'call');
    await b.get('/recover/code');
    const { page: soon } = await b.submit('/recover/resend', { method: 'call' });
    assert.equal(soon.statusCode, 429);
    assert.ok(Number(soon.headers['retry-after']) > 0);
    assert.match(soon.body, /A code was sent recently/);
    assert.match(soon.body.replace(/<[^>]+>/g, ''), /Try again in \d+ seconds?\./);

    h.core.clock.advance(31_000);
    const later = await b.post('/recover/resend', { method: 'call' });
    assert.equal(later.statusCode, 303);
    assert.equal(later.headers.location, '/recover/code?sent=1');
    const page = await b.get('/recover/code?sent=1');
    assert.match(page.body, /A new code is on its way/);
    assert.equal(h.core.idp.count('sendChallenge'), 2);
  });

  test('push: number shown, "Check again" without JS, approved → password page', async () => {
    const b = new Browser(h.app);
    await startFlow(b);
    assert.equal(await choose(b, 'push'), '/recover/push');
    const page = await b.get('/recover/push');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<p class="number" id="push-number">42<\/p>/);
    assert.match(page.body, /<form method="get" action="\/recover\/push">/);
    assert.match(page.body, /Check again/);
    assert.match(page.body, /<script src="\/assets\/push\.[0-9a-f]{12}\.js" defer><\/script>/);
    assert.match(page.body, /data-push-status-url="\/api\/v1\/recovery\/status"/);

    h.core.idp.setPushResult(h.userId, 'approved');
    h.core.clock.advance(5_000);
    const check = await b.get('/recover/push');
    assert.equal(check.statusCode, 303);
    assert.equal(check.headers.location, '/recover/password');
    const pw = await b.get('/recover/password');
    assert.ok(field(pw.body, 'ott'));
  });

  test('push rejected: message and "Try another method"', async () => {
    const b = new Browser(h.app);
    await startFlow(b);
    await choose(b, 'push');
    h.core.idp.setPushResult(h.userId, 'rejected');
    h.core.clock.advance(5_000);
    const page = await b.get('/recover/push');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /declined on the phone/);
    assert.match(page.body, /href="\/recover\/method">Try another method/);
    assert.ok(!page.body.includes('push.'), 'no polling script once the push is over');
  });

  test('skipped steps land on the page for the real state; no flow → "Start again" page', async () => {
    const b = new Browser(h.app);
    await startFlow(b);
    for (const path of ['/recover/password', '/recover/code', '/recover/push', '/recover/done']) {
      const res = await b.get(path);
      assert.equal(res.statusCode, 303, path);
      assert.equal(res.headers.location, '/recover/method', path);
    }
    const stranger = new Browser(h.app);
    const res = await stranger.get('/recover/code');
    assert.equal(res.statusCode, 410);
    assert.match(res.body, /This recovery has expired/);
    assert.match(res.body, /href="\/recover">Start again/);
  });

  test('an expired flow shows "Start again"', async () => {
    const b = new Browser(h.app);
    await startFlow(b);
    h.core.clock.advance(901_000);
    const res = await b.get('/recover/method');
    assert.equal(res.statusCode, 410);
    assert.match(res.body, /Start again/);
  });

  test('too many wrong codes ends the flow with a page, not a stack trace', async () => {
    const b = new Browser(h.app);
    await startFlow(b);
    await choose(b, 'google-authenticator');
    await b.get('/recover/code');
    let last = (await b.submit('/recover/code', { code: '000000' })).page;
    for (let i = 0; i < 6 && last.statusCode === 400; i++) last = (await b.submit('/recover/code', { code: '000000' })).page;
    assert.equal(last.statusCode, 429);
    assert.match(last.body, /Too many failed attempts/);
    assert.match(last.body, /action="\/recover"/, 'the start page, where the user can start again');
    assert.ok(!/at .*\.ts:\d+/.test(last.body));
  });

  test('empty username re-renders; the entered username is never echoed', async () => {
    const b = new Browser(h.app);
    await b.get('/recover');
    const { page: empty } = await b.submit('/recover', { username: '   ' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /Enter your username or email address\./);
    const evil = '"><script>alert(1)</script>';
    const { page: refused } = await b.submit('/recover', { username: evil });
    assert.equal(refused.statusCode, 400, 'a login with spaces or slashes is refused by shape');
    assert.match(refused.body, /Enter a valid username or email address\./);
    assert.ok(!refused.body.includes('alert(1)'), 'not echoed');
    const odd = 'x"><img>@example.com';
    const res = await b.post('/recover', { username: odd });
    assert.equal(res.statusCode, 303, 'unknown logins get the same answer as real ones');
    const page = await b.get('/recover/method');
    assert.ok(!page.body.includes('<img>') && !page.body.includes('x&quot;&gt;'), 'the login appears nowhere');
  });

  test('Post/Redirect/Get: a refused start keeps the typed username; the flash is read once and cannot be forged', async () => {
    const b = new Browser(h.app);
    await b.get('/recover');
    const flash = (await b.post('/recover', { username: '   ' })).cookies as Array<{ name: string; value: string; httpOnly?: boolean; sameSite?: string; maxAge?: number }>;
    const cookie = flash.find((c) => c.name === 'flash');
    assert.ok(cookie && cookie.httpOnly === true && cookie.sameSite === 'Strict' && cookie.maxAge === 60, 'HttpOnly, Strict, 60 s');
    const first = await b.get('/recover');
    assert.equal(first.statusCode, 400);
    const again = await b.get('/recover');
    assert.equal(again.statusCode, 200, 'read once: a reload shows the clean form');
    assert.doesNotMatch(again.body, /role="alert"/);
    // A flash the server did not sign is ignored.
    const forged = Buffer.from(JSON.stringify({ page: '/recover', code: 'RATE_LIMITED', value: 'someone@example.com' })).toString('base64url');
    b.jar.cookies.set('flash', forged);
    const page = await b.get('/recover');
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes('someone@example.com'));
  });

  test('cancel ends the flow and clears the cookie', async () => {
    const b = new Browser(h.app);
    await startFlow(b);
    await b.get('/recover/method');
    assert.match((await b.get('/recover/method')).body, /<form method="post" action="\/recover\/cancel">/);
    const res = await b.post('/recover/cancel', {});
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/recover');
    assert.equal(b.jar.cookies.has('flow'), false);
  });
});
