// Factor enrolment, activation, resend, unenrolment and the catalog. Rules: types sms, call, email, push (provider
// OKTA) and token:software:totp (OKTA or GOOGLE); one factor per type+provider (a pending one is replaced; an
// active sms/call is replaced only with updatePhone=true); sms/call/email send a code at enrolment unless
// activate=true; push completes when the emulated phone activates it; unenrolling push also removes the Okta
// Verify TOTP factor, as Okta does; failures count toward the factor lockout (E0000068, then E0000069).
import { errors } from '../errors.js';
import { base62, oktaId } from '../ids.js';
import type { FactorProvider, FactorRecord, FactorType, UserRecord } from './model.js';
import { consumeCode, sendCode } from './otp.js';
import { SECURITY_QUESTIONS, answerViolation, hashAnswer } from './recovery.js';
import { PUSH_ACTIVATION_SECONDS, factorIdPrefix, newFactorRecord, pushDeviceProfile, type OrgState } from './state.js';
import { checkTotp, newTotpSecret } from './totp.js';

export const SUPPORTED: { factorType: FactorType; provider: FactorProvider }[] = [
  { factorType: 'sms', provider: 'OKTA' },
  { factorType: 'call', provider: 'OKTA' },
  { factorType: 'email', provider: 'OKTA' },
  { factorType: 'push', provider: 'OKTA' },
  { factorType: 'token:software:totp', provider: 'OKTA' },
  { factorType: 'token:software:totp', provider: 'GOOGLE' },
  { factorType: 'question', provider: 'OKTA' },
];

const enrollError = (cause: string) => errors.validation('factorEnrollRequest', [cause]);

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * "+1 (555) 555-0100" → "+15555550100"; null when not a valid E.164 number. Without a leading "+", the digits are
 * read as a full international number with its country code, as Okta does for the numbers its own SDK tests enrol
 * ("185 635 15491" → "+18563515491", okta-sdk-java FactorsIT / okta-sdk-nodejs test/it); such a number must then
 * have 11 to 15 digits (a shorter one would be a national number, which Okta's documentation does not describe:
 * refusing it is the stricter choice).
 */
export function normalizePhone(input: unknown): string | null {
  if (typeof input !== 'string') return null;
  const trimmed = input.trim();
  const plus = trimmed.startsWith('+');
  const digits = (plus ? trimmed.slice(1) : trimmed).replace(/[\s\-.()]/g, '');
  if (plus) return /^[1-9]\d{1,14}$/.test(digits) ? `+${digits}` : null;
  return /^[1-9]\d{10,14}$/.test(digits) ? `+${digits}` : null;
}

/** Records a failed code and locks the factor once the seed's attempt limit is reached. */
export function failAttempt(state: OrgState, factor: FactorRecord): never {
  factor.consecutiveFailures++;
  if (factor.consecutiveFailures >= state.factorLockoutAttempts) factor.locked = true;
  throw errors.invalidPasscode();
}

export function enrollFactor(
  state: OrgState,
  user: UserRecord,
  body: Record<string, unknown>,
  opts: { updatePhone: boolean; activate: boolean; tokenLifetimeSeconds: number },
): FactorRecord {
  const factorType = body.factorType;
  const provider = body.provider ?? 'OKTA';
  const kind = SUPPORTED.find((s) => s.factorType === factorType && s.provider === provider);
  if (!kind) {
    throw enrollError(
      typeof factorType === 'string' ? `factorType: The factor type ${factorType} with provider ${String(provider)} is not supported` : 'factorType: The field cannot be left blank',
    );
  }
  if (kind.factorType === 'question') throw new Error('question factors are enrolled with enrollQuestionFactor');
  const profileIn = isPlainObject(body.profile) ? body.profile : {};
  const now = state.clock.now();
  const existing = user.factors.find((f) => f.factorType === kind.factorType && f.provider === kind.provider);
  const replacingPhone = existing?.status === 'ACTIVE' && opts.updatePhone && (kind.factorType === 'sms' || kind.factorType === 'call');
  if (existing?.status === 'ACTIVE' && !replacingPhone) throw enrollError('factorType: A factor of this type is already set up.');

  const factor = newFactorRecord(oktaId(factorIdPrefix(kind.factorType)), user, kind.factorType, kind.provider, now);
  if (kind.factorType === 'sms' || kind.factorType === 'call') {
    const phone = normalizePhone(profileIn.phoneNumber);
    if (!phone) throw errors.invalidPhone();
    factor.profile = { phoneNumber: phone };
    if (kind.factorType === 'call' && typeof profileIn.phoneExtension === 'string' && /^\d{1,15}$/.test(profileIn.phoneExtension)) {
      factor.profile.phoneExtension = profileIn.phoneExtension;
    }
  } else if (kind.factorType === 'email') {
    const email = typeof profileIn.email === 'string' ? profileIn.email : String(user.profile.email ?? '');
    const allowed = [user.profile.email, user.profile.secondEmail].filter((e): e is string => typeof e === 'string').map((e) => e.toLowerCase());
    if (!allowed.includes(email.toLowerCase())) throw enrollError("email: The email must be the user's primary or secondary email address");
    factor.profile = { email };
  } else if (kind.factorType === 'token:software:totp') {
    factor.secret = newTotpSecret();
    factor.profile = { credentialId: String(user.profile.login) };
    factor.qrToken = base62(40);
  } else {
    factor.pushActivationExpiresAt = now + PUSH_ACTIVATION_SECONDS * 1000;
    factor.qrToken = base62(40);
  }

  const canAutoActivate = kind.factorType === 'sms' || kind.factorType === 'call' || kind.factorType === 'email';
  if (canAutoActivate && opts.activate) {
    factor.status = 'ACTIVE';
  } else if (canAutoActivate) {
    sendCode(state, user, factor, 'activate', opts.tokenLifetimeSeconds);
  }
  if (existing) removeFactor(state, user, existing, false);
  user.factors.push(factor);
  user.lastUpdated = now;
  return factor;
}

/**
 * Enrols a security-question factor (Okta's EnrollFactorQuestionRequest: profile {question, answer}). The question
 * must be one of Okta's keys (listSupportedSecurityQuestions) and the answer at least 4 characters
 * (UserFactorSecurityQuestionProfile); the factor is ACTIVE at once, as in EnrollFactorQuestionResponse, and its
 * profile carries the question and its text, never the answer. One per user, like every other type.
 */
export async function enrollQuestionFactor(state: OrgState, user: UserRecord, body: Record<string, unknown>): Promise<FactorRecord> {
  const profileIn = isPlainObject(body.profile) ? body.profile : {};
  const known = SECURITY_QUESTIONS.find((q) => q.question === profileIn.question);
  if (!known) {
    throw enrollError(typeof profileIn.question === 'string' ? 'profile.question: The security question is not supported' : 'profile.question: The field cannot be left blank');
  }
  const bad = answerViolation('profile.answer', profileIn.answer);
  if (bad) throw enrollError(bad);
  const existing = user.factors.find((f) => f.factorType === 'question');
  if (existing?.status === 'ACTIVE') throw enrollError('factorType: A factor of this type is already set up.');
  const answerHash = await hashAnswer(state, profileIn.answer as string);
  const now = state.clock.now();
  const factor = newFactorRecord(oktaId(factorIdPrefix('question')), user, 'question', 'OKTA', now);
  factor.status = 'ACTIVE';
  factor.profile = { question: known.question, questionText: known.questionText };
  factor.answerHash = answerHash;
  if (existing) removeFactor(state, user, existing, false);
  user.factors.push(factor);
  user.lastUpdated = now;
  return factor;
}

export const ACTIVATION_ATTEMPTS = 5;
export const ACTIVATION_WINDOW_MS = 5 * 60_000;

/**
 * POST .../lifecycle/activate. Push factors are finished by the phone, so this only reports their state. A pending
 * factor takes ACTIVATION_ATTEMPTS attempts per ACTIVATION_WINDOW_MS (Okta's factor reference: "5 attempts per 5
 * minutes"), counting every attempt; past that, 429 E0000047 until the oldest attempt leaves the window. A wrong
 * activation code is 403 E0000068 and never locks the factor (the verify lockout is for active factors).
 */
export function activateFactor(state: OrgState, user: UserRecord, factor: FactorRecord, body: Record<string, unknown>): FactorRecord {
  if (factor.status === 'ACTIVE') {
    if (factor.factorType === 'push') return factor;
    throw errors.validation('factor', ['factor: The factor is already active.']);
  }
  if (factor.locked) throw errors.factorLocked();
  const now = state.clock.now();
  if (factor.factorType === 'push') return factor;
  const recent = (factor.activationAttempts ?? []).filter((t) => now - t < ACTIVATION_WINDOW_MS);
  if (recent.length >= ACTIVATION_ATTEMPTS) {
    factor.activationAttempts = recent;
    throw errors.rateLimited();
  }
  factor.activationAttempts = [...recent, now];
  if (factor.factorType === 'token:software:totp') {
    const res = checkTotp(factor.secret ?? '', String(body.passCode ?? ''), now, factor.lastTotpStep);
    if (!res.ok) {
      if (res.reason === 'replay') throw errors.totpReplay();
      throw errors.invalidPasscode();
    }
    factor.lastTotpStep = res.step;
  } else if (!consumeCode(state, factor, body.passCode, 'activate')) {
    throw errors.invalidPasscode();
  }
  factor.activationAttempts = [];
  factor.status = 'ACTIVE';
  factor.consecutiveFailures = 0;
  factor.qrToken = null;
  factor.lastUpdated = now;
  return factor;
}

/** The emulated phone finishing a push enrolment (control API). */
export function phoneActivatePush(state: OrgState, user: UserRecord, factor: FactorRecord): 'ok' | 'not-push' | 'not-pending' | 'expired' {
  if (factor.factorType !== 'push') return 'not-push';
  if (factor.status !== 'PENDING_ACTIVATION') return 'not-pending';
  const now = state.clock.now();
  if (factor.pushActivationExpiresAt !== null && now >= factor.pushActivationExpiresAt) return 'expired';
  factor.status = 'ACTIVE';
  factor.profile = pushDeviceProfile(String(user.profile.login));
  factor.pushActivationExpiresAt = null;
  factor.qrToken = null;
  factor.lastUpdated = now;
  return 'ok';
}

export function resendEnrollCode(state: OrgState, user: UserRecord, factor: FactorRecord, body: Record<string, unknown>, lifetimeSeconds: number): void {
  if (body.factorType !== undefined && body.factorType !== factor.factorType) {
    throw errors.validation('factorType', [`factorType: Does not match the factor (${factor.factorType})`]);
  }
  if (factor.factorType !== 'sms' && factor.factorType !== 'call' && factor.factorType !== 'email') {
    throw errors.validation('factorType', ['factorType: Resend is only supported for sms, call and email factors']);
  }
  if (factor.status !== 'PENDING_ACTIVATION') throw errors.validation('factor', ['factor: The factor is already active.']);
  sendCode(state, user, factor, 'activate', lifetimeSeconds);
}

export function removeFactor(state: OrgState, user: UserRecord, factor: FactorRecord, cascade = true): void {
  const doomed = new Set([factor.id]);
  if (cascade && factor.factorType === 'push') {
    for (const f of user.factors) if (f.factorType === 'token:software:totp' && f.provider === 'OKTA') doomed.add(f.id);
  }
  user.factors = user.factors.filter((f) => !doomed.has(f.id));
  for (const [id, tx] of state.transactions) if (doomed.has(tx.factorId)) state.transactions.delete(id);
  user.lastUpdated = state.clock.now();
}
