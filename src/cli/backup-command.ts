/**
 * The backup command (`npm run backup -- --out FILE`): a consistent copy of the portal's SQLite database, taken
 * through SQLite's online backup API while the portal keeps running (src/store/sqlite-backup.ts). It reads the
 * portal's own configuration (STORE, DATA_DIR, or a PORTAL_CONFIG file).
 * Exit codes: 0 done, 1 configuration, store or file problem (a clear message, no stack trace), 2 bad option.
 * With STORE=redis or memory there is no file to copy: the message says what to do instead.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import { BackupError, backupSqlite } from '../store/sqlite-backup.js';

export const BACKUP_USAGE = `Usage: npm run backup -- --out FILE

Copies the portal's SQLite database (DATA_DIR/portal.sqlite) to FILE through SQLite's online backup API. Safe while
the portal runs. FILE must not exist yet; it is written with mode 0600. Same settings as the portal (STORE,
DATA_DIR, or a PORTAL_CONFIG file). To restore, see docs/deployment.md ("Backup and restore").

  --out FILE   where to write the copy (required)
  --help       this text`;

export interface BackupIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

export async function runBackupCommand(argv: string[], env: Record<string, string | undefined>, io: BackupIo): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { out: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
    }));
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split(/\.(?:\s|$)/)[0] || 'bad arguments';
    io.err(`backup: ${first.replace(/[^\x20-\x7e]/g, '?').slice(0, 200)} (see --help)\n`);
    return 2;
  }
  if (values.help) {
    io.out(`${BACKUP_USAGE}\n`);
    return 0;
  }
  if (values.out === undefined || values.out.trim() === '') {
    io.err('backup: --out FILE is required (see --help)\n');
    return 2;
  }
  let config;
  try {
    // The backup signs no cookie: a stand-in keeps loadConfig from asking for COOKIE_SECRET (required with Redis).
    const ownSecret = env.COOKIE_SECRET !== undefined || env.COOKIE_SECRET_FILE !== undefined;
    config = loadConfig(ownSecret ? env : { ...env, COOKIE_SECRET: 'backup-command-signs-no-cookie-0123456789abcdef' });
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`backup: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (config.store.kind === 'redis') {
    io.err(
      'backup: STORE=redis keeps the data in Redis: back it up there (its AOF or RDB files, e.g. after BGSAVE); see docs/deployment.md ("Backup and restore").\n',
    );
    return 1;
  }
  if (config.store.kind === 'memory') {
    io.err('backup: STORE=memory keeps nothing beyond the portal process; there is nothing to back up.\n');
    return 1;
  }
  try {
    const r = await backupSqlite({ dataDir: config.store.dataDir, out: values.out });
    io.out(`backup: wrote ${r.file} (${r.bytes} bytes, schema version ${r.schemaVersion})\n`);
    return 0;
  } catch (e) {
    if (e instanceof BackupError) {
      io.err(`backup: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
}
