// Classic primary authentication, POST /api/v1/authn {username, password}, so callers can prove which password is
// current. Rules: answers SUCCESS (sessionToken), MFA_REQUIRED (seed mfaRequired + active factors; phone numbers
// masked as Okta does), MFA_ENROLL (mfaRequired, none active), PASSWORD_EXPIRED, LOCKED_OUT (only when the seed's
// showLockoutFailures is on, Okta's "Show lockout failures" org setting; off by default, and then a locked user gets
// the same 401 E0000004 as a wrong password), or 401 E0000004 for unknown users, wrong passwords and users who
// cannot sign in (STAGED, PROVISIONED, SUSPENDED, DEPROVISIONED, RECOVERY); wrong passwords count toward the
// policy's lockoutAttempts (0 = never). Every state carries _links.cancel. The password is checked even for unknown users to keep timing even.
// The follow-up state-token endpoints (factor verify, change password) are not emulated.
import type { FastifyInstance } from 'fastify';
import { errors } from '../errors.js';
import { opaqueToken } from '../ids.js';
import type { UserRecord } from '../org/model.js';
import { hashPasswordSync, verifyPassword } from '../org/passwords.js';
import { isoSeconds } from '../org/serialize.js';
import { baseUrl, jsonObject } from './common.js';

const DUMMY_HASH = hashPasswordSync('emulator-timing-equaliser');
const SIGN_IN_STATUSES = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'LOCKED_OUT']);

function embeddedUser(user: UserRecord): Record<string, unknown> {
  return {
    id: user.id,
    passwordChanged: user.passwordChanged === null ? null : isoSeconds(user.passwordChanged),
    profile: {
      login: user.profile.login,
      firstName: user.profile.firstName,
      lastName: user.profile.lastName,
      locale: 'en_US',
      timeZone: 'America/Los_Angeles',
    },
  };
}

/**
 * Okta never shows a full phone number before MFA: "+1 XXX-XXX-1337" for a North American number (Okta's authn
 * reference examples); other numbers keep their country code and last four digits ("+44 XXXXXX1234"; Okta's exact
 * format for them is undocumented).
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  const last4 = digits.slice(-4);
  if (digits.length === 11 && digits.startsWith('1')) return `+1 XXX-XXX-${last4}`;
  const cc = digits.length > 10 ? digits.slice(0, digits.length - 10) : digits.slice(0, 2);
  return `+${cc} ${'X'.repeat(Math.max(digits.length - cc.length - 4, 0))}${last4}`;
}

function maskedProfile(profile: Record<string, unknown>): Record<string, unknown> {
  const out = { ...profile };
  if (typeof out.phoneNumber === 'string') out.phoneNumber = maskPhone(out.phoneNumber);
  return out;
}

export async function registerAuthnRoutes(app: FastifyInstance): Promise<void> {
  app.post('/api/v1/authn', async (req) => {
    const { state, clock } = req.server.emu;
    const body = jsonObject(req);
    const { username, password } = body;
    if (typeof username !== 'string' || username === '' || typeof password !== 'string') {
      throw errors.validation('authRequest', ['username: The field cannot be left blank', 'password: The field cannot be left blank']);
    }
    // A login or unambiguous short name, never a raw user id.
    const candidate = state.findUser(username);
    const user = candidate && candidate.id !== username ? candidate : undefined;
    const passwordOk = await verifyPassword(password, user?.passwordHash ?? DUMMY_HASH);
    if (!user || !SIGN_IN_STATUSES.has(user.status)) throw errors.authFailed();

    const base = baseUrl(req);
    const now = clock.now();
    const expiresAt = isoSeconds(now + 5 * 60_000);
    const cancel = { href: `${base}/api/v1/authn/cancel`, hints: { allow: ['POST'] } };
    if (user.status === 'LOCKED_OUT') {
      if (!state.showLockoutFailures) throw errors.authFailed();
      return { status: 'LOCKED_OUT', _links: { next: { name: 'unlock', href: `${base}/api/v1/authn/recovery/unlock`, hints: { allow: ['POST'] } } } };
    }
    if (!passwordOk) {
      user.failedLogins++;
      const limit = state.policy.lockoutAttempts;
      if (limit > 0 && user.failedLogins >= limit) {
        user.status = 'LOCKED_OUT';
        user.statusChanged = now;
      }
      throw errors.authFailed();
    }
    user.failedLogins = 0;
    const stateToken = '00' + opaqueToken(30);
    if (user.status === 'PASSWORD_EXPIRED') {
      const p = state.policy;
      return {
        stateToken,
        expiresAt,
        status: 'PASSWORD_EXPIRED',
        _embedded: {
          user: embeddedUser(user),
          policy: {
            complexity: {
              minLength: p.minLength,
              minLowerCase: p.requireLowercase ? 1 : 0,
              minUpperCase: p.requireUppercase ? 1 : 0,
              minNumber: p.requireNumber ? 1 : 0,
              minSymbol: p.requireSymbol ? 1 : 0,
              excludeUsername: p.excludeUsername,
            },
            age: { minAgeMinutes: p.minAgeMinutes, historyCount: p.historyCount },
          },
        },
        _links: { next: { name: 'changePassword', href: `${base}/api/v1/authn/credentials/change_password`, hints: { allow: ['POST'] } }, cancel },
      };
    }
    if (user.mfaRequired) {
      const active = user.factors.filter((f) => f.status === 'ACTIVE');
      return {
        stateToken,
        expiresAt,
        status: active.length ? 'MFA_REQUIRED' : 'MFA_ENROLL',
        _embedded: {
          user: embeddedUser(user),
          factors: active.map((f) => ({
            id: f.id,
            factorType: f.factorType,
            provider: f.provider,
            vendorName: f.provider,
            profile: maskedProfile(f.profile),
            _links: { verify: { href: `${base}/api/v1/authn/factors/${f.id}/verify`, hints: { allow: ['POST'] } } },
          })),
        },
        _links: { cancel },
      };
    }
    const sessionToken = opaqueToken(24);
    user.sessions.add(sessionToken);
    user.lastLogin = now;
    return { expiresAt, status: 'SUCCESS', sessionToken, _embedded: { user: embeddedUser(user) }, _links: { cancel } };
  });
}
