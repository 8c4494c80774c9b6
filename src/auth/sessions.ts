/**
 * Server-side sessions of signed-in users, in the store.
 * Rules:
 * - The cookie carries a 256-bit random token; the store keeps the record under `session:<sha256(token)>` and never
 *   the token itself (like the recovery flow handle), so a store dump cannot be replayed as a cookie. A value not
 *   shaped like a token is refused without touching the store.
 * - A session ends at the earliest of its absolute lifetime (createdAt + ttl) and its idle limit (lastSeenAt + idle);
 *   the store entry's TTL follows the same bound, so an ended session is gone from the store too.
 * - lastSeenAt is refreshed at most once per `touchEverySeconds` (not on every request: a write per request would
 *   cost more than it proves).
 * - `sid` is a separate random, non-secret id: what the account core keys its state on and what audit lines carry.
 * - A new sign-in always gets a new token (the caller destroys any earlier session first: no session fixation).
 * - A password reset or change ends the user's earlier sessions (issue 11, item 8): endUserSessions writes
 *   `session-cut:<userId>` = { at, keep } for as long as a session can live; resolve refuses (and deletes) every
 *   session of that user created at or before `at`, except the one whose sid is `keep` (the session that made a
 *   signed-in change). One more store read per resolve; there is no per-user index of sessions to walk.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock, PortalSessions, Store } from '../core/ports.js';

export interface SessionRecord {
  /** Non-secret session id (for the account core's state and for audit). */
  sid: string;
  /** Okta user id (the ID token's sub). */
  userId: string;
  login: string;
  name: string | null;
  /** The ID token's group names at sign-in (absent in sessions created before groups were kept: none). */
  groups?: string[];
  /** The ID token's email claim (notifications go there); absent in sessions created before it existed. */
  email?: string | null;
  /** For the end-session request's id_token_hint; never sent to the browser. */
  idToken: string | null;
  createdAt: number;
  lastSeenAt: number;
  /** sha256 of the token, compared in constant time on read (defence in depth next to the keyed lookup). */
  tokenHash: string;
}

export interface SessionSettings {
  ttlSeconds: number;
  idleSeconds: number;
}

export interface SessionManager extends PortalSessions {
  readonly settings: SessionSettings;
  create(user: {
    userId: string;
    login: string;
    name: string | null;
    email?: string | null;
    idToken: string | null;
    groups?: string[];
  }): Promise<{ token: string; session: SessionRecord }>;
  /** The live session for a cookie value, or null (unknown, malformed, expired, idle too long). */
  resolve(token: string | undefined | null): Promise<SessionRecord | null>;
  /** Ends a session; returns it when it existed. */
  destroy(token: string | undefined | null): Promise<SessionRecord | null>;
  /** Epoch ms when this session ends unless used again. */
  endsAt(session: SessionRecord): number;
}

const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;
const KEY_PREFIX = 'session:';
const cutKey = (userId: string): string => `session-cut:${userId}`;

/** Sessions of the user created at or before `at` have ended, except `keep`. */
interface SessionCut {
  at: number;
  keep: string | null;
}

export function isSessionToken(v: unknown): v is string {
  return typeof v === 'string' && TOKEN_RE.test(v);
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}

function sameHash(a: string, b: string): boolean {
  const ba = Buffer.from(a);
  const bb = Buffer.from(b);
  return ba.length === bb.length && timingSafeEqual(ba, bb);
}

export function createSessionManager(deps: {
  store: Store;
  clock: Clock;
  settings: SessionSettings;
  /** Random bytes (tests inject a deterministic source). */
  randomBytes?: (n: number) => Uint8Array;
  touchEverySeconds?: number;
}): SessionManager {
  const { store, clock, settings } = deps;
  const rand = deps.randomBytes ?? ((n: number) => new Uint8Array(randomBytes(n)));
  const touchMs = Math.min(deps.touchEverySeconds ?? 60, settings.idleSeconds / 4) * 1000;
  const endsAt = (s: SessionRecord) =>
    Math.min(s.createdAt + settings.ttlSeconds * 1000, s.lastSeenAt + settings.idleSeconds * 1000);
  const save = (key: string, s: SessionRecord) => store.set(key, s, Math.max(1, endsAt(s) - clock.now()));

  return {
    settings,
    endsAt,

    async create(user) {
      const token = Buffer.from(rand(32)).toString('base64url');
      const now = clock.now();
      const tokenHash = sha256(token);
      const session: SessionRecord = {
        sid: Buffer.from(rand(16)).toString('base64url'),
        userId: user.userId,
        login: user.login,
        name: user.name,
        ...(user.groups && user.groups.length > 0 ? { groups: [...user.groups] } : {}),
        email: user.email ?? null,
        idToken: user.idToken,
        createdAt: now,
        lastSeenAt: now,
        tokenHash,
      };
      await save(KEY_PREFIX + tokenHash, session);
      return { token, session };
    },

    async resolve(token) {
      if (!isSessionToken(token)) return null;
      const tokenHash = sha256(token);
      const key = KEY_PREFIX + tokenHash;
      const s = await store.get<SessionRecord>(key);
      if (!s || typeof s.tokenHash !== 'string' || !sameHash(s.tokenHash, tokenHash)) return null;
      const now = clock.now();
      const cut = await store.get<SessionCut>(cutKey(s.userId));
      const cutOff = cut !== null && s.createdAt <= cut.at && s.sid !== cut.keep;
      if (cutOff || now >= endsAt(s)) {
        await store.delete(key);
        return null;
      }
      if (now - s.lastSeenAt >= touchMs) {
        const touched = { ...s, lastSeenAt: now };
        await save(key, touched);
        return touched;
      }
      return s;
    },

    async endUserSessions(userId, keepSessionId) {
      const cut: SessionCut = { at: clock.now(), keep: keepSessionId };
      await store.set(cutKey(userId), cut, settings.ttlSeconds * 1000);
    },

    async destroy(token) {
      if (!isSessionToken(token)) return null;
      return store.take<SessionRecord>(KEY_PREFIX + sha256(token));
    },
  };
}
