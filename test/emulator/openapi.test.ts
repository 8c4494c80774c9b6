// Self-test of the OpenAPI response checker used by every emulator suite: the spec's own examples for the operations
// we emulate validate (after the documented SPEC_DEVIATIONS patches), and the checker does catch what it must
// (wrong types, subtype rules via the discriminator dispatch, writeOnly leaks, undocumented statuses, bodies on 204,
// the bogus 'WAITING (with number matching challenge)' literal, errorCauses as an object).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SPEC_DEVIATIONS, operationInfo, specExample, validateResponse, validateSchema } from '../helpers/openapi.js';

// [operationId, status, example name]. Examples whose phone numbers are not E.164 ("+1-555-415-1337") contradict the
// spec's own UserFactorSMSProfile pattern and are left out; the emulator sends E.164.
const EXAMPLES: [string, number, string][] = [
  ['verifyFactor', 200, 'UserFactorChallengeSmsResponse'],
  ['verifyFactor', 200, 'UserFactorChallengeCallResponse'],
  ['verifyFactor', 200, 'UserFactorChallengeEmailResponse'],
  ['verifyFactor', 200, 'UserFactorVerifySuccessSmsResponse'],
  ['verifyFactor', 200, 'UserFactorVerifySuccessTotpResponse'],
  ['verifyFactor', 201, 'UserFactorChallengePushResponse'],
  ['verifyFactor', 201, 'UserFactorChallengePushResponseWithNumberMatchingChallenge'],
  ['getFactorTransactionStatus', 200, 'UserFactorVerifyPushTransactionWaiting'],
  ['getFactorTransactionStatus', 200, 'UserFactorVerifyPushTransactionWaitingNMC'],
  ['getFactorTransactionStatus', 200, 'UserFactorVerifyPushTransactionApproved'],
  ['getFactorTransactionStatus', 200, 'UserFactorVerifyPushTransactionRejected'],
  ['getFactorTransactionStatus', 200, 'UserFactorVerifyPushTransactionTimeout'],
  ['enrollFactor', 200, 'EnrollFactorEmailResponse'],
  ['enrollFactor', 200, 'EnrollFactorOVPushResponse'],
  ['enrollFactor', 200, 'EnrollFactorOVTotpResponse'],
  ['enrollFactor', 200, 'EnrollFactorGoogleResponse'],
  ['activateFactor', 200, 'ActivateFactorPushResponse'],
  ['activateFactor', 200, 'ActivateFactorTotpResponse'],
  ['activateFactor', 200, 'ActivateFactorEmailResponse'],
];

describe('OpenAPI response checker', () => {
  test('loads the spec once and indexes the operations the emulator implements', () => {
    assert.deepEqual(operationInfo('verifyFactor'), { method: 'POST', path: '/api/v1/users/{userId}/factors/{factorId}/verify' });
    assert.deepEqual(operationInfo('getUser'), { method: 'GET', path: '/api/v1/users/{id}' });
    assert.equal(operationInfo('noSuchOperation'), undefined);
  });

  for (const [op, status, name] of EXAMPLES) {
    test(`the spec's own example ${name} validates as ${op} ${status}`, () => {
      const example = specExample(name);
      assert.notEqual(example, undefined, `example ${name} exists`);
      assert.deepEqual(validateResponse(op, status, example), []);
    });
  }

  test('the SPEC_DEVIATIONS patches are in effect', () => {
    assert.equal(SPEC_DEVIATIONS.length, 7);
    assert.deepEqual(validateResponse('listUsers', 400, { errorCode: 'E0000031', errorSummary: 'Invalid search criteria.' }), []);
    assert.deepEqual(validateResponse('unlockUser', 411, { errorCode: 'E0000003', errorSummary: 'Length Required' }), []);
    assert.notDeepEqual(validateResponse('getUser', 400, { errorCode: 'E0000031' }), [], 'only where listed');
    // the patched shapes themselves, checked directly
    assert.deepEqual(validateSchema('UserFactorVerifyResponse', { factorResult: 'CHALLENGE', profile: { phoneNumber: '+15555550100' } }), []);
    assert.deepEqual(validateSchema('LinksResend', { resend: [{ name: 'sms', href: 'https://x.example/resend' }] }), []);
    assert.deepEqual(validateSchema('LinksResend', { resend: { href: 'https://x.example/resend' } }), []);
  });

  test('a concrete path resolves to its template; literal segments win over parameters', () => {
    assert.deepEqual(validateResponse('GET', '/api/v1/users/00u1/factors/catalog', 200, [{ factorType: 'sms', provider: 'OKTA' }]), []);
    assert.notDeepEqual(validateResponse('GET', '/api/v1/users/00u1/factors/catalog', 200, { not: 'an array' }), []);
    assert.deepEqual(validateResponse('GET', '//api/v1/users/00u1?expand=blocks', 200, { id: '00u1', status: 'ACTIVE' }), []);
    assert.match(validateResponse('GET', '/api/v1/nowhere', 200, {})[0] ?? '', /no operation/);
  });

  test('catches wrong types, enums and formats', () => {
    assert.notDeepEqual(validateResponse('getUser', 200, { id: 42 }), []);
    assert.notDeepEqual(validateResponse('getUser', 200, { status: 'HAPPY' }), []);
    assert.notDeepEqual(validateResponse('getUser', 200, { created: 'yesterday' }), []);
    assert.notDeepEqual(validateResponse('verifyFactor', 200, { factorResult: 'MAYBE' }), []);
  });

  test('nullable fields accept null', () => {
    assert.deepEqual(validateResponse('getUser', 200, { id: '00u1', lastLogin: null, activated: null, passwordChanged: null }), []);
  });

  test('discriminator dispatch applies the subtype rules (sms provider must be OKTA; profile shapes)', () => {
    assert.deepEqual(validateResponse('getFactor', 200, { factorType: 'sms', provider: 'OKTA', profile: { phoneNumber: '+15555550100' } }), []);
    assert.notDeepEqual(validateResponse('getFactor', 200, { factorType: 'sms', provider: 'GOOGLE' }), []);
    assert.notDeepEqual(validateResponse('listFactors', 200, [{ factorType: 'sms', provider: 'OKTA', profile: { phoneNumber: '555' } }]), []);
    assert.deepEqual(validateResponse('listFactors', 200, [{ factorType: 'token:software:totp', provider: 'GOOGLE' }]), []);
    assert.notDeepEqual(validateResponse('listFactors', 200, [{ factorType: 'token:software:totp', provider: 'DUO' }]), []);
  });

  test('writeOnly properties (the password value) must never appear in a response', () => {
    assert.deepEqual(validateResponse('getUser', 200, { id: '00u1', credentials: { password: {} } }), []);
    const errors = validateResponse('getUser', 200, { id: '00u1', credentials: { password: { value: 'Secret-123' } } });
    assert.ok(errors.some((e) => e.includes('/credentials/password/value')), errors.join('; '));
  });

  test("push transaction results: WAITING/SUCCESS/REJECTED/TIMEOUT pass, the spec's documentation literal does not", () => {
    for (const r of ['WAITING', 'SUCCESS', 'REJECTED', 'TIMEOUT']) assert.deepEqual(validateResponse('getFactorTransactionStatus', 200, { factorResult: r }), [], r);
    assert.notDeepEqual(validateResponse('getFactorTransactionStatus', 200, { factorResult: 'WAITING (with number matching challenge)' }), []);
  });

  test('errors: the Okta envelope passes; errorCauses as an object fails (the SDK cannot parse it)', () => {
    const ok = { errorCode: 'E0000068', errorSummary: 'Invalid Passcode/Answer', errorLink: 'E0000068', errorId: 'oae1', errorCauses: [{ errorSummary: 'x' }] };
    assert.deepEqual(validateResponse('verifyFactor', 403, ok), []);
    assert.notDeepEqual(validateResponse('verifyFactor', 403, { ...ok, errorCauses: { errorSummary: 'x' } }), []);
  });

  test('undocumented statuses and bodies on no-content responses are reported', () => {
    assert.match(validateResponse('getUser', 418, {})[0] ?? '', /not documented/);
    assert.deepEqual(validateResponse('deleteUser', 204, undefined), []);
    assert.match(validateResponse('deleteUser', 204, { unexpected: true })[0] ?? '', /documents no body/);
    assert.match(validateResponse('deleteUser', 204, {})[0] ?? '', /documents no body/);
    // documented exceptions: `{}` on a 200 lifecycle answer; an undocumented 5xx must still be an Okta Error
    assert.deepEqual(validateResponse('suspendUser', 200, {}), []);
    assert.match(validateResponse('suspendUser', 200, { status: 'SUSPENDED' })[0] ?? '', /documents no body/);
    assert.deepEqual(validateResponse('getUser', 503, { errorCode: 'E0000010', errorSummary: 'x', errorCauses: [] }), []);
    assert.notDeepEqual(validateResponse('getUser', 503, { errorCode: 10 }), []);
  });
});
