/**
 * TimingEqualizer: makes decoy paths (unknown or ineligible users, users without the chosen method) take about as
 * long as the real IdP work they skip (RST-2).
 * Rules:
 * - `measure(key, fn)` runs real IdP work and folds its duration (success or failure) into an EWMA per key.
 * - `pad(key)` sleeps on the injected clock for about that EWMA, with ±jitter (from the Random port), capped.
 * - Before the first real sample a key uses `initialMs`.
 * - `observe`/`typical` keep an EWMA of other observed quantities (e.g. a real push's lifetime) so decoys can
 *   mimic them too.
 * Hand-written: a dozen lines of arithmetic, no library covers "pad to the observed latency".
 */
import type { Clock, Random } from './ports.js';

export interface TimingOptions {
  /** Weight of a new sample (0..1]. */
  alpha?: number;
  /** Estimate used before the first real sample of a key. */
  initialMs?: number;
  /** Upper bound of a single pad. */
  capMs?: number;
  /** Relative jitter, e.g. 0.1 = ±10 %. */
  jitter?: number;
}

export class TimingEqualizer {
  private readonly averages = new Map<string, number>();
  private readonly alpha: number;
  private readonly initialMs: number;
  private readonly capMs: number;
  private readonly jitter: number;

  constructor(
    private readonly clock: Clock,
    private readonly random: Random,
    opts: TimingOptions = {},
  ) {
    this.alpha = opts.alpha ?? 0.2;
    this.initialMs = opts.initialMs ?? 150;
    this.capMs = opts.capMs ?? 2000;
    this.jitter = opts.jitter ?? 0.1;
  }

  /** Runs real work and learns how long it took. */
  async measure<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const t0 = this.clock.now();
    try {
      return await fn();
    } finally {
      this.observe(key, Math.max(0, this.clock.now() - t0));
    }
  }

  /** Sleeps about as long as the real work for `key` usually takes. */
  async pad(key: string): Promise<void> {
    const base = Math.min(this.estimate(key), this.capMs);
    // Uniform factor in [1 - jitter, 1 + jitter] at 0.1 % resolution.
    const f = 1 + this.jitter * ((this.random.int(2001) - 1000) / 1000);
    const ms = Math.round(Math.min(this.capMs, Math.max(0, base * f)));
    if (ms > 0) await this.clock.sleep(ms);
  }

  /** Current estimate for a key (ms). */
  estimate(key: string): number {
    return this.averages.get(key) ?? this.initialMs;
  }

  observe(key: string, value: number): void {
    const prev = this.averages.get(key);
    this.averages.set(key, prev === undefined ? value : prev + this.alpha * (value - prev));
  }

  /** EWMA of an observed quantity, or `fallback` before the first observation. */
  typical(key: string, fallback: number): number {
    return this.averages.get(key) ?? fallback;
  }
}
