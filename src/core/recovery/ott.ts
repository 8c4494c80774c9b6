/**
 * The one-time token that opens the change-password step (OTT-1..5).
 * Rules: 32 random bytes (base64url, 43 chars) from the Random port; only sha256(ott) is stored: in the flow
 * (binding it to the flow) and as `ott:<hash>` → { flowId } with TTL until the ott window ends.
 * - The ott window: ottTtlSeconds from verification (the flow's first ott sets `verifiedAt`), never past the flow's
 *   expiry. A reissued ott (status of a verified flow) gets only what is left of that window, not a fresh lifetime;
 *   once the window is over no ott is issued any more (issue 11, item 13).
 * - Both layers hold on their own: redemption checks the record's expiry (flow.ottExpiresAt) even when the store
 *   key is still alive, and needs the store key (atomic take) even when the record says the ott is current.
 * Issuing a new ott deletes the previous key, so only the latest works: issueOtt returns those two writes and the
 * caller stores them together with the flow (FlowRepo.save, one round trip). Redemption is `store.take` (atomic:
 * of two concurrent redemptions exactly one wins).
 */
import { randomToken, safeEqual, sha256 } from '../crypto.js';
import type { StoreWrite } from '../ports.js';
import type { StepEnv } from './env.js';
import { ottKey, type FlowRecord } from './flow.js';

export interface OttEntry {
  flowId: string;
}

const OTT_RE = /^[A-Za-z0-9_-]{43}$/;

export interface IssuedOtt {
  ott: string;
  expiresAt: number;
  /** Delete the previous ott's key (if any), store the new one: pass to `env.flows.save(flow, writes)`. */
  writes: StoreWrite[];
}

/** When the flow's ott window ends (epoch ms): ottTtlSeconds after verification, at the latest the flow's expiry. */
export function ottWindowEnd(env: StepEnv, flow: FlowRecord): number {
  const verifiedAt = flow.verifiedAt ?? env.clock.now();
  return Math.min(verifiedAt + env.policy.ottTtlSeconds * 1000, flow.expiresAt);
}

/** Whether the flow's ott window is over (a verified flow then issues no ott any more). */
export function ottWindowOver(env: StepEnv, flow: FlowRecord): boolean {
  return env.clock.now() >= ottWindowEnd(env, flow);
}

/**
 * Issues a fresh ott for `flow` (mutates the flow; the caller saves it together with `writes`). The first one marks
 * the verification; the caller checks ottWindowOver before reissuing.
 */
export function issueOtt(env: StepEnv, flow: FlowRecord): IssuedOtt {
  const now = env.clock.now();
  const writes: StoreWrite[] = [];
  if (flow.ottHash) writes.push({ key: ottKey(flow.ottHash), value: null, ttlMs: 0 });
  const ott = randomToken(env.random, 32);
  const hash = sha256(ott);
  const expiresAt = ottWindowEnd(env, flow);
  flow.verifiedAt ??= now;
  writes.push({ key: ottKey(hash), value: { flowId: flow.id } satisfies OttEntry, ttlMs: expiresAt - now });
  flow.ottHash = hash;
  flow.ottExpiresAt = expiresAt;
  return { ott, expiresAt, writes };
}

/**
 * Redeems `ott` for `flow`: true when it is this flow's current, unexpired ott and this call won the take.
 * Constant-time comparison against the flow's hash first, so another flow's ott is refused without consuming it.
 */
export async function redeemOtt(env: StepEnv, flow: FlowRecord, ott: unknown): Promise<boolean> {
  if (typeof ott !== 'string' || !OTT_RE.test(ott) || !flow.ottHash) return false;
  const hash = sha256(ott);
  if (!safeEqual(hash, flow.ottHash)) return false;
  if (env.clock.now() >= (flow.ottExpiresAt ?? 0)) return false; // no recorded expiry: expired
  const entry = await env.store.take<OttEntry>(ottKey(hash));
  return entry !== null && entry.flowId === flow.id;
}

/** Puts a redeemed ott back for its remaining lifetime (after a policy failure the user may try another password). */
export async function restoreOtt(env: StepEnv, flow: FlowRecord): Promise<void> {
  const remaining = (flow.ottExpiresAt ?? 0) - env.clock.now();
  if (flow.ottHash && remaining > 0) {
    await env.store.set<OttEntry>(ottKey(flow.ottHash), { flowId: flow.id }, remaining);
  }
}
