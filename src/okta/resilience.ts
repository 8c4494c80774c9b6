/**
 * Protection around every Okta call (REL-4, REL-9, OKTA-1 / REL-3 "honour X-Rate-Limit-Reset"):
 * - Rate-limit gate: after Okta answered 429 with `X-Rate-Limit-Remaining: 0` (a spent rate-limit bucket, not a
 *   per-phone resend refusal), no call to the same bucket (see BUCKETS: Okta counts per endpoint) leaves the portal
 *   before `X-Rate-Limit-Reset`; callers get RATE_LIMITED with the remaining wait at once.
 * - Circuit breaker: `breakerFailures` consecutive failures (timeouts, network errors, 5xx; never a 4xx answer,
 *   which proves Okta is alive, and never an exception of the portal's own, such as a request that could not be
 *   built from a client's input: client input must not move shared state) open it; while open every call fails fast with IDP_UNAVAILABLE; after
 *   `breakerCooldownMs` one probe call goes through (half-open): its success closes the circuit, its failure opens
 *   it again for another cool-down.
 * - Concurrency cap: at most `maxConcurrency` calls in flight; up to `maxQueue` more wait in FIFO order within the
 *   caller's deadline (the same one that bounds the call); beyond that, IDP_UNAVAILABLE at once (load shedding).
 *   A slot is held until the HTTP work really ends (aborted at the deadline at the latest), not just until the caller
 *   stops waiting, so abandoned requests still count against Okta's concurrency.
 *   A call that gets its slot after `latestStart` (too little of its deadline left) is not sent at all: a request
 *   abandoned midway would be wasted, and for a password write its outcome would be unknown.
 * - Rate-limit reserve: every answer's X-Rate-Limit-Limit / -Remaining / -Reset is noted per bucket; when a bucket
 *   a recovery needs is below `rateLimitReserve` of its limit (before its reset), admitNewFlow refuses NEW flows
 *   with RATE_LIMITED until the reset, so flows under way and the org's other Okta apps keep the last calls.
 * Hand-written rather than opossum: opossum trips on an error percentage over a rolling window and brings its own
 * timeouts, fallbacks and event bus; the rules above (N consecutive failures, Okta-specific classification, one
 * probe) are about 150 lines and need none of that.
 * Messages and details never carry a URL, header, token or body.
 */
import { PortalError } from '../core/errors.js';
import type { OktaOp } from './errors.js';

export type CircuitState = 'closed' | 'open' | 'half-open';

/** Okta rate-limit buckets by operation (Okta limits per endpoint; the three verify calls share one). */
export const BUCKETS: Readonly<Record<OktaOp, string>> = {
  getUser: 'GET /api/v1/users/{id}',
  listUsers: 'GET /api/v1/users',
  listFactors: 'GET /api/v1/users/{id}/factors',
  listGroups: 'GET /api/v1/users/{id}/groups',
  sendChallenge: 'POST /api/v1/users/{id}/factors/{id}/verify',
  verifyPasscode: 'POST /api/v1/users/{id}/factors/{id}/verify',
  startPush: 'POST /api/v1/users/{id}/factors/{id}/verify',
  pollPush: 'GET /api/v1/users/{id}/factors/{id}/transactions/{id}',
  setPassword: 'POST /api/v1/users/{id}',
  unlockUser: 'POST /api/v1/users/{id}/lifecycle/unlock',
  revokeSessions: 'DELETE /api/v1/users/{id}/sessions',
  suspendUser: 'POST /api/v1/users/{id}/lifecycle/suspend',
  getFactor: 'GET /api/v1/users/{id}/factors/{id}',
  enrollFactor: 'POST /api/v1/users/{id}/factors',
  activateFactor: 'POST /api/v1/users/{id}/factors/{id}/lifecycle/activate',
  resendEnrollment: 'POST /api/v1/users/{id}/factors/{id}/resend',
  unenrollFactor: 'DELETE /api/v1/users/{id}/factors/{id}',
  fetchQrCode: 'GET /api/v1/users/{id}/factors/{id}/qr/{token}',
  changePassword: 'POST /api/v1/users/{id}/credentials/change_password',
  cancelPush: 'DELETE /api/v1/users/{id}/factors/{id}/transactions/{id}',
  listPasswordPolicies: 'GET /api/v1/policies',
};

export type RejectReason = 'rate-limited' | 'circuit-open' | 'queue-full' | 'queue-timeout';

/** The operations of one password recovery: a new flow needs room in each of their buckets. */
export const RECOVERY_OPS: readonly OktaOp[] = [
  'getUser',
  'listUsers',
  'listFactors',
  'listGroups',
  'sendChallenge',
  'verifyPasscode',
  'startPush',
  'pollPush',
  'setPassword',
];

/** What Okta's X-Rate-Limit-* headers said about one bucket in its latest answer. */
export interface RateLimitObservation {
  limit: number;
  remaining: number;
  /** Milliseconds until X-Rate-Limit-Reset, measured against the answer's Date header. */
  resetInMs: number;
}

export interface BucketState {
  bucket: string;
  limit: number;
  remaining: number;
  /** Epoch ms (the portal's clock). */
  resetAt: number;
}

export interface ResilienceOptions {
  /** Consecutive failures that open the circuit. */
  breakerFailures: number;
  /** How long the circuit stays open before one probe is let through (ms). */
  breakerCooldownMs: number;
  /** Okta calls in flight at most. */
  maxConcurrency: number;
  /** Calls that may wait for a free slot; 0 = none wait. */
  maxQueue: number;
  /** Epoch ms; injectable for tests. */
  now?: () => number;
  onCircuitChange?: (from: CircuitState, to: CircuitState) => void;
  onReject?: (op: OktaOp, reason: RejectReason) => void;
  /**
   * Share of a bucket kept for flows already under way and the org's other Okta apps (0..0.9; 0 = none): when a
   * bucket a recovery needs has fewer calls left than this share of its limit, admitNewFlow refuses.
   */
  rateLimitReserve?: number;
  /** A new flow was refused because `bucket` is down to its reserve. */
  onReserveRefusal?: (bucket: string) => void;
}

/** How a call that reached Okta (or tried to) ended, for the breaker and the gate. */
export type CallOutcome =
  | { kind: 'answered' } // any HTTP answer below 500 (Okta is alive)
  | { kind: 'failed' } // timeout, network error, 5xx
  | { kind: 'rate-limited'; retryAfterSeconds: number } // 429 with the bucket spent
  | { kind: 'not-sent' }; // gave up before sending (deadline while queued), or failed in the portal itself

export interface Permit {
  /** Tells the breaker and the gate how the call ended (the first report counts). */
  record(outcome: CallOutcome): void;
  /** Frees the slot: when the HTTP work has really ended, which can be after the caller gave up on it. */
  release(): void;
  /** record + release. */
  settle(outcome: CallOutcome): void;
}

export interface OktaResilience {
  circuit(): CircuitState;
  inFlight(): number;
  queued(): number;
  /**
   * Admits one call to `op` or throws a PortalError (RATE_LIMITED, or IDP_UNAVAILABLE for an open circuit or a
   * full queue). Waits for a slot at most until `deadline` rejects; a slot obtained after `latestStart`
   * (performance.now() time) is given back and the call refused.
   */
  enter(op: OktaOp, deadline: Promise<never>, latestStart?: number): Promise<Permit>;
  /** Notes what an Okta answer's X-Rate-Limit-* headers said about `op`'s bucket. */
  observeRateLimit(op: OktaOp, seen: RateLimitObservation): void;
  /**
   * Throws RATE_LIMITED (Retry-After until the bucket's reset) when a bucket of `ops` is below the reserve: the
   * first Okta call of a NEW flow asks this, so the org's last calls go to flows under way and other apps.
   */
  admitNewFlow(ops?: readonly OktaOp[]): void;
  /** The latest state of every bucket seen (for the metrics). */
  buckets(): BucketState[];
}

interface Waiter {
  resolve(): void;
}

export function createOktaResilience(opts: ResilienceOptions): OktaResilience {
  for (const [name, v, min] of [
    ['breakerFailures', opts.breakerFailures, 1],
    ['breakerCooldownMs', opts.breakerCooldownMs, 1],
    ['maxConcurrency', opts.maxConcurrency, 1],
    ['maxQueue', opts.maxQueue, 0],
  ] as const) {
    if (!Number.isInteger(v) || v < min) throw new Error(`${name} must be an integer >= ${min}`);
  }
  const reserve = opts.rateLimitReserve ?? 0;
  if (!(reserve >= 0 && reserve <= 0.9)) throw new Error('rateLimitReserve must be between 0 and 0.9');
  const now = opts.now ?? Date.now;

  // Rate-limit gate: bucket → epoch ms before which nothing is sent.
  const blockedUntil = new Map<string, number>();
  // Rate-limit reserve: bucket → what its latest answer said.
  const seenBuckets = new Map<string, BucketState>();

  // Breaker.
  let state: 'closed' | 'open' = 'closed';
  let failures = 0;
  let openedAt = 0;
  let probing = false;
  let reported: CircuitState = 'closed';

  // Bulkhead.
  let active = 0;
  const waiting: Waiter[] = [];

  function circuit(): CircuitState {
    if (state === 'closed') return 'closed';
    return now() - openedAt >= opts.breakerCooldownMs ? 'half-open' : 'open';
  }

  function report(): void {
    const current = circuit();
    if (current !== reported) {
      const from = reported;
      reported = current;
      opts.onCircuitChange?.(from, current);
    }
  }

  function reject(op: OktaOp, reason: RejectReason, error: PortalError): never {
    opts.onReject?.(op, reason);
    throw error;
  }

  function release(): void {
    const next = waiting.shift();
    if (next) next.resolve(); // the slot passes straight to the next waiter
    else active--;
  }

  function record(op: OktaOp, outcome: CallOutcome, wasProbe: boolean): void {
    if (outcome.kind === 'rate-limited') {
      const until = now() + outcome.retryAfterSeconds * 1000;
      const bucket = BUCKETS[op];
      if (until > (blockedUntil.get(bucket) ?? 0)) blockedUntil.set(bucket, until);
    }
    if (wasProbe) probing = false;
    if (outcome.kind === 'failed') {
      failures++;
      if (wasProbe || (state === 'closed' && failures >= opts.breakerFailures)) {
        state = 'open';
        openedAt = now();
      }
    } else if (outcome.kind === 'answered' || outcome.kind === 'rate-limited') {
      failures = 0;
      state = 'closed';
    }
    report();
  }

  async function enter(op: OktaOp, deadline: Promise<never>, latestStart?: number): Promise<Permit> {
    const until = blockedUntil.get(BUCKETS[op]);
    if (until !== undefined) {
      const waitMs = until - now();
      if (waitMs > 0) {
        reject(op, 'rate-limited', new PortalError('RATE_LIMITED', {
          detail: `okta ${op}: rate limit spent, not calling before X-Rate-Limit-Reset`,
          retryAfterSeconds: Math.ceil(waitMs / 1000),
        }));
      }
      blockedUntil.delete(BUCKETS[op]);
    }

    report();
    const c = circuit();
    let isProbe = false;
    if (c === 'open' || (c === 'half-open' && probing)) {
      reject(op, 'circuit-open', new PortalError('IDP_UNAVAILABLE', {
        detail: `okta ${op}: circuit open, not calling`,
        retryAfterSeconds: Math.max(1, Math.ceil((openedAt + opts.breakerCooldownMs - now()) / 1000)),
      }));
    }
    if (c === 'half-open') {
      probing = true;
      isProbe = true;
    }

    try {
      if (active < opts.maxConcurrency) {
        active++;
      } else if (waiting.length >= opts.maxQueue) {
        reject(op, 'queue-full', new PortalError('IDP_UNAVAILABLE', {
          detail: `okta ${op}: ${active} calls in flight and ${waiting.length} waiting; shed`,
        }));
      } else {
        let waiter!: Waiter;
        const slot = new Promise<void>((resolve) => {
          waiter = { resolve };
          waiting.push(waiter);
        });
        try {
          await Promise.race([slot, deadline]);
        } catch (e) {
          const i = waiting.indexOf(waiter);
          if (i >= 0) waiting.splice(i, 1);
          else release(); // the slot was handed over just as the deadline fired: pass it on
          opts.onReject?.(op, 'queue-timeout');
          throw e;
        }
        if (latestStart !== undefined && performance.now() > latestStart) {
          release();
          reject(op, 'queue-timeout', new PortalError('IDP_UNAVAILABLE', {
            detail: `okta ${op}: waited too long for a free slot (${opts.maxConcurrency} in flight); not sent`,
          }));
        }
      }
    } catch (e) {
      if (isProbe) probing = false;
      throw e;
    }

    let recorded = false;
    let released = false;
    const permit: Permit = {
      record(outcome) {
        if (recorded) return;
        recorded = true;
        if (outcome.kind === 'not-sent') {
          if (isProbe) probing = false;
          return;
        }
        record(op, outcome, isProbe);
      },
      release() {
        if (released) return;
        released = true;
        release();
      },
      settle(outcome) {
        permit.record(outcome);
        permit.release();
      },
    };
    return permit;
  }

  function observeRateLimit(op: OktaOp, seen: RateLimitObservation): void {
    const { limit, remaining, resetInMs } = seen;
    if (![limit, remaining, resetInMs].every(Number.isFinite) || limit <= 0 || remaining < 0) return;
    const bucket = BUCKETS[op];
    const resetAt = now() + Math.max(0, resetInMs);
    const prev = seenBuckets.get(bucket);
    // Answers can arrive out of order: within one window the smaller remaining is the later state.
    if (prev && prev.resetAt > now() && Math.abs(prev.resetAt - resetAt) < 1000 && prev.remaining < remaining) return;
    seenBuckets.set(bucket, { bucket, limit, remaining, resetAt });
  }

  function admitNewFlow(ops: readonly OktaOp[] = RECOVERY_OPS): void {
    if (reserve === 0) return;
    const t = now();
    for (const bucket of new Set(ops.map((op) => BUCKETS[op]))) {
      const b = seenBuckets.get(bucket);
      if (!b || b.resetAt <= t) continue; // never seen, or its window has reset since
      if (b.remaining < Math.ceil(b.limit * reserve)) {
        opts.onReserveRefusal?.(bucket);
        throw new PortalError('RATE_LIMITED', {
          detail: `okta ${bucket}: ${b.remaining} of ${b.limit} calls left, below the reserve; no new flow before X-Rate-Limit-Reset`,
          retryAfterSeconds: Math.max(1, Math.ceil((b.resetAt - t) / 1000)),
        });
      }
    }
  }

  return {
    circuit: () => {
      report();
      return circuit();
    },
    inFlight: () => active,
    queued: () => waiting.length,
    enter,
    observeRateLimit,
    admitNewFlow,
    buckets: () => [...seenBuckets.values()].map((b) => ({ ...b })),
  };
}
