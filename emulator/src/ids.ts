// Okta-looking identifiers and secrets, all from node:crypto. Rules: ids are 20 characters, a 3-letter type prefix
// followed by base62 (users 00u, factors sms/clf/emf/opf/ost, user types oty); transaction ids are `v2mst.` + 22
// base64url characters; OTP codes are uniform 6-digit strings (crypto.randomInt, no modulo bias).
import { randomBytes, randomInt } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function base62(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[randomInt(BASE62.length)];
  return out;
}

export function oktaId(prefix: string): string {
  return prefix + base62(20 - prefix.length);
}

export function transactionId(): string {
  return 'v2mst.' + randomBytes(16).toString('base64url').slice(0, 22);
}

export function requestId(): string {
  return randomBytes(18).toString('base64url');
}

export function errorId(): string {
  return 'oae' + base62(22);
}

export function otpCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

export function opaqueToken(bytes = 20): string {
  return randomBytes(bytes).toString('base64url');
}
