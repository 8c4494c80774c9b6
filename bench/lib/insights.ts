/**
 * The insights query over a generated audit log (issue 16, item 2): N events spread over the last 30 days, written
 * through the real audit log adapters (SQLite file, Redis), then the insights report (hourly counts → charts) timed
 * for each period. What is measured is what GET /insights does per request: AuditLog.counts + buildReport.
 * Runs in this process (no portal): `node --import tsx bench/insights.ts` alone, or as a section of `npm run bench`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import type { Redis } from 'ioredis';
import { join } from 'node:path';
import { createAuditLog, type AuditLog } from '../../src/audit/index.js';
import { createInsightsService, PERIODS, type Period } from '../../src/core/insights/report.js';
import type { AuditEvent, Clock } from '../../src/core/ports.js';
import { systemClock } from '../../src/core/system.js';
import type { ManagedStore } from '../../src/store/types.js';
import { median } from './stats.js';

export interface InsightsBenchRow {
  store: 'sqlite' | 'redis';
  events: number;
  /** Seconds to write the events (batches of BATCH appends in flight). */
  writeSec: number;
  /** Median and worst of RUNS report computations, per period, ms. */
  queries: Array<{ period: Period; medianMs: number; maxMs: number; countRows: number }>;
}

export type InsightsBenchResult = InsightsBenchRow | { store: 'sqlite' | 'redis'; notRun: string };

/** Appends in flight while writing: SQLite commits each batch as one transaction; Redis runs one script per event. */
const BATCH = { sqlite: 5_000, redis: 500 } as const;
const RUNS = 15;
const DAY = 86_400_000;

/** A realistic mix: starts, challenges, codes right and wrong, pushes, changes, enrolments, refusals, help desk. */
const MIX: Array<[number, Omit<AuditEvent, 'at' | 'login' | 'userId' | 'ip' | 'requestId'>]> = [
  [30, { action: 'recovery.start', outcome: 'success', method: null }],
  [22, { action: 'recovery.challenge', outcome: 'success', method: 'sms' }],
  [12, { action: 'recovery.verify', outcome: 'success', method: 'sms' }],
  [5, { action: 'recovery.verify', outcome: 'failure', method: 'google-authenticator', detail: 'code=INVALID_CODE (wrong code 1/5)' }],
  [4, { action: 'recovery.status', outcome: 'success', method: 'push', detail: 'push approved' }],
  [10, { action: 'recovery.password', outcome: 'success', method: 'sms', detail: 'sessions revoked' }],
  [5, { action: 'recovery.start', outcome: 'rate_limited', method: null, detail: 'code=RATE_LIMITED (limit ip exceeded)' }],
  [1, { action: 'recovery.challenge', outcome: 'error', method: 'sms', detail: 'code=IDP_UNAVAILABLE (okta factors.verify: circuit open, not calling)' }],
  [5, { action: 'account.enrol', outcome: 'success', method: 'push', detail: 'push factor activated' }],
  [3, { action: 'account.remove', outcome: 'success', method: 'sms' }],
  [3, { action: 'helpdesk.result', outcome: 'success', method: 'push', detail: 'agent=a@example.com (00ua); verified: push approved' }],
];
const WEIGHT = MIX.reduce((a, [w]) => a + w, 0);

export function generatedEvent(i: number, n: number, now: number): AuditEvent {
  let pick = (i * 7919) % WEIGHT;
  let kind = MIX[0]![1];
  for (const [w, k] of MIX) {
    if (pick < w) {
      kind = k;
      break;
    }
    pick -= w;
  }
  const user = i % 10_000;
  return {
    ...kind,
    at: now - 30 * DAY + Math.floor((i / n) * 30 * DAY),
    login: `user${user}@example.com`,
    userId: `00ubench${user}`,
    ip: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    requestId: `bench-${i}`,
  };
}

async function fill(log: AuditLog, n: number, now: number, batchSize: number): Promise<number> {
  const t0 = performance.now();
  for (let start = 0; start < n; start += batchSize) {
    const batch: Promise<void>[] = [];
    for (let i = start; i < Math.min(n, start + batchSize); i++) batch.push(log.append(generatedEvent(i, n, now)));
    await Promise.all(batch);
  }
  return (performance.now() - t0) / 1000;
}

async function timeQueries(log: AuditLog, clock: Clock): Promise<InsightsBenchRow['queries']> {
  const service = createInsightsService({ counts: log, clock });
  const out: InsightsBenchRow['queries'] = [];
  for (const period of PERIODS) {
    const times: number[] = [];
    await service.report(period); // warm
    for (let r = 0; r < RUNS; r++) {
      const t0 = performance.now();
      await service.report(period);
      times.push(performance.now() - t0);
    }
    const now = clock.now();
    const countRows = (await log.counts({ since: now - (period === '24h' ? DAY : period === '7d' ? 7 * DAY : 30 * DAY), until: now + DAY })).length;
    out.push({ period, medianMs: Math.round(median(times) * 100) / 100, maxMs: Math.round(Math.max(...times) * 100) / 100, countRows });
  }
  return out;
}

export async function runInsightsBench(opts: {
  events: number;
  stores: ReadonlyArray<'sqlite' | 'redis'>;
  redisUrl: string;
  redisPrefix: string;
  log?: (line: string) => void;
}): Promise<InsightsBenchResult[]> {
  const log = opts.log ?? (() => undefined);
  const clock = systemClock;
  const results: InsightsBenchResult[] = [];
  for (const kind of opts.stores) {
    let store: ManagedStore | null = null;
    let dir: string | null = null;
    try {
      if (kind === 'sqlite') {
        const { openSqliteStore } = await import('../../src/store/sqlite.js');
        dir = mkdtempSync(join(tmpdir(), 'bench-insights-'));
        store = await openSqliteStore({ dataDir: dir, clock, sweepIntervalMs: 0 });
      } else {
        const { connectRedisStore } = await import('../../src/store/redis.js');
        // Generous command deadline: the writing is not what is measured, and a loaded machine queues the scripts.
        store = await connectRedisStore({ url: opts.redisUrl, keyPrefix: opts.redisPrefix, clock, commandTimeoutMs: 30_000 });
      }
      const audit = createAuditLog(store, { clock, retentionDays: 90 });
      log(`  insights: writing ${opts.events} audit events to ${kind}…`);
      const writeSec = await fill(audit, opts.events, clock.now(), BATCH[kind]);
      const queries = await timeQueries(audit, clock);
      log(`  insights ${kind}: ${queries.map((q) => `${q.period} ${q.medianMs} ms`).join(', ')} (written in ${writeSec.toFixed(1)} s)`);
      results.push({ store: kind, events: opts.events, writeSec: Math.round(writeSec * 10) / 10, queries });
    } catch (err) {
      results.push({ store: kind, notRun: `failed: ${(err as Error).message.split('\n')[0]}` });
    } finally {
      if (kind === 'redis' && store) await deleteKeys(store, opts.redisPrefix).catch(() => undefined);
      await store?.close().catch(() => undefined);
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }
  return results;
}

async function deleteKeys(store: ManagedStore, prefix: string): Promise<void> {
  const redis = (store as unknown as { redis: Redis }).redis;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await redis.unlink(...keys);
  } while (cursor !== '0');
}
