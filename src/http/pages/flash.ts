/**
 * The flash: what a recovery form's POST hands to the GET page it redirects to (Post/Redirect/Get), so the browser's
 * history holds only GET pages: Back never offers to resubmit a form, and a reload never repeats a send.
 * Rules:
 * - One cookie (`__Host-flash` with https, else `flash`): signed with COOKIE_SECRET (a forged or edited flash is
 *   ignored), HttpOnly, SameSite=Strict, Path=/, Max-Age 60 s. Read once: the next page GET clears it, and only the
 *   page it names uses it.
 * - It carries an error's code, its remaining wait, catalogue keys and the non-secret values the user typed (the
 *   username, the chosen method, the sessions checkbox). Never a password, a code, an ott or a flow handle; nothing
 *   of it goes into a URL.
 * - A value that does not parse or names nothing known is dropped, never trusted.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode } from '../../core/errors.js';
import type { PasswordReason } from '../../core/password-rules.js';
import { RECOVERY_METHODS, type RecoveryMethod } from '../../core/ports.js';
import type { ResolvedHttpConfig } from '../config.js';

/** Page texts a flash may name instead of an error code's catalogue text. */
export const FLASH_TEXTS = ['start.empty', 'start.invalid', 'code.empty', 'password.empty', 'guide.chooseMethod'] as const;
export type FlashText = (typeof FLASH_TEXTS)[number];

const REASONS: readonly PasswordReason[] = ['length', 'lowercase', 'uppercase', 'number', 'symbol', 'username', 'history', 'min-age', 'requirements', 'weak', 'other'];

export interface Flash {
  /** The page (a PATHS value) the flash is for. */
  page: string;
  code?: ErrorCode;
  /** The HTTP status the page answers with (the error's). */
  status?: number;
  text?: FlashText;
  /** A wait in seconds, counted from `at` (epoch ms). */
  retryAfter?: number;
  at?: number;
  /** The error is about the page's field. */
  field?: boolean;
  reasons?: PasswordReason[];
  /** Start page: the username as typed. */
  value?: string;
  /** Method page: the method chosen. */
  method?: RecoveryMethod;
  /** Password page: the "sign out of all other sessions" box. */
  revoke?: boolean;
}

const MAX_AGE_SECONDS = 60;

export function flashCookieName(cfg: ResolvedHttpConfig): string {
  return cfg.secure ? '__Host-flash' : 'flash';
}

export function setFlash(reply: FastifyReply, cfg: ResolvedHttpConfig, flash: Flash): void {
  const value = Buffer.from(JSON.stringify(flash), 'utf8').toString('base64url');
  reply.setCookie(flashCookieName(cfg), value, {
    path: '/',
    httpOnly: true,
    secure: cfg.secure,
    sameSite: 'strict',
    maxAge: MAX_AGE_SECONDS,
    signed: true,
  });
}

/** The flash for `page`, if any; any flash present is cleared (read once). */
export function takeFlash(request: FastifyRequest, reply: FastifyReply, cfg: ResolvedHttpConfig, page: string): Flash | null {
  const name = flashCookieName(cfg);
  const raw = request.cookies[name];
  if (typeof raw !== 'string') return null;
  reply.clearCookie(name, { path: '/', httpOnly: true, secure: cfg.secure, sameSite: 'strict' });
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || unsigned.value === null) return null;
  const flash = parseFlash(unsigned.value);
  return flash !== null && flash.page === page ? flash : null;
}

function str(v: unknown, max: number): string | undefined {
  return typeof v === 'string' && v.length <= max ? v : undefined;
}

export function parseFlash(encoded: string): Flash | null {
  let o: Record<string, unknown>;
  try {
    const v: unknown = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
    o = v as Record<string, unknown>;
  } catch {
    return null;
  }
  const page = str(o.page, 100);
  if (page === undefined) return null;
  const out: Flash = { page };
  if (typeof o.code === 'string' && Object.hasOwn(ERROR_CODES, o.code)) out.code = o.code as ErrorCode;
  if (typeof o.status === 'number' && Number.isInteger(o.status) && o.status >= 400 && o.status <= 599) out.status = o.status;
  if (FLASH_TEXTS.includes(o.text as FlashText)) out.text = o.text as FlashText;
  if (typeof o.retryAfter === 'number' && o.retryAfter >= 0 && o.retryAfter <= 86_400) out.retryAfter = o.retryAfter;
  if (typeof o.at === 'number' && Number.isFinite(o.at)) out.at = o.at;
  if (o.field === true) out.field = true;
  if (Array.isArray(o.reasons)) out.reasons = o.reasons.filter((r): r is PasswordReason => REASONS.includes(r as PasswordReason)).slice(0, 12);
  const value = str(o.value, 512);
  if (value !== undefined) out.value = value;
  const method = RECOVERY_METHODS.find((m) => m === o.method);
  if (method !== undefined) out.method = method;
  if (typeof o.revoke === 'boolean') out.revoke = o.revoke;
  return out;
}
