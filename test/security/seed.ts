/**
 * The org of the security tests: the end-to-end org plus a user whose login and email differ, so that one user has
 * two spellings (Okta finds the login directly and the email by search), with SMS and voice on one number and an
 * authenticator app.
 */
import type { SeedOrg } from '../../emulator/src/server.js';
import { E2E_SEED, PASSWORD } from '../e2e/seed.js';

export const DANA_LOGIN = 'dana@corp.example.com';
export const DANA_EMAIL = 'dana.doe@example.org';
export const DANA_PHONE = '+15550100201';

export const SECURITY_SEED: SeedOrg = {
  ...E2E_SEED,
  users: [
    ...(E2E_SEED.users ?? []),
    {
      login: DANA_LOGIN,
      email: DANA_EMAIL,
      firstName: 'Dana',
      lastName: 'Tester',
      status: 'ACTIVE',
      password: PASSWORD,
      factors: [
        { type: 'sms', phoneNumber: DANA_PHONE },
        { type: 'call', phoneNumber: DANA_PHONE },
        { type: 'google-totp', secret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U' },
      ],
    },
  ],
};
