/**
 * End-to-end recovery over real sockets: the portal (real core, real Okta adapter through the official SDK)
 * against the emulator. Each method recovers a password, then the emulator's classic authn proves that the
 * new password works and the old one does not. The emulator's request log counts the Okta calls spent.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { ApiClient } from '../helpers/http-client.js';
import { startPortal, type RunningPortal } from '../helpers/portal.js';
import { E2E_SEED, NEW_PASSWORD, PASSWORD } from './seed.js';

let emu: RunningEmulator;
let portal: RunningPortal;

async function control<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const res = await fetch(`${emu.url}/_emulator/${path}`, {
    method: init?.method ?? 'GET',
    headers: init?.body === undefined ? {} : { 'content-type': 'application/json' },
    body: init?.body === undefined ? undefined : JSON.stringify(init.body),
  });
  assert.ok(res.ok, `control ${path} answered ${res.status}`);
  return (await res.json()) as T;
}

async function authn(username: string, password: string): Promise<{ status: number; body: { status?: string } }> {
  const res = await fetch(`${emu.url}/api/v1/authn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  return { status: res.status, body: (await res.json()) as { status?: string } };
}

async function oktaCalls(): Promise<{ method: string; path: string }[]> {
  const { requests } = await control<{ requests: { method: string; path: string }[] }>('requests');
  return requests.filter((r) => r.path.startsWith('/api/v1/') && !r.path.startsWith('/api/v1/authn'));
}

async function lastCodeFor(login: string): Promise<string> {
  const { messages } = await control<{ messages: { login: string; code: string }[] }>('outbox');
  const mine = messages.filter((m) => m.login === login);
  assert.ok(mine.length > 0, `no message was sent to ${login}`);
  return mine[mine.length - 1]!.code;
}

async function totpCodeFor(login: string): Promise<string> {
  const { users } = await control<{ users: { login: string; factors: { id: string; factorType: string }[] }[] }>('users');
  const factor = users.find((u) => u.login === login)?.factors.find((f) => f.factorType === 'token:software:totp');
  assert.ok(factor, `no authenticator for ${login}`);
  return (await control<{ code: string }>(`factors/${factor.id}/code`)).code;
}

async function waitForStatus(client: ApiClient, wanted: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 40; i++) {
    const res = await client.request('GET', '/api/v1/recovery/status');
    assert.equal(res.status, 200, JSON.stringify(res.body));
    if (res.body.status === wanted) return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`status never became ${wanted}`);
}

before(async () => {
  emu = await startEmulator({ port: 0, seed: E2E_SEED });
  portal = await startPortal(emu, { PUSH_POLL_INTERVAL_SECONDS: '1' });
});
after(async () => {
  await portal?.close();
  await emu?.close();
});
beforeEach(async () => {
  await control('reset', { method: 'POST' });
});

const cases = [
  { method: 'sms', login: 'sms.user@example.com', maxCalls: 5 },
  { method: 'call', login: 'call.user@example.com', maxCalls: 5 },
  { method: 'google-authenticator', login: 'google.user@example.com', maxCalls: 4 },
  { method: 'okta-verify-code', login: 'okta.user@example.com', maxCalls: 4 },
  { method: 'push', login: 'push.user@example.com', maxCalls: Infinity },
] as const;

describe('recovering a password with each method', () => {
  for (const c of cases) {
    test(`${c.method}: recovers, the new password signs in, the old one does not`, async () => {
      const client = new ApiClient(portal.url);
      const started = await client.request<{ methods: { method: string }[] }>('POST', '/api/v1/recovery', {
        username: c.login,
      });
      assert.equal(started.status, 200, JSON.stringify(started.body));
      assert.ok(started.body.methods.some((m) => m.method === c.method));

      const challenged = await client.request('POST', '/api/v1/recovery/challenge', { method: c.method });
      assert.equal(challenged.status, 200, JSON.stringify(challenged.body));

      let ott: string;
      if (c.method === 'push') {
        assert.equal(challenged.body.status, 'push_waiting');
        const correct = challenged.body.correctAnswer as number;
        assert.equal(typeof correct, 'number', 'number matching must be on');
        const { pushes } = await control<{ pushes: { transactionId: string; login: string }[] }>('push');
        const mine = pushes.find((p) => p.login === c.login);
        assert.ok(mine, 'the push reached the phone');
        await control(`push/${mine.transactionId}/approve`, { method: 'POST', body: { answer: correct } });
        const verified = await waitForStatus(client, 'verified');
        ott = verified.ott as string;
      } else {
        const code = c.method === 'sms' || c.method === 'call' ? await lastCodeFor(c.login) : await totpCodeFor(c.login);
        const verified = await client.request('POST', '/api/v1/recovery/verify', { code });
        assert.equal(verified.status, 200, JSON.stringify(verified.body));
        ott = verified.body.ott as string;
      }
      assert.match(ott, /^[A-Za-z0-9_-]{43,}$/, 'the ott carries at least 256 bits, base64url');

      const changed = await client.request('POST', '/api/v1/recovery/password', {
        ott,
        password: NEW_PASSWORD,
        confirmPassword: NEW_PASSWORD,
        revokeSessions: false,
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      assert.equal(changed.body.status, 'changed');

      const calls = await oktaCalls();
      assert.ok(calls.length <= c.maxCalls, `${c.method} spent ${calls.length} Okta calls: ${JSON.stringify(calls)}`);

      assert.equal((await authn(c.login, PASSWORD)).status, 401, 'the old password no longer works');
      const fresh = await authn(c.login, NEW_PASSWORD);
      assert.equal(fresh.status, 200);
      assert.equal(fresh.body.status, 'SUCCESS');
    });
  }
});
