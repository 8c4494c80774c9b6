/**
 * KeyedMutex: serialises async work per key inside one process (here: per flow id), so two requests on the same
 * flow (double submit, a poll racing a click) cannot interleave their read-modify-write of the flow record.
 * Rules: FIFO per key; the map entry is removed when the queue drains; a failing task does not block the next.
 * Safety across several portal instances does not rest on this: wrong-code counts and ott redemption use the
 * store's atomic `increment` and `take`. Hand-written: ~15 lines, not worth a dependency.
 */
export class KeyedMutex {
  private readonly tails = new Map<string, Promise<void>>();

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => (release = r));
    const tail = prev.then(() => mine);
    this.tails.set(key, tail);
    await prev;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}
