/**
 * A person recovers a password with each of the five methods in a real browser (Chromium, JavaScript on):
 * landing → "Forgot password" → login → method → the code read from the emulated phone in a second tab (or the
 * push approved there by tapping the number the portal shows) → new password → done page. The emulator's classic
 * sign-in then proves the old password fails and the new one works. Each step is screenshotted (desktop + phone).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import {
  assertClean,
  browserSuite,
  launchBrowser,
  newPage,
  phoneAnswerPush,
  phoneAuthenticatorCode,
  phoneMessageCode,
  signIn,
  snap,
  startStack,
  watch,
  type Stack,
} from './helpers.js';
import { NEW_PASSWORD, OLD_PASSWORD, REQUIREMENTS } from './seed.js';

const CASES = [
  { method: 'sms', label: /^Text message \(SMS\)/, login: 'sam.sms@example.com' },
  { method: 'call', label: /^Voice call/, login: 'carl.call@example.com' },
  { method: 'push', label: /^Okta Verify push/, login: 'paula.push@example.com' },
  { method: 'google-authenticator', label: /^Google Authenticator/, login: 'gary.google@example.com' },
  { method: 'okta-verify-code', label: /^Okta Verify code/, login: 'olga.okta@example.com' },
] as const;

browserSuite('a person recovers a password in the browser', () => {
  let stack: Stack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let phone: Page;

  before(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    ({ context, page } = await newPage(browser));
    // The phone is another origin (the emulator): a second tab of the same browser.
    phone = await context.newPage();
    watch(phone);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  for (const c of CASES) {
    test(`${c.method}: every step by hand, then the new password signs in and the old one does not`, async () => {
      const shots = c.method === 'sms' || c.method === 'push';
      const shot = async (step: string) => {
        if (shots) await snap(page, `${c.method}-${step}`);
      };
      const { url } = stack.portal;

      await page.goto(`${url}/`);
      await shot('1-landing');
      await page.getByRole('link', { name: 'Forgot password' }).click();
      await page.waitForURL(`${url}/recover`);

      await page.getByLabel('Username or email').fill(c.login);
      await shot('2-start');
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${url}/recover/method`);

      await page.getByRole('radio', { name: c.label }).check();
      await shot('3-method');
      await page.getByRole('button', { name: 'Continue' }).click();

      if (c.method === 'push') {
        await page.waitForURL(`${url}/recover/push`);
        const number = Number(await page.locator('#push-number').textContent());
        assert.ok(Number.isInteger(number), 'the portal shows the number to tap');
        await page.getByText('This page moves on by itself').waitFor();
        await shot('4-push');
        await phoneAnswerPush(phone, stack.emu.phoneUrl, c.login, number);
        // No reload, no click: the server-sent events take the page on by themselves.
        await page.waitForURL(`${url}/recover/password`);
      } else {
        await page.waitForURL(`${url}/recover/code`);
        const code =
          c.method === 'sms' || c.method === 'call'
            ? await phoneMessageCode(phone, stack.emu.phoneUrl, c.login)
            : await phoneAuthenticatorCode(phone, stack.emu.phoneUrl, c.login);
        await page.bringToFront();
        const field = page.getByLabel('Verification code');
        assert.equal(await field.getAttribute('autocomplete'), 'one-time-code');
        assert.equal(await field.getAttribute('inputmode'), 'numeric');
        await field.fill(code);
        await shot('4-code');
        await page.getByRole('button', { name: 'Verify' }).click();
        await page.waitForURL(`${url}/recover/password`);
      }

      const rules = await page.locator('#password-requirements li').allTextContents();
      assert.deepEqual(rules, REQUIREMENTS, 'the policy is shown before typing');
      await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
      await page.getByLabel('Confirm the new password').fill(NEW_PASSWORD);
      await shot('5-password');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.waitForURL(/\/recover\/done\?sessions=(ended|kept)$/);
      await page.getByRole('heading', { name: 'Your password has been changed' }).waitFor();
      await shot('6-done');
      assertClean(page);

      assert.deepEqual(await signIn(stack.emu.url, c.login, OLD_PASSWORD), { status: 401 }, 'the old password fails');
      assert.deepEqual(await signIn(stack.emu.url, c.login, NEW_PASSWORD), { status: 200, result: 'SUCCESS' });
    });
  }

  test('push in a browser without EventSource: the page polls the status instead and still moves on by itself', async () => {
    const login = 'pia.poll@example.com';
    const { url } = stack.portal;
    const { context: old, page: p } = await newPage(browser);
    await p.addInitScript('delete window.EventSource;');
    const polls: string[] = [];
    p.on('request', (r) => {
      if (r.url().endsWith('/api/v1/recovery/status')) polls.push(r.url());
      assert.ok(!r.url().endsWith('/recover/push/events'), 'no event stream without EventSource');
    });
    await p.goto(`${url}/recover`);
    await p.getByLabel('Username or email').fill(login);
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.getByRole('radio', { name: /^Okta Verify push/ }).check();
    await p.getByRole('button', { name: 'Continue' }).click();
    await p.waitForURL(`${url}/recover/push`);
    const number = Number(await p.locator('#push-number').textContent());
    await phoneAnswerPush(phone, stack.emu.phoneUrl, login, number);
    await p.waitForURL(`${url}/recover/password`);
    assert.ok(polls.length >= 1, 'it polled the JSON status');
    assertClean(p);
    await old.close();
  });
});
