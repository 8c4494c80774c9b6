/**
 * `npm run bench`: starts what it measures on 127.0.0.1 as separate processes (the emulator, the portal, a bare
 * Fastify baseline, the load generators), measures, stops everything it started, and writes
 * bench/results/latest.json, latest.md (also printed) and chart.svg (plus docs/benchmarks-chart.svg on a full run).
 * What each figure means and how to read it: docs/benchmarks.md.
 *
 * Settings (environment): BENCH_DURATION (s, default 10), BENCH_WARMUP (s, default 2), BENCH_USERS (default 8000),
 * BENCH_CONCURRENCY (default "16,64"), BENCH_CONNECTIONS (autocannon, default 50), BENCH_OKTA_LATENCY (ms, default 50),
 * BENCH_STARTS (start-up samples, default 5), BENCH_STORE (the main rounds' STORE, default memory), BENCH_STORES
 * (the stores compared with it, default "sqlite,redis"), BENCH_REDIS_URL (default redis://127.0.0.1:6379/11; keys are
 * written under the prefix okta-mfa-portal-bench: and deleted afterwards), BENCH_SOURCE (dist | ts, default dist), BENCH_OUT (default bench/results),
 * BENCH_PORTAL_<NAME> (sets the portal's <NAME>, e.g. BENCH_PORTAL_LOG_LEVEL=info; otherwise its defaults, except
 * OKTA_MAX_CONCURRENCY: see BENCH_OKTA_CONCURRENCY below),
 * BENCH_SMOKE=1 (about a second per measurement, one concurrency level, no latency/half-load/store rounds),
 * BENCH_PROFILE=<dir> (node --cpu-prof on every portal process, .cpuprofile files in <dir>, and on the emulator, in <dir>/emulator).
 * Rules: portal and emulator run from the compiled dist/ (BENCH_SOURCE=ts runs the sources through tsx, for the
 * smoke test); every child is stopped by pid on exit, error or Ctrl-C; the run fails loudly if a server fails.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { connect } from 'node:net';
import { availableParallelism, cpus, tmpdir, platform, release } from 'node:os';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { autocannon } from './lib/autocannon.js';
import { forkChild, installCleanup, runningPids, spawnChild, startedPids, stopAll, type Child } from './lib/children.js';
import { EmulatorControl, freePort, waitFor200, waitReady } from './lib/net.js';
import { countOktaCalls } from './lib/okta-calls.js';
import { cpuMs, peakRssMb, rssMb } from './lib/procfs.js';
import { runInsightsBench } from './lib/insights.js';
import { toMarkdown, toSvg } from './lib/report.js';
import { benchSeed, loadUsers, METHOD_USERS, type CountedMethod } from './lib/seed.js';
import { median, summarize } from './lib/stats.js';
import { isSkipped, type AddedStep, type BenchResults, type MethodCalls, type RoundResult, type StoreKind, type TargetCheck } from './lib/types.js';
import type { LoadgenConfig, LoadgenResult } from './loadgen.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();

function num(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const v = Number(raw);
  if (!Number.isFinite(v) || v < 0) throw new Error(`${name} must be a non-negative number`);
  return v;
}

const SMOKE = process.env.BENCH_SMOKE === '1';
const S = {
  durationSec: num('BENCH_DURATION', SMOKE ? 1 : 10),
  warmupSec: num('BENCH_WARMUP', SMOKE ? 0.5 : 2),
  users: Math.floor(num('BENCH_USERS', SMOKE ? 300 : 8000)),
  concurrency: (process.env.BENCH_CONCURRENCY || (SMOKE ? '4' : '16,64')).split(',').map((x) => Number(x.trim())),
  connections: Math.floor(num('BENCH_CONNECTIONS', SMOKE ? 10 : 50)),
  latencyMs: Math.floor(num('BENCH_OKTA_LATENCY', 50)),
  starts: Math.max(1, Math.floor(num('BENCH_STARTS', SMOKE ? 1 : 5))),
  stores: (process.env.BENCH_STORES ?? (SMOKE ? '' : 'sqlite,redis')).split(',').map((s) => s.trim()).filter(Boolean),
  store: (process.env.BENCH_STORE || 'memory') as StoreKind,
  redisUrl: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/11',
  source: (process.env.BENCH_SOURCE === 'ts' ? 'ts' : 'dist') as 'dist' | 'ts',
  out: resolve(ROOT, process.env.BENCH_OUT || 'bench/results'),
};
if (S.concurrency.some((c) => !Number.isInteger(c) || c < 1)) throw new Error('BENCH_CONCURRENCY must list positive integers');
if (!['memory', 'sqlite', 'redis'].includes(S.store)) throw new Error('BENCH_STORE must be memory, sqlite or redis');
/** Redis keys the benchmark's portals write start with this (deleted after the run). */
const REDIS_PREFIX = 'okta-mfa-portal-bench:';
/** BENCH_PORTAL_<NAME>=value sets the portal's <NAME> (e.g. BENCH_PORTAL_OKTA_MAX_CONCURRENCY=32); else its defaults. */
const PORTAL_EXTRA_ENV = Object.fromEntries(
  Object.entries(process.env)
    .filter(([k, v]) => k.startsWith('BENCH_PORTAL_') && v !== undefined)
    .map(([k, v]) => [k.slice('BENCH_PORTAL_'.length), v as string]),
);
/**
 * The portal's OKTA_MAX_CONCURRENCY in the benchmark (BENCH_PORTAL_OKTA_MAX_CONCURRENCY wins). Its default, 10,
 * protects a real org's concurrency limit, but with 50 ms per Okta call it caps the portal at about 50 recoveries/s,
 * so the benchmark raises it to at least the highest concurrency measured: the figures are then the portal's own.
 */
const OKTA_CONCURRENCY = String(Math.max(64, ...S.concurrency));
/** Slices per half-load A/B pair (portal, direct, portal, direct, ...). */
const HALF_LOAD_SLICES = 3;
/** Wait after a portal answered ready before reading its idle memory. */
const SETTLE_MS = SMOKE ? 300 : 1500;
const DEFAULT_OUT = resolve(ROOT, 'bench/results') === S.out;

const entry = {
  emulator: [
    // BENCH_PROFILE=<dir>: the emulator's profiles go to <dir>/emulator (it is part of the measured machine too).
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_PROFILE, 'emulator')}`] : []),
    ...(S.source === 'dist' ? ['dist/emulator/src/main.js'] : ['--import', 'tsx', 'emulator/src/main.ts']),
  ],
  portal: [
    // BENCH_PROFILE=<dir>: a V8 CPU profile of each portal process, written there when it stops (not for figures).
    ...(process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${resolve(process.env.BENCH_PROFILE)}`] : []),
    ...(S.source === 'dist' ? ['dist/src/main.js'] : ['--import', 'tsx', 'src/main.ts']),
  ],
};
const log = (msg: string) => console.error(`bench: ${msg}`);

// ---------------------------------------------------------------------------------------------------- discovery
/** The path that answered the start-up probe: /readyz, or / for a portal without /readyz (see waitReady). */
let readyPath = '/readyz';
/** STORE=sqlite|redis exist once src/config/schema.ts defines STORE and src/store/ has the adapters. */
function storeSupported(kind: StoreKind): boolean {
  const schema = readFileSync(join(ROOT, 'src/config/schema.ts'), 'utf8');
  return /\bSTORE\s*:/.test(schema) && existsSync(join(ROOT, `src/store/${kind}.ts`));
}

function redisAnswers(url: string): Promise<boolean> {
  const u = new URL(url);
  return new Promise((resolveOk) => {
    const sock = connect({ host: u.hostname, port: Number(u.port || 6379) });
    const done = (ok: boolean) => {
      sock.destroy();
      resolveOk(ok);
    };
    sock.setTimeout(1000, () => done(false));
    sock.once('error', () => done(false));
    sock.once('connect', () => sock.write('PING\r\n'));
    sock.once('data', (d) => done(d.toString().startsWith('+PONG') || d.toString().startsWith('-NOAUTH')));
  });
}

/** Removes what the benchmark's portals wrote to Redis (only keys under the benchmark's own prefix). */
async function deleteRedisKeys(url: string, prefix: string): Promise<void> {
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}

// ---------------------------------------------------------------------------------------------------- processes
interface Emulator {
  child: Child;
  url: string;
  token: string;
  control: EmulatorControl;
}

async function startEmulator(seedFile: string): Promise<Emulator> {
  const port = await freePort();
  const token = `00bench-${randomBytes(18).toString('base64url')}`;
  const url = `http://127.0.0.1:${port}`;
  // The token goes through the environment, never argv (which `ps` shows).
  const child = spawnChild('emulator', [...entry.emulator, '--port', String(port), '--seed', seedFile], { EMULATOR_API_TOKEN: token });
  await waitFor200(`${url}/_emulator/clock`, { timeoutMs: 30_000, intervalMs: 50, exited: child.exited, what: 'the emulator' }).catch((err: Error) => {
    throw new Error(`${err.message}\n${child.tail()}`);
  });
  return { child, url, token, control: new EmulatorControl(url) };
}

interface Portal {
  child: Child;
  url: string;
  store: StoreKind;
  readyMs: number;
}

const cookieSecret = randomBytes(32).toString('base64url');
const dataDirs: string[] = [];

async function startPortal(emu: Emulator, store: StoreKind): Promise<Portal> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_URL: url,
    OKTA_ORG_URL: emu.url,
    OKTA_API_TOKEN: emu.token,
    COOKIE_SECRET: cookieSecret,
    LOG_LEVEL: 'warn',
    // Limits far above the load: the benchmark measures the work, not the refusals.
    LIMIT_PER_LOGIN: '1000000/1h',
    LIMIT_PER_IP: '1000000/1h',
    LIMIT_PER_DESTINATION: '1000000/1h',
    LIMIT_GLOBAL_SENDS: '1000000/1h',
    LIMIT_PUSH_PER_USER: '1000000/1h',
    PUSH_POLL_INTERVAL_SECONDS: '1',
    OKTA_MAX_CONCURRENCY: OKTA_CONCURRENCY,
    ...PORTAL_EXTRA_ENV,
  };
  if (storeSupported('sqlite') || storeSupported('redis')) env.STORE = store;
  if (store === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'okta-portal-bench-data-'));
    dataDirs.push(dir);
    env.DATA_DIR = dir;
  }
  if (store === 'redis') {
    env.REDIS_URL = S.redisUrl;
    env.REDIS_KEY_PREFIX = REDIS_PREFIX;
  }
  const t0 = performance.now();
  const child = spawnChild(`portal (${store})`, entry.portal, env);
  const ready = await waitReady(url, { timeoutMs: 30_000, intervalMs: 5, exited: child.exited, what: `the portal (${store})` }).catch(
    (err: Error) => {
      throw new Error(`${err.message}\n${child.tail()}`);
    },
  );
  readyPath = ready.path;
  return { child, url, store, readyMs: performance.now() - t0 };
}

// ---------------------------------------------------------------------------------------------------- rounds
interface RoundSpec {
  label: string;
  mode: 'portal' | 'direct';
  portal: Portal | null;
  store: StoreKind;
  latencyMs: number;
  concurrency: number;
  rate: number | null;
  /** Overrides of the measured window and warm-up (interleaved slices), seconds. */
  durationSec?: number;
  warmupSec?: number;
  raw?: boolean;
}

let roundNo = 0;

async function runRound(emu: Emulator, usersFile: string, spec: RoundSpec, baselineRps: number): Promise<RoundResult> {
  await emu.control.reset();
  await emu.control.setLatency(spec.latencyMs);
  const cfg: LoadgenConfig = {
    mode: spec.mode,
    target: spec.mode === 'portal' ? spec.portal!.url : emu.url,
    origin: spec.portal?.url ?? '',
    usersFile,
    concurrency: spec.concurrency,
    rate: spec.rate,
    warmupMs: (spec.warmupSec ?? S.warmupSec) * 1000,
    durationMs: (spec.durationSec ?? S.durationSec) * 1000,
    passwordTag: `r${++roundNo}${randomBytes(3).toString('hex')}`,
    revokeSessions: false,
    raw: spec.raw ?? false,
  };
  log(`round ${spec.label}`);
  const gen = forkChild('loadgen', join(ROOT, 'bench/loadgen.ts'), ['--import', 'tsx'], {
    BENCH_LOADGEN: JSON.stringify(cfg),
    BENCH_OKTA_TOKEN: emu.token,
  });
  const pids = { portal: spec.portal?.child.pid ?? null, emulator: emu.child.pid };
  const cpu: Record<'start' | 'end', { portal: number | null; emulator: number | null } | null> = { start: null, end: null };
  const snap = () => ({ portal: pids.portal === null ? null : cpuMs(pids.portal), emulator: cpuMs(pids.emulator) });
  let rssMax: number | null = null;
  const sampler = setInterval(() => {
    if (pids.portal === null) return;
    const v = rssMb(pids.portal);
    if (v !== null) rssMax = Math.max(rssMax ?? 0, v);
  }, 100);
  const result = await new Promise<LoadgenResult>((resolveResult, reject) => {
    gen.proc.on('message', (msg: { type: string; edge?: 'start' | 'end'; result?: LoadgenResult }) => {
      if (msg.type === 'window' && msg.edge) cpu[msg.edge] = snap();
      if (msg.type === 'result' && msg.result) resolveResult(msg.result);
    });
    void gen.exited.then((code) => reject(new Error(`the load generator exited (${code}) without a result\n${gen.tail()}`)));
  }).finally(() => clearInterval(sampler));
  await gen.exited;
  await emu.control.setLatency(0);
  const perRecovery = (k: 'portal' | 'emulator') => {
    const a = cpu.start?.[k];
    const b = cpu.end?.[k];
    return a === null || a === undefined || b === null || b === undefined || result.completed === 0 ? null : Math.round(((b - a) / result.completed) * 100) / 100;
  };
  const round: RoundResult = {
    ...result,
    label: spec.label,
    store: spec.store,
    oktaLatencyMs: spec.latencyMs,
    portalCpuMsPerRecovery: perRecovery('portal'),
    emulatorCpuMsPerRecovery: perRecovery('emulator'),
    portalRssMaxMb: rssMax === null ? null : Math.round(rssMax * 10) / 10,
    requestsRatioToBaseline: baselineRps > 0 ? Math.round((result.requestsPerSec / baselineRps) * 1000) / 1000 : null,
  };
  const fails = result.failed ? `, ${result.failed} failed: ${JSON.stringify(result.failures)}` : '';
  log(`  ${result.completed} recoveries, ${result.recoveriesPerSec}/s, p99 ${result.steps.recovery?.p99 ?? '–'} ms${fails}${result.exhausted ? ' (users exhausted: raise BENCH_USERS)' : ''}`);
  return round;
}

// ---------------------------------------------------------------------------------------------------- main
async function main(): Promise<void> {
  installCleanup();
  if (S.source === 'dist' && !existsSync(join(ROOT, 'dist/src/main.js'))) {
    throw new Error('dist/ is missing: run `npm run bench` (it builds first) or `npm run build`');
  }
  mkdirSync(S.out, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), 'okta-portal-bench-'));
  const removeTemp = () => {
    rmSync(work, { recursive: true, force: true });
    for (const d of dataDirs) rmSync(d, { recursive: true, force: true });
  };
  process.once('exit', removeTemp); // also after Ctrl-C, which exits from installCleanup's handler
  const notes: string[] = [];
  const users = loadUsers(S.users);
  const seedFile = join(work, 'seed.json');
  const usersFile = join(work, 'users.json');
  writeFileSync(seedFile, JSON.stringify(benchSeed(users)));
  writeFileSync(usersFile, JSON.stringify(users));

  try {
    log(`starting the emulator (${S.users} load users) and the baseline server`);
    // Neither start is measured, so they start side by side.
    const helloPort = await freePort();
    const hello = spawnChild('hello', ['--import', 'tsx', 'bench/hello.ts', String(helloPort)], {});
    const [emu] = await Promise.all([
      startEmulator(seedFile),
      waitFor200(`http://127.0.0.1:${helloPort}/`, { timeoutMs: 30_000, exited: hello.exited, what: 'the baseline server' }),
    ]);

    log(`start-up: ${S.starts} start(s) until /readyz (or / without it) answers 200`);
    const startSamples: number[] = [];
    for (let i = 1; i < S.starts; i++) {
      const p = await startPortal(emu, S.store);
      startSamples.push(Math.round(p.readyMs));
      await p.child.stop();
    }
    // The portal that is measured next is the last start-up sample.
    const portal = await startPortal(emu, S.store);
    startSamples.push(Math.round(portal.readyMs));
    await new Promise((r) => setTimeout(r, SETTLE_MS));
    const idleMb = rssMb(portal.child.pid);

    // Baseline, landing page and CSRF endpoint back to back, so that they see the same machine load.
    log('baseline: bare Fastify hello world');
    // (A smoke run skips autocannon's separate warm-up run: each autocannon process costs about a second to start.)
    const ac = { connections: S.connections, durationSec: S.durationSec, warmupSec: SMOKE ? 0 : S.warmupSec };
    const baseline = await autocannon(`http://127.0.0.1:${helloPort}/`, hello.pid, ac);
    await hello.stop();
    log('portal GET / and GET /api/v1/csrf');
    const landing = await autocannon(`${portal.url}/`, portal.child.pid, ac);
    const csrf = await autocannon(`${portal.url}/api/v1/csrf`, portal.child.pid, ac);
    const ratio = (x: number) => Math.round((x / baseline.requestsPerSec) * 1000) / 1000;

    log('Okta calls per method');
    const oktaCalls: MethodCalls[] = [];
    let pw = 0;
    for (const method of Object.keys(METHOD_USERS) as CountedMethod[]) {
      oktaCalls.push(await countOktaCalls(portal.url, emu.control, method, { revokeSessions: false, password: `Tally-Pw-${++pw}-Zz9q` }));
    }
    oktaCalls.push(
      await countOktaCalls(portal.url, emu.control, 'google-authenticator', {
        revokeSessions: true,
        password: `Tally-Pw-${++pw}-Zz9q`,
        label: 'google-authenticator + sign out everywhere',
      }),
    );
    for (const c of oktaCalls) if (!c.ok) log(`  ${c.method}: ${c.error}`);

    const rounds: RoundResult[] = [];
    const latencies = SMOKE ? [0] : [0, S.latencyMs];
    for (const latencyMs of latencies) {
      for (const concurrency of S.concurrency) {
        rounds.push(
          await runRound(
            emu,
            usersFile,
            { label: `${S.store}, Okta +${latencyMs} ms, c=${concurrency}`, mode: 'portal', portal, store: S.store, latencyMs, concurrency, rate: null },
            baseline.requestsPerSec,
          ),
        );
      }
    }
    // "Maximum load" is measured under the same conditions as the half-load rounds (Okta +latency): with 50 ms per
    // Okta call the portal's OKTA_MAX_CONCURRENCY caps it well below its no-latency maximum, and half of that higher
    // figure can exceed what the latency rounds sustain at all (measured: 279/s asked of a set-up that tops out at
    // 268/s), which measures a queue, not what the portal adds.
    const maxRate = Math.max(...rounds.filter((r) => r.oktaLatencyMs === S.latencyMs).map((r) => r.recoveriesPerSec));

    let halfLoad: BenchResults['halfLoad'] = null;
    if (!SMOKE && maxRate > 0) {
      const rate = Math.max(1, Math.round(maxRate * 5) / 10);
      const spec = { store: S.store, latencyMs: S.latencyMs, concurrency: 512, rate };
      // Portal and direct rounds alternate in HALF_LOAD_SLICES short slices, so both see the same background load.
      const slice = { ...spec, durationSec: S.durationSec / HALF_LOAD_SLICES, warmupSec: Math.min(1, S.warmupSec), raw: true };
      const portalSlices: RoundResult[] = [];
      const directSlices: RoundResult[] = [];
      for (let i = 0; i < HALF_LOAD_SLICES; i++) {
        const n = `${i + 1}/${HALF_LOAD_SLICES}`;
        portalSlices.push(await runRound(emu, usersFile, { ...slice, label: `half load ${rate}/s via portal, slice ${n}`, mode: 'portal', portal }, baseline.requestsPerSec));
        directSlices.push(await runRound(emu, usersFile, { ...slice, label: `half load ${rate}/s, Okta direct, slice ${n}`, mode: 'direct', portal: null }, baseline.requestsPerSec));
      }
      const p = mergeSlices(portalSlices, `half load ${rate}/s via portal`, baseline.requestsPerSec);
      const d = mergeSlices(directSlices, `half load ${rate}/s, Okta direct`, baseline.requestsPerSec);
      const google = oktaCalls.find((c) => c.method === 'google-authenticator');
      const steps: AddedStep[] = ['csrf', 'start', 'challenge', 'verify', 'password'].map((step) => {
        const calls = google?.perStep[step] ?? 0;
        const ps = p.steps[step] ?? null;
        const ds = calls > 0 ? (d.steps[step] ?? null) : null;
        const minus = (a: number | undefined, b: number) => (a === undefined ? null : Math.round((a - b) * 100) / 100);
        return {
          step,
          oktaCalls: calls,
          portal: ps,
          direct: ds,
          addedP50: minus(ps?.p50, ds?.p50 ?? 0),
          addedP99: minus(ps?.p99, ds?.p99 ?? 0),
          nominalAddedP99: minus(ps?.p99, S.latencyMs * calls),
        };
      });
      halfLoad = { rate, oktaLatencyMs: S.latencyMs, portal: p, direct: d, steps };
    }

    const afterLoadMb = rssMb(portal.child.pid);
    const peakMb = peakRssMb(portal.child.pid);
    await portal.child.stop();

    const stores: BenchResults['stores'] = {};
    // The stores run back to back, each on a freshly started portal, the main store first as their reference, at the
    // lowest concurrency (at the highest the emulator's own CPU hides most of the difference).
    const storeC = Math.min(...S.concurrency);
    const others = S.stores.filter((k) => k !== S.store);
    const storeOrder = others.length ? [S.store, ...others] : [];
    for (const kind of storeOrder as StoreKind[]) {
      const key = kind === S.store ? `${kind} (reference)` : kind;
      if (kind !== 'sqlite' && kind !== 'redis' && kind !== 'memory') {
        stores[key] = { notRun: 'unknown store name' };
        continue;
      }
      if (kind !== 'memory' && !storeSupported(kind)) {
        stores[key] = { notRun: `this portal has no STORE=${kind} yet (src/config/schema.ts / src/store/${kind}.ts)` };
        continue;
      }
      if (kind === 'redis' && !(await redisAnswers(S.redisUrl))) {
        stores[key] = { notRun: `no Redis answers at ${new URL(S.redisUrl).host}` };
        continue;
      }
      const p = await startPortal(emu, kind);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const idle = rssMb(p.child.pid);
      try {
        const r = await runRound(
          emu,
          usersFile,
          { label: `${kind}, Okta +0 ms, c=${storeC}`, mode: 'portal', portal: p, store: kind, latencyMs: 0, concurrency: storeC, rate: null },
          baseline.requestsPerSec,
        );
        stores[key] = r;
        notes.push(`STORE=${kind}: ready in ${Math.round(p.readyMs)} ms; RSS ${idle === null ? '–' : idle.toFixed(1)} MB before its store round.`);
      } catch (err) {
        stores[key] = { notRun: `failed: ${(err as Error).message.split('\n')[0]}` };
      } finally {
        await p.child.stop();
        if (kind === 'redis') await deleteRedisKeys(S.redisUrl, REDIS_PREFIX).catch(() => undefined);
      }
    }
    if (others.length && !Object.entries(stores).some(([k, r]) => !k.endsWith('(reference)') && !isSkipped(r))) notes.push(`No store other than ${S.store} was measured (see Stores).`);

    await emu.child.stop();

    // The insights query over a generated audit log (in this process, after the load rounds: nothing else runs).
    const insightsStores: Array<'sqlite' | 'redis'> = ['sqlite'];
    if (await redisAnswers(S.redisUrl)) insightsStores.push('redis');
    const insights = await runInsightsBench({
      events: Math.floor(num('BENCH_INSIGHTS_EVENTS', SMOKE ? 2_000 : 1_000_000)),
      stores: insightsStores,
      redisUrl: S.redisUrl,
      redisPrefix: `${REDIS_PREFIX}insights:`,
      log,
    });

    const results: BenchResults = {
      meta: {
        date: new Date().toISOString(),
        node: process.version,
        cores: availableParallelism(),
        cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
        platform: `${platform()} ${release()}`,
        source: S.source,
        store: S.store,
        smoke: SMOKE,
        durationSec: S.durationSec,
        warmupSec: S.warmupSec,
        loadUsers: S.users,
        concurrency: S.concurrency,
        connections: S.connections,
        oktaLatencyMs: S.latencyMs,
        readyPath,
        portalSettings: Object.keys(PORTAL_EXTRA_ENV),
        oktaMaxConcurrency: Number(PORTAL_EXTRA_ENV.OKTA_MAX_CONCURRENCY ?? OKTA_CONCURRENCY),
        command: SMOKE ? 'BENCH_SMOKE=1 node --import tsx bench/run.ts' : 'npm run bench',
        elapsedSec: Math.round((performance.now() - started) / 1000),
        notes,
      },
      http: { baseline, landing: { ...landing, ratio: ratio(landing.requestsPerSec) }, csrf: { ...csrf, ratio: ratio(csrf.requestsPerSec) } },
      oktaCalls,
      rounds,
      halfLoad,
      memory: { idleMb: round1(idleMb), underLoadMaxMb: round1(maxOf(rounds.map((r) => r.portalRssMaxMb))), peakMb: round1(peakMb), afterLoadMb: round1(afterLoadMb) },
      startup: { readyPath, samplesMs: startSamples, medianMs: median(startSamples) },
      stores,
      insights,
      targets: [],
      pidsLeftRunning: [],
      pidsStarted: [],
    };
    results.targets = targets(results);
    if (readyPath === '/') notes.push('The portal has no GET /readyz yet: start-up is measured until GET / first answers 200.');
    results.pidsLeftRunning = runningPids();
    results.pidsStarted = startedPids();

    writeFileSync(join(S.out, 'latest.json'), JSON.stringify(results, null, 2) + '\n');
    const md = toMarkdown(results);
    writeFileSync(join(S.out, 'latest.md'), md);
    writeFileSync(join(S.out, 'chart.svg'), toSvg(results));
    if (DEFAULT_OUT && !SMOKE) copyFileSync(join(S.out, 'chart.svg'), join(ROOT, 'docs/benchmarks-chart.svg'));
    console.log(md);
    log(`wrote ${join(S.out, 'latest.json')}, latest.md and chart.svg in ${results.meta.elapsedSec} s`);
  } finally {
    await stopAll();
    removeTemp();
  }
}

/** One round from interleaved slices: samples pooled (exact percentiles again), counts and windows added up. */
function mergeSlices(slices: RoundResult[], label: string, baselineRps: number): RoundResult {
  const first = slices[0]!;
  const raw: Record<string, number[]> = {};
  const failures: Record<string, number> = {};
  let completed = 0;
  let failed = 0;
  let skipped = 0;
  let windowMs = 0;
  let requests = 0;
  const cpu = { portal: 0, emulator: 0, portalOk: true, emulatorOk: true };
  for (const s of slices) {
    for (const [k, v] of Object.entries(s.raw ?? {})) (raw[k] ??= []).push(...v);
    for (const [k, n] of Object.entries(s.failures)) failures[k] = (failures[k] ?? 0) + n;
    completed += s.completed;
    failed += s.failed;
    skipped += s.skipped;
    windowMs += s.windowMs;
    requests += (s.requestsPerSec * s.windowMs) / 1000;
    if (s.portalCpuMsPerRecovery === null) cpu.portalOk = false;
    else cpu.portal += s.portalCpuMsPerRecovery * s.completed;
    if (s.emulatorCpuMsPerRecovery === null) cpu.emulatorOk = false;
    else cpu.emulator += s.emulatorCpuMsPerRecovery * s.completed;
  }
  const steps = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, summarize(v)]));
  const per = (ok: boolean, total: number) => (ok && completed > 0 ? Math.round((total / completed) * 100) / 100 : null);
  const rps = Math.round((requests * 100_000) / Math.max(1, windowMs)) / 100;
  return {
    ...first,
    label,
    windowMs,
    completed,
    recoveriesPerSec: Math.round((completed * 100_000) / Math.max(1, windowMs)) / 100,
    requestsPerSec: rps,
    failed,
    failures,
    skipped,
    exhausted: slices.some((s) => s.exhausted),
    usersUsed: Math.max(...slices.map((s) => s.usersUsed)),
    steps,
    raw: undefined,
    portalCpuMsPerRecovery: per(cpu.portalOk, cpu.portal),
    emulatorCpuMsPerRecovery: per(cpu.emulatorOk, cpu.emulator),
    portalRssMaxMb: maxOf(slices.map((s) => s.portalRssMaxMb)),
    requestsRatioToBaseline: baselineRps > 0 ? Math.round((rps / baselineRps) * 1000) / 1000 : null,
  };
}

const round1 = (x: number | null): number | null => (x === null ? null : Math.round(x * 10) / 10);
const maxOf = (xs: (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null);
  return v.length ? Math.max(...v) : null;
};

function targets(r: BenchResults): TargetCheck[] {
  const out: TargetCheck[] = [];
  out.push({
    name: 'landing page throughput vs bare Fastify',
    target: '≥ 40 %',
    measured: `${(r.http.landing.ratio * 100).toFixed(0)} % (${r.http.landing.requestsPerSec} vs ${r.http.baseline.requestsPerSec} req/s)`,
    met: r.http.landing.ratio >= 0.4,
  });
  const zero = r.rounds.filter((x) => x.oktaLatencyMs === 0 && x.store === r.meta.store);
  const best = zero.reduce<RoundResult | null>((a, b) => (a === null || b.recoveriesPerSec > a.recoveriesPerSec ? b : a), null);
  if (best) {
    const cores = r.meta.cores;
    const capacity = (ms: number | null) => (ms ? Math.round((cores * 1000) / ms) : null);
    out.push({
      name: 'complete recoveries per second (authenticator app, emulator on the same machine)',
      target: '≥ 300/s',
      measured: `${best.recoveriesPerSec}/s at c=${best.concurrency}`,
      met: best.recoveriesPerSec >= 300,
      note:
        `CPU per recovery: portal ${best.portalCpuMsPerRecovery ?? '–'} ms, emulator ${best.emulatorCpuMsPerRecovery ?? '–'} ms; ` +
        `${cores} cores would allow ≈ ${capacity(best.portalCpuMsPerRecovery) ?? '–'}/s for the portal alone, ≈ ${capacity(best.emulatorCpuMsPerRecovery) ?? '–'}/s for the emulator alone`,
    });
  }
  if (r.halfLoad) {
    const worst = r.halfLoad.steps.reduce<AddedStep | null>((a, b) => (a === null || (b.addedP99 ?? -Infinity) > (a.addedP99 ?? -Infinity) ? b : a), null);
    out.push({
      name: `portal-added p99 per step at half the maximum load (${r.halfLoad.rate}/s, Okta +${r.halfLoad.oktaLatencyMs} ms)`,
      target: '≤ 10 ms',
      measured: worst ? `${worst.addedP99} ms (worst step: ${worst.step})` : '–',
      met: worst?.addedP99 === null || worst === null ? null : worst.addedP99 <= 10,
    });
  }
  const calls = (m: string) => r.oktaCalls.find((c) => c.method === m);
  for (const [m, limit] of [['google-authenticator', 4], ['sms', 5], ['call', 5]] as const) {
    const c = calls(m);
    out.push({
      name: `Okta calls per recovery, ${m}`,
      target: `≤ ${limit}`,
      measured: c?.ok ? String(c.total) : `failed (${c?.error ?? 'not run'})`,
      met: c?.ok ? c.total <= limit : null,
    });
  }
  out.push({
    name: 'idle resident memory (VmRSS)',
    target: '≤ 120 MB',
    measured: r.memory.idleMb === null ? '–' : `${r.memory.idleMb} MB`,
    met: r.memory.idleMb === null ? null : r.memory.idleMb <= 120,
  });
  out.push({
    name: `process start → ${r.startup.readyPath} answers 200 (median)`,
    target: '≤ 1500 ms',
    measured: `${Math.round(r.startup.medianMs)} ms`,
    met: r.startup.medianMs <= 1500,
    ...(r.startup.readyPath === '/' ? { note: 'no /readyz yet: first GET /' } : {}),
  });
  return out;
}

main().catch(async (err: unknown) => {
  console.error(`bench: failed: ${(err as Error).message}`);
  await stopAll();
  process.exit(1);
});
