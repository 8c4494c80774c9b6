// Factor enrolment through @okta/okta-sdk-nodejs: list/get/catalog, enrol + activate every type (sms/call/email with
// the code from the outbox, push finished by the emulated phone, GOOGLE and OKTA totp with codes computed by the
// test's own TOTP from `_embedded.activation.sharedSecret`), resend, wrong activation code, unenrol.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import type { UserFactor } from '@okta/okta-sdk-nodejs';
import { collect, expectOktaError, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { validateResponse } from '../helpers/openapi.js';
import { totp } from '../helpers/totp.js';
import { seed, user } from './fixtures.js';

type Json = Record<string, unknown>;
const ENROLLER = 'erin.enrol@example.com';
const OTHER = 'olly.other@example.com'; // for second enrolments of a type ENROLLER already has
const SEEDED = 'fay.factors@example.com';
const SEEDED_SMS_ID = 'smsSeededFactor00001';

describe('factor enrolment and activation', () => {
  let emu: TestEmulator;
  let userId = '';
  let otherId = '';

  const listFactors = async (uid = userId): Promise<UserFactor[]> =>
    collect(await emu.client.userFactorApi.listFactors({ userId: uid }));
  const enroll = (body: Json, extra: Json = {}, uid = userId) =>
    emu.client.userFactorApi.enrollFactor({ userId: uid, body: body as UserFactor, ...extra });
  const raw = async () => (await emu.recorder.last((r) => r.path.endsWith('/factors') && r.method === 'POST')).body as Json;

  before(async () => {
    emu = await startTestEmulator({
      seed: seed([
        user(ENROLLER),
        user(OTHER),
        user('ivy.invalid@example.com'),
        user('pia.phones@example.com'),
        user('cal.phones@example.com'),
        user('ada.attempts@example.com'),
        user(SEEDED, { factors: [{ id: SEEDED_SMS_ID, type: 'sms', phoneNumber: '+15555550199' }, { type: 'google-totp' }] }),
      ]),
    });
    userId = (await emu.client.userApi.getUser({ userId: ENROLLER })).id!;
    otherId = (await emu.client.userApi.getUser({ userId: OTHER })).id!;
  });
  after(() => emu?.close());
  afterEach(() => emu.assertSdkConformance());

  test('listFactors is empty for a user with none; lists seeded factors with verify links', async () => {
    assert.deepEqual(await listFactors(), []);
    const seededId = (await emu.client.userApi.getUser({ userId: SEEDED })).id!;
    const factors = await listFactors(seededId);
    assert.deepEqual(factors.map((f) => `${f.factorType}/${f.provider}/${f.status}`).sort(), ['sms/OKTA/ACTIVE', 'token:software:totp/GOOGLE/ACTIVE']);
    const sms = factors.find((f) => f.factorType === 'sms');
    assert.equal(sms?.id, SEEDED_SMS_ID);
    assert.equal((sms?.profile as Json | undefined)?.phoneNumber, '+15555550199');
    const rawList = await emu.okta('GET', `/api/v1/users/${seededId}/factors`);
    for (const f of rawList.body as Json[]) {
      const links = f._links as Record<string, { href: string }>;
      assert.match(links.verify?.href ?? '', new RegExp(`/api/v1/users/${seededId}/factors/${String(f.id)}/verify$`));
      assert.equal((f._embedded as Json | undefined)?.activation, undefined, 'no shared secret on an active factor');
    }
  });

  test('getFactor by id; unknown factor → 404 E0000007', async () => {
    const seededId = (await emu.client.userApi.getUser({ userId: SEEDED })).id!;
    const f = await emu.client.userFactorApi.getFactor({ userId: seededId, factorId: SEEDED_SMS_ID });
    assert.equal(f.id, SEEDED_SMS_ID);
    assert.equal(f.factorType, 'sms');
    await expectOktaError(emu.client.userFactorApi.getFactor({ userId: seededId, factorId: 'smsNoSuchFactor00000' }), 404, 'E0000007');
  });

  test('listSupportedFactors (catalog) offers every type the emulator supports', async () => {
    const catalog = await collect(await emu.client.userFactorApi.listSupportedFactors({ userId }));
    const kinds = catalog.map((f) => `${f.factorType}/${f.provider}`);
    for (const k of ['sms/OKTA', 'call/OKTA', 'email/OKTA', 'push/OKTA', 'token:software:totp/OKTA', 'token:software:totp/GOOGLE']) {
      assert.ok(kinds.includes(k), `${k} in the catalog (${kinds.join(', ')})`);
    }
  });

  for (const [type, profile, channel] of [
    ['sms', { phoneNumber: '+15555550101' }, 'sms'],
    ['call', { phoneNumber: '+15555550102' }, 'call'],
    ['email', { email: ENROLLER }, 'email'],
  ] as const) {
    test(`${type}: enrol → PENDING_ACTIVATION + code in the outbox; wrong code 403 E0000068; right code → ACTIVE`, async () => {
      const f = await enroll({ factorType: type, provider: 'OKTA', profile });
      assert.equal(f.status, 'PENDING_ACTIVATION');
      assert.equal(f.factorType, type);
      const body = await raw();
      const links = body._links as Json;
      assert.ok(links.activate, '_links.activate');
      assert.ok(Array.isArray(links.resend), '_links.resend is an array of {name, href}');
      const msg = await emu.control.lastMessage(f.id!);
      assert.equal(msg.channel, channel);
      assert.equal(msg.to, type === 'email' ? profile.email : (profile as { phoneNumber: string }).phoneNumber);
      assert.match(msg.code, /^\d{6}$/);
      const wrong = msg.code === '000000' ? '111111' : '000000';
      await expectOktaError(emu.client.userFactorApi.activateFactor({ userId, factorId: f.id!, body: { passCode: wrong } }), 403, 'E0000068');
      const activated = await emu.client.userFactorApi.activateFactor({ userId, factorId: f.id!, body: { passCode: msg.code } });
      assert.equal(activated.factorType, type);
      const listed = (await listFactors()).find((x) => x.id === f.id);
      assert.equal(listed?.status, 'ACTIVE');
    });
  }

  test('sms enrol with activate=true → ACTIVE immediately, no activation code needed', async () => {
    const f = await enroll({ factorType: 'sms', provider: 'OKTA', profile: { phoneNumber: '+15555550103' } }, { activate: true }, otherId);
    assert.equal(f.status, 'ACTIVE');
    assert.equal((await listFactors(otherId)).find((x) => x.id === f.id)?.status, 'ACTIVE');
  });

  test('resend: a fresh code arrives (after the 30 s cooldown); the new code activates', async () => {
    const f = await enroll({ factorType: 'call', provider: 'OKTA', profile: { phoneNumber: '+15555550104' } }, {}, otherId);
    const first = await emu.control.lastMessage(f.id!);
    await emu.control.advance(31);
    const resent = await emu.client.userFactorApi.resendEnrollFactor({
      userId: otherId,
      factorId: f.id!,
      resendUserFactor: { factorType: 'call', provider: 'OKTA', profile: { phoneNumber: '+15555550104' } } as never,
    });
    assert.equal(resent.factorType, 'call');
    const second = await emu.control.lastMessage(f.id!);
    assert.notEqual(second.id, first.id, 'a new message was sent');
    await emu.client.userFactorApi.activateFactor({ userId: otherId, factorId: f.id!, body: { passCode: second.code } });
    assert.equal((await listFactors(otherId)).find((x) => x.id === f.id)?.status, 'ACTIVE');
  });

  test('push: enrol → PENDING_ACTIVATION (activation WAITING, poll link); the phone activates it → ACTIVE', async () => {
    const f = await enroll({ factorType: 'push', provider: 'OKTA' });
    assert.equal(f.status, 'PENDING_ACTIVATION');
    const body = await raw();
    const activation = (body._embedded as Json).activation as Json;
    assert.equal(activation.factorResult, 'WAITING');
    assert.ok(Date.parse(String(activation.expiresAt)) > (await emu.control.nowMs()));
    const poll = ((body._links as Json).poll as { href: string }).href;
    assert.match(poll, /\/lifecycle\/activate\/poll$/);
    const before = await emu.okta('POST', new URL(poll).pathname, { headers: { 'content-length': '0' } });
    assert.equal(before.status, 200);
    assert.equal((before.body as Json).status, 'PENDING_ACTIVATION');
    await emu.control.activateFactor(f.id!);
    const listed = (await listFactors()).find((x) => x.id === f.id);
    assert.equal(listed?.status, 'ACTIVE');
    const afterPoll = await emu.okta('POST', new URL(poll).pathname, { headers: { 'content-length': '0' } });
    assert.equal((afterPoll.body as Json).status, 'ACTIVE');
  });

  for (const provider of ['GOOGLE', 'OKTA'] as const) {
    test(`token:software:totp ${provider}: activate with a code computed here from sharedSecret`, async () => {
      const f = await enroll({ factorType: 'token:software:totp', provider });
      assert.equal(f.status, 'PENDING_ACTIVATION');
      assert.equal(f.provider, provider);
      const activation = ((await raw())._embedded as Json).activation as Json;
      assert.equal(activation.timeStep, 30);
      assert.equal(activation.encoding, 'base32');
      const secret = String(activation.sharedSecret);
      assert.match(secret, /^[A-Z2-7]{16,}=*$/);
      const now = (await emu.control.nowMs()) / 1000;
      await expectOktaError(
        emu.client.userFactorApi.activateFactor({ userId, factorId: f.id!, body: { passCode: totp(secret, now + 600) } }),
        403,
        'E0000068',
      );
      const activated = await emu.client.userFactorApi.activateFactor({ userId, factorId: f.id!, body: { passCode: totp(secret, now) } });
      assert.equal(activated.factorType, 'token:software:totp');
      const got = await emu.okta('GET', `/api/v1/users/${userId}/factors/${f.id!}`);
      assert.equal((got.body as Json).status, 'ACTIVE');
      assert.equal((got.body as Json)._embedded, undefined, 'the shared secret is gone once active');
      assert.deepEqual(validateResponse('getFactor', 200, got.body), []);
    });
  }

  // Okta's factor reference (activate a factor): 5 activation attempts per 5 minutes, then 429 E0000047 — not the
  // verify lockout (E0000069), which is for active factors.
  test('activation attempts: 5 per 5 minutes, then 429 E0000047 (even with the right code); the factor is not locked', async () => {
    const ada = (await emu.client.userApi.getUser({ userId: 'ada.attempts@example.com' })).id!;
    const f = await enroll({ factorType: 'token:software:totp', provider: 'GOOGLE' }, {}, ada);
    const secret = String((((await raw())._embedded as Json).activation as Json).sharedSecret);
    const now = (await emu.control.nowMs()) / 1000;
    for (let i = 0; i < 5; i++) {
      await expectOktaError(emu.client.userFactorApi.activateFactor({ userId: ada, factorId: f.id!, body: { passCode: totp(secret, now + 600) } }), 403, 'E0000068');
    }
    const limited = await emu.okta('POST', `/api/v1/users/${ada}/factors/${f.id!}/lifecycle/activate`, { json: { passCode: totp(secret, now) } });
    assert.equal(limited.status, 429);
    assert.equal((limited.body as Json).errorCode, 'E0000047');
    assert.deepEqual(validateResponse('activateFactor', 429, limited.body), []);
    await emu.control.advance(300);
    const later = (await emu.control.nowMs()) / 1000;
    await emu.client.userFactorApi.activateFactor({ userId: ada, factorId: f.id!, body: { passCode: totp(secret, later) } });
    assert.equal(((await emu.okta('GET', `/api/v1/users/${ada}/factors/${f.id!}`)).body as Json).status, 'ACTIVE');
  });

  test('unenrol → 204; the factor is gone from the list and getFactor is 404', async () => {
    const f = await enroll({ factorType: 'email', provider: 'OKTA', profile: { email: OTHER } }, { activate: true }, otherId);
    await emu.client.userFactorApi.unenrollFactor({ userId: otherId, factorId: f.id! });
    assert.equal((await emu.recorder.last((r) => r.method === 'DELETE')).status, 204);
    assert.ok(!(await listFactors(otherId)).some((x) => x.id === f.id));
    await expectOktaError(emu.client.userFactorApi.getFactor({ userId: otherId, factorId: f.id! }), 404, 'E0000007');
    await expectOktaError(emu.client.userFactorApi.unenrollFactor({ userId: otherId, factorId: f.id! }), 404, 'E0000007');
  });

  test("email enrolment with an address that is not the user's → 400 E0000001", async () => {
    const e = await emu.okta('POST', `/api/v1/users/${otherId}/factors`, {
      json: { factorType: 'email', provider: 'OKTA', profile: { email: 'someone.else@example.com' } },
    });
    assert.equal(e.status, 400);
    assert.equal((e.body as Json).errorCode, 'E0000001');
    assert.deepEqual(validateResponse('enrollFactor', 400, e.body), []);
  });

  test('enrolment with an invalid phone number → 400 Okta error', async () => {
    const ivy = (await emu.client.userApi.getUser({ userId: 'ivy.invalid@example.com' })).id!;
    const e = await emu.okta('POST', `/api/v1/users/${ivy}/factors`, {
      json: { factorType: 'sms', provider: 'OKTA', profile: { phoneNumber: 'not-a-phone' } },
    });
    assert.equal(e.status, 400);
    assert.equal((e.body as Json).errorCode, 'E0000098');
    assert.ok(((e.body as Json).errorCauses as Json[]).length > 0, 'errorCauses name the field');
    assert.deepEqual(validateResponse('enrollFactor', 400, e.body), []);
    assert.deepEqual(await listFactors(ivy), [], 'nothing enrolled');
  });

  // The numbers Okta's own SDK integration tests enrol (okta-sdk-java FactorsIT, okta-sdk-nodejs test/it factor
  // tests), written without "+": Okta accepts them and stores the E.164 form.
  test('sms and call accept the SDK tests\' numbers without "+" and normalise them (FactorsIT)', async () => {
    const pia = (await emu.client.userApi.getUser({ userId: 'pia.phones@example.com' })).id!;
    const cal = (await emu.client.userApi.getUser({ userId: 'cal.phones@example.com' })).id!;
    const sms = (await enroll({ factorType: 'sms', provider: 'OKTA', profile: { phoneNumber: '185 635 15491' } }, {}, pia)) as Json;
    assert.equal((sms.profile as Json).phoneNumber, '+18563515491');
    const call = (await enroll({ factorType: 'call', provider: 'OKTA', profile: { phoneNumber: '162 840 01133' } }, {}, cal)) as Json;
    assert.equal((call.profile as Json).phoneNumber, '+16284001133');
    // A national number without its country code is refused (stricter than guessing a country).
    const ivy = (await emu.client.userApi.getUser({ userId: 'ivy.invalid@example.com' })).id!;
    await expectOktaError(enroll({ factorType: 'sms', provider: 'OKTA', profile: { phoneNumber: '555 0100' } }, {}, ivy), 400, 'E0000098');
  });

  test('factors of an unknown user → 404 E0000007', async () => {
    await expectOktaError(emu.client.userFactorApi.listFactors({ userId: '00uDoesNotExist00000' }).then(collect), 404, 'E0000007');
  });
});
