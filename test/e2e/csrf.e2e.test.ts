/**
 * Threat: cross-site request forgery: a page on another site makes the victim's browser start or drive a recovery
 * (e.g. to send SMS/push bombs from the victim's IP, or to submit a password into a flow the attacker prepared).
 * Checklist: SES-5 (CSRF protection on every state-changing endpoint, Fetch Metadata / Origin), VAL-1, SES-2.
 * Every POST, JSON and HTML form alike, needs the CSRF secret cookie plus its token (header or `_csrf` field, never
 * the query string) and no cross-site signal (Origin / Sec-Fetch-Site), else 403 CSRF, even with a valid token; a
 * refused request reaches neither the core nor Okta.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOMY_LIMITS, Stack, assertError, hiddenField, setPasswordBody } from './support.js';

const EVIL = 'https://evil.example';
let stack: Stack;

before(async () => {
  stack = await Stack.start(ROOMY_LIMITS);
});
after(() => stack?.close());
beforeEach(() => stack.reset());

const START = { username: 'sms.user@example.com' };

describe('JSON API', () => {
  test('a valid token from the portal origin is accepted (control case)', async () => {
    const b = stack.browser();
    assert.equal((await b.api('POST', '/api/v1/recovery', START)).status, 200);
  });

  test('missing token → 403 CSRF, and nothing reaches Okta', async () => {
    const b = stack.browser();
    await b.csrf(); // has the secret cookie, does not send the token
    assertError(await b.api('POST', '/api/v1/recovery', START, { csrf: false }), 403, 'CSRF');
    assert.equal(b.cookies.has('flow'), false);
    assert.deepEqual(await stack.oktaCalls(), []);
  });

  test('wrong token, token of another browser, token without its cookie → 403 CSRF', async () => {
    const b = stack.browser();
    const other = stack.browser();
    const otherToken = await other.csrf();
    await b.csrf();
    assertError(await b.api('POST', '/api/v1/recovery', START, { csrf: 'not-the-token' }), 403, 'CSRF');
    assertError(await b.api('POST', '/api/v1/recovery', START, { csrf: otherToken }), 403, 'CSRF');
    const cookieless = stack.browser();
    assertError(await cookieless.api('POST', '/api/v1/recovery', START, { csrf: otherToken }), 403, 'CSRF');
    assert.deepEqual(await stack.oktaCalls(), []);
  });

  test('cross-site Origin or Sec-Fetch-Site with a valid token → 403 CSRF', async () => {
    const b = stack.browser();
    await b.csrf();
    assertError(await b.api('POST', '/api/v1/recovery', START, { origin: EVIL }), 403, 'CSRF');
    assertError(await b.api('POST', '/api/v1/recovery', START, { origin: 'null' }), 403, 'CSRF');
    assertError(
      await b.api('POST', '/api/v1/recovery', START, { origin: b.baseUrl.replace('127.0.0.1', 'localhost') }),
      403,
      'CSRF',
    );
    assertError(
      await b.api('POST', '/api/v1/recovery', START, { origin: null, headers: { 'sec-fetch-site': 'cross-site' } }),
      403,
      'CSRF',
    );
    assertError(
      await b.api('POST', '/api/v1/recovery', START, { headers: { 'sec-fetch-site': 'same-site' } }),
      403,
      'CSRF',
    );
    assert.deepEqual(await stack.oktaCalls(), []);
  });

  test('every state-changing API endpoint checks the token and the origin', async () => {
    const b = stack.browser();
    assert.equal((await b.api('POST', '/api/v1/recovery', START)).status, 200);
    const calls: [string, unknown][] = [
      ['/api/v1/recovery', START],
      ['/api/v1/recovery/challenge', { method: 'sms' }],
      ['/api/v1/recovery/verify', { code: '123456' }],
      ['/api/v1/recovery/password', setPasswordBody('Q'.repeat(43))],
      ['/api/v1/recovery/cancel', {}],
    ];
    for (const [path, body] of calls) {
      assertError(await b.api('POST', path, body, { csrf: false }), 403, 'CSRF');
      assertError(await b.api('POST', path, body, { origin: EVIL }), 403, 'CSRF');
    }
    // The flow is untouched: still in its first step, no SMS sent.
    assert.equal((await b.api('GET', '/api/v1/recovery/status')).body.status, 'started');
    assert.deepEqual(await stack.messagesTo('sms.user@example.com'), []);
  });
});

describe('HTML forms', () => {
  test('POST /recover with the _csrf field from the page → 303 to the method page', async () => {
    const b = stack.browser();
    const a = await b.submit('/recover', START);
    assert.equal(a.status, 303, a.text.slice(0, 300));
    assert.equal(a.headers.get('location'), '/recover/method');
    assert.ok(b.cookies.has('flow'));
  });

  test('POST /recover without _csrf, with a wrong one, or from another origin → 403 page', async () => {
    const b = stack.browser();
    const page = await b.page('/recover');
    const token = hiddenField(page.text, '_csrf');
    const refused = [
      await b.submit('/recover', START, { withCsrf: false }),
      await b.submit('/recover', { ...START, _csrf: 'forged' }),
      await b.submit('/recover', { ...START, _csrf: token }, { origin: EVIL }),
      await b.submit('/recover', { ...START, _csrf: token }, { origin: null, headers: { 'sec-fetch-site': 'cross-site' } }),
      // A token in the query string is never read.
      await b.send('POST', `/recover?_csrf=${encodeURIComponent(token)}`, { form: START }),
    ];
    for (const a of refused) {
      assert.equal(a.status, 403, a.text.slice(0, 300));
      assert.match(a.headers.get('content-type') ?? '', /text\/html/);
    }
    const fresh = stack.browser();
    const noCookie = await fresh.submit('/recover', { ...START, _csrf: token });
    assert.equal(noCookie.status, 403, 'a token without its secret cookie is refused');
    assert.equal(b.cookies.has('flow'), false);
    assert.equal(fresh.cookies.has('flow'), false);
    assert.deepEqual(await stack.oktaCalls(), []);
  });

  test('the other forms (method, code, password, cancel) need the token too', async () => {
    const b = stack.browser();
    assert.equal((await b.submit('/recover', START)).status, 303);
    for (const [path, fields] of [
      ['/recover/method', { method: 'sms' }],
      ['/recover/code', { code: '123456' }],
      ['/recover/resend', { method: 'sms' }],
      ['/recover/password', { ott: 'Q'.repeat(43), password: 'A-Passw0rd-123', confirmPassword: 'A-Passw0rd-123' }],
      ['/recover/cancel', {}],
    ] as const) {
      const a = await b.submit(path, fields, { withCsrf: false });
      assert.equal(a.status, 403, `${path}: ${a.status}`);
    }
    assert.equal((await b.api('GET', '/api/v1/recovery/status')).body.status, 'started');
    assert.deepEqual(await stack.messagesTo('sms.user@example.com'), []);
  });
});
