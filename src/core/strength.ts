/**
 * The password-strength check before a password is written (issue 13, item 4).
 * Rules:
 * - No estimator configured (PASSWORD_MIN_STRENGTH=0) → nothing happens.
 * - The estimator scores 0 (too guessable) to 4 (very unguessable), given words the user's password should not lean
 *   on (the login and its parts); below `minScore` → PASSWORD_POLICY with the reason 'weak' (the page suggests a
 *   passphrase), before any IdP write, so the caller keeps the ott usable like any other refusal.
 * - An estimator that fails lets the password through (the IdP's policy still applies) and says so in the audit.
 * - Nothing about the password (not its score either) goes to the audit detail.
 */
import { appendDetail, type AuditNote } from './audited.js';
import { PortalError } from './errors.js';
import { usernameParts } from './password-rules.js';
import type { PasswordStrength } from './ports.js';

export interface StrengthCheck {
  estimator: PasswordStrength;
  /** 1 to 4: the lowest score accepted. */
  minScore: number;
}

export async function refuseWeak(check: StrengthCheck | undefined, password: string, login: string, note: AuditNote): Promise<void> {
  if (check === undefined) return;
  let score: number;
  try {
    score = await check.estimator.score(password, [login, ...usernameParts(login)]);
  } catch {
    note.detail = appendDetail(note.detail, 'strength estimate unavailable: allowed');
    return;
  }
  if (score < check.minScore) {
    throw new PortalError('PASSWORD_POLICY', {
      detail: 'password too easy to guess (strength estimate below PASSWORD_MIN_STRENGTH)',
      causes: ['The password is too easy to guess.'],
      reasons: ['weak'],
    });
  }
}
