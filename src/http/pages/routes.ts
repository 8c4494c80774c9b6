/**
 * The HTML pages: the recovery flow without JavaScript (push pages enhance themselves with /assets/push.js).
 * Rules:
 * - Post/Redirect/Get: every form POST answers 303 to a fixed internal path (PATHS + base path), never to a target
 *   taken from the request, so the history holds only GET pages (Back never resubmits). GET pages ask the core where
 *   the flow stands and redirect to the page for that state, so skipped or replayed steps land where the flow is.
 * - A refused POST (wrong code, rate limits, policy reasons, empty fields ...) redirects to its own form page with a
 *   flash (./flash.ts: a signed, HttpOnly, 60 s cookie, read once); that GET shows the error in the role="alert"
 *   region with the error's status (and the remaining Retry-After) and keeps the non-secret values typed (username,
 *   chosen method, the sessions box). FLOW_EXPIRED and TOO_MANY_ATTEMPTS go to the start page the same way; other
 *   flow-ending refusals (WRONG_STEP, CSRF ...) to the app's error page with "Start again".
 * - The ott exists only in the password form's hidden field; passwords and codes are never echoed or flashed.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, isPortalError, type ErrorCode } from '../../core/errors.js';
import { OKTA_DEFAULT_RULES, type PasswordReason } from '../../core/password-rules.js';
import { RECOVERY_METHODS, type RecoveryMethod } from '../../core/ports.js';
import { isFactorVerified, type MethodOffer, type RecoveryService, type StatusResult } from '../../core/recovery/api.js';
import { html as markup } from '../../views/html.js';
import { isLanguage, type Language } from '../../views/i18n/index.js';
import { retryNote, type Message, type ViewContext } from '../../views/layout.js';
import { codePage } from '../../views/pages/code.js';
import { donePage } from '../../views/pages/done.js';
import { landingPage } from '../../views/pages/landing.js';
import { methodPage } from '../../views/pages/method.js';
import { passwordPage } from '../../views/pages/password.js';
import { pushPage } from '../../views/pages/push.js';
import { startPage } from '../../views/pages/start.js';
import type { ResolvedHttpConfig } from '../config.js';
import { requestContext } from '../context.js';
import { clearFlowCookie, setFlowCookie } from '../cookies.js';
import { toWireError, type WireError } from '../errors.js';
import { normaliseCode, requireHandle } from '../flow.js';
import { PATHS } from '../paths.js';
import { formSchemas } from '../schemas.js';
import { LANG_BACK_TARGETS, LANG_COOKIE, requestLanguage, viewContext, viewContextFor } from '../view-context.js';
import { brandingRoutes } from './branding.js';
import { setFlash, takeFlash, type Flash, type FlashText } from './flash.js';
import { PAGE_PATHS } from './paths.js';
import { pushEventsRoute } from './push-events.js';

export interface PageRouteDeps {
  recovery: RecoveryService;
  cfg: ResolvedHttpConfig;
}

/** Errors that end the flow or the request: left to the app's error page. */
const FATAL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'FLOW_EXPIRED',
  'WRONG_STEP',
  'TOO_MANY_ATTEMPTS',
  'CSRF',
  'BAD_REQUEST',
  'NOT_FOUND',
  'INTERNAL',
]);

/** A recoverable PortalError (re-render the form with it), or rethrows. */
function recoverable(err: unknown): WireError {
  if (!isPortalError(err) || FATAL.has(err.code)) throw err;
  return toWireError(err);
}

/** The page that shows a flow in this state. */
export function pageFor(state: StatusResult['state']): string {
  switch (state) {
    case 'started':
    case 'factor-verified':
      return PATHS.method;
    case 'code-sent':
    case 'code-ready':
      return PATHS.code;
    case 'waiting':
    case 'rejected':
    case 'expired':
      return PATHS.push;
    case 'verified':
      return PATHS.password;
    case 'completed':
      return PATHS.done;
  }
}

/** A page-level error: a WireError, optionally with its own text (field checks done here, not in the core). */
type PageError = WireError & { text?: string };

/**
 * The error's words: the catalogue's text, then for a delay "Try again in 14 minutes." counted down live, and for
 * limits the support link (the page itself keeps its other ways on: other methods, start again).
 */
function message(ctx: ViewContext, w: PageError): Message {
  const t = ctx.t;
  // "Too many requests. Try again later." followed by "Try again in 14 minutes." would say it twice.
  const withWait: Partial<Record<ErrorCode, string>> = {
    RATE_LIMITED: t.guide.tooMany,
    IDP_UNAVAILABLE: t.guide.idpDown,
    SERVICE_UNAVAILABLE: t.guide.serviceDown,
  };
  const base = w.text ?? (w.retryAfterSeconds !== undefined ? withWait[w.code] : undefined) ?? t.errors[w.code];
  const help =
    (w.code === 'RATE_LIMITED' || w.code === 'FACTOR_LOCKED') && ctx.supportUrl
      ? markup` <a href="${ctx.supportUrl}" rel="noreferrer">${t.common.support}</a>`
      : '';
  if (w.retryAfterSeconds === undefined && help === '') return base;
  return markup`${base}${w.retryAfterSeconds !== undefined ? markup` ${retryNote(ctx, w.retryAfterSeconds)}` : ''}${help}`;
}

/** A refused form field (its text comes from the flash). */
const BAD_INPUT: PageError = { code: 'BAD_REQUEST', status: 400, message: '' };

/** The catalogue text a flash names. */
function flashText(ctx: ViewContext, key: FlashText): string {
  switch (key) {
    case 'start.empty':
      return ctx.t.start.empty;
    case 'start.invalid':
      return ctx.t.start.invalid;
    case 'code.empty':
      return ctx.t.code.empty;
    case 'password.empty':
      return ctx.t.password.empty;
    case 'guide.chooseMethod':
      return ctx.t.guide.chooseMethod;
  }
}

/** Codes are pasted as "123 456" or "123-456" sometimes; the core sees digits only. */
export function pastedCode(raw: string): string {
  return normaliseCode(raw).replace(/[-\u2010-\u2015\u2212.]/g, '');
}

const YEAR_SECONDS = 365 * 24 * 3600;

/**
 * The method that last worked on this device: `last_method` holds a method's name and nothing about the account.
 * `tried_method` (same content, the flow's lifetime) remembers the method just chosen; once the flow is verified it
 * becomes `last_method`. Both are HttpOnly and only ever read by the method page, where the method is offered first.
 */
export const LAST_METHOD_COOKIE = 'last_method';
export const TRIED_METHOD_COOKIE = 'tried_method';

function methodCookie(request: FastifyRequest, name: string): RecoveryMethod | undefined {
  const v = request.cookies?.[name];
  return RECOVERY_METHODS.find((m) => m === v);
}

export async function pageRoutes(app: FastifyInstance, { recovery, cfg }: PageRouteDeps): Promise<void> {
  const html = (reply: FastifyReply, body: string, w?: PageError): FastifyReply => {
    if (w) {
      reply.code(w.status);
      if (w.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(0, Math.ceil(w.retryAfterSeconds))));
    }
    return reply.type('text/html; charset=utf-8').send(body);
  };
  const go = (reply: FastifyReply, path: string): FastifyReply => reply.redirect(cfg.basePath + path, 303);
  const ctxOf = (request: FastifyRequest) => viewContext(cfg, request);
  const msg = (request: FastifyRequest, w: PageError) => message(ctxOf(request), w);
  const status = (request: FastifyRequest): Promise<StatusResult> =>
    recovery.status({ handle: requireHandle(request, cfg), ctx: requestContext(request) });

  /**
   * A second copy of a form whose first copy rotated the handle (a double click, a reloaded POST: issue 11, item 10)
   * arrives with the handle the first copy replaced. With the same page's form value the core hands back a new
   * handle and the browser goes on to the flow's current page; anything else stays FLOW_EXPIRED (null here).
   */
  const resumed = async (request: FastifyRequest<{ Body: { _csrf?: string } }>, reply: FastifyReply, err: unknown) => {
    const form = request.body?._csrf;
    if (!isPortalError(err) || err.code !== 'FLOW_EXPIRED' || typeof form !== 'string') return null;
    const ctx = requestContext(request);
    try {
      const { handle } = await recovery.resume({ handle: requireHandle(request, cfg), form, ctx });
      setFlowCookie(reply, cfg, handle);
      return go(reply, pageFor((await recovery.status({ handle, ctx })).state));
    } catch {
      return null; // the original FLOW_EXPIRED stands
    }
  };
  /** The form's per-page value, which lets a second copy of it find the flow (see `resumed`). */
  const formOf = (request: FastifyRequest<{ Body: { _csrf?: string } }>): { form?: string } =>
    typeof request.body?._csrf === 'string' ? { form: request.body._csrf } : {};
  // --- Post/Redirect/Get ------------------------------------------------------------------------------------------
  /** After a refused POST: the flash for `page`, then 303 to it (the page shows the error on a GET). */
  const back = (reply: FastifyReply, page: string, w: PageError | null, extra: Omit<Flash, 'page'> = {}): FastifyReply => {
    const flash: Flash = { page, ...extra };
    if (w) {
      flash.code = w.code;
      flash.status = w.status;
      if (w.retryAfterSeconds !== undefined) {
        flash.retryAfter = w.retryAfterSeconds;
        flash.at = Date.now();
      }
    }
    setFlash(reply, cfg, flash);
    return go(reply, page);
  };
  /** The flash's error as the page shows it (its status and remaining wait), or undefined. */
  const flashError = (request: FastifyRequest, f: Flash | null): PageError | undefined => {
    if (f === null || (f.code === undefined && f.text === undefined)) return undefined;
    const code = f.code ?? 'BAD_REQUEST';
    const w: PageError = { code, status: f.status ?? ERROR_CODES[code].status, message: '' };
    if (f.text !== undefined) w.text = flashText(ctxOf(request), f.text);
    if (f.retryAfter !== undefined) {
      const left = f.retryAfter - (Date.now() - (f.at ?? Date.now())) / 1000;
      if (left > 0) w.retryAfterSeconds = left;
    }
    if (f.reasons) w.reasons = f.reasons;
    return w;
  };
  /**
   * recoverable(), except that the flow-ending refusals of a form POST (the recovery expired, too many wrong codes)
   * go to the start page, which says why: then the redirect is under way and null is returned.
   */
  const refusal = (reply: FastifyReply, err: unknown): WireError | null => {
    if (isPortalError(err) && (err.code === 'FLOW_EXPIRED' || err.code === 'TOO_MANY_ATTEMPTS')) {
      back(reply, PATHS.start, toWireError(err));
      return null;
    }
    return recoverable(err);
  };

  await brandingRoutes(app, cfg);
  await pushEventsRoute(app, { recovery, cfg });

  // --- language switch -----------------------------------------------------------------------------------------
  // A GET link (works without JavaScript). It only stores a preference, so it needs no CSRF token; the way back is
  // chosen from a fixed list of pages, never taken as a URL from the request (no open redirect).
  app.get<{ Querystring: Record<string, unknown> }>(PAGE_PATHS.lang, async (request, reply) => {
    const { to, back } = request.query;
    if (isLanguage(to)) {
      reply.setCookie(LANG_COOKIE, to, { path: '/', httpOnly: true, secure: cfg.secure, sameSite: 'lax', maxAge: YEAR_SECONDS });
    }
    const target = typeof back === 'string' && LANG_BACK_TARGETS.includes(back) ? back : PATHS.landing;
    return go(reply, target);
  });

  // --- landing and start ---------------------------------------------------------------------------------------
  // The landing page depends on the request only through its language (it has no form, no flow, nothing taken from
  // the request), so each language's page is rendered once, on first use, from this app's configuration. A plain
  // (not async) handler: no promise per request.
  const landingByLang = new Map<Language, string>();
  app.get(PATHS.landing, (request, reply) => {
    const lang = requestLanguage(cfg, request);
    let page = landingByLang.get(lang);
    if (page === undefined) {
      page = landingPage(viewContextFor(cfg, lang, PATHS.landing));
      landingByLang.set(lang, page);
    }
    html(reply, page);
  });

  app.get(PATHS.start, async (request, reply) => {
    const f = takeFlash(request, reply, cfg, PATHS.start);
    const w = flashError(request, f);
    const ctx = ctxOf(request);
    return html(
      reply,
      startPage(ctx, {
        csrfToken: reply.generateCsrf(),
        error: w ? message(ctx, w) : undefined,
        fieldError: f?.field === true,
        value: f?.value,
      }),
      w,
    );
  });

  app.post<{ Body: { username?: string } }>(
    PATHS.start,
    { schema: { body: formSchemas.start } },
    async (request, reply) => {
      const login = (request.body.username ?? '').trim();
      if (login === '') return back(reply, PATHS.start, BAD_INPUT, { text: 'start.empty', field: true });
      try {
        const started = await recovery.start({ login, ctx: requestContext(request) });
        setFlowCookie(reply, cfg, started.handle);
        return go(reply, PATHS.method);
      } catch (err) {
        if (isPortalError(err) && err.code === 'BAD_REQUEST') {
          // The login's shape was refused (depends only on the input, reveals nothing about accounts).
          return back(reply, PATHS.start, BAD_INPUT, { text: 'start.invalid', field: true });
        }
        return back(reply, PATHS.start, recoverable(err), { value: login });
      }
    },
  );

  app.post(PATHS.cancel, { schema: { body: formSchemas.cancel } }, async (request, reply) => {
    try {
      await recovery.cancel({ handle: requireHandle(request, cfg), ctx: requestContext(request) });
    } catch (err) {
      if (!isPortalError(err) || err.code !== 'FLOW_EXPIRED') throw err;
    }
    clearFlowCookie(reply, cfg);
    return go(reply, PATHS.start);
  });

  // --- method --------------------------------------------------------------------------------------------------
  /** The flow's offer: masked enrolled methods when the core hands them back, else the operator's list. */
  const offers = (s: StatusResult | null): MethodOffer[] =>
    s && 'methods' in s && s.methods ? s.methods : cfg.methods.map((method) => ({ method }));

  const renderMethod = (
    request: FastifyRequest,
    reply: FastifyReply,
    s: StatusResult | null,
    selected?: RecoveryMethod,
    w?: PageError,
    fieldError?: boolean,
  ) =>
    html(
      reply,
      methodPage(ctxOf(request), {
        csrfToken: reply.generateCsrf(),
        methods: offers(s),
        selected,
        remembered: methodCookie(request, LAST_METHOD_COOKIE),
        error: w ? msg(request, w) : undefined,
        fieldError,
        progress: s && 'progress' in s ? s.progress : undefined,
      }),
      w,
    );
  const cookieOpts = (maxAge: number) =>
    ({ path: '/', httpOnly: true, secure: cfg.secure, sameSite: 'lax', maxAge }) as const;

  app.get(PATHS.method, async (request, reply) => {
    const f = takeFlash(request, reply, cfg, PATHS.method);
    const s = await status(request);
    if (s.state === 'verified' || s.state === 'completed') return go(reply, pageFor(s.state));
    return renderMethod(request, reply, s, f?.method, flashError(request, f), f?.field === true);
  });

  app.post<{ Body: { method?: RecoveryMethod; _csrf?: string } }>(
    PATHS.method,
    { schema: { body: formSchemas.method } },
    async (request, reply) => {
      const handle = requireHandle(request, cfg);
      const method = request.body.method;
      if (method === undefined) {
        // No choice made (nothing is preselected): the same page, the error tied to the choice.
        return back(reply, PATHS.method, BAD_INPUT, { text: 'guide.chooseMethod', field: true });
      }
      try {
        const r = await recovery.challenge({ handle, method, ctx: requestContext(request), ...formOf(request) });
        setFlowCookie(reply, cfg, r.handle); // the handle rotates when a method is chosen (SES-1)
        reply.setCookie(TRIED_METHOD_COOKIE, method, cookieOpts(Math.floor(cfg.flowTtlSeconds)));
        return go(reply, r.kind === 'push-waiting' ? PATHS.push : PATHS.code);
      } catch (err) {
        const again = await resumed(request, reply, err);
        if (again) return again;
        const w = refusal(reply, err);
        if (w === null) return reply;
        const s = await status(request).catch(() => null);
        // The same phone method again within its cooldown: the code already sent still works, so the code page
        // (with its live countdown to the next send) is the way on, not an error here.
        if (w.code === 'RESEND_TOO_SOON' && s?.state === 'code-sent' && s.method === method) return go(reply, PATHS.code);
        return back(reply, PATHS.method, w, { method });
      }
    },
  );

  // --- code ----------------------------------------------------------------------------------------------------
  const renderCode = async (
    request: FastifyRequest,
    reply: FastifyReply,
    opts: { w?: PageError; fieldError?: boolean; notice?: string } = {},
  ) => {
    const s = await status(request);
    if (s.state !== 'code-sent' && s.state !== 'code-ready') return go(reply, pageFor(s.state));
    return html(
      reply,
      codePage(ctxOf(request), {
        csrfToken: reply.generateCsrf(),
        method: s.method,
        resendAfterSeconds: s.state === 'code-sent' ? s.resendAfterSeconds : undefined,
        error: opts.w ? msg(request, opts.w) : undefined,
        fieldError: opts.fieldError,
        notice: opts.notice,
        progress: s.progress,
      }),
      opts.w,
    );
  };

  app.get<{ Querystring: { sent?: string } }>(PATHS.code, async (request, reply) => {
    const f = takeFlash(request, reply, cfg, PATHS.code);
    const w = flashError(request, f);
    if (w) return renderCode(request, reply, { w, fieldError: f?.field === true });
    return renderCode(request, reply, request.query.sent === '1' ? { notice: ctxOf(request).t.code.resent } : {});
  });

  app.post<{ Body: { code?: string; _csrf?: string } }>(PATHS.code, { schema: { body: formSchemas.code } }, async (request, reply) => {
    const handle = requireHandle(request, cfg);
    const code = pastedCode(request.body.code ?? '');
    if (code === '') {
      return back(reply, PATHS.code, { code: 'INVALID_CODE', status: 400, message: '' }, { text: 'code.empty', field: true });
    }
    try {
      const r = await recovery.verify({ handle, code, ctx: requestContext(request), ...formOf(request) });
      setFlowCookie(reply, cfg, r.handle);
      // A two-method flow whose first factor just passed goes back to the method page for the second one.
      return go(reply, isFactorVerified(r) ? PATHS.method : PATHS.password);
    } catch (err) {
      const again = await resumed(request, reply, err);
      if (again) return again;
      const w = refusal(reply, err);
      if (w === null) return reply;
      return back(reply, PATHS.code, w, { field: w.code === 'INVALID_CODE' });
    }
  });

  app.post<{ Body: { method: 'sms' | 'call' | 'email' | 'push'; _csrf?: string } }>(
    PATHS.resend,
    { schema: { body: formSchemas.resend } },
    async (request, reply) => {
      const handle = requireHandle(request, cfg);
      const push = request.body.method === 'push';
      try {
        const r = await recovery.challenge({
          handle,
          method: request.body.method,
          ctx: requestContext(request),
          ...formOf(request),
        });
        setFlowCookie(reply, cfg, r.handle);
        return reply.redirect(`${cfg.basePath}${push ? PATHS.push : PATHS.code}?sent=1`, 303);
      } catch (err) {
        const again = await resumed(request, reply, err);
        if (again) return again;
        const w = refusal(reply, err);
        if (w === null) return reply;
        return back(reply, push ? PATHS.push : PATHS.code, w);
      }
    },
  );

  // --- push ----------------------------------------------------------------------------------------------------
  const renderPush = async (request: FastifyRequest, reply: FastifyReply, opts: { w?: PageError; notice?: string } = {}) => {
    const s = await status(request);
    const csrfToken = reply.generateCsrf();
    if (s.state === 'waiting') {
      const now = Date.now();
      return html(
        reply,
        pushPage(ctxOf(request), {
          state: 'waiting',
          correctAnswer: s.correctAnswer,
          progress: s.progress,
          csrfToken,
          expiresInSeconds: Math.max(0, (s.expiresAt - now) / 1000),
          sentSecondsAgo: s.sentAt !== undefined ? Math.max(0, (now - s.sentAt) / 1000) : undefined,
          notice: opts.notice,
          error: opts.w ? msg(request, opts.w) : undefined,
        }),
        opts.w,
      );
    }
    if (s.state === 'rejected' || s.state === 'expired') {
      const page = pushPage(ctxOf(request), { state: s.state, correctAnswer: null, progress: s.progress, csrfToken, error: opts.w ? msg(request, opts.w) : undefined });
      return html(reply, page, opts.w);
    }
    return go(reply, pageFor(s.state));
  };

  app.get<{ Querystring: { sent?: string } }>(PATHS.push, async (request, reply) => {
    const w = flashError(request, takeFlash(request, reply, cfg, PATHS.push));
    if (w) return renderPush(request, reply, { w });
    return renderPush(request, reply, request.query.sent === '1' ? { notice: ctxOf(request).t.push.resent } : {});
  });

  // --- password ------------------------------------------------------------------------------------------------
  const renderPassword = async (
    request: FastifyRequest,
    reply: FastifyReply,
    opts: { w?: PageError; reasons?: PasswordReason[]; fieldError?: boolean; revokeSessions?: boolean } = {},
  ) => {
    const s = await status(request);
    if (s.state !== 'verified') return go(reply, pageFor(s.state));
    const lines = cfg.pages?.passwordRequirements ?? undefined;
    // Okta's policy when the portal may read it; else the operator's lines as written; else Okta's default rules.
    const rules = (await recovery.passwordRules()) ?? (lines && lines.length > 0 ? null : OKTA_DEFAULT_RULES);
    const tried = methodCookie(request, TRIED_METHOD_COOKIE);
    if (tried) {
      reply.setCookie(LAST_METHOD_COOKIE, tried, cookieOpts(YEAR_SECONDS));
      reply.clearCookie(TRIED_METHOD_COOKIE, { path: '/' });
    }
    return html(
      reply,
      passwordPage(ctxOf(request), {
        csrfToken: reply.generateCsrf(),
        ott: s.ott,
        revokeSessions: opts.revokeSessions ?? cfg.revokeSessionsDefault,
        rules,
        requirements: lines,
        login: s.login,
        error: opts.w ? msg(request, opts.w) : undefined,
        reasons: opts.reasons,
        fieldError: opts.fieldError,
        unlockAvailable: s.unlockAvailable === true,
      }),
      opts.w,
    );
  };

  app.get(PATHS.password, async (request, reply) => {
    const f = takeFlash(request, reply, cfg, PATHS.password);
    const w = flashError(request, f);
    return renderPassword(request, reply, {
      ...(w ? { w, reasons: w.reasons } : {}),
      fieldError: f?.field === true,
      ...(f?.revoke !== undefined ? { revokeSessions: f.revoke } : {}),
    });
  });

  app.post<{ Body: { ott: string; password?: string; confirmPassword?: string; revokeSessions?: 'on' } }>(
    PATHS.password,
    { schema: { body: formSchemas.password } },
    async (request, reply) => {
      const handle = requireHandle(request, cfg);
      const b = request.body;
      const revokeSessions = b.revokeSessions === 'on';
      const password = b.password ?? '';
      const confirmPassword = b.confirmPassword ?? '';
      if (password === '' || confirmPassword === '') {
        return back(reply, PATHS.password, BAD_INPUT, { text: 'password.empty', field: true, revoke: revokeSessions });
      }
      try {
        await recovery.setPassword({ handle, ott: b.ott, password, confirmPassword, revokeSessions, ctx: requestContext(request) });
        // Whether other sessions were ended is not a secret; the done page says it.
        return reply.redirect(`${cfg.basePath}${PATHS.done}?sessions=${revokeSessions ? 'ended' : 'kept'}`, 303);
      } catch (err) {
        const w = refusal(reply, err);
        if (w === null) return reply;
        const field = w.code === 'PASSWORD_MISMATCH' || w.code === 'PASSWORD_POLICY' || w.code === 'PASSWORD_BREACHED';
        // A double submit: the first one changed the password, this one finds the ott used. The password page sends
        // it on to the done page because the flow is completed.
        return back(reply, PATHS.password, w, { field, revoke: revokeSessions, ...(w.reasons ? { reasons: w.reasons } : {}) });
      }
    },
  );

  // Self-service unlock (issue 14): the password page's second form spends the same ott on the unlock.
  app.post<{ Body: { ott: string } }>(PATHS.unlock, { schema: { body: formSchemas.unlock } }, async (request, reply) => {
    const handle = requireHandle(request, cfg);
    try {
      await recovery.unlock({ handle, ott: request.body.ott, ctx: requestContext(request) });
      return go(reply, PATHS.done);
    } catch (err) {
      const w = refusal(reply, err);
      if (w === null) return reply;
      return back(reply, PATHS.password, w);
    }
  });

  // --- done ----------------------------------------------------------------------------------------------------
  app.get<{ Querystring: { sessions?: string } }>(PATHS.done, async (request, reply) => {
    const s = await status(request);
    if (s.state !== 'completed') return go(reply, pageFor(s.state));
    const q = request.query.sessions;
    return html(
      reply,
      donePage(ctxOf(request), {
        signInUrl: cfg.pages?.signInUrl ?? undefined,
        sessionsEnded: q === 'ended' ? true : q === 'kept' ? false : undefined,
        unlocked: s.unlocked === true,
      }),
    );
  });
}
