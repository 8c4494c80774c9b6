/**
 * createRecoveryService: wires the steps to the ports and gives every call the same envelope.
 * Rules:
 * - Calls on one flow are serialised in this process (KeyedMutex); cross-instance safety rests on the store's
 *   atomic increment/take (wrong-code cap, ott single use).
 * - Every call writes one audit event (action recovery.<step>, outcome, login, userId, method, ip, requestId,
 *   a secret-free detail) — except status polls that changed nothing. Audit sink failures never break a flow.
 * - Errors are PortalErrors from the steps or the IdP, passed through unchanged.
 */
import { COMMON_OUTCOMES, createAudited, type AuditNote } from '../audited.js';
import { PortalError, type ErrorCode } from '../errors.js';
import { Limiter } from '../limits.js';
import { KeyedMutex } from '../mutex.js';
import type { AuditOutcome, RequestContext } from '../ports.js';
import { TimingEqualizer, type TimingOptions } from '../timing.js';
import type { RecoveryService } from './api.js';
import type { RecoveryDeps, StepEnv } from './env.js';
import { FlowRepo, type FlowRecord } from './flow.js';
import { resume } from './resubmit.js';
import { cancel } from './steps/cancel.js';
import { challenge } from './steps/challenge.js';
import { setPassword } from './steps/set-password.js';
import { start } from './steps/start.js';
import { status } from './steps/status.js';
import { unlock } from './steps/unlock.js';
import { verify } from './steps/verify.js';

export interface RecoveryServiceOptions {
  /** Tuning of the decoy padding (RST-2); defaults suit a real Okta org. */
  timing?: TimingOptions;
}

/** The recovery's own codes over the common ones (see ../audited.ts). */
const OUTCOMES: Partial<Record<ErrorCode, AuditOutcome>> = {
  ...COMMON_OUTCOMES,
  INVALID_OTT: 'denied',
  // Stryker disable next-line StringLiteral: no step or port raises CSRF today (the HTTP layer refuses a cross-site request before calling the service); kept so one that did would be audited as denied
  CSRF: 'denied',
};

export function createRecoveryService(deps: RecoveryDeps, opts: RecoveryServiceOptions = {}): RecoveryService {
  const env: StepEnv = {
    ...deps,
    flows: new FlowRepo(deps.store, deps.clock),
    limiter: new Limiter(deps.store, deps.clock),
    timing: new TimingEqualizer(deps.clock, deps.random, opts.timing),
  };
  const mutex = new KeyedMutex();

  const envelope = createAudited({ audit: deps.audit, clock: deps.clock, area: 'recovery', outcomes: OUTCOMES });
  /** One audit event per call (see ../audited.ts); the steps learn login, userId and method as they go. */
  const audited = <T>(action: string, ctx: RequestContext, fn: (note: AuditNote) => Promise<T>): Promise<T> =>
    envelope(action, ctx, { login: null, userId: null, method: null }, fn);

  /** Serialises per flow, then loads and authenticates the flow (FLOW_EXPIRED when there is none). */
  async function withFlow<T>(handle: string, fn: (flow: FlowRecord) => Promise<T>): Promise<T> {
    const id = FlowRepo.idOf(handle);
    if (id === null) throw new PortalError('FLOW_EXPIRED', { detail: 'malformed or missing flow handle' });
    return mutex.run(id, async () => fn(await env.flows.load(handle)));
  }

  /** Serialised on the flow id like every other call on the flow; the step checks the replaced handle itself. */
  function resumeFlow(input: { handle: string; form: string; ctx: RequestContext }, note: AuditNote) {
    const id = FlowRepo.idOf(input.handle);
    if (id === null) throw new PortalError('FLOW_EXPIRED', { detail: 'malformed or missing flow handle' });
    return mutex.run(id, () => resume(env, input, note));
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
    unlock: (input) =>
      audited('unlock', input.ctx, (note) => withFlow(input.handle, (flow) => unlock(env, flow, input, note))),
    resume: (input) => audited('resume', input.ctx, (note) => resumeFlow(input, note)),
    passwordRules: async () => (deps.passwordRules ? deps.passwordRules() : null),
    cancel: (input) =>
      audited('cancel', input.ctx, async (note) => {
        const id = FlowRepo.idOf(input.handle);
        if (id !== null) await mutex.run(id, () => cancel(env, input.handle, note));
      }),
  };
}
