// Push: rejection and timeout end states, the PUSH-5 cooling period, the portal's expiry cap, switching methods,
// and an IdP failure while polling.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFullUser, createTestRecovery, ctx } from '../../helpers/fakes.js';
import { PortalError } from '../../../src/core/errors.js';

describe('push', () => {
  test('rejected → "rejected", pushes for the user blocked for the cooling period, other methods still work', async () => {
    const t = createTestRecovery({ policy: { pushRejectedCooldownSeconds: 600 } });
    const alice = addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    t.idp.setPushResult(alice.id, 'rejected');
    t.clock.advance(5000);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'rejected' });
    assert.equal(t.audit.last()?.outcome, 'denied');
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'rejected' });
    assert.equal(t.idp.count('pollPush'), 1);
    // The block is silent (issue 11, item 4: a decoy never gets it): the push looks sent, but none reaches the IdP.
    const pushes = t.idp.count('startPush');
    const again = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.equal(again.kind, 'push-waiting');
    const other = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle: other.handle, method: 'push', ctx: ctx() });
    assert.equal(t.idp.count('startPush'), pushes, 'no push during the cooling period');
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    await t.service.verify({ handle, code: '123456', ctx: ctx() });
    t.clock.advance(600_000);
    await t.service.challenge({ handle: other.handle, method: 'push', ctx: ctx() });
    assert.equal(t.idp.count('startPush'), pushes + 1, 'pushes again after the cooling period');
  });

  test('IdP timeout → "expired"; the user may push again', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    t.idp.setPushResult(alice.id, 'timeout');
    t.clock.advance(4000);
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'expired' });
    const again = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.equal(again.kind, 'push-waiting');
    t.idp.setPushResult(alice.id, 'approved');
    t.clock.advance(4000);
    assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'verified');
  });

  test('the portal stops at the push expiry (capped at 5 min) without polling', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    t.idp.pushLifetimeMs = 3_600_000;
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    const ch = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.ok(ch.kind === 'push-waiting');
    assert.ok(ch.expiresAt - t.clock.now() <= 300_000);
    t.clock.set(ch.expiresAt);
    const polls = t.idp.count('pollPush');
    assert.deepEqual(await t.service.status({ handle, ctx: ctx() }), { state: 'expired' });
    assert.equal(t.idp.count('pollPush'), polls);
  });

  test('no number matching from the IdP → correctAnswer null', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    t.idp.pushCorrectAnswer = null;
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    const ch = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.ok(ch.kind === 'push-waiting');
    assert.equal(ch.correctAnswer, null);
    // decoys follow what real pushes look like
    const d = await t.service.start({ login: 'ghost', ctx: ctx() });
    const dch = await t.service.challenge({ handle: d.handle, method: 'push', ctx: ctx() });
    assert.ok(dch.kind === 'push-waiting');
    assert.equal(dch.correctAnswer, null);
  });

  test('an IdP failure while polling passes through and does not make the next poll come sooner', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    t.clock.advance(4000);
    t.idp.failNext('pollPush', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.status({ handle, ctx: ctx() }), { code: 'IDP_UNAVAILABLE' });
    await t.service.status({ handle, ctx: ctx() });
    assert.equal(t.idp.count('pollPush'), 1);
  });

  test('switching from push to a code method drops the push; a late approval cannot verify', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    t.idp.setPushResult(alice.id, 'approved');
    t.clock.advance(10_000);
    assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'code-sent');
    assert.equal(t.idp.count('pollPush'), 0);
  });
});
