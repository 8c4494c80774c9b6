// CLI: `node dist/emulator/src/main.js [--port N] [--host H] [--api-token T] [--seed FILE] [--smtp-port N]` (also
// EMULATOR_PORT, EMULATOR_HOST, EMULATOR_API_TOKEN, EMULATOR_SEED, EMULATOR_SMTP_PORT). Rules: flags win over env; bad flags print a clear message and
// exit 2; a bad seed exits 2 naming the field; prints the base URL, the token, the phone page and the seeded users;
// SIGINT/SIGTERM close the server and exit 0; it refuses to run with NODE_ENV=production (it is a dev tool).
import { parseArgs } from 'node:util';
import { DEFAULT_API_TOKEN, DEMO_OIDC_CLIENT_ID, SeedError, startEmulator } from './server.js';
import { loadSeed } from './seed/load.js';
import { DEMO_PASSWORD } from './seed/demo.js';

const USAGE = `Usage: npm run emulator -- [--port N] [--host H] [--api-token T] [--seed FILE]
  --port N        port to listen on (default 8090, env EMULATOR_PORT; 0 = any free port)
  --host H        interface to bind (default 127.0.0.1, env EMULATOR_HOST)
  --api-token T   SSWS token callers must send (default ${DEFAULT_API_TOKEN}, env EMULATOR_API_TOKEN)
  --seed FILE     JSON or YAML org seed (default: built-in demo org, env EMULATOR_SEED)
  --smtp-port N   port of the mailbox's SMTP listener (default 2525, env EMULATOR_SMTP_PORT; 0 = any free port)
  --help          show this help`;

function fail(message: string, showUsage = true): never {
  console.error(showUsage ? `emulator: ${message}\n\n${USAGE}` : `emulator: ${message}`);
  process.exit(2);
}

function parse(): { port: number; host: string; apiToken: string; seed: string | undefined; smtpPort: number } {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'api-token': { type: 'string' },
        seed: { type: 'string' },
        'smtp-port': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    fail((err as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const portText = (values.port as string | undefined) ?? process.env.EMULATOR_PORT ?? '8090';
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) fail(`invalid port "${portText}" (expected 0-65535)`);
  const host = (values.host as string | undefined) ?? process.env.EMULATOR_HOST ?? '127.0.0.1';
  if (!/^[A-Za-z0-9.:-]+$/.test(host)) fail(`invalid host "${host}"`);
  const apiToken = (values['api-token'] as string | undefined) ?? process.env.EMULATOR_API_TOKEN ?? DEFAULT_API_TOKEN;
  if (apiToken.length < 8 || /\s/.test(apiToken)) fail('the API token must be at least 8 characters with no whitespace');
  const seed = (values.seed as string | undefined) ?? (process.env.EMULATOR_SEED || undefined);
  const smtpText = (values['smtp-port'] as string | undefined) ?? process.env.EMULATOR_SMTP_PORT ?? '2525';
  if (!/^\d{1,5}$/.test(smtpText) || Number(smtpText) > 65535) fail(`invalid SMTP port "${smtpText}" (expected 0-65535)`);
  return { port: Number(portText), host, apiToken, seed, smtpPort: Number(smtpText) };
}

async function main(): Promise<void> {
  const opts = parse();
  if (process.env.NODE_ENV === 'production') fail('refusing to start with NODE_ENV=production: the emulator is a development tool', false);
  let seed;
  try {
    seed = loadSeed(opts.seed);
  } catch (err) {
    if (err instanceof SeedError) fail(err.message, false);
    throw err;
  }
  let running;
  try {
    running = await startEmulator({ ...opts, seed: opts.seed });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      console.error(`emulator: cannot listen on ${opts.host}:${opts.port} (${code})`);
      process.exit(2);
    }
    throw err;
  }
  const lines = [
    `Okta org emulator "${seed.org.name}" listening`,
    `  Base URL (orgUrl):  ${running.url}`,
    `  API token (SSWS):   ${running.apiToken === DEFAULT_API_TOKEN ? running.apiToken + '  (documented dev token)' : '(custom token from --api-token / EMULATOR_API_TOKEN)'}`,
    `  Phone page:         ${running.phoneUrl}`,
    `  Control API:        ${running.url}/_emulator/{outbox,mail,push,users,clock,requests,faults,reset}`,
    `  Mailbox (SMTP):     ${running.smtpUrl ?? 'off'}`,
    `  OIDC issuer:        ${running.issuer}${opts.seed ? '' : `  (demo client ${DEMO_OIDC_CLIENT_ID})`}`,
    '',
    `Users${opts.seed ? '' : ` (demo password for all: ${DEMO_PASSWORD})`}:`,
    ...seed.users.map((u) => {
      const factors = u.factors.map((f) => f.type).join(', ') || 'no factors';
      return `  ${u.login.padEnd(32)} ${u.status.padEnd(17)} ${factors}${u.login === seed.apiTokenOwner ? '  [API token owner]' : ''}`;
    }),
  ];
  console.log(lines.join('\n'));
  // When started by another program over IPC (the portal's dev launcher), say where we listen.
  process.send?.({
    type: 'ready',
    url: running.url,
    phoneUrl: running.phoneUrl,
    smtpUrl: running.smtpUrl,
    users: seed.users.map((u) => ({ login: u.login, status: u.status, factors: u.factors.map((f) => f.type) })),
  });

  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    console.log(`\nemulator: ${signal} received, closing`);
    running
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`emulator: failed to start: ${(err as Error).message}`);
  process.exit(1);
});
