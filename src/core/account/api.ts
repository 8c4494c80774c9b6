/**
 * The account service's public surface: what the HTTP layer calls for a signed-in user's "My security methods"
 * page. The caller (HTTP) has already authenticated the user through OIDC; `userId` comes from the server-side
 * session, never from the browser. Okta factor ids are opaque to the browser except as the `id` of a FactorView,
 * which is always checked to belong to the session's user before use.
 *
 * Sensitive actions (enrol, remove, change password) need a fresh step-up verification with an existing factor
 * when the user has one: `stepUp*` calls; the result is recorded in the account session state and expires after
 * the policy's step-up lifetime.
 */
import type { RecoveryMethod, RequestContext } from '../ports.js';
import type { EnrolState, StepUpState } from './machine.js';

export type FactorKind = RecoveryMethod | 'email' | 'other';

export interface FactorView {
  id: string;
  kind: FactorKind;
  /** Okta factorType and provider, for display (e.g. "token:software:totp", "GOOGLE"). */
  factorType: string;
  provider: string;
  /** ACTIVE, PENDING_ACTIVATION, ... */
  status: string;
  /** Masked phone number or e-mail; never the full value. */
  hint?: string;
}

export type EnrolmentStart =
  | { kind: 'code-sent'; method: 'sms' | 'call'; resendAfterSeconds: number; hint: string }
  /** TOTP: the portal renders the QR code from `otpauthUri` and shows `secret` as text. */
  | { kind: 'totp'; method: 'google-authenticator' | 'okta-verify-code'; secret: string; otpauthUri: string }
  /** Push: the QR image (PNG, as a data: URI fetched server-side from Okta) to scan with Okta Verify. */
  | { kind: 'push'; qrDataUri: string | null; expiresAt: number };

export type EnrolmentStatus = { state: 'pending' | 'active' | 'expired' };

export type StepUpStartResult =
  | { kind: 'code-sent'; resendAfterSeconds: number }
  | { kind: 'code-ready' }
  | { kind: 'push-waiting'; correctAnswer: number | null; expiresAt: number };

export type StepUpStatusResult =
  | { state: 'waiting'; correctAnswer: number | null; expiresAt: number }
  /** `expiresAt`: when the verification stops allowing sensitive actions. */
  | { state: 'verified'; expiresAt: number }
  | { state: 'rejected' | 'expired' };

/** Where the session's step-up and enrolment stand, so a reloaded page can render the right step. No secrets. */
export interface AccountSessionView {
  stepUp: {
    state: StepUpState;
    /** The factor being (or last) used for step-up, when one was chosen. */
    factorId: string | null;
    method: RecoveryMethod | null;
    /** verified: until when; push-waiting: the push's expiry; locked: until when; otherwise null. */
    expiresAt: number | null;
    correctAnswer: number | null;
  };
  enrolment: {
    state: EnrolState;
    method: RecoveryMethod | null;
    /** Masked phone number of a pending sms / call enrolment. */
    hint: string | null;
    resendAfterSeconds: number;
    /** Push: the activation QR image (data: URI) while pending. TOTP secrets are never kept: restart to see one. */
    qrDataUri: string | null;
    expiresAt: number | null;
  };
}

/** A session-scoped context: who is signed in, and the session key that step-up and enrolment state hang off. */
export interface AccountContext {
  userId: string;
  login: string;
  /** The signed-in user's email (the ID token's email claim), where notifications go; null/absent: none sent. */
  email?: string | null;
  sessionId: string;
  ctx: RequestContext;
}

export interface AccountService {
  listFactors(a: AccountContext): Promise<FactorView[]>;
  /** Whether a sensitive action may proceed now (fresh step-up, or the user has no factor to step up with). */
  stepUpSatisfied(a: AccountContext): Promise<boolean>;
  /** Starts a step-up verification with one of the user's active factors. */
  stepUpStart(a: AccountContext, factorId: string): Promise<StepUpStartResult>;
  stepUpVerify(a: AccountContext, code: string): Promise<void>;
  /** Push step-up: polls (throttled) and records success. */
  stepUpStatus(a: AccountContext): Promise<StepUpStatusResult>;
  /** Enrol a new factor (requires step-up when the user has any active factor). phoneNumber in E.164 for sms/call. */
  enrolStart(a: AccountContext, method: RecoveryMethod, opts?: { phoneNumber?: string }): Promise<EnrolmentStart>;
  /** Activates the pending enrolment with its first code (sms, call, totp). */
  enrolActivate(a: AccountContext, code: string): Promise<FactorView>;
  /** Resend the activation code (sms, call) with Okta's cooldown. */
  enrolResend(a: AccountContext): Promise<{ resendAfterSeconds: number }>;
  /** Push enrolment: follows the activation until active or expired. */
  enrolStatus(a: AccountContext): Promise<EnrolmentStatus>;
  enrolCancel(a: AccountContext): Promise<void>;
  /**
   * Removes one of the user's factors (requires step-up). The last method that can recover the account is removed
   * only with `confirmLastRecovery` (LAST_RECOVERY_METHOD otherwise, nothing removed).
   */
  removeFactor(a: AccountContext, factorId: string, opts?: { confirmLastRecovery?: boolean }): Promise<void>;
  /** Changes the password: the current one is required (Okta's change-password call; requires step-up). */
  changePassword(a: AccountContext, input: { currentPassword: string; newPassword: string; confirmPassword: string }): Promise<void>;
  /** Where step-up and enrolment stand for this session (read-only, no IdP call). */
  session(a: AccountContext): Promise<AccountSessionView>;
}
