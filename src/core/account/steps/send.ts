/**
 * Sending an SMS / voice code (step-up challenge, enrolment, enrolment resend) under the same rules as recovery:
 * - one send per destination and method per resendCooldownSeconds, tracked under recovery's key
 *   `resend:<method>:<sha256(number)>` (Okta's window is per phone, whoever asks) → RESEND_TOO_SOON;
 * - then the per-destination and global send budgets (toll fraud) → RATE_LIMITED;
 * - the IdP's own resend refusal sets the same cooldown and surfaces as RESEND_TOO_SOON.
 * Returns when the next send will be accepted (epoch ms).
 */
import { sha256 } from '../../crypto.js';
import { PortalError, isPortalError } from '../../errors.js';
import type { AccountEnv } from '../env.js';

export async function guardedSend(
  env: AccountEnv,
  method: 'sms' | 'call',
  destination: string,
  send: () => Promise<void>,
): Promise<number> {
  const key = `resend:${method}:${sha256(destination)}`;
  const until = await env.store.get<number>(key);
  const now = env.clock.now();
  if (until !== null && until > now) {
    throw new PortalError('RESEND_TOO_SOON', { retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) });
  }
  await env.limiter.hitEach([
    { bucket: 'dest', subject: destination, w: env.policy.limits.perDestination },
    { bucket: 'sends', subject: 'global', w: env.policy.limits.globalSends },
  ]);
  try {
    await send();
  } catch (e) {
    if (isPortalError(e) && e.code === 'RESEND_TOO_SOON') {
      const wait = e.retryAfterSeconds ?? env.policy.resendCooldownSeconds;
      await env.store.set(key, env.clock.now() + wait * 1000, wait * 1000);
      throw new PortalError('RESEND_TOO_SOON', { retryAfterSeconds: wait, detail: 'IdP refused the resend' });
    }
    throw e;
  }
  const cooldownMs = env.policy.resendCooldownSeconds * 1000;
  const next = env.clock.now() + cooldownMs;
  await env.store.set(key, next, cooldownMs);
  return next;
}

const CODE_RE = /^\d{6,8}$/;

/** A 6–8 digit code with spaces removed, or INVALID_CODE (not counted, no IdP call). */
export function cleanCode(raw: unknown): string {
  const code = typeof raw === 'string' ? raw.replace(/\s+/g, '') : '';
  if (!CODE_RE.test(code)) throw new PortalError('INVALID_CODE', { detail: 'malformed code' });
  return code;
}
