/**
 * Error mapping: every PortalError code to its status and body (JSON) or page (HTML), Retry-After, causes,
 * non-PortalErrors to a generic 500, Fastify's client errors to BAD_REQUEST in our shape, 404 / 405.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { ERROR_CODES, PortalError, type ErrorCode } from '../../src/core/errors.js';
import { buildApp } from '../../src/http/app.js';
import { Browser, httpConfig, JsonClient } from './helpers.js';
import { STUB_HANDLE, StubRecovery } from './stub.js';

let app: FastifyInstance;
const stub = new StubRecovery();
const flowCookie = { cookie: `flow=${STUB_HANDLE}` };

before(async () => {
  app = await buildApp({ recovery: stub, config: httpConfig() });
});
after(async () => {
  await app.close();
});
beforeEach(() => {
  stub.failWith = null;
  stub.statusResult = { state: 'started' };
});

interface ErrorJson {
  error: { code: string; message: string; causes?: string[]; requestId?: string };
}

describe('PortalError → JSON', () => {
  for (const code of Object.keys(ERROR_CODES) as ErrorCode[]) {
    test(`${code} → ${ERROR_CODES[code].status}`, async () => {
      stub.failWith = new PortalError(code, { detail: 'internal detail must not leak' });
      const res = await app.inject({ method: 'GET', url: '/api/v1/recovery/status', headers: flowCookie });
      assert.equal(res.statusCode, ERROR_CODES[code].status);
      assert.match(String(res.headers['content-type']), /^application\/json/);
      const body = res.json() as ErrorJson;
      assert.equal(body.error.code, code);
      assert.equal(body.error.message, ERROR_CODES[code].message);
      assert.ok(!res.body.includes('internal detail'));
      assert.equal(res.headers['retry-after'], undefined);
    });
  }

  test('Retry-After from retryAfterSeconds (rounded up)', async () => {
    stub.failWith = new PortalError('RATE_LIMITED', { retryAfterSeconds: 41.2 });
    const res = await app.inject({ method: 'GET', url: '/api/v1/recovery/status', headers: flowCookie });
    assert.equal(res.statusCode, 429);
    assert.equal(res.headers['retry-after'], '42');
    assert.equal((res.json() as ErrorJson).error.code, 'RATE_LIMITED');
  });

  test('PASSWORD_POLICY carries the causes', async () => {
    stub.failWith = new PortalError('PASSWORD_POLICY', { causes: ['At least 15 characters.', 'Not one of your last 4.'] });
    const c = new JsonClient(app);
    c.jar.cookies.set('flow', STUB_HANDLE);
    const res = await c.call('POST', '/api/v1/recovery/password', { ott: 'o'.repeat(43), password: 'x', confirmPassword: 'x' });
    assert.equal(res.statusCode, 400);
    assert.deepEqual((res.json() as ErrorJson).error, {
      code: 'PASSWORD_POLICY',
      message: ERROR_CODES.PASSWORD_POLICY.message,
      causes: ['At least 15 characters.', 'Not one of your last 4.'],
    });
  });

  test('a non-PortalError → 500 INTERNAL, generic, with the request id, no stack', async () => {
    stub.failWith = new TypeError('Cannot read properties of undefined (reading "secretThing")');
    const res = await app.inject({ method: 'GET', url: '/api/v1/recovery/status', headers: flowCookie });
    assert.equal(res.statusCode, 500);
    const body = res.json() as ErrorJson;
    assert.equal(body.error.code, 'INTERNAL');
    assert.equal(body.error.message, ERROR_CODES.INTERNAL.message);
    assert.equal(body.error.requestId, res.headers['x-request-id']);
    assert.ok(!res.body.includes('secretThing') && !res.body.includes('TypeError') && !res.body.includes('.ts:'));
  });
});

describe('PortalError → HTML', () => {
  test('flow errors render a page with "Start again" and the error status', async () => {
    for (const code of ['FLOW_EXPIRED', 'WRONG_STEP', 'TOO_MANY_ATTEMPTS'] as const) {
      stub.failWith = new PortalError(code);
      const res = await app.inject({ method: 'GET', url: '/recover/code', headers: flowCookie });
      assert.equal(res.statusCode, ERROR_CODES[code].status, code);
      assert.match(String(res.headers['content-type']), /^text\/html/);
      assert.match(res.body, /role="alert"/);
      assert.match(res.body, /href="\/recover">Start again/);
    }
  });

  test('rate limits on a form re-render it with the wait and Retry-After', async () => {
    const b = new Browser(app);
    await b.get('/recover');
    stub.failWith = new PortalError('RATE_LIMITED', { retryAfterSeconds: 60 });
    const { redirect, page: res } = await b.submit('/recover', { username: 'alice' });
    assert.equal(redirect.headers.location, '/recover', 'Post/Redirect/Get');
    assert.equal(res.statusCode, 429);
    assert.match(res.body, /name="username"[^>]*value="alice"/, 'the typed username survives');
    assert.equal(res.headers['retry-after'], '60');
    const text = res.body.replace(/<[^>]+>/g, '');
    assert.match(text, /There have been too many attempts\. Try again in 1 minute\./, 'said once, in human units');
    assert.match(res.body, /data-retry-seconds="60"/, 'counted down live');
    assert.match(res.body, /name="username"/, 'the form is still there');
  });

  test('IDP_UNAVAILABLE on a GET page → 503 page with "Try again"', async () => {
    stub.failWith = new PortalError('IDP_UNAVAILABLE');
    const res = await app.inject({ method: 'GET', url: '/recover/push', headers: flowCookie });
    assert.equal(res.statusCode, 503);
    assert.match(res.body, /identity service is not answering/);
    assert.match(res.body, /href="\/recover\/push">Try again/);
  });

  test('a non-PortalError → 500 page with a reference, no detail', async () => {
    stub.failWith = new Error('db password=hunter2 leaked');
    const res = await app.inject({ method: 'GET', url: '/recover/method', headers: flowCookie });
    assert.equal(res.statusCode, 500);
    assert.ok(!res.body.includes('hunter2'));
    assert.ok(res.body.includes(`Reference: ${String(res.headers['x-request-id'])}`));
  });
});

describe('bad requests in our shape', () => {
  const post = async (url: string, payload: string, contentType = 'application/json') => {
    const c = new JsonClient(app);
    await c.fetchCsrf();
    const cookie = [...c.jar.cookies].map(([k, v]) => `${k}=${v}`).join('; ') + `; flow=${STUB_HANDLE}`;
    return app.inject({
      method: 'POST',
      url,
      payload,
      headers: { 'content-type': contentType, 'x-csrf-token': c.csrf!, cookie },
    });
  };
  const cases: Array<[string, string, string]> = [
    ['malformed JSON', '/api/v1/recovery', '{"username": '],
    ['unknown field', '/api/v1/recovery', '{"username":"a","admin":true}'],
    ['missing field', '/api/v1/recovery', '{}'],
    ['wrong type', '/api/v1/recovery', '{"username":["a","b"]}'],
    ['number instead of string', '/api/v1/recovery', '{"username":12345}'],
    ['oversized username', '/api/v1/recovery', JSON.stringify({ username: 'a'.repeat(257) })],
    ['control character', '/api/v1/recovery', JSON.stringify({ username: 'bob\r\n{"level":"info"}' })],
    ['unknown method', '/api/v1/recovery/challenge', '{"method":"fax"}'],
    ['prototype pollution', '/api/v1/recovery', '{"username":"a","__proto__":{"admin":true}}'],
    ['array body', '/api/v1/recovery', '["a"]'],
    ['boolean as string', '/api/v1/recovery/password', '{"ott":"abc","password":"x","confirmPassword":"x","revokeSessions":"yes"}'],
  ];
  for (const [name, url, payload] of cases) {
    test(`${name} → 400 BAD_REQUEST`, async () => {
      stub.calls = [];
      const res = await post(url, payload);
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json() as ErrorJson;
      assert.equal(body.error.code, 'BAD_REQUEST');
      assert.equal(typeof body.error.message, 'string');
      assert.deepEqual(stub.calls, [], 'the core was not called');
      assert.ok(!res.body.includes('hunter') && !res.body.includes('"level"'));
    });
  }

  test('a body beyond the limit → 413 BAD_REQUEST', async () => {
    const res = await post('/api/v1/recovery', JSON.stringify({ username: 'a'.repeat(40_000) }));
    assert.equal(res.statusCode, 413);
    assert.equal((res.json() as ErrorJson).error.code, 'BAD_REQUEST');
  });

  test('a form body on a JSON route, or JSON on a form route → 415 BAD_REQUEST', async () => {
    const res = await post('/api/v1/recovery', 'username=a', 'application/x-www-form-urlencoded');
    assert.equal(res.statusCode, 415);
    assert.equal((res.json() as ErrorJson).error.code, 'BAD_REQUEST');
    const res2 = await post('/recover', '{"username":"a"}');
    assert.equal(res2.statusCode, 415);
    assert.match(String(res2.headers['content-type']), /^text\/html/);
  });

  test('repeated form fields (parameter pollution) → 400', async () => {
    const b = new Browser(app);
    await b.get('/recover');
    const res = await app.inject({
      method: 'POST',
      url: '/recover/method',
      payload: `_csrf=${encodeURIComponent(b.csrf!)}&method=sms&method=push`,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        cookie: `${b.jar.header()!}; flow=${STUB_HANDLE}`,
      },
    });
    assert.equal(res.statusCode, 400);
    assert.match(res.body, /The request is not valid/);
  });
});

describe('404 and 405', () => {
  test('unknown API route → JSON 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/nope' });
    assert.equal(res.statusCode, 404);
    assert.deepEqual(res.json(), { error: { code: 'NOT_FOUND', message: ERROR_CODES.NOT_FOUND.message } });
  });

  test('unknown page → HTML 404 with a way home', async () => {
    const res = await app.inject({ method: 'GET', url: '/nope?x=<script>' });
    assert.equal(res.statusCode, 404);
    assert.match(String(res.headers['content-type']), /^text\/html/);
    assert.match(res.body, /Page not found/);
    assert.ok(!res.body.includes('<script>'));
  });

  test('unknown asset → 404', async () => {
    const res = await app.inject({ method: 'GET', url: '/assets/push.js' });
    assert.equal(res.statusCode, 404);
  });

  test('a known path with the wrong method → 405 with Allow', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/recovery/password' });
    assert.equal(res.statusCode, 405);
    assert.equal(res.headers.allow, 'POST');
    assert.equal((res.json() as ErrorJson).error.code, 'BAD_REQUEST');
    for (const method of ['PUT', 'DELETE', 'OPTIONS'] as const) {
      const r = await app.inject({ method, url: '/recover' });
      assert.equal(r.statusCode, 405, method);
      assert.equal(r.headers.allow, 'GET, HEAD, POST');
      assert.equal(r.headers['access-control-allow-origin'], undefined);
    }
  });
});
