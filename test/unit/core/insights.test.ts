/** The insights report: period buckets, which events count where, rows outside the period ignored. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildReport } from '../../../src/core/insights/report.js';
import type { AuditCountRow } from '../../../src/core/ports.js';

const H = 3_600_000;
const NOW = Date.UTC(2026, 11, 2, 10, 30);
const row = (hoursAgo: number, action: string, outcome: AuditCountRow['outcome'], method: string | null, tag: string, count: number): AuditCountRow => ({
  hour: Math.floor(NOW / H) * H - hoursAgo * H,
  action,
  outcome,
  method,
  tag,
  count,
});
const series = (r: ReturnType<typeof buildReport>, chart: string, id: string) => r.charts.find((c) => c.id === chart)!.series.find((s) => s.id === id)!;

test('24h: 24 hourly buckets ending with the current hour; each row counted in its bucket and chart', () => {
  const rows = [
    row(0, 'recovery.start', 'success', null, '', 3),
    row(0, 'recovery.verify', 'success', 'sms', '', 2),
    row(1, 'recovery.status', 'success', 'push', 'push-approved', 1),
    row(1, 'recovery.status', 'success', 'push', '', 5), // a status poll without approval: not a verification
    row(2, 'recovery.verify', 'failure', 'sms', 'wrong-code', 4),
    row(2, 'recovery.password', 'success', 'sms', '', 2),
    row(3, 'account.enrol', 'success', 'push', 'activated', 1),
    row(3, 'account.enrol', 'success', 'push', '', 7), // enrolment started: not a set-up
    row(3, 'helpdesk.result', 'failure', 'sms', '', 1),
    row(4, 'recovery.start', 'rate_limited', null, '', 6),
    row(24, 'recovery.start', 'success', null, '', 100), // before the period
  ];
  const r = buildReport('24h', NOW, rows);
  assert.equal(r.buckets.length, 24);
  assert.equal(r.buckets.at(-1), Math.floor(NOW / H) * H);
  assert.deepEqual(series(r, 'funnel', 'started').values.slice(-1), [3]);
  assert.equal(series(r, 'funnel', 'started').total, 3);
  assert.equal(series(r, 'funnel', 'verified').total, 3);
  assert.equal(series(r, 'methods', 'sms').total, 2);
  assert.equal(series(r, 'methods', 'push').total, 1);
  assert.equal(series(r, 'funnel', 'changed').total, 2);
  assert.equal(series(r, 'refusals', 'wrong-code').total, 4);
  assert.equal(series(r, 'refusals', 'rate-limited').total, 6);
  assert.equal(series(r, 'factors', 'enrolled').total, 1);
  assert.equal(series(r, 'helpdesk', 'failed').total, 1);
});

test('7d and 30d: daily UTC buckets; the same rows fold into days', () => {
  const rows = [row(0, 'recovery.start', 'success', null, '', 1), row(11, 'recovery.start', 'success', null, '', 2), row(40, 'recovery.start', 'success', null, '', 4)];
  const week = buildReport('7d', NOW, rows);
  assert.equal(week.buckets.length, 7);
  assert.equal(week.bucketMs, 24 * H);
  const started = series(week, 'funnel', 'started');
  assert.equal(started.total, 7);
  // 10:00 today, 23:00 yesterday, 18:00 the day before (UTC).
  assert.deepEqual(started.values.slice(-3), [4, 2, 1]);
  assert.equal(buildReport('30d', NOW, rows).buckets.length, 30);
});
