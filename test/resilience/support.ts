/**
 * Helpers for the resilience and operations tests (test/resilience, test/ops). Test-only; 127.0.0.1 only.
 * - startOrg(): an emulator with RES_SEED and its control API (faults, request log, outbox, TOTP codes, authn).
 * - ApiClient: a cookie jar speaking the portal's JSON API, able to send each request to a different instance.
 * - spawnPortal(): the real portal as a child process (`node --import tsx src/main.ts`), waiting for /readyz.
 * - startRedisServer(): a throwaway redis-server on a free port (append-only file in a temp dir, so a restart
 *   after SIGKILL keeps the data), or null when the binary is missing.
 * - redisUrlOrSkip(): TEST_REDIS_URL / REDIS_URL; loud skip outside CI, an error in CI.
 * - startInProcess(): createPortal in this process with the real config loading and the production logger
 *   (redaction included) writing into a buffer; the Portal object is exposed (metrics, resilience, store).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator, type SeedOrg } from '../../emulator/src/server.js';
import { Writable } from 'node:stream';
import { SETTING_NAMES } from '../../src/config/schema.js';
import { loadConfig, type Config } from '../../src/config/index.js';
import { createLogger, createPortal, type Portal } from '../../src/portal.js';

export const PASSWORD = 'Old-Passw0rd!';
export const NEW_PASSWORD = 'Fresh-Passw0rd-42';
export const COOKIE_SECRET = 'resilience-test-cookie-secret-0123456789abcdef';
export const SMS_USER = 'sms.user@example.com';
export const TOTP_USER = 'totp.user@example.com';
export const TOTP_SECRET = 'JBSWY3DPEHPK3PXP';

type SeedUser = NonNullable<SeedOrg['users']>[number];
const user = (login: string, factors: SeedUser['factors']): SeedUser => ({
  login,
  email: login,
  firstName: login.split('.')[0] ?? login,
  lastName: 'Tester',
  password: PASSWORD,
  factors,
});

export const RES_SEED: SeedOrg = {
  org: { name: 'Resilience Org' },
  apiTokenOwner: 'admin@example.com',
  passwordPolicy: { minLength: 10, historyCount: 3 },
  users: [
    user('admin@example.com', []),
    user(SMS_USER, [{ type: 'sms', phoneNumber: '+15550100201' }]),
    user(TOTP_USER, [{ type: 'google-totp', secret: TOTP_SECRET }]),
    user('second.user@example.com', [{ type: 'google-totp', secret: 'KRSXG5CTMVRXEZLU' }]),
    user('third.user@example.com', [{ type: 'google-totp', secret: 'MFRGGZDFMZTWQ2LK' }]),
    user('limit.user@example.com', []),
  ],
};

/** Limits loose enough that a test's own traffic from 127.0.0.1 never trips them by accident. */
export const ROOMY_LIMITS: Record<string, string> = {
  LIMIT_PER_IP: '1000/15m',
  LIMIT_PER_LOGIN: '1000/15m',
  LIMIT_PER_DESTINATION: '1000/1h',
  LIMIT_GLOBAL_SENDS: '1000/1h',
  LIMIT_PUSH_PER_USER: '1000/15m',
};

export interface LoggedCall {
  method: string;
  path: string;
  status: number;
}

export interface Org {
  emu: RunningEmulator;
  url: string;
  apiToken: string;
  control<T = Record<string, unknown>>(path: string, init?: { method?: string; body?: unknown }): Promise<T>;
  fault(spec: Record<string, unknown>): Promise<void>;
  clearFaults(): Promise<void>;
  reset(): Promise<void>;
  /** Okta API calls the emulator received (authn excluded), oldest first. */
  calls(): Promise<LoggedCall[]>;
  lastCode(login: string): Promise<string>;
  totpCode(login: string): Promise<string>;
  authn(login: string, password: string): Promise<number>;
  close(): Promise<void>;
}

export async function startOrg(): Promise<Org> {
  const emu = await startEmulator({ port: 0, seed: RES_SEED });
  async function control<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
    const res = await fetch(`${emu.url}/_emulator/${path}`, {
      method: init.method ?? 'GET',
      headers: init.body === undefined ? {} : { 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    const json = (await res.json()) as T;
    assert.ok(res.ok, `control ${init.method ?? 'GET'} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  }
  const users = async () =>
    (await control<{ users: { login: string; factors: { id: string; factorType: string }[] }[] }>('users')).users;
  return {
    emu,
    url: emu.url,
    apiToken: emu.apiToken,
    control,
    fault: async (spec) => void (await control('faults', { method: 'POST', body: spec })),
    clearFaults: async () => void (await control('faults', { method: 'DELETE' })),
    reset: async () => void (await control('reset', { method: 'POST' })),
    async calls() {
      const { requests } = await control<{ requests: LoggedCall[] }>('requests');
      return requests.filter((r) => r.path.startsWith('/api/v1/') && !r.path.startsWith('/api/v1/authn'));
    },
    async lastCode(login) {
      const { messages } = await control<{ messages: { login: string; code: string }[] }>('outbox');
      const mine = messages.filter((m) => m.login === login);
      assert.ok(mine.length > 0, `no message to ${login}`);
      return mine[mine.length - 1]!.code;
    },
    async totpCode(login) {
      const u = (await users()).find((x) => x.login === login);
      const f = u?.factors.find((x) => x.factorType === 'token:software:totp');
      assert.ok(f, `no authenticator for ${login}`);
      return (await control<{ code: string }>(`factors/${f.id}/code`)).code;
    },
    async authn(login, password) {
      const res = await fetch(`${emu.url}/api/v1/authn`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ username: login, password }),
      });
      await res.arrayBuffer();
      return res.status;
    },
    close: () => emu.close(),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface Answer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/** A browser-like JSON API client: one cookie jar, any instance (`base`) per request. */
export class ApiClient {
  readonly cookies = new Map<string, string>();
  private csrfToken: string | null = null;

  /** `origin`: the Origin to send (the public URL's, when the portal is reached at another address, as behind a proxy). */
  constructor(
    public base: string,
    private readonly origin?: string,
  ) {}

  private remember(res: Response): void {
    for (const line of res.headers.getSetCookie()) {
      const pair = line.split(';', 1)[0]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /max-age=0\b/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async send<T = Record<string, unknown>>(method: string, path: string, json?: unknown, base = this.base): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (method !== 'GET') {
      headers.origin = this.origin ?? new URL(base).origin;
      if (path !== '/api/v1/csrf') headers['x-csrf-token'] = await this.csrf(base);
    }
    if (json !== undefined) headers['content-type'] = 'application/json';
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const res = await fetch(base + path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json), redirect: 'manual' });
    const text = await res.text();
    this.remember(res);
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, body: body as T, text };
  }

  async csrf(base = this.base): Promise<string> {
    if (this.csrfToken === null) {
      const res = await this.send<{ csrfToken: string }>('GET', '/api/v1/csrf', undefined, base);
      assert.equal(res.status, 200, res.text);
      this.csrfToken = res.body.csrfToken;
    }
    return this.csrfToken;
  }

  start(login: string, base?: string) {
    return this.send('POST', '/api/v1/recovery', { username: login }, base);
  }
  challenge(method: string, base?: string) {
    return this.send('POST', '/api/v1/recovery/challenge', { method }, base);
  }
  verify(code: string, base?: string) {
    return this.send<{ ott?: string; status?: string; error?: { code: string } }>('POST', '/api/v1/recovery/verify', { code }, base);
  }
  status(base?: string) {
    return this.send<{ status?: string; ott?: string }>('GET', '/api/v1/recovery/status', undefined, base);
  }
  password(ott: string, password = NEW_PASSWORD, base?: string) {
    return this.send('POST', '/api/v1/recovery/password', { ott, password, confirmPassword: password, revokeSessions: false }, base);
  }
}

export function errorCode(a: Answer<unknown>): string | undefined {
  return (a.body as { error?: { code?: string } } | null)?.error?.code;
}

/** A 6-digit code that is not `code`. */
export function wrongCode(code: string): string {
  return code === '000000' ? '111111' : '000000';
}

// --- the portal in this process -------------------------------------------------------------------------------

export interface InProcessPortal {
  portal: Portal;
  config: Config;
  url: string;
  /** The /metrics listener's base URL when METRICS_PORT is set. */
  metricsUrl: string | null;
  logText(): string;
  close(): Promise<void>;
}

export async function startInProcess(org: { url: string; apiToken: string }, env: Record<string, string> = {}): Promise<InProcessPortal> {
  const port = await freePort();
  const config = loadConfig({
    PORT: String(port),
    HOST: '127.0.0.1',
    COOKIE_SECRET,
    OKTA_ORG_URL: org.url,
    OKTA_API_TOKEN: org.apiToken,
    STORE: 'memory',
    LOG_LEVEL: 'debug',
    ...env,
  });
  if (config.okta.mode !== 'org') throw new Error('unreachable: OKTA_ORG_URL is set');
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  const portal = await createPortal(config, { okta: { orgUrl: config.okta.orgUrl, auth: config.okta.auth }, logger: createLogger(config, sink) });
  await portal.app.listen({ host: '127.0.0.1', port });
  let metricsUrl: string | null = null;
  if (portal.metricsApp && config.ops.metrics) {
    metricsUrl = await portal.metricsApp.listen({ host: config.ops.metrics.host, port: config.ops.metrics.port });
  }
  return { portal, config, url: `http://127.0.0.1:${port}`, metricsUrl, logText: () => chunks.join(''), close: () => portal.close() };
}

// --- the portal as a child process ------------------------------------------------------------------------------

export interface PortalProcess {
  url: string;
  port: number;
  child: ChildProcess;
  /** Every stdout line so far (the JSON log and the banner). */
  stdout(): string;
  stderr(): string;
  /** Resolves when the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const children = new Set<ChildProcess>();

/** Spawns `node --import tsx src/main.ts` with the org and `env`; resolves once /readyz answers 200. */
export async function spawnPortal(org: { url: string; apiToken: string }, env: Record<string, string>): Promise<PortalProcess> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    // The test decides every portal setting; nothing leaks in from the developer's shell.
    if (v !== undefined && !(SETTING_NAMES as string[]).includes(k) && k !== 'PORTAL_CONFIG') base[k] = v;
  }
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: process.cwd(),
    env: {
      ...base,
      NODE_ENV: 'test',
      OKTA_ORG_URL: org.url,
      OKTA_API_TOKEN: org.apiToken,
      HOST: '127.0.0.1',
      PORT: String(port),
      COOKIE_SECRET,
      LOG_LEVEL: 'info',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString('utf8')));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString('utf8')));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal });
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  let gone = false;
  void exited.then(() => (gone = true));
  for (;;) {
    if (gone) throw new Error(`portal exited during start-up:\n${err}\n${out.slice(-2000)}`);
    try {
      const res = await fetch(`${url}/readyz`);
      await res.arrayBuffer();
      if (res.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`portal not ready within 30 s:\n${err}\n${out.slice(-2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async kill(signal = 'SIGKILL') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** SIGKILLs every portal child still running (call in after()). */
export async function killAllPortals(): Promise<void> {
  await Promise.all(
    [...children].map(
      (c) =>
        new Promise<void>((resolve) => {
          if (c.exitCode !== null || c.signalCode !== null) return resolve();
          c.once('exit', () => resolve());
          c.kill('SIGKILL');
        }),
    ),
  );
}

/** The JSON log lines of a portal's stdout. */
export function logLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

// --- Redis ----------------------------------------------------------------------------------------------------

export function redisUrlOrSkip(): { url: string; skip: false } | { url: null; skip: string } {
  const url = process.env.TEST_REDIS_URL || process.env.REDIS_URL;
  if (url) return { url, skip: false };
  if (process.env.CI) throw new Error('TEST_REDIS_URL is not set, and CI must run the Redis tests (.ci/run sets it).');
  const reason = 'no TEST_REDIS_URL / REDIS_URL: two-instance Redis tests SKIPPED (set TEST_REDIS_URL=redis://127.0.0.1:6379/15)';
  console.warn(`\n*** WARNING: ${reason} ***\n`);
  return { url: null, skip: reason };
}

export interface RedisServer {
  url: string;
  port: number;
  stop(signal?: NodeJS.Signals): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

/** A private redis-server on a free port; data in an append-only file that survives SIGKILL. null if no binary. */
export async function startRedisServer(): Promise<RedisServer | null> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'portal-redis-'));
  let proc: ChildProcess | null = null;
  const launch = async (): Promise<boolean> => {
    const p = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--appendfsync', 'always', '--dir', dir],
      { stdio: 'ignore' },
    );
    const failed = await new Promise<boolean>((resolve) => {
      p.once('error', () => resolve(true));
      p.once('spawn', () => resolve(false));
    });
    if (failed) return false;
    proc = p;
    const until = Date.now() + 5000;
    for (;;) {
      const ok = await new Promise<boolean>((resolve) => {
        const c = connect(port, '127.0.0.1');
        c.once('connect', () => {
          c.end('PING\r\n');
          resolve(true);
        });
        c.once('error', () => resolve(false));
      });
      if (ok) return true;
      if (Date.now() > until) throw new Error('redis-server did not start');
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  if (!(await launch())) {
    rmSync(dir, { recursive: true, force: true });
    return null;
  }
  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const p = proc as ChildProcess | null;
    if (!p || p.exitCode !== null || p.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      p.once('exit', () => resolve());
      p.kill(signal);
    });
  };
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    stop,
    start: async () => {
      await launch();
    },
    cleanup: async () => {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
