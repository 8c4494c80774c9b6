/**
 * What every step gets: the injected ports plus the core's own helpers (flow repo, limiter, timing equalizer),
 * and the audit note a step fills in so the service can write one audit event per call.
 */
import type { BreachCheck } from '../breach.js';
import type { LimitHit, Limiter } from '../limits.js';
import { appendDetail, type AuditNote } from '../audited.js';
import type {
  AuditSink,
  Clock,
  IdentityProvider,
  Notifier,
  PortalSessions,
  Random,
  RequestContext,
  SendObserver,
  SecurityNotice,
  Store,
} from '../ports.js';
import type { PasswordRules } from '../password-rules.js';
import type { StrengthCheck } from '../strength.js';
import type { TimingEqualizer } from '../timing.js';
import type { FlowRecord, FlowRepo } from './flow.js';
import type { RecoveryPolicy } from './policy.js';

// The audit note and its helper live with the envelope (../audited.ts); re-exported for the steps.
export type { AuditNote } from '../audited.js';
export { appendDetail } from '../audited.js';

export interface RecoveryDeps {
  idp: IdentityProvider;
  store: Store;
  clock: Clock;
  random: Random;
  audit: AuditSink;
  notifier: Notifier;
  policy: RecoveryPolicy;
  /** The breached-password check before a password is written (absent: off). */
  breach?: BreachCheck;
  /** The strength estimate before a password is written (absent: off). */
  strength?: StrengthCheck;
  /** The org's password rules (cached; absent or null: unknown, Okta's default rules are assumed to name a broken one). */
  passwordRules?: () => Promise<PasswordRules | null>;
  /** The portal's sign-in sessions: a completed reset ends the user's earlier ones (absent: no sign-in). */
  sessions?: PortalSessions;
  /** Told about each SMS, call and push the IdP accepted (metrics; absent: nobody is told). */
  sends?: SendObserver;
}

export interface StepEnv extends RecoveryDeps {
  flows: FlowRepo;
  limiter: Limiter;
  timing: TimingEqualizer;
}

/**
 * Tells the user what happened (issue 14, item 4): the notifier queues and returns; a failure is audited, never
 * thrown, so the user's flow never fails or waits on mail.
 */
export async function notifyUser(env: StepEnv, notice: SecurityNotice, note: AuditNote): Promise<void> {
  try {
    await env.notifier.notify(notice);
  } catch {
    note.detail = appendDetail(note.detail, 'notification FAILED');
  }
}

export function noteFlow(note: AuditNote, flow: FlowRecord): void {
  note.login = flow.login;
  note.userId = flow.userId;
  note.method = flow.method;
  if (flow.userId === null) note.detail = appendDetail(note.detail, 'decoy flow');
}

/** The per-IP then per-login budget shared by start, challenge and verify (RL-3). */
export function attemptLimits(env: StepEnv, loginKey: string, ctx: RequestContext): LimitHit[] {
  return [
    { bucket: 'ip', subject: ctx.ip, w: env.policy.limits.perIp },
    { bucket: 'login', subject: loginKey, w: env.policy.limits.perLogin },
  ];
}

/** Counts the attempt against the per-IP and per-login budgets (one store round trip). */
export async function countAttempt(env: StepEnv, loginKey: string, ctx: RequestContext): Promise<void> {
  await env.limiter.hitEach(attemptLimits(env, loginKey, ctx));
}
