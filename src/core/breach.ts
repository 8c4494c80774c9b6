/**
 * The breached-password check shared by recovery (setPassword) and the signed-in password change.
 * Rules:
 * - No check configured → nothing happens (the operator turned it off).
 * - Found in the corpus → PASSWORD_BREACHED (400); the caller keeps the ott usable, nothing is written to the IdP.
 * - The corpus cannot answer → fail-open (the write goes on, the audit detail says the check was skipped) or
 *   fail-closed (SERVICE_UNAVAILABLE, 503; the caller keeps the ott usable), by the operator's setting.
 * - The audit detail never carries the password or any part of its hash.
 */
import { appendDetail, type AuditNote } from './audited.js';
import { PortalError } from './errors.js';
import type { BreachedPasswords } from './ports.js';

export type BreachResult = 'clean' | 'breached' | 'unavailable';

export interface BreachCheck {
  passwords: BreachedPasswords;
  /** When the corpus cannot answer: true lets the password through, false refuses the write (503). */
  failOpen: boolean;
  /** Told every result (metrics). */
  onResult?: (result: BreachResult) => void;
}

export async function refuseBreached(check: BreachCheck | undefined, password: string, note: AuditNote): Promise<void> {
  if (check === undefined) return;
  let breached: boolean;
  try {
    breached = await check.passwords.isBreached(password);
  } catch (e) {
    check.onResult?.('unavailable');
    const why = e instanceof PortalError && e.detail ? e.detail : e instanceof Error ? e.name : 'error';
    if (check.failOpen) {
      note.detail = appendDetail(note.detail, `breach check unavailable (${why}): allowed (fail-open)`);
      return;
    }
    throw new PortalError('SERVICE_UNAVAILABLE', { detail: `breach check unavailable (${why}): refused (fail-closed)` });
  }
  check.onResult?.(breached ? 'breached' : 'clean');
  if (breached) throw new PortalError('PASSWORD_BREACHED', { detail: 'password found in the breach corpus' });
}
