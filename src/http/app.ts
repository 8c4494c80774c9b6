/**
 * buildApp: the Fastify 5 transport (HTML pages + JSON API) over one RecoveryService. It never listens: the caller
 * (src/main.ts, tests with inject()) decides.
 * Rules:
 * - The client IP comes from X-Forwarded-For only when the socket peer is a configured trusted proxy.
 * - Request ids are generated here (crypto.randomUUID), never taken from the request, and returned in X-Request-Id.
 * - Ajv runs strict: no type coercion, no silent removal of unknown properties, no defaults.
 * - Small bodies only (16 KiB): nothing in this API needs more.
 * - Every string a client sends must be well-formed Unicode without control characters (input.ts), on every route.
 */
import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import pino from 'pino';
import type { RecoveryService } from '../core/recovery/api.js';
import { accountRoutes, type AccountHttpOptions } from './account/index.js';
import { apiRoutes } from './api/routes.js';
import { assetRoutes } from './assets.js';
import { resolveHttpConfig, type HttpConfig } from './config.js';
import { installErrorHandlers } from './errors.js';
import { registerFormBody } from './form-body.js';
import { installInputGuard } from './input.js';
import { httpLogger, lazyChildLogger } from './logging.js';
import { pageRoutes } from './pages/routes.js';
import { reportRoutes, type ReportHttpOptions } from './report/routes.js';
import { registerCsrf, registerSecurityHeaders } from './security.js';

export type { HttpConfig } from './config.js';

export interface BuildAppDeps {
  recovery: RecoveryService;
  config: HttpConfig;
  /** A pino(-compatible) logger, `true` for a default pino logger on stdout, `false`/absent for none. */
  logger?: FastifyBaseLogger | boolean;
  /** Operations (src/ops: health, readiness, metrics, request-scoped logging): hooks and routes added first. */
  ops?: (app: FastifyInstance) => void;
  /** Sign-in with Okta and "My security methods" (src/http/account); absent: /auth/* and /account* are 404. */
  account?: AccountHttpOptions | undefined;
  /** "This wasn't me" links of the notifications (src/http/report); absent: /report/* is 404. */
  report?: ReportHttpOptions | undefined;
}

export const BODY_LIMIT = 16 * 1024;

export async function buildApp(deps: BuildAppDeps): Promise<FastifyInstance> {
  const cfg = resolveHttpConfig({ ...deps.config, signIn: deps.account !== undefined });
  const base = deps.logger === true ? pino() : deps.logger || undefined;

  const app = Fastify({
    ...(base ? { loggerInstance: httpLogger(base), childLoggerFactory: lazyChildLogger } : {}),
    trustProxy: cfg.trustProxy.length > 0 ? [...cfg.trustProxy] : false,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    bodyLimit: BODY_LIMIT,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, useDefaults: false, allErrors: false } },
    return503OnClosing: true,
  });

  installErrorHandlers(app, cfg);
  installInputGuard(app);
  deps.ops?.(app);
  await registerSecurityHeaders(app, cfg);
  await app.register(cookie, { secret: cfg.cookieSecret, hook: 'onRequest' });
  registerFormBody(app, BODY_LIMIT);
  await registerCsrf(app, cfg);

  await app.register(
    async (scope) => {
      await assetRoutes(scope);
      await apiRoutes(scope, { recovery: deps.recovery, cfg });
      await pageRoutes(scope, { recovery: deps.recovery, cfg });
      if (deps.account) await accountRoutes(scope, cfg, deps.account);
      if (deps.report) await reportRoutes(scope, cfg, deps.report);
    },
    { prefix: cfg.basePath },
  );
  return app;
}
