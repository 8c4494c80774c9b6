/**
 * Shared helpers for the negative and security end-to-end tests (test/e2e/*.e2e.test.ts).
 * - `Stack`: one emulator (the E2E seed) + one portal on loopback, with the emulator's control API
 *   (outbox, push, users, TOTP codes, clock, request log, faults, reset) and extra portals on the same emulator.
 * - `Browser`: a cookie jar that speaks both the JSON API (X-CSRF-Token header) and the HTML forms (`_csrf` field),
 *   sends the Origin header a browser would send, never follows redirects, and remembers every URL it requested and
 *   every Location header it received (so tests can prove that no ott ever travels in a URL).
 * Test-only code; only 127.0.0.1 is contacted. Nothing here logs a code, password or token.
 */
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator, type SeedOrg } from '../../emulator/src/server.js';
import { startPortal, type RunningPortal } from '../helpers/portal.js';
import { E2E_SEED, NEW_PASSWORD } from './seed.js';

export { NEW_PASSWORD, PASSWORD } from './seed.js';

export interface LoggedCall {
  method: string;
  path: string;
  query?: Record<string, string | string[]>;
  status: number;
}

export interface FaultSpec {
  path: string;
  method?: string;
  latencyMs?: number;
  status?: number;
  rateLimitResetSeconds?: number;
  drop?: 'before' | 'after';
  count?: number;
}

export interface EmuUser {
  id: string;
  login: string;
  status: string;
  factors: { id: string; factorType: string; provider: string; status: string }[];
}

/** Limits loose enough that a test file's own traffic from 127.0.0.1 never trips them by accident. */
export const ROOMY_LIMITS: Record<string, string> = {
  LIMIT_PER_IP: '1000/15m',
  LIMIT_PER_LOGIN: '1000/15m',
  LIMIT_PER_DESTINATION: '1000/1h',
  LIMIT_GLOBAL_SENDS: '1000/1h',
  LIMIT_PUSH_PER_USER: '1000/15m',
};

export class Stack {
  private readonly extra: RunningPortal[] = [];

  private constructor(
    readonly emu: RunningEmulator,
    readonly portal: RunningPortal,
  ) {}

  static async start(env: Record<string, string> = {}, seed: SeedOrg = E2E_SEED): Promise<Stack> {
    const emu = await startEmulator({ port: 0, seed });
    try {
      return new Stack(emu, await startPortal(emu, env));
    } catch (e) {
      await emu.close();
      throw e;
    }
  }

  /** Another portal (other settings) against the same emulator; closed with the stack. */
  async portalWith(env: Record<string, string>, target: { url: string; apiToken: string } = this.emu): Promise<RunningPortal> {
    const p = await startPortal(target, env);
    this.extra.push(p);
    return p;
  }

  async close(): Promise<void> {
    for (const p of this.extra) await p.close();
    await this.portal.close();
    await this.emu.close();
  }

  browser(portal: RunningPortal = this.portal): Browser {
    return new Browser(portal.url);
  }

  async control<T = Record<string, unknown>>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const res = await fetch(`${this.emu.url}/_emulator/${path}`, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    assert.ok(res.ok, `control ${init.method ?? 'GET'} ${path} answered ${res.status}`);
    return (await res.json()) as T;
  }

  reset(): Promise<unknown> {
    return this.control('reset', { method: 'POST' });
  }

  /** Okta API calls the emulator received since the last reset (authn excluded), oldest first. */
  async oktaCalls(): Promise<LoggedCall[]> {
    const { requests } = await this.control<{ requests: LoggedCall[] }>('requests');
    return requests.filter((r) => r.path.startsWith('/api/v1/') && !r.path.startsWith('/api/v1/authn'));
  }

  async clearRequests(): Promise<void> {
    await this.control('requests', { method: 'DELETE' });
  }

  async messagesTo(login: string): Promise<{ code: string; to: string; channel: string }[]> {
    const { messages } = await this.control<{ messages: { login: string; code: string; to: string; channel: string }[] }>(
      'outbox',
    );
    return messages.filter((m) => m.login === login);
  }

  async lastCode(login: string): Promise<string> {
    const mine = await this.messagesTo(login);
    assert.ok(mine.length > 0, `no message was sent to ${login}`);
    return mine[mine.length - 1]!.code;
  }

  async users(): Promise<EmuUser[]> {
    return (await this.control<{ users: EmuUser[] }>('users')).users;
  }

  async user(login: string): Promise<EmuUser> {
    const u = (await this.users()).find((x) => x.login === login);
    assert.ok(u, `no user ${login} in the emulator`);
    return u;
  }

  async totpCode(login: string): Promise<string> {
    const u = await this.user(login);
    const factor = u.factors.find((f) => f.factorType === 'token:software:totp');
    assert.ok(factor, `no authenticator for ${login}`);
    return (await this.control<{ code: string }>(`factors/${factor.id}/code`)).code;
  }

  async pendingPush(login: string): Promise<{ transactionId: string }> {
    const { pushes } = await this.control<{ pushes: { transactionId: string; login: string }[] }>('push');
    const mine = pushes.filter((p) => p.login === login);
    assert.ok(mine.length > 0, `no pending push for ${login}`);
    return mine[mine.length - 1]!;
  }

  async fault(spec: FaultSpec): Promise<void> {
    await this.control('faults', { method: 'POST', body: spec });
  }

  async clearFaults(): Promise<void> {
    await this.control('faults', { method: 'DELETE' });
  }

  async advanceClock(seconds: number): Promise<void> {
    await this.control('clock', { method: 'POST', body: { advanceSeconds: seconds } });
  }

  /** Classic primary authentication on the emulator: proves which password works. */
  async authn(username: string, password: string): Promise<number> {
    const res = await fetch(`${this.emu.url}/api/v1/authn`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    await res.arrayBuffer();
    return res.status;
  }
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  /** Parsed JSON when the body is JSON, else the text. */
  body: T;
  text: string;
  ms: number;
}

export interface SendOptions {
  /** Send the CSRF token (default true). A string sends that value instead of the real token. */
  csrf?: boolean | string;
  /** Origin header; `null` sends none. Default: the portal's own origin on POST. */
  origin?: string | null;
  headers?: Record<string, string>;
}

export class Browser {
  readonly cookies = new Map<string, string>();
  /** Every path+query requested and every Location received, for "no secret in a URL" checks. */
  readonly urls: string[] = [];
  private csrfToken: string | null = null;

  constructor(readonly baseUrl: string) {}

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0\b/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const location = res.headers.get('location');
    if (location !== null) this.urls.push(location);
  }

  async csrf(): Promise<string> {
    if (this.csrfToken === null) {
      const res = await this.send<{ csrfToken: string }>('GET', '/api/v1/csrf');
      assert.equal(res.status, 200);
      this.csrfToken = res.body.csrfToken;
    }
    return this.csrfToken;
  }

  async send<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: { json: unknown } | { form: Record<string, string> },
    opts: SendOptions = {},
  ): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
    if (method !== 'GET' && method !== 'HEAD') {
      const origin = opts.origin === undefined ? new URL(this.baseUrl).origin : opts.origin;
      if (origin !== null) headers.origin = origin;
      const csrf = opts.csrf ?? true;
      if (csrf !== false && !(body && 'form' in body)) headers['x-csrf-token'] = typeof csrf === 'string' ? csrf : await this.csrf();
    }
    let payload: string | undefined;
    if (body && 'json' in body) {
      headers['content-type'] = 'application/json';
      payload = JSON.stringify(body.json);
    } else if (body && 'form' in body) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.accept = 'text/html';
      payload = new URLSearchParams(body.form).toString();
    }
    if (this.cookies.size > 0) headers.cookie = this.cookieHeader();
    this.urls.push(path);
    const t0 = performance.now();
    const res = await fetch(this.baseUrl + path, { method, headers, body: payload, redirect: 'manual' });
    const text = await res.text();
    const ms = performance.now() - t0;
    this.remember(res);
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json')) {
      try {
        parsed = JSON.parse(text);
      } catch {
        /* keep the text */
      }
    }
    return { status: res.status, headers: res.headers, body: parsed as T, text, ms };
  }

  /** JSON API call (POST with CSRF token and Origin by default). */
  api<T = Record<string, unknown>>(method: string, path: string, json?: unknown, opts: SendOptions = {}): Promise<Answer<T>> {
    return this.send<T>(method, path, json === undefined ? undefined : { json }, opts);
  }

  /** GET an HTML page. */
  page(path: string): Promise<Answer<string>> {
    return this.send<string>('GET', path, undefined, { headers: { accept: 'text/html' } });
  }

  /**
   * POST an HTML form. `_csrf` is taken from the form page `from` (default: the same path) unless given in
   * `fields` or `withCsrf` is false.
   */
  async submit(
    path: string,
    fields: Record<string, string>,
    opts: SendOptions & { from?: string; withCsrf?: boolean } = {},
  ): Promise<Answer<string>> {
    const form = { ...fields };
    if (opts.withCsrf !== false && form._csrf === undefined) {
      const page = await this.page(opts.from ?? path);
      // 200, or the 4xx of a form showing the error of the previous POST (Post/Redirect/Get); never a 5xx or a redirect.
      assert.ok(page.status === 200 || (page.status >= 400 && page.status < 500), `GET ${opts.from ?? path} answered ${page.status}`);
      form._csrf = hiddenField(page.text, '_csrf');
    }
    return this.send<string>('POST', path, { form }, opts);
  }
}

/** The value of a hidden input in an HTML page. */
export function hiddenField(html: string, name: string): string {
  const m = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)"`).exec(html);
  assert.ok(m, `no hidden field ${name} in the page`);
  return m[1]!;
}

export function errorCode(a: Answer): string | undefined {
  return (a.body as { error?: { code?: string } }).error?.code;
}

/** Asserts a JSON error answer: status and code. */
export function assertError(a: Answer, status: number, code: string): void {
  assert.equal(a.status, status, `expected ${status} ${code}, got ${a.status} ${a.text.slice(0, 300)}`);
  assert.equal(errorCode(a), code, a.text.slice(0, 300));
}

/** Retry-After in whole seconds (asserts it is present and positive). */
export function retryAfter(a: Answer): number {
  const v = a.headers.get('retry-after');
  assert.ok(v !== null && /^\d+$/.test(v), `Retry-After missing or malformed: ${v}`);
  const n = Number(v);
  assert.ok(n > 0, `Retry-After must be positive, got ${n}`);
  return n;
}

/** start → challenge → verify (code methods) through the JSON API; returns the ott. */
export async function verifiedOtt(
  stack: Stack,
  b: Browser,
  login: string,
  method: 'sms' | 'call' | 'google-authenticator' | 'okta-verify-code' = 'google-authenticator',
): Promise<string> {
  const started = await b.api('POST', '/api/v1/recovery', { username: login });
  assert.equal(started.status, 200, started.text);
  const challenged = await b.api('POST', '/api/v1/recovery/challenge', { method });
  assert.equal(challenged.status, 200, challenged.text);
  const code = method === 'sms' || method === 'call' ? await stack.lastCode(login) : await stack.totpCode(login);
  const verified = await b.api<{ ott: string }>('POST', '/api/v1/recovery/verify', { code });
  assert.equal(verified.status, 200, verified.text);
  assert.equal(typeof verified.body.ott, 'string');
  return verified.body.ott;
}

export function setPasswordBody(ott: string, password = NEW_PASSWORD, extra: Record<string, unknown> = {}) {
  return { ott, password, confirmPassword: password, revokeSessions: false, ...extra };
}

/** Polls GET /api/v1/recovery/status until `wanted` (the portal polls Okta at most once per interval). */
export async function waitForStatus(b: Browser, wanted: string, timeoutMs = 5000): Promise<Record<string, unknown>> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    const res = await b.api('GET', '/api/v1/recovery/status');
    assert.equal(res.status, 200, res.text);
    if (res.body.status === wanted) return res.body;
    last = res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`status never became ${wanted}; last ${JSON.stringify(last)}`);
}

/** A 6-digit code that is not `code`. */
export function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}
