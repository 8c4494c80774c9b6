/**
 * Threat: skipping or replaying steps of the flow (verify before any challenge, set a password before verifying,
 * act without a flow at all, resubmit finished steps), hoping the server trusts the client's idea of where it is.
 * Checklist: RST-7 (server-side state machine; the final step takes no identity from the client), ATK-13, LOG-3 (a
 * clear error, never a 500 or a stack trace), VAL-1 (schema validation), SES-1 / ATK-9 (a flow handle planted
 * before verification must not become a verified flow for whoever planted it).
 * Every answer must be the documented error (WRONG_STEP 409, FLOW_EXPIRED 410, BAD_REQUEST 400/415), for the JSON
 * API and for the HTML pages, and nothing may be written to Okta.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ROOMY_LIMITS, Stack, assertError, setPasswordBody, verifiedOtt, type Answer } from './support.js';

let stack: Stack;

before(async () => {
  stack = await Stack.start(ROOMY_LIMITS);
});
after(() => stack?.close());
beforeEach(() => stack.reset());

const FAKE_OTT = 'Q'.repeat(43);

async function writes(): Promise<number> {
  return (await stack.oktaCalls()).filter((c) => c.method !== 'GET' && !c.path.endsWith('/verify')).length;
}

function noLeak(a: Answer<unknown>): void {
  assert.ok(a.status < 500, `never a 5xx: ${a.status} ${a.text.slice(0, 200)}`);
  assert.doesNotMatch(a.text, /\bat .+\.(ts|js):\d+|Error: |node_modules/, 'no stack trace');
}

describe('skipped steps over the JSON API', () => {
  test('verify before any challenge → 409 WRONG_STEP', async () => {
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: 'google.user@example.com' });
    const a = await b.api('POST', '/api/v1/recovery/verify', { code: '123456' });
    assertError(a, 409, 'WRONG_STEP');
    assert.equal((await b.api('GET', '/api/v1/recovery/status')).body.status, 'started');
  });

  test('password before verify → 409 WRONG_STEP (after start and after the challenge)', async () => {
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: 'sms.user@example.com' });
    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody(FAKE_OTT)), 409, 'WRONG_STEP');
    await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' });
    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody(FAKE_OTT)), 409, 'WRONG_STEP');
    assert.equal(await writes(), 0);
  });

  test('no flow cookie: challenge, verify, status, password and cancel → 410 FLOW_EXPIRED', async () => {
    const b = stack.browser();
    const answers = [
      await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' }),
      await b.api('POST', '/api/v1/recovery/verify', { code: '123456' }),
      await b.api('GET', '/api/v1/recovery/status'),
      await b.api('POST', '/api/v1/recovery/password', setPasswordBody(FAKE_OTT)),
      await b.api('POST', '/api/v1/recovery/cancel', {}),
    ];
    for (const a of answers) assertError(a, 410, 'FLOW_EXPIRED');
    assert.deepEqual(await stack.oktaCalls(), []);
  });

  test('garbage flow cookies are FLOW_EXPIRED, never a 500', async () => {
    for (const value of ['x', 'a.b.c', '%00%0d%0a', 'A'.repeat(400), '..', '"quoted"']) {
      const b = stack.browser();
      await b.csrf();
      b.cookies.set('flow', value);
      const a = await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' });
      noLeak(a);
      assertError(a, 410, 'FLOW_EXPIRED');
    }
  });

  test('replayed steps after verification and after completion', async () => {
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, 'google.user@example.com');
    // Verified: no second verification, no new challenge.
    assertError(await b.api('POST', '/api/v1/recovery/verify', { code: '123456' }), 409, 'WRONG_STEP');
    assertError(await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms' }), 409, 'WRONG_STEP');
    assert.equal((await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott))).status, 200);
    // Completed: everything but status is refused.
    assertError(await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' }), 409, 'WRONG_STEP');
    assertError(await b.api('POST', '/api/v1/recovery/verify', { code: '123456' }), 409, 'WRONG_STEP');
    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott)), 400, 'INVALID_OTT');
    assert.equal((await b.api('GET', '/api/v1/recovery/status')).body.status, 'completed');
  });

  test('malformed requests are BAD_REQUEST (400/415), never a 500', async () => {
    const b = stack.browser();
    await b.api('POST', '/api/v1/recovery', { username: 'google.user@example.com' });
    const cases: Answer[] = [
      await b.api('POST', '/api/v1/recovery/challenge', { method: 'fax' }),
      await b.api('POST', '/api/v1/recovery/challenge', { method: 'sms', extra: 1 }),
      await b.api('POST', '/api/v1/recovery/challenge', ['sms']),
      await b.api('POST', '/api/v1/recovery/verify', { code: 123456 }),
      await b.api('POST', '/api/v1/recovery', { username: 'x'.repeat(300) }),
      await b.api('POST', '/api/v1/recovery', { username: 'a\u0000b' }),
      await b.api('POST', '/api/v1/recovery/password', { ott: '../../etc', password: 'a', confirmPassword: 'a' }),
      await b.send('POST', '/api/v1/recovery', { form: { username: 'a' } }, { csrf: true }),
    ];
    const raw = await fetch(`${b.baseUrl}/api/v1/recovery/verify`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        origin: b.baseUrl,
        'x-csrf-token': await b.csrf(),
        cookie: b.cookieHeader(),
      },
      body: '{"code": ',
    });
    const rawText = await raw.text();
    assert.equal(raw.status, 400, rawText);
    for (const a of cases) {
      noLeak(a);
      assert.ok(a.status === 400 || a.status === 415, `${a.status} ${a.text}`);
      assert.equal((a.body as { error?: { code?: string } }).error?.code, 'BAD_REQUEST', a.text);
    }
  });
});

describe('skipped steps on the HTML pages', () => {
  test('flow pages without a flow answer the FLOW_EXPIRED page (410), never a 500', async () => {
    const b = stack.browser();
    for (const path of ['/recover/method', '/recover/code', '/recover/push', '/recover/password', '/recover/done']) {
      const a = await b.page(path);
      noLeak(a);
      assert.equal(a.status, 410, `${path}: ${a.status}`);
      assert.match(a.headers.get('content-type') ?? '', /text\/html/);
      assert.match(a.text, /href="\/recover"/, 'offers to start again');
    }
  });

  test('posting a code or a password out of order is refused and writes nothing', async () => {
    const b = stack.browser();
    const started = await b.submit('/recover', { username: 'google.user@example.com' });
    assert.equal(started.status, 303, started.text.slice(0, 200));
    // Code before a method was chosen.
    const code = await b.submit('/recover/code', { code: '123456' }, { from: '/recover' });
    noLeak(code);
    assert.equal(code.status, 409);
    // Password before verification.
    const pw = await b.submit(
      '/recover/password',
      { ott: FAKE_OTT, password: 'Whatever-Passw0rd-1', confirmPassword: 'Whatever-Passw0rd-1' },
      { from: '/recover' },
    );
    noLeak(pw);
    assert.equal(pw.status, 409);
    // GET pages for later steps send the user back to where the flow is.
    const early = await b.page('/recover/password');
    assert.equal(early.status, 303);
    assert.equal(early.headers.get('location'), '/recover/method');
    assert.equal(await writes(), 0);
  });
});

describe('session fixation (SES-1, ATK-9)', () => {
  test(
    'a flow handle planted in the victim\'s browser is replaced when a method is chosen and at verification; the planter\'s copy is dead',
    async () => {
      const login = 'google.user@example.com';
      const attacker = stack.browser();
      await attacker.api('POST', '/api/v1/recovery', { username: login });
      const planted = attacker.cookies.get('flow')!;

      const victim = stack.browser();
      await victim.csrf();
      victim.cookies.set('flow', planted); // e.g. through a sibling subdomain on a non-__Host- deployment
      assert.equal((await victim.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' })).status, 200);
      const verified = await victim.api('POST', '/api/v1/recovery/verify', { code: await stack.totpCode(login) });
      assert.equal(verified.status, 200, verified.text);

      assert.notEqual(victim.cookies.get('flow'), planted, 'verification issues a new flow handle');
      const stolen = await attacker.api('GET', '/api/v1/recovery/status');
      assertError(stolen, 410, 'FLOW_EXPIRED');
      assert.equal(await writes(), 0);
    },
  );
});
