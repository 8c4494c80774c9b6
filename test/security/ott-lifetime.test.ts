// Issue 11, item 13: OTT_TTL_SECONDS means what docs/configuration.md says: the ott issued after verification is
// valid that long FROM VERIFICATION. A status GET of a verified flow reissues an ott only for what is left of that
// window, and once it is over the flow issues none (before the fix every status GET issued a fresh 10-minute ott
// until the 15-minute flow expiry). Time comes from the injected fake clock.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addFullUser, createTestRecovery, ctx, type TestRecovery } from '../helpers/fakes.js';

const OTT_TTL = 120; // seconds; the flow lives 900 s (testPolicy), so the flow's own expiry is not what ends it

async function verifiedByCode(t: TestRecovery) {
  const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
  await t.service.challenge({ handle, method: 'google-authenticator', ctx: ctx() });
  const v = await t.service.verify({ handle, code: '123456', ctx: ctx() });
  return { handle, ott: v.ott, verifiedAt: t.clock.now(), expiresAt: v.expiresAt };
}

const setPw = (handle: string, ott: string) => ({
  handle,
  ott,
  password: 'a long new passphrase',
  confirmPassword: 'a long new passphrase',
  revokeSessions: false,
  ctx: ctx(),
});

describe('the ott window runs from verification (item 13)', () => {
  test('a reissued ott gets only what is left of the window, never a fresh lifetime', async () => {
    const t = createTestRecovery({ policy: { ottTtlSeconds: OTT_TTL } });
    addFullUser(t.idp);
    const v = await verifiedByCode(t);
    assert.equal(v.expiresAt, v.verifiedAt + OTT_TTL * 1000);
    t.clock.advance(100_000);
    const s = await t.service.status({ handle: v.handle, ctx: ctx() });
    assert.equal(s.state, 'verified');
    assert.equal((s as { expiresAt: number }).expiresAt, v.verifiedAt + OTT_TTL * 1000, 'same end as the first ott');
  });

  test('after OTT_TTL_SECONDS from verification, status issues no ott and the flow is over', async () => {
    const t = createTestRecovery({ policy: { ottTtlSeconds: OTT_TTL } });
    addFullUser(t.idp);
    const v = await verifiedByCode(t);
    // Keep the page "alive" with status GETs every 50 s, as a reloading browser or a script would.
    let last = v.ott;
    for (let i = 0; i < 2; i++) {
      t.clock.advance(50_000);
      const s = await t.service.status({ handle: v.handle, ctx: ctx() });
      assert.equal(s.state, 'verified');
      last = (s as { ott: string }).ott;
    }
    t.clock.advance(OTT_TTL * 1000 - 100_000); // exactly verifiedAt + OTT_TTL: the window is over
    await assert.rejects(t.service.status({ handle: v.handle, ctx: ctx() }), { code: 'FLOW_EXPIRED' });
    await assert.rejects(t.service.status({ handle: v.handle, ctx: ctx() }), { code: 'FLOW_EXPIRED' }, 'and stays over');
    await assert.rejects(t.service.setPassword(setPw(v.handle, last)), (e: { code: string }) =>
      ['FLOW_EXPIRED', 'INVALID_OTT'].includes(e.code),
    );
    assert.equal(t.idp.count('setPassword'), 0, 'no password written after the window');
    assert.deepEqual(
      t.store.keys().filter((k) => k.startsWith('ott:')),
      [],
      'no ott key left behind',
    );
  });

  test('a push-approved flow has the same window, counted from the approval', async () => {
    const t = createTestRecovery({ policy: { ottTtlSeconds: OTT_TTL } });
    const alice = addFullUser(t.idp);
    const { handle } = await t.service.start({ login: 'alice@example.com', ctx: ctx() });
    await t.service.challenge({ handle, method: 'push', ctx: ctx() });
    t.idp.setPushResult(alice.id, 'approved');
    t.clock.advance(10_000);
    const approved = await t.service.status({ handle, ctx: ctx() });
    assert.equal(approved.state, 'verified');
    const approvedAt = t.clock.now();
    t.clock.advance(OTT_TTL * 1000 - 1);
    const again = await t.service.status({ handle, ctx: ctx() });
    assert.equal((again as { expiresAt: number }).expiresAt, approvedAt + OTT_TTL * 1000);
    t.clock.advance(1);
    await assert.rejects(t.service.status({ handle, ctx: ctx() }), { code: 'FLOW_EXPIRED' });
  });

  test('within the window the latest ott still sets the password', async () => {
    const t = createTestRecovery({ policy: { ottTtlSeconds: OTT_TTL } });
    addFullUser(t.idp);
    const v = await verifiedByCode(t);
    t.clock.advance(OTT_TTL * 1000 - 1000);
    const s = (await t.service.status({ handle: v.handle, ctx: ctx() })) as { ott: string };
    assert.deepEqual(await t.service.setPassword(setPw(v.handle, s.ott)), { changed: true });
  });
});
