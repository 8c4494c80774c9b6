/**
 * Browser-test helpers: Debian's Chromium driven by playwright-core (no browser download), the emulator and the
 * portal started on loopback, the emulated phone read like a person reads it, axe-core checks, screenshots.
 * Rules:
 * - Chromium is /usr/bin/chromium (or CHROMIUM_PATH). Missing outside CI: the suite is skipped with a loud warning;
 *   missing in CI (process.env.CI set): the suite fails.
 * - One browser per test file; contexts are cheap and reused across steps.
 * - Every page load is watched for Content-Security-Policy violations and uncaught page errors.
 * - Screenshots go to test-results/screenshots/<name>-desktop.png and -phone.png (390 px wide); gitignored.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { startPortal, type RunningPortal } from '../helpers/portal.js';
import { BROWSER_SEED, REQUIREMENTS } from './seed.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;
export const SCREENSHOT_DIR = join('test-results', 'screenshots');

const LAUNCH_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

/**
 * Declares a browser suite: runs `fn` when Chromium is there; otherwise skips loudly, or fails under CI.
 */
export function browserSuite(name: string, fn: () => void): void {
  if (existsSync(CHROMIUM)) {
    describe(name, fn);
    return;
  }
  const why = `Chromium not found at ${CHROMIUM}: install it with "apt-get install chromium" (or set CHROMIUM_PATH)`;
  if (process.env.CI) {
    test(`${name}: Chromium is installed`, () => assert.fail(why));
    return;
  }
  process.stderr.write(`\n${'!'.repeat(100)}\n!! BROWSER TESTS SKIPPED: ${why}\n${'!'.repeat(100)}\n\n`);
  describe(name, { skip: why }, fn);
}

export function launchBrowser(): Promise<Browser> {
  // Playwright starts Chromium headless with a fresh temporary profile (--user-data-dir) of its own.
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: LAUNCH_ARGS, timeout: 30_000 });
}

export interface Stack {
  emu: RunningEmulator;
  portal: RunningPortal;
  close(): Promise<void>;
}

/** The emulator with the browser seed and a portal against it, with branding and generous limits. */
export async function startStack(settings: Record<string, string> | ((emu: RunningEmulator) => Record<string, string>) = {}): Promise<Stack> {
  const emu = await startEmulator({ port: 0, seed: BROWSER_SEED });
  const env = typeof settings === 'function' ? settings(emu) : settings;
  const portal = await startPortal(emu, {
    ORG_NAME: 'Example Corp',
    SUPPORT_URL: 'https://help.example.com/it',
    LOGO_FILE: new URL('./fixtures/logo.svg', import.meta.url).pathname,
    ACCENT_COLOR: '#5b2bb5',
    PASSWORD_REQUIREMENTS: REQUIREMENTS.join(' | '),
    PUSH_POLL_INTERVAL_SECONDS: '1',
    LIMIT_PER_IP: '1000/15m',
    LIMIT_PER_LOGIN: '100/15m',
    LIMIT_PER_DESTINATION: '100/1h',
    LIMIT_PUSH_PER_USER: '50/15m',
    ...env,
  });
  return {
    emu,
    portal,
    async close() {
      await portal.close();
      await emu.close();
    },
  };
}

/** Problems seen by the page: CSP violations, uncaught errors. Asserted empty by `assertClean`. */
const problems = new WeakMap<Page, string[]>();

export async function newPage(browser: Browser, opts: BrowserContextOptions = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'en-US', ...opts });
  // Generous for a loaded 2-core CI machine; a passing run takes a fraction of it.
  context.setDefaultTimeout(15_000);
  context.setDefaultNavigationTimeout(15_000);
  const page = await context.newPage();
  watch(page);
  return { context, page };
}

export function watch(page: Page): void {
  const seen: string[] = [];
  problems.set(page, seen);
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Refused to/i.test(m.text())) seen.push(m.text());
  });
  page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));

}

export function assertClean(page: Page): void {
  assert.deepEqual(problems.get(page) ?? [], [], 'no CSP violation or script error on the page');
}

/** Screenshots of the current page at desktop size and at 390 px wide. */
export async function snap(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const size = page.viewportSize() ?? DESKTOP;
  await page.setViewportSize(DESKTOP);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-desktop.png`), fullPage: true, animations: 'disabled', caret: 'initial' });
  await page.setViewportSize(PHONE);
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-phone.png`), fullPage: true, animations: 'disabled', caret: 'initial' });
  await page.setViewportSize(size);
}

const axeSource = (createRequire(import.meta.url)('axe-core') as { source: string }).source;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/**
 * Runs axe-core on the page (WCAG 2.x A/AA rules and best practices) and fails on any serious or critical
 * violation. axe is evaluated through the DevTools protocol, which the page's CSP does not govern: the page keeps
 * its strict CSP.
 */
export async function assertAccessible(page: Page, label: string): Promise<void> {
  const has = await page.evaluate('typeof window.axe === "object"');
  if (!has) await page.evaluate(axeSource);
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) })))`,
  )) as AxeViolation[];
  const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    bad.map((v) => `${v.impact} ${v.id}: ${v.help} at ${JSON.stringify(v.nodes.map((n) => n.target))}`),
    [],
    `axe on ${label}`,
  );
}

/**
 * axe on the page as it is now, in its four looks: light and dark colour schemes, 1280 and 390 px wide, without a
 * reload (then back to light, 1280 px).
 */
export async function inFourLooks(page: Page, label: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const size of [DESKTOP, PHONE]) {
      await page.setViewportSize(size);
      await assertAccessible(page, `${label} (${scheme}, ${size.width} px)`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize(DESKTOP);
}

// --- the emulated phone, read like a person reads it ------------------------------------------------------------

/** The newest code texted or read out to `login`, from the phone page. */
export async function phoneMessageCode(phone: Page, phoneUrl: string, login: string, notCode?: string): Promise<string> {
  for (let i = 0; i < 50; i++) {
    await phone.goto(phoneUrl);
    const card = phone.locator('li.card.msg', { hasText: `For ${login}` }).first();
    if ((await card.count()) > 0) {
      const code = ((await card.locator('[data-testid^="message-code-"]').textContent()) ?? '').trim();
      if (/^\d{6,8}$/.test(code) && code !== notCode) return rest(phone, code);
    }
    await phone.waitForTimeout(100);
  }
  assert.fail(`no new code for ${login} on the phone page`);
}

/** The current code of `login`'s authenticator app, from the phone page. */
export async function phoneAuthenticatorCode(phone: Page, phoneUrl: string, login: string): Promise<string> {
  await phone.goto(phoneUrl);
  const code = phone.locator('li.card.totp', { hasText: login }).locator('[data-testid^="authenticator-code-"]');
  const text = ((await code.textContent()) ?? '').trim();
  assert.match(text, /^\d{6}$/, `authenticator code for ${login}`);
  return rest(phone, text);
}

/** Answers `login`'s pending push on the phone page by tapping `answer` (number matching) or pressing Deny. */
export async function phoneAnswerPush(phone: Page, phoneUrl: string, login: string, answer: number | 'deny'): Promise<void> {
  await phone.goto(phoneUrl);
  const card = phone.locator('li.card.push', { hasText: login });
  await card.waitFor();
  if (answer === 'deny') await card.locator('[data-testid^="push-deny-"]').click();
  else await card.locator(`[data-testid^="push-number-"][data-testid$="-${answer}"]`).click();
  await phone.locator('[data-testid="status"]').waitFor({ state: 'visible' });
  await rest(phone, null);
}

/** Leaves the phone page (it polls the emulator every 1.5 s while open): less CPU for the rest of the test. */
async function rest<T>(phone: Page, value: T): Promise<T> {
  await phone.goto('about:blank');
  return value;
}

/** Classic primary authentication on the emulator: the proof that a password is the current one. */
export async function signIn(emuUrl: string, username: string, password: string): Promise<{ status: number; result?: string }> {
  const res = await fetch(`${emuUrl}/api/v1/authn`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  const body = (await res.json()) as { status?: string };
  return { status: res.status, ...(body.status ? { result: body.status } : {}) };
}

export async function emulatorControl(emuUrl: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(`${emuUrl}/_emulator/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  assert.ok(res.ok, `emulator control ${path}: ${res.status}`);
  return res.json();
}

// Page-side functions: the project compiles without lib.dom, so they see the page through this small type. They are
// functions, not strings: waitForFunction would eval() a string, which the portal's CSP (rightly) refuses.
interface PageDoc {
  activeElement: ({ id: string; className: string; value?: string; matches(selector: string): boolean } & Record<string, unknown>) | null;
  querySelector(selector: string): { textContent: string | null } | null;
}

/** A property of the focused element (id, className, value ...), or '' when nothing is focused. */
export async function focused(page: Page, prop: 'id' | 'className' | 'value' = 'id'): Promise<string> {
  return page.evaluate((p) => {
    const el = (globalThis as unknown as { document: PageDoc }).document.activeElement;
    return el ? String(el[p] ?? '') : '';
  }, prop);
}

export async function focusedId(page: Page): Promise<string> {
  return focused(page, 'id');
}

/** Waits until the element with this id has the focus (e.g. moved there by /assets/focus.js). */
export async function waitForFocus(page: Page, id: string): Promise<void> {
  await page.waitForFunction((want) => (globalThis as unknown as { document: PageDoc }).document.activeElement?.id === want, id);
}

/** Waits until the element matching `selector` has exactly this text. */
export async function waitForText(page: Page, selector: string, text: string): Promise<void> {
  await page.waitForFunction(
    ([sel, want]) => (globalThis as unknown as { document: PageDoc }).document.querySelector(sel!)?.textContent === want,
    [selector, text],
  );
}

/** Presses Tab until the focused element matches `selector` (at most `max` presses). */
export async function tabTo(page: Page, selector: string, max = 30): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const hit = await page.evaluate(
      (sel) => (globalThis as unknown as { document: PageDoc }).document.activeElement?.matches(sel) ?? false,
      selector,
    );
    if (hit) return;
  }
  assert.fail(`Tab never reached ${selector}`);
}

/**
 * Presses a recovery code form's button. The code page submits a complete code by itself after a short wait
 * (auto-submit), so on a slow machine the page may already be on its way when the click comes: then the click is moot.
 */
export async function pressVerify(page: Page, name: string | RegExp = 'Verify', selector?: string): Promise<void> {
  const url = page.url();
  const button = selector ? page.locator(selector) : page.getByRole('button', { name });
  await button.click({ timeout: 5000 }).catch((e: unknown) => {
    if (page.url() === url) throw e;
  });
}
