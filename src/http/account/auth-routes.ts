/**
 * Sign-in and sign-out with Okta (OIDC authorization-code flow with PKCE, through src/auth).
 * - GET /auth/signin: already signed in → /account; else a new transaction (state, nonce, PKCE verifier kept
 *   server-side, keyed by the SameSite=Lax `signin` cookie) and a 303 to the provider's authorization URL.
 * - GET <callback> (OIDC_REDIRECT_PATH): takes the transaction (single use), lets openid-client check state and iss,
 *   exchange the code with the verifier and validate the ID token; then ends any session the browser already had
 *   (a new session id on every sign-in: no fixation) and creates a server-side one; 303 to /account. Any failure
 *   shows the sign-in failure page (never the provider's error text) and creates nothing.
 * - POST /auth/signout (CSRF-checked like every POST): ends the session, clears the cookie and sends the browser to
 *   the provider's end-session endpoint with id_token_hint and post_logout_redirect_uri = PUBLIC_URL + '/'. Without
 *   a session (or an end-session endpoint) it just goes to the landing page.
 * - Audit: auth.signin (success / failure with the reason) and auth.signout, with the user id; never a token.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { OidcError, type OidcFailure } from '../../auth/index.js';
import type { AuditOutcome } from '../../core/ports.js';
import { viewContext } from '../view-context.js';
import { messagePage } from '../../views/pages/message.js';
import { signInFailedPage, type SignInFailure } from '../../views/pages/signin.js';
import { PATHS } from '../paths.js';
import { clearSessionCookie, clearSignInCookie, readSessionToken, readSignInKey, setSessionCookie, setSignInCookie } from './cookies.js';
import { currentSession, type AccountRouteDeps } from './context.js';
import { ACCOUNT_PATHS, AUTH_PATHS } from './paths.js';
import { accountSchemas } from './schemas.js';

const FAILURE_PAGE: Record<OidcFailure, { reason: SignInFailure; status: number }> = {
  denied: { reason: 'denied', status: 403 },
  invalid_response: { reason: 'invalid', status: 400 },
  invalid_grant: { reason: 'invalid', status: 400 },
  invalid_id_token: { reason: 'invalid', status: 400 },
  unavailable: { reason: 'unavailable', status: 503 },
};

export async function authRoutes(app: FastifyInstance, deps: AccountRouteDeps): Promise<void> {
  const { cfg, oidc, sessions, transactions, clock } = deps;
  const go = (reply: FastifyReply, path: string) => reply.redirect(cfg.basePath + path, 303);
  const audit = (action: string, outcome: AuditOutcome, who: { userId: string | null; login: string | null }, ip: string, requestId: string, detail?: string) =>
    deps.audit?.record({ at: clock.now(), action, outcome, login: who.login, userId: who.userId, method: null, ip, requestId, ...(detail ? { detail } : {}) });

  app.get(AUTH_PATHS.signIn, async (request, reply) => {
    if (await currentSession(request, deps)) return go(reply, ACCOUNT_PATHS.home);
    const wait = await transactions.limit(request.ip, clock.now());
    if (wait !== null) {
      request.log.info({ errCode: 'RATE_LIMITED' }, 'sign-in: too many starts from this address');
      const ctx = viewContext(cfg, request);
      const page = messagePage(ctx, {
        title: ctx.t.signIn.failedTitle,
        heading: ctx.t.signIn.failedHeading,
        message: ctx.t.errors.RATE_LIMITED,
        detail: ctx.t.common.retryAfter(wait),
        actions: [{ href: ctx.href(PATHS.landing), label: ctx.t.common.home }],
      });
      return reply.code(429).header('retry-after', String(wait)).type('text/html; charset=utf-8').send(page);
    }
    let start;
    try {
      start = await oidc.startSignIn();
    } catch (err) {
      if (!(err instanceof OidcError)) throw err;
      request.log.warn({ detail: err.detail }, 'sign-in: the provider is unavailable');
      return reply.code(503).header('retry-after', '10').type('text/html; charset=utf-8').send(signInFailedPage(viewContext(cfg, request), 'unavailable'));
    }
    const key = await transactions.save(start, clock.now());
    setSignInCookie(reply, cfg, key);
    return reply.redirect(start.url, 303);
  });

  app.get(deps.callbackPath, async (request, reply) => {
    const ip = request.ip;
    const fail = (why: OidcFailure | 'expired', detail: string) => {
      void audit('auth.signin', why === 'denied' ? 'denied' : 'failure', { userId: null, login: null }, ip, request.id, `${why}: ${detail}`);
      request.log.info({ reason: why, detail }, 'sign-in refused');
      const page = why === 'expired' ? { reason: 'expired' as const, status: 400 } : FAILURE_PAGE[why];
      return reply.code(page.status).type('text/html; charset=utf-8').send(signInFailedPage(viewContext(cfg, request), page.reason));
    };
    clearSignInCookie(reply, cfg);
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const tx = await transactions.take(readSignInKey(request, cfg));
    if (!tx) {
      // No transaction: a replayed or forged callback, a callback from another browser, or one that came too late.
      return new URLSearchParams(query).has('error') ? fail('denied', 'provider error, no transaction') : fail('expired', 'no transaction');
    }
    let user;
    try {
      user = await oidc.finishSignIn(query, tx);
    } catch (err) {
      if (err instanceof OidcError) return fail(err.reason, err.detail);
      throw err;
    }
    // A new session on every sign-in; whatever session this browser had before is ended first.
    const previous = await sessions.destroy(readSessionToken(request, cfg));
    if (previous) await deps.ui.clear(previous.sid);
    const { token } = await sessions.create(user);
    setSessionCookie(reply, cfg, token, sessions.settings.ttlSeconds);
    void audit('auth.signin', 'success', { userId: user.userId, login: user.login }, ip, request.id);
    return go(reply, ACCOUNT_PATHS.home);
  });

  app.post(AUTH_PATHS.signOut, { schema: { body: accountSchemas.form.empty } }, async (request, reply) => {
    const session = await sessions.destroy(readSessionToken(request, cfg));
    clearSessionCookie(reply, cfg);
    if (!session) return go(reply, PATHS.landing);
    await deps.ui.clear(session.sid);
    void audit('auth.signout', 'success', { userId: session.userId, login: session.login }, request.ip, request.id);
    const target = await oidc.endSessionUrl(session.idToken, `${cfg.origin}${cfg.basePath}/`);
    return target ? reply.redirect(target, 303) : go(reply, PATHS.landing);
  });
}
