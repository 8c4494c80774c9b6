/**
 * axe-core on every page of the flow and on its error states (no serious or critical violation), in light and dark
 * colour schemes, plus what the checks around them need: errors announced (role="alert") with the focus on the
 * first field in error, Okta's policy causes next to the password field, the push outcome shown live (no reload)
 * with a way on, the language switch (French, html lang, no open redirect), and the operator's logo and colour.
 * The matrix test runs axe on the recovery pages in every catalogue language, light and dark, at 1280 and 390 px
 * (one page load per language and state; the colour scheme and the width change without a reload).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  assertAccessible,
  assertClean,
  browserSuite,
  DESKTOP,
  launchBrowser,
  newPage,
  phoneAnswerPush,
  phoneMessageCode,
  snap,
  startStack,
  waitForFocus,
  PHONE,
  phoneAuthenticatorCode,
  pressVerify,
  type Stack,
} from './helpers.js';
import { NEW_PASSWORD } from './seed.js';
import { LANGUAGE_CODES } from '../../src/views/i18n/index.js';

/** axe on the page as it is now, in its four looks: light and dark, 1280 and 390 px (then back to light, 1280). */
async function inFourLooks(p: Page, label: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await p.emulateMedia({ colorScheme: scheme });
    for (const size of [DESKTOP, PHONE]) {
      await p.setViewportSize(size);
      await assertAccessible(p, `${label} (${scheme}, ${size.width} px)`);
    }
  }
  await p.emulateMedia({ colorScheme: 'light' });
  await p.setViewportSize(DESKTOP);
}

browserSuite('accessibility of every page and error state', () => {
  let stack: Stack;
  let browser: Browser;
  let page: Page;
  let phone: Page;

  before(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
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

  test('every language, light and dark, 1280 and 390 px: push waiting, new password, done', async () => {
    const login = 'ada.a11y@example.com';
    const { url } = stack.portal;
    const { context, page: p } = await newPage(browser);
    const looks = (label: string) => inFourLooks(p, label);
    const everyLanguage = async (path: string, label: string) => {
      for (const lang of LANGUAGE_CODES) {
        await context.addCookies([{ name: 'lang', value: lang, url }]);
        await p.goto(`${url}${path}`);
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

    await p.goto(`${url}/recover/method`);
    await p.getByRole('radio', { name: /^Google Authenticator/ }).check();
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.waitForURL(`${url}/recover/code`);
    await p.locator('input[name="code"]').fill(await phoneAuthenticatorCode(phone, stack.emu.phoneUrl, login));
    await pressVerify(p);
    await p.waitForURL(`${url}/recover/password`);
    await everyLanguage('/recover/password', 'new password');

    await p.goto(`${url}/recover/password`);
    await p.locator('input[name="password"]').fill(NEW_PASSWORD);
    await p.locator('input[name="confirmPassword"]').fill(NEW_PASSWORD);
    await p.getByRole('button', { name: 'Change password' }).click();
    await p.waitForURL(new RegExp(`^${url}/recover/done`));
    await everyLanguage('/recover/done', 'done');
    assertClean(p);
    await context.close();
  });
});
