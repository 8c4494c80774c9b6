/**
 * Entry point of `npm run backup -- --out FILE` (see src/cli/backup-command.ts and docs/deployment.md).
 * Exit codes: 0 done, 1 configuration, store or file unusable, 2 bad option.
 */
import { runBackupCommand } from './backup-command.js';

runBackupCommand(process.argv.slice(2), process.env, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`backup: failed (${e instanceof Error ? e.message : String(e)})\n`);
    process.exitCode = 1;
  },
);
