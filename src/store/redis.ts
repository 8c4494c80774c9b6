/**
 * RedisStore: the Store port on Redis (ioredis), for several portal instances sharing state.
 * Rules:
 * - Every key is `<prefix><key>`; values are JSON strings with a PX TTL, so Redis itself removes expired entries
 *   (TTLs run on Redis's clock; the injected Clock only turns a remaining TTL into an epoch `resetAt`).
 * - take is GETDEL (Redis ≥ 6.2) and increment a Lua script (INCR, PEXPIRE on the first hit, PTTL): both atomic
 *   across every instance. Counters are plain Redis integers, which read back as JSON numbers. incrementEach and
 *   setEach are one Lua script each (one command, one round trip, atomic), not one command per key.
 * - Failing fast instead of hanging: no offline queue (a command while disconnected fails at once), one retry
 *   per request, a connect timeout and a command timeout. ioredis keeps reconnecting in the background; ping()
 *   reports whether the store is usable now. Errors become StoreUnavailableError whose message names the
 *   operation and a short reason, never the URL (it may carry a password) nor a value.
 * - Three ways to reach Redis (issue 12, item 7): one server (url), a master found through Sentinel (sentinel),
 *   or a Redis Cluster (cluster). Key names are the same in all three. On a cluster a script may only touch keys
 *   of one hash slot: incrementEach and setEach run one script per run of consecutive keys that share a slot, in
 *   order (each part atomic, as one increment or one set is; the port promises no more, and the callers order
 *   their writes so that a partial batch is safe). A key prefix with a hash tag (e.g. `{portal}:`) puts every key
 *   in one slot, so each batch is again one script. The audit log hash-tags its own keys (src/audit/redis.ts).
 */
import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { Clock, CounterHit, CounterValue, StoreWrite } from '../core/ports.js';
import { StoreUnavailableError, errorLabel, redisReason } from './errors.js';
import type { ManagedStore } from './types.js';

// redisReason lives in ./errors.js (the audit log uses it without loading ioredis); re-exported for callers here.
export { redisReason } from './errors.js';

export const DEFAULT_REDIS_KEY_PREFIX = 'okta-mfa-portal:';

/** INCR in a fixed window: sets the expiry on the first hit (or if a key somehow has none); returns {count, pttl}. */
const INCREMENT_LUA = `
local n = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if n == 1 or ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {n, ttl}
`;

/**
 * INCREMENT_LUA for each key in turn (ARGV: window and max per key, max -1 = none); stops after the first counter
 * over its max. Returns {n1, pttl1, n2, pttl2, ...}.
 */
const INCREMENT_EACH_LUA = `
local out = {}
for i, key in ipairs(KEYS) do
  local window = ARGV[2 * i - 1]
  local n = redis.call('INCR', key)
  local ttl = redis.call('PTTL', key)
  if n == 1 or ttl < 0 then
    redis.call('PEXPIRE', key, window)
    ttl = tonumber(window)
  end
  out[#out + 1] = n
  out[#out + 1] = ttl
  local max = tonumber(ARGV[2 * i])
  if max >= 0 and n > max then break end
end
return out
`;

/** SET ... PX for each key in turn (ARGV: JSON and PX per key); a PX of 0 deletes the key instead. */
const SET_EACH_LUA = `
for i, key in ipairs(KEYS) do
  local px = tonumber(ARGV[2 * i])
  if px > 0 then
    redis.call('SET', key, ARGV[2 * i - 1], 'PX', px)
  else
    redis.call('DEL', key)
  end
end
return #KEYS
`;

export interface RedisNodeAddress {
  host: string;
  port: number;
}

/** Credentials and TLS for the data nodes of a Sentinel or Cluster set-up (one server has them in its URL). */
export interface RedisAuth {
  username?: string | null;
  password?: string | null;
  /** TLS to every node (and, with Sentinel, to the sentinels). */
  tls?: boolean;
}

export interface RedisSentinelTarget extends RedisAuth {
  sentinels: readonly RedisNodeAddress[];
  /** The master name the sentinels monitor. */
  master: string;
  /** The sentinels' own password (requirepass in sentinel.conf), if any. */
  sentinelPassword?: string | null;
}

export interface RedisClusterTarget extends RedisAuth {
  /** Seed nodes: any reachable node tells the client the rest of the cluster. */
  nodes: readonly RedisNodeAddress[];
}

export interface RedisStoreOptions {
  /** One server: a redis:// or rediss:// URL (may carry credentials; never logged). Exactly one of url, sentinel, cluster. */
  url?: string;
  sentinel?: RedisSentinelTarget;
  cluster?: RedisClusterTarget;
  keyPrefix?: string;
  clock: Clock;
  /** Connect timeout and the bound on the first connection (ms). Default 3000. */
  connectTimeoutMs?: number;
  /** A command that gets no answer within this time fails (ms). Default 2000. */
  commandTimeoutMs?: number;
  /** Told about connection errors (the store keeps reconnecting); messages carry no secret. */
  onError?: (message: string) => void;
}

/** A connection to one server (also through Sentinel) or to a cluster: the commands the store and audit log use. */
export type RedisClient = Redis | Cluster;

type PortalCommands = {
  portalIncrement(key: string, windowMs: number): Promise<[number, number]>;
  portalIncrementEach(numKeys: number, ...keysThenArgs: (string | number)[]): Promise<number[]>;
  portalSetEach(numKeys: number, ...keysThenArgs: (string | number)[]): Promise<number>;
};
type RedisWithIncrement = RedisClient & PortalCommands;

/** The setting an operator fixes when the connection fails, and where it pointed (no credentials). */
function describeTarget(opts: RedisStoreOptions): { setting: string; where: string } {
  const list = (nodes: readonly RedisNodeAddress[]) => nodes.map((n) => (n.host.includes(':') ? `[${n.host}]:${n.port}` : `${n.host}:${n.port}`)).join(',');
  if (opts.sentinel) return { setting: 'REDIS_SENTINELS', where: `master ${opts.sentinel.master} via sentinels ${list(opts.sentinel.sentinels)}` };
  if (opts.cluster) return { setting: 'REDIS_CLUSTER_NODES', where: `the cluster at ${list(opts.cluster.nodes)}` };
  return { setting: 'REDIS_URL', where: describeRedisUrl(opts.url ?? '') };
}

function createClient(opts: RedisStoreOptions, connectTimeout: number): RedisClient {
  const targets = [opts.url !== undefined, opts.sentinel !== undefined, opts.cluster !== undefined].filter(Boolean).length;
  if (targets !== 1) throw new Error('connectRedisStore: give exactly one of url, sentinel, cluster');
  const perNode: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout,
    commandTimeout: opts.commandTimeoutMs ?? 2000,
  };
  const retry = (attempt: number) => Math.min(100 * attempt, 2000);
  const auth = (a: RedisAuth): RedisOptions => ({
    ...(a.username ? { username: a.username } : {}),
    ...(a.password ? { password: a.password } : {}),
    ...(a.tls ? { tls: {} } : {}),
  });
  if (opts.sentinel) {
    const s = opts.sentinel;
    return new Redis({
      ...perNode,
      ...auth(s),
      lazyConnect: true,
      retryStrategy: retry,
      sentinels: s.sentinels.map((n) => ({ host: n.host, port: n.port })),
      name: s.master,
      ...(s.sentinelPassword ? { sentinelPassword: s.sentinelPassword } : {}),
      ...(s.tls ? { enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      sentinelRetryStrategy: retry,
      // A failover makes the old master a replica: reconnect (to the new master) instead of failing writes.
      reconnectOnError: (e) => e.message.startsWith('READONLY'),
    });
  }
  if (opts.cluster) {
    const c = opts.cluster;
    const options: ClusterOptions = {
      lazyConnect: true,
      enableOfflineQueue: false,
      enableReadyCheck: true,
      scaleReads: 'master',
      maxRedirections: 16,
      slotsRefreshTimeout: connectTimeout,
      clusterRetryStrategy: retry,
      redisOptions: { ...perNode, ...auth(c) },
      // With TLS, certificates name the host names the operator gave: connect by name, not by the resolved address.
      ...(c.tls ? { dnsLookup: (address: string, callback: (err: Error | null, address: string) => void) => callback(null, address) } : {}),
    };
    return new Cluster(
      c.nodes.map((n) => ({ host: n.host, port: n.port })),
      options,
    );
  }
  return new Redis(opts.url!, { ...perNode, lazyConnect: true, retryStrategy: retry });
}

/**
 * Why the first seed node cannot be used, or null: a failed cluster start only says "Failed to refresh slots cache"
 * or "Connection is closed" (ioredis drops the node's own error), where an operator needs ECONNREFUSED, a
 * certificate error or an authentication error. One plain connection with the same options, on the error path only.
 */
async function probeNode(c: RedisClusterTarget, connectTimeout: number): Promise<unknown> {
  const first = c.nodes[0];
  if (!first) return null;
  const probe = new Redis({
    host: first.host,
    port: first.port,
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    connectTimeout,
    ...(c.username ? { username: c.username } : {}),
    ...(c.password ? { password: c.password } : {}),
    ...(c.tls ? { tls: {} } : {}),
  });
  let seen: unknown = null;
  probe.on('error', (e: unknown) => {
    seen ??= e;
  });
  try {
    await withTimeout(probe.connect(), connectTimeout + 500, 'ETIMEDOUT');
    await withTimeout(probe.ping(), connectTimeout, 'ETIMEDOUT');
    return null;
  } catch (e) {
    return seen ?? e;
  } finally {
    probe.disconnect();
  }
}

/** Connects and waits until Redis is ready; throws StoreUnavailableError when it is not reachable in time. */
export async function connectRedisStore(opts: RedisStoreOptions): Promise<RedisStore> {
  const connectTimeout = opts.connectTimeoutMs ?? 3000;
  const redis = createClient(opts, connectTimeout) as RedisWithIncrement;
  redis.defineCommand('portalIncrement', { numberOfKeys: 1, lua: INCREMENT_LUA });
  redis.defineCommand('portalIncrementEach', { lua: INCREMENT_EACH_LUA });
  redis.defineCommand('portalSetEach', { lua: SET_EACH_LUA });
  let lastError: unknown = null;
  const onError = (e: unknown) => {
    lastError = e;
  };
  redis.on('error', onError);
  const { setting, where } = describeTarget(opts);
  try {
    // A cluster or a Sentinel set-up may take a few tries (slots, master lookup): bound it a little more loosely.
    await withTimeout(redis.connect(), connectTimeout + (opts.url === undefined ? 2000 : 500), 'ETIMEDOUT');
    const info = await redis.info('server');
    const version = /redis_version:(\d+)\.(\d+)/.exec(info);
    if (version && (Number(version[1]) < 6 || (Number(version[1]) === 6 && Number(version[2]) < 2))) {
      throw new StoreUnavailableError(`${setting}: ${where} runs Redis ${version[1]}.${version[2]}; the portal needs 6.2 or later (GETDEL)`);
    }
  } catch (e) {
    redis.disconnect();
    if (e instanceof StoreUnavailableError) throw e;
    const cause = lastError ?? e;
    const reason = opts.cluster ? ((await probeNode(opts.cluster, connectTimeout)) ?? cause) : cause;
    throw new StoreUnavailableError(`${setting}: cannot connect to ${where} (${errorLabel(reason)})`, cause);
  }
  redis.off('error', onError);
  return new RedisStore(redis, opts.keyPrefix ?? DEFAULT_REDIS_KEY_PREFIX, opts.clock, opts.onError);
}

/** The URL without credentials, for messages: `redis://host:port/db`. */
export function describeRedisUrl(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return 'the Redis server';
  }
}

export class RedisStore implements ManagedStore {
  readonly kind = 'redis' as const;
  private closed = false;

  /** True on a Redis Cluster: multi-key scripts are split by hash slot, and the audit log hash-tags its keys. */
  readonly cluster: boolean;

  constructor(
    /** The connection; the Redis audit log shares it. */
    readonly redis: RedisClient,
    readonly keyPrefix: string,
    private readonly clock: Clock,
    onError?: (message: string) => void,
  ) {
    this.cluster = redis instanceof Cluster;
    // Without a listener ioredis prints every connection error; report each distinct outage once instead.
    let reported: string | null = null;
    redis.on('error', (e: unknown) => {
      const label = errorLabel(e);
      if (label !== reported) onError?.(`redis store: connection error (${label}); reconnecting`);
      reported = label;
    });
    redis.on('ready', () => {
      reported = null;
    });
  }

  async get<T>(key: string): Promise<T | null> {
    const text = await this.run('get', () => this.redis.get(this.keyPrefix + key));
    return text === null ? null : (JSON.parse(text) as T);
  }

  async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    const json = JSON.stringify(value);
    const k = this.keyPrefix + key;
    const px = Math.ceil(ttlMs);
    if (!(px > 0) || json === undefined) await this.run('set', () => this.redis.del(k));
    else await this.run('set', () => this.redis.set(k, json, 'PX', px));
  }

  async delete(key: string): Promise<void> {
    await this.run('delete', () => this.redis.del(this.keyPrefix + key));
  }

  async take<T>(key: string): Promise<T | null> {
    const text = await this.run('take', () => this.redis.getdel(this.keyPrefix + key));
    return text === null ? null : (JSON.parse(text) as T);
  }

  async increment(key: string, windowMs: number): Promise<CounterValue> {
    const window = Math.max(1, Math.ceil(windowMs));
    const [count, pttl] = await this.run('increment', () =>
      (this.redis as RedisWithIncrement).portalIncrement(this.keyPrefix + key, window),
    );
    return { count: Number(count), resetAt: this.clock.now() + Number(pttl) };
  }

  async incrementEach(hits: readonly CounterHit[]): Promise<CounterValue[]> {
    const out: CounterValue[] = [];
    for (const part of this.bySlot(hits, (h) => this.keyPrefix + h.key)) {
      const keys = part.map((h) => this.keyPrefix + h.key);
      const args = part.flatMap((h) => [Math.max(1, Math.ceil(h.windowMs)), h.max === undefined ? -1 : Math.max(0, Math.floor(h.max))]);
      const flat = await this.run('increment', () => (this.redis as RedisWithIncrement).portalIncrementEach(keys.length, ...keys, ...args));
      const now = this.clock.now();
      let over = false;
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const count = Number(flat[i]);
        out.push({ count, resetAt: now + Number(flat[i + 1]) });
        const max = part[i / 2]?.max;
        if (max !== undefined && count > Math.max(0, Math.floor(max))) over = true;
      }
      if (over) break; // the script stopped after a counter over its max: the later parts are not counted either
    }
    return out;
  }

  async setEach(writes: readonly StoreWrite[]): Promise<void> {
    for (const part of this.bySlot(writes, (w) => this.keyPrefix + w.key)) {
      const keys: string[] = [];
      const args: (string | number)[] = [];
      for (const w of part) {
        const json = JSON.stringify(w.value) as string | undefined;
        const px = Math.ceil(w.ttlMs);
        keys.push(this.keyPrefix + w.key);
        args.push(json ?? '', json === undefined || !(px > 0) ? 0 : px);
      }
      await this.run('set', () => (this.redis as RedisWithIncrement).portalSetEach(keys.length, ...keys, ...args));
    }
  }

  /**
   * The items in order, cut into runs whose keys share a hash slot: one run on a single server (or Sentinel), where
   * any keys may meet in one script; on a cluster a new run starts wherever the slot changes.
   */
  private bySlot<T>(items: readonly T[], keyOf: (item: T) => string): T[][] {
    if (items.length === 0) return [];
    if (!this.cluster) return [[...items]];
    const runs: T[][] = [];
    let slot = -1;
    for (const item of items) {
      const s = calculateSlot(keyOf(item));
      if (s !== slot || runs.length === 0) runs.push([]);
      runs[runs.length - 1]!.push(item);
      slot = s;
    }
    return runs;
  }

  async ping(): Promise<boolean> {
    if (this.closed || this.redis.status !== 'ready') return false;
    try {
      return (await withTimeout(this.redis.ping(), 1000, 'ETIMEDOUT')) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.redis.status === 'ready') {
      try {
        await withTimeout(this.redis.quit(), 1000, 'ETIMEDOUT');
        return;
      } catch {
        // fall through to a hard disconnect
      }
    }
    this.redis.disconnect();
  }

  private async run<R>(op: string, fn: () => Promise<R>): Promise<R> {
    if (this.closed) throw new StoreUnavailableError(`redis store: ${op} after close`);
    try {
      return await fn();
    } catch (e) {
      throw new StoreUnavailableError(`redis store: ${op} failed (${redisReason(e)})`, e);
    }
  }
}


/** Rejects with an Error whose code is `code` if `p` has not settled within `ms` (the timer is unref'd). */
function withTimeout<T>(p: Promise<T>, ms: number, code: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error(`timed out after ${ms} ms`), { code })), ms);
    t.unref();
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e instanceof Error ? e : new Error(String(e)));
      },
    );
  });
}
