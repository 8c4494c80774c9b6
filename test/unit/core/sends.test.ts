// The core's SendObserver (issue 12, item 8: sends per channel, the toll-fraud alert): told once for each SMS, call
// and push the IdP accepted, never for a decoy's pretend send or a send held back by a cooldown, and a failing
// observer never changes a flow.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createRecoveryService } from '../../../src/core/index.js';
import { addFullUser, createTestRecovery, ctx } from '../../helpers/fakes.js';

describe('sends reported to the observer', () => {
  test('one report per SMS, call and push the IdP was asked for; none for a decoy or a refused resend', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'sms', ctx: ctx() });
    await assert.rejects(t.service.challenge({ handle, method: 'sms', ctx: ctx() }), { code: 'RESEND_TOO_SOON' });
    await t.service.challenge({ handle, method: 'call', ctx: ctx() });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
    assert.deepEqual(t.sends, ['sms', 'call', 'push']);
    assert.equal(t.idp.count('sendChallenge') + t.idp.count('startPush'), 3, 'the reports match the IdP calls');

    const decoy = await t.service.start({ login: 'nobody@example.com', ctx: ctx() });
    await t.service.challenge({ handle: decoy.handle, method: 'sms', ctx: ctx() });
    await t.service.challenge({ handle: decoy.handle, method: 'push', ctx: ctx() });
    assert.deepEqual(t.sends, ['sms', 'call', 'push'], 'a decoy sends nothing');
  });

  test('an observer that throws does not change the answer', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const service = createRecoveryService({
      idp: t.idp,
      store: t.store,
      clock: t.clock,
      random: t.random,
      audit: t.audit,
      notifier: t.notifier,
      policy: t.policy,
      sends: {
        sent() {
          throw new Error('metrics broke');
        },
      },
    });
    const { handle } = await service.start({ login: 'alice@example.com', ctx: ctx() });
    const r = await service.challenge({ handle, method: 'sms', ctx: ctx() });
    assert.equal(r.kind, 'code-sent');
    assert.equal(t.idp.count('sendChallenge'), 1);
  });
});
