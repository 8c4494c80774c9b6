/**
 * Composition of one portal instance: config → adapters (Okta with its resilience, store, audit) → core → HTTP app
 * with the operations endpoints (src/ops). main.ts adds the process concerns (the dev emulator, listening, the
 * metrics listener, signals); tests call createPortal directly.
 * Logging: the Okta adapter's events, audit lines and store errors go to the current request's logger when there
 * is one (so they carry its reqId), else to the portal's logger.
 */
import type { FastifyInstance } from 'fastify';
import { pino, stdTimeFunctions, type DestinationStream, type Logger } from 'pino';
import {
  createAccountService,
  createHelpdeskService,
  createRecoveryService,
  cryptoRandom,
  defaultAccountPolicy,
  defaultHelpdeskPolicy,
  createInsightsService,
  systemClock,
} from './core/index.js';
import type { BreachCheck } from './core/breach.js';
import type {
  AccountIdentityProvider,
  AuditCounts,
  AuditSink,
  Clock,
  IdentityProvider,
  Notifier,
  SendObserver,
  Store,
} from './core/ports.js';
import { toRecoveryPolicy, type Config, type OidcConfig, type OktaAuth } from './config/index.js';
import { createOidcClient, createSessionManager, createTransactionStore, type SessionManager } from './auth/index.js';
import { createUiStateStore, type AccountHttpOptions } from './http/account/index.js';
import { buildApp } from './http/app.js';
import { LOG_REDACT_PATHS } from './http/logging.js';
import {
  createOktaAccountIdentityProvider,
  createOktaIdentityProvider,
  createOktaResilience,
  checkOktaCredential,
  createCredentialMonitor,
  describeRefusal,
  type OktaIdentityProviderOptions,
  type OktaResilience,
} from './okta/index.js';
import { createAuditLog, createAuditSink, type AuditLogger } from './audit/index.js';
import { createStore, type ManagedStore } from './store/index.js';
import { createBreachCheck } from './breach/index.js';
import { cachedPasswordRules } from './core/password-rules.js';
import { createOktaRunner } from './okta/client.js';
import { passwordRulesReader } from './okta/policies.js';
import { createZxcvbnStrength } from './strength/zxcvbn.js';
import { createMailNotifier, createSmtpTransport, MailOutbox, type MailTransport } from './notify/index.js';
import { createReportService, type ReportService, type SecurityAlert } from './core/report.js';
import { createHmac } from 'node:crypto';
import {
  createMetrics,
  createMetricsServer,
  createSituationMetrics,
  instrumentRecovery,
  opsPlugin,
  requestLogger,
  scopedLogger,
  type PortalMetrics,
} from './ops/index.js';

import { VERSION } from './version.js';

export { VERSION };

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
  /**
   * Where notifications are sent when SMTP_URL is not set: main.ts passes the emulator's mailbox in demo mode (with
   * a sender of its own); tests pass the emulator's too, or replace the transport.
   */
  mail?: { smtpUrl?: string; from?: string; transport?: MailTransport };
  /**
   * Check the Okta credential at start and then periodically, for readiness (main.ts turns it on for a real org;
   * off by default so that tests' Okta call counts stay exact).
   */
  credentialCheck?: { intervalMs: number; retryMs: number };
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

/**
 * The portal's JSON logger (stdout unless `destination` is given: tests capture it that way). Each line carries an
 * ISO 8601 time, the level's name ("info", not 30) and the portal's version, for log pipelines that are not pino-aware.
 */
export function createLogger(config: Config, destination?: DestinationStream): Logger {
  const options = {
    level: config.logLevel,
    redact: { paths: LOG_REDACT_PATHS, censor: '[redacted]' },
    timestamp: stdTimeFunctions.isoTime,
    formatters: { level: (label: string) => ({ level: label }) },
    base: { pid: process.pid, version: VERSION },
  };
  return pino(options, destination ?? stdoutDestination().stream);
}

/**
 * Standard output for the log, written asynchronously: a log reader that stops reading (a full pipe) or goes away
 * (EPIPE) never blocks the event loop, so probes keep answering and SIGTERM still stops the process. Lines beyond
 * 16 MiB waiting to be written are dropped. `drain(ms)` waits at most `ms` for the queue to be written, then makes
 * sure no exit-time flush can block (pino flushes its destinations synchronously when the process exits).
 */
export function stdoutDestination(): { stream: DestinationStream; drain(ms: number): Promise<void> } {
  const stream = pino.destination({ dest: 1, sync: false, maxLength: 16 * 1024 * 1024 });
  stream.on('error', () => undefined);
  return {
    stream,
    drain: async (ms) => {
      // sonic-boom has no public "pending bytes": its _len and _writing fields say whether anything is left.
      const state = stream as unknown as { _len?: number; _writing?: boolean };
      const until = Date.now() + ms;
      while ((state._len ?? 0) > 0 || state._writing === true) {
        if (Date.now() >= until) break;
        await new Promise((r) => setTimeout(r, 10));
      }
      stream.flushSync = () => undefined;
    },
  };
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
        rateLimitReserve: r.rateLimitReservePercent / 100,
        onReserveRefusal: (bucket) => metrics.reserveRefused(bucket),
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
  const credential =
    opts.credentialCheck && !opts.idp
      ? createCredentialMonitor({
          ...opts.credentialCheck,
          check: () =>
            checkOktaCredential({
              orgUrl: opts.okta.orgUrl,
              auth: opts.okta.auth,
              timeoutMs: config.oktaTimeoutMs,
              userAgent: oktaOptions.userAgent,
              ...(config.oktaProxy ? { proxyUrl: config.oktaProxy.url } : {}),
            }),
          onResult: (r, previous) => {
            if (r.state === 'refused') log.error({ oktaCredential: { state: r.state, status: r.status } }, describeRefusal(r, opts.okta.auth.kind));
            else if (r.state !== previous.state) log.info({ oktaCredential: { state: r.state } }, `okta credential ${r.state}`);
          },
        })
      : null;
  if (credential) {
    const onCall = oktaOptions.onCall;
    oktaOptions.onCall = (op, status, ms) => {
      onCall?.(op, status, ms);
      if (status === 401) credential.suspect();
    };
  }
  if (credential) metrics.watchCredential(() => credential.state().state);
  const idp = opts.idp ?? createOktaIdentityProvider(oktaOptions);

  // Audit events go to the log as structured lines (`audit: true`, with the request's reqId) and to the store's
  // audit log (they never carry secrets); each recovery event is also counted.
  const auditLog: AuditLogger = {
    info: (obj, msg) => requestLogger(logger).info({ audit: true, ...obj }, msg),
    error: (obj, msg) => requestLogger(logger).error({ audit: true, ...obj }, msg),
  };
  const auditStore = createAuditLog(store, { clock, retentionDays: config.store.auditRetentionDays });
  const audit = metrics.auditSink(createAuditSink({ logger: auditLog, log: auditStore }));
  const situations = createSituationMetrics(metrics.registry);
  const oidc = opts.oidc ?? config.oidc;
  // One session manager for sign-in and for the core: a reset or change ends the user's earlier portal sessions.
  const sessions = oidc ? createSessionManager({ store, clock, settings: config.session }) : undefined;
  const mail = createMail(config, opts, { store, clock, idp, audit, sessions, situations, log });
  const notifier = mail.notifier;

  const breach = createBreachCheck(config.breach, {
    userAgent: `okta-mfa-portal/${VERSION}`,
    onResult: (r) => situations.breachCheck(r),
  });

  // The org's password rules: org-wide configuration, read once per 5 minutes (not per flow: nothing in it is about
  // a user, and a page view must not cost an Okta call).
  const passwordRules =
    config.branding.passwordRulesFromOkta && !opts.idp
      ? cachedPasswordRules(passwordRulesReader(createOktaRunner(oktaOptions)), { clock })
      : undefined;

  const core = createRecoveryService({
    idp,
    ...(config.branding.passwordMinStrength > 0
      ? { strength: { estimator: createZxcvbnStrength(), minScore: config.branding.passwordMinStrength } }
      : {}),
    ...(passwordRules ? { passwordRules } : {}),
    store,
    clock,
    random: cryptoRandom,
    audit,
    notifier,
    policy: toRecoveryPolicy(config),
    ...(breach.check ? { breach: breach.check } : {}),
    ...(sessions ? { sessions } : {}),
    sends: metrics.sends,
  });
  const recovery = instrumentRecovery(core, (code) => metrics.errorCode(code));

  const account = oidc && sessions
    ? accountHttp(config, oidc, {
        sessions,
        idp: opts.accountIdp ?? createOktaAccountIdentityProvider(oktaOptions),
        store,
        clock,
        audit,
        sends: metrics.sends,
        notifier,
        ...(breach.check ? { breach: breach.check } : {}),
        helpdeskIdp: idp,
        auditCounts: auditStore,
      })
    : undefined;

  let shuttingDown = false;

  const app = await buildApp({
    recovery,
    logger,
    account,
    ...(mail.reports ? { report: { reports: mail.reports, suspends: config.mail.reportSuspendsUser } } : {}),
    ops: opsPlugin({
      store,
      circuit: okta ? () => okta.circuit() : null,
      credential: credential ? () => credential.state().state : null,
      proxyWarning: config.server.trustProxy.length === 0 ? (message) => logger.warn(message) : null,
      shuttingDown: () => shuttingDown,
      metrics,
      metricsOnMainPort: config.ops.metricsOnMainPort,
      metricsToken: config.ops.metricsToken?.value ?? null,
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
      demo: config.okta.mode === 'emulator',
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

  const metricsApp = config.ops.metrics ? createMetricsServer(metrics, config.ops.metricsToken?.value ?? null) : null;

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
      credential?.stop();
      try {
        await app.close();
        await mail.outbox?.stop();
      } finally {
        try {
          await metricsApp?.close();
        } finally {
          await breach.close().catch(() => undefined);
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
  deps: {
    idp: AccountIdentityProvider;
    store: Store;
    clock: Clock;
    audit: AuditSink;
    sends: SendObserver;
    notifier: Notifier;
    breach?: BreachCheck;
    sessions: SessionManager;
    /** The recovery's IdP port: the help-desk console looks callers up and challenges them through it. */
    helpdeskIdp: IdentityProvider;
    /** The audit store's hourly counts (insights). */
    auditCounts: AuditCounts;
  },
): AccountHttpOptions {
  const r = config.recovery;
  // One budget for everything the portal sends (issue 11, item 7): the operator's LIMIT_* and factor lockout.
  const recoveryPolicy = toRecoveryPolicy(config);
  const policy = defaultAccountPolicy({
    // Email is a recovery method only (issue 14, item 2): "My security methods" neither enrols it nor steps up with it.
    methods: r.methods.filter((m) => m !== 'email'),
    totpIssuer: config.branding.orgName,
    resendCooldownSeconds: r.resendCooldownSeconds,
    pushPollIntervalSeconds: r.pushPollIntervalSeconds,
    limits: recoveryPolicy.limits,
    ...(recoveryPolicy.factorLockout ? { factorLockout: recoveryPolicy.factorLockout } : {}),
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
    sessions: deps.sessions,
    transactions: createTransactionStore(deps.store),
    account: createAccountService({
      idp: deps.idp,
      store: deps.store,
      clock: deps.clock,
      random: cryptoRandom,
      audit: deps.audit,
      sends: deps.sends,
      policy,
      ...(deps.breach ? { breach: deps.breach } : {}),
      sessions: deps.sessions,
      notifier: deps.notifier,
    }),
    methods: r.methods.filter((m) => m !== 'email'),
    callbackPath: oidc.redirectPath,
    clock: deps.clock,
    audit: deps.audit,
    ui: createUiStateStore(deps.store),
    helpdesk: config.helpdesk.group
      ? {
          group: config.helpdesk.group,
          service: createHelpdeskService({
            idp: deps.helpdeskIdp,
            store: deps.store,
            clock: deps.clock,
            audit: deps.audit,
            // The same budgets as recovery and the account (LIMIT_*, resend cooldown, factor lockout).
            policy: defaultHelpdeskPolicy({
              resendCooldownSeconds: r.resendCooldownSeconds,
              pushPollIntervalSeconds: r.pushPollIntervalSeconds,
              limits: recoveryPolicy.limits,
              ...(recoveryPolicy.pushRejectedCooldownSeconds !== undefined ? { pushRejectedCooldownSeconds: recoveryPolicy.pushRejectedCooldownSeconds } : {}),
              ...(recoveryPolicy.factorLockout ? { factorLockout: recoveryPolicy.factorLockout } : {}),
            }),
          }),
        }
      : undefined,
    insights: config.insights.group
      ? { group: config.insights.group, service: createInsightsService({ counts: deps.auditCounts, clock: deps.clock }) }
      : undefined,
    phoneDefaultCountry: config.branding.phoneDefaultCountry ?? undefined,
  };
}

/** The sender of the demo org's notifications (the emulator's mailbox accepts any). */
const DEMO_MAIL_FROM = 'Okta MFA Portal (demo) <no-reply@portal.demo.invalid>';

/**
 * Notifications (issue 14, item 4): with SMTP_URL (or, in demo mode and tests, the emulator's mailbox) a mail
 * notifier over the store-backed outbox, and the "This wasn't me" report service its links point at; without, a
 * notifier that only logs (nothing is sent, no links exist).
 */
function createMail(
  config: Config,
  opts: PortalOptions,
  deps: {
    store: Store;
    clock: Clock;
    idp: IdentityProvider;
    audit: AuditSink;
    sessions: SessionManager | undefined;
    situations: ReturnType<typeof createSituationMetrics>;
    log: ReturnType<typeof scopedLogger>;
  },
): { notifier: Notifier; reports: ReportService | null; outbox: MailOutbox | null } {
  const smtpUrl = config.mail.smtp?.url ?? opts.mail?.smtpUrl ?? null;
  const from = config.mail.from ?? opts.mail?.from ?? (config.okta.mode === 'emulator' ? DEMO_MAIL_FROM : null);
  const transport =
    opts.mail?.transport ?? (smtpUrl !== null && from !== null ? createSmtpTransport({ url: smtpUrl, from, timeoutMs: config.mail.timeoutMs }) : null);
  if (transport === null) {
    return {
      notifier: {
        notify: (n) => {
          deps.situations.notification('skipped');
          deps.log.info({ notification: { kind: n.kind, userId: n.userId } }, 'notification not sent (no SMTP_URL)');
        },
      },
      reports: null,
      outbox: null,
    };
  }
  const outbox = new MailOutbox({
    store: deps.store,
    clock: deps.clock,
    random: cryptoRandom,
    transport,
    onEvent: (e) => {
      deps.situations.notification(e.kind);
      const line = { notification: { purpose: e.purpose, attempts: e.attempts, ...(e.kind === 'sent' ? {} : { error: e.error }) } };
      if (e.kind === 'sent') deps.log.info(line, 'notification sent');
      else if (e.kind === 'retried') deps.log.warn(line, 'notification send failed; will retry');
      else deps.log.error(line, 'notification dropped after the last retry');
    },
  });
  // The links' key: REPORT_LINK_SECRET, else derived from the cookie secret (a separate key for a separate purpose).
  const key = config.mail.reportLinkSecret?.value ?? createHmac('sha256', config.cookie.secret).update('report-link-key-v1').digest('base64url');
  let alert: (a: SecurityAlert) => Promise<void> = async () => undefined;
  const reports = createReportService({
    idp: deps.idp,
    store: deps.store,
    clock: deps.clock,
    random: cryptoRandom,
    audit: deps.audit,
    key,
    policy: { ttlSeconds: config.mail.reportLinkTtlHours * 3600, suspendUser: config.mail.reportSuspendsUser },
    ...(deps.sessions ? { sessions: deps.sessions } : {}),
    alert: (a) => alert(a),
    onReport: (outcome) => deps.situations.report(outcome),
  });
  const mailer = createMailNotifier({
    outbox,
    reports,
    publicUrl: config.server.publicUrl,
    securityAlertTo: config.mail.securityAlertTo,
    orgName: config.branding.orgName,
    defaultLanguage: config.branding.defaultLanguage,
    reportLinkTtlHours: config.mail.reportLinkTtlHours,
    onSkipped: (n) => {
      deps.situations.notification('skipped');
      deps.log.info({ notification: { kind: n.kind, userId: n.userId } }, 'notification not sent (the user has no email address)');
    },
  });
  alert = (a) => mailer.alert(a);
  outbox.start();
  return { notifier: mailer.notifier, reports, outbox };
}
