// Okta Policies API, read-only and only what the portal reads: GET /api/v1/policies?type=PASSWORD lists the org's
// password policy, built from the seed's `passwordPolicy` (the same rules the emulator enforces on a password write),
// shaped like the spec's `list-password-policy-response` example (PasswordPolicy). Rules: only type=PASSWORD lists
// anything; other types, and a missing `type` (the spec marks it required but documents no 400 for this operation,
// so the emulator stays within the documented answers), list as []; the seed has one
// password policy, the org's default (system: true, priority 1, provider OKTA).
import type { FastifyInstance } from 'fastify';
import type { PasswordPolicy } from '../seed/schema.js';
import { baseUrl } from './common.js';

export const PASSWORD_POLICY_ID = '00pEmulatedDefaultPw';

/** The seed's password policy as Okta's PasswordPolicy object. `since` stands for created/lastUpdated (ISO). */
export function passwordPolicyBody(base: string, policy: PasswordPolicy, since: string): Record<string, unknown> {
  const href = `${base}/api/v1/policies/${PASSWORD_POLICY_ID}`;
  return {
    type: 'PASSWORD',
    id: PASSWORD_POLICY_ID,
    status: 'ACTIVE',
    name: 'Default Policy',
    description: 'The default policy applies in all situations if no other policy applies.',
    priority: 1,
    system: true,
    created: since,
    lastUpdated: since,
    conditions: { people: { groups: { include: [] } }, authProvider: { provider: 'OKTA' } },
    settings: {
      password: {
        complexity: {
          minLength: policy.minLength,
          minLowerCase: policy.requireLowercase ? 1 : 0,
          minUpperCase: policy.requireUppercase ? 1 : 0,
          minNumber: policy.requireNumber ? 1 : 0,
          minSymbol: policy.requireSymbol ? 1 : 0,
          excludeUsername: policy.excludeUsername,
          dictionary: { common: { exclude: false } },
          excludeAttributes: [],
        },
        age: { maxAgeDays: 0, expireWarnDays: 0, minAgeMinutes: policy.minAgeMinutes, historyCount: policy.historyCount },
        lockout: {
          maxAttempts: policy.lockoutAttempts,
          autoUnlockMinutes: 0,
          userLockoutNotificationChannels: [],
          showLockoutFailures: false,
        },
      },
      recovery: {
        factors: {
          recovery_question: { status: 'INACTIVE' },
          okta_email: { status: 'ACTIVE', properties: { recoveryToken: { tokenLifetimeMinutes: 60 } } },
          okta_sms: { status: 'INACTIVE' },
          okta_call: { status: 'INACTIVE' },
        },
      },
      delegation: { options: { skipUnlock: false } },
    },
    _links: {
      self: { href, hints: { allow: ['GET', 'PUT'] } },
      rules: { href: `${href}/rules`, hints: { allow: ['POST', 'GET'] } },
    },
  };
}

export async function registerPolicyRoutes(app: FastifyInstance): Promise<void> {
  const since = new Date(app.emu.clock.now()).toISOString();
  app.get<{ Querystring: Record<string, string | string[] | undefined> }>('/api/v1/policies', async (req) => {
    const type = req.query.type;
    if (type !== 'PASSWORD') return [];
    const status = req.query.status;
    if (status !== undefined && status !== 'ACTIVE') return [];
    return [passwordPolicyBody(baseUrl(req), req.server.emu.state.policy, since)];
  });
}
