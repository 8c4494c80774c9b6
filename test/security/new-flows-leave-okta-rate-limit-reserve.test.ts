/**
 * Property: the portal spends Okta's rate limit with care (issue 11, "Also").
 * Okta's rate limits are per org and per endpoint family: a portal that takes a bucket's last calls locks every other
 * Okta app of the org out of that endpoint until the reset. The portal reads X-Rate-Limit-Limit / -Remaining /
 * -Reset on every answer, per bucket, and while a bucket a recovery needs is below OKTA_RATE_LIMIT_RESERVE_PERCENT
 * of its limit, NEW flows are refused with RATE_LIMITED and Retry-After (until the reset) before any Okta call,
 * for any login (no oracle); flows already under way go on. A gauge shows the calls left per bucket, a counter the
 * refusals. Before the fix the portal kept calling until Okta answered 429.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { createOktaResilience } from '../../src/okta/resilience.js';
import { startPortal, type RunningPortal } from '../helpers/portal.js';
import { Browser, ROOMY_LIMITS, errorCode, type LoggedCall } from '../e2e/support.js';
import { E2E_SEED } from '../e2e/seed.js';

const LIMIT = 20;
const RESERVE_PERCENT = 25; // 5 of 20 calls kept back
const TOTP_USER = 'google.user@example.com';

let emu: RunningEmulator;
let portal: RunningPortal;
before(async () => {
  emu = await startEmulator({
    port: 0,
    seed: { ...E2E_SEED, rateLimits: [{ path: '/api/v1/users', method: 'GET', limit: LIMIT, windowSeconds: 60 }] },
  });
  portal = await startPortal(emu, { ...ROOMY_LIMITS, OKTA_RATE_LIMIT_RESERVE_PERCENT: String(RESERVE_PERCENT), METRICS_PUBLIC: 'true' });
});
after(async () => {
  await portal?.close();
  await emu?.close();
});

async function oktaCalls(): Promise<LoggedCall[]> {
  const res = await fetch(`${emu.url}/_emulator/requests`);
  const { requests } = (await res.json()) as { requests: LoggedCall[] };
  return requests.filter((r) => r.path.startsWith('/api/v1/'));
}

async function metric(name: string, labels: string): Promise<number | undefined> {
  const text = await (await fetch(`${portal.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(' ').pop());
}

describe('new flows leave Okta’s rate-limit reserve to others', () => {
  test('below the reserve a new flow is RATE_LIMITED with Retry-After, without an Okta call; a flow under way goes on', async () => {
    // The user search bucket (GET /api/v1/users) answers with X-Rate-Limit-*; each start takes one call.
    const underWay = new Browser(portal.url);
    assert.equal((await underWay.api('POST', '/api/v1/recovery', { username: TOTP_USER })).status, 200);
    const reserve = Math.ceil((LIMIT * RESERVE_PERCENT) / 100); // 5 calls
    const allowed = LIMIT - reserve + 1; // 16 starts: then 4 calls are left, below the reserve
    for (let i = 1; i < allowed; i++) {
      const a = await new Browser(portal.url).api('POST', '/api/v1/recovery', { username: `someone${i}@example.com` });
      assert.equal(a.status, 200, `start ${i + 1}: ${a.text}`);
    }
    assert.equal(await metric('portal_okta_rate_limit_remaining', 'bucket="GET /api/v1/users"'), LIMIT - allowed);
    assert.equal(await metric('portal_okta_rate_limit_limit', 'bucket="GET /api/v1/users"'), LIMIT);

    const before = (await oktaCalls()).length;
    for (const login of [TOTP_USER, 'nobody@example.com']) {
      const refused = await new Browser(portal.url).api('POST', '/api/v1/recovery', { username: login });
      assert.equal(refused.status, 429, refused.text);
      assert.equal(errorCode(refused), 'RATE_LIMITED', 'the same answer for a real and an unknown login');
      const wait = Number(refused.headers.get('retry-after'));
      // X-Rate-Limit-Reset is a whole epoch second, so the wait to it can round up to one second past the window.
      assert.ok(wait >= 1 && wait <= 61, `Retry-After until the bucket's reset: ${wait}`);
    }
    assert.equal((await oktaCalls()).length, before, 'refused before any Okta call: the last calls stay with the org');
    assert.equal(await metric('portal_okta_rate_limit_reserve_refusals_total', 'bucket="GET /api/v1/users"'), 2);

    // The flow under way needs other buckets (factors): it is not refused.
    assert.equal((await underWay.api('POST', '/api/v1/recovery/challenge', { method: 'google-authenticator' })).status, 200);
    const u = ((await (await fetch(`${emu.url}/_emulator/users`)).json()) as { users: { login: string; factors: { id: string }[] }[] }).users.find(
      (x) => x.login === TOTP_USER,
    )!;
    const { code } = (await (await fetch(`${emu.url}/_emulator/factors/${u.factors[0]!.id}/code`)).json()) as { code: string };
    const verified = await underWay.api('POST', '/api/v1/recovery/verify', { code });
    assert.equal(verified.status, 200, verified.text);
  });

  test('the reserve lasts until the bucket’s reset, counted from the answer’s Date; 0 turns it off', () => {
    let now = 1_000_000;
    const res = createOktaResilience({ breakerFailures: 5, breakerCooldownMs: 1000, maxConcurrency: 1, maxQueue: 0, now: () => now, rateLimitReserve: 0.1 });
    res.observeRateLimit('listFactors', { limit: 100, remaining: 10, resetInMs: 30_000 });
    res.admitNewFlow(); // 10 left of 100: exactly the reserve, not below it
    res.observeRateLimit('listFactors', { limit: 100, remaining: 9, resetInMs: 30_000 });
    assert.throws(() => res.admitNewFlow(), (e: { code?: string; retryAfterSeconds?: number }) => e.code === 'RATE_LIMITED' && e.retryAfterSeconds === 30);
    // A late answer from earlier in the same window does not lift the refusal.
    res.observeRateLimit('listFactors', { limit: 100, remaining: 50, resetInMs: 30_000 });
    assert.throws(() => res.admitNewFlow());
    now += 30_000;
    res.admitNewFlow(); // the window has reset
    assert.deepEqual(res.buckets().map((b) => [b.bucket, b.remaining]), [['GET /api/v1/users/{id}/factors', 9]]);

    const off = createOktaResilience({ breakerFailures: 5, breakerCooldownMs: 1000, maxConcurrency: 1, maxQueue: 0, now: () => now, rateLimitReserve: 0 });
    off.observeRateLimit('listUsers', { limit: 100, remaining: 1, resetInMs: 30_000 });
    off.admitNewFlow();
  });
});
