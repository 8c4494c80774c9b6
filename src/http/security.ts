/**
 * Browser hardening and CSRF, applied to every route by construction.
 * Rules:
 * - Headers on every response (pages, API, assets, errors, 404s): a strict CSP with no inline script or style,
 *   frame-ancestors 'none' + X-Frame-Options DENY, Referrer-Policy no-referrer, nosniff, COOP same-origin,
 *   Cache-Control no-store (assets override it with a long immutable cache; their names carry a content hash),
 *   HSTS only when the public URL is https, no CORS headers, X-Request-Id.
 * - Every state-changing route (anything but GET / HEAD) gets, through an onRoute hook, so a new route cannot
 *   forget them:
 *   1. an Origin / Fetch-Metadata check before the body is read: Sec-Fetch-Site other than same-origin / none, or an
 *      Origin other than the public URL's origin → 403 CSRF, even with a valid token (SES-5);
 *   2. a Content-Type check: JSON under /api/, urlencoded forms elsewhere, 415 otherwise (VAL-1);
 *   3. the @fastify/csrf-protection token check (signed double-submit: the secret lives in an HttpOnly, signed,
 *      SameSite=Strict cookie; the token comes from the `_csrf` form field or the X-CSRF-Token header, never from the
 *      query string).
 */
import csrfProtection from '@fastify/csrf-protection';
import helmet from '@fastify/helmet';
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

export async function registerSecurityHeaders(app: FastifyInstance, cfg: ResolvedHttpConfig): Promise<void> {
  await app.register(helmet, {
    global: true,
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        ...CSP_DIRECTIVES,
        ...(cfg.secure ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    crossOriginOpenerPolicy: { policy: 'same-origin' },
    crossOriginResourcePolicy: { policy: 'same-origin' },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: cfg.secure ? { maxAge: 31_536_000, includeSubDomains: true } : false,
  });
  app.addHook('onRequest', (request, reply, done) => {
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
    if (origin !== undefined && origin !== cfg.origin) {
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
