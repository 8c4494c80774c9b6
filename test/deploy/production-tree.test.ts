// The production tree as the Dockerfile builds it, without a container engine: `npm ci --omit=dev` (no compiler, no
// emulator, no oidc-provider), then dist/ from the build, with the code directory read-only and the process running
// as an unprivileged user (nobody, when the tests run as root). Against the emulator started separately (as a real
// org would be), it starts, reports ready, passes --check-config and the image's health check, completes a recovery,
// keeps its cookie secret in DATA_DIR, refuses the demo mode, and exits 0 on SIGTERM.
// One deviation from the image: the native module (better-sqlite3) is copied from this tree's build for the same
// Node (its install script would download or compile it; this machine has no network for that).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient, NEW_PASSWORD, TOTP_USER, freePort, startOrg, type Org } from '../resilience/support.js';

const repo = new URL('../../', import.meta.url).pathname;
const asRoot = process.getuid?.() === 0;
const NOBODY = 65534;
let org: Org;
let tmp: string;
let app: string;
let dataDir: string;
const children: ChildProcess[] = [];

function sh(cmd: string, args: string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 600_000 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Read-only for everyone (directories traversable), like a root-owned image layer. */
function freeze(path: string): void {
  const st = statSync(path);
  if (st.isDirectory()) {
    for (const name of spawnSync('ls', ['-A', path], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean)) freeze(join(path, name));
    chmodSync(path, 0o555);
  } else if (!st.isSymbolicLink()) {
    chmodSync(path, st.mode & 0o111 ? 0o555 : 0o444);
  }
}

before(async () => {
  org = await startOrg();
  // dist/ as the image's build stage makes it (a no-op when it is fresh).
  sh(process.execPath, ['scripts/build.mjs', '--if-stale'], repo);
  tmp = mkdtempSync(join(tmpdir(), 'portal-prod-'));
  chmodSync(tmp, 0o755);
  app = join(tmp, 'app');
  mkdirSync(join(app, 'scripts'), { recursive: true });
  for (const f of ['package.json', 'package-lock.json', 'scripts/build.mjs']) copyFileSync(join(repo, f), join(app, f));
  const ci = ['ci', '--omit=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'];
  const offline = spawnSync('npm', [...ci, '--offline'], { cwd: app, encoding: 'utf8', timeout: 600_000 });
  if (offline.status !== 0) sh('npm', [...ci, '--prefer-offline'], app);
  // `prepare` in the image: no TypeScript, so it does nothing and succeeds.
  sh(process.execPath, ['scripts/build.mjs', '--if-possible'], app);
  assert.ok(!existsSync(join(app, 'dist')), 'prepare built nothing without TypeScript');
  const native = 'node_modules/better-sqlite3/build/Release/better_sqlite3.node';
  mkdirSync(join(app, 'node_modules/better-sqlite3/build/Release'), { recursive: true });
  copyFileSync(join(repo, native), join(app, native));
  cpSync(join(repo, 'dist/src'), join(app, 'dist/src'), { recursive: true }); // the image drops dist/emulator
  freeze(app);
  dataDir = join(tmp, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  writeFileSync(join(tmp, 'okta-api-token'), `${org.apiToken}\n`, { mode: 0o400 });
  if (asRoot) {
    chownSync(dataDir, NOBODY, NOBODY);
    chownSync(join(tmp, 'okta-api-token'), NOBODY, NOBODY);
  }
});

after(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await org?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

function portalEnv(port: number, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: `http://127.0.0.1:${port}`,
    DATA_DIR: dataDir,
    OKTA_ORG_URL: org.url,
    OKTA_API_TOKEN_FILE: join(tmp, 'okta-api-token'),
    ...extra,
  };
}

/** Runs node in the production tree as the portal user (asynchronously: the emulator answers from this process). */
function run(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, args, { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}) });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    }),
  );
}

test('the production tree has no development dependency and cannot write its own code', async () => {
  for (const dev of ['typescript', 'tsx', 'oidc-provider', 'eslint', '@okta/okta-sdk-nodejs']) {
    assert.ok(!existsSync(join(app, 'node_modules', dev)), `${dev} is not installed`);
  }
  assert.ok(!existsSync(join(app, 'dist/emulator')));
  const w = await run(['-e', `require('fs').writeFileSync(${JSON.stringify(join(app, 'dist/x'))}, '')`], portalEnv(1));
  assert.notEqual(w.status, 0, 'the code directory is read-only for the portal user');
});

test('--version and --check-config run from the production tree', async () => {
  const v = await run(['dist/src/main.js', '--version'], portalEnv(1));
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout.trim(), (JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string }).version);
  const c = await run(['dist/src/main.js', '--check-config'], portalEnv(3000));
  assert.equal(c.status, 0, c.stdout + c.stderr);
  assert.match(c.stdout, /ok {4}Okta accepted the credential/);
});

test('the demo mode is refused with a clear message (no development dependencies)', async () => {
  const port = await freePort();
  const env = portalEnv(port);
  delete env.OKTA_ORG_URL;
  delete env.OKTA_API_TOKEN_FILE;
  const r = await run(['dist/src/main.js'], env);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, /cannot start the demo org .*development dependencies/);
});

test('started as the image starts it: ready, health check, a recovery, the cookie secret kept, exit 0 on SIGTERM', async () => {
  const port = await freePort();
  const env = portalEnv(port);
  const child = spawn(process.execPath, ['dist/src/main.js'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'], ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}) });
  children.push(child);
  let out = '';
  child.stdout.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr.on('data', (b: Buffer) => (out += b.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    assert.ok(i < 300 && child.exitCode === null, `not ready:\n${out}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.json() as Promise<{ status: string; checks: Record<string, string> }>, () => null);
    if (ready?.status === 'ready' && ready.checks.oktaCredential === 'accepted') break;
    await new Promise((r) => setTimeout(r, 100));
  }
  // The image's HEALTHCHECK command, as written in the Dockerfile.
  const hc = JSON.parse(/^\s+CMD (\[.*\])$/m.exec(readFileSync(join(repo, 'Dockerfile'), 'utf8'))![1]!) as string[];
  assert.equal((await run(hc.slice(1), env)).status, 0, 'health check passes');

  const c = new ApiClient(url);
  assert.equal((await c.start(TOTP_USER)).status, 200);
  assert.equal((await c.challenge('google-authenticator')).status, 200);
  const v = await c.verify(await org.totpCode(TOTP_USER));
  assert.equal(v.status, 200, v.text);
  const done = await c.password(v.body.ott!, NEW_PASSWORD);
  assert.equal(done.status, 200, done.text);

  const secret = statSync(join(dataDir, 'cookie-secret'));
  assert.equal(secret.mode & 0o777, 0o600);
  if (asRoot) assert.equal(secret.uid, NOBODY);
  assert.ok(existsSync(join(dataDir, 'portal.sqlite')));

  child.kill('SIGTERM');
  assert.equal(await exited, 0, out);
});
