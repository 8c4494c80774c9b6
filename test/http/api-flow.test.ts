/** The JSON API over the real core with fake ports: shapes, cookie, status mapping, the whole flow. */
import { afterEach, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness, JsonClient, LOGIN, NEW_PASSWORD, type Harness } from './helpers.js';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('JSON API', () => {
  test('csrf endpoint returns a token and sets the secret cookie', async () => {
    const c = new JsonClient(h.app);
    const res = await c.call('GET', '/api/v1/csrf');
    assert.equal(res.statusCode, 200);
    const body = res.json() as { csrfToken: string };
    assert.equal(typeof body.csrfToken, 'string');
    assert.ok(body.csrfToken.length > 20);
    assert.ok(c.jar.cookies.has('csrf'));
  });

  test('start → challenge (TOTP) → verify → password: changed', async () => {
    const c = new JsonClient(h.app);
    const started = await c.call('POST', '/api/v1/recovery', { username: LOGIN });
    assert.equal(started.statusCode, 200, started.body);
    const sb = started.json() as { methods: { method: string }[]; expiresAt: string };
    assert.deepEqual(
      sb.methods.map((m) => m.method),
      ['push', 'okta-verify-code', 'google-authenticator', 'sms', 'call'],
    );
    assert.match(sb.expiresAt, ISO);
    assert.ok(c.jar.cookies.get('flow'), 'flow cookie set');
    assert.deepEqual(Object.keys(sb).sort(), ['expiresAt', 'methods']);

    const ch = await c.call('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' });
    assert.equal(ch.statusCode, 200);
    assert.deepEqual(ch.json(), { status: 'code_ready', method: 'google-authenticator' });

    const st = await c.call('GET', '/api/v1/recovery/status');
    assert.deepEqual(st.json(), { status: 'code_ready', method: 'google-authenticator' });

    const v = await c.call('POST', '/api/v1/recovery/verify', { code: '123456' });
    assert.equal(v.statusCode, 200, v.body);
    const vb = v.json() as { status: string; ott: string; expiresAt: string };
    assert.equal(vb.status, 'verified');
    assert.match(vb.ott, /^[A-Za-z0-9_-]{43,}$/);
    assert.match(vb.expiresAt, ISO);

    const pw = await c.call('POST', '/api/v1/recovery/password', {
      ott: vb.ott,
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    assert.equal(pw.statusCode, 200, pw.body);
    assert.deepEqual(pw.json(), { status: 'changed' });
    assert.equal(h.core.idp.passwords.get(h.userId), NEW_PASSWORD);
    assert.deepEqual(h.core.idp.revoked, [h.userId], 'revokeSessions defaults to the configured default (true)');

    const replay = await c.call('POST', '/api/v1/recovery/password', {
      ott: vb.ott,
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
    });
    assert.equal(replay.statusCode, 400);
    assert.equal((replay.json() as { error: { code: string } }).error.code, 'INVALID_OTT');
    assert.deepEqual((await c.call('GET', '/api/v1/recovery/status')).json(), { status: 'completed' });
  });

  test('sms: code_sent with resendAfterSeconds; status mirrors it', async () => {
    const c = new JsonClient(h.app);
    await c.call('POST', '/api/v1/recovery', { username: LOGIN });
    const ch = await c.call('POST', '/api/v1/recovery/challenge', { method: 'sms' });
    assert.deepEqual(ch.json(), { status: 'code_sent', method: 'sms', resendAfterSeconds: 30 });
    h.core.clock.advance(10_000);
    const st = (await c.call('GET', '/api/v1/recovery/status')).json() as { status: string; resendAfterSeconds: number };
    assert.equal(st.status, 'code_sent');
    assert.ok(st.resendAfterSeconds <= 20 && st.resendAfterSeconds > 0);
  });

  test('push: waiting with the number, then verified with an ott; rejected and expired map too', async () => {
    const c = new JsonClient(h.app);
    await c.call('POST', '/api/v1/recovery', { username: LOGIN });
    const ch = await c.call('POST', '/api/v1/recovery/challenge', { method: 'push' });
    const cb = ch.json() as { status: string; correctAnswer: number; expiresAt: string };
    assert.equal(cb.status, 'push_waiting');
    assert.equal(cb.correctAnswer, 42);
    assert.match(cb.expiresAt, ISO);

    const waiting = (await c.call('GET', '/api/v1/recovery/status')).json() as Record<string, unknown>;
    assert.equal(waiting.status, 'waiting');
    assert.equal(waiting.correctAnswer, 42);

    h.core.idp.setPushResult(h.userId, 'approved');
    h.core.clock.advance(5_000);
    const verified = (await c.call('GET', '/api/v1/recovery/status')).json() as Record<string, unknown>;
    assert.equal(verified.status, 'verified');
    assert.match(String(verified.ott), /^[A-Za-z0-9_-]{43,}$/);

    const c2 = new JsonClient(h.app);
    await c2.call('POST', '/api/v1/recovery', { username: LOGIN });
    await c2.call('POST', '/api/v1/recovery/challenge', { method: 'push' });
    h.core.idp.setPushResult(h.userId, 'timeout');
    h.core.clock.advance(5_000);
    assert.deepEqual((await c2.call('GET', '/api/v1/recovery/status')).json(), { status: 'expired' });

    const c3 = new JsonClient(h.app);
    await c3.call('POST', '/api/v1/recovery', { username: LOGIN });
    await c3.call('POST', '/api/v1/recovery/challenge', { method: 'push' });
    h.core.idp.setPushResult(h.userId, 'rejected');
    h.core.clock.advance(5_000);
    assert.deepEqual((await c3.call('GET', '/api/v1/recovery/status')).json(), { status: 'rejected' });
  });

  test('no flow cookie → 410 FLOW_EXPIRED; the ott of another flow does not work', async () => {
    const c = new JsonClient(h.app);
    const res = await c.call('GET', '/api/v1/recovery/status');
    assert.equal(res.statusCode, 410);
    assert.equal((res.json() as { error: { code: string } }).error.code, 'FLOW_EXPIRED');

    const a = new JsonClient(h.app);
    await a.call('POST', '/api/v1/recovery', { username: LOGIN });
    await a.call('POST', '/api/v1/recovery/challenge', { method: 'okta-verify-code' });
    const ott = (((await a.call('POST', '/api/v1/recovery/verify', { code: '123456' })).json()) as { ott: string }).ott;
    const b = new JsonClient(h.app);
    await b.call('POST', '/api/v1/recovery', { username: LOGIN });
    const stolen = await b.call('POST', '/api/v1/recovery/password', { ott, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    assert.ok(stolen.statusCode >= 400);
    assert.equal(h.core.idp.passwords.size, 0);
  });

  test('cancel ends the flow and clears the cookie', async () => {
    const c = new JsonClient(h.app);
    await c.call('POST', '/api/v1/recovery', { username: LOGIN });
    const handle = c.jar.cookies.get('flow')!;
    const res = await c.call('POST', '/api/v1/recovery/cancel', {});
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'cancelled' });
    assert.equal(c.jar.cookies.has('flow'), false);
    const again = await h.app.inject({ method: 'GET', url: '/api/v1/recovery/status', headers: { cookie: `flow=${handle}` } });
    assert.equal(again.statusCode, 410, 'the old handle is dead server-side');
  });

  test('unknown and real logins get the same status, body keys and cookies', async () => {
    const real = new JsonClient(h.app);
    const ghost = new JsonClient(h.app);
    const r1 = await real.call('POST', '/api/v1/recovery', { username: LOGIN });
    const r2 = await ghost.call('POST', '/api/v1/recovery', { username: 'nobody@example.com' });
    assert.equal(r1.statusCode, r2.statusCode);
    assert.deepEqual((r1.json() as { methods: unknown }).methods, (r2.json() as { methods: unknown }).methods);
    assert.deepEqual(
      r1.cookies.map((c) => c.name),
      r2.cookies.map((c) => c.name),
    );
  });
});
