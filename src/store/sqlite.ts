/**
 * SqliteStore: the Store port on an embedded SQLite file (better-sqlite3), the default for one portal instance.
 * Rules:
 * - One file `portal.sqlite` under the data directory, which is created on first start with mode 0700 (the file
 *   itself is 0600). WAL journal, synchronous=NORMAL (durable across a process crash; at most the last
 *   transactions are lost on a power cut), busy_timeout so a second process on the same file waits instead of
 *   failing.
 * - The file's schema is versioned (PRAGMA user_version) and migrated on open (sqlite-schema.ts); a file written by
 *   a newer release is refused with a clear error and left untouched.
 * - Table kv(key, value JSON text, expires_at epoch ms). Expiry uses the injected Clock: a row whose expires_at
 *   is not in the future does not exist for readers (lazy), and a periodic sweep on an unref'd timer deletes
 *   such rows (never keeps the process alive).
 * - take is one `DELETE ... RETURNING` statement and increment one `INSERT ... ON CONFLICT DO UPDATE ... RETURNING`
 *   statement, so both are atomic even with several processes on the same file. incrementEach and setEach run
 *   their statements in one IMMEDIATE transaction (one commit, one WAL append, instead of one per statement).
 *   better-sqlite3 is synchronous: each call runs to completion before any other JavaScript runs.
 * - Counters are kv rows whose value is a JSON integer (up to 15 digits; any other value, or an expired row, starts
 *   a new window at 1); a fixed window starts at the first increment.
 * - Errors from SQLite become StoreUnavailableError (no value or key in the message).
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Clock, CounterHit, CounterValue, StoreWrite } from '../core/ports.js';
import { StoreUnavailableError, errorLabel } from './errors.js';
import { SchemaTooNewError, assertSchemaKnown, migrate } from './sqlite-schema.js';
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
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: opts.mustExist === true });
    if (isNew) chmodSync(file, 0o600);
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(opts.busyTimeoutMs ?? 5000))}`);
    // A file from a newer release is refused before anything is written to it (even the journal mode).
    assertSchemaKnown(db);
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db);
  } catch (e) {
    try {
      db?.close();
    } catch {
      // the error below is the one to report
    }
    if (e instanceof SchemaTooNewError) throw new StoreUnavailableError(`DATA_DIR: ${file}: ${e.message}`, e);
    throw new StoreUnavailableError(`DATA_DIR: cannot open ${file} (${errorLabel(e)})`, e);
  }
  return new SqliteStore(db, file, opts.clock, opts.sweepIntervalMs ?? 60_000);
}

export class SqliteStore implements ManagedStore {
  readonly kind = 'sqlite' as const;
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;
  private readonly stmt;
  private readonly incrementEachTx;
  private readonly setEachTx;

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
      // A live counter (an unexpired row holding 1 to 15 digits) goes up by one in its window; anything else
      // becomes 1 in a new window. The SET expressions all read the row as it was before this statement.
      increment: db.prepare<[{ key: string; now: number; resetAt: number }], Row>(`
        INSERT INTO kv (key, value, expires_at) VALUES (@key, '1', @resetAt)
        ON CONFLICT (key) DO UPDATE SET
          value = CASE WHEN ${LIVE_COUNTER} THEN CAST(CAST(kv.value AS INTEGER) + 1 AS TEXT) ELSE '1' END,
          expires_at = CASE WHEN ${LIVE_COUNTER} THEN kv.expires_at ELSE excluded.expires_at END
        RETURNING value, expires_at`),
    };
    this.incrementEachTx = db.transaction((hits: readonly CounterHit[], now: number): CounterValue[] => {
      const out: CounterValue[] = [];
      for (const h of hits) {
        const r = this.incrementRow(h.key, h.windowMs, now);
        out.push(r);
        if (h.max !== undefined && r.count > h.max) break;
      }
      return out;
    });
    this.setEachTx = db.transaction((writes: readonly { key: string; json: string | undefined; ttlMs: number }[], now: number) => {
      for (const w of writes) {
        if (!(w.ttlMs > 0) || w.json === undefined) this.stmt.delete.run(w.key);
        else this.stmt.set.run(w.key, w.json, now + w.ttlMs);
      }
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

  async setEach(writes: readonly StoreWrite[]): Promise<void> {
    const encoded = writes.map((w) => ({ key: w.key, json: JSON.stringify(w.value) as string | undefined, ttlMs: w.ttlMs }));
    this.run('set', () => this.setEachTx.immediate(encoded, this.clock.now()));
  }

  async take<T>(key: string): Promise<T | null> {
    return this.run('take', () => {
      const row = this.stmt.take.get(key);
      if (!row || row.expires_at <= this.clock.now()) return null;
      return JSON.parse(row.value) as T;
    });
  }

  async increment(key: string, windowMs: number): Promise<CounterValue> {
    return this.run('increment', () => this.incrementRow(key, windowMs, this.clock.now()));
  }

  async incrementEach(hits: readonly CounterHit[]): Promise<CounterValue[]> {
    return this.run('increment', () => this.incrementEachTx.immediate(hits, this.clock.now()));
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

  private incrementRow(key: string, windowMs: number, now: number): CounterValue {
    const row = this.stmt.increment.get({ key, now, resetAt: now + Math.max(1, windowMs) });
    if (!row) throw new Error('increment returned no row');
    return { count: Number(row.value), resetAt: row.expires_at };
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

/** SQL: the conflicting row is a counter whose window is still open (as /^\d{1,15}$/ on its text). */
const LIVE_COUNTER = `kv.expires_at > @now AND length(kv.value) BETWEEN 1 AND 15 AND kv.value NOT GLOB '*[^0-9]*'`;
