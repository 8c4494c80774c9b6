/**
 * RedisAuditLog: audit events in Redis sorted sets scored by the event time, shared by every instance.
 * Rules: as in types.ts. Keys (under the store's prefix): `audit` holds every event; `audit:login:<lower login>`
 * and `audit:user:<user id>` are per-subject indexes holding the same members, so a query for one user reads
 * only that user's events. A member is the event's JSON with a random id (identical events stay distinct).
 * Each append is one Lua script (atomic, one command, where a MULTI took eleven): ZADD to every index,
 * ZREMRANGEBYSCORE of what is past the retention, and a PEXPIRE of the retention on each set (a set whose newest
 * event is older than that disappears whole).
 * On a Redis Cluster a script's keys must share a hash slot, so there the keys carry the hash tag `{audit}` after the
 * prefix: `<prefix>{audit}`, `<prefix>{audit}:login:<lower login>`, `<prefix>{audit}:user:<user id>` (the whole
 * audit log lives on one master, as the `audit` set always did), and so do the hourly counts `…{audit}:counts:<hour>`. On one server or Sentinel the names stay as they
 * were, so the history written before survives an upgrade.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../store/redis.js';
import type { AuditEvent, Clock } from '../core/ports.js';
import { StoreUnavailableError, redisReason } from '../store/errors.js';
import {
  HOUR_MS,
  countField,
  fromCountField,
  hourOf,
  matches,
  queryLimit,
  type AuditCount,
  type AuditCountQuery,
  type AuditLog,
  type AuditQuery,
  type StoredAuditEvent,
} from './types.js';

const PAGE = 500;

/**
 * KEYS: the indexes, then the hour's counts hash; ARGV: score, member, cutoff (events before it are removed),
 * retention (ms), the count field, the counts hash's lifetime (ms).
 */
const APPEND_LUA = `
for i = 1, #KEYS - 1 do
  local key = KEYS[i]
  redis.call('ZADD', key, ARGV[1], ARGV[2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. ARGV[3])
  redis.call('PEXPIRE', key, ARGV[4])
end
local counts = KEYS[#KEYS]
redis.call('HINCRBY', counts, ARGV[5], 1)
redis.call('PEXPIRE', counts, ARGV[6])
return #KEYS
`;

type RedisWithAppend = RedisClient & {
  portalAuditAppend(numKeys: number, ...keysThenArgs: (string | number)[]): Promise<number>;
};

export class RedisAuditLog implements AuditLog {
  private readonly allKey: string;

  constructor(
    private readonly redis: RedisClient,
    keyPrefix: string,
    private readonly clock: Clock,
    private readonly retentionMs: number,
    opts: { cluster?: boolean } = {},
  ) {
    this.allKey = opts.cluster === true ? `${keyPrefix}{audit}` : `${keyPrefix}audit`;
    redis.defineCommand('portalAuditAppend', { lua: APPEND_LUA }); // (again for a second log on one connection: harmless)
  }

  async append(event: AuditEvent): Promise<void> {
    const member = JSON.stringify({ ...event, id: randomUUID() } satisfies StoredAuditEvent);
    const cutoff = this.clock.now() - this.retentionMs;
    const keys = [this.allKey];
    if (event.login) keys.push(this.loginKey(event.login));
    if (event.userId) keys.push(this.userKey(event.userId));
    const hour = hourOf(event.at);
    keys.push(this.countsKey(hour));
    // The hour's counts live until the hour's last event is past the retention.
    const countsTtl = Math.max(1, hour + HOUR_MS + this.retentionMs - this.clock.now());
    await this.run('append', () =>
      (this.redis as RedisWithAppend).portalAuditAppend(keys.length, ...keys, event.at, member, cutoff, this.retentionMs, countField(event), countsTtl),
    );
  }

  /** One HGETALL per hour of the range, in one pipeline (30 days: 720 small hashes). */
  async counts(q: AuditCountQuery): Promise<AuditCount[]> {
    const from = Math.max(hourOf(q.since) + (q.since % HOUR_MS === 0 ? 0 : HOUR_MS), hourOf(this.clock.now() - this.retentionMs));
    const hours: number[] = [];
    for (let h = from; h < q.until; h += HOUR_MS) hours.push(h);
    if (hours.length === 0) return [];
    const results = await this.run('counts', async () => {
      const pipe = this.redis.pipeline();
      for (const h of hours) pipe.hgetall(this.countsKey(h));
      return (await pipe.exec()) ?? [];
    });
    const out: AuditCount[] = [];
    results.forEach(([err, value], i) => {
      if (err) throw new StoreUnavailableError(`redis audit log: counts failed (${redisReason(err)})`, err);
      for (const [field, n] of Object.entries((value ?? {}) as Record<string, string>)) {
        const c = fromCountField(hours[i]!, field, Number(n));
        if (c) out.push(c);
      }
    });
    return out;
  }

  /** Under the audit log's own key (and so, on a cluster, its hash tag): the append script writes it too. */
  private countsKey(hour: number): string {
    return `${this.allKey}:counts:${hour}`;
  }

  async query(q: AuditQuery = {}): Promise<StoredAuditEvent[]> {
    const from = Math.max(q.since ?? 0, this.clock.now() - this.retentionMs);
    const limit = queryLimit(q);
    const key = q.login !== undefined ? this.loginKey(q.login) : q.userId !== undefined ? this.userKey(q.userId) : this.allKey;
    // Newest first, page by page, keeping the events that match the remaining filters.
    const out: StoredAuditEvent[] = [];
    for (let offset = 0; out.length < limit; offset += PAGE) {
      const page = await this.run('query', () => this.redis.zrange(key, '+inf', from, 'BYSCORE', 'REV', 'LIMIT', offset, PAGE));
      for (const member of page) {
        const e = parseMember(member);
        if (e && matches(e, q, from)) out.push(e);
        if (out.length === limit) break;
      }
      if (page.length < PAGE) break;
    }
    return out.reverse();
  }

  async prune(): Promise<number> {
    const cutoff = this.clock.now() - this.retentionMs;
    return this.run('prune', () => this.redis.zremrangebyscore(this.allKey, '-inf', `(${cutoff}`));
  }

  private loginKey(login: string): string {
    return `${this.allKey}:login:${login.toLowerCase()}`;
  }

  private userKey(userId: string): string {
    return `${this.allKey}:user:${userId}`;
  }

  private async run<R>(op: string, fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (e) {
      throw new StoreUnavailableError(`redis audit log: ${op} failed (${redisReason(e)})`, e);
    }
  }
}

function parseMember(member: string): StoredAuditEvent | null {
  try {
    const e = JSON.parse(member) as StoredAuditEvent;
    return typeof e === 'object' && e !== null && typeof e.at === 'number' && typeof e.action === 'string' ? e : null;
  } catch {
    return null; // not ours: skip it rather than fail the whole query
  }
}
