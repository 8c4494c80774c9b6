/** The org the end-to-end tests run against: one user per recovery method, plus ineligible users. */
import type { SeedOrg } from '../../emulator/src/server.js';

type SeedUser = NonNullable<SeedOrg['users']>[number];
export const PASSWORD = 'Old-Passw0rd!';
export const NEW_PASSWORD = 'Brand-New-Passw0rd!';

const base = (login: string, factors: SeedUser['factors'], status: SeedUser['status'] = 'ACTIVE'): SeedUser => ({
  login,
  email: login,
  firstName: login.split('.')[0] ?? login,
  lastName: 'Tester',
  status,
  password: PASSWORD,
  factors,
});

export const E2E_SEED: SeedOrg = {
  org: { name: 'E2E Org' },
  apiTokenOwner: 'admin@example.com',
  passwordPolicy: {
    minLength: 10,
    requireLowercase: true,
    requireUppercase: true,
    requireNumber: true,
    requireSymbol: false,
    excludeUsername: true,
    historyCount: 3,
  },
  users: [
    base('admin@example.com', []),
    base('sms.user@example.com', [{ type: 'sms', phoneNumber: '+15550100101' }]),
    base('call.user@example.com', [{ type: 'call', phoneNumber: '+15550100102' }]),
    base('push.user@example.com', [{ type: 'push' }]),
    base('google.user@example.com', [{ type: 'google-totp', secret: 'JBSWY3DPEHPK3PXP' }]),
    base('okta.user@example.com', [{ type: 'okta-totp', secret: 'KRSXG5CTMVRXEZLU' }]),
    base('suspended.user@example.com', [{ type: 'sms', phoneNumber: '+15550100109' }], 'SUSPENDED'),
    // Negative / security tests (test/e2e/*.e2e.test.ts beside recovery.e2e.test.ts):
    base('deprovisioned.user@example.com', [{ type: 'sms', phoneNumber: '+15550100110' }], 'DEPROVISIONED'),
    base('staged.user@example.com', [{ type: 'sms', phoneNumber: '+15550100111' }], 'STAGED'),
    base('locked.user@example.com', [{ type: 'sms', phoneNumber: '+15550100112' }], 'LOCKED_OUT'),
    base('expired.user@example.com', [{ type: 'sms', phoneNumber: '+15550100113' }], 'PASSWORD_EXPIRED'),
    base('multi.user@example.com', [
      { type: 'push' },
      { type: 'sms', phoneNumber: '+15550100114' },
      { type: 'google-totp', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' },
    ]),
  ],
};
