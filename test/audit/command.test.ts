// The audit command: option parsing (clear messages, exit 2), --since forms, the table and JSON output (terminal-safe),
// reading the configured store (SQLite file, Redis) without creating anything, and the real entry point spawned as
// an operator would run it.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { formatTable, parseAuditArgs, parseSince, runAuditCommand } from '../../src/audit/command.js';
import { createAuditLog, type StoredAuditEvent } from '../../src/audit/index.js';
import type { AuditEvent, Clock } from '../../src/core/ports.js';
import { systemClock } from '../../src/core/system.js';
import { connectRedisStore } from '../../src/store/redis.js';
import { openSqliteStore } from '../../src/store/sqlite.js';
import { FakeClock } from '../helpers/fakes.js';
import { cleanupRedisPrefix, redisForTests, tempDir, uniquePrefix } from '../store/helpers.js';

const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const redis = redisForTests();
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

function ev(at: number, over: Partial<AuditEvent> = {}): AuditEvent {
  return { at, action: 'recovery.start', outcome: 'success', login: 'jane@example.com', userId: '00u1jane', method: null, ip: '203.0.113.7', requestId: `req-${at}`, ...over };
}

/** A temp DATA_DIR holding these events (written through the real store and audit log). */
async function sqliteWith(events: AuditEvent[], clock: Clock): Promise<string> {
  const d = tempDir('portal-audit-cmd-');
  cleanups.push(d.cleanup);
  const store = openSqliteStore({ dataDir: d.dir, clock, sweepIntervalMs: 0 });
  const log = createAuditLog(store, { clock, retentionDays: 90 });
  for (const e of events) await log.append(e);
  await store.close();
  return d.dir;
}

async function run(argv: string[], env: Record<string, string>, clock: Clock = new FakeClock(NOW)) {
  let out = '';
  let err = '';
  const code = await runAuditCommand(argv, env, { out: (t) => (out += t), err: (t) => (err += t) }, clock);
  return { code, out, err };
}

describe('audit command options', () => {
  test('valid options become a query', () => {
    const r = parseAuditArgs(['--user', 'Jane@Example.com', '--since', '1h', '--limit', '5', '--json'], NOW);
    assert.deepEqual(r, { ok: true, value: { query: { login: 'Jane@Example.com', since: NOW - 3_600_000, limit: 5 }, json: true, help: false } });
    const d = parseAuditArgs(['--user-id=00u1jane'], NOW);
    assert.deepEqual(d, { ok: true, value: { query: { userId: '00u1jane', limit: 100 }, json: false, help: false } });
  });

  test('bad options get a clear message', () => {
    const msg = (argv: string[]) => {
      const r = parseAuditArgs(argv, NOW);
      assert.equal(r.ok, false, argv.join(' '));
      return r.ok ? '' : r.message;
    };
    assert.match(msg(['--usr', 'x']), /^Unknown option '--usr' \(see --help\)$/);
    assert.match(msg(['--since']), /--since/);
    assert.match(msg(['stray']), /stray/);
    assert.equal(msg(['--since', 'yesterday']), '--since must be a duration such as 30s, 15m, 1h or 7d, or an ISO date/time such as 2030-01-01T08:00:00Z');
    for (const n of ['0', '10001', '1.5', 'ten']) assert.equal(msg(['--limit', n]), '--limit must be a whole number from 1 to 10000', n);
    assert.equal(msg(['--limit=-1']), '--limit must be a whole number from 1 to 10000');
    assert.equal(msg(['--limit', '-1']), "Option '--limit' argument is ambiguous (see --help)");
    assert.equal(msg(['--user', '']), '--user must be a login of 1 to 256 characters with no spaces');
    assert.equal(msg(['--user', 'a\u001b[2Jb']), '--user must be a login of 1 to 256 characters with no spaces');
    assert.match(msg(['--user-id', '../x']), /^--user-id must be an Okta user id/);
  });

  test('--since: durations back from now, and ISO dates/times (UTC unless zoned)', () => {
    assert.equal(parseSince('30s', NOW), NOW - 30_000);
    assert.equal(parseSince('15m', NOW), NOW - 900_000);
    assert.equal(parseSince('7d', NOW), NOW - 7 * 86_400_000);
    assert.equal(parseSince('2w', NOW), NOW - 14 * 86_400_000);
    assert.equal(parseSince('2030-01-01', NOW), Date.UTC(2030, 0, 1));
    assert.equal(parseSince('2030-01-01T08:30', NOW), Date.UTC(2030, 0, 1, 8, 30));
    assert.equal(parseSince('2030-01-01T08:30:00+02:00', NOW), Date.UTC(2030, 0, 1, 6, 30));
    for (const bad of ['1x', 'h', '-1h', '2030-13-45', '2030-01-01T25:00Z', 'now']) assert.equal(parseSince(bad, NOW), null, bad);
  });

  test('the table is aligned, shows - for empty fields, and neutralises control and bidi characters', () => {
    const rows: StoredAuditEvent[] = [
      { ...ev(NOW), id: '1' },
      { ...ev(NOW + 1000, { login: 'evil\u001b[31m\u202eadmin', userId: null, method: 'sms', detail: 'line\nbreak' }), id: '2' },
    ];
    const lines = formatTable(rows).trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[0]!, /^TIME \(UTC\)\s+ACTION\s+OUTCOME\s+LOGIN\s+USER ID\s+METHOD\s+IP\s+REQUEST ID\s+DETAIL$/);
    assert.match(lines[1]!, /^2030-01-01T12:00:00Z {2}recovery\.start {2}success {2}jane@example\.com\s+00u1jane {2}- {7}203\.0\.113\.7 {2}req-\d+ {2}-$/);
    assert.ok(lines[2]!.includes('evil?[31m?admin'), lines[2]);
    assert.ok(lines[2]!.endsWith('line?break'));
    // eslint-disable-next-line no-control-regex
    assert.ok(!/[\u0000-\u001f\u202e]/.test(formatTable(rows).replace(/\n/g, '')));
    assert.equal(lines[1]!.indexOf('recovery'), lines[0]!.indexOf('ACTION'), 'columns line up');
    assert.equal(lines[2]!.indexOf('sms'), lines[0]!.indexOf('METHOD'));
  });
});

describe('audit command against the configured store', () => {
  test('SQLite: filters by user and time, table by default, JSON lines with --json', async () => {
    const clock = new FakeClock(NOW);
    const dir = await sqliteWith(
      [
        ev(NOW - 2 * 3_600_000, { action: 'recovery.old' }),
        ev(NOW - 600_000, { action: 'recovery.start' }),
        ev(NOW - 500_000, { action: 'recovery.verify', outcome: 'failure', method: 'sms', detail: 'code=INVALID_CODE' }),
        ev(NOW - 400_000, { login: 'john@example.com', userId: '00u2john', action: 'recovery.start' }),
      ],
      clock,
    );
    const env = { STORE: 'sqlite', DATA_DIR: dir };
    const table = await run(['--user', 'JANE@example.com', '--since', '1h'], env, clock);
    assert.equal(table.code, 0, table.err);
    const lines = table.out.trimEnd().split('\n');
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /recovery\.start\s+success\s+jane@example\.com/);
    assert.match(lines[2]!, /recovery\.verify\s+failure\s+jane@example\.com\s+00u1jane\s+sms\s+.*code=INVALID_CODE$/);
    assert.equal(table.err, 'audit: 2 events\n');

    const json = await run(['--user-id', '00u2john', '--json'], env, clock);
    assert.equal(json.code, 0);
    const parsed = json.out.trimEnd().split('\n').map((l) => JSON.parse(l) as StoredAuditEvent);
    assert.deepEqual(
      parsed.map((e) => [e.action, e.login]),
      [['recovery.start', 'john@example.com']],
    );

    const none = await run(['--user', 'nobody'], env, clock);
    assert.deepEqual(none, { code: 0, out: '', err: 'audit: 0 events\n' });
    const limited = await run(['--limit', '1'], env, clock);
    assert.match(limited.err, /limit reached/);
    assert.match(limited.out, /john@example\.com/, 'the most recent one');
  });

  test('unusable configuration or store: exit 1 with a message; nothing is created', async () => {
    const d = tempDir('portal-audit-none-');
    cleanups.push(d.cleanup);
    const missing = join(d.dir, 'no-such-data');
    const r = await run([], { STORE: 'sqlite', DATA_DIR: missing });
    assert.equal(r.code, 1);
    assert.match(r.err, /^audit: DATA_DIR: there is no portal\.sqlite in .*no-such-data \(has the portal run with this DATA_DIR\?\)\n$/);
    assert.equal(existsSync(missing), false);
    const bad = await run([], { STORE: 'cassandra' });
    assert.equal(bad.code, 1);
    assert.match(bad.err, /STORE: must be one of memory, sqlite, redis/);
    const mem = await run([], { STORE: 'memory' });
    assert.equal(mem.code, 1);
    assert.match(mem.err, /STORE=memory/);
    const redisDown = await run([], { REDIS_URL: 'redis://:topsecret@127.0.0.1:1/0' });
    assert.equal(redisDown.code, 1);
    assert.match(redisDown.err, /^audit: REDIS_URL: cannot connect to redis:\/\/127\.0\.0\.1:1\/0/);
    assert.ok(!redisDown.err.includes('topsecret'));
    const flags = await run(['--limit', 'x'], { STORE: 'sqlite', DATA_DIR: missing });
    assert.equal(flags.code, 2);
  });

  test('Redis: reads the events the portal stored under its key prefix', { skip: redis.skip ?? false }, async () => {
    const prefix = uniquePrefix('audit-cmd');
    cleanups.push(() => cleanupRedisPrefix(redis.url!, prefix));
    const store = await connectRedisStore({ url: redis.url!, keyPrefix: prefix, clock: systemClock });
    const now = Date.now();
    const log = createAuditLog(store, { clock: systemClock, retentionDays: 90 });
    await log.append(ev(now - 1000, { action: 'recovery.password' }));
    await log.append(ev(now - 500, { login: 'john@example.com', userId: '00u2john' }));
    await store.close();
    const r = await run(['--user', 'jane@example.com', '--json'], { REDIS_URL: redis.url!, REDIS_KEY_PREFIX: prefix }, systemClock);
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(
      r.out.trimEnd().split('\n').map((l) => (JSON.parse(l) as StoredAuditEvent).action),
      ['recovery.password'],
    );
  });
});

describe('npm run audit entry point (spawned)', () => {
  const entry = new URL('../../src/cli/audit.ts', import.meta.url).pathname;
  const spawnAudit = (argv: string[], env: Record<string, string>) =>
    new Promise<{ code: number | null; out: string; err: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', 'tsx', entry, ...argv], {
        env: { PATH: process.env.PATH ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, out, err }));
    });

  test('prints the stored events as a table, and exits 2 on a bad flag', async () => {
    const now = Date.now();
    const dir = await sqliteWith(
      [ev(now - 7_200_000, { action: 'recovery.old' }), ev(now - 60_000, { action: 'recovery.challenge', method: 'call' }), ev(now - 30_000, { login: 'john@example.com' })],
      systemClock,
    );
    const [ok, bad] = await Promise.all([
      spawnAudit(['--user', 'jane@example.com', '--since', '1h'], { DATA_DIR: dir }),
      spawnAudit(['--since', 'soon'], { DATA_DIR: dir }),
    ]);
    assert.equal(ok.code, 0, ok.err);
    const lines = ok.out.trimEnd().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, /^TIME \(UTC\)/);
    assert.match(lines[1]!, /recovery\.challenge\s+success\s+jane@example\.com\s+00u1jane\s+call/);
    assert.equal(ok.err, 'audit: 1 event\n');
    assert.equal(bad.code, 2);
    assert.equal(bad.out, '');
    assert.match(bad.err, /^audit: --since must be a duration/);
    assert.ok(!bad.err.includes('    at '), 'no stack trace');
  });
});
