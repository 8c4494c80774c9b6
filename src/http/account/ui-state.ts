/**
 * What the account pages remember between requests beyond the core's own state (AccountService.session), per
 * session, in the store under `account-ui:<sid>`:
 * - `pending`: the sensitive action the user asked for while a step-up was needed (set up X, remove factor Y, change
 *   the password), so the step-up ends where the user wanted to go. It is named by kind and arguments, never by a
 *   URL (no open redirect), and is dropped after PENDING_TTL_MS. A password is never stored: the password action
 *   only reopens the form.
 * - `stepUpResendAt`: when the step-up code page may offer a new SMS / voice code (display only).
 * Rules: no secret ever (TOTP secrets are shown once and never stored); bounded lifetime (STATE_TTL_MS); keyed by
 * the non-secret session id; never sent to the browser as a whole.
 */
import type { RecoveryMethod, Store } from '../../core/ports.js';

export const PENDING_TTL_MS = 10 * 60 * 1000;
const STATE_TTL_MS = 60 * 60 * 1000;

export type PendingAction =
  | { kind: 'enrol'; method: RecoveryMethod; phoneNumber?: string | undefined }
  | { kind: 'remove'; factorId: string; confirmLastRecovery?: boolean | undefined }
  | { kind: 'password' };

export interface UiState {
  pending: (PendingAction & { at: number }) | null;
  stepUpResendAt: number | null;
}

const empty = (): UiState => ({ pending: null, stepUpResendAt: null });
const keyOf = (sid: string) => `account-ui:${sid}`;

export interface UiStateStore {
  get(sid: string, now: number): Promise<UiState>;
  update(sid: string, patch: Partial<UiState>): Promise<UiState>;
  clear(sid: string): Promise<void>;
}

export function createUiStateStore(store: Store, ttlMs: number = STATE_TTL_MS): UiStateStore {
  const read = async (sid: string): Promise<UiState> => ({ ...empty(), ...((await store.get<UiState>(keyOf(sid))) ?? {}) });
  return {
    async get(sid, now) {
      const s = await read(sid);
      if (s.pending && now - s.pending.at > PENDING_TTL_MS) s.pending = null;
      return s;
    },
    async update(sid, patch) {
      const next = { ...(await read(sid)), ...patch };
      await store.set(keyOf(sid), next, ttlMs);
      return next;
    },
    clear: (sid) => store.delete(keyOf(sid)),
  };
}
