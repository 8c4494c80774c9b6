/**
 * Property: a password known from breaches is never written to Okta (NIST SP 800-63B §5.1.1.2), in the JSON API and
 * the pages, with the range API (k-anonymity: only the SHA-1 prefix leaves the portal) or the offline file; the
 * refusal says why in the user's language and leaves the ott usable; a corpus that cannot answer fails open or closed
 * as configured, never losing the flow. Before the check existed, the breached password below was written (200).
 */
import { after, before, beforeEach, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config/index.js';
import { CATALOGUES } from '../../src/views/i18n/index.js';
import { ROOMY_LIMITS, Stack, assertError, hiddenField, setPasswordBody, verifiedOtt } from '../e2e/support.js';
import { sha1, startRangeServer, type RangeServer } from '../breach/range-server.js';

const LOGIN = 'google.user@example.com';
/** Meets the emulator's policy (10+ chars, upper, lower, digit): only the breach check can refuse it. */
const BREACHED = 'Summer2024-Password';
const CLEAN = 'Brand-New-Passw0rd!';

let range: RangeServer;
let stack: Stack;
const dir = mkdtempSync(join(tmpdir(), 'breach-e2e-'));

before(async () => {
  range = await startRangeServer({ [BREACHED]: 120 });
  stack = await Stack.start({ ...ROOMY_LIMITS, BREACHED_PASSWORD_CHECK: 'hibp', BREACHED_PASSWORD_API_URL: range.url });
});
after(async () => {
  await stack?.close();
  await range?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  range.mode = 'ok';
  range.requests.length = 0;
  await stack.reset();
});

async function passwordWrites(): Promise<number> {
  const id = (await stack.user(LOGIN)).id;
  return (await stack.oktaCalls()).filter((c) => c.method === 'POST' && c.path === `/api/v1/users/${id}`).length;
}

describe('breached passwords are refused (range API)', () => {
  test('API: PASSWORD_BREACHED, nothing written, only the prefix sent; the same ott then sets a clean password in 4 Okta calls', async () => {
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, LOGIN);
    const refused = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott, BREACHED));
    assertError(refused, 400, 'PASSWORD_BREACHED');
    assert.equal(await passwordWrites(), 0, 'nothing reached Okta');
    assert.deepEqual(range.requests.map((r) => r.path), [`/range/${sha1(BREACHED).slice(0, 5)}`]);
    assert.equal(range.requests[0]!.headers['add-padding'], 'true');
    assert.doesNotMatch(refused.text, new RegExp(BREACHED));

    const ok = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott, CLEAN));
    assert.equal(ok.status, 200, ok.text);
    assert.equal(await stack.authn(LOGIN, CLEAN), 200);
    const okta = await stack.oktaCalls();
    assert.equal(okta.length, 4, okta.map((c) => `${c.method} ${c.path}`).join('\n'));
    assert.ok(!stack.portal.logText().includes(BREACHED), 'the password never reaches the log');
  });

  test('pages: the refusal is shown on the password field in the page language (fr), and the form still works', async () => {
    const b = stack.browser();
    b.cookies.set('lang', 'fr');
    await b.submit('/recover', { username: LOGIN });
    await b.submit('/recover/method', { method: 'google-authenticator' });
    await b.submit('/recover/code', { code: await stack.totpCode(LOGIN) });
    const page = await b.page('/recover/password');
    const fields = { _csrf: hiddenField(page.text, '_csrf'), ott: hiddenField(page.text, 'ott') };
    const post = await b.submit('/recover/password', { ...fields, password: BREACHED, confirmPassword: BREACHED });
    assert.equal(post.status, 303, 'Post/Redirect/Get');
    const refused = await b.page(post.headers.get('location') ?? '');
    assert.equal(refused.status, 400);
    assert.ok(refused.text.includes(CATALOGUES.fr.errors.PASSWORD_BREACHED), refused.text.slice(0, 2000));
    assert.equal(await passwordWrites(), 0);
    const again = await b.submit('/recover/password', {
      _csrf: hiddenField(refused.text, '_csrf'),
      ott: hiddenField(refused.text, 'ott'),
      password: CLEAN,
      confirmPassword: CLEAN,
    });
    assert.equal(again.status, 303, again.text.slice(0, 300));
    assert.match(again.headers.get('location') ?? '', /^\/recover\/done(\?|$)/);
  });

  test('every language has its own refusal text', () => {
    const texts = Object.values(CATALOGUES).map((c) => c.errors.PASSWORD_BREACHED);
    assert.equal(new Set(texts).size, texts.length);
  });

  test('range API down: fail-open (default) writes the password; fail-closed answers 503 and keeps the ott', async () => {
    range.mode = 'hang';
    const b = stack.browser();
    const ott = await verifiedOtt(stack, b, LOGIN);
    // the default portal fails open (timeout 2 s)
    const open = await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott, CLEAN));
    assert.equal(open.status, 200, open.text);

    await stack.reset();
    const closedPortal = await stack.portalWith({
      ...ROOMY_LIMITS,
      BREACHED_PASSWORD_CHECK: 'hibp',
      BREACHED_PASSWORD_API_URL: range.url,
      BREACHED_PASSWORD_FAIL_OPEN: 'false',
      BREACHED_PASSWORD_TIMEOUT_MS: '200',
    });
    const c = stack.browser(closedPortal);
    const ott2 = await verifiedOtt(stack, c, LOGIN);
    assertError(await c.api('POST', '/api/v1/recovery/password', setPasswordBody(ott2, CLEAN)), 503, 'SERVICE_UNAVAILABLE');
    assert.equal(await passwordWrites(), 0);
    range.mode = 'ok';
    const later = await c.api('POST', '/api/v1/recovery/password', setPasswordBody(ott2, CLEAN));
    assert.equal(later.status, 200, later.text);
  });
});

describe('breached passwords are refused (offline file)', () => {
  test('a portal reading a generated sorted file refuses a listed password and accepts the next one', async () => {
    const file = join(dir, 'pwned.txt');
    const hashes = [BREACHED, ...Array.from({ length: 5000 }, (_, i) => `filler-${i}`)].map((p) => `${sha1(p)}:${p === BREACHED ? 9 : 1}`).sort();
    writeFileSync(file, `${hashes.join('\r\n')}\r\n`);
    const portal = await stack.portalWith({ ...ROOMY_LIMITS, BREACHED_PASSWORD_CHECK: 'file', BREACHED_PASSWORD_FILE: file });
    const b = stack.browser(portal);
    const ott = await verifiedOtt(stack, b, LOGIN);
    assertError(await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott, BREACHED)), 400, 'PASSWORD_BREACHED');
    assert.equal((await b.api('POST', '/api/v1/recovery/password', setPasswordBody(ott, CLEAN))).status, 200);
    assert.equal(range.requests.length, 0, 'offline: no range request');
  });

  test('a missing file, a file in another format, or file mode without a file stop the start naming the setting', () => {
    const bad = join(dir, 'bad.txt');
    writeFileSync(bad, 'password,count\nhunter2,1\n');
    const base = { COOKIE_SECRET: 'test-cookie-secret-that-is-long-enough-0123456789', STORE: 'memory', BREACHED_PASSWORD_CHECK: 'file' };
    for (const [file, why] of [
      [join(dir, 'missing.txt'), /BREACHED_PASSWORD_FILE: cannot be read \(ENOENT\)/],
      [bad, /BREACHED_PASSWORD_FILE: must be the Pwned Passwords download/],
      [undefined, /BREACHED_PASSWORD_FILE: must be set/],
    ] as const) {
      assert.throws(
        () => loadConfig({ ...base, ...(file ? { BREACHED_PASSWORD_FILE: file } : {}) }),
        (e: unknown) => e instanceof ConfigError && why.test(e.message),
      );
    }
    assert.throws(() => loadConfig({ ...base, BREACHED_PASSWORD_CHECK: 'maybe' }), /BREACHED_PASSWORD_CHECK: must be one of off, hibp, file/);
    assert.throws(() => loadConfig({ ...base, BREACHED_PASSWORD_CHECK: 'hibp', BREACHED_PASSWORD_API_URL: 'http://mirror.example.com' }), /BREACHED_PASSWORD_API_URL/);
  });
});
