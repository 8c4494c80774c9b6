// The emulator's single virtual clock. Rules: now = startTime + advanced offset + real time elapsed since start,
// so time keeps flowing normally but tests can jump forward. Every expiry, cooldown, TOTP step, rate-limit window
// and timestamp in a response reads this clock; nothing else in the emulator calls Date.now() for org time.

export class Clock {
  private readonly realStart: number;
  private offsetMs = 0;

  constructor(
    private readonly startTime: number = Date.now(),
    private readonly realNow: () => number = () => Date.now(),
  ) {
    this.realStart = this.realNow();
  }

  /** Current virtual time, epoch milliseconds. */
  now(): number {
    return this.startTime + this.offsetMs + (this.realNow() - this.realStart);
  }

  /** Moves virtual time forward (never backwards). */
  advance(seconds: number): number {
    if (!Number.isFinite(seconds) || seconds < 0) throw new RangeError('advanceSeconds must be a finite number >= 0');
    this.offsetMs += seconds * 1000;
    return this.now();
  }

  /** Drops every advance made so far (used by the control API's reset). */
  resetOffset(): void {
    this.offsetMs = 0;
  }

  iso(ms: number = this.now()): string {
    return new Date(ms).toISOString();
  }
}
