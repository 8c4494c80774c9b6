/**
 * createRecoveryService: wires the steps to the ports and gives every call the same envelope.
 * Rules:
 * - Calls on one flow are serialised in this process (KeyedMutex); cross-instance safety rests on the store's
 *   atomic increment/take (wrong-code cap, ott single use).
 * - Every call writes one audit event (action recovery.<step>, outcome, login, userId, method, ip, requestId,
 *   a secret-free detail) — except status polls that changed nothing. Audit sink failures never break a flow.
 * - Errors are PortalErrors from the steps or the IdP, passed through unchanged.
 */
import { PortalError, isPortalError, type ErrorCode } from '../errors.js';
import { Limiter } from '../limits.js';
import { KeyedMutex } from '../mutex.js';
import type { AuditOutcome, RequestContext } from '../ports.js';
import { TimingEqualizer, type TimingOptions } from '../timing.js';
import type { RecoveryService } from './api.js';
import { appendDetail, type AuditNote, type RecoveryDeps, type StepEnv } from './env.js';
import { FlowRepo, type FlowRecord } from './flow.js';
import { cancel } from './steps/cancel.js';
import { challenge } from './steps/challenge.js';
import { setPassword } from './steps/set-password.js';
import { start } from './steps/start.js';
import { status } from './steps/status.js';
import { verify } from './steps/verify.js';

export interface RecoveryServiceOptions {
  /** Tuning of the decoy padding (RST-2); defaults suit a real Okta org. */
  timing?: TimingOptions;
}

const OUTCOME_BY_CODE: Partial<Record<ErrorCode, AuditOutcome>> = {
  RATE_LIMITED: 'rate_limited',
  RESEND_TOO_SOON: 'rate_limited',
  TOO_MANY_ATTEMPTS: 'rate_limited',
  WRONG_STEP: 'denied',
  FLOW_EXPIRED: 'denied',
  INVALID_OTT: 'denied',
  FACTOR_LOCKED: 'denied',
  CSRF: 'denied',
  IDP_UNAVAILABLE: 'error',
  INTERNAL: 'error',
};

export function createRecoveryService(deps: RecoveryDeps, opts: RecoveryServiceOptions = {}): RecoveryService {
  const env: StepEnv = {
    ...deps,
    flows: new FlowRepo(deps.store, deps.clock),
    limiter: new Limiter(deps.store, deps.clock),
    timing: new TimingEqualizer(deps.clock, deps.random, opts.timing),
  };
  const mutex = new KeyedMutex();

  async function audited<T>(action: string, ctx: RequestContext, fn: (note: AuditNote) => Promise<T>): Promise<T> {
    const note: AuditNote = { login: null, userId: null, method: null };
    let outcome: AuditOutcome = 'success';
    try {
      const result = await fn(note);
      outcome = note.outcome ?? 'success';
      return result;
    } catch (e) {
      note.quiet = false;
      if (isPortalError(e)) {
        outcome = OUTCOME_BY_CODE[e.code] ?? 'failure';
        note.detail = appendDetail(note.detail, `code=${e.code}${e.detail ? ` (${e.detail})` : ''}`);
      } else {
        outcome = 'error';
        note.detail = appendDetail(note.detail, `unexpected ${e instanceof Error ? e.name : typeof e}`);
      }
      throw e;
    } finally {
      if (!note.quiet) {
        try {
          await deps.audit.record({
            at: deps.clock.now(),
            action: `recovery.${action}`,
            outcome,
            login: note.login,
            userId: note.userId,
            method: note.method,
            ip: ctx.ip,
            requestId: ctx.requestId,
            ...(note.detail === undefined ? {} : { detail: note.detail }),
          });
        } catch {
          // The audit adapter reports its own failures; a broken sink must not break recoveries.
        }
      }
    }
  }

  /** Serialises per flow, then loads and authenticates the flow (FLOW_EXPIRED when there is none). */
  async function withFlow<T>(handle: string, fn: (flow: FlowRecord) => Promise<T>): Promise<T> {
    const id = FlowRepo.idOf(handle);
    if (id === null) throw new PortalError('FLOW_EXPIRED', { detail: 'malformed or missing flow handle' });
    return mutex.run(id, async () => fn(await env.flows.load(handle)));
  }

  return {
    start: (input) => audited('start', input.ctx, (note) => start(env, input, note)),
    challenge: (input) =>
      audited('challenge', input.ctx, (note) => withFlow(input.handle, (flow) => challenge(env, flow, input, note))),
    verify: (input) =>
      audited('verify', input.ctx, (note) => withFlow(input.handle, (flow) => verify(env, flow, input, note))),
    status: (input) =>
      audited('status', input.ctx, (note) => withFlow(input.handle, (flow) => status(env, flow, input, note))),
    setPassword: (input) =>
      audited('password', input.ctx, (note) =>
        withFlow(input.handle, (flow) =>
          setPassword(env, flow, { ...input, revokeSessions: input.revokeSessions === true }, note),
        ),
      ),
    cancel: (input) =>
      audited('cancel', input.ctx, async (note) => {
        const id = FlowRepo.idOf(input.handle);
        if (id !== null) await mutex.run(id, () => cancel(env, input.handle, note));
      }),
  };
}
