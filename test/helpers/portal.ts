/**
 * Starts a whole portal (real config loading, core, Okta adapter via the SDK, HTTP app) on an ephemeral
 * loopback port against a running emulator. Extra settings are given as environment variables, exactly as
 * an operator would set them; with OKTA_ORG_URL among them (the OAuth service-app mode, say) the portal uses the
 * org and credentials they configure, otherwise the emulator's SSWS token.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/index.js';
import { createPortal } from '../../src/portal.js';
import type { IdentityProvider } from '../../src/core/ports.js';

export interface RunningPortal {
  url: string;
  /** Every log line the portal wrote, for secret-leak checks. */
  logText(): string;
  close(): Promise<void>;
}

export async function startPortal(
  emu: { url: string; apiToken: string },
  env: Record<string, string> = {},
  opts: { idp?: IdentityProvider } = {},
): Promise<RunningPortal> {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk.toString('utf8'));
      cb();
    },
  });
  // The public URL must match the address we listen on for Origin checks: pick the port first.
  const probe = await import('node:net').then(
    ({ createServer }) =>
      new Promise<number>((resolve, reject) => {
        const s = createServer();
        s.once('error', reject);
        s.listen(0, '127.0.0.1', () => {
          const port = (s.address() as { port: number }).port;
          s.close(() => resolve(port));
        });
      }),
  );
  const config = loadConfig({
    PORT: String(probe),
    HOST: '127.0.0.1',
    COOKIE_SECRET: 'test-cookie-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: 'info',
    STORE: 'memory', // tests that need the SQLite file or Redis pass STORE (and DATA_DIR / REDIS_URL)
    // The emulator is the Okta org, as an operator would configure a real one (the demo mode needs none of this).
    OKTA_ORG_URL: emu.url,
    ...(env.OKTA_CLIENT_ID === undefined ? { OKTA_API_TOKEN: emu.apiToken } : {}),
    ...env,
  });
  const logger = pino({ level: 'debug' }, sink);
  const portal = await createPortal(config, {
    okta:
      config.okta.mode === 'org'
        ? { orgUrl: config.okta.orgUrl, auth: config.okta.auth }
        : { orgUrl: emu.url, auth: { kind: 'ssws', token: emu.apiToken } },
    logger,
    ...(opts.idp ? { idp: opts.idp } : {}),
  });
  await portal.app.listen({ host: '127.0.0.1', port: probe });
  return {
    url: `http://127.0.0.1:${probe}`,
    logText: () => chunks.join(''),
    close: () => portal.close(),
  };
}
