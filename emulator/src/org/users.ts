// User operations: create, profile update, password set (policy + history), lifecycle transitions, deletion.
// Rules: illegal transitions answer Okta's codes (lifecycleRefusal below), else 400 E0000001 naming the transition; setting a password moves RECOVERY and
// PASSWORD_EXPIRED users to ACTIVE and records passwordChanged; history keeps the newest max(historyCount, 1)
// hashes including the current password and is only enforced with strict=true, as in Okta.
import { errors } from '../errors.js';
import { oktaId, opaqueToken } from '../ids.js';
import type { UserRecord, UserStatus } from './model.js';
import {
  HISTORY_VIOLATION,
  MIN_AGE_VIOLATION,
  complexityViolation,
  hashPassword,
  verifyPassword,
} from './passwords.js';
import { parseRecoveryQuestion } from './recovery.js';
import type { OrgState } from './state.js';

const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const PROFILE_STRING_MAX = 1024;

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Okta's base user profile schema (Okta's "User profile" reference: the default attributes of the Okta user type);
 * the emulated org has no custom attributes, so any other property is refused as Okta refuses one its schema lacks.
 */
export const BASE_PROFILE_ATTRIBUTES: ReadonlySet<string> = new Set([
  'login', 'email', 'secondEmail', 'firstName', 'lastName', 'middleName', 'honorificPrefix', 'honorificSuffix', 'title',
  'displayName', 'nickName', 'profileUrl', 'primaryPhone', 'mobilePhone', 'streetAddress', 'city', 'state', 'zipCode',
  'postalAddress', 'countryCode', 'preferredLanguage', 'locale', 'timezone', 'userType', 'employeeNumber', 'costCenter',
  'organization', 'division', 'department', 'managerId', 'manager',
]);

/** Validates profile values (strings, numbers, booleans, null, or arrays of strings) and the core attributes. */
export function validateProfile(state: OrgState, profile: Record<string, unknown>, self: UserRecord | null): string[] {
  const causes: string[] = [];
  for (const k of Object.keys(profile)) {
    if (!BASE_PROFILE_ATTRIBUTES.has(k)) causes.push(`${k}: Property name '${k}' is not defined in the profile schema`);
  }
  for (const [k, v] of Object.entries(profile)) {
    const ok =
      v === null ||
      typeof v === 'boolean' ||
      (typeof v === 'number' && Number.isFinite(v)) ||
      (typeof v === 'string' && v.length <= PROFILE_STRING_MAX) ||
      (Array.isArray(v) && v.every((x) => typeof x === 'string'));
    if (!ok) causes.push(`${k}: Property value is not valid.`);
  }
  for (const k of ['login', 'email', 'firstName', 'lastName']) {
    const v = profile[k];
    if (v === undefined || v === null || (typeof v === 'string' && v.trim() === '')) causes.push(`${k}: The field cannot be left blank`);
  }
  const login = profile.login;
  if (typeof login === 'string' && login.trim() !== '') {
    if (login.length < 5 || login.length > 100) causes.push('login: Username must be between 5 and 100 characters');
    const clash = state.findByLogin(login);
    if (clash && clash.id !== self?.id) causes.push('login: An object with this field already exists in the current organization');
  }
  for (const k of ['email', 'secondEmail']) {
    const v = profile[k];
    if (typeof v === 'string' && v !== '' && !EMAIL_RE.test(v)) causes.push(`${k}: Does not match required pattern`);
  }
  return causes;
}

function setStatus(state: OrgState, user: UserRecord, status: UserStatus): void {
  const now = state.clock.now();
  user.status = status;
  user.statusChanged = now;
  user.lastUpdated = now;
  if (status === 'ACTIVE' && user.activated === null) user.activated = now;
}

/** Checks and stores a new password. Throws E0000001 with errorCauses on a policy or (strict) history violation. */
export async function setPassword(
  state: OrgState,
  user: UserRecord,
  password: unknown,
  opts: { strict: boolean; policyError?: (causes: string[]) => Error } = { strict: false },
): Promise<void> {
  const fail = opts.policyError ?? ((causes: string[]) => errors.validation('password', causes));
  if (typeof password !== 'string' || password.length === 0) throw errors.validation('password', ['password: Password cannot be blank']);
  const login = String(user.profile.login);
  const complexity = complexityViolation(state.policy, password, login);
  if (complexity) throw fail([complexity]);
  if (opts.strict) {
    const now = state.clock.now();
    if (state.policy.minAgeMinutes > 0 && user.passwordChanged !== null && now - user.passwordChanged < state.policy.minAgeMinutes * 60_000) {
      throw fail([MIN_AGE_VIOLATION]);
    }
    const recent = user.passwordHistory.slice(0, Math.max(state.policy.historyCount, 1));
    for (const h of recent) if (await verifyPassword(password, h)) throw fail([HISTORY_VIOLATION]);
  }
  const hash = await hashPassword(password, state.passwordHashing);
  const now = state.clock.now();
  user.passwordHash = hash;
  user.passwordHistory = [hash, ...user.passwordHistory].slice(0, Math.max(state.policy.historyCount, 1));
  user.passwordChanged = now;
  user.lastUpdated = now;
  user.recoveryToken = null;
  user.failedLogins = 0;
  if (user.status === 'RECOVERY' || user.status === 'PASSWORD_EXPIRED') setStatus(state, user, 'ACTIVE');
}

export async function createUser(
  state: OrgState,
  body: Record<string, unknown>,
  opts: { activate: boolean; nextLogin: string | null },
): Promise<UserRecord> {
  if (!isPlainObject(body.profile)) throw errors.validation('profile', ['profile: The field cannot be left blank']);
  const profile: Record<string, unknown> = { ...body.profile };
  const causes = validateProfile(state, profile, null);
  if (causes.length) throw errors.validation(causes[0]?.split(':')[0] ?? 'profile', causes);
  const creds = isPlainObject(body.credentials) ? body.credentials : {};
  const pw = isPlainObject(creds.password) ? creds.password.value : undefined;
  const now = state.clock.now();
  const user: UserRecord = {
    id: oktaId('00u'),
    status: 'STAGED',
    created: now,
    activated: null,
    statusChanged: null,
    lastLogin: null,
    lastUpdated: now,
    passwordChanged: null,
    profile,
    passwordHash: null,
    passwordHistory: [],
    mfaRequired: false,
    groups: [],
    factors: [],
    failedLogins: 0,
    sessions: new Set(),
    recoveryToken: null,
    recoveryQuestion: null,
  };
  if (pw !== undefined) await setPassword(state, user, pw, { strict: false });
  if (creds.recovery_question !== undefined) user.recoveryQuestion = await parseRecoveryQuestion(state, creds.recovery_question);
  if (opts.activate) {
    setStatus(state, user, user.passwordHash ? 'ACTIVE' : 'PROVISIONED');
    if (opts.nextLogin === 'changePassword' && user.passwordHash) setStatus(state, user, 'PASSWORD_EXPIRED');
  }
  state.users.set(user.id, user);
  return user;
}

/** Partial (merge) or full (replace) profile update. */
export function updateProfile(state: OrgState, user: UserRecord, profile: unknown, replace: boolean): void {
  if (profile === undefined) return;
  if (!isPlainObject(profile)) throw errors.validation('profile', ['profile: Property value is not valid.']);
  const merged = replace ? { ...profile } : { ...user.profile, ...profile };
  const causes = validateProfile(state, merged, user);
  if (causes.length) throw errors.validation(causes[0]?.split(':')[0] ?? 'profile', causes);
  user.profile = merged;
  user.lastUpdated = state.clock.now();
}

export type LifecycleAction =
  | 'activate'
  | 'reactivate'
  | 'deactivate'
  | 'suspend'
  | 'unsuspend'
  | 'unlock'
  | 'expire_password'
  | 'reset_password'
  | 'reset_factors';

const ALLOWED_FROM: Record<LifecycleAction, UserStatus[] | 'any-but-deprovisioned' | 'any'> = {
  activate: ['STAGED', 'DEPROVISIONED'],
  reactivate: ['PROVISIONED', 'RECOVERY'], // spec reactivateUser: "PROVISIONED or RECOVERY status"
  deactivate: 'any-but-deprovisioned',
  suspend: ['ACTIVE', 'PASSWORD_EXPIRED'], // Okta advertises suspend on PASSWORD_EXPIRED users too (issue 15)
  unsuspend: ['SUSPENDED'],
  unlock: ['LOCKED_OUT'],
  expire_password: ['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY'],
  reset_password: ['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY', 'LOCKED_OUT'],
  reset_factors: 'any-but-deprovisioned',
};

/**
 * Okta's own codes for refused activations and unlocks (okta-sdk-nodejs test/it user lifecycle tests and Okta's
 * error-code reference): activate on an ACTIVE user → 403 E0000016; activate or reactivate from another status →
 * 403 E0000038 (what Okta answers for activate from SUSPENDED etc. is undocumented: E0000038 is the stricter
 * choice); unlock on a user who is not locked (and has no locked factor) → 403 E0000032.
 */
function lifecycleRefusal(user: UserRecord, action: LifecycleAction): Error | null {
  if (action === 'activate') return user.status === 'ACTIVE' ? errors.alreadyActive() : errors.notAllowedInStatus();
  if (action === 'reactivate') return errors.notAllowedInStatus();
  if (action === 'unlock') return errors.unlockNotAllowed();
  return null;
}

export function assertTransition(user: UserRecord, action: LifecycleAction): void {
  const allowed = ALLOWED_FROM[action];
  const ok =
    allowed === 'any' ||
    (allowed === 'any-but-deprovisioned' ? user.status !== 'DEPROVISIONED' : allowed.includes(user.status)) ||
    (action === 'unlock' && user.factors.some((f) => f.locked));
  if (!ok) {
    const refusal = lifecycleRefusal(user, action);
    if (refusal) throw refusal;
    throw errors.validation(`${action} is not allowed`, [`status: Cannot ${action.replace('_', ' ')} a user with status ${user.status}`]);
  }
}

/** Applies a lifecycle action and returns any extra response data (activation or reset tokens). */
export function applyLifecycle(state: OrgState, user: UserRecord, action: LifecycleAction): { token?: string } {
  assertTransition(user, action);
  switch (action) {
    case 'activate':
      setStatus(state, user, user.passwordHash ? 'ACTIVE' : 'PROVISIONED');
      return { token: opaqueToken(15) };
    case 'reactivate':
      // A new activation token; the status stays (what Okta does to a RECOVERY user's status is undocumented).
      return { token: opaqueToken(15) };
    case 'deactivate':
      setStatus(state, user, 'DEPROVISIONED');
      user.sessions.clear();
      return {};
    case 'suspend':
      setStatus(state, user, 'SUSPENDED');
      user.sessions.clear();
      return {};
    case 'unsuspend':
      setStatus(state, user, 'ACTIVE');
      return {};
    case 'unlock':
      if (user.status === 'LOCKED_OUT') setStatus(state, user, 'ACTIVE');
      user.failedLogins = 0;
      for (const f of user.factors) {
        f.locked = false;
        f.consecutiveFailures = 0;
      }
      user.lastUpdated = state.clock.now();
      return {};
    case 'expire_password':
      setStatus(state, user, 'PASSWORD_EXPIRED');
      return {};
    case 'reset_password':
      setStatus(state, user, 'RECOVERY');
      user.failedLogins = 0;
      user.recoveryToken = opaqueToken(15);
      return { token: user.recoveryToken };
    case 'reset_factors':
      user.factors = [];
      for (const [id, tx] of state.transactions) if (tx.userId === user.id) state.transactions.delete(id);
      user.lastUpdated = state.clock.now();
      return {};
  }
}

/** Okta's DELETE: the first call deactivates, a call on a DEPROVISIONED user removes it. */
export function deleteUser(state: OrgState, user: UserRecord): void {
  if (user.status !== 'DEPROVISIONED') {
    applyLifecycle(state, user, 'deactivate');
    return;
  }
  state.users.delete(user.id);
  for (const [id, tx] of state.transactions) if (tx.userId === user.id) state.transactions.delete(id);
  if (state.tokenOwnerId === user.id) state.tokenOwnerId = null;
}
