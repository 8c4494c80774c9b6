/**
 * The store module's public surface and the one factory the composition root (and the audit command) calls:
 * createStore(config.store, clock) opens the configured backend (memory, SQLite file, or Redis connection).
 * Rules: opening fails with a StoreUnavailableError whose message starts with the setting to fix
 * (DATA_DIR: ..., REDIS_URL: ..., REDIS_SENTINELS: ..., REDIS_CLUSTER_NODES: ...) and never contains a Redis password.
 */
import type { StoreConfig } from '../config/index.js';
import type { Clock } from '../core/ports.js';
import { MemoryStore } from './memory.js';
import type { ManagedStore } from './types.js';

// The SQLite and Redis adapters (and so better-sqlite3, ioredis) are imported by createStore only when STORE names
// them: loading both drivers cost about 25 MB and 0.3 s of CPU at start-up whatever the store. Import them from
// ./sqlite.js and ./redis.js directly.
export { MemoryStore } from './memory.js';
export type { SqliteStore } from './sqlite.js';
export type { RedisStore } from './redis.js';
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
    case 'sqlite': {
      const { openSqliteStore } = await import('./sqlite.js');
      return openSqliteStore({ dataDir: config.dataDir, clock, sweepIntervalMs, mustExist: opts.mustExist === true });
    }
    case 'redis': {
      if (!config.redis) throw new Error('createStore: STORE=redis without redis settings'); // loadConfig prevents this
      const { connectRedisStore } = await import('./redis.js');
      const r = config.redis;
      const auth = { username: r.username, password: r.password, tls: r.tls };
      const target =
        r.mode === 'sentinel'
          ? { sentinel: { ...auth, sentinels: r.nodes, master: r.sentinelMaster ?? 'mymaster', sentinelPassword: r.sentinelPassword } }
          : r.mode === 'cluster'
            ? { cluster: { ...auth, nodes: r.nodes } }
            : { url: r.url };
      return connectRedisStore({
        ...target,
        keyPrefix: r.keyPrefix,
        clock,
        ...(opts.onError ? { onError: opts.onError } : {}),
      });
    }
  }
}
