// Behind a real reverse proxy (issue 12, item 5). deploy/nginx/portal.conf, as shipped, must forward every route the
// portal registers and keep /healthz, /readyz and /metrics internal:
// - always: the route constants (src/http/paths.ts, pages/paths.ts, account/paths.ts, src/ops/routes.ts) name every
//   route the app registers, and nginx's location matching applied to the shipped file forwards each of them (SSE
//   routes unbuffered) and answers 404 for the internal ones;
// - with nginx installed (Debian package; required when CI=true): real nginx runs that file (only its addresses and
//   certificate paths replaced) terminating TLS with a throwaway self-signed certificate on a loopback port, in front
//   of two portal instances sharing Redis with TRUST_PROXY set to the proxy's address. Through it: every route
//   reaches a portal; a recovery by push completes with its server-sent events streamed live; a sign-in with Okta
//   completes; the cookies are __Host- ones; the client's own address (not the proxy's, not a spoofed
//   X-Forwarded-For) is the one the per-IP limit counts. Clients connect from distinct loopback addresses
//   (127.0.0.2, 127.0.0.3, ...), which Linux routes to lo.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { loadConfig } from '../../src/config/index.js';
import { createPortal } from '../../src/portal.js';
import { PATHS } from '../../src/http/paths.js';
import { PAGE_PATHS } from '../../src/http/pages/paths.js';
import { ACCOUNT_API, ACCOUNT_PATHS, AUTH_PATHS } from '../../src/http/account/paths.js';
import { HELPDESK_API, HELPDESK_PATHS } from '../../src/http/helpdesk/paths.js';
import { INSIGHTS_API, INSIGHTS_PATHS } from '../../src/http/insights/paths.js';
import { REPORT_API_PATH, REPORT_PATH } from '../../src/http/report/routes.js';
import { OPS_PATHS } from '../../src/ops/routes.js';
import { DEMO_PASSWORD, TEST_CLIENT, Web, location, registerClient } from '../auth/support.js';
import { ROOMY_LIMITS, freePort, startInProcess, type InProcessPortal } from '../resilience/support.js';
import { cleanupRedisPrefix, redisForTests, uniquePrefix } from '../store/helpers.js';

const ROOT = join(import.meta.dirname, '..', '..');
const NGINX_CONF = join(ROOT, 'deploy', 'nginx', 'portal.conf');

// --- the route list, from the constants --------------------------------------------------------------------------

function strings(o: unknown): string[] {
  if (typeof o === 'string') return [o];
  if (o && typeof o === 'object') return Object.values(o).flatMap(strings);
  return [];
}

/**
 * Every path the portal serves with every optional feature on (help desk, insights, mail and "This wasn't me"
 * reports), from its route constants (the assets route is PATHS.assets + '/:file').
 */
const PORTAL_PATHS = [
  ...new Set([
    ...strings(PATHS),
    ...strings(PAGE_PATHS),
    ...strings(AUTH_PATHS),
    ...strings(ACCOUNT_PATHS),
    ...strings(ACCOUNT_API),
    ...strings(HELPDESK_PATHS),
    ...strings(HELPDESK_API),
    ...strings(INSIGHTS_PATHS),
    ...strings(INSIGHTS_API),
    `${REPORT_PATH}/:token`,
    `${REPORT_API_PATH}/:token`,
  ]),
]
  .map((p) => (p === PATHS.assets ? `${PATHS.assets}/:file` : p))
  .sort();
const INTERNAL_PATHS = strings(OPS_PATHS).sort();

/** A concrete URL path for a route pattern. */
const concrete = (route: string) => route.replace(':file', 'portal.css').replace(':token', 'a-report-link-token');

/** The routes a built app registers (Fastify's printRoutes tree, flattened), HEAD and OPTIONS aside. */
function registeredRoutes(tree: string): string[] {
  const out: string[] = [];
  const stack: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^([│ ]*)(?:[├└]── )?(\S+) \(([A-Z, ]+)\)$/.exec(line.replace(/\u00a0/g, ' '));
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    stack.push(m[2]!);
    const path = stack.join('').replace(/^\/\//, '/');
    if (m[3]!.split(', ').some((v) => v !== 'HEAD' && v !== 'OPTIONS')) out.push(path);
  }
  return out.sort();
}

// --- nginx's location matching, applied to the shipped file -----------------------------------------------------

interface Location {
  modifier: '' | '=' | '~' | '~*' | '^~';
  pattern: string;
  body: string;
}

function locations(conf: string): Location[] {
  return [...conf.matchAll(/^\s*location\s+(?:(=|~\*|~|\^~)\s+)?(\S+)\s*\{([^}]*)\}/gm)].map((m) => ({
    modifier: (m[1] ?? '') as Location['modifier'],
    pattern: m[2]!,
    body: m[3]!,
  }));
}

/** The location nginx picks for a URI (exact, then the longest prefix unless ^~, then the first regex, else the prefix). */
function pick(locs: readonly Location[], uri: string): Location | undefined {
  const exact = locs.find((l) => l.modifier === '=' && l.pattern === uri);
  if (exact) return exact;
  const prefix = locs
    .filter((l) => (l.modifier === '' || l.modifier === '^~') && uri.startsWith(l.pattern))
    .sort((a, b) => b.pattern.length - a.pattern.length)[0];
  if (prefix?.modifier === '^~') return prefix;
  const regex = locs.find((l) => (l.modifier === '~' || l.modifier === '~*') && new RegExp(l.pattern, l.modifier === '~*' ? 'i' : '').test(uri));
  return regex ?? prefix;
}

describe('deploy/nginx/portal.conf forwards every route the app registers', () => {
  test('the route constants name exactly the routes the app registers', async () => {
    const config = loadConfig({
      COOKIE_SECRET: 'nginx-test-cookie-secret-0123456789abcdef',
      STORE: 'memory',
      OKTA_ORG_URL: 'http://127.0.0.1:9',
      OKTA_API_TOKEN: 'route-list-token-0123',
      OIDC_ISSUER: 'http://127.0.0.1:9/oauth2/default',
      OIDC_CLIENT_ID: 'route-list',
      OIDC_CLIENT_SECRET: 'route-list-secret-0123',
      PUBLIC_URL: 'https://recover.example.com',
      METRICS_PUBLIC: 'true',
      LOG_LEVEL: 'silent',
      // Every optional feature on, so every route it adds is registered and checked against the proxy config.
      HELPDESK_GROUP: 'Portal Help Desk',
      INSIGHTS_GROUP: 'Portal Insights',
      SMTP_URL: 'smtp://127.0.0.1:9',
      MAIL_FROM: 'Portal <portal@example.com>',
    });
    const portal = await createPortal(config, { okta: { orgUrl: 'http://127.0.0.1:9', auth: { kind: 'ssws', token: 'route-list-token-0123' } } });
    try {
      await portal.app.ready();
      const registered = registeredRoutes(portal.app.printRoutes({ commonPrefix: false }));
      assert.ok(registered.length > 40, `parsed the route tree (${registered.length})`);
      assert.deepEqual(registered, [...PORTAL_PATHS, ...INTERNAL_PATHS].sort());
    } finally {
      await portal.close();
    }
  });

  test('nginx location matching sends every portal route upstream (SSE unbuffered) and answers 404 for the internal ones', () => {
    const locs = locations(readFileSync(NGINX_CONF, 'utf8'));
    assert.ok(locs.length >= 4, 'parsed the locations');
    for (const route of PORTAL_PATHS) {
      const loc = pick(locs, concrete(route));
      assert.ok(loc && /proxy_pass\s+http:\/\/okta_mfa_portal;/.test(loc.body), `${route} is forwarded`);
      assert.match(loc.body, /proxy_set_header\s+X-Forwarded-For\s+\$remote_addr;/, `${route}: the client address replaces X-Forwarded-For`);
      if (route.endsWith('/events')) assert.match(loc.body, /proxy_buffering\s+off;/, `${route} (server-sent events) is not buffered`);
    }
    for (const path of INTERNAL_PATHS) {
      const loc = pick(locs, path);
      assert.ok(loc && /return\s+404;/.test(loc.body), `${path} stays internal`);
    }
  });
});

// --- real nginx ----------------------------------------------------------------------------------------------------

const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => existsSync(p));
const OPENSSL = spawnSync('openssl', ['version']).status === 0;
const redis = redisForTests();
const skip: string | false = !NGINX
  ? 'nginx is not installed (Debian package nginx)'
  : !OPENSSL
    ? 'openssl is not installed'
    : redis.skip ?? false;
if (skip && process.env.CI) throw new Error(`nginx TLS test: ${skip}; CI must run it (.ci/run installs nginx)`);

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
}

/** An HTTPS client for the proxy: trusts only the throwaway CA, connects from `from` (a loopback address), keeps cookies. */
class TlsClient {
  readonly jar = new Map<string, string>();
  readonly setCookies: string[] = [];
  private csrfToken: string | null = null;

  constructor(
    readonly base: string,
    private readonly ca: string,
    private readonly from: string,
  ) {}

  private options(method: string, path: string, headers: Record<string, string>): RequestOptions {
    const url = new URL(path, this.base);
    const cookie = [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
    return {
      method,
      host: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      ca: this.ca,
      localAddress: this.from,
      agent: false,
      headers: { ...(cookie ? { cookie } : {}), ...headers },
    };
  }

  private remember(headers: IncomingHttpHeaders): void {
    for (const line of headers['set-cookie'] ?? []) {
      this.setCookies.push(line);
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0\b/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const req = request(this.options(method, path, body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) }), (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          this.remember(res.headers);
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  async api(method: 'GET' | 'POST', path: string, json?: unknown, headers: Record<string, string> = {}): Promise<Answer & { body: Record<string, unknown> }> {
    const h: Record<string, string> = { accept: 'application/json', ...headers };
    if (method === 'POST') {
      if (this.csrfToken === null) {
        const r = await this.send('GET', '/api/v1/csrf', { accept: 'application/json' });
        assert.equal(r.status, 200, r.text);
        this.csrfToken = (JSON.parse(r.text) as { csrfToken: string }).csrfToken;
      }
      h['x-csrf-token'] = this.csrfToken;
      h.origin = new URL(this.base).origin;
      h['content-type'] = 'application/json';
    }
    const r = await this.send(method, path, h, method === 'POST' ? JSON.stringify(json ?? {}) : undefined);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(r.text) as Record<string, unknown>;
    } catch {
      /* not JSON */
    }
    return { ...r, body };
  }

  /** Opens a server-sent events stream; `next(state)` resolves once that `state` event has arrived. */
  events(path: string): Promise<{ status: number; headers: IncomingHttpHeaders; next(state: string, timeoutMs?: number): Promise<void>; close(): void }> {
    return new Promise((resolve, reject) => {
      const req = request(this.options('GET', path, { accept: 'text/event-stream' }), (res) => {
        let text = '';
        const waiters = new Set<() => void>();
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
          for (const w of [...waiters]) w();
        });
        res.on('error', () => undefined);
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          next: (state, timeoutMs = 10_000) =>
            new Promise<void>((ok, fail) => {
              const seen = () => text.includes(`data: {"state":"${state}"}`);
              if (seen()) return ok();
              const timer = setTimeout(() => {
                waiters.delete(check);
                fail(new Error(`no "${state}" event within ${timeoutMs} ms; received: ${JSON.stringify(text.slice(-300))}`));
              }, timeoutMs);
              const check = () => {
                if (!seen()) return;
                clearTimeout(timer);
                waiters.delete(check);
                ok();
              };
              waiters.add(check);
            }),
          close: () => req.destroy(),
        });
      });
      req.on('error', reject);
      req.end();
    });
  }
}

/** Waits (up to about 30 s on a loaded machine) until the proxy answers on its TLS port. */
async function waitForProxy(client: TlsClient, nginx: ChildProcess, log: () => string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (nginx.exitCode !== null) throw new Error(`nginx exited (${nginx.exitCode}): ${log()}`);
    try {
      await client.send('GET', OPS_PATHS.health);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nginx did not answer: ${log()}`);
}

/** nginx's version as [major, minor, patch]. */
function nginxVersion(bin: string): number[] {
  const out = spawnSync(bin, ['-v'], { encoding: 'utf8' });
  const m = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(out.stderr + out.stdout);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [0, 0, 0];
}

/**
 * The shipped server blocks with only what a test must change: the upstream servers, the listen addresses and the
 * certificate paths (and, for nginx before 1.25.1, `http2 on;`, a directive it does not know yet).
 */
function testConf(shipped: string, o: { port: number; httpPort: number; upstreams: number[]; cert: string; key: string; oldNginx: boolean }): string {
  const swaps: [RegExp | string, string][] = [
    ['    server portal:3000;', o.upstreams.map((p) => `    server 127.0.0.1:${p};`).join('\n')],
    ['listen 80;', `listen 127.0.0.1:${o.httpPort};`],
    ['listen 443 ssl;', `listen 127.0.0.1:${o.port} ssl;`],
    ['/etc/nginx/tls/fullchain.pem', o.cert],
    ['/etc/nginx/tls/privkey.pem', o.key],
  ];
  if (o.oldNginx) swaps.push([/^\s*http2 on;\n/m, '']);
  let conf = shipped;
  for (const [from, to] of swaps) {
    const next = conf.replace(from, to);
    assert.notEqual(next, conf, `deploy/nginx/portal.conf no longer contains ${String(from)}: update this test`);
    conf = next;
  }
  return conf;
}

describe('real nginx terminating TLS in front of two portal instances on Redis', { skip }, () => {
  let dir = '';
  const prefix = uniquePrefix('nginx');
  let emu: RunningEmulator;
  let nginx: ChildProcess;
  let nginxLog = '';
  const portals: InProcessPortal[] = [];
  let base = '';
  let ca = '';
  const client = (from: string) => new TlsClient(base, ca, from);

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portal-nginx-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const gen = spawnSync(
      'openssl',
      ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', cert, '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'],
      { encoding: 'utf8' },
    );
    assert.equal(gen.status, 0, gen.stderr);
    ca = readFileSync(cert, 'utf8');

    const port = await freePort();
    base = `https://127.0.0.1:${port}`;
    emu = await startEmulator({ port: 0 });
    const env = {
      ...ROOMY_LIMITS,
      LIMIT_PER_IP: '4/15m',
      PUBLIC_URL: base,
      TRUST_PROXY: '127.0.0.1',
      STORE: 'redis',
      REDIS_URL: redis.url!,
      REDIS_KEY_PREFIX: prefix,
      OIDC_ISSUER: emu.issuer,
      OIDC_CLIENT_ID: TEST_CLIENT.id,
      OIDC_CLIENT_SECRET: TEST_CLIENT.secret,
      PUSH_POLL_INTERVAL_SECONDS: '1',
      LOG_LEVEL: 'info',
    };
    for (let i = 0; i < 2; i++) portals.push(await startInProcess(emu, env));
    await registerClient(emu.url, base);

    mkdirSync(join(dir, 'logs'));
    mkdirSync(join(dir, 'temp'));
    const server = testConf(readFileSync(NGINX_CONF, 'utf8'), {
      port,
      httpPort: await freePort(),
      upstreams: portals.map((p) => Number(new URL(p.url).port)),
      cert,
      key,
      oldNginx: compareVersion(nginxVersion(NGINX!), [1, 25, 1]) < 0,
    });
    const temp = (name: string) => `${name}_temp_path ${join(dir, 'temp', name)};`;
    writeFileSync(
      join(dir, 'nginx.conf'),
      [
        process.getuid?.() === 0 ? 'user root;' : '',
        'worker_processes 1;',
        `pid ${join(dir, 'nginx.pid')};`,
        `error_log ${join(dir, 'logs', 'error.log')} warn;`,
        'events { worker_connections 128; }',
        'http {',
        `  access_log ${join(dir, 'logs', 'access.log')};`,
        `  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}`,
        server,
        '}',
      ].join('\n'),
    );
    const check = spawnSync(NGINX!, ['-t', '-p', dir, '-e', join(dir, 'logs', 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { encoding: 'utf8' });
    assert.equal(check.status, 0, `nginx -t: ${check.stderr}`);
    nginx = spawn(NGINX!, ['-p', dir, '-e', join(dir, 'logs', 'error.log'), '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
    nginx.stdout!.on('data', (d: Buffer) => (nginxLog += d.toString()));
    nginx.stderr!.on('data', (d: Buffer) => (nginxLog += d.toString()));
    await waitForProxy(client('127.0.0.1'), nginx, () => nginxLog + safeRead(join(dir, 'logs', 'error.log')));
  });

  after(async () => {
    if (nginx && nginx.exitCode === null) {
      const exited = new Promise((r) => nginx.once('exit', r));
      nginx.kill('SIGQUIT'); // graceful: the master stops its workers
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
      if (nginx.exitCode === null) nginx.kill('SIGKILL');
    }
    for (const p of portals) await p.close();
    await emu?.close();
    if (redis.url) await cleanupRedisPrefix(redis.url, prefix);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('every portal route reaches a portal through TLS; /healthz, /readyz and /metrics stay internal', async () => {
    const c = client('127.0.0.1');
    for (const route of PORTAL_PATHS) {
      const r = await c.send('GET', concrete(route));
      assert.ok(r.headers['x-request-id'], `${route} answered by the portal (status ${r.status})`);
    }
    for (const path of INTERNAL_PATHS) {
      const r = await c.send('GET', path);
      assert.equal(r.status, 404, path);
      assert.equal(r.headers['x-request-id'], undefined, `${path} answered by nginx, not the portal`);
    }
  });

  test('a recovery by push: __Host- cookies, server-sent events streamed live through the proxy, password changed', async () => {
    const login = 'pat.push@example.com';
    const c = client('127.0.0.4');
    const logFrom = portals.map((p) => p.logText().length);
    const started = await c.api('POST', '/api/v1/recovery', { username: login });
    assert.equal(started.status, 200, started.text);
    const flowCookie = c.setCookies.find((l) => l.startsWith('__Host-flow='));
    assert.ok(flowCookie, `a __Host-flow cookie (got ${c.setCookies.map((l) => l.split('=')[0]).join(', ')})`);
    assert.match(flowCookie, /; Secure/i);
    assert.match(flowCookie, /; Path=\//);
    assert.doesNotMatch(flowCookie, /Domain=/i);
    assert.ok(c.setCookies.some((l) => l.startsWith('__Host-csrf=') && /; Secure/i.test(l)), 'a __Host-csrf cookie');
    assert.ok(![...c.jar.keys()].some((k) => k === 'flow' || k === 'csrf'), 'no cookie without the prefix');

    const challenged = await c.api('POST', '/api/v1/recovery/challenge', { method: 'push' });
    assert.equal(challenged.status, 200, challenged.text);
    assert.equal(challenged.body.status, 'push_waiting');
    const stream = await c.events(PAGE_PATHS.pushEvents);
    try {
      assert.equal(stream.status, 200);
      assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
      // Arrives while the push is still pending: not held in a proxy buffer (the location's proxy_buffering off,
      // and the portal's own X-Accel-Buffering: no).
      await stream.next('waiting');
      const pushes = await fetch(`${emu.url}/_emulator/push`).then((r) => r.json() as Promise<{ pushes: { transactionId: string; login: string }[] }>);
      const tx = pushes.pushes.filter((p) => p.login === login).at(-1);
      assert.ok(tx, 'a pending push');
      const approved = await fetch(`${emu.url}/_emulator/push/${tx.transactionId}/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(typeof challenged.body.correctAnswer === 'number' ? { answer: challenged.body.correctAnswer } : {}),
      });
      assert.equal(approved.status, 200);
      await stream.next('verified');
    } finally {
      stream.close();
    }
    const status = await c.api('GET', '/api/v1/recovery/status');
    assert.equal(status.body.status, 'verified', status.text);
    const newPassword = 'Proxied-Passw0rd-2030!';
    const changed = await c.api('POST', '/api/v1/recovery/password', { ott: status.body.ott, password: newPassword, confirmPassword: newPassword, revokeSessions: false });
    assert.equal(changed.status, 200, changed.text);
    const authn = await fetch(`${emu.url}/api/v1/authn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username: login, password: newPassword }),
    });
    assert.equal(authn.status, 200, 'the new password works at Okta');
    // nginx spread the requests over both instances (round robin), and the flow continued on either.
    portals.forEach((p, i) => assert.match(p.logText().slice(logFrom[i]), /\/api\/v1\/recovery/, `instance ${i + 1} served part of the recovery`));
  });

  test('a sign-in with Okta through the proxy: __Host-signin and __Host-session cookies, the account page', async () => {
    const c = client('127.0.0.5');
    const browser = new Web(); // the emulator's own pages (plain http on loopback)
    const start = await c.send('GET', AUTH_PATHS.signIn);
    assert.equal(start.status, 303);
    const signin = c.setCookies.find((l) => l.startsWith('__Host-signin='));
    assert.ok(signin && /; Secure/i.test(signin) && /; HttpOnly/i.test(signin), 'a __Host-signin cookie');
    let url = new URL(String(start.headers.location));
    assert.equal(url.origin, emu.url);
    let res = await browser.get(url.href);
    let callback: URL | null = null;
    for (let i = 0; i < 8 && !callback; i++) {
      if (res.status === 200) {
        await res.arrayBuffer();
        res = await browser.postForm(`${url.href}/login`, { username: 'alex.all@example.com', password: DEMO_PASSWORD });
        continue;
      }
      url = location(res, emu.url);
      if (url.origin !== emu.url) callback = url;
      else res = await browser.get(url.href);
    }
    assert.ok(callback, 'the provider redirected back');
    assert.equal(`${callback.origin}${callback.pathname}`, `${base}${AUTH_PATHS.callback}`);
    const back = await c.send('GET', callback.pathname + callback.search);
    assert.equal(back.status, 303, back.text);
    assert.equal(back.headers.location, ACCOUNT_PATHS.home);
    const session = c.setCookies.find((l) => l.startsWith('__Host-session='));
    assert.ok(session, 'a __Host-session cookie');
    assert.match(session, /; Secure/i);
    assert.match(session, /; HttpOnly/i);
    assert.match(session, /; Path=\//);
    assert.doesNotMatch(session, /Domain=/i);
    const account = await c.send('GET', ACCOUNT_PATHS.home);
    assert.equal(account.status, 200);
    assert.match(account.text, /Signed in as Alex All/);
  });

  test("the per-IP limit counts the client's address as nginx saw it, not the proxy's nor a spoofed X-Forwarded-For", async () => {
    const attacker = client('127.0.0.2');
    const spoof = { 'x-forwarded-for': '198.51.100.23' };
    for (let i = 0; i < 4; i++) {
      const r = await attacker.api('POST', '/api/v1/recovery', { username: `someone${i}@example.com` }, spoof);
      assert.equal(r.status, 200, r.text);
    }
    const refused = await attacker.api('POST', '/api/v1/recovery', { username: 'someone.else@example.com' }, spoof);
    assert.equal(refused.status, 429, refused.text);
    assert.equal((refused.body.error as { code?: string } | undefined)?.code, 'RATE_LIMITED');
    // Another client behind the same proxy has its own budget (without TRUST_PROXY both would be 127.0.0.1).
    const other = await client('127.0.0.3').api('POST', '/api/v1/recovery', { username: 'someone@example.com' });
    assert.equal(other.status, 200, other.text);
    const logs = portals.map((p) => p.logText()).join('');
    assert.match(logs, /"ip":"127\.0\.0\.2"/, 'the audit records the client address');
    assert.doesNotMatch(logs, /198\.51\.100\.23/, 'the spoofed header never reached the portal');
  });
});

function compareVersion(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}
