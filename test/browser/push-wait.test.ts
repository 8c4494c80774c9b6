/**
 * Issue 13, item 5: waiting for a push.
 * - The page counts down to the push's expiry; 30 s after the push, "Haven't received it?" and "Resend push" appear
 *   (announced once), the same words for a real user and a decoy.
 * - "Resend push" withdraws the pending push at Okta (DELETE of its transaction, Okta's `cancel` link) before the new
 *   one, so the phone holds one request; choosing another method and "Start again" withdraw it too.
 * - After a timeout, "Send another push" is offered first.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { assertAccessible, assertClean, browserSuite, emulatorControl, launchBrowser, newPage, snap, startStack, type Stack } from './helpers.js';

interface Pending {
  transactionId: string;
  login: string;
}

browserSuite('waiting for a push', () => {
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    [stack, browser] = await Promise.all([startStack(), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  const pending = async (login: string): Promise<string[]> => {
    const { pushes } = (await emulatorControl(stack.emu.url, 'push')) as { pushes: Pending[] };
    return pushes.filter((p) => p.login === login).map((p) => p.transactionId);
  };

  async function choosePush(page: Page, login: string): Promise<void> {
    const { url } = stack.portal;
    await page.goto(`${url}/recover`);
    await page.getByLabel('Username or email').fill(login);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/method`);
    await page.getByRole('radio', { name: /^Okta Verify push/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/push`);
  }

  test('a countdown, then "Haven\'t received it?" and "Resend push" after 30 s; resending withdraws the old push', async () => {
    const login = 'percy.pending@example.com';
    const { url } = stack.portal;
    const { context, page } = await newPage(browser);
    await page.clock.install();
    await choosePush(page, login);
    assert.match((await page.locator('#push-expiry').textContent()) ?? '', /^This request expires in [45] minutes\.$/);
    assert.equal(await page.locator('#push-resend').isVisible(), false, 'not at first');
    const first = await pending(login);
    assert.equal(first.length, 1);

    await page.clock.fastForward(31_000);
    await page.locator('#push-resend').waitFor({ state: 'visible' });
    assert.match((await page.locator('#push-resend-announce').textContent()) ?? '', /Haven’t received it\?/);
    await assertAccessible(page, 'push page with the resend hint');
    await snap(page, 'push-resend');

    await page.getByRole('button', { name: 'Resend push' }).click();
    await page.waitForURL(`${url}/recover/push?sent=1`);
    await page.getByText('A new push is on its way. The previous one was withdrawn.').waitFor();
    const second = await pending(login);
    assert.equal(second.length, 1, 'one request on the phone, not two');
    assert.notEqual(second[0], first[0], 'the old one was withdrawn');

    // Switching to another method withdraws the pending push too.
    await page.getByRole('link', { name: 'Try another method' }).click();
    await page.waitForURL(`${url}/recover/method`);
    await page.getByRole('radio', { name: /^Google Authenticator/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/code`);
    assert.deepEqual(await pending(login), [], 'nothing left pending on the phone');
    assertClean(page);
    await context.close();
  });

  test('"Start again" withdraws the pending push; a decoy sees the same page and the same hint', async () => {
    const { url } = stack.portal;
    const seen: string[] = [];
    // Its own real user, so that this test does not depend on the one before.
    for (const login of ['pia.poll@example.com', 'nobody.pushed@example.com']) {
      const { context, page } = await newPage(browser);
      await page.clock.install();
      await choosePush(page, login);
      await page.clock.fastForward(31_000);
      await page.locator('#push-resend').waitFor({ state: 'visible' });
      seen.push(((await page.locator('#push-waiting').textContent()) ?? '').replace(/\d+/g, 'N').replace(/\s+/g, ' ').trim());
      await page.getByRole('button', { name: 'Start again' }).click();
      await page.waitForURL(`${url}/recover`);
      assert.deepEqual(await pending(login), [], `nothing pending for ${login}`);
      assertClean(page);
      await context.close();
    }
    assert.equal(seen[0], seen[1], 'the same words for a real user and a decoy');
  });

  test('after a timeout, "Send another push" comes first and sends one', async () => {
    const login = 'percy.pending@example.com';
    const { url } = stack.portal;
    const { context, page } = await newPage(browser);
    await choosePush(page, login);
    await emulatorControl(stack.emu.url, 'clock', { advanceSeconds: 301 }); // Okta's push lifetime is 300 s
    const again = page.getByRole('button', { name: 'Send another push' });
    await again.waitFor({ state: 'visible', timeout: 20_000 });
    assert.match((await page.locator('#push-alert').textContent()) ?? '', /timed out/);
    await page.waitForFunction(() => (globalThis as unknown as { document: { activeElement: { id: string } | null } }).document.activeElement?.id === 'push-again-action');
    await assertAccessible(page, 'push timed out');
    await again.click();
    await page.waitForURL(`${url}/recover/push?sent=1`);
    assert.equal((await pending(login)).length, 1);
    assertClean(page);
    await context.close();
  });
});
