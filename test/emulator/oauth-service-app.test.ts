// OAuth 2.0 service apps (Okta's "OAuth for Okta" with a service app): POST /oauth2/v1/token with client_credentials
// and a private_key_jwt client assertion, Bearer access tokens on the management API, and okta.* scopes enforced per
// operation. Sources: developer.okta.com "Implement OAuth for Okta with a service app" (client assertion claims, one
// hour tokens, scopes granted per app), the spec's per-operation `security` (which scope each call needs, 403
// E0000006 ErrorAccessDenied403), Okta's DPoP guide (a DPoP-bound app refuses a request without a proof:
// invalid_dpop_proof), and okta-sdk-nodejs's own PrivateKey mode, which drives the happy path here.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, type KeyObject } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from '@okta/okta-sdk-nodejs';
import { SignJWT } from 'jose';
import { READ, MANAGE, requiredScope } from '../../emulator/src/oauth/scopes.js';
import { RecordingRequestExecutor, expectOktaError, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { operationScopes, validateResponse } from '../helpers/openapi.js';
import { seed, user } from './fixtures.js';

const FULL = '0oaPortalFull0000001';
const READER = '0oaPortalRead0000001';
const DPOP = '0oaPortalDpop0000001';
const TARGET = 'tia.target@example.com';

function keyPair(kid: string): { privateKey: KeyObject; privatePem: string; jwk: Record<string, unknown> } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privateKey,
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' },
  };
}

type Json = Record<string, unknown>;

describe('OAuth service apps: /oauth2/v1/token, Bearer tokens, scopes', () => {
  let emu: TestEmulator;
  const key = keyPair('kid-portal-1');
  const other = keyPair('kid-other-1');

  before(async () => {
    emu = await startTestEmulator({
      seed: seed([user(TARGET, { status: 'LOCKED_OUT' })], {
        serviceApps: [
          { clientId: FULL, jwks: { keys: [key.jwk as never] }, scopes: [READ, MANAGE] },
          { clientId: READER, jwks: { keys: [key.jwk as never] }, scopes: [READ] },
          { clientId: DPOP, jwks: { keys: [key.jwk as never] }, scopes: [READ, MANAGE], dpopRequired: true },
        ],
      }),
    });
  });
  after(() => emu?.close());

  const tokenUrl = () => `${emu.url}/oauth2/v1/token`;
  async function assertion(clientId: string, o: { kid?: string; aud?: string; signWith?: KeyObject; jti?: string; exp?: number } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: o.kid ?? 'kid-portal-1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(o.aud ?? tokenUrl())
      .setIssuedAt(now)
      .setExpirationTime(o.exp ?? now + 300)
      .setJti(o.jti ?? randomUUID())
      .sign(o.signWith ?? key.privateKey);
  }
  async function token(form: Record<string, string>, headers: Record<string, string> = {}): Promise<{ status: number; body: Json; headers: Headers }> {
    const res = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...headers },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
  }
  const grant = async (clientId: string, scope: string, o: Parameters<typeof assertion>[1] = {}) =>
    token({
      grant_type: 'client_credentials',
      scope,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(clientId, o),
    });
  const bearer = (path: string, accessToken: string, method = 'GET') =>
    fetch(emu.url + path, { method, headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });

  test('client_credentials with a signed assertion → a one-hour Bearer token with the granted scopes', async () => {
    const res = await grant(FULL, `${READ} ${MANAGE}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.token_type, 'Bearer');
    assert.equal(res.body.expires_in, 3600);
    assert.equal(res.body.scope, `${READ} ${MANAGE}`);
    assert.equal(typeof res.body.access_token, 'string');
    assert.equal(res.headers.get('cache-control'), 'no-store');
  });

  test('okta-sdk-nodejs in PrivateKey mode gets a token and calls the management API with it', async () => {
    const recorder = new RecordingRequestExecutor(0);
    const client = new Client({
      orgUrl: emu.url,
      authorizationMode: 'PrivateKey',
      clientId: FULL,
      scopes: [READ, MANAGE],
      privateKey: key.privatePem,
      keyId: 'kid-portal-1',
      cacheMiddleware: null,
      requestExecutor: recorder,
    });
    const u = await client.userApi.getUser({ userId: TARGET });
    assert.equal(u.profile?.login, TARGET);
    await recorder.settle();
    const api = recorder.responses.filter((r) => r.path.startsWith('/api/v1/'));
    assert.ok(api.length > 0);
    for (const r of api) assert.deepEqual(validateResponse(r.method, r.path, r.status, r.body), []);
  });

  test('a Bearer token without the operation\'s scope → 403 E0000006 with WWW-Authenticate insufficient_scope (spec security)', async () => {
    const read = await grant(READER, READ);
    assert.equal(read.status, 200);
    const at = String(read.body.access_token);
    assert.equal((await bearer(`/api/v1/users/${encodeURIComponent(TARGET)}`, at)).status, 200);
    const unlock = await bearer(`/api/v1/users/${encodeURIComponent(TARGET)}/lifecycle/unlock`, at, 'POST');
    assert.equal(unlock.status, 403);
    const body = (await unlock.json()) as Json;
    assert.equal(body.errorCode, 'E0000006');
    assert.deepEqual(validateResponse('unlockUser', 403, body), []);
    const challenge = unlock.headers.get('www-authenticate') ?? '';
    assert.match(challenge, /^Bearer /);
    assert.match(challenge, /error="insufficient_scope"/);
    assert.match(challenge, /scope="okta\.users\.manage"/);
    // nothing changed
    const sdk = emu.client;
    assert.equal((await sdk.userApi.getUser({ userId: TARGET })).status, 'LOCKED_OUT');
  });

  test('the same call through the SDK with a read-only app fails with E0000006', async () => {
    const client = new Client({
      orgUrl: emu.url,
      authorizationMode: 'PrivateKey',
      clientId: READER,
      scopes: [READ],
      privateKey: key.privatePem,
      keyId: 'kid-portal-1',
      cacheMiddleware: null,
      requestExecutor: new RecordingRequestExecutor(0),
    });
    await expectOktaError(client.userApi.unlockUser({ userId: TARGET }), 403, 'E0000006');
  });

  test('unknown, expired and made-up Bearer tokens → 401 E0000011 with WWW-Authenticate invalid_token', async () => {
    const made = await bearer('/api/v1/users/me', 'not-a-token');
    assert.equal(made.status, 401);
    assert.equal(((await made.json()) as Json).errorCode, 'E0000011');
    assert.match(made.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const fresh = await grant(FULL, READ);
    const at = String(fresh.body.access_token);
    assert.equal((await bearer(`/api/v1/users/${encodeURIComponent(TARGET)}`, at)).status, 200);
    await emu.control.advance(3601);
    try {
      assert.equal((await bearer(`/api/v1/users/${encodeURIComponent(TARGET)}`, at)).status, 401, 'expired after one hour');
    } finally {
      await emu.control.reset(); // the assertions below are signed with the real time
    }
  });

  test('scopes not granted to the app → 400 invalid_scope naming them; no scope → invalid_scope', async () => {
    const res = await grant(READER, `${READ} ${MANAGE}`);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_scope');
    assert.match(String(res.body.error_description), /okta\.users\.manage/);
    assert.doesNotMatch(String(res.body.error_description), /okta\.users\.read/);
    assert.equal((await grant(READER, '')).body.error, 'invalid_scope');
    assert.equal((await grant(FULL, 'openid')).body.error, 'invalid_scope');
  });

  test('bad client assertions → 401 invalid_client: unknown client, unknown kid, wrong key, wrong audience, replayed jti, too long-lived', async () => {
    const cases: [string, Parameters<typeof assertion>[1], string][] = [
      ['unknown client', {}, '0oaNobody000000000001'],
      ['unknown kid', { kid: 'kid-nope' }, FULL],
      ['signed by another key', { signWith: other.privateKey }, FULL],
      ['audience of another endpoint', { aud: `${emu.url}/oauth2/default/v1/token` }, FULL],
      ['expires in two hours', { exp: Math.floor(Date.now() / 1000) + 7200 }, FULL],
    ];
    for (const [label, o, clientId] of cases) {
      const res = await grant(clientId, READ, o);
      assert.equal(res.status, 401, label);
      assert.equal(res.body.error, 'invalid_client', label);
    }
    const jti = randomUUID();
    assert.equal((await grant(FULL, READ, { jti })).status, 200);
    const replay = await grant(FULL, READ, { jti });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.error, 'invalid_client');
  });

  test('other grant types, a missing assertion and a non-form body are refused with OAuth errors', async () => {
    const noAssertion = await token({ grant_type: 'client_credentials', scope: READ, client_id: FULL });
    assert.equal(noAssertion.status, 401);
    assert.equal(noAssertion.body.error, 'invalid_client');
    const pw = await token({
      grant_type: 'password',
      scope: READ,
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await assertion(FULL),
    });
    assert.equal(pw.status, 400);
    assert.equal(pw.body.error, 'unsupported_grant_type');
    const json = await fetch(tokenUrl(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
    assert.equal(json.status, 400);
    assert.equal(((await json.json()) as Json).error, 'invalid_request');
  });

  test('an app that requires DPoP refuses a plain token request: 400 invalid_dpop_proof (Okta DPoP guide)', async () => {
    const res = await grant(DPOP, READ);
    assert.equal(res.status, 400);
    assert.equal(res.body.error, 'invalid_dpop_proof');
  });

  test('the scope table matches the spec\'s security for every emulated users operation', () => {
    const routes: [string, string][] = [
      ['GET', '/api/v1/users'],
      ['POST', '/api/v1/users'],
      ['GET', '/api/v1/users/:id'],
      ['POST', '/api/v1/users/:id'],
      ['PUT', '/api/v1/users/:id'],
      ['DELETE', '/api/v1/users/:id'],
      ['DELETE', '/api/v1/users/:id/sessions'],
      ['POST', '/api/v1/users/:id/credentials/change_password'],
      ...['activate', 'reactivate', 'deactivate', 'suspend', 'unsuspend', 'unlock', 'expire_password', 'expire_password_with_temp_password', 'reset_password', 'reset_factors'].map(
        (a): [string, string] => ['POST', `/api/v1/users/:id/lifecycle/${a}`],
      ),
      ['GET', '/api/v1/users/:userId/factors'],
      ['POST', '/api/v1/users/:userId/factors'],
      ['GET', '/api/v1/users/:userId/factors/catalog'],
      ['GET', '/api/v1/users/:userId/factors/questions'],
      ['POST', '/api/v1/users/:id/credentials/forgot_password'],
      ['POST', '/api/v1/users/:id/credentials/forgot_password_recovery_question'],
      ['POST', '/api/v1/users/:id/credentials/change_recovery_question'],
      ['GET', '/api/v1/meta/schemas/user/:schemaId'],
      ['GET', '/api/v1/meta/types/user/:typeId'],
      ['GET', '/api/v1/users/:userId/factors/:factorId'],
      ['DELETE', '/api/v1/users/:userId/factors/:factorId'],
      ['POST', '/api/v1/users/:userId/factors/:factorId/lifecycle/activate'],
      ['POST', '/api/v1/users/:userId/factors/:factorId/resend'],
      ['POST', '/api/v1/users/:userId/factors/:factorId/verify'],
      ['GET', '/api/v1/users/:userId/factors/:factorId/transactions/:transactionId'],
      ['GET', '/api/v1/policies'],
    ];
    for (const [method, route] of routes) {
      const concrete = route.replace(/:[A-Za-z]+/g, (p) => (p === ':id' || p === ':userId' ? '00uX' : p === ':factorId' || p === ':transactionId' ? 'x1' : 'default'));
      const spec = operationScopes(method, concrete);
      assert.ok(spec, `${method} ${route} is in the spec`);
      const ours = requiredScope(method, route);
      assert.deepEqual(ours === null || ours === undefined ? [] : [ours], spec, `${method} ${route}`);
    }
  });
});
