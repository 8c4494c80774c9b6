/**
 * Sending an SMS / voice / email code, for recovery's challenge and the account's step-up and enrolment alike: one set of
 * budgets for every SMS and call the portal causes (issue 11, item 7), none of which tells who is behind a login
 * (item 4).
 * - `requester` keys what the caller sees: one send per requester and method per resendCooldownSeconds under
 *   `resend:<method>:<sha256(requester)>` → RESEND_TOO_SOON; then the per-destination budget (keyed by the requester)
 *   and the global send budget → RATE_LIMITED. Recovery passes `login:<key>` for real users and decoys alike, so a
 *   login's answers never depend on whether it exists or which phone numbers it has; the account passes the number.
 *   Email codes (issue 14, item 2) go through the same budgets, keyed by the address: an email costs what an SMS does.
 * - `phone` is where the IdP will send (null: nothing is sent, e.g. a decoy, which runs `skip` instead). When it is
 *   not the requester, the per-destination budget of the number itself is counted as well, silently: once spent,
 *   nothing is sent but the answer is the same (toll fraud stays capped per number, whoever asks, across recovery
 *   and the account).
 * - The IdP's own resend refusal sets the requester's cooldown; with `hideIdpRefusal` (recovery: a decoy never
 *   gets one) it is answered as a send, else RESEND_TOO_SOON. Phone numbers appear in store keys only hashed.
 * Returns when the next send will be accepted (epoch ms) and whether the IdP was asked to send.
 */
import { sha256 } from './crypto.js';
import { PortalError, isPortalError } from './errors.js';
import type { Limiter } from './limits.js';
import type { Clock, SendChannel, SendObserver, SentCodeMethod, Store } from './ports.js';
import type { Window } from './recovery/policy.js';

export interface SendGuardEnv {
  store: Store;
  clock: Clock;
  limiter: Limiter;
  policy: { resendCooldownSeconds: number; limits: { perDestination: Window; globalSends: Window } };
  /** Told about each send the IdP accepted (metrics). */
  sends?: SendObserver;
}

/** Tells the observer about a send; an observer's failure never changes the flow. */
export function noteSent(env: { sends?: SendObserver }, channel: SendChannel): void {
  try {
    // Stryker disable next-line OptionalChaining: equivalent, without an observer `.sent` throws inside this try, which swallows it
    env.sends?.sent(channel);
  } catch {
    // metrics only
  }
}

export interface SendRequest {
  method: SentCodeMethod;
  /** Who the caller's answers are about: `login:<key>` (recovery) or the phone number (account). */
  requester: string;
  /** The number (or, for email, the address) the IdP sends to, or null when nothing is sent. */
  phone: string | null;
  send: () => Promise<void>;
  /** Runs instead of `send` when nothing is sent (e.g. the decoy's pad). */
  skip?: () => Promise<void>;
  /** Answer the IdP's resend refusal as a send (recovery). */
  hideIdpRefusal?: boolean;
}

export interface SendOutcome {
  /** When the next send will be accepted (epoch ms). */
  next: number;
  /** Whether the IdP was asked to send (false for decoys and when the number's own budget is spent). */
  sent: boolean;
}

export const resendKey = (method: SentCodeMethod, requester: string): string => `resend:${method}:${sha256(requester)}`;

export async function guardedSend(env: SendGuardEnv, req: SendRequest): Promise<SendOutcome> {
  const key = resendKey(req.method, req.requester);
  const until = (await env.store.get<number>(key)) ?? 0; // none: no cooldown
  const now = env.clock.now();
  if (until > now) {
    throw new PortalError('RESEND_TOO_SOON', { retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)) });
  }
  const { perDestination, globalSends } = env.policy.limits;
  await env.limiter.hitEach([
    { bucket: 'dest', subject: req.requester, w: perDestination },
    { bucket: 'sends', subject: 'global', w: globalSends },
  ]);
  let sent = req.phone !== null;
  if (req.phone !== req.requester) {
    // Without a number (a decoy) a stand-in is counted, so both do the same store work.
    try {
      await env.limiter.hit('dest', req.phone ?? `none:${req.requester}`, perDestination);
    } catch (e) {
      if (!isPortalError(e) || e.code !== 'RATE_LIMITED') throw e;
      sent = false; // the number's own budget is spent: answer as usual, send nothing
    }
  }
  try {
    if (sent) {
      await req.send();
      noteSent(env, req.method);
    } else await req.skip?.();
  } catch (e) {
    if (isPortalError(e) && e.code === 'RESEND_TOO_SOON') {
      // Hidden: the usual cooldown, exactly as after a send (a later early send is refused by the IdP again).
      const wait = req.hideIdpRefusal === true ? env.policy.resendCooldownSeconds : (e.retryAfterSeconds ?? env.policy.resendCooldownSeconds);
      const next = env.clock.now() + wait * 1000;
      await env.store.set(key, next, wait * 1000);
      if (req.hideIdpRefusal === true) return { next, sent: false };
      throw new PortalError('RESEND_TOO_SOON', { retryAfterSeconds: wait, detail: 'IdP refused the resend' });
    }
    throw e;
  }
  const cooldownMs = env.policy.resendCooldownSeconds * 1000;
  const next = env.clock.now() + cooldownMs;
  await env.store.set(key, next, cooldownMs);
  return { next, sent };
}
