/** Help-desk policy: the console's limits and lifetimes; the send, push and code budgets are recovery's. */
import type { FactorLockoutPolicy } from '../code-guard.js';
import type { RecoveryPolicy } from '../recovery/policy.js';

export interface HelpdeskPolicy {
  /** Okta's resend window for SMS / voice. */
  resendCooldownSeconds: number;
  /** At most one Okta poll per agent session in this interval. */
  pushPollIntervalSeconds: number;
  /** Wrong codes per challenge before the verification fails. */
  maxWrongCodes: number;
  /** No push for the caller this long after a push they rejected (shared with recovery). */
  pushRejectedCooldownSeconds: number;
  /** How long an agent's verification is kept after its last change. */
  recordTtlSeconds: number;
  /**
   * The operator's budgets, recovery's: sends per destination and in total, pushes per user share recovery's
   * counters; `perLogin` and `perIp` bound each agent's and each caller's console attempts (keyed `desk:`).
   */
  limits: RecoveryPolicy['limits'];
  factorLockout?: FactorLockoutPolicy;
}

export function defaultHelpdeskPolicy(overrides: Partial<HelpdeskPolicy> = {}): HelpdeskPolicy {
  return {
    resendCooldownSeconds: 30,
    pushPollIntervalSeconds: 3,
    maxWrongCodes: 3,
    pushRejectedCooldownSeconds: 900,
    recordTtlSeconds: 1800,
    limits: {
      perLogin: { max: 30, windowSeconds: 900 },
      perIp: { max: 100, windowSeconds: 900 },
      perDestination: { max: 10, windowSeconds: 3600 },
      globalSends: { max: 1000, windowSeconds: 3600 },
      pushPerUser: { max: 10, windowSeconds: 900 },
    },
    ...overrides,
  };
}
