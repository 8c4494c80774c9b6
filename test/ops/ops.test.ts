// Operations endpoints (REL-8) and metrics: /healthz, /readyz (store + Okta circuit + shutdown), /metrics in
// Prometheus format with bounded labels, and METRICS_PORT moving /metrics to its own listener.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiClient, ROOMY_LIMITS, SMS_USER, TOTP_USER, errorCode, startInProcess, startOrg, wrongCode, type InProcessPortal, type Org } from '../resilience/support.js';

let org: Org;
const portals: InProcessPortal[] = [];
before(async () => {
  org = await startOrg();
});
after(async () => {
  for (const p of portals) await p.close();
  await org?.close();
});

async function portal(env: Record<string, string> = {}): Promise<InProcessPortal> {
  const p = await startInProcess(org, { ...ROOMY_LIMITS, METRICS_TOKEN, ...env });
  portals.push(p);
  return p;
}

/** The bearer token the metrics tests configure (METRICS_TOKEN): /metrics is never public (test/security). */
const METRICS_TOKEN = 'ops-test-metrics-token-0123456789';

async function get(url: string): Promise<{ status: number; text: string; json: Record<string, unknown> | null; type: string }> {
  const res = await fetch(url, url.endsWith('/metrics') ? { headers: { authorization: `Bearer ${METRICS_TOKEN}` } } : {});
  const text = await res.text();
  let json: Record<string, unknown> | null = null;
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  return { status: res.status, text, json, type: res.headers.get('content-type') ?? '' };
}

/** The value of one series in a Prometheus text exposition (labels in any order), or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = new Map([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]));
    if (Object.entries(labels).every(([k, v]) => have.get(k) === v)) return Number(m[3]);
  }
  return undefined;
}

describe('liveness and readiness', () => {
  test('/healthz and /readyz answer without calling Okta; the readiness body names the checks', async () => {
    const p = await portal();
    await org.control('requests', { method: 'DELETE' });
    const health = await get(`${p.url}/healthz`);
    assert.equal(health.status, 200);
    assert.deepEqual(health.json, { status: 'ok' });
    const ready = await get(`${p.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.json, { status: 'ready', checks: { store: 'up', okta: 'closed', shutdown: 'no' } });
    assert.equal((await org.calls()).length, 0, 'no Okta call');
    assert.doesNotMatch(p.logText(), /"path":"\/(healthz|readyz)"/, 'kept out of the request log');
  });

  test('an open Okta circuit: fast IDP_UNAVAILABLE for users, /readyz 503 (okta), /healthz 200; closes after the cool-down', async () => {
    const p = await portal({ OKTA_BREAKER_FAILURES: '2', OKTA_BREAKER_COOLDOWN_SECONDS: '1' });
    await org.fault({ path: '/api/v1/users', method: 'GET', status: 503 });
    const c = new ApiClient(p.url);
    for (let i = 0; i < 2; i++) assert.equal(errorCode(await c.start(TOTP_USER)), 'IDP_UNAVAILABLE');
    await org.control('requests', { method: 'DELETE' });
    const fast = await c.start(TOTP_USER);
    assert.equal(fast.status, 503);
    assert.equal(errorCode(fast), 'IDP_UNAVAILABLE');
    assert.ok(Number(fast.headers.get('retry-after')) >= 1, 'Retry-After while open');
    assert.equal((await org.calls()).length, 0, 'nothing sent while open');

    const ready = await get(`${p.url}/readyz`);
    assert.equal(ready.status, 503);
    assert.deepEqual(ready.json, { status: 'unavailable', checks: { store: 'up', okta: 'open', shutdown: 'no' }, failed: ['okta'] });
    assert.equal((await get(`${p.url}/healthz`)).status, 200);
    const metrics = (await get(`${p.url}/metrics`)).text;
    assert.equal(sample(metrics, 'portal_okta_circuit_state'), 2);
    assert.equal(sample(metrics, 'portal_okta_circuit_transitions_total', { to: 'open' }), 1);
    assert.equal(sample(metrics, 'portal_okta_rejected_total', { operation: 'listUsers', reason: 'circuit-open' }), 1);
    assert.match(p.logText(), /"msg":"okta circuit open"/);

    await org.clearFaults();
    await new Promise((r) => setTimeout(r, 1100));
    assert.deepEqual((await get(`${p.url}/readyz`)).json?.checks, { store: 'up', okta: 'half-open', shutdown: 'no' });
    assert.equal((await c.start(TOTP_USER)).status, 200, 'the probe succeeds');
    assert.equal((await get(`${p.url}/readyz`)).status, 200);
  });

  test('a store that does not answer, and a shutdown in progress, make /readyz 503', async () => {
    const p = await portal();
    p.portal.beginShutdown();
    const draining = await get(`${p.url}/readyz`);
    assert.equal(draining.status, 503);
    assert.deepEqual(draining.json?.failed, ['shutdown']);
    await p.portal.store.close();
    const down = await get(`${p.url}/readyz`);
    assert.deepEqual(down.json?.failed, ['store', 'shutdown']);
    assert.equal((await get(`${p.url}/healthz`)).status, 200);
  });
});

describe('/metrics', () => {
  test('counts requests by route pattern, recovery steps, Okta calls and limits hit; no secret or raw URL in it', async () => {
    const p = await portal({ MAX_WRONG_CODES_PER_FLOW: '2', METRICS_TOKEN });
    await org.reset();
    const c = new ApiClient(p.url);
    assert.equal((await c.start(TOTP_USER)).status, 200);
    assert.equal((await c.challenge('google-authenticator')).status, 200);
    const v = await c.verify(await org.totpCode(TOTP_USER));
    assert.equal(v.status, 200);

    // Limits: a resend inside the cool-down, and a wrong-code brute force.
    const s = new ApiClient(p.url);
    await s.start(SMS_USER);
    assert.equal((await s.challenge('sms')).status, 200);
    assert.equal(errorCode(await s.challenge('sms')), 'RESEND_TOO_SOON');
    const wrong = wrongCode(await org.lastCode(SMS_USER));
    assert.equal(errorCode(await s.verify(wrong)), 'INVALID_CODE');
    assert.equal(errorCode(await s.verify(wrong)), 'TOO_MANY_ATTEMPTS');
    assert.equal(errorCode(await s.verify(wrong)), 'TOO_MANY_ATTEMPTS');
    const landing = await get(`${p.url}/`);
    const asset = /\/assets\/[\w.-]+\.css/.exec(landing.text)?.[0];
    assert.ok(asset, 'the landing page links its stylesheet');
    assert.equal((await get(p.url + asset)).status, 200);
    await get(`${p.url}/assets/no-such-file.css`);
    await get(`${p.url}/no/such/page?x=1`);

    const m = await get(`${p.url}/metrics`);
    assert.equal(m.status, 200);
    assert.match(m.type, /^text\/plain; version=0\.0\.4/);
    const t = m.text;
    assert.equal(sample(t, 'portal_http_requests_total', { method: 'POST', route: '/api/v1/recovery/verify', status: '200' }), 1);
    assert.equal(sample(t, 'portal_http_requests_total', { method: 'POST', route: '/api/v1/recovery/verify', status: '429' }), 2);
    assert.equal(sample(t, 'portal_http_requests_total', { method: 'GET', route: '/assets/:file', status: '200' }), 1, 'the pattern, not the URL');
    assert.equal(sample(t, 'portal_http_requests_total', { method: 'GET', route: 'unmatched', status: '404' }), 2, 'every 404 under one label');
    assert.ok(sample(t, 'portal_http_request_duration_seconds_count', { method: 'POST', route: '/api/v1/recovery' })! >= 2);
    assert.equal(sample(t, 'portal_recovery_events_total', { step: 'verify', method: 'google-authenticator', outcome: 'success' }), 1);
    assert.equal(sample(t, 'portal_recovery_events_total', { step: 'verify', method: 'sms', outcome: 'rate_limited' }), 2);
    assert.equal(sample(t, 'portal_recovery_events_total', { step: 'verify', method: 'sms', outcome: 'failure' }), 1);
    assert.equal(sample(t, 'portal_limits_hit_total', { code: 'RESEND_TOO_SOON' }), 1);
    assert.equal(sample(t, 'portal_limits_hit_total', { code: 'TOO_MANY_ATTEMPTS' }), 2);
    assert.equal(sample(t, 'portal_okta_call_duration_seconds_count', { operation: 'verifyPasscode', status: '200' }), 1);
    assert.ok(sample(t, 'portal_okta_call_duration_seconds_count', { operation: 'listUsers', status: '200' })! >= 2);
    assert.equal(sample(t, 'portal_okta_circuit_state'), 0);
    assert.equal(sample(t, 'portal_okta_in_flight'), 0);
    assert.equal(sample(t, 'portal_okta_queued'), 0);
    assert.ok(sample(t, 'portal_process_cpu_user_seconds_total')! >= 0, 'default process metrics');

    assert.doesNotMatch(t, /example\.com|127\.0\.0\.1|00u|x=1|no\/such|no-such-file|\.css/, 'no login, address, user id or raw URL');
    for (const secret of [v.body.ott!, ...c.cookies.values(), org.apiToken]) assert.ok(!t.includes(secret));
  });

  test('METRICS_PORT serves /metrics on its own listener (bound to METRICS_HOST) and not on the main port', async () => {
    const { freePort } = await import('../resilience/support.js');
    const port = await freePort();
    const p = await portal({ METRICS_PORT: String(port), METRICS_HOST: '127.0.0.1', METRICS_TOKEN });
    assert.equal(p.metricsUrl, `http://127.0.0.1:${port}`);
    await get(`${p.url}/healthz`);
    const m = await get(`${p.metricsUrl}/metrics`);
    assert.equal(m.status, 200);
    assert.equal(sample(m.text, 'portal_http_requests_total', { method: 'GET', route: '/healthz', status: '200' }), 1);
    assert.equal((await get(`${p.url}/metrics`)).status, 404, 'not on the public port');
    assert.equal((await get(`${p.metricsUrl}/healthz`)).status, 404, 'only /metrics there');
  });
});
