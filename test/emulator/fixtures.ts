// Seed pieces shared by the emulator conformance suites. Rules: each suite builds its own org from these so it never
// depends on the built-in demo org; ids are fixed where a test needs to address a factor directly; passwords meet
// POLICY (8+ chars, lower, upper, number, no username parts, history 4).
import type { Seed, SeedUser } from '../helpers/emulator.js';

export const ADMIN_LOGIN = 'admin.owner@example.com';
export const PASSWORD = 'Correct-Horse-42';
export const POLICY: NonNullable<Seed['passwordPolicy']> = {
  minLength: 8,
  requireLowercase: true,
  requireUppercase: true,
  requireNumber: true,
  requireSymbol: false,
  excludeUsername: true,
  historyCount: 4,
};

export const admin: SeedUser = {
  login: ADMIN_LOGIN,
  email: ADMIN_LOGIN,
  firstName: 'Ada',
  lastName: 'Owner',
  status: 'ACTIVE',
  password: PASSWORD,
};

export function user(login: string, extra: Partial<SeedUser> = {}): SeedUser {
  const local = login.split('@')[0] ?? login;
  const [first = 'Test', last = 'User'] = local.split('.');
  return {
    login,
    email: login,
    firstName: first.charAt(0).toUpperCase() + first.slice(1),
    lastName: last.charAt(0).toUpperCase() + last.slice(1),
    status: 'ACTIVE',
    password: PASSWORD,
    ...extra,
  };
}

export function seed(users: SeedUser[], extra: Partial<Seed> = {}): Seed {
  return { org: { name: 'Conformance org' }, apiTokenOwner: ADMIN_LOGIN, passwordPolicy: POLICY, users: [admin, ...users], ...extra };
}

/** Unix seconds at the start of a TOTP step, far from any boundary trouble: step 56666667 begins here. */
export const STEP_ALIGNED_START = 1_700_000_010;
