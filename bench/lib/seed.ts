/**
 * The emulator org the benchmark runs against, written to a JSON seed file.
 * Rules:
 * - N load users, each with one google-totp factor whose secret is derived from the user's index, so the load
 *   generator computes codes itself (no control-API call per recovery). Each recovery needs its own user: the
 *   portal counts attempts per login, and Okta (and the emulator) refuses a TOTP code from an already used step.
 * - One user per recovery method for counting Okta calls.
 * - Every user has the same starting password (the emulator hashes it once); the password policy has history,
 *   so each recovery sets a password never used before (see loadgen's passwordFor).
 * - Rate limits are raised far above any load the machine can produce: the emulator must not be the one saying no.
 * - `passwordHashing: 'fast'` (salted SHA-256, a load-test-only emulator setting): with scrypt, each strict password
 *   update costs the emulator 25 to 30 ms of CPU, which capped the whole run at 65 to 80 recoveries/s on two cores.
 */
import { createHash } from 'node:crypto';
import { Secret } from 'otpauth';

export const SEED_PASSWORD = 'Seed-Passw0rd-1';

export interface LoadUser {
  login: string;
  /** Base32 TOTP secret of the user's google-totp factor. */
  secret: string;
}

export const METHOD_USERS = {
  sms: 'sms.count@bench.example',
  call: 'voice.count@bench.example',
  push: 'push.count@bench.example',
  'google-authenticator': 'google.count@bench.example',
  'okta-verify-code': 'oktacode.count@bench.example',
} as const;
export type CountedMethod = keyof typeof METHOD_USERS;

export function totpSecret(label: string): string {
  const bytes = createHash('sha256').update(`okta-mfa-portal-bench:${label}`).digest().subarray(0, 20);
  return new Secret({ buffer: Uint8Array.from(bytes).buffer }).base32;
}

export function loadUsers(count: number): LoadUser[] {
  return Array.from({ length: count }, (_, i) => ({
    login: `rcv${String(i).padStart(5, '0')}@bench.example`,
    secret: totpSecret(`load-${i}`),
  }));
}

const person = (login: string, factors: unknown[]) => ({
  login,
  email: login,
  firstName: 'Bench',
  lastName: 'User',
  status: 'ACTIVE',
  password: SEED_PASSWORD,
  factors,
});

export function benchSeed(users: LoadUser[]): unknown {
  return {
    org: { name: 'Benchmark org' },
    apiTokenOwner: 'admin@bench.example',
    passwordPolicy: {
      minLength: 10,
      requireLowercase: true,
      requireUppercase: true,
      requireNumber: true,
      requireSymbol: false,
      excludeUsername: true,
      historyCount: 4,
      minAgeMinutes: 0,
      lockoutAttempts: 10,
    },
    passwordHashing: 'fast',
    defaultRateLimit: { limit: 1_000_000, windowSeconds: 60 },
    rateLimits: [],
    users: [
      person('admin@bench.example', []),
      person(METHOD_USERS.sms, [{ type: 'sms', phoneNumber: '+15555550181' }]),
      person(METHOD_USERS.call, [{ type: 'call', phoneNumber: '+15555550182' }]),
      person(METHOD_USERS.push, [{ type: 'push' }]),
      person(METHOD_USERS['google-authenticator'], [{ type: 'google-totp', secret: totpSecret('count-google') }]),
      person(METHOD_USERS['okta-verify-code'], [{ type: 'push' }, { type: 'okta-totp', secret: totpSecret('count-okta') }]),
      ...users.map((u) => person(u.login, [{ type: 'google-totp', secret: u.secret }])),
    ],
  };
}
