/**
 * What the sign-in and account routes share: their dependencies, the request's session (read once per request)
 * and the AccountContext handed to the core.
 * Rules: the user comes only from the server-side session (never from the request); a request without a live
 * session gets SIGN_IN_REQUIRED (the API answers 401, the pages redirect to sign-in).
 */
import type { FastifyRequest } from 'fastify';
import type { OidcClient, SessionManager, SessionRecord, TransactionStore } from '../../auth/index.js';
import type { AccountContext, AccountService } from '../../core/account/api.js';
import { PortalError } from '../../core/errors.js';
import type { AuditSink, Clock, RecoveryMethod } from '../../core/ports.js';
import type { ResolvedHttpConfig } from '../config.js';
import { requestContext } from '../context.js';
import { readSessionToken } from './cookies.js';
import type { HelpdeskHttpOptions } from '../helpdesk/routes.js';
import type { InsightsHttpOptions } from '../insights/routes.js';
import type { UiStateStore } from './ui-state.js';

/** Sign-in wiring handed to buildApp; absent: no sign-in, no account pages (/auth/* and /account* are 404). */
export interface AccountHttpOptions {
  oidc: OidcClient;
  sessions: SessionManager;
  transactions: TransactionStore;
  account: AccountService;
  /** The kinds users may set up, in display order. */
  methods: readonly RecoveryMethod[];
  /** OIDC_REDIRECT_PATH, relative to the public base path. */
  callbackPath: string;
  clock: Clock;
  audit?: AuditSink | undefined;
  /** The store for the pages' own per-session state (account-ui:<sid>). */
  ui: UiStateStore;
  /** The help-desk console (HELPDESK_GROUP set); absent: /helpdesk* and /api/v1/helpdesk* are 404. */
  helpdesk?: HelpdeskHttpOptions | undefined;
  /** The insights page (INSIGHTS_GROUP set); absent: /insights* and /api/v1/insights are 404. */
  insights?: InsightsHttpOptions | undefined;
  /** PHONE_DEFAULT_COUNTRY: the country preselected for a new phone number (absent: from the browser's language). */
  phoneDefaultCountry?: string | undefined;
}

export interface AccountRouteDeps extends AccountHttpOptions {
  cfg: ResolvedHttpConfig;
}

const SESSION = Symbol('portal-session');
type WithSession = FastifyRequest & { [SESSION]?: Promise<SessionRecord | null> };

/** The request's live session (resolved once per request), or null. */
export function currentSession(request: FastifyRequest, deps: AccountRouteDeps): Promise<SessionRecord | null> {
  const r = request as WithSession;
  r[SESSION] ??= deps.sessions.resolve(readSessionToken(request, deps.cfg));
  return r[SESSION];
}

export async function requireSession(request: FastifyRequest, deps: AccountRouteDeps): Promise<SessionRecord> {
  const s = await currentSession(request, deps);
  if (!s) throw new PortalError('SIGN_IN_REQUIRED', { detail: 'no live session' });
  return s;
}

export function accountContext(session: SessionRecord, request: FastifyRequest): AccountContext {
  return { userId: session.userId, login: session.login, email: session.email ?? null, sessionId: session.sid, ctx: requestContext(request) };
}

/** "Alex All (alex.all@example.com)", or the login alone. */
export function displayName(session: SessionRecord): string {
  return session.name && session.name !== session.login ? `${session.name} (${session.login})` : session.login;
}
