/**
 * The recovery service's public surface: what the HTTP layer (pages and JSON API) calls.
 * A flow is addressed by an opaque handle (the flow cookie's value); everything else about the
 * flow (Okta ids, transaction ids, the user's real status) stays in the store.
 */
import type { RecoveryMethod, RequestContext } from '../ports.js';

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

export type ChallengeResult =
  | { kind: 'code-sent'; method: 'sms' | 'call'; resendAfterSeconds: number }
  | { kind: 'push-waiting'; correctAnswer: number | null; expiresAt: number }
  | { kind: 'code-ready'; method: 'google-authenticator' | 'okta-verify-code' };

export interface VerifiedResult {
  /** The one-time token that opens the change-password step. Shown once; only its hash is stored. */
  ott: string;
  expiresAt: number;
}

export type StatusResult =
  | { state: 'started' }
  | { state: 'code-sent'; method: RecoveryMethod; resendAfterSeconds: number }
  | { state: 'code-ready'; method: RecoveryMethod }
  | { state: 'waiting'; correctAnswer: number | null; expiresAt: number }
  | { state: 'verified'; ott: string; expiresAt: number }
  | { state: 'rejected' }
  | { state: 'expired' }
  | { state: 'completed' };

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
  /** Ends the flow (user pressed "cancel" / "start again"). */
  cancel(input: { handle: string; ctx: RequestContext }): Promise<void>;
}
