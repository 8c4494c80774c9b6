/**
 * The recovery flow's state machine: ONE table of (state × event → next state), reviewable and testable alone.
 *
 *   started ──challenge──▶ challenged { code-sent | code-ready | push-waiting } ──code/push ok──▶ verified
 *   challenged ──code/push ok [moreFactorsRequired]──▶ factor-verified ──challenge──▶ challenged (the next factor)
 *   verified ──password set──▶ completed
 *   verified ──unlocked (self-service unlock, no new password)──▶ completed
 *   challenged ──wrong code [wrongCodeCapReached]──▶ locked
 *   push-waiting ──rejected / timed out──▶ push-rejected / push-expired ──challenge──▶ challenged (another try)
 *   any state except expired ──ttl──▶ expired
 *
 * Rules:
 * - A method may be (re)chosen from `started` and from every challenged state; choosing one resets the per-method
 *   state (the steps do that), the wrong-code count persists for the whole flow.
 * - Two-method flows (a group rule requiring 2 distinct methods) are ONE flow: the first accepted factor leads to
 *   `factor-verified` (no ott), where a method of another class is chosen (the challenge step checks the class);
 *   the second accepted factor leads to `verified`. Budgets, limits and the wrong-code count span both factors.
 * - Only code states accept a code; only `push-waiting` polls; only `verified` accepts a password.
 * - `locked`, `completed` and `expired` are terminal. Cancelling deletes the flow record (no state needed).
 * - An event that is not in the table is refused: TOO_MANY_ATTEMPTS from `locked`, FLOW_EXPIRED from `expired`,
 *   WRONG_STEP otherwise (skipped or replayed steps, RST-7).
 */
import { PortalError } from '../errors.js';

export const FLOW_STATES = [
  'started',
  'code-sent',
  'code-ready',
  'push-waiting',
  'push-rejected',
  'push-expired',
  'factor-verified', // one factor verified, another (distinct) one required before the ott
  'verified',
  'completed',
  'locked',
  'expired',
] as const;
export type FlowState = (typeof FLOW_STATES)[number];

export const FLOW_EVENTS = [
  'choose-sms-call', // an SMS, voice or email code was sent (or would have been); the name predates email
  'choose-totp', // an authenticator-app method was chosen
  'choose-push', // a push was sent
  'code-accepted',
  'code-rejected',
  'push-pending',
  'push-approved',
  'push-rejected',
  'push-timed-out',
  'ott-reissued',
  'password-refused', // policy failure or IdP error: stay verified, the ott is put back
  'password-set',
  'ttl',
  'unlocked', // self-service unlock of a LOCKED_OUT user, without a new password
  'unlock-refused', // the IdP refused or failed the unlock: stay verified, the ott is put back
] as const;
export type FlowEvent = (typeof FLOW_EVENTS)[number];

/** Named guards: conditions the step evaluates and the table branches on. */
export type GuardName = 'wrongCodeCapReached' | 'moreFactorsRequired';
export type Guards = Partial<Record<GuardName, boolean>>;

type Target = FlowState | { guard: GuardName; then: FlowState; else: FlowState };

const CHOOSE = {
  'choose-sms-call': 'code-sent',
  'choose-totp': 'code-ready',
  'choose-push': 'push-waiting',
} as const satisfies Partial<Record<FlowEvent, Target>>;

const TTL = { ttl: 'expired' } as const satisfies Partial<Record<FlowEvent, Target>>;

/** A factor accepted: verified, unless the flow's rule requires another distinct factor. */
const ACCEPTED: Target = { guard: 'moreFactorsRequired', then: 'factor-verified', else: 'verified' };

export const TRANSITIONS: Readonly<Record<FlowState, Readonly<Partial<Record<FlowEvent, Target>>>>> = {
  started: { ...CHOOSE, ...TTL },
  'code-sent': {
    ...CHOOSE,
    'code-accepted': ACCEPTED,
    'code-rejected': { guard: 'wrongCodeCapReached', then: 'locked', else: 'code-sent' },
    ...TTL,
  },
  'code-ready': {
    ...CHOOSE,
    'code-accepted': ACCEPTED,
    'code-rejected': { guard: 'wrongCodeCapReached', then: 'locked', else: 'code-ready' },
    ...TTL,
  },
  'push-waiting': {
    ...CHOOSE,
    'push-pending': 'push-waiting',
    'push-approved': ACCEPTED,
    'push-rejected': 'push-rejected',
    'push-timed-out': 'push-expired',
    ...TTL,
  },
  'push-rejected': { ...CHOOSE, ...TTL },
  'push-expired': { ...CHOOSE, ...TTL },
  'factor-verified': { ...CHOOSE, ...TTL },
  verified: {
    'ott-reissued': 'verified',
    'password-refused': 'verified',
    'password-set': 'completed',
    unlocked: 'completed',
    'unlock-refused': 'verified',
    ...TTL,
  },
  completed: { ...TTL },
  locked: { ...TTL },
  expired: {},
};

/** Whether `event` is allowed in `state` (whatever its guards say). */
export function can(state: FlowState, event: FlowEvent): boolean {
  return TRANSITIONS[state][event] !== undefined;
}

/** The error a refused event gets in `state`. */
export function refusal(state: FlowState): PortalError {
  if (state === 'locked') return new PortalError('TOO_MANY_ATTEMPTS');
  if (state === 'expired') return new PortalError('FLOW_EXPIRED');
  return new PortalError('WRONG_STEP', { detail: `refused in state ${state}` });
}

/** The next state, or throws the refusal for `state`. */
export function next(state: FlowState, event: FlowEvent, guards: Guards = {}): FlowState {
  const target = TRANSITIONS[state][event];
  if (target === undefined) throw refusal(state);
  if (typeof target === 'string') return target;
  return guards[target.guard] === true ? target.then : target.else;
}

/** Throws the refusal unless `event` is allowed in `state`. */
export function assertCan(state: FlowState, event: FlowEvent): void {
  if (!can(state, event)) throw refusal(state);
}
