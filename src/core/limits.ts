/**
 * Rate limits over the store's atomic fixed-window counters (RL-*, OOB-*, PUSH-1).
 * Rules: every attempt counts (also the refused ones, so hammering does not reset anything); the attempt that
 * goes over `max` and every later one in the window get RATE_LIMITED with retryAfterSeconds (≥ 1) until the
 * window ends. Keys: `rl:<bucket>:<subject>`; subjects that are personal data (phone numbers) are hashed.
 */
import { sha256 } from './crypto.js';
import { PortalError } from './errors.js';
import type { Clock, Store } from './ports.js';
import type { Window } from './recovery/policy.js';

export type LimitBucket = 'login' | 'ip' | 'dest' | 'sends' | 'push' | 'push-block' | 'ott-ip';

export class Limiter {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Counts one attempt; throws RATE_LIMITED when the window's budget is spent. */
  async hit(bucket: LimitBucket, subject: string, w: Window): Promise<void> {
    const { count, resetAt } = await this.store.increment(limitKey(bucket, subject), w.windowSeconds * 1000);
    if (count > w.max) {
      throw new PortalError('RATE_LIMITED', {
        retryAfterSeconds: Math.max(1, Math.ceil((resetAt - this.clock.now()) / 1000)),
        detail: `limit ${bucket} exceeded`,
      });
    }
  }

  /** Sets a block flag for `seconds` (e.g. pushes after a rejected push). */
  async block(bucket: LimitBucket, subject: string, seconds: number): Promise<void> {
    if (seconds > 0) await this.store.set(limitKey(bucket, subject), this.clock.now() + seconds * 1000, seconds * 1000);
  }

  /** Throws RATE_LIMITED while a block flag is set. */
  async checkBlock(bucket: LimitBucket, subject: string): Promise<void> {
    const until = await this.store.get<number>(limitKey(bucket, subject));
    const now = this.clock.now();
    if (until !== null && until > now) {
      throw new PortalError('RATE_LIMITED', {
        retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)),
        detail: `${bucket} block active`,
      });
    }
  }
}

export function limitKey(bucket: LimitBucket, subject: string): string {
  return `rl:${bucket}:${bucket === 'dest' ? sha256(subject) : subject}`;
}
