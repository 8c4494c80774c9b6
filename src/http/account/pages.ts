/**
 * The account's HTML pages ("My security methods") for a signed-in user, over the AccountService.
 * Rules:
 * - No live session: every page and form redirects (303) to /auth/signin; the user comes only from the session.
 * - Post/Redirect/Get: successful POSTs answer 303 to fixed paths (ACCOUNT_PATHS), outcomes travel as a fixed
 *   `done` keyword mapped to catalogue notices; recoverable errors re-render the same form with the error (status and
 *   Retry-After kept).
 * - Sensitive actions (set up, remove, change password) first ask AccountService.stepUpSatisfied; when a step-up is
 *   needed, the action is stored server-side (ui-state.ts, by kind, never a URL) and the user goes to the step-up
 *   page; after a successful code the action runs at once (same POST), after a push the continue page asks for one
 *   click (a GET never changes anything).
 * - Pages work without JavaScript; only the push pages update themselves (push.js with server-sent events).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionRecord } from '../../auth/index.js';
import type { AccountContext, AccountSessionView, EnrolmentStart, FactorView } from '../../core/account/api.js';
import { isPortalError, PortalError } from '../../core/errors.js';
import { RECOVERY_METHODS, type RecoveryMethod } from '../../core/ports.js';
import { messagePage } from '../../views/pages/message.js';
import { accountPage, removeConfirmPage, type AccountPageProps } from '../../views/pages/account.js';
import { enrolCodePage, enrolPushPage, enrolTotpPage } from '../../views/pages/account-enrol.js';
import { accountPasswordPage, type AccountPasswordPageProps } from '../../views/pages/account-password.js';
import { continuePage, stepUpChoosePage, stepUpCodePage, stepUpPushPage } from '../../views/pages/account-verify.js';
import { toWireError } from '../errors.js';
import { normaliseCode } from '../flow.js';
import { liveStreams, type LiveState } from '../sse.js';
import { viewContext } from '../view-context.js';
import { accountContext, currentSession, displayName, type AccountRouteDeps } from './context.js';
import { ACCOUNT_PATHS, AUTH_PATHS } from './paths.js';
import { countryOptions, defaultCountry, parsePhone, type PhoneProblem } from './phone.js';
import { openTotpSetup, sealTotpSetup } from './totp-setup.js';
import { recoveryReadiness, removesLastRecovery } from '../../core/account/readiness.js';
import { otpauthQrDataUri } from './qr.js';
import { accountSchemas } from './schemas.js';
import { PENDING_TTL_MS, type PendingAction, type UiState } from './ui-state.js';

interface Signed {
  session: SessionRecord;
  a: AccountContext;
}

type Handler = (request: FastifyRequest, reply: FastifyReply, s: Signed) => Promise<FastifyReply>;

const NOTICES = ['added', 'removed', 'password', 'cancelled'] as const;
type Notice = (typeof NOTICES)[number];

// Email is a recovery method only (issue 14, item 2): never a step-up.
const isRecoveryMethod = (k: string): k is RecoveryMethod => k !== 'email' && (RECOVERY_METHODS as readonly string[]).includes(k);

/** Kinds whose pending factor at Okta can be set up again from the overview with a fresh QR code / key. */
const RESTARTABLE: readonly RecoveryMethod[] = ['push', 'google-authenticator', 'okta-verify-code'];

/** Factors usable for a step-up: active, of a kind the portal can verify. */
export const stepUpFactors = (factors: readonly FactorView[]): FactorView[] =>
  factors.filter((f) => f.status === 'ACTIVE' && isRecoveryMethod(f.kind));

/** Codes are pasted as "123 456" or "123-456" sometimes; the core sees digits only. */
const pasted = (raw: string | undefined): string => normaliseCode(raw ?? '').replace(/[-\u2010-\u2015\u2212.]/g, '');

/** The set-up page for a pending enrolment's state, or null when nothing is pending. */
function enrolPathFor(state: AccountSessionView['enrolment']['state']): string | null {
  switch (state) {
    case 'code-sent':
      return ACCOUNT_PATHS.enrolCode;
    case 'totp-pending':
      return ACCOUNT_PATHS.enrolTotp;
    case 'push-pending':
      return ACCOUNT_PATHS.enrolPush;
    default:
      return null;
  }
}

export async function accountPageRoutes(app: FastifyInstance, deps: AccountRouteDeps): Promise<void> {
  const { cfg, account, ui, clock } = deps;
  const live = liveStreams(app, {
    intervalMs: Math.max(1, cfg.pages?.pushPollIntervalSeconds ?? 3) * 1000,
    maxMs: 15 * 60 * 1000,
    what: 'account',
  });
  const ctxOf = (request: FastifyRequest) => viewContext(cfg, request);
  const go = (reply: FastifyReply, path: string) => reply.redirect(cfg.basePath + path, 303);
  const send = (reply: FastifyReply, body: string, err?: PortalError | { status: number; retryAfterSeconds?: number | undefined }) => {
    if (err) {
      const w = 'httpStatus' in err ? { status: err.httpStatus, retryAfterSeconds: err.retryAfterSeconds } : err;
      reply.code(w.status);
      if (w.retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(0, Math.ceil(w.retryAfterSeconds))));
    }
    return reply.type('text/html; charset=utf-8').send(body);
  };
  /** The error's text in the request's language, with "try again in N seconds" when it carries a delay. */
  const text = (request: FastifyRequest, err: PortalError): string => {
    const t = ctxOf(request).t;
    const base = t.errors[err.code];
    return err.retryAfterSeconds !== undefined ? `${base} ${t.common.retryAfter(Math.max(1, Math.ceil(err.retryAfterSeconds)))}` : base;
  };
  const state = (s: Signed): Promise<UiState> => ui.get(s.session.sid, clock.now());
  /** Why a typed phone number was refused, naming the chosen country where it matters. */
  const phoneMessage = (request: FastifyRequest, problem: PhoneProblem, country: string | undefined): string => {
    const ctx = ctxOf(request);
    const t = ctx.t.account.phoneErrors;
    let name = country ?? '';
    try {
      name = (country && new Intl.DisplayNames([ctx.t.lang], { type: 'region' }).of(country)) || name;
    } catch {
      // an unknown code is shown as typed
    }
    switch (problem) {
      case 'empty':
        return t.empty;
      case 'country':
        return t.country;
      case 'too-short':
        return t.tooShort(name);
      case 'too-long':
        return t.tooLong(name);
      default:
        return t.invalid(name);
    }
  };

  /** A page or form that needs a signed-in user; PortalErrors the handler leaves become an account error page. */
  const signed =
    (handler: Handler) =>
    async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
      const session = await currentSession(request, deps);
      if (!session) return go(reply, AUTH_PATHS.signIn);
      const s = { session, a: accountContext(session, request) };
      try {
        return await handler(request, reply, s);
      } catch (err) {
        if (!isPortalError(err)) throw err;
        if (err.code === 'SIGN_IN_REQUIRED') return go(reply, AUTH_PATHS.signIn);
        if (err.code === 'STEP_UP_REQUIRED') return go(reply, ACCOUNT_PATHS.verify);
        const ctx = ctxOf(request);
        request.log.info({ errCode: err.code, detail: toWireError(err).detail }, 'account request refused');
        const page = messagePage(ctx, {
          title: ctx.t.account.errorTitle,
          heading: ctx.t.common.errorHeading,
          message: text(request, err),
          actions: [{ href: ctx.href(ACCOUNT_PATHS.home), label: ctx.t.account.back }],
        });
        return send(reply, page, err);
      }
    };

  // --- the overview ------------------------------------------------------------------------------------------
  const renderHome = async (
    request: FastifyRequest,
    reply: FastifyReply,
    s: Signed,
    opts: { notice?: Notice; error?: PortalError; phoneError?: AccountPageProps['phoneError'] } = {},
  ) => {
    const ctx = ctxOf(request);
    const [factors, view, countries] = await Promise.all([account.listFactors(s.a), account.session(s.a), countryOptions(ctx.t.lang)]);
    const pendingHere = enrolPathFor(view.enrolment.state) !== null ? view.enrolment.method : null;
    const resumable = deps.methods.filter((m) => RESTARTABLE.includes(m) || m === pendingHere);
    const page = accountPage(ctx, {
      csrfToken: reply.generateCsrf(),
      who: displayName(s.session),
      factors,
      methods: deps.methods,
      notice: opts.notice ? ctx.t.account.notices[opts.notice] : undefined,
      error: opts.error ? text(request, opts.error) : undefined,
      phoneError: opts.phoneError,
      readiness: recoveryReadiness(factors, deps.methods),
      countries,
      country: defaultCountry(request.headers['accept-language'], ctx.t.lang, deps.phoneDefaultCountry),
      resumable,
    });
    return send(reply, page, opts.error ?? (opts.phoneError ? { status: 400 } : undefined));
  };

  /** A refusal of an action started from the overview: shown there (a refused number next to its field). */
  const homeRefusal = (request: FastifyRequest, reply: FastifyReply, s: Signed, err: unknown, phone?: { method: 'sms' | 'call'; value: string; country?: string | undefined }) => {
    if (!isPortalError(err) || err.code === 'SIGN_IN_REQUIRED' || err.code === 'STEP_UP_REQUIRED') throw err;
    if (phone && err.code === 'INVALID_PHONE_NUMBER') {
      return renderHome(request, reply, s, { phoneError: { ...phone, message: text(request, err) } });
    }
    return renderHome(request, reply, s, { error: err });
  };

  app.get<{ Querystring: { done?: unknown } }>(
    ACCOUNT_PATHS.home,
    signed(async (request, reply, s) => {
      const done = (request.query as { done?: unknown }).done;
      const notice = NOTICES.find((n) => n === done);
      return renderHome(request, reply, s, notice ? { notice } : {});
    }),
  );

  // --- sensitive actions and the step-up gate ------------------------------------------------------------------
  const needStepUp = async (reply: FastifyReply, s: Signed, pending: PendingAction) => {
    await ui.update(s.session.sid, { pending: { ...pending, at: clock.now() } });
    return go(reply, ACCOUNT_PATHS.verify);
  };

  /** Runs `run` when the step-up is fresh; otherwise remembers the action and sends the user to the step-up. */
  const sensitive = async (reply: FastifyReply, s: Signed, pending: PendingAction, run: () => Promise<FastifyReply>) => {
    if (!(await account.stepUpSatisfied(s.a))) return needStepUp(reply, s, pending);
    try {
      return await run();
    } catch (err) {
      if (isPortalError(err) && err.code === 'STEP_UP_REQUIRED') return needStepUp(reply, s, pending);
      throw err;
    }
  };

  /**
   * Starts a set-up. SMS / voice and push go to their page (303); an authenticator app's secret is shown once, in
   * this answer (the portal never stores it), so its page is rendered here.
   */
  const startEnrol = async (request: FastifyRequest, reply: FastifyReply, s: Signed, method: RecoveryMethod, phoneNumber?: string) => {
    const start = await account.enrolStart(s.a, method, phoneNumber ? { phoneNumber } : undefined);
    await ui.update(s.session.sid, { pending: null });
    if (start.kind === 'totp') return renderTotp(request, reply, s.session.sid, start);
    return go(reply, start.kind === 'code-sent' ? ACCOUNT_PATHS.enrolCode : ACCOUNT_PATHS.enrolPush);
  };

  const renderTotp = async (
    request: FastifyRequest,
    reply: FastifyReply,
    sid: string,
    start: Extract<EnrolmentStart, { kind: 'totp' }> | { method: 'google-authenticator' | 'okta-verify-code'; secret?: string | undefined; otpauthUri?: string | undefined },
    opts: { error?: PortalError; text?: string; fieldError?: boolean; status?: number } = {},
  ) => {
    const ctx = ctxOf(request);
    const page = enrolTotpPage(ctx, {
      csrfToken: reply.generateCsrf(),
      method: start.method,
      app: ctx.t.enrol.apps[start.method],
      secret: start.secret ?? null,
      qrDataUri: start.otpauthUri ? await otpauthQrDataUri(start.otpauthUri) : null,
      setupToken: start.otpauthUri ? sealTotpSetup(cfg.cookieSecret, sid, start.method, start.otpauthUri) : null,
      error: opts.text ?? (opts.error ? text(request, opts.error) : undefined),
      fieldError: opts.fieldError,
    });
    return send(reply, page, opts.error ?? (opts.status ? { status: opts.status } : undefined));
  };

  const removeFactor = async (reply: FastifyReply, s: Signed, factorId: string, confirmLastRecovery: boolean) => {
    await account.removeFactor(s.a, factorId, { confirmLastRecovery });
    await ui.update(s.session.sid, { pending: null });
    return go(reply, `${ACCOUNT_PATHS.home}?done=removed`);
  };

  /** Runs the remembered action (after a step-up). */
  const runPending = async (request: FastifyRequest, reply: FastifyReply, s: Signed, pending: PendingAction | null) => {
    if (!pending) return go(reply, ACCOUNT_PATHS.home);
    if (pending.kind === 'password') return go(reply, ACCOUNT_PATHS.password);
    try {
      return await sensitive(reply, s, pending, () =>
        pending.kind === 'enrol'
          ? startEnrol(request, reply, s, pending.method, pending.phoneNumber)
          : removeFactor(reply, s, pending.factorId, pending.confirmLastRecovery === true),
      );
    } catch (err) {
      await ui.update(s.session.sid, { pending: null });
      if (pending.kind === 'remove' && isPortalError(err) && err.code === 'LAST_RECOVERY_METHOD') {
        return renderRemoveConfirm(request, reply, s, pending.factorId, { missingAck: true });
      }
      const phone = pending.kind === 'enrol' && (pending.method === 'sms' || pending.method === 'call')
        ? { method: pending.method, value: pending.phoneNumber ?? '' }
        : undefined;
      return homeRefusal(request, reply, s, err, phone);
    }
  };

  app.post(
    ACCOUNT_PATHS.enrol,
    { schema: { body: accountSchemas.form.enrol } },
    signed(async (request, reply, s) => {
      const { method, phoneNumber, country } = request.body as { method: RecoveryMethod; phoneNumber?: string; country?: string };
      let e164: string | undefined;
      if (method === 'sms' || method === 'call') {
        const raw = (phoneNumber ?? '').trim();
        const parsed = await parsePhone(raw, country);
        if (!parsed.ok) {
          const message = phoneMessage(request, parsed.problem, country);
          return renderHome(request, reply, s, { phoneError: { method, value: raw, country, message } });
        }
        e164 = parsed.e164;
      }
      try {
        return await sensitive(reply, s, { kind: 'enrol', method, phoneNumber: e164 }, () => startEnrol(request, reply, s, method, e164));
      } catch (err) {
        return homeRefusal(request, reply, s, err, e164 && (method === 'sms' || method === 'call') ? { method, value: phoneNumber ?? e164, country } : undefined);
      }
    }),
  );

  /** Resumes a set-up left pending: its page when this session has it, else a fresh start (push / apps). */
  app.post(
    ACCOUNT_PATHS.enrolResume,
    { schema: { body: accountSchemas.form.resume } },
    signed(async (request, reply, s) => {
      const { method } = request.body as { method: RecoveryMethod };
      const { enrolment: e } = await account.session(s.a);
      const here = enrolPathFor(e.state);
      if (here !== null && e.method === method && (method === 'push' || method === 'sms' || method === 'call')) return go(reply, here);
      if (!RESTARTABLE.includes(method) || !deps.methods.includes(method)) return go(reply, ACCOUNT_PATHS.home);
      try {
        return await sensitive(reply, s, { kind: 'enrol', method }, () => startEnrol(request, reply, s, method));
      } catch (err) {
        return homeRefusal(request, reply, s, err);
      }
    }),
  );

  /** The removal confirmation for one of the user's factors (unknown: back to the overview). */
  const renderRemoveConfirm = async (request: FastifyRequest, reply: FastifyReply, s: Signed, factorId: unknown, opts: { missingAck?: boolean } = {}) => {
    const factors = await account.listFactors(s.a);
    const factor = factors.find((f) => f.id === factorId);
    if (!factor) return go(reply, ACCOUNT_PATHS.home);
    const page = removeConfirmPage(ctxOf(request), {
      csrfToken: reply.generateCsrf(),
      who: displayName(s.session),
      factor,
      lastRecovery: removesLastRecovery(factors, factor.id, deps.methods),
      missingAck: opts.missingAck === true,
    });
    return send(reply, page, opts.missingAck ? { status: 400 } : undefined);
  };

  app.get<{ Querystring: { factor?: unknown } }>(
    ACCOUNT_PATHS.remove,
    signed(async (request, reply, s) => renderRemoveConfirm(request, reply, s, (request.query as { factor?: unknown }).factor)),
  );

  app.post(
    ACCOUNT_PATHS.remove,
    { schema: { body: accountSchemas.form.remove } },
    signed(async (request, reply, s) => {
      const { factorId, confirm, understood } = request.body as { factorId: string; confirm?: string; understood?: string };
      // Nothing is removed without the confirmation page's own submit.
      if (confirm !== 'yes') return go(reply, `${ACCOUNT_PATHS.remove}?factor=${encodeURIComponent(factorId)}`);
      const factors = await account.listFactors(s.a);
      const confirmLastRecovery = understood === 'yes';
      if (!confirmLastRecovery && removesLastRecovery(factors, factorId, deps.methods)) {
        return renderRemoveConfirm(request, reply, s, factorId, { missingAck: true });
      }
      try {
        return await sensitive(reply, s, { kind: 'remove', factorId, confirmLastRecovery }, () => removeFactor(reply, s, factorId, confirmLastRecovery));
      } catch (err) {
        if (isPortalError(err) && err.code === 'LAST_RECOVERY_METHOD') return renderRemoveConfirm(request, reply, s, factorId, { missingAck: true });
        return homeRefusal(request, reply, s, err);
      }
    }),
  );

  // --- password ------------------------------------------------------------------------------------------------
  const renderPassword = (request: FastifyRequest, reply: FastifyReply, p: Omit<AccountPasswordPageProps, 'csrfToken' | 'requirements'> = {}, err?: PortalError | { status: number }) =>
    send(
      reply,
      accountPasswordPage(ctxOf(request), {
        csrfToken: reply.generateCsrf(),
        requirements: cfg.pages?.passwordRequirements ?? undefined,
        ...p,
      }),
      err,
    );

  app.get(
    ACCOUNT_PATHS.password,
    signed(async (request, reply, s) => {
      if (!(await account.stepUpSatisfied(s.a))) return needStepUp(reply, s, { kind: 'password' });
      const st = await state(s);
      if (st.pending?.kind === 'password') await ui.update(s.session.sid, { pending: null });
      return renderPassword(request, reply);
    }),
  );

  app.post(
    ACCOUNT_PATHS.password,
    { schema: { body: accountSchemas.form.password } },
    signed(async (request, reply, s) => {
      const b = request.body as { currentPassword?: string; newPassword?: string; confirmPassword?: string };
      const input = { currentPassword: b.currentPassword ?? '', newPassword: b.newPassword ?? '', confirmPassword: b.confirmPassword ?? '' };
      if (input.currentPassword === '' || input.newPassword === '' || input.confirmPassword === '') {
        const empty = ctxOf(request).t.accountPassword.empty;
        return renderPassword(request, reply, { error: empty, fieldError: 'all' }, { status: 400 });
      }
      try {
        return await sensitive(reply, s, { kind: 'password' }, async () => {
          await account.changePassword(s.a, input);
          return go(reply, `${ACCOUNT_PATHS.home}?done=password`);
        });
      } catch (err) {
        if (!isPortalError(err) || err.code === 'SIGN_IN_REQUIRED') throw err;
        const fieldError =
          err.code === 'WRONG_CURRENT_PASSWORD' ? 'current' : err.code === 'PASSWORD_MISMATCH' || err.code === 'PASSWORD_POLICY' || err.code === 'PASSWORD_BREACHED'
              ? 'new' : undefined;
        return renderPassword(request, reply, { error: text(request, err), causes: err.causes, fieldError }, err);
      }
    }),
  );

  // --- step-up -------------------------------------------------------------------------------------------------
  const renderChoose = async (request: FastifyRequest, reply: FastifyReply, s: Signed, opts: { selected?: string; error?: PortalError } = {}) => {
    const [factors, st] = await Promise.all([account.listFactors(s.a), state(s)]);
    const page = stepUpChoosePage(ctxOf(request), {
      csrfToken: reply.generateCsrf(),
      factors: stepUpFactors(factors),
      pending: st.pending?.kind ?? 'none',
      selected: opts.selected,
      error: opts.error ? text(request, opts.error) : undefined,
    });
    return send(reply, page, opts.error);
  };

  app.get(
    ACCOUNT_PATHS.verify,
    signed(async (request, reply, s) => {
      const st = await state(s);
      if (st.pending && (await account.stepUpSatisfied(s.a))) return go(reply, ACCOUNT_PATHS.continue);
      return renderChoose(request, reply, s);
    }),
  );

  app.post(
    ACCOUNT_PATHS.verify,
    { schema: { body: accountSchemas.form.factor } },
    signed(async (request, reply, s) => {
      const { factorId } = request.body as { factorId: string };
      const before = (await account.session(s.a)).stepUp;
      const resend = before.factorId === factorId && before.state === 'code-sent';
      try {
        if (!stepUpFactors(await account.listFactors(s.a)).some((f) => f.id === factorId)) {
          throw new PortalError('METHOD_NOT_AVAILABLE', { detail: "not one of the user's usable factors" });
        }
        const r = await account.stepUpStart(s.a, factorId);
        await ui.update(s.session.sid, { stepUpResendAt: r.kind === 'code-sent' ? clock.now() + r.resendAfterSeconds * 1000 : null });
        if (r.kind === 'push-waiting') return go(reply, ACCOUNT_PATHS.verifyPush);
        return go(reply, resend ? `${ACCOUNT_PATHS.verifyCode}?sent=1` : ACCOUNT_PATHS.verifyCode);
      } catch (err) {
        if (!isPortalError(err) || err.code === 'SIGN_IN_REQUIRED') throw err;
        // A refused "send a new code" is shown on the code page it came from.
        if (resend) return renderStepUpCode(request, reply, s, { error: err });
        return renderChoose(request, reply, s, { selected: factorId, error: err });
      }
    }),
  );

  const renderStepUpCode = async (
    request: FastifyRequest,
    reply: FastifyReply,
    s: Signed,
    opts: { error?: PortalError; text?: string; fieldError?: boolean; notice?: string; status?: number } = {},
  ) => {
    const [view, st] = await Promise.all([account.session(s.a), state(s)]);
    const { stepUp } = view;
    if ((stepUp.state !== 'code-sent' && stepUp.state !== 'code-ready') || !stepUp.method || !stepUp.factorId) {
      return go(reply, stepUp.state === 'push-waiting' ? ACCOUNT_PATHS.verifyPush : ACCOUNT_PATHS.verify);
    }
    const page = stepUpCodePage(ctxOf(request), {
      csrfToken: reply.generateCsrf(),
      method: stepUp.method,
      factorId: stepUp.factorId,
      resendAfterSeconds: st.stepUpResendAt === null ? undefined : Math.max(0, (st.stepUpResendAt - clock.now()) / 1000),
      error: opts.text ?? (opts.error ? text(request, opts.error) : undefined),
      fieldError: opts.fieldError,
      notice: opts.notice,
    });
    return send(reply, page, opts.error ?? (opts.status ? { status: opts.status } : undefined));
  };

  app.get<{ Querystring: { sent?: unknown } }>(
    ACCOUNT_PATHS.verifyCode,
    signed(async (request, reply, s) => {
      const sent = (request.query as { sent?: unknown }).sent === '1';
      return renderStepUpCode(request, reply, s, sent ? { notice: ctxOf(request).t.code.resent } : {});
    }),
  );

  app.post(
    ACCOUNT_PATHS.verifyCode,
    { schema: { body: accountSchemas.form.code } },
    signed(async (request, reply, s) => {
      const code = pasted((request.body as { code?: string }).code);
      if (code === '') return renderStepUpCode(request, reply, s, { text: ctxOf(request).t.code.empty, fieldError: true, status: 400 });
      try {
        await account.stepUpVerify(s.a, code);
      } catch (err) {
        if (!isPortalError(err) || err.code === 'SIGN_IN_REQUIRED') throw err;
        if (err.code === 'WRONG_STEP') return go(reply, ACCOUNT_PATHS.verify);
        return renderStepUpCode(request, reply, s, { error: err, fieldError: err.code === 'INVALID_CODE' });
      }
      const st = await ui.update(s.session.sid, { stepUpResendAt: null });
      const pending = st.pending && clock.now() - st.pending.at <= PENDING_TTL_MS ? st.pending : null;
      return runPending(request, reply, s, pending);
    }),
  );

  const stepUpLive = async (a: AccountContext): Promise<LiveState> => (await account.stepUpStatus(a)).state;

  app.get(
    ACCOUNT_PATHS.verifyPush,
    signed(async (request, reply, s) => {
      if ((await account.session(s.a)).stepUp.state === 'idle') return go(reply, ACCOUNT_PATHS.verify);
      let r;
      try {
        r = await account.stepUpStatus(s.a);
      } catch (err) {
        if (isPortalError(err) && (err.code === 'WRONG_STEP' || err.code === 'FLOW_EXPIRED')) return go(reply, ACCOUNT_PATHS.verify);
        throw err;
      }
      if (r.state === 'verified') return go(reply, ACCOUNT_PATHS.continue);
      const correctAnswer = r.state === 'waiting' ? r.correctAnswer : null;
      return send(reply, stepUpPushPage(ctxOf(request), { state: r.state, correctAnswer }));
    }),
  );

  /** The JSON push.js polls where EventSource is missing: {status} only, 'moved' for anything unexpected. */
  const liveJson = async (request: FastifyRequest, reply: FastifyReply, check: (a: AccountContext) => Promise<LiveState>) => {
    const session = await currentSession(request, deps);
    let status: LiveState = 'moved';
    if (session) {
      try {
        status = await check(accountContext(session, request));
      } catch (err) {
        if (!isPortalError(err)) throw err;
        if (err.code === 'RATE_LIMITED' || err.code === 'IDP_UNAVAILABLE') {
          reply.code(err.httpStatus).header('retry-after', String(Math.ceil(err.retryAfterSeconds ?? 5)));
          status = 'waiting';
        }
      }
    }
    return reply.type('application/json; charset=utf-8').send({ status });
  };

  /** Server-sent events for a push page; no session: the ordinary redirect (EventSource then gives up). */
  const liveEvents = async (request: FastifyRequest, reply: FastifyReply, check: (a: AccountContext) => Promise<LiveState>) => {
    const session = await currentSession(request, deps);
    if (!session) return go(reply, AUTH_PATHS.signIn);
    const a = accountContext(session, request);
    await live.stream(request, reply, session.sid, () => check(a));
    return reply;
  };

  app.get(ACCOUNT_PATHS.verifyStatus, async (request, reply) => liveJson(request, reply, stepUpLive));
  app.get(ACCOUNT_PATHS.verifyEvents, async (request, reply) => liveEvents(request, reply, stepUpLive));

  // --- continue (after a push step-up) -------------------------------------------------------------------------
  app.get(
    ACCOUNT_PATHS.continue,
    signed(async (request, reply, s) => {
      const { pending } = await state(s);
      if (!pending) return go(reply, ACCOUNT_PATHS.home);
      if (!(await account.stepUpSatisfied(s.a))) return go(reply, ACCOUNT_PATHS.verify);
      if (pending.kind === 'password') return go(reply, ACCOUNT_PATHS.password);
      const t = ctxOf(request).t.account;
      let what: string;
      if (pending.kind === 'enrol') what = t.kinds[pending.method];
      else {
        const f = (await account.listFactors(s.a)).find((x) => x.id === pending.factorId);
        if (!f) {
          await ui.update(s.session.sid, { pending: null });
          return go(reply, ACCOUNT_PATHS.home);
        }
        what = f.hint ? `${t.kinds[f.kind]} (${f.hint})` : t.kinds[f.kind];
      }
      return send(reply, continuePage(ctxOf(request), { csrfToken: reply.generateCsrf(), kind: pending.kind, what }));
    }),
  );

  app.post(
    ACCOUNT_PATHS.continue,
    { schema: { body: accountSchemas.form.empty } },
    signed(async (request, reply, s) => runPending(request, reply, s, (await state(s)).pending)),
  );

  // --- enrolment -----------------------------------------------------------------------------------------------
  /** Re-renders the pending set-up's page (code, or authenticator app without its secret), or goes where it stands. */
  const renderEnrol = async (
    request: FastifyRequest,
    reply: FastifyReply,
    s: Signed,
    want: 'code' | 'totp',
    opts: { error?: PortalError; text?: string; fieldError?: boolean; notice?: string; status?: number; setup?: { otpauthUri: string; secret: string } | null } = {},
  ) => {
    const { enrolment: e } = await account.session(s.a);
    const here = want === 'code' ? 'code-sent' : 'totp-pending';
    if (e.state !== here || !e.method) return go(reply, enrolPathFor(e.state) ?? ACCOUNT_PATHS.home);
    if (e.state === 'totp-pending' && (e.method === 'google-authenticator' || e.method === 'okta-verify-code')) {
      return renderTotp(request, reply, s.session.sid, { method: e.method, ...(opts.setup ?? {}) }, opts);
    }
    if (e.method !== 'sms' && e.method !== 'call') return go(reply, ACCOUNT_PATHS.home);
    const page = enrolCodePage(ctxOf(request), {
      csrfToken: reply.generateCsrf(),
      method: e.method,
      hint: e.hint ?? '',
      resendAfterSeconds: e.resendAfterSeconds,
      error: opts.text ?? (opts.error ? text(request, opts.error) : undefined),
      fieldError: opts.fieldError,
      notice: opts.notice,
    });
    return send(reply, page, opts.error ?? (opts.status ? { status: opts.status } : undefined));
  };

  /** The pending set-up is gone (expired, cancelled elsewhere, locked): explain it on the overview. */
  const enrolmentGone = (request: FastifyRequest, reply: FastifyReply, s: Signed, err: PortalError) => renderHome(request, reply, s, { error: err });

  app.get<{ Querystring: { sent?: unknown } }>(
    ACCOUNT_PATHS.enrolCode,
    signed(async (request, reply, s) => {
      const sent = (request.query as { sent?: unknown }).sent === '1';
      return renderEnrol(request, reply, s, 'code', sent ? { notice: ctxOf(request).t.code.resent } : {});
    }),
  );

  app.get(
    ACCOUNT_PATHS.enrolTotp,
    signed(async (request, reply, s) => renderEnrol(request, reply, s, 'totp')),
  );

  app.post(
    ACCOUNT_PATHS.enrolCode,
    { schema: { body: accountSchemas.form.code } },
    signed(async (request, reply, s) => {
      const { enrolment } = await account.session(s.a);
      const want = enrolment.state === 'totp-pending' ? 'totp' : 'code';
      const body = request.body as { code?: string; totpSetup?: string };
      // An authenticator-app set-up keeps its QR code and key on screen through wrong codes (totp-setup.ts).
      const setup = want === 'totp' && enrolment.method ? openTotpSetup(cfg.cookieSecret, s.session.sid, enrolment.method, body.totpSetup) : null;
      const code = pasted(body.code);
      if (code === '') return renderEnrol(request, reply, s, want, { text: ctxOf(request).t.code.empty, fieldError: true, status: 400, setup });
      try {
        await account.enrolActivate(s.a, code);
      } catch (err) {
        if (!isPortalError(err) || err.code === 'SIGN_IN_REQUIRED') throw err;
        if (err.code === 'FLOW_EXPIRED' || err.code === 'WRONG_STEP' || err.code === 'TOO_MANY_ATTEMPTS') return enrolmentGone(request, reply, s, err);
        return renderEnrol(request, reply, s, want, { error: err, fieldError: err.code === 'INVALID_CODE', setup });
      }
      return go(reply, `${ACCOUNT_PATHS.home}?done=added`);
    }),
  );

  app.post(
    ACCOUNT_PATHS.enrolResend,
    { schema: { body: accountSchemas.form.empty } },
    signed(async (request, reply, s) => {
      try {
        await account.enrolResend(s.a);
        return go(reply, `${ACCOUNT_PATHS.enrolCode}?sent=1`);
      } catch (err) {
        if (!isPortalError(err) || err.code === 'SIGN_IN_REQUIRED') throw err;
        if (err.code === 'FLOW_EXPIRED' || err.code === 'WRONG_STEP') return enrolmentGone(request, reply, s, err);
        return renderEnrol(request, reply, s, 'code', { error: err });
      }
    }),
  );

  app.post(
    ACCOUNT_PATHS.enrolCancel,
    { schema: { body: accountSchemas.form.empty } },
    signed(async (_request, reply, s) => {
      try {
        await account.enrolCancel(s.a);
      } catch (err) {
        if (!isPortalError(err) || !['WRONG_STEP', 'FLOW_EXPIRED', 'NOT_FOUND'].includes(err.code)) throw err;
      }
      return go(reply, `${ACCOUNT_PATHS.home}?done=cancelled`);
    }),
  );

  const enrolLive = async (a: AccountContext): Promise<LiveState> => {
    const r = await account.enrolStatus(a);
    return r.state === 'pending' ? 'waiting' : r.state === 'active' ? 'verified' : 'expired';
  };

  app.get(
    ACCOUNT_PATHS.enrolPush,
    signed(async (request, reply, s) => {
      const { enrolment: e } = await account.session(s.a);
      if (e.method !== 'push' || (e.state !== 'push-pending' && e.state !== 'expired' && e.state !== 'active')) {
        return go(reply, enrolPathFor(e.state) ?? ACCOUNT_PATHS.home);
      }
      let r;
      try {
        r = await account.enrolStatus(s.a);
      } catch (err) {
        if (isPortalError(err) && (err.code === 'WRONG_STEP' || err.code === 'FLOW_EXPIRED')) return enrolmentGone(request, reply, s, err);
        throw err;
      }
      if (r.state === 'active') return go(reply, `${ACCOUNT_PATHS.home}?done=added`);
      return send(reply, enrolPushPage(ctxOf(request), { csrfToken: reply.generateCsrf(), state: r.state, qrDataUri: e.qrDataUri }));
    }),
  );

  app.get(ACCOUNT_PATHS.enrolStatus, async (request, reply) => liveJson(request, reply, enrolLive));
  app.get(ACCOUNT_PATHS.enrolEvents, async (request, reply) => liveEvents(request, reply, enrolLive));
}
