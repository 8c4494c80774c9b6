// Self-service unlock in the core (issue 14, item 1): offered only after verification of a LOCKED_OUT user with the
// setting on; spends the ott once; a failed unlock keeps the ott; other users and decoys cannot unlock.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFullUser, createTestRecovery, ctx, type TestRecovery } from '../../helpers/fakes.js';
import { PortalError } from '../../../src/core/errors.js';

async function verified(t: TestRecovery, login: string) {
  const { handle } = await t.service.start({ login, ctx: ctx() });
  await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
  const v = await t.service.verify({ handle, code: '123456', ctx: ctx() });
  return v;
}

describe('self-service unlock', () => {
  test('a verified LOCKED_OUT user is offered the unlock; it unlocks once, keeps the password, completes the flow', async () => {
    const t = createTestRecovery({ policy: { selfServiceUnlock: true } });
    const u = addFullUser(t.idp, 'locked', 'LOCKED_OUT');
    const v = await verified(t, 'locked');
    assert.equal(v.unlockAvailable, true);
    assert.deepEqual(await t.service.status({ handle: v.handle, ctx: ctx() }).then((s) => s.state === 'verified' && s.unlockAvailable), true);
    const s = await t.service.status({ handle: v.handle, ctx: ctx() });
    assert.ok(s.state === 'verified');
    assert.deepEqual(await t.service.unlock({ handle: v.handle, ott: s.ott, ctx: ctx() }), { unlocked: true });
    assert.deepEqual(t.idp.unlocked, [u.id]);
    assert.equal(t.idp.count('setPassword'), 0);
    assert.deepEqual(await t.service.status({ handle: v.handle, ctx: ctx() }), { state: 'completed', unlocked: true });
    await assert.rejects(t.service.unlock({ handle: v.handle, ott: s.ott, ctx: ctx() }), { code: 'INVALID_OTT' });
    assert.equal(t.idp.count('unlockUser'), 1);
    const ev = t.audit.events.find((e) => e.action === 'recovery.unlock' && e.outcome === 'success');
    assert.ok(ev && ev.userId === u.id && /self-service/.test(ev.detail ?? ''));
  });

  test('or the user goes on to a new password: unlocked first, then written', async () => {
    const t = createTestRecovery({ policy: { selfServiceUnlock: true } });
    const u = addFullUser(t.idp, 'locked', 'LOCKED_OUT');
    const v = await verified(t, 'locked');
    await t.service.setPassword({ handle: v.handle, ott: v.ott, password: 'new password 1', confirmPassword: 'new password 1', revokeSessions: false, ctx: ctx() });
    assert.deepEqual(t.idp.unlocked, [u.id]);
    assert.equal(t.idp.passwords.get(u.id), 'new password 1');
  });

  test('a failed unlock keeps the ott and the flow verified', async () => {
    const t = createTestRecovery({ policy: { selfServiceUnlock: true } });
    addFullUser(t.idp, 'locked', 'LOCKED_OUT');
    const v = await verified(t, 'locked');
    t.idp.failNext('unlockUser', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.unlock({ handle: v.handle, ott: v.ott, ctx: ctx() }), { code: 'IDP_UNAVAILABLE' });
    assert.deepEqual(await t.service.unlock({ handle: v.handle, ott: v.ott, ctx: ctx() }), { unlocked: true });
  });

  test('no unlock for an ACTIVE user, without the setting, or before verification; no IdP call', async () => {
    const t = createTestRecovery({ policy: { selfServiceUnlock: true } });
    addFullUser(t.idp, 'active');
    const v = await verified(t, 'active');
    assert.equal(v.unlockAvailable, undefined);
    await assert.rejects(t.service.unlock({ handle: v.handle, ott: v.ott, ctx: ctx() }), { code: 'WRONG_STEP' });

    const early = await t.service.start({ login: 'active', ctx: ctx() });
    await assert.rejects(t.service.unlock({ handle: early.handle, ott: v.ott, ctx: ctx() }), { code: 'WRONG_STEP' });

    const off = createTestRecovery({ policy: { allowLockedOut: true } });
    addFullUser(off.idp, 'locked', 'LOCKED_OUT');
    const w = await verified(off, 'locked');
    assert.equal(w.unlockAvailable, undefined, 'ALLOW_LOCKED_OUT_RECOVERY alone unlocks only with a new password');
    await assert.rejects(off.service.unlock({ handle: w.handle, ott: w.ott, ctx: ctx() }), { code: 'WRONG_STEP' });
    assert.equal(t.idp.count('unlockUser') + off.idp.count('unlockUser'), 0);
  });
});
