/**
 * The insights page in a real browser (Chromium), after a scripted mix of recoveries through the JSON API on the demo
 * org: three completed recoveries (SMS, voice, Google Authenticator after one wrong code), one abandoned after a
 * wrong code, one for an unknown login, and a help-desk verification. The admin (group "Portal Security") opens
 * /insights?period=24h and sees each chart's totals equal the audit store's own events (read with the audit command,
 * not through the hourly counts the page uses); axe finds nothing serious; the CSV has the same totals; a user
 * outside the group gets 403.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { runAuditCommand } from '../../src/audit/command.js';
import type { StoredAuditEvent } from '../../src/audit/index.js';
import { systemClock } from '../../src/core/system.js';
import { DEMO_PASSWORD, outboxCode, signIn, startSignInStack, totpCode, Web, type SignInStack } from '../auth/support.js';
import { tempDir } from '../store/helpers.js';
import { assertAccessible, assertClean, browserSuite, launchBrowser, newPage, snap } from './helpers.js';

const NEW_PASSWORD = 'Insights-Check-2026!';

browserSuite('insights after a scripted mix of recoveries', () => {
  let stack: SignInStack;
  let browser: Browser;
  let page: Page;
  const data = tempDir('portal-insights-browser-');

  before(async () => {
    [stack, browser] = await Promise.all([
      startSignInStack({
        env: {
          INSIGHTS_GROUP: 'Portal Security',
          HELPDESK_GROUP: 'Portal Help Desk',
          STORE: 'sqlite',
          DATA_DIR: data.dir,
          RESEND_COOLDOWN_SECONDS: '0',
        },
      }),
      launchBrowser(),
    ]);
    ({ page } = await newPage(browser));
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
    data.cleanup();
  });

  /** One recovery through the JSON API; `wrong` wrong codes first; `finish` sets the new password. */
  const recover = async (login: string, method: string, code: () => Promise<string>, o: { wrong?: number; finish?: boolean } = {}) => {
    const web = new Web();
    const url = stack.portal.url;
    assert.equal((await web.api(url, 'POST', '/api/v1/recovery', { username: login })).status, 200);
    const c = await web.api(url, 'POST', '/api/v1/recovery/challenge', { method });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    for (let i = 0; i < (o.wrong ?? 0); i++) assert.equal((await web.api(url, 'POST', '/api/v1/recovery/verify', { code: '000000' })).status, 400);
    if (o.finish === false) return;
    const v = await web.api<{ ott: string }>(url, 'POST', '/api/v1/recovery/verify', { code: await code() });
    assert.equal(v.status, 200, JSON.stringify(v.body));
    const p = await web.api(url, 'POST', '/api/v1/recovery/password', { ott: v.body.ott, password: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
    assert.equal(p.status, 200, JSON.stringify(p.body));
  };

  const allEvents = async (): Promise<StoredAuditEvent[]> => {
    let out = '';
    const code = await runAuditCommand(['--since', '1d', '--limit', '10000', '--json'], { STORE: 'sqlite', DATA_DIR: data.dir }, { out: (t) => (out += t), err: () => undefined }, systemClock);
    assert.equal(code, 0);
    return out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as StoredAuditEvent);
  };

  /** The totals row of a chart's table: series label → total. */
  const totals = async (chart: string): Promise<Record<string, number>> => {
    const table = page.locator(`#chart-${chart}-table`);
    const heads = (await table.locator('thead th').allTextContents()).slice(1);
    const cells = await table.locator('tfoot td').allTextContents();
    return Object.fromEntries(heads.map((h, i) => [h, Number(cells[i])]));
  };

  test('each chart shows the audit store’s totals', async () => {
    const emu = stack.emu.url;
    await recover('sam.sms@example.com', 'sms', () => outboxCode(emu, 'sam.sms@example.com'));
    await recover('vic.voice@example.com', 'call', () => outboxCode(emu, 'vic.voice@example.com'));
    await recover('gina.google@example.com', 'google-authenticator', () => totpCode(emu, 'ostDemoGinaGoogle001'), { wrong: 1 });
    await recover('mia.mfa@example.com', 'sms', async () => '', { wrong: 2, finish: false });
    await recover('ghost@example.com', 'sms', async () => '', { wrong: 1, finish: false });
    // A help-desk verification by the admin (also in the help-desk group), through the API.
    const desk = new Web();
    await signIn(desk, stack, 'admin@example.com');
    const found = await desk.api<{ caller: { factors: { id: string; method: string }[] } }>(stack.portal.url, 'POST', '/api/v1/helpdesk/lookup', { login: 'owen.okta@example.com' });
    const totp = found.body.caller.factors.find((f) => f.method === 'okta-verify-code')!;
    await desk.api(stack.portal.url, 'POST', '/api/v1/helpdesk/challenge', { factorId: totp.id });
    const verdict = await desk.api<{ status: string }>(stack.portal.url, 'POST', '/api/v1/helpdesk/verify', { code: await totpCode(emu, totp.id) });
    assert.equal(verdict.body.status, 'verified');

    // What the audit store holds, read event by event (not through the hourly counts).
    const events = await allEvents();
    const n = (f: (e: StoredAuditEvent) => boolean) => events.filter(f).length;
    const verified = (e: StoredAuditEvent) =>
      e.outcome === 'success' && (e.action === 'recovery.verify' || (e.action === 'recovery.status' && (e.detail ?? '').includes('push approved')));
    const expected = {
      started: n((e) => e.action === 'recovery.start' && e.outcome === 'success'),
      verified: n(verified),
      changed: n((e) => e.action === 'recovery.password' && e.outcome === 'success'),
      sms: n((e) => verified(e) && e.method === 'sms'),
      call: n((e) => verified(e) && e.method === 'call'),
      google: n((e) => verified(e) && e.method === 'google-authenticator'),
      wrong: n((e) => /code=(INVALID_CODE|TOO_MANY_ATTEMPTS)/.test(e.detail ?? '')),
      deskVerified: n((e) => e.action === 'helpdesk.result' && e.outcome === 'success'),
    };
    // The script's own facts, as a sanity check of the expectation itself.
    assert.equal(expected.changed, 3);
    assert.equal(expected.verified, 3);
    assert.equal(expected.wrong, 4);
    assert.equal(expected.deskVerified, 1);

    // The page, as the security team opens it.
    await page.goto(`${stack.portal.url}/auth/signin`);
    await page.getByLabel('Username').fill('admin@example.com');
    await page.getByLabel('Password').fill(DEMO_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${stack.portal.url}/account`);
    await page.goto(`${stack.portal.url}/insights?period=24h`);
    await page.getByRole('heading', { level: 1, name: 'Insights' }).waitFor();
    assert.equal(await page.locator('nav .periods [aria-current="page"]').textContent(), 'Last 24 hours');
    for (const id of ['funnel', 'methods', 'refusals', 'okta', 'factors', 'helpdesk']) {
      assert.equal(await page.locator(`svg[data-chart="chart-${id}"]`).count(), 1, `${id} chart`);
    }
    assert.deepEqual(await totals('funnel'), { Started: expected.started, Verified: expected.verified, 'Password changed': expected.changed });
    const methods = await totals('methods');
    assert.equal(methods['Text message (SMS)'], expected.sms);
    assert.equal(methods['Voice call'], expected.call);
    assert.equal(methods['Google Authenticator'], expected.google);
    assert.equal((await totals('refusals'))['Wrong codes'], expected.wrong);
    assert.equal((await totals('helpdesk')).Verified, expected.deskVerified);
    await assertAccessible(page, 'insights');
    await snap(page, 'insights-24h');
    assertClean(page);

    // The CSV export has the same numbers.
    const csv = await page.evaluate(async (u) => (await fetch(u)).text(), `${stack.portal.url}/insights.csv?period=24h`);
    const sum = (chart: string, series: string) =>
      csv.split('\r\n').filter((l) => l.includes(`,${chart},${series},`)).reduce((a, l) => a + Number(l.split(',')[3]), 0);
    assert.equal(sum('funnel', 'changed'), expected.changed);
    assert.equal(sum('refusals', 'wrong-code'), expected.wrong);
    assert.doesNotMatch(csv, /@example\.com/, 'no login in the export');

    // The 7-day view counts the same events in daily buckets.
    await page.getByRole('link', { name: 'Last 7 days' }).click();
    await page.waitForURL(/period=7d/);
    assert.equal((await totals('funnel'))['Password changed'], expected.changed);
  });

  test('a signed-in user outside the group gets 403', async () => {
    const web = new Web();
    await signIn(web, stack, 'nora.none@example.com');
    const res = await web.get(`${stack.portal.url}/insights`);
    assert.equal(res.status, 403);
    const api = await web.api(stack.portal.url, 'GET', '/api/v1/insights?period=24h');
    assert.equal(api.status, 403);
  });
});
