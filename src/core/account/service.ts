/**
 * createAccountService: the signed-in user's "My security methods" — list, step-up, enrol, remove, change
 * password — wired to the ports with the same envelope as recovery.
 * Rules:
 * - The AccountContext (userId, login, sessionId) comes from the server-side session; calls on one session are
 *   serialised in this process (KeyedMutex); the wrong-code caps rest on the store's atomic increment.
 * - Every call except reads writes one audit event `account.<step-up|enrol|remove|password>` (outcome, login,
 *   userId, method, ip, requestId, a secret-free detail); status polls that changed nothing are not audited.
 *   Audit sink failures never break a call.
 * - Errors are PortalErrors from the steps or the IdP, passed through unchanged; a malformed context is
 *   BAD_REQUEST.
 */
import { COMMON_OUTCOMES, createAudited } from '../audited.js';
import { PortalError, type ErrorCode } from '../errors.js';
import { Limiter } from '../limits.js';
import { maskPhone } from '../mask.js';
import { KeyedMutex } from '../mutex.js';
import type { AuditOutcome } from '../ports.js';
import type { AccountContext, AccountService, AccountSessionView } from './api.js';
import { secondsUntil, type AccountDeps, type AccountEnv, type AuditNote } from './env.js';
import { toView } from './factors.js';
import { AccountRepo, type AccountRecord } from './record.js';
import { enrolActivate, enrolCancel, enrolResend, enrolStart, enrolStatus } from './steps/enrol.js';
import { changePassword } from './steps/password.js';
import { removeFactor } from './steps/remove.js';
import { stepUpSatisfied, stepUpStart, stepUpStatus, stepUpVerify } from './steps/step-up.js';

/** The account's own codes over the common ones (see ../audited.ts). */
const OUTCOMES: Partial<Record<ErrorCode, AuditOutcome>> = {
  ...COMMON_OUTCOMES,
  STEP_UP_REQUIRED: 'denied',
  NOT_FOUND: 'denied',
  SERVICE_UNAVAILABLE: 'error',
};

type Action = 'step-up' | 'enrol' | 'remove' | 'password';

function checkContext(a: AccountContext): void {
  const ok = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 512;
  if (!a || !ok(a.userId) || !ok(a.sessionId) || typeof a.login !== 'string' || !a.ctx) {
    throw new PortalError('BAD_REQUEST', { detail: 'malformed account context' });
  }
}

export function createAccountService(deps: AccountDeps): AccountService {
  const env: AccountEnv = {
    ...deps,
    records: new AccountRepo(deps.store, deps.clock, deps.policy),
    limiter: new Limiter(deps.store, deps.clock),
  };
  const mutex = new KeyedMutex();

  const audited = createAudited({ audit: deps.audit, clock: deps.clock, area: 'account', outcomes: OUTCOMES });

  /** Serialises per session, loads the record, runs the step, writes the audit event (see ../audited.ts). */
  async function run<T>(action: Action, a: AccountContext, fn: (rec: AccountRecord, note: AuditNote) => Promise<T>): Promise<T> {
    checkContext(a);
    return audited(action, a.ctx, { login: a.login, userId: a.userId, method: null }, (note) =>
      mutex.run(a.sessionId, async () => fn(await env.records.load(a.sessionId, a.userId), note)),
    );
  }

  /** Reads: no audit, no lock. */
  async function read<T>(a: AccountContext, fn: (rec: AccountRecord) => Promise<T>): Promise<T> {
    checkContext(a);
    return fn(await env.records.load(a.sessionId, a.userId));
  }

  function sessionView(rec: AccountRecord): AccountSessionView {
    const s = rec.stepUp;
    const e = rec.enrolment;
    const stepUpExpiry =
      s.state === 'verified' && s.verifiedAt !== null
        ? s.verifiedAt + deps.policy.stepUpTtlSeconds * 1000
        : s.state === 'push-waiting'
          ? s.pushExpiresAt
          : s.state === 'locked'
            ? s.lockedUntil
            : null;
    const pending = e.state === 'code-sent' || e.state === 'totp-pending' || e.state === 'push-pending';
    return {
      stepUp: {
        state: s.state,
        factorId: s.factorId,
        method: s.method,
        expiresAt: stepUpExpiry,
        correctAnswer: s.state === 'push-waiting' ? s.correctAnswer : null,
      },
      enrolment: {
        state: e.state,
        method: e.method,
        hint: e.phoneNumber !== null && pending ? maskPhone(e.phoneNumber) : null,
        resendAfterSeconds: e.state === 'code-sent' ? secondsUntil(env, e.resendAvailableAt) : 0,
        qrDataUri: e.state === 'push-pending' ? e.qrDataUri : null,
        expiresAt: pending ? e.expiresAt : null,
      },
    };
  }

  return {
    listFactors: (a) =>
      read(a, async () => (await deps.idp.getFactors(a.userId)).map(toView)),
    stepUpSatisfied: (a) => read(a, async (rec) => stepUpSatisfied(rec, await deps.idp.getFactors(a.userId))),
    stepUpStart: (a, factorId) => run('step-up', a, (rec, note) => stepUpStart(env, a, rec, factorId, note)),
    stepUpVerify: (a, code) => run('step-up', a, (rec, note) => stepUpVerify(env, a, rec, code, note)),
    stepUpStatus: (a) => run('step-up', a, (rec, note) => stepUpStatus(env, a, rec, note)),
    enrolStart: (a, method, opts = {}) => run('enrol', a, (rec, note) => enrolStart(env, a, rec, method, opts, note)),
    enrolActivate: (a, code) => run('enrol', a, (rec, note) => enrolActivate(env, a, rec, code, note)),
    enrolResend: (a) => run('enrol', a, (rec, note) => enrolResend(env, a, rec, note)),
    enrolStatus: (a) => run('enrol', a, (rec, note) => enrolStatus(env, a, rec, note)),
    enrolCancel: (a) => run('enrol', a, (rec, note) => enrolCancel(env, a, rec, note)),
    removeFactor: (a, factorId, opts = {}) => run('remove', a, (rec, note) => removeFactor(env, a, rec, factorId, opts, note)),
    changePassword: (a, input) => run('password', a, (rec, note) => changePassword(env, a, rec, input, note)),
    session: (a) => read(a, async (rec) => sessionView(rec)),
  };
}
