/**
 * The sign-in cookies: the session cookie and the short-lived sign-in transaction cookie.
 * Rules:
 * - Names `__Host-session` / `__Host-signin` on an https public URL, else `session` / `signin`; HttpOnly; Secure with
 *   https; Path=/; no Domain. Neither name collides with the emulator's (`okta_emu_*`), which matters because
 *   browsers share cookies across the ports of one host.
 * - SameSite=Lax for both: the provider's redirect back to the callback is a cross-site top-level GET, which Strict
 *   would strip (the transaction cookie must come back with it), and the session must survive arriving from the
 *   provider's logout or a link. Lax still keeps them off cross-site POSTs and sub-requests; every state-changing
 *   route also has the CSRF token and Origin checks (security.ts).
 * - Values are opaque random tokens, checked against stored hashes; a malformed value is ignored (no store access).
 *   Not signed, for the same reason as the flow cookie: the 256-bit token is the secret.
 * - The session cookie lives as long as the session's absolute lifetime; the server enforces the idle limit.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isSessionToken, isTransactionKey, TRANSACTION_TTL_MS } from '../../auth/index.js';
import type { ResolvedHttpConfig } from '../config.js';

export const sessionCookieName = (cfg: ResolvedHttpConfig): string => (cfg.secure ? '__Host-session' : 'session');
export const signInCookieName = (cfg: ResolvedHttpConfig): string => (cfg.secure ? '__Host-signin' : 'signin');

const base = (cfg: ResolvedHttpConfig) => ({ path: '/', httpOnly: true, secure: cfg.secure, sameSite: 'lax' as const });

export function readSessionToken(request: FastifyRequest, cfg: ResolvedHttpConfig): string | null {
  const v = request.cookies[sessionCookieName(cfg)];
  return isSessionToken(v) ? v : null;
}

export function setSessionCookie(reply: FastifyReply, cfg: ResolvedHttpConfig, token: string, maxAgeSeconds: number): void {
  reply.setCookie(sessionCookieName(cfg), token, { ...base(cfg), maxAge: Math.floor(maxAgeSeconds) });
}

export function clearSessionCookie(reply: FastifyReply, cfg: ResolvedHttpConfig): void {
  reply.clearCookie(sessionCookieName(cfg), base(cfg));
}

export function readSignInKey(request: FastifyRequest, cfg: ResolvedHttpConfig): string | null {
  const v = request.cookies[signInCookieName(cfg)];
  return isTransactionKey(v) ? v : null;
}

export function setSignInCookie(reply: FastifyReply, cfg: ResolvedHttpConfig, key: string): void {
  reply.setCookie(signInCookieName(cfg), key, { ...base(cfg), maxAge: Math.floor(TRANSACTION_TTL_MS / 1000) });
}

export function clearSignInCookie(reply: FastifyReply, cfg: ResolvedHttpConfig): void {
  reply.clearCookie(signInCookieName(cfg), base(cfg));
}
