/**
 * "My security methods" through the JSON API over real sockets: a portal signed in against the emulator (demo org),
 * each factor type enrolled and activated through the portal and found ACTIVE at the emulator, removal, the
 * password change proven by the emulator's authn, and step-up refused without a fresh verification (and allowed
 * after one, by code and by push).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { totp } from '../helpers/totp.js';
import {
  authn,
  DEMO_PASSWORD,
  emuNowSeconds,
  emuUser,
  outboxCode,
  pendingPush,
  signIn,
  startSignInStack,
  totpCode,
  Web,
  type SignInStack,
} from '../auth/support.js';

type Err = { error: { code: string; causes?: string[] } };

describe('account API against the emulator', () => {
  let stack: SignInStack;
  before(async () => {
    stack = await startSignInStack();
  });
  after(() => stack.close());

  async function signedIn(login: string): Promise<Web> {
    const web = new Web();
    await signIn(web, stack, login);
    return web;
  }
  const api = <T = Record<string, unknown>>(web: Web, method: 'GET' | 'POST', path: string, body?: unknown) =>
    web.api<T>(stack.portal.url, method, `/api/v1/account${path}`, body);
  const status = async (login: string, factorType: string, provider?: string) =>
    (await emuUser(stack.emu.url, login)).factors.find((f) => f.factorType === factorType && (!provider || f.provider === provider))?.status;

  test('authenticator apps: no factor yet, so no step-up; the shown secret gives the activation code; ACTIVE at Okta', async () => {
    const web = await signedIn('nora.none@example.com');
    const list = await api<{ factors: unknown[]; stepUpSatisfied: boolean }>(web, 'GET', '/factors');
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.factors, []);
    assert.equal(list.body.stepUpSatisfied, true, 'nothing to step up with');

    const start = await api<{ status: string; secret: string; otpauthUri: string; qrDataUri: string }>(web, 'POST', '/enrolment', {
      method: 'google-authenticator',
    });
    assert.equal(start.status, 200);
    assert.equal(start.body.status, 'totp_pending');
    assert.match(start.body.secret, /^[A-Z2-7]{16,}$/);
    assert.match(start.body.otpauthUri, /^otpauth:\/\/totp\//);
    assert.match(start.body.qrDataUri, /^data:image\/png;base64,/);
    assert.equal(await status('nora.none@example.com', 'token:software:totp', 'GOOGLE'), 'PENDING_ACTIVATION');

    const real = totp(start.body.secret, await emuNowSeconds(stack.emu.url));
    const wrong = await api<Err>(web, 'POST', '/enrolment/activate', { code: real === '000000' ? '111111' : '000000' });
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error.code, 'INVALID_CODE');

    const code = totp(start.body.secret, await emuNowSeconds(stack.emu.url));
    const done = await api<{ status: string; factor: { kind: string; status: string } }>(web, 'POST', '/enrolment/activate', { code });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    assert.equal(done.body.factor.kind, 'google-authenticator');
    assert.equal(await status('nora.none@example.com', 'token:software:totp', 'GOOGLE'), 'ACTIVE');

    // Now Nora has a factor: the next set-up needs a fresh step-up.
    const refused = await api<Err>(web, 'POST', '/enrolment', { method: 'okta-verify-code' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'STEP_UP_REQUIRED');
    assert.equal(await status('nora.none@example.com', 'token:software:totp', 'OKTA'), undefined, 'nothing enrolled');

    const factors = (await api<{ factors: { id: string; kind: string }[] }>(web, 'GET', '/factors')).body.factors;
    const google = factors.find((f) => f.kind === 'google-authenticator')!;
    assert.equal((await api(web, 'POST', '/step-up', { factorId: google.id })).body.status, 'code_ready');
    const bad = await api<Err>(web, 'POST', '/step-up/verify', { code: '12345' });
    assert.equal(bad.body.error.code, 'INVALID_CODE');
    assert.equal((await api<Err>(web, 'POST', '/enrolment', { method: 'okta-verify-code' })).status, 403, 'a wrong code is no step-up');

    await fetch(`${stack.emu.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds":30}' });
    const ok = await api(web, 'POST', '/step-up/verify', { code: await totpCode(stack.emu.url, google.id) });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((await api<{ stepUpSatisfied: boolean }>(web, 'GET', '/factors')).body.stepUpSatisfied, true);

    const okta = await api<{ status: string; secret: string }>(web, 'POST', '/enrolment', { method: 'okta-verify-code' });
    assert.equal(okta.status, 200, JSON.stringify(okta.body));
    const activated = await api(web, 'POST', '/enrolment/activate', { code: totp(okta.body.secret, await emuNowSeconds(stack.emu.url)) });
    assert.equal(activated.status, 200, JSON.stringify(activated.body));
    assert.equal(await status('nora.none@example.com', 'token:software:totp', 'OKTA'), 'ACTIVE');
  });

  test('SMS and voice: step-up by authenticator code, the texted / spoken code activates; resend has a cooldown', async () => {
    const login = 'gina.google@example.com';
    const web = await signedIn(login);
    const refused = await api<Err>(web, 'POST', '/enrolment', { method: 'sms', phoneNumber: '+15555550188' });
    assert.equal(refused.body.error.code, 'STEP_UP_REQUIRED');
    assert.equal((await api(web, 'POST', '/step-up', { factorId: 'ostDemoGinaGoogle001' })).body.status, 'code_ready');
    assert.equal((await api(web, 'POST', '/step-up/verify', { code: await totpCode(stack.emu.url, 'ostDemoGinaGoogle001') })).status, 200);

    const bad = await api<Err>(web, 'POST', '/enrolment', { method: 'sms', phoneNumber: '555-0188' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, 'INVALID_PHONE_NUMBER');

    const sms = await api<{ status: string; hint: string; resendAfterSeconds: number }>(web, 'POST', '/enrolment', { method: 'sms', phoneNumber: '+15555550188' });
    assert.equal(sms.status, 200, JSON.stringify(sms.body));
    assert.equal(sms.body.status, 'code_sent');
    assert.doesNotMatch(sms.body.hint, /5555550188/, 'masked');
    assert.ok(sms.body.resendAfterSeconds > 0);
    const early = await api<Err>(web, 'POST', '/enrolment/resend', {});
    assert.equal(early.status, 429);
    assert.equal(early.body.error.code, 'RESEND_TOO_SOON');
    assert.ok(Number(early.headers.get('retry-after')) > 0);
    assert.equal((await api(web, 'POST', '/enrolment/activate', { code: await outboxCode(stack.emu.url, login) })).status, 200);
    assert.equal(await status(login, 'sms'), 'ACTIVE');

    const call = await api<{ status: string }>(web, 'POST', '/enrolment', { method: 'call', phoneNumber: '+1 (555) 555-0189' });
    assert.equal(call.status, 200, JSON.stringify(call.body));
    assert.equal((await api(web, 'POST', '/enrolment/activate', { code: await outboxCode(stack.emu.url, login) })).status, 200);
    assert.equal(await status(login, 'call'), 'ACTIVE');
  });

  test('Okta Verify push: the QR image, activation at the phone, status until active', async () => {
    const login = 'gina.google@example.com';
    const web = await signedIn(login);
    await api(web, 'POST', '/step-up', { factorId: 'ostDemoGinaGoogle001' });
    await fetch(`${stack.emu.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds":30}' });
    assert.equal((await api(web, 'POST', '/step-up/verify', { code: await totpCode(stack.emu.url, 'ostDemoGinaGoogle001') })).status, 200);

    const push = await api<{ status: string; qrDataUri: string | null }>(web, 'POST', '/enrolment', { method: 'push' });
    assert.equal(push.status, 200, JSON.stringify(push.body));
    assert.equal(push.body.status, 'push_pending');
    assert.match(push.body.qrDataUri ?? '', /^data:image\/png;base64,/);
    assert.equal((await api<{ status: string }>(web, 'GET', '/enrolment/status')).body.status, 'pending');

    const factor = (await emuUser(stack.emu.url, login)).factors.find((f) => f.factorType === 'push')!;
    assert.equal(factor.status, 'PENDING_ACTIVATION');
    const scan = await fetch(`${stack.emu.url}/_emulator/factors/${factor.id}/activate`, { method: 'POST' });
    assert.equal(scan.status, 200);
    let state = '';
    for (let i = 0; i < 20 && state !== 'active'; i++) {
      state = (await api<{ status: string }>(web, 'GET', '/enrolment/status')).body.status;
      if (state !== 'active') await new Promise((r) => setTimeout(r, 200));
    }
    assert.equal(state, 'active');
    assert.equal(await status(login, 'push'), 'ACTIVE');
  });

  test('removal needs a fresh step-up (push with number matching here) and removes the factor at Okta', async () => {
    const login = 'owen.okta@example.com';
    const web = await signedIn(login);
    const refused = await api<Err>(web, 'POST', '/factors/remove', { factorId: 'ostDemoOwenOkta00001' });
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'STEP_UP_REQUIRED');

    const other = await api<Err>(web, 'POST', '/factors/remove', { factorId: 'smsDemoAlexAll000001' });
    assert.ok(other.status >= 400, 'another user\'s factor is never touched');

    const start = await api<{ status: string; correctAnswer: number | null }>(web, 'POST', '/step-up', { factorId: 'opfDemoOwenOkta00001' });
    assert.equal(start.body.status, 'push_waiting');
    assert.equal((await api<{ status: string }>(web, 'GET', '/step-up/status')).body.status, 'waiting');
    assert.equal((await api<Err>(web, 'POST', '/factors/remove', { factorId: 'ostDemoOwenOkta00001' })).status, 403, 'not before approval');
    const push = await pendingPush(stack.emu.url, login);
    const approve = await fetch(`${stack.emu.url}/_emulator/push/${push.transactionId}/approve`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ answer: start.body.correctAnswer }),
    });
    assert.equal(approve.status, 200);
    let state = '';
    for (let i = 0; i < 30 && state !== 'verified'; i++) {
      state = (await api<{ status: string }>(web, 'GET', '/step-up/status')).body.status;
      if (state !== 'verified') await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(state, 'verified');
    const removed = await api(web, 'POST', '/factors/remove', { factorId: 'ostDemoOwenOkta00001' });
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal(await status(login, 'token:software:totp', 'OKTA'), undefined, 'gone at Okta');
    assert.equal(await status(login, 'push'), 'ACTIVE', 'the other factor stays');
  });

  test('password change: step-up by SMS, Okta\'s checks, and authn proves the new password', async () => {
    const login = 'sam.sms@example.com';
    const web = await signedIn(login);
    const input = { currentPassword: DEMO_PASSWORD, newPassword: 'Brand-New-Pass-77', confirmPassword: 'Brand-New-Pass-77' };
    const refused = await api<Err>(web, 'POST', '/password', input);
    assert.equal(refused.status, 403);
    assert.equal(refused.body.error.code, 'STEP_UP_REQUIRED');

    assert.equal((await api(web, 'POST', '/step-up', { factorId: 'smsDemoSamSms0000001' })).body.status, 'code_sent');
    assert.equal((await api(web, 'POST', '/step-up/verify', { code: await outboxCode(stack.emu.url, login) })).status, 200);

    const wrong = await api<Err>(web, 'POST', '/password', { ...input, currentPassword: 'Not-The-Password-1' });
    assert.equal(wrong.body.error.code, 'WRONG_CURRENT_PASSWORD');
    const mismatch = await api<Err>(web, 'POST', '/password', { ...input, confirmPassword: 'Brand-New-Pass-78' });
    assert.equal(mismatch.body.error.code, 'PASSWORD_MISMATCH');
    const weak = await api<Err>(web, 'POST', '/password', { ...input, newPassword: 'short', confirmPassword: 'short' });
    assert.equal(weak.body.error.code, 'PASSWORD_POLICY');
    assert.ok((weak.body.error.causes ?? []).length > 0, "Okta's causes");
    assert.equal(await authn(stack.emu.url, login, DEMO_PASSWORD), 200, 'unchanged so far');

    const changed = await api(web, 'POST', '/password', input);
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(await authn(stack.emu.url, login, input.newPassword), 200, 'the new password signs in');
    assert.equal(await authn(stack.emu.url, login, DEMO_PASSWORD), 401, 'the old one no longer does');
  });

  test('API calls need the session and the CSRF token', async () => {
    const anon = new Web();
    const r = await anon.api<Err>(stack.portal.url, 'POST', '/api/v1/account/enrolment', { method: 'sms', phoneNumber: '+15555550100' });
    assert.equal(r.status, 401);
    assert.equal(r.body.error.code, 'SIGN_IN_REQUIRED');
    const web = await signedIn('nora.none@example.com');
    const res = await fetch(`${stack.portal.url}/api/v1/account/enrolment`, {
      method: 'POST',
      headers: { cookie: web.cookieHeader(), 'content-type': 'application/json', origin: stack.portal.url },
      body: JSON.stringify({ method: 'push' }),
    });
    assert.equal(res.status, 403, 'no CSRF token');
  });
});
