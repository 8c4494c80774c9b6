/**
 * axe-core on every page of the flow and on its error states (no serious or critical violation), in light and dark
 * colour schemes, plus what the checks around them need: errors announced (role="alert") with the focus on the
 * first field in error, Okta's policy causes next to the password field, the push outcome shown live (no reload)
 * with a way on, the language switch (French, html lang, no open redirect), and the operator's logo and colour.
 * The matrix tests run axe on the recovery pages and their error states in every catalogue language, light and dark,
 * at 1280 and 390 px (one page load per language and state; the colour scheme and the width change without a reload):
 * landing, start with an error, method, code, code after a wrong code, push waiting, push rejected, new password,
 * password mismatch, password policy failure, done, page not found, cannot continue, too many attempts.
 * The help-desk console, insights and "This wasn't me" pages: a11y-staff.test.ts; the account pages:
 * account-safety.test.ts.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  assertAccessible,
  assertClean,
  browserSuite,
  inFourLooks,
  launchBrowser,
  newPage,
  phoneAnswerPush,
  phoneMessageCode,
  snap,
  startStack,
  waitForFocus,
  phoneAuthenticatorCode,
  pressVerify,
  type Stack,
} from './helpers.js';
import { NEW_PASSWORD } from './seed.js';
import { CATALOGUES, LANGUAGE_CODES, type Messages } from '../../src/views/i18n/index.js';

browserSuite('accessibility of every page and error state', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let phone: Page;

  before(async () => {
    // Six wrong codes in one flow (one per language) below: above the default five.
    [stack, browser] = await Promise.all([startStack({ MAX_WRONG_CODES_PER_FLOW: '10' }), launchBrowser()]);
    ({ page } = await newPage(browser));
    ({ page: phone } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('code flow: every page, wrong code, French, password mismatch and policy failure, done', async () => {
    const login = 'ada.access@example.com';
    const { url } = stack.portal;

    await page.goto(`${url}/`);
    await assertAccessible(page, 'landing');
    const logo = page.locator('header img.logo');
    assert.equal(await logo.evaluate((img: { complete: boolean; naturalWidth: number }) => img.complete && img.naturalWidth > 0), true, 'the logo loads');
    const accent = await page
      .getByRole('link', { name: 'Forgot password' })
      .evaluate((a) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(a).backgroundColor);
    assert.equal(accent, 'rgb(91, 43, 181)', 'ACCENT_COLOR is applied through the theme stylesheet');
    await page.emulateMedia({ colorScheme: 'dark' });
    await assertAccessible(page, 'landing (dark)');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('link', { name: 'Forgot password' }).click();
    await page.waitForURL(`${url}/recover`);
    await assertAccessible(page, 'start');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').getByText('Enter your username or email address.').waitFor();
    await waitForFocus(page, 'username');
    assert.equal(await page.locator('#username').getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'start with an empty login');
    await snap(page, 'error-start-empty');

    await page.getByLabel('Username or email').fill(login);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/method`);
    await assertAccessible(page, 'method');
    await page.getByRole('radio', { name: /^Text message/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/code`);
    await assertAccessible(page, 'code');

    await page.getByLabel('Verification code').fill('000000');
    await pressVerify(page);
    await page.getByRole('alert').getByText('That code is not valid').waitFor();
    await waitForFocus(page, 'code');
    await assertAccessible(page, 'code with a wrong code');

    // The language switch keeps the user on the same step.
    await page.getByRole('link', { name: 'Français' }).click();
    await page.waitForURL(`${url}/recover/code`);
    assert.equal(await page.getAttribute('html', 'lang'), 'fr');
    await page.getByRole('heading', { name: 'Saisissez votre code de vérification' }).waitFor();
    await assertAccessible(page, 'code (French)');
    await snap(page, 'fr-code');
    await page.getByRole('link', { name: 'English' }).click();
    await page.waitForURL(`${url}/recover/code`);
    assert.equal(await page.getAttribute('html', 'lang'), 'en');

    const code = await phoneMessageCode(phone, stack.emu.phoneUrl, login);
    await page.getByLabel('Verification code').fill(code);
    await pressVerify(page);
    await page.waitForURL(`${url}/recover/password`);
    await assertAccessible(page, 'password');
    await page.emulateMedia({ colorScheme: 'dark' });
    await assertAccessible(page, 'password (dark)');
    await snap(page, 'dark-password');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm the new password').fill(`${NEW_PASSWORD}x`);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').getByText('The two passwords do not match.').waitFor();
    await waitForFocus(page, 'password');
    await assertAccessible(page, 'password mismatch');

    await page.getByLabel('New password', { exact: true }).fill('lowercase-only');
    await page.getByLabel('Confirm the new password').fill('lowercase-only');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').getByText('The password does not meet the password policy.').waitFor();
    const reasons = await page.locator('#password-reasons li').allTextContents();
    assert.deepEqual(reasons, ['It has no uppercase letter.', 'It has no number.'], 'the broken rules, named (not Okta\'s English)');
    const described = (await page.locator('#password').getAttribute('aria-describedby')) ?? '';
    assert.deepEqual(described.split(' '), ['password-requirements', 'password-reasons'], 'the rules, then why it was refused');
    assert.equal(await page.locator('#password-error').count(), 0, 'the reasons are the field error, not repeated');
    await waitForFocus(page, 'password');
    await assertAccessible(page, 'password policy failure');
    await snap(page, 'error-password-policy');

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(/\/recover\/done\?sessions=(ended|kept)$/);
    await assertAccessible(page, 'done');
    assertClean(page);
  });

  test('push: waiting page, a live rejection with a way on, and the server-rendered outcome', async () => {
    const login = 'axel.access@example.com';
    const { url } = stack.portal;
    const { context: ctx2, page: p } = await newPage(browser);
    await p.goto(`${url}/recover`);
    await p.getByLabel('Username or email').fill(login);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByRole('radio', { name: /^Okta Verify push/ }).check();
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.waitForURL(`${url}/recover/push`);
    await p.getByText('This page moves on by itself').waitFor();
    await assertAccessible(p, 'push waiting');

    let navigations = 0;
    p.on('framenavigated', (f) => {
      if (f === p.mainFrame()) navigations++;
    });
    await phoneAnswerPush(phone, stack.emu.phoneUrl, login, 'deny');
    await p.getByRole('alert').getByText('The request was declined on the phone.').waitFor();
    assert.equal(navigations, 0, 'shown without a reload');
    assert.equal(await p.locator('#push-number').isHidden(), true);
    await waitForFocus(p, 'push-next-action');
    assert.equal(await p.getByRole('link', { name: 'Try another method' }).first().isVisible(), true);
    await assertAccessible(p, 'push rejected (live)');
    await snap(p, 'push-rejected');

    await p.reload();
    await p.getByRole('alert').getByText('The request was declined on the phone.').waitFor();
    await assertAccessible(p, 'push rejected (server-rendered)');
    await p.getByRole('link', { name: 'Try another method' }).click();
    await p.waitForURL(`${url}/recover/method`);
    assertClean(p);
    await ctx2.close();
  });

  test('error pages: unknown page, expired flow; the language switch never redirects off-site', async () => {
    const { url } = stack.portal;
    const { context: fresh, page: p } = await newPage(browser, { locale: 'fr-FR' });
    await p.goto(`${url}/no-such-page`);
    assert.equal(await p.getAttribute('html', 'lang'), 'fr', 'Accept-Language chooses French');
    await assertAccessible(p, '404');
    await p.goto(`${url}/recover/method`);
    await p.getByRole('heading', { name: 'Cette récupération ne peut pas continuer' }).waitFor();
    await assertAccessible(p, 'flow expired');
    await p.goto(`${url}/lang?to=en&back=https://evil.example/`);
    assert.equal(p.url(), `${url}/`, 'an unknown way back goes to the landing page');
    assert.equal(await p.getAttribute('html', 'lang'), 'en', 'the cookie beats Accept-Language');
    await p.setViewportSize({ width: 390, height: 844 });
    await assertAccessible(p, 'landing at 390 px');
    assertClean(p);
    await fresh.close();
  });

  test('every language, light and dark, 1280 and 390 px: landing, code, method, start with an error', async () => {
    const login = 'lena.lang@example.com';
    const { url } = stack.portal;
    const { context, page: p } = await newPage(browser);
    const looks = (label: string) => inFourLooks(p, label);
    // A flow at the code step (cookie-bound), then every language over the same pages.
    await p.goto(`${url}/recover`);
    await p.getByLabel('Username or email').fill(login);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.waitForURL(`${url}/recover/method`);
    await p.getByRole('radio', { name: /^Google Authenticator/ }).check();
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.waitForURL(`${url}/recover/code`);
    for (const lang of LANGUAGE_CODES) {
      await context.addCookies([{ name: 'lang', value: lang, url }]);
      await p.goto(`${url}/`);
      assert.equal(await p.getAttribute('html', 'lang'), lang);
      assert.equal(await p.getAttribute('html', 'dir'), lang === 'ar' ? 'rtl' : 'ltr');
      await looks(`landing [${lang}]`);
      await p.goto(`${url}/recover/code`);
      await looks(`code [${lang}]`);
      await p.goto(`${url}/recover/method`);
      await looks(`method [${lang}]`);
      await p.goto(`${url}/recover`);
      await p.locator('form button[type=submit]').first().click();
      await p.getByRole('alert').first().waitFor();
      await looks(`start with an error [${lang}]`);
    }
    await context.addCookies([{ name: 'lang', value: 'en', url }]);
    assertClean(p);
    await context.close();
  });

  test('every language, light and dark, 1280 and 390 px: push waiting and rejected, new password (also after a mismatch and a policy failure), done', async () => {
    const login = 'ada.a11y@example.com';
    const { url } = stack.portal;
    const { context, page: p } = await newPage(browser);
    const looks = (label: string) => inFourLooks(p, label);
    /** The page at `path` loaded once in each language; `check` says the state is the one meant (in that language). */
    const everyLanguage = async (path: string, label: string, check?: (t: Messages) => Promise<void>) => {
      for (const lang of LANGUAGE_CODES) {
        await context.addCookies([{ name: 'lang', value: lang, url }]);
        await p.goto(`${url}${path}`);
        assert.equal(await p.getAttribute('html', 'lang'), lang);
        await check?.(CATALOGUES[lang]);
        await looks(`${label} [${lang}]`);
      }
      await context.addCookies([{ name: 'lang', value: 'en', url }]);
    };
    /** A refused form in each language: `submit` posts it from the page as it is (shown in the previous language). */
    const everyLanguageAfter = async (label: string, submit: () => Promise<void>, alertText: (t: Messages) => string) => {
      for (const lang of LANGUAGE_CODES) {
        await context.addCookies([{ name: 'lang', value: lang, url }]);
        await submit();
        await p.getByRole('alert').filter({ hasText: alertText(CATALOGUES[lang]) }).first().waitFor();
        assert.equal(await p.getAttribute('html', 'lang'), lang);
        await looks(`${label} [${lang}]`);
      }
      await context.addCookies([{ name: 'lang', value: 'en', url }]);
    };
    await p.goto(`${url}/recover`);
    await p.getByLabel('Username or email').fill(login);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.waitForURL(`${url}/recover/method`);
    await p.getByRole('radio', { name: /^Okta Verify push/ }).check();
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.waitForURL(`${url}/recover/push`);
    await everyLanguage('/recover/push', 'push waiting');

    // Declined on the phone: the push page then says so (server-rendered on every load) with the ways on.
    await phoneAnswerPush(phone, stack.emu.phoneUrl, login, 'deny');
    await everyLanguage('/recover/push', 'push rejected', async (t) => {
      await p.getByRole('alert').filter({ hasText: t.push.rejected }).waitFor();
    });

    await p.goto(`${url}/recover/method`);
    await p.getByRole('radio', { name: /^Google Authenticator/ }).check();
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.waitForURL(`${url}/recover/code`);
    await p.locator('input[name="code"]').fill(await phoneAuthenticatorCode(phone, stack.emu.phoneUrl, login));
    await pressVerify(p);
    await p.waitForURL(`${url}/recover/password`);
    await everyLanguage('/recover/password', 'new password');

    const submitPasswords = (password: string, confirm: string) => async () => {
      await p.locator('input[name="password"]').fill(password);
      await p.locator('input[name="confirmPassword"]').fill(confirm);
      await p.locator('form:has(input[name="confirmPassword"]) button[type="submit"]').click();
    };
    await everyLanguageAfter('password mismatch', submitPasswords(NEW_PASSWORD, `${NEW_PASSWORD}x`), (t) => t.errors.PASSWORD_MISMATCH);
    await everyLanguageAfter('password policy failure', submitPasswords('lowercase-only', 'lowercase-only'), (t) => t.errors.PASSWORD_POLICY);
    assert.equal(await p.locator('#password-reasons li').count(), 2, 'the broken rules are listed');

    await p.goto(`${url}/recover/password`);
    await p.locator('input[name="password"]').fill(NEW_PASSWORD);
    await p.locator('input[name="confirmPassword"]').fill(NEW_PASSWORD);
    await p.getByRole('button', { name: 'Change password' }).click();
    await p.waitForURL(new RegExp(`^${url}/recover/done`));
    await everyLanguage('/recover/done', 'done');
    assertClean(p);
    await context.close();
  });

  test('every language, light and dark, 1280 and 390 px: code after a wrong code, page not found, cannot continue, too many attempts', async () => {
    const { url } = stack.portal;
    const { context, page: p } = await newPage(browser);
    const looks = (label: string) => inFourLooks(p, label);
    // An unknown login gets exactly a real user's pages and answers (a decoy flow), so its wrong-code page is the
    // one everyone sees; it spares a real user's factor Okta's lockout count (five wrong codes in a row).
    await p.goto(`${url}/recover`);
    await p.getByLabel('Username or email').fill('nobody.a11y@example.com');
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.waitForURL(`${url}/recover/method`);
    await p.getByRole('radio', { name: /^Google Authenticator/ }).check();
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.waitForURL(`${url}/recover/code`);
    for (const lang of LANGUAGE_CODES) {
      // Posted from the page as it is (the previous language); the answer comes in the new one.
      await context.addCookies([{ name: 'lang', value: lang, url }]);
      await p.locator('input[name="code"]').fill('000000');
      await pressVerify(p, undefined, 'form:has(input[name="code"]) button[type="submit"]');
      await p.getByRole('alert').filter({ hasText: CATALOGUES[lang].errors.INVALID_CODE }).first().waitFor();
      assert.equal(await p.getAttribute('html', 'lang'), lang);
      assert.equal(await p.locator('#code').getAttribute('aria-invalid'), 'true');
      await looks(`code after a wrong code [${lang}]`);
    }
    assertClean(p);
    await context.close();

    // No flow at all: an unknown page and a recovery page.
    const { context: fresh, page: q } = await newPage(browser);
    for (const lang of LANGUAGE_CODES) {
      await fresh.addCookies([{ name: 'lang', value: lang, url }]);
      const res = await q.goto(`${url}/no-such-page`);
      assert.equal(res?.status(), 404);
      await q.getByRole('heading', { level: 1, name: CATALOGUES[lang].notFound.heading }).waitFor();
      await inFourLooks(q, `page not found [${lang}]`);
      await q.goto(`${url}/recover/method`);
      await q.getByRole('heading', { level: 1, name: CATALOGUES[lang].expired.heading }).waitFor();
      await inFourLooks(q, `cannot continue [${lang}]`);
    }
    assertClean(q);
    await fresh.close();

    // Too many attempts: a portal allowing one start per login in 15 minutes; the second start is refused with the
    // wait (counted down live) and the support link.
    const limited = await startStack({ LIMIT_PER_LOGIN: '1/15m' });
    try {
      const lurl = limited.portal.url;
      const { context: ctx, page: r } = await newPage(browser);
      const start = async () => {
        await r.locator('input[name="username"]').fill('rita.rate@example.com');
        await r.locator('form:has(input[name="username"]) button[type="submit"]').click();
      };
      await r.goto(`${lurl}/recover`);
      await start();
      await r.waitForURL(`${lurl}/recover/method`);
      await r.goto(`${lurl}/recover`);
      for (const lang of LANGUAGE_CODES) {
        await ctx.addCookies([{ name: 'lang', value: lang, url: lurl }]);
        await start();
        await r.getByRole('alert').filter({ hasText: CATALOGUES[lang].guide.tooMany }).first().waitFor();
        assert.equal(await r.getAttribute('html', 'lang'), lang);
        assert.equal(await r.getByRole('alert').getByRole('link', { name: CATALOGUES[lang].common.support }).count(), 1);
        await inFourLooks(r, `too many attempts [${lang}]`);
      }
      assertClean(r);
      await ctx.close();
    } finally {
      await limited.close();
    }
  });
});
