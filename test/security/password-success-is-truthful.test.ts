// Issue 11, item 11: after a password write whose answer was lost, the portal never reports success ("changed") for
// a password that is not the one in effect. Before the fix, a retry with ANOTHER password after an applied-but-
// unanswered write was told "changed" while the first password was in effect (the retry was never written).
// Invariant checked after every "changed": the IdP holds exactly the password that request submitted.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { PortalError } from '../../src/core/errors.js';
import type { IdpUser } from '../../src/core/ports.js';
import { addFullUser, createTestRecovery, ctx, type TestRecovery } from '../helpers/fakes.js';

async function verified(t: TestRecovery) {
  const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
  await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
  const v = await t.service.verify({ handle, code: '123456', ctx: ctx() });
  return { handle, ott: v.ott };
}

async function currentOtt(t: TestRecovery, handle: string): Promise<string> {
  const s = await t.service.status({ handle, ctx: ctx() });
  assert.equal(s.state, 'verified', 'the flow is still open for another try');
  return (s as { ott: string }).ott;
}

/** The next `n` writes reach the IdP and are applied, but their answers are lost. */
function loseAnswers(t: TestRecovery, n: number): void {
  const original = t.idp.setPassword.bind(t.idp);
  let left = n;
  t.idp.setPassword = async (userId, password) => {
    await original(userId, password);
    if (left > 0) {
      left--;
      throw new PortalError('IDP_UNAVAILABLE', { detail: 'okta setPassword: network error ECONNRESET' });
    }
  };
}

/** Submits `password`; when the portal says "changed", the IdP must hold exactly that password. */
async function submit(t: TestRecovery, user: IdpUser, handle: string, password: string): Promise<'changed' | string> {
  const ott = await currentOtt(t, handle);
  try {
    const r = await t.service.setPassword({ handle, ott, password, confirmPassword: password, revokeSessions: false, ctx: ctx() });
    assert.deepEqual(r, { changed: true });
    assert.equal(t.idp.passwords.get(user.id), password, `"changed" reported for ${password}: it must be the one in effect`);
    return 'changed';
  } catch (e) {
    return (e as PortalError).code;
  }
}

describe('success is only reported for the password in effect (item 11)', () => {
  test('first write applied, answer and check lost; the retry with ANOTHER password is what is in effect', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const { handle } = await verified(t);
    loseAnswers(t, 1);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    assert.equal(await submit(t, alice, handle, 'first password one'), 'IDP_UNAVAILABLE');
    assert.equal(t.idp.passwords.get(alice.id), 'first password one', 'the lost write was applied');
    assert.equal(await submit(t, alice, handle, 'second password two'), 'changed');
  });

  test('the retry with the SAME password is reconciled without a second write', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const { handle } = await verified(t);
    loseAnswers(t, 1);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    assert.equal(await submit(t, alice, handle, 'first password one'), 'IDP_UNAVAILABLE');
    assert.equal(await submit(t, alice, handle, 'first password one'), 'changed');
    assert.equal(t.idp.count('setPassword'), 1, 'not written twice (history would refuse it)');
  });

  test('two lost answers in a row: still never "changed" for a password that is not in effect', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const { handle } = await verified(t);
    loseAnswers(t, 2);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    assert.equal(await submit(t, alice, handle, 'first password one'), 'IDP_UNAVAILABLE');
    // The second password's write is applied too, and its answer lost: passwordChanged moved already, so it cannot
    // tell the two writes apart; the portal must not guess.
    assert.notEqual(await submit(t, alice, handle, 'second password two'), 'changed');
    for (const retry of ['first password one', 'third password three']) {
      const r = await submit(t, alice, handle, retry);
      if (r === 'changed') return; // submit() checked that it is the password in effect
    }
    assert.fail('a later retry completes the flow');
  });

  test('the store never holds the password or its plain digest (the fingerprint is keyed by the handle secret)', async () => {
    const t = createTestRecovery();
    const alice = addFullUser(t.idp);
    const { handle } = await verified(t);
    loseAnswers(t, 1);
    t.idp.failNext('passwordChangedSince', new PortalError('IDP_UNAVAILABLE'));
    const password = 'first password one';
    assert.equal(await submit(t, alice, handle, password), 'IDP_UNAVAILABLE');
    const dump = JSON.stringify(t.store.dump());
    assert.ok(!dump.includes(password));
    for (const enc of ['base64url', 'hex', 'base64'] as const) {
      assert.ok(!dump.includes(createHash('sha256').update(password).digest(enc)), enc);
    }
  });
});
