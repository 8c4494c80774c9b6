/**
 * Hashing and encoding helpers for the core.
 * Rules: the core may import `node:crypto` for hashing and constant-time comparison only (a pure utility, not an
 * adapter); randomness always comes from the Random port so tests stay deterministic. Secrets (flow secrets, otts)
 * are stored only as sha256 digests, which is enough at ≥ 128 bits of entropy (OTT-1).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** base64url without padding. */
export function toBase64Url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** sha256 of a UTF-8 string, base64url. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** HMAC-SHA256 of a UTF-8 string under a secret key, base64url (a fingerprint only the key's holder can test). */
export function hmacSha256(key: string, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}

/** Constant-time equality of two strings (digests); unequal lengths are simply unequal, without throwing. */
export function safeEqual(a: string, b: string): boolean {
  const ba = Buffer.from(a); // UTF-8, Buffer's default for strings
  const bb = Buffer.from(b);
  if (ba.length !== bb.length) {
    // Still do a comparison of equal cost so a length mismatch is not a faster path.
    timingSafeEqual(ba, ba);
    return false;
  }
  return timingSafeEqual(ba, bb);
}

/** A secret of `n` random bytes, base64url. */
export function randomToken(random: { bytes(n: number): Uint8Array }, n: number): string {
  return toBase64Url(random.bytes(n));
}
