/**
 * Pure mappings from Okta's JSON answers to the core's port types, and the input checks done before any call.
 * Rules: read answers as untrusted `unknown` (any field may be missing or of another type); never build a URL from Okta data; transaction ids come only from `_links.poll.href`.
 */
import type { IdpFactor, IdpGroup, IdpUser, PushResult, RecoveryMethod } from '../core/ports.js';

const MAX_LOGIN_LENGTH = 256;

/**
 * Logins the adapter refuses without calling Okta: `me` (the token's own user), anything with `/` (Okta
 * cannot fetch those by login), `.` and `..` (path segments), control characters, blank or over-long input.
 */
export function isAcceptableLogin(login: string): boolean {
  if (login.length === 0 || login.length > MAX_LOGIN_LENGTH) return false;
  if (login.trim() !== login || login.trim() === '') return false;
  if (login.toLowerCase() === 'me' || login === '.' || login === '..') return false;
  if (login.includes('/') || login.includes('\\')) return false;
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f-\x9f\u2028\u2029]/.test(login)) return false;
  return true;
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function isoOrNull(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === 'string' && v !== '' && !Number.isNaN(Date.parse(v))) return v;
  return null;
}

/**
 * The Okta user, if it is exactly the one asked for: Okta resolves ids and login short names too, so the
 * profile login (or, for email-like input, the profile email) must equal the input ignoring case.
 */
export function toIdpUser(user: unknown, requested: string): IdpUser | null {
  const u = obj(user);
  const profile = obj(u.profile);
  const id = str(u.id);
  const login = str(profile.login);
  const status = str(u.status);
  if (id === undefined || login === undefined || status === undefined) return null;
  const wanted = requested.toLowerCase();
  const email = str(profile.email);
  const matches = login.toLowerCase() === wanted || (requested.includes('@') && email?.toLowerCase() === wanted);
  if (!matches) return null;
  return { id, login, status, passwordChanged: isoOrNull(u.passwordChanged), email: email !== undefined && email.includes('@') ? email : null };
}

/** Okta factorType + provider → the recovery method it serves (null for factors the portal does not use). */
export function factorMethod(factorType: string | undefined, provider: string | undefined): RecoveryMethod | null {
  switch (factorType) {
    case 'sms':
      return 'sms';
    case 'call':
      return 'call';
    case 'email':
      return provider === 'OKTA' ? 'email' : null;
    case 'push':
      return 'push';
    case 'token:software:totp':
      if (provider === 'GOOGLE') return 'google-authenticator';
      if (provider === 'OKTA') return 'okta-verify-code';
      return null;
    default:
      return null;
  }
}

export function toIdpFactor(factor: unknown): IdpFactor | null {
  const f = obj(factor);
  const id = str(f.id);
  if (id === undefined) return null;
  const method = factorMethod(str(f.factorType), str(f.provider));
  const out: IdpFactor = { id, method, status: str(f.status) ?? 'UNKNOWN' };
  const phone = str(obj(f.profile).phoneNumber);
  if ((method === 'sms' || method === 'call') && phone !== undefined) out.phoneNumber = phone;
  const email = str(obj(f.profile).email);
  if (method === 'email' && email !== undefined) out.email = email;
  return out;
}

/** An Okta Group (id, profile.name); null when either is missing, so a malformed entry matches no rule. */
export function toIdpGroup(group: unknown): IdpGroup | null {
  const g = obj(group);
  const id = str(g.id);
  const name = str(obj(g.profile).name);
  if (id === undefined || name === undefined) return null;
  return { id, name };
}

const TRANSACTION_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** The transaction id: last segment of `_links.poll.href`, which must be a `.../transactions/<id>` path. */
export function transactionIdFromPollHref(href: unknown): string | null {
  if (typeof href !== 'string') return null;
  let path: string;
  try {
    path = new URL(href).pathname;
  } catch {
    return null;
  }
  const segments = path.split('/');
  const last = segments.at(-1);
  if (segments.at(-2) !== 'transactions' || last === undefined) return null;
  let id: string;
  try {
    id = decodeURIComponent(last);
  } catch {
    return null;
  }
  return TRANSACTION_ID.test(id) && id !== '.' && id !== '..' ? id : null;
}

/** The number to show for number matching, if Okta sent one. */
export function correctAnswerOf(response: unknown): number | null {
  const answer = obj(obj(obj(response)._embedded).challenge).correctAnswer;
  return typeof answer === 'number' && Number.isInteger(answer) && answer >= 0 && answer < 1000 ? answer : null;
}

export function pollHrefOf(response: unknown): unknown {
  return obj(obj(obj(response)._links).poll).href;
}

export function epochMsOf(v: unknown): number | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.getTime();
  if (typeof v === 'string') {
    const t = Date.parse(v);
    return Number.isNaN(t) ? null : t;
  }
  return null;
}

/** factorResult of a push transaction → PushResult; anything unexpected counts as rejected. */
export function toPushResult(factorResult: unknown): PushResult {
  switch (factorResult) {
    case 'WAITING':
      return 'waiting';
    case 'SUCCESS':
      return 'approved';
    case 'TIMEOUT':
      return 'timeout';
    default:
      return 'rejected';
  }
}
