// Recovery readiness and the last-method rule (src/core/account/readiness.ts), over every mix of factors:
// the level follows the count of ACTIVE factors of an offered recovery kind, and removal of a factor is "last"
// exactly when it is such a factor and no other one remains.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { canRecover, recoveryReadiness, removesLastRecovery } from '../../../src/core/account/readiness.js';
import type { FactorKind } from '../../../src/core/account/api.js';
import { RECOVERY_METHODS, type RecoveryMethod } from '../../../src/core/ports.js';

const KINDS: FactorKind[] = [...RECOVERY_METHODS, 'email', 'other'];
const factor = fc.record({ kind: fc.constantFrom(...KINDS), status: fc.constantFrom('ACTIVE', 'PENDING_ACTIVATION') });
const factors = fc.array(factor, { maxLength: 7 }).map((fs) => fs.map((f, i) => ({ ...f, id: `f${i}` })));
const methods = fc.subarray([...RECOVERY_METHODS] as RecoveryMethod[]);

describe('recovery readiness', () => {
  test('examples: email only, one app, two methods, a pending one does not count', () => {
    const all = [...RECOVERY_METHODS];
    assert.deepEqual(recoveryReadiness([{ id: 'e', kind: 'email', status: 'ACTIVE' }], all), { level: 'email-only', recoveryMethods: 0 });
    assert.deepEqual(recoveryReadiness([], all), { level: 'none', recoveryMethods: 0 });
    const one = [{ id: 'g', kind: 'google-authenticator' as const, status: 'ACTIVE' }, { id: 'p', kind: 'push' as const, status: 'PENDING_ACTIVATION' }];
    assert.deepEqual(recoveryReadiness(one, all), { level: 'single', recoveryMethods: 1 });
    assert.equal(removesLastRecovery(one, 'g', all), true);
    assert.equal(removesLastRecovery(one, 'p', all), false, 'a pending factor is never the last method');
    const two = [...one, { id: 's', kind: 'sms' as const, status: 'ACTIVE' }];
    assert.deepEqual(recoveryReadiness(two, all), { level: 'ready', recoveryMethods: 2 });
    assert.equal(removesLastRecovery(two, 'g', all), false);
    assert.equal(recoveryReadiness(two, ['sms']).level, 'single', 'only methods the portal offers count');
  });

  test('property: the level and the last-method rule agree with the count of usable methods', () => {
    fc.assert(
      fc.property(factors, methods, (fs, ms) => {
        const usable = fs.filter((f) => f.status === 'ACTIVE' && f.kind !== 'email' && (ms as string[]).includes(f.kind));
        const r = recoveryReadiness(fs, ms);
        assert.equal(r.recoveryMethods, usable.length);
        const email = fs.some((f) => f.kind === 'email' && f.status === 'ACTIVE');
        assert.equal(r.level, usable.length >= 2 ? 'ready' : usable.length === 1 ? 'single' : email ? 'email-only' : 'none');
        for (const f of fs) {
          assert.equal(removesLastRecovery(fs, f.id, ms), canRecover(f, ms) && usable.length === 1);
        }
        assert.equal(removesLastRecovery(fs, 'unknown', ms), false);
      }),
    );
  });
});
