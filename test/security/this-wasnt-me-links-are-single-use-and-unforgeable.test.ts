/**
 * Property (issue 14, item 4): a "This wasn't me" link acts at most once, only as issued, and only while valid.
 * - Any alteration of a valid token (a changed, dropped or added character) is refused without any IdP call or
 *   store write, and leaves the real link usable (fast-check over positions and characters).
 * - A token signed under another key (another deployment) is refused.
 * - Opening the link (check, the GET page) changes nothing; confirming acts once; a replay, and the loser of two
 *   concurrent confirmations, are refused.
 * - Past its expiry the link is refused, even while the store still holds its record.
 * The report service is new with this issue; each property was checked to fail on a mutant of it (the record read
 * with get instead of take; the MAC comparison removed; the expiry check removed).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createReportService } from '../../src/core/report.js';
import type { SecurityNotice } from '../../src/core/ports.js';
import { MemoryStore } from '../../src/store/memory.js';
import { FakeClock, FakeIdp, MemoryAudit, SeededRandom, ctx } from '../helpers/fakes.js';

const KEY = 'k'.repeat(16) + 'report-key-for-the-security-test';
const TTL = 72 * 3600;

/** A store that keeps report records twice as long as asked: only the link's signed expiry can refuse it then. */
class LongLivedReports extends MemoryStore {
  override async set<T>(key: string, value: T, ttlMs: number): Promise<void> {
    return super.set(key, value, key.startsWith('report:') ? ttlMs * 2 : ttlMs);
  }
}

function setup(key = KEY, seed = 7, longLived = false) {
  const clock = new FakeClock();
  const store = longLived ? new LongLivedReports(clock) : new MemoryStore(clock);
  const idp = new FakeIdp({ clock });
  const alice = idp.addUser({ login: 'alice@example.com' });
  const audit = new MemoryAudit();
  const ended: string[] = [];
  const alerts: string[] = [];
  const reports = createReportService({
    idp,
    store,
    clock,
    random: new SeededRandom(seed),
    audit,
    key,
    policy: { ttlSeconds: TTL, suspendUser: true },
    sessions: { endUserSessions: async (userId) => void ended.push(userId) },
    alert: (a) => void alerts.push(a.login),
  });
  const notice: SecurityNotice = {
    kind: 'password-reset',
    userId: alice.id,
    login: 'alice@example.com',
    email: 'alice@example.com',
    at: clock.now(),
    ctx: ctx('198.51.100.9'),
  };
  return { clock, store, idp, alice, audit, ended, alerts, reports, notice };
}

async function refused(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, { code: 'REPORT_LINK_INVALID' });
}

const TOKEN_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.';

describe("\"This wasn't me\" links are single use and unforgeable", () => {
  test('an altered token is refused, costs nothing, and leaves the real link usable', async () => {
    const s = setup();
    const token = await s.reports.issue(s.notice);
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.record({ op: fc.constant('change' as const), at: fc.nat(token.length - 1), ch: fc.constantFrom(...TOKEN_CHARS) }),
          fc.record({ op: fc.constant('drop' as const), at: fc.nat(token.length - 1), ch: fc.constant('') }),
          fc.record({ op: fc.constant('add' as const), at: fc.nat(token.length), ch: fc.constantFrom(...TOKEN_CHARS) }),
        ),
        async ({ op, at, ch }) => {
          const altered =
            op === 'change' ? token.slice(0, at) + ch + token.slice(at + 1) : op === 'drop' ? token.slice(0, at) + token.slice(at + 1) : token.slice(0, at) + ch + token.slice(at);
          fc.pre(altered !== token);
          await refused(s.reports.check(altered));
          await refused(s.reports.confirm(altered, ctx()));
        },
      ),
      { numRuns: 150 },
    );
    assert.equal(s.idp.calls.length, 0, 'no IdP call for any altered token');
    assert.deepEqual(s.ended, []);
    assert.equal((await s.reports.check(token)).kind, 'password-reset', 'the real link still works');
    assert.deepEqual(await s.reports.confirm(token, ctx()), { suspended: true });
  });

  test('junk of any shape is refused', async () => {
    const s = setup();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 120 }), fc.anything()), async (junk) => {
        await refused(s.reports.check(junk));
        await refused(s.reports.confirm(junk, ctx()));
      }),
      { numRuns: 100 },
    );
    assert.equal(s.idp.calls.length, 0);
  });

  test('a token signed with another key is refused', async () => {
    const other = setup('another-deployment-key-0123456789abcdef', 7); // same random sequence, other key
    const mine = setup();
    const foreign = await other.reports.issue(other.notice);
    await mine.reports.issue(mine.notice); // the same nonce exists here, under this key
    await refused(mine.reports.check(foreign));
    await refused(mine.reports.confirm(foreign, ctx()));
    assert.equal(mine.idp.calls.length, 0);
  });

  test('opening changes nothing; confirming acts once; a replay is refused', async () => {
    const s = setup();
    const token = await s.reports.issue(s.notice);
    for (let i = 0; i < 3; i++) assert.equal((await s.reports.check(token)).ip, '198.51.100.9');
    assert.equal(s.idp.calls.length, 0, 'GET makes no change');
    assert.deepEqual(await s.reports.confirm(token, ctx('203.0.113.50')), { suspended: true });
    assert.deepEqual(s.idp.calls.map((c) => c.op), ['revokeSessions', 'suspendUser']);
    assert.deepEqual(s.ended, [s.alice.id]);
    assert.deepEqual(s.alerts, ['alice@example.com']);
    await refused(s.reports.confirm(token, ctx()));
    await refused(s.reports.check(token));
    assert.equal(s.idp.calls.length, 2, 'the replay did nothing');
    assert.deepEqual(
      s.audit.events.filter((e) => e.action === 'report.confirm').map((e) => e.outcome),
      ['success', 'denied'],
    );
  });

  test('of concurrent confirmations exactly one acts', async () => {
    const s = setup();
    const token = await s.reports.issue(s.notice);
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => s.reports.confirm(token, ctx())));
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
    assert.equal(s.idp.count('revokeSessions'), 1);
  });

  test('past its expiry a link is refused, even while the store still holds it', async () => {
    const s = setup(KEY, 7, true);
    const token = await s.reports.issue(s.notice);
    s.clock.advance(TTL * 1000 - 1000);
    assert.equal((await s.reports.check(token)).kind, 'password-reset');
    s.clock.advance(1000);
    await refused(s.reports.check(token));
    await refused(s.reports.confirm(token, ctx()));
    assert.equal(s.idp.calls.length, 0);
  });
});
