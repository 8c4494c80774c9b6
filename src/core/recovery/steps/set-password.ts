/**
 * Step `setPassword`: writes the new password (RST-7, RST-8, OTT-2..4, PW-6).
 * Rules:
 * - Identity comes only from the flow (never from the request). Wrong/used ott submissions count per IP (OTT-7).
 * - State must be `verified` (a completed flow answers INVALID_OTT: "already used"; others WRONG_STEP).
 * - Password 1..256 characters (the IdP's policy decides the rest); password === confirmPassword is checked
 *   BEFORE the ott is consumed (PASSWORD_MISMATCH, no IdP call).
 * - The ott must be this flow's current one, unexpired, and won by `store.take` (exactly one of two concurrent
 *   redemptions wins; the other gets INVALID_OTT).
 * - LOCKED_OUT users (only reachable with policy.allowLockedOut or selfServiceUnlock) are unlocked first, once.
 * - The strength estimate (../../strength.ts: PASSWORD_POLICY, reason 'weak') and the breached-password check
 *   (../../breach.ts) run before any IdP write: PASSWORD_BREACHED, or with the check
 *   unavailable and fail-closed SERVICE_UNAVAILABLE, keeps the ott usable like any other refusal.
 * - idp.setPassword (strict in the adapter). On any failure (PASSWORD_POLICY with causes, IDP_UNAVAILABLE ...) the
 *   ott is put back for its remaining life so the user can try again without redoing MFA.
 * - REL-6, a write whose outcome is unknown (IDP_UNAVAILABLE: timeout, dropped connection, 5xx; Okta may have
 *   applied it) is never simply re-sent: the step asks idp.passwordChangedSince(the passwordChanged read at start).
 *   Changed → success (a second write would fail on history). Not changed, or the read fails too → the error stands
 *   and the flow is marked `passwordWriteUnconfirmed`, with a fingerprint of that password (HMAC keyed with the
 *   flow handle's secret, which the store never holds). The next attempt asks again BEFORE writing:
 *   - not changed → it writes its own password (reconciled the same way);
 *   - changed, and the retry's password is the unconfirmed one → success without a second write;
 *   - changed, and the retry typed ANOTHER password → that password is written now (a definite new write, not a
 *     re-send), so "changed" is only ever reported for the password in effect (issue 11, item 11). If that write's
 *     answer is lost too, passwordChanged can no longer tell the two apart: the error stands and the next attempt
 *     writes again.
 *   Limitation: a change by someone else between start and an ambiguous write would count as ours.
 * - A flow started before this user's last password change through the portal is refused (INVALID_OTT): one
 *   recovery invalidates the user's other outstanding flows and otts (OTT-3).
 * - Then every portal sign-in session of the user created before ends (sessions port; issue 11, item 8), and, if
 *   asked, idp.revokeSessions (their failures do not undo the change; they are audited); state `completed`,
 *   the flow's Okta ids are dropped; notifier.notify password-reset to the email findUser gave (queued; a failure
 *   is audited, never fatal).
 */
import { refuseBreached } from '../../breach.js';
import { refuseWeak } from '../../strength.js';
import { hmacSha256, safeEqual } from '../../crypto.js';
import { PortalError, isPortalError } from '../../errors.js';
import { parseHandle } from '../../flow-handle.js';
import { OKTA_DEFAULT_RULES, brokenRules, type PasswordReason, type PasswordRules } from '../../password-rules.js';
import type { RequestContext } from '../../ports.js';
import { appendDetail, noteFlow, notifyUser, type AuditNote, type StepEnv } from '../env.js';
import type { FlowRecord } from '../flow.js';
import { assertCan, next } from '../machine.js';
import { redeemOtt, restoreOtt } from '../ott.js';

export interface SetPasswordInput {
  /** The flow handle the request presented (its secret keys the fingerprint of an unconfirmed write). */
  handle?: string;
  ott: unknown;
  password: unknown;
  confirmPassword: unknown;
  revokeSessions: boolean;
  ctx: RequestContext;
}

export async function setPassword(
  env: StepEnv,
  flow: FlowRecord,
  input: SetPasswordInput,
  note: AuditNote,
): Promise<{ changed: true }> {
  noteFlow(note, flow);
  await env.limiter.hit('ott-ip', input.ctx.ip, env.policy.limits.perIp);
  if (flow.state === 'completed') throw new PortalError('INVALID_OTT', { detail: 'flow already completed' });
  assertCan(flow.state, 'password-set');

  const { password, confirmPassword } = input;
  if (typeof password !== 'string' || password.length === 0 || password.length > 256) {
    throw new PortalError('BAD_REQUEST', { message: 'Enter a password of at most 256 characters.' });
  }
  // password is a string by now: only the same string matches (a missing or non-string confirmation does not).
  if (confirmPassword !== password) throw new PortalError('PASSWORD_MISMATCH');
  if (!(await redeemOtt(env, flow, input.ott))) throw new PortalError('INVALID_OTT');

  const userId = flow.userId;
  if (userId === null) throw new PortalError('INVALID_OTT', { detail: 'decoy flow cannot change a password' });
  const changedAt = await env.store.get<number>(changedKey(userId));
  if (changedAt !== null && flow.createdAt <= changedAt) {
    throw new PortalError('INVALID_OTT', { detail: 'superseded by a later password change' });
  }
  try {
    const earlierApplied =
      flow.passwordWriteUnconfirmed === true && (await env.idp.passwordChangedSince(userId, baselineOf(flow)));
    const fingerprint = passwordFingerprint(input.handle, password);
    const earlier = flow.unconfirmedPasswordMac ?? null;
    const sameAsApplied = earlierApplied && earlier !== null && fingerprint !== null && safeEqual(earlier, fingerprint);
    // Before anything changes at the IdP (the unlock included): a breached password is refused, the ott kept.
    if (!sameAsApplied) {
      // A password that breaks a known rule goes on to the IdP, which refuses it, and the page names that rule.
      if (brokenRules(await rulesInForce(env), password, flow.login).length === 0) {
        await refuseWeak(env.strength, password, flow.login, note);
      }
      await refuseBreached(env.breach, password, note);
    }
    if (flow.userStatus === 'LOCKED_OUT' && (env.policy.allowLockedOut || env.policy.selfServiceUnlock === true)) {
      await env.idp.unlockUser(userId);
      flow.userStatus = 'ACTIVE';
      note.detail = appendDetail(note.detail, 'user unlocked');
    }
    if (sameAsApplied) {
      note.detail = appendDetail(note.detail, 'an earlier write of this password had been applied (REL-6): not written again');
    } else if (earlierApplied) {
      note.detail = appendDetail(note.detail, 'an earlier write of another password had been applied (REL-6): writing this one');
      await writeAfterApplied(env, flow, userId, password);
    } else {
      await writePassword(env, flow, userId, password, fingerprint, note);
    }
  } catch (e) {
    await restoreOtt(env, flow);
    flow.state = next(flow.state, 'password-refused');
    await env.flows.save(flow);
    throw await namedReasons(env, e, password, flow.login);
  }

  if (env.sessions) {
    try {
      await env.sessions.endUserSessions(userId, null);
      note.detail = appendDetail(note.detail, 'portal sessions ended');
    } catch {
      note.detail = appendDetail(note.detail, 'ending portal sessions FAILED');
    }
  }
  if (input.revokeSessions) {
    try {
      await env.idp.revokeSessions(userId);
      note.detail = appendDetail(note.detail, 'sessions revoked');
    } catch {
      note.detail = appendDetail(note.detail, 'session revocation FAILED');
    }
  }
  flow.state = next(flow.state, 'password-set');
  const changed = { key: changedKey(userId), value: env.clock.now(), ttlMs: env.policy.flowTtlSeconds * 1000 };
  const login = flow.login;
  const email = flow.userEmail ?? null;
  dropSecrets(flow);
  await env.flows.save(flow, [changed]); // the marker first, then the completed flow, in one round trip
  await notifyUser(env, { kind: 'password-reset', userId, login, email, at: env.clock.now(), ctx: input.ctx }, note);
  return { changed: true };
}

const changedKey = (userId: string): string => `pw-changed:${userId}`;

/**
 * The IdP says only "requirements were not met" and lists every rule (Okta's English): the rule actually broken is
 * found here, against the org's rules (or Okta's default ones when the portal may not read them), so the page can
 * name it in the user's language. Other errors pass through unchanged.
 */
export async function namedReasons(
  env: Pick<StepEnv, 'passwordRules'>,
  e: unknown,
  password: string,
  login: string,
): Promise<unknown> {
  if (!isPortalError(e) || e.code !== 'PASSWORD_POLICY') return e;
  const reasons = e.reasons ?? ['requirements'];
  if (!reasons.includes('requirements')) return e;
  const broken = brokenRules(await rulesInForce(env), password, login);
  if (broken.length === 0) return e;
  const refined: PasswordReason[] = [...broken, ...reasons.filter((r) => r !== 'requirements')];
  // An absent detail or causes stays absent (PortalError stores undefined either way).
  return new PortalError('PASSWORD_POLICY', { detail: e.detail, causes: e.causes, reasons: refined });
}

/** The org's password rules, or Okta's default ones when there is no source, it knows none, or it fails. */
async function rulesInForce(env: Pick<StepEnv, 'passwordRules'>): Promise<PasswordRules> {
  // Stryker disable next-line ArrowFunction: a failing source then gives undefined instead of null, and ?? falls back to the default rules the same way
  return (await env.passwordRules?.().catch(() => null)) ?? OKTA_DEFAULT_RULES;
}

function baselineOf(flow: FlowRecord): string | null {
  return flow.passwordChangedAtStart ?? null;
}

/** HMAC of the password keyed with the handle's secret; null without a well-formed handle. */
function passwordFingerprint(handle: string | undefined, password: string): string | null {
  const secret = parseHandle(handle)?.secret;
  return secret === undefined ? null : hmacSha256(secret, password);
}

/**
 * A write after an earlier one is known to have been applied: passwordChanged cannot reconcile an ambiguous answer
 * any more, so such an answer leaves the write unconfirmed with no fingerprint (the next attempt writes again).
 */
async function writeAfterApplied(env: StepEnv, flow: FlowRecord, userId: string, password: string): Promise<void> {
  try {
    await env.idp.setPassword(userId, password);
  } catch (e) {
    if (isPortalError(e) && e.code === 'IDP_UNAVAILABLE') flow.unconfirmedPasswordMac = null;
    throw e;
  }
}

/** One write; on an ambiguous failure, reconciles through passwordChanged instead of writing again (REL-6). */
async function writePassword(
  env: StepEnv,
  flow: FlowRecord,
  userId: string,
  password: string,
  fingerprint: string | null,
  note: AuditNote,
): Promise<void> {
  try {
    await env.idp.setPassword(userId, password);
  } catch (e) {
    if (!isPortalError(e) || e.code !== 'IDP_UNAVAILABLE') throw e;
    let changed = false;
    try {
      changed = await env.idp.passwordChangedSince(userId, baselineOf(flow));
    } catch {
      // still unknown: the next attempt checks before writing
    }
    if (!changed) {
      flow.passwordWriteUnconfirmed = true;
      flow.unconfirmedPasswordMac = fingerprint;
      throw e;
    }
    note.detail = appendDetail(note.detail, `write outcome unknown (${e.detail ?? e.code}); passwordChanged moved: reconciled as done (REL-6)`);
  }
}

/** A completed flow keeps only what status() needs (it stays stored until its expiry: keep it small). */
function dropSecrets(flow: FlowRecord): void {
  flow.factors = {};
  flow.offered = []; // masked hints are personal data, and a completed flow offers nothing
  flow.factorId = null;
  flow.transactionId = null;
  flow.correctAnswer = null;
  flow.ottHash = null;
  flow.ottExpiresAt = null;
  flow.unconfirmedPasswordMac = null;
  flow.userEmail = null;
}
