/**
 * ID token validation of the portal's OIDC client (src/auth/oidc.ts) against the emulator, over real sockets.
 * The token endpoint's answer is intercepted (openid-client's customFetch) and its ID token tampered with: a changed
 * claim under the original signature, a token signed by another key under the provider's `kid`, an unsigned
 * (`alg: none`) token; and a genuine token with the wrong expected nonce. Each is refused as invalid_id_token; the
 * untouched answer is accepted (so these tests can fail).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPair, SignJWT } from 'jose';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { createOidcClient, OidcError, type OidcClient } from '../../src/auth/index.js';
import { location, Web } from './support.js';

const CLIENT = { id: 'id-token-test', secret: 'id-token-test-secret', redirect: 'http://127.0.0.1:9/cb' };

type Tamper = (idToken: string) => Promise<string> | string;

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const parts = (jwt: string) => {
  const [h = '', p = '', sig = ''] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h, 'base64url').toString()) as Record<string, unknown>, payload: JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>, sig };
};

describe('ID token validation', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator({ port: 0 });
    const res = await fetch(`${emu.url}/_emulator/oidc/clients`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ clientId: CLIENT.id, clientSecret: CLIENT.secret, redirectUris: [CLIENT.redirect] }),
    });
    assert.equal(res.status, 201);
  });
  after(() => emu.close());

  /** A client whose token responses go through `tamper`. */
  function client(tamper?: Tamper): OidcClient {
    return createOidcClient({
      issuer: emu.issuer,
      clientId: CLIENT.id,
      clientSecret: CLIENT.secret,
      redirectUri: CLIENT.redirect,
      scopes: ['openid', 'profile', 'email'],
      timeoutMs: 5000,
      fetch: async (url, init) => {
        const res = await fetch(url, init as RequestInit);
        if (!tamper || !url.endsWith('/v1/token') || res.status !== 200) return res;
        const body = (await res.json()) as { id_token: string };
        body.id_token = await tamper(body.id_token);
        return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
  }

  /** Signs in at the emulator like a browser; returns the callback's query string and the checks. */
  async function callback(c: OidcClient) {
    const start = await c.startSignIn();
    const web = new Web();
    let res = await web.get(start.url);
    let url = location(res, emu.url);
    res = await web.get(url.href);
    assert.equal(res.status, 200);
    res = await web.postForm(`${url.href}/login`, { username: 'alex.all@example.com', password: 'Recover-Me-2026!' });
    for (;;) {
      url = location(res, emu.url);
      if (url.origin !== emu.url) break;
      res = await web.get(url.href);
    }
    return { query: url.search.slice(1), checks: start };
  }

  async function refused(c: OidcClient, checks?: (s: { state: string; nonce: string; codeVerifier: string }) => object) {
    const { query, checks: real } = await callback(c);
    await assert.rejects(
      () => c.finishSignIn(query, { ...real, ...(checks ? checks(real) : {}) }),
      (err: unknown) => err instanceof OidcError && err.reason === 'invalid_id_token',
    );
  }

  test('the untouched ID token is accepted', async () => {
    const c = client((t) => t);
    const { query, checks } = await callback(c);
    const user = await c.finishSignIn(query, checks);
    assert.equal(user.userId, '00uDemoAlexAll000001');
    assert.equal(user.login, 'alex.all@example.com');
  });

  test('a changed claim under the original signature is refused', async () => {
    await refused(
      client((t) => {
        const { header, payload, sig } = parts(t);
        return `${b64(header)}.${b64({ ...payload, sub: '00uDemoAdmin00000001' })}.${sig}`;
      }),
    );
  });

  test('a token signed by another key under the provider\'s kid is refused', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    await refused(
      client(async (t) => {
        const { header, payload } = parts(t);
        return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: String(header.kid) }).sign(privateKey);
      }),
    );
  });

  test('an unsigned (alg none) token is refused', async () => {
    await refused(client((t) => `${b64({ alg: 'none', typ: 'JWT' })}.${b64(parts(t).payload)}.`));
  });

  test('a genuine token with another nonce than this sign-in\'s is refused', async () => {
    await refused(client(), () => ({ nonce: 'a-different-nonce-0123456789abcdef' }));
  });
});
