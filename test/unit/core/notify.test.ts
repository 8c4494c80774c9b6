// The recovery tells the user (issue 14, item 4): a completed reset and a self-service unlock each give one notice,
// addressed to the primary email findUser reported (no other IdP call: 4 with an authenticator app), with the
// request's address, browser and language; decoys, refused attempts and replays tell nobody; the email does not
// stay in the completed flow's record.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createTestRecovery, ctx } from '../../helpers/fakes.js';

describe('recovery notifications', () => {
  test('a reset: one notice to the profile email, with the request context, in 4 IdP calls', async () => {
    const t = createTestRecovery();
    const u = t.idp.addUser({ login: 'alice@example.com', email: 'alice@mail.example.org', factors: [{ method: 'google-authenticator' }] });
    const c = { ...ctx('198.51.100.4'), language: 'fr' };
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: c });
    await t.service.challenge({ handle, method: 'google-authenticator', ctx: c });
    const v = await t.service.verify({ handle, code: '123456', ctx: c });
    const pw = { handle, ott: v.ott, password: 'correct horse battery', confirmPassword: 'correct horse battery', revokeSessions: false, ctx: c };
    await assert.rejects(t.service.setPassword({ ...pw, confirmPassword: 'other' }), { code: 'PASSWORD_MISMATCH' });
    assert.equal(t.notifier.notices.length, 0, 'a refused attempt tells nobody');
    await t.service.setPassword(pw);
    await assert.rejects(t.service.setPassword(pw));
    assert.equal(t.notifier.notices.length, 1);
    const n = t.notifier.notices[0]!;
    assert.deepEqual([n.kind, n.userId, n.login, n.email, n.at, n.ctx.ip, n.ctx.language], ['password-reset', u.id, 'alice@example.com', 'alice@mail.example.org', t.clock.now(), '198.51.100.4', 'fr']);
    assert.equal(t.idp.calls.length, 4);
    assert.ok(!JSON.stringify([...(t.store as unknown as { entries: Map<string, unknown> }).entries.values()]).includes('mail.example.org'), 'the email left the flow record');
  });

  test('a self-service unlock: one notice; a decoy: none', async () => {
    const t = createTestRecovery({ policy: { selfServiceUnlock: true } });
    t.idp.addUser({ login: 'lou@example.com', status: 'LOCKED_OUT', email: 'lou@mail.example.org', factors: [{ method: 'google-authenticator' }] });
    for (const login of ['lou@example.com', 'nobody@example.com']) {
      const { handle } = await t.service.start({ login, ctx: ctx() });
      await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
      const v = await t.service.verify({ handle, code: '123456', ctx: ctx() }).catch(() => null);
      if (v) await t.service.unlock({ handle, ott: v.ott, ctx: ctx() });
    }
    assert.deepEqual(t.notifier.notices.map((n) => [n.kind, n.email]), [['account-unlocked', 'lou@mail.example.org']]);
  });
});
