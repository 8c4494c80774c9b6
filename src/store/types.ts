/**
 * What the composition root needs from a store beyond the core's Store port: its kind, a readiness probe and
 * a way to release it. The core never sees these (it only gets the Store port).
 * Rules: ping() never throws (false = not usable now); close() is idempotent and stops every timer/connection.
 */
import type { Store } from '../core/ports.js';

export const STORE_KINDS = ['memory', 'sqlite', 'redis'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export interface ManagedStore extends Store {
  readonly kind: StoreKind;
  /** True when the store answers now (readiness). Never throws. */
  ping(): Promise<boolean>;
  /** Stops timers and closes files/connections. Safe to call twice. */
  close(): Promise<void>;
}
