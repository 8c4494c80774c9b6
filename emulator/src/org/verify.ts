// Factor verification and push transactions. Rules: only users in ACTIVE, PASSWORD_EXPIRED, RECOVERY or LOCKED_OUT
// may verify (others: 400 E0000001, documented deviation); only ACTIVE, unlocked factors verify; sms/call/email
// with no passCode issue a challenge, with one check it; TOTP checks ±1 step and refuses replays (E0000082); push
// opens a WAITING transaction that the phone approves or rejects and that times out at expiresAt (virtual time).
import { randomInt } from 'node:crypto';
import { OktaError, errors } from '../errors.js';
import { transactionId } from '../ids.js';
import type { FactorRecord, PushTransaction, UserRecord } from './model.js';
import { failAttempt } from './factors.js';
import { consumeCode, sendCode } from './otp.js';
import { answerMatches } from './recovery.js';
import type { OrgState } from './state.js';
import { checkTotp } from './totp.js';

const VERIFIABLE = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY', 'LOCKED_OUT']);
const TX_RETENTION_MS = 3_600_000;

export type VerifyOutcome =
  | { kind: 'challenge' }
  | { kind: 'success' }
  | { kind: 'push'; tx: PushTransaction };

/**
 * Verifies a security-question factor with {answer} (Okta's UserFactorVerifySecurityQuestionRequest): compared
 * case-insensitively; a wrong or missing answer is 403 E0000068 and counts toward the factor lockout, like a wrong
 * code. Same user and factor checks as verifyFactor.
 */
export async function verifyQuestion(state: OrgState, user: UserRecord, factor: FactorRecord, body: Record<string, unknown>): Promise<VerifyOutcome> {
  assertVerifiable(user, factor);
  if (!(await answerMatches(body.answer, factor.answerHash))) {
    factor.consecutiveFailures++;
    if (factor.consecutiveFailures >= state.factorLockoutAttempts) factor.locked = true;
    throw new OktaError(403, 'E0000068', 'Invalid Passcode/Answer', ["Your answer doesn't match our records. Please try again."]);
  }
  factor.consecutiveFailures = 0;
  return { kind: 'success' };
}

function assertVerifiable(user: UserRecord, factor: FactorRecord): void {
  if (!VERIFIABLE.has(user.status)) {
    throw errors.validation('user', [`status: Factors cannot be verified for a user with status ${user.status}`]);
  }
  if (factor.status !== 'ACTIVE') throw errors.validation('factor', ['factor: The factor is not active.']);
  if (factor.locked) throw errors.factorLocked();
}

export function verifyFactor(
  state: OrgState,
  user: UserRecord,
  factor: FactorRecord,
  body: Record<string, unknown>,
  lifetimeSeconds: number,
): VerifyOutcome {
  assertVerifiable(user, factor);
  const passCode = body.passCode;
  const now = state.clock.now();

  switch (factor.factorType) {
    case 'sms':
    case 'call':
    case 'email':
      if (passCode === undefined || passCode === null || passCode === '') {
        sendCode(state, user, factor, 'verify', lifetimeSeconds);
        return { kind: 'challenge' };
      }
      if (!consumeCode(state, factor, passCode, 'verify')) failAttempt(state, factor);
      break;
    case 'token:software:totp': {
      const res = checkTotp(factor.secret ?? '', typeof passCode === 'string' ? passCode : '', now, factor.lastTotpStep);
      if (!res.ok) {
        if (res.reason === 'replay') throw errors.totpReplay();
        failAttempt(state, factor);
      }
      factor.lastTotpStep = res.step;
      break;
    }
    case 'question':
      throw new Error('question factors are verified with verifyQuestion');
    case 'push':
      return { kind: 'push', tx: startPush(state, user, factor, body.useNumberMatchingChallenge === true, lifetimeSeconds) };
  }
  factor.consecutiveFailures = 0;
  return { kind: 'success' };
}

function numberChoices(correct: number): number[] {
  const set = new Set([correct]);
  while (set.size < 3) set.add(randomInt(10, 100));
  const list = [...set];
  for (let i = list.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [list[i], list[j]] = [list[j] as number, list[i] as number];
  }
  return list;
}

function startPush(state: OrgState, user: UserRecord, factor: FactorRecord, numberMatching: boolean, lifetimeSeconds: number): PushTransaction {
  const now = state.clock.now();
  for (const [id, t] of state.transactions) if (now > t.expiresAt + TX_RETENTION_MS) state.transactions.delete(id);
  const correctAnswer = numberMatching ? randomInt(10, 100) : null;
  const tx: PushTransaction = {
    id: transactionId(),
    userId: user.id,
    factorId: factor.id,
    createdAt: now,
    expiresAt: now + lifetimeSeconds * 1000,
    status: 'WAITING',
    correctAnswer,
    numberChoices: correctAnswer === null ? null : numberChoices(correctAnswer),
  };
  state.transactions.set(tx.id, tx);
  return tx;
}

/** Current status of a transaction, turning WAITING into TIMEOUT once expired. */
export function refreshTransaction(state: OrgState, tx: PushTransaction): PushTransaction {
  if (tx.status === 'WAITING' && state.clock.now() >= tx.expiresAt) tx.status = 'TIMEOUT';
  return tx;
}

export function findTransaction(state: OrgState, userId: string, factorId: string, txId: string): PushTransaction {
  const tx = state.transactions.get(txId);
  if (!tx || tx.userId !== userId || tx.factorId !== factorId) throw errors.transactionNotFound();
  return refreshTransaction(state, tx);
}

/** The phone's answer. Under number matching a missing or wrong answer rejects the push. */
export function answerPush(state: OrgState, tx: PushTransaction, approve: boolean, answer: unknown): 'SUCCESS' | 'REJECTED' {
  const ok = approve && (tx.correctAnswer === null || answer === tx.correctAnswer);
  tx.status = ok ? 'SUCCESS' : 'REJECTED';
  return tx.status;
}
