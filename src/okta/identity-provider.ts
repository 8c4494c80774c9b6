/**
 * IdentityProvider over Okta's Users and Factors APIs, using the official @okta/okta-sdk-nodejs.
 * Rules:
 * - findUser makes an exact lookup only (see mappers.isAcceptableLogin / toIdpUser); a 404 is null, and for
 *   email-like input one `profile.email eq` search that must return exactly one user.
 * - Challenges (SMS / voice / push) forward the end user's IP and User-Agent; pushes ask for number matching.
 * - Passwords are set with strict=true (history and minimum age), never through PUT.
 * - A push poll whose transaction Okta no longer knows (404) is reported as timed out.
 * - passwordChangedSince reads the user by id (a plain GET: safe to repeat) for the core's reconciliation of an
 *   ambiguous password write (REL-6); a user that no longer exists has not had our password set.
 * - Errors: see errors.ts. Nothing here logs or returns a password, code or token.
 */
import { PortalError } from '../core/errors.js';
import type { IdentityProvider, IdpFactor, IdpUser, PushResult, PushStart, RequestContext } from '../core/ports.js';
import { createOktaRunner, type OktaClientOptions } from './client.js';
import {
  correctAnswerOf,
  epochMsOf,
  isAcceptableLogin,
  pollHrefOf,
  toIdpFactor,
  toIdpUser,
  toPushResult,
  transactionIdFromPollHref,
} from './mappers.js';

export type OktaIdentityProviderOptions = OktaClientOptions;

const MAX_FACTORS = 200;
/** Okta Verify pushes expire after five minutes; used only if Okta omits expiresAt. */
const DEFAULT_PUSH_LIFETIME_MS = 5 * 60 * 1000;

/** Okta search strings are double-quoted; backslash and quote are escaped. */
function quoteSearch(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

function forwardHeaders(ctx: RequestContext): { xForwardedFor?: string; userAgent?: string } {
  const out: { xForwardedFor?: string; userAgent?: string } = {};
  if (ctx.ip !== '') out.xForwardedFor = ctx.ip;
  // Header values must be printable; a hostile User-Agent is trimmed rather than making the SDK throw.
  const ua = ctx.userAgent.replace(/[^\x20-\x7e]/g, '').slice(0, 512);
  if (ua !== '') out.userAgent = ua;
  return out;
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
  const { run, now } = createOktaRunner(opts);

  async function findByEmail(email: string): Promise<IdpUser | null> {
    return run('listUsers', async (c) => {
      const found: unknown[] = [];
      const users = await c.userApi.listUsers({ search: `profile.email eq ${quoteSearch(email)}`, limit: 2 });
      for await (const u of users) {
        found.push(u);
        if (found.length >= 2) break;
      }
      return found.length === 1 ? toIdpUser(found[0], email) : null;
    });
  }

  return {
    async findUser(login) {
      if (!isAcceptableLogin(login)) return null;
      // undefined = Okta has no such user (404); null = a user, but not exactly the one asked for.
      const user = await run(
        'getUser',
        async (c): Promise<IdpUser | null | undefined> => toIdpUser(await c.userApi.getUser({ userId: login }), login),
        { ifNotFound: () => undefined },
      );
      if (user !== undefined) return user;
      return login.includes('@') ? findByEmail(login) : null;
    },

    async listFactors(userId) {
      return run('listFactors', async (c) => {
        const out: IdpFactor[] = [];
        const factors = await c.userFactorApi.listFactors({ userId });
        for await (const f of factors) {
          const mapped = toIdpFactor(f);
          if (mapped !== null) out.push(mapped);
          if (out.length >= MAX_FACTORS) break;
        }
        return out;
      });
    },

    async sendChallenge(userId, factorId, ctx) {
      await run('sendChallenge', (c) => c.userFactorApi.verifyFactor({ userId, factorId, ...forwardHeaders(ctx) }));
    },

    async verifyPasscode(userId, factorId, code, ctx) {
      const res = await run('verifyPasscode', (c) =>
        c.userFactorApi.verifyFactor({ userId, factorId, body: { passCode: code }, ...forwardHeaders(ctx) }),
      );
      if ((res as { factorResult?: unknown }).factorResult !== 'SUCCESS') {
        throw new PortalError('INVALID_CODE', { detail: 'okta verifyPasscode: factorResult was not SUCCESS' });
      }
    },

    async startPush(userId, factorId, ctx): Promise<PushStart> {
      const res = await run('startPush', (c) =>
        c.userFactorApi.verifyFactor({ userId, factorId, body: { useNumberMatchingChallenge: true }, ...forwardHeaders(ctx) }),
      );
      const transactionId = transactionIdFromPollHref(pollHrefOf(res));
      if (transactionId === null) {
        throw new PortalError('IDP_UNAVAILABLE', { detail: 'okta startPush: response has no usable poll link' });
      }
      const expiresAt = epochMsOf((res as { expiresAt?: unknown }).expiresAt) ?? now() + DEFAULT_PUSH_LIFETIME_MS;
      return { transactionId, correctAnswer: correctAnswerOf(res), expiresAt };
    },

    async pollPush(userId, factorId, transactionId) {
      return run(
        'pollPush',
        async (c): Promise<PushResult> => {
          const tx = await c.userFactorApi.getFactorTransactionStatus({ userId, factorId, transactionId });
          return toPushResult((tx as { factorResult?: unknown }).factorResult);
        },
        { ifNotFound: (): PushResult => 'timeout' },
      );
    },

    async setPassword(userId, password) {
      await run('setPassword', (c) =>
        c.userApi.updateUser({ userId, user: { credentials: { password: { value: password } } }, strict: true }),
      );
    },

    async passwordChangedSince(userId, since) {
      const changed = await run(
        'getUser',
        async (c): Promise<string | null> => isoOf((await c.userApi.getUser({ userId })).passwordChanged),
        { ifNotFound: () => null },
      );
      return isChangedSince(changed, since);
    },

    async unlockUser(userId) {
      await run('unlockUser', (c) => c.userApi.unlockUser({ userId }));
    },

    async revokeSessions(userId) {
      await run('revokeSessions', (c) => c.userApi.revokeUserSessions({ userId }));
    },
  };
}
