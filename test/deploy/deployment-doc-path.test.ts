// Issue 12: the production path of docs/deployment.md, followed word for word. The ```sh blocks of sections
// "1. Build once..." and "2. Configure and check" are read from the doc at run time and run with bash as written, so
// an edit to the doc's commands changes what this test runs. Against the emulator started on its own (standing in for
// an Okta org): the fresh clone builds, loses its development dependencies, passes check-config, starts, reports
// ready, completes a recovery and exits 0 on SIGTERM; without OKTA_ORG_URL it refuses to start, naming it.
//
// Substituted, and nothing else (each substitution must match exactly once, or the test fails and names it):
// - `<this repository>`: this repository's root. `git clone` of a local path works offline; it clones the committed
//   HEAD, so uncommitted changes are not in the tree under test.
// - OKTA_ORG_URL's example value: the emulator's URL; OKTA_API_TOKEN_FILE's value: a temp file with its API token.
// - HOST=0.0.0.0 → HOST=127.0.0.1. The tests here listen on loopback only (test/resilience/support.ts); 0.0.0.0
//   would offer this throwaway portal, on an org whose users' passwords are in this repository, to every network the
//   machine is on for the length of the test. HOST=0.0.0.0 itself is covered by the config tests and the Dockerfile.
// - PORT (the doc leaves the default, 3000) comes from the environment: a free port.
// PUBLIC_URL and TRUST_PROXY stay as written; the test speaks to 127.0.0.1 with the public URL's Origin, as the
// reverse proxy in front of the portal would.
//
// The environment, not the command text, keeps `npm ci` offline: npm_config_offline=true uses the npm cache (filled
// by the `npm ci` of this tree). If a package is missing from the cache (ENOTCACHED), the clone is redone with
// npm_config_prefer_offline=true, as production-tree.test.ts does. One more deviation, as in production-tree.test.ts:
// better-sqlite3's install script (`prebuild-install || node-gyp rebuild --release`) downloads its prebuilt binary
// from GitHub, or else compiles it with headers node-gyp also downloads; neither works offline. The environment points
// prebuild-install at a local prebuild (npm_config_better_sqlite3_local_prebuilds): a tarball of this tree's own
// binary for the same Node, which the install script then unpacks and loads as it would the downloaded one.
//
// Skipped, with the reason, only when git or npm is missing; with CI=true that is a failure instead.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONFIG_FILE_VAR, SETTING_NAMES } from '../../src/config/schema.js';
import { ApiClient, NEW_PASSWORD, TOTP_USER, freePort, startOrg, type Org } from '../resilience/support.js';

const repo = fileURLToPath(new URL('../../', import.meta.url)).replace(/\/$/, '');
const DOC = 'docs/deployment.md';

/** The ```sh blocks of the `## ` section whose title starts with `title`, joined. */
function shellBlocks(markdown: string, title: string): string {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => l.startsWith(`## ${title}`));
  assert.ok(start >= 0, `${DOC}: no section "## ${title}..."`);
  const end = lines.findIndex((l, i) => i > start && /^#{1,2} /.test(l));
  const section = lines.slice(start + 1, end < 0 ? undefined : end).join('\n');
  const blocks = [...section.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  assert.ok(blocks.length > 0, `${DOC}: section "${title}" has no \`\`\`sh block`);
  return blocks.join('\n');
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Replaces the one match of `pattern` (a doc command's value) and fails, naming `what`, unless there is exactly one. */
function substitute(script: string, pattern: RegExp, replacement: (m: string, ...groups: string[]) => string, what: string): string {
  const all = script.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`)) ?? [];
  assert.equal(all.length, 1, `${DOC}: expected exactly one ${what} in:\n${script}`);
  return script.replace(pattern, replacement);
}

/** Sets the value of `NAME=` on the one `export` line that assigns it. */
const setExport = (script: string, name: string, value: string): string =>
  substitute(script, new RegExp(`^(export\\b.*?\\b${name}=)\\S+`, 'm'), (_m, head) => `${head}${quote(value)}`, `export of ${name}`);

/**
 * The environment of a fresh shell: this process's, minus every portal setting (and its *_FILE form), NODE_ENV
 * (production would make `npm ci` skip the development dependencies), NODE_OPTIONS, the test runner's variables and
 * the npm_* variables `npm test` sets for its own run (apart from where the npm cache and configuration are).
 */
function freshShellEnv(extra: Record<string, string>): Record<string, string> {
  const settings = new Set<string>([...SETTING_NAMES, CONFIG_FILE_VAR, 'NODE_ENV', 'NODE_OPTIONS', 'INIT_CWD']);
  const keepNpm = new Set(['npm_config_cache', 'npm_config_userconfig', 'npm_config_globalconfig', 'npm_config_registry']);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined || settings.has(k) || settings.has(k.replace(/_FILE$/, '')) || k.startsWith('NODE_TEST')) continue;
    if (/^npm_/i.test(k) && !keepNpm.has(k.toLowerCase())) continue;
    env[k] = v;
  }
  return { ...env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', ...extra };
}

interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  out: string;
}

/** bash -c `script` in its own process group (so that after() can end whatever it left running). */
function bash(script: string, opts: { cwd: string; env: Record<string, string>; errexit: boolean }): { child: ChildProcess; done: Promise<Ran>; out: () => string } {
  const child = spawn('bash', [...(opts.errexit ? ['-e'] : []), '-c', script], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  groups.push(child);
  let out = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (out += b.toString()));
  const done = new Promise<Ran>((resolve) => child.once('close', (status, signal) => resolve({ status, signal, out })));
  return { child, done, out: () => out };
}

/** Runs `script` to its end (async: the emulator answers from this process), killing it after `ms`. */
async function runToEnd(script: string, opts: { cwd: string; env: Record<string, string>; errexit: boolean }, ms: number): Promise<Ran> {
  const b = bash(script, opts);
  const timer = setTimeout(() => process.kill(-b.child.pid!, 'SIGKILL'), ms);
  const r = await b.done;
  clearTimeout(timer);
  return r;
}

/** The process group of `pid` (Linux /proc). */
/** The fields of /proc/<pid>/stat after the command name: state, ppid, pgrp, ... */
function statFields(pid: number): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so split after the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}
const processGroup = (pid: number): number => Number(statFields(pid)[2]);
const parentOf = (pid: number): number => Number(statFields(pid)[1]);
const commandOf = (pid: number): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');

const groups: ChildProcess[] = [];
const missing = ['git', 'npm'].filter((cmd) => spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error !== undefined);
// The doc's first step clones the repository: the tree under test must be a git checkout (.ci/run copies .git along).
const notARepo = missing.length === 0 && spawnSync('git', ['rev-parse', '--verify', 'HEAD'], { cwd: repo, stdio: 'ignore' }).status !== 0;
const skip =
  process.env.CI === 'true'
    ? false
    : missing.length > 0
      ? `needs ${missing.join(' and ')} on PATH (not skipped with CI=true)`
      : notARepo
        ? 'the tree is not a git checkout with a commit (the doc clones it; not skipped with CI=true)'
        : false;

describe('docs/deployment.md sections 1 and 2, word for word, against an Okta org (the emulator on its own)', { skip }, () => {
  const doc = readFileSync(join(repo, DOC), 'utf8');
  const build = shellBlocks(doc, '1. Build once');
  const configure = shellBlocks(doc, '2. Configure and check');
  let org: Org;
  let tmp: string;
  let tree: string;
  let tokenFile: string;
  let configureScript: string;
  let buildSeconds = 0;

  before(async () => {
    assert.deepEqual(missing, [], 'CI=true: git and npm must be installed');
    assert.ok(!notARepo, `${repo} is not a git checkout with a commit: the doc's first step clones it`);
    org = await startOrg();
    tmp = mkdtempSync(join(tmpdir(), 'portal-docpath-'));
    tokenFile = join(tmp, 'okta-api-token');
    writeFileSync(tokenFile, `${org.apiToken}\n`, { mode: 0o600 });

    // better-sqlite3's prebuilt binary, as prebuild-install names it, from this tree's build for the same Node.
    const sqlite = join(repo, 'node_modules/better-sqlite3');
    const { version } = JSON.parse(readFileSync(join(sqlite, 'package.json'), 'utf8')) as { version: string };
    const prebuilds = join(tmp, 'prebuilds');
    mkdirSync(join(prebuilds, 'build/Release'), { recursive: true });
    cpSync(join(sqlite, 'build/Release/better_sqlite3.node'), join(prebuilds, 'build/Release/better_sqlite3.node'));
    const tarball = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
    const tar = spawnSync('tar', ['-czf', tarball, 'build'], { cwd: prebuilds, encoding: 'utf8' });
    assert.equal(tar.status, 0, tar.stderr);
    rmSync(join(prebuilds, 'build'), { recursive: true });

    const script = substitute(build, /<this repository>/, () => quote(repo), '`<this repository>`');
    // Where the block leaves the shell (its `cd`) is the tree the next block runs in.
    const whereFile = join(tmp, 'tree-path');
    const withWhere = `${script}\nprintf '%s' "$PWD" > ${quote(whereFile)}\n`;
    const started = Date.now();
    const npmEnv = { npm_config_better_sqlite3_local_prebuilds: prebuilds };
    let r = await runToEnd(withWhere, { cwd: mkdtempSync(join(tmp, 'offline-')), env: freshShellEnv({ ...npmEnv, npm_config_offline: 'true' }), errexit: true }, 900_000);
    if (r.status !== 0 && /ENOTCACHED/.test(r.out)) {
      r = await runToEnd(withWhere, { cwd: mkdtempSync(join(tmp, 'online-')), env: freshShellEnv({ ...npmEnv, npm_config_prefer_offline: 'true' }), errexit: true }, 900_000);
    }
    buildSeconds = (Date.now() - started) / 1000;
    assert.equal(r.status, 0, `section 1 failed:\n${r.out}`);
    tree = readFileSync(whereFile, 'utf8');

    configureScript = setExport(setExport(configure, 'OKTA_ORG_URL', org.url), 'OKTA_API_TOKEN_FILE', tokenFile);
    configureScript = substitute(configureScript, /^(export\b.*?\bHOST=)0\.0\.0\.0\b/m, (_m, head) => `${head}127.0.0.1`, 'export of HOST=0.0.0.0');
  });

  after(async () => {
    // The whole group, even when the shell has ended: a portal it started may still hold the port.
    for (const c of groups) {
      try {
        process.kill(-c.pid!, 'SIGKILL');
      } catch {
        // the group is gone already
      }
    }
    await org?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  test('section 1 leaves a clone of this repository with dist/ built and no development dependency', () => {
    console.log(`# section 1 (git clone, npm ci with the build, npm prune --omit=dev): ${buildSeconds.toFixed(1)} s`);
    const head = (cwd: string) => spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).stdout.trim();
    assert.equal(head(tree), head(repo), 'the tree is a clone of this repository at its HEAD');
    assert.ok(existsSync(join(tree, 'dist/src/main.js')), 'npm ci built dist/ (the prepare script)');
    assert.ok(existsSync(join(tree, 'dist/.build-stamp')));
    assert.ok(existsSync(join(tree, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')), 'better-sqlite3 installed its binary');
    assert.ok(existsSync(join(tree, 'node_modules/fastify')), 'the runtime dependencies stay');
    for (const dev of ['typescript', 'tsx', 'oidc-provider', 'eslint', '@okta/okta-sdk-nodejs']) {
      assert.ok(!existsSync(join(tree, 'node_modules', dev)), `${dev} is pruned`);
    }
  });

  test('section 2 as written: check-config passes, npm start serves a recovery, and SIGTERM to npm stops it with exit 0', async () => {
    const port = await freePort();
    const run = bash(configureScript, { cwd: tree, env: freshShellEnv({ PORT: String(port) }), errexit: true });
    const url = `http://127.0.0.1:${port}`;
    for (let i = 0; ; i++) {
      assert.ok(i < 900 && run.child.exitCode === null, `not ready:\n${run.out()}`);
      const ready = await fetch(`${url}/readyz`).then((r) => r.json() as Promise<{ status: string; checks: Record<string, string> }>, () => null);
      if (ready?.status === 'ready' && ready.checks.oktaCredential === 'accepted') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    // `bash -e`: npm start runs only once check-config has exited 0; its report is in the output.
    assert.match(run.out(), /^ok {4}configuration /m);
    assert.ok(run.out().includes(`ok    Okta accepted the credential (${org.url})`), run.out());

    // One recovery through the JSON API, reaching the portal as its reverse proxy would (the public URL's Origin).
    const c = new ApiClient(url, 'https://recover.example.com');
    assert.equal((await c.start(TOTP_USER)).status, 200);
    assert.equal((await c.challenge('google-authenticator')).status, 200);
    const v = await c.verify(await org.totpCode(TOTP_USER));
    assert.equal(v.status, 200, v.text);
    const done = await c.password(v.body.ott!, NEW_PASSWORD);
    assert.equal(done.status, 200, done.text);
    assert.equal(await org.authn(TOTP_USER, NEW_PASSWORD), 200, 'Okta has the new password');
    assert.ok(existsSync(join(tree, 'data/portal.sqlite')), 'the default store, DATA_DIR=./data in the tree');

    // SIGTERM to `npm start` itself, as a supervisor or a terminal would send it: npm passes it to its script, which
    // `exec`s node (package.json), so the portal gets it, shuts down and exits 0, and so do npm and the block. (With a
    // plain `node …` script, `sh -c` stayed between them, died of the signal without passing it on, and the portal
    // was orphaned: issue 12.)
    const pid = Number(/"pid":(\d+),[^\n]*"msg":"okta-mfa-portal \S+ starting"/.exec(run.out())?.[1]);
    assert.ok(pid > 0, run.out());
    assert.equal(processGroup(pid), run.child.pid, 'the portal is the one the block started');
    const npm = parentOf(pid);
    assert.match(commandOf(npm), /\bnpm\b/, 'the portal runs directly under npm: no shell between them');
    process.kill(npm, 'SIGTERM');
    const end = await run.done;
    assert.equal(end.status, 0, end.out);
    assert.match(end.out, /"exitCode":0,"msg":"shut down"/);
    assert.throws(() => process.kill(pid, 0), 'the portal is gone');
  });

  test('section 2 without OKTA_ORG_URL: check-config and npm start both refuse, naming it', async () => {
    const withoutOrg = substitute(configureScript, /^export OKTA_ORG_URL=\S+\n/m, () => '', 'export OKTA_ORG_URL line');
    // Without -e, as typed line by line: check-config fails, then npm start runs and fails; the status is npm start's.
    const r = await runToEnd(withoutOrg, { cwd: tree, env: freshShellEnv({ PORT: String(await freePort()) }), errexit: false }, 120_000);
    assert.ok(r.status !== 0 && r.status !== null, r.out);
    assert.equal(r.out.match(/^ {2}- OKTA_ORG_URL: required /gm)?.length, 2, `check-config and npm start each name OKTA_ORG_URL:\n${r.out}`);
    assert.doesNotMatch(r.out, /okta-mfa-portal \S+ starting/);
  });

  test('no setting at all: no demo without the development dependencies, and the message names OKTA_ORG_URL', async () => {
    const r = await runToEnd('npm start', { cwd: tree, env: freshShellEnv({ PORT: String(await freePort()) }), errexit: true }, 120_000);
    assert.ok(r.status !== 0 && r.status !== null, r.out);
    assert.match(r.out, /cannot start the demo org .*development dependencies.*OKTA_ORG_URL/);
  });
});
