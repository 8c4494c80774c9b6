/**
 * Test doubles for the core's ports, shared by unit and HTTP tests.
 *
 * - FakeClock(startMs?): `now()`, `advance(ms)`, `set(ms)`. `sleep(ms)` advances the fake time at once and
 *   resolves (no real waiting, deterministic); every sleep is recorded in `sleeps` and summed in `slept`.
 * - SeededRandom(seed?): deterministic Random (mulberry32). Never use outside tests.
 * - FakeIdp({ clock?, latencyMs? }): in-memory IdentityProvider.
 *     addUser({ login, status?, id?, code?, factors: [{ method, id?, status?, phoneNumber? }] }) → IdpUser
 *     `calls` (op + userId, never secrets), `count(op?)`, `clearCalls()`;
 *     verifyPasscode accepts the user's `code` (default '123456');
 *     push: `setPushResult(userId, 'approved' | 'rejected' | 'timeout' | 'waiting')` answers the next polls;
 *       `pushCorrectAnswer` (default 42, null = no number matching), `pushLifetimeMs` (default 300 000);
 *     setPassword: refuses passwords shorter than `minPasswordLength` (8) with PASSWORD_POLICY + causes, stores the
 *       rest in `passwords`; `unlocked` / `revoked` record unlockUser / revokeSessions;
 *     `failNext(op, error, times = 1)` makes the next call(s) of `op` throw `error`;
 *     `latencyMs` (number or per op) sleeps on the clock in every call, so timing tests see IdP latency.
 * - MemoryAudit: `events`, `actions()`, `last()`. FakeNotifier: `changed`.
 * - testPolicy(overrides?) and createTestRecovery(opts?) build a RecoveryService on all of the above
 *   (with a MemoryStore), plus ctx(ip?) for request contexts.
 */
import { createRecoveryService } from '../../src/core/index.js';
import { PortalError } from '../../src/core/errors.js';
import type {
  AuditEvent,
  AuditSink,
  Clock,
  IdentityProvider,
  IdpFactor,
  IdpUser,
  Notifier,
  PushResult,
  PushStart,
  Random,
  RecoveryMethod,
  RequestContext,
  UserStatus,
} from '../../src/core/ports.js';
import type { RecoveryService } from '../../src/core/recovery/api.js';
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

export type IdpOp = keyof IdentityProvider;

export interface FakeUserSpec {
  login: string;
  id?: string;
  status?: UserStatus;
  /** The passcode verifyPasscode accepts (default '123456'). */
  code?: string;
  factors?: Array<{ method: RecoveryMethod | null; id?: string; status?: string; phoneNumber?: string }>;
}

interface FakeUser extends IdpUser {
  code: string;
  factors: IdpFactor[];
}

export class FakeIdp implements IdentityProvider {
  calls: Array<{ op: IdpOp; userId?: string }> = [];
  passwords = new Map<string, string>();
  unlocked: string[] = [];
  revoked: string[] = [];
  pushCorrectAnswer: number | null = 42;
  pushLifetimeMs = 300_000;
  minPasswordLength = 8;
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
      code: spec.code ?? '123456',
      factors: (spec.factors ?? []).map((f, i) => ({
        id: f.id ?? `${id}f${i}`,
        method: f.method,
        status: f.status ?? 'ACTIVE',
        ...(f.phoneNumber === undefined ? {} : { phoneNumber: f.phoneNumber }),
      })),
    };
    this.users.set(id, user);
    return { id, login: user.login, status: user.status, passwordChanged: null };
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
      if (u.login.toLowerCase() === l) return { id: u.id, login: u.login, status: u.status, passwordChanged: u.passwordChanged };
    }
    return null;
  }

  async listFactors(userId: string): Promise<IdpFactor[]> {
    await this.enter('listFactors', userId);
    return this.user(userId).factors.map((f) => ({ ...f }));
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
  changed: Array<{ id: string; login: string }> = [];
  passwordChanged(user: { id: string; login: string }): void {
    this.changed.push({ ...user });
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

export interface TestRecovery {
  service: RecoveryService;
  idp: FakeIdp;
  clock: FakeClock;
  random: SeededRandom;
  store: MemoryStore;
  audit: MemoryAudit;
  notifier: FakeNotifier;
  policy: RecoveryPolicy;
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
  const service = createRecoveryService(
    { idp, store, clock, random, audit, notifier, policy },
    opts.timing === undefined ? {} : { timing: opts.timing },
  );
  return { service, idp, clock, random, store, audit, notifier, policy };
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
