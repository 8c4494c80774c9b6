/**
 * Entry point of `npm run audit -- ...` (see src/audit/command.ts and docs/configuration.md): prints the audit
 * events kept in the configured store. Exit codes: 0 done, 1 configuration or store unusable, 2 bad option.
 */
import { runAuditCommand } from '../audit/command.js';
import { systemClock } from '../core/index.js';

runAuditCommand(
  process.argv.slice(2),
  process.env,
  { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) },
  systemClock,
).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    process.stderr.write(`audit: failed (${e instanceof Error ? e.message : String(e)})\n`);
    process.exitCode = 1;
  },
);
