/**
 * The authenticator-app set-up keeps its QR code and key on screen through a wrong code by carrying them, sealed,
 * in its own form (src/http/account/totp-setup.ts). What this proves, over arbitrary inputs:
 * - a sealed copy opens only for the session and the method it was made for, under the portal's key;
 * - any change to it (body or tag) is refused, so nobody can make the page show a key of their choosing;
 * - the secret never travels in a field the log keeps (`totpSetup` is redacted like `code`).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { openTotpSetup, sealTotpSetup } from '../../src/http/account/totp-setup.js';
import { LOG_REDACT_PATHS } from '../../src/http/logging.js';

const KEY = 'k'.repeat(40);
const secret = fc.stringMatching(/^[A-Z2-7]{16,32}$/);
const uriOf = (s: string, label: string) => `otpauth://totp/Example:${encodeURIComponent(label)}?secret=${s}&issuer=Example`;
const sid = fc.stringMatching(/^[A-Za-z0-9_-]{8,43}$/);
const method = fc.constantFrom('google-authenticator', 'okta-verify-code');

describe('the sealed TOTP set-up', () => {
  test('opens for its own session, method and key only', () => {
    fc.assert(
      fc.property(secret, fc.string({ maxLength: 40 }), sid, sid, method, method, (s, label, a, b, m, n) => {
        const token = sealTotpSetup(KEY, a, m, uriOf(s, label));
        assert.deepEqual(openTotpSetup(KEY, a, m, token), { otpauthUri: uriOf(s, label), secret: s });
        if (a !== b) assert.equal(openTotpSetup(KEY, b, m, token), null, 'another session');
        if (m !== n) assert.equal(openTotpSetup(KEY, a, n, token), null, 'another method');
        assert.equal(openTotpSetup(`${KEY}x`, a, m, token), null, 'another key');
      }),
    );
  });

  test('any altered copy is refused', () => {
    fc.assert(
      fc.property(secret, sid, method, fc.nat(), fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.'), (s, a, m, at, ch) => {
        const token = sealTotpSetup(KEY, a, m, uriOf(s, 'alex@example.com'));
        const i = at % token.length;
        fc.pre(token[i] !== ch);
        const altered = token.slice(0, i) + ch + token.slice(i + 1);
        const opened = openTotpSetup(KEY, a, m, altered);
        // base64url has a few spellings of the same last bits; an equal decoding is the same copy, anything else fails.
        if (opened !== null) assert.equal(opened.secret, s);
      }),
    );
    const forged = `${Buffer.from(uriOf('AAAAAAAAAAAAAAAA', 'x')).toString('base64url')}.${'A'.repeat(43)}`;
    assert.equal(openTotpSetup(KEY, 'session-1', 'google-authenticator', forged), null, 'a chosen key without the tag');
    for (const junk of [undefined, 42, '', '.', 'a.b.c', 'x'.repeat(5000)]) assert.equal(openTotpSetup(KEY, 's', 'google-authenticator', junk), null);
  });

  test('the form field is redacted from request logs', () => {
    assert.ok(LOG_REDACT_PATHS.includes('body.totpSetup'));
    assert.ok(LOG_REDACT_PATHS.includes('req.body.totpSetup'));
  });
});
