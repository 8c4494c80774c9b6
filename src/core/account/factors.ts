/**
 * The user's factors as the account service sees them: display views (masked), ownership checks and the step-up
 * requirement.
 * Rules:
 * - Every factor id from the HTTP layer is looked up in the IdP's CURRENT list for the session's user; an id that
 *   is not there (another user's, made up, already removed) is NOT_FOUND, and nothing is done with it.
 * - Step-up is required when the user has at least one ACTIVE factor the portal can verify (sms, call, push and
 *   both authenticator apps). A user with none may enrol a first factor on the strength of the sign-in alone
 *   (the OIDC sign-in, which itself may have asked for MFA, is the only proof then).
 * - Hints never show a full phone number or e-mail address.
 */
import { PortalError } from '../errors.js';
import { maskPhone } from '../mask.js';
import type { IdpFactorDetail } from '../ports.js';
import type { FactorKind, FactorView } from './api.js';
import type { AccountEnv } from './env.js';

import { maskEmail } from '../mask.js';

export { maskEmail };

export function kindOf(f: IdpFactorDetail): FactorKind {
  if (f.method !== null) return f.method;
  return f.factorType === 'email' ? 'email' : 'other';
}

export function toView(f: IdpFactorDetail): FactorView {
  const view: FactorView = { id: f.id, kind: kindOf(f), factorType: f.factorType, provider: f.provider, status: f.status };
  if (f.phoneNumber !== undefined) view.hint = maskPhone(f.phoneNumber);
  else if (f.email !== undefined) view.hint = maskEmail(f.email);
  return view;
}

/** The active factors a step-up can use. */
export function verifiable(factors: IdpFactorDetail[]): IdpFactorDetail[] {
  // Email is a recovery method only (issue 14, item 2): it never confirms a sensitive account change.
  return factors.filter((f) => f.status === 'ACTIVE' && f.method !== null && f.method !== 'email');
}

/** The factor `factorId` if it is one of this user's, else NOT_FOUND. */
export function owned(factors: IdpFactorDetail[], factorId: unknown): IdpFactorDetail {
  const f = typeof factorId === 'string' ? factors.find((x) => x.id === factorId) : undefined;
  if (f === undefined) throw new PortalError('NOT_FOUND', { detail: 'factor is not one of the user\'s factors' });
  return f;
}

export async function factorsOf(env: AccountEnv, userId: string): Promise<IdpFactorDetail[]> {
  return env.idp.getFactors(userId);
}
