/**
 * Prometheus metrics (prom-client), one registry per portal instance (tests run several in one process).
 * Rules:
 * - Labels are bounded: HTTP routes are Fastify's route patterns (`unmatched` for 404s), never raw URLs; Okta
 *   operations and statuses, recovery steps, methods, outcomes and error codes come from closed lists.
 * - Nothing secret or personal is a label (no login, IP, user id, flow id).
 * - The gauges for the Okta circuit and in-flight calls are read at scrape time from the resilience object.
 *
 * Series:
 *   portal_http_requests_total{method,route,status}             counter
 *   portal_http_request_duration_seconds{method,route}          histogram
 *   portal_recovery_events_total{step,method,outcome}           counter (from the audit events: one per step call)
 *   portal_limits_hit_total{code}                               counter (RATE_LIMITED, RESEND_TOO_SOON, TOO_MANY_ATTEMPTS)
 *   portal_okta_call_duration_seconds{operation,status}         histogram (every HTTP call to Okta; status 'error' = no answer)
 *   portal_okta_rejected_total{operation,reason}                counter (calls the portal did not send: rate-limited, circuit-open, queue-full, queue-timeout)
 *   portal_okta_circuit_state                                   gauge 0 closed, 1 half-open, 2 open
 *   portal_okta_circuit_transitions_total{to}                   counter
 *   portal_okta_in_flight / portal_okta_queued                  gauges
 *   portal_okta_rate_limit_remaining{bucket} / _limit{bucket}   gauges (Okta's X-Rate-Limit-* per bucket, latest answer)
 *   portal_okta_rate_limit_reserve_refusals_total{bucket}       counter (new flows refused: bucket down to the reserve)
 *   portal_okta_credential_refused                              gauge 1 while the cached credential check says refused (401/403)
 *   portal_sends_total{channel}                                 counter (SMS, voice calls and pushes the IdP accepted)
 *   portal_build_info{version,node_version}                     gauge, always 1
 *   plus prom-client's default process metrics (portal_process_*, portal_nodejs_*)
 * Counters whose label sets are known in advance (limit codes, circuit states, channels, the recovery funnel) are
 * present at zero from the start, so rate() and increase() in alerts and dashboards have a series before the
 * first event.
 */
import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { AuditEvent, AuditSink, SendChannel, SendObserver } from '../core/ports.js';
import { VERSION } from '../version.js';
import type { CircuitState, RejectReason } from '../okta/index.js';

export const LIMIT_CODES = ['RATE_LIMITED', 'RESEND_TOO_SOON', 'TOO_MANY_ATTEMPTS'] as const;
const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, 'half-open': 1, open: 2 };
export const SEND_CHANNELS: readonly SendChannel[] = ['sms', 'call', 'email', 'push'];

export interface OktaGaugeSource {
  circuit(): CircuitState;
  inFlight(): number;
  queued(): number;
  /** Okta's rate-limit buckets as their latest answers described them. */
  buckets(): readonly { bucket: string; limit: number; remaining: number }[];
}

export interface PortalMetrics {
  registry: Registry;
  /** Counts every HTTP request by route pattern and status (an onResponse hook). */
  installHttpHooks(app: FastifyInstance): void;
  /** The Okta runner's onCall hook. */
  oktaCall(op: string, status: number | 'error', ms: number): void;
  oktaRejected(op: string, reason: RejectReason): void;
  circuitChanged(to: CircuitState): void;
  /** A new flow refused because an Okta rate-limit bucket is down to the reserve. */
  reserveRefused(bucket: string): void;
  /** Reads the circuit and in-flight gauges from here at scrape time. */
  watchOkta(source: OktaGaugeSource): void;
  /** Reads the cached Okta credential verdict at scrape time ('refused' sets portal_okta_credential_refused). */
  watchCredential(state: () => string): void;
  /** Counts the SMS, calls and pushes the IdP accepted (the core's SendObserver). */
  sends: SendObserver;
  /** Wraps an audit sink: each recovery event is counted, then passed on. */
  auditSink(inner: AuditSink): AuditSink;
  /** Counts a PortalError code if it is one of the limit codes. */
  errorCode(code: string): void;
  render(): Promise<{ contentType: string; body: string }>;
}

const METHOD_LABELS = new Set(['sms', 'call', 'email', 'push', 'google-authenticator', 'okta-verify-code']);
const OUTCOME_LABELS = new Set(['success', 'failure', 'denied', 'rate_limited', 'error']);
/** The recovery funnel's steps whose series exist from the start: start (no method yet), then per method. */
const FUNNEL_STEPS = ['challenge', 'verify', 'password'] as const;

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): PortalMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'portal_' });

  const httpRequests = new Counter({
    name: 'portal_http_requests_total',
    help: 'HTTP requests answered, by route pattern and status code.',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [registry],
  });
  const httpDuration = new Histogram({
    name: 'portal_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route pattern.',
    labelNames: ['method', 'route'] as const,
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const recoveryEvents = new Counter({
    name: 'portal_recovery_events_total',
    help: 'Recovery step calls by step (start, challenge, verify, status, password, cancel), method and outcome.',
    labelNames: ['step', 'method', 'outcome'] as const,
    registers: [registry],
  });
  const limitsHit = new Counter({
    name: 'portal_limits_hit_total',
    help: 'Requests refused by a limit, by error code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const oktaDuration = new Histogram({
    name: 'portal_okta_call_duration_seconds',
    help: 'Okta API calls by operation and HTTP status (error = no answer: timeout or network).',
    labelNames: ['operation', 'status'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10],
    registers: [registry],
  });
  const oktaRejected = new Counter({
    name: 'portal_okta_rejected_total',
    help: 'Okta calls the portal did not send, by operation and reason.',
    labelNames: ['operation', 'reason'] as const,
    registers: [registry],
  });
  const circuitTransitions = new Counter({
    name: 'portal_okta_circuit_transitions_total',
    help: 'Okta circuit breaker state changes, by new state.',
    labelNames: ['to'] as const,
    registers: [registry],
  });
  let source: OktaGaugeSource | null = null;
  new Gauge({
    name: 'portal_okta_circuit_state',
    help: 'Okta circuit breaker: 0 closed, 1 half-open, 2 open.',
    registers: [registry],
    collect() {
      if (source) this.set(CIRCUIT_VALUE[source.circuit()]);
    },
  });
  new Gauge({
    name: 'portal_okta_in_flight',
    help: 'Okta calls in flight now.',
    registers: [registry],
    collect() {
      if (source) this.set(source.inFlight());
    },
  });
  new Gauge({
    name: 'portal_okta_queued',
    help: 'Okta calls waiting for a free slot now.',
    registers: [registry],
    collect() {
      if (source) this.set(source.queued());
    },
  });

  new Gauge({
    name: 'portal_okta_rate_limit_remaining',
    help: "Calls left in an Okta rate-limit bucket, from its latest answer's X-Rate-Limit-Remaining.",
    labelNames: ['bucket'] as const,
    registers: [registry],
    collect() {
      if (!source) return;
      this.reset();
      for (const b of source.buckets()) this.set({ bucket: b.bucket }, b.remaining);
    },
  });
  new Gauge({
    name: 'portal_okta_rate_limit_limit',
    help: "An Okta rate-limit bucket's size, from its latest answer's X-Rate-Limit-Limit.",
    labelNames: ['bucket'] as const,
    registers: [registry],
    collect() {
      if (!source) return;
      this.reset();
      for (const b of source.buckets()) this.set({ bucket: b.bucket }, b.limit);
    },
  });
  const reserveRefusals = new Counter({
    name: 'portal_okta_rate_limit_reserve_refusals_total',
    help: 'New flows refused with RATE_LIMITED because an Okta rate-limit bucket was down to the reserve.',
    labelNames: ['bucket'] as const,
    registers: [registry],
  });

  const sends = new Counter({
    name: 'portal_sends_total',
    help: 'SMS, voice calls and pushes the IdP accepted to send, by channel (decoys and held-back sends are not counted).',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  let credential: (() => string) | null = null;
  new Gauge({
    name: 'portal_okta_credential_refused',
    help: 'Okta refused the API credential (401/403) at its latest check: 1, else 0.',
    registers: [registry],
    collect() {
      this.set(credential?.() === 'refused' ? 1 : 0);
    },
  });
  new Gauge({
    name: 'portal_build_info',
    help: 'The running portal: its version and the Node.js version (always 1).',
    labelNames: ['version', 'node_version'] as const,
    registers: [registry],
  }).set({ version: VERSION, node_version: process.versions.node }, 1);

  // Known label sets at zero from the start.
  for (const code of LIMIT_CODES) limitsHit.inc({ code }, 0);
  for (const to of Object.keys(CIRCUIT_VALUE)) circuitTransitions.inc({ to }, 0);
  for (const channel of SEND_CHANNELS) sends.inc({ channel }, 0);
  for (const outcome of OUTCOME_LABELS) {
    recoveryEvents.inc({ step: 'start', method: 'none', outcome }, 0);
    for (const step of FUNNEL_STEPS) for (const method of METHOD_LABELS) recoveryEvents.inc({ step, method, outcome }, 0);
  }

  const limitCodes: ReadonlySet<string> = new Set(LIMIT_CODES);

  return {
    registry,
    installHttpHooks(app) {
      app.addHook('onResponse', (request, reply, done) => {
        const route = request.routeOptions.url ?? 'unmatched';
        const method = request.method;
        httpRequests.inc({ method, route, status: String(reply.statusCode) });
        httpDuration.observe({ method, route }, reply.elapsedTime / 1000);
        done();
      });
    },
    oktaCall(op, status, ms) {
      oktaDuration.observe({ operation: op, status: String(status) }, ms / 1000);
    },
    oktaRejected(op, reason) {
      oktaRejected.inc({ operation: op, reason });
    },
    circuitChanged(to) {
      circuitTransitions.inc({ to });
    },
    reserveRefused(bucket) {
      reserveRefusals.inc({ bucket });
    },
    watchOkta(s) {
      source = s;
    },
    watchCredential(state) {
      credential = state;
    },
    sends: {
      sent(channel) {
        if (SEND_CHANNELS.includes(channel)) sends.inc({ channel });
      },
    },
    auditSink(inner) {
      return {
        record(event: AuditEvent) {
          if (event.action.startsWith('recovery.')) {
            recoveryEvents.inc({
              step: event.action.slice('recovery.'.length, 'recovery.'.length + 20),
              method: event.method !== null && METHOD_LABELS.has(event.method) ? event.method : 'none',
              outcome: OUTCOME_LABELS.has(event.outcome) ? event.outcome : 'other',
            });
          }
          return inner.record(event);
        },
      };
    },
    errorCode(code) {
      if (limitCodes.has(code)) limitsHit.inc({ code });
    },
    async render() {
      return { contentType: registry.contentType, body: await registry.metrics() };
    },
  };
}
