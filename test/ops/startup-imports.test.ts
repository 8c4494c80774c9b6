/**
 * Start-up cost (issue 7: process start → ready ≤ 1.5 s, idle RSS ≤ 120 MB): optional dependencies are loaded only
 * when the configuration needs them. Each case
 * starts a separate process (test/ops/fixtures/startup-imports.ts), since this one has loaded everything already.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Seen {
  atReady: string[];
}

const BASE_ENV = {
  HOST: '127.0.0.1',
  PORT: '8080', // not listened on: the fixture listens on an ephemeral port
  PUBLIC_URL: 'http://127.0.0.1:8080',
  COOKIE_SECRET: 'test-cookie-secret-that-is-long-enough-0123456789',
  OKTA_ORG_URL: 'http://127.0.0.1:9',
  OKTA_API_TOKEN: 'unused-token-0123',
  LOG_LEVEL: 'error',
};

function run(env: Record<string, string>): Promise<Seen> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', join('test', 'ops', 'fixtures', 'startup-imports.ts')],
      { env: { PATH: process.env.PATH ?? '', ...BASE_ENV, ...env }, timeout: 60_000 },
      (err, stdout, stderr) => {
        if (err) return reject(new Error(`${err.message}\n${stderr}`));
        const line = stdout.trim().split('\n').pop() ?? '';
        resolve(JSON.parse(line) as Seen);
      },
    );
  });
}

describe('start-up loads only what the configuration needs', () => {
  test('STORE=memory without sign-in: no store driver, YAML parser, QR encoder or OIDC client', async () => {
    const seen = await run({ STORE: 'memory' });
    assert.deepEqual(seen.atReady, []);
  });

  test('STORE=sqlite loads better-sqlite3 (not ioredis); a PORTAL_CONFIG file loads the YAML parser', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portal-startup-'));
    try {
      const file = join(dir, 'portal.yaml');
      writeFileSync(file, 'LOG_LEVEL: error\n');
      const seen = await run({ STORE: 'sqlite', DATA_DIR: join(dir, 'data'), PORTAL_CONFIG: file });
      assert.deepEqual(seen.atReady, ['better-sqlite3', 'yaml']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('with sign-in configured, openid-client is still loaded only at the first sign-in (discovery is lazy)', async () => {
    const seen = await run({
      STORE: 'memory',
      OIDC_ISSUER: 'http://127.0.0.1:9/oauth2/default',
      OIDC_CLIENT_ID: 'portal-client',
      OIDC_CLIENT_SECRET: 'portal-client-secret',
    });
    assert.deepEqual(seen.atReady, []);
  });
});
