/**
 * axe-core (no serious or critical violation) on the help-desk console, the insights page and the "This wasn't me"
 * pages, in every catalogue language, light and dark, at 1280 and 390 px (issues 13 and 16), on the demo org:
 * - help desk: the lookup form, an unknown caller (field in error), a caller's methods, the code page, the push page
 *   with the number to read out, the result (verified, and not verified after a push declined on the phone);
 * - insights (last 24 hours, after a few recoveries);
 * - "This wasn't me" from the reset notification: the confirmation and the done page (the used link: English, one
 *   look).
 * One page load per language and state; the colour scheme and the width change without a reload. No CSP violation.
 * Plus the help desk with the keyboard only: Tab reaches the lookup field and its button, Enter submits, and on to
 * a verified caller.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_PASSWORD, outboxCode, startSignInStack, totpCode, Web, type SignInStack } from '../auth/support.js';
import { CATALOGUES, LANGUAGE_CODES, type Messages } from '../../src/views/i18n/index.js';
import { assertAccessible, assertClean, browserSuite, focusedId, inFourLooks, launchBrowser, newPage, phoneAnswerPush, tabTo, waitForFocus, watch } from './helpers.js';

const AGENT = 'admin@example.com'; // in the demo org's help-desk and insights groups

browserSuite('accessibility of the help desk, insights and "This wasn\'t me" in every language', () => {
  let stack: SignInStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let phone: Page;

  before(async () => {
    [stack, browser] = await Promise.all([
      startSignInStack({
        env: (emu) => ({
          HELPDESK_GROUP: 'Portal Help Desk',
          INSIGHTS_GROUP: 'Portal Security',
          SMTP_URL: emu.smtpUrl ?? '',
          MAIL_FROM: 'Example Corp <no-reply@example.com>',
          SUPPORT_URL: 'https://help.example.com/it',
          RESEND_COOLDOWN_SECONDS: '0',
        }),
      }),
      launchBrowser(),
    ]);
    ({ context, page } = await newPage(browser));
    phone = await context.newPage();
    watch(phone);
    const { url } = stack.portal;
    await page.goto(`${url}/auth/signin`);
    await page.getByLabel('Username').fill(AGENT);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${url}/account`);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  const setLang = (lang: string) => context.addCookies([{ name: 'lang', value: lang, url: stack.portal.url }]);
  /** `path` loaded once in each language; `check` waits for the state meant, in that language; then axe four times. */
  const everyLanguage = async (path: string, label: string, check: (t: Messages) => Promise<void>) => {
    for (const lang of LANGUAGE_CODES) {
      await setLang(lang);
      await page.goto(`${stack.portal.url}${path}`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await check(CATALOGUES[lang]);
      await inFourLooks(page, `${label} [${lang}]`);
    }
    await setLang('en');
  };
  const h1 = (name: string) => page.getByRole('heading', { level: 1, name }).waitFor();
  const lookUp = async (login: string) => {
    await page.locator('#login').fill(login);
    await page.locator('form:has(#login) button[type="submit"]').click();
  };

  test('help desk: lookup, unknown caller, methods, code, push, verified and not verified', async () => {
    const { url } = stack.portal;
    for (const lang of LANGUAGE_CODES) {
      await setLang(lang);
      const t = CATALOGUES[lang];
      await page.goto(`${url}/helpdesk?new=1`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await h1(t.helpdesk.heading);
      await inFourLooks(page, `help desk lookup [${lang}]`);
      await lookUp('no.such.caller@example.com');
      await page.getByRole('alert').filter({ hasText: t.helpdesk.noSuchLogin }).first().waitFor();
      assert.equal(await page.locator('#login').getAttribute('aria-invalid'), 'true');
      await inFourLooks(page, `help desk unknown caller [${lang}]`);
    }
    await setLang('en');

    // Owen: his Okta Verify code (no message sent).
    await page.goto(`${url}/helpdesk?new=1`);
    await lookUp('owen.okta@example.com');
    await page.waitForURL(`${url}/helpdesk`);
    await everyLanguage('/helpdesk', 'help desk caller methods', async (t) => {
      await page.getByRole('heading', { level: 2, name: t.helpdesk.callerHeading('owen.okta@example.com') }).waitFor();
    });
    const totp = page.locator('input[name="factorId"][value="ostDemoOwenOkta00001"]');
    await totp.check();
    await page.locator('form:has(input[name="factorId"]) button[type="submit"]').click();
    await page.waitForURL(`${url}/helpdesk/code`);
    await everyLanguage('/helpdesk/code', 'help desk code', (t) => h1(t.helpdesk.codeTitle));
    await page.locator('#code').fill(await totpCode(stack.emu.url, 'ostDemoOwenOkta00001'));
    await page.locator('form:has(#code) button[type="submit"]').click();
    await page.waitForURL(`${url}/helpdesk/result`);
    await everyLanguage('/helpdesk/result', 'help desk verified', async (t) => {
      await page.getByText(t.helpdesk.verified('owen.okta@example.com')).waitFor();
    });

    // Pat: a push with the number to read out, declined on the phone.
    await page.goto(`${url}/helpdesk?new=1`);
    await lookUp('pat.push@example.com');
    await page.waitForURL(`${url}/helpdesk`);
    await page.locator('input[name="factorId"]').first().check();
    await page.locator('form:has(input[name="factorId"]) button[type="submit"]').click();
    await page.waitForURL(`${url}/helpdesk/push`);
    await everyLanguage('/helpdesk/push', 'help desk push', async (t) => {
      await h1(t.helpdesk.pushTitle);
      assert.match((await page.locator('#push-number').textContent()) ?? '', /^\d+$/);
    });
    await phoneAnswerPush(phone, stack.emu.phoneUrl, 'pat.push@example.com', 'deny');
    await page.waitForURL(`${url}/helpdesk/result`);
    await everyLanguage('/helpdesk/result', 'help desk not verified', async (t) => {
      await page.getByRole('alert').filter({ hasText: t.helpdesk.failures.rejected }).waitFor();
    });
    assertClean(page);
  });

  test('help desk with the keyboard only: Tab to the lookup field and its button, Enter submits; on to Verified', async () => {
    const { url } = stack.portal;
    const login = 'gina.google@example.com';
    await page.goto(`${url}/helpdesk?new=1`);
    await tabTo(page, '#login');
    await page.keyboard.type(login);
    await tabTo(page, 'form:has(#login) button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: `Caller: ${login}` }).waitFor();
    // Her one method is chosen already; Tab on to "Send the challenge".
    await tabTo(page, 'input[name="factorId"]');
    assert.equal(await page.locator('input[name="factorId"]:focus').isChecked(), true);
    await tabTo(page, 'form:has(input[name="factorId"]) button[type="submit"]');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${url}/helpdesk/code`);
    await waitForFocus(page, 'code'); // the code field has the focus on arrival
    await page.keyboard.type(await totpCode(stack.emu.url, 'ostDemoGinaGoogle001'));
    await page.keyboard.press('Enter');
    await page.waitForURL(`${url}/helpdesk/result`);
    await page.getByText(`Verified: the caller proved they are ${login}.`).waitFor();
    assert.notEqual(await focusedId(page), 'code');
    assertClean(page);
  });

  test('"This wasn\'t me": confirmation and done; then insights', async () => {
    const { url } = stack.portal;
    const emu = stack.emu.url;
    const login = 'sam.sms@example.com';
    // One reset (and so one notification with its own link) per language, through the JSON API. Okta refuses a
    // second SMS to a factor within 30 seconds: the emulator's clock moves on between resets.
    for (let i = 0; i < LANGUAGE_CODES.length; i++) {
      if (i > 0) {
        const moved = await fetch(`${emu}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: 31 }) });
        assert.equal(moved.status, 200);
      }
      const web = new Web();
      assert.equal((await web.api(url, 'POST', '/api/v1/recovery', { username: login })).status, 200);
      assert.equal((await web.api(url, 'POST', '/api/v1/recovery/challenge', { method: 'sms' })).status, 200);
      const v = await web.api<{ ott: string }>(url, 'POST', '/api/v1/recovery/verify', { code: await outboxCode(emu, login) });
      assert.equal(v.status, 200, JSON.stringify(v.body));
      const password = `Report-Check-2026-${i}!`;
      const p = await web.api(url, 'POST', '/api/v1/recovery/password', { ott: v.body.ott, password, confirmPassword: password });
      assert.equal(p.status, 200, JSON.stringify(p.body));
    }
    let links: string[] = [];
    for (let i = 0; i < 100 && links.length < LANGUAGE_CODES.length; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 100));
      const { mail } = (await (await fetch(`${emu}/_emulator/mail`)).json()) as { mail: { links: string[] }[] };
      links = mail.flatMap((m) => m.links).filter((l) => l.startsWith(`${url}/report/`));
    }
    assert.equal(links.length, LANGUAGE_CODES.length, 'one report link per reset');

    for (const [i, lang] of LANGUAGE_CODES.entries()) {
      await setLang(lang);
      const t = CATALOGUES[lang];
      await page.goto(links[i]!);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await h1(t.report.heading);
      await inFourLooks(page, `report confirmation [${lang}]`);
      await page.locator('form button[type="submit"]').click();
      await h1(t.report.doneHeading);
      await inFourLooks(page, `report done [${lang}]`);
    }
    await setLang('en');
    // A used link: the same page as a tampered or expired one (its shape is the cannot-continue page's).
    await page.goto(links[0]!);
    await h1(CATALOGUES.en.report.invalidHeading);
    await assertAccessible(page, 'report link used');

    await everyLanguage('/insights?period=24h', 'insights', async (t) => {
      await h1(t.insights.heading);
      assert.equal(await page.locator('svg[data-chart]').count(), 6);
    });
    assertClean(page);
  });
});
