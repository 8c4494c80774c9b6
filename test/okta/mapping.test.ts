// Pure mapping rules of the Okta adapter: Okta error codes → PortalError, defensive parsing, input refusal.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mapOktaFailure, parseCauses, retryAfterFromHeaders, toPortalError, type OktaFailure, type OktaOp } from '../../src/okta/errors.js';
import { OktaTransportError } from '../../src/okta/http.js';
import { factorMethod, isAcceptableLogin, toIdpUser, toPushResult, transactionIdFromPollHref } from '../../src/okta/mappers.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');

function failure(status: number, errorCode?: string, extra: Partial<OktaFailure> = {}): OktaFailure {
  return { status, errorCode, errorSummary: undefined, errorCauses: undefined, headers: {}, ...extra };
}

function codeFor(op: OktaOp, status: number, errorCode?: string): string {
  return mapOktaFailure(op, failure(status, errorCode), NOW).code;
}

describe('Okta error codes', () => {
  test('code errors', () => {
    for (const c of ['E0000068', 'E0000082', 'E0000083']) assert.equal(codeFor('verifyPasscode', 403, c), 'INVALID_CODE', c);
    assert.equal(codeFor('verifyPasscode', 403, 'E0000069'), 'FACTOR_LOCKED');
  });

  test('resend windows, and E0000047 only on a challenge', () => {
    for (const c of ['E0000109', 'E0000133', 'E0000118']) assert.equal(codeFor('sendChallenge', 429, c), 'RESEND_TOO_SOON', c);
    assert.equal(codeFor('sendChallenge', 429, 'E0000047'), 'RESEND_TOO_SOON');
    assert.equal(codeFor('verifyPasscode', 429, 'E0000047'), 'RATE_LIMITED');
    assert.equal(codeFor('startPush', 429, 'E0000047'), 'RATE_LIMITED');
    const e = mapOktaFailure('sendChallenge', failure(429, 'E0000109', { errorSummary: 'An SMS message was recently sent. Please wait 30 seconds before trying again.' }), NOW);
    assert.equal(e.retryAfterSeconds, 30);
    const noHint = mapOktaFailure('sendChallenge', failure(429, 'E0000133', { errorSummary: 'changed wording' }), NOW);
    assert.equal(noHint.retryAfterSeconds, 30, 'falls back to Okta’s 30 s window');
  });

  test('rate limits, including the 403 per-number SMS/voice caps', () => {
    assert.equal(codeFor('getUser', 429, 'E0000047'), 'RATE_LIMITED');
    assert.equal(codeFor('getUser', 429), 'RATE_LIMITED');
    assert.equal(codeFor('sendChallenge', 403, 'E0000150'), 'RATE_LIMITED');
    assert.equal(codeFor('sendChallenge', 403, 'E0000151'), 'RATE_LIMITED');
  });

  test('password policy only on setPassword', () => {
    for (const c of ['E0000001', 'E0000080', 'E0000014']) assert.equal(codeFor('setPassword', 403, c), 'PASSWORD_POLICY', c);
    assert.equal(codeFor('unlockUser', 400, 'E0000001'), 'IDP_UNAVAILABLE');
    const summaryOnly = mapOktaFailure('setPassword', failure(403, 'E0000080', { errorSummary: 'The password does not meet the complexity requirements.' }), NOW);
    assert.deepEqual(summaryOnly.causes, ['The password does not meet the complexity requirements.']);
    const validation = mapOktaFailure('setPassword', failure(400, 'E0000001', { errorSummary: 'Api validation failed: password' }), NOW);
    assert.deepEqual(validation.causes, [], 'a bare validation summary is not shown as a cause');
  });

  test('auth problems, 5xx and unknown codes are IDP_UNAVAILABLE with a safe detail', () => {
    const auth = mapOktaFailure('getUser', failure(403, 'E0000006'), NOW);
    assert.equal(auth.code, 'IDP_UNAVAILABLE');
    assert.match(auth.detail ?? '', /^okta getUser: HTTP 403 E0000006 \(check the API token/);
    assert.equal(codeFor('listFactors', 500, 'E0000009'), 'IDP_UNAVAILABLE');
    assert.equal(codeFor('verifyPasscode', 404, 'E0000007'), 'IDP_UNAVAILABLE');
  });
});

describe('defensive parsing', () => {
  test('errorCauses: array, single object, garbage; cleaned, deduplicated, capped', () => {
    assert.deepEqual(parseCauses([{ errorSummary: 'a' }, { errorSummary: 'b' }, { errorSummary: 'a' }]), ['a', 'b']);
    assert.deepEqual(parseCauses({ errorSummary: 'only one' }), ['only one']);
    assert.deepEqual(parseCauses('nope'), []);
    assert.deepEqual(parseCauses(null), []);
    assert.deepEqual(parseCauses([null, 3, { errorSummary: 7 }, { errorSummary: '  ' }]), []);
    assert.deepEqual(parseCauses([{ errorSummary: 'line1\nline2\u0000' }]), ['line1 line2']);
    assert.equal(parseCauses(Array.from({ length: 50 }, (_, i) => ({ errorSummary: `c${i}` }))).length, 10);
  });

  test('Retry-After from X-Rate-Limit-Reset minus Date', () => {
    const date = new Date(NOW).toUTCString();
    const reset = String(NOW / 1000 + 25);
    assert.equal(retryAfterFromHeaders({ 'x-rate-limit-reset': reset, date }, 0), 25);
    assert.equal(retryAfterFromHeaders({ 'x-rate-limit-reset': reset }, NOW), 25, 'no Date header: local clock');
    assert.equal(retryAfterFromHeaders({ 'x-rate-limit-reset': String(NOW / 1000 - 100), date }, 0), 1, 'a past reset waits 1 s');
    assert.equal(retryAfterFromHeaders({ 'x-rate-limit-reset': String(NOW / 1000 + 999999), date }, 0), 3600, 'capped at an hour');
    assert.equal(retryAfterFromHeaders({ 'x-rate-limit-reset': '1, 2', date }, 0), undefined);
    assert.equal(retryAfterFromHeaders({}, NOW), undefined);
  });

  test('network errors, timeouts and unknown errors become IDP_UNAVAILABLE without URLs queries', () => {
    assert.equal(toPortalError('getUser', new OktaTransportError('aborted', undefined), NOW).detail, 'okta getUser: timed out');
    assert.equal(toPortalError('getUser', new OktaTransportError('network', 'ECONNREFUSED'), NOW).detail, 'okta getUser: network error ECONNREFUSED');
    assert.equal(toPortalError('listFactors', new OktaTransportError('too-large', undefined), NOW).detail, 'okta listFactors: answer too large');
    assert.equal(toPortalError('getUser', new OktaTransportError('unreadable', 'HTTP 200'), NOW).detail, 'okta getUser: unreadable answer (HTTP 200)');
    const odd = toPortalError('listUsers', new Error('boom at https://org.example/api/v1/users?search=profile.email%20eq%20%22a%40b%22'), NOW);
    assert.equal(odd.code, 'IDP_UNAVAILABLE');
    assert.ok(!(odd.detail ?? '').includes('search='), odd.detail);
  });
});

describe('input and output mapping', () => {
  test('isAcceptableLogin', () => {
    for (const ok of ['jane@example.com', 'jane.doe', 'o\'brien@example.com', 'a'.repeat(256), 'ü@example.com']) assert.equal(isAcceptableLogin(ok), true, ok);
    for (const bad of ['', 'me', 'Me', 'a/b', 'a\\b', '.', '..', 'x\u0007', 'x\u0085', 'a'.repeat(257), ' a', 'a ']) {
      assert.equal(isAcceptableLogin(bad), false, JSON.stringify(bad));
    }
  });

  test('toIdpUser accepts only the login asked for (or its email), ignoring case', () => {
    const u = { id: '00u1', status: 'ACTIVE', passwordChanged: new Date(NOW), profile: { login: 'Jane@Example.com', email: 'j@example.org' } };
    assert.deepEqual(toIdpUser(u, 'jane@example.com'), { id: '00u1', login: 'Jane@Example.com', status: 'ACTIVE', passwordChanged: '2026-01-01T00:00:00.000Z', email: 'j@example.org' });
    assert.equal(toIdpUser(u, 'J@EXAMPLE.ORG')?.id, '00u1');
    assert.equal(toIdpUser(u, 'jane'), null);
    assert.equal(toIdpUser(u, '00u1'), null);
    assert.equal(toIdpUser({ id: '00u1', profile: {} }, 'x'), null);
  });

  test('factor types and providers', () => {
    assert.equal(factorMethod('token:software:totp', 'GOOGLE'), 'google-authenticator');
    assert.equal(factorMethod('token:software:totp', 'OKTA'), 'okta-verify-code');
    assert.equal(factorMethod('token:software:totp', 'SYMANTEC'), null);
    assert.equal(factorMethod('token:hardware', 'YUBICO'), null);
    assert.equal(factorMethod('question', 'OKTA'), null);
    assert.equal(factorMethod('email', 'OKTA'), 'email');
    assert.equal(factorMethod('email', 'OTHER'), null);
  });

  test('transaction id comes only from a .../transactions/<id> poll link', () => {
    const base = 'https://org.example/api/v1/users/00u1/factors/opf1/transactions';
    assert.equal(transactionIdFromPollHref(`${base}/mst1eiHghhPxf0yhp0g`), 'mst1eiHghhPxf0yhp0g');
    assert.equal(transactionIdFromPollHref(`${base}/v2mst.GldKV5VxTrifyeZmWSQguA`), 'v2mst.GldKV5VxTrifyeZmWSQguA');
    assert.equal(transactionIdFromPollHref(`${base}/`), null);
    assert.equal(transactionIdFromPollHref(`${base}/a%20b`), null);
    assert.equal(transactionIdFromPollHref(`${base}/${'x'.repeat(129)}`), null);
    assert.equal(transactionIdFromPollHref('https://org.example/api/v1/users/00u1'), null);
    assert.equal(transactionIdFromPollHref(42), null);
  });

  test('push results: anything unexpected is rejected', () => {
    assert.equal(toPushResult('WAITING'), 'waiting');
    assert.equal(toPushResult('SUCCESS'), 'approved');
    assert.equal(toPushResult('TIMEOUT'), 'timeout');
    assert.equal(toPushResult('REJECTED'), 'rejected');
    assert.equal(toPushResult('CANCELLED'), 'rejected');
    assert.equal(toPushResult(undefined), 'rejected');
  });
});
