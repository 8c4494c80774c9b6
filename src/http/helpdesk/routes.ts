/**
 * The help-desk console (issue 16, item 1): pages under /helpdesk and the JSON API under /api/v1/helpdesk, over
 * one HelpdeskService.
 * Rules:
 * - Admission: a live portal session whose `groups` (the ID token's claim at sign-in) contain HELPDESK_GROUP. No
 *   session: pages redirect to sign-in, the API answers 401 SIGN_IN_REQUIRED. Signed in but not in the group: 403
 *   FORBIDDEN and an audit event `helpdesk.denied` with the user's identity, before anything else is read.
 * - The agent comes only from the session; the caller only from the lookup the agent made (the core's record).
 * - Pages work without JavaScript (Post/Redirect/Get to fixed paths; the push page has "Check again" and push.js
 *   follows it with server-sent events); refusals re-render the form with the error (status and Retry-After kept).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionRecord } from '../../auth/index.js';
import type { AgentContext, HelpdeskService, HelpdeskView } from '../../core/helpdesk/api.js';
import { isPortalError, PortalError } from '../../core/errors.js';
import { messagePage } from '../../views/pages/message.js';
import { helpdeskCodePage, helpdeskHomePage, helpdeskPushPage, helpdeskResultPage } from '../../views/pages/helpdesk.js';
import { displayName, type AccountRouteDeps } from '../account/context.js';
import { admitGroup } from '../account/groups.js';
import { AUTH_PATHS, ACCOUNT_PATHS } from '../account/paths.js';
import { iso } from '../api/map.js';
import { requestContext } from '../context.js';
import { toWireError } from '../errors.js';
import { normaliseCode } from '../flow.js';
import { liveStreams, type LiveState } from '../sse.js';
import { viewContext } from '../view-context.js';
import { HELPDESK_API, HELPDESK_PATHS } from './paths.js';
import { helpdeskSchemas } from './schemas.js';

export interface HelpdeskHttpOptions {
  service: HelpdeskService;
  /** HELPDESK_GROUP: the group name that admits an agent. */
  group: string;
}

type Admission = { kind: 'agent'; session: SessionRecord; agent: AgentContext } | { kind: 'signin' } | { kind: 'forbidden' };


/** Codes are pasted as "123 456" or "123-456" sometimes; the core sees digits only. */
const pasted = (raw: string | undefined): string => normaliseCode(raw ?? '').replace(/[-\u2010-\u2015\u2212.]/g, '');

/** The page where the agent's verification stands. */
function pathFor(view: HelpdeskView): string {
  switch (view.state) {
    case 'challenged-code':
      return HELPDESK_PATHS.code;
    case 'challenged-push':
      return HELPDESK_PATHS.push;
    case 'verified':
    case 'failed':
      return HELPDESK_PATHS.result;
    default:
      return HELPDESK_PATHS.home;
  }
}

export async function helpdeskRoutes(app: FastifyInstance, deps: AccountRouteDeps, opts: HelpdeskHttpOptions): Promise<void> {
  const { cfg } = deps;
  const service = opts.service;
  const live = liveStreams(app, {
    intervalMs: Math.max(1, cfg.pages?.pushPollIntervalSeconds ?? 3) * 1000,
    maxMs: 10 * 60 * 1000,
    what: 'help-desk',
  });
  const ctxOf = (request: FastifyRequest) => viewContext(cfg, request);
  const go = (reply: FastifyReply, path: string) => reply.redirect(cfg.basePath + path, 303);
  const send = (reply: FastifyReply, body: string, err?: PortalError | { status: number }) => {
    if (err) {
      reply.code('httpStatus' in err ? err.httpStatus : err.status);
      if ('httpStatus' in err && err.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(1, Math.ceil(err.retryAfterSeconds))));
    }
    return reply.type('text/html; charset=utf-8').send(body);
  };
  const text = (request: FastifyRequest, err: PortalError): string => {
    const t = ctxOf(request).t;
    if (err.code === 'NOT_FOUND') return t.helpdesk.noSuchLogin;
    const base = t.errors[err.code];
    return err.retryAfterSeconds !== undefined ? `${base} ${t.common.retryAfter(Math.max(1, Math.ceil(err.retryAfterSeconds)))}` : base;
  };

  /** Who is asking, and whether they are admitted; a refusal is audited with their identity. */
  const admit = async (request: FastifyRequest): Promise<Admission> => {
    const gate = await admitGroup(request, deps, opts.group, 'helpdesk');
    if (gate.kind !== 'member') return { kind: gate.kind };
    const session = gate.session;
    return {
      kind: 'agent',
      session,
      agent: { agentId: session.userId, agentLogin: session.login, sessionId: session.sid, ctx: requestContext(request) },
    };
  };

  type Handler = (request: FastifyRequest, reply: FastifyReply, a: Extract<Admission, { kind: 'agent' }>) => Promise<FastifyReply>;

  /** A console page or form: sign-in redirect, 403 page, or the handler (PortalErrors it leaves: an error page). */
  const page =
    (handler: Handler) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const a = await admit(request);
      if (a.kind === 'signin') return go(reply, AUTH_PATHS.signIn);
      const ctx = ctxOf(request);
      if (a.kind === 'forbidden') {
        const body = messagePage(ctx, {
          title: ctx.t.helpdesk.forbiddenTitle,
          heading: ctx.t.helpdesk.forbiddenTitle,
          message: ctx.t.errors.FORBIDDEN,
          actions: [{ href: ctx.href(ACCOUNT_PATHS.home), label: ctx.t.account.back }],
        });
        return send(reply, body, new PortalError('FORBIDDEN'));
      }
      try {
        return await handler(request, reply, a);
      } catch (err) {
        if (!isPortalError(err)) throw err;
        request.log.info({ errCode: err.code, detail: toWireError(err).detail }, 'help-desk request refused');
        const body = messagePage(ctx, {
          title: ctx.t.helpdesk.title,
          heading: ctx.t.common.errorHeading,
          message: text(request, err),
          actions: [{ href: ctx.href(HELPDESK_PATHS.home), label: ctx.t.helpdesk.newCaller }],
        });
        return send(reply, body, err);
      }
    };

  /** The API's agent: 401 without a session, 403 (audited) outside the group. */
  const apiAgent = async (request: FastifyRequest): Promise<AgentContext> => {
    const a = await admit(request);
    if (a.kind === 'signin') throw new PortalError('SIGN_IN_REQUIRED', { detail: 'no live session' });
    if (a.kind === 'forbidden') throw new PortalError('FORBIDDEN', { detail: 'not in the help-desk group' });
    return a.agent;
  };

  // --- pages ---------------------------------------------------------------------------------------------------
  const renderHome = async (
    request: FastifyRequest,
    reply: FastifyReply,
    a: Extract<Admission, { kind: 'agent' }>,
    o: { fresh?: boolean; login?: string; ticket?: string; error?: PortalError; text?: string; fieldError?: 'login'; status?: number } = {},
  ) => {
    const view = await service.view(a.agent);
    const body = helpdeskHomePage(ctxOf(request), {
      csrfToken: reply.generateCsrf(),
      agent: displayName(a.session),
      caller: o.fresh ? null : view.caller,
      ticket: o.fresh ? null : view.ticket,
      login: o.login,
      ticketValue: o.ticket,
      error: o.text ?? (o.error ? text(request, o.error) : undefined),
      fieldError: o.fieldError,
    });
    return send(reply, body, o.error ?? (o.status ? { status: o.status } : undefined));
  };

  app.get<{ Querystring: { new?: unknown } }>(
    HELPDESK_PATHS.home,
    page(async (request, reply, a) => renderHome(request, reply, a, { fresh: (request.query as { new?: unknown }).new === '1' })),
  );

  app.post(
    HELPDESK_PATHS.lookup,
    { schema: { body: helpdeskSchemas.form.lookup } },
    page(async (request, reply, a) => {
      const b = request.body as { login?: string; ticket?: string };
      const login = (b.login ?? '').trim();
      const ticket = b.ticket ?? '';
      if (login === '') {
        return renderHome(request, reply, a, { fresh: true, ticket, text: ctxOf(request).t.helpdesk.loginEmpty, fieldError: 'login', status: 400 });
      }
      try {
        await service.lookup(a.agent, login, ticket);
      } catch (err) {
        if (!isPortalError(err)) throw err;
        return renderHome(request, reply, a, { fresh: true, login, ticket, error: err, fieldError: err.code === 'NOT_FOUND' ? 'login' : undefined });
      }
      return go(reply, HELPDESK_PATHS.home);
    }),
  );

  app.post(
    HELPDESK_PATHS.challenge,
    { schema: { body: helpdeskSchemas.form.factor } },
    page(async (request, reply, a) => {
      const { factorId } = request.body as { factorId: string };
      try {
        const r = await service.challenge(a.agent, factorId);
        return go(reply, r.kind === 'push-waiting' ? HELPDESK_PATHS.push : HELPDESK_PATHS.code);
      } catch (err) {
        if (!isPortalError(err)) throw err;
        return renderHome(request, reply, a, { error: err });
      }
    }),
  );

  const renderCode = async (
    request: FastifyRequest,
    reply: FastifyReply,
    a: Extract<Admission, { kind: 'agent' }>,
    o: { error?: PortalError; text?: string; fieldError?: boolean; status?: number } = {},
  ) => {
    const view = await service.view(a.agent);
    if (view.state !== 'challenged-code' || !view.method || view.method === 'push' || view.method === 'email' || !view.caller) return go(reply, pathFor(view));
    const body = helpdeskCodePage(ctxOf(request), {
      csrfToken: reply.generateCsrf(),
      method: view.method,
      hint: view.hint,
      login: view.caller.login,
      error: o.text ?? (o.error ? text(request, o.error) : undefined),
      fieldError: o.fieldError,
    });
    return send(reply, body, o.error ?? (o.status ? { status: o.status } : undefined));
  };

  app.get(HELPDESK_PATHS.code, page(async (request, reply, a) => renderCode(request, reply, a)));

  app.post(
    HELPDESK_PATHS.code,
    { schema: { body: helpdeskSchemas.form.code } },
    page(async (request, reply, a) => {
      const code = pasted((request.body as { code?: string }).code);
      if (code === '') return renderCode(request, reply, a, { text: ctxOf(request).t.code.empty, fieldError: true, status: 400 });
      try {
        await service.verify(a.agent, code);
      } catch (err) {
        if (!isPortalError(err)) throw err;
        if (err.code === 'WRONG_STEP') return go(reply, HELPDESK_PATHS.home);
        return renderCode(request, reply, a, { error: err, fieldError: err.code === 'INVALID_CODE' });
      }
      return go(reply, HELPDESK_PATHS.result);
    }),
  );

  app.get(
    HELPDESK_PATHS.push,
    page(async (request, reply, a) => {
      const view = await service.view(a.agent);
      if (view.state !== 'challenged-push' || !view.caller) return go(reply, pathFor(view));
      const state = await service.status(a.agent);
      if (state !== 'waiting') return go(reply, HELPDESK_PATHS.result);
      return send(reply, helpdeskPushPage(ctxOf(request), { login: view.caller.login, correctAnswer: view.correctAnswer }));
    }),
  );

  const liveState = async (agent: AgentContext): Promise<LiveState> => {
    const s = await service.status(agent);
    return s === 'failed' ? 'moved' : s; // the push page reloads and lands on the result
  };

  app.get(HELPDESK_PATHS.pushEvents, async (request, reply) => {
    const a = await admit(request);
    if (a.kind === 'signin') return go(reply, AUTH_PATHS.signIn);
    if (a.kind === 'forbidden') throw new PortalError('FORBIDDEN');
    await live.stream(request, reply, `helpdesk:${a.session.sid}`, () => liveState(a.agent));
    return reply;
  });

  app.get(HELPDESK_PATHS.pushStatus, async (request, reply) => {
    const a = await admit(request);
    let status: LiveState = 'moved';
    if (a.kind === 'agent') {
      try {
        status = await liveState(a.agent);
      } catch (err) {
        if (!isPortalError(err)) throw err;
        if (err.code === 'RATE_LIMITED' || err.code === 'IDP_UNAVAILABLE') {
          reply.code(err.httpStatus).header('retry-after', String(Math.ceil(err.retryAfterSeconds ?? 5)));
          status = 'waiting';
        }
      }
    } else if (a.kind === 'forbidden') reply.code(403);
    return reply.type('application/json; charset=utf-8').send({ status });
  });

  app.get(
    HELPDESK_PATHS.result,
    page(async (request, reply, a) => {
      const view = await service.view(a.agent);
      if (view.state !== 'verified' && view.state !== 'failed') return go(reply, pathFor(view));
      return send(reply, helpdeskResultPage(ctxOf(request), { view }));
    }),
  );

  // --- JSON API ------------------------------------------------------------------------------------------------
  app.post(HELPDESK_API.lookup, { schema: { body: helpdeskSchemas.api.lookup } }, async (request) => {
    const b = request.body as { login: string; ticket?: string };
    const caller = await service.lookup(await apiAgent(request), b.login, b.ticket ?? null);
    return {
      caller: {
        login: caller.login,
        status: caller.status,
        factors: caller.factors.map((f) => ({ id: f.id, method: f.method, ...(f.hint !== undefined ? { hint: f.hint } : {}) })),
      },
    };
  });

  app.post(HELPDESK_API.challenge, { schema: { body: helpdeskSchemas.api.factor } }, async (request) => {
    const r = await service.challenge(await apiAgent(request), (request.body as { factorId: string }).factorId);
    switch (r.kind) {
      case 'code-sent':
        return { status: 'code_sent', method: r.method, hint: r.hint } as const;
      case 'code-ready':
        return { status: 'code_ready', method: r.method } as const;
      case 'push-waiting':
        return { status: 'push_waiting', correctAnswer: r.correctAnswer, expiresAt: iso(r.expiresAt) } as const;
    }
  });

  app.post(HELPDESK_API.verify, { schema: { body: helpdeskSchemas.api.code } }, async (request) => {
    const outcome = await service.verify(await apiAgent(request), normaliseCode((request.body as { code: string }).code));
    return { status: outcome } as const;
  });

  app.get(HELPDESK_API.status, async (request) => ({ status: await service.status(await apiAgent(request)) }));
}
