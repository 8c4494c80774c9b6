// Issue 13, item 5: a pending push is withdrawn at the IdP (Okta: DELETE of its transaction) when the user picks
// another method, asks for another push, or cancels; nothing is withdrawn that is not pending; decoys make no call,
// and their answers are the same. A failing withdrawal never blocks the user.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFullUser, createTestRecovery, ctx } from '../../helpers/fakes.js';
import { PortalError } from '../../../src/core/errors.js';

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
});
