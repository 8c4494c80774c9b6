/**
 * The operations module's public surface: health and readiness endpoints, Prometheus metrics, the request-scoped
 * logger and the service instrumentation. src/portal.ts wires them; src/main.ts starts the metrics listener.
 */
import type { FastifyInstance } from 'fastify';
import { installLogContext } from './log-context.js';
import type { PortalMetrics } from './metrics.js';
import { registerOpsRoutes, type OpsRouteDeps } from './routes.js';

export { createMetrics, LIMIT_CODES, type OktaGaugeSource, type PortalMetrics } from './metrics.js';
export { instrumentRecovery } from './instrument.js';
export { createSituationMetrics, type SituationMetrics } from './situation-metrics.js';
export { requestLogger, scopedLogger } from './log-context.js';
export { OPS_PATHS, createMetricsServer, readiness, type CredentialCheckState, type Readiness, type ReadinessDeps } from './routes.js';

/**
 * Everything the operations module adds to the portal's Fastify app (before the portal's own routes). During a
 * shutdown every answer carries `Connection: close`, so a keep-alive connection busy when the listener closed is
 * not kept open after its last response (the server's close waits for every connection to end).
 */
export function opsPlugin(
  deps: OpsRouteDeps & { metrics: PortalMetrics; proxyWarning?: ((message: string) => void) | null },
): (app: FastifyInstance) => void {
  return (app) => {
    installLogContext(app);
    const warn = deps.proxyWarning;
    if (warn) {
      // TRUST_PROXY unset behind a proxy: every client shares the proxy's address, so the per-IP limit becomes one
      // global limit. Said once per process (the header's value is never logged).
      let warned = false;
      app.addHook('onRequest', (request, _reply, done) => {
        if (!warned && request.headers['x-forwarded-for'] !== undefined) {
          warned = true;
          warn(
            'TRUST_PROXY is not set but requests carry X-Forwarded-For: the portal sees the proxy as every client, so per-IP limits act as one global limit. Set TRUST_PROXY to the proxy\'s address (docs/deployment.md).',
          );
        }
        done();
      });
    }
    deps.metrics.installHttpHooks(app);
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (deps.shuttingDown()) reply.header('connection', 'close');
      done(null, payload);
    });
    registerOpsRoutes(app, deps);
  };
}
