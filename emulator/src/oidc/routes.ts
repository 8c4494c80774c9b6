// Fastify wiring of the OIDC side. Rules: each oidc-provider endpoint is a Fastify route under /oauth2/default
// (so rate-limit buckets, faults, 404/405 and the request log work per endpoint) whose handler hijacks the reply and
// hands the raw request to oidc-provider's Koa callback with the mount prefix stripped, as a connect-style mount does
// (originalUrl keeps the full path; req.url is restored before Fastify's onResponse hooks log it); the emulator's
// headers (X-Okta-Request-Id, Date, X-Rate-Limit-*) are copied onto the raw response; those routes leave the body
// stream unread for oidc-provider; the login pages parse url-encoded forms only (8 KB); the control API manages clients.
import formbody from '@fastify/formbody';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import { ControlError } from '../errors.js';
import { oidcClientSchema } from '../seed/schema.js';
import { describeClient, toMetadata } from './clients.js';
import { hijackWithHeaders, requestOrigin } from './http.js';
import { registerInteractionRoutes } from './interaction.js';
import { LOGIN_CSS } from './pages.js';
import { LOGIN_CSS_PATH, OIDC_MOUNT, OIDC_ROUTES, redactOidcQuery } from './paths.js';
import type { OidcService } from './provider.js';

declare module 'fastify' {
  interface FastifyInstance {
    oidc: OidcService;
  }
}

type Method = 'GET' | 'POST' | 'OPTIONS';
const R = OIDC_ROUTES;
const PROVIDER_ROUTES: [string, Method[]][] = [
  ['/.well-known/openid-configuration', ['GET', 'OPTIONS']],
  ['/.well-known/oauth-authorization-server', ['GET', 'OPTIONS']],
  [R.authorization, ['GET', 'POST']],
  [`${R.authorization}/:uid`, ['GET']],
  [R.token, ['POST', 'OPTIONS']],
  [R.userinfo, ['GET', 'POST', 'OPTIONS']],
  [R.jwks, ['GET', 'OPTIONS']],
  [R.end_session, ['GET', 'POST']],
  [`${R.end_session}/confirm`, ['POST']],
  [`${R.end_session}/success`, ['GET']],
  [R.revocation, ['POST', 'OPTIONS']],
  [R.introspection, ['POST', 'OPTIONS']],
  [R.pushed_authorization_request, ['POST', 'OPTIONS']],
];

/** oidc-provider's Koa request handler, composed once per provider. */
const handlers = new WeakMap<object, ReturnType<Provider['callback']>>();

async function handOver(req: FastifyRequest, reply: FastifyReply): Promise<void> {
  const provider = await req.server.oidc.provider(requestOrigin(req));
  let handler = handlers.get(provider);
  if (!handler) handlers.set(provider, (handler = provider.callback()));
  hijackWithHeaders(reply);
  const raw = req.raw as IncomingMessage & { originalUrl?: string };
  const full = raw.url ?? '/';
  const restore = () => {
    raw.url = full;
  };
  // Runs before Fastify's own 'finish' listener, so the request log records the full path.
  reply.raw.prependListener('finish', restore);
  reply.raw.prependListener('close', restore);
  if (req.meta.dropAfter) {
    // Fault `drop: after`: oidc-provider does its work (a code is consumed, a token issued), then the connection dies.
    reply.raw.end = (() => {
      restore();
      req.server.emu.requestLog.add({
        id: req.meta.requestId,
        method: req.method,
        path: full.split('?')[0] ?? full,
        query: redactOidcQuery({ ...(req.query as Record<string, string | string[]>) }),
        status: reply.raw.statusCode,
        at: new Date(req.server.emu.clock.now()).toISOString(),
      });
      req.meta.logged = true;
      reply.raw.destroy();
      return reply.raw;
    }) as typeof reply.raw.end;
  }
  raw.originalUrl = full;
  raw.url = full.slice(OIDC_MOUNT.length) || '/';
  try {
    await handler(raw, reply.raw);
  } finally {
    restore();
  }
}

export async function registerOidcRoutes(app: FastifyInstance): Promise<void> {
  // oidc-provider endpoints: the body stays unread (oidc-provider parses it).
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, _payload, done) => done(null, undefined));
    for (const [path, methods] of PROVIDER_ROUTES) {
      scope.route({ method: methods, url: OIDC_MOUNT + path, handler: handOver });
    }
  });

  // The emulator's login and MFA pages.
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    await scope.register(formbody, { bodyLimit: 8192 });
    scope.addContentTypeParser('*', { parseAs: 'string', bodyLimit: 8192 }, (_req, _body, done) => done(null, {}));
    await registerInteractionRoutes(scope);
  });

  app.get(LOGIN_CSS_PATH, async (_req, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'no-cache').header('x-content-type-options', 'nosniff').send(LOGIN_CSS),
  );

  // Control API: OIDC clients (no auth, JSON, never logged, as every /_emulator call).
  app.get('/_emulator/oidc/clients', async (req) => ({
    issuer: app.oidc.issuer ?? requestOrigin(req) + OIDC_MOUNT,
    clients: app.oidc.clients.all().map(describeClient),
  }));

  app.post('/_emulator/oidc/clients', async (req, reply) => {
    const parsed = oidcClientSchema.safeParse(req.body ?? {});
    if (!parsed.success) {
      const msg = parsed.error.issues.map((i) => `${i.path.map(String).join('.') || '(body)'}: ${i.message}`).join('; ');
      throw new ControlError(400, msg);
    }
    // oidc-provider's own metadata rules, so a bad client fails here and not at the first sign-in.
    const provider = await app.oidc.provider(requestOrigin(req));
    try {
      await provider.Client.validate(toMetadata(parsed.data) as Parameters<typeof provider.Client.validate>[0]);
    } catch (err) {
      const e = err as { error_description?: string; message?: string };
      throw new ControlError(400, e.error_description ?? e.message ?? 'invalid client metadata');
    }
    const isNew = app.oidc.clients.put(parsed.data);
    return reply.code(isNew ? 201 : 200).send({ client: describeClient(parsed.data) });
  });

  app.delete<{ Params: { clientId: string } }>('/_emulator/oidc/clients/:clientId', async (req) => {
    if (!app.oidc.clients.delete(req.params.clientId)) throw new ControlError(404, 'unknown OIDC client');
    return { deleted: req.params.clientId };
  });
}
