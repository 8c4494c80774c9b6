// The transitions table on its own: every state × event pair, guards, refusals.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FLOW_EVENTS, FLOW_STATES, TRANSITIONS, can, next, type FlowEvent, type FlowState } from '../../../src/core/recovery/machine.js';
import { PortalError } from '../../../src/core/errors.js';

const CHALLENGEABLE: FlowState[] = ['started', 'code-sent', 'code-ready', 'push-waiting', 'push-rejected', 'push-expired', 'factor-verified'];

// The full expected table, written out independently of machine.ts (guarded targets as "guard:then|else").
const EXPECTED: Record<FlowState, Partial<Record<FlowEvent, string>>> = Object.fromEntries(
  FLOW_STATES.map((s) => [s, {} as Partial<Record<FlowEvent, string>>]),
) as Record<FlowState, Partial<Record<FlowEvent, string>>>;
for (const s of CHALLENGEABLE) {
  EXPECTED[s]['choose-sms-call'] = 'code-sent';
  EXPECTED[s]['choose-totp'] = 'code-ready';
  EXPECTED[s]['choose-push'] = 'push-waiting';
}
// Policies by group: an accepted factor leads to factor-verified while the rule wants another one (one flow).
for (const s of ['code-sent', 'code-ready'] as const) {
  EXPECTED[s]['code-accepted'] = 'moreFactorsRequired:factor-verified|verified';
  EXPECTED[s]['code-rejected'] = `wrongCodeCapReached:locked|${s}`;
}
Object.assign(EXPECTED['push-waiting'], {
  'push-pending': 'push-waiting',
  'push-approved': 'moreFactorsRequired:factor-verified|verified',
  'push-rejected': 'push-rejected',
  'push-timed-out': 'push-expired',
});
Object.assign(EXPECTED.verified, { 'ott-reissued': 'verified', 'password-refused': 'verified', 'password-set': 'completed' });
// Self-service unlock (issue 14): only from verified; a refused unlock stays verified.
Object.assign(EXPECTED.verified, { unlocked: 'completed', 'unlock-refused': 'verified' });
for (const s of FLOW_STATES) if (s !== 'expired') EXPECTED[s].ttl = 'expired';

describe('flow state machine', () => {
  test('every state × event pair matches the expected table', () => {
    for (const s of FLOW_STATES) {
      for (const e of FLOW_EVENTS) {
        const want = EXPECTED[s][e];
        assert.equal(can(s, e), want !== undefined, `${s} × ${e}`);
        if (want === undefined) {
          assert.throws(() => next(s, e), PortalError, `${s} × ${e}`);
        } else if (want.includes('|')) {
          const [guard = '', targets = ''] = want.split(':');
          const [then, otherwise] = targets.split('|');
          const other = guard === 'wrongCodeCapReached' ? 'moreFactorsRequired' : 'wrongCodeCapReached';
          assert.equal(next(s, e, { [guard]: true }), then, `${s} × ${e} [${guard}]`);
          assert.equal(next(s, e, { [guard]: false }), otherwise, `${s} × ${e} [!${guard}]`);
          assert.equal(next(s, e, { [other]: true }), otherwise, `${s} × ${e}: only ${guard} decides`);
          assert.equal(next(s, e), otherwise, 'a guard that was not evaluated counts as false');
        } else {
          assert.equal(next(s, e), want, `${s} × ${e}`);
        }
      }
    }
    assert.deepEqual(Object.keys(TRANSITIONS).sort(), [...FLOW_STATES].sort());
  });

  test('refusals: TOO_MANY_ATTEMPTS when locked, FLOW_EXPIRED when expired, WRONG_STEP otherwise', () => {
    assert.throws(() => next('locked', 'code-accepted'), { code: 'TOO_MANY_ATTEMPTS' });
    assert.throws(() => next('expired', 'choose-push'), { code: 'FLOW_EXPIRED' });
    assert.throws(() => next('started', 'password-set'), { code: 'WRONG_STEP' });
    assert.throws(() => next('completed', 'password-set'), { code: 'WRONG_STEP' });
    assert.throws(() => next('verified', 'choose-sms-call'), { code: 'WRONG_STEP' });
  });

  test('terminal states and reachability: verified only through a passed challenge', () => {
    for (const s of FLOW_STATES) {
      for (const e of FLOW_EVENTS) {
        for (const guard of [true, false]) {
          if (!can(s, e)) continue;
          if (next(s, e, { wrongCodeCapReached: guard, moreFactorsRequired: guard }) === 'verified') {
            assert.ok(['code-accepted', 'push-approved', 'ott-reissued', 'password-refused', 'unlock-refused'].includes(e), `${s} × ${e}`);
          }
        }
      }
    }
    assert.deepEqual(
      FLOW_EVENTS.filter((e) => can('completed', e) || can('locked', e)),
      ['ttl'],
    );
  });

  test('two-method flows: factor-verified only through a passed challenge, and it gives no ott', () => {
    for (const s of FLOW_STATES) {
      for (const e of FLOW_EVENTS) {
        if (!can(s, e)) continue;
        if (next(s, e, { moreFactorsRequired: true }) === 'factor-verified' && s !== 'factor-verified') {
          assert.ok(['code-accepted', 'push-approved'].includes(e), `${s} × ${e}`);
        }
      }
    }
    // From factor-verified only a new challenge (or the flow's end) leads on: no password, unlock or ott.
    for (const e of ['password-set', 'unlocked', 'ott-reissued', 'code-accepted', 'push-approved'] as const) {
      assert.throws(() => next('factor-verified', e), { code: 'WRONG_STEP' }, e);
    }
    // The second factor's acceptance reaches verified once the guard says no more is needed.
    assert.equal(next(next('factor-verified', 'choose-totp'), 'code-accepted', { moreFactorsRequired: false }), 'verified');
    assert.equal(next(next('factor-verified', 'choose-push'), 'push-approved', { moreFactorsRequired: false }), 'verified');
  });
});
