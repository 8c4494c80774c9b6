/**
 * Step `challenge`: the user picks a method; SMS/voice sends a code, push sends a push, the authenticator-app
 * methods just get ready for a code.
 * Rules:
 * - The method must be one the operator enabled (and, with showEnrolledMethods, one this flow offered), else
 *   METHOD_NOT_AVAILABLE. Allowed from `started` and every challenged state (machine.ts); choosing resets the
 *   per-method state, the wrong-code count stays.
 * - Counts against the per-IP and per-login budgets.
 * - SMS/voice: one send per destination and method per resendCooldownSeconds, tracked in the store (shared by all
 *   flows, like Okta's own window) → RESEND_TOO_SOON with retryAfterSeconds; the IdP's own 429 for a resend maps
 *   to the same. Then the per-destination and global send budgets (toll fraud, OOB-8, ATK-3) → RATE_LIMITED.
 * - Push: a block after a rejected push (PUSH-5), then the per-user push budget (PUSH-1); number matching.
 * - Decoys (no user) and users without the method get exactly the real answer, the same limits (keyed by login
 *   instead of phone number / user id) and a pad of the usual IdP latency, without any IdP call (RST-3).
 *   A decoy push gets a random number from the Random port and the usual push lifetime; it ends as 'expired'.
 * - Authenticator-app methods: no IdP call for anyone.
 */
import { rotateHandle } from '../../flow-handle.js';
import { PortalError } from '../../errors.js';
import { guardedSend } from '../../send-guard.js';
import { RECOVERY_METHODS, type RecoveryMethod, type RequestContext } from '../../ports.js';
import type { ChallengeKind, ChallengeResult } from '../api.js';
import { countAttempt, noteFlow, type AuditNote, type StepEnv } from '../env.js';
import type { FlowRecord } from '../flow.js';
import { assertCan, next, type FlowEvent } from '../machine.js';

/** Portal-side cap on a push's life (PUSH-4: 5 min even if the IdP says later). */
export const PUSH_MAX_LIFETIME_MS = 5 * 60_000;
/** Used by decoys before any real push was seen. */
const DEFAULT_PUSH_LIFETIME_MS = 5 * 60_000;
/** Cooling period after a rejected push when the policy does not set one (PUSH-5). */
export const DEFAULT_PUSH_REJECTED_COOLDOWN_SECONDS = 15 * 60;

export function pushSubject(flow: FlowRecord): string {
  return flow.userId !== null ? `user:${flow.userId}` : `login:${flow.loginKey}`;
}

export async function challenge(
  env: StepEnv,
  flow: FlowRecord,
  input: { method: unknown; ctx: RequestContext },
  note: AuditNote,
): Promise<ChallengeResult> {
  noteFlow(note, flow);
  const method = checkMethod(env, flow, input.method);
  note.method = method;
  const event: FlowEvent =
    method === 'sms' || method === 'call' ? 'choose-sms-call' : method === 'push' ? 'choose-push' : 'choose-totp';
  assertCan(flow.state, event);
  await countAttempt(env, flow.loginKey, input.ctx);

  const factor = flow.userId !== null ? (flow.factors[method] ?? null) : null;
  if (flow.userId !== null && !factor) note.detail = `user has no ${method} factor`;
  flow.method = method;
  flow.factorId = factor?.factorId ?? null;
  flow.transactionId = null;
  flow.correctAnswer = null;
  flow.pushExpiresAt = null;
  flow.lastPollAt = null;
  flow.lastPushResult = null;

  let result: ChallengeKind;
  if (method === 'sms' || method === 'call') {
    const destination = factor?.phoneNumber ?? `login:${flow.loginKey}`;
    await sendCode(env, flow, method, destination, input.ctx);
    result = { kind: 'code-sent', method, resendAfterSeconds: env.policy.resendCooldownSeconds };
  } else if (method === 'push') {
    result = await sendPush(env, flow, input.ctx);
  } else {
    result = { kind: 'code-ready', method };
  }
  flow.state = next(flow.state, event);
  const rotated = rotateHandle(env.random, flow.id);
  flow.secretHash = rotated.secretHash;
  await env.flows.save(flow);
  return { ...result, handle: rotated.handle };
}

function checkMethod(env: StepEnv, flow: FlowRecord, raw: unknown): RecoveryMethod {
  const method = RECOVERY_METHODS.find((m) => m === raw);
  if (!method || !env.policy.methods.includes(method)) throw new PortalError('METHOD_NOT_AVAILABLE');
  if (env.policy.showEnrolledMethods && !flow.offered.some((o) => o.method === method)) {
    throw new PortalError('METHOD_NOT_AVAILABLE', { detail: 'method not offered to this flow' });
  }
  return method;
}

async function sendCode(
  env: StepEnv,
  flow: FlowRecord,
  method: 'sms' | 'call',
  destination: string,
  ctx: RequestContext,
): Promise<void> {
  const { userId, factorId } = flow;
  flow.resendAvailableAt[method] = await guardedSend(env, method, destination, () =>
    userId !== null && factorId !== null
      ? env.timing.measure('idp.sendChallenge', () => env.idp.sendChallenge(userId, factorId, ctx))
      : env.timing.pad('idp.sendChallenge'),
  );
}

async function sendPush(env: StepEnv, flow: FlowRecord, ctx: RequestContext): Promise<ChallengeKind> {
  const subject = pushSubject(flow);
  await env.limiter.checkBlock('push-block', subject);
  await env.limiter.hit('push', subject, env.policy.limits.pushPerUser);

  let correctAnswer: number | null;
  let idpExpiresAt: number;
  // Expiry is learnt and replayed relative to the request's arrival, so a decoy's value matches a real one.
  const arrival = env.clock.now();
  if (flow.userId !== null && flow.factorId !== null) {
    const userId = flow.userId;
    const factorId = flow.factorId;
    const started = await env.timing.measure('idp.startPush', () => env.idp.startPush(userId, factorId, ctx));
    env.timing.observe('push.expiresInMs', Math.max(0, started.expiresAt - arrival));
    env.timing.observe('push.numberMatching', started.correctAnswer === null ? 0 : 1);
    flow.transactionId = started.transactionId;
    correctAnswer = started.correctAnswer;
    idpExpiresAt = started.expiresAt;
  } else {
    await env.timing.pad('idp.startPush');
    // Okta's number challenge is a two-digit number.
    correctAnswer = env.timing.typical('push.numberMatching', 1) >= 0.5 ? 10 + env.random.int(90) : null;
    idpExpiresAt = arrival + Math.round(env.timing.typical('push.expiresInMs', DEFAULT_PUSH_LIFETIME_MS));
  }
  const now = env.clock.now();
  // Whole seconds, as Okta reports them, so a decoy's expiry has the same precision as a real one.
  const expiresAt = Math.floor(Math.min(idpExpiresAt, arrival + PUSH_MAX_LIFETIME_MS, flow.expiresAt) / 1000) * 1000;
  flow.correctAnswer = correctAnswer;
  flow.pushExpiresAt = expiresAt;
  flow.lastPollAt = now;
  return { kind: 'push-waiting', correctAnswer, expiresAt };
}
