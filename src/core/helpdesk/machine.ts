/**
 * The help-desk verification of one caller, as ONE table of (state × event → next state), per agent session.
 *   idle ──lookup──▶ looked-up ──challenge-code / challenge-push──▶ challenged-code / challenged-push
 *   challenged-code ──code-accepted──▶ verified;  ──code-rejected [wrongCodeCapReached]──▶ failed (else stays)
 *   challenged-code ──code-refused (the caller's IdP code budget is spent)──▶ failed
 *   challenged-push ──push-pending──▶ challenged-push ──push-approved──▶ verified
 *   challenged-push ──push-rejected / push-timed-out──▶ failed
 *   Any state but idle accepts a new lookup (another caller) and, once looked up, another challenge.
 * An event not in the table is refused with WRONG_STEP. Nothing in the table sets a password or enrols a factor:
 * the console only proves who is calling.
 */
import { PortalError } from '../errors.js';

export const HELPDESK_STATES = ['idle', 'looked-up', 'challenged-code', 'challenged-push', 'verified', 'failed'] as const;
export type HelpdeskState = (typeof HELPDESK_STATES)[number];

export const HELPDESK_EVENTS = [
  'lookup',
  'challenge-code',
  'challenge-push',
  'code-accepted',
  'code-rejected',
  'code-refused',
  'push-pending',
  'push-approved',
  'push-rejected',
  'push-timed-out',
] as const;
export type HelpdeskEvent = (typeof HELPDESK_EVENTS)[number];

type Target = HelpdeskState | { guard: 'wrongCodeCapReached'; then: HelpdeskState; else: HelpdeskState };

const AGAIN = {
  lookup: 'looked-up',
  'challenge-code': 'challenged-code',
  'challenge-push': 'challenged-push',
} as const satisfies Partial<Record<HelpdeskEvent, HelpdeskState>>;

export const HELPDESK_TRANSITIONS: Readonly<Record<HelpdeskState, Readonly<Partial<Record<HelpdeskEvent, Target>>>>> = {
  idle: { lookup: 'looked-up' },
  'looked-up': { ...AGAIN },
  'challenged-code': {
    ...AGAIN,
    'code-accepted': 'verified',
    'code-rejected': { guard: 'wrongCodeCapReached', then: 'failed', else: 'challenged-code' },
    'code-refused': 'failed',
  },
  'challenged-push': {
    ...AGAIN,
    'push-pending': 'challenged-push',
    'push-approved': 'verified',
    'push-rejected': 'failed',
    'push-timed-out': 'failed',
  },
  verified: { ...AGAIN },
  failed: { ...AGAIN },
};

export function canHelpdesk(state: HelpdeskState, event: HelpdeskEvent): boolean {
  return HELPDESK_TRANSITIONS[state][event] !== undefined;
}

export function helpdeskNext(state: HelpdeskState, event: HelpdeskEvent, guards: { wrongCodeCapReached?: boolean } = {}): HelpdeskState {
  const target = HELPDESK_TRANSITIONS[state][event];
  if (target === undefined) throw new PortalError('WRONG_STEP', { detail: `help desk: ${event} refused in state ${state}` });
  if (typeof target === 'object') return guards[target.guard] === true ? target.then : target.else;
  return target;
}
