// OKTA-1 / REL-3 through the whole portal: after Okta's 429 with X-Rate-Limit-Reset, users get RATE_LIMITED with
// Retry-After at once and the portal sends nothing to that endpoint before the reset (emulator request log).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, ROOMY_LIMITS, TOTP_USER, errorCode, startInProcess, startOrg, type InProcessPortal, type Org } from './support.js';

let org: Org;
let p: InProcessPortal;
before(async () => {
  org = await startOrg();
  p = await startInProcess(org, { ...ROOMY_LIMITS, METRICS_PUBLIC: 'true' }); // /metrics read below (never public in production)
});
after(async () => {
  await p?.close();
  await org?.close();
});

test('a spent Okta rate limit: 429 RATE_LIMITED with Retry-After, and no call to Okta before the reset', async () => {
  await org.fault({ path: '/api/v1/users', method: 'GET', rateLimitResetSeconds: 40, count: 1 });
  const c = new ApiClient(p.url);
  const first = await c.start(TOTP_USER);
  assert.equal(first.status, 429);
  assert.equal(errorCode(first), 'RATE_LIMITED');
  const wait = Number(first.headers.get('retry-after'));
  assert.ok(wait >= 39 && wait <= 41, `Retry-After ${wait}`);
  assert.equal((await org.calls()).length, 1);

  for (let i = 0; i < 3; i++) {
    const again = await c.start(TOTP_USER);
    assert.equal(errorCode(again), 'RATE_LIMITED');
    const w = Number(again.headers.get('retry-after'));
    assert.ok(w > 0 && w <= wait, `Retry-After ${w}`);
  }
  assert.equal((await org.calls()).length, 1, 'nothing was sent before the reset');
  const metrics = await (await fetch(`${p.url}/metrics`)).text();
  // After the 429 (X-Rate-Limit-Remaining 0) the new flows are refused by the rate-limit reserve, before the gate.
  assert.match(metrics, /portal_okta_rate_limit_reserve_refusals_total\{bucket="GET \/api\/v1\/users"\} 3/);
  assert.match(metrics, /portal_limits_hit_total\{code="RATE_LIMITED"\} 4/);
  assert.match(metrics, /portal_okta_circuit_state 0/);
  assert.equal((await fetch(`${p.url}/readyz`)).status, 200, 'a rate limit is not an outage');
});
