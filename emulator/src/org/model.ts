// The emulated org's in-memory records. Rules: plain data only (no behaviour), times are virtual epoch ms, secrets
// (password hashes, TOTP secrets, pending OTP codes) live here and are only ever exposed through the control API.
import type { UserStatus } from '../seed/schema.js';

export type { UserStatus };
export type FactorType = 'sms' | 'call' | 'email' | 'push' | 'token:software:totp' | 'question';
export type FactorProvider = 'OKTA' | 'GOOGLE';
export type FactorStatus = 'ACTIVE' | 'PENDING_ACTIVATION';

export interface PendingCode {
  code: string;
  expiresAt: number;
  purpose: 'verify' | 'activate';
}

export interface FactorRecord {
  id: string;
  userId: string;
  factorType: FactorType;
  provider: FactorProvider;
  status: FactorStatus;
  created: number;
  lastUpdated: number;
  profile: Record<string, string>;
  /** base32 TOTP secret (token:software:totp only). */
  secret: string | null;
  lastTotpStep: number | null;
  /** The code sent by the last sms/call/email challenge or enrolment, if still usable. */
  pending: PendingCode | null;
  consecutiveFailures: number;
  locked: boolean;
  /** Times of the activation attempts of a pending factor (Okta allows 5 per 5 minutes). */
  activationAttempts?: number[];
  /** Push enrolment: when the activation expires and whether the emulated phone has finished it. */
  pushActivationExpiresAt: number | null;
  /** Opaque token in the qrcode link of a pending TOTP or push enrolment. */
  qrToken: string | null;
  /** Hash of the normalised answer of a security-question factor (org/recovery.ts). */
  answerHash?: string;
}

export interface UserRecord {
  id: string;
  status: UserStatus;
  created: number;
  activated: number | null;
  statusChanged: number | null;
  lastLogin: number | null;
  lastUpdated: number;
  passwordChanged: number | null;
  profile: Record<string, unknown>;
  passwordHash: string | null;
  /** Hashes of recent passwords, newest first, including the current one. */
  passwordHistory: string[];
  mfaRequired: boolean;
  /** Names of the Okta groups the user belongs to (the ID token's `groups` claim). */
  groups: string[];
  factors: FactorRecord[];
  failedLogins: number;
  sessions: Set<string>;
  recoveryToken: string | null;
  /** The recovery question credential (credentials.recovery_question): the question, and a hash of the answer. */
  recoveryQuestion?: { question: string; answerHash: string } | null;
}

export type PushStatus = 'WAITING' | 'SUCCESS' | 'REJECTED' | 'TIMEOUT';

export interface PushTransaction {
  id: string;
  userId: string;
  factorId: string;
  createdAt: number;
  expiresAt: number;
  status: PushStatus;
  correctAnswer: number | null;
  numberChoices: number[] | null;
}

export interface OutboxMessage {
  id: string;
  channel: 'sms' | 'call' | 'email';
  to: string;
  text: string;
  code: string | null;
  userId: string;
  login: string;
  factorId: string | null;
  sentAt: string;
}

/** A message the emulator's SMTP listener received (the portal's notifications), as the mailbox shows it. */
export interface ReceivedMail {
  id: string;
  from: string;
  /** Every recipient of the envelope. */
  to: string[];
  subject: string;
  text: string;
  /** The HTML part as sent (the phone page never renders it as markup), or null. */
  html: string | null;
  /** Links found in the text part (the mailbox shows them as links). */
  links: string[];
  receivedAt: string;
}

export function userLogin(user: UserRecord): string {
  return String(user.profile.login ?? '');
}

/** An Okta group: the built-in Everyone (every user, computed) or a seeded OKTA_GROUP with its members' ids. */
export interface GroupRecord {
  id: string;
  type: 'BUILT_IN' | 'OKTA_GROUP';
  name: string;
  description: string;
  created: number;
  lastUpdated: number;
  lastMembershipUpdated: number;
  /** User ids (unused for BUILT_IN Everyone, whose members are every user). */
  members: Set<string>;
}
