/**
 * The portal in OAuth service-app mode (OKTA_CLIENT_ID + OKTA_KEY_ID + OKTA_PRIVATE_KEY_FILE) end to end against
 * the emulator's org authorization server: recovery, sign-in and "My security methods" work with exactly the scopes
 * docs/configuration.md tells operators to grant, and no API token is used; an app missing a scope gives the
 * operator a log line that names the scope and the setting to fix.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { demoSeed } from '../../emulator/src/seed/demo.js';
import { totp } from '../helpers/totp.js';
import { ApiClient } from '../helpers/http-client.js';
import { startPortal } from '../helpers/portal.js';
import { authn, DEMO_PASSWORD, emuNowSeconds, emuUser, outboxCode, signIn, startSignInStack, Web, type SignInStack } from '../auth/support.js';

/** The scopes the operator documentation (docs/configuration.md, service-app bullet) says to grant. */
function documentedScopes(): string[] {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
  const bullet = doc.split('\n').findIndex((l) => l.startsWith('- **OAuth 2.0 service app'));
  assert.ok(bullet >= 0, 'docs/configuration.md has the service-app bullet');
  const lines: string[] = [];
  for (const l of doc.split('\n').slice(bullet)) {
    if (lines.length > 0 && (l.trim() === '' || l.startsWith('- '))) break;
    lines.push(l);
  }
  const scopes = [...new Set(lines.join(' ').match(/\*\*`(okta\.[A-Za-z.]+)`\*\*/g) ?? [])].map((s) => s.replace(/[*`]/g, ''));
  assert.ok(scopes.length > 0, 'the bullet lists scopes');
  return scopes;
}

const FULL_APP = '0oaPortalE2eFull0001';
const READ_ONLY_APP = '0oaPortalE2eRead0001';
const DPOP_APP = '0oaPortalE2eDpop0001';
const KEY_ID = 'portal-e2e-key';
const NEW_PASSWORD = 'Service-App-Rec0very!';

describe('OAuth service-app mode against the emulator', () => {
  const scopes = documentedScopes();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const dir = mkdtempSync(join(tmpdir(), 'portal-oauth-'));
  const keyFile = join(dir, 'service-app.pem');
  writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  const jwk = { ...publicKey.export({ format: 'jwk' }), kid: KEY_ID } as never;
  const oauthEnv = (clientId: string, requested = scopes): Record<string, string> => ({
    OKTA_CLIENT_ID: clientId,
    OKTA_KEY_ID: KEY_ID,
    OKTA_PRIVATE_KEY_FILE: keyFile,
    OKTA_SCOPES: requested.join(' '),
  });
  let stack: SignInStack;

  before(async () => {
    const seed = {
      ...demoSeed,
      serviceApps: [
        { clientId: FULL_APP, jwks: { keys: [jwk] }, scopes },
        { clientId: READ_ONLY_APP, jwks: { keys: [jwk] }, scopes: scopes.filter((s) => s.endsWith('.read')) },
        { clientId: DPOP_APP, jwks: { keys: [jwk] }, scopes, dpopRequired: true },
      ],
    };
    stack = await startSignInStack({ seed, env: (emu) => ({ ...oauthEnv(FULL_APP), OKTA_ORG_URL: emu.url }) });
  });
  after(async () => {
    await stack?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the documented scopes are okta.users.read and okta.users.manage', () => {
    assert.deepEqual([...scopes].sort(), ['okta.users.manage', 'okta.users.read']);
  });

  test('recovery by SMS works with the service app; a token was issued and every Okta call was accepted', async () => {
    await fetch(`${stack.emu.url}/_emulator/requests`, { method: 'DELETE' });
    const login = 'sam.sms@example.com';
    const client = new ApiClient(stack.portal.url);
    const started = await client.request<{ methods: { method: string }[] }>('POST', '/api/v1/recovery', { username: login });
    assert.equal(started.status, 200, JSON.stringify(started.body));
    assert.equal((await client.request('POST', '/api/v1/recovery/challenge', { method: 'sms' })).status, 200);
    const verified = await client.request('POST', '/api/v1/recovery/verify', { code: await outboxCode(stack.emu.url, login) });
    assert.equal(verified.status, 200, JSON.stringify(verified.body));
    const changed = await client.request('POST', '/api/v1/recovery/password', {
      ott: verified.body.ott,
      password: NEW_PASSWORD,
      confirmPassword: NEW_PASSWORD,
      revokeSessions: true,
    });
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    assert.equal(await authn(stack.emu.url, login, NEW_PASSWORD), 200);
    const { requests } = (await (await fetch(`${stack.emu.url}/_emulator/requests`)).json()) as { requests: { path: string; status: number }[] };
    assert.ok(requests.some((r) => r.path === '/oauth2/v1/token' && r.status === 200), 'a token was issued');
    assert.ok(requests.filter((r) => r.path.startsWith('/api/v1/users')).every((r) => r.status < 400), JSON.stringify(requests));
  });

  test('sign-in and "My security methods": list, enrol and activate an authenticator app', async () => {
    const web = new Web();
    await signIn(web, stack, 'nora.none@example.com', DEMO_PASSWORD);
    const api = <T = Record<string, unknown>>(method: 'GET' | 'POST', path: string, body?: unknown) =>
      web.api<T>(stack.portal.url, method, `/api/v1/account${path}`, body);
    const list = await api<{ factors: unknown[] }>('GET', '/factors');
    assert.equal(list.status, 200, JSON.stringify(list.body));
    const start = await api<{ secret: string }>('POST', '/enrolment', { method: 'google-authenticator' });
    assert.equal(start.status, 200, JSON.stringify(start.body));
    const done = await api('POST', '/enrolment/activate', { code: totp(start.body.secret, await emuNowSeconds(stack.emu.url)) });
    assert.equal(done.status, 200, JSON.stringify(done.body));
    const google = (await emuUser(stack.emu.url, 'nora.none@example.com')).factors.find((f) => f.provider === 'GOOGLE');
    assert.equal(google?.status, 'ACTIVE');
  });

  test('an app without okta.users.manage: the operator log names the missing scope and the setting', async () => {
    const portal = await startPortal(stack.emu, { ...oauthEnv(READ_ONLY_APP, ['okta.users.read']), OKTA_ORG_URL: stack.emu.url });
    try {
      const client = new ApiClient(portal.url);
      const started = await client.request('POST', '/api/v1/recovery', { username: 'vic.voice@example.com' });
      assert.equal(started.status, 200, 'reading users needs only okta.users.read');
      const challenged = await client.request<{ error: { code: string } }>('POST', '/api/v1/recovery/challenge', { method: 'call' });
      assert.equal(challenged.body.error?.code, 'IDP_UNAVAILABLE');
      const log = portal.logText();
      assert.match(log, /lacks the scope okta\.users\.manage/);
      assert.match(log, /OKTA_SCOPES/);
    } finally {
      await portal.close();
    }
  });

  test('OKTA_SCOPES asks for a scope the app is not granted: the log says which and where to fix it', async () => {
    const portal = await startPortal(stack.emu, { ...oauthEnv(READ_ONLY_APP), OKTA_ORG_URL: stack.emu.url });
    try {
      const started = await new ApiClient(portal.url).request<{ error: { code: string } }>('POST', '/api/v1/recovery', { username: 'vic.voice@example.com' });
      assert.equal(started.body.error?.code, 'IDP_UNAVAILABLE');
      assert.match(portal.logText(), /refused the scopes in OKTA_SCOPES \(okta\.users\.manage\)/);
      assert.doesNotMatch(portal.logText(), /BEGIN PRIVATE KEY|client_assertion=/, 'no key or assertion in the log');
    } finally {
      await portal.close();
    }
  });

  test('an app that requires DPoP (Okta: 400 invalid_dpop_proof at /token): the log tells the operator to turn "Require DPoP" off', async () => {
    const portal = await startPortal(stack.emu, { ...oauthEnv(DPOP_APP), OKTA_ORG_URL: stack.emu.url });
    try {
      const started = await new ApiClient(portal.url).request<{ error: { code: string } }>('POST', '/api/v1/recovery', { username: 'vic.voice@example.com' });
      assert.equal(started.body.error?.code, 'IDP_UNAVAILABLE');
      assert.match(portal.logText(), /requires DPoP-bound tokens/);
      assert.match(portal.logText(), /Require DPoP/);
    } finally {
      await portal.close();
    }
  });
});
