/**
 * The JSON API (docs/api.md): the same RecoveryService calls as the pages.
 * Rules: bodies validated by apiSchemas; the flow handle only in the HttpOnly cookie; the ott only in JSON bodies;
 * errors through the app's error handler (one shape); CSRF / Origin / Content-Type checks come from security.ts.
 */
import type { FastifyInstance } from 'fastify';
import type { RecoveryMethod } from '../../core/ports.js';
import type { RecoveryService } from '../../core/recovery/api.js';
import type { ResolvedHttpConfig } from '../config.js';
import { requestContext } from '../context.js';
import { clearFlowCookie, setFlowCookie } from '../cookies.js';
import { normaliseCode, requireHandle } from '../flow.js';
import { PATHS } from '../paths.js';
import { apiSchemas } from '../schemas.js';
import { challengeJson, startJson, statusJson, verifiedJson } from './map.js';

export interface ApiRouteDeps {
  recovery: RecoveryService;
  cfg: ResolvedHttpConfig;
}

export async function apiRoutes(app: FastifyInstance, { recovery, cfg }: ApiRouteDeps): Promise<void> {
  app.get(PATHS.api.csrf, async (_request, reply) => ({ csrfToken: reply.generateCsrf() }));

  app.post<{ Body: { username: string } }>(
    PATHS.api.recovery,
    { schema: { body: apiSchemas.start } },
    async (request, reply) => {
      const started = await recovery.start({ login: request.body.username, ctx: requestContext(request) });
      setFlowCookie(reply, cfg, started.handle);
      return startJson(started);
    },
  );

  app.post<{ Body: { method: RecoveryMethod } }>(
    PATHS.api.challenge,
    { schema: { body: apiSchemas.challenge } },
    async (request, reply) => {
      const handle = requireHandle(request, cfg);
      const r = await recovery.challenge({ handle, method: request.body.method, ctx: requestContext(request) });
      setFlowCookie(reply, cfg, r.handle); // the handle rotates when a method is chosen (SES-1)
      return challengeJson(r);
    },
  );

  app.post<{ Body: { code: string } }>(
    PATHS.api.verify,
    { schema: { body: apiSchemas.verify } },
    async (request, reply) => {
      const handle = requireHandle(request, cfg);
      const r = await recovery.verify({ handle, code: normaliseCode(request.body.code), ctx: requestContext(request) });
      setFlowCookie(reply, cfg, r.handle); // and again on verification
      return verifiedJson(r);
    },
  );

  app.get(PATHS.api.status, async (request) => {
    const handle = requireHandle(request, cfg);
    return statusJson(await recovery.status({ handle, ctx: requestContext(request) }));
  });

  app.post<{ Body: { ott: string; password: string; confirmPassword: string; revokeSessions?: boolean } }>(
    PATHS.api.password,
    { schema: { body: apiSchemas.password } },
    async (request) => {
      const handle = requireHandle(request, cfg);
      const b = request.body;
      await recovery.setPassword({
        handle,
        ott: b.ott,
        password: b.password,
        confirmPassword: b.confirmPassword,
        revokeSessions: b.revokeSessions ?? cfg.revokeSessionsDefault,
        ctx: requestContext(request),
      });
      return { status: 'changed' } as const;
    },
  );

  app.post<{ Body: { ott: string } }>(PATHS.api.unlock, { schema: { body: apiSchemas.unlock } }, async (request) => {
    const handle = requireHandle(request, cfg);
    await recovery.unlock({ handle, ott: request.body.ott, ctx: requestContext(request) });
    return { status: 'unlocked' } as const;
  });

  app.post(PATHS.api.cancel, { schema: { body: apiSchemas.empty } }, async (request, reply) => {
    const handle = requireHandle(request, cfg);
    await recovery.cancel({ handle, ctx: requestContext(request) });
    clearFlowCookie(reply, cfg);
    return { status: 'cancelled' } as const;
  });
}
