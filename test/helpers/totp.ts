// Independent HOTP (RFC 4226) / TOTP (RFC 6238) implementation for the test suite.
// Rules: hand-written on purpose (no otpauth/otplib) so that the tests check the emulator's codes against
// an implementation that shares no code with it. node:crypto HMAC, RFC 4226 §5.3 dynamic truncation,
// an RFC 4648 base32 decoder, a 64-bit big-endian counter (times past 2^32 steps work). Test-only code.
import { createHmac } from 'node:crypto';

export type HashAlgorithm = 'sha1' | 'sha256' | 'sha512';

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 → bytes. Case-insensitive; ignores '=' padding and spaces; throws on other characters. */
export function base32Decode(input: string): Buffer {
  const clean = input.toUpperCase().replace(/[\s=]/g, '');
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const idx = BASE32_ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error('base32Decode: invalid character');
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 §5.3 dynamic truncation of an HMAC result to a 31-bit integer. */
export function dynamicTruncate(hmac: Buffer): number {
  const offset = hmac[hmac.length - 1]! & 0x0f;
  return hmac.readUInt32BE(offset) & 0x7fffffff;
}

/** HOTP value for `counter` as a zero-padded string of `digits` digits. `key` is raw bytes or a base32 string. */
export function hotp(key: Buffer | string, counter: number | bigint, digits = 6, algorithm: HashAlgorithm = 'sha1'): string {
  const keyBytes = typeof key === 'string' ? base32Decode(key) : key;
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm, keyBytes).update(msg).digest();
  return String(dynamicTruncate(mac) % 10 ** digits).padStart(digits, '0');
}

export interface TotpOptions {
  digits?: number;
  stepSeconds?: number;
  algorithm?: HashAlgorithm;
}

/** TOTP time step (T0 = 0) for a unix time in seconds. */
export function totpStep(unixSeconds: number, stepSeconds = 30): number {
  return Math.floor(unixSeconds / stepSeconds);
}

/** TOTP value at `unixSeconds` (not milliseconds). */
export function totp(key: Buffer | string, unixSeconds: number, opts: TotpOptions = {}): string {
  return hotp(key, totpStep(unixSeconds, opts.stepSeconds ?? 30), opts.digits ?? 6, opts.algorithm ?? 'sha1');
}
