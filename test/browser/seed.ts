/**
 * The org the browser tests run against: one user per recovery method (a few per method, so tests in one file do
 * not share a user), and a password policy the portal's PASSWORD_REQUIREMENTS lines describe.
 */
import type { SeedOrg } from '../../emulator/src/server.js';

type SeedUser = NonNullable<SeedOrg['users']>[number];
type SeedFactor = NonNullable<SeedUser['factors']>[number];

export const OLD_PASSWORD = 'Old-Passw0rd-2025';
export const NEW_PASSWORD = 'Brand-New-Passw0rd-26';

/** What the portal shows before typing; matches passwordPolicy below. */
export const REQUIREMENTS = [
  'At least 10 characters',
  'A lowercase letter, an uppercase letter and a number',
  'No part of your username',
  'Not one of your last 3 passwords',
];

function user(login: string, factors: SeedFactor[]): SeedUser {
  const first = login.split('@')[0]!.split('.')[0]!;
  return {
    login,
    email: login,
    firstName: first.charAt(0).toUpperCase() + first.slice(1),
    lastName: 'Browser',
    status: 'ACTIVE',
    password: OLD_PASSWORD,
    factors,
  };
}

let phone = 100;
const sms = (): SeedFactor => ({ type: 'sms', phoneNumber: `+1555010${String(phone++).padStart(4, '0')}` });
const call = (): SeedFactor => ({ type: 'call', phoneNumber: `+1555010${String(phone++).padStart(4, '0')}` });

export const BROWSER_SEED: SeedOrg = {
  org: { name: 'Browser Test Org' },
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
    user('admin@example.com', []),
    // methods.test.ts
    user('sam.sms@example.com', [sms()]),
    user('carl.call@example.com', [call()]),
    user('paula.push@example.com', [{ type: 'push', deviceName: 'Paula’s phone' }]),
    user('pia.poll@example.com', [{ type: 'push' }]),
    user('gary.google@example.com', [{ type: 'google-totp', secret: 'JBSWY3DPEHPK3PXPJBSWY3DP' }]),
    user('olga.okta@example.com', [{ type: 'okta-totp', secret: 'KRSXG5CTMVRXEZLUKRSXG5CT' }]),
    // keyboard-nojs.test.ts
    user('kim.keys@example.com', [sms()]),
    user('nina.nojs@example.com', [sms()]),
    user('nick.nojs@example.com', [call()]),
    user('nate.nojs@example.com', [{ type: 'google-totp', secret: 'GEZDGNBVGY3TQOJQGEZDGNBV' }]),
    user('noor.nojs@example.com', [{ type: 'okta-totp', secret: 'MFRGGZDFMZTWQ2LKMFRGGZDF' }]),
    // a11y.test.ts
    user('ada.access@example.com', [sms(), { type: 'push' }]),
    user('axel.access@example.com', [{ type: 'push' }]),
    user('lena.lang@example.com', [{ type: 'google-totp', secret: 'ONSWG4TFORXXEZLTONSWG4TF' }]),
    // a11y.test.ts: push, new password and done pages in every language
    user('ada.a11y@example.com', [{ type: 'push' }, { type: 'google-totp', secret: 'MFSGCYLBGEZDGNBVGY3TQOJQ' }]),
    // guidance.test.ts (issue 13)
    user('gwen.guide@example.com', [{ type: 'google-totp', secret: 'GNBVGY3TQOJQGEZDGNBVGY3T' }]),
    user('stan.guide@example.com', [sms()]),
    // two-methods.test.ts (issue 14, item 3: policies by group)
    user('pam.privileged@example.com', [{ type: 'google-totp', secret: 'AXM7OANGSFA5FY2HPOU75BAZLKR3Q4VV' }, { type: 'push' }, sms()]),
    // passwords.test.ts, push-wait.test.ts, autosubmit.test.ts (issue 13, items 4, 5, 9)
    user('petra.rules@example.com', [{ type: 'google-totp', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGE' }]),
    user('polly.policy@example.com', [{ type: 'google-totp', secret: 'JBSWY3DPEHPK3PXPGEZDGNBVGE' }]),
    user('percy.pending@example.com', [{ type: 'push' }, { type: 'google-totp', secret: 'KRSXG5CTMVRXEZLUGEZDGNBVGE' }]),
    user('otto.auto@example.com', [{ type: 'google-totp', secret: 'MFRGGZDFMZTWQ2LKGEZDGNBVGE' }]),
    // mail.test.ts (issue 14: email recovery, notifications, "This wasn't me")
    user('eve.email@example.com', [{ type: 'email' }]),
    user('walt.wasnt@example.com', [{ type: 'google-totp', secret: 'MZXW6YTBOI6Q2MZXW6YTBOI6' }]),
  ],
  groups: [{ name: 'Portal Admins', members: ['pam.privileged@example.com'] }],
};
