// One-time codes sent by SMS, voice call and email, and the per-destination resend cooldowns. Rules: a new code
// replaces the previous one; codes expire after the caller's tokenLifetimeSeconds; a code is single-use; cooldowns
// are 30 s per phone number for sms and call (E0000109 / E0000133) and 5 s per factor for email (E0000118), in
// virtual time; every message lands in the outbox (the emulated phone and mailbox).
import { timingSafeEqual } from 'node:crypto';
import { errors } from '../errors.js';
import { base62, otpCode } from '../ids.js';
import type { FactorRecord, UserRecord } from './model.js';
import type { OrgState } from './state.js';

const COOLDOWN_MS = { sms: 30_000, call: 30_000, email: 5_000 } as const;

function cooldownKey(factor: FactorRecord): string {
  return factor.factorType === 'email' ? `email:${factor.id}` : `${factor.factorType}:${factor.profile.phoneNumber ?? ''}`;
}

function destination(factor: FactorRecord): string {
  return factor.factorType === 'email' ? (factor.profile.email ?? '') : (factor.profile.phoneNumber ?? '');
}

function messageText(factor: FactorRecord, code: string, purpose: 'verify' | 'activate'): string {
  if (factor.factorType === 'sms') return `Your verification code is ${code}.`;
  if (factor.factorType === 'call') return `Hello! Thank you for using our phone verification system. Your code is ${code.split('').join(' ')}. Once again, your code is ${code.split('').join(' ')}.`;
  return purpose === 'activate'
    ? `Your email verification code to enroll this email address is ${code}.`
    : `Your one-time verification code is ${code}. It expires soon.`;
}

/** Sends a fresh code for an sms/call/email factor, honouring the resend cooldown. */
export function sendCode(state: OrgState, user: UserRecord, factor: FactorRecord, purpose: 'verify' | 'activate', lifetimeSeconds: number): void {
  const channel = factor.factorType;
  if (channel !== 'sms' && channel !== 'call' && channel !== 'email') throw errors.internal();
  const now = state.clock.now();
  const key = cooldownKey(factor);
  const last = state.lastSent.get(key);
  if (last !== undefined && now - last < COOLDOWN_MS[channel]) {
    throw channel === 'sms' ? errors.smsCooldown() : channel === 'call' ? errors.callCooldown() : errors.emailCooldown();
  }
  const code = otpCode();
  factor.pending = { code, expiresAt: now + lifetimeSeconds * 1000, purpose };
  state.lastSent.set(key, now);
  state.outbox.push({
    id: 'msg' + base62(17),
    channel,
    to: destination(factor),
    text: messageText(factor, code, purpose),
    code,
    userId: user.id,
    login: String(user.profile.login),
    factorId: factor.id,
    sentAt: new Date(now).toISOString(),
  });
}

/** True when `code` is the factor's pending, unexpired code for `purpose`; a matching code is consumed. */
export function consumeCode(state: OrgState, factor: FactorRecord, code: unknown, purpose: 'verify' | 'activate'): boolean {
  const p = factor.pending;
  if (!p || p.purpose !== purpose || typeof code !== 'string') return false;
  if (state.clock.now() >= p.expiresAt) {
    factor.pending = null;
    return false;
  }
  const a = Buffer.from(code);
  const b = Buffer.from(p.code);
  if (a.length !== b.length || !timingSafeEqual(a, b)) return false;
  factor.pending = null;
  return true;
}
