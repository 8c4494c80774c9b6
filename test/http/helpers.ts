/**
 * Helpers for the HTTP tests: the real core over H3's fakes behind buildApp, and two inject()-based clients that
 * behave like a browser without JavaScript (forms, cookies, CSRF field, Origin) and like a JSON API client.
 * No sockets: everything goes through Fastify's inject().
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type HttpConfig } from '../../src/http/app.js';
import type { FastifyBaseLogger } from 'fastify';
import type { RecoveryPolicy } from '../../src/core/recovery/policy.js';
import { addFullUser, createTestRecovery, type TestRecovery } from '../helpers/fakes.js';

export const ORIGIN = 'http://portal.test';
export const LOGIN = 'alice@example.com';
export const NEW_PASSWORD = 'correct horse battery staple 42';

export function httpConfig(overrides: Partial<HttpConfig> = {}): HttpConfig {
  return {
    publicUrl: ORIGIN,
    orgName: 'Example Corp',
    supportUrl: 'https://help.example.com/it',
    cookieSecret: 'test-cookie-secret-0123456789abcdef0123456789',
    trustProxy: [],
    methods: ['push', 'okta-verify-code', 'google-authenticator', 'sms', 'call'],
    revokeSessionsDefault: true,
    flowTtlSeconds: 900,
    ...overrides,
  };
}

export interface Harness {
  app: FastifyInstance;
  core: TestRecovery;
  userId: string;
  close(): Promise<void>;
}

export async function harness(
  opts: { config?: Partial<HttpConfig>; policy?: Partial<RecoveryPolicy>; logger?: FastifyBaseLogger } = {},
): Promise<Harness> {
  const core = createTestRecovery({ policy: opts.policy ?? {} });
  const user = addFullUser(core.idp, LOGIN);
  const app = await buildApp({
    recovery: core.service,
    config: httpConfig(opts.config),
    ...(opts.logger ? { logger: opts.logger } : {}),
  });
  return { app, core, userId: user.id, close: () => app.close() };
}

export type Res = LightMyRequestResponse;

/** Cookie jar over inject(): remembers Set-Cookie, sends Cookie. */
class Jar {
  readonly cookies = new Map<string, string>();
  remember(res: Res): void {
    for (const c of res.cookies as Array<{ name: string; value: string; maxAge?: number }>) {
      if (c.value === '' || c.maxAge === 0) this.cookies.delete(c.name);
      else this.cookies.set(c.name, c.value);
    }
  }
  header(): string | undefined {
    if (this.cookies.size === 0) return undefined;
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The value of a hidden / named input in a page, or undefined. */
export function field(page: string, name: string): string | undefined {
  const re = new RegExp(`<input[^>]*name="${name}"[^>]*value="([^"]*)"`);
  return re.exec(page)?.[1];
}

/** A browser without JavaScript: GET pages, POST forms with the page's CSRF field, same-origin Origin header. */
export class Browser {
  readonly jar = new Jar();
  csrf: string | undefined;
  constructor(
    readonly app: FastifyInstance,
    readonly origin = ORIGIN,
  ) {}

  async get(url: string, headers: Record<string, string> = {}): Promise<Res> {
    const cookie = this.jar.header();
    const res = await this.app.inject({ method: 'GET', url, headers: { ...(cookie ? { cookie } : {}), ...headers } });
    this.jar.remember(res);
    const token = field(res.body, '_csrf');
    if (token !== undefined) this.csrf = token;
    return res;
  }

  async post(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Res> {
    const cookie = this.jar.header();
    const body = new URLSearchParams({ ...(this.csrf ? { _csrf: this.csrf } : {}), ...fields }).toString();
    const res = await this.app.inject({
      method: 'POST',
      url,
      payload: body,
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        origin: this.origin,
        'sec-fetch-site': 'same-origin',
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
    });
    this.jar.remember(res);
    const token = field(res.body, '_csrf');
    if (token !== undefined) this.csrf = token;
    return res;
  }

  /** A form POST as a browser sees it: the 303 it answers, then the page it leads to (Post/Redirect/Get). */
  async submit(url: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<{ redirect: Res; page: Res }> {
    const redirect = await this.post(url, fields, headers);
    if (redirect.statusCode !== 303) throw new Error(`POST ${url}: expected 303, got ${redirect.statusCode}`);
    const page = await this.get(String(redirect.headers.location));
    return { redirect, page };
  }
}

/** A JSON API client: fetches the CSRF token once, sends it in X-CSRF-Token. */
export class JsonClient {
  readonly jar = new Jar();
  csrf: string | undefined;
  constructor(
    readonly app: FastifyInstance,
    readonly origin = ORIGIN,
  ) {}

  async fetchCsrf(): Promise<string> {
    const res = await this.call('GET', '/api/v1/csrf');
    this.csrf = (res.json() as { csrfToken: string }).csrfToken;
    return this.csrf;
  }

  async call(method: 'GET' | 'POST', url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Res> {
    if (method === 'POST' && this.csrf === undefined) await this.fetchCsrf();
    const cookie = this.jar.header();
    const res = await this.app.inject({
      method,
      url,
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
      headers: {
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(method === 'POST' ? { origin: this.origin, 'x-csrf-token': this.csrf ?? '' } : {}),
        ...(cookie ? { cookie } : {}),
        ...headers,
      },
    });
    this.jar.remember(res);
    return res;
  }
}
