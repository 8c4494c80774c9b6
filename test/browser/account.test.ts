/**
 * A person signs in with Okta and manages an authenticator app in a real browser (Chromium, JavaScript on):
 * landing → "Sign in" → the provider's login page → "My security methods" → set up Google Authenticator by typing
 * the key shown next to the QR code into an "app" (test/helpers/totp.ts computes its codes) → listed as active →
 * "Remove" → confirmation (the last method: "I understand") → step-up with the app's code → removed, at the portal and at the emulated Okta. Accessibility (axe),
 * CSP cleanliness and screenshots along the way.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { totp } from '../helpers/totp.js';
import { DEMO_PASSWORD, emuNowSeconds, emuUser, startSignInStack, type SignInStack } from '../auth/support.js';
import { assertAccessible, assertClean, browserSuite, launchBrowser, newPage, snap } from './helpers.js';

const LOGIN = 'nora.none@example.com';

browserSuite('sign in and manage an authenticator app in the browser', () => {
  let stack: SignInStack;
  let browser: Browser;
  let page: Page;

  before(async () => {
    [stack, browser] = await Promise.all([startSignInStack(), launchBrowser()]);
    ({ page } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** The authenticator app: the current code for `secret` by the emulated org's clock. */
  const appCode = async (secret: string) => totp(secret, await emuNowSeconds(stack.emu.url));
  const googleAtOkta = async () => (await emuUser(stack.emu.url, LOGIN)).factors.find((f) => f.provider === 'GOOGLE');

  test('sign in, set up Google Authenticator from the shown key, see it listed, remove it', async () => {
    const { url } = stack.portal;
    await page.goto(`${url}/`);
    await page.getByRole('link', { name: 'Sign in', exact: true }).click();

    // The provider's login page (the emulator), then back to the portal.
    await page.getByLabel('Username').fill(LOGIN);
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${url}/account`);
    await page.getByRole('heading', { level: 1, name: 'My security methods' }).waitFor();
    await page.getByText('Signed in as Nora None (nora.none@example.com)').waitFor();
    await assertAccessible(page, 'account overview');
    await snap(page, 'account-1-overview');

    await page.getByRole('button', { name: 'Set up Google Authenticator' }).click();
    await page.getByRole('heading', { level: 1, name: 'Set up Google Authenticator' }).waitFor();
    const qr = page.getByRole('img', { name: 'QR code to scan with the app' });
    assert.match((await qr.getAttribute('src')) ?? '', /^data:image\/png;base64,/);
    assert.ok(((await qr.boundingBox())?.width ?? 0) >= 150, 'the QR code is displayed');
    const secret = ((await page.locator('#totp-secret').textContent()) ?? '').replace(/\s+/g, '');
    assert.match(secret, /^[A-Z2-7]{16,}$/, 'the key is shown as text');
    await assertAccessible(page, 'authenticator set-up');
    await snap(page, 'account-2-totp');

    await page.getByLabel('Verification code').fill(await appCode(secret));
    await page.getByRole('button', { name: 'Activate' }).click();
    await page.waitForURL(`${url}/account?done=added`);
    await page.getByRole('status').filter({ hasText: 'The method is set up and ready to use.' }).waitFor();
    const item = page.locator('li.factor', { hasText: 'Google Authenticator' });
    await item.getByText('Active', { exact: true }).waitFor();
    assert.equal((await googleAtOkta())?.status, 'ACTIVE');
    await snap(page, 'account-3-listed');

    // Removing it needs a fresh verification: with this same app, one time step later (codes are single-use).
    await fetch(`${stack.emu.url}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"advanceSeconds":30}' });
    await item.getByRole('button', { name: 'Remove Google Authenticator' }).click();
    // The only method that can reset the password: the confirmation page asks for the second confirmation.
    await page.getByRole('heading', { level: 1, name: 'Remove Google Authenticator?' }).waitFor();
    await page.getByLabel('I understand that I will not be able to reset my password myself').check();
    await page.getByRole('button', { name: 'Remove Google Authenticator' }).click();
    await page.waitForURL(`${url}/account/verify`);
    await page.getByText('Before you remove a method').waitFor();
    await page.getByRole('radio', { name: /Google Authenticator/ }).check();
    await assertAccessible(page, 'step-up choice');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/account/verify/code`);
    await page.getByLabel('Verification code').fill(await appCode(secret));
    await page.getByRole('button', { name: 'Verify' }).click();
    await page.waitForURL(`${url}/account?done=removed`);
    await page.getByRole('status').filter({ hasText: 'The method was removed.' }).waitFor();
    assert.equal(await page.locator('li.factor').count(), 0);
    assert.equal(await googleAtOkta(), undefined, 'removed at Okta');
    await snap(page, 'account-4-removed');
    assertClean(page);
  });
});
