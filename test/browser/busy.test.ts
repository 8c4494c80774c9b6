/**
 * Issue 13, item 3: busy and slow states. While Okta is slow the submit button is disabled and the page says
 * "Contacting Okta…" then "Okta is slow right now, still trying…"; on an outage the typed username stays, the
 * message says "try again" once and its summary links to nothing it cannot; the error summary links to the field.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser } from 'playwright-core';
import { assertAccessible, assertClean, browserSuite, launchBrowser, newPage, startStack, type Stack } from './helpers.js';

browserSuite('busy and slow states', () => {
  let stack: Stack;
  let browser: Browser;

  before(async () => {
    [stack, browser] = await Promise.all([startStack({ OKTA_TIMEOUT_MS: '8000' }), launchBrowser()]);
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function fault(spec: Record<string, unknown> | null): Promise<void> {
    const res = await fetch(`${stack.emu.url}/_emulator/faults`, {
      method: spec ? 'POST' : 'DELETE',
      headers: spec ? { 'content-type': 'application/json' } : {},
      body: spec ? JSON.stringify(spec) : undefined,
    });
    assert.ok(res.ok, `fault ${res.status}`);
  }

  test('a slow Okta: the button is disabled, "Contacting Okta…" then "Okta is slow right now"', async () => {
    const { url } = stack.portal;
    const { context, page } = await newPage(browser);
    await fault({ path: '/api/v1/users/*', latencyMs: 5500, count: 1 });
    // Playwright waits for a navigation in progress before it reads the page, so the page reports what it says.
    const said: string[] = [];
    await page.exposeFunction('reportBusy', (text: string, disabled: boolean) => said.push(`${text}|${disabled}`));
    await page.addInitScript(() => {
      const w = globalThis as unknown as {
        document: { addEventListener(t: string, f: () => void): void; getElementById(id: string): { textContent: string } | null; querySelector(s: string): { disabled: boolean } | null };
        MutationObserver: new (f: () => void) => { observe(n: unknown, o: unknown): void };
        reportBusy(text: string, disabled: boolean): void;
      };
      w.document.addEventListener('DOMContentLoaded', () => {
        const el = w.document.getElementById('busy-status');
        if (!el) return;
        new w.MutationObserver(() => w.reportBusy(el.textContent, w.document.querySelector('button[type="submit"]')?.disabled ?? false)).observe(el, { childList: true, characterData: true, subtree: true });
      });
    });
    try {
      await page.goto(`${url}/recover`);
      await page.getByLabel('Username or email').fill('stan.guide@example.com');
      await page.getByRole('button', { name: 'Continue' }).click({ noWaitAfter: true });
      await page.waitForURL(`${url}/recover/method`, { timeout: 20_000 });
      assert.deepEqual(said, ['Contacting Okta…|true', 'Okta is slow right now, still trying…|true'], 'said in turn, button disabled');
      assertClean(page);
    } finally {
      await fault(null);
      await context.close();
    }
  });

  test('an outage: the username stays, "try again" is said once, the summary links to the field when it is about it', async () => {
    const { url } = stack.portal;
    const { context, page } = await newPage(browser);
    await fault({ path: '/api/v1/users/*', status: 503 });
    try {
      await page.goto(`${url}/recover`);
      await page.getByLabel('Username or email').fill('stan.guide@example.com');
      await page.getByRole('button', { name: 'Continue' }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor();
      const text = (await alert.textContent()) ?? '';
      assert.equal(text.match(/try again/gi)?.length ?? 0, 1, `said once: ${text}`);
      assert.equal(await page.getByLabel('Username or email').inputValue(), 'stan.guide@example.com', 'kept');
      await assertAccessible(page, 'start page during an outage');
    } finally {
      await fault(null);
    }
    await page.getByLabel('Username or email').fill('');
    await page.getByRole('button', { name: 'Continue' }).click();
    const link = page.getByRole('alert').getByRole('link', { name: 'Enter your username or email address.' });
    await link.waitFor();
    assert.equal(await link.getAttribute('href'), '#username');
    assertClean(page);
    await context.close();
  });
});
