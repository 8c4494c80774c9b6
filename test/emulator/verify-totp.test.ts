// TOTP verification (token:software:totp, providers GOOGLE and OKTA) through @okta/okta-sdk-nodejs, with codes
// computed by the test's own RFC 6238 implementation from the seeded secrets: current step and ±1 step accepted,
// ±2 refused (E0000068), a step not later than the last accepted one refused as a replay (E0000082).
// The emulator starts exactly at a step boundary and the clock only moves in whole steps, so every step is known.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { expectOktaError, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { hotp, totpStep } from '../helpers/totp.js';
import { STEP_ALIGNED_START, seed, user } from './fixtures.js';

const G = { id: 'ostGoogleTotp0000001', secret: 'KRSXG5CTMVRXEZLUKN2XAZLSKNSWG4TF' };
const O = { id: 'ostOktaTotp000000001', secret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U' };

describe('TOTP verification (GOOGLE and OKTA providers)', () => {
  let emu: TestEmulator;
  let userId = '';
  const verify = (factorId: string, passCode: string) => emu.client.userFactorApi.verifyFactor({ userId, factorId, body: { passCode } });
  const step = async () => totpStep((await emu.control.nowMs()) / 1000);

  before(async () => {
    emu = await startTestEmulator({
      startTime: STEP_ALIGNED_START * 1000,
      seed: seed([
        user('tia.totp@example.com', {
          factors: [
            { id: G.id, type: 'google-totp', secret: G.secret },
            { id: O.id, type: 'okta-totp', secret: O.secret },
          ],
        }),
      ], { factorLockoutAttempts: 20 }), // failures here must not lock the factor mid-file
    });
    userId = (await emu.client.userApi.getUser({ userId: 'tia.totp@example.com' })).id!;
  });
  after(() => emu?.close());
  afterEach(() => emu.assertSdkConformance());

  test('seeded factors are listed with the right providers', async () => {
    const g = await emu.client.userFactorApi.getFactor({ userId, factorId: G.id });
    const o = await emu.client.userFactorApi.getFactor({ userId, factorId: O.id });
    assert.deepEqual([g.factorType, g.provider, g.status], ['token:software:totp', 'GOOGLE', 'ACTIVE']);
    assert.deepEqual([o.factorType, o.provider, o.status], ['token:software:totp', 'OKTA', 'ACTIVE']);
  });

  test('the control API code equals the independent TOTP for both secrets', async () => {
    const s = await step();
    assert.equal(s, totpStep(STEP_ALIGNED_START), 'still in the first step');
    const g = await emu.control.totpCode(G.id);
    assert.equal(g.step, s);
    assert.equal(g.code, hotp(G.secret, s));
    assert.equal((await emu.control.totpCode(O.id)).code, hotp(O.secret, s));
  });

  test('GOOGLE: the current code → SUCCESS; the same code again → 403 E0000082 (replay)', async () => {
    const s = await step();
    const res = await verify(G.id, hotp(G.secret, s));
    assert.equal(res.factorResult, 'SUCCESS');
    await expectOktaError(verify(G.id, hotp(G.secret, s)), 403, 'E0000082');
  });

  test('GOOGLE: one step later, the previous (already used) step is still a replay; +1 step is accepted', async () => {
    await emu.control.advance(30);
    const s = await step(); // S+1; S was accepted
    await expectOktaError(verify(G.id, hotp(G.secret, s - 1)), 403, 'E0000082');
    assert.equal((await verify(G.id, hotp(G.secret, s + 1))).factorResult, 'SUCCESS');
    // now the current step is older than the last accepted one: refused as a replay
    await expectOktaError(verify(G.id, hotp(G.secret, s)), 403, 'E0000082');
  });

  test('OKTA: the previous step (−1) is accepted', async () => {
    const s = await step();
    assert.equal((await verify(O.id, hotp(O.secret, s - 1))).factorResult, 'SUCCESS');
  });

  test('OKTA: ±2 steps are outside the window → 403 E0000068; the current step → SUCCESS', async () => {
    await emu.control.advance(90);
    const s = await step();
    await expectOktaError(verify(O.id, hotp(O.secret, s - 2)), 403, 'E0000068');
    await expectOktaError(verify(O.id, hotp(O.secret, s + 2)), 403, 'E0000068');
    assert.equal((await verify(O.id, hotp(O.secret, s))).factorResult, 'SUCCESS');
  });

  test("a wrong code, the other factor's code, and malformed codes → 403 E0000068", async () => {
    await emu.control.advance(30);
    const s = await step();
    const right = hotp(G.secret, s);
    const wrong = right === '000000' ? '000001' : '000000';
    await expectOktaError(verify(G.id, wrong), 403, 'E0000068');
    const crossed = hotp(O.secret, s);
    if (crossed !== right) await expectOktaError(verify(G.id, crossed), 403, 'E0000068');
    await expectOktaError(verify(G.id, `${right}0`), 403, 'E0000068');
    await expectOktaError(verify(G.id, 'abcdef'), 403, 'E0000068');
    assert.equal((await verify(G.id, right)).factorResult, 'SUCCESS', 'the failures did not consume the step');
  });
});
