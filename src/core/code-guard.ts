/**
 * The per-user budget of codes that reach the IdP, for recovery's verify and the account's step-up alike, so that
 * no one (anonymous or not) can lock a user's factor at Okta (issue 11, item 2).
 * Rules:
 * - Okta locks a factor after `threshold` wrong codes in a row (E0000069, until an admin unlocks it or a code is
 *   accepted). The portal lets at most threshold − 1 codes per user reach the IdP in `windowSeconds`, counted under
 *   `idp-codes:<userId>` (the Okta user id: shared by every flow, step-up, session, instance and spelling of the
 *   login). The attempt is taken BEFORE the IdP is asked, so parallel guesses cannot pass the budget.
 * - Once spent, a guess is refused without calling the IdP ('refused'); the caller answers as a decoy would.
 * - The IdP's wrong-code answer ('rejected') and its FACTOR_LOCKED ('locked') both count; a code the IdP accepts
 *   clears the count ('accepted'), as Okta's own count restarts then.
 * - Anything else (IdP unavailable, timeout, open breaker, rate limit) gives the attempt back and is rethrown: only
 *   codes the IdP judged spend the budget. Refused guesses are given back too (they never reached the IdP).
 */
import { PortalError, isPortalError } from './errors.js';
import type { CounterAfter, Limiter } from './limits.js';
import type { Clock, CounterValue, Store } from './ports.js';

export interface FactorLockoutPolicy {
  /** Wrong codes in a row after which the IdP locks a factor (Okta: 5). */
  threshold: number;
  /** How long the portal keeps counting a user's wrong codes (from the first one). */
  windowSeconds: number;
}

/** Okta's factor lockout: five wrong codes in a row; its count only restarts on a success, so a long window. */
export const DEFAULT_FACTOR_LOCKOUT: FactorLockoutPolicy = { threshold: 5, windowSeconds: 86_400 };

export interface CodeGuardEnv {
  store: Store;
  clock: Clock;
  limiter: Limiter;
  policy: { factorLockout?: FactorLockoutPolicy };
}

export type CodeCheck = 'accepted' | 'rejected' | 'locked' | 'refused';

export const idpCodesKey = (subject: string): string => `idp-codes:${subject}`;

/** Codes per user that may reach the IdP in one window: one short of the lockout, never negative. */
export function codeBudget(policy: { factorLockout?: FactorLockoutPolicy }): number {
  return Math.max(0, (policy.factorLockout ?? DEFAULT_FACTOR_LOCKOUT).threshold - 1);
}

/** The counter to take one attempt from (to count it in the same round trip as other counters). */
export function idpCodesCounter(env: CodeGuardEnv, subject: string): CounterAfter {
  const w = env.policy.factorLockout ?? DEFAULT_FACTOR_LOCKOUT;
  return { key: idpCodesKey(subject), windowMs: w.windowSeconds * 1000 };
}

/**
 * Runs `check` (one passcode check at the IdP) within `subject`'s budget. `taken` is the attempt already taken from
 * idpCodesCounter(subject) in the caller's round trip; without it the attempt is taken here.
 */
export async function verifyWithinBudget(
  env: CodeGuardEnv,
  subject: string,
  taken: CounterValue | undefined,
  check: () => Promise<void>,
): Promise<CodeCheck> {
  const counter = idpCodesCounter(env, subject);
  const value = taken ?? (await env.store.increment(counter.key, counter.windowMs));
  const budget = codeBudget(env.policy);
  if ((await env.limiter.netCount(counter.key, value, budget + 1)) > budget) {
    await env.limiter.refund(counter.key, value);
    return 'refused';
  }
  try {
    await check();
  } catch (e) {
    if (isPortalError(e) && e.code === 'INVALID_CODE') return 'rejected';
    if (isPortalError(e) && e.code === 'FACTOR_LOCKED') return 'locked';
    await env.limiter.refund(counter.key, value);
    throw e;
  }
  await env.store.delete(counter.key);
  return 'accepted';
}

/** The error a signed-in user gets when the budget is spent or the factor is locked at the IdP. */
export function codesSpent(detail: string): PortalError {
  return new PortalError('FACTOR_LOCKED', {
    message: 'Too many wrong codes for now. Choose another method, or try again later.',
    detail,
  });
}
