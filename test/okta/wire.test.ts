// What the adapter puts on the wire, and how it reads odd answers, checked with a scripted HTTP server (the
// emulator normalises paths and never sends malformed errors, so these cases need raw control).
import { test, describe, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { generateKeyPairSync } from 'node:crypto';
import { isPortalError, type PortalError } from '../../src/core/errors.js';
import { createOktaIdentityProvider, type OktaAuthOptions } from '../../src/okta/index.js';
import type { RequestContext } from '../../src/core/ports.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}
interface Reply {
  status: number;
  body?: unknown;
  raw?: string;
  headers?: Record<string, string>;
}

const USER = { id: '00u1', status: 'ACTIVE', profile: { login: 'jane@example.com', email: 'jane@example.com' }, _links: {} };
const ctx: RequestContext = { ip: '198.51.100.23', userAgent: 'Mozilla/5.0 (X11) Firefox/140', requestId: 'r' };

let server: Server;
let base = '';
let seen: Seen[] = [];
let script: (req: Seen) => Reply = () => ({ status: 500 });

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString() };
      seen.push(s);
      const r = script(s);
      // A user search (how findUser looks up email-like input) answers a list: the scripted user in one.
      const body = s.url.startsWith('/api/v1/users?') && r.body !== null && typeof r.body === 'object' && !Array.isArray(r.body) && 'profile' in r.body ? [r.body] : r.body;
      const text = r.raw ?? (body === undefined ? '' : JSON.stringify(body));
      res.writeHead(r.status, { 'content-type': r.raw === undefined ? 'application/json' : 'text/html', ...r.headers });
      res.end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  seen = [];
});

function idp(auth: OktaAuthOptions = { kind: 'ssws', token: 'wire-test-token-1234' }, onCall?: (op: string, s: number | 'error', ms: number) => void) {
  return createOktaIdentityProvider({ orgUrl: `${base}/`, auth, timeoutMs: 2000, userAgent: 'portal-wire-test', ...(onCall ? { onCall } : {}) });
}

async function portalError(p: Promise<unknown>): Promise<PortalError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isPortalError(e), `expected a PortalError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

describe('requests', () => {
  test('no doubled slash from a trailing-slash org URL; SSWS token and portal User-Agent', async () => {
    script = () => ({ status: 200, body: USER });
    assert.equal((await idp().findUser('jane@example.com'))?.id, '00u1');
    assert.equal(seen[0]?.url, '/api/v1/users?search=profile.login+eq+%22jane%40example.com%22+or+profile.email+eq+%22jane%40example.com%22&limit=10');
    assert.equal(seen[0]?.headers.authorization, 'SSWS wire-test-token-1234');
    assert.match(seen[0]?.headers['user-agent'] ?? '', /^portal-wire-test /);
  });

  test('users are never served from a cache (the SDK default cache would return stale statuses)', async () => {
    let status = 'ACTIVE';
    // A cache keyed by _links.self.href (as the SDK's was) would hit here: the URLs are equal.
    script = () => ({ status: 200, body: { ...USER, status, _links: { self: { href: `${base}/api/v1/users/jane%40example.com` } } } });
    const client = idp();
    assert.equal((await client.findUser('jane@example.com'))?.status, 'ACTIVE');
    status = 'LOCKED_OUT';
    assert.equal((await client.findUser('jane@example.com'))?.status, 'LOCKED_OUT');
    assert.equal(seen.length, 2);
  });

  test('okta.yaml-style OKTA_CLIENT_* variables cannot redirect or re-authenticate the client', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, {
      OKTA_CLIENT_ORGURL: 'http://127.0.0.1:9',
      OKTA_CLIENT_TOKEN: 'env-token-should-not-be-used',
      OKTA_CLIENT_AUTHORIZATIONMODE: 'PrivateKey',
    });
    try {
      script = () => ({ status: 200, body: USER });
      const client = idp();
      await client.findUser('jane@example.com');
    } finally {
      for (const k of ['OKTA_CLIENT_ORGURL', 'OKTA_CLIENT_TOKEN', 'OKTA_CLIENT_AUTHORIZATIONMODE']) {
        if (saved[k] === undefined) delete process.env[k];
        else process.env[k] = saved[k];
      }
    }
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.headers.authorization, 'SSWS wire-test-token-1234');
  });

  test('an SMS challenge has an empty body and forwards the end user IP and User-Agent', async () => {
    script = () => ({ status: 200, body: { factorResult: 'CHALLENGE' } });
    await idp().sendChallenge('00u1', 'sms1', ctx);
    const s = seen[0]!;
    assert.equal(s.method, 'POST');
    assert.equal(s.url, '/api/v1/users/00u1/factors/sms1/verify');
    assert.equal(s.body, '');
    assert.equal(s.headers['content-length'], '0');
    assert.equal(s.headers['x-forwarded-for'], ctx.ip);
    assert.equal(s.headers['user-agent'], ctx.userAgent);
  });

  test('a push asks for number matching; a hostile User-Agent is cleaned, not fatal', async () => {
    script = () => ({
      status: 201,
      body: {
        factorResult: 'WAITING',
        expiresAt: '2030-01-01T00:05:00.000Z',
        _links: { poll: { href: `${base}/api/v1/users/00u1/factors/opf1/transactions/v2mst.AbC-12_x` } },
        _embedded: { challenge: { correctAnswer: 72 } },
      },
    });
    const start = await idp().startPush('00u1', 'opf1', { ...ctx, userAgent: 'evil\r\nX-Injected: 1' });
    assert.deepEqual(start, { transactionId: 'v2mst.AbC-12_x', correctAnswer: 72, expiresAt: Date.parse('2030-01-01T00:05:00.000Z') });
    assert.deepEqual(JSON.parse(seen[0]!.body), { useNumberMatchingChallenge: true });
    assert.equal(seen[0]?.headers['user-agent'], 'evilX-Injected: 1');
    assert.equal(seen[0]?.headers['x-injected'], undefined);
  });

  test('setPassword is a strict partial update carrying only the password', async () => {
    script = () => ({ status: 200, body: USER });
    await idp().setPassword('00u1', 'N3w-Secret-Pass');
    assert.equal(seen[0]?.method, 'POST');
    assert.equal(seen[0]?.url, '/api/v1/users/00u1?strict=true');
    assert.deepEqual(JSON.parse(seen[0]!.body), { credentials: { password: { value: 'N3w-Secret-Pass' } } });
  });
});

describe('listGroups (policies by group)', () => {
  test('one GET /users/{id}/groups; id and profile.name kept, malformed entries dropped; errors name the operation', async () => {
    script = () => ({
      status: 200,
      body: [
        { id: '00gEveryone', type: 'BUILT_IN', profile: { name: 'Everyone', description: 'All users' } },
        { id: '00gAdmins', type: 'OKTA_GROUP', profile: { name: 'Portal Admins' } },
        { id: 42, profile: { name: 'not a string id' } },
        { id: '00gNoName', profile: {} },
        'junk',
      ],
    });
    assert.deepEqual(await idp().listGroups('00u1'), [
      { id: '00gEveryone', name: 'Everyone' },
      { id: '00gAdmins', name: 'Portal Admins' },
    ]);
    assert.deepEqual(seen.map((s) => `${s.method} ${s.url}`), ['GET /api/v1/users/00u1/groups']);
    script = () => ({ status: 200, body: { not: 'a list' } });
    assert.deepEqual(await idp().listGroups('00u1'), []);
    script = () => ({ status: 503, body: { errorCode: 'E0000009', errorSummary: 'down' } });
    const e = await portalError(idp().listGroups('00u1'));
    assert.equal(e.code, 'IDP_UNAVAILABLE');
    assert.equal(e.detail, 'okta listGroups: HTTP 503 E0000009');
  });
});

describe('odd answers', () => {
  test('errorCauses as an object (not the usual array) still gives PASSWORD_POLICY with causes', async () => {
    script = () => ({
      status: 403,
      body: { errorCode: 'E0000080', errorSummary: 'The password does not meet the complexity requirements', errorCauses: { errorSummary: 'Password is too short.' } },
    });
    const e = await portalError(idp().setPassword('00u1', 'short'));
    assert.equal(e.code, 'PASSWORD_POLICY');
    assert.deepEqual(e.causes, ['Password is too short.']);
  });

  test('an HTML error page is IDP_UNAVAILABLE', async () => {
    script = () => ({ status: 502, raw: '<html>Bad gateway</html>' });
    const e = await portalError(idp().listFactors('00u1'));
    assert.equal(e.code, 'IDP_UNAVAILABLE');
    assert.equal(e.detail, 'okta listFactors: HTTP 502');
  });

  test('a poll link that is not a transactions/<id> URL is refused', async () => {
    for (const href of [`${base}/api/v1/users/00u1/factors/opf1/transactions/abc%2F..`, `${base}/somewhere/else`, 'not a url']) {
      script = () => ({ status: 201, body: { factorResult: 'WAITING', _links: { poll: { href } } } });
      const e = await portalError(idp().startPush('00u1', 'opf1', ctx));
      assert.equal(e.code, 'IDP_UNAVAILABLE', href);
    }
  });

  test('a verify answer other than SUCCESS is INVALID_CODE', async () => {
    script = () => ({ status: 200, body: { factorResult: 'CHALLENGE' } });
    const e = await portalError(idp().verifyPasscode('00u1', 'sms1', '123456', ctx));
    assert.equal(e.code, 'INVALID_CODE');
  });

  test('429 with a duplicated reset header falls back to 60 s; E0000047 on a challenge uses the header', async () => {
    script = () => ({ status: 429, body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit' }, headers: { 'x-rate-limit-reset': '1, 2' } });
    const dup = await portalError(idp().listFactors('00u1'));
    assert.equal(dup.code, 'RATE_LIMITED');
    assert.equal(dup.retryAfterSeconds, 60);

    const nowSec = Math.floor(Date.now() / 1000);
    script = () => ({
      status: 429,
      body: { errorCode: 'E0000047', errorSummary: 'API call exceeded rate limit' },
      headers: { 'x-rate-limit-reset': String(nowSec + 20), date: new Date(nowSec * 1000).toUTCString() },
    });
    const challenge = await portalError(idp().sendChallenge('00u1', 'clf1', ctx));
    assert.equal(challenge.code, 'RESEND_TOO_SOON');
    assert.equal(challenge.retryAfterSeconds, 20);
    assert.equal(seen.length, 2, 'neither 429 was retried');
  });
});

describe('OAuth 2.0 service app (PrivateKey mode)', () => {
  test('fetches an access token with a signed client assertion, then calls with Bearer', async () => {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: 2048,
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    script = (req) =>
      req.url === '/oauth2/v1/token'
        ? { status: 200, body: { token_type: 'Bearer', access_token: 'at-123', expires_in: 3600, scope: 'okta.users.read okta.users.manage' } }
        : { status: 200, body: USER };
    const ops: string[] = [];
    const client = idp(
      { kind: 'private-key', clientId: '0oaSvc', keyId: 'kid-1', privateKeyPem: privateKey, scopes: ['okta.users.read', 'okta.users.manage'] },
      (op, status) => ops.push(`${op}:${status}`),
    );
    assert.equal((await client.findUser('jane@example.com'))?.id, '00u1');
    const [token, get] = seen;
    assert.equal(token?.url, '/oauth2/v1/token');
    const form = new URLSearchParams(token!.body);
    assert.equal(form.get('grant_type'), 'client_credentials');
    assert.equal(form.get('scope'), 'okta.users.read okta.users.manage');
    const [header, payload] = (form.get('client_assertion') ?? '')
      .split('.')
      .slice(0, 2)
      .map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>);
    assert.equal(header?.kid, 'kid-1');
    assert.equal(payload?.iss, '0oaSvc');
    assert.equal(payload?.aud, `${base}/oauth2/v1/token`);
    assert.equal(get?.headers.authorization, 'Bearer at-123');
    assert.deepEqual(ops, ['oauthToken:200', 'listUsers:200']);
  });
});

describe('OAuth 2.0 service app: token reuse', () => {
  const rsa = () =>
    generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } })
      .privateKey;
  const pk = (privateKeyPem: string): OktaAuthOptions => ({ kind: 'private-key', clientId: '0oaSvc', keyId: 'kid-1', privateKeyPem, scopes: ['okta.users.read'] });

  test('one token request serves concurrent calls and is reused until a minute before expiry; a 401 drops it', async () => {
    let issued = 0;
    let refuse = false;
    script = (req) => {
      if (req.url === '/oauth2/v1/token') return { status: 200, body: { token_type: 'Bearer', access_token: `at-${++issued}`, expires_in: 3600 } };
      if (refuse) return { status: 401, body: { errorCode: 'E0000011', errorSummary: 'Invalid token provided' } };
      return { status: 200, body: USER };
    };
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const client = createOktaIdentityProvider({ orgUrl: base, auth: pk(rsa()), timeoutMs: 2000, userAgent: 'wire', now: () => clock });
    await Promise.all([client.findUser('jane@example.com'), client.findUser('jane@example.com'), client.findUser('jane@example.com')]);
    assert.equal(seen.filter((s) => s.url === '/oauth2/v1/token').length, 1, 'concurrent calls share one token request');
    clock += 58 * 60 * 1000;
    await client.findUser('jane@example.com');
    assert.equal(issued, 1, 'reused 58 minutes later');
    clock += 60 * 1000;
    await client.findUser('jane@example.com');
    assert.equal(issued, 2, 'renewed within the last minute of its hour');
    assert.equal(seen.at(-1)?.headers.authorization, 'Bearer at-2');

    refuse = true;
    const e = await portalError(client.findUser('jane@example.com'));
    assert.equal(e.code, 'IDP_UNAVAILABLE');
    refuse = false;
    await client.findUser('jane@example.com');
    assert.equal(issued, 3, 'a token Okta refused is not used again');
    assert.equal(seen.at(-1)?.headers.authorization, 'Bearer at-3');
  });

  test('an EC key signs with ES256; a private JWK works too', async () => {
    script = (req) => (req.url === '/oauth2/v1/token' ? { status: 200, body: { token_type: 'Bearer', access_token: 'at-ec', expires_in: 3600 } } : { status: 200, body: USER });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (const key of [ec.privateKey.export({ type: 'sec1', format: 'pem' }).toString(), JSON.stringify(ec.privateKey.export({ format: 'jwk' }))]) {
      seen = [];
      assert.equal((await createOktaIdentityProvider({ orgUrl: base, auth: pk(key), timeoutMs: 2000, userAgent: 'wire' }).findUser('jane@example.com'))?.id, '00u1');
      const assertion = new URLSearchParams(seen[0]!.body).get('client_assertion') ?? '';
      const header = JSON.parse(Buffer.from(assertion.split('.')[0] ?? '', 'base64url').toString()) as { alg?: string };
      assert.equal(header.alg, 'ES256');
      assert.equal(seen[1]?.headers.authorization, 'Bearer at-ec');
    }
  });

  test('a DPoP-bound token or an OAuth error is a clear IDP_UNAVAILABLE, and nothing is sent with it', async () => {
    script = (req) => (req.url === '/oauth2/v1/token' ? { status: 200, body: { token_type: 'DPoP', access_token: 'at-dpop', expires_in: 3600 } } : { status: 200, body: USER });
    const dpop = await portalError(createOktaIdentityProvider({ orgUrl: base, auth: pk(rsa()), timeoutMs: 2000, userAgent: 'wire' }).findUser('jane@example.com'));
    assert.equal(dpop.code, 'IDP_UNAVAILABLE');
    assert.match(dpop.detail ?? '', /dpop/i);
    assert.equal(seen.length, 1, 'only the token request');

    seen = [];
    script = () => ({ status: 401, body: { error: 'invalid_client', error_description: 'The client_assertion signature is invalid.' } });
    const bad = await portalError(createOktaIdentityProvider({ orgUrl: base, auth: pk(rsa()), timeoutMs: 2000, userAgent: 'wire' }).findUser('jane@example.com'));
    assert.equal(bad.code, 'IDP_UNAVAILABLE');
    assert.match(bad.detail ?? '', /HTTP 401 invalid_client/);
    assert.ok(!(bad.detail ?? '').includes('signature'), 'no body text in the detail');
    assert.equal(seen.length, 1);
  });
});

describe('transport limits', () => {
  test('an answer over 1 MiB is refused, not buffered', async () => {
    script = () => ({ status: 200, raw: 'x'.repeat(1024 * 1024 + 10) });
    const e = await portalError(idp().listFactors('00u1'));
    assert.equal(e.code, 'IDP_UNAVAILABLE');
    assert.equal(e.detail, 'okta listFactors: answer too large');
  });

  test('a 200 whose body is not JSON is IDP_UNAVAILABLE', async () => {
    script = () => ({ status: 200, raw: '<html>login</html>' });
    const e = await portalError(idp().listFactors('00u1'));
    assert.equal(e.detail, 'okta listFactors: unreadable answer (HTTP 200)');
  });

  test('ids and logins are sent as single encoded path segments', async () => {
    script = () => ({ status: 200, body: [] });
    await idp().listFactors('00u1?x=1#/../admin');
    assert.equal(seen[0]?.url, '/api/v1/users/00u1%3Fx%3D1%23%2F..%2Fadmin/factors');
  });
});

describe('HTTPS_PROXY', () => {
  test('calls to an https org go through the proxy as a CONNECT tunnel; the proxy refusing is IDP_UNAVAILABLE', async () => {
    const { createServer: createTcpServer } = await import('node:net');
    const lines: string[] = [];
    const proxy = createTcpServer((socket) => {
      socket.once('data', (chunk: Buffer) => {
        lines.push(chunk.toString('latin1').split('\r\n')[0] ?? '');
        socket.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n');
      });
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as { port: number }).port;
    try {
      const client = createOktaIdentityProvider({
        orgUrl: 'https://dev-1.okta.example',
        auth: { kind: 'ssws', token: 'wire-test-token-1234' },
        timeoutMs: 2000,
        userAgent: 'wire',
        proxyUrl: `http://127.0.0.1:${port}`,
      });
      const e = await portalError(client.listFactors('00u1'));
      assert.equal(e.code, 'IDP_UNAVAILABLE');
      assert.deepEqual(lines, ['CONNECT dev-1.okta.example:443 HTTP/1.1']);
      assert.equal(seen.length, 0);
    } finally {
      await new Promise((r) => proxy.close(r));
    }
  });
});
