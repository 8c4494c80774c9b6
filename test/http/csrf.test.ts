/**
 * CSRF on every state-changing request: token missing / wrong / from another browser, cross-site Origin and
 * Sec-Fetch-Site (even with a valid token), tokens in the query string ignored; forms get a page with "reload".
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { Browser, httpConfig, JsonClient, ORIGIN } from './helpers.js';
import { STUB_HANDLE, StubRecovery } from './stub.js';

let app: FastifyInstance;
const stub = new StubRecovery();

before(async () => {
  app = await buildApp({ recovery: stub, config: httpConfig() });
});
after(async () => {
  await app.close();
});

/** Every state-changing route with a body the schema accepts. */
const JSON_POSTS: Array<[string, unknown]> = [
  ['/api/v1/recovery', { username: 'alice' }],
  ['/api/v1/recovery/challenge', { method: 'sms' }],
  ['/api/v1/recovery/verify', { code: '123456' }],
  ['/api/v1/recovery/password', { ott: 'abc', password: 'x', confirmPassword: 'x' }],
  ['/api/v1/recovery/cancel', {}],
];
const FORM_POSTS: Array<[string, Record<string, string>]> = [
  ['/recover', { username: 'alice' }],
  ['/recover/method', { method: 'sms' }],
  ['/recover/code', { code: '123456' }],
  ['/recover/resend', { method: 'sms' }],
  ['/recover/password', { ott: 'abc', password: 'x', confirmPassword: 'x' }],
  ['/recover/cancel', {}],
];

async function jsonClient(): Promise<JsonClient> {
  const c = new JsonClient(app);
  await c.fetchCsrf();
  c.jar.cookies.set('flow', STUB_HANDLE);
  return c;
}

function code(res: { json(): unknown }): string {
  return (res.json() as { error: { code: string } }).error.code;
}

describe('JSON API', () => {
  test('a valid token from the same origin passes', async () => {
    const c = await jsonClient();
    for (const [url, body] of JSON_POSTS) {
      const res = await c.call('POST', url, body);
      assert.equal(res.statusCode, 200, `${url}: ${res.body}`);
    }
  });

  for (const [url, body] of JSON_POSTS) {
    test(`${url}: missing, wrong, foreign token → 403 CSRF; core not called`, async () => {
      const c = await jsonClient();
      stub.calls = [];
      const missing = await c.call('POST', url, body, { 'x-csrf-token': '' });
      assert.equal(missing.statusCode, 403);
      assert.equal(code(missing), 'CSRF');

      const wrong = await c.call('POST', url, body, { 'x-csrf-token': 'not-a-token' });
      assert.equal(wrong.statusCode, 403);
      assert.equal(code(wrong), 'CSRF');

      const other = await jsonClient();
      const foreign = await c.call('POST', url, body, { 'x-csrf-token': other.csrf! });
      assert.equal(foreign.statusCode, 403, 'a token minted for another browser fails');

      const noSecret = await app.inject({
        method: 'POST',
        url,
        payload: JSON.stringify(body),
        headers: { 'content-type': 'application/json', 'x-csrf-token': c.csrf!, cookie: `flow=${STUB_HANDLE}` },
      });
      assert.equal(noSecret.statusCode, 403, 'no secret cookie');
      assert.equal(code(noSecret), 'CSRF');
      assert.deepEqual(stub.calls, []);
    });
  }

  test('cross-site Origin or Sec-Fetch-Site → 403 even with a valid token', async () => {
    const c = await jsonClient();
    stub.calls = [];
    const crossSite: Array<Record<string, string>> = [
      { origin: 'https://evil.example' },
      { origin: 'null' },
      { origin: 'http://portal.test.evil.example' },
      { origin: 'https://portal.test' }, // scheme differs from the public URL
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ];
    for (const headers of crossSite) {
      const res = await c.call('POST', '/api/v1/recovery', { username: 'alice' }, headers);
      assert.equal(res.statusCode, 403, JSON.stringify(headers));
      assert.equal(code(res), 'CSRF');
    }
    assert.deepEqual(stub.calls, []);
    const ok = await c.call('POST', '/api/v1/recovery', { username: 'alice' }, { origin: ORIGIN, 'sec-fetch-site': 'same-origin' });
    assert.equal(ok.statusCode, 200);
  });

  test('Origin "null" is accepted only with Sec-Fetch-Site: same-origin (a form POST under Referrer-Policy: no-referrer)', async () => {
    const c = await jsonClient();
    const ok = await c.call('POST', '/api/v1/recovery', { username: 'alice' }, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    assert.equal(ok.statusCode, 200);
    const bare = await c.call('POST', '/api/v1/recovery', { username: 'alice' }, { origin: 'null' });
    assert.equal(bare.statusCode, 403);
  });

  test('a token in the query string is not accepted', async () => {
    const c = await jsonClient();
    const res = await c.call('POST', `/api/v1/recovery?_csrf=${encodeURIComponent(c.csrf!)}`, { username: 'a' }, { 'x-csrf-token': '' });
    assert.equal(res.statusCode, 403);
  });
});

describe('HTML forms', () => {
  test('every form POST works with the page token and fails without it, with a "reload" page', async () => {
    for (const [url, fields] of FORM_POSTS) {
      const b = new Browser(app);
      await b.get('/recover');
      b.jar.cookies.set('flow', STUB_HANDLE);
      const ok = await b.post(url, fields);
      assert.ok(ok.statusCode === 303 || ok.statusCode === 200, `${url} with token: ${ok.statusCode}`);

      const b2 = new Browser(app);
      await b2.get('/recover');
      b2.jar.cookies.set('flow', STUB_HANDLE);
      b2.csrf = undefined;
      const res = await b2.post(url, fields);
      assert.equal(res.statusCode, 403, url);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /The form has expired/);
      assert.match(res.body, /Reload the page/);
    }
  });

  test('a cross-site form post with a stolen token → 403', async () => {
    const b = new Browser(app, 'https://evil.example');
    await b.get('/recover');
    const res = await b.post('/recover', { username: 'alice' }, { 'sec-fetch-site': 'cross-site' });
    assert.equal(res.statusCode, 403);
    assert.match(res.body, /did not come from this site/);
  });
});
