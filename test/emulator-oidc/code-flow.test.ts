// The authorization-code flow with PKCE against the emulator, driven with plain fetch: authorize, the login page,
// the code at the redirect URI (read from Location, never fetched), the token exchange, the ID token checked against
// the JWKS with jose (iss, aud, nonce, claims, amr), userinfo, and the refusals that matter to a client: a replayed
// code, a wrong PKCE verifier, a wrong client secret, a public client without PKCE; plus introspection and revocation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { DEMO_PASSWORD, startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { Browser, DEMO_CLIENT, followToClient, pkce, startSignIn, tokenRequest } from './helpers.js';

interface Tokens {
  access_token: string;
  id_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
}

describe('authorization code + PKCE', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  /** Signs alex in and returns the code and the PKCE verifier. */
  async function codeFor(login = 'alex.all@example.com', nonce = 'n-' + Math.random().toString(36).slice(2)) {
    const b = new Browser();
    const p = pkce();
    const { pageUrl } = await startSignIn(b, emu.issuer, { challenge: p.challenge, nonce, state: 'st-1' });
    const res = await b.post(`${pageUrl}/login`, { username: login, password: DEMO_PASSWORD });
    const cb = await followToClient(b, res, emu.url);
    assert.equal(`${cb.origin}${cb.pathname}`, DEMO_CLIENT.redirect);
    assert.equal(cb.searchParams.get('state'), 'st-1');
    assert.equal(cb.searchParams.get('iss'), emu.issuer);
    const code = cb.searchParams.get('code');
    assert.ok(code);
    return { code, verifier: p.verifier, nonce, browser: b };
  }

  const exchange = (code: string, verifier: string, auth = { id: DEMO_CLIENT.id, secret: DEMO_CLIENT.secret }) =>
    tokenRequest(emu.issuer, { grant_type: 'authorization_code', code, redirect_uri: DEMO_CLIENT.redirect, code_verifier: verifier }, auth);

  test('a full sign-in yields tokens whose ID token verifies against the JWKS', async () => {
    const { code, verifier, nonce } = await codeFor();
    const res = await exchange(code, verifier);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const tokens = (await res.json()) as Tokens;
    assert.equal(tokens.token_type, 'Bearer');
    assert.equal(tokens.expires_in, 3600);
    assert.equal(tokens.scope, 'openid profile email');

    const jwks = createRemoteJWKSet(new URL(`${emu.issuer}/v1/keys`));
    const { payload, protectedHeader } = await jwtVerify(tokens.id_token, jwks, { issuer: emu.issuer, audience: DEMO_CLIENT.id });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.nonce, nonce);
    assert.equal(payload.sub, '00uDemoAlexAll000001');
    assert.equal(payload.email, 'alex.all@example.com');
    assert.equal(payload.preferred_username, 'alex.all@example.com');
    assert.equal(payload.name, 'Alex All');
    assert.deepEqual(payload.amr, ['pwd']);
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 3600);

    const ui = await fetch(`${emu.issuer}/v1/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(ui.status, 200);
    const claims = (await ui.json()) as Record<string, unknown>;
    assert.equal(claims.sub, '00uDemoAlexAll000001');
    assert.equal(claims.email, 'alex.all@example.com');
    assert.equal(claims.given_name, 'Alex');
  });

  test('an ID token with a tampered payload fails verification', async () => {
    const { code, verifier } = await codeFor();
    const tokens = (await (await exchange(code, verifier)).json()) as Tokens;
    const [h, p, s] = tokens.id_token.split('.');
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: '00uDemoAdmin00000001' })).toString('base64url')}.${s}`;
    const jwks = createRemoteJWKSet(new URL(`${emu.issuer}/v1/keys`));
    await assert.rejects(jwtVerify(forged, jwks, { issuer: emu.issuer, audience: DEMO_CLIENT.id }));
  });

  test('a replayed code is refused with invalid_grant and revokes what the first exchange issued', async () => {
    const { code, verifier } = await codeFor();
    const first = await exchange(code, verifier);
    assert.equal(first.status, 200);
    const tokens = (await first.json()) as Tokens;
    const again = await exchange(code, verifier);
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as { error: string }).error, 'invalid_grant');
    const ui = await fetch(`${emu.issuer}/v1/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(ui.status, 401);
  });

  test('a wrong PKCE verifier is refused with invalid_grant', async () => {
    const { code } = await codeFor();
    const res = await exchange(code, pkce().verifier);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
  });

  test('a wrong client secret is refused with invalid_client; the right one works by client_secret_post too', async () => {
    const { code, verifier } = await codeFor();
    const bad = await exchange(code, verifier, { id: DEMO_CLIENT.id, secret: 'wrong-secret-value' });
    assert.equal(bad.status, 401);
    assert.equal(((await bad.json()) as { error: string }).error, 'invalid_client');
    const post = await tokenRequest(emu.issuer, {
      grant_type: 'authorization_code', code, redirect_uri: DEMO_CLIENT.redirect, code_verifier: verifier,
      client_id: DEMO_CLIENT.id, client_secret: DEMO_CLIENT.secret,
    });
    assert.equal(post.status, 200); // the failed attempt did not consume the code
    assert.ok(((await post.json()) as Tokens).id_token);
  });

  test('a redirect_uri that differs from the authorization request is refused', async () => {
    const { code, verifier } = await codeFor();
    const res = await tokenRequest(
      emu.issuer,
      { grant_type: 'authorization_code', code, redirect_uri: 'http://localhost:3000/auth/callback', code_verifier: verifier },
      { id: DEMO_CLIENT.id, secret: DEMO_CLIENT.secret },
    );
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
  });

  test('introspection reports an issued token active and a revoked one inactive', async () => {
    const { code, verifier } = await codeFor();
    const tokens = (await (await exchange(code, verifier)).json()) as Tokens;
    const basic = 'Basic ' + Buffer.from(`${DEMO_CLIENT.id}:${DEMO_CLIENT.secret}`).toString('base64');
    const form = { 'content-type': 'application/x-www-form-urlencoded', authorization: basic };
    const intro = async () =>
      (await (await fetch(`${emu.issuer}/v1/introspect`, { method: 'POST', headers: form, body: `token=${tokens.access_token}` })).json()) as {
        active: boolean;
        sub?: string;
      };
    const live = await intro();
    assert.equal(live.active, true);
    assert.equal(live.sub, '00uDemoAlexAll000001');
    const rev = await fetch(`${emu.issuer}/v1/revoke`, { method: 'POST', headers: form, body: `token=${tokens.access_token}&token_type_hint=access_token` });
    assert.equal(rev.status, 200);
    assert.deepEqual(await intro(), { active: false });
  });

  test('a fault `drop: after` on the token endpoint consumes the code but loses the answer', async () => {
    const { code, verifier } = await codeFor();
    const fault = await fetch(`${emu.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ path: '/oauth2/default/v1/token', method: 'POST', count: 1, drop: 'after' }),
    });
    assert.equal(fault.status, 200);
    await assert.rejects(exchange(code, verifier));
    const retry = await exchange(code, verifier);
    assert.equal(retry.status, 400);
    assert.equal(((await retry.json()) as { error: string }).error, 'invalid_grant');
    const { requests } = (await (await fetch(`${emu.url}/_emulator/requests`)).json()) as { requests: { path: string; status: number }[] };
    assert.deepEqual(requests.filter((r) => r.path === '/oauth2/default/v1/token').slice(-2).map((r) => r.status), [200, 400]);
  });

  test('a public client must send PKCE', async () => {
    const reg = await fetch(`${emu.url}/_emulator/oidc/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: 'public-spa', redirectUris: ['http://127.0.0.1:4100/cb'] }),
    });
    assert.equal(reg.status, 201);
    const b = new Browser();
    const q = new URLSearchParams({ client_id: 'public-spa', redirect_uri: 'http://127.0.0.1:4100/cb', response_type: 'code', scope: 'openid', state: 's', nonce: 'n' });
    const res = await b.get(`${emu.issuer}/v1/authorize?${q}`);
    assert.equal(res.status, 303);
    const loc = new URL(res.headers.get('location') ?? '');
    assert.equal(loc.origin, 'http://127.0.0.1:4100');
    assert.equal(loc.searchParams.get('error'), 'invalid_request');
    assert.match(loc.searchParams.get('error_description') ?? '', /PKCE/);
  });
});
