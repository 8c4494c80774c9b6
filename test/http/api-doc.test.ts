// docs/api.md stays in sync with the JSON API's recovery answers: every status the map can produce (one sample per
// core state, typed so that a new state without a sample does not compile) is documented with its fields, including
// the two-method answers of policies by group (factor_verified, progress).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { StatusResult } from '../../src/core/recovery/api.js';
import { challengeJson, startJson, statusJson, verifiedJson } from '../../src/http/api/map.js';

const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
const progress = { step: 2, steps: 2 };

const SAMPLES: { [S in StatusResult['state']]: Extract<StatusResult, { state: S }> } = {
  started: { state: 'started' },
  'code-sent': { state: 'code-sent', method: 'sms', resendAfterSeconds: 3, progress },
  'code-ready': { state: 'code-ready', method: 'okta-verify-code', progress },
  waiting: { state: 'waiting', correctAnswer: 42, expiresAt: 0, progress },
  'factor-verified': { state: 'factor-verified', methods: [{ method: 'push' }], progress },
  verified: { state: 'verified', ott: 'x'.repeat(43), expiresAt: 0, unlockAvailable: true, login: 'jane' },
  rejected: { state: 'rejected', progress },
  expired: { state: 'expired', progress },
  completed: { state: 'completed', unlocked: true },
};

function documented(body: Record<string, unknown>): void {
  assert.ok(doc.includes(`"status": "${String(body.status)}"`), `docs/api.md shows an answer with "status": "${String(body.status)}"`);
  for (const key of Object.keys(body)) assert.ok(doc.includes(`"${key}"`), `docs/api.md names the field "${key}" (status ${String(body.status)})`);
}

describe('docs/api.md documents every recovery answer', () => {
  test('every status answer and its fields', () => {
    for (const sample of Object.values(SAMPLES)) documented(statusJson(sample));
  });

  test('verify: verified and factor_verified; challenge and start with progress', () => {
    documented(verifiedJson({ ott: 'x'.repeat(43), expiresAt: 0, handle: 'h', unlockAvailable: true }));
    const two = verifiedJson({ kind: 'factor-verified', progress, methods: [{ method: 'push' }], handle: 'h' });
    assert.deepEqual(two, { status: 'factor_verified', methods: [{ method: 'push' }], progress });
    documented(two);
    for (const kind of ['code-sent', 'push-waiting', 'code-ready'] as const) {
      const r =
        kind === 'code-sent'
          ? { kind, method: 'sms' as const, resendAfterSeconds: 30, handle: 'h', progress }
          : kind === 'push-waiting'
            ? { kind, correctAnswer: 42, expiresAt: 0, handle: 'h', progress }
            : { kind, method: 'okta-verify-code' as const, handle: 'h', progress };
      documented(challengeJson(r));
    }
    const start = startJson({ handle: 'h', methods: [{ method: 'push' }], expiresAt: 0, progress: { step: 1, steps: 2 } });
    for (const key of Object.keys(start)) assert.ok(doc.includes(`"${key}"`), `start field ${key}`);
    assert.ok(doc.includes('"progress": {"step": 1, "steps": 2}'));
  });
});
