// The built-in demo org loaded when no --seed is given. Rules: fixed ids, phone numbers (+1 555 555-01xx, the
// fictional range) and TOTP secrets so the demo is reproducible; every user is documented in emulator/README.md;
// one shared, documented password (DEMO_PASSWORD) for everyone; one documented OIDC client for the portal
// (DEMO_OIDC_CLIENT_SECRET). Not secrets: this is public demo data.
import type { SeedOrg } from './schema.js';

export const DEMO_PASSWORD = 'Recover-Me-2026!';
export const DEMO_PREVIOUS_PASSWORD = 'Recover-Me-2025!';
export const DEMO_OIDC_CLIENT_ID = 'okta-mfa-portal-dev';
/** Documented development secret of the demo OIDC client, not a secret. */
export const DEMO_OIDC_CLIENT_SECRET = 'dev-client-secret-not-a-secret';
/** The demo's help-desk group (the portal's HELPDESK_GROUP in dev mode) and its agent. */
export const DEMO_HELPDESK_GROUP = 'Portal Help Desk';
export const DEMO_AGENT_LOGIN = 'hal.helpdesk@example.com';
/** The demo's security team group (the portal's INSIGHTS_GROUP in dev mode): the admin. */
export const DEMO_INSIGHTS_GROUP = 'Portal Security';

export const demoSeed: SeedOrg = {
  org: { name: 'Emulated Okta demo org' },
  apiTokenOwner: 'admin@example.com',
  passwordPolicy: {
    minLength: 8,
    requireLowercase: true,
    requireUppercase: true,
    requireNumber: true,
    requireSymbol: false,
    excludeUsername: true,
    historyCount: 4,
    minAgeMinutes: 0,
    lockoutAttempts: 10,
  },
  factorLockoutAttempts: 5,
  rateLimits: [],
  users: [
    {
      id: '00uDemoAdmin00000001',
      login: 'admin@example.com',
      firstName: 'Ada',
      lastName: 'Admin',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
      groups: [DEMO_INSIGHTS_GROUP, DEMO_HELPDESK_GROUP],
    },
    {
      id: '00uDemoHalHelpdesk01',
      login: DEMO_AGENT_LOGIN,
      firstName: 'Hal',
      lastName: 'Helpdesk',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
      groups: [DEMO_HELPDESK_GROUP],
    },
    {
      id: '00uDemoAlexAll000001',
      login: 'alex.all@example.com',
      firstName: 'Alex',
      lastName: 'All',
      mobilePhone: '+15555550101',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
      passwordHistory: [DEMO_PREVIOUS_PASSWORD],
      factors: [
        { id: 'smsDemoAlexAll000001', type: 'sms', phoneNumber: '+15555550101' },
        { id: 'clfDemoAlexAll000001', type: 'call', phoneNumber: '+15555550102' },
        { id: 'emfDemoAlexAll000001', type: 'email' },
        { id: 'opfDemoAlexAll000001', type: 'push', deviceName: "Alex's phone" },
        { id: 'ostDemoAlexAllGoog01', type: 'google-totp', secret: 'QFEJWYFO5KKZO4EGXY3AIMHP6LVPAYPE' },
        { id: 'ostDemoAlexAllOkta01', type: 'okta-totp', secret: 'CWKHUMPYZ6H5ZJ6KBBC4PLNTSQ2FOT2I' },
      ],
    },
    {
      id: '00uDemoSamSms0000001',
      login: 'sam.sms@example.com',
      firstName: 'Sam',
      lastName: 'Sms',
      mobilePhone: '+15555550111',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
      factors: [{ id: 'smsDemoSamSms0000001', type: 'sms', phoneNumber: '+15555550111' }],
    },
    {
      id: '00uDemoVicVoice00001',
      login: 'vic.voice@example.com',
      firstName: 'Vic',
      lastName: 'Voice',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
      factors: [{ id: 'clfDemoVicVoice00001', type: 'call', phoneNumber: '+15555550121' }],
    },
    {
      id: '00uDemoEmmaEmail0001',
      login: 'emma.email@example.com',
      firstName: 'Emma',
      lastName: 'Email',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
      factors: [{ id: 'emfDemoEmmaEmail0001', type: 'email' }],
    },
    {
      id: '00uDemoPatPush000001',
      login: 'pat.push@example.com',
      firstName: 'Pat',
      lastName: 'Push',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
      factors: [{ id: 'opfDemoPatPush000001', type: 'push', deviceName: "Pat's phone" }],
    },
    {
      id: '00uDemoGinaGoogle001',
      login: 'gina.google@example.com',
      firstName: 'Gina',
      lastName: 'Google',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
      factors: [{ id: 'ostDemoGinaGoogle001', type: 'google-totp', secret: 'HL3KRIFSMDGC3WQKZ5ZFI4IPPPYE6CBY' }],
    },
    {
      id: '00uDemoOwenOkta00001',
      login: 'owen.okta@example.com',
      firstName: 'Owen',
      lastName: 'Okta',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
      factors: [
        { id: 'opfDemoOwenOkta00001', type: 'push', deviceName: "Owen's phone" },
        { id: 'ostDemoOwenOkta00001', type: 'okta-totp', secret: 'B2QQDQ7ZXX6D5MLIWM7NP76YNGZVNAGP' },
      ],
    },
    {
      id: '00uDemoNoraNone00001',
      login: 'nora.none@example.com',
      firstName: 'Nora',
      lastName: 'None',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
    },
    {
      id: '00uDemoMiaMfa0000001',
      login: 'mia.mfa@example.com',
      firstName: 'Mia',
      lastName: 'Mfa',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
      mfaRequired: true,
      factors: [
        { id: 'smsDemoMiaMfa0000001', type: 'sms', phoneNumber: '+15555550131' },
        { id: 'ostDemoMiaMfa0000001', type: 'google-totp', secret: '3M3LFNNVSVSJV3LWUBUTLZONCPIQMLZQ' },
      ],
    },
    {
      id: '00uDemoLilyLocked001',
      login: 'lily.locked@example.com',
      firstName: 'Lily',
      lastName: 'Locked',
      status: 'LOCKED_OUT',
      password: DEMO_PASSWORD,
      factors: [
        { id: 'smsDemoLilyLocked001', type: 'sms', phoneNumber: '+15555550141' },
        { id: 'ostDemoLilyLocked001', type: 'google-totp', secret: 'OY43V735RBCVFKMQRESJAXHPURTGJ7GE' },
      ],
    },
    {
      id: '00uDemoSuzySuspend01',
      login: 'suzy.suspended@example.com',
      firstName: 'Suzy',
      lastName: 'Suspended',
      status: 'SUSPENDED',
      password: DEMO_PASSWORD,
      factors: [{ id: 'smsDemoSuzySuspend01', type: 'sms', phoneNumber: '+15555550151' }],
    },
    {
      id: '00uDemoDanDeprov0001',
      login: 'dan.deprovisioned@example.com',
      firstName: 'Dan',
      lastName: 'Deprovisioned',
      status: 'DEPROVISIONED',
      factors: [{ id: 'smsDemoDanDeprov0001', type: 'sms', phoneNumber: '+15555550161' }],
    },
    {
      id: '00uDemoEliExpired001',
      login: 'eli.expired@example.com',
      firstName: 'Eli',
      lastName: 'Expired',
      status: 'PASSWORD_EXPIRED',
      password: DEMO_PASSWORD,
      factors: [
        { id: 'smsDemoEliExpired001', type: 'sms', phoneNumber: '+15555550171' },
        { id: 'opfDemoEliExpired001', type: 'push', deviceName: "Eli's phone" },
      ],
    },
    {
      id: '00uDemoStanStaged001',
      login: 'stan.staged@example.com',
      firstName: 'Stan',
      lastName: 'Staged',
      status: 'STAGED',
    },
    {
      id: '00uDemoRoryRecover01',
      login: 'rory.recovery@example.com',
      firstName: 'Rory',
      lastName: 'Recovery',
      status: 'RECOVERY',
      password: DEMO_PASSWORD,
      factors: [{ id: 'ostDemoRoryRecover01', type: 'google-totp', secret: 'LXVDSRRWE6E4L5IVS3TE6XPRF7PDAVN2' }],
    },
    {
      // In the group Portal Admins: with the GROUP_RULES example of docs/configuration.md she needs a push and an
      // authenticator code, and her SMS factor is not offered (no SMS for privileged groups).
      id: '00uDemoPamPriv000001',
      login: 'pam.privileged@example.com',
      firstName: 'Pam',
      lastName: 'Privileged',
      mobilePhone: '+15555550181',
      status: 'ACTIVE',
      password: DEMO_PASSWORD,
      factors: [
        { id: 'smsDemoPamPriv000001', type: 'sms', phoneNumber: '+15555550181' },
        { id: 'opfDemoPamPriv000001', type: 'push', deviceName: "Pam's phone" },
        { id: 'ostDemoPamPriv000001', type: 'google-totp', secret: 'AXM7OANGSFA5FY2HPOU75BAZLKR3Q4VV' },
      ],
    },
  ],
  groups: [
    {
      id: '00gDemoPortalAdmins1',
      name: 'Portal Admins',
      description: 'Privileged users: two verification methods to recover (policies by group)',
      members: ['pam.privileged@example.com', 'admin@example.com'],
    },
  ],
  oidcClients: [
    {
      clientId: DEMO_OIDC_CLIENT_ID,
      clientSecret: DEMO_OIDC_CLIENT_SECRET,
      clientName: 'Okta MFA Portal (development)',
      tokenEndpointAuthMethod: 'client_secret_basic',
      redirectUris: ['http://127.0.0.1:3000/auth/callback', 'http://localhost:3000/auth/callback'],
      postLogoutRedirectUris: ['http://127.0.0.1:3000/', 'http://localhost:3000/'],
    },
  ],
};
