/**
 * Composition of one portal instance: config → adapters (Okta with its resilience, store, audit) → core → HTTP app
 * with the operations endpoints (src/ops). main.ts adds the process concerns (the dev emulator, listening, the
 * metrics listener, signals); tests call createPortal directly.
 * Logging: the Okta adapter's events, audit lines and store errors go to the current request's logger when there
 * is one (so they carry its reqId), else to the portal's logger.
 */
import type { FastifyInstance } from 'fastify';
import { pino, type DestinationStream, type Logger } from 'pino';
import { createAccountService, createRecoveryService, cryptoRandom, defaultAccountPolicy, systemClock } from './core/index.js';
import type { AccountIdentityProvider, AuditSink, Clock, IdentityProvider, Notifier, Store } from './core/ports.js';
import { toRecoveryPolicy, type Config, type OidcConfig, type OktaAuth } from './config/index.js';
import { createOidcClient, createSessionManager, createTransactionStore } from './auth/index.js';
import { createUiStateStore, type AccountHttpOptions } from './http/account/index.js';
import { buildApp } from './http/app.js';
import { LOG_REDACT_PATHS } from './http/logging.js';
import {
  createOktaAccountIdentityProvider,
  createOktaIdentityProvider,
  createOktaResilience,
  type OktaIdentityProviderOptions,
  type OktaResilience,
} from './okta/index.js';
import { createAuditLog, createAuditSink, type AuditLogger } from './audit/index.js';
import { createStore, type ManagedStore } from './store/index.js';
import {
  createMetrics,
  createMetricsServer,
  instrumentRecovery,
  opsPlugin,
  requestLogger,
  scopedLogger,
  type PortalMetrics,
} from './ops/index.js';

export const VERSION = '0.1.0';

export interface OktaTarget {
  orgUrl: string;
  auth: OktaAuth;
}

export interface PortalOptions {
  /** Where Okta is; in emulator mode main.ts passes the emulator it started. */
  okta: OktaTarget;
  /** A logger to use instead of one built from config.logLevel (tests capture output this way). */
  logger?: Logger;
  /** Replaces the Okta adapter (tests only). */
  idp?: IdentityProvider;
  /** Replaces the Okta account adapter of "My security methods" (tests only). */
  accountIdp?: AccountIdentityProvider;
  /** Sign-in with Okta in place of config.oidc (main.ts passes the emulator's in dev mode). */
  oidc?: OidcConfig;
}

export interface Portal {
  app: FastifyInstance;
  logger: Logger;
  /** The configured store (STORE): `ping()` for readiness; closed by close(). */
  store: ManagedStore;
  /** Rate-limit gate, circuit breaker and concurrency cap around Okta (null when `idp` replaced the adapter). */
  okta: OktaResilience | null;
  metrics: PortalMetrics;
  /** The /metrics listener when METRICS_PORT is set (main.ts makes it listen); closed by close(). */
  metricsApp: FastifyInstance | null;
  /** Readiness answers 503 from now on (first step of a graceful shutdown, REL-7). close() calls it too. */
  beginShutdown(): void;
  /** Stops accepting connections, waits for in-flight requests, then closes the metrics listener and the store. */
  close(): Promise<void>;
}

/** The portal's JSON logger (stdout unless `destination` is given: tests capture it that way). */
export function createLogger(config: Config, destination?: DestinationStream): Logger {
  const options = { level: config.logLevel, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } };
  return destination ? pino(options, destination) : pino(options);
}

export async function createPortal(config: Config, opts: PortalOptions): Promise<Portal> {
  const logger = opts.logger ?? createLogger(config);
  const log = scopedLogger(logger);
  const clock = systemClock;
  const metrics = createMetrics();
  const store = await createStore(config.store, clock, { onError: (message) => log.error(message) });

  const r = config.oktaResilience;
  const okta = opts.idp
    ? null
    : createOktaResilience({
        breakerFailures: r.breakerFailures,
        breakerCooldownMs: r.breakerCooldownSeconds * 1000,
        maxConcurrency: r.maxConcurrency,
        maxQueue: r.maxQueue,
        onCircuitChange: (from, to) => {
          metrics.circuitChanged(to);
          const line = { okta: { event: 'okta.circuit', from, to } };
          if (to === 'closed') log.info(line, 'okta circuit closed');
          else log.warn(line, `okta circuit ${to}`);
        },
        onReject: (op, reason) => metrics.oktaRejected(op, reason),
      });
  if (okta) metrics.watchOkta(okta);

  const oktaOptions: OktaIdentityProviderOptions = {
    orgUrl: opts.okta.orgUrl,
    auth: opts.okta.auth,
    timeoutMs: config.oktaTimeoutMs,
    userAgent: `okta-mfa-portal/${VERSION}`,
    ...(config.oktaProxy ? { proxyUrl: config.oktaProxy.url } : {}),
    logger: (ev) => log.debug({ okta: ev }, 'okta'),
    onCall: (op, status, ms) => metrics.oktaCall(op, status, ms),
    ...(okta ? { resilience: okta } : {}),
  };
  const idp = opts.idp ?? createOktaIdentityProvider(oktaOptions);

  // Audit events go to the log as structured lines (`audit: true`, with the request's reqId) and to the store's
  // audit log (they never carry secrets); each recovery event is also counted.
  const auditLog: AuditLogger = {
    info: (obj, msg) => requestLogger(logger).info({ audit: true, ...obj }, msg),
    error: (obj, msg) => requestLogger(logger).error({ audit: true, ...obj }, msg),
  };
  const audit = metrics.auditSink(
    createAuditSink({
      logger: auditLog,
      log: createAuditLog(store, { clock, retentionDays: config.store.auditRetentionDays }),
    }),
  );
  const notifier: Notifier = {
    passwordChanged: (user) => auditLog.info({ userId: user.id }, 'password changed (no notifier configured)'),
  };

  const core = createRecoveryService({
    idp,
    store,
    clock,
    random: cryptoRandom,
    audit,
    notifier,
    policy: toRecoveryPolicy(config),
  });
  const recovery = instrumentRecovery(core, (code) => metrics.errorCode(code));

  const oidc = opts.oidc ?? config.oidc;
  const account = oidc
    ? accountHttp(config, oidc, {
        idp: opts.accountIdp ?? createOktaAccountIdentityProvider(oktaOptions),
        store,
        clock,
        audit,
      })
    : undefined;

  let shuttingDown = false;

  const app = await buildApp({
    recovery,
    logger,
    account,
    ops: opsPlugin({
      store,
      circuit: okta ? () => okta.circuit() : null,
      shuttingDown: () => shuttingDown,
      metrics,
      serveMetrics: config.ops.metrics === null,
    }),
    config: {
      publicUrl: config.server.publicUrl,
      orgName: config.branding.orgName,
      supportUrl: config.branding.supportUrl,
      cookieSecret: config.cookie.secret,
      trustProxy: config.server.trustProxy,
      methods: config.recovery.methods,
      revokeSessionsDefault: config.recovery.revokeSessionsDefault,
      flowTtlSeconds: config.recovery.flowTtlSeconds,
      pages: {
        logo: config.branding.logo,
        accentColor: config.branding.accentColor,
        passwordRequirements: config.branding.passwordRequirements,
        defaultLanguage: config.branding.defaultLanguage,
        signInUrl: config.branding.signInUrl ?? opts.okta.orgUrl,
        pushPollIntervalSeconds: config.recovery.pushPollIntervalSeconds,
      },
    },
  });

  const metricsApp = config.ops.metrics ? createMetricsServer(metrics) : null;

  return {
    app,
    logger,
    store,
    okta,
    metrics,
    metricsApp,
    beginShutdown() {
      shuttingDown = true;
    },
    async close() {
      shuttingDown = true;
      try {
        await app.close();
      } finally {
        try {
          await metricsApp?.close();
        } finally {
          await store.close();
        }
      }
    },
  };
}

/**
 * Sign-in with Okta (OIDC relying party, server-side sessions) and the account core behind "My security methods".
 * The OIDC client discovers the provider on first use, so an unreachable provider never stops the portal starting.
 */
function accountHttp(
  config: Config,
  oidc: OidcConfig,
  deps: { idp: AccountIdentityProvider; store: Store; clock: Clock; audit: AuditSink },
): AccountHttpOptions {
  const r = config.recovery;
  const policy = defaultAccountPolicy({
    methods: [...r.methods],
    totpIssuer: config.branding.orgName,
    resendCooldownSeconds: r.resendCooldownSeconds,
    pushPollIntervalSeconds: r.pushPollIntervalSeconds,
  });
  return {
    oidc: createOidcClient({
      issuer: oidc.issuer,
      clientId: oidc.clientId,
      clientSecret: oidc.clientSecret,
      redirectUri: `${config.server.publicUrl}${oidc.redirectPath}`,
      scopes: oidc.scopes,
      timeoutMs: config.oktaTimeoutMs,
    }),
    sessions: createSessionManager({ store: deps.store, clock: deps.clock, settings: config.session }),
    transactions: createTransactionStore(deps.store),
    account: createAccountService({ idp: deps.idp, store: deps.store, clock: deps.clock, random: cryptoRandom, audit: deps.audit, policy }),
    methods: r.methods,
    callbackPath: oidc.redirectPath,
    clock: deps.clock,
    audit: deps.audit,
    ui: createUiStateStore(deps.store),
  };
}
