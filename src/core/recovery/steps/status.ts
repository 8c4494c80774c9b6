/**
 * Step `status`: where the flow stands; drives push completion.
 * Rules:
 * - Read-only for every state but two: `push-waiting` polls the IdP at most once per pushPollIntervalSeconds per
 *   flow (otherwise the cached answer), stops at the push's expiry (→ expired) and never loops; `verified` issues a
 *   fresh ott (the previous one stops working) so a reloaded page can render a usable one, valid only for what is
 *   left of the ott window (ottTtlSeconds from verification). Once that window is over the flow expires
 *   (FLOW_EXPIRED, its last ott deleted): a status GET never extends the time to set a password.
 * - Poll results: approved → verified + ott; rejected → 'rejected' and a cooling period for this user's pushes
 *   (PUSH-5); timeout → 'expired'. After rejected/expired the user may choose a method again.
 * - Decoy pushes pad like a poll and stay waiting until their expiry.
 * - A locked flow answers TOO_MANY_ATTEMPTS. Calls that changed nothing are not audited (polling would flood it).
 * - Status does not count against the login/IP budgets (the poll throttle bounds its IdP cost).
 * - With policy.showEnrolledMethods, the states where a method can still be chosen carry the flow's offer (masked
 *   hints) so the method page can show it again.
 * - Two-method flows (../factors.ts): `factor-verified` answers with the next-factor offer and the progress; an
 *   approved push that is not the last required factor leads there instead of `verified`. Once a factor is verified
 *   every answer carries the next-factor offer (the start offer no longer applies) and the progress.
 */
import { isSentCodeMethod, type PushResult, type RequestContext } from '../../ports.js';
import type { StatusResult } from '../api.js';
import { appendDetail, noteFlow, type AuditNote, type StepEnv } from '../env.js';
import { next, refusal } from '../machine.js';
import { ottKey, type FlowRecord } from '../flow.js';
import { issueOtt, ottWindowOver } from '../ott.js';
import { unlockOffer } from './unlock.js';
import { acceptFactor, nextFactorOffer, progressOf } from '../factors.js';
import { DEFAULT_PUSH_REJECTED_COOLDOWN_SECONDS, pushSubject } from './challenge.js';

export async function status(
  env: StepEnv,
  flow: FlowRecord,
  input: { ctx: RequestContext },
  note: AuditNote,
): Promise<StatusResult> {
  const result = await current(env, flow, input, note);
  if (result.state === 'verified' || result.state === 'completed' || result.state === 'factor-verified') return result;
  const { progress } = progressOf(env, flow);
  const withProgress = progress ? { ...result, progress } : result;
  // After a first factor the offer is the next factor's; with showEnrolledMethods the start offer (masked hints) is
  // per flow: hand it back wherever a method can be chosen.
  if ((flow.verifiedMethods?.length ?? 0) > 0) return { ...withProgress, methods: nextFactorOffer(env, flow) };
  if (env.policy.showEnrolledMethods) return { ...withProgress, methods: flow.offered.map((o) => ({ ...o })) };
  return withProgress;
}

async function current(
  env: StepEnv,
  flow: FlowRecord,
  _input: { ctx: RequestContext },
  note: AuditNote,
): Promise<StatusResult> {
  noteFlow(note, flow);
  note.quiet = true;
  const now = env.clock.now();
  switch (flow.state) {
    case 'started':
      return { state: 'started' };
    case 'code-sent': {
      // Stryker disable next-line StringLiteral: a challenge that sends a code always sets the method (the default only satisfies the type)
      const method = flow.method ?? 'sms';
      const at = isSentCodeMethod(method) ? (flow.resendAvailableAt[method] ?? now) : now;
      return { state: 'code-sent', method, resendAfterSeconds: Math.max(0, Math.ceil((at - now) / 1000)) };
    }
    case 'code-ready': {
      // Stryker disable next-line StringLiteral: a challenge that readies a code always sets the method (the default only satisfies the type)
      const method = flow.method ?? 'google-authenticator';
      return { state: 'code-ready', method };
    }
    case 'push-waiting':
      return poll(env, flow, note);
    case 'push-rejected':
      return { state: 'rejected' };
    case 'push-expired':
      return { state: 'expired' };
    case 'factor-verified':
      return factorVerified(env, flow);
    case 'verified': {
      note.quiet = false;
      if (ottWindowOver(env, flow)) {
        note.detail = appendDetail(note.detail, 'ott window over: flow expired');
        const writes = flow.ottHash ? [{ key: ottKey(flow.ottHash), value: null, ttlMs: 0 }] : [];
        flow.state = next(flow.state, 'ttl');
        flow.ottHash = null;
        flow.ottExpiresAt = null;
        await env.flows.save(flow, writes);
        throw refusal(flow.state);
      }
      note.detail = appendDetail(note.detail, 'ott reissued');
      flow.state = next(flow.state, 'ott-reissued');
      const { ott, expiresAt, writes } = issueOtt(env, flow);
      await env.flows.save(flow, writes);
      return { state: 'verified', ott, expiresAt, login: flow.login, ...unlockOffer(env, flow) };
    }
    case 'completed':
      return flow.unlockedOnly === true ? { state: 'completed', unlocked: true } : { state: 'completed' };
    case 'locked':
    case 'expired':
      throw refusal(flow.state);
  }
}

/** The factor-verified answer: the next factor's offer and the progress. */
function factorVerified(env: StepEnv, flow: FlowRecord): StatusResult {
  // Stryker disable next-line LogicalOperator,ObjectLiteral: in factor-verified a rule requires 2 methods (the most there is) and 1 is done, so progressOf always gives exactly this fallback
  const progress = progressOf(env, flow).progress ?? { step: 2, steps: 2 };
  return { state: 'factor-verified', methods: nextFactorOffer(env, flow), progress };
}

async function poll(env: StepEnv, flow: FlowRecord, note: AuditNote): Promise<StatusResult> {
  const now = env.clock.now();
  const waiting: StatusResult = {
    state: 'waiting',
    correctAnswer: flow.correctAnswer,
    expiresAt: flow.pushExpiresAt ?? now,
    ...(typeof flow.pushSentAt === 'number' ? { sentAt: flow.pushSentAt } : {}),
  };
  if (now >= (flow.pushExpiresAt ?? 0)) { // no recorded expiry: expired
    note.quiet = false;
    note.detail = appendDetail(note.detail, 'push expired (portal cap)');
    flow.state = next(flow.state, 'push-timed-out');
    await env.flows.save(flow);
    return { state: 'expired' };
  }
  if (now < (flow.lastPollAt ?? 0) + env.policy.pushPollIntervalSeconds * 1000) return waiting; // never polled: poll now

  flow.lastPollAt = now;
  let result: PushResult;
  if (flow.userId !== null && flow.factorId !== null && flow.transactionId !== null) {
    const { userId, factorId, transactionId } = flow;
    try {
      result = await env.timing.measure('idp.pollPush', () => env.idp.pollPush(userId, factorId, transactionId));
    } catch (e) {
      await env.flows.save(flow); // keep lastPollAt: a failing IdP is not polled faster (the envelope audits the error)
      throw e;
    }
  } else {
    await env.timing.pad('idp.pollPush');
    // Stryker disable next-line StringLiteral: lastPushResult is only recorded, never read, and any non-terminal result answers waiting
    result = 'waiting';
  }
  flow.lastPushResult = result;
  switch (result) {
    case 'approved': {
      note.quiet = false;
      note.detail = appendDetail(note.detail, 'push approved');
      if (!acceptFactor(flow, 'push-approved', note)) {
        await env.flows.save(flow);
        return factorVerified(env, flow);
      }
      const { ott, expiresAt, writes } = issueOtt(env, flow);
      await env.flows.save(flow, writes);
      return { state: 'verified', ott, expiresAt, login: flow.login, ...unlockOffer(env, flow) };
    }
    case 'rejected': {
      note.quiet = false;
      note.detail = appendDetail(note.detail, 'push rejected by the user');
      note.outcome = 'denied';
      flow.state = next(flow.state, 'push-rejected');
      const cooldown = env.policy.pushRejectedCooldownSeconds ?? DEFAULT_PUSH_REJECTED_COOLDOWN_SECONDS;
      await env.limiter.block('push-block', pushSubject(flow), cooldown);
      await env.flows.save(flow);
      return { state: 'rejected' };
    }
    case 'timeout':
      note.quiet = false;
      note.detail = appendDetail(note.detail, 'push timed out');
      flow.state = next(flow.state, 'push-timed-out');
      await env.flows.save(flow);
      return { state: 'expired' };
    default:
      await env.flows.save(flow);
      return waiting;
  }
}
