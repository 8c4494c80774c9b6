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
 * audit log lives on one master, as the `audit` set always did). On one server or Sentinel the names stay as they
 * were, so the history written before survives an upgrade.
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../store/redis.js';
import type { AuditEvent, Clock } from '../core/ports.js';
import { StoreUnavailableError, redisReason } from '../store/errors.js';
import { matches, queryLimit, type AuditLog, type AuditQuery, type StoredAuditEvent } from './types.js';

const PAGE = 500;

/** KEYS: the indexes; ARGV: score, member, cutoff (events before it are removed), retention (ms). */
const APPEND_LUA = `
for _, key in ipairs(KEYS) do
  redis.call('ZADD', key, ARGV[1], ARGV[2])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. ARGV[3])
  redis.call('PEXPIRE', key, ARGV[4])
end
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
    await this.run('append', () =>
      (this.redis as RedisWithAppend).portalAuditAppend(keys.length, ...keys, event.at, member, cutoff, this.retentionMs),
    );
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
