/**
 * The signed-in user's password change.
 * Rules: all three fields must be non-empty strings of at most 256 characters (BAD_REQUEST); new and confirm must
 * be equal (PASSWORD_MISMATCH, checked before anything else is spent); a fresh step-up is required when the user
 * has an active factor; counts against the per-user and per-IP budgets; the IdP checks the current password
 * (WRONG_CURRENT_PASSWORD) and its policy (PASSWORD_POLICY with causes); before that, a new password found in the
 * breach corpus is refused (PASSWORD_BREACHED, ../../breach.ts). No password reaches a log or audit line.
 * After the change every other portal session of the user ends (issue 11, item 8); this one stays. If that fails
 * the change stands and the audit says so.
 */
import { refuseBreached } from '../../breach.js';
import { PortalError } from '../../errors.js';
import type { AccountContext } from '../api.js';
import { appendDetail, countAttempt, notifyUser, type AccountEnv, type AuditNote } from '../env.js';
import type { AccountRecord } from '../record.js';
import { requireStepUp } from './step-up.js';

const MAX_PASSWORD_LENGTH = 256;

function field(v: unknown, name: string): string {
  if (typeof v !== 'string' || v.length === 0 || v.length > MAX_PASSWORD_LENGTH) {
    throw new PortalError('BAD_REQUEST', { detail: `${name} missing or too long` });
  }
  return v;
}

export async function changePassword(
  env: AccountEnv,
  a: AccountContext,
  rec: AccountRecord,
  input: { currentPassword: unknown; newPassword: unknown; confirmPassword: unknown },
  note: AuditNote,
): Promise<void> {
  const current = field(input.currentPassword, 'currentPassword');
  const next = field(input.newPassword, 'newPassword');
  const confirm = field(input.confirmPassword, 'confirmPassword');
  if (next !== confirm) throw new PortalError('PASSWORD_MISMATCH');
  const factors = await env.idp.getFactors(a.userId);
  requireStepUp(rec, factors, note);
  await countAttempt(env, a);
  await refuseBreached(env.breach, next, note);
  await env.idp.changePassword(a.userId, current, next);
  if (env.sessions) {
    try {
      await env.sessions.endUserSessions(a.userId, a.sessionId);
      note.detail = appendDetail(note.detail, 'other portal sessions ended');
    } catch {
      note.detail = appendDetail(note.detail, 'ending other portal sessions FAILED');
    }
  }
  await notifyUser(env, a, 'password-changed', note);
}
