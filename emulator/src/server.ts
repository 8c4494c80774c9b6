// Builds and starts the Okta org emulator. Rules: one Fastify instance per emulator with its own clock, org state,
// faults, request log and rate limiter; binds 127.0.0.1 by default; `//` runs in paths are collapsed before routing
// (the Okta SDK sends `//api/...` when orgUrl ends with a slash); bodies are capped at 1 MB; the phone page (H2's
// emulator/src/phone/page.ts) is registered after the API routes; the OIDC side (emulator/src/oidc/) shares the
// org state, and its issuer is fixed to the listening URL by startEmulator.
import Fastify, { type FastifyInstance } from 'fastify';
import { Clock } from './clock.js';
import type { EmulatorContext } from './context.js';
import { OktaError } from './errors.js';
import { Faults } from './faults.js';
import { BODY_LIMIT, frameworkErrorHandler, registerHttpBehaviour } from './headers.js';
import { ServiceApps } from './oauth/apps.js';
import { registerServiceAppRoutes } from './oauth/token.js';
import { OidcService } from './oidc/provider.js';
import { registerOidcRoutes } from './oidc/routes.js';
import { OrgState, prepareSeed } from './org/state.js';
import { registerPhonePage } from './phone/page.js';
import { startSmtpListener, type RunningSmtp } from './mail/smtp.js';
import { RateLimiter } from './ratelimit.js';
import { RequestLog } from './requestlog.js';
import { registerAuthnRoutes } from './routes/authn.js';
import { registerControlRoutes } from './routes/control.js';
import { registerCredentialRoutes } from './routes/credentials.js';
import { registerFactorRoutes } from './routes/factors.js';
import { registerLifecycleRoutes } from './routes/lifecycle.js';
import { registerMetaRoutes } from './routes/meta.js';
import { registerPolicyRoutes } from './routes/policies.js';
import { registerUserRoutes } from './routes/users.js';
import { registerVerifyRoutes } from './routes/verify.js';
import { loadSeed } from './seed/load.js';
import type { SeedOrg } from './seed/schema.js';

export type { SeedOrg } from './seed/schema.js';
export { SeedError } from './seed/load.js';
export { DEMO_PASSWORD, DEMO_OIDC_CLIENT_ID, DEMO_OIDC_CLIENT_SECRET } from './seed/demo.js';
export { OIDC_MOUNT } from './oidc/paths.js';

/** The documented development token. Not a secret: anyone can read it here and in emulator/README.md. */
export const DEFAULT_API_TOKEN = '00emulator-dev-token-not-a-secret';

export interface StartOptions {
  /** 0 = ephemeral (the programmatic default; the CLI defaults to 8090). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default DEFAULT_API_TOKEN. */
  apiToken?: string;
  /** Path to a JSON/YAML seed file, or a seed object; default: the built-in demo org. */
  seed?: string | SeedOrg;
  /** Initial virtual clock, epoch ms (default Date.now()). */
  startTime?: number;
  /** Fastify's request logger (default false). Bodies and headers are never logged. */
  logger?: boolean;
  /**
   * The SMTP listener that receives the portal's notifications into the mailbox (emulator/src/mail/smtp.ts): its
   * port (0 = any free port, the default), or false for none.
   */
  smtpPort?: number | false;
}

export interface RunningEmulator {
  url: string;
  apiToken: string;
  phoneUrl: string;
  /** The OIDC issuer (default custom authorization server): url + '/oauth2/default'. */
  issuer: string;
  /** smtp://host:port of the mailbox's SMTP listener (null when started without one). */
  smtpUrl: string | null;
  close(): Promise<void>;
}

/** Collapses runs of slashes in the path part of a URL (query left alone). */
export function collapseSlashes(url: string): string {
  const i = url.indexOf('?');
  const path = i === -1 ? url : url.slice(0, i);
  const fixed = path.replace(/\/{2,}/g, '/');
  return i === -1 ? fixed : fixed + url.slice(i);
}

export async function buildEmulator(opts: Omit<StartOptions, 'port' | 'host'> = {}): Promise<FastifyInstance> {
  const apiToken = opts.apiToken ?? DEFAULT_API_TOKEN;
  if (apiToken.length < 8 || /\s/.test(apiToken)) throw new Error('apiToken must be at least 8 characters with no whitespace');
  const seed = prepareSeed(loadSeed(opts.seed));
  const clock = new Clock(opts.startTime ?? Date.now());
  const state = new OrgState(seed, clock);
  const faults = new Faults();
  const requestLog = new RequestLog();
  const limiter = new RateLimiter(seed.parsed.rateLimits, seed.parsed.defaultRateLimit);
  const oidc = new OidcService(state, seed.parsed.org.name, seed.parsed.oidcClients);
  const serviceApps = new ServiceApps(seed.parsed.serviceApps, clock);
  const emu: EmulatorContext = {
    clock,
    state,
    faults,
    requestLog,
    limiter,
    apiToken,
    serviceApps,
    reset() {
      serviceApps.reset();
      clock.resetOffset();
      state.reset();
      faults.clear();
      requestLog.clear();
      limiter.clear();
      oidc.reset();
    },
  };

  const app = Fastify({
    logger: opts.logger
      ? { level: 'info', serializers: { req: (r: { method: string; url: string }) => ({ method: r.method, url: r.url.split('?')[0] }) } }
      : false,
    bodyLimit: BODY_LIMIT,
    rewriteUrl: (req) => collapseSlashes(req.url ?? '/'),
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 1000 },
    return503OnClosing: true,
    frameworkErrors: frameworkErrorHandler(emu),
    // Requests Node's HTTP parser refuses (unknown methods, broken headers) still get an Okta-shaped 400.
    clientErrorHandler: (_err, socket) => {
      if (!socket.writable) return;
      const body = JSON.stringify(new OktaError(400, 'E0000003', 'The request was not well-formed.').body());
      socket.end(
        `HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
          `Date: ${new Date(clock.now()).toUTCString()}\r\nConnection: close\r\n\r\n${body}`,
      );
    },
  });
  app.decorate('emu', emu);
  app.decorate('oidc', oidc);
  registerHttpBehaviour(app);
  await app.register(async (api) => {
    await registerUserRoutes(api);
    await registerLifecycleRoutes(api);
    await registerCredentialRoutes(api);
    await registerMetaRoutes(api);
    await registerFactorRoutes(api);
    await registerVerifyRoutes(api);
    await registerPolicyRoutes(api);
    await registerAuthnRoutes(api);
    await registerControlRoutes(api);
    await registerOidcRoutes(api);
    await registerServiceAppRoutes(api);
    await registerPhonePage(api);
  });
  await app.ready();
  return app;
}

export async function startEmulator(opts: StartOptions = {}): Promise<RunningEmulator> {
  const app = await buildEmulator(opts);
  const host = opts.host ?? '127.0.0.1';
  await app.listen({ port: opts.port ?? 0, host });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${urlHost}:${port}`;
  app.oidc.setBaseUrl(url);
  let smtp: RunningSmtp | null = null;
  if (opts.smtpPort !== false) {
    try {
      smtp = await startSmtpListener(app.emu.state, { host, port: opts.smtpPort ?? 0 });
    } catch (err) {
      await app.close();
      throw err;
    }
  }
  return {
    url,
    apiToken: app.emu.apiToken,
    phoneUrl: `${url}/_emulator/`,
    issuer: `${url}/oauth2/default`,
    smtpUrl: smtp?.url ?? null,
    close: async () => {
      try {
        await smtp?.close();
      } finally {
        await app.close();
      }
    },
  };
}
