/**
 * Browser hardening and CSRF, applied to every route by construction.
 * Rules:
 * - Headers on every response (pages, API, assets, errors, 404s): a strict CSP with no inline script or style,
 *   frame-ancestors 'none' + X-Frame-Options DENY, Referrer-Policy no-referrer, nosniff, COOP same-origin,
 *   Cache-Control no-store (assets override it with a long immutable cache; their names carry a content hash),
 *   HSTS only when the public URL is https, no CORS headers, X-Request-Id. The set is constant (the CSP has no
 *   nonces), so it is computed once at start-up and copied onto each reply in one onRequest hook; a route overrides a
 *   header with reply.header() in its handler (the logo's sandboxing CSP).
 * - Every state-changing route (anything but GET / HEAD) gets, through an onRoute hook, so a new route cannot
 *   forget them:
 *   1. an Origin / Fetch-Metadata check before the body is read: Sec-Fetch-Site other than same-origin / none, or an
 *      Origin other than the public URL's origin → 403 CSRF, even with a valid token (SES-5); `Origin: null` passes
 *      only with `Sec-Fetch-Site: same-origin` (what browsers send for our own form POSTs under no-referrer);
 *   2. a Content-Type check: JSON under /api/, urlencoded forms elsewhere, 415 otherwise (VAL-1);
 *   3. the @fastify/csrf-protection token check (signed double-submit: the secret lives in an HttpOnly, signed,
 *      SameSite=Strict cookie; the token comes from the `_csrf` form field or the X-CSRF-Token header, never from the
 *      query string).
 */
import csrfProtection from '@fastify/csrf-protection';
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

export async function registerSecurityHeaders(app: FastifyInstance, cfg: ResolvedHttpConfig): Promise<void> {
  const headers = securityHeaders(cfg);
  app.addHook('onRequest', (request, reply, done) => {
    reply.headers(headers);
    reply.header('x-request-id', request.id);
    done();
  });
  app.addHook('onSend', (_request, reply, payload, done) => {
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    reply.removeHeader('x-powered-by');
    done(null, payload);
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

/** Registers the CSRF plugin and the hook that protects every state-changing route declared after it. */
export async function registerCsrf(app: FastifyInstance, cfg: ResolvedHttpConfig): Promise<void> {
  await app.register(csrfProtection, {
    cookieKey: cfg.csrfCookie,
    cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, secure: cfg.secure, signed: true },
    // Only the form field or the header: a token in a query string would end up in logs and history.
    getToken: (req: FastifyRequest) => {
      const body = req.body as Record<string, unknown> | null | undefined;
      const fromBody = body && typeof body === 'object' ? body._csrf : undefined;
      if (typeof fromBody === 'string') return fromBody;
      const h = req.headers['x-csrf-token'];
      return typeof h === 'string' ? h : '';
    },
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
