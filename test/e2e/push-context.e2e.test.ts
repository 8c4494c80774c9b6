/**
 * Threat: a push that shows the portal server's IP and User-Agent instead of the requester's leaves the user unable to
 * spot a push they did not ask for (push phishing); a client that forges X-Forwarded-For could also pass a fake
 * location to Okta or dodge per-IP limits.
 * Checklist: PUSH-3 (the end user's IP and User-Agent go to Okta on the verify call), OKTA-14 (send the user's
 * context), RL-4 (the client IP comes from a trusted proxy only).
 * The emulator's request log does not record headers (by design: they carry the API token), so the portal talks to
 * the emulator through a small recording pass-through proxy on loopback that keeps each request's User-Agent and
 * X-Forwarded-For; the emulator itself is unchanged.
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { RunningPortal } from '../helpers/portal.js';
import { ROOMY_LIMITS, Stack } from './support.js';

interface Seen {
  method: string;
  path: string;
  userAgent: string | undefined;
  forwardedFor: string | undefined;
}

let stack: Stack;
let proxy: Server;
let proxyUrl: string;
const seen: Seen[] = [];

/** Test-only pass-through proxy: forwards everything to the emulator, records two headers per request. */
async function startRecordingProxy(target: string): Promise<void> {
  const upstream = new URL(target);
  proxy = createServer((req, res) => {
    seen.push({
      method: req.method ?? '',
      path: (req.url ?? '').split('?', 1)[0]!,
      userAgent: req.headers['user-agent'],
      forwardedFor: req.headers['x-forwarded-for'] as string | undefined,
    });
    const out = httpRequest(
      { host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    out.on('error', () => res.destroy());
    req.pipe(out);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as { port: number }).port}`;
}

let direct: RunningPortal;
let behindProxy: RunningPortal;
const USER_AGENT = 'Mozilla/5.0 (E2E; PushContext) TestBrowser/7.1';

before(async () => {
  stack = await Stack.start(ROOMY_LIMITS);
  await startRecordingProxy(stack.emu.url);
  const viaProxy = { url: proxyUrl, apiToken: stack.emu.apiToken };
  direct = await stack.portalWith(ROOMY_LIMITS, viaProxy);
  behindProxy = await stack.portalWith({ ...ROOMY_LIMITS, TRUST_PROXY: 'loopback' }, viaProxy);
});
after(async () => {
  await stack?.close();
  proxy?.closeAllConnections();
  await new Promise((r) => proxy?.close(r));
});
beforeEach(async () => {
  await stack.reset();
  seen.length = 0;
});

const verifyCalls = () => seen.filter((s) => s.method === 'POST' && /\/factors\/[^/]+\/verify$/.test(s.path));

async function challenge(portal: RunningPortal, login: string, method: string, headers: Record<string, string>) {
  const b = stack.browser(portal);
  assert.equal((await b.api('POST', '/api/v1/recovery', { username: login }, { headers })).status, 200);
  const res = await b.api('POST', '/api/v1/recovery/challenge', { method }, { headers });
  assert.equal(res.status, 200, res.text);
}

describe("the end user's context reaches Okta", () => {
  test("a push carries the browser's User-Agent and the socket's IP; a client-sent X-Forwarded-For is ignored", async () => {
    await challenge(direct, 'push.user@example.com', 'push', {
      'user-agent': USER_AGENT,
      'x-forwarded-for': '198.51.100.66',
    });
    const calls = verifyCalls();
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.userAgent, USER_AGENT);
    assert.equal(calls[0]!.forwardedFor, '127.0.0.1', 'the spoofed header is not trusted without TRUST_PROXY');
    // The portal's own lookups identify the portal, not the user.
    const lookup = seen.find((s) => s.method === 'GET' && s.path.startsWith('/api/v1/users/'));
    assert.ok(lookup);
    assert.notEqual(lookup.userAgent, USER_AGENT);
  });

  test('behind a trusted proxy (TRUST_PROXY=loopback) the forwarded client IP is passed on', async () => {
    await challenge(behindProxy, 'push.user@example.com', 'push', {
      'user-agent': USER_AGENT,
      'x-forwarded-for': '203.0.113.7',
    });
    const calls = verifyCalls();
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.forwardedFor, '203.0.113.7');
    assert.equal(calls[0]!.userAgent, USER_AGENT);
  });

  test('an SMS challenge carries the same context', async () => {
    await challenge(direct, 'sms.user@example.com', 'sms', { 'user-agent': USER_AGENT });
    const calls = verifyCalls();
    assert.equal(calls.length, 1);
    assert.equal(calls[0]!.userAgent, USER_AGENT);
    assert.equal(calls[0]!.forwardedFor, '127.0.0.1');
  });

  test('a hostile User-Agent (control characters) is cleaned, never an error', async () => {
    const b = stack.browser(direct);
    await b.api('POST', '/api/v1/recovery', { username: 'push.user@example.com' });
    // fetch refuses CR/LF in headers; a tab and a non-ASCII byte are what a client can actually send.
    const res = await b.api('POST', '/api/v1/recovery/challenge', { method: 'push' }, { headers: { 'user-agent': 'Evil\tAgent/1 é' } });
    assert.equal(res.status, 200, res.text);
    const ua = verifyCalls()[0]?.userAgent ?? '';
    assert.match(ua, /^[\x20-\x7e]*$/);
    assert.match(ua, /Evil/);
  });
});
