// inject()-based checks of the emulator's HTTP behaviour: Okta error shapes and headers, bad input, the virtual clock
// driving SMS cooldowns/expiry and push timeouts, factor lockout, rate limits, faults, authn after a password
// change, reset, and seed validation. (The SDK-driven conformance suite lives in test/emulator/.)
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { DEFAULT_API_TOKEN, buildEmulator, startEmulator, type SeedOrg } from '../../emulator/src/server.js';
import { SeedError, validateSeed } from '../../emulator/src/seed/load.js';

const PW = 'Seed-Pass-2026!';
const seed: SeedOrg = {
  apiTokenOwner: 'admin@example.com',
  factorLockoutAttempts: 3,
  rateLimits: [{ path: '/api/v1/users/*/factors/catalog', limit: 2, windowSeconds: 60 }],
  users: [
    { id: '00uTestAdmin000000001', login: 'admin@example.com', firstName: 'Ada', lastName: 'Admin', password: PW },
    {
      id: '00uTestJane0000000001',
      login: 'jane@example.com',
      firstName: 'Jane',
      lastName: 'Doe',
      password: PW,
      passwordHistory: ['Old-Pass-2025!'],
      factors: [
        { id: 'smsTestJane000000001', type: 'sms', phoneNumber: '+15555550101' },
        { id: 'opfTestJane000000001', type: 'push' },
        { id: 'ostTestJane000000001', type: 'google-totp', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' },
      ],
    },
    { id: '00uTestRory0000000001', login: 'rory@example.com', firstName: 'Rory', lastName: 'Rec', status: 'RECOVERY', password: PW },
    { id: '00uTestSue00000000001', login: 'sue@example.com', firstName: 'Sue', lastName: 'Susp', status: 'SUSPENDED', password: PW,
      factors: [{ id: 'smsTestSue0000000001', type: 'sms', phoneNumber: '+15555550102' }] },
  ],
};

const JANE = '/api/v1/users/00uTestJane0000000001';
const SMS = `${JANE}/factors/smsTestJane000000001`;
const PUSH = `${JANE}/factors/opfTestJane000000001`;
const AUTH = { authorization: `SSWS ${DEFAULT_API_TOKEN}` };

let app: FastifyInstance;

async function call(method: string, url: string, body?: unknown, headers: Record<string, string> = AUTH) {
  const res = await app.inject({
    method: method as 'GET',
    url,
    // A bodiless POST carries Content-Length: 0, as the SDK and the portal send (without it Okta answers 411).
    headers:
      body === undefined
        ? method === 'POST' || method === 'PUT'
          ? { 'content-length': '0', ...headers }
          : headers
        : { 'content-type': 'application/json', ...headers },
    payload: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = res.body;
  let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, json };
}

function assertOktaError(r: { status: number; json: any }, status: number, code: string) { // eslint-disable-line @typescript-eslint/no-explicit-any
  assert.equal(r.status, status, JSON.stringify(r.json));
  assert.equal(r.json.errorCode, code);
  assert.equal(r.json.errorLink, code);
  assert.equal(typeof r.json.errorSummary, 'string');
  assert.match(r.json.errorId, /^oae/);
  assert.ok(Array.isArray(r.json.errorCauses));
}

const control = (method: string, url: string, body?: unknown) => call(method, `/_emulator${url}`, body, {});
const advance = (s: number) => control('POST', '/clock', { advanceSeconds: s });

before(async () => {
  app = await buildEmulator({ seed, startTime: Date.parse('2030-01-01T00:00:00Z') });
});
after(() => app.close());
beforeEach(async () => {
  assert.equal((await control('POST', '/reset')).status, 200);
});

describe('headers and error shapes', () => {
  test('every response carries rate-limit, Date and request-id headers, even a 401', async () => {
    for (const r of [await call('GET', '/api/v1/users/me', undefined, {}), await call('GET', '/api/v1/users/me'), await control('GET', '/clock')]) {
      for (const h of ['x-rate-limit-limit', 'x-rate-limit-remaining', 'x-rate-limit-reset', 'date', 'x-okta-request-id']) {
        assert.ok(r.headers[h], `${h} missing on ${r.status}`);
      }
    }
    const unauth = await call('GET', '/api/v1/users/me', undefined, { authorization: 'SSWS wrong-token-123' });
    assertOktaError(unauth, 401, 'E0000011');
    assert.equal(unauth.json.errorSummary, 'Invalid token provided');
  });

  test('Date follows the virtual clock', async () => {
    const r = await call('GET', '/api/v1/users/me');
    assert.equal(new Date(String(r.headers.date)).getUTCFullYear(), 2030);
    assert.equal(r.json.profile.login, 'admin@example.com');
  });

  test('unknown path 404 E0000007, wrong method 405 E0000022 with Allow', async () => {
    assertOktaError(await call('GET', '/api/v1/nope'), 404, 'E0000007');
    const r = await call('PATCH', JANE);
    assertOktaError(r, 405, 'E0000022');
    assert.match(String(r.headers.allow), /GET/);
  });

  test('malformed JSON 400 E0000003, non-object JSON E0000003, wrong media type 415, oversized 413', async () => {
    const bad = await call('POST', JANE, '{"profile":');
    assertOktaError(bad, 400, 'E0000003');
    assert.equal(bad.json.errorSummary, 'The request body was not well-formed.');
    assertOktaError(await call('POST', JANE, '[1,2]'), 400, 'E0000003');
    assertOktaError(await call('POST', JANE, 'a=1', { ...AUTH, 'content-type': 'application/x-www-form-urlencoded' }), 415, 'E0000019');
    assertOktaError(await call('POST', JANE, JSON.stringify({ pad: 'x'.repeat(1_100_000) })), 413, 'E0000001');
  });

  test('undecodable URLs and over-long path segments get Okta-shaped errors with the usual headers', async () => {
    const bad = await call('GET', '/api/v1/users/%ZZ');
    assertOktaError(bad, 400, 'E0000003');
    assert.ok(bad.headers['x-okta-request-id'] && bad.headers['x-rate-limit-reset']);
    assertOktaError(await call('GET', `/api/v1/users/${'a'.repeat(5000)}`), 414, 'E0000001');
  });

  test('a // prefix and an empty JSON body are tolerated', async () => {
    assert.equal((await call('GET', `/${JANE}/factors`)).status, 200);
    const r = await call('POST', `${SMS}/verify`, '', { ...AUTH, 'content-type': 'application/json', 'content-length': '0' });
    assert.equal(r.status, 200);
    assert.equal(r.json.factorResult, 'CHALLENGE');
  });

  test('unknown user and factor are 404 E0000007 naming the type', async () => {
    const u = await call('GET', '/api/v1/users/nobody@example.com');
    assertOktaError(u, 404, 'E0000007');
    assert.match(u.json.errorSummary, /\(User\)$/);
    assert.match((await call('GET', `${JANE}/factors/smsNope`)).json.errorSummary, /\(UserFactor\)$/);
  });
});

describe('sms verification in virtual time', () => {
  test('challenge, cooldown, expiry and single use', async () => {
    assert.equal((await call('POST', `${SMS}/verify`)).json.factorResult, 'CHALLENGE');
    assertOktaError(await call('POST', `${SMS}/verify`), 429, 'E0000109');
    await advance(31);
    assert.equal((await call('POST', `${SMS}/verify`)).status, 200);
    const msgs = (await control('GET', '/outbox?login=jane@example.com')).json.messages;
    assert.equal(msgs.length, 2);
    const code = msgs[1].code;
    assert.match(code, /^\d{6}$/);
    assert.equal(msgs[1].to, '+15555550101');
    assert.equal((await call('POST', `${SMS}/verify`, { passCode: code })).json.factorResult, 'SUCCESS');
    assertOktaError(await call('POST', `${SMS}/verify`, { passCode: code }), 403, 'E0000068'); // reused

    await advance(31);
    await call('POST', `${SMS}/verify`);
    const fresh = (await control('GET', '/outbox')).json.messages.at(-1).code;
    await advance(301);
    assertOktaError(await call('POST', `${SMS}/verify`, { passCode: fresh }), 403, 'E0000068'); // expired
  });

  test('N consecutive failures lock the factor (E0000069) until unlock', async () => {
    await call('POST', `${SMS}/verify`);
    for (let i = 0; i < 3; i++) assertOktaError(await call('POST', `${SMS}/verify`, { passCode: '000000' }), 403, 'E0000068');
    assertOktaError(await call('POST', `${SMS}/verify`, { passCode: '000000' }), 403, 'E0000069');
    assert.equal((await call('POST', `${JANE}/lifecycle/unlock`)).status, 200);
    await advance(31);
    assert.equal((await call('POST', `${SMS}/verify`)).json.factorResult, 'CHALLENGE');
  });

  test('a suspended user cannot verify (documented 400 E0000001)', async () => {
    assertOktaError(await call('POST', '/api/v1/users/00uTestSue00000000001/factors/smsTestSue0000000001/verify'), 400, 'E0000001');
  });
});

describe('push', () => {
  test('number matching: wrong answer rejects, poll reports it', async () => {
    const w = await call('POST', `${PUSH}/verify`, { useNumberMatchingChallenge: true });
    assert.equal(w.status, 201);
    const answer = w.json._embedded.challenge.correctAnswer;
    const pending = (await control('GET', '/push')).json.pushes;
    assert.equal(pending.length, 1);
    assert.ok(pending[0].numberChoices.includes(answer));
    const tx = pending[0].transactionId;
    assert.ok(w.json._links.poll.href.endsWith(`/transactions/${tx}`));
    assert.equal((await control('POST', `/push/${tx}/approve`, { answer: answer === 99 ? 98 : answer + 1 })).json.factorResult, 'REJECTED');
    const poll = await call('GET', new URL(w.json._links.poll.href).pathname);
    assert.equal(poll.json.factorResult, 'REJECTED');
    assert.ok(poll.json._links.verify.href.endsWith('/verify'));
    assert.equal((await control('POST', `/push/${tx}/approve`, { answer })).status, 409);
  });

  test('approval succeeds; an unanswered push times out after tokenLifetimeSeconds', async () => {
    const a = await call('POST', `${PUSH}/verify`);
    const txA = a.json._links.poll.href.split('/').pop();
    assert.equal((await control('POST', `/push/${txA}/approve`)).json.factorResult, 'SUCCESS');
    assert.deepEqual((await call('GET', `${PUSH}/transactions/${txA}`)).json, { factorResult: 'SUCCESS' });

    const b = await call('POST', `${PUSH}/verify?tokenLifetimeSeconds=60`);
    const txB = b.json._links.poll.href.split('/').pop();
    assert.equal((await call('GET', `${PUSH}/transactions/${txB}`)).json.factorResult, 'WAITING');
    await advance(61);
    assert.equal((await call('GET', `${PUSH}/transactions/${txB}`)).json.factorResult, 'TIMEOUT');
    assert.equal((await control('GET', '/push')).json.pushes.length, 0);
  });

  test('push verification requires a User-Agent', async () => {
    const r = await app.inject({ method: 'POST', url: `${PUSH}/verify`, headers: { ...AUTH, 'user-agent': '', 'content-length': '0' } });
    assert.equal(r.statusCode, 400);
    assert.equal(JSON.parse(r.body).errorCode, 'E0000001');
  });

  test('cancel removes the transaction; unknown transactions are 404 E0000191', async () => {
    const w = await call('POST', `${PUSH}/verify`);
    const path = new URL(w.json._links.cancel.href).pathname;
    assert.equal((await call('DELETE', path)).status, 204);
    assertOktaError(await call('GET', path), 404, 'E0000191');
    assertOktaError(await call('GET', `${PUSH}/transactions/v2mst.unknown`), 404, 'E0000191');
  });
});

describe('rate limits, faults, request log, reset', () => {
  test('a seed rule limits its bucket and answers 429 E0000047 with Remaining 0', async () => {
    const r1 = await call('GET', `${JANE}/factors/catalog`);
    assert.equal(r1.headers['x-rate-limit-limit'], '2');
    assert.equal(r1.headers['x-rate-limit-remaining'], '1');
    await call('GET', `${JANE}/factors/catalog`);
    const r3 = await call('GET', `${JANE}/factors/catalog`);
    assertOktaError(r3, 429, 'E0000047');
    assert.equal(r3.headers['x-rate-limit-remaining'], '0');
    assert.equal(r3.headers['x-rate-limit-reset'], r1.headers['x-rate-limit-reset']);
    await advance(61);
    assert.equal((await call('GET', `${JANE}/factors/catalog`)).status, 200);
  });

  test('faults apply to the next N matching calls, are validated, and calls are logged', async () => {
    assert.equal((await control('POST', '/faults', { path: '/api/v1/users/*', method: 'get', status: 503, count: 1 })).status, 200);
    assertOktaError(await call('GET', JANE), 503, 'E0000009');
    assert.equal((await call('GET', JANE)).status, 200);
    const reset = await control('POST', '/faults', { path: `${JANE}/factors`, rateLimitResetSeconds: 7, count: 1 });
    assert.equal(reset.status, 200);
    const limited = await call('GET', `${JANE}/factors`);
    assertOktaError(limited, 429, 'E0000047');
    assert.equal(Number(limited.headers['x-rate-limit-reset']) - new Date(String(limited.headers.date)).getTime() / 1000, 7);
    assert.equal((await control('POST', '/faults', { path: 'no-slash' })).status, 400);
    assert.equal((await control('POST', '/faults', { path: '/x', status: 503, drop: 'before' })).status, 400);
    const log = (await control('GET', '/requests')).json.requests.map((r: { method: string; path: string; status: number }) => `${r.method} ${r.path} ${r.status}`);
    assert.deepEqual(log, [`GET ${JANE} 503`, `GET ${JANE} 200`, `GET ${JANE}/factors 429`]);
  });

  test('drop before never runs the handler; drop after does', async () => {
    const base = await startEmulator({ seed });
    try {
      const post = (path: string) =>
        fetch(base.url + path, { method: 'POST', headers: { authorization: AUTH.authorization } }).then((r) => r.status, () => 'dropped');
      const fault = (drop: string) =>
        fetch(`${base.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ path: '/api/v1/users/*/lifecycle/*', drop, count: 1 }) });
      const status = async () => ((await (await fetch(`${base.url}${JANE}`, { headers: AUTH })).json()) as { status: string }).status;
      await fault('before');
      assert.equal(await post(`${JANE}/lifecycle/suspend`), 'dropped');
      assert.equal(await status(), 'ACTIVE');
      await fault('after');
      assert.equal(await post(`${JANE}/lifecycle/suspend`), 'dropped');
      assert.equal(await status(), 'SUSPENDED');
      const log = ((await (await fetch(`${base.url}/_emulator/requests`)).json()) as { requests: { status: number }[] }).requests;
      assert.deepEqual(log.map((r) => r.status), [0, 200, 200, 200]);
    } finally {
      await base.close();
    }
  });

  test('malformed-JSON and duplicate-reset faults', async () => {
    await control('POST', '/faults', { path: JANE, malformedJson: true, status: 200, count: 1 });
    const broken = await call('GET', JANE);
    assert.equal(broken.status, 200);
    assert.equal(broken.json, undefined);
    await control('POST', '/faults', { path: JANE, rateLimitResetSeconds: 5, duplicateRateLimitReset: true, count: 1 });
    const dup = await app.inject({ method: 'GET', url: JANE, headers: AUTH });
    assert.equal(dup.statusCode, 429);
    const resetHeader = dup.headers['x-rate-limit-reset'];
    assert.ok(Array.isArray(resetHeader) && resetHeader.length === 2, `expected two headers, got ${String(resetHeader)}`);
    assert.equal((await control('POST', '/faults', { path: JANE, duplicateRateLimitReset: true })).status, 400);
  });

  test('reset restores users and clears outbox, log and clock offset', async () => {
    await call('POST', `${JANE}/lifecycle/suspend`);
    await call('POST', `${SMS}/verify`);
    await advance(3600);
    await control('POST', '/reset');
    assert.equal((await call('GET', JANE)).json.status, 'ACTIVE');
    assert.equal((await control('GET', '/outbox')).json.messages.length, 0);
    assert.equal((await control('GET', '/requests')).json.requests.length, 1);
    assert.ok(Date.parse((await control('GET', '/clock')).json.now) < Date.parse('2030-01-01T00:10:00Z'));
  });
});

describe('passwords and authn', () => {
  test('policy and strict history errors carry errorCauses', async () => {
    const weak = await call('POST', `${JANE}?strict=true`, { credentials: { password: { value: 'weak' } } });
    assertOktaError(weak, 400, 'E0000001');
    assert.match(weak.json.errorCauses[0].errorSummary, /^password: Password requirements were not met\./);
    const reused = await call('POST', `${JANE}?strict=true`, { credentials: { password: { value: 'Old-Pass-2025!' } } });
    assertOktaError(reused, 400, 'E0000001');
    assert.equal(reused.json.errorCauses[0].errorSummary, 'password: Password has been used too recently');
    // Without strict the history is not checked, as in Okta.
    assert.equal((await call('POST', JANE, { credentials: { password: { value: 'Old-Pass-2025!' } } })).status, 200);
  });

  test('authn reflects the current password; setting one moves RECOVERY to ACTIVE', async () => {
    const authn = (username: string, password: string) => call('POST', '/api/v1/authn', { username, password }, {});
    assert.equal((await authn('rory@example.com', PW)).status, 401);
    const set = await call('POST', '/api/v1/users/rory@example.com', { credentials: { password: { value: 'Fresh-Start-2030' } } });
    assert.equal(set.json.status, 'ACTIVE');
    assert.ok(Date.parse(set.json.passwordChanged) >= Date.parse('2030-01-01T00:00:00Z'));
    assertOktaError(await authn('rory@example.com', PW), 401, 'E0000004');
    const ok = await authn('rory@example.com', 'Fresh-Start-2030');
    assert.equal(ok.json.status, 'SUCCESS');
    assert.equal(typeof ok.json.sessionToken, 'string');
    assertOktaError(await authn('nobody@example.com', PW), 401, 'E0000004');
  });

  test('reset_password needs sendEmail and returns a resetPasswordUrl; illegal transitions are E0000001', async () => {
    assertOktaError(await call('POST', `${JANE}/lifecycle/reset_password`), 400, 'E0000001');
    const r = await call('POST', `${JANE}/lifecycle/reset_password?sendEmail=false`);
    assert.match(r.json.resetPasswordUrl, /^http:\/\/localhost(:\d+)?\/signin\/reset-password\/[\w-]+$/);
    assert.equal((await call('GET', JANE)).json.status, 'RECOVERY');
    assertOktaError(await call('POST', `${JANE}/lifecycle/unsuspend`), 400, 'E0000001');
  });

  // Okta's front end: a POST that announces no length (no Content-Length, not chunked) → 411, and nothing happens.
  test('a POST without Content-Length or Transfer-Encoding → 411 and the action does not run', async () => {
    const before = (await call('GET', JANE)).json.status;
    const r = await app.inject({ method: 'POST', url: `${JANE}/lifecycle/suspend`, headers: AUTH });
    assert.equal(r.statusCode, 411);
    assert.equal(JSON.parse(r.body).errorCode, 'E0000003');
    assert.equal((await call('GET', JANE)).json.status, before);
  });
});

describe('seed validation', () => {
  test('messages name the bad field', () => {
    assert.throws(
      () => validateSeed({ users: [{ login: 'x@example.com', firstName: 'X', lastName: 'Y', password: 'p', factors: [{ type: 'sms' }] }] }),
      (err: unknown) => err instanceof SeedError && /users\[0\]\.factors\[0\]\.phoneNumber: is required/.test(err.message),
    );
    assert.throws(
      () => validateSeed({ apiTokenOwner: 'ghost@example.com', users: [] }),
      (err: unknown) => err instanceof SeedError && /apiTokenOwner: must be the login/.test(err.message),
    );
  });
});
