/**
 * Ports: everything the core needs from the outside world, as interfaces.
 * The core imports nothing but this file's types and its own modules; adapters (okta/, store/, http/)
 * implement these. test/architecture.test.ts enforces the rule.
 */

/** Wall clock in epoch milliseconds, and a way to wait (virtual in tests). */
export interface Clock {
  now(): number;
  sleep(ms: number): Promise<void>;
}

/** Cryptographically secure randomness. */
export interface Random {
  bytes(n: number): Uint8Array;
  /** Uniform integer in [0, maxExclusive). */
  int(maxExclusive: number): number;
}

/**
 * The verification methods a user may pick. Okta types: sms, call, email, push, token:software:totp (GOOGLE / OKTA).
 * `email` (Okta's email factor) is weaker than the others (a mailbox is often taken over with the same password the
 * user is recovering) and is off unless the operator lists it: DEFAULT_RECOVERY_METHODS leaves it out.
 */
export const RECOVERY_METHODS = ['sms', 'call', 'email', 'push', 'google-authenticator', 'okta-verify-code'] as const;
export type RecoveryMethod = (typeof RECOVERY_METHODS)[number];
/** The methods enabled when the operator lists none: every method but email. */
export const DEFAULT_RECOVERY_METHODS: readonly RecoveryMethod[] = RECOVERY_METHODS.filter((m) => m !== 'email');
/** The methods that send a one-time code through the IdP (SMS, voice call, email). */
export type SentCodeMethod = 'sms' | 'call' | 'email';
export const isSentCodeMethod = (m: RecoveryMethod | null): m is SentCodeMethod => m === 'sms' || m === 'call' || m === 'email';

/** Okta user statuses (UserStatus in Okta's spec). Unknown strings are kept, never trusted. */
export type UserStatus =
  | 'ACTIVE'
  | 'PASSWORD_EXPIRED'
  | 'RECOVERY'
  | 'LOCKED_OUT'
  | 'SUSPENDED'
  | 'DEPROVISIONED'
  | 'STAGED'
  | 'PROVISIONED'
  | (string & {});

export interface IdpUser {
  id: string;
  login: string;
  status: UserStatus;
  /** ISO timestamp of the last password change, when the IdP reports it. */
  passwordChanged: string | null;
  /** The primary email of the profile (where notifications go), when the IdP's answer has one. */
  email?: string | null;
}

export interface IdpFactor {
  id: string;
  /** The recovery method this factor serves, or null for factors the portal does not use (email, question ...). */
  method: RecoveryMethod | null;
  status: string; // ACTIVE, PENDING_ACTIVATION, ...
  /** E.164 phone number for sms / call factors. Never sent to the browser unmasked. */
  phoneNumber?: string;
  /** The address of an email factor. Never sent to the browser unmasked. */
  email?: string;
}

/** An IdP group the user belongs to (Okta's Group: id and profile.name). */
export interface IdpGroup {
  id: string;
  name: string;
}

/** Who is asking: forwarded to the IdP (push context) and used by limits and audit. */
export interface RequestContext {
  ip: string;
  userAgent: string;
  requestId: string;
  /** The page language of the request (a catalogue language such as "en"), for messages sent later. */
  language?: string;
}

export type PushResult = 'waiting' | 'approved' | 'rejected' | 'timeout';

export interface PushStart {
  /** Opaque IdP transaction id; stays on the server. */
  transactionId: string;
  /** Number the user must pick on the phone (number matching), when the IdP gave one. */
  correctAnswer: number | null;
  /** Epoch ms when the IdP will give up on this push. */
  expiresAt: number;
}

/**
 * The identity provider (Okta). Every method may throw a PortalError:
 * IDP_UNAVAILABLE (timeout, 5xx, network, circuit open), RATE_LIMITED (with retryAfterSeconds),
 * INVALID_CODE, FACTOR_LOCKED, RESEND_TOO_SOON (with retryAfterSeconds), PASSWORD_POLICY (with causes).
 */
export interface IdentityProvider {
  /** Exact login lookup; null when no such user. Never resolves `me` or other aliases (the adapter refuses them). */
  findUser(login: string): Promise<IdpUser | null>;
  listFactors(userId: string): Promise<IdpFactor[]>;
  /** The groups the user belongs to (one call; used only when the operator wrote group rules). */
  listGroups(userId: string): Promise<IdpGroup[]>;
  /** Sends an SMS, voice or email code (empty-body verify). */
  sendChallenge(userId: string, factorId: string, ctx: RequestContext): Promise<void>;
  /** Checks a passcode (sms, call, email, totp). Resolves on success; throws INVALID_CODE / FACTOR_LOCKED otherwise. */
  verifyPasscode(userId: string, factorId: string, code: string, ctx: RequestContext): Promise<void>;
  /** Starts an Okta Verify push with number matching. */
  startPush(userId: string, factorId: string, ctx: RequestContext): Promise<PushStart>;
  pollPush(userId: string, factorId: string, transactionId: string): Promise<PushResult>;
  /** Withdraws a pending push (the phone stops asking). A push that is already over is not an error. */
  cancelPush(userId: string, factorId: string, transactionId: string): Promise<void>;
  /** Admin set-password with history checks (strict=true). Throws PASSWORD_POLICY with the IdP's causes. */
  setPassword(userId: string, password: string): Promise<void>;
  /**
   * Whether the user's password was changed after `since` (IdpUser.passwordChanged as read earlier; null = any
   * change counts). Used to reconcile a password write whose outcome is unknown (REL-6). A read: safe to repeat.
   */
  passwordChangedSince(userId: string, since: string | null): Promise<boolean>;
  unlockUser(userId: string): Promise<void>;
  /** Ends the user's IdP sessions (sign out everywhere). */
  revokeSessions(userId: string): Promise<void>;
  /** Suspends the user (Okta lifecycle/suspend): after a "This wasn't me" report, when the operator chose it. */
  suspendUser(userId: string): Promise<void>;
}

/** A password-strength estimate: 0 (too guessable) to 4 (very unguessable), given words the password should avoid. */
export interface PasswordStrength {
  score(password: string, userInputs: readonly string[]): Promise<number>;
}

/** A factor with what the account page shows (IdpFactor plus Okta's type and provider). */
export interface IdpFactorDetail extends IdpFactor {
  /** Okta factorType (sms, call, push, token:software:totp, email, question ...). */
  factorType: string;
  /** Okta provider (OKTA, GOOGLE ...). */
  provider: string;
}

/** A factor just enrolled, waiting for activation, with what the user needs to activate it. */
export type PendingEnrolment =
  /** SMS / voice: the IdP sent the first code to `phoneNumber` (as the IdP normalised it). */
  | { method: 'sms' | 'call'; factorId: string; phoneNumber: string }
  /** Authenticator apps: the shared secret (base32) and the otpauth:// key URI built from it. */
  | { method: 'google-authenticator' | 'okta-verify-code'; factorId: string; sharedSecret: string; otpauthUri: string }
  /** Okta Verify push: the activation QR image as a data: URI (null when the IdP gave none), and its expiry. */
  | { method: 'push'; factorId: string; qrDataUri: string | null; expiresAt: number | null };

/** Where a push enrolment stands at the IdP. */
export type PushActivation = 'waiting' | 'active' | 'expired';

/**
 * What the account service (signed-in self-service) needs from the identity provider: the recovery's challenge
 * and verify calls (step-up) plus the Factors API's lifecycle and the user's own password change. Every method may
 * throw the PortalErrors listed on IdentityProvider, and:
 * enrollFactor INVALID_PHONE_NUMBER / FACTOR_EXISTS; activateFactor INVALID_CODE; changePassword
 * WRONG_CURRENT_PASSWORD / PASSWORD_POLICY (with causes). A factor the IdP no longer knows is NOT_FOUND.
 */
export interface AccountIdentityProvider
  extends Pick<IdentityProvider, 'sendChallenge' | 'verifyPasscode' | 'startPush' | 'pollPush'> {
  /** Every factor of the user, whatever its type or status, with type, provider and profile details. */
  getFactors(userId: string): Promise<IdpFactorDetail[]>;
  /**
   * Enrols a factor (PENDING_ACTIVATION). sms/call need `phoneNumber` (E.164) and get the first code at once;
   * authenticator apps get an otpauth:// URI labelled `totpLabel` under `totpIssuer`.
   */
  enrollFactor(
    userId: string,
    method: RecoveryMethod,
    opts: { phoneNumber?: string; totpIssuer?: string; totpLabel?: string },
  ): Promise<PendingEnrolment>;
  /** Activates a pending sms / call / totp factor with a code; resolves with the now ACTIVE factor. */
  activateFactor(userId: string, factorId: string, passCode: string): Promise<IdpFactorDetail>;
  /** Sends the activation code of a pending sms / call factor again (Okta's 30 s window applies). */
  resendEnrollment(userId: string, factorId: string, method: 'sms' | 'call', phoneNumber: string): Promise<void>;
  /** Reads where a pending push enrolment stands (one GET, no waiting). */
  pollPushActivation(userId: string, factorId: string): Promise<PushActivation>;
  /** Removes a factor (any status). */
  unenrollFactor(userId: string, factorId: string): Promise<void>;
  /** The user's own password change: the current password is checked by the IdP (strict: history, min age). */
  changePassword(userId: string, oldPassword: string, newPassword: string): Promise<void>;
}

/**
 * The portal's own sign-in sessions (src/auth), as far as the core needs them: a password reset or change ends the
 * user's earlier portal sessions (issue 11, item 8).
 */
export interface PortalSessions {
  /** Ends every portal session of `userId` created up to now, except the one whose sid is `keepSessionId`. */
  endUserSessions(userId: string, keepSessionId: string | null): Promise<void>;
}

/**
 * Key-value store with TTLs and the atomic primitives the flows need.
 * Implementations: memory (tests), SQLite (embedded default), Redis (several instances).
 */
export interface Store {
  get<T>(key: string): Promise<T | null>;
  /** Sets a value that expires after ttlMs. */
  set<T>(key: string, value: T, ttlMs: number): Promise<void>;
  delete(key: string): Promise<void>;
  /** Atomically reads and deletes: of two concurrent takes, exactly one gets the value. */
  take<T>(key: string): Promise<T | null>;
  /** Atomically increments a counter in a fixed window that starts at the first increment. */
  increment(key: string, windowMs: number): Promise<{ count: number; resetAt: number }>;
  /**
   * Several `increment`s in one round trip, in order, each atomic as `increment` is. Stops after the first counter
   * whose count exceeds its `max` (the later ones are not counted), so the result may be shorter than `hits`.
   */
  incrementEach(hits: readonly CounterHit[]): Promise<CounterValue[]>;
  /**
   * Several `set`s in one round trip, applied in order and together (a TTL of 0 or less deletes that key). On a Redis
   * Cluster, keys in different hash slots are written one part after the other (each part together), so a failure
   * midway leaves the earlier writes: put the write that must come first first.
   */
  setEach(writes: readonly StoreWrite[]): Promise<void>;
}

export interface CounterValue {
  count: number;
  resetAt: number;
}

export interface CounterHit {
  key: string;
  windowMs: number;
  /** Stop after this counter when its count goes over max (absent: never stop here). */
  max?: number;
}

export interface StoreWrite {
  key: string;
  value: unknown;
  ttlMs: number;
}

export type AuditOutcome = 'success' | 'failure' | 'denied' | 'rate_limited' | 'error';

/** A structured audit event. Never carries a password, code, ott, cookie or token. */
export interface AuditEvent {
  at: number;
  action: string; // e.g. recovery.start, recovery.challenge, recovery.verify, recovery.password
  outcome: AuditOutcome;
  login: string | null;
  userId: string | null;
  method: RecoveryMethod | null;
  ip: string;
  requestId: string;
  detail?: string;
}

export interface AuditSink {
  record(event: AuditEvent): Promise<void> | void;
}

/** The channels through which the portal makes the IdP reach a user's device. */
export type SendChannel = 'sms' | 'call' | 'email' | 'push';

/**
 * Told once for every SMS, voice call or push the IdP was asked to send (after the IdP accepted the request); never
 * for a decoy or a send a budget held back. For metrics (sends per channel, toll-fraud alerts); it must not throw.
 */
export interface SendObserver {
  sent(channel: SendChannel): void;
}

/** What happened to an account, for the message that tells its owner (issue 14, item 4). */
export const SECURITY_EVENTS = ['password-reset', 'password-changed', 'account-unlocked', 'factor-added', 'factor-removed'] as const;
export type SecurityEventKind = (typeof SECURITY_EVENTS)[number];

export interface SecurityNotice {
  kind: SecurityEventKind;
  userId: string;
  login: string;
  /** The user's primary email from the IdP profile (already read by the flow; null when unknown: nothing is sent). */
  email: string | null;
  /** Epoch ms of the event. */
  at: number;
  /** Who did it: the request's address and browser, and the page language the message is written in. */
  ctx: RequestContext;
  /** The method added or removed (factor events). */
  method?: RecoveryMethod | null;
}

/**
 * Tells the user about security-relevant events through a channel other than the portal. It must return quickly and
 * never fail the user's flow: sending happens later (the adapter queues and retries); the core still catches a throw.
 */
export interface Notifier {
  notify(notice: SecurityNotice): Promise<void> | void;
}

/**
 * Known-breached passwords (NIST SP 800-63B §5.1.1.2): a corpus the adapter queries without disclosing the password
 * (k-anonymity range query, or a local sorted file). Resolves true when the password is in the corpus; throws when
 * it cannot tell (timeout, unreachable, malformed answer, unreadable file): the core then applies fail-open/closed.
 */
export interface BreachedPasswords {
  isBreached(password: string): Promise<boolean>;
}

/** One hour's count of audit events with the same action, outcome, method and tag (see src/audit: auditTag). */
export interface AuditCountRow {
  /** Start of the hour (epoch ms, UTC). */
  hour: number;
  action: string;
  outcome: AuditOutcome;
  method: string | null;
  tag: string;
  count: number;
}

/** The audit store's hourly counts (insights): hours starting in [since, until). */
export interface AuditCounts {
  counts(q: { since: number; until: number }): Promise<AuditCountRow[]>;
}
