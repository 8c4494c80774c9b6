/**
 * Test helpers for the store and audit suites: temp data directories, and the Redis server to test against.
 * Redis: TEST_REDIS_URL (set by .ci/run) or REDIS_URL. When neither is set, the Redis suites are skipped with a
 * loud warning, except in CI (CI=true), where that is an error: CI must run them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export function tempDir(prefix = 'portal-store-'): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The Redis URL for tests, or a skip reason (outside CI only). */
export function redisForTests(): { url: string; skip: undefined } | { url: null; skip: string } {
  const url = process.env.TEST_REDIS_URL || process.env.REDIS_URL;
  if (url) return { url, skip: undefined };
  if (process.env.CI) {
    throw new Error('Redis tests: neither TEST_REDIS_URL nor REDIS_URL is set, and CI must run the Redis suites (.ci/run sets TEST_REDIS_URL).');
  }
  const reason = 'no TEST_REDIS_URL / REDIS_URL: Redis store tests SKIPPED (set TEST_REDIS_URL=redis://127.0.0.1:6379/15 to run them)';
  console.warn(`\n*** WARNING: ${reason} ***\n`);
  return { url: null, skip: reason };
}

/** A unique key prefix for one test run, so runs never see each other's keys. */
export function uniquePrefix(label: string): string {
  return `test:${label}:${process.pid}:${randomBytes(4).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN + UNLINK) and closes the helper connection. */
export async function cleanupRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
