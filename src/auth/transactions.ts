/**
 * Sign-in transactions: what the portal must remember between the redirect to the provider and the callback
 * (state, nonce, PKCE verifier), server-side.
 * Rules:
 * - The browser holds only a random 256-bit key (a short-lived cookie); the record lives under
 *   `auth:<sha256(key)>` for TRANSACTION_TTL_MS, so state, nonce and verifier never reach the browser except as the
 *   provider's own request parameters (state, nonce, the S256 challenge).
 * - A transaction is single-use: the callback takes it atomically, so a replayed callback (same code, same state)
 *   finds nothing, whatever the provider would have answered.
 * - Starts are limited per client IP (SIGN_IN_STARTS per window), so nobody can fill the store with transactions.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Store } from '../core/ports.js';
import type { SignInChecks } from './oidc.js';

export const TRANSACTION_TTL_MS = 10 * 60 * 1000;
/** Sign-in starts allowed per client IP in SIGN_IN_WINDOW_MS. */
export const SIGN_IN_STARTS = 30;
const SIGN_IN_WINDOW_MS = 5 * 60 * 1000;

const KEY_RE = /^[A-Za-z0-9_-]{43}$/;

export interface SignInTransaction extends SignInChecks {
  createdAt: number;
}

const keyOf = (key: string) => `auth:${createHash('sha256').update(key, 'utf8').digest('base64url')}`;

export function isTransactionKey(v: unknown): v is string {
  return typeof v === 'string' && KEY_RE.test(v);
}

export interface TransactionStore {
  /** Saves the checks; returns the cookie value. */
  save(checks: SignInChecks, now: number): Promise<string>;
  /** Takes (reads and deletes) the transaction for a cookie value; null when unknown, malformed or used. */
  take(key: string | undefined | null): Promise<SignInTransaction | null>;
  /** Counts a sign-in start from `ip`: null when allowed, else the seconds to wait. */
  limit(ip: string, now: number): Promise<number | null>;
}

export function createTransactionStore(store: Store, rand: (n: number) => Uint8Array = (n) => new Uint8Array(randomBytes(n))): TransactionStore {
  return {
    async save(checks, now) {
      const key = Buffer.from(rand(32)).toString('base64url');
      const record: SignInTransaction = { state: checks.state, nonce: checks.nonce, codeVerifier: checks.codeVerifier, createdAt: now };
      await store.set(keyOf(key), record, TRANSACTION_TTL_MS);
      return key;
    },
    async take(key) {
      if (!isTransactionKey(key)) return null;
      return store.take<SignInTransaction>(keyOf(key));
    },
    async limit(ip, now) {
      const { count, resetAt } = await store.increment(`auth-starts:${ip.slice(0, 64)}`, SIGN_IN_WINDOW_MS);
      return count > SIGN_IN_STARTS ? Math.max(1, Math.ceil((resetAt - now) / 1000)) : null;
    },
  };
}
