// Cross-cutting HTTP behaviour, registered as Fastify hooks: request id, Date and X-Rate-Limit-* headers on every
// response; fault injection, SSWS authentication and rate limiting on Okta paths (in that order, before the body is
// parsed); the request log; Okta-shaped errors (control paths get {error}); 404 vs 405 for unknown routes.
// Rules: the token is compared in constant time and never echoed; /api/v1/authn works without a token (it is
// Okta's public primary-authentication API) but a wrong token is still refused; /oauth2 paths (the OIDC side,
// emulator/src/oidc/, and the service-app token endpoint, emulator/src/oauth/) never need the token, and credential
// values in their query are redacted in the request log; errors never carry a stack trace. `Authorization: Bearer`
// with an access token issued to a service app works like the API token, but each operation also needs its
// okta.* scope (emulator/src/oauth/scopes.ts): an unknown or expired token is 401 E0000011, a missing scope 403
// E0000006, each with Okta's WWW-Authenticate header. A DPoP-bound token (emulator/src/oauth/dpop.ts) works only as
// `Authorization: DPoP` with a matching DPoP proof; as a Bearer token, or with a bad proof, it is 400 with a
// `WWW-Authenticate: DPoP … error="invalid_dpop_proof"` challenge.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ControlError, OktaError, errors } from './errors.js';
import { requestId } from './ids.js';
import { isControlPath, pathOf, type EmulatorContext } from './context.js';
import type { RateDecision } from './ratelimit.js';
import { isOidcPath, redactOidcQuery } from './oidc/paths.js';
import type { IssuedToken } from './oauth/apps.js';
import { DPOP_ALGORITHMS, verifyDpopProof } from './oauth/dpop.js';
import { requiredScope } from './oauth/scopes.js';

export const BODY_LIMIT = 1_048_576;

function setRateHeaders(reply: FastifyReply, d: RateDecision): void {
  reply.header('X-Rate-Limit-Limit', String(d.limit));
  reply.header('X-Rate-Limit-Remaining', String(d.remaining));
  reply.header('X-Rate-Limit-Reset', String(d.reset));
}

function tokenMatches(header: string | undefined, token: string): boolean {
  if (!header) return false;
  const a = Buffer.from(header);
  const b = Buffer.from(`SSWS ${token}`);
  return a.length === b.length && timingSafeEqual(a, b);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Fastify's `frameworkErrors` (a URL it cannot decode, a path parameter over maxParamLength): these bypass the hooks,
 * so the usual headers are set here. The offending URL is never echoed back.
 */
export function frameworkErrorHandler(emu: Pick<EmulatorContext, 'clock' | 'limiter'>) {
  return (err: FastifyError, req: FastifyRequest, reply: FastifyReply): void => {
    const now = emu.clock.now();
    reply.header('X-Okta-Request-Id', requestId());
    reply.header('Date', new Date(now).toUTCString());
    setRateHeaders(reply, emu.limiter.peek(now));
    const tooLong = err.code === 'FST_ERR_MAX_PARAM_LENGTH';
    const okta = tooLong
      ? new OktaError(414, 'E0000001', 'Api validation failed: a path segment is too long')
      : new OktaError(400, 'E0000003', 'The request URL was not well-formed.');
    if (isControlPath(pathOf(req.url))) void reply.code(okta.statusCode).send({ error: okta.errorSummary });
    else void reply.code(okta.statusCode).send(okta.body());
  };
}

export function registerHttpBehaviour(app: FastifyInstance): void {
  const emu = app.emu;
  const routes: { method: string; re: RegExp }[] = [];

  app.addHook('onRoute', (opts) => {
    const methods = Array.isArray(opts.method) ? opts.method : [opts.method];
    const pattern = opts.url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[^/]+/g, '[^/]+').replace(/\\\*|\*/g, '.*');
    for (const m of methods) routes.push({ method: String(m).toUpperCase(), re: new RegExp(`^${pattern}/?$`) });
  });

  app.decorateRequest('meta', null as never);

  app.addHook('onRequest', async (req, reply) => {
    const path = pathOf(req.url);
    const now = emu.clock.now();
    req.meta = { requestId: requestId(), isOkta: !isControlPath(path), dropAfter: false, logged: false };
    reply.header('X-Okta-Request-Id', req.meta.requestId);
    reply.header('Date', new Date(now).toUTCString());
    if (!req.meta.isOkta) {
      setRateHeaders(reply, emu.limiter.peek(now));
      return;
    }

    const fault = emu.faults.take(req.method, path);
    if (fault) {
      if (fault.latencyMs > 0) await sleep(fault.latencyMs);
      if (fault.drop === 'before') {
        logRequest(req, 0);
        reply.hijack();
        req.raw.socket?.destroy();
        return reply; // stops the lifecycle: the handler never runs

      }
      if (fault.drop === 'after') req.meta.dropAfter = true;
      if (fault.malformedJson) {
        setRateHeaders(reply, emu.limiter.peek(emu.clock.now()));
        return reply.code(fault.status ?? 200).type('application/json').send('{"errorCode":"E00000');
      }
      if (fault.status !== null) {
        setRateHeaders(reply, emu.limiter.peek(emu.clock.now()));
        throw fault.status >= 500
          ? new OktaError(fault.status, 'E0000009', 'Internal Server Error')
          : fault.status === 429
            ? errors.rateLimited()
            : new OktaError(fault.status, 'E0000001', `Api validation failed: injected fault (${fault.status})`);
      }
      if (fault.rateLimitResetSeconds !== null) {
        const n = emu.clock.now();
        const reset = Math.floor(n / 1000) + fault.rateLimitResetSeconds;
        setRateHeaders(reply, { limit: emu.state.defaultRateLimit.limit, remaining: 0, reset, allowed: false });
        if (fault.duplicateRateLimitReset) reply.header('X-Rate-Limit-Reset', [String(reset), String(reset)]);
        throw errors.rateLimited();
      }
    }

    const isAuthn = path === '/api/v1/authn' || path.startsWith('/api/v1/authn/');
    const auth = req.headers.authorization;
    if (!isOidcPath(path) && !(isAuthn && auth === undefined)) {
      const refusal = /^Bearer /i.test(auth ?? '')
        ? bearerRefusal(req, (auth as string).slice(7).trim())
        : /^DPoP /i.test(auth ?? '')
          ? await dpopRefusal(req, (auth as string).slice(5).trim())
          : tokenMatches(auth, emu.apiToken)
            ? null
            : errors.invalidToken();
      if (refusal) {
        setRateHeaders(reply, emu.limiter.peek(emu.clock.now()));
        throw refusal;
      }
    }

    // Okta's front end answers 411 Length Required to a POST or PUT that announces no body length at all (no
    // Content-Length and no chunked Transfer-Encoding); clients send Content-Length: 0 for a bodiless POST.
    if (
      (req.method === 'POST' || req.method === 'PUT') &&
      !isOidcPath(path) &&
      req.headers['content-length'] === undefined &&
      req.headers['transfer-encoding'] === undefined
    ) {
      setRateHeaders(reply, emu.limiter.peek(emu.clock.now()));
      throw errors.lengthRequired();
    }

    const decision = emu.limiter.take(req.method, path, req.routeOptions.url ?? '(unmatched)', emu.clock.now());
    setRateHeaders(reply, decision);
    if (!decision.allowed) throw errors.rateLimited();
  });

  /** Okta's answer to a Bearer token that may not make this call, or null when it may. */
  function bearerRefusal(req: FastifyRequest, token: string): OktaError | null {
    const origin = `${req.protocol}://${req.host}`;
    const path = pathOf(req.url);
    const challenge = (error: string, description: string, scope?: string): string =>
      `Bearer authorization_uri="${origin}/oauth2/v1/authorize", realm="IdentityProvider", ` +
      `${scope ? `scope="${scope}", ` : ''}error="${error}", error_description="${description}", resource="${path}"`;
    const issued = token === '' ? undefined : emu.serviceApps.lookup(token);
    if (!issued) {
      const e = errors.invalidToken();
      e.headers['WWW-Authenticate'] = challenge('invalid_token', 'The access token is invalid.');
      return e;
    }
    // A DPoP-bound token is not a bearer token: it must come with the DPoP scheme and a proof.
    if (issued.jkt !== undefined) return dpopError('The access token is DPoP-bound: send it with the DPoP authorization scheme and a DPoP proof.');
    return scopeRefusal(req, issued, challenge);
  }

  /** A DPoP refusal on the management API: 400 with Okta's DPoP challenge (okta-sdk-python issue 541). */
  function dpopError(description: string): OktaError {
    const e = errors.dpopProofInvalid(description);
    e.headers['WWW-Authenticate'] = `DPoP algs="${DPOP_ALGORITHMS.join(' ')}", error="invalid_dpop_proof", error_description="${description}"`;
    return e;
  }

  /** `Authorization: DPoP <token>` with a DPoP proof header (RFC 9449 section 7), or the refusal. */
  async function dpopRefusal(req: FastifyRequest, token: string): Promise<OktaError | null> {
    const origin = `${req.protocol}://${req.host}`;
    const path = pathOf(req.url);
    const issued = token === '' ? undefined : emu.serviceApps.lookup(token);
    if (!issued) {
      const e = errors.invalidToken();
      e.headers['WWW-Authenticate'] = `DPoP algs="${DPOP_ALGORITHMS.join(' ')}", error="invalid_token", error_description="The access token is invalid."`;
      return e;
    }
    if (issued.jkt === undefined) return dpopError('The access token is not DPoP-bound: send it with the Bearer authorization scheme.');
    const proof = await verifyDpopProof(emu.serviceApps, req.headers.dpop, {
      method: req.method,
      url: origin + path,
      nowMs: emu.clock.now(),
      accessToken: { value: token, jkt: issued.jkt },
    });
    if (!proof.ok) return dpopError(proof.description);
    return scopeRefusal(req, issued, (error, description, scope) =>
      `DPoP algs="${DPOP_ALGORITHMS.join(' ')}", ${scope ? `scope="${scope}", ` : ''}error="${error}", error_description="${description}"`,
    );
  }

  function scopeRefusal(
    req: FastifyRequest,
    issued: IssuedToken,
    challenge: (error: string, description: string, scope?: string) => string,
  ): OktaError | null {
    const path = pathOf(req.url);
    const needed = requiredScope(req.method, req.routeOptions.url ?? path);
    if (needed === undefined || (needed !== null && issued.scopes.has(needed))) return null;
    const e = errors.forbidden();
    e.headers['WWW-Authenticate'] = challenge(
      'insufficient_scope',
      'The access token provided does not contain the required scopes.',
      needed ?? undefined,
    );
    return e;
  }

  app.addHook('onSend', async (req, reply, payload) => {
    if (req.meta?.isOkta && req.meta.dropAfter) {
      logRequest(req, reply.statusCode);
      req.raw.socket?.destroy();
    }
    return payload;
  });

  app.addHook('onResponse', async (req, reply) => {
    logRequest(req, reply.statusCode);
  });

  function logRequest(req: FastifyRequest, status: number): void {
    if (!req.meta?.isOkta || req.meta.logged) return;
    req.meta.logged = true;
    const path = pathOf(req.url);
    const query = { ...(req.query as Record<string, string | string[]>) };
    emu.requestLog.add({
      id: req.meta.requestId,
      method: req.method,
      path,
      query: isOidcPath(path) ? redactOidcQuery(query) : query,
      status,
      at: new Date(emu.clock.now()).toISOString(),
    });
  }

  // JSON bodies only (other media types are 415). Hand-rolled rather than Fastify's default parser so that an empty
  // body (Content-Length: 0, which Okta's SDK sends on bodiless POSTs) is accepted and malformed JSON maps to E0000003.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    const text = String(body);
    if (text.trim() === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text));
    } catch {
      done(errors.malformedBody());
    }
  });

  // Any other media type: an empty body is tolerated (a bodiless POST), a non-empty one is 415.
  app.addContentTypeParser('*', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    if (String(body).trim() === '') return done(null, undefined);
    done(errors.badMediaType());
  });

  app.setErrorHandler((err: FastifyError | OktaError | ControlError, req, reply) => {
    let okta: OktaError;
    if (err instanceof ControlError) {
      return reply.code(err.statusCode).send({ error: err.message });
    } else if (err instanceof OktaError) {
      okta = err;
    } else if (err.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
      okta = errors.badMediaType();
    } else if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      okta = errors.payloadTooLarge(BODY_LIMIT);
    } else if (err.code?.startsWith('FST_ERR_CTP_') || (err.statusCode === 400 && err instanceof SyntaxError)) {
      okta = errors.malformedBody();
    } else {
      req.log.error({ err: { message: err.message, code: err.code } }, 'unexpected emulator error');
      okta = errors.internal();
    }
    if (!req.meta?.isOkta) return reply.code(okta.statusCode).send({ error: okta.errorSummary });
    for (const [k, v] of Object.entries(okta.headers)) reply.header(k, v);
    return reply.code(okta.statusCode).send(okta.body());
  });

  app.setNotFoundHandler((req, reply) => {
    const path = pathOf(req.url);
    const other = routes.filter((r) => r.re.test(path) && r.method !== req.method).map((r) => r.method);
    if (!req.meta?.isOkta) {
      if (other.length) return reply.code(405).header('Allow', [...new Set(other)].join(', ')).send({ error: `method ${req.method} not allowed on ${path}` });
      return reply.code(404).send({ error: `no control endpoint ${req.method} ${path}` });
    }
    if (other.length) {
      return reply.code(405).header('Allow', [...new Set(other)].join(', ')).send(errors.methodNotAllowed().body());
    }
    return reply.code(404).send(errors.notFound(path).body());
  });
}
