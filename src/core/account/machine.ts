/**
 * The account's two state machines, each ONE table of (state × event → next state).
 *
 * Step-up (per session): a fresh verification with one of the user's ACTIVE factors.
 *   idle ──choose──▶ { code-sent | code-ready | push-waiting } ──code ok / push approved──▶ verified
 *   code state ──wrong code [wrongCodeCapReached]──▶ locked
 *   push-waiting ──rejected / timed out──▶ push-rejected / push-expired ──choose──▶ (another try)
 *   verified ──lapse (stepUpTtlSeconds)──▶ idle;  locked ──lapse (lockSeconds)──▶ idle
 *   A verified step-up may be redone (choose) before it lapses.
 *
 * Enrolment (per session): one pending factor at a time.
 *   none ──start──▶ { code-sent (sms, call) | totp-pending | push-pending }
 *   code-sent / totp-pending ──code ok──▶ active;  ──wrong code [wrongCodeCapReached]──▶ locked
 *   code-sent ──resent──▶ code-sent;  push-pending ──push-waiting──▶ push-pending ──push-activated──▶ active
 *   pending ──ttl / push-timed-out──▶ expired;  any state ──cancel──▶ none
 *   Every state accepts a start: a pending enrolment is replaced by the new one.
 *
 * An event not in a table is refused: TOO_MANY_ATTEMPTS from `locked`, FLOW_EXPIRED from `expired`,
 * WRONG_STEP otherwise.
 */
import { PortalError } from '../errors.js';

export type GuardName = 'wrongCodeCapReached';
export type Guards = Partial<Record<GuardName, boolean>>;
type Target<S extends string> = S | { guard: GuardName; then: S; else: S };
type Table<S extends string, E extends string> = Readonly<Record<S, Readonly<Partial<Record<E, Target<S>>>>>>;

// ---------------------------------------------------------------------------------------------------------------
// Step-up

export const STEP_UP_STATES = [
  'idle',
  'code-sent',
  'code-ready',
  'push-waiting',
  'push-rejected',
  'push-expired',
  'verified',
  'locked',
] as const;
export type StepUpState = (typeof STEP_UP_STATES)[number];

export const STEP_UP_EVENTS = [
  'choose-sms-call',
  'choose-totp',
  'choose-push',
  'code-accepted',
  'code-rejected',
  'push-pending',
  'push-approved',
  'push-rejected',
  'push-timed-out',
  'lapse',
] as const;
export type StepUpEvent = (typeof STEP_UP_EVENTS)[number];

const CHOOSE = {
  'choose-sms-call': 'code-sent',
  'choose-totp': 'code-ready',
  'choose-push': 'push-waiting',
} as const satisfies Partial<Record<StepUpEvent, StepUpState>>;

export const STEP_UP_TRANSITIONS: Table<StepUpState, StepUpEvent> = {
  idle: { ...CHOOSE },
  'code-sent': {
    ...CHOOSE,
    'code-accepted': 'verified',
    'code-rejected': { guard: 'wrongCodeCapReached', then: 'locked', else: 'code-sent' },
  },
  'code-ready': {
    ...CHOOSE,
    'code-accepted': 'verified',
    'code-rejected': { guard: 'wrongCodeCapReached', then: 'locked', else: 'code-ready' },
  },
  'push-waiting': {
    ...CHOOSE,
    'push-pending': 'push-waiting',
    'push-approved': 'verified',
    'push-rejected': 'push-rejected',
    'push-timed-out': 'push-expired',
  },
  'push-rejected': { ...CHOOSE },
  'push-expired': { ...CHOOSE },
  verified: { ...CHOOSE, lapse: 'idle' },
  locked: { lapse: 'idle' },
};

// ---------------------------------------------------------------------------------------------------------------
// Enrolment

export const ENROL_STATES = ['none', 'code-sent', 'totp-pending', 'push-pending', 'active', 'locked', 'expired'] as const;
export type EnrolState = (typeof ENROL_STATES)[number];

export const ENROL_EVENTS = [
  'start-sms-call',
  'start-totp',
  'start-push',
  'code-accepted',
  'code-rejected',
  'resent',
  'push-waiting',
  'push-activated',
  'push-timed-out',
  'ttl',
  'cancel',
] as const;
export type EnrolEvent = (typeof ENROL_EVENTS)[number];

const START = {
  'start-sms-call': 'code-sent',
  'start-totp': 'totp-pending',
  'start-push': 'push-pending',
} as const satisfies Partial<Record<EnrolEvent, EnrolState>>;
const END = { ttl: 'expired', cancel: 'none' } as const satisfies Partial<Record<EnrolEvent, EnrolState>>;

export const ENROL_TRANSITIONS: Table<EnrolState, EnrolEvent> = {
  none: { ...START, cancel: 'none' },
  'code-sent': {
    ...START,
    'code-accepted': 'active',
    'code-rejected': { guard: 'wrongCodeCapReached', then: 'locked', else: 'code-sent' },
    resent: 'code-sent',
    ...END,
  },
  'totp-pending': {
    ...START,
    'code-accepted': 'active',
    'code-rejected': { guard: 'wrongCodeCapReached', then: 'locked', else: 'totp-pending' },
    ...END,
  },
  'push-pending': {
    ...START,
    'push-waiting': 'push-pending',
    'push-activated': 'active',
    'push-timed-out': 'expired',
    ...END,
  },
  active: { ...START, cancel: 'none' },
  locked: { ...START, cancel: 'none' },
  expired: { ...START, cancel: 'none' },
};

// ---------------------------------------------------------------------------------------------------------------

function refusal(state: string): PortalError {
  if (state === 'locked') return new PortalError('TOO_MANY_ATTEMPTS');
  if (state === 'expired') return new PortalError('FLOW_EXPIRED', { detail: 'enrolment expired' });
  return new PortalError('WRONG_STEP', { detail: `refused in state ${state}` });
}

function step<S extends string, E extends string>(table: Table<S, E>, state: S, event: E, guards: Guards): S {
  const target: Target<S> | undefined = table[state][event];
  if (target === undefined) throw refusal(state);
  if (typeof target === 'object') return guards[target.guard] === true ? target.then : target.else;
  return target;
}

export function stepUpNext(state: StepUpState, event: StepUpEvent, guards: Guards = {}): StepUpState {
  return step(STEP_UP_TRANSITIONS, state, event, guards);
}

export function enrolNext(state: EnrolState, event: EnrolEvent, guards: Guards = {}): EnrolState {
  return step(ENROL_TRANSITIONS, state, event, guards);
}

export function canStepUp(state: StepUpState, event: StepUpEvent): boolean {
  return STEP_UP_TRANSITIONS[state][event] !== undefined;
}

export function canEnrol(state: EnrolState, event: EnrolEvent): boolean {
  return ENROL_TRANSITIONS[state][event] !== undefined;
}

export function assertStepUp(state: StepUpState, event: StepUpEvent): void {
  if (!canStepUp(state, event)) throw refusal(state);
}

export function assertEnrol(state: EnrolState, event: EnrolEvent): void {
  if (!canEnrol(state, event)) throw refusal(state);
}
