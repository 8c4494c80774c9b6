// Issue 11, item 8: a password change ends old portal sessions. A completed recovery (with or without "sign out
// everywhere") and a signed-in password change end every portal session of that user created before it, except
// the session that made a signed-in change. Before the fix those sessions kept working for their 8 hours.
// The session manager (src/auth/sessions.ts) and the core services share one memory store and one fake clock, as
// src/portal.ts wires them.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createSessionManager, type SessionManager } from '../../src/auth/index.js';
import { createAccountService, defaultAccountPolicy } from '../../src/core/index.js';
import { createRecoveryService } from '../../src/core/recovery/service.js';
import { MemoryStore } from '../../src/store/memory.js';
import {
  FakeClock,
  FakeIdp,
  FakeNotifier,
  MemoryAudit,
  SeededRandom,
  addFullUser,
  ctx,
  followHandles,
  testPolicy,
} from '../helpers/fakes.js';

function setup() {
  const clock = new FakeClock();
  const store = new MemoryStore(clock);
  const idp = new FakeIdp({ clock });
  const audit = new MemoryAudit();
  const sessions: SessionManager = createSessionManager({ store, clock, settings: { ttlSeconds: 8 * 3600, idleSeconds: 3600 } });
  const recovery = followHandles(
    createRecoveryService({ idp, store, clock, random: new SeededRandom(1), audit, notifier: new FakeNotifier(), policy: testPolicy(), sessions }),
  );
  const account = createAccountService({
    idp,
    store,
    clock,
    random: new SeededRandom(2),
    audit,
    policy: defaultAccountPolicy({ totpIssuer: 'Example Org' }),
    sessions,
  });
  const alice = addFullUser(idp);
  const bob = idp.addUser({ login: 'bob@example.com', factors: [{ method: 'google-authenticator' }] });
  const signIn = (u: { id: string; login: string }) => sessions.create({ userId: u.id, login: u.login, name: null, idToken: null });
  return { clock, store, idp, sessions, recovery, account, alice, bob, signIn };
}

async function recover(t: ReturnType<typeof setup>, revokeSessions: boolean): Promise<void> {
  const { handle } = await t.recovery.start({ login: 'alice@example.com', ctx: ctx() });
  await t.recovery.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
  const { ott } = await t.recovery.verify({ handle, code: '123456', ctx: ctx() });
  const password = 'a long new passphrase';
  await t.recovery.setPassword({ handle, ott, password, confirmPassword: password, revokeSessions, ctx: ctx() });
}

describe('a password reset or change ends the user\'s earlier portal sessions (item 8)', () => {
  for (const revokeSessions of [true, false]) {
    test(`recovery (sign out everywhere: ${revokeSessions}) ends every earlier portal session of that user`, async () => {
      const t = setup();
      const laptop = await t.signIn(t.alice);
      const phone = await t.signIn(t.alice);
      const other = await t.signIn(t.bob);
      t.clock.advance(60_000);
      assert.ok(await t.sessions.resolve(laptop.token), 'alive before the reset');
      await recover(t, revokeSessions);
      assert.equal(await t.sessions.resolve(laptop.token), null);
      assert.equal(await t.sessions.resolve(phone.token), null);
      assert.ok(await t.sessions.resolve(other.token), "another user's session is untouched");
      t.clock.advance(1);
      const fresh = await t.signIn(t.alice);
      assert.ok(await t.sessions.resolve(fresh.token), 'signing in after the reset works');
      t.clock.advance(3600_000 * 7);
      assert.equal(await t.sessions.resolve(laptop.token), null, 'and the old one never comes back');
    });
  }

  test('a signed-in change ends the other sessions and keeps the one that made it', async () => {
    const t = setup();
    const a = await t.signIn(t.alice);
    const b = await t.signIn(t.alice);
    t.clock.advance(60_000);
    const ctxA = { userId: t.alice.id, login: t.alice.login, sessionId: a.session.sid, ctx: ctx() };
    const totp = (await t.idp.getFactors(t.alice.id)).find((f) => f.method === 'google-authenticator');
    assert.ok(totp);
    await t.account.stepUpStart(ctxA, totp.id);
    await t.account.stepUpVerify(ctxA, '123456');
    await t.account.changePassword(ctxA, {
      currentPassword: 'Current-Pass-1',
      newPassword: 'a long new passphrase',
      confirmPassword: 'a long new passphrase',
    });
    assert.ok(await t.sessions.resolve(a.token), 'the session that changed it stays signed in');
    assert.equal(await t.sessions.resolve(b.token), null, 'the other session has ended');
    t.clock.advance(60_000);
    assert.ok(await t.sessions.resolve(a.token));
  });
});
