// DPoP-bound service apps (issue 15, item 10's "DPoP-required apps refusing plain tokens with Okta's error"): the
// token endpoint verifies DPoP proofs and binds the token, and the management API takes such a token only with the
// DPoP scheme and a matching proof. Sources: RFC 9449 (proof claims htm, htu, iat, jti, ath, nonce; the thumbprint
// binding), Okta's DPoP guide for Okta resource servers and its support article "The DPoP Proof JWT Header Is
// Missing" (400 invalid_dpop_proof at /token; use_dpop_nonce with a DPoP-Nonce header), okta-sdk-python issue 541
// (Okta's management API answers a bad proof with 400 and `WWW-Authenticate: DPoP … error="invalid_dpop_proof",
// error_description="'htu' claim in the DPoP proof JWT is invalid."`), and okta-sdk-nodejs's own DPoP support
// (src/oauth.js, src/dpop.js), which drives the happy path here.
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID, createHash, type KeyObject } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { Client } from '@okta/okta-sdk-nodejs';
import { SignJWT } from 'jose';
import { MANAGE, READ } from '../../emulator/src/oauth/scopes.js';
import { RecordingRequestExecutor, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { validateResponse, validateSchema } from '../helpers/openapi.js';
import { seed, user } from './fixtures.js';

type Json = Record<string, unknown>;
const DPOP = '0oaPortalDpop0000001';
const PLAIN = '0oaPortalPlain000001';
const TARGET = 'dora.dpop@example.com';

function rsaClientKey(kid: string) {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { privateKey, privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), jwk: { ...publicKey.export({ format: 'jwk' }), kid, use: 'sig', alg: 'RS256' } };
}
function ecProofKey() {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, jwk: publicKey.export({ format: 'jwk' }) as Json };
}

describe('DPoP-bound service apps: proofs at /oauth2/v1/token and on the management API', () => {
  let emu: TestEmulator;
  const client = rsaClientKey('kid-dpop-1');
  const proofKey = ecProofKey();
  const otherProofKey = ecProofKey();

  before(async () => {
    emu = await startTestEmulator({
      seed: seed([user(TARGET, { status: 'LOCKED_OUT' })], {
        serviceApps: [
          { clientId: DPOP, jwks: { keys: [client.jwk as never] }, scopes: [READ, MANAGE], dpopRequired: true },
          { clientId: PLAIN, jwks: { keys: [client.jwk as never] }, scopes: [READ, MANAGE] },
        ],
      }),
    });
  });
  after(() => emu?.close());

  const tokenUrl = () => `${emu.url}/oauth2/v1/token`;
  const assertion = (clientId: string) => {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: 'RS256', kid: 'kid-dpop-1' })
      .setIssuer(clientId)
      .setSubject(clientId)
      .setAudience(tokenUrl())
      .setIssuedAt(now)
      .setExpirationTime(now + 300)
      .setJti(randomUUID())
      .sign(client.privateKey);
  };
  function proof(o: { htm: string; htu: string; nonce?: string; ath?: string; key?: { privateKey: KeyObject; jwk: Json }; iat?: number; jti?: string; typ?: string }) {
    const key = o.key ?? proofKey;
    return new SignJWT({ htm: o.htm, htu: o.htu, ...(o.nonce ? { nonce: o.nonce } : {}), ...(o.ath ? { ath: o.ath } : {}) })
      .setProtectedHeader({ alg: 'ES256', typ: o.typ ?? 'dpop+jwt', jwk: key.jwk })
      .setIssuedAt(o.iat ?? Math.floor(Date.now() / 1000))
      .setJti(o.jti ?? randomUUID())
      .sign(key.privateKey);
  }
  async function tokenRequest(clientId: string, scope: string, dpop?: string) {
    const res = await fetch(tokenUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json', ...(dpop ? { dpop } : {}) },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        scope,
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: await assertion(clientId),
      }).toString(),
    });
    return { status: res.status, body: (await res.json()) as Json, headers: res.headers };
  }
  /** The nonce dance: a proof without a nonce earns use_dpop_nonce and a DPoP-Nonce; the retry gets the token. */
  async function dpopToken(scope = `${READ} ${MANAGE}`): Promise<string> {
    const first = await tokenRequest(DPOP, scope, await proof({ htm: 'POST', htu: tokenUrl() }));
    assert.equal(first.status, 400);
    assert.equal(first.body.error, 'use_dpop_nonce');
    const nonce = first.headers.get('dpop-nonce') ?? '';
    assert.ok(nonce.length >= 16, 'DPoP-Nonce header');
    const second = await tokenRequest(DPOP, scope, await proof({ htm: 'POST', htu: tokenUrl(), nonce }));
    assert.equal(second.status, 200, JSON.stringify(second.body));
    assert.equal(second.body.token_type, 'DPoP');
    return String(second.body.access_token);
  }
  const ath = (token: string) => createHash('sha256').update(token).digest('base64url');
  const userPath = `/api/v1/users/${encodeURIComponent(TARGET)}`;
  async function api(path: string, authorization: string, dpop?: string, method = 'GET') {
    const res = await fetch(emu.url + path, { method, headers: { authorization, accept: 'application/json', ...(dpop ? { dpop } : {}), ...(method === 'POST' ? { 'content-length': '0' } : {}) } });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Json | undefined, challenge: res.headers.get('www-authenticate') ?? '' };
  }

  test('okta-sdk-nodejs with a DPoP-bound app: use_dpop_nonce, then a DPoP token, then DPoP-authorised API calls that validate against the spec', async () => {
    const recorder = new RecordingRequestExecutor(0);
    const sdk = new Client({
      orgUrl: emu.url,
      authorizationMode: 'PrivateKey',
      clientId: DPOP,
      scopes: [READ, MANAGE],
      privateKey: client.privatePem,
      keyId: 'kid-dpop-1',
      cacheMiddleware: null,
      requestExecutor: recorder,
    });
    const u = await sdk.userApi.getUser({ userId: TARGET });
    assert.equal(u.profile?.login, TARGET);
    await sdk.userApi.listUsers({ limit: 2 }).then(async (c) => {
      for await (const x of c) assert.ok(x);
    });
    await recorder.settle();
    const token = recorder.responses.filter((r) => r.path === '/oauth2/v1/token');
    assert.deepEqual(token.map((r) => r.status), [400, 200], 'the nonce round trip');
    assert.equal((token[0]?.body as Json).error, 'use_dpop_nonce');
    assert.equal((token[1]?.body as Json).token_type, 'DPoP');
    const calls = recorder.responses.filter((r) => r.path.startsWith('/api/v1/'));
    assert.ok(calls.length >= 2);
    for (const r of calls) {
      assert.equal(r.status, 200);
      assert.match(r.requestHeaders.dpop ?? '', /^ey/, 'the SDK sent a proof');
      assert.deepEqual(validateResponse(r.method, r.path, r.status, r.body), []);
    }
  });

  test('a DPoP-bound token sent as a plain Bearer token is refused: 400, WWW-Authenticate DPoP error="invalid_dpop_proof"', async () => {
    const at = await dpopToken();
    const res = await api(userPath, `Bearer ${at}`);
    assert.equal(res.status, 400);
    assert.equal(res.body?.errorCode, 'E0000011');
    assert.match(res.challenge, /^DPoP /);
    assert.match(res.challenge, /error="invalid_dpop_proof"/);
    // getUser documents no 400; Okta's DPoP refusal is still an Okta Error object (emulator/README.md deviations)
    assert.deepEqual(validateSchema('Error', res.body), []);
    // …while the same token with the DPoP scheme and a proof works
    const ok = await api(userPath, `DPoP ${at}`, await proof({ htm: 'GET', htu: emu.url + userPath, ath: ath(at) }));
    assert.equal(ok.status, 200);
  });

  test('bad proofs on the management API: missing, wrong htm/htu/ath, another key, an old iat, a replayed jti, wrong typ → 400 invalid_dpop_proof naming the problem', async () => {
    const at = await dpopToken();
    const htu = emu.url + userPath;
    const jti = randomUUID();
    assert.equal((await api(userPath, `DPoP ${at}`, await proof({ htm: 'GET', htu, ath: ath(at), jti }))).status, 200);
    const cases: [string, string | undefined, RegExp][] = [
      ['no proof', undefined, /header is missing/],
      ['wrong htm', await proof({ htm: 'POST', htu, ath: ath(at) }), /'htm' claim/],
      ['wrong htu', await proof({ htm: 'GET', htu: `${emu.url}/api/v1/users/me`, ath: ath(at) }), /'htu' claim/],
      ['no ath', await proof({ htm: 'GET', htu }), /'ath' claim/],
      ['ath of another token', await proof({ htm: 'GET', htu, ath: ath('another-token') }), /'ath' claim/],
      ['another key', await proof({ htm: 'GET', htu, ath: ath(at), key: otherProofKey }), /does not match the key/],
      ['an hour old', await proof({ htm: 'GET', htu, ath: ath(at), iat: Math.floor(Date.now() / 1000) - 3600 }), /'iat' claim/],
      ['replayed jti', await proof({ htm: 'GET', htu, ath: ath(at), jti }), /'jti' claim/],
      ['typ JWT', await proof({ htm: 'GET', htu, ath: ath(at), typ: 'JWT' }), /'typ'/],
      ['not a JWT', 'not-a-proof', /malformed/],
    ];
    for (const [label, dpop, description] of cases) {
      const res = await api(userPath, `DPoP ${at}`, dpop);
      assert.equal(res.status, 400, label);
      assert.match(res.challenge, /error="invalid_dpop_proof"/, label);
      assert.match(res.challenge, description, label);
      assert.doesNotMatch(res.challenge + JSON.stringify(res.body), new RegExp(at.replace(/[.]/g, '\\.')), `${label}: the token is not echoed`);
    }
    // a plain Bearer token may not pose as a DPoP one, and an unknown token is 401 E0000011
    const plain = await tokenRequest(PLAIN, READ);
    assert.equal(plain.body.token_type, 'Bearer');
    const posing = await api(userPath, `DPoP ${String(plain.body.access_token)}`, await proof({ htm: 'GET', htu, ath: ath(String(plain.body.access_token)) }));
    assert.equal(posing.status, 400);
    assert.equal((await api(userPath, 'DPoP made-up-token', await proof({ htm: 'GET', htu, ath: ath('made-up-token') }))).status, 401);
  });

  test('scopes still apply to a DPoP token: a read-only token cannot unlock (403 E0000006)', async () => {
    const at = await dpopToken(READ);
    const path = `${userPath}/lifecycle/unlock`;
    const res = await api(path, `DPoP ${at}`, await proof({ htm: 'POST', htu: emu.url + path, ath: ath(at) }), 'POST');
    assert.equal(res.status, 403);
    assert.equal(res.body?.errorCode, 'E0000006');
    assert.match(res.challenge, /error="insufficient_scope"/);
  });

  test('the token endpoint: no proof → invalid_dpop_proof ("The DPoP proof JWT header is missing."), a made-up nonce → use_dpop_nonce, a bad proof → invalid_dpop_proof; apps without DPoP ignore a proof', async () => {
    const missing = await tokenRequest(DPOP, READ);
    assert.equal(missing.status, 400);
    assert.deepEqual(missing.body, { error: 'invalid_dpop_proof', error_description: 'The DPoP proof JWT header is missing.' });
    const madeUp = await tokenRequest(DPOP, READ, await proof({ htm: 'POST', htu: tokenUrl(), nonce: 'not-issued-by-the-server' }));
    assert.equal(madeUp.body.error, 'use_dpop_nonce');
    const nonce = madeUp.headers.get('dpop-nonce') ?? '';
    const wrongHtu = await tokenRequest(DPOP, READ, await proof({ htm: 'POST', htu: `${emu.url}/oauth2/default/v1/token`, nonce }));
    assert.equal(wrongHtu.body.error, 'invalid_dpop_proof');
    assert.match(String(wrongHtu.body.error_description), /'htu' claim/);
    const wrongHtm = await tokenRequest(DPOP, READ, await proof({ htm: 'GET', htu: tokenUrl(), nonce }));
    assert.match(String(wrongHtm.body.error_description), /'htm' claim/);
    // the SDK always sends a proof; an app that does not require DPoP ignores it and issues a Bearer token
    const plain = await tokenRequest(PLAIN, READ, await proof({ htm: 'POST', htu: tokenUrl() }));
    assert.equal(plain.status, 200);
    assert.equal(plain.body.token_type, 'Bearer');
  });
});
