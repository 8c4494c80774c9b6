/**
 * backupSqlite: a consistent copy of DATA_DIR/portal.sqlite through SQLite's online backup API (better-sqlite3's
 * db.backup()), safe while the portal runs. A plain file copy of a WAL database misses every transaction still in
 * the -wal file (a copy taken a moment after the first start held no tables at all); the backup API reads through
 * SQLite, so it sees the database as one transaction sees it, WAL included, while the portal keeps writing.
 * Rules:
 * - Never overwrites: the copy is written to a temporary file beside the target (mode 0600: it holds flows and the
 *   audit log), checked (`PRAGMA quick_check`), turned into a self-contained single file (journal_mode DELETE, no
 *   -wal beside it), and only then linked to the target name, which must not exist.
 * - The source is opened for reading only when possible; the backup never migrates or otherwise changes it.
 * - Errors name the setting or option to fix (DATA_DIR: ..., --out: ...), never a stack trace.
 */
import { closeSync, existsSync, linkSync, openSync, statSync, unlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { errorLabel } from './errors.js';
import { schemaVersion } from './sqlite-schema.js';
import { SQLITE_FILE_NAME } from './sqlite.js';

export class BackupError extends Error {
  override name = 'BackupError';
}

export interface BackupResult {
  /** The backup file (absolute). */
  file: string;
  bytes: number;
  /** The schema version (user_version) of the copy. */
  schemaVersion: number;
}

export async function backupSqlite(opts: { dataDir: string; out: string }): Promise<BackupResult> {
  const source = join(opts.dataDir, SQLITE_FILE_NAME);
  if (!existsSync(source)) throw new BackupError(`DATA_DIR: there is no ${SQLITE_FILE_NAME} in ${opts.dataDir} (has the portal run with this DATA_DIR?)`);
  const out = resolve(opts.out);
  if (existsSync(out)) throw new BackupError(`--out: ${out} already exists; choose a new file name (a backup never overwrites)`);
  const dir = dirname(out);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BackupError(`--out: the directory ${dir} does not exist`);
  if (resolve(source) === out) throw new BackupError('--out: that is the database itself');

  const temp = join(dir, `.${SQLITE_FILE_NAME}.backup-${process.pid}-${Date.now()}.partial`);
  try {
    // Created empty with mode 0600 first, so the copy is never readable by others even for a moment.
    closeSync(openSync(temp, 'wx', 0o600));
  } catch (e) {
    throw new BackupError(`--out: cannot write in ${dir} (${errorLabel(e)})`);
  }
  try {
    let db: Database.Database;
    try {
      db = new Database(source, { fileMustExist: true, readonly: true });
      db.pragma('busy_timeout = 5000');
    } catch (e) {
      throw new BackupError(`DATA_DIR: cannot open ${source} (${errorLabel(e)})`);
    }
    try {
      await db.backup(temp);
    } catch (e) {
      throw new BackupError(`backup of ${source} failed (${errorLabel(e)})`);
    } finally {
      db.close();
    }
    const version = checkCopy(temp);
    try {
      linkSync(temp, out); // fails if the target appeared meanwhile: still no overwrite
    } catch (e) {
      throw new BackupError(`--out: cannot create ${out} (${errorLabel(e)})`);
    }
    return { file: out, bytes: statSync(out).size, schemaVersion: version };
  } finally {
    for (const f of [temp, `${temp}-wal`, `${temp}-shm`, `${temp}-journal`]) {
      try {
        unlinkSync(f);
      } catch {
        // not there
      }
    }
  }
}

/** Checks the copy and makes it one self-contained file; returns its schema version. */
function checkCopy(file: string): number {
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { fileMustExist: true });
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new BackupError(`the copy failed its integrity check (${String(check).slice(0, 200)}); the database was not changed`);
    db.pragma('journal_mode = DELETE');
    return schemaVersion(db);
  } catch (e) {
    if (e instanceof BackupError) throw e;
    throw new BackupError(`cannot check the copy (${errorLabel(e)})`);
  } finally {
    db?.close();
  }
}
