/**
 * Step `unlock`: self-service unlock of a LOCKED_OUT user without a new password (issue 14, item 1).
 * Rules:
 * - Only with policy.selfServiceUnlock, only for a flow whose user was LOCKED_OUT at start, only once verified:
 *   the verified answers carry `unlockAvailable` for such flows and for no other (anti-enumeration holds until
 *   verification: start, challenge and verify look the same for a locked account as for any other).
 * - The ott is required and spent exactly as for a new password (single use, bound to the flow, counted per IP);
 *   identity comes only from the flow. Anything else → WRONG_STEP / INVALID_OTT, no IdP call.
 * - idp.unlockUser (Okta POST /users/{id}/lifecycle/unlock); on failure the ott is put back and the flow stays
 *   verified (the user may try again or set a new password instead). Success → completed (`unlocked`), the
 *   flow's Okta ids dropped as after a password change.
 */
import { PortalError } from '../../errors.js';
import type { RequestContext } from '../../ports.js';
import { appendDetail, noteFlow, notifyUser, type AuditNote, type StepEnv } from '../env.js';
import type { FlowRecord } from '../flow.js';
import { assertCan, next } from '../machine.js';
import { redeemOtt, restoreOtt } from '../ott.js';

/** Whether this (verified) flow may be ended by an unlock instead of a new password. */
export function canUnlock(env: StepEnv, flow: FlowRecord): boolean {
  return env.policy.selfServiceUnlock === true && flow.userId !== null && flow.userStatus === 'LOCKED_OUT';
}

/** The `unlockAvailable` part of a verified answer. */
export function unlockOffer(env: StepEnv, flow: FlowRecord): { unlockAvailable?: true } {
  return canUnlock(env, flow) ? { unlockAvailable: true } : {};
}

export async function unlock(
  env: StepEnv,
  flow: FlowRecord,
  input: { ott: unknown; ctx: RequestContext },
  note: AuditNote,
): Promise<{ unlocked: true }> {
  noteFlow(note, flow);
  await env.limiter.hit('ott-ip', input.ctx.ip, env.policy.limits.perIp);
  if (flow.state === 'completed') throw new PortalError('INVALID_OTT', { detail: 'flow already completed' });
  assertCan(flow.state, 'unlocked');
  if (!canUnlock(env, flow)) throw new PortalError('WRONG_STEP', { detail: 'unlock not available for this flow' });
  if (!(await redeemOtt(env, flow, input.ott))) throw new PortalError('INVALID_OTT');
  const userId = flow.userId as string;
  try {
    await env.idp.unlockUser(userId);
  } catch (e) {
    await restoreOtt(env, flow);
    flow.state = next(flow.state, 'unlock-refused');
    await env.flows.save(flow);
    throw e;
  }
  note.detail = appendDetail(note.detail, 'user unlocked (self-service, password unchanged)');
  flow.state = next(flow.state, 'unlocked');
  flow.userStatus = 'ACTIVE';
  flow.unlockedOnly = true;
  flow.factors = {};
  flow.offered = [];
  flow.factorId = null;
  flow.transactionId = null;
  flow.correctAnswer = null;
  flow.ottHash = null;
  flow.ottExpiresAt = null;
  const email = flow.userEmail ?? null;
  flow.userEmail = null;
  await env.flows.save(flow);
  await notifyUser(env, { kind: 'account-unlocked', userId, login: flow.login, email, at: env.clock.now(), ctx: input.ctx }, note);
  return { unlocked: true };
}
