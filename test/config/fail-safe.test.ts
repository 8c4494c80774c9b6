// Fail-safe configuration (issue 12, item 1 and 2): the demo org only for a plain local start, secrets from
// NAME_FILE, hints for misspelt settings, the cookie secret kept in DATA_DIR with SQLite and required with Redis.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, type Config } from '../../src/config/index.js';

const TOKEN = '00abcDEF_ghiJKL-mnoPQRstuVWxyz0123456789';
const ORG = { OKTA_ORG_URL: 'https://dev-123456.okta.com', OKTA_API_TOKEN: TOKEN };
const CS = 'a-cookie-secret-that-is-long-enough-0123456789';

function problems(env: Record<string, string>, files: Record<string, string> = {}): readonly string[] {
  try {
    loadConfig(env, { readFile: (p) => read(files, p) });
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  assert.fail('accepted');
}
function read(files: Record<string, string>, p: string): string {
  const body = files[p];
  if (body === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${p}'`), { code: 'ENOENT' });
  return body;
}
function load(env: Record<string, string>, files: Record<string, string> = {}): Config {
  return loadConfig(env, { readFile: (p) => read(files, p) });
}

describe('the demo org starts only for a plain local start', () => {
  test('nothing set, or an http loopback PUBLIC_URL, or tuning only: demo', () => {
    assert.equal(load({}).okta.mode, 'emulator');
    assert.equal(load({ PUBLIC_URL: 'http://localhost:8080' }).okta.mode, 'emulator');
    assert.equal(load({ PUBLIC_URL: 'http://127.0.0.1:3000', OKTA_TIMEOUT_MS: '3000', OIDC_SCOPES: 'openid' }).okta.mode, 'emulator');
  });

  test('an https PUBLIC_URL without OKTA_ORG_URL stops the start, naming OKTA_ORG_URL', () => {
    const p = problems({ PUBLIC_URL: 'https://recover.example.com', HOST: '0.0.0.0' });
    assert.equal(p.length, 1);
    assert.match(p[0]!, /^OKTA_ORG_URL: required because PUBLIC_URL is not http:\/\/ on a loopback address/);
  });

  test('any Okta credential, OIDC or SMTP setting without OKTA_ORG_URL stops the start', () => {
    for (const env of <Record<string, string>[]>[
      { OIDC_ISSUER: 'https://dev-123456.okta.com/oauth2/default', OIDC_CLIENT_ID: '0oa1' },
      { OKTA_CLIENT_TOKEN: TOKEN }, // the Okta SDK's name for the token
      { SMTP_URL: 'smtps://mail.example.com' },
    ]) {
      const p = problems(env);
      const okta = p.find((x) => x.startsWith('OKTA_ORG_URL: required because'));
      assert.ok(okta, `${Object.keys(env).join()}: ${p.join(' | ')}`);
      assert.ok(okta.includes(Object.keys(env)[0]!), okta);
      assert.ok(!p.join('\n').includes(TOKEN), 'values are never echoed');
    }
  });
});

describe('secrets from files (NAME_FILE)', () => {
  test('OKTA_API_TOKEN_FILE, COOKIE_SECRET_FILE, OIDC_CLIENT_SECRET_FILE and REDIS_URL_FILE are read, without the trailing line break', () => {
    const c = load(
      {
        OKTA_ORG_URL: ORG.OKTA_ORG_URL,
        OKTA_API_TOKEN_FILE: '/run/secrets/token',
        COOKIE_SECRET_FILE: '/run/secrets/cookie',
        OIDC_ISSUER: 'https://dev-123456.okta.com/oauth2/default',
        OIDC_CLIENT_ID: '0oa1client',
        OIDC_CLIENT_SECRET_FILE: '/run/secrets/oidc',
        REDIS_URL_FILE: '/run/secrets/redis',
      },
      {
        '/run/secrets/token': `${TOKEN}\n`,
        '/run/secrets/cookie': `${CS}\r\n`,
        '/run/secrets/oidc': 'oidc-client-secret-value',
        '/run/secrets/redis': 'redis://:pw-secret@127.0.0.1:6379/3\n',
      },
    );
    assert.equal(c.okta.mode === 'org' && c.okta.auth.kind === 'ssws' ? c.okta.auth.token : '', TOKEN);
    assert.equal(c.cookie.secret, CS);
    assert.equal(c.cookie.source, 'setting');
    assert.equal(c.oidc?.clientSecret, 'oidc-client-secret-value');
    assert.equal(c.store.kind, 'redis');
    assert.equal(c.store.redis?.url, 'redis://:pw-secret@127.0.0.1:6379/3');
  });

  test('both forms, an unreadable file or an empty one are refused by name, never echoing the file', () => {
    assert.deepEqual(problems({ ...ORG, OKTA_API_TOKEN_FILE: '/s/t' }, { '/s/t': TOKEN }), ['OKTA_API_TOKEN_FILE: set either OKTA_API_TOKEN or OKTA_API_TOKEN_FILE, not both']);
    assert.deepEqual(problems({ OKTA_ORG_URL: ORG.OKTA_ORG_URL, OKTA_API_TOKEN_FILE: '/s/missing' }), [
      'OKTA_API_TOKEN_FILE: cannot read /s/missing (ENOENT)',
      'OKTA_API_TOKEN: required when OKTA_ORG_URL is set (or use an OAuth service app: OKTA_CLIENT_ID, OKTA_KEY_ID and OKTA_PRIVATE_KEY_FILE)',
    ]);
    assert.ok(problems({ ...ORG, COOKIE_SECRET_FILE: '/s/c' }, { '/s/c': '\n' }).includes('COOKIE_SECRET_FILE: /s/c is empty'));
    const bad = problems({ ...ORG, COOKIE_SECRET_FILE: '/s/c' }, { '/s/c': 'short-secret-value' });
    assert.ok(bad.some((p) => p.startsWith('COOKIE_SECRET: ')) && !bad.join().includes('short-secret-value'));
  });
});

describe('hints for variables that look like settings', () => {
  test('a misspelt or foreign name is named with the closest setting; ordinary variables are not', () => {
    const c = load({ ...ORG, OKTA_API_TOKN: 'x', LIMIT_PER_IPS: '5/1m', PATH: '/usr/bin', HOME: '/root', HOSTNAME: 'pod-1', NODE_ENV: 'production' });
    assert.ok(c.warnings.includes('OKTA_API_TOKN: not a setting of the portal, ignored; did you mean OKTA_API_TOKEN?'), c.warnings.join('\n'));
    assert.ok(c.warnings.includes('LIMIT_PER_IPS: not a setting of the portal, ignored; did you mean LIMIT_PER_IP?'));
    assert.ok(!c.warnings.some((w) => /^(PATH|HOME|HOSTNAME|NODE_ENV):/.test(w)));
    // Kubernetes service links are not settings and not mistakes.
    const k8s = load({ ...ORG, OKTA_MFA_PORTAL_PORT: 'tcp://10.0.0.1:80', OKTA_MFA_PORTAL_SERVICE_HOST: '10.0.0.1' });
    assert.ok(!k8s.warnings.some((w) => w.startsWith('OKTA_MFA_PORTAL')), k8s.warnings.join('\n'));
  });

  test('when the configuration fails, the hint is part of the error (the likeliest cause of a missing setting)', () => {
    const p = problems({ OKTA_ORG_URL: ORG.OKTA_ORG_URL, OKTA_APITOKEN: TOKEN });
    assert.ok(p.some((x) => x.startsWith('OKTA_API_TOKEN: required')));
    assert.ok(p.includes('OKTA_APITOKEN: not a setting of the portal, ignored; did you mean OKTA_API_TOKEN?'));
    assert.ok(!p.join('\n').includes(TOKEN));
  });
});

describe('the cookie secret (item 2)', () => {
  test('SQLite without COOKIE_SECRET: generated once into DATA_DIR/cookie-secret (0600) and kept across starts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-cs-'));
    try {
      const dataDir = join(dir, 'data');
      const a = loadConfig({ DATA_DIR: dataDir }, { keepCookieSecret: true });
      const b = loadConfig({ DATA_DIR: dataDir }, { keepCookieSecret: true });
      assert.equal(a.cookie.source, 'data-dir');
      assert.equal(a.cookie.secret, b.cookie.secret, 'a restart keeps the secret');
      assert.ok(a.cookie.secret.length >= 43);
      assert.ok(!a.warnings.some((w) => w.startsWith('COOKIE_SECRET')));
      const file = join(dataDir, 'cookie-secret');
      assert.equal(statSync(file).mode & 0o777, 0o600);
      assert.equal(statSync(dataDir).mode & 0o777, 0o700);
      assert.equal(readFileSync(file, 'utf8').trim(), a.cookie.secret);
      assert.ok(!JSON.stringify(a).includes(a.cookie.secret), 'still hidden from JSON');
      // COOKIE_SECRET wins; without the option (tests, tools) nothing is written.
      assert.equal(loadConfig({ DATA_DIR: dataDir, COOKIE_SECRET: CS }, { keepCookieSecret: true }).cookie.secret, CS);
      const other = join(dir, 'other');
      assert.equal(loadConfig({ DATA_DIR: other }).cookie.source, 'process');
      assert.throws(() => statSync(other));
      // A damaged file is named, not silently replaced.
      writeFileSync(file, 'short\n');
      assert.throws(() => loadConfig({ DATA_DIR: dataDir }, { keepCookieSecret: true }), (e: Error) => e.message.includes('DATA_DIR:') && e.message.includes('cookie-secret'));
      if (process.getuid?.() !== 0) {
        const locked = join(dir, 'locked');
        writeFileSync(locked, '');
        chmodSync(dir, 0o500);
        try {
          assert.throws(() => loadConfig({ DATA_DIR: join(dir, 'new') }, { keepCookieSecret: true }), /DATA_DIR: cannot keep the cookie secret/);
        } finally {
          chmodSync(dir, 0o700);
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('Redis (several instances) requires COOKIE_SECRET', () => {
    assert.deepEqual(problems({ ...ORG, REDIS_URL: 'redis://127.0.0.1:6379/0' }), [
      'COOKIE_SECRET: required with STORE=redis (every instance must sign cookies with the same secret; e.g. openssl rand -base64 32)',
    ]);
    assert.equal(load({ ...ORG, REDIS_URL: 'redis://127.0.0.1:6379/0', COOKIE_SECRET: CS }).store.kind, 'redis');
  });
});
