/**
 * "This wasn't me" (issue 14, item 4): the link each notification carries, and what following it does.
 * Rules:
 * - A link token is `<nonce>.<expiry>.<mac>`: 16 random bytes (Random port), the expiry in epoch seconds (base 36)
 *   and HMAC-SHA256 over both under the report key (derived from the cookie secret, or the operator's own). Only the
 *   nonce's sha256 is stored, under `report:<sha256(nonce)>`, with what happened (user, login, event, when, from
 *   where), expiring with the link.
 * - A token that is malformed, whose MAC does not match (tampered, or another key), whose expiry has passed, or
 *   whose record is gone (already used, expired in the store) is refused with REPORT_LINK_INVALID, one answer for
 *   all of them (nothing to probe). The MAC is checked before any store read, so forged links cost nothing.
 * - `check` reads (GET: the confirmation page, no state change); `confirm` takes the record atomically (POST): of
 *   two concurrent confirmations exactly one acts, the other is refused (single use).
 * - Confirming records an audit event (`report.confirm`), ends the user's IdP sessions and every portal session,
 *   suspends the user when the policy says so, and alerts the security address; each of those failing is audited
 *   and does not stop the others (the report itself stands once the record is taken).
 */
import { hmacSha256, randomToken, safeEqual, sha256 } from './crypto.js';
import { PortalError } from './errors.js';
import type { AuditSink, Clock, IdentityProvider, PortalSessions, Random, RequestContext, SecurityEventKind, SecurityNotice, Store } from './ports.js';

export interface ReportPolicy {
  /** How long a link stays valid. */
  ttlSeconds: number;
  /** Suspend the user (Okta lifecycle/suspend) when they report. */
  suspendUser: boolean;
}

/** What the security team is told when a user reports an event. */
export interface SecurityAlert {
  userId: string;
  login: string;
  event: SecurityEventKind;
  eventAt: number;
  eventIp: string;
  eventUserAgent: string;
  reportedAt: number;
  reportIp: string;
  reportUserAgent: string;
  suspended: boolean;
  sessionsEnded: boolean;
}

export interface ReportDeps {
  idp: Pick<IdentityProvider, 'revokeSessions' | 'suspendUser'>;
  store: Store;
  clock: Clock;
  random: Random;
  audit: AuditSink;
  /** The HMAC key of the links (at least 32 bytes of secret). */
  key: string;
  policy: ReportPolicy;
  sessions?: PortalSessions;
  /** Tells the security address (queued by the mail adapter; absent or failing: audited only). */
  alert?: (alert: SecurityAlert) => Promise<void> | void;
  /** Counts confirmed reports (the metric). */
  onReport?: (outcome: 'confirmed' | 'refused') => void;
}

/** What the confirmation page shows about the reported event. */
export interface ReportTicket {
  kind: SecurityEventKind;
  at: number;
  ip: string;
  userAgent: string;
}

interface StoredReport extends ReportTicket {
  userId: string;
  login: string;
}

export interface ReportService {
  /** A new link token for `notice` (stored; valid for the policy's ttl). */
  issue(notice: SecurityNotice): Promise<string>;
  /** The event behind a valid, unused token, without using it (REPORT_LINK_INVALID otherwise). */
  check(token: unknown): Promise<ReportTicket>;
  /** Uses the token: ends sessions, maybe suspends, alerts. REPORT_LINK_INVALID when not valid or already used. */
  confirm(token: unknown, ctx: RequestContext): Promise<{ suspended: boolean }>;
}

const NONCE_BYTES = 16;
const TOKEN_RE = /^([A-Za-z0-9_-]{22})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/;
const MAX_TOKEN_LENGTH = 100;

const reportKey = (nonce: string): string => `report:${sha256(nonce)}`;
const macOf = (key: string, nonce: string, exp: string): string => hmacSha256(key, `report.v1.${nonce}.${exp}`);

function invalid(detail: string): PortalError {
  return new PortalError('REPORT_LINK_INVALID', { detail });
}

export function createReportService(deps: ReportDeps): ReportService {
  if (deps.key.length < 32) throw new Error('the report link key must be at least 32 characters');

  /** The nonce of a well-formed, authentic, unexpired token. */
  function verify(token: unknown): string {
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH) throw invalid('malformed');
    const m = TOKEN_RE.exec(token);
    if (!m) throw invalid('malformed');
    const [, nonce, exp, mac] = m as unknown as [string, string, string, string];
    if (!safeEqual(macOf(deps.key, nonce, exp), mac)) throw invalid('bad signature');
    if (parseInt(exp, 36) * 1000 <= deps.clock.now()) throw invalid('expired');
    return nonce;
  }

  async function audit(outcome: 'success' | 'denied', ctx: RequestContext, who: { userId: string | null; login: string | null }, detail: string) {
    try {
      await deps.audit.record({ at: deps.clock.now(), action: 'report.confirm', outcome, login: who.login, userId: who.userId, method: null, ip: ctx.ip, requestId: ctx.requestId, detail });
    } catch {
      // the audit sink reports its own failures
    }
  }

  return {
    async issue(notice) {
      const nonce = randomToken(deps.random, NONCE_BYTES);
      const expMs = notice.at + deps.policy.ttlSeconds * 1000;
      const exp = Math.floor(expMs / 1000).toString(36);
      const record: StoredReport = {
        userId: notice.userId,
        login: notice.login,
        kind: notice.kind,
        at: notice.at,
        ip: notice.ctx.ip,
        userAgent: notice.ctx.userAgent.slice(0, 200),
      };
      await deps.store.set(reportKey(nonce), record, Math.max(1, expMs - deps.clock.now()));
      return `${nonce}.${exp}.${macOf(deps.key, nonce, exp)}`;
    },

    async check(token) {
      const nonce = verify(token);
      const r = await deps.store.get<StoredReport>(reportKey(nonce));
      if (!r) throw invalid('unknown or already used');
      return { kind: r.kind, at: r.at, ip: r.ip, userAgent: r.userAgent };
    },

    async confirm(token, ctx) {
      let nonce: string;
      try {
        nonce = verify(token);
      } catch (e) {
        deps.onReport?.('refused');
        await audit('denied', ctx, { userId: null, login: null }, (e as PortalError).detail ?? 'invalid');
        throw e;
      }
      const r = await deps.store.take<StoredReport>(reportKey(nonce));
      if (!r) {
        deps.onReport?.('refused');
        await audit('denied', ctx, { userId: null, login: null }, 'unknown or already used');
        throw invalid('unknown or already used');
      }
      const done: string[] = [`reported ${r.kind} of ${new Date(r.at).toISOString()} from ${r.ip}`];
      let sessionsEnded = true;
      try {
        await deps.idp.revokeSessions(r.userId);
        done.push('IdP sessions ended');
      } catch {
        sessionsEnded = false;
        done.push('ending IdP sessions FAILED');
      }
      if (deps.sessions) {
        try {
          await deps.sessions.endUserSessions(r.userId, null);
          done.push('portal sessions ended');
        } catch {
          sessionsEnded = false;
          done.push('ending portal sessions FAILED');
        }
      }
      let suspended = false;
      if (deps.policy.suspendUser) {
        try {
          await deps.idp.suspendUser(r.userId);
          suspended = true;
          done.push('user suspended');
        } catch {
          done.push('suspending the user FAILED');
        }
      }
      if (deps.alert) {
        try {
          await deps.alert({
            userId: r.userId,
            login: r.login,
            event: r.kind,
            eventAt: r.at,
            eventIp: r.ip,
            eventUserAgent: r.userAgent,
            reportedAt: deps.clock.now(),
            reportIp: ctx.ip,
            reportUserAgent: ctx.userAgent.slice(0, 200),
            suspended,
            sessionsEnded,
          });
          done.push('security team alerted');
        } catch {
          done.push('alerting the security team FAILED');
        }
      }
      deps.onReport?.('confirmed');
      await audit('success', ctx, r, done.join('; '));
      return { suspended };
    },
  };
}
