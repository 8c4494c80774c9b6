/**
 * Enrolment of a new factor by the signed-in user.
 * Rules:
 * - The method must be one the operator enabled for enrolment (METHOD_NOT_AVAILABLE), and one the user does not
 *   already have ACTIVE (FACTOR_EXISTS: Okta allows one factor per type and provider).
 * - Starting needs a fresh step-up when the user has an active factor (requireStepUp); activating, resending and
 *   following a pending enrolment do not (they finish what the step-up allowed).
 * - sms / call: the number must be E.164 after removing spaces, dots, dashes and parentheses
 *   (INVALID_PHONE_NUMBER, before any IdP call); the IdP sends the first code at enrolment, under the same resend
 *   cooldown and send budgets as every other send (send.ts); resend is for `code-sent` only.
 * - Authenticator apps: the shared secret and the otpauth:// URI go to the caller once (never stored here).
 * - Push: the QR image (data: URI) is kept in the session record so a reloaded page can show it; activation is
 *   read from the IdP at most once per pushPollIntervalSeconds until active or expired.
 * - Activation codes: an attempt is taken from `account-enrol-codes:<sessionId>:<factorId>` before the IdP is
 *   asked; the attempt reaching maxWrongCodes closes the enrolment (locked: start again for a new code).
 * - A pending enrolment lives enrolTtlSeconds (a push one no longer than the IdP's activation); cancelling one
 *   removes the pending factor at the IdP (best effort); an ACTIVE factor is never removed by a cancel.
 */
import { PortalError, isPortalError } from '../../errors.js';
import { maskPhone } from '../../mask.js';
import { RECOVERY_METHODS, type IdpFactorDetail, type PushActivation } from '../../ports.js';
import type { AccountContext, EnrolmentStart, EnrolmentStatus, FactorView } from '../api.js';
import { appendDetail, countAttempt, notifyUser, secondsUntil, type AccountEnv, type AuditNote } from '../env.js';
import { toView } from '../factors.js';
import { assertEnrol, enrolNext, type EnrolEvent } from '../machine.js';
import { freshEnrolment, type AccountRecord } from '../record.js';
import { guardedSend } from '../../send-guard.js';
import { cleanCode } from './send.js';
import { requireStepUp } from './step-up.js';

const E164 = /^\+[1-9]\d{6,14}$/;

/** E.164 after removing common separators, or INVALID_PHONE_NUMBER. */
export function normalisePhone(raw: unknown): string {
  const phone = typeof raw === 'string' && raw.length <= 40 ? raw.replace(/[\s().-]/g, '') : '';
  if (!E164.test(phone)) throw new PortalError('INVALID_PHONE_NUMBER', { detail: 'not E.164' });
  return phone;
}

const enrolCodesKey = (sessionId: string, factorId: string): string => `account-enrol-codes:${sessionId}:${factorId}`;

function pending(rec: AccountRecord): boolean {
  const s = rec.enrolment.state;
  return s === 'code-sent' || s === 'totp-pending' || s === 'push-pending';
}

export async function enrolStart(
  env: AccountEnv,
  a: AccountContext,
  rec: AccountRecord,
  rawMethod: unknown,
  opts: { phoneNumber?: unknown },
  note: AuditNote,
): Promise<EnrolmentStart> {
  const method = RECOVERY_METHODS.find((m) => m === rawMethod);
  if (method === undefined || !env.policy.methods.includes(method)) throw new PortalError('METHOD_NOT_AVAILABLE');
  note.method = method;
  const phone = method === 'sms' || method === 'call' ? normalisePhone(opts.phoneNumber) : null;
  const event: EnrolEvent = phone !== null ? 'start-sms-call' : method === 'push' ? 'start-push' : 'start-totp';
  assertEnrol(rec.enrolment.state, event);

  const factors = await env.idp.getFactors(a.userId);
  requireStepUp(rec, factors, note);
  if (factors.some((f) => f.method === method && f.status === 'ACTIVE')) {
    throw new PortalError('FACTOR_EXISTS', { detail: `an active ${method} factor exists` });
  }
  await countAttempt(env, a);
  if (pending(rec)) note.detail = appendDetail(note.detail, 'replaces a pending enrolment');

  const now = env.clock.now();
  const e = { ...freshEnrolment(), method, expiresAt: now + env.policy.enrolTtlSeconds * 1000 };
  let result: EnrolmentStart;
  if (phone !== null) {
    const m = method as 'sms' | 'call';
    let factorId = '';
    let normalised = phone;
    const sent = await guardedSend(env, {
      method: m,
      requester: phone,
      phone,
      send: async () => {
        const p = await env.idp.enrollFactor(a.userId, m, { phoneNumber: phone });
        factorId = p.factorId;
        if (p.method === 'sms' || p.method === 'call') normalised = p.phoneNumber;
      },
    });
    e.resendAvailableAt = sent.next;
    e.factorId = factorId;
    e.phoneNumber = normalised;
    result = { kind: 'code-sent', method: m, resendAfterSeconds: env.policy.resendCooldownSeconds, hint: maskPhone(normalised) };
  } else {
    const p = await env.idp.enrollFactor(a.userId, method, { totpIssuer: env.policy.totpIssuer, totpLabel: a.login });
    e.factorId = p.factorId;
    if (p.method === 'push') {
      if (p.expiresAt !== null) e.expiresAt = Math.min(e.expiresAt, p.expiresAt);
      e.qrDataUri = p.qrDataUri;
      e.lastPollAt = now;
      if (p.qrDataUri === null) note.detail = appendDetail(note.detail, 'no QR code from the IdP');
      result = { kind: 'push', qrDataUri: p.qrDataUri, expiresAt: e.expiresAt };
    } else if (p.method === 'google-authenticator' || p.method === 'okta-verify-code') {
      result = { kind: 'totp', method: p.method, secret: p.sharedSecret, otpauthUri: p.otpauthUri };
    } else {
      throw new PortalError('IDP_UNAVAILABLE', { detail: `IdP answered a ${p.method} enrolment for ${method}` });
    }
  }
  e.state = enrolNext(rec.enrolment.state, event);
  rec.enrolment = e;
  note.detail = appendDetail(note.detail, 'enrolment started');
  await env.records.save(rec);
  return result;
}

export async function enrolActivate(
  env: AccountEnv,
  a: AccountContext,
  rec: AccountRecord,
  rawCode: unknown,
  note: AuditNote,
): Promise<FactorView> {
  const e = rec.enrolment;
  note.method = e.method;
  assertEnrol(e.state, 'code-accepted');
  const code = cleanCode(rawCode);
  if (e.factorId === null) throw new PortalError('WRONG_STEP', { detail: 'no pending factor' });
  await countAttempt(env, a);

  const max = env.policy.maxWrongCodes;
  const key = enrolCodesKey(a.sessionId, e.factorId);
  const { count } = await env.store.increment(key, env.policy.enrolTtlSeconds * 1000);
  if (count > max) {
    e.state = 'locked';
    await env.records.save(rec);
    throw new PortalError('TOO_MANY_ATTEMPTS', { detail: 'activation attempt cap reached' });
  }
  let factor: IdpFactorDetail;
  try {
    factor = await env.idp.activateFactor(a.userId, e.factorId, code);
  } catch (err) {
    if (isPortalError(err) && err.code === 'INVALID_CODE') {
      e.wrongCodes = count;
      const capReached = count >= max;
      e.state = enrolNext(e.state, 'code-rejected', { wrongCodeCapReached: capReached });
      await env.records.save(rec);
      if (capReached) throw new PortalError('TOO_MANY_ATTEMPTS', { detail: `wrong code ${count}/${max}; enrolment closed` });
      throw new PortalError('INVALID_CODE', { detail: `wrong code ${count}/${max}` });
    }
    throw err;
  }
  await env.store.delete(key);
  e.state = enrolNext(e.state, 'code-accepted');
  note.detail = appendDetail(note.detail, 'factor activated');
  await env.records.save(rec);
  await notifyUser(env, a, 'factor-added', note, factor.method);
  return toView(factor);
}

export async function enrolResend(
  env: AccountEnv,
  a: AccountContext,
  rec: AccountRecord,
  note: AuditNote,
): Promise<{ resendAfterSeconds: number }> {
  const e = rec.enrolment;
  note.method = e.method;
  assertEnrol(e.state, 'resent');
  const m = e.method;
  if ((m !== 'sms' && m !== 'call') || e.factorId === null || e.phoneNumber === null) {
    throw new PortalError('WRONG_STEP', { detail: 'nothing to resend' });
  }
  await countAttempt(env, a);
  const factorId = e.factorId;
  const phone = e.phoneNumber;
  e.resendAvailableAt = (
    await guardedSend(env, { method: m, requester: phone, phone, send: () => env.idp.resendEnrollment(a.userId, factorId, m, phone) })
  ).next;
  e.state = enrolNext(e.state, 'resent');
  note.detail = appendDetail(note.detail, 'activation code resent');
  await env.records.save(rec);
  return { resendAfterSeconds: secondsUntil(env, e.resendAvailableAt) };
}

export async function enrolStatus(
  env: AccountEnv,
  a: AccountContext,
  rec: AccountRecord,
  note: AuditNote,
): Promise<EnrolmentStatus> {
  const e = rec.enrolment;
  note.method = e.method;
  note.quiet = true;
  switch (e.state) {
    case 'code-sent':
    case 'totp-pending':
      return { state: 'pending' };
    case 'active':
      return { state: 'active' };
    case 'expired':
      return { state: 'expired' };
    case 'push-pending':
      return pollActivation(env, a, rec, note);
    default:
      assertEnrol(e.state, 'push-waiting'); // throws the refusal for this state
      return { state: 'expired' };
  }
}

async function pollActivation(env: AccountEnv, a: AccountContext, rec: AccountRecord, note: AuditNote): Promise<EnrolmentStatus> {
  const e = rec.enrolment;
  const now = env.clock.now();
  if (e.lastPollAt !== null && now - e.lastPollAt < env.policy.pushPollIntervalSeconds * 1000) return { state: 'pending' };
  if (e.factorId === null) throw new PortalError('WRONG_STEP', { detail: 'no pending factor' });
  e.lastPollAt = now;
  let result: PushActivation;
  try {
    result = await env.idp.pollPushActivation(a.userId, e.factorId);
  } catch (err) {
    note.quiet = false;
    await env.records.save(rec);
    throw err;
  }
  if (result === 'active') {
    note.quiet = false;
    note.detail = appendDetail(note.detail, 'push factor activated');
    e.state = enrolNext(e.state, 'push-activated');
    e.qrDataUri = null;
    await notifyUser(env, a, 'factor-added', note, 'push');
  } else if (result === 'expired') {
    note.quiet = false;
    note.detail = appendDetail(note.detail, 'push activation expired');
    e.state = enrolNext(e.state, 'push-timed-out');
    e.qrDataUri = null;
  } else {
    e.state = enrolNext(e.state, 'push-waiting');
  }
  await env.records.save(rec);
  return { state: e.state === 'active' ? 'active' : e.state === 'expired' ? 'expired' : 'pending' };
}

export async function enrolCancel(env: AccountEnv, a: AccountContext, rec: AccountRecord, note: AuditNote): Promise<void> {
  const e = rec.enrolment;
  note.method = e.method;
  if (pending(rec) && e.factorId !== null) {
    try {
      // Only a factor this session enrolled and that is still pending: never an active one.
      const current = (await env.idp.getFactors(a.userId)).find((f) => f.id === e.factorId);
      if (current !== undefined && current.status !== 'ACTIVE') await env.idp.unenrollFactor(a.userId, current.id);
      note.detail = appendDetail(note.detail, 'pending factor removed');
    } catch (err) {
      // Best effort: the pending factor is replaced by the next enrolment of its type anyway.
      note.detail = appendDetail(note.detail, `pending factor not removed (${isPortalError(err) ? err.code : 'error'})`);
    }
  }
  note.detail = appendDetail(note.detail, 'enrolment cancelled');
  rec.enrolment = { ...freshEnrolment(), state: enrolNext(e.state, 'cancel') };
  await env.records.save(rec);
}

