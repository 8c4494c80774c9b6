/**
 * RequestContext for the core: client IP (Fastify's request.ip, which honours X-Forwarded-For only from the
 * configured trusted proxies), User-Agent cut to 512 characters, and the request id.
 */
import type { FastifyRequest } from 'fastify';
import type { RequestContext } from '../core/ports.js';

export const MAX_USER_AGENT = 512;

export function requestContext(request: FastifyRequest): RequestContext {
  const ua = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof ua === 'string' ? ua.slice(0, MAX_USER_AGENT) : '',
    requestId: request.id,
  };
}
