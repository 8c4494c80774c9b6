/**
 * "My security methods" pages that cannot hurt (issue 13, item 7), in Chromium against the emulator:
 * - the recovery-readiness panel (none, email only, a single method);
 * - an abandoned Okta Verify set-up is continued from the overview with its QR code, then activated on the phone;
 * - the authenticator-app QR code and key stay on screen through a wrong code;
 * - every removal is confirmed on its own page (also without JavaScript), and removing the last method that can
 *   reset the password needs the explicit second confirmation, which says what will no longer work;
 * - a phone number typed in its country's national format (country select), refused with a clear reason when it
 *   is too short, and sent to Okta in E.164;
 * - the Remove buttons stay on one line at 390 px in dark mode; axe on every new state, light and dark.
 * One browser, one page per state; the emulator's clock is moved by 30 s where a TOTP code must not be reused.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { totp } from '../helpers/totp.js';
import { DEMO_PASSWORD, emuNowSeconds, emuUser, startSignInStack, type SignInStack } from '../auth/support.js';
import { CATALOGUES, LANGUAGE_CODES } from '../../src/views/i18n/index.js';
import { assertAccessible, assertClean, browserSuite, inFourLooks, launchBrowser, newPage, PHONE, phoneAuthenticatorCode, snap } from './helpers.js';

browserSuite('account pages that cannot hurt', () => {
  let stack: SignInStack;
  let browser: Browser;
  let phone: Page;

  before(async () => {
    [stack, browser] = await Promise.all([startSignInStack(), launchBrowser()]);
    ({ page: phone } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** A fresh browser context signed in as `login`, on the overview. */
  async function signedIn(login: string, opts: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page }> {
    const { context, page } = await newPage(browser, opts);
    const { url } = stack.portal;
    await page.goto(`${url}/auth/signin`);
    await page.getByLabel('Username').fill(login);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${url}/account`);
    return { context, page };
  }
  const advance = (seconds: number) =>
    fetch(`${stack.emu.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advanceSeconds: seconds }) });
  const readiness = (page: Page) => page.locator('#readiness');

  test('Okta Verify set-up left half-way is continued from the overview, with its QR code, and finished on the phone', async () => {
    const login = 'nora.none@example.com';
    const { context, page } = await signedIn(login);
    const { url } = stack.portal;
    await readiness(page).getByText('None of your methods can reset your password.').waitFor();
    await assertAccessible(page, 'overview, no recovery method');

    await page.getByRole('button', { name: 'Set up Okta Verify push' }).click();
    await page.waitForURL(`${url}/account/enrol/push`);
    const qr = await page.getByRole('img', { name: 'QR code to scan with the app' }).getAttribute('src');
    assert.match(qr ?? '', /^data:image\//);

    // The user wanders off: the overview offers to continue, and continuing shows the same QR code.
    await page.goto(`${url}/account`);
    const item = page.locator('li.factor', { hasText: 'Okta Verify push' });
    await item.getByText('Waiting for activation').waitFor();
    await assertAccessible(page, 'overview with a pending set-up');
    await item.getByRole('button', { name: 'Continue set-up Okta Verify push' }).click();
    await page.waitForURL(`${url}/account/enrol/push`);
    assert.equal(await page.getByRole('img', { name: 'QR code to scan with the app' }).getAttribute('src'), qr, 'the same QR code');

    const factorId = (await emuUser(stack.emu.url, login)).factors.find((f) => f.factorType === 'push')!.id;
    await phone.goto(stack.emu.phoneUrl);
    await phone.locator(`[data-testid="activate-${factorId}"]`).click();
    await phone.goto('about:blank');
    await page.waitForURL(`${url}/account?done=added`);
    await page.locator('li.factor', { hasText: 'Okta Verify push' }).getByText('Active', { exact: true }).waitFor();
    await readiness(page).getByText('Only one of your methods can reset your password.').waitFor();
    assertClean(page);
    await context.close();
  });

  test('TOTP set-up keeps its QR code and key through a wrong code; the last recovery method needs the second confirmation', async () => {
    const login = 'emma.email@example.com';
    const { context, page } = await signedIn(login);
    const { url } = stack.portal;
    await readiness(page).getByText('Email alone cannot reset your password here.').waitFor();
    await assertAccessible(page, 'overview, email only');

    await page.getByRole('button', { name: 'Set up Google Authenticator' }).click();
    await page.getByRole('heading', { level: 1, name: 'Set up Google Authenticator' }).waitFor();
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, '');
    const real = totp(secret, await emuNowSeconds(stack.emu.url));
    await page.getByLabel('Verification code').fill(real === '123456' ? '654321' : '123456');
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.getByRole('alert').getByText('That code is not valid').waitFor();
    assert.equal(((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, ''), secret, 'the same key, still shown');
    assert.ok(((await page.getByRole('img', { name: 'QR code to scan with the app' }).boundingBox())?.width ?? 0) >= 150, 'the QR code, still shown');
    await assertAccessible(page, 'TOTP set-up after a wrong code');
    await snap(page, 'account-totp-wrong-code');
    await page.getByLabel('Verification code').fill(real);
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.waitForURL(`${url}/account?done=added`);
    await readiness(page).getByText('Only one of your methods can reset your password.').waitFor();

    // Remove: the confirmation page warns that this is the last method that can reset the password.
    const item = page.locator('li.factor', { hasText: 'Google Authenticator' });
    await item.getByRole('button', { name: 'Remove Google Authenticator' }).click();
    await page.waitForURL(/\/account\/factors\/remove\?factor=\w+$/);
    await page.getByRole('heading', { level: 1, name: 'Remove Google Authenticator?' }).waitFor();
    await page.getByText('This is your last method that can reset your password.').waitFor();
    await page.getByText('If you forget your password, you will not be able to reset it yourself').waitFor();
    await assertAccessible(page, 'remove the last recovery method');
    await page.emulateMedia({ colorScheme: 'dark' });
    await assertAccessible(page, 'remove the last recovery method (dark)');
    await snap(page, 'account-remove-last');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.getByRole('button', { name: 'Remove Google Authenticator' }).click();
    await page.getByRole('alert').getByText('Tick the box to confirm that you understand').waitFor();
    assert.equal(await page.locator('#understood').getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'second confirmation missing');
    assert.equal((await emuUser(stack.emu.url, login)).factors.find((f) => f.provider === 'GOOGLE')?.status, 'ACTIVE', 'nothing removed');

    await page.getByLabel('I understand that I will not be able to reset my password myself').check();
    await page.getByRole('button', { name: 'Remove Google Authenticator' }).click();
    await page.waitForURL(`${url}/account/verify`);
    await advance(30);
    await page.getByRole('radio', { name: /Google Authenticator/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/account/verify/code`);
    await page.getByLabel('Verification code').fill(totp(secret, await emuNowSeconds(stack.emu.url)));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${url}/account?done=removed`);
    assert.equal((await emuUser(stack.emu.url, login)).factors.find((f) => f.provider === 'GOOGLE'), undefined, 'removed at Okta');
    await readiness(page).getByText('Email alone cannot reset your password here.').waitFor();
    assertClean(page);
    await context.close();
  });

  test('without JavaScript: Remove opens the confirmation; Keep it leaves everything; no second confirmation while others remain', async () => {
    const login = 'alex.all@example.com';
    const { context, page } = await signedIn(login, { javaScriptEnabled: false });
    const { url } = stack.portal;
    await readiness(page).getByText(/You have \d+ methods that can reset your password/).waitFor();
    const item = page.locator('li.factor', { hasText: 'Voice call' });
    await item.getByRole('button', { name: 'Remove Voice call' }).click();
    await page.waitForURL(`${url}/account/factors/remove?factor=clfDemoAlexAll000001`);
    await page.getByRole('heading', { level: 1, name: /^Remove Voice call \(/ }).waitFor();
    assert.equal(await page.locator('#understood').count(), 0, 'no second confirmation while other methods remain');
    await page.getByRole('link', { name: 'Keep it' }).click();
    await page.waitForURL(`${url}/account`);
    await item.getByRole('button', { name: 'Remove Voice call' }).click();
    await page.getByRole('button', { name: 'Remove Voice call' }).click();
    await page.waitForURL(`${url}/account/verify`, { waitUntil: 'commit' });
    await page.getByText('Before you remove a method').waitFor();
    assert.equal((await emuUser(stack.emu.url, login)).factors.find((f) => f.factorType === 'call')?.status, 'ACTIVE', 'not removed before the step-up');
    await context.close();
  });

  test('Remove buttons stay on one line at 390 px in dark mode', async () => {
    const { context, page } = await signedIn('alex.all@example.com');
    await page.setViewportSize(PHONE);
    await page.emulateMedia({ colorScheme: 'dark' });
    const heights = await page.locator('li.factor .factor-actions button').evaluateAll((bs) =>
      bs.map((b) => {
        const e = b as unknown as { getBoundingClientRect(): { height: number }; scrollWidth: number; clientWidth: number };
        return { h: e.getBoundingClientRect().height, fits: e.scrollWidth <= e.clientWidth };
      }),
    );
    assert.ok(heights.length >= 3);
    for (const b of heights) {
      assert.ok(b.h < 56, `one line, ${b.h}px high`);
      assert.ok(b.fits, 'the label fits its button');
    }
    // Each factor's buttons sit on the row of its name, not pushed under it.
    const rows = await page.locator('li.factor').evaluateAll((items) =>
      items.map((li) => {
        const el = li as unknown as { querySelector(s: string): { getBoundingClientRect(): { top: number; bottom: number } } };
        return { info: el.querySelector('.factor-info').getBoundingClientRect(), actions: el.querySelector('.factor-actions').getBoundingClientRect() };
      }),
    );
    for (const r of rows) assert.ok(r.actions.top < r.info.bottom, 'Remove on the same row as the method');
    await assertAccessible(page, 'overview at 390 px (dark)');
    await snap(page, 'account-overview-many');

    // The emulated phone's tabs fit 390 px: no sideways scrolling, no tab cut off.
    await page.goto(stack.emu.phoneUrl);
    const tabs = await page.locator('nav.tabs').evaluate((nav) => {
      const n = nav as unknown as { scrollWidth: number; clientWidth: number; querySelectorAll(s: string): ArrayLike<{ scrollWidth: number; clientWidth: number; getBoundingClientRect(): { left: number; right: number } }> };
      return {
        fits: n.scrollWidth <= n.clientWidth,
        tabs: Array.from(n.querySelectorAll('a')).map((a) => ({ fits: a.scrollWidth <= a.clientWidth, right: a.getBoundingClientRect().right, left: a.getBoundingClientRect().left })),
      };
    });
    assert.ok(tabs.fits, 'the tab bar does not scroll');
    assert.equal(tabs.tabs.length, 5, "messages, authenticator, pushes, calls, mailbox");
    for (const t of tabs.tabs) {
      assert.ok(t.fits, 'the tab label fits');
      assert.ok(t.left >= 0 && t.right <= PHONE.width, 'the tab is on screen');
    }
    await snap(page, 'phone-tabs');
    await context.close();
  });

  test('phone number by country in national format: a clear error, then sent to Okta in E.164', async () => {
    const login = 'gina.google@example.com';
    const { context, page } = await signedIn(login);
    const { url } = stack.portal;
    const form = page.locator('section.add', { hasText: 'Text message (SMS)' });
    await form.getByLabel('Country or region').selectOption('US');
    await form.getByLabel('Phone number').fill('415 555');
    await form.getByRole('button', { name: 'Set up Text message (SMS)' }).click();
    await page.getByRole('alert').getByText('The number is too short for a phone number in United States.').waitFor();
    const field = page.locator('#phone-sms');
    assert.equal(await field.getAttribute('aria-invalid'), 'true');
    assert.equal(await field.inputValue(), '415 555', 'the number is kept for correction');
    assert.equal(await page.locator('#phone-sms-country').inputValue(), 'US', 'and the country');
    await assertAccessible(page, 'phone number too short');

    await page.locator('#phone-sms-country').selectOption('FR');
    await field.fill('06 12 34 56 78');
    await page.locator('section.add', { hasText: 'Text message (SMS)' }).getByRole('button', { name: 'Set up Text message (SMS)' }).click();
    await page.waitForURL(`${url}/account/verify`);
    await page.getByRole('radio', { name: /Google Authenticator/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/account/verify/code`);
    await page.getByLabel('Verification code').fill(await phoneAuthenticatorCode(phone, stack.emu.phoneUrl, login));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${url}/account/enrol/code`);
    await page.getByText(/We sent a code by text message to \+33 /).waitFor();
    const res = await fetch(`${stack.emu.url}/_emulator/outbox?login=${encodeURIComponent(login)}`);
    const { messages } = (await res.json()) as { messages: { to: string }[] };
    assert.equal(messages.at(-1)?.to, '+33612345678', 'Okta got the number in E.164');
    assertClean(page);
    await context.close();
  });

  test('the account pages in every language, light and dark, 1280 and 390 px; Arabic right to left', async () => {
    const { context, page } = await signedIn('pat.push@example.com');
    const { url } = stack.portal;
    const looks = (label: string) => inFourLooks(page, label);
    for (const lang of LANGUAGE_CODES) {
      await context.addCookies([{ name: 'lang', value: lang, url }]);
      await page.goto(`${url}/account`);
      assert.equal(await page.getAttribute('html', 'lang'), lang);
      await page.getByRole('heading', { level: 1, name: CATALOGUES[lang].account.heading }).waitFor();
      await looks(`account overview [${lang}]`);
    }

    // Arabic (the last language above): right to left, through logical properties.
    assert.equal(await page.getAttribute('html', 'dir'), 'rtl');
    const border = await readiness(page).evaluate((el) => {
      const s = (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(el);
      return { right: s['borderRightWidth'], left: s['borderLeftWidth'] };
    });
    assert.deepEqual(border, { right: '4px', left: '1px' }, 'the readiness accent is on the right, where the text starts');
    const h1 = await page.locator('h1').boundingBox();
    const card = await page.locator('main .card').boundingBox();
    assert.ok(h1 && card && card.x + card.width - (h1.x + h1.width) < 40, 'the heading starts at the right edge');
    await snap(page, 'ar-account');
    await page.locator('li.factor').first().locator('.factor-actions button.secondary').click();
    await page.waitForURL(/\/account\/factors\/remove\?factor=\w+$/);
    await page.locator('#understood').waitFor();
    await looks('remove the last method [ar]');
    await context.addCookies([{ name: 'lang', value: 'en', url }]);
    assertClean(page);
    await context.close();
  });
});
