/**
 * Account policy: the limits, lifetimes and switches of the signed-in "My security methods" pages.
 * Values come from the configuration; `defaultAccountPolicy` holds the documented defaults.
 */
import type { FactorLockoutPolicy } from '../code-guard.js';
import type { RecoveryMethod } from '../ports.js';
import type { RecoveryPolicy } from '../recovery/policy.js';

export interface AccountPolicy {
  /** Methods a user may enrol, in display order. */
  methods: RecoveryMethod[];
  /** The issuer shown by authenticator apps (otpauth:// `issuer`), e.g. the organisation's name. */
  totpIssuer: string;
  /** How long a successful step-up verification allows sensitive actions. */
  stepUpTtlSeconds: number;
  /** How long a pending enrolment may be completed. */
  enrolTtlSeconds: number;
  /** Okta's resend window for SMS / voice (30 s). */
  resendCooldownSeconds: number;
  /** At most one Okta poll per session in this interval (step-up push, push enrolment). */
  pushPollIntervalSeconds: number;
  /** Wrong codes per step-up window (and per pending enrolment) before it is closed. */
  maxWrongCodes: number;
  /** How long a session's step-up stays closed after maxWrongCodes wrong codes (the count's window). */
  lockSeconds: number;
  /** No push for the user this long after a push the user rejected (PUSH-5); shared with recovery. */
  pushRejectedCooldownSeconds: number;
  /**
   * The operator's budgets, the same as recovery's (LIMIT_*): sends per destination, sends in total and pushes per
   * user share recovery's counters; attempts per user and per IP are keyed `acct:` so recovery traffic cannot
   * spend them.
   */
  limits: RecoveryPolicy['limits'];
  /** The org's factor lockout, shared with recovery (../code-guard.ts); Okta's default when not set. */
  factorLockout?: FactorLockoutPolicy;
}

export function defaultAccountPolicy(overrides: Partial<AccountPolicy> = {}): AccountPolicy {
  return {
    methods: ['push', 'okta-verify-code', 'google-authenticator', 'sms', 'call'],
    totpIssuer: 'Okta MFA Portal',
    stepUpTtlSeconds: 300,
    enrolTtlSeconds: 600,
    resendCooldownSeconds: 30,
    pushPollIntervalSeconds: 3,
    maxWrongCodes: 5,
    lockSeconds: 900,
    pushRejectedCooldownSeconds: 900,
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
