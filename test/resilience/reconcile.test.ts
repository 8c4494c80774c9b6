// REL-6 in the core (set-password step) with the fake IdP: an ambiguous password write (IDP_UNAVAILABLE) is
// reconciled through passwordChangedSince(the value read at start), never blindly written again.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PortalError } from '../../src/core/errors.js';
import { addFullUser, createTestRecovery, ctx, type TestRecovery } from '../helpers/fakes.js';

async function verified(t: TestRecovery) {
  const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
  await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
  const v = await t.service.verify({ handle, code: '123456', ctx: ctx() });
  return { handle, ott: v.ott };
}

const pw = (handle: string, ott: string, password = 'new password 1') => ({
  handle,
  ott,
  password,
  confirmPassword: password,
  revokeSessions: false,
  ctx: ctx(),
});

/** The write reaches the IdP and is applied, but its answer is lost. */
function loseNextAnswer(t: TestRecovery): void {
  const original = t.idp.setPassword.bind(t.idp);
  let armed = true;
  t.idp.setPassword = async (userId, password) => {
    await original(userId, password);
    if (armed) {
      armed = false;
      throw new PortalError('IDP_UNAVAILABLE', { detail: 'okta setPassword: network error ECONNRESET' });
    }
  };
}

describe('ambiguous password writes (REL-6)', () => {
  test('applied but unanswered: reconciled as success, written once, completed', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    loseNextAnswer(t);
    assert.deepEqual(await t.service.setPassword(pw(handle, ott)), { changed: true });
    assert.equal(t.idp.count('setPassword'), 1);
    assert.equal(t.idp.count('passwordChangedSince'), 1);
    assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'completed');
    assert.match(t.audit.last()?.detail ?? '', /reconciled as done \(REL-6\)/);
    assert.equal(t.audit.last()?.outcome, 'success');
    assert.deepEqual(t.notifier.changed.map((u) => u.login), ['alice@example.com']);
  });

  test('applied, and the check fails too: an error now; the retry checks first and does not write again', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    loseNextAnswer(t);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'IDP_UNAVAILABLE' });
    assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'verified', 'the ott is usable again');
    const { ott: fresh } = (await t.service.status({ handle, ctx: ctx() })) as { ott: string };
    assert.deepEqual(await t.service.setPassword(pw(handle, fresh)), { changed: true });
    assert.equal(t.idp.count('setPassword'), 1, 'never written twice');
    assert.match(t.audit.last()?.detail ?? '', /earlier write of this password had been applied/);
  });

  test('not applied: the check sees no change, the error stands; the retry checks, then writes', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    t.idp.failNext('setPassword', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(handle, ott)), { code: 'IDP_UNAVAILABLE' });
    assert.equal(t.idp.count('passwordChangedSince'), 1);
    await t.service.setPassword(pw(handle, ott));
    assert.equal(t.idp.count('passwordChangedSince'), 2, 'checked before writing again');
    assert.equal(t.idp.count('setPassword'), 2);
    assert.equal(t.idp.passwords.get(t.idp.calls.find((c) => c.op === 'setPassword')!.userId!), 'new password 1');
  });

  test('a definite refusal (PASSWORD_POLICY) is not reconciled', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const { handle, ott } = await verified(t);
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'short')), { code: 'PASSWORD_POLICY' });
    assert.equal(t.idp.count('passwordChangedSince'), 0);
    await t.service.setPassword(pw(handle, ott));
    assert.equal(t.idp.count('passwordChangedSince'), 0, 'no ambiguous write happened in this flow');
  });

  test('the baseline is the passwordChanged read at start: an older change does not count as this write', async () => {
    const t = createTestRecovery();
    addFullUser(t.idp);
    const first = await verified(t);
    await t.service.setPassword(pw(first.handle, first.ott)); // passwordChanged is now set
    t.clock.advance(60_000);
    const { handle, ott } = await verified(t);
    t.clock.advance(60_000);
    t.idp.failNext('setPassword', new PortalError('IDP_UNAVAILABLE'));
    await assert.rejects(t.service.setPassword(pw(handle, ott, 'new password 2')), { code: 'IDP_UNAVAILABLE' });
    assert.equal(t.idp.count('passwordChangedSince'), 1);
    assert.equal((await t.service.status({ handle, ctx: ctx() })).state, 'verified', 'not taken for a success');
  });
});
