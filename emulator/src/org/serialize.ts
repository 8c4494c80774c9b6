// Okta wire shapes for users and factors. Rules: timestamps ISO-8601 in whole seconds (".000Z", as Okta's recorded
// answers show: Okta stores these times to the second); users carry realmId and credentials.emails as Okta's do; `_links` hold absolute hrefs
// built from the emulator's base URL with `hints.allow`; a user's links depend on its status as in Okta; factor
// links depend on type and status; TOTP secrets appear only in a pending enrolment's `_embedded.activation`.
import type { FactorRecord, GroupRecord, UserRecord } from './model.js';

type Link = { href: string; hints?: { allow: string[] }; method?: string; name?: string; type?: string };

/** An Okta timestamp: ISO-8601 truncated to the whole second. */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString();
}
const iso = (ms: number | null): string | null => (ms === null ? null : isoSeconds(ms));

/** The org's one realm (Okta Identity Engine puts every user in the default realm unless realms are configured). */
export const DEFAULT_REALM_ID = 'guoEmulatorRealm0001';
const link = (href: string, ...allow: string[]): Link => ({ href, hints: { allow } });

export const USER_TYPE_ID = 'otyDemoDefault000001';

export function userHref(base: string, user: UserRecord): string {
  return `${base}/api/v1/users/${user.id}`;
}

/** The user schema and type every user has (GET /api/v1/meta/schemas/user/{id}, /api/v1/meta/types/user/{id}). */
export const USER_SCHEMA_ID = 'oscDemoDefault000001';

type LinkRel =
  | 'activate' | 'reactivate' | 'deactivate' | 'suspend' | 'unsuspend' | 'unlock' | 'resetPassword' | 'expirePassword'
  | 'resetFactors' | 'forgotPassword' | 'changePassword' | 'changeRecoveryQuestion';

const LINK_PATH: Record<LinkRel, string> = {
  activate: '/lifecycle/activate',
  reactivate: '/lifecycle/reactivate',
  deactivate: '/lifecycle/deactivate',
  suspend: '/lifecycle/suspend',
  unsuspend: '/lifecycle/unsuspend',
  unlock: '/lifecycle/unlock',
  resetPassword: '/lifecycle/reset_password',
  expirePassword: '/lifecycle/expire_password',
  resetFactors: '/lifecycle/reset_factors',
  forgotPassword: '/credentials/forgot_password',
  changePassword: '/credentials/change_password',
  changeRecoveryQuestion: '/credentials/change_recovery_question',
};

/**
 * The operation links a user of each status carries (besides schema, type and self). Sources: okta-sdk-python's
 * recorded users (TestUsersResource cassettes: an ACTIVE user has suspend, resetPassword, expirePassword,
 * changeRecoveryQuestion, changePassword, deactivate, and forgotPassword once it has a recovery question), the
 * spec's examples (a STAGED user has activate only; resetFactors on an ACTIVE user with factors) and its text
 * (resetFactors "is present only if the user is currently enrolled in one or more MFA factors"; forgotPassword needs
 * a recovery question; change_password from STAGED, ACTIVE, PASSWORD_EXPIRED or RECOVERY; unlock from LOCKED_OUT;
 * reactivate from PROVISIONED or RECOVERY), and issue 15's recordings (a PASSWORD_EXPIRED user has suspend,
 * forgotPassword and changeRecoveryQuestion like an ACTIVE one). Every link here leads to an operation the emulator
 * accepts for that status (test/emulator/user-links.test.ts).
 */
export const LINKS_BY_STATUS: Record<UserRecord['status'], readonly LinkRel[]> = {
  STAGED: ['activate'],
  PROVISIONED: ['reactivate', 'deactivate'],
  ACTIVE: ['suspend', 'resetPassword', 'forgotPassword', 'expirePassword', 'changeRecoveryQuestion', 'changePassword', 'resetFactors', 'deactivate'],
  PASSWORD_EXPIRED: ['suspend', 'resetPassword', 'forgotPassword', 'expirePassword', 'changeRecoveryQuestion', 'changePassword', 'resetFactors', 'deactivate'],
  RECOVERY: ['reactivate', 'resetPassword', 'expirePassword', 'changeRecoveryQuestion', 'changePassword', 'resetFactors', 'deactivate'],
  LOCKED_OUT: ['unlock', 'resetPassword', 'resetFactors', 'deactivate'],
  SUSPENDED: ['unsuspend', 'resetFactors', 'deactivate'],
  DEPROVISIONED: ['activate'],
};

/** Whether `rel` applies to this user beyond its status: conditions on credentials and factors. */
function linkApplies(user: UserRecord, rel: LinkRel): boolean {
  if (rel === 'resetFactors') return user.factors.length > 0;
  if (rel === 'forgotPassword') return user.passwordHash !== null && Boolean(user.recoveryQuestion);
  if (rel === 'changePassword' || rel === 'changeRecoveryQuestion') return user.passwordHash !== null;
  return true;
}

function userLinks(base: string, user: UserRecord): Record<string, Link> {
  const u = userHref(base, user);
  const links: Record<string, Link> = {};
  for (const rel of LINKS_BY_STATUS[user.status]) {
    if (linkApplies(user, rel)) links[rel] = { href: `${u}${LINK_PATH[rel]}`, method: 'POST' };
  }
  links.schema = { href: `${base}/api/v1/meta/schemas/user/${USER_SCHEMA_ID}` };
  links.type = { href: `${base}/api/v1/meta/types/user/${USER_TYPE_ID}` };
  links.self = { href: u };
  return links;
}

export function serializeUser(base: string, user: UserRecord, opts: { collection?: boolean } = {}): Record<string, unknown> {
  return {
    id: user.id,
    status: user.status,
    created: iso(user.created),
    activated: iso(user.activated),
    statusChanged: iso(user.statusChanged),
    lastLogin: iso(user.lastLogin),
    lastUpdated: iso(user.lastUpdated),
    passwordChanged: iso(user.passwordChanged),
    type: { id: USER_TYPE_ID },
    profile: { ...user.profile },
    realmId: DEFAULT_REALM_ID,
    credentials: {
      ...(user.passwordHash ? { password: {} } : {}),
      ...(typeof user.profile.email === 'string' && user.profile.email !== ''
        ? { emails: [{ value: user.profile.email, status: 'VERIFIED', type: 'PRIMARY' }] }
        : {}),
      ...(user.recoveryQuestion ? { recovery_question: { question: user.recoveryQuestion.question } } : {}),
      provider: { type: 'OKTA', name: 'OKTA' },
    },
    _links: opts.collection ? { self: { href: userHref(base, user) } } : userLinks(base, user),
  };
}

export function factorHref(base: string, factor: FactorRecord): string {
  return `${base}/api/v1/users/${factor.userId}/factors/${factor.id}`;
}

/** The activation block of a pending push enrolment (WAITING until the phone activates it, then TIMEOUT). */
function pushActivation(base: string, factor: FactorRecord, now: number): Record<string, unknown> {
  const f = factorHref(base, factor);
  const expiresAt = factor.pushActivationExpiresAt ?? now;
  return {
    expiresAt: isoSeconds(expiresAt),
    factorResult: now >= expiresAt ? 'TIMEOUT' : 'WAITING',
    _links: {
      send: [
        { name: 'email', ...link(`${f}/lifecycle/activate/email`, 'POST') },
        { name: 'sms', ...link(`${f}/lifecycle/activate/sms`, 'POST') },
      ],
      qrcode: { href: `${f}/qr/${factor.qrToken ?? ''}`, type: 'image/png' },
    },
  };
}

export function serializeFactor(base: string, factor: FactorRecord, now: number): Record<string, unknown> {
  const f = factorHref(base, factor);
  const user = { href: `${base}/api/v1/users/${factor.userId}`, hints: { allow: ['GET'] } };
  const out: Record<string, unknown> = {
    id: factor.id,
    factorType: factor.factorType,
    provider: factor.provider,
    vendorName: factor.provider,
    status: factor.status,
    created: iso(factor.created),
    lastUpdated: iso(factor.lastUpdated),
  };
  if (Object.keys(factor.profile).length > 0) out.profile = { ...factor.profile };
  if (factor.factorType === 'question') {
    // Okta's EnrollFactorQuestionResponse / ListFactorsResults: questions, self and user (no verify link).
    out._links = { questions: link(`${base}/api/v1/users/${factor.userId}/factors/questions`, 'GET'), self: link(f, 'GET', 'DELETE'), user };
    return out;
  }
  if (factor.status === 'ACTIVE') {
    out._links = { verify: link(`${f}/verify`, 'POST'), self: link(f, 'GET', 'DELETE'), user };
    return out;
  }
  if (factor.factorType === 'push') {
    out._links = { poll: link(`${f}/lifecycle/activate/poll`, 'POST'), self: link(f, 'GET'), user };
    out._embedded = { activation: pushActivation(base, factor, now) };
  } else if (factor.factorType === 'token:software:totp') {
    out._links = { activate: link(`${f}/lifecycle/activate`, 'POST'), self: link(f, 'GET'), user };
    out._embedded = {
      activation: {
        timeStep: 30,
        sharedSecret: factor.secret,
        encoding: 'base32',
        keyLength: (factor.secret ?? '').length,
        _links: { qrcode: { href: `${f}/qr/${factor.qrToken ?? ''}`, type: 'image/png' } },
      },
    };
  } else {
    out._links = {
      activate: link(`${f}/lifecycle/activate`, 'POST'),
      resend: [{ name: factor.factorType, ...link(`${f}/resend`, 'POST') }],
      self: link(f, 'GET'),
      user,
    };
  }
  return out;
}

/** An Okta Group as listUserGroups returns it (spec Group: objectClass, type, profile, _links). */
export function serializeGroup(base: string, group: GroupRecord): Record<string, unknown> {
  const g = `${base}/api/v1/groups/${group.id}`;
  return {
    id: group.id,
    created: isoSeconds(group.created),
    lastUpdated: isoSeconds(group.lastUpdated),
    lastMembershipUpdated: isoSeconds(group.lastMembershipUpdated),
    objectClass: ['okta:user_group'],
    type: group.type,
    profile: { name: group.name, description: group.description },
    _links: {
      logo: [
        { name: 'medium', href: `${base}/assets/img/logos/groups/okta-medium.png`, type: 'image/png' },
        { name: 'large', href: `${base}/assets/img/logos/groups/okta-large.png`, type: 'image/png' },
      ],
      users: { href: `${g}/users` },
      apps: { href: `${g}/apps` },
    },
  };
}
