// SMS / voice / email verification through @okta/okta-sdk-nodejs: challenge with an empty body → CHALLENGE and a
// code in the outbox; passCode → SUCCESS; wrong code 403 E0000068; re-challenge inside the cooldown → 429
// (E0000109 sms, E0000133 call, E0000118 email) and fine after the virtual clock moves; expired, reused and
// superseded codes fail; too many failures lock the factor (E0000069). No real sleeping: the clock is advanced.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { OktaApiError } from '@okta/okta-sdk-nodejs';
import { expectOktaError, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { seed, user } from './fixtures.js';

type Json = Record<string, unknown>;
const LOCKOUT = 3;
const F = {
  sms: 'smsOttoSms0000000001',
  call: 'clfOttoCall000000001',
  email: 'emfOttoEmail00000001',
  lockSms: 'smsLockedOut00000001',
  expSms: 'smsExpiry00000000001',
};

describe('sms / call / email verification', () => {
  let emu: TestEmulator;
  let otto = '';
  let lena = '';
  let exa = '';

  const challenge = (userId: string, factorId: string, extra: Json = {}) =>
    emu.client.userFactorApi.verifyFactor({ userId, factorId, ...extra });
  const verify = (userId: string, factorId: string, passCode: string) =>
    emu.client.userFactorApi.verifyFactor({ userId, factorId, body: { passCode } });
  const otherCode = (code: string) => (code === '123456' ? '654321' : '123456');

  /** Expects the call to be refused: an OktaApiError 4xx, or (if answered) anything but SUCCESS. */
  async function expectRefused(p: Promise<{ factorResult?: unknown }>): Promise<void> {
    try {
      const res = await p;
      assert.notEqual(res.factorResult, 'SUCCESS', 'must not verify');
    } catch (e) {
      assert.ok(e instanceof OktaApiError, `expected OktaApiError, got ${String(e)}`);
      assert.ok(e.status >= 400 && e.status < 500, `4xx, got ${e.status}`);
    }
  }

  before(async () => {
    emu = await startTestEmulator({
      seed: seed(
        [
          user('otto.otp@example.com', {
            factors: [
              { id: F.sms, type: 'sms', phoneNumber: '+15555550111' },
              { id: F.call, type: 'call', phoneNumber: '+15555550112' },
              { id: F.email, type: 'email', email: 'otto.otp@example.com' },
            ],
          }),
          user('lena.lock@example.com', { factors: [{ id: F.lockSms, type: 'sms', phoneNumber: '+15555550113' }] }),
          user('exa.expiry@example.com', { factors: [{ id: F.expSms, type: 'sms', phoneNumber: '+15555550114' }] }),
        ],
        { factorLockoutAttempts: LOCKOUT },
      ),
    });
    otto = (await emu.client.userApi.getUser({ userId: 'otto.otp@example.com' })).id!;
    lena = (await emu.client.userApi.getUser({ userId: 'lena.lock@example.com' })).id!;
    exa = (await emu.client.userApi.getUser({ userId: 'exa.expiry@example.com' })).id!;
  });
  after(() => emu?.close());
  afterEach(() => emu.assertSdkConformance());

  test('sms: empty-body challenge → 200 CHALLENGE, a 6-digit code is texted; passCode → SUCCESS', async () => {
    const res = await challenge(otto, F.sms);
    assert.equal(res.factorResult, 'CHALLENGE');
    const last = await emu.recorder.last();
    assert.equal(last.status, 200);
    const links = (last.body as Json)._links as Record<string, { href: string }>;
    assert.match(links.verify?.href ?? '', new RegExp(`/factors/${F.sms}/verify$`));
    const msg = await emu.control.lastMessage(F.sms);
    assert.equal(msg.channel, 'sms');
    assert.equal(msg.to, '+15555550111');
    assert.match(msg.code, /^\d{6}$/);
    assert.ok(msg.text.includes(msg.code), 'the text carries the code');
    const ok = await verify(otto, F.sms, msg.code);
    assert.equal(ok.factorResult, 'SUCCESS');
  });

  test('sms: a used code cannot be used again', async () => {
    const msg = await emu.control.lastMessage(F.sms);
    await expectRefused(verify(otto, F.sms, msg.code));
  });

  test('sms: re-challenge within 30 s → 429 E0000109 (no new message); after +31 s it works', async () => {
    const before = (await emu.control.outbox()).length;
    await expectOktaError(challenge(otto, F.sms), 429, 'E0000109');
    assert.equal((await emu.control.outbox()).length, before, 'nothing sent during the cooldown');
    await emu.control.advance(31);
    const res = await challenge(otto, F.sms);
    assert.equal(res.factorResult, 'CHALLENGE');
    assert.equal((await emu.control.outbox()).length, before + 1);
  });

  test('sms: wrong code → 403 E0000068 with errorCauses; the right code still works afterwards', async () => {
    const msg = await emu.control.lastMessage(F.sms);
    const err = await expectOktaError(verify(otto, F.sms, otherCode(msg.code)), 403, 'E0000068');
    assert.ok(Array.isArray(err.errorCauses));
    const ok = await verify(otto, F.sms, msg.code);
    assert.equal(ok.factorResult, 'SUCCESS');
  });

  test('sms: a new challenge supersedes the previous code', async () => {
    await emu.control.advance(31);
    await challenge(otto, F.sms);
    const first = await emu.control.lastMessage(F.sms);
    await emu.control.advance(31);
    await challenge(otto, F.sms);
    const second = await emu.control.lastMessage(F.sms);
    assert.notEqual(second.id, first.id);
    if (first.code !== second.code) await expectRefused(verify(otto, F.sms, first.code));
    assert.equal((await verify(otto, F.sms, second.code)).factorResult, 'SUCCESS');
  });

  test('call: challenge → CHALLENGE + voice message; re-call within 30 s → 429 E0000133 (or E0000047); verify', async () => {
    const res = await challenge(otto, F.call);
    assert.equal(res.factorResult, 'CHALLENGE');
    const msg = await emu.control.lastMessage(F.call);
    assert.equal(msg.channel, 'call');
    assert.equal(msg.to, '+15555550112');
    try {
      await challenge(otto, F.call);
      assert.fail('second call within 30 s must be refused');
    } catch (e) {
      assert.ok(e instanceof OktaApiError);
      assert.equal(e.status, 429);
      assert.ok(['E0000133', 'E0000047'].includes(String(e.errorCode)), String(e.errorCode));
    }
    assert.equal((await verify(otto, F.call, msg.code)).factorResult, 'SUCCESS');
    await emu.control.advance(31);
    assert.equal((await challenge(otto, F.call)).factorResult, 'CHALLENGE');
  });

  test('email: challenge → CHALLENGE + email; immediate re-send → 429 E0000118; verify SUCCESS', async () => {
    const res = await challenge(otto, F.email);
    assert.equal(res.factorResult, 'CHALLENGE');
    const msg = await emu.control.lastMessage(F.email);
    assert.equal(msg.channel, 'email');
    assert.equal(msg.to, 'otto.otp@example.com');
    await expectOktaError(challenge(otto, F.email), 429, 'E0000118');
    assert.equal((await verify(otto, F.email, msg.code)).factorResult, 'SUCCESS');
  });

  test('a code expires after 300 s (default token lifetime)', async () => {
    await challenge(exa, F.expSms);
    const msg = await emu.control.lastMessage(F.expSms);
    await emu.control.advance(301);
    await expectRefused(verify(exa, F.expSms, msg.code));
  });

  test('tokenLifetimeSeconds=60 shortens the code lifetime; within it the code works', async () => {
    await emu.control.advance(31);
    await challenge(exa, F.expSms, { tokenLifetimeSeconds: 60 });
    const a = await emu.control.lastMessage(F.expSms);
    await emu.control.advance(61);
    await expectRefused(verify(exa, F.expSms, a.code));
    await challenge(exa, F.expSms, { tokenLifetimeSeconds: 60 });
    const b = await emu.control.lastMessage(F.expSms);
    await emu.control.advance(30);
    assert.equal((await verify(exa, F.expSms, b.code)).factorResult, 'SUCCESS');
  });

  test('a passCode with no outstanding challenge is refused', async () => {
    await emu.control.advance(301);
    await expectRefused(verify(exa, F.expSms, '123456'));
  });

  test(`${LOCKOUT} wrong codes lock the factor: then even the right code → 403 E0000069`, async () => {
    await challenge(lena, F.lockSms);
    const msg = await emu.control.lastMessage(F.lockSms);
    for (let i = 1; i <= LOCKOUT; i++) {
      try {
        await verify(lena, F.lockSms, otherCode(msg.code));
        assert.fail('wrong code accepted');
      } catch (e) {
        assert.ok(e instanceof OktaApiError);
        assert.equal(e.status, 403);
        const allowed = i < LOCKOUT ? ['E0000068'] : ['E0000068', 'E0000069'];
        assert.ok(allowed.includes(String(e.errorCode)), `attempt ${i}: ${String(e.errorCode)}`);
      }
    }
    await expectOktaError(verify(lena, F.lockSms, msg.code), 403, 'E0000069');
  });

  test('a factor id of another user → 404 E0000007', async () => {
    await expectOktaError(challenge(otto, F.lockSms), 404, 'E0000007');
  });
});
