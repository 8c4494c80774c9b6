/**
 * Issue 13, item 3: Post/Redirect/Get. Every recovery form answers a refused POST with a 303 to its own page, so the
 * browser's history holds only GET pages: Back and reload never offer to resubmit a form (Chromium would show its
 * "Confirm Form Resubmission" page, ERR_CACHE_MISS), a reload does not repeat a wrong code, and the non-secret values
 * typed survive the error (the username; the sessions box), never a code or a password.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page, Request } from 'playwright-core';
import { assertAccessible, assertClean, browserSuite, launchBrowser, newPage, phoneAuthenticatorCode, startStack, type Stack, pressVerify } from './helpers.js';

browserSuite('Post/Redirect/Get', () => {
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  /** Every document request the page makes: method and path. */
  function documents(page: Page): string[] {
    const seen: string[] = [];
    page.on('request', (r: Request) => {
      if (r.resourceType() === 'document') seen.push(`${r.method()} ${new URL(r.url()).pathname}`);
    });
    return seen;
  }

  test('a wrong code: the error on a GET page; reload and Back never resubmit; the code is not kept', async () => {
    const { url } = stack.portal;
    const { context, page } = await newPage(browser);
    await page.goto(`${url}/recover`);
    await page.getByLabel('Username or email').fill('otto.auto@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/method`);
    await page.getByRole('radio', { name: /^Google Authenticator/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/code`);

    const seen = documents(page);
    await page.getByLabel('Verification code').fill('000000');
    await pressVerify(page);
    await page.getByRole('alert').getByText('That code is not valid').waitFor();
    assert.equal(page.url(), `${url}/recover/code`);
    assert.equal(await page.getByLabel('Verification code').inputValue(), '', 'a code is never put back');
    await assertAccessible(page, 'code page after a wrong code (PRG)');

    // Reload: a plain GET (no second attempt), and the error, read once, is gone.
    await page.reload();
    assert.equal(await page.getByRole('alert').count(), 0);
    // Away and Back: the code page comes back from a GET, not Chromium's resubmission page.
    await page.getByRole('link', { name: 'Try another method' }).click();
    await page.waitForURL(`${url}/recover/method`);
    await page.goBack();
    await page.waitForURL(`${url}/recover/code`);
    await page.getByLabel('Verification code').waitFor();
    assert.deepEqual(seen.filter((s) => s.startsWith('POST')), ['POST /recover/code'], 'one POST only: reload and Back sent none');
    assertClean(page);
    await context.close();
  });

  test('a refused password keeps the sessions box as the user left it, and never the passwords', async () => {
    const { url } = stack.portal;
    const { context, page } = await newPage(browser, { javaScriptEnabled: false });
    await page.goto(`${url}/recover`);
    await page.getByLabel('Username or email').fill('otto.auto@example.com');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('radio', { name: /^Google Authenticator/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/code`);
    const { page: phone } = await newPage(browser);
    await page.getByLabel('Verification code').fill(await phoneAuthenticatorCode(phone, stack.emu.phoneUrl, 'otto.auto@example.com'));
    await pressVerify(page);
    await page.waitForURL(`${url}/recover/password`);
    await page.getByLabel('Sign out of all other sessions').uncheck();
    await page.getByLabel('New password', { exact: true }).fill('Otto-Garden-2026');
    await page.getByLabel('Confirm the new password').fill('Otto-Garden-2027');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').getByText('The two passwords do not match.').waitFor();
    assert.equal(page.url(), `${url}/recover/password`);
    assert.equal(await page.getByLabel('Sign out of all other sessions').isChecked(), false, 'kept');
    assert.equal(await page.getByLabel('New password', { exact: true }).inputValue(), '');
    assert.ok(!(await page.content()).includes('Otto-Garden'), 'no password in the page');
    await context.close();
  });
});
