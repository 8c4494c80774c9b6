/**
 * Sign-in with Okta through real sockets: the portal against the emulator's authorization server.
 * Proves: the authorization request (PKCE S256, state, nonce), the cookie flags, a completed sign-in landing on
 * /account, a wrong `state` and replayed authorization codes refused with no session created, session rotation,
 * sign-out ending the session (the old cookie no longer works) and sending the browser to the end-session endpoint.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startPortal } from '../helpers/portal.js';
import { startEmulator } from '../../emulator/src/server.js';
import { inputValue, location, signIn, startSignInStack, toCallback, Web, type SignInStack } from './support.js';

const ALEX = 'alex.all@example.com';

describe('sign-in with Okta (OIDC) against the emulator', () => {
  let stack: SignInStack;
  before(async () => {
    stack = await startSignInStack();
  });
  after(() => stack.close());

  test('the landing page links to sign-in', async () => {
    const res = await fetch(`${stack.portal.url}/`);
    assert.match(await res.text(), /<a class="button secondary" href="\/auth\/signin">Sign in<\/a>/);
  });

  test('GET /auth/signin: an authorization-code request with PKCE (S256), state and nonce, kept server-side', async () => {
    const web = new Web();
    const res = await web.get(`${stack.portal.url}/auth/signin`);
    assert.equal(res.status, 303);
    const url = location(res, stack.portal.url);
    assert.equal(`${url.origin}${url.pathname}`, `${stack.emu.issuer}/v1/authorize`);
    const q = url.searchParams;
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('client_id'), 'portal-under-test');
    assert.equal(q.get('redirect_uri'), `${stack.portal.url}/auth/callback`);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.match(q.get('code_challenge') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.ok((q.get('state') ?? '').length >= 20 && (q.get('nonce') ?? '').length >= 20);
    assert.deepEqual(q.get('scope')?.split(' ').sort(), ['email', 'openid', 'profile']);
    const cookie = web.setCookie('signin');
    assert.ok(cookie, 'a sign-in transaction cookie');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Path=\//);
    assert.match(cookie, /Max-Age=600/);
    // Neither the state, the nonce nor the verifier is in the cookie: it is a random key only.
    const value = web.jar.get('signin') ?? '';
    assert.ok(!value.includes(q.get('state')!) && !value.includes(q.get('nonce')!));
  });

  test('a completed sign-in creates a server-side session and lands on /account', async () => {
    const web = new Web();
    await signIn(web, stack, ALEX);
    const cookie = web.setCookie('session');
    assert.ok(cookie, 'a session cookie');
    assert.match(cookie, /HttpOnly/i);
    assert.match(cookie, /SameSite=Lax/i);
    assert.match(cookie, /Path=\//);
    assert.doesNotMatch(cookie, /Domain=/i);
    assert.match(web.jar.get('session') ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.equal(web.jar.has('signin'), false, 'the transaction cookie is cleared');
    const page = await web.get(`${stack.portal.url}/account`);
    assert.equal(page.status, 200);
    const html = await page.text();
    assert.match(html, /Signed in as Alex All \(alex\.all@example\.com\)/);
    assert.match(html, /Google Authenticator/);
    assert.match(html, /\+1 ••• ••• 0101|0101/, 'a masked phone');
    assert.doesNotMatch(html, /5555550101/, 'never the full number');
  });

  test('a wrong state is refused and creates no session', async () => {
    const web = new Web();
    const callback = await toCallback(web, stack, ALEX);
    callback.searchParams.set('state', 'forged-state-value-0123456789');
    const res = await web.get(callback.href);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /We could not sign you in/);
    assert.equal(web.jar.has('session'), false);
    assert.equal((await web.get(`${stack.portal.url}/account`)).status, 303, 'not signed in');
  });

  test('a callback without the browser\'s transaction (another browser, or a replay) is refused', async () => {
    const victim = new Web();
    const callback = await toCallback(victim, stack, ALEX);
    const attacker = new Web();
    const res = await attacker.get(callback.href);
    assert.equal(res.status, 400);
    assert.equal(attacker.jar.has('session'), false);
  });

  test('a replayed authorization code is refused: by the spent transaction, and by the provider', async () => {
    const web = new Web();
    const callback = await toCallback(web, stack, ALEX);
    assert.equal((await web.get(callback.href)).status, 303, 'the first use signs in');
    const first = web.jar.get('session');

    // The same callback again: its transaction was used up.
    const again = await web.get(callback.href);
    assert.equal(again.status, 400);

    // The old code inside a fresh transaction (fresh state): the provider refuses the spent code (invalid_grant).
    web.jar.delete('session'); // (signed in, /auth/signin would go straight to /account)
    const fresh = await web.get(`${stack.portal.url}/auth/signin`);
    const state = location(fresh, stack.portal.url).searchParams.get('state')!;
    const replay = new URL(callback.href);
    replay.searchParams.set('state', state);
    const res = await web.get(replay.href);
    assert.equal(res.status, 400);
    assert.match(await res.text(), /not valid, was already used/);
    assert.equal(web.jar.has('session'), false, 'no session from a replayed code');
    assert.equal((await fetch(`${stack.portal.url}/account`, { headers: { cookie: `session=${first}` }, redirect: 'manual' })).status, 200);
  });

  test('a sign-in that completes while the browser has a session replaces its id (the old one stops working)', async () => {
    const web = new Web();
    await signIn(web, stack, ALEX);
    const old = web.jar.get('session')!;
    assert.equal(location(await web.get(`${stack.portal.url}/auth/signin`), stack.portal.url).pathname, '/account', 'signed in: no new sign-in');
    // A sign-in started in another tab before this session existed completes now, with the session cookie present.
    web.jar.delete('session');
    const callback = await toCallback(web, stack, ALEX);
    web.jar.set('session', old);
    assert.equal((await web.get(callback.href)).status, 303);
    const now = web.jar.get('session')!;
    assert.notEqual(now, old);
    const stale = await fetch(`${stack.portal.url}/api/v1/account/factors`, { headers: { cookie: `session=${old}` } });
    assert.equal(stale.status, 401);
    assert.equal(((await stale.json()) as { error: { code: string } }).error.code, 'SIGN_IN_REQUIRED');
  });

  test('sign-out ends the session and goes to the end-session endpoint', async () => {
    const web = new Web();
    await signIn(web, stack, ALEX);
    const token = web.jar.get('session')!;
    const page = await (await web.get(`${stack.portal.url}/account`)).text();
    const res = await web.postForm(`${stack.portal.url}/auth/signout`, { _csrf: inputValue(page, '_csrf')! });
    assert.equal(res.status, 303);
    const to = location(res, stack.portal.url);
    assert.equal(`${to.origin}${to.pathname}`, `${stack.emu.issuer}/v1/logout`);
    assert.equal(to.searchParams.get('post_logout_redirect_uri'), `${stack.portal.url}/`);
    assert.ok((to.searchParams.get('id_token_hint') ?? '').split('.').length === 3, 'an id_token_hint');
    assert.equal(web.jar.has('session'), false, 'the cookie is cleared');

    // The old cookie no longer works, for pages and the API.
    const again = await fetch(`${stack.portal.url}/account`, { headers: { cookie: `session=${token}` }, redirect: 'manual' });
    assert.equal(again.status, 303);
    assert.equal(again.headers.get('location'), '/auth/signin');
    const api = await fetch(`${stack.portal.url}/api/v1/account/factors`, { headers: { cookie: `session=${token}` } });
    assert.equal(api.status, 401);

    // The provider accepts the logout request and sends the browser back to the portal.
    const confirm = await web.get(to.href);
    assert.equal(confirm.status, 200, 'the provider shows its sign-out confirmation');
  });

  test('sign-out needs the CSRF token', async () => {
    const web = new Web();
    await signIn(web, stack, ALEX);
    const res = await web.postForm(`${stack.portal.url}/auth/signout`, {});
    assert.equal(res.status, 403);
    assert.equal((await web.get(`${stack.portal.url}/account`)).status, 200, 'still signed in');
  });

  test('no session token, code, state, ID token or password in the logs; sign-in and sign-out are audited', async () => {
    const web = new Web();
    const callback = await toCallback(web, stack, ALEX);
    assert.equal((await web.get(callback.href)).status, 303);
    const token = web.jar.get('session')!;
    const page = await (await web.get(`${stack.portal.url}/account`)).text();
    const out = await web.postForm(`${stack.portal.url}/auth/signout`, { _csrf: inputValue(page, '_csrf')! });
    const idToken = location(out, stack.portal.url).searchParams.get('id_token_hint')!;
    const logs = stack.portal.logText();
    for (const [what, secret] of Object.entries({
      token,
      code: callback.searchParams.get('code')!,
      state: callback.searchParams.get('state')!,
      idToken,
      idTokenSignature: idToken.split('.')[2]!,
      password: 'Recover-Me-2026!',
    })) {
      assert.ok(!logs.includes(secret), `the ${what} never reaches a log line`);
    }
    const audit = logs
      .split('\n')
      .filter((l) => l.includes('"audit":true'))
      .map((l) => (JSON.parse(l) as { event?: { action?: string; outcome?: string; userId?: string } }).event ?? {});
    assert.ok(audit.some((e) => e.action === 'auth.signin' && e.outcome === 'success' && e.userId === '00uDemoAlexAll000001'));
    assert.ok(audit.some((e) => e.action === 'auth.signin' && e.outcome === 'failure'), 'refused sign-ins too');
    assert.ok(audit.some((e) => e.action === 'auth.signout' && e.userId === '00uDemoAlexAll000001'));
  });

  test('no session, no account: pages redirect to sign-in, the API answers 401', async () => {
    const page = await fetch(`${stack.portal.url}/account`, { redirect: 'manual' });
    assert.equal(page.status, 303);
    assert.equal(page.headers.get('location'), '/auth/signin');
    const api = await fetch(`${stack.portal.url}/api/v1/account/factors`);
    assert.equal(api.status, 401);
    const junk = await fetch(`${stack.portal.url}/api/v1/account/factors`, { headers: { cookie: 'session=not-a-token' } });
    assert.equal(junk.status, 401);
  });
});

describe('without OIDC settings', () => {
  test('no Sign in link, and /auth/* and /account answer 404', async () => {
    const emu = await startEmulator({ port: 0 });
    const portal = await startPortal(emu);
    try {
      const landing = await (await fetch(`${portal.url}/`)).text();
      assert.doesNotMatch(landing, /auth\/signin/);
      for (const path of ['/auth/signin', '/auth/callback?code=x&state=y', '/account', '/api/v1/account/factors']) {
        const res = await fetch(portal.url + path, { redirect: 'manual' });
        assert.equal(res.status, 404, path);
      }
    } finally {
      await portal.close();
      await emu.close();
    }
  });
});
