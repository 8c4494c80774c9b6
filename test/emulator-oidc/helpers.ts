// Drives the emulator's OIDC side with plain fetch: a tiny cookie jar (names only; the emulator is one host), PKCE,
// and the authorization-code flow up to the code at the redirect URI, read from the Location header, never followed.
import { createHash, randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';

export const DEMO_CLIENT = { id: 'okta-mfa-portal-dev', secret: 'dev-client-secret-not-a-secret', redirect: 'http://127.0.0.1:3000/auth/callback' };

export class CookieJar {
  private readonly cookies = new Map<string, string>();
  store(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i).trim();
      const value = pair.slice(i + 1).trim();
      if (/expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
  header(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

export class Browser {
  readonly jar = new CookieJar();
  async get(url: string): Promise<Response> {
    const res = await fetch(url, { redirect: 'manual', headers: { cookie: this.jar.header() } });
    this.jar.store(res);
    return res;
  }
  async post(url: string, form: Record<string, string>): Promise<Response> {
    const res = await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: this.jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    this.jar.store(res);
    return res;
  }
}

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export function location(res: Response, base: string): URL {
  const loc = res.headers.get('location');
  assert.ok(loc, `expected a redirect, got ${res.status}`);
  return new URL(loc, base);
}

export interface AuthRequest {
  clientId?: string;
  redirectUri?: string;
  scope?: string;
  state?: string;
  nonce?: string;
  challenge?: string | null;
}

/** GET /authorize and follow the emulator's own redirects to the login page; returns the page URL and its HTML. */
export async function startSignIn(b: Browser, issuer: string, r: AuthRequest = {}): Promise<{ pageUrl: string; html: string }> {
  const q = new URLSearchParams({
    client_id: r.clientId ?? DEMO_CLIENT.id,
    redirect_uri: r.redirectUri ?? DEMO_CLIENT.redirect,
    response_type: 'code',
    scope: r.scope ?? 'openid profile email',
    state: r.state ?? 'state-123',
    nonce: r.nonce ?? 'nonce-456',
  });
  if (r.challenge !== null) {
    q.set('code_challenge', r.challenge ?? pkce().challenge);
    q.set('code_challenge_method', 'S256');
  }
  const res = await b.get(`${issuer}/v1/authorize?${q}`);
  assert.equal(res.status, 303, await res.clone().text());
  const pageUrl = location(res, issuer).href;
  const page = await b.get(pageUrl);
  assert.equal(page.status, 200);
  return { pageUrl, html: await page.text() };
}

/** Posts a form found on the page by its action suffix (login, send, verify, …). */
export function actionUrl(pageUrl: string, name: string): string {
  return `${pageUrl}/${name}`;
}

/** Follows the redirect chain after a finished interaction until it leaves the emulator; returns the final URL. */
export async function followToClient(b: Browser, res: Response, emulatorOrigin: string): Promise<URL> {
  let current = res;
  for (let i = 0; i < 5; i++) {
    assert.ok([302, 303].includes(current.status), `expected a redirect, got ${current.status}: ${await current.clone().text()}`);
    const next = location(current, emulatorOrigin);
    if (next.origin !== emulatorOrigin) return next;
    current = await b.get(next.href);
  }
  throw new Error('too many redirects');
}

export async function tokenRequest(issuer: string, form: Record<string, string>, basic?: { id: string; secret: string }): Promise<Response> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (basic) headers.authorization = 'Basic ' + Buffer.from(`${encodeURIComponent(basic.id)}:${encodeURIComponent(basic.secret)}`).toString('base64');
  return fetch(`${issuer}/v1/token`, { method: 'POST', headers, body: new URLSearchParams(form).toString() });
}
