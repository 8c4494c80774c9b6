#!/usr/bin/env node
/**
 * Entry point (`npm start`, the `okta-mfa-portal` command, the container's CMD): load and validate the configuration, start the emulator's demo org when no
 * Okta org is configured, build the portal, listen (and on METRICS_PORT for /metrics), and shut down cleanly.
 * Shutdown on SIGTERM / SIGINT (REL-7): readiness fails at once; the listeners stop accepting connections (idle
 * keep-alive connections are closed, new requests on busy ones get 503); in-flight requests finish; then the store
 * and the dev emulator are closed and the process exits 0. If that takes longer than SHUTDOWN_TIMEOUT_SECONDS, or
 * a second signal comes, the remaining connections are cut, the store is closed best-effort and the exit code is 1.
 * Process rules: it runs as PID 1 in a container (the handlers above are installed explicitly, as PID 1 gets no
 * default ones); a closed stdout (EPIPE: the log reader went away) never blocks or crashes the shutdown.
 * Flags: --version, --help, --check-config (src/cli/check-config.ts).
 */
import { ConfigError, loadConfig, type Config, type OidcConfig } from './config/index.js';
import { createLogger, createPortal, stdoutDestination, type OktaTarget } from './portal.js';
import { VERSION } from './version.js';
// The dev-mode helpers (./dev/*) are imported only when no Okta org is configured.
import type { EmulatorChild } from './dev/emulator-process.js';

function banner(config: Config, url: string, emulator: EmulatorChild | null): string {
  const lines = [`Okta MFA Portal listening on ${url}`, `  Public URL:  ${config.server.publicUrl}`];
  if (emulator) {
    lines.push(
      '',
      'No OKTA_ORG_URL is set, so the portal runs against the built-in Okta org emulator (demo org).',
      `  Emulated phone (open it in a second tab): ${emulator.phoneUrl}  (its Mailbox shows the portal's emails)`,
      `  Emulator base URL:                        ${emulator.url}`,
      '',
      `Sign in ("Sign in" on the landing page) as any ACTIVE demo user with the password Recover-Me-2026!`,
      '',
      'Demo users (try "Forgot password" with any of them):',
      ...emulator.users.map((u) => `  ${u.login.padEnd(34)} ${u.status.padEnd(17)} ${u.factors.join(', ') || 'no factors'}`),
    );
  } else if (config.okta.mode === 'org') {
    lines.push(`  Okta org:    ${config.okta.orgUrl}`);
  }
  return lines.join('\n');
}

const HELP = `okta-mfa-portal ${VERSION}: self-hosted MFA password recovery portal for Okta

Usage: okta-mfa-portal [--check-config | --version | --help]

  (no flag)        start the portal with the settings in the environment (docs/configuration.md)
  --check-config   validate every setting, ping the store and check the Okta credential once; exit 0 or 1
  --version        print the version
  --help           print this help

With no Okta, OIDC or SMTP setting and an http:// loopback PUBLIC_URL (or none), the portal starts the built-in
emulator's demo org (needs the development dependencies: npm install). See docs/deployment.md.`;

/** Writes to stdout or stderr must never throw or hold the process when the reader has gone (EPIPE). */
function ignoreBrokenPipes(): void {
  for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
}

async function cli(argv: readonly string[]): Promise<void> {
  ignoreBrokenPipes();
  const [flag, ...rest] = argv;
  if (flag === undefined) return main();
  if (rest.length > 0 || !['--version', '--help', '-h', '--check-config'].includes(flag)) {
    console.error(`okta-mfa-portal: unknown argument ${JSON.stringify(argv.join(' ').slice(0, 80))}\n\n${HELP}`);
    process.exit(2);
  }
  if (flag === '--version') console.log(VERSION);
  else if (flag === '--help' || flag === '-h') console.log(HELP);
  else {
    const { runCheckConfig } = await import('./cli/check-config.js');
    process.exitCode = await runCheckConfig(process.env, { out: (l) => console.log(l), err: (l) => console.error(l) });
  }
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig(process.env, { keepCookieSecret: true });
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logOut = stdoutDestination();
  const logger = createLogger(config, logOut.stream);
  // Every exit after this point lets the log queue drain for a moment, never longer (see stdoutDestination).
  const exit = (code: number): void => {
    void logOut.drain(1000).then(() => process.exit(code));
  };
  logger.info({ node: process.versions.node }, `okta-mfa-portal ${VERSION} starting`);
  for (const warning of config.warnings) logger.warn(warning);

  let emulator: EmulatorChild | null = null;
  let okta: OktaTarget;
  if (config.okta.mode === 'org') {
    okta = { orgUrl: config.okta.orgUrl, auth: config.okta.auth };
  } else {
    const { startEmulatorChild } = await import('./dev/emulator-process.js');
    try {
      emulator = await startEmulatorChild();
    } catch (err) {
      console.error(
        `portal: cannot start the demo org (${(err as Error).message}). The demo needs the development dependencies (npm install); ` +
          'for production set OKTA_ORG_URL and its credential (docs/deployment.md).',
      );
      process.exit(1);
    }
    okta = { orgUrl: emulator.url, auth: { kind: 'ssws', token: emulator.apiToken } };
  }
  // Dev mode: sign-in works out of the box against the emulator's authorization server.
  let oidc: OidcConfig | undefined;
  if (emulator && !config.oidc) {
    try {
      const { registerDevOidcClient } = await import('./dev/oidc-client.js');
      oidc = await registerDevOidcClient(emulator.url, { publicUrl: config.server.publicUrl, ...config.oidcRequest });
    } catch (err) {
      console.error(`portal: cannot set up sign-in with the emulator (${(err as Error).message})`);
      await emulator.stop();
      process.exit(1);
    }
  }

  const portal = await createPortal(config, {
    okta,
    logger,
    ...(oidc ? { oidc } : {}),
    // Demo mode: notifications go to the emulator's mailbox (shown on the emulated phone page).
    ...(emulator?.smtpUrl ? { mail: { smtpUrl: emulator.smtpUrl } } : {}),
    // A real org: readiness reports a refused credential (checked at start, every 5 minutes, every 30 s while refused).
    ...(emulator ? {} : { credentialCheck: { intervalMs: 300_000, retryMs: 30_000 } }),
  });
  let url: string;
  try {
    url = await portal.app.listen({ host: config.server.host, port: config.server.port });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    console.error(`portal: cannot listen on ${config.server.host}:${config.server.port} (${code ?? (err as Error).message})`);
    await emulator?.stop();
    process.exit(1);
  }
  let metricsUrl: string | null = null;
  if (portal.metricsApp && config.ops.metrics) {
    const { host, port } = config.ops.metrics;
    try {
      metricsUrl = await portal.metricsApp.listen({ host, port });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      console.error(`portal: cannot listen for metrics on ${host}:${port} (${code ?? (err as Error).message})`);
      await portal.close().catch(() => undefined);
      await emulator?.stop();
      process.exit(1);
    }
  }
  console.log(banner(config, url, emulator) + (metricsUrl ? `\n  Metrics:     ${metricsUrl}/metrics` : ''));

  let closing = false;
  let exitCode = 0;
  // Logging during shutdown is best-effort: with stdout gone a write may fail, and that must not stop the exit.
  const say = (fn: () => void) => {
    try {
      fn();
    } catch {
      // nothing to do: the log reader is gone
    }
  };
  const forceExit = (why: string) => {
    say(() => logger.error({ why }, 'shutdown: forcing exit'));
    portal.app.server.closeAllConnections();
    portal.metricsApp?.server.closeAllConnections();
    // The close below then completes (the store is closed); if even that hangs, exit anyway.
    setTimeout(() => {
      // Even a blocked log write must not keep the process: no flush on this path.
      void logOut.drain(0).then(() => process.exit(1));
    }, 2000).unref();
    exitCode = 1;
  };
  const stop = (signal: string) => {
    if (closing) {
      forceExit(`second signal ${signal}`);
      return;
    }
    closing = true;
    portal.beginShutdown();
    const timeoutSeconds = config.ops.shutdownTimeoutSeconds;
    say(() => logger.info({ signal, timeoutSeconds }, 'shutting down: finishing in-flight requests'));
    const timer = setTimeout(() => forceExit(`in-flight requests still running after ${timeoutSeconds} s`), timeoutSeconds * 1000);
    timer.unref();
    portal
      .close()
      .then(() => emulator?.stop())
      .then(
        () => {
          clearTimeout(timer);
          say(() => logger.info({ exitCode }, 'shut down'));
          exit(exitCode);
        },
        (err: unknown) => {
          say(() => logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed'));
          exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

cli(process.argv.slice(2)).catch((err: unknown) => {
  console.error(`portal: failed to start: ${(err as Error).message}`);
  process.exit(1);
});
