/**
 * The envelope shared by the recovery and the account services: one audit event per call, its outcome taken
 * from the step's note or, on an error, from the error's code.
 * Rules:
 * - The step fills in an AuditNote (login, userId, method, a secret-free detail); the envelope writes the event
 *   `<area>.<action>` with the request's ip and requestId once the call has settled.
 * - A call that succeeded and marked itself quiet (a status poll that changed nothing) writes no event; an error
 *   is always audited: a PortalError by the service's outcome table ('failure' when not listed) with
 *   `code=<CODE>` in the detail, anything else as 'error' with only its class name.
 * - The error is rethrown unchanged; a failing audit sink never breaks the call (the adapter reports it).
 */
import { isPortalError, type ErrorCode } from './errors.js';
import type { AuditOutcome, AuditSink, Clock, RecoveryMethod, RequestContext } from './ports.js';

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

export function appendDetail(detail: string | undefined, more: string): string {
  return detail ? `${detail}; ${more}` : more;
}

/** The audit outcome of the error codes every flow can meet; a service spreads its own codes over it. */
export const COMMON_OUTCOMES: Readonly<Partial<Record<ErrorCode, AuditOutcome>>> = {
  RATE_LIMITED: 'rate_limited',
  RESEND_TOO_SOON: 'rate_limited',
  TOO_MANY_ATTEMPTS: 'rate_limited',
  WRONG_STEP: 'denied',
  FLOW_EXPIRED: 'denied',
  FACTOR_LOCKED: 'denied',
  IDP_UNAVAILABLE: 'error',
  INTERNAL: 'error',
};

export interface AuditEnvelope {
  audit: AuditSink;
  clock: Clock;
  /** The action's prefix: 'recovery' gives `recovery.verify`. */
  area: string;
  outcomes: Readonly<Partial<Record<ErrorCode, AuditOutcome>>>;
}

export type Audited = <T>(
  action: string,
  ctx: RequestContext,
  note: AuditNote,
  fn: (note: AuditNote) => Promise<T>,
) => Promise<T>;

/** Returns the envelope: `audited(action, ctx, initialNote, fn)` runs fn and writes the call's audit event. */
export function createAudited(env: AuditEnvelope): Audited {
  return async function audited<T>(
    action: string,
    ctx: RequestContext,
    note: AuditNote,
    fn: (note: AuditNote) => Promise<T>,
  ): Promise<T> {
    let outcome: AuditOutcome = 'success';
    try {
      const result = await fn(note);
      outcome = note.outcome ?? 'success';
      return result;
    } catch (e) {
      note.quiet = false;
      if (isPortalError(e)) {
        outcome = env.outcomes[e.code] ?? 'failure';
        note.detail = appendDetail(note.detail, `code=${e.code}${e.detail ? ` (${e.detail})` : ''}`);
      } else {
        outcome = 'error';
        note.detail = appendDetail(note.detail, `unexpected ${e instanceof Error ? e.name : typeof e}`);
      }
      throw e;
    } finally {
      if (!note.quiet) {
        try {
          await env.audit.record({
            at: env.clock.now(),
            action: `${env.area}.${action}`,
            outcome,
            login: note.login,
            userId: note.userId,
            method: note.method,
            ip: ctx.ip,
            requestId: ctx.requestId,
            ...(note.detail === undefined ? {} : { detail: note.detail }),
          });
        } catch {
          // The audit adapter reports its own failures; a broken sink must not break the call.
        }
      }
    }
  };
}
