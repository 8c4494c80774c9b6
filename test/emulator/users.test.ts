// Users API through @okta/okta-sdk-nodejs: create (activate + password), get by id / URL-encoded login / `me`,
// list/search/filter/q with limit+after pagination (Link headers), partial update incl. password with strict=true
// history, password-policy violations as OktaApiError with errorCode + errorCauses, delete. Every SDK response is
// validated against the OpenAPI spec after each test.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { OktaApiError } from '@okta/okta-sdk-nodejs';
import { collect, expectOktaError, startTestEmulator, type TestEmulator } from '../helpers/emulator.js';
import { validateResponse } from '../helpers/openapi.js';
import { ADMIN_LOGIN, PASSWORD, seed, user } from './fixtures.js';

const PLUS_LOGIN = 'jane+portal@example.com';
const SEEDED = ['alice.anders@example.com', 'bob.baker@example.com', 'carol.cole@example.com', 'dave.dunn@example.com'];

async function authn(emu: TestEmulator, username: string, password: string): Promise<number> {
  const res = await emu.okta('POST', '/api/v1/authn', { json: { username, password }, token: null });
  return res.status;
}

function parseLinks(header: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header ?? '').split(/,(?=\s*<)/)) {
    const m = /<([^>]+)>\s*;\s*rel="?([^";]+)"?/.exec(part);
    if (m?.[1] && m[2]) out[m[2]] = m[1];
  }
  return out;
}

describe('users', () => {
  let emu: TestEmulator;
  before(async () => {
    emu = await startTestEmulator({
      seed: seed([
        ...SEEDED.map((l) => user(l)),
        user(PLUS_LOGIN, { firstName: 'Jane', lastName: 'Plus' }),
        user('sid.suspended@example.com', { status: 'SUSPENDED' }),
        ...Array.from({ length: 12 }, (_, i) => user(`login${i}.only@example.com`, { firstName: `Bulk${i}`, lastName: 'User', email: `u${i}.bulk@example.com` })),
      ]),
    });
  });
  after(() => emu?.close());
  afterEach(() => emu.assertSdkConformance());

  test('createUser with activate=true and a password → ACTIVE, password usable, no password value echoed', async () => {
    const created = await emu.client.userApi.createUser({
      activate: true,
      body: {
        profile: { login: 'new.person@example.com', email: 'new.person@example.com', firstName: 'New', lastName: 'Person' },
        credentials: { password: { value: 'Fresh-Arrival-77' } },
      },
    });
    assert.match(created.id ?? '', /^00u[A-Za-z0-9]{17}$/);
    assert.equal(created.status, 'ACTIVE');
    assert.equal(created.profile?.login, 'new.person@example.com');
    assert.equal(created.credentials?.password?.value, undefined, 'the password value never comes back');
    assert.equal(await authn(emu, 'new.person@example.com', 'Fresh-Arrival-77'), 200);
  });

  test('createUser without activation → STAGED', async () => {
    const created = await emu.client.userApi.createUser({
      activate: false,
      body: { profile: { login: 'staged.new@example.com', email: 'staged.new@example.com', firstName: 'S', lastName: 'New' } },
    });
    assert.equal(created.status, 'STAGED');
  });

  test('createUser with a duplicate login → 400 E0000001 with errorCauses', async () => {
    const err = await expectOktaError(
      emu.client.userApi.createUser({
        activate: true,
        body: { profile: { login: SEEDED[0]!, email: SEEDED[0]!, firstName: 'A', lastName: 'B' } },
      }),
      400,
      'E0000001',
    );
    assert.ok(Array.isArray(err.errorCauses) && err.errorCauses.length > 0);
  });

  test('getUser by id, by login, by URL-encoded login with "+", and case-insensitively', async () => {
    const byLogin = await emu.client.userApi.getUser({ userId: SEEDED[1]! });
    assert.equal(byLogin.profile?.login, SEEDED[1]);
    const byId = await emu.client.userApi.getUser({ userId: byLogin.id! });
    assert.equal(byId.id, byLogin.id);
    assert.equal(byId.status, 'ACTIVE');
    assert.deepEqual({ ...byId.credentials?.provider }, { type: 'OKTA', name: 'OKTA' });
    const plus = await emu.client.userApi.getUser({ userId: PLUS_LOGIN }); // the SDK encodes '+' as %2B
    assert.equal(plus.profile?.login, PLUS_LOGIN);
    const upper = await emu.client.userApi.getUser({ userId: SEEDED[1]!.toUpperCase() });
    assert.equal(upper.id, byLogin.id);
    const raw = await emu.okta('GET', `/api/v1/users/${encodeURIComponent(PLUS_LOGIN)}`);
    assert.equal(raw.status, 200);
    assert.deepEqual(validateResponse('getUser', 200, raw.body), []);
  });

  test('getUser "me" is the API token owner', async () => {
    const me = await emu.client.userApi.getUser({ userId: 'me' });
    assert.equal(me.profile?.login, ADMIN_LOGIN);
  });

  test('getUser of an unknown user → 404 E0000007 with errorCauses array', async () => {
    const err = await expectOktaError(emu.client.userApi.getUser({ userId: 'nobody@example.com' }), 404, 'E0000007');
    assert.ok(Array.isArray(err.errorCauses));
  });

  test('listUsers: the SDK collection follows rel="next" through limit=2 pages and returns everyone once', async () => {
    const all = await collect(await emu.client.userApi.listUsers({ limit: 2 }));
    const logins = all.map((u) => u.profile?.login);
    assert.equal(new Set(logins).size, logins.length, 'no duplicates across pages');
    for (const l of [...SEEDED, ADMIN_LOGIN, PLUS_LOGIN]) assert.ok(logins.includes(l), `${l} listed`);
    await emu.recorder.settle();
    const listCalls = emu.recorder.responses.filter((r) => r.method === 'GET' && r.path === '/api/v1/users');
    assert.ok(listCalls.length >= Math.ceil(all.length / 2), `paged (${listCalls.length} page requests)`);
  });

  test('listUsers raw: Link rel="self" and rel="next" with an opaque `after`; the last page has no next', async () => {
    let url: string | undefined = `/api/v1/users?limit=3`;
    const seen: string[] = [];
    let pages = 0;
    while (url) {
      const res = await emu.okta('GET', url);
      assert.equal(res.status, 200);
      assert.deepEqual(validateResponse('listUsers', 200, res.body), []);
      const links = parseLinks(res.headers.get('link'));
      assert.ok(links.self, 'rel=self on every page');
      const items = res.body as { id: string }[];
      assert.ok(items.length <= 3);
      seen.push(...items.map((u) => u.id));
      pages++;
      if (links.next) {
        const next = new URL(links.next);
        assert.equal(next.searchParams.get('limit'), '3');
        assert.ok(next.searchParams.get('after'), 'next carries after=');
        url = next.pathname + next.search;
      } else url = undefined;
      assert.ok(pages < 20, 'pagination terminates');
    }
    assert.equal(new Set(seen).size, seen.length);
    assert.ok(seen.length >= SEEDED.length + 2);
    assert.ok(pages >= 2);
  });

  test('listUsers search / filter / q', async () => {
    const bySearch = await collect(await emu.client.userApi.listUsers({ search: `profile.login eq "${SEEDED[2]}"` }));
    assert.deepEqual(bySearch.map((u) => u.profile?.login), [SEEDED[2]]);
    const suspended = await collect(await emu.client.userApi.listUsers({ filter: 'status eq "SUSPENDED"' }));
    assert.deepEqual(suspended.map((u) => u.profile?.login), ['sid.suspended@example.com']);
    const byQ = await collect(await emu.client.userApi.listUsers({ q: 'Dav' })); // startsWith first name
    assert.deepEqual(byQ.map((u) => u.profile?.login), [SEEDED[3]]);
    const none = await collect(await emu.client.userApi.listUsers({ search: 'profile.login eq "nobody@example.com"' }));
    assert.equal(none.length, 0);
  });

  // Spec listUsers (filter): "Filtering is case-sensitive for property names and query values", a fixed list of
  // properties, `eq` only except on lastUpdated, no `not`; anything else is 400 E0000031.
  test('filter: case-sensitive values, a fixed list of properties and operators (spec listUsers)', async () => {
    const exact = await collect(await emu.client.userApi.listUsers({ filter: `profile.login eq "${SEEDED[2]}"` }));
    assert.deepEqual(exact.map((u) => u.profile?.login), [SEEDED[2]]);
    const upper = await collect(await emu.client.userApi.listUsers({ filter: `profile.login eq "${SEEDED[2]!.toUpperCase()}"` }));
    assert.equal(upper.length, 0, 'filter values are case-sensitive');
    for (const bad of ['profile.login sw "carol"', 'profile.city eq "Paris"', 'status ne "ACTIVE"', 'not status eq "ACTIVE"']) {
      await expectOktaError(collect(await emu.client.userApi.listUsers({ filter: bad })), 400, 'E0000031');
    }
  });

  // Spec listUsers (search): values case-insensitive; `ne` not supported; `co` only on firstName, lastName, email, login.
  test('search: case-insensitive values; ne, ew and co outside four attributes → 400 E0000031 (spec listUsers)', async () => {
    const upper = await collect(await emu.client.userApi.listUsers({ search: `profile.login eq "${SEEDED[2]!.toUpperCase()}"` }));
    assert.deepEqual(upper.map((u) => u.profile?.login), [SEEDED[2]]);
    const co = await collect(await emu.client.userApi.listUsers({ search: 'profile.email co "cole"' }));
    assert.deepEqual(co.map((u) => u.profile?.login), [SEEDED[2]]);
    for (const bad of ['status ne "ACTIVE"', 'profile.email ew "@example.com"', 'status co "ACT"', 'profile.department co "x"']) {
      await expectOktaError(collect(await emu.client.userApi.listUsers({ search: bad })), 400, 'E0000031');
    }
  });

  // Spec listUsers: sortBy/sortOrder order search results; ties by id.
  test('search with sortBy/sortOrder orders the results (spec listUsers)', async () => {
    const asc = await collect(await emu.client.userApi.listUsers({ search: 'status eq "ACTIVE"', sortBy: 'profile.lastName', sortOrder: 'asc' }));
    const names = asc.map((u) => String(u.profile?.lastName).toLowerCase());
    assert.deepEqual(names, [...names].sort());
    assert.notDeepEqual(asc.map((u) => u.id), [...asc].map((u) => u.id).sort(), 'not simply by id');
    const desc = await collect(await emu.client.userApi.listUsers({ search: 'status eq "ACTIVE"', sortBy: 'profile.lastName', sortOrder: 'desc' }));
    const descNames = desc.map((u) => String(u.profile?.lastName).toLowerCase());
    assert.deepEqual(descNames, [...names].sort().reverse());
  });

  // Spec listUsers (q): "matched against firstName, lastName, or email", limit "Defaults to 10 if q is provided",
  // no pagination.
  test('q matches firstName, lastName or email (not the login), 10 results by default, no next page (spec listUsers)', async () => {
    const loginOnly = await emu.okta('GET', '/api/v1/users?q=login0');
    assert.deepEqual(loginOnly.body, [], 'q does not match the login');
    const byEmail = await emu.okta('GET', '/api/v1/users?q=carol.cole');
    assert.deepEqual((byEmail.body as { profile: { login: string } }[]).map((u) => u.profile.login), [SEEDED[2]]);
    const many = await emu.okta('GET', '/api/v1/users?q=user'); // lastName "User" of the bulk users below
    assert.equal((many.body as unknown[]).length, 10);
    assert.ok(!/rel="next"/.test(many.headers.get('link') ?? ''), 'q has no next page');
  });

  // Okta refuses a profile property its user schema does not define (400 E0000001; okta-sdk-nodejs test/it user
  // profile tests add custom attributes to the schema first). The emulated org has only the base schema.
  test('profile properties outside the schema are refused with 400 E0000001 and nothing is stored', async () => {
    const target = await emu.client.userApi.getUser({ userId: SEEDED[3]! });
    await expectOktaError(
      emu.client.userApi.updateUser({ userId: target.id!, user: { profile: { favouriteColour: 'teal' } as never } }),
      400,
      'E0000001',
    );
    const created = emu.client.userApi.createUser({
      body: { profile: { login: 'odd.attr@example.com', email: 'odd.attr@example.com', firstName: 'Odd', lastName: 'Attr', shoeSize: 9 } as never },
    });
    await expectOktaError(created, 400, 'E0000001');
    assert.equal(((await emu.client.userApi.getUser({ userId: target.id! })).profile as Record<string, unknown>).favouriteColour, undefined);
    const ok = await emu.client.userApi.updateUser({ userId: target.id!, user: { profile: { department: 'Finance' } } });
    assert.equal(ok.profile?.department, 'Finance', 'base-schema attributes are fine');
  });

  test('updateUser is partial: changing firstName keeps the other profile fields', async () => {
    const before = await emu.client.userApi.getUser({ userId: SEEDED[0]! });
    const updated = await emu.client.userApi.updateUser({ userId: before.id!, user: { profile: { firstName: 'Alicia' } } });
    assert.equal(updated.profile?.firstName, 'Alicia');
    assert.equal(updated.profile?.lastName, before.profile?.lastName);
    assert.equal(updated.profile?.login, before.profile?.login);
    assert.equal(updated.profile?.email, before.profile?.email);
  });

  test('updateUser sets a password: the new one authenticates, the old one no longer does', async () => {
    const u = await emu.client.userApi.getUser({ userId: SEEDED[1]! });
    const updated = await emu.client.userApi.updateUser({
      userId: u.id!,
      strict: true,
      user: { credentials: { password: { value: 'Fresh-Start-2025' } } },
    });
    assert.equal(updated.credentials?.password?.value, undefined);
    assert.equal(await authn(emu, SEEDED[1]!, 'Fresh-Start-2025'), 200);
    assert.equal(await authn(emu, SEEDED[1]!, PASSWORD), 401);
  });

  test('strict=true refuses a password from history (errorCode + errorCauses); without strict it is allowed', async () => {
    const u = await emu.client.userApi.getUser({ userId: SEEDED[2]! });
    await emu.client.userApi.updateUser({ userId: u.id!, strict: true, user: { credentials: { password: { value: 'Second-Pass-22' } } } });
    const err = await expectOktaErrorOneOf(
      emu.client.userApi.updateUser({ userId: u.id!, strict: true, user: { credentials: { password: { value: PASSWORD } } } }),
    );
    assert.ok(err.errorCauses && err.errorCauses.length > 0, 'errorCauses present');
    assert.match(String(err.errorCauses[0]?.errorSummary), /password/i);
    assert.equal(await authn(emu, SEEDED[2]!, 'Second-Pass-22'), 200, 'the refused change left the password alone');
    await emu.client.userApi.updateUser({ userId: u.id!, user: { credentials: { password: { value: PASSWORD } } } });
    assert.equal(await authn(emu, SEEDED[2]!, PASSWORD), 200, 'non-strict update ignores history');
  });

  for (const [why, pw] of [
    ['too short', 'Ab1'],
    ['no uppercase', 'lowercase-only-9'],
    ['no number', 'No-Numbers-Here'],
    ['contains the username', 'Dave.Dunn-Pass-1'],
  ] as const) {
    test(`password policy violation (${why}) surfaces as OktaApiError with errorCode and errorCauses`, async () => {
      const u = await emu.client.userApi.getUser({ userId: SEEDED[3]! });
      const err = await expectOktaErrorOneOf(
        emu.client.userApi.updateUser({ userId: u.id!, user: { credentials: { password: { value: pw } } } }),
      );
      assert.ok(Array.isArray(err.errorCauses) && err.errorCauses.length > 0);
      assert.match(String(err.errorCauses[0]?.errorSummary), /password/i);
      assert.ok(!err.message.includes(pw), 'the rejected password is not echoed');
      assert.equal(await authn(emu, SEEDED[3]!, PASSWORD), 200, 'password unchanged');
    });
  }

  test('createUser with a weak password → policy error, user not created', async () => {
    await expectOktaErrorOneOf(
      emu.client.userApi.createUser({
        activate: true,
        body: {
          profile: { login: 'weak.pw@example.com', email: 'weak.pw@example.com', firstName: 'Weak', lastName: 'Pw' },
          credentials: { password: { value: 'short' } },
        },
      }),
    );
    await expectOktaError(emu.client.userApi.getUser({ userId: 'weak.pw@example.com' }), 404, 'E0000007');
  });

  test('deleteUser: an ACTIVE user is first deactivated, a second delete removes it', async () => {
    const created = await emu.client.userApi.createUser({
      activate: true,
      body: {
        profile: { login: 'to.delete@example.com', email: 'to.delete@example.com', firstName: 'To', lastName: 'Delete' },
        credentials: { password: { value: 'Short-Lived-Acct-1' } },
      },
    });
    await emu.client.userApi.deleteUser({ userId: created.id! });
    const mid = await emu.client.userApi.getUser({ userId: created.id! });
    assert.equal(mid.status, 'DEPROVISIONED');
    await emu.client.userApi.deleteUser({ userId: created.id! });
    await expectOktaError(emu.client.userApi.getUser({ userId: created.id! }), 404, 'E0000007');
  });
});

/** Password-policy failures: Okta answers 400 E0000001 or 403 E0000080 (both with errorCauses). */
async function expectOktaErrorOneOf(p: Promise<unknown>): Promise<OktaApiError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OktaApiError, `expected OktaApiError, got ${String(e)}`);
    const ok = (e.status === 400 && e.errorCode === 'E0000001') || (e.status === 403 && e.errorCode === 'E0000080');
    assert.ok(ok, `expected 400 E0000001 or 403 E0000080, got ${e.status} ${String(e.errorCode)}`);
    return e;
  }
  assert.fail('expected a password-policy error, but the call succeeded');
}
