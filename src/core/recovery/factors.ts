/**
 * Accepting a verified factor, for one- and two-method flows alike (policies by group, ./group-rules.ts).
 * Rules:
 * - A flow needs `rule.methodsRequired` distinct factors (1 without a rule). Each accepted factor is recorded in
 *   `verifiedMethods`; the machine's `moreFactorsRequired` guard sends the flow to `factor-verified` (no ott) until
 *   the last one, which reaches `verified` and gets the ott (ott.ts).
 * - The next factor must be of another class than every factor verified so far (methodClass), one of the rule's
 *   methods the operator enabled and one the user has (ACTIVE). After the first factor the user has proven
 *   possession of one, so the offer is the real one (no decoy list any more).
 * - Progress ("step 2 of 2") is told once a factor is verified; before that only with showEnrolledMethods (that
 *   mode already gives accounts away): otherwise step 1 looks the same for every login.
 */
import { maskPhone } from '../mask.js';
import type { RecoveryMethod } from '../ports.js';
import type { MethodOffer, Progress } from './api.js';
import { appendDetail, type AuditNote, type StepEnv } from './env.js';
import type { FlowRecord } from './flow.js';
import { allowedMethods, methodClass } from './group-rules.js';
import { next, type FlowEvent } from './machine.js';

/** How many distinct factors this flow needs before its ott. */
export function factorsRequired(flow: FlowRecord): number {
  return flow.rule?.methodsRequired ?? 1;
}

/** Whether accepting one more factor still leaves the flow short of what its rule requires. */
export function moreFactorsRequired(flow: FlowRecord): boolean {
  return (flow.verifiedMethods?.length ?? 0) + 1 < factorsRequired(flow);
}

/** `progress` for the answers of this flow (see the module rules), or nothing. */
export function progressOf(env: StepEnv, flow: FlowRecord): { progress?: Progress } {
  const steps = factorsRequired(flow);
  const done = flow.verifiedMethods?.length ?? 0;
  if (steps < 2 || flow.userId === null) return {};
  if (done === 0 && !env.policy.showEnrolledMethods) return {};
  return { progress: { step: Math.min(done + 1, steps), steps } };
}

/** The methods the next factor may use: the rule's, enrolled, of a class not verified yet. */
export function nextFactorMethods(env: StepEnv, flow: FlowRecord): RecoveryMethod[] {
  // Stryker disable next-line ArrayDeclaration: a junk entry is a class of its own (methodClass), which no real method has
  const used = new Set((flow.verifiedMethods ?? []).map(methodClass));
  return allowedMethods(flow.rule, env.policy.methods).filter((m) => !used.has(methodClass(m)) && flow.factors[m] !== undefined);
}

export function nextFactorOffer(env: StepEnv, flow: FlowRecord): MethodOffer[] {
  return nextFactorMethods(env, flow).map((method) => {
    // Stryker disable next-line OptionalChaining: nextFactorMethods only returns methods with a factor; the ?. satisfies the type
    const phone = flow.factors[method]?.phoneNumber;
    return env.policy.showEnrolledMethods && phone ? { method, hint: maskPhone(phone) } : { method };
  });
}

/**
 * Moves the flow on after `event` (code-accepted / push-approved) for its current method. Returns true when the
 * flow reached `verified` (the caller issues the ott), false when it awaits another factor (method state cleared).
 */
export function acceptFactor(flow: FlowRecord, event: FlowEvent, note: AuditNote): boolean {
  const more = moreFactorsRequired(flow);
  flow.state = next(flow.state, event, { moreFactorsRequired: more });
  if (flow.method !== null) flow.verifiedMethods = [...(flow.verifiedMethods ?? []), flow.method];
  // Stryker disable next-line OptionalChaining: a factor is only accepted for a chosen method, so the line above always set the list
  const count = flow.verifiedMethods?.length ?? 0;
  if (flow.rule) {
    note.detail = appendDetail(note.detail, `factor ${count} of ${flow.rule.methodsRequired} verified (group rule "${flow.rule.name}")`);
  }
  if (flow.state !== 'factor-verified') return true;
  flow.method = null;
  flow.factorId = null;
  flow.transactionId = null;
  flow.correctAnswer = null;
  flow.pushExpiresAt = null;
  flow.lastPollAt = null;
  flow.lastPushResult = null;
  return false;
}
