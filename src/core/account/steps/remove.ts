/**
 * Removing one of the user's factors.
 * Rules: the factor must be one of the session user's (factors.ts, NOT_FOUND otherwise); a fresh step-up is
 * required when the user has an active factor; counts against the per-user and per-IP budgets. Removing the last
 * active factor is allowed (the user may enrol another one later without step-up) and is said so in the audit
 * detail, but only with `confirmLastRecovery` when it is the last method that can recover the account
 * (../readiness.ts; LAST_RECOVERY_METHOD before any IdP change otherwise). A pending enrolment of the removed factor is
 * forgotten.
 */
import { PortalError } from '../../errors.js';
import type { AccountContext } from '../api.js';
import { appendDetail, countAttempt, notifyUser, type AccountEnv, type AuditNote } from '../env.js';
import { owned, toView, verifiable } from '../factors.js';
import { removesLastRecovery } from '../readiness.js';
import { freshEnrolment, type AccountRecord } from '../record.js';
import { requireStepUp } from './step-up.js';

export async function removeFactor(
  env: AccountEnv,
  a: AccountContext,
  rec: AccountRecord,
  factorId: unknown,
  opts: { confirmLastRecovery?: boolean },
  note: AuditNote,
): Promise<void> {
  const factors = await env.idp.getFactors(a.userId);
  const factor = owned(factors, factorId);
  note.method = factor.method;
  note.detail = appendDetail(note.detail, `${factor.factorType}/${factor.provider} ${factor.status}`);
  requireStepUp(rec, factors, note);
  if (opts.confirmLastRecovery !== true && removesLastRecovery(factors.map(toView), factor.id, env.policy.methods)) {
    throw new PortalError('LAST_RECOVERY_METHOD', { detail: 'last recovery method, not confirmed' });
  }
  await countAttempt(env, a);
  await env.idp.unenrollFactor(a.userId, factor.id);
  const remaining = verifiable(factors).filter((f) => f.id !== factor.id);
  if (remaining.length === 0) note.detail = appendDetail(note.detail, 'no active factor left');
  if (opts.confirmLastRecovery === true) note.detail = appendDetail(note.detail, 'last recovery method confirmed');
  if (rec.enrolment.factorId === factor.id) rec.enrolment = freshEnrolment();
  await env.records.save(rec);
  await notifyUser(env, a, 'factor-removed', note, factor.method);
}
