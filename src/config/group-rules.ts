/**
 * GROUP_RULES: policies by group (issue 14, item 3), as the operator writes them in the config file (a YAML/JSON
 * list under GROUP_RULES) or in the environment (the same list as JSON).
 * Rules:
 * - Each rule: `name` (letters, digits, space . _ -; unique), `groups` (Okta group names or ids; `*` = every user),
 *   `access` allow (default) or deny, `methods` (a subset of RECOVERY_METHODS; default: all of them; not on a deny
 *   rule) and `methodsRequired` 1 (default) or 2 (needs methods of at least two classes: phone, push, authenticator
 *   code ...; see src/core/recovery/group-rules.ts). Unknown keys are refused so a typo is not ignored.
 * - Every message names the rule ("rule 2 \"admins\"") and the field; nothing from the file but the rule's own
 *   validated name is echoed. The check against RECOVERY_METHODS happens in load.ts (it needs that setting).
 */
import { z } from 'zod';
import { RECOVERY_METHODS, type RecoveryMethod } from '../core/ports.js';
import { classCount, type GroupRule } from '../core/recovery/group-rules.js';
import type { Parsed } from './values.js';

/** A rule as written: `methods` still unset when the operator left it out (load.ts fills in RECOVERY_METHODS). */
export interface GroupRuleSetting extends Omit<GroupRule, 'methods'> {
  methods: RecoveryMethod[] | null;
}

export const MAX_GROUP_RULES = 100;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,59}$/;

const ruleSchema = z
  .object({
    name: z.string({ error: 'is required' }).regex(NAME_RE, 'must be 1 to 60 letters, digits, spaces, . _ or - (starting with a letter or digit)'),
    groups: z
      .array(z.string().trim().min(1, 'must not hold an empty group name').max(255, 'holds a group name longer than 255 characters'), {
        error: 'must be a list of Okta group names or ids',
      })
      .min(1, 'must name at least one group (or *)')
      .max(100, 'must name at most 100 groups'),
    access: z.enum(['allow', 'deny'], { error: 'must be allow or deny' }).default('allow'),
    methods: z
      .array(z.enum(RECOVERY_METHODS, { error: `must list methods among ${RECOVERY_METHODS.join(', ')}` }), {
        error: `must be a list of methods among ${RECOVERY_METHODS.join(', ')}`,
      })
      .min(1, 'must list at least one method')
      .optional(),
    methodsRequired: z.union([z.literal(1), z.literal(2)], { error: 'must be 1 or 2' }).default(1),
  })
  .strict();

function label(index: number, raw: unknown): string {
  const name = raw !== null && typeof raw === 'object' ? (raw as { name?: unknown }).name : undefined;
  return typeof name === 'string' && NAME_RE.test(name) ? `rule ${index + 1} "${name}"` : `rule ${index + 1}`;
}

/** Parses the JSON text of GROUP_RULES (the config file's list arrives here as JSON, see load.ts). */
export function parseGroupRules(raw: string): Parsed<GroupRuleSetting[]> {
  let doc: unknown;
  try {
    doc = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'must be a list of rules (JSON in the environment, a YAML/JSON list in the config file)' };
  }
  if (!Array.isArray(doc)) return { ok: false, message: 'must be a list of rules, e.g. [{"name": "admins", "groups": ["Portal Admins"], "methodsRequired": 2}]' };
  if (doc.length > MAX_GROUP_RULES) return { ok: false, message: `must hold at most ${MAX_GROUP_RULES} rules` };
  const out: GroupRuleSetting[] = [];
  const names = new Map<string, number>();
  for (const [i, item] of doc.entries()) {
    const where = label(i, item);
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return { ok: false, message: `${where}: must be a mapping (name, groups, access, methods, methodsRequired)` };
    const r = ruleSchema.safeParse(item);
    if (!r.success) {
      const issue = r.error.issues[0];
      const field = issue?.path.length ? String(issue.path[0]) : '';
      const message =
        issue?.code === 'unrecognized_keys'
          ? `unknown key "${String(issue.keys[0] ?? '').slice(0, 40)}" (use name, groups, access, methods, methodsRequired)`
          : `${field}${field ? ': ' : ''}${issue?.message ?? 'is not valid'}`;
      return { ok: false, message: `${where}: ${message}` };
    }
    const rule = r.data;
    const key = rule.name.toLowerCase();
    const prev = names.get(key);
    if (prev !== undefined) return { ok: false, message: `${where}: name duplicates rule ${prev + 1}` };
    names.set(key, i);
    const methods = rule.methods ?? null;
    if (methods && new Set(methods).size !== methods.length) return { ok: false, message: `${where}: methods: lists a method twice` };
    if (rule.access === 'deny' && (rule.methods !== undefined || rule.methodsRequired !== 1)) {
      return { ok: false, message: `${where}: a deny rule takes no methods or methodsRequired` };
    }
    if (methods && rule.methodsRequired === 2 && classCount(methods) < 2) {
      return { ok: false, message: `${where}: methodsRequired: 2 needs methods of two different kinds (phone, push, authenticator code)` };
    }
    out.push({ name: rule.name, groups: rule.groups, access: rule.access, methods, methodsRequired: rule.methodsRequired });
  }
  return { ok: true, value: out };
}

/**
 * The rules with their methods resolved against RECOVERY_METHODS, or the problem (naming the rule): a rule may only
 * use enabled methods, and a two-method rule needs two kinds among them.
 */
export function resolveGroupRules(rules: readonly GroupRuleSetting[], enabled: readonly RecoveryMethod[]): Parsed<GroupRule[]> {
  const out: GroupRule[] = [];
  for (const [i, rule] of rules.entries()) {
    const where = `rule ${i + 1} "${rule.name}"`;
    const off = (rule.methods ?? []).filter((m) => !enabled.includes(m));
    if (off.length > 0) return { ok: false, message: `${where}: methods: ${off.join(', ')} ${off.length === 1 ? 'is' : 'are'} not enabled in RECOVERY_METHODS` };
    const methods = rule.access === 'deny' ? [] : (rule.methods ?? [...enabled]);
    if (rule.access === 'allow' && rule.methodsRequired === 2 && classCount(methods) < 2) {
      return { ok: false, message: `${where}: methodsRequired: 2 needs methods of two different kinds among RECOVERY_METHODS` };
    }
    out.push({ name: rule.name, groups: [...rule.groups], access: rule.access, methods, methodsRequired: rule.methodsRequired });
  }
  return { ok: true, value: out };
}
