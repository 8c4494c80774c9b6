/**
 * Production implementations of the Clock and Random ports (the only ones the core ships; tests use fakes).
 * Rules: Random uses node:crypto's CSPRNG (randomBytes, randomInt), never Math.random (OOB-4).
 * Clock.sleep uses an unref'd timer so a pending pad never keeps the process alive on shutdown.
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { Clock, Random } from './ports.js';

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) =>
    new Promise<void>((resolve) => {
      const t = setTimeout(resolve, Math.max(0, ms));
      t.unref();
    }),
};

export const cryptoRandom: Random = {
  bytes: (n) => new Uint8Array(randomBytes(n)),
  int: (maxExclusive) => randomInt(maxExclusive),
};
