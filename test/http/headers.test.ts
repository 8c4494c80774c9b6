/**
 * Security headers on every kind of response, cookie attributes (http and https public URLs), request ids,
 * trusted proxies, and links / redirects built from configuration only (no Host header, no open redirect).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { PortalError } from '../../src/core/errors.js';
import { buildApp } from '../../src/http/app.js';
import { Browser, httpConfig, JsonClient, type Res } from './helpers.js';
import { STUB_HANDLE, StubRecovery } from './stub.js';

const stub = new StubRecovery();
let http: FastifyInstance;
let https: FastifyInstance;

before(async () => {
  http = await buildApp({ recovery: stub, config: httpConfig() });
  https = await buildApp({
    recovery: stub,
    config: httpConfig({ publicUrl: 'https://recover.example.com', flowTtlSeconds: 600 }),
  });
});
after(async () => {
  await http.close();
  await https.close();
});

function csp(res: Res): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of String(res.headers['content-security-policy']).split(';')) {
    const [name, ...vals] = part.trim().split(/\s+/);
    if (name) m.set(name, vals.join(' '));
  }
  return m;
}

function assertHardened(res: Res, label: string): void {
  const p = csp(res);
  assert.equal(p.get('default-src'), "'self'", label);
  assert.equal(p.get('script-src'), "'self'", label);
  assert.equal(p.get('style-src'), "'self'", label);
  assert.equal(p.get('img-src'), "'self' data:", label);
  assert.equal(p.get('form-action'), "'self'", label);
  assert.equal(p.get('frame-ancestors'), "'none'", label);
  assert.equal(p.get('base-uri'), "'none'", label);
  assert.equal(p.get('object-src'), "'none'", label);
  assert.equal(p.get('connect-src'), "'self'", label);
  assert.ok(!String(res.headers['content-security-policy']).includes('unsafe'), label);
  assert.equal(res.headers['referrer-policy'], 'no-referrer', label);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', label);
  assert.equal(res.headers['x-frame-options'], 'DENY', label);
  assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin', label);
  assert.equal(res.headers['x-powered-by'], undefined, label);
  assert.equal(res.headers['access-control-allow-origin'], undefined, label);
  assert.match(String(res.headers['x-request-id']), /^[0-9a-f-]{36}$/, label);
}

describe('security headers', () => {
  test('on pages, API answers, errors, 404s and assets; no-store except on hashed assets', async () => {
    stub.failWith = null;
    const b = new Browser(http);
    const landing = await b.get('/');
    const asset = /href="(\/assets\/app\.[0-9a-f]+\.css)"/.exec(landing.body)?.[1];
    assert.ok(asset, 'the layout links the hashed stylesheet');
    const responses: Array<[string, Res, string]> = [
      ['landing', landing, 'no-store'],
      ['form', await b.get('/recover'), 'no-store'],
      ['csrf api', await http.inject({ method: 'GET', url: '/api/v1/csrf', headers: { origin: 'https://evil.example' } }), 'no-store'],
      ['api 404', await http.inject({ method: 'GET', url: '/api/v1/none' }), 'no-store'],
      ['page 404', await http.inject({ method: 'GET', url: '/none' }), 'no-store'],
      ['csrf 403', await http.inject({ method: 'POST', url: '/api/v1/recovery', payload: '{}', headers: { 'content-type': 'application/json' } }), 'no-store'],
      ['asset', await http.inject({ method: 'GET', url: asset }), 'public, max-age=31536000, immutable'],
    ];
    stub.failWith = new PortalError('FLOW_EXPIRED');
    responses.push(['error page', await http.inject({ method: 'GET', url: '/recover/code', headers: { cookie: `flow=${STUB_HANDLE}` } }), 'no-store']);
    stub.failWith = new Error('boom');
    responses.push(['500', await http.inject({ method: 'GET', url: '/api/v1/recovery/status', headers: { cookie: `flow=${STUB_HANDLE}` } }), 'no-store']);
    stub.failWith = null;
    for (const [label, res, cache] of responses) {
      assertHardened(res, label);
      assert.equal(res.headers['cache-control'], cache, label);
      assert.equal(res.headers['strict-transport-security'], undefined, `${label}: no HSTS over http`);
    }
  });

  test('HSTS and upgrade-insecure-requests only with an https public URL', async () => {
    const res = await https.inject({ method: 'GET', url: '/' });
    assertHardened(res, 'https');
    assert.equal(res.headers['strict-transport-security'], 'max-age=31536000; includeSubDomains');
    assert.ok(csp(res).has('upgrade-insecure-requests'));
    assert.ok(!csp(await http.inject({ method: 'GET', url: '/' })).has('upgrade-insecure-requests'));
  });

  test('assets have the right types, no inline script or style anywhere in the pages', async () => {
    const b = new Browser(http);
    const page = await b.get('/recover');
    const css = /href="(\/assets\/[^"]+\.css)"/.exec(page.body)![1]!;
    const cssRes = await http.inject({ method: 'GET', url: css });
    assert.equal(cssRes.headers['content-type'], 'text/css; charset=utf-8');
    assert.match(cssRes.body, /:focus-visible/);
    stub.statusResult = { state: 'waiting', correctAnswer: 17, expiresAt: Date.UTC(2030, 0, 1) };
    const push = await http.inject({ method: 'GET', url: '/recover/push', headers: { cookie: `flow=${STUB_HANDLE}` } });
    stub.statusResult = { state: 'started' };
    const js = /src="(\/assets\/push\.[0-9a-f]+\.js)"/.exec(push.body)![1]!;
    const jsRes = await http.inject({ method: 'GET', url: js });
    assert.equal(jsRes.headers['content-type'], 'text/javascript; charset=utf-8');
    for (const body of [page.body, push.body]) {
      assert.ok(!/<script(?![^>]*\ssrc=)[^>]*>/.test(body), 'no inline <script>');
      assert.ok(!/<style/i.test(body), 'no <style>');
      assert.ok(!/\sstyle=/i.test(body), 'no style attributes');
      assert.ok(!/\son[a-z]+=/i.test(body), 'no inline event handlers');
    }
  });
});

describe('cookies', () => {
  function setCookie(res: Res, name: string): string {
    const all = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
    const line = all.find((l) => l.startsWith(`${name}=`));
    assert.ok(line, `${name} is set (got ${all.join(' | ')})`);
    return line;
  }

  test('http public URL: flow / csrf cookies, HttpOnly, SameSite=Strict, Path=/, not Secure, Max-Age = flow TTL', async () => {
    const c = new JsonClient(http);
    const csrf = setCookie(await c.call('GET', '/api/v1/csrf'), 'csrf');
    assert.match(csrf, /; Path=\//);
    assert.match(csrf, /; HttpOnly/);
    assert.match(csrf, /; SameSite=Strict/);
    assert.doesNotMatch(csrf, /Secure/);
    assert.match(csrf.split(';')[0]!, /^csrf=[^.]+\.[A-Za-z0-9+/=_-]+$/, 'the CSRF secret cookie is signed');

    const flow = setCookie(await c.call('POST', '/api/v1/recovery', { username: 'alice' }), 'flow');
    assert.equal(flow.split(';')[0], `flow=${STUB_HANDLE}`, 'the value is the core handle, nothing else');
    assert.match(flow, /; Max-Age=900/);
    assert.match(flow, /; Path=\//);
    assert.match(flow, /; HttpOnly/);
    assert.match(flow, /; SameSite=Strict/);
    assert.doesNotMatch(flow, /Secure|Domain=/);
  });

  test('https public URL: __Host- names and Secure', async () => {
    const c = new JsonClient(https, 'https://recover.example.com');
    const csrf = setCookie(await c.call('GET', '/api/v1/csrf'), '__Host-csrf');
    assert.match(csrf, /; Secure/);
    const flow = setCookie(await c.call('POST', '/api/v1/recovery', { username: 'alice' }), '__Host-flow');
    assert.match(flow, /; Secure/);
    assert.match(flow, /; Max-Age=600/);
    assert.match(flow, /; Path=\//);
    assert.doesNotMatch(flow, /Domain=/);
    const cookie = `__Host-flow=${STUB_HANDLE}`;
    stub.calls = [];
    const st = await https.inject({ method: 'GET', url: '/api/v1/recovery/status', headers: { cookie } });
    assert.equal(st.statusCode, 200);
    const plain = await https.inject({ method: 'GET', url: '/api/v1/recovery/status', headers: { cookie: `flow=${STUB_HANDLE}` } });
    assert.equal(plain.statusCode, 410, 'the unprefixed name is not read over https');
  });

  test('a malformed flow cookie never reaches the core', async () => {
    stub.calls = [];
    for (const v of ['', 'x', '../../etc', 'a.b.c', `${'a'.repeat(300)}.b`]) {
      const res = await http.inject({ method: 'GET', url: '/api/v1/recovery/status', headers: { cookie: `flow=${v}` } });
      assert.equal(res.statusCode, 410, v);
    }
    assert.deepEqual(stub.calls, []);
  });
});

describe('request context', () => {
  test('request ids are generated, never taken from the request', async () => {
    const res = await http.inject({ method: 'GET', url: '/', headers: { 'x-request-id': 'attacker-chosen', 'request-id': 'x' } });
    assert.notEqual(res.headers['x-request-id'], 'attacker-chosen');
    assert.match(String(res.headers['x-request-id']), /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('X-Forwarded-For is ignored unless the peer is a trusted proxy; User-Agent is cut to 512', async () => {
    stub.failWith = null;
    const headers = { cookie: `flow=${STUB_HANDLE}`, 'x-forwarded-for': '198.51.100.9', 'user-agent': 'U'.repeat(2000) };
    stub.contexts = [];
    const res = await http.inject({ method: 'GET', url: '/api/v1/recovery/status', headers, remoteAddress: '10.0.0.5' });
    assert.equal(res.statusCode, 200);
    assert.equal(stub.contexts[0]!.ip, '10.0.0.5');
    assert.equal(stub.contexts[0]!.userAgent.length, 512);
    assert.equal(stub.contexts[0]!.requestId, res.headers['x-request-id']);

    const proxied = await buildApp({ recovery: stub, config: httpConfig({ trustProxy: ['10.0.0.0/8'] }) });
    try {
      stub.contexts = [];
      await proxied.inject({ method: 'GET', url: '/api/v1/recovery/status', headers, remoteAddress: '10.0.0.5' });
      assert.equal(stub.contexts[0]!.ip, '198.51.100.9', 'from a trusted proxy');
      stub.contexts = [];
      await proxied.inject({ method: 'GET', url: '/api/v1/recovery/status', headers, remoteAddress: '192.0.2.1' });
      assert.equal(stub.contexts[0]!.ip, '192.0.2.1', 'from an untrusted peer');
    } finally {
      await proxied.close();
    }
  });
});

describe('links and redirects', () => {
  test('Host / X-Forwarded-Host never shape a link or a redirect', async () => {
    const evil = { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' };
    const b = new Browser(http);
    const form = await b.get('/recover', evil);
    assert.ok(!form.body.includes('evil.example'));
    const res = await b.post('/recover', { username: 'alice' }, evil);
    assert.equal(res.statusCode, 303);
    assert.equal(res.headers.location, '/recover/method');
  });

  test('no redirect target is taken from the request', async () => {
    const b = new Browser(http);
    await b.get('/recover');
    const payloads = ['//evil.example', '/\\evil.example', 'https:evil.example', 'javascript:alert(1)', 'https://evil.example'];
    for (const p of payloads) {
      for (const name of ['next', 'returnTo', 'redirect']) {
        const res = await b.post(`/recover?${name}=${encodeURIComponent(p)}`, { username: 'alice' });
        assert.equal(res.statusCode, 303);
        assert.equal(res.headers.location, '/recover/method', `${name}=${p}`);
      }
    }
    for (const path of ['//evil.example/', '/%2F%2Fevil.example', '/\\evil.example']) {
      const res = await http.inject({ method: 'GET', url: path });
      assert.ok(res.headers.location === undefined, `${path} does not redirect`);
    }
  });

  test('a public URL with a path prefixes every route, link and redirect', async () => {
    const app = await buildApp({ recovery: stub, config: httpConfig({ publicUrl: 'http://portal.test/self-service/' }) });
    try {
      const b = new Browser(app);
      const landing = await b.get('/self-service/');
      assert.equal(landing.statusCode, 200);
      assert.match(landing.body, /href="\/self-service\/recover"/);
      assert.match(landing.body, /href="\/self-service\/assets\/app\.[0-9a-f]+\.css"/);
      await b.get('/self-service/recover');
      const res = await b.post('/self-service/recover', { username: 'alice' });
      assert.equal(res.headers.location, '/self-service/recover/method');
      assert.equal((await app.inject({ method: 'GET', url: '/recover' })).statusCode, 404);
      const api404 = await app.inject({ method: 'GET', url: '/self-service/api/v1/nope' });
      assert.match(String(api404.headers['content-type']), /json/);
    } finally {
      await app.close();
    }
  });
});
