// RP-initiated logout at /oauth2/default/v1/logout with id_token_hint and a registered post_logout_redirect_uri
// (a confirmation form, no script), single sign-on before logout and a fresh login after it; runtime client
// registration through the control API (the portal's callback URL is only known at run time), its validation,
// listing without secrets, replacement, deletion, and /_emulator/reset keeping clients but ending sessions.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEMO_PASSWORD, startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { Browser, DEMO_CLIENT, followToClient, pkce, startSignIn, tokenRequest } from './helpers.js';

describe('logout and clients', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  const register = (body: unknown) =>
    fetch(`${emu.url}/_emulator/oidc/clients`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  async function signIn(b: Browser, clientId = DEMO_CLIENT.id, redirectUri = DEMO_CLIENT.redirect, secret: string | null = DEMO_CLIENT.secret) {
    const p = pkce();
    const { pageUrl } = await startSignIn(b, emu.issuer, { clientId, redirectUri, challenge: p.challenge });
    const res = await b.post(`${pageUrl}/login`, { username: 'alex.all@example.com', password: DEMO_PASSWORD });
    const cb = await followToClient(b, res, emu.url);
    const form: Record<string, string> = { grant_type: 'authorization_code', code: cb.searchParams.get('code') ?? '', redirect_uri: redirectUri, code_verifier: p.verifier };
    if (secret === null) form.client_id = clientId;
    const t = await tokenRequest(emu.issuer, form, secret === null ? undefined : { id: clientId, secret });
    assert.equal(t.status, 200, await t.clone().text());
    return (await t.json()) as { id_token: string; access_token: string };
  }

  function authorizeUrl(state = 'again') {
    const q = new URLSearchParams({
      client_id: DEMO_CLIENT.id, redirect_uri: DEMO_CLIENT.redirect, response_type: 'code', scope: 'openid', state, nonce: 'n2',
      code_challenge: pkce().challenge, code_challenge_method: 'S256',
    });
    return `${emu.issuer}/v1/authorize?${q}`;
  }

  test('logout with id_token_hint confirms, ends the session and returns to the registered URI with state', async () => {
    const b = new Browser();
    const { id_token } = await signIn(b);

    // Single sign-on: a second authorization goes straight back to the client.
    const sso = await b.get(authorizeUrl());
    assert.equal(new URL(sso.headers.get('location') ?? '').origin, 'http://127.0.0.1:3000');

    const q = new URLSearchParams({ id_token_hint: id_token, post_logout_redirect_uri: 'http://127.0.0.1:3000/', state: 'bye' });
    const page = await b.get(`${emu.issuer}/v1/logout?${q}`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy') ?? '', /form-action 'self' http:\/\/127\.0\.0\.1:3000/);
    const html = await page.text();
    assert.doesNotMatch(html, /<script/i);
    const action = /<form[^>]*id="op.logoutForm"[^>]*action="([^"]+)"/.exec(html)?.[1] ?? /action="([^"]+)"[^>]*id="op.logoutForm"/.exec(html)?.[1];
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(html)?.[1];
    assert.ok(action && xsrf, html);
    assert.match(html, /<button type="submit" form="op.logoutForm" name="logout" value="yes"/);

    const done = await b.post(new URL(action, emu.url).href, { xsrf, logout: 'yes' });
    assert.equal(done.status, 303);
    const back = new URL(done.headers.get('location') ?? '');
    assert.equal(`${back.origin}${back.pathname}`, 'http://127.0.0.1:3000/');
    assert.equal(back.searchParams.get('state'), 'bye');

    // The session is gone: authorize asks for the password again.
    const fresh = await b.get(authorizeUrl());
    assert.match(fresh.headers.get('location') ?? '', /\/oauth2\/default\/interaction\//);
  });

  test('logout refuses a post_logout_redirect_uri the client did not register', async () => {
    const b = new Browser();
    const { id_token } = await signIn(b);
    const q = new URLSearchParams({ id_token_hint: id_token, post_logout_redirect_uri: 'http://evil.test/' });
    const res = await b.get(`${emu.issuer}/v1/logout?${q}`);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.match(await res.text(), /post_logout_redirect_uri/);
  });

  test('a client registered at run time works for the whole flow; listing never shows secrets', async () => {
    const redirect = 'http://127.0.0.1:45678/auth/callback';
    const res = await register({ clientId: 'portal-test-1', clientSecret: 'runtime-secret-123', redirectUris: [redirect], postLogoutRedirectUris: ['http://127.0.0.1:45678/'] });
    assert.equal(res.status, 201);
    const body = (await res.json()) as { client: Record<string, unknown> };
    assert.equal(body.client.tokenEndpointAuthMethod, 'client_secret_basic');
    assert.equal(body.client.clientSecret, undefined);

    const tokens = await signIn(new Browser(), 'portal-test-1', redirect, 'runtime-secret-123');
    assert.ok(tokens.id_token);

    const list = (await (await fetch(`${emu.url}/_emulator/oidc/clients`)).json()) as { issuer: string; clients: Record<string, unknown>[] };
    assert.equal(list.issuer, emu.issuer);
    assert.ok(list.clients.some((c) => c.clientId === 'portal-test-1'));
    assert.ok(list.clients.some((c) => c.clientId === DEMO_CLIENT.id));
    assert.doesNotMatch(JSON.stringify(list), /runtime-secret-123|dev-client-secret/);
  });

  test('a public client registered at run time signs in with PKCE and no secret', async () => {
    const redirect = 'http://localhost:45679/cb';
    assert.equal((await register({ clientId: 'public-runtime', redirectUris: [redirect] })).status, 201);
    const tokens = await signIn(new Browser(), 'public-runtime', redirect, null);
    assert.ok(tokens.access_token);
  });

  test('registering again replaces the client (200); a redirect URI not registered is refused without redirecting', async () => {
    assert.equal((await register({ clientId: 'replace-me', clientSecret: 'first-secret-1', redirectUris: ['http://127.0.0.1:5001/cb'] })).status, 201);
    assert.equal((await register({ clientId: 'replace-me', clientSecret: 'second-secret-2', redirectUris: ['http://127.0.0.1:5002/cb'] })).status, 200);
    const b = new Browser();
    const q = new URLSearchParams({ client_id: 'replace-me', redirect_uri: 'http://127.0.0.1:5001/cb', response_type: 'code', scope: 'openid', state: 's', nonce: 'n', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    const res = await b.get(`${emu.issuer}/v1/authorize?${q}`);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
    assert.match(await res.text(), /redirect_uri/);
  });

  test('bad registrations get 400 naming the field; delete removes a client', async () => {
    const noRedirect = await register({ clientId: 'bad-one' });
    assert.equal(noRedirect.status, 400);
    assert.match(((await noRedirect.json()) as { error: string }).error, /redirectUris/);
    const badUri = await register({ clientId: 'bad-two', redirectUris: ['not a url'] });
    assert.equal(badUri.status, 400);
    assert.match(((await badUri.json()) as { error: string }).error, /redirectUris\.0/);
    const extra = await register({ clientId: 'bad-three', redirectUris: ['http://a.test/cb'], grant_types: ['implicit'] });
    assert.equal(extra.status, 400);

    assert.equal((await register({ clientId: 'delete-me', redirectUris: ['http://127.0.0.1:5003/cb'] })).status, 201);
    assert.equal((await fetch(`${emu.url}/_emulator/oidc/clients/delete-me`, { method: 'DELETE' })).status, 200);
    assert.equal((await fetch(`${emu.url}/_emulator/oidc/clients/delete-me`, { method: 'DELETE' })).status, 404);
  });

  test('reset keeps runtime clients but ends sessions and invalidates tokens', async () => {
    const redirect = 'http://127.0.0.1:45680/cb';
    assert.equal((await register({ clientId: 'survivor', clientSecret: 'survivor-secret', redirectUris: [redirect] })).status, 201);
    const b = new Browser();
    const tokens = await signIn(b, 'survivor', redirect, 'survivor-secret');
    assert.equal((await fetch(`${emu.url}/_emulator/reset`, { method: 'POST' })).status, 200);
    const ui = await fetch(`${emu.issuer}/v1/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(ui.status, 401);
    // Same browser: no single sign-on any more, and the client still exists.
    const q = new URLSearchParams({ client_id: 'survivor', redirect_uri: redirect, response_type: 'code', scope: 'openid', state: 's', nonce: 'n', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    const res = await b.get(`${emu.issuer}/v1/authorize?${q}`);
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location') ?? '', /\/oauth2\/default\/interaction\//);
  });
});
