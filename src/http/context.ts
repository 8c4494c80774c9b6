/**
 * RequestContext for the core: client IP (Fastify's request.ip, which honours X-Forwarded-For only from the
 * configured trusted proxies), User-Agent cut to 512 characters, the request id, and the page language the request
 * asked for (the `lang` cookie, else Accept-Language; absent when neither names a catalogue language), in which
 * notifications about what the request did are written.
 */
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../core/ports.js';
import { fromAcceptLanguage, isLanguage } from '../views/i18n/index.js';

export const MAX_USER_AGENT = 512;
/** The language switch's cookie (view-context.ts re-exports it). */
export const LANG_COOKIE = 'lang';

export function requestContext(request: FastifyRequest): RequestContext {
  const ua = request.headers['user-agent'];
  const cookie = request.cookies?.[LANG_COOKIE];
  const accept = request.headers['accept-language'];
  const language = isLanguage(cookie) ? cookie : fromAcceptLanguage(typeof accept === 'string' ? accept : undefined);
  return {
    ip: request.ip,
    userAgent: typeof ua === 'string' ? ua.slice(0, MAX_USER_AGENT) : '',
    requestId: request.id,
    ...(language ? { language } : {}),
  };
}
