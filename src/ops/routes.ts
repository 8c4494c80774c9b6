/**
 * Operations endpoints (REL-8), at the root of the listener whatever PUBLIC_URL's path is (probes and scrapers
 * talk to the instance directly):
 * - GET /healthz: liveness. 200 {"status":"ok"} as long as the process serves HTTP; never calls Okta or the store,
 *   so an outage of either never makes an orchestrator restart healthy instances.
 * - GET /readyz: readiness. 200 when the store answers a ping, the Okta circuit is not open, Okta has not refused the
 *   credential (the cached answer of src/okta/credential.ts) and the instance is not shutting down; else 503. The
 *   body names each check; it never calls Okta.
 * - GET /metrics: Prometheus text format. Not public (issue 11: per-operation Okta counters move by one for a real
 *   login only, an account oracle): served on its own listener with METRICS_PORT (bound to 127.0.0.1 unless
 *   METRICS_HOST says otherwise; createMetricsServer); on the main port only with METRICS_TOKEN (a Bearer token,
 *   compared in constant time; missing or wrong → 401) or when the operator opts in with METRICS_PUBLIC; else the
 *   main port answers 404 as for any unknown path. With METRICS_TOKEN the METRICS_PORT listener requires it too.
 * These are GETs (no CSRF), carry no secret, and are kept out of the request log (logLevel silent).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { CircuitState } from '../okta/index.js';
import type { PortalMetrics } from './metrics.js';

export const OPS_PATHS = { health: '/healthz', ready: '/readyz', metrics: '/metrics' } as const;

const PING_TIMEOUT_MS = 2000;

export interface ReadinessDeps {
  store: { ping(): Promise<boolean> };
  /** The Okta circuit, or null when no breaker is in use (a test IdP). */
  circuit: (() => CircuitState) | null;
  shuttingDown(): boolean;
  /** The cached verdict on the Okta credential (absent: not checked, e.g. tests and the demo). */
  credential?: (() => CredentialCheckState) | null;
}

export type CredentialCheckState = 'accepted' | 'refused' | 'unknown' | 'unchecked';

export interface Readiness {
  ready: boolean;
  checks: {
    store: 'up' | 'down';
    okta: CircuitState | 'not-used';
    /** Present when the credential is checked (a real org). */
    oktaCredential?: CredentialCheckState;
    shutdown: 'no' | 'draining';
  };
  /** The checks that failed. */
  failed: string[];
}

export async function readiness(deps: ReadinessDeps): Promise<Readiness> {
  const shutdown = deps.shuttingDown() ? 'draining' : 'no';
  const okta = deps.circuit ? deps.circuit() : 'not-used';
  const storeUp = await withTimeout(deps.store.ping(), PING_TIMEOUT_MS);
  const oktaCredential = deps.credential ? deps.credential() : undefined;
  const checks: Readiness['checks'] = { store: storeUp ? 'up' : 'down', okta, ...(oktaCredential ? { oktaCredential } : {}), shutdown };
  const failed: string[] = [];
  if (!storeUp) failed.push('store');
  if (okta === 'open') failed.push('okta');
  if (oktaCredential === 'refused') failed.push('oktaCredential');
  if (shutdown === 'draining') failed.push('shutdown');
  return { ready: failed.length === 0, checks, failed };
}

export interface OpsRouteDeps extends ReadinessDeps {
  metrics: PortalMetrics;
  /** /metrics on this (the main) port: 'off' = 404, 'token' = with the bearer token only, 'public' = anyone. */
  metricsOnMainPort: 'off' | 'token' | 'public';
  /** The bearer token /metrics requires, or null. */
  metricsToken: string | null;
}

export function registerOpsRoutes(app: FastifyInstance, deps: OpsRouteDeps): void {
  const quiet = { logLevel: 'silent' as const };
  app.get(OPS_PATHS.health, quiet, async (_request, reply) => reply.header('cache-control', 'no-store').send({ status: 'ok' }));
  app.get(OPS_PATHS.ready, quiet, async (_request, reply) => {
    const r = await readiness(deps);
    return reply
      .code(r.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: r.ready ? 'ready' : 'unavailable', checks: r.checks, ...(r.ready ? {} : { failed: r.failed }) });
  });
  if (deps.metricsOnMainPort === 'public') app.get(OPS_PATHS.metrics, quiet, metricsHandler(deps.metrics, null));
  else if (deps.metricsOnMainPort === 'token' && deps.metricsToken !== null) {
    app.get(OPS_PATHS.metrics, quiet, metricsHandler(deps.metrics, deps.metricsToken));
  }
}

const digest = (s: string): Buffer => createHash('sha256').update(s).digest();

/** True when the request carries `Authorization: Bearer <token>` (compared in constant time). */
export function hasBearer(request: FastifyRequest, token: string): boolean {
  const m = /^Bearer +(\S+) *$/i.exec(request.headers.authorization ?? '');
  return m !== null && timingSafeEqual(digest(m[1]!), digest(token));
}

function metricsHandler(metrics: PortalMetrics, token: string | null) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('cache-control', 'no-store');
    if (token !== null && !hasBearer(request, token)) {
      return reply.code(401).header('www-authenticate', 'Bearer realm="metrics"').type('text/plain; charset=utf-8').send('unauthorized\n');
    }
    const { contentType, body } = await metrics.render();
    return reply.type(contentType).send(body);
  };
}

/** The separate /metrics listener (METRICS_PORT): nothing else is served there, and it logs nothing. */
export function createMetricsServer(metrics: PortalMetrics, token: string | null = null): FastifyInstance {
  const app = Fastify({ logger: false, return503OnClosing: true });
  app.get(OPS_PATHS.metrics, metricsHandler(metrics, token));
  return app;
}

function withTimeout(p: Promise<boolean>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const t = setTimeout(() => resolve(false), ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v === true);
      },
      () => {
        clearTimeout(t);
        resolve(false);
      },
    );
  });
}
