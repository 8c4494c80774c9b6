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
export { OPS_PATHS, createMetricsServer, readiness, type Readiness, type ReadinessDeps } from './routes.js';

/**
 * Everything the operations module adds to the portal's Fastify app (before the portal's own routes). During a
 * shutdown every answer carries `Connection: close`, so a keep-alive connection busy when the listener closed is
 * not kept open after its last response (the server's close waits for every connection to end).
 */
export function opsPlugin(deps: OpsRouteDeps & { metrics: PortalMetrics }): (app: FastifyInstance) => void {
  return (app) => {
    installLogContext(app);
    deps.metrics.installHttpHooks(app);
    app.addHook('onSend', (_request, reply, payload, done) => {
      if (deps.shuttingDown()) reply.header('connection', 'close');
      done(null, payload);
    });
    registerOpsRoutes(app, deps);
  };
}
