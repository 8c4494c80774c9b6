// Security property (issue 12, item 1): a deployment whose Okta settings are missing or misspelt never falls back
// to the built-in demo org (its well-known demo users and password, a fresh random API token) and never reports
// ready. Before this property, `PUBLIC_URL=https://...` with OKTA_ORG_URL unset (or OKTA_API_TOKEN misspelt without
// OKTA_ORG_URL) started the emulator and /readyz said ready. The real entry point is run as a child process.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { SETTING_NAMES } from '../../src/config/schema.js';

function run(env: Record<string, string>): Promise<{ code: number | null; out: string; err: string }> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !(SETTING_NAMES as string[]).includes(k) && !/^(OKTA|OIDC|SMTP)_/.test(k)) base[k] = v;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...base, STORE: 'memory', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out, err });
    });
  });
}

test('an https PUBLIC_URL without OKTA_ORG_URL stops the start with a message naming OKTA_ORG_URL', async () => {
  const r = await run({ HOST: '127.0.0.1', PUBLIC_URL: 'https://recover.example.com', COOKIE_SECRET: 'x'.repeat(40) });
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.err, /OKTA_ORG_URL: required because PUBLIC_URL is not http:\/\/ on a loopback address/);
  assert.doesNotMatch(r.out, /listening|demo org/i, 'nothing was started');
});

test('a misspelt OKTA_API_TOKEN without OKTA_ORG_URL stops the start and names the closest setting', async () => {
  const r = await run({ OKTA_API_TOKN: '00secret-token-value-0123456789' });
  assert.equal(r.code, 1, r.out + r.err);
  assert.match(r.err, /OKTA_ORG_URL: required because OKTA_API_TOKN is set/);
  assert.match(r.err, /OKTA_API_TOKN: not a setting of the portal, ignored; did you mean OKTA_API_TOKEN\?/);
  assert.ok(!(r.out + r.err).includes('00secret-token-value'), 'the value is never printed');
  assert.doesNotMatch(r.out, /listening/i);
});
