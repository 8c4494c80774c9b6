/**
 * The per-session account record and its repository.
 * Rules:
 * - One record per portal session under `account:<sessionId>`; it expires RECORD_TTL after its last write (at
 *   least as long as every lifetime inside it), and each part carries its own expiry times.
 * - It is bound to the user: a record whose userId differs from the session's user is discarded, never used.
 * - It holds Okta ids, transaction ids and phone numbers: nothing in it goes to the browser except through the
 *   api.ts result types (masked).
 * - Loading applies the time-driven transitions (step-up lapse, enrolment ttl) so the steps see the current state.
 */
import type { Clock, RecoveryMethod, Store } from '../ports.js';
import { enrolNext, stepUpNext, type EnrolState, type StepUpState } from './machine.js';
import type { AccountPolicy } from './policy.js';

export interface StepUpRecord {
  state: StepUpState;
  factorId: string | null;
  method: RecoveryMethod | null;
  transactionId: string | null;
  correctAnswer: number | null;
  pushExpiresAt: number | null;
  lastPollAt: number | null;
  /** Wrong codes in the current count window (the user's atomic counter `account-codes:user:<userId>` is the authority). */
  wrongCodes: number;
  verifiedAt: number | null;
  lockedUntil: number | null;
}

export interface EnrolmentRecord {
  state: EnrolState;
  factorId: string | null;
  method: RecoveryMethod | null;
  /** sms / call: the number as the IdP normalised it. */
  phoneNumber: string | null;
  /** Push: the QR image, kept so a reloaded page can show it again. */
  qrDataUri: string | null;
  wrongCodes: number;
  resendAvailableAt: number | null;
  lastPollAt: number | null;
  expiresAt: number | null;
}

export interface AccountRecord {
  sessionId: string;
  userId: string;
  stepUp: StepUpRecord;
  enrolment: EnrolmentRecord;
}

export const accountKey = (sessionId: string): string => `account:${sessionId}`;

export function freshStepUp(): StepUpRecord {
  return {
    state: 'idle',
    factorId: null,
    method: null,
    transactionId: null,
    correctAnswer: null,
    pushExpiresAt: null,
    lastPollAt: null,
    wrongCodes: 0,
    verifiedAt: null,
    lockedUntil: null,
  };
}

export function freshEnrolment(): EnrolmentRecord {
  return {
    state: 'none',
    factorId: null,
    method: null,
    phoneNumber: null,
    qrDataUri: null,
    wrongCodes: 0,
    resendAvailableAt: null,
    lastPollAt: null,
    expiresAt: null,
  };
}

export class AccountRepo {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly policy: AccountPolicy,
  ) {}

  /** How long a record is kept after its last write. */
  get ttlMs(): number {
    const p = this.policy;
    return Math.max(p.stepUpTtlSeconds, p.enrolTtlSeconds, p.lockSeconds, 600) * 1000;
  }

  /** The session's record (a fresh one when there is none or it belongs to another user), with lapses applied. */
  async load(sessionId: string, userId: string): Promise<AccountRecord> {
    const stored = await this.store.get<AccountRecord>(accountKey(sessionId));
    const rec: AccountRecord =
      stored !== null && stored.userId === userId
        ? stored
        : { sessionId, userId, stepUp: freshStepUp(), enrolment: freshEnrolment() };
    this.applyTime(rec);
    return rec;
  }

  async save(rec: AccountRecord): Promise<void> {
    await this.store.set(accountKey(rec.sessionId), rec, this.ttlMs);
  }

  async remove(sessionId: string): Promise<void> {
    await this.store.delete(accountKey(sessionId));
  }

  /** Step-up lapse (verification or lock over) and enrolment expiry. */
  private applyTime(rec: AccountRecord): void {
    const now = this.clock.now();
    const s = rec.stepUp;
    const verifiedOver = s.state === 'verified' && (s.verifiedAt === null || now >= s.verifiedAt + this.policy.stepUpTtlSeconds * 1000);
    const lockOver = s.state === 'locked' && (s.lockedUntil === null || now >= s.lockedUntil);
    if (verifiedOver || lockOver) rec.stepUp = { ...freshStepUp(), state: stepUpNext(s.state, 'lapse') };
    const e = rec.enrolment;
    const pending = e.state === 'code-sent' || e.state === 'totp-pending' || e.state === 'push-pending';
    if (pending && (e.expiresAt === null || now >= e.expiresAt)) e.state = enrolNext(e.state, 'ttl');
  }
}
