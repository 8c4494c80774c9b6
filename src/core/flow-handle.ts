/**
 * Flow handle: the opaque value of the flow cookie, `id.secret`.
 * Rules: id = 16 random bytes, secret = 32 random bytes, both base64url, both from the Random port.
 * The store keeps only sha256(secret) (under `flow:<id>`); a presented handle is checked with a constant-time
 * comparison. Anything that does not have the exact shape is rejected without touching the store.
 * The secret is rotated (same id, new secret) when the flow gains privilege (a method is chosen, a code is
 * accepted): a handle planted in a victim's browser before that stops working (session fixation, SES-1 / ATK-9).
 */
import { randomToken, safeEqual, sha256 } from './crypto.js';
import type { Random } from './ports.js';

const HANDLE_RE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

export interface NewHandle {
  handle: string;
  id: string;
  secretHash: string;
}

export function createHandle(random: Random): NewHandle {
  const id = randomToken(random, 16);
  const secret = randomToken(random, 32);
  return { handle: `${id}.${secret}`, id, secretHash: sha256(secret) };
}

/** Splits a presented handle; null when it is not shaped like one of ours. */
export function parseHandle(handle: unknown): { id: string; secret: string } | null {
  if (typeof handle !== 'string') return null;
  const m = HANDLE_RE.exec(handle);
  if (!m) return null;
  // Stryker disable next-line StringLiteral: equivalent, a match of HANDLE_RE always defines both groups (the fallbacks are for noUncheckedIndexedAccess)
  return { id: m[1] ?? '', secret: m[2] ?? '' };
}

export function secretMatches(secret: string, secretHash: string): boolean {
  return safeEqual(sha256(secret), secretHash);
}

/** A new secret for an existing flow id: returns the new handle and the hash to store in place of the old one. */
export function rotateHandle(random: Random, id: string): { handle: string; secretHash: string } {
  const secret = randomToken(random, 32);
  return { handle: `${id}.${secret}`, secretHash: sha256(secret) };
}
