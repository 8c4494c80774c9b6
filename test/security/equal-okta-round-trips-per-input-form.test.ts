/**
 * Property: equal Okta round trips for every input of one form (issue 11, item 3).
 * Whether the account exists, is ineligible or is reached through its email, starting a recovery makes the same
 * Okta lookup: exactly one request, the same method and path template for every input of one form (email-like
 * input: one `GET /api/v1/users?search=…`; any other input: one `GET /api/v1/users/{login}`), then `listFactors`
 * for an eligible user or the core's padding for a decoy (src/core/recovery/steps/start.ts, tested in the unit
 * tests). Before the fix an unknown email cost a 404 and then a search while a real one cost a single lookup: one
 * sequential round trip more, about 40 ms against a real org, visible in a single request.
 * Counted from the emulator's request log, per input class.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { startPortal, type RunningPortal } from '../helpers/portal.js';
import { Browser, ROOMY_LIMITS, type LoggedCall } from '../e2e/support.js';
import { E2E_SEED, PASSWORD } from '../e2e/seed.js';

const extra = (login: string, email: string, status: 'ACTIVE' | 'SUSPENDED' = 'ACTIVE') => ({
  login,
  email,
  firstName: 'Extra',
  lastName: 'Tester',
  status,
  password: PASSWORD,
  factors: [{ type: 'google-totp' as const, secret: 'JBSWY3DPEHPK3PXP' }],
});

let emu: RunningEmulator;
let portal: RunningPortal;
before(async () => {
  emu = await startEmulator({
    port: 0,
    seed: {
      ...E2E_SEED,
      users: [...(E2E_SEED.users ?? []), extra('plainlogin', 'plain@example.com'), extra('alias.login@example.com', 'alias.mail@example.com')],
    },
  });
  portal = await startPortal(emu, ROOMY_LIMITS);
});
after(async () => {
  await portal?.close();
  await emu?.close();
});

async function control<T>(path: string, method = 'GET'): Promise<T> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, { method });
  assert.ok(res.ok, `control ${path}: ${res.status}`);
  return (await res.json()) as T;
}

/** The Okta calls one start made, as `METHOD template` (ids and logins replaced), split into lookups and the rest. */
async function startCalls(login: string): Promise<{ status: number; lookups: string[]; rest: string[] }> {
  await control('requests', 'DELETE');
  const b = new Browser(portal.url);
  const res = await b.api('POST', '/api/v1/recovery', { username: login });
  const { requests } = await control<{ requests: LoggedCall[] }>('requests');
  const calls = requests.filter((r) => r.path.startsWith('/api/v1/') && !r.path.startsWith('/api/v1/authn'));
  const shape = (c: LoggedCall) => `${c.method} ${c.path.replace(/^\/api\/v1\/users\/[^/]+/, '/api/v1/users/{id}')}`;
  const isFactors = (c: LoggedCall) => /\/factors$/.test(c.path);
  return { status: res.status, lookups: calls.filter((c) => !isFactors(c)).map(shape), rest: calls.filter(isFactors).map(shape) };
}

describe('equal Okta round trips for every input of one form', () => {
  test('email-like input: one search for a real user, a user found by email, an unknown email and an ineligible user', async () => {
    const classes = {
      'real, login is the email': 'sms.user@example.com',
      'real, found by email only': 'alias.mail@example.com',
      unknown: 'nobody.at.all@example.com',
      suspended: 'suspended.user@example.com',
      deprovisioned: 'deprovisioned.user@example.com',
    };
    const seen: Record<string, string[]> = {};
    for (const [name, login] of Object.entries(classes)) {
      const r = await startCalls(login);
      assert.equal(r.status, 200, `${name}: ${r.status}`);
      seen[name] = r.lookups;
      const eligible = name.startsWith('real');
      assert.deepEqual(r.rest, eligible ? ['GET /api/v1/users/{id}/factors'] : [], `${name}: listFactors only for an eligible user`);
    }
    for (const [name, lookups] of Object.entries(seen)) {
      assert.deepEqual(lookups, ['GET /api/v1/users'], `${name}: exactly one lookup, the same for every class (got ${JSON.stringify(seen)})`);
    }
  });

  test('other input: one GET /users/{login} for a real user and an unknown login', async () => {
    const real = await startCalls('plainlogin');
    const unknown = await startCalls('nosuchlogin');
    assert.deepEqual(real.lookups, ['GET /api/v1/users/{id}']);
    assert.deepEqual(unknown.lookups, real.lookups);
    assert.deepEqual(real.rest, ['GET /api/v1/users/{id}/factors']);
    assert.deepEqual(unknown.rest, []);
  });

  test('the user found is exactly the one asked for: the login’s owner first, never a look-alike', async () => {
    // alias.login@example.com is a login; alias.mail@example.com is that user's email: both reach the same user.
    const b = new Browser(portal.url);
    assert.equal((await b.api('POST', '/api/v1/recovery', { username: 'ALIAS.MAIL@example.com' })).status, 200);
    assert.equal((await b.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' })).status, 200);
    const { users } = await control<{ users: { login: string; factors: { id: string; factorType: string }[] }[] }>('users');
    const u = users.find((x) => x.login === 'alias.login@example.com')!;
    const { code } = await control<{ code: string }>(`factors/${u.factors[0]!.id}/code`);
    const v = await b.api('POST', '/api/v1/recovery/verify', { code });
    assert.equal(v.status, 200, `the email reached the user whose email it is: ${v.text}`);
  });
});
