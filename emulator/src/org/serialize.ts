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

function userLinks(base: string, user: UserRecord): Record<string, Link> {
  const u = userHref(base, user);
  const post = (path: string): Link => ({ href: `${u}${path}`, method: 'POST' });
  const links: Record<string, Link> = {};
  const s = user.status;
  if (s === 'STAGED' || s === 'DEPROVISIONED') links.activate = post('/lifecycle/activate');
  if (s === 'PROVISIONED') links.reactivate = post('/lifecycle/reactivate');
  if (['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY', 'LOCKED_OUT'].includes(s)) {
    links.resetPassword = post('/lifecycle/reset_password');
    links.expirePassword = post('/lifecycle/expire_password');
    links.changePassword = post('/credentials/change_password');
    links.resetFactors = post('/lifecycle/reset_factors');
  }
  if (s === 'ACTIVE') {
    links.forgotPassword = post('/credentials/forgot_password');
    links.suspend = post('/lifecycle/suspend');
  }
  if (s === 'SUSPENDED') links.unsuspend = post('/lifecycle/unsuspend');
  if (s === 'LOCKED_OUT') links.unlock = post('/lifecycle/unlock');
  if (s !== 'DEPROVISIONED') links.deactivate = post('/lifecycle/deactivate');
  links.schema = { href: `${base}/api/v1/meta/schemas/user/oscDemoDefault000001` };
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
