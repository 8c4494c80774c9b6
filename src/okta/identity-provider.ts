/**
 * IdentityProvider over Okta's Users and Factors APIs (plain REST calls through client.ts).
 * Rules:
 * - findUser makes exactly ONE Okta round trip whatever the answer (issue 11, item 3: an unknown email used to cost
 *   a 404 and then a search, a real one a single lookup, which told them apart in one request): email-like input
 *   is one search `profile.login eq "x" or profile.email eq "x"` (the user whose login is x, else the only user
 *   whose email is x; several and none of them with that login = no user); any other input is one
 *   `GET /users/{login}` (404 = no user). Both are exact (see mappers.isAcceptableLogin / toIdpUser).
 * - findUser starts every new flow, so it is where a flow is refused while Okta's rate limit is down to the
 *   reserve (RATE_LIMITED with Retry-After, before any Okta call; for any login, so it tells nothing).
 * - listGroups (GET /users/{id}/groups, one page) is called only when the operator wrote group rules.
 * - Challenges (SMS / voice / push) forward the end user's IP and User-Agent; pushes ask for number matching.
 * - Passwords are set with strict=true (history and minimum age), never through PUT.
 * - A push poll whose transaction Okta no longer knows (404) is reported as timed out; cancelPush DELETEs the push's
 *   transaction (Okta's `cancel` link), and a 404 there means it was already over.
 * - passwordChangedSince reads the user by id (a plain GET: safe to repeat) for the core's reconciliation of an
 *   ambiguous password write (REL-6); a user that no longer exists has not had our password set.
 * - Errors: see errors.ts. Nothing here logs or returns a password, code or token.
 */
import { PortalError } from '../core/errors.js';
import type { IdentityProvider, IdpFactor, IdpGroup, IdpUser, PushResult, PushStart, RequestContext } from '../core/ports.js';
import { createOktaRunner, seg, type OktaClientOptions, type OktaRunner } from './client.js';
import {
  correctAnswerOf,
  epochMsOf,
  isAcceptableLogin,
  pollHrefOf,
  toIdpFactor,
  toIdpGroup,
  toIdpUser,
  toPushResult,
  transactionIdFromPollHref,
} from './mappers.js';

export type OktaIdentityProviderOptions = OktaClientOptions;

const MAX_FACTORS = 200;
/** Groups read per user (one page; a user in more groups than this is matched on the first ones Okta lists). */
const MAX_GROUPS = 1000;
/** Users read from a login-or-email search: a login is unique, so more only means an email shared by several. */
const SEARCH_LIMIT = 10;
/** Okta Verify pushes expire after five minutes; used only if Okta omits expiresAt. */
const DEFAULT_PUSH_LIFETIME_MS = 5 * 60 * 1000;

/** Okta search strings are double-quoted; backslash and quote are escaped. */
function quoteSearch(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Okta rates and reports challenges by the end user's address and browser: forward both. */
function forwardHeaders(ctx: RequestContext): Record<string, string> {
  const out: Record<string, string> = {};
  if (ctx.ip !== '') out['x-forwarded-for'] = ctx.ip;
  // Header values must be printable; a hostile User-Agent is trimmed rather than making the request throw.
  const ua = ctx.userAgent.replace(/[^\x20-\x7e]/g, '').slice(0, 512);
  if (ua !== '') out['user-agent'] = ua;
  return out;
}

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

function isoOf(v: unknown): string | null {
  const ms = epochMsOf(v);
  return ms === null ? null : new Date(ms).toISOString();
}

/** True when `changed` is a time later than `since` (any time when `since` is null or unreadable). */
export function isChangedSince(changed: string | null, since: string | null): boolean {
  if (changed === null) return false;
  const c = Date.parse(changed);
  if (Number.isNaN(c)) return false;
  const s = since === null ? NaN : Date.parse(since);
  return Number.isNaN(s) || c > s;
}

export function createOktaIdentityProvider(opts: OktaIdentityProviderOptions): IdentityProvider {
  return identityProviderOver(createOktaRunner(opts));
}

/** The recovery adapter over an existing runner (the account adapter shares its runner and connections). */
export function identityProviderOver(runner: OktaRunner): IdentityProvider {
  const { run, now } = runner;
  const user = (id: string): string => `/api/v1/users/${seg(id)}`;
  const factor = (userId: string, factorId: string): string => `${user(userId)}/factors/${seg(factorId)}`;

  /** One search for the login or the email: the login's owner first, else the only user with that email. */
  async function findByLoginOrEmail(value: string): Promise<IdpUser | null> {
    return run('listUsers', async (c) => {
      const q = quoteSearch(value);
      const found = await c.json('GET', '/api/v1/users', { query: { search: `profile.login eq ${q} or profile.email eq ${q}`, limit: String(SEARCH_LIMIT) } });
      const list = Array.isArray(found) ? found : [];
      const wanted = value.toLowerCase();
      const byLogin = list.find((u) => String(obj(obj(u).profile).login ?? '').toLowerCase() === wanted);
      if (byLogin !== undefined) return toIdpUser(byLogin, value);
      return list.length === 1 ? toIdpUser(list[0], value) : null;
    });
  }

  return {
    async findUser(login) {
      // The first Okta call of a new flow: refused while a bucket the flow needs is down to the reserve (checked
      // before the login's shape, so the answer does not depend on it).
      runner.admitNewFlow();
      if (!isAcceptableLogin(login)) return null;
      if (login.includes('@')) return findByLoginOrEmail(login);
      return run('getUser', async (c): Promise<IdpUser | null> => toIdpUser(await c.json('GET', user(login)), login), {
        ifNotFound: () => null,
      });
    },

    async listFactors(userId) {
      return run('listFactors', async (c) => {
        const factors = await c.json('GET', `${user(userId)}/factors`);
        const out: IdpFactor[] = [];
        for (const f of Array.isArray(factors) ? factors : []) {
          const mapped = toIdpFactor(f);
          if (mapped !== null) out.push(mapped);
          if (out.length >= MAX_FACTORS) break;
        }
        return out;
      });
    },

    async listGroups(userId) {
      return run('listGroups', async (c) => {
        const groups = await c.json('GET', `${user(userId)}/groups`);
        const out: IdpGroup[] = [];
        for (const g of Array.isArray(groups) ? groups : []) {
          const mapped = toIdpGroup(g);
          if (mapped !== null) out.push(mapped);
          if (out.length >= MAX_GROUPS) break;
        }
        return out;
      });
    },

    async sendChallenge(userId, factorId, ctx) {
      await run('sendChallenge', (c) => c.json('POST', `${factor(userId, factorId)}/verify`, { headers: forwardHeaders(ctx) }));
    },

    async verifyPasscode(userId, factorId, code, ctx) {
      const res = await run('verifyPasscode', (c) =>
        c.json('POST', `${factor(userId, factorId)}/verify`, { body: { passCode: code }, headers: forwardHeaders(ctx) }),
      );
      if (obj(res).factorResult !== 'SUCCESS') {
        throw new PortalError('INVALID_CODE', { detail: 'okta verifyPasscode: factorResult was not SUCCESS' });
      }
    },

    async startPush(userId, factorId, ctx): Promise<PushStart> {
      const res = await run('startPush', (c) =>
        c.json('POST', `${factor(userId, factorId)}/verify`, { body: { useNumberMatchingChallenge: true }, headers: forwardHeaders(ctx) }),
      );
      const transactionId = transactionIdFromPollHref(pollHrefOf(res));
      if (transactionId === null) {
        throw new PortalError('IDP_UNAVAILABLE', { detail: 'okta startPush: response has no usable poll link' });
      }
      const expiresAt = epochMsOf(obj(res).expiresAt) ?? now() + DEFAULT_PUSH_LIFETIME_MS;
      return { transactionId, correctAnswer: correctAnswerOf(res), expiresAt };
    },

    async pollPush(userId, factorId, transactionId) {
      return run(
        'pollPush',
        async (c): Promise<PushResult> => toPushResult(obj(await c.json('GET', `${factor(userId, factorId)}/transactions/${seg(transactionId)}`)).factorResult),
        { ifNotFound: (): PushResult => 'timeout' },
      );
    },

    async cancelPush(userId, factorId, transactionId) {
      // Okta's WAITING answer links `cancel` (DELETE on the transaction URL); a transaction Okta no longer knows
      // (answered, expired) is already over.
      await run('cancelPush', (c) => c.json('DELETE', `${factor(userId, factorId)}/transactions/${seg(transactionId)}`), {
        ifNotFound: () => null,
      });
    },

    async setPassword(userId, password) {
      await run('setPassword', (c) =>
        c.json('POST', user(userId), { query: { strict: 'true' }, body: { credentials: { password: { value: password } } } }),
      );
    },

    async passwordChangedSince(userId, since) {
      const changed = await run('getUser', async (c): Promise<string | null> => isoOf(obj(await c.json('GET', user(userId))).passwordChanged), {
        ifNotFound: () => null,
      });
      return isChangedSince(changed, since);
    },

    async unlockUser(userId) {
      await run('unlockUser', (c) => c.json('POST', `${user(userId)}/lifecycle/unlock`));
    },

    async revokeSessions(userId) {
      await run('revokeSessions', (c) => c.json('DELETE', `${user(userId)}/sessions`));
    },

    async suspendUser(userId) {
      await run('suspendUser', (c) => c.json('POST', `${user(userId)}/lifecycle/suspend`));
    },
  };
}
