/**
 * The org's password rules from Okta's Policies API: `GET /api/v1/policies?type=PASSWORD&status=ACTIVE` (scope
 * okta.policies.read with an OAuth service app; an API token of an admin who may read policies).
 * Rules:
 * - Okta evaluates password policies by priority, per group; the portal cannot tell which one applies to a user
 *   without reading group memberships, so it takes the org's default policy (system: true), else the active policy
 *   with the lowest priority number, and only policies for Okta-sourced passwords (authProvider OKTA or absent).
 * - settings.password.complexity: minLength; minLowerCase/minUpperCase/minNumber/minSymbol > 0 mean "needs one";
 *   excludeUsername; age.historyCount. Anything missing or of the wrong type falls back to Okta's default value.
 * - Any failure (missing scope, network, an answer without a usable policy) is the caller's to absorb: the rules are
 *   guidance, never a reason to refuse a recovery (see core/password-rules.ts cachedPasswordRules).
 */
import type { PasswordRules } from '../core/password-rules.js';
import { OKTA_DEFAULT_RULES } from '../core/password-rules.js';
import type { OktaRunner } from './client.js';

function obj(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function count(v: unknown): number | null {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= 256 ? v : null;
}

/** The rules of one PasswordPolicy object (missing values take Okta's defaults). */
export function rulesOfPolicy(policy: unknown): PasswordRules {
  const password = obj(obj(obj(policy).settings).password);
  const complexity = obj(password.complexity);
  const age = obj(password.age);
  const d = OKTA_DEFAULT_RULES;
  const needs = (v: unknown, fallback: boolean): boolean => {
    const n = count(v);
    return n === null ? fallback : n > 0;
  };
  return {
    minLength: Math.max(1, count(complexity.minLength) ?? d.minLength),
    lowercase: needs(complexity.minLowerCase, d.lowercase),
    uppercase: needs(complexity.minUpperCase, d.uppercase),
    number: needs(complexity.minNumber, d.number),
    symbol: needs(complexity.minSymbol, d.symbol),
    excludeUsername: typeof complexity.excludeUsername === 'boolean' ? complexity.excludeUsername : d.excludeUsername,
    historyCount: count(age.historyCount) ?? d.historyCount,
  };
}

/** The policy the portal goes by in a listPolicies answer, or null. */
export function choosePolicy(list: unknown): unknown {
  if (!Array.isArray(list)) return null;
  const usable = list.filter((p) => {
    const o = obj(p);
    const provider = obj(obj(o.conditions).authProvider).provider;
    return o.type === 'PASSWORD' && o.status === 'ACTIVE' && (provider === undefined || provider === 'OKTA');
  });
  const system = usable.find((p) => obj(p).system === true);
  if (system !== undefined) return system;
  const prio = (p: unknown): number => (typeof obj(p).priority === 'number' ? (obj(p).priority as number) : Infinity);
  return usable.sort((a, b) => prio(a) - prio(b))[0] ?? null;
}

/** One Okta call: the org's password rules, or null when Okta lists no usable password policy. */
export function passwordRulesReader(runner: OktaRunner): () => Promise<PasswordRules | null> {
  return () =>
    runner.run('listPasswordPolicies', async (c) => {
      const policy = choosePolicy(await c.json('GET', '/api/v1/policies', { query: { type: 'PASSWORD', status: 'ACTIVE' } }));
      return policy === null ? null : rulesOfPolicy(policy);
    });
}
