// The two-method rules on their own (src/core/recovery/factors.ts, group-rules.ts): how many factors a flow needs,
// which methods may come next, what progress is told and to whom, and what accepting a factor clears.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  acceptFactor,
  factorsRequired,
  moreFactorsRequired,
  nextFactorMethods,
  nextFactorOffer,
  progressOf,
} from '../../../src/core/recovery/factors.js';
import { allowedMethods, classCount, matchRule, type GroupRule } from '../../../src/core/recovery/group-rules.js';
import type { AuditNote, StepEnv } from '../../../src/core/recovery/env.js';
import type { FlowRecord } from '../../../src/core/recovery/flow.js';
import type { RecoveryMethod } from '../../../src/core/ports.js';
import { testPolicy } from '../../helpers/fakes.js';

const RULE = { name: 'admins', methods: ['sms', 'push', 'google-authenticator'] as RecoveryMethod[], methodsRequired: 2 as const };

function flow(over: Partial<FlowRecord> = {}): FlowRecord {
  return {
    id: 'f1', secretHash: 'x', login: 'a', loginKey: 'a', userId: 'u1', userStatus: 'ACTIVE',
    factors: {
      sms: { factorId: 'f-sms', phoneNumber: '+15550100123' },
      call: { factorId: 'f-call', phoneNumber: '+15550100123' },
      push: { factorId: 'f-push' },
      'google-authenticator': { factorId: 'f-ga' },
    },
    offered: [], state: 'code-ready', method: 'google-authenticator', factorId: 'f-ga', transactionId: 't', correctAnswer: 12,
    pushExpiresAt: 5, lastPollAt: 4, lastPushResult: null, wrongCodes: 0, resendAvailableAt: {}, ottHash: null,
    ottExpiresAt: null, createdAt: 0, expiresAt: 900_000, rule: RULE, verifiedMethods: [], ...over,
  } as FlowRecord;
}

const env = (showEnrolledMethods = false) => ({ policy: testPolicy({ showEnrolledMethods }) }) as unknown as StepEnv;
const note = (): AuditNote => ({ login: null, userId: null, method: null });

describe('factors required', () => {
  test('one without a rule, the rule\'s count with one; more needed only while short of it', () => {
    assert.equal(factorsRequired(flow({ rule: null })), 1);
    assert.equal(factorsRequired(flow()), 2);
    assert.equal(moreFactorsRequired(flow({ rule: null })), false);
    assert.equal(moreFactorsRequired(flow({ verifiedMethods: undefined })), true);
    assert.equal(moreFactorsRequired(flow({ verifiedMethods: [] })), true);
    assert.equal(moreFactorsRequired(flow({ verifiedMethods: ['push'] })), false);
  });
});

describe('progressOf', () => {
  test('never for one-method flows nor decoys; step 1 only with enrolled methods shown; then step 2 of 2', () => {
    assert.deepEqual(progressOf(env(true), flow({ rule: null })), {});
    assert.deepEqual(progressOf(env(true), flow({ userId: null })), {});
    assert.deepEqual(progressOf(env(false), flow()), {});
    assert.deepEqual(progressOf(env(true), flow()), { progress: { step: 1, steps: 2 } });
    assert.deepEqual(progressOf(env(false), flow({ verifiedMethods: ['push'] })), { progress: { step: 2, steps: 2 } });
    assert.deepEqual(progressOf(env(false), flow({ verifiedMethods: ['push', 'sms'] })), { progress: { step: 2, steps: 2 } });
  });
});

describe('the next factor', () => {
  test('the rule\'s enrolled methods of a class not verified yet, in the operator\'s order', () => {
    assert.deepEqual(nextFactorMethods(env(), flow({ verifiedMethods: ['google-authenticator'] })), ['push', 'sms']);
    // call is enrolled and enabled but not the rule's; sms is the same class as the verified call.
    assert.deepEqual(nextFactorMethods(env(), flow({ verifiedMethods: ['call'] })), ['push', 'google-authenticator']);
    assert.deepEqual(nextFactorMethods(env(), flow({ verifiedMethods: ['sms'], factors: { push: { factorId: 'p' } } })), ['push']);
    assert.deepEqual(nextFactorMethods(env(), flow({ verifiedMethods: ['push'], rule: null })), ['google-authenticator', 'sms', 'call']);
  });

  test('the offer shows a masked number only with enrolled methods shown, and only for phone methods', () => {
    const f = flow({ verifiedMethods: ['push'] });
    assert.deepEqual(nextFactorOffer(env(false), f), [{ method: 'google-authenticator' }, { method: 'sms' }]);
    const shown = nextFactorOffer(env(true), f);
    const sms = shown.find((o) => o.method === 'sms');
    assert.ok(sms && 'hint' in sms && typeof sms.hint === 'string' && sms.hint.endsWith('0123') && !sms.hint.includes('555'));
    assert.deepEqual(shown.find((o) => o.method === 'google-authenticator'), { method: 'google-authenticator' });
  });
});

describe('acceptFactor', () => {
  test('the first of two: factor-verified, the method recorded, the method state cleared, the audit names the rule', () => {
    const f = flow();
    const n = note();
    assert.equal(acceptFactor(f, 'code-accepted', n), false);
    assert.equal(f.state, 'factor-verified');
    assert.deepEqual(f.verifiedMethods, ['google-authenticator']);
    assert.deepEqual(
      [f.method, f.factorId, f.transactionId, f.correctAnswer, f.pushExpiresAt, f.lastPollAt, f.lastPushResult],
      [null, null, null, null, null, null, null],
    );
    assert.equal(n.detail, 'factor 1 of 2 verified (group rule "admins")');
  });

  test('a record stored before verifiedMethods existed counts from zero: exactly the accepted method, "factor 1"', () => {
    const f = flow({ verifiedMethods: undefined });
    const n = note();
    assert.equal(acceptFactor(f, 'code-accepted', n), false);
    assert.deepEqual(f.verifiedMethods, ['google-authenticator']);
    assert.equal(n.detail, 'factor 1 of 2 verified (group rule "admins")');
  });

  test('the last one: verified, the method state kept; without a rule no rule in the audit', () => {
    const f = flow({ verifiedMethods: ['push'] });
    const n = note();
    assert.equal(acceptFactor(f, 'code-accepted', n), true);
    assert.equal(f.state, 'verified');
    assert.deepEqual(f.verifiedMethods, ['push', 'google-authenticator']);
    assert.equal(f.method, 'google-authenticator');
    assert.match(n.detail ?? '', /factor 2 of 2/);
    const one = flow({ rule: null, verifiedMethods: undefined });
    const n1 = note();
    assert.equal(acceptFactor(one, 'code-accepted', n1), true);
    assert.equal(n1.detail, undefined);
  });
});

describe('group rules', () => {
  const rule = (name: string, groups: string[], access: 'allow' | 'deny' = 'allow'): GroupRule => ({ name, groups, access, methods: ['sms'], methodsRequired: 1 });

  test('a rule with no groups matches nobody; a user without groups matches only *', () => {
    assert.equal(matchRule([rule('none', [])], [{ id: 'g1', name: 'Admins' }]), null);
    assert.equal(matchRule([rule('a', ['Admins']), rule('all', ['*'])], [])?.name, 'all');
    assert.equal(matchRule([rule('id', ['g1'])], [{ id: 'G1', name: 'x' }]), null, 'ids are exact');
    assert.equal(matchRule([rule('name', ['admins'])], [{ id: 'g9', name: 'ADMINS' }])?.name, 'name');
  });

  test('allowedMethods: the operator\'s list without a rule (a copy), else the rule\'s in the operator\'s order', () => {
    const enabled: RecoveryMethod[] = ['push', 'sms', 'call'];
    const all = allowedMethods(null, enabled);
    assert.deepEqual(all, enabled);
    all.pop();
    assert.deepEqual(enabled, ['push', 'sms', 'call'], 'the caller\'s list is untouched');
    assert.deepEqual(allowedMethods({ name: 'r', methods: ['call', 'push', 'okta-verify-code'], methodsRequired: 1 }, enabled), ['push', 'call']);
    assert.equal(classCount(['sms', 'call', 'push', 'google-authenticator', 'okta-verify-code']), 3);
  });
});
