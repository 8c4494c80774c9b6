/**
 * Sending an SMS / voice code, for recovery's challenge and the account's step-up and enrolment alike:
 * - one send per destination and method per resendCooldownSeconds, tracked under `resend:<method>:<sha256(number)>`
 *   (Okta's window is per phone, whoever asks) → RESEND_TOO_SOON;
 * - then the per-destination and global send budgets (toll fraud) → RATE_LIMITED;
 * - the IdP's own resend refusal sets the same cooldown and surfaces as RESEND_TOO_SOON.
 * Returns when the next send will be accepted (epoch ms).
 */
import { sha256 } from './crypto.js';
import { PortalError, isPortalError } from './errors.js';
import type { Limiter } from './limits.js';
import type { Clock, Store } from './ports.js';
import type { Window } from './recovery/policy.js';

export interface SendGuardEnv {
  store: Store;
  clock: Clock;
  limiter: Limiter;
  policy: { resendCooldownSeconds: number; limits: { perDestination: Window; globalSends: Window } };
}

export async function guardedSend(
  env: SendGuardEnv,
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
