/**
 * What every account step gets: the injected ports, the record repository, the limiter, and the audit note the
 * step fills in (shared with recovery, see ../audited.ts: one audit event per call, never a secret).
 */
import type { BreachCheck } from '../breach.js';
import type { Limiter } from '../limits.js';
import type {
  AccountIdentityProvider,
  AuditSink,
  Clock,
  Notifier,
  PortalSessions,
  Random,
  RecoveryMethod,
  RequestContext,
  SendObserver,
  SecurityEventKind,
  Store,
} from '../ports.js';
import type { AccountContext } from './api.js';
import type { AccountPolicy } from './policy.js';
import type { AccountRepo } from './record.js';

import { appendDetail, type AuditNote } from '../audited.js';

export type { AuditNote };
export { appendDetail };

export interface AccountDeps {
  idp: AccountIdentityProvider;
  store: Store;
  clock: Clock;
  random: Random;
  audit: AuditSink;
  policy: AccountPolicy;
  /** The breached-password check before the password change is sent (absent: off). */
  breach?: BreachCheck;
  /** The portal's sign-in sessions: a password change ends the user's other ones. */
  sessions?: PortalSessions;
  /** Told about each SMS, call and push the IdP accepted (metrics; absent: nobody is told). */
  sends?: SendObserver;
  /** Tells the user of a password change and of a factor added or removed (absent: nobody is told). */
  notifier?: Notifier;
}

export interface AccountEnv extends AccountDeps {
  records: AccountRepo;
  limiter: Limiter;
}

/**
 * The per-user and per-IP budget of the account's attempts (step-up start and verify, enrolment start and
 * activation, password change). Keyed `acct:<userId>` / `acct:<ip>` so that recovery traffic for the same login
 * (unauthenticated, anyone can cause it) cannot spend the signed-in user's budget.
 */
export async function countAttempt(env: AccountEnv, a: AccountContext, ctx: RequestContext = a.ctx): Promise<void> {
  await env.limiter.hitEach([
    { bucket: 'ip', subject: `acct:${ctx.ip}`, w: env.policy.limits.perIp },
    { bucket: 'login', subject: `acct:${a.userId}`, w: env.policy.limits.perLogin },
  ]);
}

/** Whole seconds until `at` (0 when past). */
export function secondsUntil(env: AccountEnv, at: number | null): number {
  return at === null ? 0 : Math.max(0, Math.ceil((at - env.clock.now()) / 1000));
}

/** Tells the user what just happened to their account (queued by the notifier; a failure is audited, never thrown). */
export async function notifyUser(
  env: AccountEnv,
  a: AccountContext,
  kind: SecurityEventKind,
  note: AuditNote,
  method: RecoveryMethod | null = null,
): Promise<void> {
  if (!env.notifier) return;
  try {
    await env.notifier.notify({ kind, userId: a.userId, login: a.login, email: a.email ?? null, at: env.clock.now(), ctx: a.ctx, method });
  } catch {
    note.detail = appendDetail(note.detail, 'notification FAILED');
  }
}
