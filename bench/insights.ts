/**
 * `node --import tsx bench/insights.ts`: the insights query alone (bench/lib/insights.ts), without the rest of the
 * benchmark. Settings: BENCH_INSIGHTS_EVENTS (default 1000000), BENCH_INSIGHTS_STORES (default "sqlite,redis"),
 * BENCH_REDIS_URL (default redis://127.0.0.1:6379/11; keys under okta-mfa-portal-bench-insights:, deleted after).
 */
import { runInsightsBench } from './lib/insights.js';

const events = Math.max(1, Math.floor(Number(process.env.BENCH_INSIGHTS_EVENTS ?? 1_000_000)));
const stores = (process.env.BENCH_INSIGHTS_STORES ?? 'sqlite,redis').split(',').map((s) => s.trim()).filter((s): s is 'sqlite' | 'redis' => s === 'sqlite' || s === 'redis');
const results = await runInsightsBench({
  events,
  stores,
  redisUrl: process.env.BENCH_REDIS_URL || 'redis://127.0.0.1:6379/11',
  redisPrefix: 'okta-mfa-portal-bench-insights:',
  log: (l) => process.stdout.write(`${l}\n`),
});
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
