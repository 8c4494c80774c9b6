/**
 * Property: metrics are not public (issue 11, item 6).
 * The per-operation counters are an account oracle (`listFactors` moves by one for a real login only), so:
 * - by default the main port answers 404 for /metrics, exactly as for any unknown path;
 * - METRICS_PORT serves it on its own listener, bound to 127.0.0.1 unless METRICS_HOST says otherwise;
 * - METRICS_TOKEN (or METRICS_TOKEN_FILE) serves it only with `Authorization: Bearer <token>` (401 otherwise), on the
 *   main port and on the METRICS_PORT listener alike;
 * - METRICS_PUBLIC=true is the operator's explicit opt-in, with a warning at start.
 * Before the fix GET /metrics answered 200 to anyone on the main port by default.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { ApiClient, ROOMY_LIMITS, TOTP_USER, freePort, startInProcess, startOrg, type InProcessPortal, type Org } from '../resilience/support.js';

const TOKEN = 'metrics-test-token-0123456789abcdef';
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
  const p = await startInProcess(org, { ...ROOMY_LIMITS, ...env });
  portals.push(p);
  return p;
}

async function metrics(url: string, token?: string): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(`${url}/metrics`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

const BASE = { COOKIE_SECRET: 'x'.repeat(40), STORE: 'memory' };

describe('metrics are not public', () => {
  test('by default the main port answers 404 for /metrics, as for an unknown path, before and after traffic', async () => {
    const p = await portal();
    assert.equal((await new ApiClient(p.url).start(TOTP_USER)).status, 200);
    const m = await metrics(p.url);
    assert.equal(m.status, 404);
    assert.doesNotMatch(m.text, /portal_/);
    assert.equal((await metrics(p.url, 'anything-at-all-0123456789')).status, 404, 'no token configured: nothing to unlock');
    assert.equal(p.portal.metricsApp, null, 'no metrics listener either');
  });

  test('METRICS_PORT listens on 127.0.0.1 unless METRICS_HOST says otherwise, even when HOST is 0.0.0.0', () => {
    const c = loadConfig({ ...BASE, HOST: '0.0.0.0', PUBLIC_URL: 'https://recover.example.com', OKTA_ORG_URL: 'https://example.okta.com', OKTA_API_TOKEN: 'test-token', METRICS_PORT: '9464' });
    assert.deepEqual(c.ops.metrics, { host: '127.0.0.1', port: 9464 });
    assert.equal(c.ops.metricsOnMainPort, 'off');
    const internal = loadConfig({ ...BASE, HOST: '0.0.0.0', PUBLIC_URL: 'https://recover.example.com', OKTA_ORG_URL: 'https://example.okta.com', OKTA_API_TOKEN: 'test-token', METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' });
    assert.deepEqual(internal.ops.metrics, { host: '10.0.0.5', port: 9464 });
  });

  test('METRICS_TOKEN: the main port serves /metrics only with the bearer token (401 without it or with a wrong one)', async () => {
    const p = await portal({ METRICS_TOKEN: TOKEN });
    const none = await metrics(p.url);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.doesNotMatch(none.text, /portal_/);
    assert.equal((await metrics(p.url, `${TOKEN}x`)).status, 401);
    assert.equal((await metrics(p.url, TOKEN.slice(0, -1))).status, 401);
    const ok = await metrics(p.url, TOKEN);
    assert.equal(ok.status, 200);
    assert.match(ok.text, /portal_okta_circuit_state/);
    assert.doesNotMatch(p.logText(), new RegExp(TOKEN), 'the token is never logged');
  });

  test('METRICS_PORT with METRICS_TOKEN: the listener requires the token; the main port answers 404', async () => {
    const port = await freePort();
    const p = await portal({ METRICS_PORT: String(port), METRICS_TOKEN: TOKEN });
    assert.equal(p.metricsUrl, `http://127.0.0.1:${port}`);
    assert.equal((await metrics(p.metricsUrl!)).status, 401);
    assert.equal((await metrics(p.metricsUrl!, TOKEN)).status, 200);
    assert.equal((await metrics(p.url, TOKEN)).status, 404, 'never on the public port when it has its own');
  });

  test('METRICS_TOKEN_FILE: a mounted secret (trailing newline ignored); not together with METRICS_TOKEN', () => {
    const files: Record<string, string> = { '/run/secrets/metrics': `${TOKEN}\n` };
    const readFile = (p: string): string => {
      const v = files[p];
      if (v === undefined) throw Object.assign(new Error('no such file'), { code: 'ENOENT' });
      return v;
    };
    const c = loadConfig({ ...BASE, METRICS_TOKEN_FILE: '/run/secrets/metrics' }, { readFile });
    assert.equal(c.ops.metricsOnMainPort, 'token');
    assert.equal(c.ops.metricsToken?.value, TOKEN);
    assert.doesNotMatch(JSON.stringify(c), new RegExp(TOKEN), 'not in a serialised config');
    assert.throws(() => loadConfig({ ...BASE, METRICS_TOKEN: TOKEN, METRICS_TOKEN_FILE: '/run/secrets/metrics' }, { readFile }), ConfigError);
    assert.throws(() => loadConfig({ ...BASE, METRICS_TOKEN: 'short' }), /METRICS_TOKEN/);
  });

  test('METRICS_PUBLIC=true is an explicit opt-in with a warning (and refused beside METRICS_PORT)', async () => {
    const c = loadConfig({ ...BASE, METRICS_PUBLIC: 'true' });
    assert.equal(c.ops.metricsOnMainPort, 'public');
    assert.ok(c.warnings.some((w) => w.startsWith('METRICS_PUBLIC')), c.warnings.join('\n'));
    assert.throws(() => loadConfig({ ...BASE, METRICS_PUBLIC: 'true', METRICS_PORT: '9464' }), /METRICS_PUBLIC/);
    const p = await portal({ METRICS_PUBLIC: 'true' });
    assert.equal((await metrics(p.url)).status, 200);
  });
});
