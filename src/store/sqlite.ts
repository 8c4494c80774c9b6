/**
 * SqliteStore: the Store port on an embedded SQLite file (better-sqlite3), the default for one portal instance.
 * Rules:
 * - One file `portal.sqlite` under the data directory, which is created on first start with mode 0700 (the file
 *   itself is 0600). WAL journal, synchronous=NORMAL (durable across a process crash; at most the last
 *   transactions are lost on a power cut), busy_timeout so a second process on the same file waits instead of
 *   failing.
 * - Table kv(key, value JSON text, expires_at epoch ms). Expiry uses the injected Clock: a row whose expires_at
 *   is not in the future does not exist for readers (lazy), and a periodic sweep on an unref'd timer deletes
 *   such rows (never keeps the process alive).
 * - take is one `DELETE ... RETURNING` statement and increment one IMMEDIATE transaction, so both are atomic
 *   even with several processes on the same file. better-sqlite3 is synchronous: each call runs to completion
 *   before any other JavaScript runs.
 * - Counters are kv rows whose value is a JSON integer; a fixed window starts at the first increment.
 * - Errors from SQLite become StoreUnavailableError (no value or key in the message).
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock } from '../core/ports.js';
import { StoreUnavailableError, errorLabel } from './errors.js';
import type { ManagedStore } from './types.js';

export const SQLITE_FILE_NAME = 'portal.sqlite';

export interface SqliteStoreOptions {
  /** Directory holding portal.sqlite; created (mode 0700) when missing unless mustExist. */
  dataDir: string;
  clock: Clock;
  /** Sweep expired rows this often (ms); 0 = lazy expiry only. Default 60 000. */
  sweepIntervalMs?: number;
  /** How long a statement waits for another process's write lock (ms). Default 5000. */
  busyTimeoutMs?: number;
  /** Fail instead of creating the directory and file (read-only tools such as the audit command). */
  mustExist?: boolean;
}

interface Row {
  value: string;
  expires_at: number;
}

/** Opens (and on first use creates) the SQLite store. Throws StoreUnavailableError with a clear reason. */
export function openSqliteStore(opts: SqliteStoreOptions): SqliteStore {
  const file = join(opts.dataDir, SQLITE_FILE_NAME);
  if (opts.mustExist && !existsSync(file)) {
    throw new StoreUnavailableError(`DATA_DIR: there is no ${SQLITE_FILE_NAME} in ${opts.dataDir} (has the portal run with this DATA_DIR?)`);
  }
  try {
    mkdirSync(opts.dataDir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new StoreUnavailableError(`DATA_DIR: cannot create ${opts.dataDir} (${errorLabel(e)})`, e);
  }
  const isNew = !existsSync(file);
  let db: Database.Database;
  try {
    db = new Database(file, { fileMustExist: opts.mustExist === true });
    if (isNew) chmodSync(file, 0o600);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    db.exec(`
      CREATE TABLE IF NOT EXISTS kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS kv_expires_at ON kv (expires_at);
    `);
  } catch (e) {
    throw new StoreUnavailableError(`DATA_DIR: cannot open ${file} (${errorLabel(e)})`, e);
  }
  return new SqliteStore(db, file, opts.clock, opts.sweepIntervalMs ?? 60_000);
}

export class SqliteStore implements ManagedStore {
  readonly kind = 'sqlite' as const;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly stmt;
  private readonly incrementTx;

  constructor(
    /** The open database; the SQLite audit log shares it. */
    readonly db: Database.Database,
    /** Absolute or relative path of the database file (for messages). */
    readonly file: string,
    private readonly clock: Clock,
    sweepIntervalMs: number,
  ) {
    this.stmt = {
      get: db.prepare<[string], Row>('SELECT value, expires_at FROM kv WHERE key = ?'),
      dropExpired: db.prepare<[string, number]>('DELETE FROM kv WHERE key = ? AND expires_at <= ?'),
      set: db.prepare<[string, string, number]>(
        'INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at',
      ),
      delete: db.prepare<[string]>('DELETE FROM kv WHERE key = ?'),
      take: db.prepare<[string], Row>('DELETE FROM kv WHERE key = ? RETURNING value, expires_at'),
      sweep: db.prepare<[number]>('DELETE FROM kv WHERE expires_at <= ?'),
    };
    this.incrementTx = db.transaction((key: string, windowMs: number, now: number): { count: number; resetAt: number } => {
      const row = this.stmt.get.get(key);
      const current = row && row.expires_at > now ? parseCounter(row.value) : null;
      if (row && current !== null) {
        const count = current + 1;
        this.stmt.set.run(key, String(count), row.expires_at);
        return { count, resetAt: row.expires_at };
      }
      const resetAt = now + Math.max(1, windowMs);
      this.stmt.set.run(key, '1', resetAt);
      return { count: 1, resetAt };
    });
    if (sweepIntervalMs > 0) {
      this.timer = setInterval(() => {
        try {
          this.sweep();
        } catch {
          // A busy or closed database: the next sweep (or a lazy read) tries again.
        }
      }, sweepIntervalMs);
      this.timer.unref();
    }
  }

  async get<T>(key: string): Promise<T | null> {
    return this.run('get', () => {
      const now = this.clock.now();
      const row = this.stmt.get.get(key);
      if (!row) return null;
      if (row.expires_at <= now) {
        this.stmt.dropExpired.run(key, now); // lazy expiry (the condition keeps a concurrent fresh write)
        return null;
      }
      return JSON.parse(row.value) as T;
    });
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    const json = JSON.stringify(value);
    this.run('set', () => {
      if (!(ttlMs > 0) || json === undefined) this.stmt.delete.run(key);
      else this.stmt.set.run(key, json, this.clock.now() + ttlMs);
    });
  }

  async delete(key: string): Promise<void> {
    this.run('delete', () => this.stmt.delete.run(key));
  }

  async take<T>(key: string): Promise<T | null> {
    return this.run('take', () => {
      const row = this.stmt.take.get(key);
      if (!row || row.expires_at <= this.clock.now()) return null;
      return JSON.parse(row.value) as T;
    });
  }

  async increment(key: string, windowMs: number): Promise<{ count: number; resetAt: number }> {
    return this.run('increment', () => this.incrementTx.immediate(key, windowMs, this.clock.now()));
  }

  /** Deletes every expired row now; returns how many. */
  sweep(): number {
    return this.stmt.sweep.run(this.clock.now()).changes;
  }

  async ping(): Promise<boolean> {
    if (this.closed) return false;
    try {
      this.db.prepare('SELECT 1').get();
      return true;
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private run<R>(op: string, fn: () => R): R {
    if (this.closed) throw new StoreUnavailableError(`sqlite store: ${op} after close`);
    try {
      return fn();
    } catch (e) {
      if (e instanceof SyntaxError) throw e; // a corrupt JSON value is a bug, not an outage
      throw new StoreUnavailableError(`sqlite store: ${op} failed (${errorLabel(e)})`, e);
    }
  }
}

function parseCounter(text: string): number | null {
  return /^\d{1,15}$/.test(text) ? Number(text) : null;
}
