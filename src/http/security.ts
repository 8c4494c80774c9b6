/**
 * Browser hardening and CSRF, applied to every route by construction.
 * Rules:
 * - Headers on every response (pages, API, assets, errors, 404s): a strict CSP with no inline script or style,
 *   frame-ancestors 'none' + X-Frame-Options DENY, Referrer-Policy no-referrer, nosniff, COOP same-origin,
 *   Cache-Control no-store (assets override it with a long immutable cache; their names carry a content hash),
 *   HSTS only when the public URL is https, no CORS headers, X-Request-Id. The set is constant (the CSP has no
 *   nonces), so it is computed once at start-up and copied onto each reply in one onRequest hook; a route overrides a
 *   header with reply.header() in its handler (the logo's sandboxing CSP, the assets' cache).
 * - Every state-changing route (anything but GET / HEAD) gets, through an onRoute hook, so a new route cannot
 *   forget them:
 *   1. an Origin / Fetch-Metadata check before the body is read: Sec-Fetch-Site other than same-origin / none, or an
 *      Origin other than the public URL's origin → 403 CSRF, even with a valid token (SES-5); `Origin: null` passes
 *      only with `Sec-Fetch-Site: same-origin` (what browsers send for our own form POSTs under no-referrer);
 *   2. a Content-Type check: JSON under /api/, urlencoded forms elsewhere, 415 otherwise (VAL-1);
 *   3. the CSRF token check (signed double-submit: the secret lives in an HttpOnly, signed, SameSite=Strict cookie;
 *      the token comes from the `_csrf` form field or the X-CSRF-Token header, never from the query string).
 * - CSRF tokens: `reply.generateCsrf()` and `app.csrfProtection` are @fastify/csrf-protection's interface, cookie
 *   and construction (@fastify/csrf tokens: salt + SHA-256 of salt and secret; the secret cookie signed by
 *   @fastify/cookie with COOKIE_SECRET), wired here (registerCsrf) so that a new secret is drawn from a pool of
 *   CSPRNG bytes rather than from one crypto.randomBytes call each. A browser keeps its secret (a valid signed
 *   cookie is reused) and gets a fresh token per page or GET /api/v1/csrf.
 */
import { randomFillSync } from 'node:crypto';
import csrfTokens from '@fastify/csrf';
import type {
  FastifyInstance,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  onRequestHookHandler,
  preValidationHookHandler,
  RouteOptions,
} from 'fastify';
import { PortalError } from '../core/errors.js';
import type { ResolvedHttpConfig } from './config.js';
import { HttpRefusal } from './errors.js';
import { API_PREFIX } from './paths.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export const CSP_DIRECTIVES = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  fontSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
} as const;

type Directives = Record<string, readonly string[]>;

/** `defaultSrc: ["'self'"]` → `default-src 'self'`, joined with ";" (helmet's serialisation). */
function serializeCsp(directives: Directives): string {
  return Object.entries(directives)
    .map(([name, values]) => [name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`), ...values].join(' '))
    .join(';');
}

/**
 * Every security header, once. These are the headers @fastify/helmet (helmet 8) sent with our options, written out
 * because the plugin rebuilds helmet, CSP parsing included, on every request (6 to 10 % of the landing page's CPU);
 * test/http/headers.test.ts and test/e2e/headers.e2e.test.ts pin them.
 */
export function securityHeaders(cfg: Pick<ResolvedHttpConfig, 'secure'>): Readonly<Record<string, string>> {
  const csp: Directives = cfg.secure ? { ...CSP_DIRECTIVES, upgradeInsecureRequests: [] } : CSP_DIRECTIVES;
  return Object.freeze({
    'content-security-policy': serializeCsp(csp),
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'origin-agent-cluster': '?1',
    'referrer-policy': 'no-referrer',
    ...(cfg.secure ? { 'strict-transport-security': 'max-age=31536000; includeSubDomains' } : {}),
    'x-content-type-options': 'nosniff',
    'x-dns-prefetch-control': 'off',
    'x-download-options': 'noopen',
    'x-frame-options': 'DENY',
    'x-permitted-cross-domain-policies': 'none',
    'x-xss-protection': '0',
  });
}

/**
 * One onRequest hook sets them all, with Cache-Control: no-store: a route with its own cache policy (the hashed
 * assets) sets it in its handler, which runs later. Nothing sets X-Powered-By (Fastify does not; the tests check).
 */
export async function registerSecurityHeaders(app: FastifyInstance, cfg: ResolvedHttpConfig): Promise<void> {
  const headers = Object.entries({ ...securityHeaders(cfg), 'cache-control': 'no-store' });
  app.addHook('onRequest', (request, reply, done) => {
    for (const [name, value] of headers) reply.header(name, value);
    reply.header('x-request-id', request.id);
    done();
  });
}

function header(request: FastifyRequest, name: string): string | undefined {
  const v = request.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** 1. Origin / Fetch-Metadata check (before the body is parsed). */
export function originCheck(cfg: ResolvedHttpConfig): onRequestHookHandler {
  return function checkOrigin(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    const site = header(request, 'sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return done(new PortalError('CSRF', { detail: `sec-fetch-site ${site.slice(0, 20)}` }));
    }
    const origin = header(request, 'origin');
    // Our own pages send Referrer-Policy: no-referrer, under which browsers serialise the Origin of a same-origin
    // form POST as "null"; Sec-Fetch-Site (set by the browser, not by page script) then vouches for it.
    const nullButSameOrigin = origin === 'null' && site === 'same-origin';
    if (origin !== undefined && origin !== cfg.origin && !nullButSameOrigin) {
      return done(new PortalError('CSRF', { detail: 'cross-origin request' }));
    }
    done();
  };
}

/** 2. The one body type each kind of route accepts. */
export function contentTypeCheck(kind: 'json' | 'form'): onRequestHookHandler {
  const wanted = kind === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  return function checkContentType(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    const type = (header(request, 'content-type') ?? '').split(';', 1)[0]?.trim().toLowerCase();
    if (type !== wanted) return done(new HttpRefusal(415, `Unsupported content type: send ${wanted}.`));
    done();
  };
}

function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The token check of every state-changing route (preValidation): 403 CSRF without a valid secret and token. */
    csrfProtection(request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction): void;
  }
  interface FastifyReply {
    /** A fresh token for this browser's secret; sets the signed secret cookie first when there is no valid one. */
    generateCsrf(): string;
  }
}

/** The secret's length: @fastify/csrf's default (18 bytes, 24 base64url characters). */
const SECRET_BYTES = 18;
const pool = Buffer.alloc(4096);
let poolOffset = pool.length;

/**
 * A new CSRF secret: 18 bytes of a buffer refilled from the CSPRNG 4 KiB at a time, each byte used once. Hand-written
 * (a few lines) because crypto.randomBytes has a fixed cost per call (about 7 µs here, OpenSSL's fork check
 * included) that was most of a cookie-less GET /api/v1/csrf's crypto; crypto.randomUUID() buffers entropy the same
 * way for the same reason.
 */
export function newCsrfSecret(): string {
  if (poolOffset + SECRET_BYTES > pool.length) {
    randomFillSync(pool);
    poolOffset = 0;
  }
  const secret = pool.toString('base64url', poolOffset, poolOffset + SECRET_BYTES);
  pool.fill(0, poolOffset, poolOffset + SECRET_BYTES);
  poolOffset += SECRET_BYTES;
  return secret;
}

const NEW_SECRET = Symbol('csrf secret set by this reply');

/** Only the form field or the header: a token in a query string would end up in logs and history. */
function submittedToken(request: FastifyRequest): string {
  const body = request.body as Record<string, unknown> | null | undefined;
  const fromBody = body && typeof body === 'object' ? body._csrf : undefined;
  if (typeof fromBody === 'string') return fromBody;
  const h = request.headers['x-csrf-token'];
  return typeof h === 'string' ? h : '';
}

/**
 * `reply.generateCsrf()`, `app.csrfProtection` and the hook that protects every state-changing route declared after
 * it. Needs @fastify/cookie registered with COOKIE_SECRET (the secret cookie is signed).
 */
export async function registerCsrf(app: FastifyInstance, cfg: ResolvedHttpConfig): Promise<void> {
  const tokens = csrfTokens();
  const cookieName = cfg.csrfCookie;
  // The cookie's attributes, serialised once by @fastify/cookie: "; Path=/; HttpOnly; SameSite=Strict" (+ Secure).
  // A new secret's Set-Cookie line is `name=value` + these; the value (base64url secret, ".", base64 signature) has
  // no character that needs encoding. Fastify appends a second Set-Cookie header, never replaces one.
  const cookieAttributes = app
    .serializeCookie(cookieName, '', { path: '/', sameSite: 'strict', httpOnly: true, secure: cfg.secure })
    .slice(cookieName.length + 1);
  /** The secret of this browser's signed cookie, or null (none, or not signed with our key). */
  const secretOf = (request: FastifyRequest): string | null => {
    const signed = request.cookies[cookieName];
    return signed ? request.unsignCookie(signed).value : null;
  };
  // A secret minted during this request: a second generateCsrf() in the same reply reuses it.
  app.decorateReply(NEW_SECRET, null);
  app.decorateReply('generateCsrf', function generateCsrf(this: FastifyReply): string {
    const reply = this as FastifyReply & { [NEW_SECRET]: string | null };
    let secret = reply[NEW_SECRET] ?? secretOf(this.request);
    if (!secret) {
      secret = newCsrfSecret();
      reply[NEW_SECRET] = secret;
      this.header('set-cookie', `${cookieName}=${this.signCookie(secret)}${cookieAttributes}`);
    }
    return tokens.create(secret);
  });
  app.decorate('csrfProtection', function csrfProtection(request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) {
    const secret = secretOf(request);
    if (!secret) return done(new PortalError('CSRF', { detail: 'no csrf secret cookie' }));
    if (!tokens.verify(secret, submittedToken(request))) return done(new PortalError('CSRF', { detail: 'invalid csrf token' }));
    done();
  });
  const checkOrigin = originCheck(cfg);
  const json = contentTypeCheck('json');
  const form = contentTypeCheck('form');
  const checkToken: preValidationHookHandler = function checkCsrfToken(request, reply, done) {
    app.csrfProtection(request, reply, done);
  };
  app.addHook('onRoute', (route: RouteOptions) => {
    const methods = asArray(route.method);
    if (methods.every((m) => SAFE_METHODS.has(String(m).toUpperCase()))) return;
    const isApi = route.url.startsWith(cfg.basePath + API_PREFIX);
    route.onRequest = [checkOrigin, isApi ? json : form, ...asArray(route.onRequest)];
    route.preValidation = [checkToken, ...asArray(route.preValidation)];
  });
}
