/**
 * Issue 13, item 4: passwords.
 * - With Okta's password policy readable (PASSWORD_RULES_FROM_OKTA=on against the emulator's Policies API), the page
 *   lists the policy's rules as a checklist that ticks as the user types (the username rule included).
 * - A refused password is named by its broken rule, in the page's language, once (not Okta's English, not three
 *   times); the summary links to the field; a password used recently is named as such; a password within the policy
 *   but easy to guess (zxcvbn score below PASSWORD_MIN_STRENGTH) is refused with a passphrase hint.
 * - Each field has its own Show/Hide toggle whose text switches.
 * - Without JavaScript the checklist is a plain list and no toggle is shown.
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
  snap,
  startStack,
  waitForFocus,
  type Stack,
} from './helpers.js';
import { OLD_PASSWORD } from './seed.js';

browserSuite('passwords: rules, reasons, show/hide', () => {
  let stack: Stack;
  let browser: Browser;
  let phone: Page;

  before(async () => {
    // The policy's rules replace the PASSWORD_REQUIREMENTS lines the stack sets.
    [stack, browser] = await Promise.all([startStack({ PASSWORD_RULES_FROM_OKTA: 'on' }), launchBrowser()]);
    ({ page: phone } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function reachPassword(page: Page, login: string): Promise<void> {
    const { url } = stack.portal;
    await page.goto(`${url}/recover`);
    await page.getByLabel(/Username or email|Nom d’utilisateur/).fill(login);
    await page.locator('form button[type="submit"]').first().click();
    await page.waitForURL(`${url}/recover/method`);
    await page.locator('input[name="method"][value="google-authenticator"]').check();
    await page.locator('form button[type="submit"]').first().click();
    await page.waitForURL(`${url}/recover/code`);
    await page.locator('#code').fill(await phoneAuthenticatorCode(phone, stack.emu.phoneUrl, login));
    await page.locator('form button[type="submit"]').first().click();
    await page.waitForURL(`${url}/recover/password`);
  }

  const ruleStates = (page: Page) =>
    page.locator('ul[data-live-rules] li[data-rule]').evaluateAll((lis) =>
      lis.map((li) => `${li.getAttribute('data-rule')}:${li.classList.contains('met') ? 'met' : li.classList.contains('unmet') ? 'unmet' : '-'}`),
    );

  test('the policy\'s rules tick as the user types; a refused rule is named once; Show/Hide per field', async () => {
    const { context, page } = await newPage(browser);
    await reachPassword(page, 'petra.rules@example.com');
    const lines = await page.locator('#password-requirements li').allTextContents();
    assert.deepEqual(
      lines.map((l) => l.trim()),
      ['At least 10 characters', 'A lowercase letter', 'An uppercase letter', 'A number', 'No part of your username', 'Not one of your last 3 passwords'],
      'the emulator\'s policy, read through the Policies API',
    );
    assert.match((await page.locator('#password-requirements').textContent()) ?? '', /passphrase/);
    assert.deepEqual(await ruleStates(page), ['length:-', 'lowercase:-', 'uppercase:-', 'number:-', 'username:-']);

    const field = page.getByLabel('New password', { exact: true });
    await field.pressSequentially('petra');
    assert.deepEqual(await ruleStates(page), ['length:unmet', 'lowercase:met', 'uppercase:unmet', 'number:unmet', 'username:unmet']);
    assert.match((await page.locator('li[data-rule="username"]').textContent()) ?? '', /\(not yet\)/);
    await field.fill('');
    await field.pressSequentially('Mountain-Lake-42');
    assert.deepEqual(await ruleStates(page), ['length:met', 'lowercase:met', 'uppercase:met', 'number:met', 'username:met']);
    await assertAccessible(page, 'password checklist ticked');
    await snap(page, 'password-checklist');

    // Show/Hide: one toggle per field, its text switches, its name says which field.
    const showNew = page.getByRole('button', { name: 'Show new password' });
    await showNew.click();
    assert.equal(await field.getAttribute('type'), 'text');
    assert.equal(await page.locator('#confirmPassword').getAttribute('type'), 'password', 'only its own field');
    const hideNew = page.getByRole('button', { name: 'Hide new password' });
    assert.equal((await hideNew.textContent())?.trim(), 'Hide');
    await hideNew.click();
    assert.equal(await field.getAttribute('type'), 'password');
    assert.equal(await page.getByRole('button', { name: 'Show confirmation' }).count(), 1);

    // Okta refuses a password with the username in it: the rule is named, once, and the summary links to the field.
    await field.fill('Petra-Rules-2026');
    await page.getByLabel('Confirm the new password').fill('Petra-Rules-2026');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('alert').waitFor();
    await waitForFocus(page, 'password');
    const body = (await page.locator('main').textContent()) ?? '';
    assert.match(body, /It contains part of your username\./);
    assert.doesNotMatch(body, /Password requirements/, 'not Okta\'s English sentence');
    assert.equal(body.split('The password does not meet the password policy.').length - 1, 1, 'the refusal said once');
    assert.equal(await page.locator('#error-summary a[href="#password"]').count(), 1, 'the summary links to the field');
    assert.deepEqual((await page.locator('#password').getAttribute('aria-describedby'))?.split(' '), ['password-requirements', 'password-reasons']);
    assert.equal(await page.locator('li[data-rule="username"].unmet').count(), 1, 'the broken rule is marked');
    await assertAccessible(page, 'password refused: username');
    await snap(page, 'password-refused-username');

    // A recent password: the history reason.
    await page.getByLabel('New password', { exact: true }).fill(OLD_PASSWORD);
    await page.getByLabel('Confirm the new password').fill(OLD_PASSWORD);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('You have used it recently. Choose one you have not used before.').waitFor();

    // Within the policy but easy to guess: the strength estimate (PASSWORD_MIN_STRENGTH, default 2) suggests a passphrase.
    await page.getByLabel('New password', { exact: true }).fill('Password1234');
    await page.getByLabel('Confirm the new password').fill('Password1234');
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByText(/It is too easy to guess.*passphrase/).waitFor();
    await assertAccessible(page, 'password refused: too easy to guess');
    assertClean(page);
    await context.close();
  });

  test('in French the broken rule is named in French', async () => {
    const { context, page } = await newPage(browser, { locale: 'fr-FR', extraHTTPHeaders: { 'accept-language': 'fr' } });
    await reachPassword(page, 'polly.policy@example.com');
    await page.locator('#password').fill('courtmotdepasse1');
    await page.locator('#confirmPassword').fill('courtmotdepasse1');
    await page.locator('form button[type="submit"]').last().click();
    await page.getByText('Il ne contient pas de majuscule.').waitFor();
    const body = (await page.locator('main').textContent()) ?? '';
    assert.doesNotMatch(body, /Password requirements|uppercase/i, 'no English');
    await assertAccessible(page, 'password refused in French');
    assertClean(page);
    await context.close();
  });

  test('without JavaScript: a plain list of the rules, no toggle', async () => {
    const { context, page } = await newPage(browser, { javaScriptEnabled: false });
    await reachPassword(page, 'percy.pending@example.com');
    assert.equal(await page.locator('#password-requirements li').count(), 6);
    assert.equal(await page.locator('button[data-reveal-field]').first().isHidden(), true);
    await context.close();
  });
});
