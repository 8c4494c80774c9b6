/**
 * The audit module's public surface: the audit log for the configured store, and the AuditSink the core writes to.
 * Rules: createAuditLog picks the backend that matches the store (same SQLite file, same Redis connection and key
 * prefix, or process memory). createAuditSink writes every event to the log as one JSON line (`audit: true`,
 * unchanged from before there was a store) and then appends it to the audit log; a failed append is logged as
 * an error (the event itself is already in the log line) and never breaks the request.
 */
import type { AuditEvent, AuditSink, Clock } from '../core/ports.js';
import { MemoryStore } from '../store/memory.js';
import type { RedisStore } from '../store/redis.js';
import type { SqliteStore } from '../store/sqlite.js';
import type { ManagedStore } from '../store/types.js';
import { MemoryAuditLog } from './memory.js';
import { RedisAuditLog } from './redis.js';
import { SqliteAuditLog } from './sqlite.js';
import type { AuditLog } from './types.js';

export { MemoryAuditLog } from './memory.js';
export { SqliteAuditLog } from './sqlite.js';
export { RedisAuditLog } from './redis.js';
export { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT, type AuditLog, type AuditQuery, type StoredAuditEvent } from './types.js';

const DAY_MS = 24 * 3600 * 1000;

export interface AuditLogOptions {
  clock: Clock;
  retentionDays: number;
}

export function createAuditLog(store: ManagedStore, opts: AuditLogOptions): AuditLog {
  const retentionMs = Math.max(1, opts.retentionDays) * DAY_MS;
  // By kind and shape, not `instanceof SqliteStore / RedisStore`: importing those classes here would load
  // better-sqlite3 and ioredis at start-up whatever STORE says (createStore imports only the configured one).
  if (isSqliteStore(store)) return new SqliteAuditLog(store.db, opts.clock, retentionMs);
  if (isRedisStore(store)) return new RedisAuditLog(store.redis, store.keyPrefix, opts.clock, retentionMs, { cluster: store.cluster });
  if (store instanceof MemoryStore) return new MemoryAuditLog(opts.clock, retentionMs);
  throw new Error(`createAuditLog: no audit log for a ${store.kind} store`);
}

function isSqliteStore(store: ManagedStore): store is SqliteStore {
  return store.kind === 'sqlite' && typeof (store as Partial<SqliteStore>).db?.prepare === 'function';
}

function isRedisStore(store: ManagedStore): store is RedisStore {
  const s = store as Partial<RedisStore>;
  return store.kind === 'redis' && typeof s.redis?.eval === 'function' && typeof s.keyPrefix === 'string';
}

/** The subset of a pino logger the sink uses. */
export interface AuditLogger {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export function createAuditSink(opts: { logger: AuditLogger; log: AuditLog | null }): AuditSink {
  return {
    async record(event: AuditEvent) {
      opts.logger.info({ event }, 'audit');
      if (!opts.log) return;
      try {
        await opts.log.append(event);
      } catch (e) {
        opts.logger.error(
          { requestId: event.requestId, action: event.action, err: e instanceof Error ? e.message : String(e) },
          'audit event not stored (it is in the log line above)',
        );
      }
    },
  };
}
