/**
 * Issue 14 in a real browser (Chromium): a person recovers with an emailed code read from the emulated phone's
 * mailbox; the portal then mails them about the reset (the mailbox shows it, in the page's language, without
 * images); they follow "This wasn't me" from that message: the page shows the event and changes nothing until they
 * confirm; confirming ends their Okta sessions and says so; the link is then refused. Pages pass axe-core.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { assertAccessible, assertClean, browserSuite, launchBrowser, newPage, signIn, snap, startStack, watch, type Stack, pressVerify } from './helpers.js';
import { NEW_PASSWORD, OLD_PASSWORD } from './seed.js';

browserSuite('email recovery and "This wasn\'t me" in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let phone: Page;

  before(async () => {
    [stack, browser] = await Promise.all([
      startStack((emu) => ({
        RECOVERY_METHODS: 'email,sms,google-authenticator',
        SMTP_URL: emu.smtpUrl ?? '',
        MAIL_FROM: 'Example Corp <no-reply@example.com>',
      })),
      launchBrowser(),
    ]);
    ({ context, page } = await newPage(browser));
    phone = await context.newPage();
    watch(phone);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** Reloads the phone page until `locator` has a match (the mail is sent in the background). */
  async function onPhone(selector: string, hasText: string): Promise<void> {
    for (let i = 0; i < 60; i++) {
      await phone.goto(stack.emu.phoneUrl);
      if ((await phone.locator(selector, { hasText }).count()) > 0) return;
      await phone.waitForTimeout(150);
    }
    assert.fail(`nothing like ${selector} "${hasText}" on the phone page`);
  }

  test('an emailed code from the mailbox recovers the account, and the reset is mailed', async () => {
    const login = 'eve.email@example.com';
    const { url } = stack.portal;
    await page.goto(`${url}/recover`);
    await page.getByLabel('Username or email').fill(login);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/method`);
    await page.getByRole('radio', { name: /^Email/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/code`);
    await page.getByText('If the account has an email address for codes, we sent a code to it.').waitFor();
    await snap(page, 'email-1-code');

    await onPhone('li.mail-code', `to ${login}`);
    await phone.getByRole('link', { name: /^Mailbox/ }).click();
    const code = ((await phone.locator('li.mail-code', { hasText: `to ${login}` }).first().locator('[data-testid^="mail-code-value-"]').textContent()) ?? '').trim();
    assert.match(code, /^\d{6,8}$/);
    await assertAccessible(phone, 'phone mailbox');

    await page.bringToFront();
    await page.getByLabel('Verification code').fill(code);
    await pressVerify(page);
    await page.waitForURL(`${url}/recover/password`);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Your password has been changed' }).waitFor();
    assertClean(page);
    assert.deepEqual(await signIn(stack.emu.url, login, NEW_PASSWORD), { status: 200, result: 'SUCCESS' });

    await onPhone('li.mail-note', 'Your password was reset');
    const note = phone.locator('li.mail-note', { hasText: `to ${login}` }).first();
    assert.match((await note.locator('.mail-text').textContent()) ?? '', /reset with the password recovery portal/);
    await snap(phone, 'email-2-mailbox');
  });

  test('"This wasn\'t me" from the mailbox: a confirmation page, then sessions ended; the link works once', async () => {
    const login = 'walt.wasnt@example.com';
    const { url } = stack.portal;
    // Walt resets with his authenticator app, in French this time.
    const { context: fr, page: p } = await newPage(browser, { locale: 'fr-FR' });
    await p.goto(`${url}/recover`);
    await p.getByLabel(/identifiant|e-mail/i).first().fill(login);
    await p.locator('form button[type="submit"]').first().click();
    await p.waitForURL(`${url}/recover/method`);
    await p.getByRole('radio', { name: /^Google Authenticator/ }).check();
    await p.locator('form button[type="submit"]').first().click();
    await p.waitForURL(`${url}/recover/code`);
    await phone.goto(stack.emu.phoneUrl);
    const totp = ((await phone.locator('li.card.totp', { hasText: login }).locator('[data-testid^="authenticator-code-"]').textContent()) ?? '').trim();
    await p.locator('input[name="code"]').fill(totp);
    await p.locator('form button[type="submit"]').first().click();
    await p.waitForURL(`${url}/recover/password`);
    await p.locator('input[name="password"]').fill(NEW_PASSWORD);
    await p.locator('input[name="confirmPassword"]').fill(NEW_PASSWORD);
    await p.locator('form button[type="submit"]').first().click();
    await p.waitForURL(/\/recover\/done/);
    await fr.close();

    await onPhone('li.mail-note', 'Votre mot de passe a été réinitialisé');
    await fetch(`${stack.emu.url}/_emulator/requests`, { method: 'DELETE' });
    const link = phone.locator('li.mail-note', { hasText: `to ${login}` }).first().getByTestId('mail-link');
    const href = (await link.getAttribute('href')) ?? '';
    assert.ok(href.startsWith(`${url}/report/`), href);
    await link.click();
    await phone.waitForURL(href);
    await phone.getByRole('heading', { name: 'Report an account change you did not make' }).waitFor();
    await phone.getByText('The password of your account was reset with the password recovery portal.').waitFor();
    await assertAccessible(phone, 'report confirmation');
    await snap(phone, 'report-1-confirm');
    const before = (await (await fetch(`${stack.emu.url}/_emulator/requests`)).json()) as { requests: { method: string; path: string }[] };
    assert.deepEqual(before.requests.filter((r) => r.path.startsWith('/api/v1/')), [], 'opening the link changed nothing');

    await phone.getByRole('button', { name: 'Yes, this wasn’t me' }).click();
    await phone.getByRole('heading', { name: 'Thank you for telling us' }).waitFor();
    await assertAccessible(phone, 'report done');
    await snap(phone, 'report-2-done');
    assertClean(phone);
    const afterReq = (await (await fetch(`${stack.emu.url}/_emulator/requests`)).json()) as { requests: { method: string; path: string }[] };
    assert.ok(afterReq.requests.some((r) => r.method === 'DELETE' && /\/api\/v1\/users\/[^/]+\/sessions$/.test(r.path)), 'Okta sessions ended');

    await phone.goto(href);
    await phone.getByRole('heading', { name: 'This link cannot be used' }).waitFor();
    assert.deepEqual(await signIn(stack.emu.url, login, OLD_PASSWORD), { status: 401 });
  });
});
