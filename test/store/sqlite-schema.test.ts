// The SQLite file's schema version and migrations (issue 12, item 9): a database written before versioning (0.1.0:
// the same tables, user_version 0) is upgraded on open with every row kept; a new file starts at the latest
// version; a file from a newer release is refused with a clear error and left byte for byte as it was; a failing
// migration leaves the file at its previous version.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createAuditLog } from '../../src/audit/index.js';
import { SqliteAuditLog } from '../../src/audit/sqlite.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { createStore } from '../../src/store/index.js';
import { MIGRATIONS, SCHEMA_VERSION, migrate, schemaVersion } from '../../src/store/sqlite-schema.js';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../src/store/sqlite.js';
import { FakeClock } from '../helpers/fakes.js';
import { tempDir } from './helpers.js';

const dirs: { cleanup(): void }[] = [];
function newDir(): string {
  const d = tempDir('portal-schema-');
  dirs.push(d);
  return d.dir;
}
after(() => dirs.forEach((d) => d.cleanup()));

const NOW = Date.UTC(2030, 0, 1, 12);

/** The schema exactly as 0.1.0 wrote it (before user_version was used), in WAL mode, with rows in both tables. */
function writeVersion0File(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const db = new Database(join(dataDir, SQLITE_FILE_NAME));
  db.pragma('journal_mode = WAL');
  db.exec(`
    CREATE TABLE IF NOT EXISTS kv (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      expires_at INTEGER NOT NULL
    ) STRICT, WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS kv_expires_at ON kv (expires_at);
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
    CREATE INDEX IF NOT EXISTS audit_user_at ON audit (user_id, at);
  `);
  const put = db.prepare('INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?)');
  put.run('flow:f1', JSON.stringify({ id: 'f1', state: 'verified', userId: '00u1jane' }), NOW + 600_000);
  put.run('rl:ip:203.0.113.7', '4', NOW + 900_000);
  db.prepare('INSERT INTO audit (at, action, outcome, login, user_id, method, ip, request_id, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)').run(
    NOW - 60_000,
    'recovery.verify',
    'success',
    'jane@example.com',
    '00u1jane',
    'sms',
    '203.0.113.7',
    'req-1',
    null,
  );
  assert.equal(db.pragma('user_version', { simple: true }), 0);
  db.close();
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

describe('SQLite schema version and migrations', () => {
  test('the migrations are numbered 1, 2, 3, … in order, and the latest is the schema version', () => {
    assert.deepEqual(
      MIGRATIONS.map((m) => m.version),
      MIGRATIONS.map((_, i) => i + 1),
    );
    assert.equal(SCHEMA_VERSION, MIGRATIONS.length);
  });

  test('a database written by the previous schema (user_version 0) is upgraded on open, keeping every row', async () => {
    const dataDir = newDir();
    writeVersion0File(dataDir);
    const clock = new FakeClock(NOW);
    const store = openSqliteStore({ dataDir, clock, sweepIntervalMs: 0 });
    try {
      assert.equal(schemaVersion(store.db), SCHEMA_VERSION);
      assert.deepEqual(await store.get('flow:f1'), { id: 'f1', state: 'verified', userId: '00u1jane' });
      // The counter keeps counting in its window (5, not a fresh 1) with its reset time.
      assert.deepEqual(await store.increment('rl:ip:203.0.113.7', 900_000), { count: 5, resetAt: NOW + 900_000 });
      const events = await createAuditLog(store, { clock, retentionDays: 90 }).query({ login: 'jane@example.com' });
      assert.equal(events.length, 1);
      assert.equal(events[0]!.action, 'recovery.verify');
      assert.equal(events[0]!.requestId, 'req-1');
    } finally {
      await store.close();
    }
    // Opening again is a no-op: same version, same rows.
    const again = openSqliteStore({ dataDir, clock, sweepIntervalMs: 0 });
    try {
      assert.equal(schemaVersion(again.db), SCHEMA_VERSION);
      assert.deepEqual(await again.get('flow:f1'), { id: 'f1', state: 'verified', userId: '00u1jane' });
    } finally {
      await again.close();
    }
  });

  test('a new file starts at the latest schema version with both tables', async () => {
    const store = openSqliteStore({ dataDir: newDir(), clock: new FakeClock(NOW), sweepIntervalMs: 0 });
    try {
      assert.equal(schemaVersion(store.db), SCHEMA_VERSION);
      const tables = store.db.prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all();
      assert.deepEqual(
        tables.map((t) => t.name),
        ['audit', 'audit_counts', 'kv'],
      );
    } finally {
      await store.close();
    }
  });

  test('a database from a newer release is refused with a clear error and not changed', async () => {
    const dataDir = newDir();
    const first = openSqliteStore({ dataDir, clock: new FakeClock(NOW), sweepIntervalMs: 0 });
    await first.set('flow:f1', { id: 'f1' }, 600_000);
    await first.close();
    const file = join(dataDir, SQLITE_FILE_NAME);
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.exec('CREATE TABLE later_feature (x TEXT)'); // what a later release might add
    db.pragma('journal_mode = DELETE'); // one self-contained file, so its bytes say everything
    db.close();
    const before = sha256(file);

    const expected = new RegExp(
      `^DATA_DIR: .*portal\\.sqlite: its schema version is ${SCHEMA_VERSION + 1}, newer than this release of okta-mfa-portal knows \\(${SCHEMA_VERSION}\\).*The file was not changed\\.$`,
    );
    assert.throws(
      () => openSqliteStore({ dataDir, clock: new FakeClock(NOW), sweepIntervalMs: 0 }),
      (e: unknown) => e instanceof StoreUnavailableError && expected.test(e.message),
    );
    // The portal's own start path (createStore) says the same.
    await assert.rejects(createStore({ kind: 'sqlite', dataDir, redis: null, auditRetentionDays: 90 }, new FakeClock(NOW), { sweepIntervalMs: 0 }), (e: unknown) =>
      e instanceof StoreUnavailableError && expected.test(e.message),
    );
    // The audit log handed the database directly refuses too.
    const raw = new Database(file, { readonly: true });
    try {
      assert.throws(() => new SqliteAuditLog(raw, new FakeClock(NOW), 86_400_000), /sqlite audit log: .*schema version is/);
    } finally {
      raw.close();
    }
    assert.equal(sha256(file), before, 'the newer file is byte for byte unchanged');
    assert.equal(existsSync(`${file}-wal`), false, 'not even switched to WAL');
  });

  test('the portal refuses to start on a newer file: exit 1 with the reason, no stack trace, the file unchanged', async () => {
    const dataDir = newDir();
    await openSqliteStore({ dataDir, clock: new FakeClock(NOW), sweepIntervalMs: 0 }).close();
    const file = join(dataDir, SQLITE_FILE_NAME);
    const db = new Database(file);
    db.pragma(`user_version = ${SCHEMA_VERSION + 7}`);
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = sha256(file);
    const entry = join(import.meta.dirname, '..', '..', 'src', 'main.ts');
    const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry], {
        env: {
          PATH: process.env.PATH ?? '',
          STORE: 'sqlite',
          DATA_DIR: dataDir,
          OKTA_ORG_URL: 'http://127.0.0.1:9',
          OKTA_API_TOKEN: 'schema-test-token-0123',
          COOKIE_SECRET: 'schema-test-cookie-secret-0123456789abcdef',
          PORT: '0',
          PUBLIC_URL: 'http://127.0.0.1:3999',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.equal(result.code, 1, result.stdout + result.stderr);
    assert.match(result.stderr, new RegExp(`its schema version is ${SCHEMA_VERSION + 7}, newer than this release of okta-mfa-portal knows \\(${SCHEMA_VERSION}\\)`));
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    assert.equal(sha256(file), before);
  });

  test('a migration that fails leaves the file at its previous version, without half of its changes', () => {
    const db = new Database(':memory:');
    try {
      migrate(db);
      const broken = [...MIGRATIONS, { version: SCHEMA_VERSION + 1, name: 'broken', sql: 'CREATE TABLE half (x TEXT); INSERT INTO no_such_table VALUES (1);' }];
      assert.throws(() => migrate(db, broken), /no such table/);
      assert.equal(schemaVersion(db), SCHEMA_VERSION);
      assert.deepEqual(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'half'").get(), { n: 0 });
    } finally {
      db.close();
    }
  });
});
