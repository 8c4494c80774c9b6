// A refused Okta credential (issue 12, item 1): `check-config` exits 1 naming the setting; readiness reports it as
// not ready from a cached check (never one Okta call per probe); a live 401 makes the monitor look again. And the
// one-time warning when requests carry X-Forwarded-For while TRUST_PROXY is unset.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config/index.js';
import { createLogger, createPortal, type Portal } from '../../src/portal.js';
import { checkOktaCredential } from '../../src/okta/credential.js';
import { runCheckConfig } from '../../src/cli/check-config.js';
import { COOKIE_SECRET, freePort, startOrg, type Org } from '../resilience/support.js';

const WRONG = '00wrong-token-0123456789abcdef';
let org: Org;
before(async () => {
  org = await startOrg();
});
after(async () => {
  await org?.close();
});

async function inProcess(token: string, env: Record<string, string> = {}) {
  const port = await freePort();
  const config = loadConfig({ PORT: String(port), COOKIE_SECRET, OKTA_ORG_URL: org.url, OKTA_API_TOKEN: token, STORE: 'memory', ...env });
  if (config.okta.mode !== 'org') throw new Error('unreachable');
  const chunks: string[] = [];
  const sink = new Writable({
    write(c: Buffer, _e, cb) {
      chunks.push(c.toString());
      cb();
    },
  });
  const portal: Portal = await createPortal(config, {
    okta: { orgUrl: config.okta.orgUrl, auth: config.okta.auth },
    logger: createLogger(config, sink),
    credentialCheck: { intervalMs: 300_000, retryMs: 60_000 },
  });
  await portal.app.listen({ host: '127.0.0.1', port });
  return { portal, url: `http://127.0.0.1:${port}`, log: () => chunks.join('') };
}

async function readyz(url: string): Promise<{ status: number; body: { checks: Record<string, string>; failed?: string[] } }> {
  const res = await fetch(`${url}/readyz`);
  return { status: res.status, body: (await res.json()) as { checks: Record<string, string>; failed?: string[] } };
}

async function until(cond: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail('condition not reached');
}

describe('the Okta credential check', () => {
  test('one harmless read tells an accepted credential from a refused one', async () => {
    const opts = { orgUrl: org.url, timeoutMs: 5000, userAgent: 'test' };
    assert.deepEqual(await checkOktaCredential({ ...opts, auth: { kind: 'ssws', token: org.apiToken } }), { state: 'accepted' });
    const refused = await checkOktaCredential({ ...opts, auth: { kind: 'ssws', token: WRONG } });
    assert.equal(refused.state, 'refused');
    assert.equal(refused.state === 'refused' && refused.status, 401);
    const down = await checkOktaCredential({ ...opts, orgUrl: `http://127.0.0.1:${await freePort()}`, auth: { kind: 'ssws', token: WRONG } });
    assert.equal(down.state, 'unknown');
  });

  test('check-config: 0 with the right token, 1 naming OKTA_API_TOKEN with a wrong one; no secret printed', async () => {
    const lines: string[] = [];
    const io = { out: (l: string) => lines.push(l), err: (l: string) => lines.push(l) };
    const env = { OKTA_ORG_URL: org.url, STORE: 'memory', COOKIE_SECRET };
    assert.equal(await runCheckConfig({ ...env, OKTA_API_TOKEN: org.apiToken }, io), 0, lines.join('\n'));
    assert.ok(lines.some((l) => l.startsWith('ok    Okta accepted the credential')));
    lines.length = 0;
    assert.equal(await runCheckConfig({ ...env, OKTA_API_TOKEN: WRONG }, io), 1);
    assert.ok(lines.some((l) => l.startsWith('fail  Okta refused OKTA_API_TOKEN: HTTP 401')), lines.join('\n'));
    lines.length = 0;
    assert.equal(await runCheckConfig({ OKTA_API_TOKEN: WRONG }, io), 1, 'a token without an org URL is a configuration error');
    assert.ok(lines.join('\n').includes('OKTA_ORG_URL: required'));
    assert.ok(!lines.join('\n').includes(WRONG) && !lines.join('\n').includes(org.apiToken));
  });

  test('readiness: a refused credential is not ready, from the cached check (probes make no Okta call)', async () => {
    const bad = await inProcess(WRONG);
    try {
      await until(async () => (await readyz(bad.url)).status === 503);
      const r = await readyz(bad.url);
      assert.equal(r.body.checks.oktaCredential, 'refused');
      assert.deepEqual(r.body.failed, ['oktaCredential']);
      await org.control('requests', { method: 'DELETE' });
      for (let i = 0; i < 10; i++) assert.equal((await readyz(bad.url)).status, 503);
      assert.equal((await org.calls()).length, 0, 'ten probes, no Okta call');
      assert.match(bad.log(), /Okta refused OKTA_API_TOKEN: HTTP 401/);
      assert.ok(!bad.log().includes(WRONG));
    } finally {
      await bad.portal.close();
    }
    const good = await inProcess(org.apiToken);
    try {
      await until(async () => (await readyz(good.url)).body.checks.oktaCredential === 'accepted');
      assert.equal((await readyz(good.url)).status, 200);
    } finally {
      await good.portal.close();
    }
  });
});

describe('X-Forwarded-For without TRUST_PROXY', () => {
  test('warned once per process, naming TRUST_PROXY, never logging the header', async () => {
    const p = await inProcess(org.apiToken);
    try {
      for (let i = 0; i < 3; i++) await (await fetch(`${p.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.77' } })).arrayBuffer();
      const warnings = p.log().split('\n').filter((l) => l.includes('TRUST_PROXY is not set but requests carry X-Forwarded-For'));
      assert.equal(warnings.length, 1);
      assert.ok(!p.log().includes('203.0.113.77'));
    } finally {
      await p.portal.close();
    }
    const trusted = await inProcess(org.apiToken, { TRUST_PROXY: '127.0.0.1' });
    try {
      await (await fetch(`${trusted.url}/healthz`, { headers: { 'x-forwarded-for': '203.0.113.77' } })).arrayBuffer();
      assert.ok(!trusted.log().includes('TRUST_PROXY is not set'));
    } finally {
      await trusted.portal.close();
    }
  });
});
