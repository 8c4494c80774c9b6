// User lifecycle through @okta/okta-sdk-nodejs: reset_password (RECOVERY + resetPasswordUrl), expire_password,
// unlock, suspend/unsuspend, deactivate, sessions delete, and illegal transitions. Each state change is read back
// with getUser and, where it matters, proven with classic /api/v1/authn.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { OktaApiError } from '@okta/okta-sdk-nodejs';
import { expectOktaError, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { validateResponse } from '../helpers/openapi.js';
import { PASSWORD, seed, user } from './fixtures.js';

const L = {
  recover: 'rita.recover@example.com',
  expire: 'ed.expire@example.com',
  locked: 'lou.locked@example.com',
  suspend: 'sue.suspend@example.com',
  deact: 'dee.deact@example.com',
  sessions: 'ses.sions@example.com',
  staged: 'stu.staged@example.com',
  codes: 'cody.codes@example.com',
  recovery: 'rex.recovery@example.com',
};

describe('user lifecycle', () => {
  let emu: TestEmulator;
  const id = async (login: string): Promise<string> => (await emu.client.userApi.getUser({ userId: login })).id!;
  const status = async (login: string): Promise<string | undefined> =>
    (await emu.client.userApi.getUser({ userId: login })).status as string | undefined;
  const authn = async (username: string, password = PASSWORD) =>
    emu.okta('POST', '/api/v1/authn', { json: { username, password }, token: null });

  before(async () => {
    emu = await startTestEmulator({
      seed: seed([
        user(L.recover),
        user(L.expire),
        user(L.locked, { status: 'LOCKED_OUT' }),
        user(L.suspend),
        user(L.deact),
        user(L.sessions),
        user(L.staged, { status: 'STAGED', password: undefined }),
        user(L.codes),
        user(L.recovery, { status: 'RECOVERY' }),
      ]),
    });
  });
  after(() => emu?.close());
  afterEach(() => emu.assertSdkConformance());

  test('reset_password with sendEmail=false → resetPasswordUrl ending in a token; user goes to RECOVERY', async () => {
    const userId = await id(L.recover);
    const res = await emu.client.userApi.generateResetPasswordToken({ userId, sendEmail: false });
    assert.ok(res.resetPasswordUrl, 'resetPasswordUrl present');
    const url = new URL(res.resetPasswordUrl);
    assert.equal(url.origin, new URL(emu.url).origin, 'points at the org');
    const token = url.pathname.split('/').pop() ?? '';
    assert.match(token, /^[A-Za-z0-9_-]{10,}$/, 'last path segment is the recovery token');
    assert.equal(await status(L.recover), 'RECOVERY');
    // a second call issues a fresh token
    const again = await emu.client.userApi.generateResetPasswordToken({ userId, sendEmail: false });
    assert.notEqual(again.resetPasswordUrl, res.resetPasswordUrl);
    // an admin password set completes the recovery
    await emu.client.userApi.updateUser({ userId, user: { credentials: { password: { value: 'Back-In-Action-9' } } } });
    assert.equal(await status(L.recover), 'ACTIVE');
    assert.equal((await authn(L.recover, 'Back-In-Action-9')).status, 200);
  });

  test('expire_password → PASSWORD_EXPIRED (returned User and getUser); authn answers PASSWORD_EXPIRED', async () => {
    const userId = await id(L.expire);
    const u = await emu.client.userApi.expirePassword({ userId });
    assert.equal(u.status, 'PASSWORD_EXPIRED');
    assert.equal(await status(L.expire), 'PASSWORD_EXPIRED');
    const a = await authn(L.expire);
    assert.equal(a.status, 200);
    assert.equal((a.body as { status?: string }).status, 'PASSWORD_EXPIRED');
  });

  test('unlock: LOCKED_OUT → ACTIVE and the current password signs in', async () => {
    assert.equal(await status(L.locked), 'LOCKED_OUT');
    await emu.client.userApi.unlockUser({ userId: await id(L.locked) });
    assert.equal(await status(L.locked), 'ACTIVE');
    assert.equal((await authn(L.locked)).status, 200);
  });

  test('suspend → SUSPENDED (cannot sign in), unsuspend → ACTIVE', async () => {
    const userId = await id(L.suspend);
    await emu.client.userApi.suspendUser({ userId });
    assert.equal(await status(L.suspend), 'SUSPENDED');
    assert.equal((await authn(L.suspend)).status, 401);
    await emu.client.userApi.unsuspendUser({ userId });
    assert.equal(await status(L.suspend), 'ACTIVE');
    assert.equal((await authn(L.suspend)).status, 200);
  });

  test('illegal transitions are refused with an Okta error and change nothing', async () => {
    const stagedId = await id(L.staged);
    const e1 = await expectTransitionError(emu.client.userApi.suspendUser({ userId: stagedId }));
    assert.ok(e1.errorSummary);
    const activeId = await id(L.sessions);
    await expectTransitionError(emu.client.userApi.unsuspendUser({ userId: activeId }));
    assert.equal(await status(L.staged), 'STAGED');
    assert.equal(await status(L.sessions), 'ACTIVE');
  });

  // Okta's codes for refused activations and unlocks, as okta-sdk-nodejs test/it (user lifecycle) and Okta's error
  // code reference record them: unlock of a user who is not locked → 403 E0000032, reactivate of a STAGED user →
  // 403 E0000038, activate of an ACTIVE user → 403 E0000016. Nothing changes.
  test('refused activations and unlocks answer Okta codes (E0000016, E0000038, E0000032)', async () => {
    const activeId = await id(L.codes);
    const stagedId = await id(L.staged);
    await expectOktaError(emu.client.userApi.unlockUser({ userId: activeId }), 403, 'E0000032');
    await expectOktaError(emu.client.userApi.activateUser({ userId: activeId, sendEmail: false }), 403, 'E0000016');
    await expectOktaError(emu.client.userApi.reactivateUser({ userId: stagedId, sendEmail: false }), 403, 'E0000038');
    assert.equal(await status(L.codes), 'ACTIVE');
    assert.equal(await status(L.staged), 'STAGED');
  });

  // Spec reactivateUser: "can only be performed on users with a PROVISIONED or RECOVERY status".
  test('reactivate is allowed from RECOVERY and answers an activation token (spec reactivateUser)', async () => {
    const res = await emu.client.userApi.reactivateUser({ userId: await id(L.recovery), sendEmail: false });
    assert.match(res.activationToken ?? '', /^[A-Za-z0-9_-]{10,}$/);
    assert.ok(res.activationUrl?.startsWith(emu.url));
  });

  test('deactivate → DEPROVISIONED; authn refused', async () => {
    await emu.client.userApi.deactivateUser({ userId: await id(L.deact) });
    assert.equal(await status(L.deact), 'DEPROVISIONED');
    assert.equal((await authn(L.deact)).status, 401);
  });

  test('DELETE /users/{id}/sessions → 204 (SDK revokeUserSessions)', async () => {
    await emu.client.userApi.revokeUserSessions({ userId: await id(L.sessions) });
    const last = await emu.recorder.last((r) => r.method === 'DELETE');
    assert.equal(last?.method, 'DELETE');
    assert.match(last?.path ?? '', /\/api\/v1\/users\/[^/]+\/sessions$/);
    assert.equal(last?.status, 204);
    assert.equal(last?.body, undefined, 'no body');
  });

  test('lifecycle on an unknown user → 404 E0000007', async () => {
    await expectOktaError(emu.client.userApi.suspendUser({ userId: '00uDoesNotExist00000' }), 404, 'E0000007');
    await expectOktaError(emu.client.userApi.generateResetPasswordToken({ userId: '00uDoesNotExist00000', sendEmail: false }), 404, 'E0000007');
  });

  test('raw lifecycle responses match the spec (POST with Content-Length: 0)', async () => {
    const userId = await id(L.sessions);
    const exp = await emu.okta('POST', `/api/v1/users/${userId}/lifecycle/expire_password`, { headers: { 'content-length': '0' } });
    assert.equal(exp.status, 200);
    assert.deepEqual(validateResponse('expirePassword', 200, exp.body), []);
    const rp = await emu.okta('POST', `/api/v1/users/${userId}/lifecycle/reset_password?sendEmail=false`, { headers: { 'content-length': '0' } });
    assert.equal(rp.status, 200);
    assert.deepEqual(validateResponse('resetPassword', 200, rp.body), []);
    assert.deepEqual(Object.keys(rp.body as object), ['resetPasswordUrl']);
  });
});

/** Okta refuses a transition from the wrong status with 400 E0000001 (or 403 E0000038 "not allowed in the current status"). */
async function expectTransitionError(p: Promise<unknown>): Promise<OktaApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OktaApiError, `expected OktaApiError, got ${String(e)}`);
    const ok = (e.status === 400 && e.errorCode === 'E0000001') || (e.status === 403 && e.errorCode === 'E0000038');
    assert.ok(ok, `expected 400 E0000001 or 403 E0000038, got ${e.status} ${String(e.errorCode)}`);
    return e;
  }
  assert.fail('expected the transition to be refused');
}
