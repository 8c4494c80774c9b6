/**
 * SqliteAuditLog: audit events in the SQLite store's database file (table `audit`, part of the file's
 * versioned schema in store/sqlite-schema.ts).
 * Rules: as in types.ts. Rows are only inserted and, past the retention period, deleted (at most once a minute,
 * on append, and whenever prune() is called); queries never return an expired row even before it is deleted.
 * Indexes serve the command's filters: by time, by login (case-insensitive) and by user id.
 * Group commit: the events appended while the current event-loop turn runs are inserted together in one
 * transaction just after it (setImmediate), and each append resolves (or fails) once its row is committed. Under
 * load that is several events per commit, where each insert used to be a commit (and a WAL append) of its own.
 */
import type Database from 'better-sqlite3';
import type { AuditEvent, AuditOutcome, Clock, RecoveryMethod } from '../core/ports.js';
import { StoreUnavailableError, errorLabel } from '../store/errors.js';
import { SchemaTooNewError, migrate } from '../store/sqlite-schema.js';
import { queryLimit, type AuditLog, type AuditQuery, type StoredAuditEvent } from './types.js';

const PRUNE_EVERY_MS = 60_000;

interface AuditRow {
  id: number;
  at: number;
  action: string;
  outcome: string;
  login: string | null;
  user_id: string | null;
  method: string | null;
  ip: string;
  request_id: string;
  detail: string | null;
}

interface Pending {
  event: AuditEvent;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export class SqliteAuditLog implements AuditLog {
  private readonly insert;
  private readonly insertAll;
  private readonly pruneStmt;
  private lastPrune = -Infinity;
  private pending: Pending[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {
    try {
      // The table is part of the file's versioned schema (store/sqlite-schema.ts); the store has already migrated
      // the file it opened, so this only does work for a database handed over directly.
      migrate(db);
    } catch (e) {
      throw new StoreUnavailableError(`sqlite audit log: cannot bring its table up to date (${e instanceof SchemaTooNewError ? e.message : errorLabel(e)})`, e);
    }
    this.insert = db.prepare<[number, string, string, string | null, string | null, string | null, string, string, string | null]>(
      'INSERT INTO audit (at, action, outcome, login, user_id, method, ip, request_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.pruneStmt = db.prepare<[number]>('DELETE FROM audit WHERE at < ?');
    this.insertAll = db.transaction((events: readonly AuditEvent[]) => {
      for (const e of events) {
        this.insert.run(e.at, e.action, e.outcome, e.login, e.userId, e.method, e.ip, e.requestId, e.detail ?? null);
      }
    });
  }

  append(event: AuditEvent): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (this.pending.push({ event, resolve, reject }) === 1) setImmediate(() => this.flush());
    });
  }

  /** Commits every pending event in one transaction, then settles their appends. */
  private flush(): void {
    const batch = this.pending;
    this.pending = [];
    try {
      this.run('append', () => this.insertAll.immediate(batch.map((p) => p.event)));
    } catch (e) {
      for (const p of batch) p.reject(e);
      return;
    }
    for (const p of batch) p.resolve();
    if (this.clock.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    try {
      this.pruneNow();
    } catch {
      // the events are stored; pruning is tried again on a later append or by prune()
    }
  }

  async query(q: AuditQuery = {}): Promise<StoredAuditEvent[]> {
    if (this.pending.length > 0) this.flush(); // a query sees every append made before it
    const where = ['at >= ?'];
    const params: (string | number)[] = [Math.max(q.since ?? 0, this.clock.now() - this.retentionMs)];
    if (q.login !== undefined) {
      where.push('login = ? COLLATE NOCASE');
      params.push(q.login);
    }
    if (q.userId !== undefined) {
      where.push('user_id = ?');
      params.push(q.userId);
    }
    params.push(queryLimit(q));
    const rows = this.run('query', () =>
      this.db
        .prepare<(string | number)[], AuditRow>(`SELECT * FROM audit WHERE ${where.join(' AND ')} ORDER BY at DESC, id DESC LIMIT ?`)
        .all(...params),
    );
    return rows.reverse().map(fromRow);
  }

  async prune(): Promise<number> {
    return this.pruneNow();
  }

  private pruneNow(): number {
    const now = this.clock.now();
    const changes = this.run('prune', () => this.pruneStmt.run(now - this.retentionMs).changes);
    this.lastPrune = now;
    return changes;
  }

  private run<R>(op: string, fn: () => R): R {
    try {
      return fn();
    } catch (e) {
      throw new StoreUnavailableError(`sqlite audit log: ${op} failed (${errorLabel(e)})`, e);
    }
  }
}

function fromRow(r: AuditRow): StoredAuditEvent {
  return {
    id: String(r.id),
    at: r.at,
    action: r.action,
    outcome: r.outcome as AuditOutcome,
    login: r.login,
    userId: r.user_id,
    method: r.method as RecoveryMethod | null,
    ip: r.ip,
    requestId: r.request_id,
    ...(r.detail === null ? {} : { detail: r.detail }),
  };
}
