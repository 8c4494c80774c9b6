/**
 * Maps whatever an Okta call throws (http.ts errors, our deadline) to a PortalError.
 * Rules (Okta error codes: shared/docs/okta-api.md §2.1 and security checklist Appendix C):
 * - E0000068 / E0000082 / E0000083 → INVALID_CODE; E0000069 → FACTOR_LOCKED.
 * - E0000109 / E0000133 / E0000118, and E0000047 on a challenge → RESEND_TOO_SOON (retryAfterSeconds).
 * - Any other 429, and the 403 per-number SMS/voice caps E0000150 / E0000151 → RATE_LIMITED (retryAfterSeconds
 *   from X-Rate-Limit-Reset minus Date).
 * - E0000001 / E0000080 / E0000014 on setPassword → PASSWORD_POLICY with errorCauses[].errorSummary (array or object)
 *   and their reasons (policyReasons: history, minimum age, requirements, other).
 * - changePassword: E0000014 / E0000001 whose causes say the old password is wrong → WRONG_CURRENT_PASSWORD (no
 *   causes shown); other E0000001 / E0000080 / E0000014 → PASSWORD_POLICY with causes.
 * - enrollFactor: E0000098, or E0000001 whose causes are about the phone number → INVALID_PHONE_NUMBER; other
 *   E0000001 (a factor of this type is already set up) → FACTOR_EXISTS.
 * - 404 on the account's factor calls (getFactor, activate, resend, unenroll) → NOT_FOUND (removed meanwhile).
 * - Everything else (timeouts, network errors, 5xx, non-JSON bodies, auth or permission problems) → IDP_UNAVAILABLE.
 *   In OAuth service-app mode the detail tells the operator what to fix: a missing scope (403 E0000006 whose
 *   WWW-Authenticate says insufficient_scope), scopes the app is not granted (invalid_scope from the token
 *   endpoint), a refused client assertion (invalid_client) or an app that requires DPoP.
 * `detail` names the operation, HTTP status and Okta code only (plus okta.* scope names and which setting to check):
 * never a URL query, header value, token or other body text, and the original error is not attached as `cause`.
 */
import { PortalError } from '../core/errors.js';
import type { PasswordReason } from '../core/password-rules.js';
import { OktaApiError, OktaTransportError } from './http.js';

export type OktaOp =
  | 'getUser'
  | 'listUsers'
  | 'listFactors'
  | 'listGroups'
  | 'sendChallenge'
  | 'verifyPasscode'
  | 'startPush'
  | 'pollPush'
  | 'cancelPush'
  | 'listPasswordPolicies'
  | 'setPassword'
  | 'unlockUser'
  | 'revokeSessions'
  | 'suspendUser'
  // account (signed-in self-service, account.ts)
  | 'getFactor'
  | 'enrollFactor'
  | 'activateFactor'
  | 'resendEnrollment'
  | 'unenrollFactor'
  | 'fetchQrCode'
  | 'changePassword';

/** The parts of an Okta error response we use. */
export interface OktaFailure {
  status: number;
  errorCode: string | undefined;
  errorSummary: string | undefined;
  errorCauses: unknown;
  headers: unknown;
}

const INVALID_CODE = new Set(['E0000068', 'E0000082', 'E0000083']);
const RESEND = new Set(['E0000109', 'E0000133', 'E0000118']);
const PER_NUMBER_CAP = new Set(['E0000150', 'E0000151']);
const PASSWORD_POLICY = new Set(['E0000001', 'E0000080', 'E0000014']);
/** Codes whose summary is itself a useful policy cause when errorCauses is empty. */
const SUMMARY_IS_CAUSE = new Set(['E0000080', 'E0000014']);

const DEFAULT_RESEND_SECONDS = 30;
const DEFAULT_RATE_LIMIT_SECONDS = 60;
const MAX_RETRY_AFTER_SECONDS = 3600;

/** The Okta error answer an operation failed with, or null when it failed without one (network, deadline ...). */
export function readOktaFailure(err: unknown): OktaFailure | null {
  if (!(err instanceof OktaApiError)) return null;
  return { status: err.status, errorCode: err.errorCode, errorSummary: err.errorSummary, errorCauses: err.errorCauses, headers: err.headers };
}

/** errorCauses[].errorSummary as safe display strings; accepts an array, a single object or garbage. */
export function parseCauses(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : raw !== null && typeof raw === 'object' ? [raw] : [];
  const out: string[] = [];
  for (const item of list) {
    const summary = (item as { errorSummary?: unknown } | null)?.errorSummary;
    if (typeof summary !== 'string') continue;
    // eslint-disable-next-line no-control-regex
    const clean = summary.replace(/[\x00-\x1f\x7f]+/g, ' ').trim().slice(0, 300);
    if (clean !== '' && !out.includes(clean)) out.push(clean);
    if (out.length >= 10) break;
  }
  return out;
}

/**
 * Okta's known password-policy causes (English sentences; only errorCode is a stable contract, so an unknown sentence
 * is 'other' and the page says it in general terms). "Password requirements were not met" lists every rule of the
 * policy, not the broken one: it is 'requirements', and the core finds the broken rule.
 */
const CAUSE_REASONS: readonly [RegExp, PasswordReason][] = [
  // First: this sentence goes on to list every rule, history included ("cannot be any of your last 4 passwords").
  [/requirements were not met|cannot be blank|does not meet/i, 'requirements'],
  [/used too recently|cannot be (?:any of )?your last|password history/i, 'history'],
  [/changed too recently|minimum (?:password )?age/i, 'min-age'],
  [/password requirements/i, 'requirements'],
];

/** The reasons behind Okta's policy causes, each once, in the causes' order ('other' for an unknown sentence). */
export function policyReasons(causes: readonly string[]): PasswordReason[] {
  const out: PasswordReason[] = [];
  for (const c of causes) {
    const reason = CAUSE_REASONS.find(([re]) => re.test(c))?.[1] ?? 'other';
    if (!out.includes(reason)) out.push(reason);
  }
  return out.length > 0 ? out : ['requirements'];
}

/** A response header (Node's lower-case record; repeated headers arrive joined as "a, b"). */
export function header(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const v = (headers as Record<string, unknown>)[name.toLowerCase()];
  return typeof v === 'string' ? v : undefined;
}

/** Seconds until X-Rate-Limit-Reset (epoch seconds), measured against the response's Date header (or now). */
export function retryAfterFromHeaders(headers: unknown, nowMs: number): number | undefined {
  const reset = header(headers, 'x-rate-limit-reset');
  if (reset === undefined || !/^\d{1,12}$/.test(reset.trim())) return undefined; // absent or duplicated ("a, b")
  const dateHeader = header(headers, 'date');
  const dateMs = dateHeader === undefined ? NaN : Date.parse(dateHeader);
  const base = Number.isFinite(dateMs) ? dateMs : nowMs;
  const seconds = Math.ceil((Number(reset) * 1000 - base) / 1000);
  return Math.min(Math.max(seconds, 1), MAX_RETRY_AFTER_SECONDS);
}

function resendSeconds(f: OktaFailure, nowMs: number): number {
  // Okta's summary says "Please wait 30 seconds"; the rate-limit headers describe the API bucket, not the
  // phone's resend window, so they are only a fallback.
  const m = /wait (\d{1,3}) seconds?/i.exec(f.errorSummary ?? '');
  if (m) return Math.max(1, Number(m[1]));
  return retryAfterFromHeaders(f.headers, nowMs) ?? DEFAULT_RESEND_SECONDS;
}

function describe(op: OktaOp, f: OktaFailure): string {
  return `okta ${op}: HTTP ${f.status}${f.errorCode === undefined ? '' : ` ${f.errorCode}`}`;
}

/** Maps an Okta error response (already read) for operation `op`. */
export function mapOktaFailure(op: OktaOp, f: OktaFailure, nowMs: number): PortalError {
  const code = f.errorCode ?? '';
  const detail = describe(op, f);
  if (INVALID_CODE.has(code)) return new PortalError('INVALID_CODE', { detail });
  if (code === 'E0000069') return new PortalError('FACTOR_LOCKED', { detail });
  if (RESEND.has(code) || (code === 'E0000047' && op === 'sendChallenge')) {
    return new PortalError('RESEND_TOO_SOON', { detail, retryAfterSeconds: resendSeconds(f, nowMs) });
  }
  if (f.status === 429 || PER_NUMBER_CAP.has(code)) {
    const retryAfterSeconds = retryAfterFromHeaders(f.headers, nowMs) ?? DEFAULT_RATE_LIMIT_SECONDS;
    return new PortalError('RATE_LIMITED', { detail, retryAfterSeconds });
  }
  const account = mapAccountFailure(op, f, detail);
  if (account !== null) return account;
  if (op === 'setPassword' && PASSWORD_POLICY.has(code)) {
    let causes = parseCauses(f.errorCauses);
    if (causes.length === 0 && SUMMARY_IS_CAUSE.has(code)) causes = parseCauses([{ errorSummary: f.errorSummary }]);
    return new PortalError('PASSWORD_POLICY', { detail, causes, reasons: policyReasons(causes) });
  }
  const oauth = oauthHint(f);
  if (oauth !== null) return new PortalError('IDP_UNAVAILABLE', { detail: `${detail}: ${oauth}` });
  if (f.status === 401 || f.status === 403) {
    return new PortalError('IDP_UNAVAILABLE', { detail: `${detail} (check the API token or OAuth app and its admin role / scopes)` });
  }
  return new PortalError('IDP_UNAVAILABLE', { detail });
}

/** Okta API scope names in a text (only these are ever copied into a detail). */
function scopeNames(text: string | undefined): string[] {
  return [...new Set((text ?? '').match(/\bokta\.[A-Za-z]+(?:\.[A-Za-z]+)*/g) ?? [])].slice(0, 5);
}

/** What an operator must fix when Okta refuses the OAuth service app, or null for any other failure. */
function oauthHint(f: OktaFailure): string | null {
  const code = f.errorCode ?? '';
  if (f.status === 403 && /error="insufficient_scope"/.test(header(f.headers, 'www-authenticate') ?? '')) {
    const m = /\bscope="([^"]*)"/.exec(header(f.headers, 'www-authenticate') ?? '');
    const missing = scopeNames(m?.[1]);
    const what = missing.length > 0 ? `the scope ${missing.join(' ')}` : 'a scope this call needs';
    return `the OAuth service app's token lacks ${what} (grant it to the app in Okta and add it to OKTA_SCOPES)`;
  }
  if (code === 'invalid_scope') {
    const refused = scopeNames(f.errorSummary);
    const what = refused.length > 0 ? ` (${refused.join(' ')})` : '';
    return `Okta refused the scopes in OKTA_SCOPES${what}: grant each of them to the service app in Okta, or remove it from OKTA_SCOPES`;
  }
  if (code === 'invalid_client') {
    return 'Okta refused the service app\'s client assertion: check OKTA_CLIENT_ID, OKTA_KEY_ID and that the public key of OKTA_PRIVATE_KEY_FILE is registered on the app';
  }
  if (code === 'invalid_dpop_proof' || code === 'use_dpop_nonce' || code === 'dpop_not_supported') {
    return 'the service app requires DPoP-bound tokens, which the portal does not use: turn off "Require DPoP" for the app in Okta';
  }
  return null;
}

const OLD_PASSWORD_WRONG = /old ?password|oldPassword|current password|credentials provided were incorrect/i;
const PHONE_CAUSE = /phone/i;
const FACTOR_OPS: ReadonlySet<OktaOp> = new Set(['getFactor', 'activateFactor', 'resendEnrollment', 'unenrollFactor']);

/** The account operations' own mappings (see the header), or null to fall through to the common rules. */
function mapAccountFailure(op: OktaOp, f: OktaFailure, detail: string): PortalError | null {
  const code = f.errorCode ?? '';
  if (op === 'changePassword' && PASSWORD_POLICY.has(code)) {
    const causes = parseCauses(f.errorCauses);
    if ((code === 'E0000014' || code === 'E0000001') && causes.some((c) => OLD_PASSWORD_WRONG.test(c))) {
      return new PortalError('WRONG_CURRENT_PASSWORD', { detail });
    }
    const shown = causes.length === 0 && SUMMARY_IS_CAUSE.has(code) ? parseCauses([{ errorSummary: f.errorSummary }]) : causes;
    return new PortalError('PASSWORD_POLICY', { detail, causes: shown, reasons: policyReasons(shown) });
  }
  if (op === 'enrollFactor') {
    if (code === 'E0000098') return new PortalError('INVALID_PHONE_NUMBER', { detail });
    if (code === 'E0000001') {
      const phone = parseCauses(f.errorCauses).some((c) => PHONE_CAUSE.test(c));
      return new PortalError(phone ? 'INVALID_PHONE_NUMBER' : 'FACTOR_EXISTS', { detail });
    }
  }
  if (FACTOR_OPS.has(op) && f.status === 404) return new PortalError('NOT_FOUND', { detail });
  return null;
}

/** Strips query strings and fragments from any URL in a text (Okta search expressions carry logins). */
export function scrubUrls(text: string): string {
  return text.replace(/(https?:\/\/[^\s?#]*)[?#]\S*/gi, '$1?…');
}

/** Maps anything thrown during an Okta call: Okta's error answers, transport failures, our own deadline. */
export function toPortalError(op: OktaOp, err: unknown, nowMs: number): PortalError {
  if (err instanceof PortalError) return err;
  const failure = readOktaFailure(err);
  if (failure !== null) return mapOktaFailure(op, failure, nowMs);
  if (err instanceof OktaTransportError) {
    const what =
      err.kind === 'aborted'
        ? 'timed out'
        : err.kind === 'network'
          ? `network error ${err.code ?? ''}`.trim()
          : err.kind === 'too-large'
            ? 'answer too large'
            : err.kind === 'invalid-request'
              ? `request not sent: ${err.code ?? 'invalid'}`
              : `unreadable answer${err.code === undefined ? '' : ` (${err.code})`}`;
    return new PortalError('IDP_UNAVAILABLE', { detail: `okta ${op}: ${what}`.slice(0, 200) });
  }
  const e = (err ?? {}) as { name?: unknown; message?: unknown };
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' ? scrubUrls(e.message.split('\n')[0] ?? '').slice(0, 160) : '';
  return new PortalError('IDP_UNAVAILABLE', { detail: `okta ${op}: ${name}${message === '' ? '' : `: ${message}`}` });
}
