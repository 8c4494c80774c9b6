/**
 * MemoryStore: the Store port in process memory (tests, single-instance development).
 * Rules:
 * - Values are deep-copied on the way in and out (structuredClone), so callers see the same semantics as a
 *   serialising store (SQLite, Redis): mutating a returned object changes nothing stored.
 * - Expiry uses the injected Clock: lazy on every access, plus an optional periodic sweep on an unref'd timer
 *   (never keeps the process alive). `close()` stops the sweep and drops everything.
 * - take and increment are atomic because each runs synchronously between awaits (one JS thread).
 * - increment: a fixed window that starts at the first increment and resets once it has passed.
 * Not for several portal instances: use the SQLite or Redis store there.
 */
import type { Clock } from '../core/ports.js';
import type { ManagedStore } from './types.js';

interface Entry {
  value: unknown;
  expiresAt: number;
}

export interface MemoryStoreOptions {
  /** Sweep expired entries this often (ms); 0 or absent = lazy expiry only. */
  sweepIntervalMs?: number;
}

export class MemoryStore implements ManagedStore {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, Entry>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(
    private readonly clock: Clock,
    opts: MemoryStoreOptions = {},
  ) {
    if (opts.sweepIntervalMs && opts.sweepIntervalMs > 0) {
      this.timer = setInterval(() => this.sweep(), opts.sweepIntervalMs);
      this.timer.unref();
    }
  }

  async get<T>(key: string): Promise<T | null> {
    const e = this.live(key);
    return e ? (structuredClone(e.value) as T) : null;
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    if (!(ttlMs > 0)) {
      this.entries.delete(key);
      return;
    }
    this.entries.set(key, { value: structuredClone(value), expiresAt: this.clock.now() + ttlMs });
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async take<T>(key: string): Promise<T | null> {
    const e = this.live(key);
    if (!e) return null;
    this.entries.delete(key);
    return e.value as T;
  }

  async increment(key: string, windowMs: number): Promise<{ count: number; resetAt: number }> {
    const e = this.live(key);
    if (e && typeof e.value === 'number') {
      e.value += 1;
      return { count: e.value, resetAt: e.expiresAt };
    }
    const resetAt = this.clock.now() + Math.max(1, windowMs);
    this.entries.set(key, { value: 1, expiresAt: resetAt });
    return { count: 1, resetAt };
  }

  /** Removes every expired entry now. */
  sweep(): void {
    const now = this.clock.now();
    for (const [k, e] of this.entries) if (e.expiresAt <= now) this.entries.delete(k);
  }

  /** Live entries (for tests and metrics). */
  size(): number {
    this.sweep();
    return this.entries.size;
  }

  /** Live keys (for tests: e.g. proving no plaintext secret is stored). */
  keys(): string[] {
    this.sweep();
    return [...this.entries.keys()];
  }

  /** Every live key and value (for tests: proving no plaintext secret is stored). */
  dump(): Record<string, unknown> {
    this.sweep();
    return Object.fromEntries([...this.entries].map(([k, e]) => [k, structuredClone(e.value)]));
  }

  async ping(): Promise<boolean> {
    return !this.closed;
  }

  /** Stops the sweep and drops everything (synchronously, before the returned promise settles). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.closed = true;
    this.entries.clear();
  }

  private live(key: string): Entry | null {
    const e = this.entries.get(key);
    if (!e) return null;
    if (e.expiresAt <= this.clock.now()) {
      this.entries.delete(key);
      return null;
    }
    return e;
  }
}
