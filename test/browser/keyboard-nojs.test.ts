/**
 * The same path without a mouse, and without JavaScript.
 * - Keyboard only (Tab / arrows / Enter / Space) with an SMS code, including the live resend countdown from the
 *   server's cooldown, "the previous code no longer works" after a resend, the old code refused (focus lands on the
 *   field in error), and the show-password toggle.
 * - JavaScript disabled (javaScriptEnabled: false) for the four code methods, with codes pasted as "123 456" /
 *   "123-456".
 * Every flow ends on the done page and is proven with the emulator's sign-in.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertAccessible,
  assertClean,
  browserSuite,
  emulatorControl,
  focused,
  focusedId,
  launchBrowser,
  newPage,
  phoneAuthenticatorCode,
  phoneMessageCode,
  signIn,
  snap,
  startStack,
  tabTo,
  waitForFocus,
  waitForText,
  type Stack,
} from './helpers.js';
import { NEW_PASSWORD, OLD_PASSWORD } from './seed.js';

browserSuite('keyboard only, and without JavaScript', () => {
  let stack: Stack;
  let browser: Browser;
  let phone: Page;
  let phoneContext: BrowserContext;

  before(async () => {
    // A 2-second resend cooldown so the live countdown can be watched to its end.
    [stack, browser] = await Promise.all([startStack({ RESEND_COOLDOWN_SECONDS: '2' }), launchBrowser()]);
    ({ context: phoneContext, page: phone } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function proveNewPassword(login: string): Promise<void> {
    assert.deepEqual(await signIn(stack.emu.url, login, OLD_PASSWORD), { status: 401 });
    assert.deepEqual(await signIn(stack.emu.url, login, NEW_PASSWORD), { status: 200, result: 'SUCCESS' });
  }

  test('keyboard only: SMS code, resend with a live countdown, old code refused, show password, done', async () => {
    const login = 'kim.keys@example.com';
    const { context, page } = await newPage(browser);
    const { url } = stack.portal;
    const kb = page.keyboard;

    await page.goto(`${url}/`);
    await kb.press('Tab');
    assert.equal(await focused(page, 'className'), 'skip', 'the skip link comes first');
    await tabTo(page, 'a.button');
    await kb.press('Enter');
    await page.waitForURL(`${url}/recover`);

    assert.equal(await focusedId(page), 'username', 'the login field has the focus');
    await kb.type(login);
    await kb.press('Enter');
    await page.waitForURL(`${url}/recover/method`);

    await tabTo(page, 'input[name="method"]');
    for (let i = 0; i < 5 && (await focused(page, 'value')) !== 'sms'; i++) {
      await kb.press('ArrowDown');
    }
    // Nothing is preselected (issue 13): Space selects the focused radio.
    await kb.press('Space');
    assert.equal(await page.locator('input[name="method"]:checked').getAttribute('value'), 'sms');
    await tabTo(page, 'button[type="submit"]');
    await kb.press('Space');
    await page.waitForURL(`${url}/recover/code`);

    // The resend countdown is live and comes from the server's cooldown (2 s here).
    const wait = page.locator('#resend-wait');
    const resend = page.getByRole('button', { name: 'Send a new code' });
    assert.match((await wait.textContent()) ?? '', /You can ask for a new code in [12] seconds?\./);
    assert.equal(await resend.isDisabled(), true, 'disabled while the cooldown runs');
    await waitForText(page, '#resend-wait', 'You can ask for a new code now.');
    assert.equal(await resend.isEnabled(), true);
    assert.equal(await page.locator('#resend-ready').textContent(), 'You can ask for a new code now.', 'announced once');

    const first = await phoneMessageCode(phone, stack.emu.phoneUrl, login);
    // Okta refuses a second SMS within 30 s: move the emulated org's clock past it.
    await emulatorControl(stack.emu.url, 'clock', { advanceSeconds: 31 });
    assert.equal(await focusedId(page), 'code');
    await tabTo(page, '#resend-button');
    await kb.press('Enter');
    await page.waitForURL(`${url}/recover/code?sent=1`);
    await page.getByText('A new code is on its way. The previous code no longer works.').waitFor();
    const second = await phoneMessageCode(phone, stack.emu.phoneUrl, login, first);
    await snap(page, 'sms-4b-resent');

    // The previous code no longer works: the error is announced and the focus is on the field to fix.
    assert.equal(await focusedId(page), 'code');
    await kb.type(first);
    await kb.press('Enter');
    await page.waitForURL(`${url}/recover/code`);
    await page.getByRole('alert').getByText('That code is not valid').waitFor();
    await waitForFocus(page, 'code');
    assert.equal(await page.locator('#code').getAttribute('aria-invalid'), 'true');
    await assertAccessible(page, 'code page after a wrong code');
    await snap(page, 'sms-4c-wrong-code');

    await kb.type(second);
    await kb.press('Enter');
    await page.waitForURL(`${url}/recover/password`);

    await waitForFocus(page, 'password'); // focus.js moves it on load
    await kb.type(NEW_PASSWORD);
    await tabTo(page, '#confirmPassword');
    await kb.type(NEW_PASSWORD);
    await tabTo(page, 'button[data-reveal-field="confirmPassword"]');
    await kb.press('Space');
    assert.equal(await page.locator('#confirmPassword').getAttribute('type'), 'text', 'shown');
    assert.equal(await page.locator('#password').getAttribute('type'), 'password', 'only its own field');
    assert.equal((await page.locator('button[data-reveal-field="confirmPassword"]').textContent())?.trim(), 'Hide');
    await kb.press('Space');
    assert.equal(await page.locator('#confirmPassword').getAttribute('type'), 'password', 'hidden again');
    await tabTo(page, 'input[name="revokeSessions"]');
    await tabTo(page, 'button[type="submit"]');
    await kb.press('Enter');
    await page.waitForURL(/\/recover\/done\?sessions=(ended|kept)$/);
    await page.getByRole('heading', { name: 'Your password has been changed' }).waitFor();
    assertClean(page);
    await context.close();
    await proveNewPassword(login);
  });

  const NO_JS = [
    { method: 'sms', label: /^Text message \(SMS\)/, login: 'nina.nojs@example.com', paste: (c: string) => `${c.slice(0, 3)} ${c.slice(3)}` },
    { method: 'call', label: /^Voice call/, login: 'nick.nojs@example.com', paste: (c: string) => `${c.slice(0, 3)}-${c.slice(3)}` },
    { method: 'google-authenticator', label: /^Google Authenticator/, login: 'nate.nojs@example.com', paste: (c: string) => ` ${c} ` },
    { method: 'okta-verify-code', label: /^Okta Verify code/, login: 'noor.nojs@example.com', paste: (c: string) => c },
  ] as const;

  for (const c of NO_JS) {
    test(`JavaScript disabled: ${c.method} from the landing page to the done page`, async () => {
      const { context, page } = await newPage(browser, { javaScriptEnabled: false });
      const { url } = stack.portal;
      await page.goto(`${url}/`);
      await page.getByRole('link', { name: 'Forgot password' }).click();
      await page.getByLabel('Username or email').fill(c.login);
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.getByRole('radio', { name: c.label }).check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${url}/recover/code`);
      if (c.method === 'sms' || c.method === 'call') {
        // Without the script the wait is stated in words and the button stays usable.
        assert.match((await page.locator('#resend-wait').textContent()) ?? '', /You can ask for a new code in \d+ seconds?\./);
        // A voice call is asked for again in its own words.
        assert.equal(await page.getByRole('button', { name: c.method === 'call' ? 'Call me again' : 'Send a new code' }).isEnabled(), true);
      }
      const code =
        c.method === 'sms' || c.method === 'call'
          ? await phoneMessageCode(phone, stack.emu.phoneUrl, c.login)
          : await phoneAuthenticatorCode(phone, stack.emu.phoneUrl, c.login);
      await page.getByLabel('Verification code').fill(c.paste(code));
      await page.getByRole('button', { name: 'Verify' }).click();
      await page.waitForURL(`${url}/recover/password`);
      assert.equal(await page.locator('button[data-reveal-field]').first().isHidden(), true, 'no toggle that could not work');
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('Confirm the new password').fill(NEW_PASSWORD);
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.waitForURL(/\/recover\/done\?sessions=(ended|kept)$/);
      await page.getByRole('heading', { name: 'Your password has been changed' }).waitFor();
      await context.close();
      await proveNewPassword(c.login);
    });
  }

  after(async () => {
    await phoneContext?.close();
  });
});
