/**
 * Entry point (`npm start`): load and validate the configuration, start the emulator's demo org when no
 * Okta org is configured, build the portal, listen, and shut down cleanly on SIGINT/SIGTERM.
 */
import { ConfigError, loadConfig, type Config } from './config/index.js';
import { createLogger, createPortal, type OktaTarget } from './portal.js';
import { startEmulatorChild, type EmulatorChild } from './dev/emulator-process.js';

function banner(config: Config, url: string, emulator: EmulatorChild | null): string {
  const lines = [`Okta MFA Portal listening on ${url}`, `  Public URL:  ${config.server.publicUrl}`];
  if (emulator) {
    lines.push(
      '',
      'No OKTA_ORG_URL is set, so the portal runs against the built-in Okta org emulator (demo org).',
      `  Emulated phone (open it in a second tab): ${emulator.phoneUrl}`,
      `  Emulator base URL:                        ${emulator.url}`,
      '',
      'Demo users (try "Forgot password" with any of them):',
      ...emulator.users.map((u) => `  ${u.login.padEnd(34)} ${u.status.padEnd(17)} ${u.factors.join(', ') || 'no factors'}`),
    );
  } else if (config.okta.mode === 'org') {
    lines.push(`  Okta org:    ${config.okta.orgUrl}`);
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config);
  for (const warning of config.warnings) logger.warn(warning);

  let emulator: EmulatorChild | null = null;
  let okta: OktaTarget;
  if (config.okta.mode === 'org') {
    okta = { orgUrl: config.okta.orgUrl, auth: config.okta.auth };
  } else {
    emulator = await startEmulatorChild();
    okta = { orgUrl: emulator.url, auth: { kind: 'ssws', token: emulator.apiToken } };
  }

  const portal = await createPortal(config, { okta, logger });
  let url: string;
  try {
    url = await portal.app.listen({ host: config.server.host, port: config.server.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(`portal: cannot listen on ${config.server.host}:${config.server.port} (${code ?? (err as Error).message})`);
    await emulator?.stop();
    process.exit(1);
  }
  console.log(banner(config, url, emulator));

  let closing = false;
  const stop = (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    portal
      .close()
      .then(() => emulator?.stop())
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`portal: failed to start: ${(err as Error).message}`);
  process.exit(1);
});
