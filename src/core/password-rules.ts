/**
 * The password rules the portal knows, and which of them a password breaks.
 * Rules:
 * - `PasswordRules` is the checkable part of an Okta password policy (settings.password.complexity plus the history
 *   count): minimum length, character classes, no part of the username. The IdP stays the authority: these rules only
 *   guide the user (the live checklist) and name the broken rule when the IdP refuses a password.
 * - The character classes follow Okta's (and the emulator's) reading: lowercase/uppercase letters and digits by their
 *   Unicode category, a symbol is anything that is neither a letter nor a digit.
 * - "Part of the username": the login's local part and its pieces of 3+ characters split at . , - _ # + @ and space,
 *   compared case-insensitively (Okta's documented behaviour for excludeUsername).
 * - The rules are org-wide configuration, not user data: `cachedPasswordRules` asks the source at most once per
 *   `ttlMs` (default 5 minutes), and after a failure answers null for a shorter while instead of asking on every page.
 */
import type { Clock } from './ports.js';

export interface PasswordRules {
  minLength: number;
  lowercase: boolean;
  uppercase: boolean;
  number: boolean;
  symbol: boolean;
  excludeUsername: boolean;
  /** Passwords remembered by the IdP (0: none). Not checkable here; shown as a rule. */
  historyCount: number;
}

/** The checkable rules, in the order the checklist lists them. */
export const RULE_IDS = ['length', 'lowercase', 'uppercase', 'number', 'symbol', 'username'] as const;
export type RuleId = (typeof RULE_IDS)[number];

/**
 * Why a password was refused, as the pages name it: a broken rule, the IdP's history or minimum-age rule, the policy
 * in general (the IdP said "requirements were not met" and no known rule is broken), too easy to guess (the portal's
 * strength estimate), or something else.
 */
export type PasswordReason = RuleId | 'history' | 'min-age' | 'requirements' | 'weak' | 'other';

/** Okta's default password policy (a new org's "Default Policy"): the rules assumed when no other source says. */
export const OKTA_DEFAULT_RULES: PasswordRules = Object.freeze({
  minLength: 8,
  lowercase: true,
  uppercase: true,
  number: true,
  symbol: false,
  excludeUsername: true,
  historyCount: 4,
});

/** The rules in force, by id (a rule the policy does not set is absent). */
export function activeRules(rules: PasswordRules): RuleId[] {
  return RULE_IDS.filter((id) => {
    switch (id) {
      case 'length':
        return rules.minLength > 0;
      case 'username':
        return rules.excludeUsername;
      default:
        return rules[id];
    }
  });
}

/** Parts of the login a password may not contain (lower-cased, 3+ characters). */
export function usernameParts(login: string): string[] {
  const local = (login.split('@')[0] ?? login).toLowerCase();
  const pieces = local.split(/[.,\-_#+@\s]+/).filter((p) => p.length >= 3);
  return [...new Set([local, ...pieces])].filter((p) => p.length >= 3);
}

function meets(id: RuleId, rules: PasswordRules, password: string, login: string): boolean {
  switch (id) {
    case 'length':
      return [...password].length >= rules.minLength;
    case 'lowercase':
      return /\p{Ll}/u.test(password);
    case 'uppercase':
      return /\p{Lu}/u.test(password);
    case 'number':
      return /\p{Nd}/u.test(password);
    case 'symbol':
      return /[^\p{L}\p{Nd}]/u.test(password);
    case 'username': {
      const lower = password.toLowerCase();
      return !usernameParts(login).some((p) => lower.includes(p));
    }
  }
}

/** The rules in force that `password` breaks, in checklist order. */
export function brokenRules(rules: PasswordRules, password: string, login: string): RuleId[] {
  return activeRules(rules).filter((id) => !meets(id, rules, password, login));
}

export interface CachedRulesOptions {
  clock: Clock;
  /** How long an answer is reused (default 5 minutes). */
  ttlMs?: number;
  /** How long a failure answers null before the source is asked again (default 30 s). */
  failureTtlMs?: number;
}

/** Wraps a rules source (one IdP call) in a small org-wide cache; concurrent callers share one call. */
export function cachedPasswordRules(
  source: () => Promise<PasswordRules | null>,
  opts: CachedRulesOptions,
): () => Promise<PasswordRules | null> {
  const ttl = opts.ttlMs ?? 5 * 60_000;
  const failureTtl = opts.failureTtlMs ?? 30_000;
  let value: PasswordRules | null = null;
  let until = -Infinity;
  let inFlight: Promise<PasswordRules | null> | null = null;
  return async () => {
    if (opts.clock.now() < until) return value;
    inFlight ??= source()
      .then(
        (rules) => {
          value = rules;
          until = opts.clock.now() + ttl;
          return rules;
        },
        () => {
          value = null;
          until = opts.clock.now() + failureTtl;
          return null;
        },
      )
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
}
