/**
 * Step `verify`: checks a code for the chosen code method (SMS, voice, authenticator apps).
 * Rules:
 * - Only in a code state (code-sent, code-ready); elsewhere WRONG_STEP (TOO_MANY_ATTEMPTS once locked).
 * - The code must be 6–8 digits after removing spaces, else INVALID_CODE without counting or calling the IdP.
 * - Counts against the per-IP and per-login budgets, then takes an attempt from the flow's atomic counter
 *   `flow-codes:<id>` and one from the user's IdP code budget (../../code-guard.ts) BEFORE calling the IdP, so
 *   parallel guesses cannot exceed maxWrongCodesPerFlow (OOB-6) nor reach Okta's factor lockout. The counters go
 *   in one store round trip; a refused budget leaves the later counters untouched. Decoys count a budget keyed by
 *   login, so both do the same store work.
 * - Only codes the IdP judged count: when the IdP fails (unavailable, timeout, breaker open, rate limited) the
 *   flow's attempt is given back and the error passes through (issue 11, item 5).
 * - A wrong code → INVALID_CODE; the attempt that reaches the cap locks the flow → TOO_MANY_ATTEMPTS, and so does
 *   every later call.
 * - Decoys, users without the method, users whose IdP code budget is spent (no IdP call) and factors the IdP
 *   reports locked (FACTOR_LOCKED) all get exactly a decoy's answer: the usual verify latency, then a wrong code.
 * - Success → verified, and an ott is issued (ott.ts); the flow handle's secret is rotated (SES-1). In a two-method
 *   flow whose rule wants another factor, success → factor-verified instead: no ott, the next-factor offer
 *   (../factors.ts), the handle rotated all the same.
 */
import { idpCodesCounter, verifyWithinBudget, type CodeCheck } from '../../code-guard.js';
import { PortalError } from '../../errors.js';
import type { RequestContext } from '../../ports.js';
import type { VerifyResult } from '../api.js';
import { appendDetail, attemptLimits, noteFlow, type AuditNote, type StepEnv } from '../env.js';
import type { FlowRecord } from '../flow.js';
import { assertCan, next } from '../machine.js';
import { acceptFactor, nextFactorOffer, progressOf } from '../factors.js';
import { issueOtt } from '../ott.js';
import { rotateForForm } from '../resubmit.js';
import { unlockOffer } from './unlock.js';

const CODE_RE = /^\d{6,8}$/;

export async function verify(
  env: StepEnv,
  flow: FlowRecord,
  input: { code: unknown; ctx: RequestContext; form?: string },
  note: AuditNote,
): Promise<VerifyResult> {
  noteFlow(note, flow);
  assertCan(flow.state, 'code-accepted');
  const code =
    typeof input.code === 'string'
      ? input.code.replace(/\s/g, '')
      : // Stryker disable next-line StringLiteral: equivalent, any fallback that fails CODE_RE makes a non-string code malformed
        '';
  if (!CODE_RE.test(code)) throw new PortalError('INVALID_CODE', { detail: 'malformed code' });
  const max = env.policy.maxWrongCodesPerFlow;
  const flowCodes = { key: `flow-codes:${flow.id}`, windowMs: Math.max(1, flow.expiresAt - env.clock.now()), max };
  const budgetSubject = flow.userId !== null && flow.factorId !== null ? flow.userId : `login:${flow.loginKey}`;
  const [taken, idpTaken] = await env.limiter.hitEach(attemptLimits(env, flow.loginKey, input.ctx), [
    flowCodes,
    idpCodesCounter(env, budgetSubject),
  ]);
  const lock = async (): Promise<never> => {
    flow.wrongCodes = Math.max(flow.wrongCodes, max);
    flow.state = 'locked';
    await env.flows.save(flow);
    throw new PortalError('TOO_MANY_ATTEMPTS', { detail: 'attempt cap reached' });
  };
  // Always counted when no budget refused; fail closed otherwise.
  if (taken === undefined) return lock();
  const count = await env.limiter.netCount(flowCodes.key, taken, max);
  if (count > max) return lock();

  // Stryker disable next-line StringLiteral: equivalent, every outcome but 'accepted' is a wrong code
  let outcome: CodeCheck = 'rejected';
  try {
    if (flow.userId !== null && flow.factorId !== null) {
      const userId = flow.userId;
      const factorId = flow.factorId;
      outcome = await verifyWithinBudget(env, userId, idpTaken, () =>
        env.timing.measure('idp.verifyPasscode', () => env.idp.verifyPasscode(userId, factorId, code, input.ctx)),
      );
      if (outcome === 'refused') {
        note.detail = appendDetail(note.detail, 'IdP code budget spent: not sent to the IdP');
        await env.timing.pad('idp.verifyPasscode');
      } else if (outcome === 'locked') {
        note.detail = appendDetail(note.detail, 'factor locked at the IdP');
      }
    } else {
      await env.timing.pad('idp.verifyPasscode');
    }
  } catch (e) {
    // The IdP did not judge the code: the attempt does not count against the flow.
    await env.limiter.refund(flowCodes.key, taken);
    throw e;
  }

  if (outcome !== 'accepted') {
    if (flow.factorId === null) note.detail = appendDetail(note.detail, 'no factor behind this flow');
    flow.wrongCodes = count;
    const capReached = count >= max;
    flow.state = next(flow.state, 'code-rejected', { wrongCodeCapReached: capReached });
    await env.flows.save(flow);
    if (capReached) throw new PortalError('TOO_MANY_ATTEMPTS', { detail: `wrong code ${count}/${max}; flow locked` });
    throw new PortalError('INVALID_CODE', { detail: `wrong code ${count}/${max}` });
  }

  const verified = acceptFactor(flow, 'code-accepted', note);
  const handle = rotateForForm(env, flow, input.form);
  if (!verified) {
    await env.flows.save(flow);
    // Stryker disable next-line ObjectLiteral: the default is never used, a flow awaiting another factor always has progress (a user, a rule of two, one factor done)
    const { progress = { step: 2, steps: 2 } } = progressOf(env, flow);
    return { kind: 'factor-verified', progress, methods: nextFactorOffer(env, flow), handle };
  }
  const { ott, expiresAt, writes } = issueOtt(env, flow);
  await env.flows.save(flow, writes);
  return { ott, expiresAt, handle, ...unlockOffer(env, flow) };
}
