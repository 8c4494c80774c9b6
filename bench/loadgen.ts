/**
 * Load generator for complete recoveries, run by bench/run.ts as its own process (fork, IPC).
 *
 * Why not autocannon: a recovery is a stateful 5-request conversation (CSRF token + cookie, flow cookie, a TOTP
 * code computed for this user, the ott from the verify answer), which autocannon cannot chain per connection.
 *
 * Modes:
 * - `portal`: the portal's JSON API, exactly as a browser script would drive it (Origin + X-CSRF-Token headers).
 *   Steps: csrf, start, challenge, verify, password (and `recovery` = the whole conversation).
 * - `direct`: the same Okta calls the portal makes for an authenticator-app recovery, sent straight to the emulator
 *   (start = get user + list factors, verify = verify factor, password = strict password update). Run at the same load
 *   and injected latency, it gives Okta's own time per step, so "portal-added" = portal step − direct step.
 *
 * Load shapes: closed loop (`concurrency` users, each starts a new recovery when the last one ends) or open loop
 * (`rate` recoveries per second, at most `concurrency` in flight; starts that would exceed it are counted as skipped).
 * Each recovery takes the next unused user; when the list runs out the measurement window ends there (exhausted).
 * Samples count only if they completed inside the window [warm-up end, window end]. Input: env BENCH_LOADGEN (JSON)
 * and BENCH_OKTA_TOKEN (direct mode). Output: one IPC message {type:'result'}. Nothing secret is reported: failures
 * carry the step, the HTTP status and the error code only.
 */
import { readFileSync } from 'node:fs';
import { Secret, TOTP } from 'otpauth';
import { Jar, JsonClient, type JsonAnswer } from './lib/http.js';
import { summarize, type Summary } from './lib/stats.js';
import type { LoadUser } from './lib/seed.js';

export interface LoadgenConfig {
  mode: 'portal' | 'direct';
  target: string;
  /** The portal's public origin (portal mode). */
  origin: string;
  usersFile: string;
  concurrency: number;
  /** Recoveries per second (open loop), or null for a closed loop. */
  rate: number | null;
  warmupMs: number;
  durationMs: number;
  /** Makes this round's passwords differ from every earlier one (the org keeps a password history). */
  passwordTag: string;
  revokeSessions: boolean;
  /** Also return every latency sample (the harness merges interleaved slices). */
  raw?: boolean;
}

export interface LoadgenResult {
  mode: 'portal' | 'direct';
  concurrency: number;
  rate: number | null;
  windowMs: number;
  completed: number;
  recoveriesPerSec: number;
  /** Requests per second to the target inside the window (all steps). */
  requestsPerSec: number;
  failed: number;
  failures: Record<string, number>;
  skipped: number;
  exhausted: boolean;
  usersUsed: number;
  steps: Record<string, Summary>;
  /** Every sample per step, ms (only with cfg.raw). */
  raw?: Record<string, number[]>;
}

interface Failure {
  step: string;
  status: number;
  code: string;
}

class StepFailed extends Error {
  constructor(readonly failure: Failure) {
    super(`${failure.step} ${failure.status} ${failure.code}`);
  }
}

function check(step: string, r: JsonAnswer): Record<string, unknown> {
  if (r.status === 200 && r.body) return r.body;
  const err = (r.body?.error ?? r.body) as { code?: unknown; errorCode?: unknown } | null;
  const code = typeof err?.code === 'string' ? err.code : typeof err?.errorCode === 'string' ? err.errorCode : '-';
  throw new StepFailed({ step, status: r.status, code });
}

const cfg = JSON.parse(process.env.BENCH_LOADGEN ?? '{}') as LoadgenConfig;
const users = JSON.parse(readFileSync(cfg.usersFile, 'utf8')) as LoadUser[];
const client = new JsonClient(cfg.target, Math.max(cfg.concurrency, 1));
const token = process.env.BENCH_OKTA_TOKEN ?? '';

const t0 = performance.now();
const windowStart = t0 + cfg.warmupMs;
let windowEnd = windowStart + cfg.durationMs;
let exhausted = false;
let nextUser = 0;
let seq = 0;
let requestsInWindow = 0;
let completed = 0;
let failed = 0;
let skipped = 0;
const failures: Record<string, number> = {};
const samples: Record<string, number[]> = {};

const inWindow = (at: number): boolean => at >= windowStart && at <= windowEnd;

/** Tells the harness the window closed (it reads the servers' CPU counters at both edges). */
let ended = false;
function markEnd(): void {
  if (ended) return;
  ended = true;
  process.send?.({ type: 'window', edge: 'end' });
}

/** Sends one request and records its latency under `step` if it ended inside the window. */
async function timed(step: string, send: () => Promise<JsonAnswer>): Promise<JsonAnswer> {
  const r = await send();
  const end = performance.now();
  if (inWindow(end)) {
    requestsInWindow++;
    (samples[step] ??= []).push(r.ms);
  }
  return r;
}

function passwordFor(n: number): string {
  // Upper, lower, digits, >= 10 chars, never containing the login's local part ("rcv…"), unique per recovery.
  return `Np-${cfg.passwordTag}-${n}-Qz7x`;
}

function takeUser(): LoadUser | null {
  const u = users[nextUser];
  if (u === undefined) {
    if (!exhausted) {
      exhausted = true;
      windowEnd = Math.min(windowEnd, performance.now());
      markEnd();
    }
    return null;
  }
  nextUser++;
  return u;
}

const totpCode = (secret: string): string => new TOTP({ secret: Secret.fromBase32(secret) }).generate();

async function viaPortal(user: LoadUser, password: string): Promise<void> {
  const jar = new Jar();
  const csrf = check('csrf', await timed('csrf', () => client.send('GET', '/api/v1/csrf', { jar })));
  const headers = { origin: cfg.origin, 'x-csrf-token': String(csrf.csrfToken) };
  const post = (step: string, path: string, body: unknown) =>
    timed(step, () => client.send('POST', path, { body, headers, jar })).then((r) => check(step, r));
  await post('start', '/api/v1/recovery', { username: user.login });
  await post('challenge', '/api/v1/recovery/challenge', { method: 'google-authenticator' });
  const verified = await post('verify', '/api/v1/recovery/verify', { code: totpCode(user.secret) });
  await post('password', '/api/v1/recovery/password', {
    ott: verified.ott,
    password,
    confirmPassword: password,
    revokeSessions: cfg.revokeSessions,
  });
}

async function viaOkta(user: LoadUser, password: string): Promise<void> {
  const headers = { authorization: `SSWS ${token}`, 'user-agent': 'okta-mfa-portal-bench' };
  const call = (method: string, path: string, body?: unknown) => client.send(method, path, { headers, body });
  let userId = '';
  let factorId = '';
  // One "step" = the Okta calls the portal makes in that step, back to back.
  await timed('start', async () => {
    const t = performance.now();
    // The portal's lookup of an email-like login: one search for the login or the email (issue 11, item 3).
    const q = `"${user.login}"`;
    const search = `/api/v1/users?search=${encodeURIComponent(`profile.login eq ${q} or profile.email eq ${q}`)}&limit=10`;
    const found = check('start', await call('GET', search)) as unknown;
    const u = (Array.isArray(found) ? found : []).find((x: { profile?: { login?: string } }) => x.profile?.login === user.login) as
      | { id?: unknown }
      | undefined;
    userId = String(u?.id);
    const list = await call('GET', `/api/v1/users/${userId}/factors`);
    if (list.status !== 200) check('start', list);
    const factors = (list.body ?? []) as unknown as { id: string; factorType: string }[];
    factorId = factors.find((f) => f.factorType === 'token:software:totp')?.id ?? '';
    return { status: 200, body: {}, ms: performance.now() - t };
  });
  check('verify', await timed('verify', () => call('POST', `/api/v1/users/${userId}/factors/${factorId}/verify`, { passCode: totpCode(user.secret) })));
  check('password', await timed('password', () => call('POST', `/api/v1/users/${userId}?strict=true`, { credentials: { password: { value: password } } })));
}

async function oneRecovery(user: LoadUser): Promise<void> {
  const n = seq++;
  const started = performance.now();
  try {
    await (cfg.mode === 'portal' ? viaPortal(user, passwordFor(n)) : viaOkta(user, passwordFor(n)));
    const end = performance.now();
    if (inWindow(end)) {
      completed++;
      (samples.recovery ??= []).push(end - started);
    }
  } catch (err) {
    if (!inWindow(performance.now())) return;
    failed++;
    const key = err instanceof StepFailed ? `${err.failure.step} ${err.failure.status} ${err.failure.code}` : `network ${(err as Error).message}`;
    failures[key] = (failures[key] ?? 0) + 1;
  }
}

async function closedLoop(): Promise<void> {
  const worker = async () => {
    while (performance.now() < windowEnd) {
      const user = takeUser();
      if (!user) return;
      await oneRecovery(user);
    }
  };
  await Promise.all(Array.from({ length: cfg.concurrency }, worker));
}

async function openLoop(rate: number): Promise<void> {
  const inFlight = new Set<Promise<void>>();
  let launched = 0;
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      if (now >= windowEnd) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor(((now - t0) * rate) / 1000);
      while (launched < due) {
        launched++;
        if (inFlight.size >= cfg.concurrency) {
          if (inWindow(now)) skipped++;
          continue;
        }
        const user = takeUser();
        if (!user) {
          clearInterval(timer);
          resolve();
          return;
        }
        const p: Promise<void> = oneRecovery(user).finally(() => inFlight.delete(p));
        inFlight.add(p);
      }
    };
    const timer = setInterval(tick, 2);
  });
  await Promise.all(inFlight);
}

async function main(): Promise<void> {
  const startTimer = setTimeout(() => process.send?.({ type: 'window', edge: 'start' }), cfg.warmupMs);
  const endTimer = setTimeout(markEnd, cfg.warmupMs + cfg.durationMs);
  await (cfg.rate === null ? closedLoop() : openLoop(cfg.rate));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  markEnd();
  const windowMs = Math.max(1, windowEnd - windowStart);
  const steps: Record<string, Summary> = {};
  for (const [name, values] of Object.entries(samples)) steps[name] = summarize(values);
  const result: LoadgenResult = {
    mode: cfg.mode,
    concurrency: cfg.concurrency,
    rate: cfg.rate,
    windowMs: Math.round(windowMs),
    completed,
    recoveriesPerSec: Math.round((completed * 100_000) / windowMs) / 100,
    requestsPerSec: Math.round((requestsInWindow * 100_000) / windowMs) / 100,
    failed,
    failures,
    skipped,
    exhausted,
    usersUsed: nextUser,
    steps,
    ...(cfg.raw ? { raw: samples } : {}),
  };
  client.close();
  process.send?.({ type: 'result', result }, () => process.exit(0));
}

main().catch((err: unknown) => {
  console.error(`loadgen: ${(err as Error).message}`);
  process.exit(1);
});
