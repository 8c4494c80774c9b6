// Fixed-window rate limiting in virtual time, one counter per bucket. Rules: a request falls in the first seed rule
// whose path glob (and method, if given) matches, else in the default bucket of its route template + method; a
// window starts at the bucket's first request (not aligned to the minute, as in Okta) and lasts windowSeconds;
// past the limit the caller answers 429 E0000047 with Remaining 0 and the window's reset (epoch seconds).
import { compileGlob } from './glob.js';
import type { RateLimitRule } from './seed/schema.js';

export interface RateDecision {
  limit: number;
  remaining: number;
  /** Epoch seconds when the window resets. */
  reset: number;
  allowed: boolean;
}

interface Window {
  start: number;
  count: number;
}

export class RateLimiter {
  private windows = new Map<string, Window>();
  private readonly rules: { rule: RateLimitRule; re: RegExp }[];

  constructor(
    rules: RateLimitRule[],
    private readonly fallback: { limit: number; windowSeconds: number },
  ) {
    this.rules = rules.map((rule) => ({ rule, re: compileGlob(rule.path) }));
  }

  private bucketFor(method: string, path: string, routeKey: string): { key: string; limit: number; windowSeconds: number } {
    const idx = this.rules.findIndex(({ rule, re }) => (!rule.method || rule.method === method) && re.test(path));
    const hit = this.rules[idx];
    if (hit) return { key: `rule:${idx}`, limit: hit.rule.limit, windowSeconds: hit.rule.windowSeconds };
    return { key: `route:${method} ${routeKey}`, ...this.fallback };
  }

  /** Counts one request and says whether it is within the limit. */
  take(method: string, path: string, routeKey: string, nowMs: number): RateDecision {
    const b = this.bucketFor(method, path, routeKey);
    let w = this.windows.get(b.key);
    if (!w || nowMs >= w.start + b.windowSeconds * 1000) {
      w = { start: nowMs, count: 0 };
      this.windows.set(b.key, w);
    }
    w.count++;
    const reset = Math.ceil((w.start + b.windowSeconds * 1000) / 1000);
    return { limit: b.limit, remaining: Math.max(0, b.limit - w.count), reset, allowed: w.count <= b.limit };
  }

  /** Headers for paths that are never limited (control API, phone page). */
  peek(nowMs: number): RateDecision {
    return {
      limit: this.fallback.limit,
      remaining: this.fallback.limit,
      reset: Math.ceil(nowMs / 1000) + this.fallback.windowSeconds,
      allowed: true,
    };
  }

  clear(): void {
    this.windows.clear();
  }
}
