/**
 * Issue 13, item 1: guidance without an oracle.
 * - Nothing is preselected on the method page; Continue without a choice gives a field error whose summary links to
 *   the choice.
 * - The method that last worked on this device is offered first (a cookie holding only the method's name).
 * - After 45 s on a code page without a code, the same "No code yet?" hint appears for a real user and a decoy.
 * - Choosing SMS again within its cooldown leads to the code page with the live countdown, and the code sent first
 *   still works.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import {
  assertAccessible,
  assertClean,
  browserSuite,
  launchBrowser,
  newPage,
  phoneAuthenticatorCode,
  phoneMessageCode,
  startStack,
  waitForFocus,
  type Stack, pressVerify,
} from './helpers.js';

browserSuite('guidance without an oracle', () => {
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

  async function startAs(page: Page, login: string): Promise<void> {
    const { url } = stack.portal;
    await page.goto(`${url}/recover`);
    await page.getByLabel('Username or email').fill(login);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/method`);
  }

  test('no preselected method; an empty choice is a linked field error; the method that worked is offered first', async () => {
    const { url } = stack.portal;
    const login = 'gwen.guide@example.com';
    const { context, page } = await newPage(browser);
    await startAs(page, login);
    assert.equal(await page.locator('input[name="method"]:checked').count(), 0, 'nothing preselected');
    // The browser's own validation asks first (the radios are required); without it the server answers the same.
    await page.locator('input[name="method"]').first().evaluate((el) => {
      (el as unknown as { form: { noValidate: boolean } }).form.noValidate = true;
    });
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.getByRole('alert').getByRole('link', { name: 'Choose a verification method.' }).waitFor();
    await waitForFocus(page, 'method-first');
    await assertAccessible(page, 'method with no choice');

    await page.getByRole('radio', { name: /^Google Authenticator/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/code`);
    const code = await phoneAuthenticatorCode(phone, stack.emu.phoneUrl, login);
    await page.getByLabel('Verification code').fill(code);
    await pressVerify(page);
    await page.waitForURL(`${url}/recover/password`);
    const cookies = await context.cookies();
    const last = cookies.find((c) => c.name === 'last_method');
    assert.equal(last?.value, 'google-authenticator', 'the cookie holds the method name and nothing else');
    assert.equal(last?.httpOnly, true);

    // Another recovery on this device: the method that worked comes first, marked, still not checked.
    await context.clearCookies({ name: 'flow' });
    await startAs(page, 'someone.else@example.com');
    const first = page.locator('label.choice').first();
    assert.match((await first.textContent()) ?? '', /Google Authenticator\s*Worked last time on this device/);
    assert.equal(await page.locator('input[name="method"]:checked').count(), 0, 'still nothing preselected');
    assertClean(page);
    await context.close();
  });

  test('after 45 s without a code, the same hint for a real user and a decoy, with a way to another method', async () => {
    const { url } = stack.portal;
    const texts: string[] = [];
    for (const login of ['stan.guide@example.com', 'nobody.here@example.com']) {
      const { context, page } = await newPage(browser);
      await page.clock.install();
      await startAs(page, login);
      await page.getByRole('radio', { name: /^Google Authenticator/ }).check();
      await page.getByRole('button', { name: 'Continue' }).click();
      await page.waitForURL(`${url}/recover/code`);
      assert.equal(await page.locator('#delay-hint').isVisible(), false, 'not at first');
      await page.clock.fastForward(30_000);
      assert.equal(await page.locator('#delay-hint').isVisible(), false, 'not after 30 s');
      await page.clock.fastForward(16_000);
      await page.locator('#delay-hint').waitFor({ state: 'visible' });
      texts.push(((await page.locator('#delay-announce').textContent()) ?? '').trim());
      await assertAccessible(page, `code page with the delay hint (${login})`);
      await page.getByRole('link', { name: 'Choose another method' }).click();
      await page.waitForURL(`${url}/recover/method`);
      assertClean(page);
      await context.close();
    }
    assert.match(texts[0]!, /No code yet\?.*not set up for/);
    assert.equal(texts[0], texts[1], 'the same words for a real user and a decoy');
  });

  test('SMS again within its cooldown: the code page with the live countdown, and the first code still works', async () => {
    const { url } = stack.portal;
    const login = 'stan.guide@example.com';
    const { context, page } = await newPage(browser);
    await startAs(page, login);
    await page.getByRole('radio', { name: /^Text message/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/code`);
    const code = await phoneMessageCode(phone, stack.emu.phoneUrl, login);
    await page.getByRole('link', { name: 'Try another method' }).click();
    await page.waitForURL(`${url}/recover/method`);
    await page.getByRole('radio', { name: /^Text message/ }).check();
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${url}/recover/code`);
    assert.equal(await page.getByRole('alert').count(), 0, 'no error on the way');
    assert.match((await page.locator('#resend-wait').textContent()) ?? '', /You can ask for a new code in \d+ seconds?\./);
    assert.equal(await page.locator('#resend-button').isDisabled(), true, 'the countdown runs');
    await page.getByLabel('Verification code').fill(code);
    await pressVerify(page);
    await page.waitForURL(`${url}/recover/password`);
    assertClean(page);
    await context.close();
  });

  test('item 2: a limit says the wait in words, counts it down live, keeps the help link; it ends in "try again now"', async () => {
    const tight = await startStack({ LIMIT_PER_LOGIN: '2/15m' });
    try {
      const { url } = tight.portal;
      const { context, page } = await newPage(browser);
      await page.clock.install();
      const login = 'limited.person@example.com';
      for (let i = 0; i < 3; i++) {
        await page.goto(`${url}/recover`);
        await page.getByLabel('Username or email').fill(login);
        await page.getByRole('button', { name: 'Continue' }).click();
      }
      const alert = page.getByRole('alert');
      await alert.getByText('There have been too many attempts.').waitFor();
      assert.match((await alert.textContent()) ?? '', /Try again in 15 minutes\./);
      assert.doesNotMatch((await alert.textContent()) ?? '', /seconds|Try again later/, 'human units, said once');
      await alert.getByRole('link', { name: 'Need help? Contact support' }).waitFor();
      await assertAccessible(page, 'start page rate-limited');
      await page.clock.fastForward(61_000);
      await page.waitForFunction(() => /Try again in 14 minutes\./.test((globalThis as unknown as { document: { body: { textContent: string } } }).document.body.textContent));
      await page.clock.fastForward(15 * 60_000);
      await alert.getByText('You can try again now.').waitFor();
      assertClean(page);
      await context.close();
    } finally {
      await tight.close();
    }
  });
});
