/**
 * Rate limits over the store's atomic fixed-window counters (RL-*, OOB-*, PUSH-1).
 * Rules: every attempt counts (also the refused ones, so hammering does not reset anything); the attempt that
 * goes over `max` and every later one in the window get RATE_LIMITED with retryAfterSeconds (≥ 1) until the
 * window ends. Keys: `rl:<bucket>:<subject>`; subjects that are personal data (phone numbers) are hashed.
 * Refundable counters (a flow's code attempts, a user's wrong codes at the IdP): an attempt is taken before the IdP is
 * asked (so parallel attempts cannot pass a cap) and given back when the IdP did not judge it; refunds are a second
 * counter `<key>:refund:<resetAt>`, bound to the counter's window so they never outlive it.
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
  /** Stop counting the counters after this one when its count goes over max. */
  max?: number;
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
   * `after` is counted last, in order, only when no limit refused; their values are returned (fewer when one went
   * over its own `max`).
   */
  async hitEach(limits: readonly LimitHit[], after: readonly CounterAfter[] = []): Promise<CounterValue[]> {
    const hits: CounterHit[] = [
      ...limits.map((l) => ({ key: limitKey(l.bucket, l.subject), windowMs: l.w.windowSeconds * 1000, max: l.w.max })),
      ...after,
    ];
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
    return counted.slice(limits.length);
  }

  /** The counter's count net of its refunds (reads the refunds only when `atLeast` is reached: the usual case costs nothing). */
  async netCount(key: string, value: CounterValue, atLeast: number): Promise<number> {
    if (value.count < atLeast) return value.count;
    const refunds = await this.store.get<number>(refundKey(key, value));
    return value.count - (typeof refunds === 'number' ? refunds : 0);
  }

  /** Gives back one attempt taken from a refundable counter (its window ends with the counter's). */
  async refund(key: string, value: CounterValue): Promise<void> {
    await this.store.increment(refundKey(key, value), Math.max(1, value.resetAt - this.clock.now()));
  }

  /** Sets a block flag for `seconds` (e.g. pushes after a rejected push). */
  async block(bucket: LimitBucket, subject: string, seconds: number): Promise<void> {
    if (seconds > 0) await this.store.set(limitKey(bucket, subject), this.clock.now() + seconds * 1000, seconds * 1000);
  }

  /** Throws RATE_LIMITED while a block flag is set. */
  async checkBlock(bucket: LimitBucket, subject: string): Promise<void> {
    const until = (await this.store.get<number>(limitKey(bucket, subject))) ?? 0; // none: not blocked
    const now = this.clock.now();
    if (until > now) {
      throw new PortalError('RATE_LIMITED', {
        retryAfterSeconds: Math.max(1, Math.ceil((until - now) / 1000)),
        detail: `${bucket} block active`,
      });
    }
  }
}

export function refundKey(key: string, value: CounterValue): string {
  return `${key}:refund:${value.resetAt}`;
}

export function limitKey(bucket: LimitBucket, subject: string): string {
  return `rl:${bucket}:${bucket === 'dest' ? sha256(subject) : subject}`;
}
