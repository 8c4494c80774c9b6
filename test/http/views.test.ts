/** The `html` helper escapes by default; pages render untrusted values only escaped. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, html, trustedHtml } from '../../src/views/html.js';
import type { ViewContext } from '../../src/views/layout.js';
import { en } from '../../src/views/i18n/en.js';
import { methodPage } from '../../src/views/pages/method.js';
import { messagePage } from '../../src/views/pages/message.js';
import { passwordPage } from '../../src/views/pages/password.js';

const ctx: ViewContext = {
  orgName: 'Acme <b>&</b> "Co"',
  supportUrl: undefined,
  href: (p) => p,
  requestId: 'r-1',
  t: en,
};

describe('html helper', () => {
  test('escapes every interpolation', () => {
    const evil = `"><script>alert('x')</script>\``;
    assert.equal(
      html`<p title="${evil}">${evil}</p>`.value,
      '<p title="&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#96;">&quot;&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&#96;</p>',
    );
    assert.equal(escapeHtml('&amp;'), '&amp;amp;');
  });

  test('nests templates without double escaping, joins arrays, drops null / undefined / false', () => {
    const items = ['a<', 'b>'].map((x) => html`<li>${x}</li>`);
    assert.equal(html`<ul>${items}</ul>${null}${undefined}${false}${0}`.value, '<ul><li>a&lt;</li><li>b&gt;</li></ul>0');
    assert.equal(html`${trustedHtml('<br>')}`.value, '<br>');
  });

  test('an object that merely looks like SafeHtml is escaped', () => {
    const fake = { value: '<img>', toString: () => '<img>' } as unknown as string;
    assert.equal(html`${fake}`.value, '&lt;img&gt;');
  });
});

describe('pages', () => {
  test('org name, method hints, policy causes and tokens are escaped', () => {
    const page = methodPage(ctx, { csrfToken: 'a"b', methods: [{ method: 'sms', hint: '<i>+1 ••• 0100</i>' }] });
    assert.ok(page.includes('Acme &lt;b&gt;&amp;&lt;/b&gt; &quot;Co&quot;'));
    assert.ok(page.includes('&lt;i&gt;+1 ••• 0100&lt;/i&gt;'));
    assert.ok(page.includes('value="a&quot;b"'));
    const pw = passwordPage(ctx, { csrfToken: 't', ott: 'o', revokeSessions: false, error: 'x', requirements: ['<script>1</script>'], fieldError: true, login: '<b>"x"@example.com' });
    assert.ok(pw.includes('&lt;script&gt;1&lt;/script&gt;'));
    assert.ok(!pw.includes('<script>1'));
    assert.ok(!/name="revokeSessions" value="on" checked/.test(pw), 'unchecked when asked');
  });

  test('pages are complete documents with one h1, a lang and a role="alert" region for errors', () => {
    const page = messagePage(ctx, { title: 't', heading: 'h', message: 'm', actions: [{ href: '/x', label: 'go' }] });
    assert.match(page, /^<!doctype html>\n<html lang="en" dir="ltr">/);
    assert.equal(page.match(/<h1>/g)?.length, 1);
    assert.match(page, /<div class="alert" role="alert" id="error-summary">/);
  });
});

describe('assets', () => {
  test('the embedded scripts parse, use no storage and write no HTML', async () => {
    const { Script } = await import('node:vm');
    const { ASSETS } = await import('../../src/views/assets/index.js');
    for (const name of ['push.js', 'countdown.js', 'focus.js', 'password.js', 'code.js'] as const) {
      const src = ASSETS[name].body;
      assert.doesNotThrow(() => new Script(src), name);
      assert.ok(!/localStorage|sessionStorage|innerHTML|outerHTML|document\.write|eval\(/.test(src), name);
      assert.match(ASSETS[name].file, /^[a-z]+\.[0-9a-f]{12}\.js$/);
    }
  });
});
