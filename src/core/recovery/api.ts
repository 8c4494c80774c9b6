/**
 * The recovery service's public surface: what the HTTP layer (pages and JSON API) calls.
 * A flow is addressed by an opaque handle (the flow cookie's value); everything else about the
 * flow (Okta ids, transaction ids, the user's real status) stays in the store.
 */
import type { RecoveryMethod, RequestContext, SentCodeMethod } from '../ports.js';

export interface StartResult {
  /** Opaque `id.secret` handle for the flow cookie (HttpOnly). */
  handle: string;
  /** The methods offered: the operator's enabled list (or masked enrolled ones, if the operator opted in). */
  methods: MethodOffer[];
  /** Epoch ms when the flow expires. */
  expiresAt: number;
}

export interface MethodOffer {
  method: RecoveryMethod;
  /** Only with the operator option `showEnrolledMethods`: a masked hint, e.g. "+1 ••• ••• 0100". */
  hint?: string;
}

/**
 * Choosing a method and passing verification rotate the flow handle's secret (session fixation, SES-1): the
 * results carry the new `handle`, which replaces the flow cookie; the previous handle stops working.
 */
export type ChallengeKind =
  | { kind: 'code-sent'; method: SentCodeMethod; resendAfterSeconds: number }
  | { kind: 'push-waiting'; correctAnswer: number | null; expiresAt: number }
  | { kind: 'code-ready'; method: 'google-authenticator' | 'okta-verify-code' };

export type ChallengeResult = ChallengeKind & { handle: string };

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
 * Where a flow stands. The states from which a method may still be chosen carry `methods` (what the start step
 * offered, hints included) only when the operator enabled showEnrolledMethods; otherwise the offer is the operator's
 * method list, which the transport already knows.
 */
export type StatusResult =
  | { state: 'started'; methods?: MethodOffer[] }
  | { state: 'code-sent'; method: RecoveryMethod; resendAfterSeconds: number; methods?: MethodOffer[] }
  | { state: 'code-ready'; method: RecoveryMethod; methods?: MethodOffer[] }
  | { state: 'waiting'; correctAnswer: number | null; expiresAt: number; methods?: MethodOffer[] }
  | { state: 'verified'; ott: string; expiresAt: number; unlockAvailable?: true }
  | { state: 'rejected'; methods?: MethodOffer[] }
  | { state: 'expired'; methods?: MethodOffer[] }
  | { state: 'completed'; unlocked?: true };

export interface RecoveryService {
  /** Names the account. Same answer for every login, real or not (no enumeration). */
  start(input: { login: string; ctx: RequestContext }): Promise<StartResult>;
  /** Picks a method and starts its challenge (sends the SMS, places the call, sends the push). Calling it again resends. */
  challenge(input: { handle: string; method: RecoveryMethod; ctx: RequestContext }): Promise<ChallengeResult>;
  /** Checks a code for the chosen code method. */
  verify(input: { handle: string; code: string; ctx: RequestContext }): Promise<VerifiedResult>;
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
  /** Ends the flow (user pressed "cancel" / "start again"). */
  cancel(input: { handle: string; ctx: RequestContext }): Promise<void>;
}
