/**
 * The flow record and its repository.
 * Rules:
 * - One record per flow under `flow:<id>`, expiring with the flow (flowTtlSeconds from start; never extended).
 * - It holds the only copy of Okta ids, transaction ids, the user's status and phone numbers: nothing in it goes
 *   to the browser except through the api.ts result types.
 * - `userId === null` marks a decoy flow (unknown or ineligible login); it can never reach `verified`.
 * - Loading checks the handle's secret in constant time; a missing record, a wrong secret, a malformed handle and
 *   a flow past `expiresAt` all answer FLOW_EXPIRED (indistinguishable, nothing to probe).
 */
import { PortalError } from '../errors.js';
import { parseHandle, secretMatches } from '../flow-handle.js';
import type { Clock, RecoveryMethod, Store, StoreWrite, UserStatus } from '../ports.js';
import type { MethodOffer } from './api.js';
import type { AppliedRule } from './group-rules.js';
import type { FlowState } from './machine.js';
import type { Resubmission } from './resubmit.js';

export interface FactorRef {
  factorId: string;
  phoneNumber?: string;
}

export interface FlowRecord {
  id: string;
  secretHash: string;
  /** The login as entered (trimmed, NFC). */
  login: string;
  /** Lower-cased login, used in limit keys. */
  loginKey: string;
  /** null = decoy flow. */
  userId: string | null;
  /** The real status (operator-only information; never shown). */
  userStatus: UserStatus | null;
  /** The user's ACTIVE factors by method (empty for decoys). */
  factors: Partial<Record<RecoveryMethod, FactorRef>>;
  /** What the start step offered (the operator's list, or masked enrolled methods). */
  offered: MethodOffer[];
  state: FlowState;
  method: RecoveryMethod | null;
  /** The factor behind `method`, or null when the user does not have it (decoy behaviour). */
  factorId: string | null;
  transactionId: string | null;
  correctAnswer: number | null;
  pushExpiresAt: number | null;
  lastPollAt: number | null;
  lastPushResult: string | null;
  /** Wrong codes so far in this flow (the atomic counter `flow-codes:<id>` is the authority). */
  wrongCodes: number;
  /** Per method: when Okta will accept another send (its 30 s window). Survives switching methods. */
  resendAvailableAt: Partial<Record<'sms' | 'call', number>>;
  ottHash: string | null;
  ottExpiresAt: number | null;
  /**
   * When the flow reached `verified` (set by its first ott): no ott of this flow outlives verifiedAt + ottTtlSeconds,
   * however often one is reissued. Absent in records written before it existed (the next issue sets it).
   */
  verifiedAt?: number | null;
  /**
   * The user's passwordChanged as the IdP reported it at start: the baseline for reconciling a password write whose
   * outcome is unknown (REL-6). Absent in records written before it existed (treated as null).
   */
  passwordChangedAtStart?: string | null;
  /** True after a password write failed ambiguously and could not be reconciled: check before writing again. */
  passwordWriteUnconfirmed?: boolean;
  /**
   * With passwordWriteUnconfirmed: HMAC-SHA256 of the password of that unconfirmed write, keyed with the flow
   * handle's secret (which the store never holds, so a store dump cannot test guesses against it); null when the
   * unconfirmed write cannot be told apart from an earlier one (then the retry writes again).
   */
  unconfirmedPasswordMac?: string | null;
  /** The last rotation made for a page form, so a second copy of that form can find the flow (resubmit.ts). */
  resubmission?: Resubmission | null;
  /**
   * The group rule the flow runs under (policies by group); null or absent without group rules. Decides the methods
   * a factor may be verified with and how many distinct methods must be verified before the ott.
   */
  rule?: AppliedRule | null;
  /** The methods verified so far in this flow (two-method flows: the first one, until the second is verified). */
  verifiedMethods?: RecoveryMethod[];
  /** True when the flow ended with a self-service unlock and no new password (the done page says so). */
  unlockedOnly?: boolean;
  createdAt: number;
  expiresAt: number;
}

export const flowKey = (id: string): string => `flow:${id}`;
export const ottKey = (hash: string): string => `ott:${hash}`;

export class FlowRepo {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
  ) {}

  async create(flow: FlowRecord): Promise<void> {
    await this.save(flow);
  }

  /** Loads and authenticates the flow behind a handle; FLOW_EXPIRED when there is none or it is past its expiry. */
  async load(handle: string): Promise<FlowRecord> {
    const parsed = parseHandle(handle);
    if (!parsed) throw new PortalError('FLOW_EXPIRED', { detail: 'malformed or missing flow handle' });
    const flow = await this.store.get<FlowRecord>(flowKey(parsed.id));
    if (!flow || !secretMatches(parsed.secret, flow.secretHash)) {
      throw new PortalError('FLOW_EXPIRED', { detail: 'no flow for this handle' });
    }
    if (this.clock.now() >= flow.expiresAt) {
      await this.remove(flow);
      throw new PortalError('FLOW_EXPIRED', { detail: 'flow past its expiry' });
    }
    return flow;
  }

  /** Just the id of a well-formed handle (for per-flow serialisation before loading). */
  static idOf(handle: string): string | null {
    return parseHandle(handle)?.id ?? null;
  }

  /** Stores the flow, after `also` (other keys written with it: one round trip, applied together). */
  async save(flow: FlowRecord, also: readonly StoreWrite[] = []): Promise<void> {
    const ttl = flow.expiresAt - this.clock.now();
    if (ttl <= 0) {
      if (also.length > 0) await this.store.setEach(also);
      await this.remove(flow);
      return;
    }
    if (also.length === 0) await this.store.set(flowKey(flow.id), flow, ttl);
    else await this.store.setEach([...also, { key: flowKey(flow.id), value: flow, ttlMs: ttl }]);
  }

  async remove(flow: FlowRecord): Promise<void> {
    await this.store.delete(flowKey(flow.id));
    if (flow.ottHash) await this.store.delete(ottKey(flow.ottHash));
  }
}
