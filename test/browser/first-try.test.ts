/**
 * Issue 13, "first try": for every user of the emulator's built-in demo org, a scripted person who does not know
 * which methods they have follows only what the pages say:
 * - on the method page they pick the first method offered that they have not tried yet (nothing is preselected);
 * - on a code page they look at their phone (the emulated phone page: a message "For <login>", or an entry for
 *   <login> in the app the page names); with nothing there they wait for the page's "No code yet?" hint (45 s,
 *   fast-forwarded) and follow its "Choose another method";
 * - on the push page they tap the number shown if a push for them is on the phone, else "Try another method";
 * - then they choose a new password and land on the done page, which offers "Sign in" (SIGN_IN_URL, default the
 *   Okta org), says the other sessions were ended, and links "Wasn't you?" to the help desk.
 * Users the portal must not or cannot recover (no usable method, suspended, deprovisioned, staged, locked out
 * without ALLOW_LOCKED_OUT_RECOVERY) try every method and are never stuck: each page offers the next one.
 * The number of method choices per user is written to test-results/first-try.json and to the test output.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { startPortal, type RunningPortal } from '../helpers/portal.js';
import { assertClean, browserSuite, launchBrowser, newPage, signIn, pressVerify } from './helpers.js';

const NEW_PASSWORD = 'Harbour-Lantern-Quiet-2031';
const METHODS: Record<string, string> = {
  'Text message (SMS)': 'sms',
  'Voice call': 'call',
  'Okta Verify push': 'push',
  'Google Authenticator': 'google-authenticator',
  'Okta Verify code': 'okta-verify-code',
};

/** The demo org's users and whether a recovery must succeed (emulator/README.md, "The built-in demo org"). */
const USERS: { login: string; recovers: boolean }[] = [
  { login: 'alex.all@example.com', recovers: true },
  { login: 'sam.sms@example.com', recovers: true },
  { login: 'vic.voice@example.com', recovers: true },
  { login: 'pat.push@example.com', recovers: true },
  { login: 'gina.google@example.com', recovers: true },
  { login: 'owen.okta@example.com', recovers: true },
  { login: 'mia.mfa@example.com', recovers: true },
  { login: 'eli.expired@example.com', recovers: true },
  { login: 'rory.recovery@example.com', recovers: true },
  { login: 'pam.privileged@example.com', recovers: true }, // no GROUP_RULES here: one method, as for anyone
  { login: 'emma.email@example.com', recovers: false },
  { login: 'nora.none@example.com', recovers: false },
  { login: 'admin@example.com', recovers: false },
  { login: 'lily.locked@example.com', recovers: false },
  { login: 'suzy.suspended@example.com', recovers: false },
  { login: 'dan.deprovisioned@example.com', recovers: false },
  { login: 'stan.staged@example.com', recovers: false },
];

browserSuite('first try: every demo user, following only what the pages say', () => {
  let emu: RunningEmulator;
  let portal: RunningPortal;
  let browser: Browser;
  let phone: Page;
  const report: { login: string; choices: number; methods: string[]; completed: boolean }[] = [];

  before(async () => {
    emu = await startEmulator({ port: 0 });
    [portal, browser] = await Promise.all([
      startPortal(emu, { ORG_NAME: 'Example Corp', SUPPORT_URL: 'https://help.example.com/it', PUSH_POLL_INTERVAL_SECONDS: '1' }),
      launchBrowser(),
    ]);
    ({ page: phone } = await newPage(browser));
  });
  after(async () => {
    mkdirSync('test-results', { recursive: true });
    writeFileSync(join('test-results', 'first-try.json'), `${JSON.stringify(report, null, 2)}\n`);
    process.stdout.write(`# first try: ${report.map((r) => `${r.login} ${r.completed ? 'recovered' : 'not recovered'} after ${r.choices} choice(s)`).join('; ')}\n`);
    await browser?.close();
    await portal?.close();
    await emu?.close();
  });

  /** What the person sees on their phone for this login: a code, a push's number buttons, or nothing. */
  async function lookAtPhone(login: string, method: string): Promise<{ code?: string; push?: boolean }> {
    await phone.goto(emu.phoneUrl);
    try {
      if (method === 'sms' || method === 'call') {
        const card = phone.locator('li.card.msg', { hasText: `For ${login}` }).first();
        if ((await card.count()) === 0) return {};
        return { code: ((await card.locator('p.code').textContent()) ?? '').trim() };
      }
      if (method === 'push') {
        const card = phone.locator('li.card.push', { hasText: login });
        return (await card.count()) > 0 ? { push: true } : {};
      }
      const app = method === 'google-authenticator' ? 'Google Authenticator' : 'Okta Verify';
      const card = phone.locator('li.card.totp', { hasText: login }).filter({ has: phone.locator('.badge', { hasText: app }) });
      if ((await card.count()) === 0) return {};
      return { code: ((await card.first().locator('p.code').textContent()) ?? '').trim() };
    } finally {
      if (method !== 'push') await phone.goto('about:blank');
    }
  }

  for (const u of USERS) {
    test(`${u.login}: ${u.recovers ? 'recovers' : 'is never stuck'} by following the pages`, async () => {
      const { url } = portal;
      const { context, page } = await newPage(browser);
      await page.clock.install();
      await page.goto(`${url}/`);
      await page.getByRole('link', { name: 'Forgot password' }).click();
      await page.getByLabel('Username or email').fill(u.login);
      await page.getByRole('button', { name: 'Continue' }).click();
      const tried: string[] = [];
      let completed = false;
      for (let round = 0; round < 6 && !completed; round++) {
        await page.waitForURL(`${url}/recover/method`);
        assert.equal(await page.locator('input[name="method"]:checked').count(), 0, 'nothing preselected');
        const labels = (await page.locator('label.choice .title').allTextContents()).map((l) => l.trim());
        const next = labels.find((l) => !tried.includes(METHODS[l] ?? l));
        if (next === undefined) break;
        const method = METHODS[next] ?? next;
        tried.push(method);
        await page.getByRole('radio', { name: new RegExp(`^${next.replace(/[()]/g, '\\$&')}`) }).check();
        await page.getByRole('button', { name: 'Continue' }).click();
        await page.waitForURL(/\/recover\/(code|push|method)$/);
        if (page.url().endsWith('/recover/push')) {
          const seen = await lookAtPhone(u.login, 'push');
          if (seen.push) {
            const number = Number(await page.locator('#push-number').textContent());
            await phone.locator('li.card.push', { hasText: u.login }).locator(`[data-testid$="-${number}"]`).click();
            await phone.goto('about:blank');
            await page.waitForURL(`${url}/recover/password`);
            completed = true;
          } else {
            await page.getByRole('link', { name: 'Try another method' }).first().click();
          }
        } else if (page.url().endsWith('/recover/code')) {
          const seen = await lookAtPhone(u.login, method);
          if (seen.code) {
            await page.getByLabel('Verification code').fill(seen.code);
            await pressVerify(page);
            await page.waitForLoadState();
            if (page.url().endsWith('/recover/password')) completed = true;
            // Refused (a locked-out account is not recovered unless the operator allows it): the page's way on.
            else await page.getByRole('link', { name: 'Try another method' }).first().click();
          } else {
            await page.clock.fastForward(46_000);
            await page.getByRole('link', { name: 'Choose another method' }).click();
          }
        }
      }
      report.push({ login: u.login, choices: tried.length, methods: tried, completed });
      assert.equal(completed, u.recovers, `${u.login} after ${tried.join(', ')}`);
      if (completed) {
        await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
        await page.getByLabel('Confirm the new password').fill(NEW_PASSWORD);
        await page.getByRole('button', { name: 'Change password' }).click();
        await page.waitForURL(/\/recover\/done\?sessions=ended$/);
        await page.getByText('You were signed out of your other sessions').waitFor();
        assert.equal(await page.getByRole('link', { name: 'Sign in' }).getAttribute('href'), emu.url, 'SIGN_IN_URL defaults to the org');
        assert.equal(await page.getByRole('link', { name: /Wasn.t you\?/ }).getAttribute('href'), 'https://help.example.com/it');
        assert.deepEqual(await signIn(emu.url, u.login, NEW_PASSWORD).then((r) => r.status), 200);
      } else {
        assert.ok(tried.length >= 1, 'every offered method was tried and each page offered the next one');
      }
      assertClean(page);
      await context.close();
    });
  }
});
