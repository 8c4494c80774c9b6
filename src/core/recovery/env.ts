/**
 * What every step gets: the injected ports plus the core's own helpers (flow repo, limiter, timing equalizer),
 * and the audit note a step fills in so the service can write one audit event per call.
 */
import type { Limiter } from '../limits.js';
import type {
  AuditOutcome,
  AuditSink,
  Clock,
  IdentityProvider,
  Notifier,
  Random,
  RecoveryMethod,
  RequestContext,
  Store,
} from '../ports.js';
import type { TimingEqualizer } from '../timing.js';
import type { FlowRecord, FlowRepo } from './flow.js';
import type { RecoveryPolicy } from './policy.js';

export interface RecoveryDeps {
  idp: IdentityProvider;
  store: Store;
  clock: Clock;
  random: Random;
  audit: AuditSink;
  notifier: Notifier;
  policy: RecoveryPolicy;
}

export interface StepEnv extends RecoveryDeps {
  flows: FlowRepo;
  limiter: Limiter;
  timing: TimingEqualizer;
}

/** Filled in by a step as it learns things; never holds a secret. */
export interface AuditNote {
  login: string | null;
  userId: string | null;
  method: RecoveryMethod | null;
  detail?: string;
  /** Skip the audit event when the call changed nothing (status polls). Errors are always audited. */
  quiet?: boolean;
  /** Overrides the outcome of a call that succeeded (e.g. a status call that saw a rejected push: 'denied'). */
  outcome?: AuditOutcome;
}

export function noteFlow(note: AuditNote, flow: FlowRecord): void {
  note.login = flow.login;
  note.userId = flow.userId;
  note.method = flow.method;
  if (flow.userId === null) note.detail = appendDetail(note.detail, 'decoy flow');
}

export function appendDetail(detail: string | undefined, more: string): string {
  return detail ? `${detail}; ${more}` : more;
}

/** The per-login and per-IP budget shared by start, challenge and verify (RL-3). */
export async function countAttempt(env: StepEnv, loginKey: string, ctx: RequestContext): Promise<void> {
  await env.limiter.hit('ip', ctx.ip, env.policy.limits.perIp);
  await env.limiter.hit('login', loginKey, env.policy.limits.perLogin);
}
