/**
 * Entry point (`npm start`): load and validate the configuration, start the emulator's demo org when no
 * Okta org is configured, build the portal, listen (and on METRICS_PORT for /metrics), and shut down cleanly.
 * Shutdown on SIGTERM / SIGINT (REL-7): readiness fails at once; the listeners stop accepting connections (idle
 * keep-alive connections are closed, new requests on busy ones get 503); in-flight requests finish; then the store
 * and the dev emulator are closed and the process exits 0. If that takes longer than SHUTDOWN_TIMEOUT_SECONDS, or
 * a second signal comes, the remaining connections are cut, the store is closed best-effort and the exit code is 1.
 */
import { ConfigError, loadConfig, type Config, type OidcConfig } from './config/index.js';
import { createLogger, createPortal, type OktaTarget } from './portal.js';
// The dev-mode helpers (./dev/*) are imported only when no Okta org is configured.
import type { EmulatorChild } from './dev/emulator-process.js';

function banner(config: Config, url: string, emulator: EmulatorChild | null): string {
  const lines = [`Okta MFA Portal listening on ${url}`, `  Public URL:  ${config.server.publicUrl}`];
  if (emulator) {
    lines.push(
      '',
      'No OKTA_ORG_URL is set, so the portal runs against the built-in Okta org emulator (demo org).',
      `  Emulated phone (open it in a second tab): ${emulator.phoneUrl}`,
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
    const { startEmulatorChild } = await import('./dev/emulator-process.js');
    emulator = await startEmulatorChild();
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

  const portal = await createPortal(config, { okta, logger, ...(oidc ? { oidc } : {}) });
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
  const forceExit = (why: string) => {
    logger.error({ why }, 'shutdown: forcing exit');
    portal.app.server.closeAllConnections();
    portal.metricsApp?.server.closeAllConnections();
    // The close below then completes (the store is closed); if even that hangs, exit anyway.
    setTimeout(() => process.exit(1), 2000).unref();
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
    logger.info({ signal, timeoutSeconds }, 'shutting down: finishing in-flight requests');
    const timer = setTimeout(() => forceExit(`in-flight requests still running after ${timeoutSeconds} s`), timeoutSeconds * 1000);
    timer.unref();
    portal
      .close()
      .then(() => emulator?.stop())
      .then(
        () => {
          clearTimeout(timer);
          logger.info({ exitCode }, 'shut down');
          process.exit(exitCode);
        },
        (err: unknown) => {
          logger.error({ err: err instanceof Error ? err.message : String(err) }, 'shutdown failed');
          process.exit(1);
        },
      );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`portal: failed to start: ${(err as Error).message}`);
  process.exit(1);
});
