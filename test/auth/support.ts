/**
 * Test support for sign-in and the account pages over real sockets: the emulator (demo org unless a seed is given),
 * a portal wired to its authorization server (an OIDC client registered through the control API for the portal's
 * ephemeral URL), and `Web`, a fetch-based browser without JavaScript:
 * - one cookie jar for 127.0.0.1 whatever the port (as browsers do), never follows redirects by itself;
 * - keeps every Set-Cookie line it received, so tests can assert cookie flags;
 * - posts forms with the page's `_csrf` field and the Origin header a browser sends; calls the JSON API with the
 *   X-CSRF-Token header.
 * Test-only code; only 127.0.0.1 is contacted. Nothing here logs a password, code or token.
 */
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator, type SeedOrg } from '../../emulator/src/server.js';
import { startPortal, type RunningPortal } from '../helpers/portal.js';

export const DEMO_PASSWORD = 'Recover-Me-2026!';
export const TEST_CLIENT = { id: 'portal-under-test', secret: 'portal-under-test-secret' } as const;

export interface SignInStack {
  emu: RunningEmulator;
  portal: RunningPortal;
  close(): Promise<void>;
}

/** Registers (or replaces) the portal's OIDC client at the emulator for `portalUrl`. */
export async function registerClient(emuUrl: string, portalUrl: string, client = TEST_CLIENT): Promise<void> {
  const res = await fetch(`${emuUrl}/_emulator/oidc/clients`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      clientId: client.id,
      clientSecret: client.secret,
      redirectUris: [`${portalUrl}/auth/callback`],
      postLogoutRedirectUris: [`${portalUrl}/`],
    }),
  });
  assert.ok(res.status === 200 || res.status === 201, `client registration: ${res.status}`);
}

export async function startSignInStack(
  opts: { env?: Record<string, string> | ((emu: RunningEmulator) => Record<string, string>); seed?: SeedOrg } = {},
): Promise<SignInStack> {
  const emu = await startEmulator({ port: 0, ...(opts.seed ? { seed: opts.seed } : {}) });
  try {
    const portal = await startPortal(emu, {
      OIDC_ISSUER: emu.issuer,
      OIDC_CLIENT_ID: TEST_CLIENT.id,
      OIDC_CLIENT_SECRET: TEST_CLIENT.secret,
      LIMIT_PER_IP: '1000/15m',
      LIMIT_PER_LOGIN: '1000/15m',
      LIMIT_PER_DESTINATION: '1000/1h',
      LIMIT_GLOBAL_SENDS: '1000/1h',
      LIMIT_PUSH_PER_USER: '1000/15m',
      PUSH_POLL_INTERVAL_SECONDS: '1',
      ...(typeof opts.env === 'function' ? opts.env(emu) : opts.env),
    });
    await registerClient(emu.url, portal.url);
    return {
      emu,
      portal,
      async close() {
        await portal.close();
        await emu.close();
      },
    };
  } catch (e) {
    await emu.close();
    throw e;
  }
}

/** The value of a named input in a page (first match), or undefined. */
export function inputValue(page: string, name: string): string | undefined {
  return new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`).exec(page)?.[1];
}

export class Web {
  readonly jar = new Map<string, string>();
  /** Every Set-Cookie line received, newest last. */
  readonly setCookies: string[] = [];
  csrfToken: string | null = null;

  cookieHeader(): string {
    return [...this.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      this.setCookies.push(line);
      const [pair = ''] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0/i.test(line) || /expires=Thu, 01 Jan 1970/i.test(line)) this.jar.delete(name);
      else this.jar.set(name, value);
    }
  }

  /** The last Set-Cookie line for `name`. */
  setCookie(name: string): string | undefined {
    return [...this.setCookies].reverse().find((l) => l.startsWith(`${name}=`));
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: this.cookieHeader(), ...headers } });
    this.remember(res);
    return res;
  }

  async postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: this.cookieHeader(),
        'content-type': 'application/x-www-form-urlencoded',
        origin: new URL(url).origin,
        ...headers,
      },
      body: new URLSearchParams(form).toString(),
    });
    this.remember(res);
    return res;
  }

  /** GETs a page, then posts a form with the page's CSRF field. */
  async submit(pageUrl: string, actionUrl: string, form: Record<string, string>): Promise<Response> {
    const page = await this.get(pageUrl);
    const html = await page.text();
    const csrf = inputValue(html, '_csrf');
    assert.ok(csrf, `a CSRF field on ${pageUrl} (status ${page.status})`);
    return this.postForm(actionUrl, { _csrf: csrf, ...form });
  }

  /** The JSON API: X-CSRF-Token from GET /api/v1/csrf, Origin of the portal. */
  async api<T = Record<string, unknown>>(portalUrl: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method === 'POST') {
      if (this.csrfToken === null) {
        const r = await this.get(`${portalUrl}/api/v1/csrf`);
        this.csrfToken = ((await r.json()) as { csrfToken: string }).csrfToken;
      }
      headers['x-csrf-token'] = this.csrfToken;
      headers.origin = portalUrl;
      headers['content-type'] = 'application/json';
    }
    const res = await fetch(portalUrl + path, {
      method,
      redirect: 'manual',
      headers: { ...headers, cookie: this.cookieHeader() },
      body: method === 'POST' ? JSON.stringify(body ?? {}) : undefined,
    });
    this.remember(res);
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : null) as T, headers: res.headers };
  }
}

export function location(res: Response, base: string): URL {
  const loc = res.headers.get('location');
  assert.ok(loc, `expected a redirect, got ${res.status}`);
  return new URL(loc, base);
}

/**
 * The browser part of a sign-in at the emulator: from the portal's /auth/signin to the URL the emulator redirects
 * back to (the portal's callback with code, state and iss), not yet requested.
 */
export async function toCallback(web: Web, stack: SignInStack, login: string, password = DEMO_PASSWORD): Promise<URL> {
  const start = await web.get(`${stack.portal.url}/auth/signin`);
  assert.equal(start.status, 303, 'GET /auth/signin redirects');
  const authorize = location(start, stack.portal.url);
  assert.equal(authorize.origin, stack.emu.url, 'to the provider');
  let res = await web.get(authorize.href);
  let url = authorize;
  let loggedIn = false;
  for (let i = 0; i < 8; i++) {
    if (res.status === 200 && !loggedIn) {
      // The provider's login page (absent when the provider still has a session for this browser).
      await res.arrayBuffer();
      res = await web.postForm(`${url.href}/login`, { username: login, password });
      loggedIn = true;
      continue;
    }
    url = location(res, stack.emu.url);
    if (url.origin !== stack.emu.url) return url;
    res = await web.get(url.href);
  }
  throw new Error('too many redirects at the provider');
}

/** A complete sign-in; returns the callback's answer (303 to /account on success). */
export async function signIn(web: Web, stack: SignInStack, login: string, password = DEMO_PASSWORD): Promise<Response> {
  const callback = await toCallback(web, stack, login, password);
  const res = await web.get(callback.href);
  assert.equal(res.status, 303, `callback answered ${res.status}: ${res.status === 303 ? '' : await res.clone().text()}`);
  assert.equal(res.headers.get('location'), '/account');
  return res;
}

// --- the emulator's control API ------------------------------------------------------------------------------------

export interface EmuFactor {
  id: string;
  factorType: string;
  provider: string;
  status: string;
}

export async function emuUser(emuUrl: string, login: string): Promise<{ id: string; factors: EmuFactor[] }> {
  const res = await fetch(`${emuUrl}/_emulator/users`);
  const { users } = (await res.json()) as { users: { id: string; login: string; factors: EmuFactor[] }[] };
  const u = users.find((x) => x.login === login);
  assert.ok(u, `user ${login} at the emulator`);
  return u;
}

export async function totpCode(emuUrl: string, factorId: string): Promise<string> {
  const res = await fetch(`${emuUrl}/_emulator/factors/${factorId}/code`);
  assert.equal(res.status, 200);
  return ((await res.json()) as { code: string }).code;
}

export async function emuNowSeconds(emuUrl: string): Promise<number> {
  const res = await fetch(`${emuUrl}/_emulator/clock`);
  return Math.floor(((await res.json()) as { epochMs: number }).epochMs / 1000);
}

/** The newest code sent to `login` (SMS or voice), from the emulated phone's outbox. */
export async function outboxCode(emuUrl: string, login: string): Promise<string> {
  const res = await fetch(`${emuUrl}/_emulator/outbox?login=${encodeURIComponent(login)}`);
  const { messages } = (await res.json()) as { messages: { code: string | null }[] };
  const code = messages.at(-1)?.code;
  assert.ok(code, `a code in the outbox for ${login}`);
  return code;
}

export async function pendingPush(emuUrl: string, login: string): Promise<{ transactionId: string; numberChoices: number[] | null }> {
  for (let i = 0; i < 50; i++) {
    const res = await fetch(`${emuUrl}/_emulator/push`);
    const { pushes } = (await res.json()) as { pushes: { transactionId: string; login: string; numberChoices: number[] | null }[] };
    const p = pushes.find((x) => x.login === login);
    if (p) return p;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail(`no pending push for ${login}`);
}

export async function authn(emuUrl: string, username: string, password: string): Promise<number> {
  const res = await fetch(`${emuUrl}/api/v1/authn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  await res.arrayBuffer();
  return res.status;
}
