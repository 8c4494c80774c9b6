/**
 * The help-desk console's public surface: an agent (signed in, admitted by the HTTP layer from the ID token's
 * group claim) proves who a caller is with one of the caller's own active methods.
 * The agent comes only from the server-side session; the caller's Okta ids stay on the server except as the `id` of
 * a CallerFactor, always checked against the caller's current factors. No call here sets a password or enrols,
 * removes or resets a factor.
 */
import type { RecoveryMethod, RequestContext, UserStatus } from '../ports.js';
import type { HelpdeskState } from './machine.js';

/** Who is at the console (from the portal session). */
export interface AgentContext {
  agentId: string;
  agentLogin: string;
  sessionId: string;
  ctx: RequestContext;
}

export interface CallerFactor {
  id: string;
  method: RecoveryMethod;
  /** Masked phone number for sms / call; never the full value. */
  hint?: string;
}

export interface CallerView {
  login: string;
  status: UserStatus;
  /** The caller's ACTIVE factors the portal can verify with. */
  factors: CallerFactor[];
}

export type HelpdeskOutcome = 'verified' | 'failed';

/** Where the agent's current verification stands (no secrets: never a code, a transaction id or a full number). */
export interface HelpdeskView {
  state: HelpdeskState;
  caller: CallerView | null;
  method: RecoveryMethod | null;
  /** Masked number of the sms / call challenge. */
  hint: string | null;
  /** The number the caller must tap in Okta Verify (push with number matching). */
  correctAnswer: number | null;
  /** Push: when it expires (epoch ms). */
  expiresAt: number | null;
  ticket: string | null;
  /** Why a verification failed: rejected / expired push, too many wrong codes, the code budget or a locked factor. */
  failure: 'rejected' | 'expired' | 'wrong-codes' | 'locked' | null;
}

export type HelpdeskChallenge =
  | { kind: 'code-sent'; method: 'sms' | 'call'; hint: string }
  | { kind: 'code-ready'; method: 'google-authenticator' | 'okta-verify-code' }
  | { kind: 'push-waiting'; correctAnswer: number | null; expiresAt: number };

export type HelpdeskLive = 'waiting' | 'verified' | 'failed';

export interface HelpdeskService {
  /** Looks the caller up by exact login (NOT_FOUND when there is none) and starts a new verification; audited. */
  lookup(agent: AgentContext, login: string, ticket?: string | null): Promise<CallerView>;
  /** Sends a challenge to one of the looked-up caller's factors (same send / push budgets as recovery). */
  challenge(agent: AgentContext, factorId: string): Promise<HelpdeskChallenge>;
  /** Checks the code the caller read out. INVALID_CODE while tries remain; resolves with the outcome otherwise. */
  verify(agent: AgentContext, code: string): Promise<HelpdeskOutcome>;
  /** Push: polls (throttled) and records the outcome once known. */
  status(agent: AgentContext): Promise<HelpdeskLive>;
  /** The session's verification, read-only. */
  view(agent: AgentContext): Promise<HelpdeskView>;
}
