/**
 * Step `verify`: checks a code for the chosen code method (SMS, voice, authenticator apps).
 * Rules:
 * - Only in a code state (code-sent, code-ready); elsewhere WRONG_STEP (TOO_MANY_ATTEMPTS once locked).
 * - The code must be 6–8 digits after removing spaces, else INVALID_CODE without counting or calling the IdP.
 * - Counts against the per-IP and per-login budgets, then takes an attempt from the flow's atomic counter
 *   `flow-codes:<id>` BEFORE calling the IdP, so parallel guesses cannot exceed maxWrongCodesPerFlow (OOB-6). The
 *   three counters go in one store round trip; a refused budget leaves the flow's counter untouched.
 * - A wrong code → INVALID_CODE; the attempt that reaches the cap locks the flow → TOO_MANY_ATTEMPTS, and so does
 *   every later call. The IdP's FACTOR_LOCKED and IDP_UNAVAILABLE pass through (the attempt stays counted).
 * - Decoys and users without the method: pad for the usual verify latency, then a wrong code (never verified).
 * - Success → verified, and an ott is issued (ott.ts); the flow handle's secret is rotated (SES-1).
 */
import { rotateHandle } from '../../flow-handle.js';
import { PortalError, isPortalError } from '../../errors.js';
import type { RequestContext } from '../../ports.js';
import type { VerifiedResult } from '../api.js';
import { attemptLimits, noteFlow, type AuditNote, type StepEnv } from '../env.js';
import type { FlowRecord } from '../flow.js';
import { assertCan, next } from '../machine.js';
import { issueOtt } from '../ott.js';
import { unlockOffer } from './unlock.js';

const CODE_RE = /^\d{6,8}$/;

export async function verify(
  env: StepEnv,
  flow: FlowRecord,
  input: { code: unknown; ctx: RequestContext },
  note: AuditNote,
): Promise<VerifiedResult> {
  noteFlow(note, flow);
  assertCan(flow.state, 'code-accepted');
  const code = typeof input.code === 'string' ? input.code.replace(/\s+/g, '') : '';
  if (!CODE_RE.test(code)) throw new PortalError('INVALID_CODE', { detail: 'malformed code' });
  const max = env.policy.maxWrongCodesPerFlow;
  const codes = await env.limiter.hitEach(attemptLimits(env, flow.loginKey, input.ctx), {
    key: `flow-codes:${flow.id}`,
    windowMs: Math.max(1, flow.expiresAt - env.clock.now()),
  });
  const count = codes?.count ?? max + 1; // always counted when no budget refused; fail closed otherwise
  if (count > max) {
    flow.wrongCodes = Math.max(flow.wrongCodes, max);
    flow.state = 'locked';
    await env.flows.save(flow);
    throw new PortalError('TOO_MANY_ATTEMPTS', { detail: 'attempt cap reached' });
  }

  try {
    if (flow.userId !== null && flow.factorId !== null) {
      const userId = flow.userId;
      const factorId = flow.factorId;
      await env.timing.measure('idp.verifyPasscode', () => env.idp.verifyPasscode(userId, factorId, code, input.ctx));
    } else {
      await env.timing.pad('idp.verifyPasscode');
      throw new PortalError('INVALID_CODE', { detail: 'no factor behind this flow' });
    }
  } catch (e) {
    if (isPortalError(e) && e.code === 'INVALID_CODE') {
      flow.wrongCodes = count;
      const capReached = count >= max;
      flow.state = next(flow.state, 'code-rejected', { wrongCodeCapReached: capReached });
      await env.flows.save(flow);
      if (capReached) throw new PortalError('TOO_MANY_ATTEMPTS', { detail: `wrong code ${count}/${max}; flow locked` });
      throw new PortalError('INVALID_CODE', { detail: `wrong code ${count}/${max}${e.detail ? `; ${e.detail}` : ''}` });
    }
    throw e;
  }

  flow.state = next(flow.state, 'code-accepted');
  const { ott, expiresAt, writes } = issueOtt(env, flow);
  const rotated = rotateHandle(env.random, flow.id);
  flow.secretHash = rotated.secretHash;
  await env.flows.save(flow, writes);
  return { ott, expiresAt, handle: rotated.handle, ...unlockOffer(env, flow) };
}
