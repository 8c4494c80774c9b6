/**
 * Step-up: a fresh verification with one of the user's ACTIVE factors before a sensitive action.
 * Rules:
 * - The factor id must be one of the session user's ACTIVE, portal-verifiable factors (factors.ts), else
 *   NOT_FOUND (not the user's) or METHOD_NOT_AVAILABLE (not active / not verifiable).
 * - Start and verify count against the per-user and per-IP budgets; SMS / voice sends obey the resend cooldown and
 *   send budgets (send.ts); pushes obey recovery's per-user push budget and the block after a rejected push.
 * - Codes: an attempt is taken from the USER's atomic counter `account-codes:user:<userId>` (window lockSeconds)
 *   BEFORE the IdP is asked, so parallel guesses cannot pass maxWrongCodes; the attempt that reaches the cap locks
 *   step-up for this user until the window ends (TOO_MANY_ATTEMPTS), recorded as `account-lock:<userId>`: the lock
 *   belongs to the user, so signing in again (a new session, a fresh record) does not lift it, and step-up start
 *   refuses while it holds (issue 11, item 8). A success clears the counter. Only codes the IdP judged count (an IdP
 *   failure gives the attempt back).
 * - Every code also spends the user's IdP code budget, shared with recovery (../../code-guard.ts): once spent, or
 *   when the IdP reports the factor locked, FACTOR_LOCKED ("choose another method") without asking the IdP.
 * - Push: polled at most once per pushPollIntervalSeconds; the push lives at most 5 minutes (PUSH-4).
 * - Success → `verified` for stepUpTtlSeconds; sensitive actions check it with requireStepUp.
 */
import { codesSpent, verifyWithinBudget, type CodeCheck } from '../../code-guard.js';
import { PortalError, isPortalError } from '../../errors.js';
import type { IdpFactorDetail, PushResult } from '../../ports.js';
import { DEFAULT_PUSH_REJECTED_COOLDOWN_SECONDS, PUSH_MAX_LIFETIME_MS } from '../../recovery/steps/challenge.js';
import type { AccountContext, StepUpStartResult, StepUpStatusResult } from '../api.js';
import { appendDetail, countAttempt, type AccountEnv, type AuditNote } from '../env.js';
import { owned, verifiable } from '../factors.js';
import { assertStepUp, stepUpNext, type StepUpEvent } from '../machine.js';
import { accountKey, freshStepUp, type AccountRecord } from '../record.js';
import { guardedSend, noteSent } from '../../send-guard.js';
import { cleanCode } from './send.js';

export const codesKey = (userId: string): string => `account-codes:user:${userId}`;
export const lockKey = (userId: string): string => `account-lock:${userId}`;

/** Locks this record's step-up until `until` and records the lock for the user (every session of theirs). */
async function lockUser(env: AccountEnv, a: AccountContext, rec: AccountRecord, until: number): Promise<void> {
  rec.stepUp.state = 'locked';
  rec.stepUp.lockedUntil = until;
  await env.store.setEach([
    { key: lockKey(a.userId), value: until, ttlMs: Math.max(1, until - env.clock.now()) },
    { key: accountKey(rec.sessionId), value: rec, ttlMs: env.records.ttlMs },
  ]);
}

/** TOO_MANY_ATTEMPTS while the user's step-up lock holds (set from any session of theirs). */
async function refuseWhileUserLocked(env: AccountEnv, a: AccountContext, rec: AccountRecord): Promise<void> {
  const until = await env.store.get<number>(lockKey(a.userId));
  if (until !== null && env.clock.now() < until) {
    rec.stepUp = { ...freshStepUp(), state: 'locked', wrongCodes: env.policy.maxWrongCodes, lockedUntil: until };
    await env.records.save(rec);
    throw new PortalError('TOO_MANY_ATTEMPTS', { detail: 'step-up locked for this user' });
  }
}
const pushSubject = (userId: string): string => `user:${userId}`;

/** Whether sensitive actions may proceed now. */
export function stepUpSatisfied(rec: AccountRecord, factors: IdpFactorDetail[]): boolean {
  return verifiable(factors).length === 0 || rec.stepUp.state === 'verified';
}

/** Throws STEP_UP_REQUIRED unless sensitive actions may proceed; notes when none was needed. */
export function requireStepUp(rec: AccountRecord, factors: IdpFactorDetail[], note: AuditNote): void {
  if (verifiable(factors).length === 0) {
    note.detail = appendDetail(note.detail, 'no active factor: step-up not required');
    return;
  }
  if (rec.stepUp.state !== 'verified') throw new PortalError('STEP_UP_REQUIRED', { detail: `step-up ${rec.stepUp.state}` });
}

export async function stepUpStart(
  env: AccountEnv,
  a: AccountContext,
  rec: AccountRecord,
  factorId: unknown,
  note: AuditNote,
): Promise<StepUpStartResult> {
  const factors = await env.idp.getFactors(a.userId);
  const factor = owned(factors, factorId);
  const method = factor.method;
  note.method = method;
  if (factor.status !== 'ACTIVE' || method === null || method === 'email') {
    throw new PortalError('METHOD_NOT_AVAILABLE', { detail: `factor ${factor.status} ${factor.factorType}` });
  }
  const event: StepUpEvent =
    method === 'sms' || method === 'call' ? 'choose-sms-call' : method === 'push' ? 'choose-push' : 'choose-totp';
  assertStepUp(rec.stepUp.state, event);
  await refuseWhileUserLocked(env, a, rec);
  await countAttempt(env, a);

  const s = { ...freshStepUp(), state: rec.stepUp.state, factorId: factor.id, method };
  let result: StepUpStartResult;
  if (method === 'sms' || method === 'call') {
    const phone = factor.phoneNumber ?? `factor:${factor.id}`;
    try {
      await guardedSend(env, { method, requester: phone, phone, send: () => env.idp.sendChallenge(a.userId, factor.id, a.ctx) });
    } catch (e) {
      // The answer was lost after the IdP may have sent the code: the step-up takes the code that arrived (item 12).
      if (isPortalError(e) && e.code === 'IDP_UNAVAILABLE') {
        s.state = stepUpNext(rec.stepUp.state, event);
        rec.stepUp = s;
        await env.records.save(rec);
      }
      throw e;
    }
    result = { kind: 'code-sent', resendAfterSeconds: env.policy.resendCooldownSeconds };
  } else if (method === 'push') {
    await env.limiter.checkBlock('push-block', pushSubject(a.userId));
    await env.limiter.hit('push', pushSubject(a.userId), env.policy.limits.pushPerUser);
    const now = env.clock.now();
    const started = await env.idp.startPush(a.userId, factor.id, a.ctx);
    noteSent(env, 'push');
    s.transactionId = started.transactionId;
    s.correctAnswer = started.correctAnswer;
    s.pushExpiresAt = Math.min(started.expiresAt, now + PUSH_MAX_LIFETIME_MS);
    s.lastPollAt = now;
    result = { kind: 'push-waiting', correctAnswer: s.correctAnswer, expiresAt: s.pushExpiresAt };
  } else {
    result = { kind: 'code-ready' };
  }
  s.state = stepUpNext(rec.stepUp.state, event);
  rec.stepUp = s;
  await env.records.save(rec);
  return result;
}

export async function stepUpVerify(
  env: AccountEnv,
  a: AccountContext,
  rec: AccountRecord,
  rawCode: unknown,
  note: AuditNote,
): Promise<void> {
  const s = rec.stepUp;
  note.method = s.method;
  assertStepUp(s.state, 'code-accepted');
  const code = cleanCode(rawCode);
  await countAttempt(env, a);

  const max = env.policy.maxWrongCodes;
  const key = codesKey(a.userId);
  const taken = await env.store.increment(key, env.policy.lockSeconds * 1000);
  const { resetAt } = taken;
  const count = await env.limiter.netCount(key, taken, max);
  if (count > max) {
    s.wrongCodes = max;
    await lockUser(env, a, rec, resetAt);
    throw new PortalError('TOO_MANY_ATTEMPTS', { detail: 'attempt cap reached' });
  }
  const factorId = s.factorId;
  if (factorId === null) throw new PortalError('WRONG_STEP', { detail: 'no factor chosen' });
  let outcome: CodeCheck;
  try {
    outcome = await verifyWithinBudget(env, a.userId, undefined, () => env.idp.verifyPasscode(a.userId, factorId, code, a.ctx));
  } catch (e) {
    await env.limiter.refund(key, taken); // the IdP did not judge the code: it does not count
    throw e;
  }
  if (outcome === 'refused' || outcome === 'locked') {
    if (outcome === 'refused') await env.limiter.refund(key, taken);
    throw codesSpent(outcome === 'refused' ? 'IdP code budget spent: not sent to the IdP' : 'factor locked at the IdP');
  }
  if (outcome === 'rejected') {
    s.wrongCodes = count;
    const capReached = count >= max;
    s.state = stepUpNext(s.state, 'code-rejected', { wrongCodeCapReached: capReached });
    if (capReached) await lockUser(env, a, rec, resetAt);
    else await env.records.save(rec);
    if (capReached) throw new PortalError('TOO_MANY_ATTEMPTS', { detail: `wrong code ${count}/${max}; step-up locked` });
    throw new PortalError('INVALID_CODE', { detail: `wrong code ${count}/${max}` });
  }
  await env.store.delete(codesKey(a.userId));
  s.state = stepUpNext(s.state, 'code-accepted');
  s.verifiedAt = env.clock.now();
  s.wrongCodes = 0;
  await env.records.save(rec);
}

export async function stepUpStatus(
  env: AccountEnv,
  a: AccountContext,
  rec: AccountRecord,
  note: AuditNote,
): Promise<StepUpStatusResult> {
  const s = rec.stepUp;
  note.method = s.method;
  note.quiet = true;
  switch (s.state) {
    case 'verified':
      return { state: 'verified', expiresAt: (s.verifiedAt ?? 0) + env.policy.stepUpTtlSeconds * 1000 };
    case 'push-rejected':
      return { state: 'rejected' };
    case 'push-expired':
      return { state: 'expired' };
    case 'push-waiting':
      return poll(env, a, rec, note);
    default:
      assertStepUp(s.state, 'push-pending'); // throws the refusal for this state
      return { state: 'expired' };
  }
}

async function poll(env: AccountEnv, a: AccountContext, rec: AccountRecord, note: AuditNote): Promise<StepUpStatusResult> {
  const s = rec.stepUp;
  const now = env.clock.now();
  const waiting: StepUpStatusResult = { state: 'waiting', correctAnswer: s.correctAnswer, expiresAt: s.pushExpiresAt ?? now };
  if (s.pushExpiresAt === null || now >= s.pushExpiresAt) {
    note.quiet = false;
    note.detail = appendDetail(note.detail, 'push expired (portal cap)');
    s.state = stepUpNext(s.state, 'push-timed-out');
    await env.records.save(rec);
    return { state: 'expired' };
  }
  if (s.lastPollAt !== null && now - s.lastPollAt < env.policy.pushPollIntervalSeconds * 1000) return waiting;
  s.lastPollAt = now;
  if (s.factorId === null || s.transactionId === null) throw new PortalError('WRONG_STEP', { detail: 'no push transaction' });
  let result: PushResult;
  try {
    result = await env.idp.pollPush(a.userId, s.factorId, s.transactionId);
  } catch (e) {
    note.quiet = false;
    await env.records.save(rec); // keep lastPollAt: a failing IdP is not polled faster
    throw e;
  }
  switch (result) {
    case 'approved':
      note.quiet = false;
      note.detail = appendDetail(note.detail, 'push approved');
      s.state = stepUpNext(s.state, 'push-approved');
      s.verifiedAt = now;
      await env.store.delete(codesKey(a.userId));
      await env.records.save(rec);
      return { state: 'verified', expiresAt: now + env.policy.stepUpTtlSeconds * 1000 };
    case 'rejected':
      note.quiet = false;
      note.outcome = 'denied';
      note.detail = appendDetail(note.detail, 'push rejected by the user');
      s.state = stepUpNext(s.state, 'push-rejected');
      await env.limiter.block(
        'push-block',
        pushSubject(a.userId),
        env.policy.pushRejectedCooldownSeconds ?? DEFAULT_PUSH_REJECTED_COOLDOWN_SECONDS,
      );
      await env.records.save(rec);
      return { state: 'rejected' };
    case 'timeout':
      note.quiet = false;
      note.detail = appendDetail(note.detail, 'push timed out');
      s.state = stepUpNext(s.state, 'push-timed-out');
      await env.records.save(rec);
      return { state: 'expired' };
    default:
      s.state = stepUpNext(s.state, 'push-pending');
      await env.records.save(rec);
      return waiting;
  }
}

