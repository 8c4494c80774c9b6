// `npm run backup -- --out FILE` (issue 12, item 9): a copy taken through SQLite's online backup API while the portal's
// store is open and writing (WAL) holds every committed row, where a plain file copy holds none; the copy is one
// self-contained 0600 file that restores by being put back as DATA_DIR/portal.sqlite; the command never overwrites,
// and says what to do for Redis, memory, a missing database or bad options.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runBackupCommand } from '../../src/cli/backup-command.js';
import { createAuditLog } from '../../src/audit/index.js';
import { SCHEMA_VERSION, schemaVersion } from '../../src/store/sqlite-schema.js';
import { openSqliteStore, SQLITE_FILE_NAME } from '../../src/store/sqlite.js';
import { FakeClock } from '../helpers/fakes.js';
import { tempDir } from './helpers.js';

const dirs: { cleanup(): void }[] = [];
function newDir(): string {
  const d = tempDir('portal-backup-');
  dirs.push(d);
  return d.dir;
}
after(() => dirs.forEach((d) => d.cleanup()));

const NOW = Date.UTC(2030, 0, 1, 12);

async function run(argv: string[], env: Record<string, string>) {
  let out = '';
  let err = '';
  const code = await runBackupCommand(argv, env, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

describe('npm run backup', () => {
  test('while the portal writes (WAL), the backup holds every committed row; a plain copy does not; the copy restores', async () => {
    const dataDir = newDir();
    const clock = new FakeClock(NOW);
    const live = openSqliteStore({ dataDir, clock, sweepIntervalMs: 0 });
    const audit = createAuditLog(live, { clock, retentionDays: 90 });
    try {
      await live.set('flow:f1', { id: 'f1', state: 'verified' }, 600_000);
      await live.increment('rl:ip:203.0.113.7', 900_000);
      await audit.append({ at: NOW, action: 'recovery.start', outcome: 'success', login: 'jane@example.com', userId: '00u1jane', method: null, ip: '203.0.113.7', requestId: 'req-1' });

      // What the issue saw: the main file alone (the rows are still in portal.sqlite-wal) has no tables.
      const plain = join(newDir(), 'plain.sqlite');
      copyFileSync(join(dataDir, SQLITE_FILE_NAME), plain);
      const p = new Database(plain, { readonly: true });
      assert.deepEqual(p.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE type = 'table'").get(), { n: 0 });
      p.close();

      const outDir = newDir();
      const out = join(outDir, 'portal-backup.sqlite');
      const r = await run(['--out', out], { STORE: 'sqlite', DATA_DIR: dataDir });
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, new RegExp(`^backup: wrote .*portal-backup\\.sqlite \\(\\d+ bytes, schema version ${SCHEMA_VERSION}\\)\\n$`));
      assert.equal(r.err, '');
      assert.equal(statSync(out).mode & 0o777, 0o600);
      assert.equal(existsSync(`${out}-wal`), false);

      // The portal keeps working during and after the backup.
      await live.set('flow:f2', { id: 'f2' }, 600_000);
      assert.deepEqual(await live.get('flow:f1'), { id: 'f1', state: 'verified' });

      // Restore: the copy put back as DATA_DIR/portal.sqlite of a stopped portal.
      const copy = new Database(out, { readonly: true });
      assert.equal(copy.pragma('journal_mode', { simple: true }), 'delete', 'one self-contained file');
      assert.equal(schemaVersion(copy), SCHEMA_VERSION);
      copy.close();
      const restoredDir = join(newDir(), 'data');
      mkdirSync(restoredDir, { mode: 0o700 });
      copyFileSync(out, join(restoredDir, SQLITE_FILE_NAME));
      const restored = openSqliteStore({ dataDir: restoredDir, clock, sweepIntervalMs: 0 });
      try {
        assert.deepEqual(await restored.get('flow:f1'), { id: 'f1', state: 'verified' });
        assert.equal(await restored.get('flow:f2'), null, 'written after the backup');
        assert.equal((await restored.increment('rl:ip:203.0.113.7', 900_000)).count, 2);
        const events = await createAuditLog(restored, { clock, retentionDays: 90 }).query({});
        assert.deepEqual(
          events.map((e) => e.requestId),
          ['req-1'],
        );
      } finally {
        await restored.close();
      }
    } finally {
      await live.close();
    }
  });

  test('a backup of a stopped portal works too, and leaves the database as it was', async () => {
    const dataDir = newDir();
    const s = openSqliteStore({ dataDir, clock: new FakeClock(NOW), sweepIntervalMs: 0 });
    await s.set('flow:f1', { id: 'f1' }, 600_000);
    await s.close();
    const file = join(dataDir, SQLITE_FILE_NAME);
    const before = readFileSync(file);
    const out = join(newDir(), 'b.sqlite');
    const r = await run([`--out=${out}`], { STORE: 'sqlite', DATA_DIR: dataDir });
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(readFileSync(file), before);
    const copy = new Database(out, { readonly: true });
    assert.deepEqual(copy.prepare('SELECT key FROM kv').all(), [{ key: 'flow:f1' }]);
    copy.close();
  });

  test('never overwrites; clear messages for missing or bad options, other stores and a missing database', async () => {
    const dataDir = newDir();
    await openSqliteStore({ dataDir, clock: new FakeClock(NOW), sweepIntervalMs: 0 }).close();
    const env = { STORE: 'sqlite', DATA_DIR: dataDir };
    const existing = join(newDir(), 'exists.sqlite');
    writeFileSync(existing, 'keep me');

    const cases: [string[], Record<string, string>, number, RegExp][] = [
      [['--out', existing], env, 1, /^backup: --out: .*exists\.sqlite already exists; choose a new file name \(a backup never overwrites\)\n$/],
      [[], env, 2, /^backup: --out FILE is required \(see --help\)\n$/],
      [['--output', 'x'], env, 2, /^backup: Unknown option '--output' \(see --help\)\n$/],
      [['--out', join(newDir(), 'no', 'such', 'dir', 'b.sqlite')], env, 1, /^backup: --out: the directory .* does not exist\n$/],
      [['--out', join(newDir(), 'b.sqlite')], { STORE: 'sqlite', DATA_DIR: join(newDir(), 'empty') }, 1, /^backup: DATA_DIR: there is no portal\.sqlite in /],
      [['--out', join(newDir(), 'b.sqlite')], { STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:1/0' }, 1, /^backup: STORE=redis keeps the data in Redis: back it up there/],
      [['--out', join(newDir(), 'b.sqlite')], { STORE: 'memory' }, 1, /^backup: STORE=memory keeps nothing beyond the portal process/],
      [['--out', join(newDir(), 'b.sqlite')], { STORE: 'nonsense' }, 1, /^backup: Invalid configuration:\n {2}- STORE: must be one of/],
    ];
    for (const [argv, e, code, message] of cases) {
      const r = await run(argv, e);
      assert.equal(r.code, code, `${argv.join(' ')}: ${r.err}`);
      assert.match(r.err, message, argv.join(' '));
      assert.equal(r.out, '');
      assert.doesNotMatch(r.err, /\n\s+at /, 'no stack trace');
    }
    assert.equal(readFileSync(existing, 'utf8'), 'keep me');
    const help = await run(['--help'], {});
    assert.equal(help.code, 0);
    assert.match(help.out, /^Usage: npm run backup -- --out FILE/);
  });

  test('the entry point, spawned as npm run backup runs it', async () => {
    const dataDir = newDir();
    const s = openSqliteStore({ dataDir, clock: new FakeClock(NOW), sweepIntervalMs: 0 });
    await s.set('flow:f1', { id: 'f1' }, 600_000);
    const out = join(newDir(), 'spawned.sqlite');
    try {
      const entry = join(import.meta.dirname, '..', '..', 'src', 'cli', 'backup.ts');
      const result = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
        const child = spawn(process.execPath, ['--import', 'tsx', entry, '--out', out], {
          env: { PATH: process.env.PATH ?? '', STORE: 'sqlite', DATA_DIR: dataDir },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('close', (code) => resolve({ code, stdout, stderr }));
      });
      assert.equal(result.code, 0, result.stderr);
      assert.match(result.stdout, /^backup: wrote /);
      const copy = new Database(out, { readonly: true });
      assert.deepEqual(copy.prepare('SELECT key FROM kv').all(), [{ key: 'flow:f1' }]);
      copy.close();
    } finally {
      await s.close();
    }
  });
});
