/**
 * Issue 13, item 9: a complete code is checked without pressing Verify.
 * - Six digits typed: a status region says the code is complete and will be checked; a moment later the form is
 *   submitted (no button press), and a right code leads on.
 * - A way to correct it: typing again restarts the wait, Escape stops it (and says so); after a refused code the page
 *   does not auto-submit again (the user presses Verify).
 * - Without JavaScript nothing changes (the Verify button).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page, Request } from 'playwright-core';
import { assertAccessible, assertClean, browserSuite, launchBrowser, newPage, phoneAuthenticatorCode, startStack, type Stack } from './helpers.js';

const LOGIN = 'otto.auto@example.com';

browserSuite('auto-submit of a complete code', () => {
  let stack: Stack;
  let browser: Browser;
  let phone: Page;

  before(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
    ({ page: phone } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function toCode(page: Page): Promise<string[]> {
    const { url } = stack.portal;
    await page.goto(`${url}/recover`);
    await page.getByLabel('Username or email').fill(LOGIN);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/method`);
    await page.getByRole('radio', { name: /^Google Authenticator/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/code`);
    const posts: string[] = [];
    page.on('request', (r: Request) => {
      if (r.method() === 'POST') posts.push(new URL(r.url()).pathname);
    });
    return posts;
  }

  test('six digits: announced, then checked without a button press', async () => {
    const { context, page } = await newPage(browser);
    await page.clock.install();
    const posts = await toCode(page);
    const code = await phoneAuthenticatorCode(phone, stack.emu.phoneUrl, LOGIN);
    await page.getByLabel('Verification code').pressSequentially(`${code.slice(0, 3)} ${code.slice(3)}`);
    assert.match((await page.locator('#code-auto').textContent()) ?? '', /Code complete\. Checking it in a moment/);
    assert.equal(await page.locator('#code-auto').getAttribute('role'), 'status');
    await assertAccessible(page, 'code complete, about to be checked');
    assert.deepEqual(posts, [], 'not at once: there is time to correct it');
    await page.clock.fastForward(1600);
    await page.waitForURL(`${stack.portal.url}/recover/password`);
    assert.deepEqual(posts, ['/recover/code']);
    assertClean(page);
    await context.close();
  });

  test('Escape stops it; typing again restarts the wait; after a refused code, no auto-submit', async () => {
    const { context, page } = await newPage(browser);
    await page.clock.install();
    const posts = await toCode(page);
    const field = page.getByLabel('Verification code');
    await field.pressSequentially('00000');
    assert.equal(((await page.locator('#code-auto').textContent()) ?? '').trim(), '', 'five digits: nothing said');
    await field.pressSequentially('0');
    await page.clock.fastForward(1000);
    await field.press('Backspace');
    await field.pressSequentially('1');
    await page.clock.fastForward(1000);
    assert.deepEqual(posts, [], 'the change restarted the wait');
    await field.press('Escape');
    assert.match((await page.locator('#code-auto').textContent()) ?? '', /Not checked yet\. Press Verify/);
    await page.clock.fastForward(5000);
    assert.deepEqual(posts, [], 'stopped');

    await page.getByRole('button', { name: 'Verify' }).click();
    await page.getByRole('alert').getByText('That code is not valid').waitFor();
    assert.equal(await page.locator('form[data-autosubmit]').count(), 0, 'no auto-submit after a refused code');
    await page.getByLabel('Verification code').pressSequentially('111111');
    await page.clock.fastForward(5000);
    assert.deepEqual(posts, ['/recover/code'], 'only the Verify press');
    assertClean(page);
    await context.close();
  });
});
