/**
 * The flow cookie: the RecoveryService's opaque handle, nothing else.
 * Rules:
 * - Name `__Host-flow` (https public URL) or `flow`; HttpOnly; Secure with https; Path=/; no Domain;
 *   Max-Age = the flow's lifetime, never more.
 * - SameSite=Strict: the cookie is created by our own POST and is only ever needed on same-site requests
 *   (our pages, our fetches); a cross-site entry link lands on / or /recover, which need no flow. Strict therefore
 *   costs nothing and keeps the cookie off every cross-site request (defence in depth next to CSRF tokens).
 * - Not signed: the handle already carries a 256-bit secret the core checks against a stored hash in constant time,
 *   so a signature would add a second secret to manage and no protection. A value not shaped like a handle is
 *   ignored here (treated as "no flow") and never reaches the store.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ResolvedHttpConfig } from './config.js';

const HANDLE_SHAPE = /^[A-Za-z0-9_-]{1,128}\.[A-Za-z0-9_-]{1,128}$/;

export function readFlowHandle(request: FastifyRequest, cfg: ResolvedHttpConfig): string | null {
  const value = request.cookies[cfg.flowCookie];
  return typeof value === 'string' && HANDLE_SHAPE.test(value) ? value : null;
}

export function setFlowCookie(reply: FastifyReply, cfg: ResolvedHttpConfig, handle: string): void {
  reply.setCookie(cfg.flowCookie, handle, {
    path: '/',
    httpOnly: true,
    secure: cfg.secure,
    sameSite: 'strict',
    maxAge: Math.floor(cfg.flowTtlSeconds),
  });
}

export function clearFlowCookie(reply: FastifyReply, cfg: ResolvedHttpConfig): void {
  reply.clearCookie(cfg.flowCookie, { path: '/', httpOnly: true, secure: cfg.secure, sameSite: 'strict' });
}
