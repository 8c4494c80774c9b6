/**
 * The recovery service's public surface: what the HTTP layer (pages and JSON API) calls.
 * A flow is addressed by an opaque handle (the flow cookie's value); everything else about the
 * flow (Okta ids, transaction ids, the user's real status) stays in the store.
 */
import type { PasswordRules } from '../password-rules.js';
import type { RecoveryMethod, RequestContext, SentCodeMethod } from '../ports.js';

export interface StartResult {
  /** Opaque `id.secret` handle for the flow cookie (HttpOnly). */
  handle: string;
  /** The methods offered: the operator's enabled list (or masked enrolled ones, if the operator opted in). */
  methods: MethodOffer[];
  /** Epoch ms when the flow expires. */
  expiresAt: number;
  /** Only with showEnrolledMethods (which already tells accounts apart): step 1 of a two-method flow. */
  progress?: Progress;
}

/**
 * Where a two-method flow stands (policies by group): factor `step` of `steps`. Given once the first factor is
 * verified (from then on the user has proven a factor); before that only with showEnrolledMethods, because the
 * number of methods a login needs would otherwise tell which group (and that an account) is behind it.
 */
export interface Progress {
  step: number;
  steps: number;
}

export interface MethodOffer {
  method: RecoveryMethod;
  /** Only with the operator option `showEnrolledMethods`: a masked hint, e.g. "+1 ••• ••• 0100". */
  hint?: string;
}

/**
 * Choosing a method and passing verification rotate the flow handle's secret (session fixation, SES-1): the
 * results carry the new `handle`, which replaces the flow cookie; the previous handle stops working (except for a
 * second copy of the same page form, see `resume`).
 */
export type ChallengeKind =
  | { kind: 'code-sent'; method: SentCodeMethod; resendAfterSeconds: number }
  | { kind: 'push-waiting'; correctAnswer: number | null; expiresAt: number }
  | { kind: 'code-ready'; method: 'google-authenticator' | 'okta-verify-code' };

export type ChallengeResult = ChallengeKind & { handle: string; progress?: Progress };

export interface VerifiedResult {
  /** The one-time token that opens the change-password step. Shown once; only its hash is stored. */
  ott: string;
  expiresAt: number;
  /**
   * Present (true) only after verification, for a LOCKED_OUT user when self-service unlock is on: the ott may also
   * be spent on `unlock` (no new password). Before verification nothing tells a locked account from another.
   */
  unlockAvailable?: true;
  /** The flow's new handle (see ChallengeResult). */
  handle: string;
}

/**
 * A factor was verified and the flow's group rule requires another one of a different class (no ott yet): the
 * methods the user may verify next (the rule's, enrolled, of another class; empty when the user has none).
 */
export interface FactorVerifiedResult {
  kind: 'factor-verified';
  progress: Progress;
  methods: MethodOffer[];
  handle: string;
}

export type VerifyResult = VerifiedResult | FactorVerifiedResult;

export function isFactorVerified(r: VerifyResult): r is FactorVerifiedResult {
  return 'kind' in r && r.kind === 'factor-verified';
}

/**
 * Where a flow stands. The states from which a method may still be chosen carry `methods` (what the start step
 * offered, hints included) only when the operator enabled showEnrolledMethods; otherwise the offer is the operator's
 * method list, which the transport already knows.
 */
export type StatusResult =
  | { state: 'started'; methods?: MethodOffer[]; progress?: Progress }
  | { state: 'code-sent'; method: RecoveryMethod; resendAfterSeconds: number; methods?: MethodOffer[]; progress?: Progress }
  | { state: 'code-ready'; method: RecoveryMethod; methods?: MethodOffer[]; progress?: Progress }
  | {
      state: 'waiting';
      correctAnswer: number | null;
      expiresAt: number;
      sentAt?: number;
      methods?: MethodOffer[];
      progress?: Progress;
    }
  | { state: 'factor-verified'; methods: MethodOffer[]; progress: Progress }
  | {
      state: 'verified';
      ott: string;
      expiresAt: number;
      unlockAvailable?: true;
      /** The login as the user typed it (they proved they hold the account): for the "no part of the username" check. */
      login: string;
    }
  | { state: 'rejected'; methods?: MethodOffer[]; progress?: Progress }
  | { state: 'expired'; methods?: MethodOffer[]; progress?: Progress }
  | { state: 'completed'; unlocked?: true };

export interface RecoveryService {
  /** Names the account. Same answer for every login, real or not (no enumeration). */
  start(input: { login: string; ctx: RequestContext }): Promise<StartResult>;
  /** Picks a method and starts its challenge (sends the SMS, places the call, sends the push). Calling it again resends. */
  challenge(input: { handle: string; method: RecoveryMethod; ctx: RequestContext; form?: string }): Promise<ChallengeResult>;
  /**
   * Checks a code for the chosen code method. The ott comes with the last required factor; before it (two-method
   * flows) the answer says which methods may be verified next.
   */
  verify(input: { handle: string; code: string; ctx: RequestContext; form?: string }): Promise<VerifyResult>;
  /**
   * A second copy of a page form whose first copy rotated the handle (challenge and verify take the form's per-page
   * value as `form`): a new handle for the same flow, nothing run again. FLOW_EXPIRED otherwise (resubmit.ts).
   */
  resume(input: { handle: string; form: string; ctx: RequestContext }): Promise<{ handle: string }>;
  /** Where the flow stands; for push, polls Okta at most once per poll interval. A verified flow gets a fresh ott (the previous one stops working). */
  status(input: { handle: string; ctx: RequestContext }): Promise<StatusResult>;
  /** Sets the new password. The ott is single use; a policy failure leaves it usable for another try. */
  setPassword(input: {
    handle: string;
    ott: string;
    password: string;
    confirmPassword: string;
    revokeSessions: boolean;
    ctx: RequestContext;
  }): Promise<{ changed: true }>;
  /**
   * Self-service unlock: spends the ott to unlock a LOCKED_OUT user (Okta lifecycle/unlock) without a new password.
   * Only when `unlockAvailable` was given; otherwise WRONG_STEP. A failure keeps the ott usable.
   */
  unlock(input: { handle: string; ott: string; ctx: RequestContext }): Promise<{ unlocked: true }>;
  /**
   * The org's password rules (Okta's password policy, when the portal may read it; cached org-wide), or null when
   * unknown. Not about any user: no flow, no audit.
   */
  passwordRules(): Promise<PasswordRules | null>;
  /** Ends the flow (user pressed "cancel" / "start again"). */
  cancel(input: { handle: string; ctx: RequestContext }): Promise<void>;
}
