/**
 * MemoryStore: the Store port in process memory (tests, single-instance development).
 * Rules:
 * - Objects are kept as their JSON text and parsed on the way out, exactly as the serialising stores (SQLite,
 *   Redis) do: mutating a returned object changes nothing stored, and a value that does not survive JSON behaves
 *   the same on every backend. A string is one compact heap object, where a structuredClone'd flow record was
 *   dozens (about 1.6 KB and GC tracing work per flow kept for its 15 minutes). Numbers, booleans, null and strings
 *   are kept as they are (immutable).
 * - Expiry uses the injected Clock: lazy on every access, plus an optional periodic sweep on an unref'd timer
 *   (never keeps the process alive). `close()` stops the sweep and drops everything.
 * - take and increment are atomic because each runs synchronously between awaits (one JS thread).
 * - increment: a fixed window that starts at the first increment and resets once it has passed.
 * Not for several portal instances: use the SQLite or Redis store there.
 */
import type { Clock, CounterHit, CounterValue, StoreWrite } from '../core/ports.js';
import type { ManagedStore } from './types.js';

interface Entry {
  /** The value itself (primitives), or its JSON text when `json`. */
  value: unknown;
  json: boolean;
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
    return e ? (read(e) as T) : null;
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    this.write(key, value, ttlMs);
  }

  async setEach(writes: readonly StoreWrite[]): Promise<void> {
    for (const w of writes) this.write(w.key, w.value, w.ttlMs);
  }

  async delete(key: string): Promise<void> {
    this.entries.delete(key);
  }

  async take<T>(key: string): Promise<T | null> {
    const e = this.live(key);
    if (!e) return null;
    this.entries.delete(key);
    return read(e) as T;
  }

  async increment(key: string, windowMs: number): Promise<CounterValue> {
    return this.incrementNow(key, windowMs);
  }

  async incrementEach(hits: readonly CounterHit[]): Promise<CounterValue[]> {
    const out: CounterValue[] = [];
    for (const h of hits) {
      const r = this.incrementNow(h.key, h.windowMs);
      out.push(r);
      if (h.max !== undefined && r.count > h.max) break;
    }
    return out;
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
    return Object.fromEntries([...this.entries].map(([k, e]) => [k, read(e)]));
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

  private write(key: string, value: unknown, ttlMs: number): void {
    const json = !(typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)));
    const stored: unknown = !(ttlMs > 0) ? undefined : json ? JSON.stringify(value) : value;
    if (stored === undefined) {
      this.entries.delete(key); // as SQLite and Redis: nothing to store
      return;
    }
    this.entries.set(key, { value: stored, json, expiresAt: this.clock.now() + ttlMs });
  }

  private incrementNow(key: string, windowMs: number): CounterValue {
    const e = this.live(key);
    if (e && typeof e.value === 'number') {
      e.value += 1;
      return { count: e.value, resetAt: e.expiresAt };
    }
    const resetAt = this.clock.now() + Math.max(1, windowMs);
    this.entries.set(key, { value: 1, json: false, expiresAt: resetAt });
    return { count: 1, resetAt };
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

function read(e: Entry): unknown {
  return e.json ? JSON.parse(e.value as string) : e.value;
}
