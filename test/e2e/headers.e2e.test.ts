/**
 * Threat: browser-side attacks on the flow pages: clickjacking the password page, injected script running with the
 * page's authority, the ott or flow leaking through Referer or a shared cache, and the flow cookie being read by
 * script or sent on cross-site requests.
 * Checklist: HDR-* (CSP without unsafe-inline, frame-ancestors 'none', Referrer-Policy no-referrer, nosniff, no
 * CORS), OTT-6 (Cache-Control: no-store on every flow page and API answer), SES-2 (cookie attributes), OTT-5
 * (no ott in a URL, Location or Referer), VAL-6 (redirects only to fixed internal paths).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOMY_LIMITS, Stack, hiddenField, type Answer } from './support.js';

let stack: Stack;

before(async () => {
  stack = await Stack.start(ROOMY_LIMITS);
});
after(() => stack?.close());
beforeEach(() => stack.reset());

function assertHardened(a: Answer<unknown>, what: string): void {
  const csp = a.headers.get('content-security-policy') ?? '';
  assert.ok(csp !== '', `${what}: no CSP`);
  const directives = new Map(
    csp
      .split(';')
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => {
        const [name, ...values] = d.split(/\s+/);
        return [name!.toLowerCase(), values] as const;
      }),
  );
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/, `${what}: ${csp}`);
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"], `${what}: ${csp}`);
  assert.ok(directives.has('script-src') || directives.has('default-src'), `${what}: ${csp}`);
  assert.deepEqual(directives.get('script-src') ?? directives.get('default-src'), ["'self'"], `${what}: ${csp}`);
  assert.deepEqual(directives.get('object-src'), ["'none'"], `${what}: ${csp}`);
  assert.equal(a.headers.get('referrer-policy'), 'no-referrer', what);
  assert.equal(a.headers.get('x-content-type-options'), 'nosniff', what);
  assert.equal(a.headers.get('x-frame-options'), 'DENY', what);
  assert.equal(a.headers.get('access-control-allow-origin'), null, `${what}: no CORS`);
  assert.equal(a.headers.get('x-powered-by'), null, what);
}

function assertNoStore(a: Answer<unknown>, what: string): void {
  assert.match(a.headers.get('cache-control') ?? '', /\bno-store\b/, `${what}: ${a.headers.get('cache-control')}`);
}

describe('security headers', () => {
  test('on every page, API answer and error', async () => {
    const b = stack.browser();
    const answers: [string, Answer<unknown>][] = [
      ['GET /', await b.page('/')],
      ['GET /recover', await b.page('/recover')],
      ['GET /api/v1/csrf', await b.api('GET', '/api/v1/csrf')],
      ['POST /recover', await b.submit('/recover', { username: 'sms.user@example.com' })],
      ['GET /recover/method', await b.page('/recover/method')],
      ['POST /api/v1/recovery', await b.api('POST', '/api/v1/recovery', { username: 'sms.user@example.com' })],
      ['POST challenge', await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' })],
      ['GET status', await b.api('GET', '/api/v1/recovery/status')],
      ['GET /recover/code', await b.page('/recover/code')],
      ['POST verify (error)', await b.api('POST', '/api/v1/recovery/verify', { code: '000000' })],
      ['404 page', await b.page('/no/such/page')],
      ['404 api', await b.api('GET', '/api/v1/nothing')],
      ['403 csrf', await b.api('POST', '/api/v1/recovery', { username: 'x@example.com' }, { csrf: false })],
      ['410 no flow', await stack.browser().api('GET', '/api/v1/recovery/status')],
    ];
    for (const [what, a] of answers) {
      assert.ok(a.status < 500, `${what}: ${a.status}`);
      assertHardened(a, what);
      assertNoStore(a, what);
    }
  });

  test('pages carry no inline script, inline style or event handler (the CSP would block them)', async () => {
    const b = stack.browser();
    const pages = [await b.page('/'), await b.page('/recover')];
    await b.submit('/recover', { username: 'push.user@example.com' });
    pages.push(await b.page('/recover/method'));
    await b.submit('/recover/method', { method: 'push' });
    pages.push(await b.page('/recover/push'));
    for (const p of pages) {
      assert.equal(p.status, 200);
      assert.doesNotMatch(p.text, /<script(?![^>]*\bsrc=)[^>]*>/i, 'no inline <script>');
      assert.doesNotMatch(p.text, /\sstyle=|<style/i, 'no inline style');
      assert.doesNotMatch(p.text, /\son[a-z]+=/i, 'no inline event handler');
      assert.doesNotMatch(p.text, /(src|href)="(https?:)?\/\/(?!127\.0\.0\.1)/i, 'no third-party resource');
    }
  });
});

describe('cookies', () => {
  test('the flow cookie and the CSRF cookie are HttpOnly, SameSite=Strict, Path=/, without Domain', async () => {
    const b = stack.browser();
    const csrf = await b.api('GET', '/api/v1/csrf');
    const started = await b.api('POST', '/api/v1/recovery', { username: 'sms.user@example.com' });
    const lines = [...csrf.headers.getSetCookie(), ...started.headers.getSetCookie()];
    const flow = lines.find((l) => l.startsWith('flow='));
    const csrfCookie = lines.find((l) => l.startsWith('csrf='));
    for (const [name, line] of [['flow', flow], ['csrf', csrfCookie]] as const) {
      assert.ok(line, `${name} cookie set`);
      assert.match(line, /;\s*HttpOnly/i, name);
      assert.match(line, /;\s*SameSite=Strict/i, name);
      assert.match(line, /;\s*Path=\/(;|$)/i, name);
      assert.doesNotMatch(line, /Domain=/i, name);
    }
    assert.match(flow!, /;\s*Max-Age=\d+/i);
    // The flow handle is an opaque 256-bit secret with an id, not an Okta id or a login.
    const value = b.cookies.get('flow')!;
    assert.match(value, /^[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{43,}$/);
    const userId = (await stack.user('sms.user@example.com')).id;
    assert.ok(!value.includes(userId) && !decodeURIComponent(value).includes('@'), 'no Okta id or login in the cookie');
  });
});

describe('the ott never travels in a URL', () => {
  test('through the HTML flow: every Location is a fixed internal path; the ott only in a POST body', async () => {
    const login = 'google.user@example.com';
    const b = stack.browser();
    await b.submit('/recover', { username: login });
    await b.submit('/recover/method', { method: 'google-authenticator' });
    await b.submit('/recover/code', { code: await stack.totpCode(login) });
    const page = await b.page('/recover/password');
    const ott = hiddenField(page.text, 'ott');
    assert.match(ott, /^[A-Za-z0-9_-]{43,}$/);
    // The only place the ott appears on the page is the hidden field of a POST form to our own path.
    assert.equal(page.text.split(ott).length - 1, 1);
    assert.match(page.text, /<form method="post" action="\/recover\/password"/);
    const done = await b.submit('/recover/password', {
      _csrf: hiddenField(page.text, '_csrf'),
      ott,
      password: 'Html-Flow-Passw0rd-1',
      confirmPassword: 'Html-Flow-Passw0rd-1',
    });
    assert.equal(done.status, 303);
    const donePage = await b.page('/recover/done');
    assert.equal(donePage.status, 200);
    assert.doesNotMatch(donePage.text, new RegExp(ott));

    assert.ok(b.urls.length > 8);
    for (const url of b.urls) {
      assert.doesNotMatch(url, new RegExp(ott), `ott in ${url}`);
      assert.ok(url.startsWith('/') && !url.startsWith('//'), `only internal paths: ${url}`);
    }
  });

  test('a hostile Host or X-Forwarded-Host does not change where redirects point (VAL-7)', async () => {
    const b = stack.browser();
    const a = await b.submit('/recover', { username: 'sms.user@example.com' }, {
      headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    });
    assert.equal(a.status, 303);
    assert.equal(a.headers.get('location'), '/recover/method');
  });
});
