/**
 * The sign-in and account pages as documents: values from the IdP (names, logins, masked hints, unknown factor
 * types) are escaped, every visible input has a label, one h1 each, no inline script or style, and the French
 * catalogue renders them in French.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { FactorView } from '../../src/core/account/api.js';
import { en } from '../../src/views/i18n/en.js';
import { fr } from '../../src/views/i18n/fr.js';
import type { Messages } from '../../src/views/i18n/index.js';
import type { ViewContext } from '../../src/views/layout.js';
import { accountPage, removeConfirmPage } from '../../src/views/pages/account.js';
import { enrolCodePage, enrolPushPage, enrolTotpPage, groupSecret } from '../../src/views/pages/account-enrol.js';
import { accountPasswordPage } from '../../src/views/pages/account-password.js';
import { continuePage, stepUpChoosePage, stepUpCodePage, stepUpPushPage } from '../../src/views/pages/account-verify.js';
import { signInFailedPage } from '../../src/views/pages/signin.js';

const ctx = (t: Messages = en): ViewContext => ({ orgName: 'Acme', supportUrl: undefined, href: (p) => p, requestId: 'r-1', t });
const EVIL = '<img src=x onerror=alert(1)>';
const factors: FactorView[] = [
  { id: 'sms1', kind: 'sms', factorType: 'sms', provider: 'OKTA', status: 'ACTIVE', hint: `+1 ••• ${EVIL}` },
  { id: 'oth1', kind: 'other', factorType: `question${EVIL}`, provider: 'OKTA', status: 'PENDING_ACTIVATION' },
];

const overview = {
  readiness: { level: 'single', recoveryMethods: 1 },
  countries: [{ code: 'US', name: `United States ${EVIL}`, callingCode: '1' }, { code: 'FR', name: 'France', callingCode: '33' }],
  country: 'US',
  resumable: ['push'],
} as const;

function pages(c: ViewContext): Record<string, string> {
  return {
    account: accountPage(c, { ...overview, csrfToken: 't', who: `Eve ${EVIL}`, factors, methods: ['sms', 'push', 'google-authenticator'] }),
    removeConfirm: removeConfirmPage(c, { csrfToken: 't', who: 'x', factor: factors[0]!, lastRecovery: true, missingAck: true }),
    accountError: accountPage(c, {
      ...overview,
      csrfToken: 't',
      who: 'x',
      factors: [],
      methods: ['sms', 'call'],
      phoneError: { method: 'call', value: EVIL, message: 'bad' },
    }),
    choose: stepUpChoosePage(c, { csrfToken: 't', factors, pending: 'remove' }),
    code: stepUpCodePage(c, { csrfToken: 't', method: 'sms', factorId: 'sms1', resendAfterSeconds: 12, error: 'e', fieldError: true }),
    push: stepUpPushPage(c, { state: 'waiting', correctAnswer: 42 }),
    continue: continuePage(c, { csrfToken: 't', kind: 'remove', what: EVIL }),
    enrolCode: enrolCodePage(c, { csrfToken: 't', method: 'call', hint: EVIL, resendAfterSeconds: 3 }),
    totp: enrolTotpPage(c, { csrfToken: 't', method: 'google-authenticator', app: 'Google Authenticator', secret: 'ABCDEFGHIJKLMNOP', qrDataUri: 'data:image/png;base64,AAAA' }),
    totpAgain: enrolTotpPage(c, { csrfToken: 't', method: 'okta-verify-code', app: 'Okta Verify', secret: null, qrDataUri: null, error: 'x', fieldError: true }),
    enrolPush: enrolPushPage(c, { csrfToken: 't', state: 'pending', qrDataUri: null }),
    password: accountPasswordPage(c, { csrfToken: 't', error: 'x', causes: [EVIL], fieldError: 'new' }),
    signInFailed: signInFailedPage(c, 'invalid'),
  };
}

describe('account and sign-in pages', () => {
  for (const [name, page] of Object.entries(pages(ctx()))) {
    test(`${name}: escaped, labelled, one h1, no inline script or style`, () => {
      assert.ok(!page.includes(EVIL), 'IdP values are escaped');
      assert.equal(page.match(/<h1>/g)?.length, 1);
      assert.doesNotMatch(page, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
      assert.doesNotMatch(page, /\sstyle=|<style/, 'no inline style');
      for (const m of page.matchAll(/<(?:input(?![^>]*type="(?:hidden|radio)")|select)[^>]*\bid="([^"]+)"/g)) {
        assert.match(page, new RegExp(`<label for="${m[1]}">`), `a label for #${m[1]}`);
      }
      for (const m of page.matchAll(/<form method="post"[^>]*>/g)) {
        const rest = page.slice(m.index);
        assert.match(rest.slice(0, rest.indexOf('</form>')), /name="_csrf"/, 'every POST form carries the CSRF field');
      }
    });
  }

  test('remove buttons name what they remove; unknown factor types are shown, escaped', () => {
    const page = pages(ctx()).account!;
    assert.match(page, /Remove<span class="vh"> Text message \(SMS\)<\/span>/);
    assert.match(page, /question&lt;img/);
    assert.match(page, /Waiting for activation/);
    assert.doesNotMatch(page, /Set up<span class="vh"> Text message/, 'a kind the user has is not offered again');
  });

  test('the set-up key is grouped for reading; apps ignore the spaces', () => {
    assert.equal(groupSecret('ABCDEFGHIJKLMNOPQR'), 'ABCD EFGH IJKL MNOP QR');
    assert.match(pages(ctx()).totp!, /<code id="totp-secret">ABCD EFGH IJKL MNOP<\/code>/);
    assert.doesNotMatch(pages(ctx()).totpAgain!, /totp-secret/);
  });

  test('in French', () => {
    const p = pages(ctx(fr));
    assert.match(p.account!, /<html lang="fr" dir="ltr">/);
    assert.match(p.account!, /<h1>Mes méthodes de sécurité<\/h1>/);
    assert.match(p.choose!, /Avant de supprimer une méthode/);
    assert.match(p.signInFailed!, /Nous n’avons pas pu vous connecter/);
    for (const page of Object.values(p)) assert.doesNotMatch(page, /My security methods|Confirm it is you|Set up /);
  });
});
