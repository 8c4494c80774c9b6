/**
 * CSRF on every state-changing request: token missing / wrong / from another browser, cross-site Origin and
 * Sec-Fetch-Site (even with a valid token), tokens in the query string ignored; forms get a page with "reload".
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/http/app.js';
import { newCsrfSecret } from '../../src/http/security.js';
import { Browser, httpConfig, JsonClient, ORIGIN } from './helpers.js';
import { STUB_HANDLE, StubRecovery } from './stub.js';

let app: FastifyInstance;
const stub = new StubRecovery();

before(async () => {
  app = await buildApp({ recovery: stub, config: httpConfig() });
  // A page that asks for two tokens (two forms) and sets another cookie: one secret, one Set-Cookie for it.
  app.get('/test/two-tokens', async (_request, reply) => {
    const a = reply.generateCsrf();
    reply.setCookie('other', 'x', { path: '/' });
    return { a, b: reply.generateCsrf() };
  });
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

describe('the secret cookie', () => {
  const post = (cookie: string, token: string) =>
    app.inject({
      method: 'POST',
      url: '/api/v1/recovery',
      payload: JSON.stringify({ username: 'alice' }),
      headers: { 'content-type': 'application/json', origin: ORIGIN, 'x-csrf-token': token, cookie },
    });

  test('is set once, then reused: every later token fits the same secret', async () => {
    const first = await app.inject({ method: 'GET', url: '/api/v1/csrf' });
    const setCookie = ([] as string[]).concat(first.headers['set-cookie'] ?? []);
    assert.equal(setCookie.length, 1);
    const cookie = setCookie[0]!.split(';')[0]!;
    const again = await app.inject({ method: 'GET', url: '/api/v1/csrf', headers: { cookie } });
    assert.equal(again.headers['set-cookie'], undefined, 'a valid secret cookie is kept');
    const t1 = (first.json() as { csrfToken: string }).csrfToken;
    const t2 = (again.json() as { csrfToken: string }).csrfToken;
    assert.notEqual(t1, t2, 'a fresh token each time');
    assert.equal((await post(cookie, t1)).statusCode, 200);
    assert.equal((await post(cookie, t2)).statusCode, 200);
  });

  test('two tokens in one response share one new secret and one Set-Cookie, next to other cookies', async () => {
    const res = await app.inject({ method: 'GET', url: '/test/two-tokens' });
    const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    assert.deepEqual(setCookie.map((c) => c.split('=')[0]).sort(), ['csrf', 'other']);
    const cookie = setCookie.find((c) => c.startsWith('csrf='))!.split(';')[0]!;
    const { a, b } = res.json() as { a: string; b: string };
    assert.equal((await post(cookie, a)).statusCode, 200);
    assert.equal((await post(cookie, b)).statusCode, 200);
  });

  test('a secret cookie not signed with our key is refused, even with a token made for that secret', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/csrf' });
    const token = (res.json() as { csrfToken: string }).csrfToken;
    const [name, value] = ([] as string[]).concat(res.headers['set-cookie'] ?? [])[0]!.split(';')[0]!.split('=') as [string, string];
    const [secret, signature] = value.split('.') as [string, string];
    assert.equal((await post(`${name}=${value}`, token)).statusCode, 200, 'control: the real cookie passes');
    const other = signature.startsWith('A') ? `B${signature.slice(1)}` : `A${signature.slice(1)}`;
    for (const forged of [secret, `${secret}.${other}`, `${secret}.`]) {
      const refused = await post(`${name}=${forged}`, token);
      assert.equal(refused.statusCode, 403, forged);
      assert.equal(code(refused), 'CSRF');
    }
  });

  test('new secrets: 18 random bytes in base64url, never repeated (across pool refills)', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const s = newCsrfSecret();
      assert.match(s, /^[A-Za-z0-9_-]{24}$/);
      seen.add(s);
    }
    assert.equal(seen.size, 2000);
  });
});
