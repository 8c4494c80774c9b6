/**
 * Test doubles for the core's ports, shared by unit and HTTP tests.
 *
 * - FakeClock(startMs?): `now()`, `advance(ms)`, `set(ms)`. `sleep(ms)` advances the fake time at once and
 *   resolves (no real waiting, deterministic); every sleep is recorded in `sleeps` and summed in `slept`.
 * - SeededRandom(seed?): deterministic Random (mulberry32). Never use outside tests.
 * - FakeIdp({ clock?, latencyMs? }): in-memory IdentityProvider.
 *     addUser({ login, status?, id?, code?, groups?, factors: [{ method, id?, status?, phoneNumber? }] }) → IdpUser
 *     (groups by name; every user is also in Everyone; listGroups answers them)
 *     `calls` (op + userId, never secrets), `count(op?)`, `clearCalls()`;
 *     verifyPasscode accepts the user's `code` (default '123456');
 *     push: `setPushResult(userId, 'approved' | 'rejected' | 'timeout' | 'waiting')` answers the next polls;
 *       `pushCorrectAnswer` (default 42, null = no number matching), `pushLifetimeMs` (default 300 000);
 *     setPassword: refuses passwords shorter than `minPasswordLength` (8) with PASSWORD_POLICY + causes, stores the
 *       rest in `passwords` and sets passwordChanged (read by passwordChangedSince); `unlocked` / `revoked` record
 *       unlockUser / revokeSessions;
 *     `failNext(op, error, times = 1)` makes the next call(s) of `op` throw `error`;
 *     `latencyMs` (number or per op) sleeps on the clock in every call, so timing tests see IdP latency.
 *     Account side (AccountIdentityProvider): getFactors (factorType/provider derived from the method), enrollFactor
 *       (FACTOR_EXISTS on an ACTIVE factor of the type, a pending one is replaced; TOTP secret `totpSecret`, push
 *       QR `pushQr`, push activation lives `pushActivationMs`), activateFactor accepts `enrolCode` ('246810'),
 *       `activatePush(factorId)` plays the phone, resendEnrollment, pollPushActivation, unenrollFactor,
 *       changePassword (current password from the spec's `password`, default 'Current-Pass-1'; WRONG_CURRENT_PASSWORD
 *       / PASSWORD_POLICY like setPassword); `factorsOf(userId)` reads the factors back.
 * - createTestAccount(opts?) builds an AccountService over the same fakes; `account(user)` makes its context.
 * - MemoryAudit: `events`, `actions()`, `last()`. FakeNotifier: `notices`, `changed` (the password-reset ones).
 * - testPolicy(overrides?) and createTestRecovery(opts?) build a RecoveryService on all of the above
 *   (with a MemoryStore), plus ctx(ip?) for request contexts. `service` behaves like one browser per flow: it
 *   follows the handle rotations (challenge, verify) the way a cookie jar would, so tests can keep using the handle
 *   `start` returned; its `verify` expects the last required factor (`.ott` is there), `verifyStep` gives the raw
 *   answer (two-method flows); `raw` is the service itself, for tests of the rotation.
 */
import { createAccountService, createRecoveryService, defaultAccountPolicy } from '../../src/core/index.js';
import type { AccountContext, AccountService } from '../../src/core/account/api.js';
import type { AccountPolicy } from '../../src/core/account/policy.js';
import type { BreachCheck } from '../../src/core/breach.js';
import { PortalError } from '../../src/core/errors.js';
import type {
  AccountIdentityProvider,
  AuditEvent,
  AuditSink,
  Clock,
  IdentityProvider,
  IdpFactor,
  IdpFactorDetail,
  IdpGroup,
  IdpUser,
  PendingEnrolment,
  PushActivation,
  Notifier,
  PushResult,
  PushStart,
  Random,
  RecoveryMethod,
  RequestContext,
  SendChannel,
  SecurityNotice,
  UserStatus,
} from '../../src/core/ports.js';
import type { RecoveryService, VerifiedResult, VerifyResult } from '../../src/core/recovery/api.js';
import type { RecoveryPolicy } from '../../src/core/recovery/policy.js';
import type { TimingOptions } from '../../src/core/timing.js';
import { MemoryStore } from '../../src/store/memory.js';

export class FakeClock implements Clock {
  sleeps: number[] = [];
  constructor(private t = Date.UTC(2030, 0, 1, 12, 0, 0)) {}
  now(): number {
    return this.t;
  }
  advance(ms: number): void {
    this.t += ms;
  }
  set(ms: number): void {
    this.t = ms;
  }
  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.t += Math.max(0, ms);
  }
  get slept(): number {
    return this.sleeps.reduce((a, b) => a + b, 0);
  }
}

export class SeededRandom implements Random {
  constructor(private seed = 0x5eed) {}
  private next(): number {
    // mulberry32
    this.seed = (this.seed + 0x6d2b79f5) | 0;
    let x = this.seed;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = Math.floor(this.next() * 256);
    return out;
  }
  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }
}

export type IdpOp = keyof IdentityProvider | keyof AccountIdentityProvider;

export interface FakeUserSpec {
  login: string;
  id?: string;
  status?: UserStatus;
  /** The passcode verifyPasscode accepts (default '123456'). */
  code?: string;
  factors?: Array<{ method: RecoveryMethod | null; id?: string; status?: string; phoneNumber?: string; factorType?: string; provider?: string; email?: string }>;
  /** The current password changePassword checks (default 'Current-Pass-1'). */
  password?: string;
  /** The user's groups (listGroups); every user is also in Okta's built-in Everyone group. */
  groups?: string[];
  /** The profile's primary email (findUser reports it; default none). */
  email?: string;
}

interface FakeUser extends IdpUser {
  groups: IdpGroup[];
  code: string;
  password: string;
  factors: IdpFactorDetail[];
}

const FACTOR_TYPE: Record<RecoveryMethod, { factorType: string; provider: string }> = {
  sms: { factorType: 'sms', provider: 'OKTA' },
  call: { factorType: 'call', provider: 'OKTA' },
  email: { factorType: 'email', provider: 'OKTA' },
  push: { factorType: 'push', provider: 'OKTA' },
  'google-authenticator': { factorType: 'token:software:totp', provider: 'GOOGLE' },
  'okta-verify-code': { factorType: 'token:software:totp', provider: 'OKTA' },
};

export class FakeIdp implements IdentityProvider, AccountIdentityProvider {
  calls: Array<{ op: IdpOp; userId?: string }> = [];
  passwords = new Map<string, string>();
  unlocked: string[] = [];
  revoked: string[] = [];
  pushCorrectAnswer: number | null = 42;
  pushLifetimeMs = 300_000;
  minPasswordLength = 8;
  enrolCode = '246810';
  totpSecret = 'JBSWY3DPEHPK3PXP';
  pushQr: string | null = 'data:image/png;base64,iVBORw0KGgo=';
  pushActivationMs = 600_000;
  private readonly pushActivations = new Map<string, { expiresAt: number; active: boolean }>();
  private readonly users = new Map<string, FakeUser>();
  private readonly pushResults = new Map<string, PushResult>();
  private readonly failures: Array<{ op: IdpOp; error: unknown; times: number }> = [];
  private seq = 0;

  constructor(private readonly opts: { clock?: Clock; latencyMs?: number | Partial<Record<IdpOp, number>> } = {}) {}

  addUser(spec: FakeUserSpec): IdpUser {
    const id = spec.id ?? `00u${++this.seq}`;
    const user: FakeUser = {
      id,
      login: spec.login,
      status: spec.status ?? 'ACTIVE',
      passwordChanged: null,
      email: spec.email ?? null,
      code: spec.code ?? '123456',
      groups: [{ id: '00gEveryone', name: 'Everyone' }, ...(spec.groups ?? []).map((name, i) => ({ id: `00g${id}g${i}`, name }))],
      password: spec.password ?? 'Current-Pass-1',
      factors: (spec.factors ?? []).map((f, i) => ({
        id: f.id ?? `${id}f${i}`,
        method: f.method,
        status: f.status ?? 'ACTIVE',
        factorType: f.factorType ?? (f.method === null ? 'email' : FACTOR_TYPE[f.method].factorType),
        provider: f.provider ?? (f.method === null ? 'OKTA' : FACTOR_TYPE[f.method].provider),
        ...(f.phoneNumber === undefined ? {} : { phoneNumber: f.phoneNumber }),
        ...(f.email === undefined ? {} : { email: f.email }),
      })),
    };
    this.users.set(id, user);
    return { id, login: user.login, status: user.status, passwordChanged: null, email: user.email ?? null };
  }

  setPushResult(userId: string, result: PushResult): void {
    this.pushResults.set(userId, result);
  }

  failNext(op: IdpOp, error: unknown, times = 1): void {
    this.failures.push({ op, error, times });
  }

  count(op?: IdpOp): number {
    return op ? this.calls.filter((c) => c.op === op).length : this.calls.length;
  }

  clearCalls(): void {
    this.calls = [];
  }

  private async enter(op: IdpOp, userId?: string): Promise<void> {
    this.calls.push(userId === undefined ? { op } : { op, userId });
    const lat = this.opts.latencyMs;
    const ms = typeof lat === 'number' ? lat : (lat?.[op] ?? 0);
    if (ms > 0 && this.opts.clock) await this.opts.clock.sleep(ms);
    const f = this.failures.find((x) => x.op === op);
    if (f) {
      if (--f.times <= 0) this.failures.splice(this.failures.indexOf(f), 1);
      throw f.error;
    }
  }

  private user(userId: string): FakeUser {
    const u = this.users.get(userId);
    if (!u) throw new PortalError('IDP_UNAVAILABLE', { detail: 'fake: no such user id' });
    return u;
  }

  async findUser(login: string): Promise<IdpUser | null> {
    await this.enter('findUser');
    const l = login.toLowerCase();
    for (const u of this.users.values()) {
      if (u.login.toLowerCase() === l) return { id: u.id, login: u.login, status: u.status, passwordChanged: u.passwordChanged, email: u.email ?? null };
    }
    return null;
  }

  async listFactors(userId: string): Promise<IdpFactor[]> {
    await this.enter('listFactors', userId);
    return this.user(userId).factors.map((f) => {
      const out: IdpFactor = { id: f.id, method: f.method, status: f.status };
      if (f.phoneNumber !== undefined) out.phoneNumber = f.phoneNumber;
      if (f.method === 'email' && f.email !== undefined) out.email = f.email;
      return out;
    });
  }

  async listGroups(userId: string): Promise<IdpGroup[]> {
    await this.enter('listGroups', userId);
    return this.user(userId).groups.map((g) => ({ ...g }));
  }

  // --- AccountIdentityProvider ---------------------------------------------------------------------------------

  /** The user's factors as stored (for assertions). */
  factorsOf(userId: string): IdpFactorDetail[] {
    return this.user(userId).factors.map((f) => ({ ...f }));
  }

  private now(): number {
    return this.opts.clock?.now() ?? Date.now();
  }

  private factor(userId: string, factorId: string): IdpFactorDetail {
    const f = this.user(userId).factors.find((x) => x.id === factorId);
    if (!f) throw new PortalError('NOT_FOUND', { detail: 'fake: no such factor for this user' });
    return f;
  }

  async getFactors(userId: string): Promise<IdpFactorDetail[]> {
    await this.enter('getFactors', userId);
    return this.factorsOf(userId);
  }

  async enrollFactor(
    userId: string,
    method: RecoveryMethod,
    opts: { phoneNumber?: string; totpIssuer?: string; totpLabel?: string },
  ): Promise<PendingEnrolment> {
    await this.enter('enrollFactor', userId);
    if (method === 'email') throw new PortalError('METHOD_NOT_AVAILABLE', { detail: 'fake: email is not enrolled here' });
    const u = this.user(userId);
    const type = FACTOR_TYPE[method];
    const same = (f: IdpFactorDetail) => f.factorType === type.factorType && f.provider === type.provider;
    if (u.factors.some((f) => same(f) && f.status === 'ACTIVE')) throw new PortalError('FACTOR_EXISTS', { detail: 'fake: E0000001' });
    u.factors = u.factors.filter((f) => !same(f));
    const factor: IdpFactorDetail = { id: `${method.slice(0, 3)}${++this.seq}`, method, status: 'PENDING_ACTIVATION', ...type };
    if (method === 'sms' || method === 'call') {
      if (opts.phoneNumber === undefined) throw new PortalError('INVALID_PHONE_NUMBER', { detail: 'fake: no number' });
      factor.phoneNumber = opts.phoneNumber;
    }
    u.factors.push(factor);
    if (method === 'sms' || method === 'call') return { method, factorId: factor.id, phoneNumber: factor.phoneNumber ?? '' };
    if (method === 'push') {
      const expiresAt = this.now() + this.pushActivationMs;
      this.pushActivations.set(factor.id, { expiresAt, active: false });
      return { method, factorId: factor.id, qrDataUri: this.pushQr, expiresAt };
    }
    const label = `${opts.totpIssuer ?? ''}:${opts.totpLabel ?? ''}`;
    return { method, factorId: factor.id, sharedSecret: this.totpSecret, otpauthUri: `otpauth://totp/${encodeURIComponent(label)}?secret=${this.totpSecret}` };
  }

  async activateFactor(userId: string, factorId: string, passCode: string): Promise<IdpFactorDetail> {
    await this.enter('activateFactor', userId);
    const f = this.factor(userId, factorId);
    if (f.status !== 'PENDING_ACTIVATION') throw new PortalError('IDP_UNAVAILABLE', { detail: 'fake: not pending' });
    if (passCode !== this.enrolCode) throw new PortalError('INVALID_CODE', { detail: 'fake: wrong activation code' });
    f.status = 'ACTIVE';
    return { ...f };
  }

  async resendEnrollment(userId: string, factorId: string, _method: 'sms' | 'call', _phoneNumber: string): Promise<void> {
    await this.enter('resendEnrollment', userId);
    this.factor(userId, factorId);
  }

  /** The phone finishing a push enrolment. */
  activatePush(factorId: string): void {
    const a = this.pushActivations.get(factorId);
    if (a) a.active = true;
  }

  async pollPushActivation(userId: string, factorId: string): Promise<PushActivation> {
    await this.enter('pollPushActivation', userId);
    const f = this.factor(userId, factorId);
    const a = this.pushActivations.get(factorId);
    if (a?.active) f.status = 'ACTIVE';
    if (f.status === 'ACTIVE') return 'active';
    return a === undefined || this.now() >= a.expiresAt ? 'expired' : 'waiting';
  }

  async unenrollFactor(userId: string, factorId: string): Promise<void> {
    await this.enter('unenrollFactor', userId);
    const u = this.user(userId);
    this.factor(userId, factorId);
    u.factors = u.factors.filter((f) => f.id !== factorId);
  }

  async changePassword(userId: string, oldPassword: string, newPassword: string): Promise<void> {
    await this.enter('changePassword', userId);
    const u = this.user(userId);
    if (oldPassword !== u.password) throw new PortalError('WRONG_CURRENT_PASSWORD', { detail: 'fake: E0000014' });
    if (newPassword.length < this.minPasswordLength) {
      throw new PortalError('PASSWORD_POLICY', { causes: [`Password requirements: at least ${this.minPasswordLength} characters.`] });
    }
    u.password = newPassword;
    u.passwordChanged = new Date(this.now()).toISOString();
  }

  async sendChallenge(userId: string, _factorId: string, _ctx: RequestContext): Promise<void> {
    await this.enter('sendChallenge', userId);
  }

  async verifyPasscode(userId: string, _factorId: string, code: string, _ctx: RequestContext): Promise<void> {
    await this.enter('verifyPasscode', userId);
    if (code !== this.user(userId).code) throw new PortalError('INVALID_CODE', { detail: 'fake: wrong passcode' });
  }

  async startPush(userId: string, _factorId: string, _ctx: RequestContext): Promise<PushStart> {
    await this.enter('startPush', userId);
    this.pushResults.set(userId, 'waiting');
    const now = this.opts.clock?.now() ?? Date.now();
    return { transactionId: `v2mst.${++this.seq}`, correctAnswer: this.pushCorrectAnswer, expiresAt: now + this.pushLifetimeMs };
  }

  async pollPush(userId: string, _factorId: string, _transactionId: string): Promise<PushResult> {
    await this.enter('pollPush', userId);
    return this.pushResults.get(userId) ?? 'waiting';
  }

  async cancelPush(userId: string, _factorId: string, transactionId: string): Promise<void> {
    await this.enter('cancelPush', userId);
    this.cancelledPushes.push(transactionId);
  }

  /** Transaction ids of the pushes withdrawn through cancelPush, in order. */
  cancelledPushes: string[] = [];

  async setPassword(userId: string, password: string): Promise<void> {
    await this.enter('setPassword', userId);
    const u = this.user(userId);
    if (password.length < this.minPasswordLength) {
      throw new PortalError('PASSWORD_POLICY', {
        causes: [`Password requirements were not met. Password requirements: at least ${this.minPasswordLength} characters.`],
      });
    }
    this.passwords.set(userId, password);
    u.passwordChanged = new Date(this.opts.clock?.now() ?? Date.now()).toISOString();
    if (u.status === 'PASSWORD_EXPIRED' || u.status === 'RECOVERY') u.status = 'ACTIVE';
  }

  async passwordChangedSince(userId: string, since: string | null): Promise<boolean> {
    await this.enter('passwordChangedSince', userId);
    const changed = this.user(userId).passwordChanged;
    return changed !== null && (since === null || Date.parse(changed) > Date.parse(since));
  }

  async unlockUser(userId: string): Promise<void> {
    await this.enter('unlockUser', userId);
    const u = this.user(userId);
    if (u.status !== 'LOCKED_OUT') throw new PortalError('IDP_UNAVAILABLE', { detail: 'fake: E0000038 not locked' });
    u.status = 'ACTIVE';
    this.unlocked.push(userId);
  }

  async revokeSessions(userId: string): Promise<void> {
    await this.enter('revokeSessions', userId);
    this.revoked.push(userId);
  }

  suspended: string[] = [];
  async suspendUser(userId: string): Promise<void> {
    await this.enter('suspendUser', userId);
    this.suspended.push(userId);
    this.user(userId).status = 'SUSPENDED';
  }

  status(userId: string): UserStatus {
    return this.user(userId).status;
  }
}

export class MemoryAudit implements AuditSink {
  events: AuditEvent[] = [];
  record(event: AuditEvent): void {
    this.events.push(event);
  }
  actions(): string[] {
    return this.events.map((e) => `${e.action}:${e.outcome}`);
  }
  last(): AuditEvent | undefined {
    return this.events.at(-1);
  }
}

export class FakeNotifier implements Notifier {
  /** Every notice, in order. */
  notices: SecurityNotice[] = [];
  /** The users told of a password reset (the notices of kind password-reset). */
  changed: Array<{ id: string; login: string }> = [];
  notify(notice: SecurityNotice): void {
    this.notices.push({ ...notice });
    if (notice.kind === 'password-reset') this.changed.push({ id: notice.userId, login: notice.login });
  }
}

export function testPolicy(overrides: Partial<RecoveryPolicy> = {}): RecoveryPolicy {
  return {
    methods: ['push', 'okta-verify-code', 'google-authenticator', 'sms', 'call'],
    showEnrolledMethods: false,
    allowLockedOut: false,
    flowTtlSeconds: 900,
    ottTtlSeconds: 600,
    resendCooldownSeconds: 30,
    pushPollIntervalSeconds: 4,
    maxWrongCodesPerFlow: 5,
    limits: {
      perLogin: { max: 50, windowSeconds: 900 },
      perIp: { max: 100, windowSeconds: 900 },
      perDestination: { max: 20, windowSeconds: 3600 },
      globalSends: { max: 1000, windowSeconds: 3600 },
      pushPerUser: { max: 10, windowSeconds: 900 },
    },
    ...overrides,
  };
}

export function ctx(ip = '203.0.113.7', requestId = 'req-test'): RequestContext {
  return { ip, userAgent: 'test-agent/1.0', requestId };
}

/**
 * The service as a browser drives it: `verify` expects the last required factor (it fails the test on a
 * factor-verified answer, so one-method tests can read `.ott` directly); `verifyStep` gives the raw answer.
 */
export interface TestRecoveryService extends Omit<RecoveryService, 'verify'> {
  verify(input: Parameters<RecoveryService['verify']>[0]): Promise<VerifiedResult>;
  verifyStep(input: Parameters<RecoveryService['verify']>[0]): Promise<VerifyResult>;
}

export interface TestRecovery {
  service: TestRecoveryService;
  raw: RecoveryService;
  idp: FakeIdp;
  clock: FakeClock;
  random: SeededRandom;
  store: MemoryStore;
  audit: MemoryAudit;
  notifier: FakeNotifier;
  policy: RecoveryPolicy;
  /** Every send the service reported (its SendObserver), in order. */
  sends: SendChannel[];
}

/** A RecoveryService over fakes. `latencyMs` gives the FakeIdp latency on the fake clock. */
export function createTestRecovery(
  opts: { policy?: Partial<RecoveryPolicy>; latencyMs?: number | Partial<Record<IdpOp, number>>; seed?: number; timing?: TimingOptions } = {},
): TestRecovery {
  const clock = new FakeClock();
  const random = new SeededRandom(opts.seed);
  const idp = new FakeIdp({ clock, ...(opts.latencyMs === undefined ? {} : { latencyMs: opts.latencyMs }) });
  const store = new MemoryStore(clock);
  const audit = new MemoryAudit();
  const notifier = new FakeNotifier();
  const policy = testPolicy(opts.policy);
  const sends: SendChannel[] = [];
  const service = createRecoveryService(
    { idp, store, clock, random, audit, notifier, policy, sends: { sent: (c) => sends.push(c) } },
    opts.timing === undefined ? {} : { timing: opts.timing },
  );
  return { service: followHandles(service), raw: service, idp, clock, random, store, audit, notifier, policy, sends };
}

/** Wraps a RecoveryService so that a handle keeps working after the flow rotated it (a browser's cookie jar). */
export function followHandles(service: RecoveryService): TestRecoveryService {
  const latest = new Map<string, string>(); // flow id → newest handle
  const idOf = (handle: string) => handle.split('.')[0] ?? handle;
  const current = (handle: string) => latest.get(idOf(handle)) ?? handle;
  const remember = <T extends { handle?: string }>(r: T): T => {
    if (typeof r.handle === 'string') latest.set(idOf(r.handle), r.handle);
    return r;
  };
  return {
    start: (input) => service.start(input),
    challenge: async (input) => remember(await service.challenge({ ...input, handle: current(input.handle) })),
    verify: async (input) => {
      const r = remember(await service.verify({ ...input, handle: current(input.handle) }));
      if (!('ott' in r)) throw new Error('test expected the last factor, got factor-verified');
      return r;
    },
    verifyStep: async (input) => remember(await service.verify({ ...input, handle: current(input.handle) })),
    status: (input) => service.status({ ...input, handle: current(input.handle) }),
    setPassword: (input) => service.setPassword({ ...input, handle: current(input.handle) }),
    unlock: (input) => service.unlock({ ...input, handle: current(input.handle) }),
    // The replaced handle itself is the point of resume: passed as given.
    resume: async (input) => remember(await service.resume(input)),
    passwordRules: () => service.passwordRules(),
    cancel: (input) => service.cancel({ ...input, handle: current(input.handle) }),
  };
}

/** A user with every method enrolled (SMS and voice on `phone`, default +1 555 010 0100). */
export function addFullUser(
  idp: FakeIdp,
  login = 'alice@example.com',
  status: UserStatus = 'ACTIVE',
  phone = '+15550100100',
): IdpUser {
  return idp.addUser({
    login,
    status,
    factors: [
      { method: 'sms', phoneNumber: phone },
      { method: 'call', phoneNumber: phone },
      { method: 'push' },
      { method: 'google-authenticator' },
      { method: 'okta-verify-code' },
      { method: null },
    ],
  });
}

export interface TestAccount {
  service: AccountService;
  idp: FakeIdp;
  clock: FakeClock;
  store: MemoryStore;
  audit: MemoryAudit;
  policy: AccountPolicy;
  notifier: FakeNotifier;
  /** The AccountContext of `user` in session `sessionId` (default 'sess-1'). */
  account(user: IdpUser, sessionId?: string, ip?: string): AccountContext;
}

/** An AccountService over fakes (FakeIdp, FakeClock, MemoryStore, MemoryAudit). */
export function createTestAccount(opts: { policy?: Partial<AccountPolicy>; seed?: number; breach?: BreachCheck } = {}): TestAccount {
  const clock = new FakeClock();
  const idp = new FakeIdp({ clock });
  const store = new MemoryStore(clock);
  const audit = new MemoryAudit();
  const notifier = new FakeNotifier();
  const policy = defaultAccountPolicy({ totpIssuer: 'Example Org', ...opts.policy });
  const service = createAccountService({
    idp,
    store,
    clock,
    random: new SeededRandom(opts.seed),
    audit,
    policy,
    notifier,
    ...(opts.breach ? { breach: opts.breach } : {}),
  });
  return {
    service,
    idp,
    clock,
    store,
    audit,
    policy,
    notifier,
    account: (user, sessionId = 'sess-1', ip = '203.0.113.7') => ({
      userId: user.id,
      login: user.login,
      email: user.email ?? null,
      sessionId,
      ctx: ctx(ip),
    }),
  };
}
