/**
 * Policies by group (issue 14, item 3): the operator's rules mapping IdP groups to who may recover, with which
 * methods, and how many distinct methods.
 * Rules:
 * - Rules are tried in order; the first whose `groups` names one of the user's groups (by id, or by name ignoring
 *   case; `*` matches every user) applies. No rule: the user is not admitted (decoy path, like an unknown login).
 *   A matching `deny` rule: not admitted either.
 * - An admitting rule narrows the methods to its own list (a subset of the operator's RECOVERY_METHODS) and says how
 *   many distinct methods (1 or 2) must be verified before the ott.
 * - "Distinct" means distinct method classes: two codes to the same phone (sms, call) or two authenticator codes are
 *   one possession factor, not two. Classes: phone (sms, call), push (Okta Verify push), totp (authenticator codes),
 *   and for any other method its own name (so a method added later, such as email, is its own class).
 * - Rule names are the operator's words, checked by the config (letters, digits, space . _ -): safe in audit details.
 */
import type { IdpGroup, RecoveryMethod } from '../ports.js';

export interface GroupRule {
  /** The operator's name for the rule; audit events name it. */
  name: string;
  /** Group ids or names (names compared ignoring case); `*` matches every user. */
  groups: readonly string[];
  /** `deny`: users this rule matches may not use the portal (decoy path). */
  access: 'allow' | 'deny';
  /** The methods this rule allows (in the operator's display order). */
  methods: readonly RecoveryMethod[];
  /** How many distinct methods (classes) must be verified before the ott: 1 or 2. */
  methodsRequired: 1 | 2;
}

/** The rule a flow runs under, as kept in the flow record (server side only). */
export interface AppliedRule {
  name: string;
  methods: RecoveryMethod[];
  methodsRequired: 1 | 2;
}

// Only methods that share a class are listed; any other method (push, email) is a class of its own, its name.
const CLASSES: Partial<Record<RecoveryMethod, string>> = {
  sms: 'phone',
  call: 'phone',
  'google-authenticator': 'totp',
  'okta-verify-code': 'totp',
};

/** The factor class of a method: two methods are distinct when their classes differ. */
export function methodClass(method: RecoveryMethod): string {
  return CLASSES[method] ?? method;
}

/** How many distinct classes a method list covers. */
export function classCount(methods: readonly RecoveryMethod[]): number {
  return new Set(methods.map(methodClass)).size;
}

function matches(rule: GroupRule, groups: readonly IdpGroup[]): boolean {
  return rule.groups.some((g) => {
    if (g === '*') return true;
    const lower = g.toLowerCase();
    return groups.some((ug) => ug.id === g || ug.name.toLowerCase() === lower);
  });
}

/** The first rule that matches the user's groups, or null. */
export function matchRule(rules: readonly GroupRule[], groups: readonly IdpGroup[]): GroupRule | null {
  return rules.find((r) => matches(r, groups)) ?? null;
}

/** The rule's methods that the operator also enabled, in the operator's order. */
export function allowedMethods(rule: AppliedRule | null | undefined, enabled: readonly RecoveryMethod[]): RecoveryMethod[] {
  if (!rule) return [...enabled];
  return enabled.filter((m) => rule.methods.includes(m));
}
