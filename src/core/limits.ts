/**
 * Rate limits over the store's atomic fixed-window counters (RL-*, OOB-*, PUSH-1).
 * Rules: every attempt counts (also the refused ones, so hammering does not reset anything); the attempt that
 * goes over `max` and every later one in the window get RATE_LIMITED with retryAfterSeconds (≥ 1) until the
 * window ends. Keys: `rl:<bucket>:<subject>`; subjects that are personal data (phone numbers) are hashed.
 */
import { sha256 } from './crypto.js';
import { PortalError } from './errors.js';
import type { Clock, CounterHit, CounterValue, Store } from './ports.js';
import type { Window } from './recovery/policy.js';

export type LimitBucket = 'login' | 'ip' | 'dest' | 'sends' | 'push' | 'push-block' | 'ott-ip';

/** One attempt to count against a limit. */
export interface LimitHit {
  bucket: LimitBucket;
  subject: string;
  w: Window;
}

/** A plain counter (not a limit) counted after the limits, in the same round trip: e.g. a flow's code attempts. */
export interface CounterAfter {
  key: string;
  windowMs: number;
}

export class Limiter {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  /** Counts one attempt; throws RATE_LIMITED when the window's budget is spent. */
  async hit(bucket: LimitBucket, subject: string, w: Window): Promise<void> {
    await this.hitEach([{ bucket, subject, w }]);
  }

  /**
   * Counts one attempt against each limit in order, in one store round trip, exactly as `hit` one after the other
   * would: the first limit whose budget is spent throws RATE_LIMITED and the limits after it are not counted.
   * `after` is counted last, only when no limit refused; its value is returned (null without `after`).
   */
  async hitEach(limits: readonly LimitHit[], after?: CounterAfter): Promise<CounterValue | null> {
    const hits: CounterHit[] = limits.map((l) => ({ key: limitKey(l.bucket, l.subject), windowMs: l.w.windowSeconds * 1000, max: l.w.max }));
    if (after) hits.push({ key: after.key, windowMs: after.windowMs });
    const counted = await this.store.incrementEach(hits);
    for (const [i, l] of limits.entries()) {
      const r = counted[i];
      if (r === undefined) break; // not reached: the store stops only after a refusal, which throws below
      if (r.count > l.w.max) {
        throw new PortalError('RATE_LIMITED', {
          retryAfterSeconds: Math.max(1, Math.ceil((r.resetAt - this.clock.now()) / 1000)),
          detail: `limit ${l.bucket} exceeded`,
        });
      }
    }
    return after ? (counted[limits.length] ?? null) : null;
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
