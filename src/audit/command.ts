/**
 * The audit command (`npm run audit -- --user LOGIN --since 1h [--limit N] [--json]`): reads the portal's own
 * configuration, opens the configured store without creating anything, and prints matching audit events.
 * Rules: exit 0 with the events (none is not an error), 2 on a bad option (a clear message, no stack trace),
 * 1 when the configuration or the store is unusable. Output is a table (or JSON lines with --json) on stdout;
 * notes go to stderr. Every printed field is stripped of control and bidi characters, so a crafted login cannot
 * rewrite the terminal. Events carry no secrets; neither does anything printed here (REDIS_URL is never shown).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../config/index.js';
import type { Clock } from '../core/ports.js';
import { createStore } from '../store/index.js';
import { createAuditLog } from './index.js';
import { DEFAULT_QUERY_LIMIT, MAX_QUERY_LIMIT, type AuditQuery, type StoredAuditEvent } from './types.js';

export const USAGE = `Usage: npm run audit -- [--user LOGIN] [--user-id ID] [--since TIME] [--limit N] [--json]

Prints the portal's audit events from the configured store (same settings as the portal: STORE, DATA_DIR,
REDIS_URL or REDIS_SENTINELS or REDIS_CLUSTER_NODES, REDIS_KEY_PREFIX, AUDIT_RETENTION_DAYS, or a PORTAL_CONFIG file).

  --user LOGIN    only this login (case-insensitive)
  --user-id ID    only this Okta user id
  --since TIME    a duration back from now (30s, 15m, 1h, 7d) or an ISO 8601 date/time
                  (2030-01-01, 2030-01-01T08:00:00Z; UTC unless a zone is given)
  --limit N       at most N events, the most recent (1 to ${MAX_QUERY_LIMIT}, default ${DEFAULT_QUERY_LIMIT}); printed oldest first
  --json          one JSON object per line instead of a table
  --help          this text`;

export interface AuditArgs {
  query: AuditQuery & { limit: number };
  json: boolean;
  help: boolean;
}

export type ArgsResult = { ok: true; value: AuditArgs } | { ok: false; message: string };

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/gu;
const HAS_UNPRINTABLE = new RegExp(UNPRINTABLE.source, 'u'); // no `g`: test() must not keep state

/** Parses the command line; `now` anchors relative --since values. */
export function parseAuditArgs(argv: string[], now: number): ArgsResult {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        user: { type: 'string' },
        'user-id': { type: 'string' },
        since: { type: 'string' },
        limit: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (e) {
    const first = (e instanceof Error ? e.message : String(e)).split(/\.(?:\s|$)/)[0] || 'bad arguments';
    return { ok: false, message: `${first.replace(UNPRINTABLE, '?').slice(0, 200)} (see --help)` };
  }
  const query: AuditQuery & { limit: number } = { limit: DEFAULT_QUERY_LIMIT };
  if (values.user !== undefined) {
    if (!isSubject(values.user)) return { ok: false, message: '--user must be a login of 1 to 256 characters with no spaces' };
    query.login = values.user.trim();
  }
  if (values['user-id'] !== undefined) {
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(values['user-id'])) return { ok: false, message: '--user-id must be an Okta user id such as 00u1abcd2EFGH3ijk4l5' };
    query.userId = values['user-id'];
  }
  if (values.since !== undefined) {
    const since = parseSince(values.since, now);
    if (since === null) return { ok: false, message: '--since must be a duration such as 30s, 15m, 1h or 7d, or an ISO date/time such as 2030-01-01T08:00:00Z' };
    query.since = since;
  }
  if (values.limit !== undefined) {
    const n = /^\d{1,6}$/.test(values.limit) ? Number(values.limit) : NaN;
    if (!(n >= 1 && n <= MAX_QUERY_LIMIT)) return { ok: false, message: `--limit must be a whole number from 1 to ${MAX_QUERY_LIMIT}` };
    query.limit = n;
  }
  return { ok: true, value: { query, json: values.json === true, help: values.help === true } };
}

function isSubject(v: string): boolean {
  const t = v.trim();
  return t.length >= 1 && t.length <= 256 && !/\s/u.test(t) && !HAS_UNPRINTABLE.test(t);
}

/** `15m`-style durations back from `now`, or an ISO 8601 date / date-time (UTC unless it names a zone). */
export function parseSince(raw: string, now: number): number | null {
  const v = raw.trim();
  const d = /^(\d{1,6})([smhdw])$/.exec(v);
  if (d) return now - Number(d[1]) * UNIT_MS[d[2] as keyof typeof UNIT_MS];
  const iso = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(v);
  if (!iso) return null;
  const text = iso[2] === undefined ? `${iso[1]}T00:00:00Z` : `${iso[1]}T${iso[2]}${iso[3] ?? 'Z'}`;
  const t = Date.parse(text);
  return Number.isFinite(t) ? t : null;
}

const COLUMNS: { title: string; get: (e: StoredAuditEvent) => string | null | undefined }[] = [
  { title: 'TIME (UTC)', get: (e) => new Date(e.at).toISOString().replace(/\.\d{3}Z$/, 'Z') },
  { title: 'ACTION', get: (e) => e.action },
  { title: 'OUTCOME', get: (e) => e.outcome },
  { title: 'LOGIN', get: (e) => e.login },
  { title: 'USER ID', get: (e) => e.userId },
  { title: 'METHOD', get: (e) => e.method },
  { title: 'IP', get: (e) => e.ip },
  { title: 'REQUEST ID', get: (e) => e.requestId },
  { title: 'DETAIL', get: (e) => e.detail },
];

/** A plain-text table, one event per line, columns padded; empty fields are '-'. */
export function formatTable(events: readonly StoredAuditEvent[]): string {
  const rows = [COLUMNS.map((c) => c.title), ...events.map((e) => COLUMNS.map((c) => clean(c.get(e))))];
  const widths = COLUMNS.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

/** One JSON object per line (JSON escapes every control character itself). */
export function formatJsonLines(events: readonly StoredAuditEvent[]): string {
  return events.map((e) => JSON.stringify(e)).join('\n') + (events.length > 0 ? '\n' : '');
}

function clean(v: string | null | undefined): string {
  if (v === null || v === undefined || v === '') return '-';
  return v.replace(UNPRINTABLE, '?');
}

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs the command; resolves to the process exit code. */
export async function runAuditCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  io: CommandIo,
  clock: Clock,
): Promise<number> {
  const args = parseAuditArgs(argv, clock.now());
  if (!args.ok) {
    io.err(`audit: ${args.message}\n`);
    return 2;
  }
  if (args.value.help) {
    io.out(`${USAGE}\n`);
    return 0;
  }
  let config;
  try {
    // The audit command reads the store and signs no cookie: the portal's COOKIE_SECRET (required with Redis, or
    // generated into DATA_DIR with SQLite) is not its concern, so a stand-in keeps it from being asked for or written.
    const ownSecret = env.COOKIE_SECRET !== undefined || env.COOKIE_SECRET_FILE !== undefined;
    config = loadConfig(ownSecret ? env : { ...env, COOKIE_SECRET: 'audit-command-signs-no-cookie-0123456789abcdef' });
  } catch (e) {
    if (e instanceof ConfigError) {
      io.err(`audit: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  if (config.store.kind === 'memory') {
    io.err('audit: STORE=memory keeps audit events only inside the portal process; there is nothing to read here.\n');
    return 1;
  }
  let store;
  try {
    store = await createStore(config.store, clock, { sweepIntervalMs: 0, mustExist: true });
  } catch (e) {
    io.err(`audit: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
  try {
    const log = createAuditLog(store, { clock, retentionDays: config.store.auditRetentionDays });
    const events = await log.query(args.value.query);
    if (args.value.json) io.out(formatJsonLines(events));
    else if (events.length > 0) io.out(formatTable(events));
    if (!args.value.json || events.length === 0) {
      io.err(`audit: ${events.length} event${events.length === 1 ? '' : 's'}${events.length === args.value.query.limit ? ' (limit reached; use --limit for more)' : ''}\n`);
    }
    return 0;
  } catch (e) {
    io.err(`audit: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  } finally {
    await store.close();
  }
}
