// Issue 13, item 5: a pending push is withdrawn at the IdP (Okta: DELETE of its transaction) when the user picks
// another method, asks for another push, or cancels; nothing is withdrawn that is not pending; decoys make no call,
// and their answers are the same. A failing withdrawal never blocks the user.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFullUser, createTestRecovery, ctx } from '../../helpers/fakes.js';
import { PortalError } from '../../../src/core/errors.js';
import { Limiter } from '../../../src/core/limits.js';

describe('withdrawing a pending push', () => {
  test('another method, another push and cancel each withdraw the push then pending, once', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.deepEqual(t.idp.cancelledPushes.length, 0);
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.equal(t.idp.cancelledPushes.length, 1, 'push again: the first one withdrawn');
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    assert.equal(t.idp.cancelledPushes.length, 2, 'another method: the second one withdrawn');
    assert.notEqual(t.idp.cancelledPushes[0], t.idp.cancelledPushes[1]);
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    assert.equal(t.idp.cancelledPushes.length, 2, 'nothing pending, nothing withdrawn');
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    await t.service.cancel({ handle, ctx: ctx() });
    assert.equal(t.idp.cancelledPushes.length, 3, 'cancel withdraws it');
    assert.match(t.audit.last()?.detail ?? '', /pending push withdrawn/);
  });

  test('a decoy makes no call and gets the same answers; a failing withdrawal does not block the next method', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const decoy = await t.service.start({ login: 'nobody@example.com', ctx: ctx() });
    await t.service.challenge({ handle: decoy.handle, method: 'push', ctx: ctx() });
    const again = await t.service.challenge({ handle: decoy.handle, method: 'push', ctx: ctx() });
    assert.equal(again.kind, 'push-waiting');
    await t.service.cancel({ handle: decoy.handle, ctx: ctx() });
    assert.equal(t.idp.count('cancelPush'), 0);

    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    t.idp.cancelPush = async () => Promise.reject(new PortalError('IDP_UNAVAILABLE'));
    const next = await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    assert.equal(next.kind, 'code-ready');
    assert.match(t.audit.last()?.detail ?? '', /withdrawing the pending push FAILED/);
    assert.ok(alice.id);
  });

  test('a push the user\'s push block kept from being sent is not withdrawn: no IdP call, nothing claimed', async () => {
    const t = createTestRecovery();
    const user = addFullUser(t.idp);
    await new Limiter(t.store, t.clock).block('push-block', `user:${user.id}`, 600);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    const push = await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    assert.equal(push.kind, 'push-waiting');
    assert.equal(t.idp.count('startPush'), 0, 'blocked: nothing pending at the IdP');
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    assert.equal(t.idp.count('cancelPush'), 0, 'another method');
    assert.doesNotMatch(t.audit.last()?.detail ?? '', /withdraw/);
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    await t.service.cancel({ handle, ctx: ctx() });
    assert.equal(t.idp.count('cancelPush'), 0, 'cancel');
    assert.doesNotMatch(t.audit.last()?.detail ?? '', /withdraw/);
  });

  test('a decoy\'s stand-in for the withdrawal lasts as long as real withdrawals take', async () => {
    const t = createTestRecovery({ latencyMs: { cancelPush: 800 } });
    addFullUser(t.idp);
    // One real withdrawal teaches the pad the IdP's latency (800 ms, far from the 150 ms default).
    const real = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle: real.handle, method: 'push', ctx: ctx() });
    await t.service.challenge({ handle: real.handle, method: 'push', ctx: ctx() });
    assert.equal(t.idp.count('cancelPush'), 1);
    const decoy = await t.service.start({ login: 'nobody@example.com', ctx: ctx() });
    await t.service.challenge({ handle: decoy.handle, method: 'push', ctx: ctx() });
    const slept = t.clock.sleeps.length;
    await t.service.challenge({ handle: decoy.handle, method: 'push', ctx: ctx() });
    // The other IdP calls took no time, so their pads do not sleep: the one sleep is the withdrawal's.
    const pads = t.clock.sleeps.slice(slept);
    assert.equal(pads.length, 1);
    assert.ok(pads[0]! >= 700 && pads[0]! <= 900, `padded like a real withdrawal: ${pads[0]}`);
    assert.equal(t.idp.count('cancelPush'), 1);
  });
});
