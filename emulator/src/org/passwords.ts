// Password storage and the seed's password policy. Rules: only salted hashes are stored (never plaintext, never
// logged); comparisons are constant-time; the policy message lists every requirement the way Okta phrases it,
// prefixed "password: " as an errorCauses entry. The scrypt cost is lowered (N=2^12) because this is a test double
// that hashes every seed password at start-up; it is not a production password store. The seed's
// `passwordHashing: fast` (load tests only) stores a salted SHA-256 instead, about 1,000 times cheaper, so that a load
// test measures its client rather than this hash; a stored hash names its scheme, so both verify whatever the setting.
import {
  createHash,
  randomBytes,
  scrypt as scryptCb,
  scryptSync,
  timingSafeEqual,
  type ScryptOptions,
} from 'node:crypto';
import type { PasswordHashing, PasswordPolicy } from '../seed/schema.js';

const PARAMS: ScryptOptions = { N: 4096, r: 8, p: 1 };
const KEY_LEN = 32;

function scrypt(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, KEY_LEN, PARAMS, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

function sha256(password: string, salt: Buffer): Buffer {
  return createHash('sha256').update(salt).update(password, 'utf8').digest();
}

type Scheme = 'scrypt' | 'sha256';
const SCHEME: Record<PasswordHashing, Scheme> = { scrypt: 'scrypt', fast: 'sha256' };

function encode(scheme: Scheme, salt: Buffer, key: Buffer): string {
  return `${scheme}$${salt.toString('base64')}$${key.toString('base64')}`;
}

function decode(hash: string): { scheme: Scheme; salt: Buffer; key: Buffer } | null {
  const [scheme, salt, key] = hash.split('$');
  if ((scheme !== 'scrypt' && scheme !== 'sha256') || !salt || !key) return null;
  return { scheme, salt: Buffer.from(salt, 'base64'), key: Buffer.from(key, 'base64') };
}

export async function hashPassword(password: string, hashing: PasswordHashing = 'scrypt'): Promise<string> {
  const salt = randomBytes(16);
  const scheme = SCHEME[hashing];
  return encode(scheme, salt, scheme === 'sha256' ? sha256(password, salt) : await scrypt(password, salt));
}

export function hashPasswordSync(password: string, hashing: PasswordHashing = 'scrypt'): string {
  const salt = randomBytes(16);
  const scheme = SCHEME[hashing];
  return encode(scheme, salt, scheme === 'sha256' ? sha256(password, salt) : scryptSync(password, salt, KEY_LEN, PARAMS));
}

export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const parts = decode(hash);
  if (!parts) return false;
  const key = parts.scheme === 'sha256' ? sha256(password, parts.salt) : await scrypt(password, parts.salt);
  return key.length === parts.key.length && timingSafeEqual(key, parts.key);
}

/** Okta's wording of the policy, e.g. "at least 8 characters, a lowercase letter, ..., no parts of your username". */
export function describePolicy(policy: PasswordPolicy): string {
  const reqs = [`at least ${policy.minLength} characters`];
  if (policy.requireLowercase) reqs.push('a lowercase letter');
  if (policy.requireUppercase) reqs.push('an uppercase letter');
  if (policy.requireNumber) reqs.push('a number');
  if (policy.requireSymbol) reqs.push('a symbol');
  if (policy.excludeUsername) reqs.push('no parts of your username');
  let text = `Password requirements: ${reqs.join(', ')}.`;
  if (policy.historyCount > 0) text += ` Your password cannot be any of your last ${policy.historyCount} passwords.`;
  return text;
}

/** Parts of the login that a password may not contain: the local part and its pieces of 3+ characters. */
export function usernameParts(login: string): string[] {
  const local = (login.split('@')[0] ?? login).toLowerCase();
  const pieces = local.split(/[.,\-_#+@\s]+/).filter((p) => p.length >= 3);
  return [...new Set([local, ...pieces])].filter((p) => p.length >= 3);
}

/** Returns the errorCauses summary when the password breaks the complexity rules, or null when it passes. */
export function complexityViolation(policy: PasswordPolicy, password: string, login: string): string | null {
  const failed =
    password.length < policy.minLength ||
    password.length > 256 ||
    (policy.requireLowercase && !/\p{Ll}/u.test(password)) ||
    (policy.requireUppercase && !/\p{Lu}/u.test(password)) ||
    (policy.requireNumber && !/\p{Nd}/u.test(password)) ||
    (policy.requireSymbol && !/[^\p{L}\p{Nd}]/u.test(password)) ||
    (policy.excludeUsername && usernameParts(login).some((p) => password.toLowerCase().includes(p)));
  return failed ? `password: Password requirements were not met. ${describePolicy(policy)}` : null;
}

export const HISTORY_VIOLATION = 'password: Password has been used too recently';
export const MIN_AGE_VIOLATION = 'password: Password has been changed too recently';
