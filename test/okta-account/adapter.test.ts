// The Okta account adapter against the emulator, through real sockets: every factor type enrolled and activated
// (ending ACTIVE at the emulator), resend, push activation, unenrol, change password, and the error mapping.
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { URL } from 'node:url';
import { isPortalError, type PortalError } from '../../src/core/errors.js';
import { acceptableQrHref } from '../../src/okta/account.js';
import { ANN, BOB, PASSWORD, startAccountOrg, type AccountOrg } from './org.js';

let org: AccountOrg;

before(async () => {
  org = await startAccountOrg();
});
after(async () => {
  await org.close();
});
beforeEach(async () => {
  await org.control('POST', 'reset');
});

async function portalError(p: Promise<unknown>): Promise<PortalError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isPortalError(e), `expected a PortalError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

async function statusAt(userId: string, factorId: string): Promise<string | undefined> {
  return (await org.factors(userId)).find((f) => f.id === factorId)?.status;
}

describe('enrol and activate every factor type', () => {
  for (const method of ['sms', 'call'] as const) {
    test(`${method}: the code sent at enrolment activates it`, async () => {
      const p = await org.idp.enrollFactor(ANN, method, { phoneNumber: '+15555550177' });
      assert.equal(p.method, method);
      assert.ok(p.method === 'sms' || p.method === 'call');
      assert.equal(p.phoneNumber, '+15555550177');
      assert.equal(await statusAt(ANN, p.factorId), 'PENDING_ACTIVATION');
      const wrong = await portalError(org.idp.activateFactor(ANN, p.factorId, '000000'));
      assert.equal(wrong.code, 'INVALID_CODE');
      const factor = await org.idp.activateFactor(ANN, p.factorId, await org.code(p.factorId));
      assert.equal(factor.status, 'ACTIVE');
      assert.equal(factor.method, method);
      assert.equal(factor.phoneNumber, '+15555550177');
      assert.equal(await statusAt(ANN, p.factorId), 'ACTIVE');
    });
  }

  for (const [method, provider] of [
    ['google-authenticator', 'GOOGLE'],
    ['okta-verify-code', 'OKTA'],
  ] as const) {
    test(`${method}: secret + otpauth URI, activated by a TOTP code computed from the secret`, async () => {
      const p = await org.idp.enrollFactor(ANN, method, { totpIssuer: 'Account Test Org', totpLabel: 'ann@example.com' });
      assert.ok(p.method === method && 'sharedSecret' in p);
      const uri = new URL(p.otpauthUri);
      assert.equal(uri.protocol, 'otpauth:');
      assert.equal(uri.host, 'totp');
      assert.equal(decodeURIComponent(uri.pathname), '/Account Test Org:ann@example.com');
      assert.equal(uri.searchParams.get('secret'), p.sharedSecret);
      assert.equal(uri.searchParams.get('issuer'), 'Account Test Org');
      assert.equal(uri.searchParams.get('period'), '30');
      const factor = await org.idp.activateFactor(ANN, p.factorId, await org.totpNow(p.sharedSecret));
      assert.equal(factor.status, 'ACTIVE');
      assert.equal(factor.provider, provider);
      assert.equal(await statusAt(ANN, p.factorId), 'ACTIVE');
    });
  }

  test('push: QR fetched as a PNG data: URI, waiting until the phone activates it, then active', async () => {
    const p = await org.idp.enrollFactor(ANN, 'push', {});
    assert.ok(p.method === 'push' && p.qrDataUri !== null);
    assert.ok(p.qrDataUri.startsWith('data:image/png;base64,'));
    const png = Buffer.from(p.qrDataUri.slice('data:image/png;base64,'.length), 'base64');
    assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    assert.ok(p.expiresAt !== null && p.expiresAt > Date.now());
    assert.equal(await org.idp.pollPushActivation(ANN, p.factorId), 'waiting');
    await org.control('POST', `factors/${p.factorId}/activate`);
    assert.equal(await org.idp.pollPushActivation(ANN, p.factorId), 'active');
    assert.equal(await statusAt(ANN, p.factorId), 'ACTIVE');
  });

  test('push: an activation left past its lifetime is expired', async () => {
    const p = await org.idp.enrollFactor(ANN, 'push', {});
    await org.control('POST', 'clock', { advanceSeconds: 601 });
    assert.equal(await org.idp.pollPushActivation(ANN, p.factorId), 'expired');
  });
});

describe('resend, refusals and removal', () => {
  test('resend inside Okta 30 s window is RESEND_TOO_SOON; later a new code is sent and works', async () => {
    const p = await org.idp.enrollFactor(ANN, 'sms', { phoneNumber: '+15555550178' });
    const first = await org.code(p.factorId);
    const early = await portalError(org.idp.resendEnrollment(ANN, p.factorId, 'sms', '+15555550178'));
    assert.equal(early.code, 'RESEND_TOO_SOON');
    assert.ok((early.retryAfterSeconds ?? 0) >= 1);
    await org.control('POST', 'clock', { advanceSeconds: 31 });
    await org.idp.resendEnrollment(ANN, p.factorId, 'sms', '+15555550178');
    const second = await org.code(p.factorId);
    const { messages } = await org.control<{ messages: Array<{ factorId: string }> }>('GET', 'outbox');
    assert.equal(messages.filter((m) => m.factorId === p.factorId).length, 2);
    await org.idp.activateFactor(ANN, p.factorId, second);
    assert.equal(await statusAt(ANN, p.factorId), 'ACTIVE');
    assert.match(first, /^\d{6}$/);
  });

  test('a second factor of an active type is FACTOR_EXISTS; a number Okta refuses is INVALID_PHONE_NUMBER', async () => {
    assert.equal((await portalError(org.idp.enrollFactor(BOB, 'google-authenticator', {}))).code, 'FACTOR_EXISTS');
    assert.equal((await portalError(org.idp.enrollFactor(ANN, 'sms', { phoneNumber: '+1' }))).code, 'INVALID_PHONE_NUMBER');
  });

  test('getFactors lists type, provider and status; unenrol removes; an unknown factor is NOT_FOUND', async () => {
    const factors = await org.idp.getFactors(BOB);
    assert.deepEqual(
      factors.map((f) => [f.id, f.method, f.factorType, f.provider, f.status]),
      [['ostBobGoogle0001', 'google-authenticator', 'token:software:totp', 'GOOGLE', 'ACTIVE']],
    );
    await org.idp.unenrollFactor(BOB, 'ostBobGoogle0001');
    assert.deepEqual(await org.factors(BOB), []);
    assert.equal((await portalError(org.idp.unenrollFactor(BOB, 'ostBobGoogle0001'))).code, 'NOT_FOUND');
  });
});

describe('changePassword', () => {
  test('a wrong current password is WRONG_CURRENT_PASSWORD and changes nothing', async () => {
    const e = await portalError(org.idp.changePassword(ANN, 'Not-The-One-9', 'Brand-New-Pass-7'));
    assert.equal(e.code, 'WRONG_CURRENT_PASSWORD');
    assert.equal(await org.authn('ann@example.com', PASSWORD), 'SUCCESS');
  });

  test('a policy violation is PASSWORD_POLICY with the causes', async () => {
    const e = await portalError(org.idp.changePassword(ANN, PASSWORD, 'short'));
    assert.equal(e.code, 'PASSWORD_POLICY');
    assert.ok(e.causes && e.causes.length > 0 && e.causes.some((c) => /requirements/i.test(c)), JSON.stringify(e.causes));
    const reused = await portalError(org.idp.changePassword(ANN, PASSWORD, PASSWORD));
    assert.equal(reused.code, 'PASSWORD_POLICY');
  });

  test('the right current password changes it: /api/v1/authn accepts the new one and refuses the old one', async () => {
    await org.idp.changePassword(ANN, PASSWORD, 'Brand-New-Pass-7');
    assert.equal(await org.authn('ann@example.com', 'Brand-New-Pass-7'), 'SUCCESS');
    assert.equal(await org.authn('ann@example.com', PASSWORD), 'E0000004');
  });
});

describe('acceptableQrHref', () => {
  const org0 = 'https://example.okta.com';
  const good = `${org0}/api/v1/users/00u1/factors/opf1/qr/abcDEF123`;
  test('only the org origin and this user factor /qr/ path are accepted', () => {
    assert.equal(acceptableQrHref(good, org0, '00u1', 'opf1'), good);
    for (const bad of [
      'https://evil.example/api/v1/users/00u1/factors/opf1/qr/abc',
      'http://example.okta.com/api/v1/users/00u1/factors/opf1/qr/abc',
      'https://example.okta.com:444/api/v1/users/00u1/factors/opf1/qr/abc',
      'https://user:pw@example.okta.com/api/v1/users/00u1/factors/opf1/qr/abc',
      `${org0}/api/v1/users/00u2/factors/opf1/qr/abc`,
      `${org0}/api/v1/users/00u1/factors/opf2/qr/abc`,
      `${org0}/api/v1/users/00u1/factors/opf1/qr/abc?x=1`,
      `${org0}/api/v1/users/00u1/factors/opf1/qr/`,
      `${org0}/api/v1/users/00u1/factors/opf1/qr/a/../../../../users`,
      'not a url',
      42,
      null,
    ]) {
      assert.equal(acceptableQrHref(bad, org0, '00u1', 'opf1'), null, String(bad));
    }
  });
});
