/**
 * Recovery policy: every limit, lifetime and switch the recovery flow obeys. Values come from the
 * validated configuration (src/config); defaults live there, not here.
 */
import type { FactorLockoutPolicy } from '../code-guard.js';
import type { RecoveryMethod } from '../ports.js';
import type { GroupRule } from './group-rules.js';

export interface Window {
  max: number;
  windowSeconds: number;
}

export interface RecoveryPolicy {
  /** Methods the operator enabled, in display order. */
  methods: RecoveryMethod[];
  /** Show masked enrolled methods instead of the operator's list (gives away which methods a login has). */
  showEnrolledMethods: boolean;
  /** Let LOCKED_OUT users recover (they are unlocked on success). */
  allowLockedOut: boolean;
  /**
   * Self-service unlock: LOCKED_OUT users may recover, and once verified may just unlock the account (Okta
   * lifecycle/unlock) without a new password. Optional for backward compatibility (absent: off).
   */
  selfServiceUnlock?: boolean;
  /**
   * Policies by group (./group-rules.ts): when non-empty, start reads the user's groups (one more IdP call) and only
   * users a rule admits may recover, with that rule's methods and number of methods. Absent or empty: no rules, no
   * groups call, every eligible user gets the operator's methods and one method.
   */
  groupRules?: readonly GroupRule[];
  flowTtlSeconds: number;
  ottTtlSeconds: number;
  /** Okta's resend window for SMS / voice (30 s). */
  resendCooldownSeconds: number;
  /** At most one Okta poll per flow in this interval. */
  pushPollIntervalSeconds: number;
  /**
   * After a push the user rejected, no push for that user for this long (PUSH-5). Optional for backward
   * compatibility; the core uses 900 s when it is not set.
   */
  pushRejectedCooldownSeconds?: number;
  /** Wrong codes per flow before the flow is closed. */
  maxWrongCodesPerFlow: number;
  /**
   * The org's factor lockout: at most threshold − 1 codes per user reach the IdP per window, across every flow and
   * step-up (../code-guard.ts). Optional for backward compatibility; Okta's default (5) when not set.
   */
  factorLockout?: FactorLockoutPolicy;
  limits: {
    /** start / challenge / verify attempts per login. */
    perLogin: Window;
    /** start / challenge / verify attempts per client IP. */
    perIp: Window;
    /** SMS and voice sends per destination number (toll fraud). */
    perDestination: Window;
    /** SMS and voice sends across the whole portal (toll fraud). */
    globalSends: Window;
    /** Pushes per user (push fatigue). */
    pushPerUser: Window;
  };
}
