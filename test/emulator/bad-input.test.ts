// Bad input with plain fetch: malformed JSON, wrong content type, oversized body, unknown path and method, missing or
// wrong SSWS token. Each gets Okta's error envelope with a fitting status, no stack trace, and the server keeps
// serving (checked after every case).
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { assertOktaErrorShape, startTestEmulator, type RawResponse, type TestEmulator } from '../helpers/emulator.js';
import { seed, user } from './fixtures.js';

const LOGIN = 'bea.bad@example.com';

describe('bad input', () => {
  let emu: TestEmulator;
  let userId = '';

  function assertNoLeak(res: RawResponse): void {
    assert.doesNotMatch(res.text, /\bat\s+\S+\s+\(|node:internal|\.ts:\d+|Error:\s/, 'no stack trace or internals');
    assert.ok(!res.text.includes(emu.apiToken), 'no token echoed');
  }

  before(async () => {
    emu = await startTestEmulator({ seed: seed([user(LOGIN)]) });
    userId = (await emu.client.userApi.getUser({ userId: LOGIN })).id!;
  });
  after(() => emu?.close());
  afterEach(async () => {
    await emu.assertSdkConformance();
    const still = await emu.okta('GET', `/api/v1/users/${userId}`);
    assert.equal(still.status, 200, 'the server still answers after the bad request');
  });

  test('malformed JSON → 400 (E0000003) in Okta shape', async () => {
    const res = await emu.okta('POST', `/api/v1/users/${userId}`, { raw: '{"profile": {"firstName": ', headers: { 'content-type': 'application/json' } });
    assertOktaErrorShape(res, 400);
    assert.equal((res.body as { errorCode: string }).errorCode, 'E0000003');
    assertNoLeak(res);
  });

  test('JSON that is not an object (array, string, number) → 400 Okta shape', async () => {
    for (const raw of ['[1,2]', '"text"', '42']) {
      const res = await emu.okta('POST', `/api/v1/users/${userId}`, { raw, headers: { 'content-type': 'application/json' } });
      assert.ok(res.status === 400, `${raw}: status ${res.status}`);
      assertOktaErrorShape(res, 400);
    }
  });

  test('wrong content type on a JSON endpoint → 415 (or 400) Okta shape', async () => {
    const res = await emu.okta('POST', `/api/v1/users/${userId}`, { raw: 'profile=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    assert.ok([400, 415].includes(res.status), `status ${res.status}`);
    assertOktaErrorShape(res, res.status);
    const xml = await emu.okta('POST', '/api/v1/users', { raw: '<user/>', headers: { 'content-type': 'application/xml' } });
    assert.ok([400, 415].includes(xml.status), `status ${xml.status}`);
    assertOktaErrorShape(xml, xml.status);
  });

  test('oversized body (> 1 MB) → 413 Okta shape', async () => {
    const big = JSON.stringify({ profile: { firstName: 'x'.repeat(1_100_000) } });
    const res = await emu.okta('POST', `/api/v1/users/${userId}`, { raw: big, headers: { 'content-type': 'application/json' } });
    assertOktaErrorShape(res, 413);
    assertNoLeak(res);
    const u = await emu.client.userApi.getUser({ userId });
    assert.notEqual(u.profile?.firstName?.length, 1_100_000, 'nothing was stored');
  });

  test('unknown path → 404 Okta shape (authenticated and not)', async () => {
    const res = await emu.okta('GET', '/api/v1/no/such/resource');
    assertOktaErrorShape(res, 404);
    assertNoLeak(res);
    const outside = await emu.okta('GET', '/definitely-not-okta');
    assert.equal(outside.status, 404);
  });

  test('unsupported method on a known path → 405 (or 404) Okta shape', async () => {
    const res = await emu.okta('PATCH', `/api/v1/users/${userId}`, { json: { profile: {} } });
    assert.ok([404, 405].includes(res.status), `status ${res.status}`);
    assertOktaErrorShape(res, res.status);
    const del = await emu.okta('DELETE', `/api/v1/users/${userId}/factors/catalog`);
    assert.ok([404, 405].includes(del.status), `status ${del.status}`);
    assertOktaErrorShape(del, del.status);
  });

  test('missing, wrong, or non-SSWS Authorization → 401 E0000011', async () => {
    for (const [label, opts] of [
      ['missing', { token: null }],
      ['wrong', { token: 'not-the-token' }],
      ['empty', { token: '' }],
      ['bearer', { token: null, headers: { authorization: `Bearer ${emu.apiToken}` } }],
      ['scheme only', { token: null, headers: { authorization: 'SSWS' } }],
    ] as const) {
      const res = await emu.okta('GET', `/api/v1/users/${userId}`, opts);
      assertOktaErrorShape(res, 401, 'E0000011');
      assert.ok(!res.text.includes(emu.apiToken), `${label}: token not echoed`);
    }
  });

  test('a malformed percent-encoding in the path → 400/404 in Okta shape (not the framework\'s error)', async () => {
    const res = await emu.okta('GET', '/api/v1/users/%ZZ');
    assert.ok([400, 404].includes(res.status), `status ${res.status}`);
    assertOktaErrorShape(res, res.status);
    assertNoLeak(res);
  });

  test('an over-long path segment (5000 chars) → 4xx in Okta shape', async () => {
    const res = await emu.okta('GET', `/api/v1/users/${'a'.repeat(5000)}`);
    assert.ok([400, 404, 414].includes(res.status), `status ${res.status}`);
    assertOktaErrorShape(res, res.status);
  });

  test('invalid query parameters → 400 in Okta shape', async () => {
    assertOktaErrorShape(await emu.okta('GET', '/api/v1/users?limit=abc'), 400, 'E0000001');
    assertOktaErrorShape(await emu.okta('GET', '/api/v1/users?limit=-1'), 400, 'E0000001');
    assertOktaErrorShape(await emu.okta('GET', `/api/v1/users?search=${encodeURIComponent('profile.login eq')}`), 400, 'E0000031');
    assertOktaErrorShape(await emu.okta('POST', `/api/v1/users/${userId}/lifecycle/reset_password`), 400, 'E0000001'); // sendEmail is required
  });

  test('an empty body with Content-Length: 0 on a POST is accepted (as Okta does)', async () => {
    const res = await emu.okta('POST', `/api/v1/users/${userId}/lifecycle/reset_password?sendEmail=false`, { headers: { 'content-length': '0', 'content-type': 'application/json' } });
    assert.equal(res.status, 200);
  });

  test('control API: bad input gets a JSON error, not a crash', async () => {
    const res = await fetch(`${emu.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds": -5' });
    assert.ok(res.status >= 400 && res.status < 500, `status ${res.status}`);
    const neg = await fetch(`${emu.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds": -5}' });
    assert.ok(neg.status >= 400 && neg.status < 500, `negative advance refused (${neg.status})`);
    const unknownTx = await fetch(`${emu.url}/_emulator/push/v2mst.nope/approve`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    assert.equal(unknownTx.status, 404);
  });
});
