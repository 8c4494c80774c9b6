/**
 * The "Demo org" banner (issue 12, item 1): every page of a portal running against the built-in emulator's demo org
 * says so, in the page's language; a portal configured for a real org never shows it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startEmulator, type RunningEmulator } from '../../emulator/src/server.js';
import { loadConfig } from '../../src/config/index.js';
import { createPortal, type Portal } from '../../src/portal.js';

let emu: RunningEmulator;
const portals: Portal[] = [];

before(async () => {
  emu = await startEmulator({ smtpPort: false });
});
after(async () => {
  for (const p of portals) await p.close();
  await emu?.close();
});

async function portalFor(env: Record<string, string>): Promise<{ portal: Portal; mode: string }> {
  const config = loadConfig({ COOKIE_SECRET: 'demo-banner-cookie-secret-0123456789abcdef', STORE: 'memory', LOG_LEVEL: 'silent', ...env });
  const portal = await createPortal(config, { okta: { orgUrl: emu.url, auth: { kind: 'ssws', token: emu.apiToken } } });
  portals.push(portal);
  await portal.app.ready();
  return { portal, mode: config.okta.mode };
}

async function page(portal: Portal, url: string, lang?: string): Promise<string> {
  const res = await portal.app.inject({ method: 'GET', url, headers: { accept: 'text/html', ...(lang ? { 'accept-language': lang } : {}) } });
  assert.equal(res.statusCode, 200, `GET ${url}`);
  return res.body;
}

const BANNER = /<p class="demo-banner" role="note"><strong>([^<]+)<\/strong>/;

describe('the demo org banner', () => {
  test('a portal on the demo org shows it on every page, in the page language', async () => {
    const { portal, mode } = await portalFor({});
    assert.equal(mode, 'emulator', 'no Okta setting: the demo org');
    for (const url of ['/', '/recover']) {
      assert.equal(BANNER.exec(await page(portal, url))?.[1], 'Demo org.', `${url} in English`);
      const fr = BANNER.exec(await page(portal, url, 'fr'))?.[1];
      assert.ok(fr !== undefined && fr !== 'Demo org.', `${url} in French: ${fr}`);
    }
  });

  test('a portal configured for a real org never shows it', async () => {
    const { portal, mode } = await portalFor({ OKTA_ORG_URL: emu.url.replace('127.0.0.1', 'localhost'), OKTA_API_TOKEN: emu.apiToken });
    assert.equal(mode, 'org');
    for (const url of ['/', '/recover']) assert.doesNotMatch(await page(portal, url), /demo-banner/, url);
  });
});
