// The OIDC side's metadata and plumbing: discovery documents at Okta's paths for the default custom authorization
// server, the JWKS, the emulator's headers on OIDC answers, no SSWS token needed, the request log (with credentials
// in the query redacted), and seed validation of oidcClients.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { SeedError, validateSeed } from '../../emulator/src/seed/load.js';

describe('OIDC discovery and keys', () => {
  let emu: RunningEmulator;
  before(async () => {
    emu = await startEmulator();
  });
  after(() => emu.close());

  test('the openid-configuration names the issuer and Okta-style endpoints under /oauth2/default', async () => {
    const res = await fetch(`${emu.url}/oauth2/default/.well-known/openid-configuration`);
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('x-okta-request-id'));
    const doc = (await res.json()) as Record<string, unknown>;
    const base = `${emu.url}/oauth2/default`;
    assert.equal(emu.issuer, base);
    assert.equal(doc.issuer, base);
    assert.equal(doc.authorization_endpoint, `${base}/v1/authorize`);
    assert.equal(doc.token_endpoint, `${base}/v1/token`);
    assert.equal(doc.userinfo_endpoint, `${base}/v1/userinfo`);
    assert.equal(doc.jwks_uri, `${base}/v1/keys`);
    assert.equal(doc.end_session_endpoint, `${base}/v1/logout`);
    assert.equal(doc.revocation_endpoint, `${base}/v1/revoke`);
    assert.equal(doc.introspection_endpoint, `${base}/v1/introspect`);
    assert.deepEqual(doc.response_types_supported, ['code']);
    assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(doc.id_token_signing_alg_values_supported, ['RS256']);
    assert.deepEqual(
      [...(doc.token_endpoint_auth_methods_supported as string[])].sort(),
      ['client_secret_basic', 'client_secret_post', 'none'],
    );
    for (const s of ['openid', 'profile', 'email']) assert.ok((doc.scopes_supported as string[]).includes(s), s);
    for (const c of ['sub', 'email', 'name', 'preferred_username', 'amr']) assert.ok((doc.claims_supported as string[]).includes(c), c);
  });

  test('oauth-authorization-server is served too, with the same issuer', async () => {
    const res = await fetch(`${emu.url}/oauth2/default/.well-known/oauth-authorization-server`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as Record<string, unknown>;
    assert.equal(doc.issuer, emu.issuer);
    assert.equal(doc.token_endpoint, `${emu.issuer}/v1/token`);
  });

  test('the JWKS holds one public RS256 signing key and no private parts', async () => {
    const res = await fetch(`${emu.issuer}/v1/keys`);
    assert.equal(res.status, 200);
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    assert.equal(keys.length, 1);
    const key = keys[0] ?? {};
    assert.equal(key.kty, 'RSA');
    assert.equal(key.alg, 'RS256');
    assert.equal(key.use, 'sig');
    assert.ok(typeof key.kid === 'string' && key.kid.length > 0);
    for (const priv of ['d', 'p', 'q', 'dp', 'dq', 'qi']) assert.equal(key[priv], undefined, priv);
  });

  test('OIDC paths need no SSWS token, are rate-limit counted and land in the request log with credentials redacted', async () => {
    await fetch(`${emu.url}/_emulator/requests`, { method: 'DELETE' });
    const res = await fetch(`${emu.issuer}/v1/logout?id_token_hint=eyJ.secret.token&state=s1`);
    await res.arrayBuffer();
    assert.ok(res.headers.get('x-rate-limit-remaining'));
    const unknown = await fetch(`${emu.url}/oauth2/default/v1/nope`);
    assert.equal(unknown.status, 404); // not 401: /oauth2 never asks for the API token
    assert.equal(((await unknown.json()) as { errorCode: string }).errorCode, 'E0000007');
    const { requests } = (await (await fetch(`${emu.url}/_emulator/requests`)).json()) as {
      requests: { path: string; query: Record<string, string>; status: number }[];
    };
    const logout = requests.find((r) => r.path === '/oauth2/default/v1/logout');
    assert.ok(logout, JSON.stringify(requests));
    assert.equal(logout.query.id_token_hint, '[redacted]');
    assert.equal(logout.query.state, 's1');
    assert.ok(requests.some((r) => r.path === '/oauth2/default/v1/nope' && r.status === 404));
  });

  test('the login stylesheet is served same-origin', async () => {
    const res = await fetch(`${emu.url}/oauth2/default/assets/login.css`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/css/);
  });
});

describe('seed oidcClients validation', () => {
  const base = { users: [] };
  test('a valid client passes and gets defaults', () => {
    const seed = validateSeed({ ...base, oidcClients: [{ clientId: 'spa-app', redirectUris: ['http://127.0.0.1:5000/cb'] }] });
    assert.deepEqual(seed.oidcClients[0]?.postLogoutRedirectUris, []);
    assert.equal(seed.oidcClients[0]?.mfaRequired, false);
  });
  for (const [name, clients, field] of [
    ['duplicate ids', [{ clientId: 'app', redirectUris: ['http://a.test/cb'] }, { clientId: 'app', redirectUris: ['http://b.test/cb'] }], 'oidcClients[1].clientId'],
    ['a secret on a public client', [{ clientId: 'app', clientSecret: 'longenough', tokenEndpointAuthMethod: 'none', redirectUris: ['http://a.test/cb'] }], 'oidcClients[0].clientSecret'],
    ['basic auth without a secret', [{ clientId: 'app', tokenEndpointAuthMethod: 'client_secret_basic', redirectUris: ['http://a.test/cb'] }], 'oidcClients[0].clientSecret'],
    ['a redirect URI with a fragment', [{ clientId: 'app', redirectUris: ['http://a.test/cb#x'] }], 'oidcClients[0].redirectUris[0]'],
    ['a non-http redirect URI', [{ clientId: 'app', redirectUris: ['javascript:alert(1)'] }], 'oidcClients[0].redirectUris[0]'],
    ['no redirect URI', [{ clientId: 'app', redirectUris: [] }], 'oidcClients[0].redirectUris'],
    ['an unknown key', [{ clientId: 'app', redirectUris: ['http://a.test/cb'], grantTypes: ['implicit'] }], 'oidcClients[0]'],
  ] as const) {
    test(`refuses ${name}, naming the field`, () => {
      assert.throws(
        () => validateSeed({ ...base, oidcClients: clients }),
        (err: unknown) => err instanceof SeedError && err.message.includes(`${field}`),
      );
    });
  }
});
