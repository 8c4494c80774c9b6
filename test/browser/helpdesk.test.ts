/**
 * A help-desk agent verifies callers in a real browser (Chromium, JavaScript on), on the demo org:
 * the agent (group "Portal Help Desk" in the ID token) signs in, looks up a caller, sends an Okta Verify push and
 * reads the number to the caller, who taps it on the emulated phone (a second tab): the console moves to
 * "Verified" by itself (server-sent events). Then a caller is verified by the SMS code they read out. A signed-in
 * user outside the group gets 403. The audit command shows the results (with agent and ticket) and the refusal.
 * axe on every console page; no CSP violation.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { runAuditCommand } from '../../src/audit/command.js';
import type { StoredAuditEvent } from '../../src/audit/index.js';
import { systemClock } from '../../src/core/system.js';
import { DEMO_PASSWORD, startSignInStack, type SignInStack } from '../auth/support.js';
import { tempDir } from '../store/helpers.js';
import { assertAccessible, assertClean, browserSuite, launchBrowser, newPage, phoneAnswerPush, phoneMessageCode, snap, watch } from './helpers.js';

const AGENT = 'hal.helpdesk@example.com';

browserSuite('a help-desk agent verifies callers in the browser', () => {
  let stack: SignInStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let phone: Page;
  const data = tempDir('portal-helpdesk-browser-');

  before(async () => {
    [stack, browser] = await Promise.all([
      startSignInStack({ env: { HELPDESK_GROUP: 'Portal Help Desk', STORE: 'sqlite', DATA_DIR: data.dir } }),
      launchBrowser(),
    ]);
    ({ context, page } = await newPage(browser));
    phone = await context.newPage();
    watch(phone);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    data.cleanup();
  });

  const signInAs = async (p: Page, login: string) => {
    await p.goto(`${stack.portal.url}/auth/signin`);
    await p.getByLabel('Username').fill(login);
    await p.getByLabel('Password').fill(DEMO_PASSWORD);
    await p.getByRole('button', { name: 'Sign in' }).click();
    await p.waitForURL(`${stack.portal.url}/account`);
  };

  const auditOf = async (login: string): Promise<StoredAuditEvent[]> => {
    let out = '';
    const code = await runAuditCommand(['--user', login, '--json'], { STORE: 'sqlite', DATA_DIR: data.dir }, { out: (t) => (out += t), err: () => undefined }, systemClock);
    assert.equal(code, 0);
    return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as StoredAuditEvent);
  };

  test('push with number matching: the agent reads the number, the caller taps it, the console shows Verified', async () => {
    const { url } = stack.portal;
    await signInAs(page, AGENT);
    await page.goto(`${url}/helpdesk`);
    await page.getByRole('heading', { level: 1, name: 'Verify a caller' }).waitFor();
    await assertAccessible(page, 'help-desk lookup');
    await page.getByLabel('Caller’s username').fill('pat.push@example.com');
    await page.getByLabel('Ticket reference (optional)').fill('INC-7001');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('heading', { level: 2, name: 'Caller: pat.push@example.com' }).waitFor();
    await page.getByRole('radio', { name: /Okta Verify push/ }).check();
    await assertAccessible(page, 'help-desk caller methods');
    await snap(page, 'helpdesk-1-caller');

    await page.getByRole('button', { name: 'Send the challenge' }).click();
    await page.waitForURL(`${url}/helpdesk/push`);
    const number = Number(await page.locator('#push-number').textContent());
    assert.ok(Number.isInteger(number) && number > 0, 'the console shows the number to read out');
    await assertAccessible(page, 'help-desk push');
    await snap(page, 'helpdesk-2-push');

    await phoneAnswerPush(phone, stack.emu.phoneUrl, 'pat.push@example.com', number);
    await page.waitForURL(`${url}/helpdesk/result`);
    await page.getByText('Verified: the caller proved they are pat.push@example.com.').waitFor();
    await page.getByText('Ticket: INC-7001').waitFor();
    await assertAccessible(page, 'help-desk result');
    await snap(page, 'helpdesk-3-verified');
    assertClean(page);
  });

  test('SMS code: the caller reads the code, the agent types it', async () => {
    const { url } = stack.portal;
    await page.goto(`${url}/helpdesk?new=1`);
    await page.getByLabel('Caller’s username').fill('sam.sms@example.com');
    await page.getByRole('button', { name: 'Look up' }).click();
    await page.getByRole('radio', { name: /Text message \(SMS\)/ }).check();
    await page.getByRole('button', { name: 'Send the challenge' }).click();
    await page.waitForURL(`${url}/helpdesk/code`);
    await page.getByText(/A code was texted to \+1 ••• ••• 0111/).waitFor();
    await assertAccessible(page, 'help-desk code');
    const code = await phoneMessageCode(phone, stack.emu.phoneUrl, 'sam.sms@example.com');
    await page.getByLabel('Verification code').fill(code);
    await page.getByRole('button', { name: 'Check the code' }).click();
    await page.waitForURL(`${url}/helpdesk/result`);
    await page.getByText('Verified: the caller proved they are sam.sms@example.com.').waitFor();
    assertClean(page);
  });

  test('a signed-in user outside the group is refused', async () => {
    const other = await browser.newContext({ locale: 'en-US' });
    try {
      const p = await other.newPage();
      watch(p);
      await signInAs(p, 'nora.none@example.com');
      const res = await p.goto(`${stack.portal.url}/helpdesk`);
      assert.equal(res?.status(), 403);
      await p.getByText('You do not have access to this page.').waitFor();
      await assertAccessible(p, 'help-desk refusal');
      assert.equal(await p.getByLabel('Caller’s username').count(), 0);
    } finally {
      await other.close();
    }
  });

  test('the audit query shows both verifications (agent, method, ticket) and the refusal', async () => {
    const push = (await auditOf('pat.push@example.com')).filter((e) => e.action === 'helpdesk.result');
    assert.equal(push.length, 1);
    assert.equal(push[0]!.outcome, 'success');
    assert.equal(push[0]!.method, 'push');
    assert.match(push[0]!.detail ?? '', /agent=hal\.helpdesk@example\.com .*ticket=INC-7001/);
    const sms = (await auditOf('sam.sms@example.com')).filter((e) => e.action === 'helpdesk.result');
    assert.deepEqual(sms.map((e) => [e.outcome, e.method]), [['success', 'sms']]);
    const lookups = [...(await auditOf('pat.push@example.com')), ...(await auditOf('sam.sms@example.com'))].filter((e) => e.action === 'helpdesk.lookup');
    assert.equal(lookups.length, 2);
    assert.ok(lookups.every((e) => (e.detail ?? '').includes(`agent=${AGENT}`)));
    const denied = (await auditOf('nora.none@example.com')).filter((e) => e.action === 'helpdesk.denied');
    assert.equal(denied.length, 1);
    assert.equal(denied[0]!.outcome, 'denied');
  });
});
