/**
 * Insights (issue 16, item 2): what the security team looks at, computed from the audit store's hourly counts.
 * Rules:
 * - A period is the last 24 hours in hourly buckets, or the last 7 / 30 UTC days in daily buckets, each ending with
 *   the current (partial) bucket. Only counts: never a login, an address or a detail.
 * - Each chart is a set of series over the buckets; each count row goes to the series its (action, outcome, method,
 *   tag) names (SERIES below), so the totals are exactly the audit store's counts of those events.
 */
import type { AuditCountRow, AuditCounts, Clock } from '../ports.js';

export const PERIODS = ['24h', '7d', '30d'] as const;
export type Period = (typeof PERIODS)[number];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export const CHARTS = {
  funnel: ['started', 'verified', 'changed'],
  methods: ['sms', 'call', 'push', 'google-authenticator', 'okta-verify-code', 'email'],
  refusals: ['wrong-code', 'push-rejected', 'push-expired', 'rate-limited'],
  okta: ['errors', 'circuit-open'],
  factors: ['enrolled', 'removed'],
  helpdesk: ['verified', 'failed'],
} as const;
export type ChartId = keyof typeof CHARTS;
export const CHART_IDS = Object.keys(CHARTS) as ChartId[];

/** A recovery verification that succeeded: a code accepted, or a push approved (seen by a status poll). */
const recoveryVerified = (r: AuditCountRow) =>
  r.outcome === 'success' && (r.action === 'recovery.verify' || (r.action === 'recovery.status' && r.tag === 'push-approved'));

/** Which series of which chart a count row adds to (several charts may count the same row). */
function seriesOf(r: AuditCountRow): Array<[ChartId, string]> {
  const out: Array<[ChartId, string]> = [];
  if (r.action === 'recovery.start' && r.outcome === 'success') out.push(['funnel', 'started']);
  if (recoveryVerified(r)) {
    out.push(['funnel', 'verified']);
    if (r.method !== null && (CHARTS.methods as readonly string[]).includes(r.method)) out.push(['methods', r.method]);
  }
  if (r.action === 'recovery.password' && r.outcome === 'success') out.push(['funnel', 'changed']);
  if (r.tag === 'wrong-code') out.push(['refusals', 'wrong-code']);
  if (r.tag === 'push-rejected') out.push(['refusals', 'push-rejected']);
  if (r.tag === 'push-expired') out.push(['refusals', 'push-expired']);
  if (r.outcome === 'rate_limited') out.push(['refusals', 'rate-limited']);
  if (r.outcome === 'error') out.push(['okta', 'errors']);
  if (r.tag === 'circuit-open') out.push(['okta', 'circuit-open']);
  if (r.action === 'account.enrol' && r.outcome === 'success' && r.tag === 'activated') out.push(['factors', 'enrolled']);
  if (r.action === 'account.remove' && r.outcome === 'success') out.push(['factors', 'removed']);
  if (r.action === 'helpdesk.result') out.push(['helpdesk', r.outcome === 'success' ? 'verified' : 'failed']);
  return out;
}

export interface InsightsSeries {
  id: string;
  values: number[];
  total: number;
}

export interface InsightsChart {
  id: ChartId;
  series: InsightsSeries[];
}

export interface InsightsReport {
  period: Period;
  /** Bucket size: an hour (24h) or a day. */
  bucketMs: number;
  /** Start of each bucket (epoch ms), oldest first. */
  buckets: number[];
  since: number;
  until: number;
  charts: InsightsChart[];
}

export function isPeriod(v: unknown): v is Period {
  return typeof v === 'string' && (PERIODS as readonly string[]).includes(v);
}

/** The buckets of a period ending with the one that holds `now`. */
export function periodBuckets(period: Period, now: number): { since: number; until: number; bucketMs: number; buckets: number[] } {
  const bucketMs = period === '24h' ? HOUR : DAY;
  const n = period === '24h' ? 24 : period === '7d' ? 7 : 30;
  const until = Math.floor(now / bucketMs) * bucketMs + bucketMs;
  const since = until - n * bucketMs;
  return { since, until, bucketMs, buckets: Array.from({ length: n }, (_, i) => since + i * bucketMs) };
}

/** Folds hourly count rows into the period's charts (pure). */
export function buildReport(period: Period, now: number, rows: readonly AuditCountRow[]): InsightsReport {
  const { since, until, bucketMs, buckets } = periodBuckets(period, now);
  const charts: InsightsChart[] = CHART_IDS.map((id) => ({
    id,
    series: CHARTS[id].map((s) => ({ id: s, values: buckets.map(() => 0), total: 0 })),
  }));
  const index = new Map<string, InsightsSeries>();
  for (const c of charts) for (const s of c.series) index.set(`${c.id}|${s.id}`, s);
  const find = (chart: ChartId, series: string) => index.get(`${chart}|${series}`);
  for (const r of rows) {
    if (r.hour < since || r.hour >= until || !(r.count > 0)) continue;
    const i = Math.floor((r.hour - since) / bucketMs);
    for (const [chart, series] of seriesOf(r)) {
      const s = find(chart, series);
      if (!s) continue;
      s.values[i] = (s.values[i] ?? 0) + r.count;
      s.total += r.count;
    }
  }
  return { period, bucketMs, buckets, since, until, charts };
}

export interface InsightsService {
  report(period: Period): Promise<InsightsReport>;
}

export function createInsightsService(deps: { counts: AuditCounts; clock: Clock }): InsightsService {
  return {
    async report(period) {
      const now = deps.clock.now();
      const { since, until } = periodBuckets(period, now);
      return buildReport(period, now, await deps.counts.counts({ since, until }));
    },
  };
}
