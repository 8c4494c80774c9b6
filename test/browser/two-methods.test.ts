/**
 * Policies by group in a real browser (Chromium, JavaScript on): a member of "Portal Admins", whose group rule wants
 * two methods of different kinds, recovers by hand. Authenticator code read from the emulated phone → back on the
 * method page, now "Step 2 of 2", offering only the push (no SMS for the privileged group, no second authenticator
 * code) → the push approved on the phone moves the page on by itself → new password → done. The new password then
 * signs in. The step-2 page passes axe and the page never breaks the CSP.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { CATALOGUES } from '../../src/views/i18n/index.js';
import {
  assertAccessible,
  assertClean,
  browserSuite,
  launchBrowser,
  newPage,
  phoneAnswerPush,
  phoneAuthenticatorCode,
  signIn,
  snap,
  startStack,
  watch,
  type Stack, pressVerify,
} from './helpers.js';
import { NEW_PASSWORD, OLD_PASSWORD } from './seed.js';

const LOGIN = 'pam.privileged@example.com';
const RULES = [
  { name: 'admins', groups: ['Portal Admins'], methods: ['push', 'google-authenticator', 'okta-verify-code'], methodsRequired: 2 },
  { name: 'everyone', groups: ['Everyone'] },
];

browserSuite('policies by group: a two-method recovery in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let phone: Page;

  before(async () => {
    [stack, browser] = await Promise.all([startStack({ GROUP_RULES: JSON.stringify(RULES) }), launchBrowser()]);
    ({ context, page } = await newPage(browser));
    phone = await context.newPage();
    watch(phone);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  test('an authenticator code, then "Step 2 of 2" with a push, then the new password', async () => {
    const t = CATALOGUES.en.method;
    const { url } = stack.portal;
    await page.goto(`${url}/recover`);
    await page.getByLabel('Username or email').fill(LOGIN);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/method`);
    assert.equal(await page.getByText(t.progress(1, 2)).count(), 0, 'step 1 looks like anyone\'s');

    await page.getByRole('radio', { name: /^Google Authenticator/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/code`);
    const code = await phoneAuthenticatorCode(phone, stack.emu.phoneUrl, LOGIN);
    await page.bringToFront();
    await page.getByLabel('Verification code').fill(code);
    await pressVerify(page);

    await page.waitForURL(`${url}/recover/method`);
    await page.getByRole('heading', { name: t.secondHeading }).waitFor();
    await page.getByText(t.progress(2, 2)).waitFor();
    const offered = await Promise.all((await page.getByRole('radio').all()).map((r) => r.getAttribute('value')));
    assert.deepEqual(offered, ['push'], 'only another kind of method the rule allows');
    await snap(page, 'two-methods-step-2');
    await assertAccessible(page, 'method page, step 2 of 2');

    await page.getByRole('radio', { name: /^Okta Verify push/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/push`);
    await page.getByText(t.progress(2, 2)).waitFor();
    const number = Number(await page.locator('#push-number').textContent());
    await phoneAnswerPush(phone, stack.emu.phoneUrl, LOGIN, number);
    await page.waitForURL(`${url}/recover/password`);

    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Confirm the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.waitForURL(/\/recover\/done\?sessions=(ended|kept)$/);
    await page.getByRole('heading', { name: 'Your password has been changed' }).waitFor();
    assertClean(page);

    assert.deepEqual(await signIn(stack.emu.url, LOGIN, OLD_PASSWORD), { status: 401 });
    assert.deepEqual(await signIn(stack.emu.url, LOGIN, NEW_PASSWORD), { status: 200, result: 'SUCCESS' });
  });
});
