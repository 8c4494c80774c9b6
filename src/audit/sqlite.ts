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
import {
  auditTag,
  hourOf,
  queryLimit,
  type AuditCount,
  type AuditCountQuery,
  type AuditLog,
  type AuditQuery,
  type StoredAuditEvent,
} from './types.js';

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
  private readonly countStmt;
  private readonly pruneCountsStmt;
  private readonly countsStmt;
  private lastPrune = -Infinity;
  private pending: Pending[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    private readonly retentionMs: number,
  ) {
    let countsExisted = false;
    try {
      // The table is part of the file's versioned schema (store/sqlite-schema.ts); the store has already migrated
      // the file it opened, so this only does work for a database handed over directly.
      migrate(db);
      // Counts missing beside existing events: a file from before the counts (schema 3) is counted once, here.
      countsExisted =
        db.prepare('SELECT 1 FROM audit_counts LIMIT 1').get() !== undefined ||
        db.prepare('SELECT 1 FROM audit LIMIT 1').get() === undefined;
    } catch (e) {
      throw new StoreUnavailableError(`sqlite audit log: cannot bring its table up to date (${e instanceof SchemaTooNewError ? e.message : errorLabel(e)})`, e);
    }
    this.insert = db.prepare<[number, string, string, string | null, string | null, string | null, string, string, string | null]>(
      'INSERT INTO audit (at, action, outcome, login, user_id, method, ip, request_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.pruneStmt = db.prepare<[number]>('DELETE FROM audit WHERE at < ?');
    this.countStmt = db.prepare<[number, string, string, string, string, number]>(
      'INSERT INTO audit_counts (hour, action, outcome, method, tag, n) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO UPDATE SET n = n + excluded.n',
    );
    this.pruneCountsStmt = db.prepare<[number]>('DELETE FROM audit_counts WHERE hour < ?');
    this.countsStmt = db.prepare<[number, number], { hour: number; action: string; outcome: string; method: string; tag: string; n: number }>(
      'SELECT hour, action, outcome, method, tag, n FROM audit_counts WHERE hour >= ? AND hour < ?',
    );
    this.insertAll = db.transaction((events: readonly AuditEvent[]) => {
      for (const e of events) {
        this.insert.run(e.at, e.action, e.outcome, e.login, e.userId, e.method, e.ip, e.requestId, e.detail ?? null);
        this.countStmt.run(hourOf(e.at), e.action, e.outcome, e.method ?? '', auditTag(e), 1);
      }
    });
    if (!countsExisted) this.backfillCounts();
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

  async counts(q: AuditCountQuery): Promise<AuditCount[]> {
    if (this.pending.length > 0) this.flush();
    const from = Math.max(q.since, hourOf(this.clock.now() - this.retentionMs));
    const rows = this.run('counts', () => this.countsStmt.all(from, q.until));
    return rows.map((r) => ({ hour: r.hour, action: r.action, outcome: r.outcome as AuditOutcome, method: r.method === '' ? null : r.method, tag: r.tag, count: r.n }));
  }

  /** A log written before the counts existed: counts its events once, in one transaction. */
  private backfillCounts(): void {
    this.run('backfill counts', () =>
      this.db.transaction(() => {
        const rows = this.db.prepare<[], Pick<AuditRow, 'at' | 'action' | 'outcome' | 'method' | 'detail'>>('SELECT at, action, outcome, method, detail FROM audit');
        const acc = new Map<string, { hour: number; action: string; outcome: string; method: string; tag: string; n: number }>();
        for (const r of rows.iterate()) {
          const hour = hourOf(r.at);
          const tag = auditTag({ action: r.action, detail: r.detail ?? undefined });
          const key = `${hour}|${r.action}|${r.outcome}|${r.method ?? ''}|${tag}`;
          const c = acc.get(key);
          if (c) c.n++;
          else acc.set(key, { hour, action: r.action, outcome: r.outcome, method: r.method ?? '', tag, n: 1 });
        }
        for (const c of acc.values()) this.countStmt.run(c.hour, c.action, c.outcome, c.method, c.tag, c.n);
      }).immediate(),
    );
  }

  async prune(): Promise<number> {
    return this.pruneNow();
  }

  private pruneNow(): number {
    const now = this.clock.now();
    const changes = this.run('prune', () => this.pruneStmt.run(now - this.retentionMs).changes);
    this.run('prune', () => this.pruneCountsStmt.run(hourOf(now - this.retentionMs)));
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
