// isFactorVerified tells the two answers of verify apart: the ott (last factor) or the next-factor offer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFactorVerified } from '../../../src/core/recovery/api.js';

test('isFactorVerified: true only for the next-factor answer, never for an ott', () => {
  assert.equal(isFactorVerified({ ott: 'o'.repeat(43), expiresAt: 0, handle: 'h' }), false);
  assert.equal(isFactorVerified({ ott: 'o'.repeat(43), expiresAt: 0, handle: 'h', unlockAvailable: true }), false);
  assert.equal(
    isFactorVerified({ kind: 'factor-verified', progress: { step: 2, steps: 2 }, methods: [{ method: 'push' }], handle: 'h' }),
    true,
  );
});
