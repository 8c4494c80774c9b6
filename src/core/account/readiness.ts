/**
 * Recovery readiness: how well the signed-in user could reset a forgotten password alone, from the factors they
 * have, and what removing one of them would cost.
 * Rules:
 * - A method "can recover" the account when it is ACTIVE and of a kind the portal's recovery offers (the operator's
 *   methods: the same list as recovery's RECOVERY_METHODS setting). Other Okta factors do not count: the portal cannot
 *   recover with them. Email never counts, even where the operator offers it for recovery: it is the weak method
 *   (a mailbox often falls with the password), so a user who has nothing else is warned.
 * - Levels: `none` (no recovery method), `email-only` (none, but an email factor: Okta's email alone is not a
 *   recovery the portal offers), `single` (one: losing the phone or app locks the user out), `ready` (two or more).
 * - Removing the last method that can recover the account needs an explicit acknowledgement
 *   (LAST_RECOVERY_METHOD otherwise), on the pages and the JSON API alike.
 */
import type { RecoveryMethod } from '../ports.js';
import type { FactorView } from './api.js';

export type ReadinessLevel = 'none' | 'email-only' | 'single' | 'ready';

export interface Readiness {
  level: ReadinessLevel;
  /** How many active methods can recover the account. */
  recoveryMethods: number;
}

interface FactorLike {
  id: string;
  status: string;
  /** A recovery method, 'email', or anything else. */
  kind: FactorView['kind'];
}

export function canRecover(f: FactorLike, methods: readonly RecoveryMethod[]): boolean {
  return f.status === 'ACTIVE' && f.kind !== 'email' && (methods as readonly string[]).includes(f.kind);
}

export function recoveryReadiness(factors: readonly FactorLike[], methods: readonly RecoveryMethod[]): Readiness {
  const n = factors.filter((f) => canRecover(f, methods)).length;
  const email = factors.some((f) => f.kind === 'email' && f.status === 'ACTIVE');
  const level: ReadinessLevel = n >= 2 ? 'ready' : n === 1 ? 'single' : email ? 'email-only' : 'none';
  return { level, recoveryMethods: n };
}

/** Whether removing `factorId` leaves the user with no method that can recover the account. */
export function removesLastRecovery(factors: readonly FactorLike[], factorId: string, methods: readonly RecoveryMethod[]): boolean {
  const target = factors.find((f) => f.id === factorId);
  if (target === undefined || !canRecover(target, methods)) return false;
  return !factors.some((f) => f.id !== factorId && canRecover(f, methods));
}
