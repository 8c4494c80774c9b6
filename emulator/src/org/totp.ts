// RFC 6238 TOTP for token:software:totp factors (both OKTA and GOOGLE providers) via the `otpauth` library.
// Rules: SHA-1, 6 digits, 30 s steps, a code is accepted in the current step or one step either side, and a code
// whose step is not later than the last accepted step is a replay. Time always comes from the emulator's clock.
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD = 30;
const DIGITS = 6;

function totp(secretBase32: string, label = 'emulator'): TOTP {
  return new TOTP({ issuer: 'Okta emulator', label, algorithm: 'SHA1', digits: DIGITS, period: TOTP_PERIOD, secret: Secret.fromBase32(secretBase32) });
}

/** A fresh 16-character (80-bit) base32 shared secret, the length Okta hands out. */
export function newTotpSecret(): string {
  return new Secret({ buffer: randomBytes(10).buffer }).base32;
}

export function totpStep(nowMs: number): number {
  return Math.floor(nowMs / 1000 / TOTP_PERIOD);
}

export function currentTotp(secretBase32: string, nowMs: number): { code: string; step: number; secondsRemaining: number } {
  const step = totpStep(nowMs);
  const code = totp(secretBase32).generate({ timestamp: nowMs });
  const secondsRemaining = TOTP_PERIOD - Math.floor((nowMs / 1000) % TOTP_PERIOD);
  return { code, step, secondsRemaining };
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'invalid' | 'replay' };

/** Checks a code at nowMs with a ±1 step window, refusing any step <= lastAcceptedStep. */
export function checkTotp(secretBase32: string, code: string, nowMs: number, lastAcceptedStep: number | null): TotpCheck {
  if (!/^\d{6}$/.test(code)) return { ok: false, reason: 'invalid' };
  const delta = totp(secretBase32).validate({ token: code, timestamp: nowMs, window: 1 });
  if (delta === null) return { ok: false, reason: 'invalid' };
  const step = totpStep(nowMs) + delta;
  if (lastAcceptedStep !== null && step <= lastAcceptedStep) return { ok: false, reason: 'replay' };
  return { ok: true, step };
}

export function otpauthUri(secretBase32: string, login: string): string {
  return totp(secretBase32, login).toString();
}
