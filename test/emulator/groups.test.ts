// A user's groups (GET /api/v1/users/{id}/groups, spec listUserGroups) and seeded groups: Everyone for every user,
// then the seed's groups that list the user; shapes validated against the OpenAPI spec (raw and through the SDK);
// seed mistakes in groups are refused naming the field.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { validateSeed } from '../../emulator/src/seed/load.js';
import { demoSeed } from '../../emulator/src/seed/demo.js';
import { collect, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { validateResponse } from '../helpers/openapi.js';
import { seed, user } from './fixtures.js';

const ADMIN_GROUP_ID = '00gPortalAdmins00001';

describe('user groups', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({
      seed: seed([user('pam.privileged@example.com'), user('sam.staff@example.com')], {
        groups: [
          { id: ADMIN_GROUP_ID, name: 'Portal Admins', description: 'Privileged', members: ['PAM.privileged@example.com'] },
          { name: 'Staff', members: ['pam.privileged@example.com', 'sam.staff@example.com'] },
        ],
      }),
    });
  });
  after(() => emu?.close());
  afterEach(() => emu.assertSdkConformance());

  async function groupsOf(login: string): Promise<Array<Record<string, unknown>>> {
    const res = await emu.okta('GET', `/api/v1/users/${encodeURIComponent(login)}/groups`);
    assert.equal(res.status, 200, res.text);
    assert.deepEqual(validateResponse('listUserGroups', 200, res.body), [], 'conforms to the spec');
    return res.body as Array<Record<string, unknown>>;
  }

  test('Everyone (BUILT_IN) for every user, then the seeded groups listing the user, as Okta shapes them', async () => {
    const pam = await groupsOf('pam.privileged@example.com');
    assert.deepEqual(pam.map((g) => (g.profile as { name: string }).name), ['Everyone', 'Portal Admins', 'Staff']);
    assert.deepEqual(pam.map((g) => g.type), ['BUILT_IN', 'OKTA_GROUP', 'OKTA_GROUP']);
    const admins = pam[1]!;
    assert.equal(admins.id, ADMIN_GROUP_ID);
    assert.deepEqual(admins.objectClass, ['okta:user_group']);
    assert.deepEqual(admins.profile, { name: 'Portal Admins', description: 'Privileged' });
    assert.match(String((admins._links as { users: { href: string } }).users.href), new RegExp(`/api/v1/groups/${ADMIN_GROUP_ID}/users$`));
    assert.match(String(pam[2]!.id), /^00g[A-Za-z0-9]{17}$/);

    const sam = await groupsOf('sam.staff@example.com');
    assert.deepEqual(sam.map((g) => (g.profile as { name: string }).name), ['Everyone', 'Staff']);
    assert.equal(sam[0]!.id, pam[0]!.id, 'one Everyone group');
  });

  test('through the SDK: listUserGroups by user id', async () => {
    const u = await emu.client.userApi.getUser({ userId: 'pam.privileged@example.com' });
    const groups = await collect(await emu.client.userApi.listUserGroups({ userId: u.id ?? '' }));
    assert.deepEqual(groups.map((g) => g.profile?.name), ['Everyone', 'Portal Admins', 'Staff']);
  });

  test('an unknown user is 404 E0000007', async () => {
    const res = await emu.okta('GET', '/api/v1/users/00uNoSuchUser0000001/groups');
    assert.equal(res.status, 404);
    assert.equal((res.body as { errorCode: string }).errorCode, 'E0000007');
  });
});

describe('seed groups', () => {
  const base = { users: [{ login: 'a.user@example.com', firstName: 'A', lastName: 'User', password: 'x' }] };
  test('refused naming the field: unknown member, duplicate or reserved name, bad id, unknown key', () => {
    const cases: Array<[unknown, RegExp]> = [
      [[{ name: 'G', members: ['nobody@example.com'] }], /groups\[0\]\.members\[0\]: must be the login of a user/],
      [[{ name: 'G' }, { name: 'g' }], /groups\[1\]\.name: duplicates groups\[0\]\.name/],
      [[{ name: 'everyone' }], /groups\[0\]\.name: duplicates the built-in group Everyone/],
      [[{ name: 'G', id: '00uNotAGroup00000001' }], /groups\[0\]\.id: must be an Okta group id/],
      [[{ name: 'G', member: [] }], /groups\[0\]: Unrecognized key/],
    ];
    for (const [groups, want] of cases) {
      assert.throws(() => validateSeed({ ...base, groups }), (e: Error) => want.test(e.message), String(want));
    }
  });

  test('the demo org has Portal Admins with a user who has a push, an authenticator app and SMS', () => {
    const parsed = validateSeed(demoSeed);
    const admins = parsed.groups.find((g) => g.name === 'Portal Admins');
    assert.ok(admins);
    const pam = parsed.users.find((u) => u.login === admins.members[0]);
    assert.deepEqual(pam?.factors.map((f) => f.type).sort(), ['google-totp', 'push', 'sms']);
  });
});
