/**
 * The schema of the portal's SQLite file (portal.sqlite: the store's kv table and the audit log's table), versioned
 * with SQLite's `PRAGMA user_version` and brought up to date by ordered migrations when the file is opened.
 * Rules:
 * - Version 0 is a file from before versioning (0.1.0 and earlier: the same tables, user_version never set) or a new
 *   empty file. Every migration is written so that it also applies to such a file without losing a row (the first
 *   ones create their tables only if missing).
 * - Migrations run in order, each in one IMMEDIATE transaction together with the new user_version, so a crash or a
 *   failure leaves the file at the previous version, never half-migrated; another process opening the same file at
 *   the same moment waits (busy_timeout) and then finds the work done.
 * - A file whose version is newer than this code knows (written by a later release) is refused with a clear error
 *   and left untouched: its tables may mean something this code would corrupt.
 * - Append a migration to change the schema; never edit or reorder a released one.
 */
import type Database from 'better-sqlite3';

export interface Migration {
  /** The user_version after this migration: 1, 2, 3, … in order. */
  version: number;
  /** What it does, for the log and the docs. */
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'store: kv table with an expiry index',
    sql: `
      CREATE TABLE IF NOT EXISTS kv (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL,
        expires_at INTEGER NOT NULL
      ) STRICT, WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS kv_expires_at ON kv (expires_at);`,
  },
  {
    version: 2,
    name: 'audit: audit table with indexes by time, login and user id',
    sql: `
      CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY,
        at INTEGER NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        login TEXT,
        user_id TEXT,
        method TEXT,
        ip TEXT NOT NULL,
        request_id TEXT NOT NULL,
        detail TEXT
      ) STRICT;
      CREATE INDEX IF NOT EXISTS audit_at ON audit (at);
      CREATE INDEX IF NOT EXISTS audit_login_at ON audit (login COLLATE NOCASE, at);
      CREATE INDEX IF NOT EXISTS audit_user_at ON audit (user_id, at);`,
  },
  {
    version: 3,
    name: 'audit: hourly counts beside the events (insights); filled from the events by the audit log on first open',
    sql: `
      CREATE TABLE IF NOT EXISTS audit_counts (
        hour INTEGER NOT NULL,
        action TEXT NOT NULL,
        outcome TEXT NOT NULL,
        method TEXT NOT NULL,
        tag TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (hour, action, outcome, method, tag)
      ) STRICT, WITHOUT ROWID;`,
  },
];

/** The schema version this code writes and understands. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/** A file written by a newer release than this one. */
export class SchemaTooNewError extends Error {
  constructor(
    readonly found: number,
    readonly known: number,
  ) {
    super(
      `its schema version is ${found}, newer than this release of okta-mfa-portal knows (${known}): it was written by a later release. ` +
        'Run that release (or later), or restore a backup taken before the upgrade (docs/deployment.md, "Backup and restore"). The file was not changed.',
    );
    this.name = 'SchemaTooNewError';
  }
}

export function schemaVersion(db: Database.Database): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Refuses a file from a newer release; reads only. */
export function assertSchemaKnown(db: Database.Database): number {
  const found = schemaVersion(db);
  if (found > SCHEMA_VERSION) throw new SchemaTooNewError(found, SCHEMA_VERSION);
  return found;
}

/**
 * Brings the file up to SCHEMA_VERSION. Returns the versions before and after (equal when nothing was to do).
 * Throws SchemaTooNewError for a newer file, or SQLite's error when a migration fails (the file keeps its version).
 */
export function migrate(db: Database.Database, migrations: readonly Migration[] = MIGRATIONS): { from: number; to: number } {
  const known = migrations[migrations.length - 1]?.version ?? 0;
  const before = schemaVersion(db);
  if (before > known) throw new SchemaTooNewError(before, known);
  if (before === known) return { from: before, to: before };
  let from = before;
  const step = db.transaction((m: Migration) => {
    // Read again under the write lock: another process may have migrated meanwhile.
    const now = schemaVersion(db);
    if (now > known) throw new SchemaTooNewError(now, known);
    if (now >= m.version) return;
    db.exec(m.sql);
    db.pragma(`user_version = ${m.version}`);
  });
  for (const m of migrations) {
    if (m.version <= from) continue;
    step.immediate(m);
    from = m.version;
  }
  return { from: before, to: schemaVersion(db) };
}
