/**
 * createHelpdeskService: caller verification for help-desk agents, over the IdentityProvider port.
 * Rules:
 * - One record per agent session (`helpdesk:<sessionId>`, bound to the agent's user id; a record of another agent
 *   is discarded), changed only through machine.ts's table; calls on one session are serialised (KeyedMutex).
 * - Every call writes one audit event `helpdesk.<lookup|challenge|verify|status>` whose subject (login, userId) is
 *   the caller and whose detail names the agent (`agent=<login> (<id>)`) and the ticket; the outcome of a
 *   verification is one more event, `helpdesk.result` (success = verified, failure = failed, with how and why).
 *   Status polls that changed nothing are not audited.
 * - Limits: each agent's and each caller's console attempts (`desk:agent:<id>`, `desk:caller:<id>`, and the
 *   agent's IP) under LIMIT_PER_LOGIN / LIMIT_PER_IP; SMS / voice through the send guard (the same per-number and
 *   global send budgets and resend cooldown as recovery and the account); pushes under the caller's own push budget
 *   and the block after a rejected push (`user:<id>`, shared with recovery); every code under the caller's IdP
 *   code budget (../code-guard.ts), so the console can neither spam nor lock a user. A push lives at most 5 minutes.
 * - Nothing here sets a password, enrols or removes a factor, or unlocks a user: the port it is given cannot.
 */
import { COMMON_OUTCOMES, appendDetail, createAudited, type AuditNote } from '../audited.js';
import { verifyWithinBudget, type CodeGuardEnv } from '../code-guard.js';
import { PortalError, type ErrorCode } from '../errors.js';
import { Limiter } from '../limits.js';
import { maskPhone } from '../mask.js';
import { KeyedMutex } from '../mutex.js';
import type { AuditOutcome, AuditSink, Clock, IdentityProvider, IdpFactor, RecoveryMethod, Store } from '../ports.js';
import { DEFAULT_PUSH_REJECTED_COOLDOWN_SECONDS, PUSH_MAX_LIFETIME_MS } from '../recovery/steps/challenge.js';
import { guardedSend } from '../send-guard.js';
import type { AgentContext, CallerFactor, CallerView, HelpdeskChallenge, HelpdeskLive, HelpdeskOutcome, HelpdeskService, HelpdeskView } from './api.js';
import { helpdeskNext, type HelpdeskState } from './machine.js';
import type { HelpdeskPolicy } from './policy.js';

/** What the console may ask of the IdP: look up, list, challenge and verify. No write to the user. */
export type HelpdeskIdentityProvider = Pick<IdentityProvider, 'findUser' | 'listFactors' | 'sendChallenge' | 'verifyPasscode' | 'startPush' | 'pollPush'>;

export interface HelpdeskDeps {
  idp: HelpdeskIdentityProvider;
  store: Store;
  clock: Clock;
  audit: AuditSink;
  policy: HelpdeskPolicy;
}

interface HelpdeskRecord {
  sessionId: string;
  agentId: string;
  state: HelpdeskState;
  caller: { userId: string; login: string; status: string } | null;
  ticket: string | null;
  factorId: string | null;
  method: RecoveryMethod | null;
  phoneNumber: string | null;
  transactionId: string | null;
  correctAnswer: number | null;
  pushExpiresAt: number | null;
  lastPollAt: number | null;
  wrongCodes: number;
  failure: HelpdeskView['failure'];
}

const OUTCOMES: Partial<Record<ErrorCode, AuditOutcome>> = { ...COMMON_OUTCOMES, NOT_FOUND: 'failure', BAD_REQUEST: 'denied' };
const CODE_RE = /^\d{6,8}$/;
const TICKET_RE = /^[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?$/;
const keyOf = (sessionId: string): string => `helpdesk:${sessionId}`;
const pushSubject = (userId: string): string => `user:${userId}`;

/** A ticket reference as typed (trimmed, printable ASCII, at most 64), empty → null; anything else BAD_REQUEST. */
export function cleanTicket(raw: unknown): string | null {
  if (raw === undefined || raw === null) return null;
  const t = typeof raw === 'string' ? raw.trim() : null;
  if (t === null || (t !== '' && !TICKET_RE.test(t))) throw new PortalError('BAD_REQUEST', { detail: 'malformed ticket reference' });
  return t === '' ? null : t;
}

function fresh(sessionId: string, agentId: string): HelpdeskRecord {
  return {
    sessionId,
    agentId,
    state: 'idle',
    caller: null,
    ticket: null,
    factorId: null,
    method: null,
    phoneNumber: null,
    transactionId: null,
    correctAnswer: null,
    pushExpiresAt: null,
    lastPollAt: null,
    wrongCodes: 0,
    failure: null,
  };
}

function checkAgent(a: AgentContext): void {
  const ok = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 512;
  if (!a || !ok(a.agentId) || !ok(a.sessionId) || typeof a.agentLogin !== 'string' || !a.ctx) {
    throw new PortalError('BAD_REQUEST', { detail: 'malformed agent context' });
  }
}

function callerFactors(factors: IdpFactor[]): CallerFactor[] {
  return factors
    // Email is not offered: it proves only access to a mailbox (see challenge).
    .filter((f): f is IdpFactor & { method: RecoveryMethod } => f.status === 'ACTIVE' && f.method !== null && f.method !== 'email')
    .map((f) => (f.phoneNumber !== undefined ? { id: f.id, method: f.method, hint: maskPhone(f.phoneNumber) } : { id: f.id, method: f.method }));
}

export function createHelpdeskService(deps: HelpdeskDeps): HelpdeskService {
  const { store, clock, policy, idp } = deps;
  const limiter = new Limiter(store, clock);
  const guardEnv: CodeGuardEnv & { limiter: Limiter } = { store, clock, limiter, policy };
  const sendEnv = { store, clock, limiter, policy };
  const mutex = new KeyedMutex();
  const audited = createAudited({ audit: deps.audit, clock, area: 'helpdesk', outcomes: OUTCOMES });
  const ttlMs = Math.max(policy.recordTtlSeconds, 60) * 1000;

  const load = async (a: AgentContext): Promise<HelpdeskRecord> => {
    const r = await store.get<HelpdeskRecord>(keyOf(a.sessionId));
    return r !== null && r.agentId === a.agentId ? r : fresh(a.sessionId, a.agentId);
  };
  const save = (r: HelpdeskRecord): Promise<void> => store.set(keyOf(r.sessionId), r, ttlMs);

  const agentDetail = (a: AgentContext, rec: HelpdeskRecord): string =>
    `agent=${a.agentLogin} (${a.agentId})${rec.ticket ? `; ticket=${rec.ticket}` : ''}`;

  /** Serialises per session, loads the record, notes the caller and agent, runs the step, audits the call. */
  function run<T>(action: string, a: AgentContext, fn: (rec: HelpdeskRecord, note: AuditNote) => Promise<T>): Promise<T> {
    checkAgent(a);
    return mutex.run(a.sessionId, async () => {
      const rec = await load(a);
      const note: AuditNote = {
        login: rec.caller?.login ?? null,
        userId: rec.caller?.userId ?? null,
        method: rec.method,
        detail: agentDetail(a, rec),
      };
      return audited(action, a.ctx, note, (n) => fn(rec, n));
    });
  }

  /** The attempt budgets of the agent (and its address) and, once known, of the caller. */
  const countAttempt = async (a: AgentContext, callerId: string | null): Promise<void> => {
    const { perLogin, perIp } = policy.limits;
    await limiter.hitEach([
      { bucket: 'ip', subject: `desk:${a.ctx.ip}`, w: perIp },
      { bucket: 'login', subject: `desk:agent:${a.agentId}`, w: perLogin },
      ...(callerId !== null ? [{ bucket: 'login' as const, subject: `desk:caller:${callerId}`, w: perLogin }] : []),
    ]);
  };

  /** Writes the verification's result record. */
  const result = async (a: AgentContext, rec: HelpdeskRecord, outcome: HelpdeskOutcome, why: string): Promise<void> => {
    try {
      await deps.audit.record({
        at: clock.now(),
        action: 'helpdesk.result',
        outcome: outcome === 'verified' ? 'success' : 'failure',
        login: rec.caller?.login ?? null,
        userId: rec.caller?.userId ?? null,
        method: rec.method,
        ip: a.ctx.ip,
        requestId: a.ctx.requestId,
        detail: `${agentDetail(a, rec)}; ${outcome}: ${why}`,
      });
    } catch {
      // the audit adapter reports its own failures
    }
  };

  const requireCaller = (rec: HelpdeskRecord): { userId: string; login: string; status: string } => {
    if (rec.caller === null) throw new PortalError('WRONG_STEP', { detail: 'help desk: no caller looked up' });
    return rec.caller;
  };

  async function poll(a: AgentContext, rec: HelpdeskRecord, note: AuditNote): Promise<HelpdeskLive> {
    const now = clock.now();
    const caller = requireCaller(rec);
    const fail = async (event: 'push-rejected' | 'push-timed-out', why: 'rejected' | 'expired'): Promise<HelpdeskLive> => {
      note.quiet = false;
      note.detail = appendDetail(note.detail, `push ${why}`);
      if (why === 'rejected') note.outcome = 'denied';
      rec.state = helpdeskNext(rec.state, event);
      rec.failure = why;
      await save(rec);
      await result(a, rec, 'failed', `push ${why}`);
      return 'failed';
    };
    if (rec.pushExpiresAt === null || now >= rec.pushExpiresAt) return fail('push-timed-out', 'expired');
    if (rec.lastPollAt !== null && now - rec.lastPollAt < policy.pushPollIntervalSeconds * 1000) return 'waiting';
    rec.lastPollAt = now;
    if (rec.factorId === null || rec.transactionId === null) throw new PortalError('WRONG_STEP', { detail: 'no push transaction' });
    let answer;
    try {
      answer = await idp.pollPush(caller.userId, rec.factorId, rec.transactionId);
    } catch (e) {
      note.quiet = false;
      await save(rec);
      throw e;
    }
    switch (answer) {
      case 'approved':
        note.quiet = false;
        note.detail = appendDetail(note.detail, 'push approved');
        rec.state = helpdeskNext(rec.state, 'push-approved');
        await save(rec);
        await result(a, rec, 'verified', 'push approved with number matching');
        return 'verified';
      case 'rejected':
        await limiter.block('push-block', pushSubject(caller.userId), policy.pushRejectedCooldownSeconds ?? DEFAULT_PUSH_REJECTED_COOLDOWN_SECONDS);
        return fail('push-rejected', 'rejected');
      case 'timeout':
        return fail('push-timed-out', 'expired');
      default:
        rec.state = helpdeskNext(rec.state, 'push-pending');
        await save(rec);
        return 'waiting';
    }
  }

  return {
    lookup: (a, rawLogin, rawTicket) =>
      run('lookup', a, async (rec, note) => {
        const login = typeof rawLogin === 'string' ? rawLogin.trim() : '';
        if (login === '' || login.length > 256) throw new PortalError('BAD_REQUEST', { detail: 'malformed login' });
        const ticket = cleanTicket(rawTicket);
        note.login = login;
        note.userId = null;
        note.method = null;
        note.detail = agentDetail(a, { ...rec, ticket });
        await countAttempt(a, null);
        helpdeskNext(rec.state, 'lookup'); // refused before any IdP call when not allowed
        const user = await idp.findUser(login);
        if (user === null) throw new PortalError('NOT_FOUND', { message: 'No account has this login.', detail: 'help desk: no such login' });
        note.login = user.login;
        note.userId = user.id;
        const factors = callerFactors(await idp.listFactors(user.id));
        const next: HelpdeskRecord = { ...fresh(a.sessionId, a.agentId), caller: { userId: user.id, login: user.login, status: user.status }, ticket };
        next.state = helpdeskNext(rec.state, 'lookup');
        note.detail = appendDetail(note.detail, `${factors.length} usable method(s)`);
        await save(next);
        return { login: user.login, status: user.status, factors };
      }),

    challenge: (a, factorId) =>
      run('challenge', a, async (rec, note) => {
        const caller = requireCaller(rec);
        const factor = (await idp.listFactors(caller.userId)).find((f) => f.id === factorId);
        if (factor === undefined) throw new PortalError('NOT_FOUND', { detail: "factor is not one of the caller's" });
        const method = factor.method;
        note.method = method;
        if (factor.status !== 'ACTIVE' || method === null) throw new PortalError('METHOD_NOT_AVAILABLE', { detail: `factor ${factor.status}` });
        // Email proves only access to a mailbox (often behind the same password): not enough to vouch for a caller.
        if (method === 'email') throw new PortalError('METHOD_NOT_AVAILABLE', { detail: 'email does not verify a caller' });
        const event = method === 'push' ? 'challenge-push' : 'challenge-code';
        helpdeskNext(rec.state, event);
        await countAttempt(a, caller.userId);
        const next: HelpdeskRecord = { ...fresh(a.sessionId, a.agentId), caller, ticket: rec.ticket, factorId: factor.id, method };
        let out: HelpdeskChallenge;
        if (method === 'sms' || method === 'call') {
          const phone = factor.phoneNumber ?? `factor:${factor.id}`;
          await guardedSend(sendEnv, { method, requester: phone, phone, send: () => idp.sendChallenge(caller.userId, factor.id, a.ctx) });
          next.phoneNumber = factor.phoneNumber ?? null;
          out = { kind: 'code-sent', method, hint: factor.phoneNumber ? maskPhone(factor.phoneNumber) : '•••' };
        } else if (method === 'push') {
          await limiter.checkBlock('push-block', pushSubject(caller.userId));
          await limiter.hit('push', pushSubject(caller.userId), policy.limits.pushPerUser);
          const now = clock.now();
          const started = await idp.startPush(caller.userId, factor.id, a.ctx);
          next.transactionId = started.transactionId;
          next.correctAnswer = started.correctAnswer;
          next.pushExpiresAt = Math.min(started.expiresAt, now + PUSH_MAX_LIFETIME_MS);
          next.lastPollAt = now;
          out = { kind: 'push-waiting', correctAnswer: next.correctAnswer, expiresAt: next.pushExpiresAt };
        } else {
          out = { kind: 'code-ready', method };
        }
        next.state = helpdeskNext(rec.state, event);
        await save(next);
        return out;
      }),

    verify: (a, rawCode) =>
      run('verify', a, async (rec, note) => {
        const caller = requireCaller(rec);
        helpdeskNext(rec.state, 'code-accepted');
        const code = typeof rawCode === 'string' ? rawCode.replace(/\s+/g, '') : '';
        if (!CODE_RE.test(code)) throw new PortalError('INVALID_CODE', { detail: 'malformed code' });
        await countAttempt(a, caller.userId);
        const factorId = rec.factorId;
        if (factorId === null) throw new PortalError('WRONG_STEP', { detail: 'no factor chosen' });
        const check = await verifyWithinBudget(guardEnv, caller.userId, undefined, () => idp.verifyPasscode(caller.userId, factorId, code, a.ctx));
        if (check === 'accepted') {
          rec.state = helpdeskNext(rec.state, 'code-accepted');
          await save(rec);
          await result(a, rec, 'verified', 'code accepted');
          return 'verified';
        }
        if (check === 'refused' || check === 'locked') {
          rec.state = helpdeskNext(rec.state, 'code-refused');
          rec.failure = 'locked';
          await save(rec);
          note.outcome = 'denied';
          note.detail = appendDetail(note.detail, check === 'refused' ? 'IdP code budget spent: not sent to the IdP' : 'factor locked at the IdP');
          await result(a, rec, 'failed', check === 'refused' ? 'code budget spent' : 'factor locked');
          return 'failed';
        }
        rec.wrongCodes += 1;
        const capReached = rec.wrongCodes >= policy.maxWrongCodes;
        rec.state = helpdeskNext(rec.state, 'code-rejected', { wrongCodeCapReached: capReached });
        note.detail = appendDetail(note.detail, `wrong code ${rec.wrongCodes}/${policy.maxWrongCodes}`);
        if (capReached) {
          rec.failure = 'wrong-codes';
          await save(rec);
          note.outcome = 'failure';
          await result(a, rec, 'failed', 'too many wrong codes');
          return 'failed';
        }
        await save(rec);
        throw new PortalError('INVALID_CODE', { detail: `wrong code ${rec.wrongCodes}/${policy.maxWrongCodes}` });
      }),

    status: (a) =>
      run('status', a, async (rec, note) => {
        note.quiet = true;
        switch (rec.state) {
          case 'verified':
            return 'verified';
          case 'failed':
            return 'failed';
          case 'challenged-push':
            return poll(a, rec, note);
          default:
            throw new PortalError('WRONG_STEP', { detail: `help desk: no push in state ${rec.state}` });
        }
      }),

    view: async (a) => {
      checkAgent(a);
      const rec = await load(a);
      let caller: CallerView | null = null;
      if (rec.caller !== null) {
        const factors = rec.state === 'looked-up' || rec.state === 'verified' || rec.state === 'failed' ? callerFactors(await idp.listFactors(rec.caller.userId)) : [];
        caller = { login: rec.caller.login, status: rec.caller.status, factors };
      }
      return {
        state: rec.state,
        caller,
        method: rec.method,
        hint: rec.phoneNumber !== null ? maskPhone(rec.phoneNumber) : null,
        correctAnswer: rec.state === 'challenged-push' ? rec.correctAnswer : null,
        expiresAt: rec.state === 'challenged-push' ? rec.pushExpiresAt : null,
        ticket: rec.ticket,
        failure: rec.failure,
      };
    },
  };
}
