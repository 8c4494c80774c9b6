// The account's two transition tables on their own: every state × event pair (written out independently of
// machine.ts), guards, and the refusal codes.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ENROL_EVENTS,
  ENROL_STATES,
  STEP_UP_EVENTS,
  STEP_UP_STATES,
  canEnrol,
  canStepUp,
  enrolNext,
  stepUpNext,
  type EnrolEvent,
  type EnrolState,
  type StepUpEvent,
  type StepUpState,
} from '../../../src/core/account/machine.js';
import { isPortalError } from '../../../src/core/errors.js';

function table<S extends string, E extends string>(states: readonly S[]): Record<S, Partial<Record<E, string>>> {
  return Object.fromEntries(states.map((s) => [s, {}])) as Record<S, Partial<Record<E, string>>>;
}

const STEP: Record<StepUpState, Partial<Record<StepUpEvent, string>>> = table(STEP_UP_STATES);
for (const s of ['idle', 'code-sent', 'code-ready', 'push-waiting', 'push-rejected', 'push-expired', 'verified'] as const) {
  Object.assign(STEP[s], { 'choose-sms-call': 'code-sent', 'choose-totp': 'code-ready', 'choose-push': 'push-waiting' });
}
for (const s of ['code-sent', 'code-ready'] as const) Object.assign(STEP[s], { 'code-accepted': 'verified', 'code-rejected': `locked|${s}` });
Object.assign(STEP['push-waiting'], {
  'push-pending': 'push-waiting',
  'push-approved': 'verified',
  'push-rejected': 'push-rejected',
  'push-timed-out': 'push-expired',
});
STEP.verified.lapse = 'idle';
STEP.locked.lapse = 'idle';

const ENROL: Record<EnrolState, Partial<Record<EnrolEvent, string>>> = table(ENROL_STATES);
for (const s of ENROL_STATES) {
  Object.assign(ENROL[s], { 'start-sms-call': 'code-sent', 'start-totp': 'totp-pending', 'start-push': 'push-pending', cancel: 'none' });
}
for (const s of ['code-sent', 'totp-pending'] as const) Object.assign(ENROL[s], { 'code-accepted': 'active', 'code-rejected': `locked|${s}` });
ENROL['code-sent'].resent = 'code-sent';
Object.assign(ENROL['push-pending'], { 'push-waiting': 'push-pending', 'push-activated': 'active', 'push-timed-out': 'expired' });
for (const s of ['code-sent', 'totp-pending', 'push-pending'] as const) ENROL[s].ttl = 'expired';

function check<S extends string, E extends string>(
  states: readonly S[],
  events: readonly E[],
  expected: Record<S, Partial<Record<E, string>>>,
  can: (s: S, e: E) => boolean,
  nextOf: (s: S, e: E, g?: { wrongCodeCapReached?: boolean }) => S,
): void {
  for (const s of states) {
    for (const e of events) {
      const want = expected[s][e];
      assert.equal(can(s, e), want !== undefined, `${s} × ${e}`);
      if (want === undefined) {
        assert.throws(() => nextOf(s, e), (err: unknown) => isPortalError(err), `${s} × ${e}`);
      } else if (want.includes('|')) {
        const [then, otherwise] = want.split('|');
        assert.equal(nextOf(s, e, { wrongCodeCapReached: true }), then, `${s} × ${e} [cap]`);
        assert.equal(nextOf(s, e, { wrongCodeCapReached: false }), otherwise, `${s} × ${e}`);
      } else {
        assert.equal(nextOf(s, e), want, `${s} × ${e}`);
      }
    }
  }
}

describe('step-up machine', () => {
  test('every state × event pair matches the expected table', () => {
    check(STEP_UP_STATES, STEP_UP_EVENTS, STEP, canStepUp, stepUpNext);
  });
  test('refusals: locked → TOO_MANY_ATTEMPTS, otherwise WRONG_STEP', () => {
    assert.throws(() => stepUpNext('locked', 'choose-totp'), { code: 'TOO_MANY_ATTEMPTS' });
    assert.throws(() => stepUpNext('idle', 'code-accepted'), { code: 'WRONG_STEP' });
    assert.throws(() => stepUpNext('verified', 'code-accepted'), { code: 'WRONG_STEP' });
  });
});

describe('enrolment machine', () => {
  test('every state × event pair matches the expected table', () => {
    check(ENROL_STATES, ENROL_EVENTS, ENROL, canEnrol, enrolNext);
  });
  test('refusals: locked → TOO_MANY_ATTEMPTS, expired → FLOW_EXPIRED, otherwise WRONG_STEP', () => {
    assert.throws(() => enrolNext('locked', 'code-accepted'), { code: 'TOO_MANY_ATTEMPTS' });
    assert.throws(() => enrolNext('expired', 'code-accepted'), { code: 'FLOW_EXPIRED' });
    assert.throws(() => enrolNext('push-pending', 'code-accepted'), { code: 'WRONG_STEP' });
    assert.throws(() => enrolNext('totp-pending', 'resent'), { code: 'WRONG_STEP' });
  });
});
