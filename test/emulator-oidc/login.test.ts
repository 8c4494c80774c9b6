// The emulator's sign-in pages: the current password decides, users who cannot sign in get a clear message and no
// code, a seed user with mfaRequired must pass an authenticator-app or SMS code (amr then says so), a client with
// mfaRequired forces the step for anyone, wrong codes are refused, cancel returns access_denied, and a page opened
// without the browser's interaction cookie is refused. Pages are CSP-safe: no script, labelled inputs.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { DEFAULT_API_TOKEN, DEMO_PASSWORD, startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { Browser, DEMO_CLIENT, followToClient, pkce, startSignIn, tokenRequest } from './helpers.js';

describe('sign-in pages', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  const control = async (path: string, init?: RequestInit) => (await fetch(`${emu.url}/_emulator${path}`, init)).json() as Promise<Record<string, unknown>>;

  async function idTokenClaims(b: Browser, res: Response, verifier: string) {
    const cb = await followToClient(b, res, emu.url);
    const code = cb.searchParams.get('code');
    assert.ok(code, cb.href);
    const t = await tokenRequest(
      emu.issuer,
      { grant_type: 'authorization_code', code, redirect_uri: DEMO_CLIENT.redirect, code_verifier: verifier },
      { id: DEMO_CLIENT.id, secret: DEMO_CLIENT.secret },
    );
    assert.equal(t.status, 200);
    const { id_token } = (await t.json()) as { id_token: string };
    const jwks = createRemoteJWKSet(new URL(`${emu.issuer}/v1/keys`));
    return (await jwtVerify(id_token, jwks, { issuer: emu.issuer, audience: DEMO_CLIENT.id })).payload;
  }

  test('the login page is accessible and script-free, under a strict CSP', async () => {
    const b = new Browser();
    const { pageUrl, html } = await startSignIn(b, emu.issuer);
    const res = await b.get(pageUrl);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.match(csp, /form-action 'self' http:\/\/127\.0\.0\.1:3000/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.doesNotMatch(html, /<script|\sstyle=|\son[a-z]+=/i);
    assert.match(html, /<html lang="en">/);
    assert.match(html, /<label for="username">/);
    assert.match(html, /<input id="username" name="username"/);
    assert.match(html, /<label for="password">/);
    assert.match(html, /autocomplete="current-password"/);
  });

  test('a wrong password re-renders the form with an error and issues no code', async () => {
    const b = new Browser();
    const { pageUrl } = await startSignIn(b, emu.issuer);
    const res = await b.post(`${pageUrl}/login`, { username: 'sam.sms@example.com', password: 'Not-The-Password-1' });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('location'), null);
    const html = await res.text();
    assert.match(html, /role="alert"[^>]*>Unable to sign in/);
    assert.match(html, /value="sam.sms@example.com"/);
    assert.doesNotMatch(html, /Not-The-Password-1/);
    // The same interaction still accepts the right password.
    const ok = await b.post(`${pageUrl}/login`, { username: 'sam.sms@example.com', password: DEMO_PASSWORD });
    const cb = await followToClient(b, ok, emu.url);
    assert.ok(cb.searchParams.get('code'));
  });

  test('a SUSPENDED user with the right password gets a clear refusal', async () => {
    const b = new Browser();
    const { pageUrl } = await startSignIn(b, emu.issuer);
    const res = await b.post(`${pageUrl}/login`, { username: 'suzy.suspended@example.com', password: DEMO_PASSWORD });
    assert.equal(res.status, 403);
    assert.match(await res.text(), /suspended and cannot sign in/);
  });

  test('a LOCKED_OUT user is told so; an unknown user gets the generic error', async () => {
    const b = new Browser();
    const { pageUrl } = await startSignIn(b, emu.issuer);
    const locked = await b.post(`${pageUrl}/login`, { username: 'lily.locked@example.com', password: DEMO_PASSWORD });
    assert.equal(locked.status, 403);
    assert.match(await locked.text(), /locked/);
    const unknown = await b.post(`${pageUrl}/login`, { username: 'nobody@example.com', password: DEMO_PASSWORD });
    assert.equal(unknown.status, 401);
    assert.match(await unknown.text(), /Unable to sign in/);
  });

  test('the password checked is the current one: after a reset the old password fails', async () => {
    const headers = { authorization: `SSWS ${DEFAULT_API_TOKEN}`, 'content-type': 'application/json', accept: 'application/json' };
    const set = await fetch(`${emu.url}/api/v1/users/00uDemoNoraNone00001`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ credentials: { password: { value: 'Fresh-Start-2031' } } }),
    });
    assert.equal(set.status, 200);
    const b = new Browser();
    const { pageUrl } = await startSignIn(b, emu.issuer);
    assert.equal((await b.post(`${pageUrl}/login`, { username: 'nora.none@example.com', password: DEMO_PASSWORD })).status, 401);
    const ok = await b.post(`${pageUrl}/login`, { username: 'nora.none@example.com', password: 'Fresh-Start-2031' });
    assert.equal(ok.status, 303);
  });

  test('mfaRequired: the authenticator-app code completes sign-in and amr lists pwd, otp and mfa', async () => {
    const b = new Browser();
    const p = pkce();
    const { pageUrl } = await startSignIn(b, emu.issuer, { challenge: p.challenge });
    const res = await b.post(`${pageUrl}/login`, { username: 'mia.mfa@example.com', password: DEMO_PASSWORD });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), new URL(pageUrl).pathname);
    const page = await (await b.get(pageUrl)).text();
    assert.match(page, /Verify it’s you/);
    assert.match(page, /Google Authenticator code/);
    assert.match(page, /SMS to the phone ending in 0131/);
    assert.doesNotMatch(page, /\+15555550131/);

    const { code } = await control('/factors/ostDemoMiaMfa0000001/code');
    const wrong = await b.post(`${pageUrl}/verify`, { factorId: 'ostDemoMiaMfa0000001', code: code === '000000' ? '111111' : '000000' });
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /wrong or has expired/);

    const ok = await b.post(`${pageUrl}/verify`, { factorId: 'ostDemoMiaMfa0000001', code: String(code) });
    const claims = await idTokenClaims(b, ok, p.verifier);
    assert.equal(claims.sub, '00uDemoMiaMfa0000001');
    assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
  });

  test('mfaRequired: an SMS code sent to the outbox completes sign-in (amr sms)', async () => {
    await fetch(`${emu.url}/_emulator/outbox`, { method: 'DELETE' });
    const b = new Browser();
    const p = pkce();
    const { pageUrl } = await startSignIn(b, emu.issuer, { challenge: p.challenge });
    await b.post(`${pageUrl}/login`, { username: 'mia.mfa@example.com', password: DEMO_PASSWORD });
    assert.equal((await b.post(`${pageUrl}/choose`, { factorId: 'smsDemoMiaMfa0000001' })).status, 303);
    assert.match(await (await b.get(pageUrl)).text(), /Send a code by SMS/);
    const sent = await b.post(`${pageUrl}/send`, { factorId: 'smsDemoMiaMfa0000001' });
    assert.equal(sent.status, 303);
    assert.match(await (await b.get(pageUrl)).text(), /role="status">Code sent/);
    const again = await b.post(`${pageUrl}/send`, { factorId: 'smsDemoMiaMfa0000001' });
    assert.equal(again.status, 429); // the SMS cooldown applies
    const { messages } = (await control('/outbox?login=mia.mfa@example.com')) as { messages: { to: string; code: string }[] };
    assert.equal(messages.length, 1);
    assert.equal(messages[0]?.to, '+15555550131');
    const ok = await b.post(`${pageUrl}/verify`, { factorId: 'smsDemoMiaMfa0000001', code: messages[0]?.code ?? '' });
    const claims = await idTokenClaims(b, ok, p.verifier);
    assert.deepEqual(claims.amr, ['pwd', 'sms', 'mfa']);
  });

  test('the MFA step cannot be skipped by resuming the authorization', async () => {
    const b = new Browser();
    const { pageUrl } = await startSignIn(b, emu.issuer);
    await b.post(`${pageUrl}/login`, { username: 'mia.mfa@example.com', password: DEMO_PASSWORD });
    const uid = pageUrl.split('/').pop() ?? '';
    const resume = await b.get(`${emu.issuer}/v1/authorize/${uid}`);
    // Back to the interaction, not to the client: nothing was finished.
    const loc = new URL(resume.headers.get('location') ?? '', emu.url);
    assert.equal(loc.origin, emu.url);
    assert.equal(loc.searchParams.get('code'), null);
  });

  test('a client with mfaRequired asks any user for a factor; a user without one is refused', async () => {
    const reg = await fetch(`${emu.url}/_emulator/oidc/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'strict-app', clientSecret: 'strict-app-secret', redirectUris: ['http://127.0.0.1:4200/cb'], mfaRequired: true }),
    });
    assert.equal(reg.status, 201);
    const b = new Browser();
    const { pageUrl } = await startSignIn(b, emu.issuer, { clientId: 'strict-app', redirectUri: 'http://127.0.0.1:4200/cb' });
    const gina = await b.post(`${pageUrl}/login`, { username: 'gina.google@example.com', password: DEMO_PASSWORD });
    assert.equal(gina.status, 303);
    assert.match(await (await b.get(pageUrl)).text(), /Google Authenticator code/);

    const b2 = new Browser();
    const second = await startSignIn(b2, emu.issuer, { clientId: 'strict-app', redirectUri: 'http://127.0.0.1:4200/cb' });
    const nora = await b2.post(`${second.pageUrl}/login`, { username: 'admin@example.com', password: DEMO_PASSWORD });
    assert.equal(nora.status, 403);
    assert.match(await nora.text(), /no usable/);
  });

  test('cancel returns access_denied to the client with the state', async () => {
    const b = new Browser();
    const { pageUrl } = await startSignIn(b, emu.issuer, { state: 'cancel-state' });
    const res = await b.post(`${pageUrl}/cancel`, {});
    const cb = await followToClient(b, res, emu.url);
    assert.equal(cb.searchParams.get('error'), 'access_denied');
    assert.equal(cb.searchParams.get('state'), 'cancel-state');
  });

  test('another browser (without the interaction cookie) cannot use the page', async () => {
    const b = new Browser();
    const { pageUrl } = await startSignIn(b, emu.issuer);
    const stranger = new Browser();
    const res = await stranger.post(`${pageUrl}/login`, { username: 'alex.all@example.com', password: DEMO_PASSWORD });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /expired or was started in another browser/);
    const get = await stranger.get(pageUrl);
    assert.equal(get.status, 400);
  });
});
