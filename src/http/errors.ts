/**
 * Errors on the wire: one shape for the JSON API, friendly pages for the HTML side.
 * Rules:
 * - JSON: `{"error":{"code","message","causes"?}}` with the code's HTTP status; `Retry-After` whenever the error
 *   carries retryAfterSeconds. Only codes from ERROR_CODES are ever sent.
 * - PortalError → its code, status and (safe) message. Fastify's own client errors (validation, bad JSON, body too
 *   large, unsupported media type) → BAD_REQUEST with their 4xx status. CSRF plugin errors → CSRF. A store that
 *   cannot be used (code STORE_UNAVAILABLE) → 503 SERVICE_UNAVAILABLE with Retry-After.
 *   Anything else → 500 INTERNAL with a generic message and the request id; the error itself is logged (never sent).
 * - 404: JSON under /api/, a page elsewhere; a known path with the wrong method → 405 with `Allow`.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, isPortalError, type ErrorCode } from '../core/errors.js';
import { messagePage, type MessageAction } from '../views/pages/message.js';
import { retryNote } from '../views/layout.js';
import type { PasswordReason } from '../core/password-rules.js';
import type { ResolvedHttpConfig } from './config.js';
import { API_PREFIX, PATHS } from './paths.js';
import { viewContext } from './view-context.js';

/** An error normalised for the wire. */
export interface WireError {
  code: ErrorCode;
  status: number;
  message: string;
  retryAfterSeconds?: number | undefined;
  causes?: string[] | undefined;
  /** PASSWORD_POLICY: why, as catalogue keys (pages only). */
  reasons?: PasswordReason[] | undefined;
  /** Safe, log-only detail. */
  detail?: string | undefined;
}

export interface ErrorBody {
  error: { code: ErrorCode; message: string; causes?: string[]; requestId?: string };
}

/** A transport-level refusal with its own status (415, 405 ...), always sent as BAD_REQUEST. */
export class HttpRefusal extends Error {
  constructor(
    readonly statusCode: number,
    message: string,
  ) {
    super(message);
    this.name = 'HttpRefusal';
  }
}

const CLIENT_MESSAGES: Record<number, string> = {
  413: 'The request body is too large.',
  415: 'Unsupported content type.',
};

function fastifyErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function toWireError(err: unknown): WireError {
  if (isPortalError(err)) {
    return {
      code: err.code,
      status: err.httpStatus,
      message: err.message,
      retryAfterSeconds: err.retryAfterSeconds,
      causes: err.causes,
      reasons: err.reasons,
      detail: err.detail,
    };
  }
  if (err instanceof HttpRefusal) return { code: 'BAD_REQUEST', status: err.statusCode, message: err.message };
  const fcode = fastifyErrorCode(err);
  if (fcode === 'STORE_UNAVAILABLE') {
    // src/store's StoreUnavailableError (Redis down, SQLite unwritable): a clear 503, the reason only in the log.
    const detail = err instanceof Error ? err.message.slice(0, 200) : undefined;
    return { code: 'SERVICE_UNAVAILABLE', status: 503, message: ERROR_CODES.SERVICE_UNAVAILABLE.message, retryAfterSeconds: 5, detail };
  }
  if (fcode === 'FST_CSRF_MISSING_SECRET' || fcode === 'FST_CSRF_INVALID_TOKEN') {
    return { code: 'CSRF', status: ERROR_CODES.CSRF.status, message: ERROR_CODES.CSRF.message, detail: fcode };
  }
  const e = err as { validation?: unknown; statusCode?: unknown; message?: unknown } | null;
  if (e && Array.isArray(e.validation)) {
    // Ajv messages name the field and the rule, never the submitted value.
    const why = typeof e.message === 'string' ? e.message.slice(0, 200) : '';
    return {
      code: 'BAD_REQUEST',
      status: 400,
      message: why ? `${ERROR_CODES.BAD_REQUEST.message} ${why}` : ERROR_CODES.BAD_REQUEST.message,
    };
  }
  const status = typeof e?.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500) {
    return {
      code: 'BAD_REQUEST',
      status,
      message: CLIENT_MESSAGES[status] ?? ERROR_CODES.BAD_REQUEST.message,
      detail: fcode,
    };
  }
  return { code: 'INTERNAL', status: 500, message: ERROR_CODES.INTERNAL.message };
}

export function errorBody(w: WireError, requestId?: string): ErrorBody {
  const body: ErrorBody = { error: { code: w.code, message: w.message } };
  if (w.causes && w.causes.length > 0) body.error.causes = [...w.causes];
  if (requestId) body.error.requestId = requestId;
  return body;
}

export function isApiRequest(request: FastifyRequest, cfg: ResolvedHttpConfig): boolean {
  const path = request.url.split('?', 1)[0] ?? '';
  return path.startsWith(cfg.basePath + API_PREFIX);
}

function applyRetryAfter(reply: FastifyReply, w: WireError): void {
  if (w.retryAfterSeconds !== undefined && Number.isFinite(w.retryAfterSeconds)) {
    reply.header('retry-after', String(Math.max(0, Math.ceil(w.retryAfterSeconds))));
  }
}

/** Sends an error as JSON. */
export function sendJsonError(reply: FastifyReply, w: WireError): FastifyReply {
  applyRetryAfter(reply, w);
  return reply
    .code(w.status)
    .type('application/json; charset=utf-8')
    .send(errorBody(w, w.code === 'INTERNAL' ? reply.request.id : undefined));
}

/** Errors after which the same step can be tried again (the others end the flow or the request). */
const TRANSIENT: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'RATE_LIMITED',
  'IDP_UNAVAILABLE',
  'SERVICE_UNAVAILABLE',
  'RESEND_TOO_SOON',
  'FACTOR_LOCKED',
  'INVALID_CODE',
  'INVALID_OTT',
  'PASSWORD_MISMATCH',
  'PASSWORD_POLICY',
  'PASSWORD_BREACHED',
  'METHOD_NOT_AVAILABLE',
]);

/** The GET page a failed POST should send the user back to. */
function reloadTarget(path: string, cfg: ResolvedHttpConfig): string {
  const rel = path.startsWith(cfg.basePath) ? path.slice(cfg.basePath.length) : path;
  if (rel === PATHS.resend) return PATHS.code;
  if (rel === PATHS.cancel) return PATHS.start;
  // Account forms and sign-out (src/http/account): back to the account overview (it asks for sign-in if needed).
  if (rel === '/account' || rel.startsWith('/account/') || rel === '/auth/signout') return '/account';
  if (rel === PATHS.unlock) return PATHS.password;
  const known: string[] = [PATHS.start, PATHS.method, PATHS.code, PATHS.push, PATHS.password];
  return known.includes(rel) ? rel : PATHS.start;
}

/** Renders an error as a page with a way on. */
export function sendHtmlError(
  reply: FastifyReply,
  cfg: ResolvedHttpConfig,
  w: WireError,
): FastifyReply {
  const request = reply.request;
  const ctx = viewContext(cfg, request);
  const en = ctx.t; // the request's language (cookie / Accept-Language)
  const startAgain: MessageAction = { href: ctx.href(PATHS.start), label: en.common.startAgain };
  const path = request.url.split('?', 1)[0] ?? '';
  let page: string;
  const retry =
    w.retryAfterSeconds !== undefined ? retryNote(ctx, w.retryAfterSeconds) : undefined;
  switch (w.code) {
    case 'CSRF':
      page = messagePage(ctx, {
        title: en.csrf.title,
        heading: en.csrf.heading,
        message: en.errors.CSRF,
        actions: [{ href: ctx.href(reloadTarget(path, cfg)), label: en.common.reload }],
      });
      break;
    case 'NOT_FOUND':
      page = messagePage(ctx, {
        title: en.notFound.title,
        heading: en.notFound.heading,
        message: en.notFound.lead,
        actions: [{ href: ctx.href(PATHS.landing), label: en.common.home }],
      });
      break;
    case 'INTERNAL':
      page = messagePage(ctx, {
        title: en.internal.title,
        heading: en.internal.heading,
        message: en.errors.INTERNAL,
        reference: request.id,
        actions: [{ href: ctx.href(PATHS.landing), label: en.common.home }],
      });
      break;
    default:
      page = messagePage(ctx, {
        title: en.expired.title,
        heading: TRANSIENT.has(w.code) ? en.common.errorHeading : en.expired.heading,
        message: en.errors[w.code],
        detail: retry,
        actions: TRANSIENT.has(w.code)
          ? [{ href: ctx.href(reloadTarget(path, cfg)), label: en.common.tryAgain }, startAgain]
          : [startAgain],
      });
  }
  applyRetryAfter(reply, w);
  return reply.code(w.status).type('text/html; charset=utf-8').send(page);
}

export function sendError(reply: FastifyReply, cfg: ResolvedHttpConfig, w: WireError): FastifyReply {
  return isApiRequest(reply.request, cfg) ? sendJsonError(reply, w) : sendHtmlError(reply, cfg, w);
}

/** Logs an error: 5xx with the (safely serialised) error, 4xx as one info line with the code and safe detail. */
export function logError(request: FastifyRequest, err: unknown, w: WireError): void {
  if (w.status >= 500) {
    request.log.error({ err, errCode: w.code, detail: w.detail }, 'request failed');
  } else {
    request.log.info({ errCode: w.code, status: w.status, detail: w.detail }, 'request refused');
  }
}

const ROUTE_METHODS = ['GET', 'HEAD', 'POST'] as const;

export function installErrorHandlers(app: FastifyInstance, cfg: ResolvedHttpConfig): void {
  app.setErrorHandler((err, request, reply) => {
    const w = toWireError(err);
    logError(request, err, w);
    return sendError(reply, cfg, w);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?', 1)[0] ?? '';
    const allowed = ROUTE_METHODS.filter((m) => app.hasRoute({ method: m, url: path }));
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendError(reply, cfg, { code: 'BAD_REQUEST', status: 405, message: 'This method is not allowed here.' });
    }
    return sendError(reply, cfg, {
      code: 'NOT_FOUND',
      status: 404,
      message: ERROR_CODES.NOT_FOUND.message,
    });
  });
}
