/**
 * Composition of one portal instance: config → adapters (Okta, store, audit) → core → HTTP app.
 * main.ts adds the process concerns (the dev emulator, listening, signals); tests call createPortal directly.
 */
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { createRecoveryService, cryptoRandom, systemClock } from './core/index.js';
import type { IdentityProvider, Notifier } from './core/ports.js';
import { toRecoveryPolicy, type Config, type OktaAuth } from './config/index.js';
import { buildApp } from './http/app.js';
import { LOG_REDACT_PATHS } from './http/logging.js';
import { createOktaIdentityProvider } from './okta/index.js';
import { createAuditLog, createAuditSink } from './audit/index.js';
import { createStore, type ManagedStore } from './store/index.js';

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
}

export interface Portal {
  app: FastifyInstance;
  logger: Logger;
  /** The configured store (STORE): `ping()` for readiness; closed by close(). */
  store: ManagedStore;
  close(): Promise<void>;
}

export function createLogger(config: Config): Logger {
  return pino({ level: config.logLevel, redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' } });
}

export async function createPortal(config: Config, opts: PortalOptions): Promise<Portal> {
  const logger = opts.logger ?? createLogger(config);
  const clock = systemClock;
  const store = await createStore(config.store, clock, { onError: (message) => logger.error(message) });

  const idp =
    opts.idp ??
    createOktaIdentityProvider({
      orgUrl: opts.okta.orgUrl,
      auth: opts.okta.auth,
      timeoutMs: config.oktaTimeoutMs,
      userAgent: `okta-mfa-portal/${VERSION}`,
      logger: (ev) => logger.debug({ okta: ev }, 'okta'),
    });

  // Audit events go to the log as structured lines and to the store's audit log (they never carry secrets).
  const auditLog = logger.child({ audit: true });
  const audit = createAuditSink({
    logger: auditLog,
    log: createAuditLog(store, { clock, retentionDays: config.store.auditRetentionDays }),
  });
  const notifier: Notifier = {
    passwordChanged: (user) => auditLog.info({ userId: user.id }, 'password changed (no notifier configured)'),
  };

  const recovery = createRecoveryService({
    idp,
    store,
    clock,
    random: cryptoRandom,
    audit,
    notifier,
    policy: toRecoveryPolicy(config),
  });

  const app = await buildApp({
    recovery,
    logger,
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
        pushPollIntervalSeconds: config.recovery.pushPollIntervalSeconds,
      },
    },
  });

  return {
    app,
    logger,
    store,
    async close() {
      try {
        await app.close();
      } finally {
        await store.close();
      }
    },
  };
}
