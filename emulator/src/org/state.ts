// The whole mutable org: users with their factors, push transactions, the outbox and send cooldowns. Rules: built
// from a prepared seed (ids, TOTP secrets and password hashes fixed once, so reset() is cheap and reproducible);
// lookups by id, URL-decoded login (case-insensitive) or unambiguous login short name; `me` is resolved by callers.
import type { Clock } from '../clock.js';
import { oktaId, base62 } from '../ids.js';
import type { ParsedSeed, PasswordHashing, PasswordPolicy, RateLimitRule, SeedFactor, SeedUser } from '../seed/schema.js';
import type { FactorProvider, FactorRecord, FactorType, GroupRecord, OutboxMessage, PushTransaction, ReceivedMail, UserRecord } from './model.js';
import { hashPasswordSync } from './passwords.js';
import { SECURITY_QUESTIONS, hashAnswerSync } from './recovery.js';
import { newTotpSecret } from './totp.js';

const DAY = 86_400_000;

interface PreparedUser {
  seed: SeedUser;
  id: string;
  factorIds: string[];
  secrets: (string | null)[];
  passwordHash: string | null;
  historyHashes: string[];
  /** Hashes of the recovery answer and of each question factor's answer (null where there is none). */
  recoveryAnswerHash: string | null;
  answerHashes: (string | null)[];
}

export interface PreparedSeed {
  parsed: ParsedSeed;
  users: PreparedUser[];
  /** Group ids fixed once: Everyone first, then the seed's groups in order. */
  groupIds: string[];
}

const FACTOR_KIND: Record<SeedFactor['type'], { factorType: FactorType; provider: FactorProvider; prefix: string }> = {
  sms: { factorType: 'sms', provider: 'OKTA', prefix: 'sms' },
  call: { factorType: 'call', provider: 'OKTA', prefix: 'clf' },
  email: { factorType: 'email', provider: 'OKTA', prefix: 'emf' },
  push: { factorType: 'push', provider: 'OKTA', prefix: 'opf' },
  'google-totp': { factorType: 'token:software:totp', provider: 'GOOGLE', prefix: 'ost' },
  'okta-totp': { factorType: 'token:software:totp', provider: 'OKTA', prefix: 'ost' },
  question: { factorType: 'question', provider: 'OKTA', prefix: 'ufs' },
};

export function factorIdPrefix(factorType: FactorType): string {
  return { sms: 'sms', call: 'clf', email: 'emf', push: 'opf', 'token:software:totp': 'ost', question: 'ufs' }[factorType];
}

/** Hashes the seed's passwords once; the same password within one seed shares one hash computation. */
export function prepareSeed(parsed: ParsedSeed): PreparedSeed {
  const cache = new Map<string, string>();
  const hash = (pw: string): string => {
    let h = cache.get(pw);
    if (!h) cache.set(pw, (h = hashPasswordSync(pw, parsed.passwordHashing)));
    return h;
  };
  return {
    parsed,
    users: parsed.users.map((seed) => ({
      seed,
      id: seed.id ?? oktaId('00u'),
      factorIds: seed.factors.map((f) => f.id ?? oktaId(FACTOR_KIND[f.type].prefix)),
      secrets: seed.factors.map((f) => (f.type.endsWith('-totp') ? (f.secret ?? newTotpSecret()) : null)),
      passwordHash: seed.password ? hash(seed.password) : null,
      historyHashes: seed.passwordHistory.map(hash),
      recoveryAnswerHash: seed.recoveryQuestion ? hashAnswerSync(seed.recoveryQuestion.answer, parsed.passwordHashing) : null,
      answerHashes: seed.factors.map((f) => (f.answer ? hashAnswerSync(f.answer, parsed.passwordHashing) : null)),
    })),
    groupIds: [oktaId('00g'), ...parsed.groups.map((g) => g.id ?? oktaId('00g'))],
  };
}

export class OrgState {
  users = new Map<string, UserRecord>();
  /** Everyone first, then the seed's groups (emulator/src/routes/users.ts lists a user's). */
  groups: GroupRecord[] = [];
  transactions = new Map<string, PushTransaction>();
  outbox: OutboxMessage[] = [];
  /** Mail received by the SMTP listener (the portal's notifications), oldest first, at most MAILBOX_LIMIT. */
  mailbox: ReceivedMail[] = [];
  /** Last send time per cooldown key (`sms:+1555...`, `call:+1555...`, `email:<factorId>`). */
  lastSent = new Map<string, number>();
  tokenOwnerId: string | null = null;
  /** When the org (its default user type and schema) was created: 30 days before the last reset, like the users. */
  orgCreated = 0;

  constructor(
    readonly seed: PreparedSeed,
    readonly clock: Clock,
  ) {
    this.reset();
  }

  get policy(): PasswordPolicy {
    return this.seed.parsed.passwordPolicy;
  }
  get passwordHashing(): PasswordHashing {
    return this.seed.parsed.passwordHashing;
  }
  get factorLockoutAttempts(): number {
    return this.seed.parsed.factorLockoutAttempts;
  }
  get showLockoutFailures(): boolean {
    return this.seed.parsed.showLockoutFailures;
  }
  get rateLimits(): RateLimitRule[] {
    return this.seed.parsed.rateLimits;
  }
  get defaultRateLimit(): { limit: number; windowSeconds: number } {
    return this.seed.parsed.defaultRateLimit;
  }

  reset(): void {
    this.users.clear();
    this.transactions.clear();
    this.outbox = [];
    this.mailbox = [];
    this.lastSent.clear();
    const now = this.clock.now();
    this.orgCreated = now - 30 * DAY;
    for (const p of this.seed.users) this.users.set(p.id, this.buildUser(p, now));
    this.groups = this.buildGroups(now);
    const owner = this.seed.parsed.apiTokenOwner;
    this.tokenOwnerId = owner ? (this.findByLogin(owner)?.id ?? null) : null;
  }

  private buildGroups(now: number): GroupRecord[] {
    const created = now - 60 * DAY;
    const [everyoneId = oktaId('00g'), ...ids] = this.seed.groupIds;
    const everyone: GroupRecord = {
      id: everyoneId,
      type: 'BUILT_IN',
      name: 'Everyone',
      description: 'All users in your organization',
      created,
      lastUpdated: created,
      lastMembershipUpdated: created,
      members: new Set(),
    };
    const seeded = this.seed.parsed.groups.map((g, i): GroupRecord => ({
      id: ids[i] ?? oktaId('00g'),
      type: 'OKTA_GROUP',
      name: g.name,
      description: g.description ?? '',
      created,
      lastUpdated: created,
      lastMembershipUpdated: created,
      members: new Set(g.members.map((login) => this.findByLogin(login)?.id).filter((id): id is string => id !== undefined)),
    }));
    // The seed names groups two ways: `groups` (with members) and a user's own `groups` list (names, e.g. for the
    // ID token's claim). Both are one set of groups: a name only users list becomes a group of its own, and every
    // membership shows in both places (GET /users/{id}/groups and the claim).
    const byName = new Map(seeded.map((g) => [g.name.toLowerCase(), g] as const));
    for (const user of this.users.values()) {
      for (const name of user.groups) {
        let g = byName.get(name.toLowerCase());
        if (!g) {
          let id = this.userNamedGroupIds.get(name.toLowerCase());
          if (id === undefined) this.userNamedGroupIds.set(name.toLowerCase(), (id = oktaId('00g')));
          g = { id, type: 'OKTA_GROUP', name, description: '', created, lastUpdated: created, lastMembershipUpdated: created, members: new Set() };
          byName.set(name.toLowerCase(), g);
          seeded.push(g);
        }
        g.members.add(user.id);
      }
    }
    for (const g of seeded) {
      for (const id of g.members) {
        const user = this.users.get(id);
        if (user && !user.groups.some((n) => n.toLowerCase() === g.name.toLowerCase())) user.groups.push(g.name);
      }
    }
    return [everyone, ...seeded];
  }

  /** Ids of the groups only users' own `groups` lists name: fixed once, like the seed's (groupIds). */
  private readonly userNamedGroupIds = new Map<string, string>();

  /** The groups `user` belongs to: Everyone, then the seeded groups that list it. */
  groupsOf(user: UserRecord): GroupRecord[] {
    return this.groups.filter((g) => g.type === 'BUILT_IN' || g.members.has(user.id));
  }

  private buildUser(p: PreparedUser, now: number): UserRecord {
    const s = p.seed;
    const created = now - 30 * DAY;
    const profile: Record<string, unknown> = {
      firstName: s.firstName,
      lastName: s.lastName,
      mobilePhone: s.mobilePhone ?? null,
      secondEmail: s.secondEmail ?? null,
      login: s.login,
      email: s.email ?? (s.login.includes('@') ? s.login : `${s.login}@example.com`),
    };
    const user: UserRecord = {
      id: p.id,
      status: s.status,
      created,
      activated: s.status === 'STAGED' ? null : created,
      statusChanged: s.status === 'STAGED' ? null : created,
      lastLogin: null,
      lastUpdated: created,
      passwordChanged: p.passwordHash ? now - 10 * DAY : null,
      profile,
      passwordHash: p.passwordHash,
      passwordHistory: p.passwordHash ? [p.passwordHash, ...p.historyHashes] : [...p.historyHashes],
      mfaRequired: s.mfaRequired,
      groups: [...s.groups],
      factors: [],
      failedLogins: 0,
      sessions: new Set(),
      recoveryToken: null,
      recoveryQuestion: s.recoveryQuestion && p.recoveryAnswerHash ? { question: s.recoveryQuestion.question, answerHash: p.recoveryAnswerHash } : null,
    };
    s.factors.forEach((f, i) => {
      const kind = FACTOR_KIND[f.type];
      const factor = newFactorRecord(p.factorIds[i] ?? oktaId(kind.prefix), user, kind.factorType, kind.provider, created);
      factor.status = f.status;
      factor.secret = p.secrets[i] ?? null;
      if (f.type === 'sms' || f.type === 'call') factor.profile = { phoneNumber: f.phoneNumber ?? '' };
      if (f.type === 'email') factor.profile = { email: f.email ?? String(profile.email) };
      if (kind.factorType === 'token:software:totp') factor.profile = { credentialId: s.login };
      if (f.type === 'question') {
        const q = SECURITY_QUESTIONS.find((x) => x.question === f.question);
        factor.profile = { question: q?.question ?? '', questionText: q?.questionText ?? '' };
        factor.answerHash = p.answerHashes[i] ?? undefined;
      }
      if (f.type === 'push') {
        factor.profile = f.status === 'ACTIVE' ? pushDeviceProfile(s.login, f.deviceName) : {};
        if (f.status !== 'ACTIVE') factor.pushActivationExpiresAt = now + PUSH_ACTIVATION_SECONDS * 1000;
      }
      if (f.status !== 'ACTIVE' && (f.type === 'push' || kind.factorType === 'token:software:totp')) factor.qrToken = base62(40);
      user.factors.push(factor);
    });
    return user;
  }

  findById(id: string): UserRecord | undefined {
    return this.users.get(id);
  }

  findByLogin(login: string): UserRecord | undefined {
    const key = login.toLowerCase();
    for (const u of this.users.values()) if (String(u.profile.login).toLowerCase() === key) return u;
    return undefined;
  }

  /** Okta's pathId: an id, a login, or a login short name if unambiguous. */
  findUser(idOrLogin: string): UserRecord | undefined {
    const byId = this.users.get(idOrLogin) ?? this.findByLogin(idOrLogin);
    if (byId || idOrLogin.includes('@')) return byId;
    const key = idOrLogin.toLowerCase();
    const matches = [...this.users.values()].filter((u) => String(u.profile.login).toLowerCase().split('@')[0] === key);
    return matches.length === 1 ? matches[0] : undefined;
  }

  findFactor(factorId: string): { user: UserRecord; factor: FactorRecord } | undefined {
    for (const user of this.users.values()) {
      const factor = user.factors.find((f) => f.id === factorId);
      if (factor) return { user, factor };
    }
    return undefined;
  }

  sortedUsers(): UserRecord[] {
    return [...this.users.values()];
  }
}

export const PUSH_ACTIVATION_SECONDS = 600;

export function pushDeviceProfile(login: string, deviceName?: string): Record<string, string> {
  return {
    credentialId: login,
    deviceType: 'SmartPhone_Emulated',
    name: deviceName ?? 'Emulated phone',
    platform: 'EMULATOR',
    version: '9.0',
  };
}

export function newFactorRecord(
  id: string,
  user: UserRecord,
  factorType: FactorType,
  provider: FactorProvider,
  now: number,
): FactorRecord {
  return {
    id,
    userId: user.id,
    factorType,
    provider,
    status: 'PENDING_ACTIVATION',
    created: now,
    lastUpdated: now,
    profile: {},
    secret: null,
    lastTotpStep: null,
    pending: null,
    consecutiveFailures: 0,
    locked: false,
    pushActivationExpiresAt: null,
    qrToken: null,
  };
}
