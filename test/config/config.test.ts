import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { ConfigError, loadConfig, toRecoveryPolicy, SETTING_NAMES, CONFIG_FILE_VAR, SECRET_FILE_SETTINGS, type Config } from '../../src/config/index.js';

const TOKEN = '00abcDEF_ghiJKL-mnoPQRstuVWxyz0123456789';
const RSA_KEY = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
const PEM = RSA_KEY.export({ type: 'pkcs8', format: 'pem' }).toString();

/** Runs loadConfig and returns its problems (fails the test if it did not throw a ConfigError). */
function problems(env: Record<string, string>, files: Record<string, string> = {}): readonly string[] {
  try {
    loadConfig(env, { readFile: (p) => readFake(files, p) });
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    for (const p of e.problems) assert.ok(e.message.includes(p), 'message lists every problem');
    return e.problems;
  }
  assert.fail('loadConfig accepted an invalid configuration');
}

function readFake(files: Record<string, string>, path: string): string {
  const body = files[path];
  if (body === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
  return body;
}

function load(env: Record<string, string>, files: Record<string, string> = {}): Config {
  return loadConfig(env, { readFile: (p) => readFake(files, p) });
}

describe('loadConfig defaults', () => {
  test('an empty environment is development mode on loopback with documented defaults', () => {
    const c = load({});
    assert.deepEqual(c.okta, { mode: 'emulator' });
    assert.equal(c.server.host, '127.0.0.1');
    assert.equal(c.server.port, 3000);
    assert.equal(c.server.publicUrl, 'http://127.0.0.1:3000');
    assert.deepEqual(c.server.trustProxy, []);
    assert.equal(c.oktaTimeoutMs, 5000);
    assert.deepEqual(c.recovery.methods, ['sms', 'call', 'push', 'google-authenticator', 'okta-verify-code']);
    assert.equal(c.recovery.showEnrolledMethods, false);
    assert.equal(c.recovery.allowLockedOut, false);
    assert.equal(c.recovery.revokeSessionsDefault, true);
    assert.equal(c.recovery.flowTtlSeconds, 900);
    assert.equal(c.recovery.ottTtlSeconds, 600);
    assert.equal(c.recovery.resendCooldownSeconds, 30);
    assert.equal(c.recovery.pushPollIntervalSeconds, 3);
    assert.equal(c.recovery.maxWrongCodesPerFlow, 5);
    assert.deepEqual(c.recovery.limits, {
      perLogin: { max: 10, windowSeconds: 900 },
      perIp: { max: 600, windowSeconds: 900 },
      perDestination: { max: 5, windowSeconds: 3600 },
      globalSends: { max: 200, windowSeconds: 3600 },
      pushPerUser: { max: 5, windowSeconds: 900 },
    });
    assert.equal(c.logLevel, 'info');
    assert.deepEqual(c.branding, {
      orgName: 'Okta MFA Portal',
      supportUrl: null,
      signInUrl: null,
      logo: null,
      accentColor: null,
      passwordRequirements: null,
      passwordRulesFromOkta: false,
      passwordMinStrength: 2,
      defaultLanguage: 'en',
      phoneDefaultCountry: null,
    });
  });

  test('without COOKIE_SECRET a strong per-process secret is generated, with a warning', () => {
    const a = load({});
    const b = load({});
    assert.equal(a.cookie.generated, true);
    assert.ok(a.cookie.secret.length >= 43);
    assert.notEqual(a.cookie.secret, b.cookie.secret);
    assert.ok(a.warnings.some((w) => w.startsWith('COOKIE_SECRET')));
    const set = load({ COOKIE_SECRET: 'x'.repeat(40) });
    assert.equal(set.cookie.secret, 'x'.repeat(40));
    assert.equal(set.cookie.generated, false);
    assert.ok(!set.warnings.some((w) => w.startsWith('COOKIE_SECRET')));
  });

  test('the result is deeply frozen', () => {
    const c = load({});
    assert.throws(() => {
      (c.server as { port: number }).port = 1;
    }, TypeError);
    assert.throws(() => {
      (c.recovery.methods as string[]).push('sms');
    }, TypeError);
    assert.throws(() => {
      (c.recovery.limits.perIp as { max: number }).max = 1;
    }, TypeError);
  });

  test('blank values count as unset', () => {
    const c = load({ PORT: '', LOG_LEVEL: '   ', OKTA_ORG_URL: '' });
    assert.equal(c.server.port, 3000);
    assert.equal(c.logLevel, 'info');
    assert.equal(c.okta.mode, 'emulator');
  });
});

describe('loadConfig validation messages', () => {
  test('every bad setting is reported at once, each named', () => {
    const p = problems({
      PORT: 'abc',
      OKTA_ORG_URL: 'http://example.okta.com',
      LOG_LEVEL: 'verbose',
      SHOW_ENROLLED_METHODS: 'yes',
      LIMIT_PER_IP: '30 per minute',
      RECOVERY_METHODS: 'sms,fax',
      TRUST_PROXY: '10.0.0.0/33',
    });
    assert.deepEqual(
      [...p].map((x) => x.split(':')[0]).sort(),
      ['LIMIT_PER_IP', 'LOG_LEVEL', 'OKTA_ORG_URL', 'PORT', 'RECOVERY_METHODS', 'SHOW_ENROLLED_METHODS', 'TRUST_PROXY'],
    );
    assert.ok(p.includes('OKTA_ORG_URL: must be an https:// URL (http:// is allowed only for loopback hosts)'));
    assert.ok(p.includes('PORT: must be a whole number from 0 to 65535'));
    assert.ok(p.includes('SHOW_ENROLLED_METHODS: must be true, false, 1 or 0'));
    assert.ok(p.some((x) => x.startsWith('RECOVERY_METHODS: unknown method "fax"')));
    assert.ok(p.some((x) => x.startsWith('LOG_LEVEL: must be one of fatal, error, warn, info')));
  });

  test('booleans accept only true/false/1/0', () => {
    assert.equal(load({ ALLOW_LOCKED_OUT_RECOVERY: '1' }).recovery.allowLockedOut, true);
    assert.equal(load({ REVOKE_SESSIONS_DEFAULT: '0' }).recovery.revokeSessionsDefault, false);
    assert.equal(load({ SHOW_ENROLLED_METHODS: 'true' }).recovery.showEnrolledMethods, true);
    for (const v of ['yes', 'on', '2', 'tru']) {
      assert.deepEqual(problems({ ALLOW_LOCKED_OUT_RECOVERY: v }), ['ALLOW_LOCKED_OUT_RECOVERY: must be true, false, 1 or 0']);
    }
  });

  test('numbers must be whole and within range', () => {
    assert.equal(load({ OKTA_TIMEOUT_MS: '2500' }).oktaTimeoutMs, 2500);
    for (const v of ['3.5', '-1', '1e3', '99', '60001', '0x10']) {
      assert.deepEqual(problems({ OKTA_TIMEOUT_MS: v }), ['OKTA_TIMEOUT_MS: must be a whole number from 100 to 60000']);
    }
    assert.deepEqual(problems({ MAX_WRONG_CODES_PER_FLOW: '0' }), ['MAX_WRONG_CODES_PER_FLOW: must be a whole number from 1 to 20']);
  });

  test('rate limits parse N/<duration> with s, m, h', () => {
    const c = load({ LIMIT_PER_LOGIN: '3/90s', LIMIT_PER_IP: '30/h', LIMIT_GLOBAL_SENDS: '1000/24h' });
    assert.deepEqual(c.recovery.limits.perLogin, { max: 3, windowSeconds: 90 });
    assert.deepEqual(c.recovery.limits.perIp, { max: 30, windowSeconds: 3600 });
    assert.deepEqual(c.recovery.limits.globalSends, { max: 1000, windowSeconds: 86400 });
    for (const v of ['10', '10/15d', '0/1m', 'ten/1m', '10/0m', '10/-5m']) {
      const p = problems({ LIMIT_PUSH_PER_USER: v });
      assert.equal(p.length, 1, v);
      assert.ok(p[0]!.startsWith('LIMIT_PUSH_PER_USER: '), v);
    }
  });

  test('RECOVERY_METHODS keeps the operator order and refuses duplicates or an empty list', () => {
    assert.deepEqual(load({ RECOVERY_METHODS: ' push , SMS ' }).recovery.methods, ['push', 'sms']);
    assert.deepEqual(problems({ RECOVERY_METHODS: 'sms,sms' }), ['RECOVERY_METHODS: lists "sms" twice']);
    assert.equal(problems({ RECOVERY_METHODS: ',' })[0]?.startsWith('RECOVERY_METHODS: must list at least one'), true);
  });

  test('TRUST_PROXY accepts IPs, CIDRs and proxy-addr keywords only', () => {
    assert.deepEqual(load({ TRUST_PROXY: '10.0.0.1, 192.168.0.0/16,::1,fd00::/8,Loopback' }).server.trustProxy, [
      '10.0.0.1',
      '192.168.0.0/16',
      '::1',
      'fd00::/8',
      'loopback',
    ]);
    assert.deepEqual(problems({ TRUST_PROXY: 'proxy.example.com' }), ['TRUST_PROXY: "proxy.example.com" is not an IP address or CIDR']);
    assert.deepEqual(problems({ TRUST_PROXY: '::1/129' }), ['TRUST_PROXY: "::1/129" has an invalid prefix length (0-128)']);
  });

  test('OTT lifetime may not exceed the flow lifetime', () => {
    assert.deepEqual(problems({ FLOW_TTL_SECONDS: '300', OTT_TTL_SECONDS: '600' }), [
      'OTT_TTL_SECONDS: must not exceed FLOW_TTL_SECONDS (the ott lives inside its flow)',
    ]);
  });

  test('ORG_NAME and SUPPORT_URL', () => {
    const c = load({ ORG_NAME: 'Acme Corp', SUPPORT_URL: 'https://help.example.com/it?topic=mfa' });
    assert.equal(c.branding.orgName, 'Acme Corp');
    assert.equal(c.branding.supportUrl, 'https://help.example.com/it?topic=mfa');
    assert.deepEqual(problems({ SUPPORT_URL: 'http://help.example.com' }), ['SUPPORT_URL: must be an absolute https:// URL']);
    assert.deepEqual(problems({ SUPPORT_URL: 'javascript:alert(1)' }), ['SUPPORT_URL: must be an absolute https:// URL']);
    assert.equal(problems({ ORG_NAME: 'a\nb' })[0]?.startsWith('ORG_NAME: '), true);
  });

  test('LOGO_FILE: PNG, JPEG or clean SVG by content, at most 256 KiB', () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);
    const svg = new TextEncoder().encode('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"/>');
    const files: Record<string, Uint8Array> = {
      '/logo.png': png,
      '/logo.svg': svg,
      '/evil.svg': new TextEncoder().encode('<svg onload="alert(1)"></svg>'),
      '/remote.svg': new TextEncoder().encode('<svg><image href="https://evil.example/x.png"/></svg>'),
      '/big.png': new Uint8Array(256 * 1024 + 1).fill(0x89),
      '/text.png': new TextEncoder().encode('hello'),
    };
    const readBinaryFile = (p: string): Uint8Array => {
      const f = files[p];
      if (!f) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return f;
    };
    const withLogo = (path: string) => loadConfig({ LOGO_FILE: path }, { readBinaryFile });
    assert.deepEqual(withLogo('/logo.png').branding.logo, { contentType: 'image/png', base64: Buffer.from(png).toString('base64') });
    assert.equal(withLogo('/logo.svg').branding.logo?.contentType, 'image/svg+xml');
    const bad = (path: string): string => {
      try {
        withLogo(path);
      } catch (e) {
        assert.ok(e instanceof ConfigError);
        return e.problems.join('; ');
      }
      assert.fail(`${path} was accepted`);
    };
    assert.match(bad('/evil.svg'), /^LOGO_FILE: the SVG contains scripts/);
    assert.match(bad('/remote.svg'), /^LOGO_FILE: the SVG contains scripts, event handlers or external references/);
    assert.equal(bad('/big.png'), 'LOGO_FILE: the file is larger than 256 KiB');
    assert.equal(bad('/text.png'), 'LOGO_FILE: must be a PNG, JPEG or SVG image');
    assert.equal(bad('/missing.png'), 'LOGO_FILE: cannot read /missing.png (ENOENT)');
  });

  test('ACCENT_COLOR, PASSWORD_REQUIREMENTS and DEFAULT_LANGUAGE', () => {
    const c = load({
      ACCENT_COLOR: '#6B2FBF',
      PASSWORD_REQUIREMENTS: 'At least 12 characters, please | Not your username |',
      DEFAULT_LANGUAGE: 'fr',
    });
    assert.equal(c.branding.accentColor, '#6b2fbf');
    assert.deepEqual(c.branding.passwordRequirements, ['At least 12 characters, please', 'Not your username']);
    assert.equal(c.branding.defaultLanguage, 'fr');
    assert.deepEqual(problems({ ACCENT_COLOR: 'red' }), ['ACCENT_COLOR: must be a colour written #rrggbb, e.g. #0b57d0']);
    assert.deepEqual(problems({ ACCENT_COLOR: '#fff' }), ['ACCENT_COLOR: must be a colour written #rrggbb, e.g. #0b57d0']);
    assert.deepEqual(problems({ PASSWORD_REQUIREMENTS: ' | ' }), [
      'PASSWORD_REQUIREMENTS: must list at least one requirement (lines separated by |)',
    ]);
    assert.deepEqual(problems({ DEFAULT_LANGUAGE: 'pt' }), ['DEFAULT_LANGUAGE: must be one of en, fr, de, es, ja, ar']);
    assert.equal(load({ PHONE_DEFAULT_COUNTRY: ' fr ' }).branding.phoneDefaultCountry, 'FR');
    assert.equal(load({}).branding.phoneDefaultCountry, null);
    assert.deepEqual(problems({ PHONE_DEFAULT_COUNTRY: 'XX' }), ['PHONE_DEFAULT_COUNTRY: must be a two-letter ISO 3166-1 country code, e.g. US, FR or DE']);
    assert.deepEqual(problems({ PHONE_DEFAULT_COUNTRY: 'France' }), ['PHONE_DEFAULT_COUNTRY: must be a two-letter ISO 3166-1 country code, e.g. US, FR or DE']);
    const fromFile = load(
      { [CONFIG_FILE_VAR]: '/p.yaml' },
      { '/p.yaml': 'PASSWORD_REQUIREMENTS:\n  - At least 10 characters, with a number\n  - No part of your name\n' },
    );
    assert.deepEqual(fromFile.branding.passwordRequirements, ['At least 10 characters, with a number', 'No part of your name']);
  });
});

describe('public URL and listening address', () => {
  test('PUBLIC_URL is normalised and must be https except on loopback', () => {
    const org = { OKTA_ORG_URL: 'https://dev-123456.okta.com', OKTA_API_TOKEN: TOKEN };
    assert.equal(load({ ...org, PUBLIC_URL: 'https://recover.example.com/' }).server.publicUrl, 'https://recover.example.com');
    assert.equal(load({ ...org, PUBLIC_URL: 'https://example.com/recover/' }).server.publicUrl, 'https://example.com/recover');
    assert.equal(load({ PUBLIC_URL: 'http://localhost:8080' }).server.publicUrl, 'http://localhost:8080');
    assert.deepEqual(problems({ PUBLIC_URL: 'http://recover.example.com' }), [
      'PUBLIC_URL: must be an https:// URL (http:// is allowed only for loopback hosts)',
    ]);
    assert.deepEqual(problems({ PUBLIC_URL: 'https://example.com/?next=/evil' }), ['PUBLIC_URL: must not contain a query (?) or fragment (#)']);
    assert.deepEqual(problems({ PUBLIC_URL: 'ftp://example.com' }), [
      'PUBLIC_URL: must be an https:// URL (http:// is allowed only for loopback hosts)',
    ]);
  });

  test('a non-loopback HOST requires an explicit PUBLIC_URL (links never come from Host)', () => {
    assert.deepEqual(problems({ HOST: '0.0.0.0' }), [
      'PUBLIC_URL: required when HOST is not a loopback address (links are built from it, never from the Host header)',
    ]);
    const c = load({ HOST: '0.0.0.0', PUBLIC_URL: 'https://recover.example.com', OKTA_ORG_URL: 'https://dev-123456.okta.com', OKTA_API_TOKEN: TOKEN });
    assert.equal(c.server.host, '0.0.0.0');
    const demo = load({ HOST: '0.0.0.0', PUBLIC_URL: 'http://127.0.0.1:3000' });
    assert.ok(demo.warnings.some((w) => w.startsWith('OKTA_ORG_URL is not set')), 'the emulator demo on a public address is flagged');
    assert.equal(load({ HOST: '::1', PORT: '8443' }).server.publicUrl, 'http://[::1]:8443');
    assert.deepEqual(problems({ HOST: 'bad host!' }), ['HOST: must be an IP address or a host name, e.g. 127.0.0.1 or 0.0.0.0']);
  });
});

describe('Okta connection settings', () => {
  test('SSWS mode: org URL normalised, token kept out of JSON and inspection', () => {
    const c = load({ OKTA_ORG_URL: 'https://dev-123456.okta.com/', OKTA_API_TOKEN: TOKEN });
    assert.equal(c.okta.mode, 'org');
    if (c.okta.mode !== 'org') return;
    assert.equal(c.okta.orgUrl, 'https://dev-123456.okta.com');
    assert.equal(c.okta.auth.kind, 'ssws');
    assert.equal(c.okta.auth.kind === 'ssws' && c.okta.auth.token, TOKEN);
    assert.ok(!JSON.stringify(c).includes(TOKEN), 'JSON.stringify(config) must not contain the token');
    assert.ok(!inspect(c, { depth: 10 }).includes(TOKEN), 'util.inspect(config) must not contain the token');
    assert.ok(!JSON.stringify(c).includes(c.cookie.secret), 'nor the cookie secret');
  });

  test('http org URLs are allowed only on loopback; admin and placeholder URLs are refused', () => {
    const c = load({ OKTA_ORG_URL: 'http://127.0.0.1:7777', OKTA_API_TOKEN: TOKEN });
    assert.equal(c.okta.mode === 'org' && c.okta.orgUrl, 'http://127.0.0.1:7777');
    assert.deepEqual(problems({ OKTA_ORG_URL: 'https://dev-1-admin.okta.com', OKTA_API_TOKEN: TOKEN }), [
      'OKTA_ORG_URL: is the admin console URL; remove "-admin" (e.g. https://dev-123456.okta.com)',
    ]);
    assert.equal(problems({ OKTA_ORG_URL: 'https://{yourOktaDomain}', OKTA_API_TOKEN: TOKEN })[0]?.startsWith('OKTA_ORG_URL: still contains a placeholder'), true);
    assert.deepEqual(problems({ OKTA_ORG_URL: 'https://dev-1.okta.com/api/v1', OKTA_API_TOKEN: TOKEN }), [
      'OKTA_ORG_URL: must be the bare origin, with no path (e.g. https://example.okta.com)',
    ]);
    assert.deepEqual(problems({ OKTA_ORG_URL: 'https://user:pw@dev-1.okta.com', OKTA_API_TOKEN: TOKEN }), [
      'OKTA_ORG_URL: must not contain a user name or password',
    ]);
  });

  test('exactly one auth mode when OKTA_ORG_URL is set', () => {
    assert.deepEqual(problems({ OKTA_ORG_URL: 'https://dev-1.okta.com' }), [
      'OKTA_API_TOKEN: required when OKTA_ORG_URL is set (or use an OAuth service app: OKTA_CLIENT_ID, OKTA_KEY_ID and OKTA_PRIVATE_KEY_FILE)',
    ]);
    const both = problems({ OKTA_ORG_URL: 'https://dev-1.okta.com', OKTA_API_TOKEN: TOKEN, OKTA_CLIENT_ID: '0oa1' });
    assert.equal(both.length, 1);
    assert.ok(both[0]!.startsWith('OKTA_API_TOKEN: set either OKTA_API_TOKEN or OKTA_CLIENT_ID'));
    assert.deepEqual(problems({ OKTA_ORG_URL: 'https://dev-1.okta.com', OKTA_CLIENT_ID: '0oa1' }), [
      'OKTA_KEY_ID: required with OKTA_CLIENT_ID (OAuth service app mode)',
      'OKTA_PRIVATE_KEY_FILE: required with OKTA_CLIENT_ID (OAuth service app mode)',
    ]);
  });

  test('Okta credentials without OKTA_ORG_URL are an error, not a silent fallback to the emulator', () => {
    assert.deepEqual(problems({ OKTA_API_TOKEN: TOKEN }), [
      'OKTA_ORG_URL: required because OKTA_API_TOKEN is set (without OKTA_ORG_URL the portal uses the built-in emulator)',
    ]);
    // The message names the setting that was written, here the file form.
    const fromFile = problems({ OKTA_API_TOKEN_FILE: '/run/secrets/okta-api-token' }, { '/run/secrets/okta-api-token': TOKEN });
    assert.deepEqual(fromFile, [
      'OKTA_ORG_URL: required because OKTA_API_TOKEN_FILE is set (without OKTA_ORG_URL the portal uses the built-in emulator)',
    ]);
  });

  test('private-key mode reads the key file and default scopes', () => {
    const env = { OKTA_ORG_URL: 'https://dev-1.okta.com', OKTA_CLIENT_ID: '0oa1', OKTA_KEY_ID: 'kid-1', OKTA_PRIVATE_KEY_FILE: '/keys/okta.pem' };
    const c = load(env, { '/keys/okta.pem': PEM });
    assert.ok(c.okta.mode === 'org' && c.okta.auth.kind === 'private-key');
    if (c.okta.mode !== 'org' || c.okta.auth.kind !== 'private-key') return;
    assert.equal(c.okta.auth.clientId, '0oa1');
    assert.equal(c.okta.auth.keyId, 'kid-1');
    assert.equal(c.okta.auth.privateKeyPem, PEM.trim());
    assert.deepEqual(c.okta.auth.scopes, ['okta.users.read', 'okta.users.manage']);
    assert.ok(!JSON.stringify(c).includes(PEM.split('\n')[1]!), 'the private key is not serialised');

    const scoped = load({ ...env, OKTA_SCOPES: 'okta.users.manage,okta.users.read okta.users.read' }, { '/keys/okta.pem': PEM });
    assert.ok(scoped.okta.mode === 'org' && scoped.okta.auth.kind === 'private-key');
    if (scoped.okta.mode === 'org' && scoped.okta.auth.kind === 'private-key') {
      assert.deepEqual(scoped.okta.auth.scopes, ['okta.users.manage', 'okta.users.read']);
    }
    assert.equal(load(env, { '/keys/okta.pem': JSON.stringify(RSA_KEY.export({ format: 'jwk' })) }).okta.mode, 'org', 'a private JWK');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    assert.equal(load(env, { '/keys/okta.pem': ec }).okta.mode, 'org', 'an EC key');
  });

  test('unreadable, encrypted or non-key files are refused', () => {
    const env = { OKTA_ORG_URL: 'https://dev-1.okta.com', OKTA_CLIENT_ID: '0oa1', OKTA_KEY_ID: 'kid-1', OKTA_PRIVATE_KEY_FILE: '/keys/okta.pem' };
    assert.deepEqual(problems(env), ['OKTA_PRIVATE_KEY_FILE: cannot read /keys/okta.pem (ENOENT)']);
    assert.deepEqual(problems(env, { '/keys/okta.pem': '-----BEGIN ENCRYPTED PRIVATE KEY-----\nabc\n' }), [
      'OKTA_PRIVATE_KEY_FILE: the key is encrypted; the portal needs an unencrypted PEM private key',
    ]);
    const unusable =
      'OKTA_PRIVATE_KEY_FILE: the file does not contain a usable private key (a PEM or a private JWK; RSA, or EC on P-256, P-384 or P-521)';
    const ed = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const truncated = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n';
    for (const text of ['-----BEGIN PUBLIC KEY-----\nabc\n', truncated, ed, JSON.stringify({ kty: 'RSA', n: 'x', e: 'AQAB', d: 'y' })]) {
      assert.deepEqual(problems(env, { '/keys/okta.pem': text }), [unusable], text.slice(0, 40));
    }
  });

  test('secrets are never echoed in messages', () => {
    const badToken = 'abc def ghi SECRETVALUE';
    const badCookie = 'SHORTSECRET';
    const p = problems({ OKTA_ORG_URL: 'https://dev-1.okta.com', OKTA_API_TOKEN: badToken, COOKIE_SECRET: badCookie });
    assert.equal(p.length, 2);
    for (const line of p) {
      assert.ok(!line.includes('SECRETVALUE') && !line.includes(badCookie), line);
    }
  });

  test('HTTPS_PROXY: a proxy URL whose credentials stay out of messages and serialised config', () => {
    const env = { OKTA_ORG_URL: 'https://dev-1.okta.com', OKTA_API_TOKEN: TOKEN };
    const c = load({ ...env, HTTPS_PROXY: 'http://svc:PROXYSECRET@proxy.example.com:3128' });
    assert.equal(c.oktaProxy?.url, 'http://svc:PROXYSECRET@proxy.example.com:3128/');
    assert.ok(!JSON.stringify(c).includes('PROXYSECRET'));
    assert.equal(load(env).oktaProxy, null);
    for (const bad of ['socks5://u:PROXYSECRET@h:1080', 'http://u:PROXYSECRET@h:3128/path', 'not a url PROXYSECRET']) {
      const p = problems({ ...env, HTTPS_PROXY: bad });
      assert.equal(p.length, 1, bad);
      assert.match(p[0] ?? '', /^HTTPS_PROXY: /);
      assert.ok(!(p[0] ?? '').includes('PROXYSECRET'), p[0]);
    }
  });
});

describe('PORTAL_CONFIG file', () => {
  test('YAML values apply, lists are accepted, and the environment wins', () => {
    const yaml = [
      'OKTA_ORG_URL: https://dev-1.okta.com',
      `OKTA_API_TOKEN: ${TOKEN}`,
      'RECOVERY_METHODS: [push, google-authenticator]',
      'LIMIT_PER_IP: 20/15m',
      'SHOW_ENROLLED_METHODS: true',
      'PORT: 4000',
    ].join('\n');
    const c = load({ [CONFIG_FILE_VAR]: '/etc/portal.yaml', PORT: '5000' }, { '/etc/portal.yaml': yaml });
    assert.equal(c.okta.mode === 'org' && c.okta.orgUrl, 'https://dev-1.okta.com');
    assert.deepEqual(c.recovery.methods, ['push', 'google-authenticator']);
    assert.deepEqual(c.recovery.limits.perIp, { max: 20, windowSeconds: 900 });
    assert.equal(c.recovery.showEnrolledMethods, true);
    assert.equal(c.server.port, 5000);
  });

  test('JSON works too; unknown keys and bad files are named', () => {
    const c = load({ [CONFIG_FILE_VAR]: '/p.json' }, { '/p.json': '{"ORG_NAME": "Acme", "MAX_WRONG_CODES_PER_FLOW": 3}' });
    assert.equal(c.branding.orgName, 'Acme');
    assert.equal(c.recovery.maxWrongCodesPerFlow, 3);
    assert.deepEqual(problems({ [CONFIG_FILE_VAR]: '/p.yaml' }, { '/p.yaml': 'OKTA_ORG: https://x.okta.com\n' }), [
      'PORTAL_CONFIG: unknown setting "OKTA_ORG" in /p.yaml',
    ]);
    assert.deepEqual(problems({ [CONFIG_FILE_VAR]: '/missing.yaml' }), ['PORTAL_CONFIG: cannot read /missing.yaml as JSON or YAML (ENOENT)']);
    assert.deepEqual(problems({ [CONFIG_FILE_VAR]: '/list.yaml' }, { '/list.yaml': '- a\n- b\n' }), [
      'PORTAL_CONFIG: /list.yaml must contain a mapping of setting names to values',
    ]);
    assert.deepEqual(problems({ [CONFIG_FILE_VAR]: '/obj.yaml' }, { '/obj.yaml': 'LIMIT_PER_IP:\n  max: 3\n' }), [
      'LIMIT_PER_IP: must be a string, number, boolean or list of strings in /obj.yaml',
    ]);
  });
});

describe('toRecoveryPolicy', () => {
  test('maps every policy field and returns a mutable copy', () => {
    const c = load({
      RECOVERY_METHODS: 'sms,push',
      ALLOW_LOCKED_OUT_RECOVERY: 'true',
      LIMIT_PER_DESTINATION: '2/30m',
      SELF_SERVICE_UNLOCK: 'true',
      GROUP_RULES: '[{"name":"admins","groups":["Portal Admins"],"methodsRequired":2}]',
    });
    const p = toRecoveryPolicy(c);
    assert.deepEqual(p, {
      methods: ['sms', 'push'],
      showEnrolledMethods: false,
      allowLockedOut: true,
      selfServiceUnlock: true,
      groupRules: [{ name: 'admins', groups: ['Portal Admins'], access: 'allow', methods: ['sms', 'push'], methodsRequired: 2 }],
      flowTtlSeconds: 900,
      ottTtlSeconds: 600,
      resendCooldownSeconds: 30,
      pushPollIntervalSeconds: 3,
      maxWrongCodesPerFlow: 5,
      factorLockout: { threshold: 5, windowSeconds: 86_400 },
      limits: {
        perLogin: { max: 10, windowSeconds: 900 },
        perIp: { max: 600, windowSeconds: 900 },
        perDestination: { max: 2, windowSeconds: 1800 },
        globalSends: { max: 200, windowSeconds: 3600 },
        pushPerUser: { max: 5, windowSeconds: 900 },
      },
    });
    p.methods.push('call');
    assert.deepEqual(c.recovery.methods, ['sms', 'push'], 'the config is untouched');
    (p.groupRules?.[0]?.methods as string[]).push('call');
    assert.deepEqual(c.recovery.groupRules[0]?.methods, ['sms', 'push'], 'the rules are copied too');
  });
});

describe('docs/configuration.md stays in sync with the schema', () => {
  const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');

  test('every setting (and PORTAL_CONFIG) has a row', () => {
    const rows = new Set([...doc.matchAll(/^\| `([A-Z0-9_]+)` \|/gm)].map((m) => m[1]));
    const missing = [...SETTING_NAMES, CONFIG_FILE_VAR].filter((n) => !rows.has(n));
    assert.deepEqual(missing, [], 'settings missing from docs/configuration.md');
    const fileVariants = SECRET_FILE_SETTINGS.map((n) => `${n}_FILE`);
    const missingFiles = SECRET_FILE_SETTINGS.filter((n) => (SETTING_NAMES as string[]).includes(n) && !rows.has(`${n}_FILE`));
    assert.deepEqual(missingFiles, [], 'NAME_FILE variants missing from docs/configuration.md');
    const stale = [...rows].filter((n) => n !== CONFIG_FILE_VAR && !fileVariants.includes(n!) && !(SETTING_NAMES as string[]).includes(n!));
    assert.deepEqual(stale, [], 'documented settings the schema does not define');
  });

  test('documents the Okta scopes and an admin role', () => {
    assert.match(doc, /okta\.users\.read/);
    assert.match(doc, /okta\.users\.manage/);
    assert.match(doc, /Help Desk Administrator/);
  });
});
