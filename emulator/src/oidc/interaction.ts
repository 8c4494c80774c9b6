// The emulator's sign-in pages at oidc-provider's interaction URL, /oauth2/default/interaction/{uid}: GET shows the
// password form or, once the password is right and MFA applies (the user's seed `mfaRequired` or the client's), the
// factor step; POST …/login, …/send (send an SMS, voice or email code to the outbox), …/choose (another factor),
// …/verify (check the code) and …/cancel (access_denied to the client). Rules: the uid in the URL must match
// oidc-provider's signed interaction cookie (SameSite=Lax, so a cross-site form post cannot continue someone's
// sign-in); a finished sign-in hands `login: {accountId, amr}` to oidc-provider, with amr ['pwd'] or
// ['pwd', <otp|sms|tel|email>, 'mfa']; consent is granted implicitly; form errors re-render the page with 4xx,
// state changes redirect (303) back to the page; pages carry a strict CSP and no-store.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { UserRecord } from '../org/model.js';
import { sendCode } from '../org/otp.js';
import { verifyFactor } from '../org/verify.js';
import { checkPassword, factorAmr, factorErrorMessage, factorLabel, mfaKind, usableFactors } from './login.js';
import { loginPage, messagePage, mfaPage, pageHeaders } from './pages.js';
import { INTERACTION_BASE } from './paths.js';
import { CAN_SIGN_IN, type OidcService, type PendingMfa } from './provider.js';
import { hijackWithHeaders, requestOrigin } from './http.js';

type Details = Awaited<ReturnType<Provider['interactionDetails']>>;
type Req = FastifyRequest<{ Params: { uid: string } }>;

const CODE_LIFETIME_SECONDS = 300;
const EXPIRED =
  'This sign-in request has expired or was started in another browser. Return to the application and sign in again.';

interface Ctx {
  service: OidcService;
  provider: Provider;
  details: Details;
  uid: string;
  /** Origins a form on this page may end up redirecting to (the client's redirect URI). */
  formTargets: string[];
}

function field(req: FastifyRequest, name: string, max: number): string {
  const body = req.body as Record<string, unknown> | undefined;
  const v = body?.[name];
  return typeof v === 'string' ? v.slice(0, max) : '';
}

function send(reply: FastifyReply, status: number, body: string, formTargets: string[] = []): FastifyReply {
  return reply.code(status).headers(pageHeaders(formTargets)).send(body);
}

function actions(uid: string) {
  const base = `${INTERACTION_BASE}/${encodeURIComponent(uid)}`;
  return { page: base, login: `${base}/login`, send: `${base}/send`, choose: `${base}/choose`, verify: `${base}/verify`, cancel: `${base}/cancel` };
}

/** Loads the interaction bound to this browser; answers the "expired" page itself and returns null when there is none. */
async function load(req: Req, reply: FastifyReply): Promise<Ctx | null> {
  const service = req.server.oidc;
  const provider = await service.provider(requestOrigin(req));
  let details: Details;
  try {
    details = await provider.interactionDetails(req.raw, reply.raw);
  } catch {
    send(reply, 400, messagePage(service.orgName, 'Sign-in expired', EXPIRED));
    return null;
  }
  if (details.uid !== req.params.uid) {
    send(reply, 400, messagePage(service.orgName, 'Sign-in expired', EXPIRED));
    return null;
  }
  const redirect = typeof details.params.redirect_uri === 'string' ? URL.parse(details.params.redirect_uri)?.origin : undefined;
  return { service, provider, details, uid: details.uid, formTargets: redirect ? [redirect] : [] };
}

function clientOf(c: Ctx) {
  const clientId = String(c.details.params.client_id ?? '');
  const client = c.service.clients.get(clientId);
  return { name: client?.clientName ?? clientId, mfaRequired: client?.mfaRequired ?? false };
}

async function finish(c: Ctx, req: Req, reply: FastifyReply, result: Record<string, unknown>): Promise<void> {
  c.service.pending.delete(c.uid);
  hijackWithHeaders(reply);
  await c.provider.interactionFinished(req.raw, reply.raw, result, { mergeWithLastSubmission: false });
}

function renderLogin(c: Ctx, reply: FastifyReply, status: number, username: string, error: string | null): FastifyReply {
  const a = actions(c.uid);
  return send(
    reply,
    status,
    loginPage({ orgName: c.service.orgName, clientName: clientOf(c).name, action: a.login, cancelAction: a.cancel, username, error }),
    c.formTargets,
  );
}

function pendingUser(c: Ctx): { pending: PendingMfa; user: UserRecord } | null {
  const pending = c.service.pending.get(c.uid);
  const user = pending ? c.service.state.findById(pending.userId) : undefined;
  return pending && user && CAN_SIGN_IN.has(user.status) ? { pending, user } : null;
}

function renderMfa(c: Ctx, reply: FastifyReply, status: number, p: { pending: PendingMfa; user: UserRecord }, error: string | null): FastifyReply {
  const factors = usableFactors(p.user);
  const factor = factors.find((f) => f.id === p.pending.factorId) ?? factors[0];
  if (!factor) {
    return send(reply, 403, messagePage(c.service.orgName, 'No way to verify', 'None of this account’s factors can be used any more. Ask an administrator for help.'), c.formTargets);
  }
  p.pending.factorId = factor.id;
  const notice = p.pending.notice;
  p.pending.notice = null;
  const a = actions(c.uid);
  return send(
    reply,
    status,
    mfaPage({
      orgName: c.service.orgName,
      login: String(p.user.profile.login),
      factor: { id: factor.id, channel: factor.factorType === 'token:software:totp' ? 'totp' : (factor.factorType as 'sms' | 'call' | 'email'), label: factorLabel(factor) },
      others: factors.filter((f) => f !== factor).map((f) => ({ id: f.id, label: factorLabel(f) })),
      actions: { verify: a.verify, send: a.send, choose: a.choose, cancel: a.cancel },
      codeSent: p.pending.codeSent,
      notice,
      error,
    }),
    c.formTargets,
  );
}

function backToPage(c: Ctx, reply: FastifyReply): FastifyReply {
  return reply.header('cache-control', 'no-store').redirect(actions(c.uid).page, 303);
}

export async function registerInteractionRoutes(app: FastifyInstance): Promise<void> {
  const path = `${INTERACTION_BASE}/:uid`;

  app.get<{ Params: { uid: string } }>(path, async (req, reply) => {
    const c = await load(req, reply);
    if (!c) return reply;
    if (c.details.prompt.name === 'consent') {
      // Normally never reached (loadExistingGrant grants), kept so an unexpected consent prompt cannot strand a user.
      const grant = new c.provider.Grant({ accountId: c.details.session?.accountId, clientId: String(c.details.params.client_id) });
      grant.addOIDCScope(String(c.details.params.scope ?? 'openid'));
      await finish(c, req, reply, { consent: { grantId: await grant.save() } });
      return reply;
    }
    if (c.details.prompt.name !== 'login') {
      return send(reply, 400, messagePage(c.service.orgName, 'Sign-in error', `Unsupported sign-in step: ${c.details.prompt.name}.`));
    }
    const p = pendingUser(c);
    return p ? renderMfa(c, reply, 200, p, null) : renderLogin(c, reply, 200, '', null);
  });

  app.post<{ Params: { uid: string } }>(`${path}/login`, async (req, reply) => {
    const c = await load(req, reply);
    if (!c) return reply;
    const username = field(req, 'username', 100).trim();
    const password = field(req, 'password', 256);
    if (!username || !password) return renderLogin(c, reply, 400, username, 'Enter your username and your password.');
    const check = await checkPassword(c.service.state, username, password);
    if (!check.ok) return renderLogin(c, reply, check.status, username, check.message);
    const user = check.user;
    if (user.mfaRequired || clientOf(c).mfaRequired) {
      const factors = usableFactors(user);
      if (!factors[0]) {
        return renderLogin(c, reply, 403, username, 'This account must verify with a second factor, but has no usable SMS, voice, email or authenticator-app factor enrolled.');
      }
      c.service.setPending(c.uid, { userId: user.id, factorId: factors[0].id, codeSent: false, notice: null, createdAt: Date.now() });
      return backToPage(c, reply);
    }
    user.lastLogin = c.service.state.clock.now();
    await finish(c, req, reply, { login: { accountId: user.id, amr: ['pwd'] } });
    return reply;
  });

  app.post<{ Params: { uid: string } }>(`${path}/choose`, async (req, reply) => {
    const c = await load(req, reply);
    if (!c) return reply;
    const p = pendingUser(c);
    if (!p) return backToPage(c, reply);
    const factor = usableFactors(p.user).find((f) => f.id === field(req, 'factorId', 64));
    if (factor && factor.id !== p.pending.factorId) {
      p.pending.factorId = factor.id;
      p.pending.codeSent = false;
    }
    return backToPage(c, reply);
  });

  app.post<{ Params: { uid: string } }>(`${path}/send`, async (req, reply) => {
    const c = await load(req, reply);
    if (!c) return reply;
    const p = pendingUser(c);
    if (!p) return backToPage(c, reply);
    const factor = usableFactors(p.user).find((f) => f.id === field(req, 'factorId', 64));
    if (!factor || mfaKind(factor) !== 'sent') return renderMfa(c, reply, 400, p, 'Choose a method that sends a code.');
    p.pending.factorId = factor.id;
    try {
      sendCode(c.service.state, p.user, factor, 'verify', CODE_LIFETIME_SECONDS);
    } catch (err) {
      return renderMfa(c, reply, 429, p, factorErrorMessage(err) ?? 'The code could not be sent. Try again.');
    }
    p.pending.codeSent = true;
    p.pending.notice = `Code sent (${factorLabel(factor)}). It is valid for 5 minutes.`;
    return backToPage(c, reply);
  });

  app.post<{ Params: { uid: string } }>(`${path}/verify`, async (req, reply) => {
    const c = await load(req, reply);
    if (!c) return reply;
    const p = pendingUser(c);
    if (!p) return backToPage(c, reply);
    const factor = usableFactors(p.user).find((f) => f.id === field(req, 'factorId', 64));
    if (!factor) return renderMfa(c, reply, 400, p, 'That method is no longer available. Choose another one.');
    p.pending.factorId = factor.id;
    const code = field(req, 'code', 20).replace(/\s/g, '');
    if (!/^\d{6}$/.test(code)) return renderMfa(c, reply, 400, p, 'Enter the 6-digit code.');
    try {
      verifyFactor(c.service.state, p.user, factor, { passCode: code }, CODE_LIFETIME_SECONDS);
    } catch (err) {
      const message = factorErrorMessage(err);
      if (message === null) throw err;
      return renderMfa(c, reply, 401, p, message);
    }
    p.user.lastLogin = c.service.state.clock.now();
    await finish(c, req, reply, { login: { accountId: p.user.id, amr: ['pwd', factorAmr(factor), 'mfa'] } });
    return reply;
  });

  app.post<{ Params: { uid: string } }>(`${path}/cancel`, async (req, reply) => {
    const c = await load(req, reply);
    if (!c) return reply;
    await finish(c, req, reply, { error: 'access_denied', error_description: 'The user cancelled the sign-in.' });
    return reply;
  });
}
