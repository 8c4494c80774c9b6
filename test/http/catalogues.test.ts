/**
 * The page catalogues: every language of the Language enum has one, named in its own language, with its writing
 * direction; counts use the language's plural rules (Intl.PluralRules), and no catalogue repeats the English
 * text of the sentences that carry a count or a warning (a forgotten translation).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LANGUAGES } from '../../src/config/schema.js';
import { CATALOGUES } from '../../src/views/i18n/index.js';
import { plural } from '../../src/views/i18n/plural.js';
import { resendForm } from '../../src/views/fragments.js';
import type { ViewContext } from '../../src/views/layout.js';

describe('catalogues', () => {
  test('one per language, with its own code, name and direction', () => {
    assert.deepEqual(Object.keys(CATALOGUES).sort(), [...LANGUAGES].sort());
    for (const [code, t] of Object.entries(CATALOGUES)) {
      assert.equal(t.lang, code);
      assert.equal(t.dir, code === 'ar' ? 'rtl' : 'ltr', code);
    }
    assert.equal(new Set(Object.values(CATALOGUES).map((t) => t.languageName)).size, LANGUAGES.length);
  });

  test('plural forms follow the language: English one/other, Arabic two and few, Japanese a single form', () => {
    const en = CATALOGUES.en.account.readiness.ready;
    assert.match(en(1), /1 method that/);
    assert.match(en(3), /3 methods that/);
    const ar = CATALOGUES.ar.account.readiness.ready;
    assert.match(ar(2), /طريقتان/);
    assert.match(ar(3), /طرق/);
    assert.notEqual(ar(2), ar(3));
    assert.equal(plural('ja', 1, { other: '{n}' }), '1');
    assert.equal(plural('en', 1, { one: 'one {n}', other: 'other {n}' }), 'one 1');
    assert.equal(plural('ar', 11, { few: 'few', other: 'other {n}' }), `other ${new Intl.NumberFormat('ar').format(11)}`, 'a missing form falls back to other');
  });

  test('the sentences new in issue 13 are translated in every language (not left in English)', () => {
    const en = CATALOGUES.en;
    for (const [code, t] of Object.entries(CATALOGUES)) {
      if (code === 'en') continue;
      for (const [a, b] of [
        [t.account.readiness.single, en.account.readiness.single],
        [t.account.removeConfirm.ack, en.account.removeConfirm.ack],
        [t.code.resendCall, en.code.resendCall],
        [t.errors.LAST_RECOVERY_METHOD, en.errors.LAST_RECOVERY_METHOD],
        [t.account.phoneErrors.country, en.account.phoneErrors.country],
      ]) {
        assert.notEqual(a, b, `${code}: ${b}`);
      }
    }
  });

  test('"Okta Verify" is named as the app; the codes method is never used as an app name', () => {
    for (const t of Object.values(CATALOGUES)) {
      assert.equal(t.enrol.apps['okta-verify-code'], 'Okta Verify');
      assert.ok(t.enrol.totpOpen(t.enrol.apps['okta-verify-code']).includes('Okta Verify'));
      assert.ok(!t.enrol.totpOpen(t.enrol.apps['okta-verify-code']).includes(t.account.kinds['okta-verify-code']));
    }
  });

  test('the resend wait is pluralised by the language (server text and the countdown script\'s template)', () => {
    const wait = (lang: keyof typeof CATALOGUES, seconds: number) => {
      const ctx: ViewContext = { orgName: 'Acme', supportUrl: undefined, href: (p) => p, requestId: 'r', t: CATALOGUES[lang] };
      const out = String(resendForm(ctx, { action: '/x', csrfToken: 't', resendAfterSeconds: seconds }));
      return { text: /id="resend-wait"[^>]*>([^<]*)</.exec(out)?.[1], lang: /data-lang="(\w+)"/.exec(out)?.[1] };
    };
    assert.deepEqual(wait('en', 1), { text: 'You can ask for a new code in 1 second.', lang: 'en' });
    assert.equal(wait('en', 30).text, 'You can ask for a new code in 30 seconds.');
    assert.notEqual(wait('ar', 2).text?.replace(/[\d٠-٩]/g, ''), wait('ar', 5).text?.replace(/[\d٠-٩]/g, ''), 'Arabic dual and plural differ');
    assert.equal(wait('ar', 5).lang, 'ar');
  });
});
