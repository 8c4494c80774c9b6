/**
 * The store module's public surface and the one factory the composition root (and the audit command) calls:
 * createStore(config.store, clock) opens the configured backend (memory, SQLite file, or Redis connection).
 * Rules: opening fails with a StoreUnavailableError whose message starts with the setting to fix
 * (DATA_DIR: ..., REDIS_URL: ...) and never contains a Redis password.
 */
import type { StoreConfig } from '../config/index.js';
import type { Clock } from '../core/ports.js';
import { MemoryStore } from './memory.js';
import { connectRedisStore } from './redis.js';
import { openSqliteStore } from './sqlite.js';
import type { ManagedStore } from './types.js';

export { MemoryStore } from './memory.js';
export { SqliteStore, openSqliteStore, SQLITE_FILE_NAME } from './sqlite.js';
export { RedisStore, connectRedisStore, DEFAULT_REDIS_KEY_PREFIX } from './redis.js';
export { StoreUnavailableError, isStoreUnavailable } from './errors.js';
export { STORE_KINDS, type ManagedStore, type StoreKind } from './types.js';

export interface CreateStoreOptions {
  /** Expired-entry sweep interval for memory and SQLite (ms); 0 = lazy only. Default 60 000. */
  sweepIntervalMs?: number;
  /** Read-only tools: do not create the SQLite directory or file. */
  mustExist?: boolean;
  /** Told about Redis connection errors after start (no secrets in the message). */
  onError?: (message: string) => void;
}

export async function createStore(config: StoreConfig, clock: Clock, opts: CreateStoreOptions = {}): Promise<ManagedStore> {
  const sweepIntervalMs = opts.sweepIntervalMs ?? 60_000;
  switch (config.kind) {
    case 'memory':
      return new MemoryStore(clock, { sweepIntervalMs });
    case 'sqlite':
      return openSqliteStore({ dataDir: config.dataDir, clock, sweepIntervalMs, mustExist: opts.mustExist === true });
    case 'redis': {
      if (!config.redis) throw new Error('createStore: STORE=redis without redis settings'); // loadConfig prevents this
      return connectRedisStore({
        url: config.redis.url,
        keyPrefix: config.redis.keyPrefix,
        clock,
        ...(opts.onError ? { onError: opts.onError } : {}),
      });
    }
  }
}
