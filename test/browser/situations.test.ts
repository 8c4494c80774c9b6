/**
 * Issue 14's recovery situations in a real browser (Chromium, JavaScript on), read like a person reads them:
 * - a breached password is refused on the password field in the page's language (French here), the same form then
 *   accepts another password;
 * - a locked-out user (SELF_SERVICE_UNLOCK) passes an SMS code read from the emulated phone and presses
 *   "Unlock my account": the done page says the account is unlocked and the old password signs in again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { startPortal, type RunningPortal } from '../helpers/portal.js';
import { E2E_SEED, PASSWORD } from '../e2e/seed.js';
import { startRangeServer, type RangeServer } from '../breach/range-server.js';
import { CATALOGUES } from '../../src/views/i18n/index.js';
import { assertClean, browserSuite, launchBrowser, newPage, phoneAuthenticatorCode, phoneMessageCode, signIn, snap, watch, pressVerify } from './helpers.js';

const BREACHED = 'Summer2024-Password';
const CLEAN = 'Brand-New-Passw0rd!';

browserSuite('recovery situations in the browser', () => {
  let emu: RunningEmulator;
  let portal: RunningPortal;
  let range: RangeServer;
  let browser: Browser;

  before(async () => {
    range = await startRangeServer({ [BREACHED]: 77 });
    emu = await startEmulator({ port: 0, seed: E2E_SEED });
    portal = await startPortal(emu, {
      LIMIT_PER_IP: '1000/15m',
      LIMIT_PER_LOGIN: '100/15m',
      SELF_SERVICE_UNLOCK: 'true',
      BREACHED_PASSWORD_CHECK: 'hibp',
      BREACHED_PASSWORD_API_URL: range.url,
    });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await portal?.close();
    await emu?.close();
    await range?.close();
  });

  async function toPassword(page: Page, phone: Page, login: string, method: 'sms' | 'google-authenticator', labels: { username: string; cont: string }): Promise<void> {
    await page.goto(`${portal.url}/recover`);
    await page.getByLabel(labels.username).fill(login);
    await page.getByRole('button', { name: labels.cont }).click();
    await page.waitForURL(`${portal.url}/recover/method`);
    await page.locator(`input[name="method"][value="${method}"]`).check();
    await page.getByRole('button', { name: labels.cont }).click();
    await page.waitForURL(`${portal.url}/recover/code`);
    const code = method === 'sms' ? await phoneMessageCode(phone, emu.phoneUrl, login) : await phoneAuthenticatorCode(phone, emu.phoneUrl, login);
    await page.locator('input[name="code"]').fill(code);
    await pressVerify(page, 'Verify', 'form[action="/recover/code"] button[type="submit"]');
    await page.waitForURL(`${portal.url}/recover/password`);
  }

  test('a breached password is refused on the field, in French; another one is accepted', async () => {
    const fr = CATALOGUES.fr;
    const { context, page } = await newPage(browser, { locale: 'fr-FR' });
    const phone = await context.newPage();
    watch(phone);
    await toPassword(page, phone, 'google.user@example.com', 'google-authenticator', { username: fr.start.label, cont: fr.start.submit });
    await page.getByLabel(fr.password.newLabel, { exact: true }).fill(BREACHED);
    await page.getByLabel(fr.password.confirmLabel).fill(BREACHED);
    await page.getByRole('button', { name: fr.password.submit }).click();
    await page.getByRole('alert').filter({ hasText: fr.errors.PASSWORD_BREACHED }).first().waitFor();
    assert.equal(await page.getByLabel(fr.password.newLabel, { exact: true }).getAttribute('aria-invalid'), 'true');
    await snap(page, 'situations-breached');
    await page.getByLabel(fr.password.newLabel, { exact: true }).fill(CLEAN);
    await page.getByLabel(fr.password.confirmLabel).fill(CLEAN);
    await page.getByRole('button', { name: fr.password.submit }).click();
    await page.waitForURL(/\/recover\/done(\?|$)/);
    assertClean(page);
    await context.close();
  });

  test('a locked-out user unlocks the account and keeps the password', async () => {
    const en = CATALOGUES.en;
    const login = 'locked.user@example.com';
    // Locked out: Okta hides the lockout from authn by default (401, as for a wrong password).
    assert.deepEqual(await signIn(emu.url, login, PASSWORD), { status: 401 });
    const { context, page } = await newPage(browser);
    const phone = await context.newPage();
    watch(phone);
    await toPassword(page, phone, login, 'sms', { username: en.start.label, cont: en.start.submit });
    await page.getByRole('heading', { name: en.unlock.heading }).waitFor();
    await snap(page, 'situations-unlock');
    await page.getByRole('button', { name: en.unlock.submit }).click();
    await page.waitForURL(/\/recover\/done(\?|$)/);
    await page.getByRole('heading', { name: en.unlock.doneHeading }).waitFor();
    assertClean(page);
    assert.deepEqual(await signIn(emu.url, login, PASSWORD), { status: 200, result: 'SUCCESS' });
    await context.close();
  });
});
