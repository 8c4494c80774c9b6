/**
 * Step `challenge`: the user picks a method; SMS/voice/email sends a code, push sends a push, the authenticator-app
 * methods just get ready for a code.
 * Rules:
 * - The method must be one the operator enabled (and, with showEnrolledMethods, one this flow offered), else
 *   METHOD_NOT_AVAILABLE. Allowed from `started` and every challenged state (machine.ts); choosing resets the
 *   per-method state, the wrong-code count stays.
 * - Counts against the per-IP and per-login budgets.
 * - What the caller sees never depends on who is behind the login (issue 11, item 4): the visible budgets and the
 *   resend cooldown are keyed by login for real users and decoys alike; the budgets of the real phone number and
 *   user are counted too, silently (../../send-guard.ts): once spent, nothing is sent and the answer is the same.
 * - SMS/voice: one send per login and method per resendCooldownSeconds (shared by all flows of the login) →
 *   RESEND_TOO_SOON with retryAfterSeconds; the IdP's own resend refusal is answered as a send. Then the
 *   per-destination and global send budgets (toll fraud, OOB-8, ATK-3) → RATE_LIMITED. A lost answer to a send
 *   (IDP_UNAVAILABLE: the IdP may have sent) still moves the flow to code-sent, so the code that arrived is taken.
 * - Push: the per-login push budget (visible), then silently the block after a rejected push (PUSH-5) and the
 *   per-user push budget (PUSH-1); number matching.
 * - Decoys (no user) and users without the method get exactly the real answer, the same limits and a pad of the
 *   usual IdP latency, without any IdP call (RST-3). A decoy push gets a random number from the Random port and the
 *   usual push lifetime; it ends as 'expired'.
 * - Authenticator-app methods: no IdP call for anyone.
 * - Two-method flows (../factors.ts): once a factor is verified, the next method must be one of the next-factor
 *   offer (the rule's, enrolled, of another class), else METHOD_NOT_AVAILABLE; every budget above applies to it as
 *   to the first. Before that, methods outside the flow's group rule behave as not enrolled (nothing tells them apart).
 * - A push still pending when a method is chosen (another one, or push again) is withdrawn at the IdP first
 *   (withdrawPush; decoys get the same pad instead).
 * - Email (issue 14, item 2) is an SMS in every rule above: the same cooldown (per login), the same per-destination
 *   (keyed by the address) and global send budgets, the same decoy path for logins without it.
 */
import { PortalError, isPortalError } from '../../errors.js';
import { guardedSend, noteSent } from '../../send-guard.js';
import { RECOVERY_METHODS, isSentCodeMethod, type RecoveryMethod, type RequestContext, type SentCodeMethod } from '../../ports.js';
import type { ChallengeKind, ChallengeResult } from '../api.js';
import { appendDetail, countAttempt, noteFlow, type AuditNote, type StepEnv } from '../env.js';
import type { FlowRecord } from '../flow.js';
import { assertCan, next, type FlowEvent } from '../machine.js';
import { nextFactorMethods, progressOf } from '../factors.js';
import { rotateForForm } from '../resubmit.js';

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
  input: { method: unknown; ctx: RequestContext; form?: string },
  note: AuditNote,
): Promise<ChallengeResult> {
  noteFlow(note, flow);
  const method = checkMethod(env, flow, input.method);
  note.method = method;
  const event: FlowEvent = isSentCodeMethod(method) ? 'choose-sms-call' : method === 'push' ? 'choose-push' : 'choose-totp';
  assertCan(flow.state, event);
  if ((flow.verifiedMethods?.length ?? 0) > 0 && !nextFactorMethods(env, flow).includes(method)) {
    throw new PortalError('METHOD_NOT_AVAILABLE', { detail: 'not a method for the next factor (rule, enrolment or same class as a verified one)' });
  }
  await countAttempt(env, flow.loginKey, input.ctx);
  // Another method, or the same push again: the push still pending on the phone is withdrawn first.
  await withdrawPush(env, flow, note);

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
  if (isSentCodeMethod(method)) {
    try {
      await sendCode(env, flow, method, (method === 'email' ? factor?.email : factor?.phoneNumber) ?? null, input.ctx, note);
    } catch (e) {
      // The answer was lost after the IdP may have sent the code (timeout, dropped connection): the flow takes the
      // code that arrived; asking again is a resend (issue 11, item 12). The error still tells the user.
      if (isPortalError(e) && e.code === 'IDP_UNAVAILABLE') {
        flow.state = next(flow.state, event);
        await env.flows.save(flow);
      }
      throw e;
    }
    result = { kind: 'code-sent', method, resendAfterSeconds: env.policy.resendCooldownSeconds };
  } else if (method === 'push') {
    result = await sendPush(env, flow, input.ctx, note);
  } else {
    result = { kind: 'code-ready', method };
  }
  flow.state = next(flow.state, event);
  const handle = rotateForForm(env, flow, input.form);
  await env.flows.save(flow);
  return { ...result, handle, ...progressOf(env, flow) };
}

/**
 * Withdraws the push a `push-waiting` flow is waiting for (Okta: DELETE of the push's transaction, its `cancel`
 * link), so the phone stops asking. Best effort: a failure is audited and the push expires by itself. Decoys and
 * users without the push factor get the same pad of the usual latency instead of a call.
 */
export async function withdrawPush(env: StepEnv, flow: FlowRecord, note: AuditNote): Promise<void> {
  if (flow.state !== 'push-waiting') return;
  const { userId, factorId, transactionId } = flow;
  if (userId === null || factorId === null || transactionId === null) {
    await env.timing.pad('idp.cancelPush');
    return;
  }
  try {
    await env.timing.measure('idp.cancelPush', () => env.idp.cancelPush(userId, factorId, transactionId));
    note.detail = appendDetail(note.detail, 'pending push withdrawn');
  } catch {
    note.detail = appendDetail(note.detail, 'withdrawing the pending push FAILED (it expires by itself)');
  }
}

function checkMethod(env: StepEnv, flow: FlowRecord, raw: unknown): RecoveryMethod {
  const method = RECOVERY_METHODS.find((m) => m === raw);
  if (!method || !env.policy.methods.includes(method)) throw new PortalError('METHOD_NOT_AVAILABLE');
  // After a verified factor the next one has its own offer (checked once the step is known to be allowed).
  if ((flow.verifiedMethods?.length ?? 0) > 0) return method;
  if (env.policy.showEnrolledMethods && !flow.offered.some((o) => o.method === method)) {
    throw new PortalError('METHOD_NOT_AVAILABLE', { detail: 'method not offered to this flow' });
  }
  return method;
}

async function sendCode(
  env: StepEnv,
  flow: FlowRecord,
  method: SentCodeMethod,
  /** The phone number, or the address for email; null without the user's factor of the method (decoys too). */
  phone: string | null,
  ctx: RequestContext,
  note: AuditNote,
): Promise<void> {
  const { userId, factorId } = flow;
  const out = await guardedSend(env, {
    method,
    requester: `login:${flow.loginKey}`,
    // Only a real user's factor has a phone (or address), so a send always has userId and factorId.
    phone,
    send: () => env.timing.measure('idp.sendChallenge', () => env.idp.sendChallenge(userId ?? '', factorId ?? '', ctx)),
    skip: () => env.timing.pad('idp.sendChallenge'),
    hideIdpRefusal: true,
  });
  flow.resendAvailableAt[method] = out.next;
  if (phone !== null && !out.sent) note.detail = appendDetail(note.detail, 'not sent (IdP resend window or the destination\'s budget)');
}

/**
 * The user and push factor to push to, when the user's own push budget and the block after a rejected push allow a
 * real push; null for decoys, users without a push factor and refusals. Counted silently: a refusal makes this push
 * a decoy's (no IdP call, ends as expired), so the answers stay the login's own.
 */
async function pushTarget(env: StepEnv, flow: FlowRecord, note: AuditNote): Promise<{ userId: string; factorId: string } | null> {
  const { userId, factorId } = flow;
  const target = userId !== null && factorId !== null ? { userId, factorId } : null;
  // Without a user's push factor a stand-in is counted, so decoys do the same store work.
  const subject = target ? pushSubject(flow) : `none:${flow.loginKey}`;
  try {
    await env.limiter.checkBlock('push-block', subject);
    await env.limiter.hit('push', subject, env.policy.limits.pushPerUser);
    return target;
  } catch (e) {
    if (!isPortalError(e) || e.code !== 'RATE_LIMITED') throw e;
    note.detail = appendDetail(note.detail, `push not sent (${e.detail ?? 'user push budget'})`);
    return null;
  }
}

async function sendPush(env: StepEnv, flow: FlowRecord, ctx: RequestContext, note: AuditNote): Promise<ChallengeKind> {
  // What the caller sees is keyed by login for everyone (issue 11, item 4); the user's own budget is silent.
  await env.limiter.hit('push', `login:${flow.loginKey}`, env.policy.limits.pushPerUser);
  const target = await pushTarget(env, flow, note);

  let correctAnswer: number | null;
  let idpExpiresAt: number;
  // Expiry is learnt and replayed relative to the request's arrival, so a decoy's value matches a real one.
  const arrival = env.clock.now();
  if (target) {
    const started = await env.timing.measure('idp.startPush', () => env.idp.startPush(target.userId, target.factorId, ctx));
    noteSent(env, 'push');
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
  flow.pushSentAt = arrival;
  flow.lastPollAt = now;
  return { kind: 'push-waiting', correctAnswer, expiresAt };
}
