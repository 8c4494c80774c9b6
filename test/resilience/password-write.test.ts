// REL-6 / OKTA-15 through the whole portal: a password write whose answer is lost is reconciled through the user's
// passwordChanged instead of being sent again (a second strict=true write of the same password fails on history).
// Proof: the emulator's request log (how many password writes reached Okta) and authn (which password works).
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, NEW_PASSWORD, PASSWORD, ROOMY_LIMITS, TOTP_USER, errorCode, startInProcess, startOrg, type InProcessPortal, type Org } from './support.js';

let org: Org;
let p: InProcessPortal;

before(async () => {
  org = await startOrg();
  p = await startInProcess(org, { ...ROOMY_LIMITS, OKTA_TIMEOUT_MS: '2000' });
});
after(async () => {
  await p?.close();
  await org?.close();
});
beforeEach(() => org.reset());

/** start → challenge → verify with the authenticator; returns the client and the ott. */
async function verified(): Promise<{ c: ApiClient; ott: string }> {
  const c = new ApiClient(p.url);
  assert.equal((await c.start(TOTP_USER)).status, 200);
  assert.equal((await c.challenge('google-authenticator')).status, 200);
  const v = await c.verify(await org.totpCode(TOTP_USER));
  assert.equal(v.status, 200, v.text);
  assert.ok(v.body.ott);
  return { c, ott: v.body.ott };
}

const passwordWrites = async () => (await org.calls()).filter((r) => r.method === 'POST' && /^\/api\/v1\/users\/[^/]+$/.test(r.path));

describe('a dropped connection after Okta applied the password write (REL-6)', () => {
  test('is reconciled at once: success, and the write was sent exactly once', async () => {
    const { c, ott } = await verified();
    await org.control('requests', { method: 'DELETE' });
    await org.fault({ path: '/api/v1/users/*', method: 'POST', drop: 'after', count: 1 });
    const done = await c.password(ott);
    assert.equal(done.status, 200, done.text);
    assert.equal(done.body.status, 'changed');
    assert.equal((await passwordWrites()).length, 1, 'one write only');
    const reads = (await org.calls()).filter((r) => r.method === 'GET' && /^\/api\/v1\/users\/[^/]+$/.test(r.path));
    assert.equal(reads.length, 1, 'one read of passwordChanged');
    assert.equal(await org.authn(TOTP_USER, NEW_PASSWORD), 200);
    assert.equal(await org.authn(TOTP_USER, PASSWORD), 401);
    assert.match(p.logText(), /reconciled as done \(REL-6\)/, 'the audit event says what happened');
    // The flow is completed: the same ott cannot write again.
    assert.equal(errorCode(await c.password(ott)), 'INVALID_OTT');
    assert.equal((await passwordWrites()).length, 1);
  });

  test('when the check fails too, the user gets a 503; the retry checks first and does not write again', async () => {
    const { c, ott } = await verified();
    await org.control('requests', { method: 'DELETE' });
    await org.fault({ path: '/api/v1/users/*', method: 'POST', drop: 'after', count: 1 });
    await org.fault({ path: '/api/v1/users/*', method: 'GET', status: 503, count: 1 });
    const first = await c.password(ott);
    assert.equal(first.status, 503, first.text);
    assert.equal(errorCode(first), 'IDP_UNAVAILABLE');
    assert.equal(await org.authn(TOTP_USER, NEW_PASSWORD), 200, 'Okta did apply the write');

    const retry = await c.password(ott);
    assert.equal(retry.status, 200, retry.text);
    assert.equal(retry.body.status, 'changed');
    assert.equal((await passwordWrites()).length, 1, 'never written twice (no history error)');
    assert.match(p.logText(), /earlier write of this password had been applied \(REL-6\)/);
  });

  test('a connection dropped before Okta acted: the check sees no change, and the retry writes', async () => {
    const { c, ott } = await verified();
    await org.control('requests', { method: 'DELETE' });
    await org.fault({ path: '/api/v1/users/*', method: 'POST', drop: 'before', count: 1 });
    const first = await c.password(ott);
    assert.equal(errorCode(first), 'IDP_UNAVAILABLE');
    assert.equal(await org.authn(TOTP_USER, PASSWORD), 200, 'nothing was written');
    const retry = await c.password(ott);
    assert.equal(retry.status, 200, retry.text);
    assert.equal(await org.authn(TOTP_USER, NEW_PASSWORD), 200);
    // The dropped request (logged with status 0) and the real write.
    assert.deepEqual((await passwordWrites()).map((w) => w.status), [0, 200]);
  });
});
