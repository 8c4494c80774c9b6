/**
 * Step `start`: the user names their account.
 * Rules:
 * - The login is validated by shape only (BAD_REQUEST reveals nothing about accounts), then counted against the
 *   per-IP and per-login budgets before any IdP call.
 * - idp.findUser always runs; idp.listFactors runs only for an eligible user (2 IdP calls). Eligible statuses:
 *   ACTIVE, PASSWORD_EXPIRED, RECOVERY, and LOCKED_OUT only if policy.allowLockedOut or policy.selfServiceUnlock. Everything else (unknown
 *   login, SUSPENDED, DEPROVISIONED, STAGED, PROVISIONED, unexpected strings) gets a decoy flow (userId null) and
 *   sleeps about as long as listFactors usually takes (RST-2).
 * - The answer is identical for decoys and real users: the operator's method list, the flow's expiry, a handle
 *   (RST-1, RST-3). With policy.showEnrolledMethods the real user's ACTIVE enrolled methods are offered with masked
 *   hints and decoys are offered nothing: that mode gives enrolment (and existence) away, by the operator's choice.
 * - Only ACTIVE factors count; factors the portal does not use (question, email ...) are ignored (RST-5).
 * - Policies by group (../group-rules.ts): with group rules, an eligible user's groups are read first (one more IdP
 *   call, only then); a user no rule admits (or a deny rule matches) gets the decoy flow exactly as an unknown login
 *   does, with the usual latency of the calls not made padded. An admitted user's factors are narrowed to the rule's
 *   methods (the others behave as not enrolled), and the rule is kept in the flow and named in the audit detail.
 *   Without rules nothing changes: no groups call.
 */
import { createHandle } from '../../flow-handle.js';
import { normaliseLogin } from '../../login.js';
import { maskEmail, maskPhone } from '../../mask.js';
import type { IdpFactor, IdpUser, RecoveryMethod, RequestContext, UserStatus } from '../../ports.js';
import type { MethodOffer, StartResult } from '../api.js';
import { appendDetail, countAttempt, type AuditNote, type StepEnv } from '../env.js';
import type { FactorRef, FlowRecord } from '../flow.js';
import { allowedMethods, matchRule, type AppliedRule } from '../group-rules.js';
import { progressOf } from '../factors.js';

const ALWAYS_ELIGIBLE: ReadonlySet<UserStatus> = new Set(['ACTIVE', 'PASSWORD_EXPIRED', 'RECOVERY']);

export function isEligible(status: UserStatus, allowLockedOut: boolean): boolean {
  return ALWAYS_ELIGIBLE.has(status) || (allowLockedOut && status === 'LOCKED_OUT');
}

export async function start(
  env: StepEnv,
  input: { login: unknown; ctx: RequestContext },
  note: AuditNote,
): Promise<StartResult> {
  // Times are taken when the request arrives, so the answer does not encode how long the IdP took.
  const now = env.clock.now();
  const { login, key } = normaliseLogin(input.login);
  note.login = login;
  await countAttempt(env, key, input.ctx);

  const user = await env.idp.findUser(login);
  let eligibleUser: IdpUser | null = null;
  // Stryker disable next-line ArrayDeclaration: a decoy's list is only read for ACTIVE factors; a junk entry has no status and is skipped
  let factors: IdpFactor[] = [];
  let rule: AppliedRule | null = null;
  const rules = env.policy.groupRules ?? [];
  if (user && isEligible(user.status, env.policy.allowLockedOut || env.policy.selfServiceUnlock === true)) {
    let admitted = true;
    if (rules.length > 0) {
      const groups = await env.timing.measure('idp.listGroups', () => env.idp.listGroups(user.id));
      const matched = matchRule(rules, groups);
      if (matched === null || matched.access === 'deny') {
        admitted = false;
        note.detail = appendDetail(note.detail, matched ? `group rule "${matched.name}" denies the portal` : 'no group rule admits the user');
      } else {
        rule = { name: matched.name, methods: [...matched.methods], methodsRequired: matched.methodsRequired };
        note.detail = appendDetail(note.detail, `group rule "${matched.name}" (${matched.methodsRequired} method${matched.methodsRequired === 1 ? '' : 's'})`);
      }
    }
    if (admitted) {
      eligibleUser = user;
      factors = await env.timing.measure('idp.listFactors', () => env.idp.listFactors(user.id));
    } else {
      await env.timing.pad('idp.listFactors');
    }
  } else {
    note.detail = appendDetail(note.detail, user ? `ineligible status ${user.status}` : 'unknown login');
    if (rules.length > 0) await env.timing.pad('idp.listGroups');
    await env.timing.pad('idp.listFactors');
  }
  note.userId = eligibleUser?.id ?? null;

  const byMethod = activeFactorsByMethod(factors, allowedMethods(rule, env.policy.methods));
  const offered = offer(env, eligibleUser !== null, byMethod);
  const { handle, id, secretHash } = createHandle(env.random);
  const flow: FlowRecord = {
    id,
    secretHash,
    login,
    loginKey: key,
    userId: eligibleUser?.id ?? null,
    userStatus: user?.status ?? null,
    factors: byMethod,
    offered,
    state: 'started',
    method: null,
    factorId: null,
    transactionId: null,
    correctAnswer: null,
    pushExpiresAt: null,
    lastPollAt: null,
    lastPushResult: null,
    wrongCodes: 0,
    resendAvailableAt: {},
    ottHash: null,
    ottExpiresAt: null,
    passwordChangedAtStart: eligibleUser?.passwordChanged ?? null,
    rule: eligibleUser ? rule : null,
    verifiedMethods: [],
    userEmail: eligibleUser?.email ?? null,
    createdAt: now,
    expiresAt: now + env.policy.flowTtlSeconds * 1000,
  };
  await env.flows.create(flow);
  return { handle, methods: offered.map((o) => ({ ...o })), expiresAt: flow.expiresAt, ...progressOf(env, flow) };
}

/** The first ACTIVE factor per enabled method. */
function activeFactorsByMethod(
  factors: IdpFactor[],
  enabled: readonly RecoveryMethod[],
): Partial<Record<RecoveryMethod, FactorRef>> {
  const out: Partial<Record<RecoveryMethod, FactorRef>> = {};
  for (const f of factors) {
    if (f.method === null || f.status !== 'ACTIVE' || !enabled.includes(f.method) || out[f.method]) continue;
    out[f.method] = {
      factorId: f.id,
      ...(f.phoneNumber === undefined ? {} : { phoneNumber: f.phoneNumber }),
      ...(f.method === 'email' && f.email !== undefined ? { email: f.email } : {}),
    };
  }
  return out;
}

function offer(env: StepEnv, real: boolean, byMethod: Partial<Record<RecoveryMethod, FactorRef>>): MethodOffer[] {
  if (!env.policy.showEnrolledMethods) return env.policy.methods.map((method) => ({ method }));
  if (!real) return [];
  const out: MethodOffer[] = [];
  for (const method of env.policy.methods) {
    const f = byMethod[method];
    if (!f) continue;
    out.push(f.phoneNumber ? { method, hint: maskPhone(f.phoneNumber) } : f.email ? { method, hint: maskEmail(f.email) } : { method });
  }
  return out;
}
