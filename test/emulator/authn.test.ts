// Classic primary authentication, POST /api/v1/authn (not in the SDK, nor in the management spec), with plain fetch:
// SUCCESS (sessionToken), MFA_REQUIRED (stateToken + factors), PASSWORD_EXPIRED, LOCKED_OUT, and 401 E0000004 for
// a wrong password, an unknown user or a user who may not sign in — so that a caller can prove which password is
// current after an admin password set.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { assertOktaErrorShape, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { PASSWORD, seed, user } from './fixtures.js';

type Json = Record<string, unknown>;

describe('POST /api/v1/authn', () => {
  let emu: TestEmulator;
  const authn = (username: string, password: string, token: string | null = null) =>
    emu.okta('POST', '/api/v1/authn', { json: { username, password }, token });

  before(async () => {
    emu = await startTestEmulator({
      seed: seed([
        user('sam.success@example.com'),
        user('mo.mfa@example.com', { mfaRequired: true, factors: [{ id: 'smsMoMfa000000000001', type: 'sms', phoneNumber: '+15555550131' }] }),
        user('pe.expired@example.com', { status: 'PASSWORD_EXPIRED' }),
        user('lo.locked@example.com', { status: 'LOCKED_OUT' }),
        user('su.suspended@example.com', { status: 'SUSPENDED' }),
        user('de.deprov@example.com', { status: 'DEPROVISIONED', password: undefined }),
        user('st.staged@example.com', { status: 'STAGED', password: undefined }),
        user('ch.change@example.com'),
      ]),
    });
  });
  after(() => emu?.close());
  afterEach(() => emu.assertSdkConformance());

  test('valid credentials → 200 SUCCESS with a sessionToken and the user, no password echoed', async () => {
    const res = await authn('sam.success@example.com', PASSWORD);
    assert.equal(res.status, 200);
    const b = res.body as Json;
    assert.equal(b.status, 'SUCCESS');
    assert.equal(typeof b.sessionToken, 'string');
    assert.ok(String(b.sessionToken).length >= 10);
    assert.equal(typeof b.expiresAt, 'string');
    // Okta's authn reference: every transaction state links `cancel` (SUCCESS included).
    assert.match(String(((b._links as Json)?.cancel as Json)?.href), /\/api\/v1\/authn\/cancel$/);
    const u = (b._embedded as Json).user as Json;
    const me = await emu.client.userApi.getUser({ userId: 'sam.success@example.com' });
    assert.equal(u.id, me.id);
    assert.equal((u.profile as Json).login, 'sam.success@example.com');
    assert.ok(!res.text.includes(PASSWORD));
  });

  test('the login is case-insensitive; also accepted from a trusted app (SSWS header)', async () => {
    assert.equal(((await authn('SAM.Success@example.com', PASSWORD)).body as Json).status, 'SUCCESS');
    assert.equal(((await authn('sam.success@example.com', PASSWORD, emu.apiToken)).body as Json).status, 'SUCCESS');
  });

  test('a user who needs MFA → MFA_REQUIRED with a stateToken and the enrolled factors, no sessionToken', async () => {
    const res = await authn('mo.mfa@example.com', PASSWORD);
    assert.equal(res.status, 200);
    const b = res.body as Json;
    assert.equal(b.status, 'MFA_REQUIRED');
    assert.equal(typeof b.stateToken, 'string');
    assert.equal(b.sessionToken, undefined);
    const factors = (b._embedded as Json).factors as Json[];
    assert.ok(factors.some((f) => f.id === 'smsMoMfa000000000001' && f.factorType === 'sms'));
  });

  // Okta's authn reference (MFA_REQUIRED example): before MFA, phone numbers are masked ("+1 XXX-XXX-1337").
  test('MFA_REQUIRED masks phone numbers as Okta does', async () => {
    const res = await authn('mo.mfa@example.com', PASSWORD);
    assert.ok(!res.text.includes('5555550131'), 'the full number is never shown');
    const sms = ((res.body as Json)._embedded as { factors: Json[] }).factors.find((f) => f.factorType === 'sms');
    assert.equal((sms?.profile as Json).phoneNumber, '+1 XXX-XXX-0131');
  });

  test('PASSWORD_EXPIRED user with the right password → 200 PASSWORD_EXPIRED', async () => {
    const res = await authn('pe.expired@example.com', PASSWORD);
    assert.equal(res.status, 200);
    assert.equal((res.body as Json).status, 'PASSWORD_EXPIRED');
    assert.equal((res.body as Json).sessionToken, undefined);
  });

  // Okta hides lockout unless the org turns on "Show lockout failures" (Security > General; authn reference:
  // "LOCKED_OUT ... if the org's Show lockout failures setting is enabled", else 401 E0000004).
  test('LOCKED_OUT user, default org → the same 401 E0000004 as a wrong password (lockout is not revealed)', async () => {
    const right = await authn('lo.locked@example.com', PASSWORD);
    assertOktaErrorShape(right, 401, 'E0000004');
    assert.equal((right.body as Json).errorSummary, ((await authn('sam.success@example.com', 'Wrong-Password-1')).body as Json).errorSummary);
  });

  test('LOCKED_OUT user, org with showLockoutFailures → 200 LOCKED_OUT', async () => {
    const shown = await startTestEmulator({ seed: seed([user('lo.locked@example.com', { status: 'LOCKED_OUT' })], { showLockoutFailures: true }) });
    try {
      const res = await shown.okta('POST', '/api/v1/authn', { json: { username: 'lo.locked@example.com', password: PASSWORD }, token: null });
      assert.equal(res.status, 200);
      assert.equal((res.body as Json).status, 'LOCKED_OUT');
    } finally {
      await shown.close();
    }
  });

  test('wrong password, unknown user, suspended / deprovisioned / staged users → the same 401 E0000004', async () => {
    const cases: [string, string][] = [
      ['sam.success@example.com', 'Wrong-Password-1'],
      ['nobody.here@example.com', PASSWORD],
      ['su.suspended@example.com', PASSWORD],
      ['de.deprov@example.com', PASSWORD],
      ['st.staged@example.com', PASSWORD],
    ];
    const summaries = new Set<string>();
    for (const [u, p] of cases) {
      const res = await authn(u, p);
      assertOktaErrorShape(res, 401, 'E0000004');
      summaries.add(String((res.body as Json).errorSummary));
    }
    assert.equal(summaries.size, 1, 'no enumeration through different messages');
  });

  test('after an admin password set, only the new password authenticates', async () => {
    const u = await emu.client.userApi.getUser({ userId: 'ch.change@example.com' });
    await emu.client.userApi.updateUser({ userId: u.id!, user: { credentials: { password: { value: 'Set-By-Admin-33' } } } });
    assert.equal(((await authn('ch.change@example.com', 'Set-By-Admin-33')).body as Json).status, 'SUCCESS');
    assertOktaErrorShape(await authn('ch.change@example.com', PASSWORD), 401, 'E0000004');
  });

  test('malformed authn requests get an Okta error, never a crash', async () => {
    const missing = await emu.okta('POST', '/api/v1/authn', { json: { username: 'sam.success@example.com' }, token: null });
    assert.ok([400, 401].includes(missing.status), `status ${missing.status}`);
    assertOktaErrorShape(missing, missing.status);
    const bad = await emu.okta('POST', '/api/v1/authn', { raw: '{"username":', headers: { 'content-type': 'application/json' }, token: null });
    assertOktaErrorShape(bad, 400);
    assert.equal(((await authn('sam.success@example.com', PASSWORD)).body as Json).status, 'SUCCESS');
  });
});
